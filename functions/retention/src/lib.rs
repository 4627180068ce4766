//! The `retention` function: every week, removes what the program keeps no
//! longer (`moments_domain::retention`): denied applications a year after
//! the decision, requests that did not become a mentorship a year after
//! they closed, ended mentorships three years after they ended. Candidates
//! are found with bounded Queries — denied applications per department,
//! the rest per quarter up to the oldest one that can hold them — never a
//! Scan. Removing is idempotent; a run that fails part-way returns an error
//! so the schedule retries, and the next run finds what is left.

use jiff::Timestamp;
use moments_adapters::deps::Deps;
use moments_adapters::store::StoreError;
use moments_domain::metrics::Quarter;
use moments_domain::retention::{
    ENDED_MENTORSHIP_KEPT, UNMATCHED_REQUEST_KEPT, application_expired, mentorship_expired,
    request_expired,
};

#[derive(Debug, thiserror::Error)]
pub enum RetentionError {
    #[error("store: {0}")]
    Store(#[from] StoreError),
}

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Summary {
    pub applications: usize,
    pub requests: usize,
    pub mentorships: usize,
}

/// Whether `result` removed the record; one that changed since it was read
/// is no longer the record that expired, and stays.
fn removed(result: Result<(), StoreError>) -> Result<bool, StoreError> {
    match result {
        Ok(()) => Ok(true),
        Err(StoreError::Changed) => Ok(false),
        Err(e) => Err(e),
    }
}

#[tracing::instrument(skip(deps))]
pub async fn run(deps: &Deps, now: Timestamp) -> Result<Summary, RetentionError> {
    let store = &deps.store;
    let mut summary = Summary::default();
    for dept in store.departments().await?.all() {
        for app in store.denied_in_department(&dept).await? {
            if application_expired(&app, now) && removed(store.remove_application(&app).await)? {
                summary.applications += 1;
            }
        }
    }
    // A request closes after it was sent, and a mentorship ends after it
    // started: only quarters before the retention period can hold expired ones.
    let quarters = store.counted_quarters().await?;
    let requests_before = Quarter::of(now - UNMATCHED_REQUEST_KEPT);
    let mentorships_before = Quarter::of(now - ENDED_MENTORSHIP_KEPT);
    for q in quarters.iter().filter(|q| **q <= requests_before) {
        for r in store.requests_in_quarter(*q).await? {
            if request_expired(&r, now) && removed(store.remove_request(&r).await)? {
                summary.requests += 1;
            }
        }
    }
    for q in quarters.iter().filter(|q| **q <= mentorships_before) {
        for record in store.mentorships_in_quarter(*q).await? {
            if mentorship_expired(&record.mentorship, now)
                && removed(store.remove_mentorship(&record).await)?
            {
                summary.mentorships += 1;
            }
        }
    }
    tracing::info!(?summary, "retention run");
    Ok(summary)
}
