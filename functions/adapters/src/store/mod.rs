//! The store port: the program's reads and writes, each a bounded Query or
//! a conditional write, over any `Table` backend (DynamoDB or embedded).

use std::sync::Arc;

use jiff::Timestamp;
use moments_domain::application::{Application, ApplicationId, Role, Status};
use moments_domain::audit::{Action, AuditEntry};
use moments_domain::fields::{DepartmentId, EmailAddress};
use moments_domain::mentorship::Capacity;
use moments_domain::metrics::{self, Quarter, Tally};
use serde::{Serialize, de::DeserializeOwned};
use serde_json::{Value, json};

use crate::table::{Cond, Item, Key, Query, Table, TableError, Write};

pub mod announcements;
mod attention;
mod calendar;
mod checkins;
mod contact;
mod counters;
mod job_queue;
pub mod keys;
mod limits;
mod listing;
mod lists;
mod mail_queue;
pub mod matching_runs;
mod mentorships;
mod names;
mod prior;
mod program_admins;
mod quarter;
mod registrations;
mod resources;
mod retention;
mod security_log;
mod sessions;

pub use attention::{OpenSurvey, SURVEY_OPEN_LISTED};
pub use job_queue::QueuedJob;
pub use limits::{LimitRefused, Window};
pub use listing::{Listing, ListingCopy};
pub use lists::KeptList;
pub use mail_queue::QueuedMail;
pub use mentorships::{MentorshipRecord, Repair, RequestSides};
pub use names::{MOST_NAMES, NamedPerson};
pub use program_admins::{
    MOST_PROGRAM_ADMINS, ProgramAdmin, ProgramAdminAddition, ProgramAdminRemoval,
};
pub use registrations::Cancelled;
pub use retention::ErasureRequest;
pub use security_log::{RefusalCount, SECURITY_LOG_KEPT, StoredSecurityEvent};
pub use sessions::{SignedInWith, StoredSession};

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
    /// The operating system gave no random bytes for a key.
    #[error("no randomness for a key")]
    NoRandomness(#[source] getrandom::Error),
}

/// Random bytes for a key, as hex digits.
fn random_hex<const N: usize>() -> Result<String, StoreError> {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes).map_err(StoreError::NoRandomness)?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
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

/// A department administrator as recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DepartmentAdmin {
    pub email: EmailAddress,
    pub department: DepartmentId,
    pub added_by: String,
    pub added_at: String,
}

/// An entry of an administrators' trail (a department's, or the program
/// administrators'): who changed whom, under `pk`, sorted by time.
pub(super) fn admins_audit(
    pk: &str,
    actor: &EmailAddress,
    action: Action,
    whom: &EmailAddress,
    now: Timestamp,
) -> Result<Write, StoreError> {
    let entry = AuditEntry {
        at: now,
        actor: actor.clone(),
        action,
        on_behalf_of: None,
        note: Some(whom.to_string()),
    };
    let nonce = random_hex::<4>()?;
    audit_write(pk, &format!("{:020}-{nonce}", now.as_nanosecond()), &entry)
}

/// What a sign-in token record holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignInGrant {
    pub email: EmailAddress,
    pub next: Option<String>,
    /// What a task link is for ("review Ada Lovelace's mentee
    /// application"), shown before signing in; `None` for a plain link.
    pub task: Option<String>,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum TokenRefused {
    #[error("this sign-in link is not valid or has already been used")]
    UnknownOrUsed,
    #[error("this sign-in link has expired")]
    Expired,
}

