use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::*;

const GRACE: &str = "grace.hopper@mo.gov";

#[tokio::test]
async fn mentee_application_goes_to_the_supervisor_with_a_review_link() {
    let app = spawn_app().await;
    let ada = app.sign_in("ada.lovelace@mo.gov").await;
    let r = ada.apply(mentee_form(GRACE)).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let created = json_of(r).await;
    assert_eq!(created["status"], "pending");
    assert_eq!(created["email"], "ada.lovelace@mo.gov");
    assert_eq!(created["skills"][0]["id"], "data-analysis");
    assert_eq!(created["skills"][1]["kind"], "soft");
    let id = created["id"].as_str().expect("id").to_string();

    let received = app.mail_to("ada.lovelace@mo.gov").await;
    assert!(
        received.iter().any(|m| m.subject.contains("received")),
        "applicant told"
    );
    let review = app.mail_to(GRACE).await;
    assert_eq!(review.len(), 1);
    assert!(
        review[0]
            .text
            .contains(&format!("{}/signin/confirm/#token=", app.base)),
        "a task link: {}",
        review[0].text
    );

    let mine = json_of(ada.get("/api/applications").await).await;
    assert_eq!(mine["applications"][0]["id"], json!(id));
    assert_eq!(mine["applications"][0]["prior_mentees"], json!([]));
}

#[tokio::test]
async fn applying_requires_signing_in() {
    let app = spawn_app().await;
    problem(
        app.anonymous().apply(mentee_form(GRACE)).await,
        StatusCode::UNAUTHORIZED,
    )
    .await;
    problem(
        app.anonymous().get("/api/applications").await,
        StatusCode::UNAUTHORIZED,
    )
    .await;
}

/// Each bad form, and the fields its answer must name.
fn bad_forms() -> Vec<(&'static str, Value, Vec<&'static str>)> {
    let with = |changes: Value| {
        let mut form = mentee_form(GRACE);
        for (k, v) in changes.as_object().expect("object") {
            form[k] = v.clone();
        }
        form
    };
    let seven: Vec<&str> = vec![
        "budgeting",
        "hiring",
        "grant-writing",
        "leadership",
        "teamwork",
        "listening",
        "networking",
    ];
    vec![
        (
            "two skills",
            with(json!({"skills": ["leadership", "budgeting"]})),
            vec!["skills"],
        ),
        (
            "seven skills",
            with(json!({"skills": seven})),
            vec!["skills"],
        ),
        (
            "repeated skill",
            with(json!({"skills": ["leadership", "budgeting", "leadership"]})),
            vec!["skills"],
        ),
        (
            "unknown skill",
            with(json!({"skills": ["leadership", "budgeting", "juggling"]})),
            vec!["skills"],
        ),
        (
            "unknown department",
            with(json!({"department": "ministry-of-magic"})),
            vec!["department"],
        ),
        (
            "missing agreement",
            with(json!({"agreement": false})),
            vec!["agreement"],
        ),
        (
            "malformed supervisor email",
            with(json!({"supervisor_email": "grace@"})),
            vec!["supervisor_email"],
        ),
        (
            "supervisor outside the program",
            with(json!({"supervisor_email": "grace@gmail.com"})),
            vec!["supervisor_email"],
        ),
        (
            "oversized bio",
            with(json!({"bio": "a".repeat(1501)})),
            vec!["bio"],
        ),
        (
            "script in bio",
            with(json!({"bio": "Hi <script>alert(1)</script>"})),
            vec!["bio"],
        ),
        (
            "markup in job title",
            with(json!({"job_title": "<b>Boss</b>"})),
            vec!["job_title"],
        ),
        (
            "unknown working hours",
            with(json!({"working_hours": "weekends"})),
            vec!["working_hours"],
        ),
        (
            "unknown role",
            with(json!({"role": "sponsor"})),
            vec!["role"],
        ),
        (
            "own supervisor",
            with(json!({"supervisor_email": "ada.lovelace@mo.gov"})),
            vec!["supervisor_email"],
        ),
        (
            "eligibility not attested",
            with(json!({"full_time": false, "not_at_risk": null})),
            vec!["full_time", "not_at_risk"],
        ),
        (
            "skills not a list",
            with(json!({"skills": "leadership"})),
            vec!["skills"],
        ),
        ("missing goals", with(json!({"goals": ""})), vec!["goals"]),
        (
            "bad phone",
            with(json!({"phone": "call me"})),
            vec!["phone"],
        ),
        (
            "many problems at once",
            with(json!({"first_name": "", "skills": [], "agreement": null, "department": ""})),
            vec!["first_name", "skills", "agreement", "department"],
        ),
    ]
}

