//! The Monday digest: one email per supervisor and per department
//! administrator, listing what waits for them; a repeated run in the same
//! week sends nothing new.

use jiff::SignedDuration;
use moments_adapters::deps::as_function;
use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::*;

async fn apply(app: &TestApp, email: &str, supervisor: &str, department: &str) -> String {
    let p = app.sign_in(email).await;
    let mut form = mentee_form(supervisor);
    form["department"] = json!(department);
    let r = p.apply(form).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    json_of(r).await["id"].as_str().expect("id").to_string()
}

async fn digest_scenario(app: TestApp) {
    let a = apply(&app, "ada.one@mo.gov", "grace.hopper@mo.gov", "revenue").await;
    app.advance(SignedDuration::from_hours(8 * 24));
    let b = apply(&app, "bob.two@mo.gov", "grace.hopper@mo.gov", "revenue").await;
    let c = apply(
        &app,
        "cy.three@mo.gov",
        "don.knuth@mo.gov",
        "transportation",
    )
    .await;
    app.make_department_admin("dana.admin@mo.gov", "revenue")
        .await;
    // Decided applications are not listed.
    let decided = apply(
        &app,
        "dee.four@mo.gov",
        "don.knuth@mo.gov",
        "transportation",
    )
    .await;
    let don = app.sign_in("don.knuth@mo.gov").await;
    assert_eq!(
        don.post(
            &format!("/api/applications/{decided}/decision"),
            json!({"outcome": "approve"})
        )
        .await
        .status(),
        StatusCode::OK
    );

    let before = app.mail_count().await;
    let summary = as_function(
        "moments-digest",
        moments_digest::run(&app.jobs.deps, app.jobs.deps.now()),
    )
    .await
    .expect("digest");
    assert_eq!((summary.sent, summary.already_sent), (3, 0));
    assert_eq!(app.mail_count().await, before + 3);

    let grace = app
        .mail_to("grace.hopper@mo.gov")
        .await
        .pop()
        .expect("digest");
    assert!(
        grace.subject.contains("2 applications"),
        "{}",
        grace.subject
    );
    let new_at = grace.text.find("New this week").expect("new section");
    let old_at = grace
        .text
        .find("Still waiting")
        .expect("outstanding section");
    assert!(grace.text[new_at..old_at].contains(&format!("/review/?application={b}")));
    assert!(grace.text[old_at..].contains(&format!("/review/?application={a}")));
    let don_mail = app.mail_to("don.knuth@mo.gov").await.pop().expect("digest");
    assert!(don_mail.text.contains(&c) && !don_mail.text.contains(&decided));
    let dana = app
        .mail_to("dana.admin@mo.gov")
        .await
        .pop()
        .expect("digest");
    assert!(
        dana.text.contains(&a) && dana.text.contains(&b) && !dana.text.contains(&c),
        "only her department"
    );

    // Run again (a retry, or a second trigger) the same week: nothing new.
    let again = as_function(
        "moments-digest",
        moments_digest::run(&app.jobs.deps, app.jobs.deps.now()),
    )
    .await
    .expect("digest");
    assert_eq!((again.sent, again.already_sent), (0, 3));
    assert_eq!(app.mail_count().await, before + 3);

    // Next Monday the still-pending ones are listed again.
    app.advance(SignedDuration::from_hours(7 * 24));
    let next = as_function(
        "moments-digest",
        moments_digest::run(&app.jobs.deps, app.jobs.deps.now()),
    )
    .await
    .expect("digest");
    assert_eq!(next.sent, 3);
}

#[tokio::test]
async fn monday_digest_goes_once_a_week_to_each_supervisor_and_administrator_on_the_embedded_store()
{
    digest_scenario(spawn_app().await).await;
}

#[tokio::test]
async fn monday_digest_goes_once_a_week_to_each_supervisor_and_administrator_through_ses() {
    digest_scenario(spawn_app_on_aws("digest").await).await;
}

#[tokio::test]
async fn the_jobs_page_sends_the_digest() {
    let app = spawn_app().await;
    apply(&app, "ada.one@mo.gov", "grace.hopper@mo.gov", "revenue").await;
    let page = app
        .anonymous()
        .client
        .post(app.url("/_local/jobs/digest"))
        .send()
        .await
        .expect("POST")
        .text()
        .await
        .expect("page");
    assert!(page.contains("1 sent, 0 already sent this week"), "{page}");
}
