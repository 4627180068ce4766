//! Timed reminders: requests remind at 7 days and expire at 14; new pairs
//! with no meeting are nudged after 48 hours; nothing is sent twice.

use jiff::SignedDuration;
use moments_adapters::deps::as_function;
use moments_domain::reminders::Job;
use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::*;

async fn unanswered_request_reminds_then_expires(app: TestApp) {
    let (_, _, _, request) = pair_up(&app).await;
    assert_eq!(
        app.job_names().await,
        [
            format!("req-{request}-remind"),
            format!("req-{request}-expire")
        ]
    );
    assert!(app.run_due_jobs().await.is_empty(), "nothing due yet");

    app.advance(SignedDuration::from_hours(7 * 24) + SignedDuration::from_secs(1));
    let ran = app.run_due_jobs().await;
    assert_eq!(
        ran.iter().map(|r| r.outcome.as_str()).collect::<Vec<_>>(),
        ["Sent(1)"]
    );
    let reminder = app.mail_to(MAX).await.pop().expect("reminder");
    assert!(
        reminder.subject.starts_with("Reminder")
            && reminder.text.contains(&format!("/requests/?id={request}"))
    );

    app.advance(SignedDuration::from_hours(7 * 24));
    let ran = app.run_due_jobs().await;
    assert_eq!(
        ran.iter().map(|r| r.outcome.as_str()).collect::<Vec<_>>(),
        ["Expired"]
    );
    assert!(
        app.mail_to(ADA)
            .await
            .pop()
            .expect("expiry")
            .text
            .contains("did not answer within 14 days")
    );
    // Two weeks on, the mentor signs in afresh and finds the request closed.
    let max = app.sign_in(MAX).await;
    problem(
        max.post(&format!("/api/requests/{request}/accept"), json!({}))
            .await,
        StatusCode::CONFLICT,
    )
    .await;
    assert!(app.job_names().await.is_empty());
}

fn app_now(app: &TestApp) -> jiff::Timestamp {
    app.jobs.deps.now()
}

#[tokio::test]
async fn an_unanswered_request_reminds_the_mentor_at_a_week_and_expires_at_two_on_the_embedded_store()
 {
    unanswered_request_reminds_then_expires(spawn_app().await).await;
}

#[tokio::test]
async fn an_unanswered_request_reminds_the_mentor_at_a_week_and_expires_at_two_through_ses_and_eventbridge_scheduler()
 {
    unanswered_request_reminds_then_expires(spawn_app_on_aws("reminders").await).await;
}

async fn answering_a_request_cancels_its_reminders(app: TestApp) {
    let (_, max, _, request) = pair_up(&app).await;
    assert_eq!(app.job_names().await.len(), 2);
    max.post(&format!("/api/requests/{request}/decline"), json!({}))
        .await;
    assert!(app.job_names().await.is_empty());
}

#[tokio::test]
async fn answering_a_request_cancels_its_reminders_on_the_embedded_store() {
    answering_a_request_cancels_its_reminders(spawn_app().await).await;
}

#[tokio::test]
async fn answering_a_request_cancels_its_reminders_in_eventbridge_scheduler() {
    answering_a_request_cancels_its_reminders(spawn_app_on_aws("cancel").await).await;
}

#[tokio::test]
async fn a_new_pair_with_no_meeting_is_nudged_once_after_two_days_on_the_embedded_store() {
    new_pair_with_no_meeting_is_nudged_once(spawn_app().await).await;
}

#[tokio::test]
async fn a_new_pair_with_no_meeting_is_nudged_once_after_two_days_through_ses_and_eventbridge_scheduler()
 {
    new_pair_with_no_meeting_is_nudged_once(spawn_app_on_aws("nudge").await).await;
}

async fn new_pair_with_no_meeting_is_nudged_once(app: TestApp) {
    let (_, _, mentorship) = matched(&app).await;
    let names = app.job_names().await;
    assert!(
        names.contains(&format!("ms-{mentorship}-connect")),
        "{names:?}"
    );
    // And, in four weeks (on the morning of the day it falls), the quiet check.
    assert!(
        names
            .iter()
            .any(|n| n.starts_with(&format!("ms-{mentorship}-quiet-"))),
        "{names:?}"
    );

    app.advance(SignedDuration::from_hours(48));
    let before = app.mail_count().await;
    let ran = app.run_due_jobs().await;
    assert_eq!(
        ran.iter().map(|r| r.outcome.as_str()).collect::<Vec<_>>(),
        ["Sent(2)"]
    );
    assert_eq!(app.mail_count().await, before + 2);
    assert!(
        app.mail_to(ADA)
            .await
            .pop()
            .expect("nudge")
            .subject
            .contains("connected")
    );

    // The scheduler may deliver a job twice; the second run sends nothing.
    let job: Job =
        serde_json::from_value(json!({"kind": "connect_check", "mentorship": mentorship}))
            .expect("job");
    let again = as_function(
        "moments-reminders",
        moments_reminders::run(&app.jobs.deps, &job),
    )
    .await
    .expect("run");
    assert_eq!(format!("{again:?}"), "NothingToDo(\"already sent\")");
    assert_eq!(app.mail_count().await, before + 2);
}

#[tokio::test]
async fn a_pair_that_has_met_is_not_nudged() {
    let app = spawn_app().await;
    let (ada, _, mentorship) = matched(&app).await;
    let today = jiff::tz::TimeZone::UTC.to_datetime(app_now(&app)).date();
    let r = ada
        .post(
            &format!("/api/mentorships/{mentorship}/meetings"),
            json!({"date": today.to_string(), "minutes": 45}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    assert!(
        !app.job_names()
            .await
            .iter()
            .any(|n| n.ends_with("-connect")),
        "the nudge was cancelled"
    );
    // Even if it ran, it would find the meeting and do nothing.
    let job = Job::ConnectCheck {
        mentorship: moments_domain::mentorship::MentorshipId::parse(&mentorship).expect("id"),
    };
    let outcome = as_function(
        "moments-reminders",
        moments_reminders::run(&app.jobs.deps, &job),
    )
    .await
    .expect("run");
    assert!(format!("{outcome:?}").starts_with("NothingToDo"));
}

#[tokio::test]
async fn the_jobs_page_lists_and_runs_jobs() {
    let app = spawn_app().await;
    let (_, _, _, request) = pair_up(&app).await;
    let page = app
        .anonymous()
        .get("/_local/jobs")
        .await
        .text()
        .await
        .expect("page");
    assert!(page.contains(&format!("req-{request}-remind")) && page.contains("Remind the mentor"));
    let ran = app
        .anonymous()
        .client
        .post(app.url("/_local/jobs/run-all"))
        .send()
        .await
        .expect("POST")
        .text()
        .await
        .expect("page");
    assert!(ran.contains("Ran 2 job(s)"), "{ran}");
    assert!(
        app.mail_to(ADA)
            .await
            .pop()
            .expect("expiry")
            .text
            .contains("14 days")
    );
}
