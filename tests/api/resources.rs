//! The links the program team keeps for mentees, mentors and supervisors:
//! added and removed by program administrators per field, audited, read by
//! everyone, in the approval email of each role and in supervisors' review
//! emails.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::*;

async fn links(app: &TestApp) -> Value {
    let r = app.anonymous().get("/api/resources").await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["cache-control"], "public, max-age=60");
    json_of(r).await
}

async fn the_program_team_keeps_links_per_audience_and_approved_applicants_get_theirs(
    app: TestApp,
) {
    assert_eq!(links(&app).await, json!({"links": [], "version": 0}));
    let pat = app.sign_in(PROGRAM_ADMIN).await;

    // Bad input: every field named at once, nothing stored.
    let before = app.embedded_items();
    let bad = problem(
        pat.post(
            "/api/admin/resources",
            json!({"audience": "everyone", "title": "<b>Path</b>", "url": "http://example.com/", "note": "x".repeat(301)}),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    let named: Vec<&str> = bad["errors"]
        .as_object()
        .expect("errors")
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(named, ["audience", "note", "title", "url"], "{bad}");
    assert!(before == app.embedded_items(), "bad input changes nothing");

    let path = json!({"audience": "mentees", "title": "Mentee learning path",
                      "url": "https://www.linkedin.com/learning/paths/mentee",
                      "note": "Courses you finish are added to your training record."});
    let r = pat.post("/api/admin/resources", path).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let ess = json!({"audience": "mentors", "title": "ESS portal",
                     "url": "https://ess.mo.gov/"});
    let added = json_of(pat.post("/api/admin/resources", ess).await).await;
    assert_eq!(added["version"], 2);
    let guide = json!({"audience": "supervisors", "title": "Supervisor's guide",
                       "url": "https://guides.mo.gov/supervisors"});
    let r = pat.post("/api/admin/resources", guide).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let listed = links(&app).await;
    let all = listed["links"].as_array().expect("links");
    assert_eq!(all.len(), 3);
    assert_eq!(all[0]["audience"], "mentees");
    assert_eq!(all[1]["note"], Value::Null);

    // An approved mentee's email carries the mentees' link, not the mentors';
    // an approved mentor's, the mentors'.
    let sam = app.sign_in(SUPERVISOR).await;
    for (email, form, theirs, not_theirs) in [
        (
            ADA,
            mentee_form(SUPERVISOR),
            "Mentee learning path: https://www.linkedin.com/learning/paths/mentee",
            "ESS portal",
        ),
        (
            MAX,
            mentor_form(SUPERVISOR),
            "ESS portal: https://ess.mo.gov/",
            "Mentee learning path",
        ),
    ] {
        let applicant = app.sign_in(email).await;
        let r = applicant.apply(form).await;
        assert_eq!(r.status(), StatusCode::CREATED);
        let id = json_of(r).await["id"].as_str().expect("id").to_string();
        // The supervisor's review email carries the supervisors' link.
        let review = app.mail_to(SUPERVISOR).await.pop().expect("review email");
        assert!(
            review
                .text
                .contains("Supervisor's guide: https://guides.mo.gov/supervisors")
                && !review.text.contains("ESS portal"),
            "{}",
            review.text
        );
        let r = sam
            .post(
                &format!("/api/applications/{id}/decision"),
                json!({"outcome": "approve"}),
            )
            .await;
        assert_eq!(r.status(), StatusCode::OK);
        app.after_undo_window().await;
        let approved = app.mail_to(email).await.pop().expect("approval email");
        assert!(
            approved.subject.contains("is approved"),
            "{}",
            approved.subject
        );
        assert!(
            approved.text.contains(theirs) && !approved.text.contains(not_theirs),
            "{}",
            approved.text
        );
    }

    // Removing one; an unknown one is not found.
    let id = all[0]["id"].as_str().expect("id");
    let left = json_of(pat.delete(&format!("/api/admin/resources/{id}")).await).await;
    assert_eq!(left["links"].as_array().map(Vec::len), Some(2));
    problem(
        pat.delete(&format!("/api/admin/resources/{id}")).await,
        StatusCode::NOT_FOUND,
    )
    .await;
    let trail = app.store.resource_links_audit().await.expect("audit");
    let notes: Vec<_> = trail.iter().filter_map(|e| e.note.as_deref()).collect();
    assert_eq!(
        notes,
        [
            "Mentee learning path for mentees: https://www.linkedin.com/learning/paths/mentee",
            "ESS portal for mentors: https://ess.mo.gov/",
            "Supervisor's guide for supervisors: https://guides.mo.gov/supervisors",
            "Mentee learning path for mentees: https://www.linkedin.com/learning/paths/mentee",
        ]
    );
}

#[tokio::test]
async fn the_program_team_keeps_links_per_audience_and_approved_applicants_get_theirs_on_the_embedded_store()
 {
    the_program_team_keeps_links_per_audience_and_approved_applicants_get_theirs(spawn_app().await)
        .await;
}

#[tokio::test]
async fn the_program_team_keeps_links_per_audience_and_approved_applicants_get_theirs_on_dynamodb()
{
    the_program_team_keeps_links_per_audience_and_approved_applicants_get_theirs(
        spawn_app_on_dynamodb("links").await,
    )
    .await;
}

#[tokio::test]
async fn at_most_forty_links_are_kept() {
    let app = spawn_app().await;
    let pat = app.sign_in(PROGRAM_ADMIN).await;
    for n in 0..40 {
        let link = json!({"audience": "supervisors", "title": format!("Guide {n}"),
                          "url": format!("https://guides.mo.gov/{n}")});
        let r = pat.post("/api/admin/resources", link).await;
        assert_eq!(r.status(), StatusCode::CREATED, "link {n}");
    }
    let more = json!({"audience": "supervisors", "title": "One more",
                      "url": "https://guides.mo.gov/more"});
    let refused = problem(
        pat.post("/api/admin/resources", more).await,
        StatusCode::CONFLICT,
    )
    .await;
    assert!(
        refused["detail"]
            .as_str()
            .is_some_and(|d| d.contains("already 40 links")),
        "{refused}"
    );
}
