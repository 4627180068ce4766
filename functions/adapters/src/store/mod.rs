//! The store port: the program's reads and writes, each a bounded Query or
//! a conditional write, over any `Table` backend (DynamoDB or embedded).

use std::sync::Arc;

use jiff::Timestamp;
use moments_domain::application::{Application, ApplicationId, Role, Status};
use moments_domain::audit::AuditEntry;
use moments_domain::fields::{DepartmentId, EmailAddress};
use serde::{Serialize, de::DeserializeOwned};
use serde_json::{Value, json};

use crate::table::{Cond, Item, Query, Table, TableError, Write};

pub mod keys;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The record to create exists already (e.g. a second application for a role).
    #[error("already exists")]
    AlreadyExists,
    /// The record changed since it was read (or a concurrent transaction won);
    /// nothing was written. Re-read to see why.
    #[error("changed since read")]
    Changed,
    #[error("store temporarily unavailable")]
    Unavailable(#[source] TableError),
    #[error("store failure")]
    Failed(#[source] TableError),
    #[error("stored record is unreadable: {0}")]
    Corrupt(String),
}

impl From<TableError> for StoreError {
    fn from(e: TableError) -> Self {
        match e {
            TableError::ConditionFailed { .. } | TableError::Conflict => StoreError::Changed,
            TableError::Unavailable(_) => StoreError::Unavailable(e),
            other => StoreError::Failed(other),
        }
    }
}

/// What a sign-in token record holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignInGrant {
    pub email: EmailAddress,
    pub next: Option<String>,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum TokenRefused {
    #[error("this sign-in link is not valid or has already been used")]
    UnknownOrUsed,
    #[error("this sign-in link has expired")]
    Expired,
}

/// Most applications a supervisor or department queue lists at once.
const QUEUE_LIMIT: usize = 500;

#[derive(Clone)]
pub struct Store {
    table: Arc<dyn Table>,
}

fn to_value<T: Serialize>(v: &T) -> Result<Value, StoreError> {
    serde_json::to_value(v).map_err(|e| StoreError::Corrupt(e.to_string()))
}

fn from_value<T: DeserializeOwned>(v: Value) -> Result<T, StoreError> {
    serde_json::from_value(v).map_err(|e| StoreError::Corrupt(e.to_string()))
}

fn item_of(pairs: Value) -> Item {
    match pairs {
        Value::Object(map) => map,
        _ => Item::new(),
    }
}

fn application_item(app: &Application) -> Result<Item, StoreError> {
    let key = keys::application(app.id.as_str());
    let status = app.status.as_str();
    let order = format!("{}#{}", app.submitted_at, app.id);
    Ok(item_of(json!({
        "pk": key.pk,
        "sk": key.sk,
        "kind": "application",
        "status": status,
        "version": app.version,
        "gsi1pk": keys::supervisor_partition(app.supervisor().as_str()),
        "gsi1sk": format!("{status}#{order}"),
        "gsi2pk": keys::department_partition(app.details.department.as_str()),
        "gsi2sk": format!("{}{status}#{order}", keys::DEPT_APP_PREFIX),
        "data": to_value(app)?,
    })))
}

fn audit_item(app: &Application, entry: &AuditEntry) -> Result<Item, StoreError> {
    let key = keys::audit(app.id.as_str(), app.version);
    Ok(item_of(json!({
        "pk": key.pk,
        "sk": key.sk,
        "kind": "audit",
        "data": to_value(entry)?,
    })))
}

fn data_of<T: DeserializeOwned>(mut item: Item) -> Result<T, StoreError> {
    from_value(item.remove("data").unwrap_or(Value::Null))
}

impl Store {
    pub fn new(table: Arc<dyn Table>) -> Store {
        Store { table }
    }

    pub fn table(&self) -> &Arc<dyn Table> {
        &self.table
    }

    /// Store a new application with its first audit entry; refused with
    /// `AlreadyExists` when the applicant already has one for that role.
    pub async fn create_application(
        &self,
        app: &Application,
        entry: &AuditEntry,
    ) -> Result<(), StoreError> {
        let guard = keys::role_guard(app.applicant.as_str(), app.role.as_str());
        let writes = vec![
            Write::Put {
                item: item_of(json!({
                    "pk": guard.pk, "sk": guard.sk, "kind": "role_guard",
                    "application_id": app.id.as_str(),
                })),
                cond: Some(Cond::NotExists),
            },
            Write::Put {
                item: application_item(app)?,
                cond: Some(Cond::NotExists),
            },
            Write::Put {
                item: audit_item(app, entry)?,
                cond: Some(Cond::NotExists),
            },
        ];
        match self.table.write(writes).await {
            Err(TableError::ConditionFailed { index: 0 }) => Err(StoreError::AlreadyExists),
            other => other.map_err(StoreError::from),
        }
    }

    /// Replace an application read at `read_version` with its next state,
    /// appending `entry`. Refused with `Changed` if anyone else wrote it in
    /// between, or if `require_pending` and it is no longer pending.
    pub async fn save_application(
        &self,
        read_version: u64,
        require_pending: bool,
        app: &Application,
        entry: &AuditEntry,
    ) -> Result<(), StoreError> {
        let mut conds = vec![Cond::Eq("version".into(), json!(read_version))];
        if require_pending {
            conds.push(Cond::Eq("status".into(), json!(Status::Pending.as_str())));
        }
        let writes = vec![
            Write::Put {
                item: application_item(app)?,
                cond: Some(Cond::And(conds)),
            },
            Write::Put {
                item: audit_item(app, entry)?,
                cond: Some(Cond::NotExists),
            },
        ];
        self.table.write(writes).await.map_err(StoreError::from)
    }

    pub async fn application(&self, id: &ApplicationId) -> Result<Option<Application>, StoreError> {
        match self.table.get(&keys::application(id.as_str())).await? {
            Some(item) => data_of(item).map(Some),
            None => Ok(None),
        }
    }

    /// The person's applications (at most one per role).
    pub async fn applications_of(
        &self,
        email: &EmailAddress,
    ) -> Result<Vec<Application>, StoreError> {
        let q =
            Query::new(crate::table::Index::Primary, keys::person(email.as_str())).prefix("APP#");
        let mut out = Vec::new();
        for guard in self.query_all(q, 2).await? {
            let id = guard
                .get("application_id")
                .and_then(Value::as_str)
                .and_then(|s| ApplicationId::parse(s).ok())
                .ok_or_else(|| StoreError::Corrupt("role guard without application id".into()))?;
            if let Some(app) = self.application(&id).await? {
                out.push(app);
            }
        }
        out.sort_by_key(|a| a.role);
        Ok(out)
    }

    pub async fn application_for_role(
        &self,
        email: &EmailAddress,
        role: Role,
    ) -> Result<Option<Application>, StoreError> {
        Ok(self
            .applications_of(email)
            .await?
            .into_iter()
            .find(|a| a.role == role))
    }

    /// Applications naming this person as supervisor, oldest first:
    /// pending ones, then decided ones.
    pub async fn applications_for_supervisor(
        &self,
        email: &EmailAddress,
    ) -> Result<Vec<Application>, StoreError> {
        let q = Query::new(
            keys::BY_SUPERVISOR,
            keys::supervisor_partition(email.as_str()),
        );
        let items = self.query_all(q, QUEUE_LIMIT).await?;
        let mut apps: Vec<Application> =
            items.into_iter().map(data_of).collect::<Result<_, _>>()?;
        apps.sort_by_key(|a| (a.status != Status::Pending, a.submitted_at));
        Ok(apps)
    }

    /// Whether anyone names this person as their supervisor.
    pub async fn is_supervisor(&self, email: &EmailAddress) -> Result<bool, StoreError> {
        let q = Query::new(
            keys::BY_SUPERVISOR,
            keys::supervisor_partition(email.as_str()),
        )
        .limit(1);
        Ok(!self.table.query(&q).await?.items.is_empty())
    }

    /// Pending applications of a department, oldest first.
    pub async fn pending_in_department(
        &self,
        dept: &DepartmentId,
    ) -> Result<Vec<Application>, StoreError> {
        let q = Query::new(
            keys::BY_DEPARTMENT,
            keys::department_partition(dept.as_str()),
        )
        .prefix(format!(
            "{}{}#",
            keys::DEPT_APP_PREFIX,
            Status::Pending.as_str()
        ));
        let items = self.query_all(q, QUEUE_LIMIT).await?;
        items.into_iter().map(data_of).collect()
    }

    /// The audit trail of an application, oldest first.
    pub async fn audit_of(&self, id: &ApplicationId) -> Result<Vec<AuditEntry>, StoreError> {
        let q = Query::new(
            crate::table::Index::Primary,
            keys::application(id.as_str()).pk,
        )
        .prefix(keys::AUDIT_PREFIX);
        let items = self.query_all(q, 10_000).await?;
        items.into_iter().map(data_of).collect()
    }

    pub async fn add_department_admin(
        &self,
        email: &EmailAddress,
        dept: &DepartmentId,
        added_by: &EmailAddress,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        let key = keys::department_admin(email.as_str(), dept.as_str());
        let item = item_of(json!({
            "pk": key.pk, "sk": key.sk, "kind": "department_admin",
            "email": email.as_str(), "department": dept.as_str(),
            "added_by": added_by.as_str(), "added_at": now.to_string(),
            "gsi2pk": keys::department_partition(dept.as_str()),
            "gsi2sk": format!("{}{}", keys::DEPT_ADMIN_PREFIX, email.as_str()),
        }));
        self.table
            .write(vec![Write::Put { item, cond: None }])
            .await
            .map_err(StoreError::from)
    }

    pub async fn remove_department_admin(
        &self,
        email: &EmailAddress,
        dept: &DepartmentId,
    ) -> Result<(), StoreError> {
        let key = keys::department_admin(email.as_str(), dept.as_str());
        self.table
            .write(vec![Write::Delete { key, cond: None }])
            .await
            .map_err(StoreError::from)
    }

    /// Departments this person administers.
    pub async fn departments_administered(
        &self,
        email: &EmailAddress,
    ) -> Result<Vec<DepartmentId>, StoreError> {
        let q = Query::new(crate::table::Index::Primary, keys::person(email.as_str()))
            .prefix(keys::DEPTADMIN_PREFIX);
        let items = self.query_all(q, 100).await?;
        Ok(items
            .iter()
            .filter_map(|i| i.get("department").and_then(Value::as_str))
            .filter_map(|d| DepartmentId::parse(d).ok())
            .collect())
    }

    /// Administrators of a department.
    pub async fn department_admins(
        &self,
        dept: &DepartmentId,
    ) -> Result<Vec<EmailAddress>, StoreError> {
        let q = Query::new(
            keys::BY_DEPARTMENT,
            keys::department_partition(dept.as_str()),
        )
        .prefix(keys::DEPT_ADMIN_PREFIX);
        let items = self.query_all(q, 100).await?;
        Ok(items
            .iter()
            .filter_map(|i| i.get("email").and_then(Value::as_str))
            .filter_map(|e| EmailAddress::parse(e).ok())
            .collect())
    }

    /// Remember a sign-in token by its hash until `expires_at`.
    pub async fn put_sign_in_token(
        &self,
        hash_hex: &str,
        grant: &SignInGrant,
        expires_at: Timestamp,
    ) -> Result<(), StoreError> {
        let key = keys::sign_in_token(hash_hex);
        let item = item_of(json!({
            "pk": key.pk, "sk": key.sk, "kind": "sign_in_token",
            "email": grant.email.as_str(),
            "next": grant.next,
            // Epoch seconds: DynamoDB's TTL attribute removes stale tokens.
            "expires_at": expires_at.as_second(),
        }));
        match self
            .table
            .write(vec![Write::Put {
                item,
                cond: Some(Cond::NotExists),
            }])
            .await
        {
            Err(TableError::ConditionFailed { .. }) => Err(StoreError::AlreadyExists),
            other => other.map_err(StoreError::from),
        }
    }

    /// Use a sign-in token: it works once (the conditional delete lets only
    /// one of several concurrent attempts through) and only before it expires.
    pub async fn take_sign_in_token(
        &self,
        hash_hex: &str,
        now: Timestamp,
    ) -> Result<Result<SignInGrant, TokenRefused>, StoreError> {
        let key = keys::sign_in_token(hash_hex);
        let Some(item) = self.table.get(&key).await? else {
            return Ok(Err(TokenRefused::UnknownOrUsed));
        };
        match self
            .table
            .write(vec![Write::Delete {
                key,
                cond: Some(Cond::Exists),
            }])
            .await
        {
            Ok(()) => {}
            Err(TableError::ConditionFailed { .. }) => return Ok(Err(TokenRefused::UnknownOrUsed)),
            Err(e) => return Err(e.into()),
        }
        let expires = item.get("expires_at").and_then(Value::as_i64).unwrap_or(0);
        if now.as_second() >= expires {
            return Ok(Err(TokenRefused::Expired));
        }
        let email = item
            .get("email")
            .and_then(Value::as_str)
            .and_then(|e| EmailAddress::parse(e).ok())
            .ok_or_else(|| StoreError::Corrupt("sign-in token without email".into()))?;
        let next = item.get("next").and_then(Value::as_str).map(str::to_string);
        Ok(Ok(SignInGrant { email, next }))
    }

    /// Every item of a query, following pages, up to `max` items.
    async fn query_all(&self, mut q: Query, max: usize) -> Result<Vec<Item>, StoreError> {
        let mut out = Vec::new();
        loop {
            let page = self.table.query(&q).await?;
            out.extend(page.items);
            match page.next {
                Some(next) if out.len() < max => q.start = Some(next),
                _ => break,
            }
        }
        out.truncate(max);
        Ok(out)
    }
}
