//! The scheduler adapters: EventBridge Scheduler (moto) and the local
//! stand-in keep one job per name, replace on re-scheduling, and treat
//! cancelling a missing job as done.

use std::sync::Arc;

use aws_sdk_scheduler::types::ActionAfterCompletion;
use jiff::{SignedDuration, Timestamp};
use moments_adapters::scheduler::eventbridge::{EventBridgeScheduler, JobTarget};
use moments_adapters::scheduler::local::LocalScheduler;
use moments_adapters::scheduler::{Scheduler, SchedulerError};
use serde_json::{Value, json};

use crate::support::{Backend, aws, unique};

fn at(hours: i64) -> Timestamp {
    Timestamp::from_second(1_900_000_000).expect("time") + SignedDuration::from_hours(hours)
}

async fn eventbridge() -> (EventBridgeScheduler, aws_sdk_scheduler::Client, String) {
    let client = aws_sdk_scheduler::Client::new(&aws().await);
    let group = unique("reminders");
    client
        .create_schedule_group()
        .name(&group)
        .send()
        .await
        .expect("schedule group");
    let target = JobTarget {
        group: group.clone(),
        function_arn: "arn:aws:lambda:us-east-1:123456789012:function:reminders".into(),
        role_arn: "arn:aws:iam::123456789012:role/scheduler".into(),
        dead_letter_arn: "arn:aws:sqs:us-east-1:123456789012:reminders-dlq".into(),
    };
    (
        EventBridgeScheduler::new(client.clone(), target),
        client,
        group,
    )
}

#[tokio::test]
async fn eventbridge_job_is_a_one_time_schedule_with_retries_and_a_dead_letter_queue() {
    let (scheduler, client, group) = eventbridge().await;
    let payload = json!({"kind": "request_stale", "request": "ab12"});
    scheduler
        .schedule("req-ab12-stale", at(0), &payload)
        .await
        .expect("scheduled");
    let got = client
        .get_schedule()
        .name("req-ab12-stale")
        .group_name(&group)
        .send()
        .await
        .expect("get");
    assert_eq!(got.schedule_expression(), Some("at(2030-03-17T17:46:40)"));
    assert_eq!(got.schedule_expression_timezone(), Some("UTC"));
    assert_eq!(
        got.action_after_completion(),
        Some(&ActionAfterCompletion::Delete)
    );
    let target = got.target().expect("target");
    let input: Value =
        serde_json::from_str(target.input().unwrap_or_default()).expect("JSON input");
    assert_eq!(input, payload);
    assert_eq!(
        target
            .retry_policy()
            .and_then(|r| r.maximum_retry_attempts()),
        Some(5)
    );
    assert!(
        target
            .dead_letter_config()
            .and_then(|d| d.arn())
            .is_some_and(|a| a.ends_with("reminders-dlq"))
    );
}

#[tokio::test]
async fn eventbridge_rescheduling_replaces_and_cancelling_twice_is_fine() {
    let (scheduler, client, group) = eventbridge().await;
    scheduler
        .schedule("ms-1-connect", at(0), &json!({"n": 1}))
        .await
        .expect("first");
    scheduler
        .schedule("ms-1-connect", at(48), &json!({"n": 2}))
        .await
        .expect("replaced");
    let got = client
        .get_schedule()
        .name("ms-1-connect")
        .group_name(&group)
        .send()
        .await
        .expect("get");
    assert_eq!(got.schedule_expression(), Some("at(2030-03-19T17:46:40)"));
    scheduler.cancel("ms-1-connect").await.expect("cancelled");
    assert!(
        client
            .get_schedule()
            .name("ms-1-connect")
            .group_name(&group)
            .send()
            .await
            .is_err()
    );
    scheduler
        .cancel("ms-1-connect")
        .await
        .expect("cancelling a missing job is done");
    assert!(matches!(
        scheduler.schedule("bad name!", at(0), &json!({})).await,
        Err(SchedulerError::Refused(_))
    ));
}

#[tokio::test]
async fn local_jobs_run_once_when_due_and_follow_the_same_rules() {
    let backend = Backend::embedded();
    let scheduler = Arc::new(LocalScheduler::new(backend.table()));
    scheduler
        .schedule("later", at(48), &json!({"n": "later"}))
        .await
        .expect("scheduled");
    scheduler
        .schedule("soon", at(1), &json!({"n": "old"}))
        .await
        .expect("scheduled");
    scheduler
        .schedule("soon", at(2), &json!({"n": "soon"}))
        .await
        .expect("replaced");
    scheduler
        .schedule("gone", at(0), &json!({}))
        .await
        .expect("scheduled");
    scheduler.cancel("gone").await.expect("cancelled");
    scheduler
        .cancel("gone")
        .await
        .expect("cancelling a missing job is done");
    assert!(matches!(
        scheduler.schedule("bad name!", at(0), &json!({})).await,
        Err(SchedulerError::Refused(_))
    ));

    let jobs = scheduler.jobs().await.expect("jobs");
    assert_eq!(
        jobs.iter().map(|j| j.name.as_str()).collect::<Vec<_>>(),
        ["soon", "later"]
    );
    assert!(scheduler.take_due(at(1)).await.expect("due").is_empty());
    let (a, b) = tokio::join!(scheduler.take_due(at(3)), scheduler.take_due(at(3)));
    let mut taken = a.expect("due");
    taken.extend(b.expect("due"));
    assert_eq!(taken.len(), 1, "a due job is handed out once");
    assert_eq!(taken[0].payload, json!({"n": "soon"}));
    assert_eq!(scheduler.jobs().await.expect("jobs").len(), 1);
}
