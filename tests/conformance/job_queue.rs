//! Reminder jobs the scheduler did not take wait in the store, on each
//! backend: one per name (queueing again replaces), back when due; the
//! retry run removes or defers only the version it read, so a job queued
//! again meanwhile is neither lost nor overwritten.

use std::sync::Arc;

use jiff::{SignedDuration, Timestamp};
use moments_adapters::store::Store;
use moments_adapters::table::Table;
use serde_json::json;

fn t0() -> Timestamp {
    Timestamp::from_second(1_790_000_000).expect("time")
}

fn minutes(m: i64) -> SignedDuration {
    SignedDuration::from_mins(m)
}

pub async fn a_queued_job_comes_back_when_due_and_leaves_once_done(table: Arc<dyn Table>) {
    let store = Store::new(table);
    let at = t0() + SignedDuration::from_hours(7 * 24);
    let payload = json!({"kind": "request_reminder", "request": "r1"});
    let queued = store
        .queue_job(
            "req-r1-remind",
            at,
            &payload,
            "Throttling",
            t0() + minutes(5),
        )
        .await
        .expect("queued");
    assert!(store.due_jobs(t0(), 10).await.expect("due").is_empty());
    let due = store.due_jobs(t0() + minutes(5), 10).await.expect("due");
    assert_eq!(due, std::slice::from_ref(&queued));
    assert_eq!(
        (due[0].at, &due[0].payload, due[0].attempts),
        (at, &payload, 1)
    );

    assert!(store.job_done(&queued).await.expect("done"));
    // A second run that did it too finds it gone.
    assert!(!store.job_done(&queued).await.expect("done"));
    assert!(
        store
            .due_jobs(t0() + minutes(60), 10)
            .await
            .expect("due")
            .is_empty()
    );
}

pub async fn a_job_queued_again_meanwhile_is_neither_removed_nor_overwritten(
    table: Arc<dyn Table>,
) {
    let store = Store::new(table);
    let at = t0() + SignedDuration::from_hours(48);
    let first = store
        .queue_job("ms-m1-connect", at, &json!({"v": 1}), "Throttling", t0())
        .await
        .expect("queued");
    // The retry run read `first`; meanwhile the job is queued again.
    let again = store
        .queue_job("ms-m1-connect", at, &json!({"v": 2}), "Timeout", t0())
        .await
        .expect("queued again");
    assert!(!store.job_done(&first).await.expect("done"));
    store
        .job_failed(&first, "Throttling", t0() + minutes(10))
        .await
        .expect("failed");
    assert_eq!(
        store.due_jobs(t0(), 10).await.expect("due"),
        std::slice::from_ref(&again)
    );

    // A failure of the version read moves it to its next time.
    store
        .job_failed(&again, "Throttling", t0() + minutes(10))
        .await
        .expect("failed");
    assert!(store.due_jobs(t0(), 10).await.expect("due").is_empty());
    let later = store.due_jobs(t0() + minutes(10), 10).await.expect("due");
    assert_eq!(
        (later.len(), later[0].attempts, later[0].payload.clone()),
        (1, 2, json!({"v": 2}))
    );
    assert!(store.job_done(&later[0]).await.expect("done"));
}