/// A stored sign-in token's grant and expiry, or why it no longer works.
fn grant_of(
    item: &Item,
    now: Timestamp,
) -> Result<Result<(SignInGrant, Timestamp), TokenRefused>, StoreError> {
    let expires = item.get("expires_at").and_then(Value::as_i64).unwrap_or(0);
    if now.as_second() >= expires {
        return Ok(Err(TokenRefused::Expired));
    }
    let expires = Timestamp::from_second(expires)
        .map_err(|e| StoreError::Corrupt(format!("sign-in token expiry: {e}")))?;
    let email = item
        .get("email")
        .and_then(Value::as_str)
        .and_then(|e| EmailAddress::parse(e).ok())
        .ok_or_else(|| StoreError::Corrupt("sign-in token without email".into()))?;
    let text = |name: &str| item.get(name).and_then(Value::as_str).map(str::to_string);
    let grant = SignInGrant {
        email,
        next: text("next"),
        task: text("task"),
    };
    Ok(Ok((grant, expires)))
}

/// Most applications a supervisor or department queue lists at once.
const QUEUE_LIMIT: usize = 500;

/// Set on an application once a request names it (either side): a decision
/// on it can no longer be undone, as the request would be left with an
/// application waiting for review.
pub(crate) const REQUESTED: &str = "requested";

#[derive(Clone)]
pub struct Store {
    table: Arc<dyn Table>,
    /// Set once this table's calendar is known to be seeded: the mark is
    /// never removed, so a warm function reads it once, not per request.
    calendar_seeded: Arc<std::sync::OnceLock<()>>,
    /// Set once the program administrators are known to be seeded (the
    /// mark is never removed either).
    program_admins_seeded: Arc<std::sync::OnceLock<()>>,
    /// This function's copy of the mentor listing, for search.
    listing_copy: Arc<ListingCopy>,
}

/// 16 hex digits, telling apart queued items (and versions of one).
fn random_id() -> Result<String, StoreError> {
    random_hex::<8>()
}

