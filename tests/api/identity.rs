//! One person, one identity, and mail that cannot be turned against its
//! readers: tagged aliases of an address are that address (for signing in,
//! limits and supervisors), applicants cannot mail supervisors without
//! bound, applicant-written text stays out of subjects, and an approval
//! does not outlive what it vouched for.

use moments_adapters::http::limits::REVIEW_MAILS_PER_PERSON;
use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::*;

const DEE: &str = "dee.walker@mo.gov";

#[tokio::test]
async fn an_applicant_cannot_approve_herself_through_an_address_alias() {
    let app = spawn_app().await;
    let dee = app.sign_in(DEE).await;
    let r = dee.apply(mentee_form("Dee.Walker+boss@mo.gov")).await;
    let body = problem(r, StatusCode::UNPROCESSABLE_ENTITY).await;
    let said = body["errors"]["supervisor_email"]
        .as_str()
        .unwrap_or_default();
    assert!(
        said.contains("your own mailbox (dee.walker@mo.gov)"),
        "{body}"
    );
    assert!(app.mail_to(DEE).await.len() == 1, "only the sign-in link");

    // Signing in under the alias is signing in as Dee, with her applications.
    let alias = app.anonymous();
    let r = alias
        .post("/api/auth/link", json!({"email": "Dee.Walker+boss@MO.gov"}))
        .await;
    assert_eq!(r.status(), StatusCode::ACCEPTED);
    let token = token_in(&app.mail_to(DEE).await.pop().expect("link").text).expect("token");
    let r = alias
        .post("/api/auth/session", json!({"token": token}))
        .await;
    assert_eq!(json_of(r).await["email"], DEE);
    assert_eq!(json_of(alias.get("/api/me").await).await["email"], DEE);
}

#[tokio::test]
async fn aliases_of_one_address_share_its_sign_in_limit() {
    let app = spawn_app().await;
    for n in 0..5 {
        let r = app
            .anonymous()
            .post(
                "/api/auth/link",
                json!({"email": format!("dee.walker+{n}@mo.gov")}),
            )
            .await;
        assert_eq!(r.status(), StatusCode::ACCEPTED);
    }
    let r = app
        .anonymous()
        .post("/api/auth/link", json!({"email": "dee.walker+six@mo.gov"}))
        .await;
    problem(r, StatusCode::TOO_MANY_REQUESTS).await;
    assert_eq!(app.mail_to(DEE).await.len(), 5);
}

#[tokio::test]
async fn review_emails_an_applicant_can_cause_are_limited_per_day() {
    let app = spawn_app().await;
    let dee = app.sign_in(DEE).await;
    let r = dee.apply(mentee_form(SUPERVISOR)).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let id = json_of(r).await["id"].as_str().expect("id").to_string();
    let max = REVIEW_MAILS_PER_PERSON.window.max as usize;
    let boss = |n: usize| {
        json!({"supervisor_first_name": "Some", "supervisor_last_name": "One",
               "supervisor_email": format!("boss{n}@mo.gov")})
    };
    for n in 1..max {
        let r = dee
            .put(&format!("/api/applications/{id}/supervisor"), boss(n))
            .await;
        assert_eq!(r.status(), StatusCode::OK, "reroute {n}");
    }
    let r = dee
        .put(&format!("/api/applications/{id}/supervisor"), boss(max))
        .await;
    let body = problem(r, StatusCode::TOO_MANY_REQUESTS).await;
    assert!(
        body["detail"]
            .as_str()
            .unwrap_or_default()
            .contains("department administrator"),
        "{body}"
    );
    assert!(app.mail_to(&format!("boss{max}@mo.gov")).await.is_empty());
    let stored = json_of(dee.get(&format!("/api/applications/{id}")).await).await;
    assert_eq!(
        stored["supervisor"]["email"],
        format!("boss{}@mo.gov", max - 1),
        "nothing changed"
    );

    // Edits that mail nobody are not review emails.
    let mut form = mentee_form(&format!("boss{}@mo.gov", max - 1));
    form["bio"] = json!("A new bio.");
    let r = dee.put(&format!("/api/applications/{id}"), form).await;
    assert_eq!(r.status(), StatusCode::OK);
}

#[tokio::test]
async fn review_emails_carry_no_applicant_words_in_the_subject() {
    let app = spawn_app().await;
    let dee = app.sign_in(DEE).await;
    let mut form = mentee_form(SUPERVISOR);
    for (title, says) in [
        ("Please log in at https://evil.example/sso", "evil.example"),
        ("Analyst\u{202E}", "invisible"),
    ] {
        form["job_title"] = json!(title);
        let body = problem(
            dee.apply(form.clone()).await,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
        assert!(
            body["errors"]["job_title"]
                .as_str()
                .unwrap_or_default()
                .contains(says),
            "{body}"
        );
    }

    form["job_title"] = json!("Urgent Action Required");
    assert_eq!(dee.apply(form).await.status(), StatusCode::CREATED);
    let review = app.mail_to(SUPERVISOR).await.pop().expect("review email");
    assert_eq!(
        review.subject,
        "A MOments mentee application is waiting for your review"
    );
    assert!(
        review.text.contains("As written on their application (not checked by MOments):\n  Name: Ada Lovelace\n  Job title: Urgent Action Required"),
        "{}",
        review.text
    );
}

#[tokio::test]
async fn a_new_department_or_supervisor_sends_an_approval_back_for_review() {
    let app = spawn_app().await;
    let dee = app.sign_in(DEE).await;
    let r = dee.apply(mentor_form(SUPERVISOR)).await;
    let id = json_of(r).await["id"].as_str().expect("id").to_string();
    let sam = app.sign_in(SUPERVISOR).await;
    let r = sam
        .post(
            &format!("/api/applications/{id}/decision"),
            json!({"outcome": "approve"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let ada = app.sign_in("ada.someone@mo.gov").await;
    let listed = |v: serde_json::Value| v["mentors"].as_array().map_or(0, Vec::len);
    assert_eq!(listed(json_of(ada.get("/api/mentors").await).await), 1);

    // Title and place keep it approved.
    let mut form = mentor_form(SUPERVISOR);
    form["job_title"] = json!("Senior Revenue Analyst");
    form["work_location"] = json!("Kansas City");
    let edited = json_of(
        dee.put(&format!("/api/applications/{id}"), form.clone())
            .await,
    )
    .await;
    assert_eq!(edited["status"], "approved");

    // A move to another department is not something Sam vouched for.
    let before = app.mail_to(SUPERVISOR).await.len();
    form["department"] = json!("mental-health");
    let edited = json_of(dee.put(&format!("/api/applications/{id}"), form).await).await;
    assert_eq!(edited["status"], "pending");
    assert_eq!(edited["decision"], json!(null));
    assert_eq!(
        app.mail_to(SUPERVISOR).await.len(),
        before + 1,
        "asked to review again"
    );
    assert_eq!(
        listed(json_of(ada.get("/api/mentors").await).await),
        0,
        "no longer listed"
    );
}
