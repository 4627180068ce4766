//! The local stand-in for EventBridge Scheduler: jobs are kept in the table
//! and run when someone presses "run due jobs now" on the local platform (or
//! a test asks), with the same names, times and payloads as in AWS.

use std::sync::Arc;

use async_trait::async_trait;
use jiff::Timestamp;
use serde_json::{Value, json};

use super::{Scheduler, SchedulerError, check_name};
use crate::table::{Cond, Index, Key, Query, Table, TableError, Write};

/// The partition of the local jobs, which stand in for EventBridge Scheduler's.
pub const SCHEDULE_PK: &str = "SCHEDULE";

/// A job that is due: its name and payload.
#[derive(Debug, Clone, PartialEq)]
pub struct DueJob {
    pub name: String,
    pub at: Timestamp,
    pub payload: Value,
}

pub struct LocalScheduler {
    table: Arc<dyn Table>,
}

fn unavailable(e: TableError) -> SchedulerError {
    SchedulerError::Unavailable(e.to_string())
}

impl LocalScheduler {
    pub fn new(table: Arc<dyn Table>) -> Self {
        LocalScheduler { table }
    }

    /// Every job, due or not, soonest first.
    pub async fn jobs(&self) -> Result<Vec<DueJob>, SchedulerError> {
        let mut q = Query::new(Index::Primary, SCHEDULE_PK);
        let mut out = Vec::new();
        loop {
            let page = self.table.query(&q).await.map_err(unavailable)?;
            for item in page.items {
                let name = item
                    .get("sk")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_string();
                let at = item
                    .get("at")
                    .and_then(Value::as_str)
                    .and_then(|s| s.parse::<Timestamp>().ok())
                    .ok_or_else(|| {
                        SchedulerError::Unavailable(format!("job {name} has no time"))
                    })?;
                out.push(DueJob {
                    name,
                    at,
                    payload: item.get("payload").cloned().unwrap_or(Value::Null),
                });
            }
            match page.next {
                Some(next) => q.start = Some(next),
                None => break,
            }
        }
        out.sort_by_key(|j| j.at);
        Ok(out)
    }

    /// Take the jobs due at `now` off the list, as EventBridge does once it
    /// has handed them over. Each is taken by one caller only.
    pub async fn take_due(&self, now: Timestamp) -> Result<Vec<DueJob>, SchedulerError> {
        self.take_due_named(now, "").await
    }

    /// Take the jobs due at `now` whose names start with `prefix`.
    pub async fn take_due_named(
        &self,
        now: Timestamp,
        prefix: &str,
    ) -> Result<Vec<DueJob>, SchedulerError> {
        let mut taken = Vec::new();
        let due = self.jobs().await?.into_iter();
        for job in due.filter(|j| j.at <= now && j.name.starts_with(prefix)) {
            let delete = Write::Delete {
                key: Key::new(SCHEDULE_PK, job.name.clone()),
                cond: Some(Cond::Eq("at".into(), json!(job.at.to_string()))),
            };
            match self.table.write(vec![delete]).await {
                Ok(()) => taken.push(job),
                Err(TableError::ConditionFailed { .. }) => {}
                Err(e) => return Err(unavailable(e)),
            }
        }
        Ok(taken)
    }
}

#[async_trait]
impl Scheduler for LocalScheduler {
    async fn schedule(
        &self,
        name: &str,
        at: Timestamp,
        payload: &Value,
    ) -> Result<(), SchedulerError> {
        check_name(name)?;
        let item = json!({"pk": SCHEDULE_PK, "sk": name, "kind": "schedule", "at": at.to_string(), "payload": payload});
        let item = item.as_object().cloned().unwrap_or_default();
        self.table
            .write(vec![Write::Put { item, cond: None }])
            .await
            .map_err(unavailable)
    }

    async fn cancel(&self, name: &str) -> Result<(), SchedulerError> {
        check_name(name)?;
        self.table
            .write(vec![Write::Delete {
                key: Key::new(SCHEDULE_PK, name),
                cond: None,
            }])
            .await
            .map_err(unavailable)
    }
}
