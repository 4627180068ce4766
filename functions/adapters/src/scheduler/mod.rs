//! The scheduler port: one-time jobs at a given time (EventBridge Scheduler
//! `at(...)` schedules in AWS, a table-backed list run on demand locally).
//! A job is a name, a time, and the JSON payload the reminders function
//! receives. Creating a job under an existing name replaces it; cancelling a
//! job that does not exist (already run, or never made) is not an error, so
//! callers can cancel without first checking.

use async_trait::async_trait;
use jiff::Timestamp;
use serde_json::Value;

pub mod eventbridge;
pub mod local;

#[derive(Debug, thiserror::Error)]
pub enum SchedulerError {
    /// The service asked us to slow down or did not answer; nothing is known
    /// to have changed, retrying may work.
    #[error("scheduler temporarily unavailable: {0}")]
    Unavailable(String),
    /// The request itself was refused (bad name, time, or permissions).
    #[error("scheduler refused the request: {0}")]
    Refused(String),
}

#[async_trait]
pub trait Scheduler: Send + Sync + 'static {
    async fn schedule(
        &self,
        name: &str,
        at: Timestamp,
        payload: &Value,
    ) -> Result<(), SchedulerError>;
    async fn cancel(&self, name: &str) -> Result<(), SchedulerError>;
}

/// Schedule names: letters, digits, `-`, `_`, `.`; at most 64 characters
/// (EventBridge Scheduler's rule), enforced for every adapter alike.
pub fn check_name(name: &str) -> Result<(), SchedulerError> {
    let ok = !name.is_empty()
        && name.len() <= 64
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c));
    if ok {
        Ok(())
    } else {
        Err(SchedulerError::Refused(format!(
            "invalid schedule name {name:?}"
        )))
    }
}
