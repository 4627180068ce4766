//! The start-up a function runs in AWS (`moments_adapters::lambda`), run as
//! Lambda runs it: in a process of its own whose environment holds the
//! settings, here pointing at moto. Its clients are built as in AWS, the
//! SES and Scheduler ones on a thread of their own, and must each reach
//! their service from the handler's runtime.

use std::process::Command;

use jiff::SignedDuration;
use moments_adapters::table::dynamo::create_table;
use moments_domain::mail::Message;
use moments_tests::{aws, endpoint, schedule_group, unique, verified_sender};

/// Set in the child process, which then plays the function.
const CHILD: &str = "MOMENTS_TEST_START_UP_CHILD";
const TEST: &str = "start_up::a_function_started_as_in_aws_reaches_dynamodb_ses_and_the_scheduler";
const JOB: &str = "start-up-check";

#[tokio::test]
async fn a_function_started_as_in_aws_reaches_dynamodb_ses_and_the_scheduler() {
    if std::env::var_os(CHILD).is_some() {
        return play_the_function().await;
    }
    let config = aws().await;
    let table = unique("start-up");
    create_table(&aws_sdk_dynamodb::Client::new(&config), &table)
        .await
        .expect("table in moto");
    let from = verified_sender(&config, "start-up").await;
    let group = schedule_group(&config, "start-up").await;
    let scheduler = aws_sdk_scheduler::Client::new(&config);

    let exe = std::env::current_exe().expect("this test binary");
    let output = Command::new(exe)
        .args(["--exact", TEST, "--nocapture", "--test-threads=1"])
        .env_clear()
        .env(CHILD, "1")
        .env("AWS_REGION", "us-east-1")
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env("AWS_ENDPOINT_URL", endpoint())
        .env("MOMENTS_TABLE", &table)
        .env("MOMENTS_MAIL_FROM", &from)
        .env("MOMENTS_SCHEDULE_GROUP", &group)
        .env(
            "MOMENTS_REMINDERS_ARN",
            "arn:aws:lambda:us-east-1:123456789012:function:reminders",
        )
        .env(
            "MOMENTS_SCHEDULER_ROLE_ARN",
            "arn:aws:iam::123456789012:role/scheduler",
        )
        .env(
            "MOMENTS_SCHEDULER_DLQ_ARN",
            "arn:aws:sqs:us-east-1:123456789012:reminders-dlq",
        )
        .env("MOMENTS_BASE_URL", "https://moments.example.gov")
        .env("MOMENTS_EMAIL_DOMAINS", "mo.gov")
        .output()
        .expect("the test binary runs again");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success() && stdout.contains("1 passed"),
        "the function did not start or reach AWS:\n{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let job = scheduler
        .get_schedule()
        .group_name(&group)
        .name(JOB)
        .send()
        .await
        .expect("the function's job is in the Scheduler");
    let payload = job.target().and_then(|t| t.input()).expect("payload");
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(payload).expect("JSON payload"),
        serde_json::json!({"check": "start-up"})
    );
}

/// What the function's handler would do first: mail at once, on the client
/// the start-up may still be building, then a queue write and read in
/// DynamoDB and a reminder job.
async fn play_the_function() {
    let deps = moments_adapters::lambda::deps_with_scheduler_from_env()
        .await
        .expect("the start-up reads its settings");
    let message = Message {
        to: "ada@mo.gov".into(),
        subject: "Start-up check".into(),
        text: "Sent by the function's SES client.".into(),
        unsubscribe: None,
    };
    deps.send(&message).await.expect("SES accepts the message");
    let now = deps.now();
    let queued = deps
        .store
        .queue_mail(&message, "start-up check", now, now)
        .await
        .expect("DynamoDB takes a write");
    let due = deps
        .store
        .due_mail(now, 10)
        .await
        .expect("DynamoDB answers");
    assert_eq!(
        due.iter().map(|q| q.id.as_str()).collect::<Vec<_>>(),
        [queued.id.as_str()]
    );
    deps.schedule(
        JOB,
        now + SignedDuration::from_hours(1),
        &serde_json::json!({"check": "start-up"}),
    )
    .await;
}
