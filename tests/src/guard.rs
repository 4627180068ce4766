//! The platform's adapters as AWS would authorize them: each table access,
//! email and reminder job is judged, at the moment it is made, against the
//! IAM statements template.yaml gives the function making it (which the
//! local platform names with `moments_adapters::deps::as_function`). A call
//! AWS would refuse is refused here the same way, and remembered, so the
//! scenario that made it fails with the function, the action and the key.
//!
//! Calls made outside any function (a test seeding records, the outbox and
//! local scheduler standing in for SES and EventBridge Scheduler) are not
//! judged.

use std::collections::BTreeSet;
use std::io::Write as _;
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use jiff::Timestamp;
use moments_adapters::deps::current_function;
use moments_adapters::mail::outbox::OUTBOX_PK;
use moments_adapters::mail::{MailError, Mailer};
use moments_adapters::scheduler::local::SCHEDULE_PK;
use moments_adapters::scheduler::{Scheduler, SchedulerError};
use moments_adapters::table::{Item, Key, Page, Query, Table, TableError, Write};
use moments_domain::mail::Message;
use serde_json::Value;

use crate::iam::{ACCOUNT, Permissions, REGION, Request};

/// Names a file to which every judged call is appended (function, action,
/// partition-key prefix), e.g. to see which prefixes each function writes.
pub const RECORD_VAR: &str = "MOMENTS_IAM_RECORD";

/// The judge, with what it refused.
pub struct Guard {
    permissions: Permissions,
    refused: Mutex<Vec<String>>,
    seen: Mutex<BTreeSet<String>>,
}

impl Guard {
    pub fn of_workspace() -> Arc<Guard> {
        Guard::of(Permissions::of_workspace())
    }

    pub fn of(permissions: Permissions) -> Arc<Guard> {
        Arc::new(Guard {
            permissions,
            refused: Mutex::new(Vec::new()),
            seen: Mutex::new(BTreeSet::new()),
        })
    }

    /// What AWS would have refused so far, each with its reason; taken, so
    /// a test that expects refusals can see them and go on.
    pub fn take_refused(&self) -> Vec<String> {
        std::mem::take(&mut *self.refused.lock().unwrap_or_else(|p| p.into_inner()))
    }

    /// Judge `requests`, all made by the current function; the first one
    /// refused is the answer.
    fn judge(&self, requests: Vec<Request>) -> Result<(), String> {
        let Some(function) = current_function() else {
            return Ok(());
        };
        for request in requests {
            self.note(function, &request);
            if let Err(why) = self.permissions.check(function, &request) {
                self.refused
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .push(why.clone());
                return Err(why);
            }
        }
        Ok(())
    }

    fn note(&self, function: &str, request: &Request) {
        if std::env::var_os(RECORD_VAR).is_none() {
            return;
        }
        let keys = request.context.get("dynamodb:LeadingKeys");
        let prefix = keys
            .and_then(|k| k.first())
            .map(|k| k.split_inclusive('#').next().unwrap_or(k).to_string())
            .unwrap_or_default();
        self.seen
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(format!("{function}\t{}\t{prefix}", request.action));
    }

    fn setting(&self, name: &str) -> String {
        current_function()
            .and_then(|f| self.permissions.functions.get(f))
            .map(|g| g.setting(name).to_string())
            .unwrap_or_default()
    }

    fn table_arn(&self) -> String {
        format!(
            "arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/{}",
            self.setting("MOMENTS_TABLE")
        )
    }
}

impl Drop for Guard {
    fn drop(&mut self) {
        let Some(path) = std::env::var_os(RECORD_VAR) else {
            return;
        };
        let seen = self.seen.lock().unwrap_or_else(|p| p.into_inner());
        if let Ok(mut file) = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
        {
            for line in seen.iter() {
                let _ = writeln!(file, "{line}");
            }
        }
    }
}

fn denied(why: String) -> TableError {
    TableError::Other(format!("AccessDeniedException: {why}"))
}

/// A table whose accesses are judged as DynamoDB judges them.
pub struct GuardedTable {
    pub inner: Arc<dyn Table>,
    pub guard: Arc<Guard>,
}

/// The outbox's and the local scheduler's items stand in for SES and
/// EventBridge Scheduler, which are judged as such.
fn stand_in(pk: &str) -> bool {
    pk == OUTBOX_PK || pk == SCHEDULE_PK
}

impl GuardedTable {
    fn request(&self, action: &str, resource: &str, pk: &str) -> Option<Request> {
        (!stand_in(pk)).then(|| Request::new(action, resource).with("dynamodb:LeadingKeys", pk))
    }
}

