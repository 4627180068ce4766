//! Mail that cannot be sent after a committed change is kept and sent
//! later by the mail retry job, never dropped; a sign-in link that cannot
//! be sent is a clear 503 instead, since it would expire on the way.

use std::sync::atomic::Ordering;

use jiff::SignedDuration;
use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::*;

fn outcomes(ran: &[moments_local::jobs_page::Ran]) -> Vec<&str> {
    ran.iter().map(|r| r.outcome.as_str()).collect()
}

#[tokio::test]
async fn a_request_email_that_fails_is_queued_and_sent_when_mail_works_again() {
    let (app, mail) = spawn_app_with_flaky_mail().await;
    app.approved_mentee(ADA).await;
    let mentor = app.approved_mentor(MAX).await;
    let ada = app.sign_in(ADA).await;

    mail.failing.store(true, Ordering::SeqCst);
    let r = ada
        .post("/api/requests", json!({"mentor": mentor.as_str()}))
        .await;
    assert_eq!(r.status(), StatusCode::CREATED, "the request itself stands");
    assert!(app.mail_to(MAX).await.is_empty());
    let now = app.jobs.deps.now();
    let queued = app
        .store
        .due_mail(now + SignedDuration::from_mins(5), 10)
        .await
        .expect("queue");
    assert_eq!(queued.len(), 1);
    assert_eq!(queued[0].message.to, MAX);

    // Not due yet; then due while SES still throttles: kept, later again.
    assert!(outcomes(&app.run_due_jobs().await).is_empty());
    app.advance(SignedDuration::from_mins(5));
    assert_eq!(
        outcomes(&app.run_due_jobs().await),
        ["failed: 1 queued emails failed again"]
    );
    assert!(app.mail_to(MAX).await.is_empty());
    assert!(
        outcomes(&app.run_due_jobs().await).is_empty(),
        "next try in 10 minutes"
    );

    mail.failing.store(false, Ordering::SeqCst);
    app.advance(SignedDuration::from_mins(10));
    assert_eq!(
        outcomes(&app.run_due_jobs().await),
        ["Retried { mail: 1, jobs: 0 }"]
    );
    let sent = app.mail_to(MAX).await;
    assert_eq!(sent.len(), 1);
    assert!(
        sent[0].text.contains("/signin/confirm/#token="),
        "{}",
        sent[0].text
    );
    assert!(
        app.store
            .due_mail(app.jobs.deps.now() + SignedDuration::from_hours(24), 10)
            .await
            .expect("queue")
            .is_empty()
    );
    assert!(outcomes(&app.run_due_jobs().await).is_empty(), "sent once");
}

#[tokio::test]
async fn a_sign_in_link_that_cannot_be_sent_is_a_clear_503_and_is_not_queued() {
    let (app, mail) = spawn_app_with_flaky_mail().await;
    mail.failing.store(true, Ordering::SeqCst);
    let r = app
        .anonymous()
        .post("/api/auth/link", json!({"email": ADA}))
        .await;
    let p = problem(r, StatusCode::SERVICE_UNAVAILABLE).await;
    assert_eq!(
        p["detail"],
        "The service is busy. Please try again in a moment."
    );
    let later = app.jobs.deps.now() + SignedDuration::from_hours(24);
    assert!(
        app.store
            .due_mail(later, 10)
            .await
            .expect("queue")
            .is_empty()
    );
}