#[tokio::test]
async fn bad_input_is_refused_naming_each_field_and_stores_nothing() {
    let app = spawn_app().await;
    let ada = app.sign_in("ada.lovelace@mo.gov").await;
    let mails_before = app.mail_count().await;
    for (case, form, fields) in bad_forms() {
        let body = problem(ada.apply(form).await, StatusCode::UNPROCESSABLE_ENTITY).await;
        let errors = body["errors"].as_object().expect("errors object");
        let mut named: Vec<&str> = errors.keys().map(String::as_str).collect();
        named.sort_unstable();
        let mut expected = fields.clone();
        expected.sort_unstable();
        assert_eq!(named, expected, "{case}: {body}");
        for field in fields {
            assert!(
                errors[field].as_str().is_some_and(|m| !m.is_empty()),
                "{case}: message for {field}"
            );
        }
    }
    assert_eq!(
        json_of(ada.get("/api/applications").await).await["applications"],
        json!([])
    );
    assert_eq!(
        app.mail_count().await,
        mails_before,
        "no email for refused input"
    );
}

#[tokio::test]
async fn checking_answers_names_the_same_fields_as_applying_and_changes_nothing() {
    let app = spawn_app().await;
    let ada = app.sign_in("ada.lovelace@mo.gov").await;
    let mails_before = app.mail_count().await;
    for (case, form, _) in bad_forms() {
        let checked = problem(
            ada.post("/api/applications/check", form.clone()).await,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
        let applied = problem(ada.apply(form).await, StatusCode::UNPROCESSABLE_ENTITY).await;
        assert_eq!(checked["errors"], applied["errors"], "{case}: one voice");
    }
    // Checked more often than a day's changes allow: checks are not counted,
    // and the application still goes.
    let limit = moments_adapters::http::limits::APPLICATION_CHANGES_PER_PERSON
        .window
        .max;
    for _ in 0..=limit {
        let r = ada
            .post("/api/applications/check", mentee_form(GRACE))
            .await;
        assert_eq!(r.status(), StatusCode::NO_CONTENT);
    }
    assert_eq!(
        json_of(ada.get("/api/applications").await).await["applications"],
        json!([]),
        "a check stores nothing"
    );
    assert_eq!(
        app.mail_count().await,
        mails_before,
        "a check sends nothing"
    );
    assert_eq!(
        ada.apply(mentee_form(GRACE)).await.status(),
        StatusCode::CREATED
    );
    problem(
        app.anonymous()
            .post("/api/applications/check", mentee_form(GRACE))
            .await,
        StatusCode::UNAUTHORIZED,
    )
    .await;
}

#[tokio::test]
async fn a_body_that_is_not_a_json_object_is_a_clear_400() {
    let app = spawn_app().await;
    let ada = app.sign_in("ada.lovelace@mo.gov").await;
    let r = ada
        .client
        .post(app.url("/api/applications"))
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .expect("POST");
    problem(r, StatusCode::BAD_REQUEST).await;
    problem(
        ada.post("/api/applications", json!(["a list"])).await,
        StatusCode::BAD_REQUEST,
    )
    .await;
}

#[tokio::test]
async fn one_application_per_role_but_both_roles_allowed() {
    let app = spawn_app().await;
    let ada = app.sign_in("ada.lovelace@mo.gov").await;
    assert_eq!(
        ada.apply(mentee_form(GRACE)).await.status(),
        StatusCode::CREATED
    );
    problem(ada.apply(mentee_form(GRACE)).await, StatusCode::CONFLICT).await;
    let r = ada.apply(mentor_form(GRACE)).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let mentor = json_of(r).await;
    assert_eq!(mentor["prior_mentees"], json!(["kim.lee@mo.gov"]));
    assert_eq!(
        json_of(ada.get("/api/applications").await).await["applications"]
            .as_array()
            .map(Vec::len),
        Some(2)
    );
}

#[tokio::test]
async fn prior_mentees_are_never_shown_to_the_supervisor() {
    let app = spawn_app().await;
    let ada = app.sign_in("ada.lovelace@mo.gov").await;
    let id = json_of(ada.apply(mentor_form(GRACE)).await).await["id"]
        .as_str()
        .expect("id")
        .to_string();
    let grace = app.sign_in(GRACE).await;
    let seen = json_of(grace.get(&format!("/api/applications/{id}")).await).await;
    assert!(seen.get("prior_mentees").is_none(), "{seen}");
    assert_eq!(
        seen["bio"],
        json!("Analyst in collections reporting; curious about leading a team.")
    );
}

#[tokio::test]
async fn someone_else_cannot_read_or_change_an_application() {
    let app = spawn_app().await;
    let ada = app.sign_in("ada.lovelace@mo.gov").await;
    let id = json_of(ada.apply(mentee_form(GRACE)).await).await["id"]
        .as_str()
        .expect("id")
        .to_string();
    let eve = app.sign_in("eve.other@mo.gov").await;
    problem(
        eve.get(&format!("/api/applications/{id}")).await,
        StatusCode::FORBIDDEN,
    )
    .await;
    problem(
        eve.put(
            &format!("/api/applications/{id}"),
            mentee_form("eve.boss@mo.gov"),
        )
        .await,
        StatusCode::FORBIDDEN,
    )
    .await;
    let reroute = json!({"supervisor_first_name": "Eve", "supervisor_last_name": "Boss", "supervisor_email": "eve.boss@mo.gov"});
    problem(
        eve.put(
            &format!("/api/applications/{id}/supervisor"),
            reroute.clone(),
        )
        .await,
        StatusCode::FORBIDDEN,
    )
    .await;
    // The supervisor may read it but not change it.
    let grace = app.sign_in(GRACE).await;
    problem(
        grace
            .put(&format!("/api/applications/{id}/supervisor"), reroute)
            .await,
        StatusCode::FORBIDDEN,
    )
    .await;
    let still = json_of(ada.get(&format!("/api/applications/{id}")).await).await;
    assert_eq!(still["supervisor"]["email"], GRACE);
    problem(
        eve.get("/api/applications/not-an-id").await,
        StatusCode::NOT_FOUND,
    )
    .await;
}

/// Before: "now goes to Pat Lee", the supervisor's name overwritten, and
/// nobody emailed.
#[tokio::test]
async fn rerouting_to_the_address_it_already_goes_to_is_refused_and_changes_nothing() {
    let app = spawn_app().await;
    let ada = app.sign_in("ada.lovelace@mo.gov").await;
    let id = json_of(ada.apply(mentee_form(GRACE)).await).await["id"]
        .as_str()
        .expect("id")
        .to_string();
    let mails = app.mail_count().await;
    let before = app.table_items();
    let same = json!({"supervisor_first_name": "Pat", "supervisor_last_name": "Lee", "supervisor_email": GRACE.to_uppercase()});
    let body = problem(
        ada.put(&format!("/api/applications/{id}/supervisor"), same)
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert!(
        body["errors"]["supervisor_email"]
            .as_str()
            .is_some_and(|e| e.contains("already goes to this address")),
        "{body}"
    );
    assert_eq!(app.table_items(), before, "nothing stored changes");
    assert_eq!(app.mail_count().await, mails, "no one is emailed");
}

#[tokio::test]
async fn rerouting_sends_the_review_to_the_new_supervisor() {
    let app = spawn_app().await;
    let ada = app.sign_in("ada.lovelace@mo.gov").await;
    let id = json_of(ada.apply(mentee_form(GRACE)).await).await["id"]
        .as_str()
        .expect("id")
        .to_string();
    let bad = json!({"supervisor_first_name": "", "supervisor_last_name": "Knuth", "supervisor_email": "nope"});
    let body = problem(
        ada.put(&format!("/api/applications/{id}/supervisor"), bad)
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert!(
        body["errors"]["supervisor_first_name"].is_string()
            && body["errors"]["supervisor_email"].is_string()
    );

    let to_don = json!({"supervisor_first_name": "Don", "supervisor_last_name": "Knuth", "supervisor_email": "don.knuth@mo.gov"});
    let r = ada
        .put(
            &format!("/api/applications/{id}/supervisor"),
            to_don.clone(),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(json_of(r).await["supervisor"]["email"], "don.knuth@mo.gov");
    // Don's link signs him in for this application.
    let token = token_in(&app.mail_to("don.knuth@mo.gov").await[0].text).expect("task link");
    let don = app.anonymous();
    let started = json_of(don.post("/api/auth/session", json!({"token": token})).await).await;
    assert_eq!(started["email"], "don.knuth@mo.gov");
    assert_eq!(started["next"], format!("/review/?application={id}"));

    let grace = app.sign_in(GRACE).await;
    let queue = json_of(grace.get("/api/reviews").await).await;
    assert_eq!(
        queue["supervisor"]["pending"],
        json!([]),
        "old supervisor no longer asked"
    );
    problem(
        grace
            .post(
                &format!("/api/applications/{id}/decision"),
                json!({"outcome": "approve"}),
            )
            .await,
        StatusCode::FORBIDDEN,
    )
    .await;

    let don = app.sign_in("don.knuth@mo.gov").await;
    let queue = json_of(don.get("/api/reviews").await).await;
    assert_eq!(queue["supervisor"]["pending"][0]["id"], json!(id));
    assert_eq!(
        don.post(
            &format!("/api/applications/{id}/decision"),
            json!({"outcome": "approve"})
        )
        .await
        .status(),
        StatusCode::OK
    );

    // Once decided, the review cannot be rerouted.
    problem(
        ada.put(&format!("/api/applications/{id}/supervisor"), to_don)
            .await,
        StatusCode::CONFLICT,
    )
    .await;
}

#[tokio::test]
async fn edits_keep_an_approved_application_approved() {
    let app = spawn_app().await;
    let ada = app.sign_in("ada.lovelace@mo.gov").await;
    let id = json_of(ada.apply(mentee_form(GRACE)).await).await["id"]
        .as_str()
        .expect("id")
        .to_string();
    let grace = app.sign_in(GRACE).await;
    grace
        .post(
            &format!("/api/applications/{id}/decision"),
            json!({"outcome": "approve"}),
        )
        .await;

    // The eligibility statements made when she applied stand: an edit
    // need not make them again.
    let mut form = mentee_form(GRACE);
    for statement in [
        "full_time",
        "not_at_risk",
        "no_disciplinary_action",
        "agreement",
    ] {
        form.as_object_mut().expect("form").remove(statement);
    }
    form["job_title"] = json!("Senior Revenue Analyst");
    form["skills"] = json!(["leadership", "data-analysis", "budgeting", "teamwork"]);
    let edited = json_of(
        ada.put(&format!("/api/applications/{id}"), form.clone())
            .await,
    )
    .await;
    assert_eq!(edited["status"], "approved");
    assert_eq!(edited["job_title"], "Senior Revenue Analyst");
    assert_eq!(edited["skills"].as_array().map(Vec::len), Some(4));

    form["skills"] = json!(["leadership"]);
    let body = problem(
        ada.put(&format!("/api/applications/{id}"), form).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert!(body["errors"]["skills"].is_string());
    let unchanged = json_of(ada.get(&format!("/api/applications/{id}")).await).await;
    assert_eq!(unchanged["skills"].as_array().map(Vec::len), Some(4));

    let mut other_role = mentee_form(GRACE);
    other_role["role"] = json!("mentor");
    problem(
        ada.put(&format!("/api/applications/{id}"), other_role)
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
}

#[tokio::test]
async fn editing_a_denied_application_sends_it_for_review_again() {
    let app = spawn_app().await;
    let ada = app.sign_in("ada.lovelace@mo.gov").await;
    let id = json_of(ada.apply(mentee_form(GRACE)).await).await["id"]
        .as_str()
        .expect("id")
        .to_string();
    let grace = app.sign_in(GRACE).await;
    grace
        .post(
            &format!("/api/applications/{id}/decision"),
            json!({"outcome": "deny"}),
        )
        .await;
    let reviews_before = app
        .mail_to(GRACE)
        .await
        .iter()
        .filter(|m| m.subject.contains("review"))
        .count();

    // A new review asks for the eligibility statements again.
    let mut unstated = mentee_form(GRACE);
    unstated.as_object_mut().expect("form").remove("full_time");
    let body = problem(
        ada.put(&format!("/api/applications/{id}"), unstated).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert!(body["errors"]["full_time"].is_string(), "{body}");

    let again = json_of(
        ada.put(&format!("/api/applications/{id}"), mentee_form(GRACE))
            .await,
    )
    .await;
    assert_eq!(again["status"], "pending");
    assert_eq!(again["decision"], Value::Null);
    let reviews_after = app
        .mail_to(GRACE)
        .await
        .iter()
        .filter(|m| m.subject.contains("review"))
        .count();
    assert_eq!(reviews_after, reviews_before + 1);
}

#[tokio::test]
async fn catalogue_lists_skills_departments_and_hours() {
    let app = spawn_app().await;
    let c = json_of(app.anonymous().get("/api/catalogue").await).await;
    assert!(c["career_skills"].as_array().is_some_and(|s| s.len() >= 6));
    assert!(c["soft_skills"].as_array().is_some_and(|s| s.len() >= 6));
    assert!(
        c["departments"]
            .as_array()
            .is_some_and(|d| d.iter().any(|d| d["id"] == "revenue"))
    );
    assert_eq!(c["working_hours"].as_array().map(Vec::len), Some(3));
}
