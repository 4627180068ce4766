//! Reminder jobs the scheduler did not take (throttled, timed out), kept
//! until it does. The change that made the job is committed by then, so the
//! job is queued rather than the change undone; the reminders function's
//! retry run creates it later, or runs it at once when its time has come.
//!
//! One item per job name, as in the scheduler: queueing a job again
//! replaces it. Each version carries its own id, and the retry run deletes
//! or defers only the version it read.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::{Store, StoreError, data_of, item_of, keys, random_id, to_value};
use crate::table::{Cond, Index, Query, Write};

/// One queued job and its history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QueuedJob {
    /// The schedule name.
    pub name: String,
    /// When the job is to run.
    pub at: Timestamp,
    /// What the reminders function receives.
    pub payload: Value,
    /// Tries so far, the first one included.
    pub attempts: u32,
    /// When the retry run next tries it.
    pub due: Timestamp,
    /// The scheduler's (or the job's) last error.
    pub last_error: String,
    /// This version of the item.
    pub version: String,
}

impl Store {
    /// Keep a job the scheduler refused at `now`; tried again at `due`.
    pub async fn queue_job(
        &self,
        name: &str,
        at: Timestamp,
        payload: &Value,
        error: &str,
        due: Timestamp,
    ) -> Result<QueuedJob, StoreError> {
        let queued = QueuedJob {
            name: name.to_string(),
            at,
            payload: payload.clone(),
            attempts: 1,
            due,
            last_error: error.to_string(),
            version: random_id()?,
        };
        self.table.write(vec![put_job(&queued, None)?]).await?;
        Ok(queued)
    }

    /// Up to `max` queued jobs due at `now`.
    pub async fn due_jobs(&self, now: Timestamp, max: usize) -> Result<Vec<QueuedJob>, StoreError> {
        let items = self
            .query_all(Query::new(Index::Primary, keys::JOB_QUEUE), max)
            .await?;
        let mut due = Vec::new();
        for item in items {
            let queued: QueuedJob = data_of(item)?;
            if queued.due <= now {
                due.push(queued);
            }
        }
        Ok(due)
    }

    /// The job was created or run: forget this version of it. `false` when
    /// it was gone or replaced already.
    pub async fn job_done(&self, queued: &QueuedJob) -> Result<bool, StoreError> {
        self.write_unless_changed(vec![Write::Delete {
            key: keys::queued_job(&queued.name),
            cond: Some(same_version(queued)),
        }])
        .await
    }

    /// The job failed again: try it at `due`, unless it was replaced.
    pub async fn job_failed(
        &self,
        queued: &QueuedJob,
        error: &str,
        due: Timestamp,
    ) -> Result<(), StoreError> {
        let next = QueuedJob {
            attempts: queued.attempts + 1,
            due,
            last_error: error.to_string(),
            version: random_id()?,
            ..queued.clone()
        };
        self.write_unless_changed(vec![put_job(&next, Some(same_version(queued)))?])
            .await?;
        Ok(())
    }
}

fn same_version(queued: &QueuedJob) -> Cond {
    Cond::Eq("version".into(), Value::String(queued.version.clone()))
}

fn put_job(queued: &QueuedJob, cond: Option<Cond>) -> Result<Write, StoreError> {
    let key = keys::queued_job(&queued.name);
    Ok(Write::Put {
        item: item_of(json!({
            "pk": key.pk, "sk": key.sk, "kind": "queued_job",
            "version": queued.version,
            "data": to_value(queued)?,
        })),
        cond,
    })
}
