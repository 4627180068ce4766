//! Abuse-limit counters on each backend: counted atomically up to the
//! maximum, refused beyond it without counting, per window, all or none.

use std::sync::Arc;

use jiff::{SignedDuration, Timestamp};
use moments_adapters::store::{Store, Window, keys};
use moments_adapters::table::Table;
use serde_json::json;

const FIVE_PER_HOUR: Window = Window {
    max: 5,
    length: SignedDuration::from_hours(1),
};

/// Ten minutes into an hour-long window.
fn t0() -> Timestamp {
    Timestamp::from_second(1_790_000_000 / 3600 * 3600 + 600).expect("time")
}

async fn count_of(table: &Arc<dyn Table>, name: &str, subject: &str, at: Timestamp) -> Option<i64> {
    let start = at.as_second() / 3600 * 3600;
    table
        .get(&keys::limit_counter(name, subject, start))
        .await
        .expect("get")
        .and_then(|item| item.get("count").and_then(serde_json::Value::as_i64))
}

pub async fn uses_count_up_to_the_max_then_are_refused_without_counting(table: Arc<dyn Table>) {
    let store = Store::new(Arc::clone(&table));
    let uses = [("links", "ada@mo.gov", FIVE_PER_HOUR)];
    for n in 0..5 {
        assert_eq!(
            store.count_uses(&uses, t0()).await.expect("store"),
            Ok(()),
            "use {n}"
        );
    }
    let refused = store
        .count_uses(&uses, t0())
        .await
        .expect("store")
        .expect_err("the sixth is refused");
    assert_eq!(refused.index, 0);
    assert_eq!(
        refused.retry_after,
        SignedDuration::from_mins(50),
        "until the hour ends"
    );
    assert_eq!(count_of(&table, "links", "ada@mo.gov", t0()).await, Some(5));
    let item = table
        .get(&keys::limit_counter(
            "links",
            "ada@mo.gov",
            t0().as_second() / 3600 * 3600,
        ))
        .await
        .expect("get")
        .expect("counter");
    assert_eq!(
        item.get("expires_at"),
        Some(&json!(t0().as_second() / 3600 * 3600 + 3600)),
        "the counter expires with its window (TTL)"
    );
}

pub async fn a_new_window_and_another_subject_start_from_zero(table: Arc<dyn Table>) {
    let store = Store::new(Arc::clone(&table));
    let ada = [("links", "ada@mo.gov", FIVE_PER_HOUR)];
    for _ in 0..5 {
        store
            .count_uses(&ada, t0())
            .await
            .expect("store")
            .expect("counted");
    }
    let grace = [("links", "grace@mo.gov", FIVE_PER_HOUR)];
    assert_eq!(store.count_uses(&grace, t0()).await.expect("store"), Ok(()));
    let next_hour = t0() + SignedDuration::from_mins(50);
    assert_eq!(
        store.count_uses(&ada, next_hour).await.expect("store"),
        Ok(())
    );
    assert_eq!(
        count_of(&table, "links", "ada@mo.gov", next_hour).await,
        Some(1)
    );
}

pub async fn several_uses_are_counted_all_or_none(table: Arc<dyn Table>) {
    let store = Store::new(Arc::clone(&table));
    let one = Window {
        max: 1,
        length: SignedDuration::from_hours(1),
    };
    store
        .count_uses(&[("source", "192.0.2.1", one)], t0())
        .await
        .expect("store")
        .expect("counted");
    let both = [
        ("address", "ada@mo.gov", FIVE_PER_HOUR),
        ("source", "192.0.2.1", one),
    ];
    let refused = store
        .count_uses(&both, t0())
        .await
        .expect("store")
        .expect_err("the source is used up");
    assert_eq!(refused.index, 1, "names the limit that refused");
    assert_eq!(
        count_of(&table, "address", "ada@mo.gov", t0()).await,
        None,
        "the address was not counted"
    );
}

pub async fn concurrent_uses_stop_exactly_at_the_max(table: Arc<dyn Table>) {
    let store = Store::new(Arc::clone(&table));
    let tasks: Vec<_> = (0..20)
        .map(|_| {
            let store = store.clone();
            tokio::spawn(async move {
                store
                    .count_uses(&[("links", "ada@mo.gov", FIVE_PER_HOUR)], t0())
                    .await
            })
        })
        .collect();
    let mut allowed = 0;
    for task in tasks {
        match task.await.expect("task ran") {
            Ok(Ok(())) => allowed += 1,
            Ok(Err(_)) => {}
            // A transaction conflict is "try again", never a count past the max.
            Err(e) => panic!("unexpected {e:?}"),
        }
    }
    assert_eq!(allowed, 5);
    assert_eq!(count_of(&table, "links", "ada@mo.gov", t0()).await, Some(5));
}
