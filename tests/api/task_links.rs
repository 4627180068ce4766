//! Links that sign you in for their task: the email asking a supervisor to
//! review, or a mentor to answer a request, carries a one-use token for
//! that person and that page, in the link's fragment. Before, the emailed
//! link led to a sign-in page that sent a second email.

use jiff::SignedDuration;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::*;

/// What the confirm page learns about a link before signing in.
async fn about(p: &Person, token: &str) -> reqwest::Response {
    p.post("/api/auth/link/about", json!({"token": token}))
        .await
}

#[tokio::test]
async fn a_supervisor_approves_from_the_review_email_with_three_requests_and_no_second_email() {
    let app = spawn_app().await;
    let ada = app.sign_in("ada.lovelace@mo.gov").await;
    let r = ada.apply(mentee_form(SUPERVISOR)).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let id = json_of(r).await["id"].as_str().expect("id").to_string();
    let mails = app.mail_to(SUPERVISOR).await;
    assert_eq!(mails.len(), 1);
    let mail = &mails[0];
    assert!(
        mail.text.contains(&format!("signs you in as {SUPERVISOR}")),
        "{}",
        mail.text
    );
    let token = token_in(&mail.text).expect("a task link");

    // The page the link opens says whom it signs in and what for.
    let browser = app.anonymous();
    let said = json_of(about(&browser, &token).await).await;
    assert_eq!(said["email"], SUPERVISOR);
    assert_eq!(said["task"], "review Ada Lovelace's mentee application");
    let expires: jiff::Timestamp = said["expires_at"]
        .as_str()
        .expect("expiry")
        .parse()
        .expect("time");
    // Kept to the second, as DynamoDB's TTL reads it.
    let week = app.now() + SignedDuration::from_hours(7 * 24);
    assert_eq!(expires.as_second(), week.as_second());

    // One press signs in and opens the application; one more approves.
    let started = json_of(
        browser
            .post("/api/auth/session", json!({"token": token}))
            .await,
    )
    .await;
    assert_eq!(started["email"], SUPERVISOR);
    assert_eq!(started["next"], format!("/review/?application={id}"));
    let r = browser
        .post(
            &format!("/api/applications/{id}/decision"),
            json!({"outcome": "approved"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(app.mail_to(SUPERVISOR).await.len(), 1, "no second email");

    // The link worked once.
    problem(about(&browser, &token).await, StatusCode::GONE).await;
    problem(
        app.anonymous()
            .post("/api/auth/session", json!({"token": token}))
            .await,
        StatusCode::GONE,
    )
    .await;
}

#[tokio::test]
async fn a_mentor_accepts_from_the_request_email_and_the_link_is_theirs_alone() {
    let app = spawn_app().await;
    let (ada, _, _, request) = pair_up(&app).await;
    let mail = app
        .mail_to(MAX)
        .await
        .into_iter()
        .find(|m| m.subject.contains("would like you as their"))
        .expect("request email");
    let token = token_in(&mail.text).expect("a task link");

    let max = app.anonymous();
    let said = json_of(about(&max, &token).await).await;
    assert_eq!(said["email"], MAX);
    assert!(
        said["task"]
            .as_str()
            .is_some_and(|t| t.starts_with("answer ") && t.contains("request")),
        "{said}"
    );
    let started = json_of(max.post("/api/auth/session", json!({"token": token})).await).await;
    assert_eq!(started["next"], format!("/requests/?id={request}"));
    let r = max
        .post(&format!("/api/requests/{request}/accept"), json!({}))
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    // The session is Max's, not a pass to anything else of Ada's.
    problem(
        max.get(&format!(
            "/api/applications/{}",
            json_of(ada.get("/api/applications").await).await["applications"][0]["id"]
                .as_str()
                .expect("ada's application")
        ))
        .await,
        StatusCode::FORBIDDEN,
    )
    .await;
}

#[tokio::test]
async fn a_task_link_expires_after_a_week() {
    let app = spawn_app().await;
    let ada = app.sign_in("ada.lovelace@mo.gov").await;
    assert_eq!(
        ada.apply(mentee_form(SUPERVISOR)).await.status(),
        StatusCode::CREATED
    );
    let token = token_in(&app.mail_to(SUPERVISOR).await[0].text).expect("task link");
    app.advance(SignedDuration::from_hours(7 * 24));
    let gone: Value = problem(about(&app.anonymous(), &token).await, StatusCode::GONE).await;
    assert!(
        gone["detail"]
            .as_str()
            .is_some_and(|d| d.contains("expired")),
        "{gone}"
    );
}

#[tokio::test]
async fn an_administrator_gets_the_plain_address_and_signs_in_as_usual() {
    let app = spawn_app().await;
    app.make_department_admin(SUPERVISOR, "revenue").await;
    let ada = app.sign_in("ada.lovelace@mo.gov").await;
    let r = ada.apply(mentee_form(SUPERVISOR)).await;
    let id = json_of(r).await["id"].as_str().expect("id").to_string();
    let mail = &app.mail_to(SUPERVISOR).await[0];
    assert!(token_in(&mail.text).is_none(), "{}", mail.text);
    assert!(mail.text.contains(&format!("/review/?application={id}")));
    assert!(!mail.text.contains("signs you in"));
}

#[tokio::test]
async fn the_sign_in_link_carries_its_token_in_the_fragment_and_says_whom_it_signs_in() {
    let app = spawn_app().await;
    let p = app.anonymous();
    let r = p
        .post("/api/auth/link", json!({"email": "a.b@mo.gov"}))
        .await;
    assert_eq!(r.status(), StatusCode::ACCEPTED);
    let text = app.mail_to("a.b@mo.gov").await.pop().expect("mail").text;
    // Before: `/signin/confirm/?token=`, which servers log.
    assert!(!text.contains("?token="), "{text}");
    let token = token_in(&text).expect("a token in the fragment");
    let said = json_of(about(&p, &token).await).await;
    assert_eq!(said["email"], "a.b@mo.gov");
    assert_eq!(said["task"], Value::Null);
    // Asking does not use it up.
    let r = p.post("/api/auth/session", json!({"token": token})).await;
    assert_eq!(r.status(), StatusCode::OK);
    let bad = problem(about(&p, "").await, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert!(bad["errors"]["token"].is_string());
}

#[tokio::test]
async fn signing_out_everywhere_and_erasure_void_unused_links() {
    let app = spawn_app().await;
    let ada = app.sign_in("ada.lovelace@mo.gov").await;
    assert_eq!(
        ada.apply(mentee_form(SUPERVISOR)).await.status(),
        StatusCode::CREATED
    );
    let review = token_in(&app.mail_to(SUPERVISOR).await[0].text).expect("task link");
    let pat = app.sign_in(PROGRAM_ADMIN).await;
    let r = pat
        .post("/api/admin/people/signout", json!({"email": SUPERVISOR}))
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    // Before: the week-long link still signed the supervisor in.
    problem(
        app.anonymous()
            .post("/api/auth/session", json!({"token": review}))
            .await,
        StatusCode::GONE,
    )
    .await;

    // Cy asks for her data to be removed with a link still unused.
    let cy = app.sign_in("cy.other@mo.gov").await;
    let unused = app.request_link(&app.anonymous(), "cy.other@mo.gov").await;
    assert_eq!(
        cy.post("/api/privacy/erasure", json!({})).await.status(),
        StatusCode::ACCEPTED
    );
    let r = pat
        .post("/api/admin/erasures/cy.other@mo.gov", json!({}))
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    problem(about(&app.anonymous(), &unused).await, StatusCode::GONE).await;
}
