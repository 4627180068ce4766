//! Sessions kept in the table: read by the hash of their id, last use
//! written at most every few minutes, ended one at a time or all of a
//! person's at once.

use std::sync::Arc;

use jiff::{SignedDuration, Timestamp};
use moments_adapters::oidc::PendingSignIn;
use moments_adapters::store::{
    SignedInWith, Store, StoreError, StoredSecurityEvent, StoredSession,
};
use moments_adapters::table::Table;
use moments_domain::fields::EmailAddress;
use moments_domain::signin::SessionTimes;

fn t0() -> Timestamp {
    Timestamp::from_second(1_790_000_000).expect("time")
}

fn session(email: &str) -> StoredSession {
    StoredSession {
        email: EmailAddress::parse(email).expect("email"),
        times: SessionTimes::start(t0(), false, false),
        via: SignedInWith::Link,
    }
}

async fn last_used(store: &Store, hash: &str) -> Option<Timestamp> {
    let session = store.session(hash).await.expect("read");
    session.map(|s| s.times.last_used)
}

pub async fn a_session_is_read_back_touched_at_most_every_five_minutes_and_ended(
    table: Arc<dyn Table>,
) {
    let store = Store::new(table);
    let ada = session("ada@mo.gov");
    store.put_session("aa", &ada).await.expect("put");
    assert_eq!(store.session("aa").await.expect("read"), Some(ada.clone()));
    assert!(matches!(
        store.put_session("aa", &ada).await,
        Err(StoreError::AlreadyExists)
    ));

    let at = |mins| t0() + SignedDuration::from_mins(mins);
    store.touch_session("aa", at(4)).await.expect("touch");
    assert_eq!(last_used(&store, "aa").await, Some(t0()), "too soon");
    store.touch_session("aa", at(5)).await.expect("touch");
    assert_eq!(last_used(&store, "aa").await, Some(at(5)));
    store.touch_session("aa", at(9)).await.expect("touch");
    assert_eq!(last_used(&store, "aa").await, Some(at(5)), "too soon");

    store.end_session("aa").await.expect("end");
    assert_eq!(store.session("aa").await.expect("read"), None);
    store.touch_session("aa", at(60)).await.expect("touch");
    assert_eq!(
        store.session("aa").await.expect("read"),
        None,
        "touching an ended session does not bring it back"
    );
    store
        .end_session("aa")
        .await
        .expect("ending it again is no error");
}

pub async fn ending_a_persons_sessions_ends_all_of_theirs_and_no_one_elses(table: Arc<dyn Table>) {
    let store = Store::new(table);
    for (hash, email) in [
        ("aa", "ada@mo.gov"),
        ("bb", "ada@mo.gov"),
        ("cc", "bea@mo.gov"),
    ] {
        store.put_session(hash, &session(email)).await.expect("put");
    }
    let ada = EmailAddress::parse("ada@mo.gov").expect("email");
    assert_eq!(store.end_sessions_of(&ada).await.expect("end"), 2);
    assert_eq!(store.session("aa").await.expect("read"), None);
    assert_eq!(store.session("bb").await.expect("read"), None);
    assert!(store.session("cc").await.expect("read").is_some());
    assert_eq!(store.end_sessions_of(&ada).await.expect("end"), 0);
}

pub async fn a_session_remembers_how_it_was_started(table: Arc<dyn Table>) {
    let store = Store::new(table);
    let by_provider = StoredSession {
        via: SignedInWith::Provider,
        ..session("ada@mo.gov")
    };
    store.put_session("bb", &by_provider).await.expect("put");
    store
        .put_session("cc", &session("ada@mo.gov"))
        .await
        .expect("put");
    let via = |s: Option<StoredSession>| s.expect("kept").via;
    assert_eq!(
        via(store.session("bb").await.expect("read")),
        SignedInWith::Provider
    );
    assert_eq!(
        via(store.session("cc").await.expect("read")),
        SignedInWith::Link
    );
}

pub async fn a_pending_provider_sign_in_is_taken_once_and_only_before_it_expires(
    table: Arc<dyn Table>,
) {
    let store = Store::new(table);
    let pending = PendingSignIn {
        pkce_verifier: "v".repeat(43),
        nonce: "n0nce".into(),
        next: Some("/review/".into()),
        stay_signed_in: true,
    };
    let expires = t0() + SignedDuration::from_mins(10);
    store
        .put_pending_sign_in("s1", &pending, expires)
        .await
        .expect("put");
    assert!(matches!(
        store.put_pending_sign_in("s1", &pending, expires).await,
        Err(StoreError::AlreadyExists)
    ));
    assert_eq!(
        store.take_pending_sign_in("s1", t0()).await.expect("take"),
        Some(pending.clone())
    );
    assert_eq!(
        store.take_pending_sign_in("s1", t0()).await.expect("take"),
        None,
        "once only"
    );

    let plain = PendingSignIn {
        next: None,
        stay_signed_in: false,
        ..pending
    };
    store
        .put_pending_sign_in("s2", &plain, expires)
        .await
        .expect("put");
    assert_eq!(
        store
            .take_pending_sign_in("s2", expires)
            .await
            .expect("take"),
        None,
        "expired"
    );
    assert_eq!(
        store.take_pending_sign_in("s2", t0()).await.expect("take"),
        None,
        "an expired one is gone, not kept for later"
    );
    store
        .put_pending_sign_in("s3", &plain, expires)
        .await
        .expect("put");
    assert_eq!(
        store.take_pending_sign_in("s3", t0()).await.expect("take"),
        Some(plain)
    );
}

pub async fn security_events_come_back_newest_first_and_refusals_add_up(table: Arc<dyn Table>) {
    let store = Store::new(table);
    let event = |mins: i64, kind: &str| StoredSecurityEvent {
        at: t0() + SignedDuration::from_mins(mins),
        kind: kind.into(),
        who: Some("ada@mo.gov".into()),
        source: Some("127.0.0.1".into()),
        detail: format!("{kind} at {mins}"),
    };
    // Yesterday evening and this morning (UTC), and an older day not shown.
    for (mins, kind) in [
        (-3000, "export"),
        (0, "session_started"),
        (30, "session_ended"),
        (30, "export"),
        (1500, "person_looked_up"),
    ] {
        store
            .put_security_event(&event(mins, kind))
            .await
            .expect("put");
    }
    let mut counting = Vec::new();
    for _ in 0..10 {
        let store = store.clone();
        counting.push(tokio::spawn(async move {
            store.count_refusal(t0(), "unauthorized").await
        }));
    }
    for c in counting {
        c.await.expect("task").expect("count");
    }
    store
        .count_refusal(t0() + SignedDuration::from_mins(90), "forbidden")
        .await
        .expect("count");

    let now = t0() + SignedDuration::from_mins(1500);
    let (events, counts) = store
        .recent_security_events(now, 2, 10)
        .await
        .expect("read");
    let times: Vec<i64> = events
        .iter()
        .map(|e| e.at.duration_since(t0()).as_mins())
        .collect();
    assert_eq!(
        times,
        [1500, 30, 30, 0],
        "newest first, two days: {events:?}"
    );
    assert_eq!(events[0], event(1500, "person_looked_up"));
    let (events, _) = store.recent_security_events(now, 2, 2).await.expect("read");
    assert_eq!(events.len(), 2, "at most as many as asked");

    let count = |kind: &str| -> u64 {
        counts
            .iter()
            .filter(|c| c.kind == kind)
            .map(|c| c.count)
            .sum()
    };
    assert_eq!(count("unauthorized"), 10, "concurrent refusals all counted");
    assert_eq!(count("forbidden"), 1);
}
