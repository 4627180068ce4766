//! Sessions kept in the table: read by the hash of their id, last use
//! written at most every few minutes, ended one at a time or all of a
//! person's at once.

use std::sync::Arc;

use jiff::{SignedDuration, Timestamp};
use moments_adapters::store::{Store, StoreError, StoredSession};
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
