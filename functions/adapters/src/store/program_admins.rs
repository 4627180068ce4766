//! Program administrators, kept in the table so the program team can change
//! them without a deploy. One partition, `PROGADMIN`, holds one item per
//! administrator (`ADMIN#{email}`), a count of them (`COUNT`, also the mark
//! that the roster was seeded from the deploy parameter) and the audit
//! trail of additions and removals (`AUDIT#...`).
//!
//! Checking one person is a single GetItem; listing them is one small
//! Query. The count is changed in the same transaction as the roster, and
//! a removal holds only while more than one remains, so two administrators
//! removing each other at once cannot leave the program with none.

use jiff::Timestamp;
use moments_domain::audit::{Action, AuditEntry};
use moments_domain::fields::EmailAddress;
use serde_json::{Value, json};

use super::{Store, StoreError, admins_audit, item_of, keys};
use crate::table::{Cond, Index, Item, Query, TableError, Write};

/// Most program administrators a roster may hold: the seed is one
/// transaction, and the program team is a handful of people.
pub const MOST_PROGRAM_ADMINS: usize = 50;

/// A program administrator as recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProgramAdmin {
    pub email: EmailAddress,
    /// Who added them; `None` for those seeded from the deploy parameter.
    pub added_by: Option<String>,
    pub added_at: String,
}

/// What became of a removal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProgramAdminRemoval {
    Removed,
    /// They were not a program administrator.
    NotOne,
    /// They are the only one left: the program would have none.
    LastOne,
}

/// What became of an addition.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProgramAdminAddition {
    Added,
    AlreadyOne,
    /// The roster already holds `MOST_PROGRAM_ADMINS`.
    Full,
}

fn admin_item(email: &EmailAddress, added_by: Option<&EmailAddress>, now: Timestamp) -> Item {
    let key = keys::program_admin(email.as_str());
    item_of(json!({
        "pk": key.pk, "sk": key.sk, "kind": "program_admin",
        "email": email.as_str(),
        "added_by": added_by.map(EmailAddress::as_str),
        "added_at": now.to_string(),
    }))
}

impl Store {
    /// Whether this person is a program administrator in the table: one read.
    pub async fn is_program_admin(&self, email: &EmailAddress) -> Result<bool, StoreError> {
        Ok(self
            .table
            .get(&keys::program_admin(email.as_str()))
            .await?
            .is_some())
    }

    /// Whether the roster was ever seeded (or written): one read per warm
    /// function until it says yes, as the mark is never removed.
    pub async fn program_admins_seeded(&self) -> Result<bool, StoreError> {
        if self.program_admins_seeded.get().is_some() {
            return Ok(true);
        }
        let seeded = self
            .table
            .get(&keys::program_admin_count())
            .await?
            .is_some();
        if seeded {
            let _ = self.program_admins_seeded.set(());
        }
        Ok(seeded)
    }

    /// Write the first roster, from the deploy parameter, if this table
    /// never had one: in one transaction with the count, so it happens once
    /// even when two first readers race. Nothing is written for an empty
    /// list. `false`: it was seeded before, or there was nothing to seed.
    pub async fn seed_program_admins(
        &self,
        admins: &[EmailAddress],
        now: Timestamp,
    ) -> Result<bool, StoreError> {
        if admins.is_empty() || self.program_admins_seeded().await? {
            return Ok(false);
        }
        let admins = &admins[..admins.len().min(MOST_PROGRAM_ADMINS)];
        let count = keys::program_admin_count();
        let mut writes = vec![Write::Put {
            item: item_of(json!({
                "pk": count.pk, "sk": count.sk, "kind": "program_admin_count",
                "count": admins.len(),
                "seeded_at": now.to_string(),
            })),
            cond: Some(Cond::NotExists),
        }];
        writes.extend(admins.iter().map(|email| Write::Put {
            item: admin_item(email, None, now),
            cond: None,
        }));
        let wrote = match self.table.write(writes).await {
            Ok(()) => true,
            Err(TableError::ConditionFailed { index: 0 }) => false,
            Err(e) => return Err(e.into()),
        };
        let _ = self.program_admins_seeded.set(());
        Ok(wrote)
    }

    /// Every program administrator in the table, by address.
    pub async fn program_admins(&self) -> Result<Vec<ProgramAdmin>, StoreError> {
        let q = Query::new(Index::Primary, keys::PROGRAM_ADMINS).prefix(keys::PROGRAM_ADMIN_PREFIX);
        let items = self.query_all(q, MOST_PROGRAM_ADMINS + 1).await?;
        let text =
            |item: &Item, name: &str| item.get(name).and_then(Value::as_str).map(str::to_string);
        Ok(items
            .iter()
            .filter_map(|item| {
                Some(ProgramAdmin {
                    email: EmailAddress::parse(&text(item, "email")?).ok()?,
                    added_by: text(item, "added_by"),
                    added_at: text(item, "added_at").unwrap_or_default(),
                })
            })
            .collect())
    }

    /// Make someone a program administrator, with an audit entry. The
    /// roster must have been seeded (its count exists).
    pub async fn add_program_admin(
        &self,
        email: &EmailAddress,
        added_by: &EmailAddress,
        now: Timestamp,
    ) -> Result<ProgramAdminAddition, StoreError> {
        let writes = vec![
            Write::Put {
                item: admin_item(email, Some(added_by), now),
                cond: Some(Cond::NotExists),
            },
            Write::Update {
                key: keys::program_admin_count(),
                set: vec![],
                add: vec![("count".into(), 1)],
                remove: vec![],
                cond: Some(Cond::Lt("count".into(), json!(MOST_PROGRAM_ADMINS))),
            },
            admins_audit(
                keys::PROGRAM_ADMINS,
                added_by,
                Action::ProgramAdminAdded,
                email,
                now,
            )?,
        ];
        match self.table.write(writes).await {
            Ok(()) => Ok(ProgramAdminAddition::Added),
            Err(TableError::ConditionFailed { index: 0 }) => Ok(ProgramAdminAddition::AlreadyOne),
            Err(TableError::ConditionFailed { index: 1 }) => Ok(ProgramAdminAddition::Full),
            Err(e) => Err(e.into()),
        }
    }

    /// Stop someone being a program administrator, with an audit entry;
    /// refused while they are the only one.
    pub async fn remove_program_admin(
        &self,
        email: &EmailAddress,
        removed_by: &EmailAddress,
        now: Timestamp,
    ) -> Result<ProgramAdminRemoval, StoreError> {
        let writes = vec![
            Write::Delete {
                key: keys::program_admin(email.as_str()),
                cond: Some(Cond::Exists),
            },
            Write::Update {
                key: keys::program_admin_count(),
                set: vec![],
                add: vec![("count".into(), -1)],
                remove: vec![],
                cond: Some(Cond::Gt("count".into(), json!(1))),
            },
            admins_audit(
                keys::PROGRAM_ADMINS,
                removed_by,
                Action::ProgramAdminRemoved,
                email,
                now,
            )?,
        ];
        match self.table.write(writes).await {
            Ok(()) => Ok(ProgramAdminRemoval::Removed),
            Err(TableError::ConditionFailed { index: 0 }) => Ok(ProgramAdminRemoval::NotOne),
            Err(TableError::ConditionFailed { index: 1 }) => Ok(ProgramAdminRemoval::LastOne),
            Err(e) => Err(e.into()),
        }
    }

    /// The roster's audit trail, oldest first.
    pub async fn program_admin_audit(&self) -> Result<Vec<AuditEntry>, StoreError> {
        self.audit_at(keys::PROGRAM_ADMINS).await
    }
}
