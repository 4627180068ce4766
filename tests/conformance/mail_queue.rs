//! Mail that failed after a committed change waits in the store, on each
//! backend: it comes back when due, soonest first; it leaves only once sent;
//! a further failure moves it, or sets it aside, and never loses it.

use std::sync::Arc;

use jiff::{SignedDuration, Timestamp};
use moments_adapters::store::Store;
use moments_adapters::table::Table;
use moments_domain::mail::Message;

fn t0() -> Timestamp {
    Timestamp::from_second(1_790_000_000).expect("time")
}

fn minutes(m: i64) -> SignedDuration {
    SignedDuration::from_mins(m)
}

fn message(to: &str) -> Message {
    Message {
        to: to.into(),
        subject: format!("For {to}"),
        text: "Hello".into(),
        // Kept through the queue, so a retried announcement still carries
        // its one-click unsubscribe header.
        unsubscribe: Some(format!(
            "https://moments.example/api/announcements/a1/unsubscribe/{to}/t0k"
        )),
    }
}

pub async fn queued_mail_comes_back_when_due_soonest_first_and_leaves_once_sent(
    table: Arc<dyn Table>,
) {
    let store = Store::new(table);
    let later = store
        .queue_mail(&message("b@mo.gov"), "Throttling", t0(), t0() + minutes(10))
        .await
        .expect("queued");
    let sooner = store
        .queue_mail(&message("a@mo.gov"), "Throttling", t0(), t0() + minutes(5))
        .await
        .expect("queued");
    assert!(store.due_mail(t0(), 10).await.expect("due").is_empty());
    assert_eq!(
        store.due_mail(t0() + minutes(5), 10).await.expect("due"),
        std::slice::from_ref(&sooner)
    );
    assert_eq!(
        store.due_mail(t0() + minutes(60), 10).await.expect("due"),
        [sooner.clone(), later.clone()]
    );
    assert_eq!(sooner.message, message("a@mo.gov"));
    assert_eq!(
        (sooner.attempts, sooner.last_error.as_str()),
        (1, "Throttling")
    );

    assert!(store.mail_sent(&sooner).await.expect("sent"));
    // A second run that sent it too finds it gone.
    assert!(!store.mail_sent(&sooner).await.expect("sent"));
    assert_eq!(
        store.due_mail(t0() + minutes(60), 10).await.expect("due"),
        [later]
    );
}

pub async fn failed_mail_moves_to_its_next_time_or_is_set_aside_never_lost(table: Arc<dyn Table>) {
    let store = Store::new(table);
    let queued = store
        .queue_mail(&message("c@mo.gov"), "Timeout", t0(), t0() + minutes(5))
        .await
        .expect("queued");
    store
        .mail_failed(&queued, "Throttling", Some(t0() + minutes(15)))
        .await
        .expect("deferred");
    assert!(
        store
            .due_mail(t0() + minutes(14), 10)
            .await
            .expect("due")
            .is_empty()
    );
    let again = store.due_mail(t0() + minutes(15), 10).await.expect("due");
    assert_eq!(again.len(), 1);
    assert_eq!(
        (
            again[0].id.as_str(),
            again[0].attempts,
            again[0].last_error.as_str()
        ),
        (queued.id.as_str(), 2, "Throttling")
    );
    assert_eq!(again[0].first_failed_at, t0());
    // The old version is gone: failing it again changes nothing.
    assert!(store.mail_failed(&queued, "x", None).await.is_err());

    store
        .mail_failed(&again[0], "SendingPausedException", None)
        .await
        .expect("set aside");
    assert!(
        store
            .due_mail(t0() + minutes(10_000), 10)
            .await
            .expect("due")
            .is_empty()
    );
    let aside = store.undeliverable_mail(10).await.expect("set aside");
    assert_eq!(aside.len(), 1);
    assert_eq!(
        (
            aside[0].message.clone(),
            aside[0].attempts,
            aside[0].last_error.as_str()
        ),
        (message("c@mo.gov"), 3, "SendingPausedException")
    );
}