fn to_value<T: Serialize + ?Sized>(v: &T) -> Result<Value, StoreError> {
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

/// The attributes of an application item that follow from the record
/// itself. Its capacity attributes (`active`, `available`) are separate:
/// only the writes that change them touch them.
pub(super) fn application_attributes(
    app: &Application,
) -> Result<Vec<(String, Value)>, StoreError> {
    let status = app.status.as_str();
    let order = format!("{}#{}", app.submitted_at, app.id);
    let [gsi3pk, gsi3sk] =
        keys::in_quarter(Quarter::of(app.submitted_at), keys::APPS_IN_QUARTER, &order);
    Ok(vec![
        gsi3pk,
        gsi3sk,
        ("kind".into(), json!("application")),
        ("status".into(), json!(status)),
        ("version".into(), json!(app.version)),
        (
            "gsi1pk".into(),
            json!(keys::supervisor_partition(app.supervisor().as_str())),
        ),
        ("gsi1sk".into(), json!(format!("{status}#{order}"))),
        (
            "gsi2pk".into(),
            json!(keys::department_partition(app.details.department.as_str())),
        ),
        (
            "gsi2sk".into(),
            json!(format!("{}{status}#{order}", keys::DEPT_APP_PREFIX)),
        ),
        ("data".into(), to_value(app)?),
    ])
}

/// An append-only audit entry: written with `attribute_not_exists`, never changed.
fn audit_write(pk: &str, sequence: &str, entry: &AuditEntry) -> Result<Write, StoreError> {
    let key = keys::audit(pk, sequence);
    Ok(Write::Put {
        item: item_of(json!({
            "pk": key.pk,
            "sk": key.sk,
            "kind": "audit",
            "data": to_value(entry)?,
        })),
        cond: Some(Cond::NotExists),
    })
}

fn app_audit(app: &Application, entry: &AuditEntry) -> Result<Write, StoreError> {
    audit_write(
        &keys::application(app.id.as_str()).pk,
        &format!("{:010}", app.version),
        entry,
    )
}

/// The capacity attributes of an application item.
fn capacity_of(item: &Item) -> Capacity {
    let default = Capacity::default();
    Capacity {
        active: item
            .get("active")
            .and_then(Value::as_u64)
            .and_then(|n| u32::try_from(n).ok())
            .unwrap_or(default.active),
        available: item
            .get("available")
            .and_then(Value::as_bool)
            .unwrap_or(default.available),
    }
}

/// The condition that an application's capacity is still what was read.
fn capacity_unchanged(read: Capacity) -> Cond {
    Cond::And(vec![
        Cond::Eq("active".into(), json!(read.active)),
        Cond::Eq("available".into(), json!(read.available)),
    ])
}

fn data_of<T: DeserializeOwned>(mut item: Item) -> Result<T, StoreError> {
    from_value(item.remove("data").unwrap_or(Value::Null))
}

/// A record the program team keeps, one item under `key` (the program's
/// contact details, its settings), saved at `version` (one above the
/// version read; `Changed` if someone saved since), with its audit entry
/// in the same partition (`AUDIT#{version}`).
fn versioned_writes(
    key: crate::table::Key,
    kind: &str,
    version: u64,
    data: Value,
    entry: &AuditEntry,
) -> Result<Vec<Write>, StoreError> {
    let audit = audit_write(&key.pk, &format!("{version:010}"), entry)?;
    let item = item_of(json!({
        "pk": key.pk, "sk": key.sk, "kind": kind,
        "version": version,
        "data": data,
    }));
    Ok(vec![calendar::put(item, version), audit])
}

impl Store {
    /// A record kept by `versioned_writes`, or its default before the
    /// first save. A strongly consistent GetItem.
    async fn versioned<T: DeserializeOwned + Default>(
        &self,
        key: &crate::table::Key,
    ) -> Result<T, StoreError> {
        match self.table.get(key).await? {
            Some(item) => data_of(item),
            None => Ok(T::default()),
        }
    }
}

impl Store {
    pub fn new(table: Arc<dyn Table>) -> Store {
        Store {
            table,
            calendar_seeded: Arc::default(),
            program_admins_seeded: Arc::default(),
            listing_copy: Arc::default(),
        }
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
        let key = keys::application(app.id.as_str());
        let mut item = item_of(json!({"pk": key.pk, "sk": key.sk}));
        item.extend(application_attributes(app)?);
        let capacity = Capacity::default();
        item.insert("active".into(), json!(capacity.active));
        item.insert("available".into(), json!(capacity.available));
        let mut writes = vec![
            Write::Put {
                item: item_of(json!({
                    "pk": guard.pk, "sk": guard.sk, "kind": "role_guard",
                    "application_id": app.id.as_str(),
                })),
                cond: Some(Cond::NotExists),
            },
            Write::Put {
                item,
                cond: Some(Cond::NotExists),
            },
            app_audit(app, entry)?,
        ];
        writes.extend(listing::writes(None, app, capacity));
        writes.extend(prior::writes(None, Some(app)));
        writes.extend(names::writes(None, Some(app)));
        writes.extend(counters::writes(&metrics::application(app)));
        match self.table.write(writes).await {
            Err(TableError::ConditionFailed { index: 0 }) => Err(StoreError::AlreadyExists),
            other => other.map_err(StoreError::from),
        }
    }

    /// Save an application read at `read_version` in its next state,
    /// appending `entry`. Refused with `Changed` if anyone else wrote it in
    /// between, or if `require_pending` and it is no longer pending. A mentor's
    /// listing follows in the same transaction.
    pub async fn save_application(
        &self,
        read_version: u64,
        require_pending: bool,
        app: &Application,
        entry: &AuditEntry,
    ) -> Result<(), StoreError> {
        let status =
            require_pending.then(|| Cond::Eq("status".into(), json!(Status::Pending.as_str())));
        let writes = self
            .application_writes(read_version, status.into_iter().collect(), app, entry)
            .await?;
        self.table.write(writes).await.map_err(StoreError::from)
    }

    /// Take back the decision on `before` (`undone` is the application
    /// after): only while its email has not gone (its notice `notice` is
    /// not claimed) and nobody has sent a request with it or to it.
    /// `AlreadyExists` when the email has gone; `Changed` when anything
    /// else moved.
    pub async fn undo_decision(
        &self,
        before: &Application,
        undone: &Application,
        notice: &str,
        entry: &AuditEntry,
    ) -> Result<(), StoreError> {
        let writes = self
            .application_writes(
                before.version,
                vec![
                    Cond::Eq("status".into(), json!(before.status.as_str())),
                    Cond::Ne(REQUESTED.into(), json!(true)),
                ],
                undone,
                entry,
            )
            .await?;
        self.write_unless_told(notice, writes).await
    }

    /// Apply `writes` (an undo) only while the held email's notice `notice`
    /// is not claimed, checked in the same transaction: `AlreadyExists`
    /// when the email's job claimed it first, `Changed` when any other
    /// condition failed.
    pub(super) async fn write_unless_told(
        &self,
        notice: &str,
        writes: Vec<Write>,
    ) -> Result<(), StoreError> {
        let told = Write::Check {
            key: keys::notice(notice),
            cond: Cond::NotExists,
        };
        match self.table.write([vec![told], writes].concat()).await {
            Err(TableError::ConditionFailed { index: 0 }) => Err(StoreError::AlreadyExists),
            other => other.map_err(StoreError::from),
        }
    }

    /// The writes that change an application from what is stored (version
    /// `read_version`, and `conds`) to `app`, with everything kept beside
    /// it: its audit entry, listing, prior mentees, names and counters.
    async fn application_writes(
        &self,
        read_version: u64,
        mut conds: Vec<Cond>,
        app: &Application,
        entry: &AuditEntry,
    ) -> Result<Vec<Write>, StoreError> {
        // The listing depends on the capacity too: read it, and write only if
        // it is still what was read.
        let Some((before, capacity)) = self.application_with_capacity(&app.id).await? else {
            return Err(StoreError::Changed);
        };
        conds.push(Cond::Eq("version".into(), json!(read_version)));
        conds.push(capacity_unchanged(capacity));
        let mut writes = vec![
            Write::Update {
                key: keys::application(app.id.as_str()),
                set: application_attributes(app)?,
                add: vec![],
                remove: vec![],
                cond: Some(Cond::And(conds)),
            },
            app_audit(app, entry)?,
        ];
        writes.extend(listing::writes(Some(&before), app, capacity));
        writes.extend(prior::writes(Some(&before), Some(app)));
        writes.extend(names::writes(Some(&before), Some(app)));
        writes.extend(counters::writes(&Tally::change(
            Some(&metrics::application(&before)),
            &metrics::application(app),
        )));
        Ok(writes)
    }

    /// An application and the capacity kept beside it.
    pub async fn application_with_capacity(
        &self,
        id: &ApplicationId,
    ) -> Result<Option<(Application, Capacity)>, StoreError> {
        match self.table.get(&keys::application(id.as_str())).await? {
            Some(item) => {
                let capacity = capacity_of(&item);
                Ok(Some((data_of(item)?, capacity)))
            }
            None => Ok(None),
        }
    }

    /// A mentor takes new mentees again, or stops for now. Existing
    /// mentorships are not affected.
    pub async fn set_availability(
        &self,
        app: &Application,
        read: Capacity,
        available: bool,
        entry: &AuditEntry,
    ) -> Result<Capacity, StoreError> {
        let after = Capacity { available, ..read };
        let mut writes = vec![Write::Update {
            key: keys::application(app.id.as_str()),
            set: vec![("available".into(), json!(available))],
            add: vec![],
            remove: vec![],
            cond: Some(Cond::And(vec![
                Cond::Eq("version".into(), json!(app.version)),
                capacity_unchanged(read),
            ])),
        }];
        // Availability changes do not bump the version: a random suffix
        // keeps each entry's key its own, ordered after the version's entry.
        let suffix = random_hex::<8>()?;
        writes.push(audit_write(
            &keys::application(app.id.as_str()).pk,
            &format!("{:010}-{}-{suffix}", app.version, entry.at.as_nanosecond()),
            entry,
        )?);
        writes.extend(listing::writes(Some(app), app, after));
        self.table.write(writes).await?;
        Ok(after)
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
        let apps = self.applications_with_capacity_of(email).await?;
        Ok(apps.into_iter().map(|(app, _)| app).collect())
    }

    /// A person's applications (at most one per role, mentee first), each
    /// with the capacity kept beside it.
    pub async fn applications_with_capacity_of(
        &self,
        email: &EmailAddress,
    ) -> Result<Vec<(Application, Capacity)>, StoreError> {
        let q =
            Query::new(crate::table::Index::Primary, keys::person(email.as_str())).prefix("APP#");
        let mut out = Vec::new();
        for guard in self.query_all(q, 2).await? {
            let id = guard
                .get("application_id")
                .and_then(Value::as_str)
                .and_then(|s| ApplicationId::parse(s).ok())
                .ok_or_else(|| StoreError::Corrupt("role guard without application id".into()))?;
            if let Some(found) = self.application_with_capacity(&id).await? {
                out.push(found);
            }
        }
        out.sort_by_key(|(a, _)| a.role);
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

    /// The application items of a department with this status, oldest first.
    async fn in_department(
        &self,
        dept: &DepartmentId,
        status: Status,
        max: usize,
    ) -> Result<Vec<Item>, StoreError> {
        let q = Query::new(
            keys::BY_DEPARTMENT,
            keys::department_partition(dept.as_str()),
        )
        .prefix(format!("{}{}#", keys::DEPT_APP_PREFIX, status.as_str()));
        self.query_all(q, max).await
    }

    /// Pending applications of a department, oldest first.
    pub async fn pending_in_department(
        &self,
        dept: &DepartmentId,
    ) -> Result<Vec<Application>, StoreError> {
        let items = self
            .in_department(dept, Status::Pending, QUEUE_LIMIT)
            .await?;
        items.into_iter().map(data_of).collect()
    }

    /// Denied, revoked and withdrawn applications of a department, oldest
    /// first within each (for retention).
    pub async fn denied_in_department(
        &self,
        dept: &DepartmentId,
    ) -> Result<Vec<Application>, StoreError> {
        let mut items = Vec::new();
        for status in [Status::Denied, Status::Revoked, Status::Withdrawn] {
            items.extend(self.in_department(dept, status, usize::MAX).await?);
        }
        items.into_iter().map(data_of).collect()
    }

    /// Approved applications of a department, with their capacity (for the
    /// matching run: a bounded Query per department, never a Scan).
    pub async fn approved_in_department(
        &self,
        dept: &DepartmentId,
    ) -> Result<Vec<(Application, Capacity)>, StoreError> {
        let items = self
            .in_department(dept, Status::Approved, usize::MAX)
            .await?;
        items
            .into_iter()
            .map(|item| {
                let capacity = capacity_of(&item);
                data_of(item).map(|app| (app, capacity))
            })
            .collect()
    }

    /// A department's applications waiting for a decision or approved,
    /// with their capacity (for announcements: two bounded Queries).
    pub async fn live_in_department(
        &self,
        dept: &DepartmentId,
    ) -> Result<Vec<(Application, Capacity)>, StoreError> {
        let mut items = self
            .in_department(dept, Status::Pending, usize::MAX)
            .await?;
        items.extend(
            self.in_department(dept, Status::Approved, usize::MAX)
                .await?,
        );
        items
            .into_iter()
            .map(|item| {
                let capacity = capacity_of(&item);
                data_of(item).map(|app| (app, capacity))
            })
            .collect()
    }

    /// The audit trail of an application, oldest first.
    pub async fn audit_of(&self, id: &ApplicationId) -> Result<Vec<AuditEntry>, StoreError> {
        self.audit_at(&keys::application(id.as_str()).pk).await
    }

    /// The audit trail of the record whose partition is `pk`, oldest first.
    async fn audit_at(&self, pk: &str) -> Result<Vec<AuditEntry>, StoreError> {
        let q = Query::new(crate::table::Index::Primary, pk).prefix(keys::AUDIT_PREFIX);
        let items = self.query_all(q, 10_000).await?;
        items.into_iter().map(data_of).collect()
    }

    /// Make someone an administrator of a department, recorded in the
    /// department's audit trail; `AlreadyExists` if they are one.
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
        let writes = vec![
            Write::Put {
                item,
                cond: Some(Cond::NotExists),
            },
            admins_audit(
                &keys::department_records(dept.as_str()),
                added_by,
                Action::DepartmentAdminAdded,
                email,
                now,
            )?,
        ];
        match self.table.write(writes).await {
            Err(TableError::ConditionFailed { index: 0 }) => Err(StoreError::AlreadyExists),
            other => other.map_err(StoreError::from),
        }
    }

    /// Stop someone administering a department; `Changed` if they did not.
    pub async fn remove_department_admin(
        &self,
        email: &EmailAddress,
        dept: &DepartmentId,
        removed_by: &EmailAddress,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        let key = keys::department_admin(email.as_str(), dept.as_str());
        let writes = vec![
            Write::Delete {
                key,
                cond: Some(Cond::Exists),
            },
            admins_audit(
                &keys::department_records(dept.as_str()),
                removed_by,
                Action::DepartmentAdminRemoved,
                email,
                now,
            )?,
        ];
        self.table.write(writes).await.map_err(StoreError::from)
    }

    /// The administrators of a department as recorded: who, added by whom, when.
    pub async fn department_admin_records(
        &self,
        dept: &DepartmentId,
    ) -> Result<Vec<DepartmentAdmin>, StoreError> {
        let q = Query::new(
            keys::BY_DEPARTMENT,
            keys::department_partition(dept.as_str()),
        )
        .prefix(keys::DEPT_ADMIN_PREFIX);
        let text = |item: &Item, name: &str| {
            item.get(name)
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string()
        };
        Ok(self
            .query_all(q, 100)
            .await?
            .iter()
            .filter_map(|item| {
                Some(DepartmentAdmin {
                    email: EmailAddress::parse(&text(item, "email")).ok()?,
                    department: dept.clone(),
                    added_by: text(item, "added_by"),
                    added_at: text(item, "added_at"),
                })
            })
            .collect())
    }

    /// Departments this person administers.
    pub async fn departments_administered(
        &self,
        email: &EmailAddress,
    ) -> Result<Vec<DepartmentId>, StoreError> {
        let q = Query::new(crate::table::Index::Primary, keys::person(email.as_str()))
            .prefix(keys::DEPTADMIN_PREFIX);
        self.query_attribute(q, "department", DepartmentId::parse)
            .await
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
        self.query_attribute(q, "email", EmailAddress::parse).await
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
            "task": grant.task,
            // Epoch seconds: DynamoDB's TTL attribute removes stale tokens.
            "expires_at": expires_at.as_second(),
            // So erasure and "sign out everywhere" can void a person's links.
            "gsi1pk": keys::sign_in_links_of(grant.email.as_str()),
            "gsi1sk": hash_hex,
        }));
        self.put_new(item).await
    }

    /// What a sign-in token grants and until when, without using it (the
    /// page a link opens says who it signs in, and for what).
    pub async fn peek_sign_in_token(
        &self,
        hash_hex: &str,
        now: Timestamp,
    ) -> Result<Result<(SignInGrant, Timestamp), TokenRefused>, StoreError> {
        let Some(item) = self.table.get(&keys::sign_in_token(hash_hex)).await? else {
            return Ok(Err(TokenRefused::UnknownOrUsed));
        };
        grant_of(&item, now)
    }

    /// Use a sign-in token: it works once (the conditional delete lets only
    /// one of several concurrent attempts through) and only before it expires.
    pub async fn take_sign_in_token(
        &self,
        hash_hex: &str,
        now: Timestamp,
    ) -> Result<Result<SignInGrant, TokenRefused>, StoreError> {
        let Some(item) = self.take_once(keys::sign_in_token(hash_hex)).await? else {
            return Ok(Err(TokenRefused::UnknownOrUsed));
        };
        Ok(grant_of(&item, now)?.map(|(grant, _)| grant))
    }

    /// Claim the right to send a one-off notice (a reminder, a digest) so a
    /// retried job does not send it twice. `false`: already claimed. The
    /// claim expires after `keep` (TTL), long after any retry.
    pub async fn claim_notice(
        &self,
        name: &str,
        now: Timestamp,
        keep: jiff::SignedDuration,
    ) -> Result<bool, StoreError> {
        let key = keys::notice(name);
        let item = item_of(json!({
            "pk": key.pk, "sk": key.sk, "kind": "notice",
            "claimed_at": now.to_string(),
            "expires_at": (now + keep).as_second(),
        }));
        match self.put_new(item).await {
            Ok(()) => Ok(true),
            Err(StoreError::AlreadyExists) => Ok(false),
            Err(e) => Err(e),
        }
    }

    /// Give a claim back when the notice could not be sent, so a retry sends it.
    pub async fn release_notice(&self, name: &str) -> Result<(), StoreError> {
        self.table
            .write(vec![Write::Delete {
                key: keys::notice(name),
                cond: None,
            }])
            .await
            .map_err(StoreError::from)
    }

    /// One string attribute of each item a (small) query finds, parsed;
    /// an item whose value does not parse is skipped.
    async fn query_attribute<T, E>(
        &self,
        q: Query,
        attribute: &str,
        parse: impl Fn(&str) -> Result<T, E>,
    ) -> Result<Vec<T>, StoreError> {
        let items = self.query_all(q, 100).await?;
        Ok(items
            .iter()
            .filter_map(|i| i.get(attribute).and_then(Value::as_str))
            .filter_map(|v| parse(v).ok())
            .collect())
    }

    /// Read an item and delete it, once: of several concurrent takers the
    /// conditional delete lets one through; the others get `None`.
    pub(super) async fn take_once(&self, key: Key) -> Result<Option<Item>, StoreError> {
        let Some(item) = self.table.get(&key).await? else {
            return Ok(None);
        };
        match self
            .table
            .write(vec![Write::Delete {
                key,
                cond: Some(Cond::Exists),
            }])
            .await
        {
            Ok(()) => Ok(Some(item)),
            Err(TableError::ConditionFailed { .. }) => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    /// Write an item only if none exists under its key yet.
    async fn put_new(&self, item: Item) -> Result<(), StoreError> {
        let put = Write::Put {
            item,
            cond: Some(Cond::NotExists),
        };
        match self.table.write(vec![put]).await {
            Err(TableError::ConditionFailed { .. }) => Err(StoreError::AlreadyExists),
            other => other.map_err(StoreError::from),
        }
    }

    /// Every item of a query, following pages, up to `max` items.
    /// Apply `writes` if their conditions hold: `false` when one did not
    /// (another run got there first), which is no error for the caller.
    async fn write_unless_changed(&self, writes: Vec<Write>) -> Result<bool, StoreError> {
        match self.table.write(writes).await {
            Ok(()) => Ok(true),
            Err(e) => match StoreError::from(e) {
                StoreError::Changed => Ok(false),
                other => Err(other),
            },
        }
    }

    /// The items of any number of keys (distinct), a batch read for each
    /// hundred.
    async fn get_all(&self, keys: &[Key]) -> Result<Vec<Item>, StoreError> {
        let mut out = Vec::with_capacity(keys.len());
        for chunk in keys.chunks(crate::table::MAX_GET_MANY) {
            out.extend(self.table.get_many(chunk).await?);
        }
        Ok(out)
    }

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