#[async_trait]
impl Table for GuardedTable {
    async fn get(&self, key: &Key) -> Result<Option<Item>, TableError> {
        let table = self.guard.table_arn();
        let request = self.request("dynamodb:GetItem", &table, &key.pk);
        self.guard
            .judge(request.into_iter().collect())
            .map_err(denied)?;
        self.inner.get(key).await
    }

    /// A batch read is authorized for each key's partition.
    async fn get_many(&self, keys: &[Key]) -> Result<Vec<Item>, TableError> {
        let table = self.guard.table_arn();
        let requests = keys
            .iter()
            .filter_map(|k| self.request("dynamodb:BatchGetItem", &table, &k.pk))
            .collect();
        self.guard.judge(requests).map_err(denied)?;
        self.inner.get_many(keys).await
    }

    async fn query(&self, query: &Query) -> Result<Page, TableError> {
        let mut resource = self.guard.table_arn();
        if let Some(index) = query.index.name() {
            resource = format!("{resource}/index/{index}");
        }
        let request = self.request("dynamodb:Query", &resource, &query.pk);
        self.guard
            .judge(request.into_iter().collect())
            .map_err(denied)?;
        self.inner.query(query).await
    }

    /// Each item of a transaction is authorized under its own action.
    async fn write(&self, writes: Vec<Write>) -> Result<(), TableError> {
        let table = self.guard.table_arn();
        let requests = writes
            .iter()
            .filter_map(|w| {
                let action = match w {
                    Write::Put { .. } => "dynamodb:PutItem",
                    Write::Update { .. } => "dynamodb:UpdateItem",
                    Write::Delete { .. } => "dynamodb:DeleteItem",
                    Write::Check { .. } => "dynamodb:ConditionCheckItem",
                };
                self.request(action, &table, &w.key().pk)
            })
            .collect();
        self.guard.judge(requests).map_err(denied)?;
        self.inner.write(writes).await
    }
}

/// A mailer whose sends are judged as SES judges `SendEmail`.
pub struct GuardedMailer {
    pub inner: Arc<dyn Mailer>,
    pub guard: Arc<Guard>,
}

#[async_trait]
impl Mailer for GuardedMailer {
    async fn send(&self, message: &Message) -> Result<(), MailError> {
        let from = self.guard.setting("MOMENTS_MAIL_FROM");
        let set = self.guard.setting("MOMENTS_SES_CONFIGURATION_SET");
        let ses = format!("arn:aws:ses:{REGION}:{ACCOUNT}");
        let mut requests = vec![
            Request::new("ses:SendEmail", &format!("{ses}:identity/{from}"))
                .with("ses:FromAddress", &from),
        ];
        if !set.is_empty() {
            requests.push(
                Request::new("ses:SendEmail", &format!("{ses}:configuration-set/{set}"))
                    .with("ses:FromAddress", &from),
            );
        }
        self.guard
            .judge(requests)
            .map_err(|why| MailError::Rejected(format!("AccessDenied: {why}")))?;
        self.inner.send(message).await
    }
}

/// A scheduler whose jobs are judged as EventBridge Scheduler and IAM judge
/// `CreateSchedule` (with its role passed) and `DeleteSchedule`.
pub struct GuardedScheduler {
    pub inner: Arc<dyn Scheduler>,
    pub guard: Arc<Guard>,
}

impl GuardedScheduler {
    fn schedule_arn(&self, name: &str) -> String {
        format!(
            "arn:aws:scheduler:{REGION}:{ACCOUNT}:schedule/{}/{name}",
            self.guard.setting("MOMENTS_SCHEDULE_GROUP")
        )
    }
}

fn refused(why: String) -> SchedulerError {
    SchedulerError::Refused(format!("AccessDenied: {why}"))
}

#[async_trait]
impl Scheduler for GuardedScheduler {
    async fn schedule(
        &self,
        name: &str,
        at: Timestamp,
        payload: &Value,
    ) -> Result<(), SchedulerError> {
        let role = self.guard.setting("MOMENTS_SCHEDULER_ROLE_ARN");
        self.guard
            .judge(vec![
                Request::new("scheduler:CreateSchedule", &self.schedule_arn(name)),
                Request::new("iam:PassRole", &role)
                    .with("iam:PassedToService", "scheduler.amazonaws.com"),
            ])
            .map_err(refused)?;
        self.inner.schedule(name, at, payload).await
    }

    async fn cancel(&self, name: &str) -> Result<(), SchedulerError> {
        self.guard
            .judge(vec![Request::new(
                "scheduler:DeleteSchedule",
                &self.schedule_arn(name),
            )])
            .map_err(refused)?;
        self.inner.cancel(name).await
    }
}
