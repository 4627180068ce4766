//! Check-ins with quiet pairs, under their mentorship (`MS#{id}` /
//! `CHECKIN#{since}`, so they go with it when it is removed), listed for
//! program administrators by when they were sent (gsi3 `CHECKINS`); and
//! the program settings that say when a pair counts as quiet.

use jiff::Timestamp;
use jiff::civil::Date;
use moments_domain::audit::AuditEntry;
use moments_domain::checkin::{CheckIn, StoredSettings};
use moments_domain::mentorship::MentorshipId;
use serde_json::json;

use super::{Store, StoreError, data_of, item_of, keys, to_value, versioned_writes};
use crate::table::{Cond, Index, Query, Write};

/// Most check-ins the administrators' list reads.
const MOST_LISTED: usize = 2_000;

fn check_in_item(c: &CheckIn) -> Result<crate::table::Item, StoreError> {
    let key = keys::check_in(c.mentorship.as_str(), &c.since.to_string());
    Ok(item_of(json!({
        "pk": key.pk, "sk": key.sk, "kind": "check_in",
        "answered": c.answered.is_some(),
        "gsi3pk": keys::CHECKINS,
        "gsi3sk": format!("{:020}#{}", c.sent_at.as_nanosecond(), c.mentorship),
        "data": to_value(c)?,
    })))
}

impl Store {
    /// The program settings, the defaults until first saved.
    pub async fn program_settings(&self) -> Result<StoredSettings, StoreError> {
        self.versioned(&keys::program_settings()).await
    }

    /// Save the settings at their new revision, with the audit entry;
    /// `Changed` if someone saved them since.
    pub async fn save_program_settings(
        &self,
        stored: &StoredSettings,
        entry: &AuditEntry,
    ) -> Result<(), StoreError> {
        let writes = versioned_writes(
            keys::program_settings(),
            "program_settings",
            stored.version(),
            to_value(stored)?,
            entry,
        )?;
        self.table.write(writes).await.map_err(StoreError::from)
    }

    /// Every change to the settings, oldest first.
    pub async fn program_settings_audit(&self) -> Result<Vec<AuditEntry>, StoreError> {
        self.audit_at(keys::SETTINGS).await
    }

    /// The date of the pair's latest meeting logged: one item read.
    pub async fn last_meeting_date(&self, id: &MentorshipId) -> Result<Option<Date>, StoreError> {
        let q = Query::new(Index::Primary, keys::mentorship(id.as_str()).pk)
            .prefix(keys::MEETING_PREFIX)
            .backward()
            .limit(1);
        let page = self.table.query(&q).await?;
        Ok(page.items.first().and_then(|item| {
            let sk = item.get("sk")?.as_str()?;
            let date = sk.strip_prefix(keys::MEETING_PREFIX)?.split('#').next()?;
            date.parse().ok()
        }))
    }

    /// The pair's latest check-in: one item read.
    pub async fn latest_check_in(&self, id: &MentorshipId) -> Result<Option<CheckIn>, StoreError> {
        let q = Query::new(Index::Primary, keys::mentorship(id.as_str()).pk)
            .prefix(keys::CHECKIN_PREFIX)
            .backward()
            .limit(1);
        let page = self.table.query(&q).await?;
        page.items.into_iter().next().map(data_of).transpose()
    }

    /// One check-in, by its mentorship and the date it is named by.
    pub async fn check_in(
        &self,
        id: &MentorshipId,
        since: Date,
    ) -> Result<Option<CheckIn>, StoreError> {
        self.table
            .get(&keys::check_in(id.as_str(), &since.to_string()))
            .await?
            .map(data_of)
            .transpose()
    }

    /// Make the check-in of a quiet spell: `false` if it was made already
    /// (a repeated or retried check makes nothing twice).
    pub async fn open_check_in(&self, c: &CheckIn) -> Result<bool, StoreError> {
        let write = Write::Put {
            item: check_in_item(c)?,
            cond: Some(Cond::NotExists),
        };
        match self
            .table
            .write(vec![write])
            .await
            .map_err(StoreError::from)
        {
            Ok(()) => Ok(true),
            Err(StoreError::Changed) => Ok(false),
            Err(e) => Err(e),
        }
    }

    /// Record the answer to a check-in; `Changed` if it was answered
    /// meanwhile (by either side).
    pub async fn answer_check_in(&self, answered: &CheckIn) -> Result<(), StoreError> {
        let write = Write::Put {
            item: check_in_item(answered)?,
            cond: Some(Cond::Eq("answered".into(), json!(false))),
        };
        self.table
            .write(vec![write])
            .await
            .map_err(StoreError::from)
    }

    /// The check-ins sent since `from`, oldest first.
    pub async fn check_ins_since(&self, from: Timestamp) -> Result<Vec<CheckIn>, StoreError> {
        let q = Query::new(keys::BY_QUARTER, keys::CHECKINS)
            .from(format!("{:020}", from.as_nanosecond()));
        self.query_all(q, MOST_LISTED)
            .await?
            .into_iter()
            .map(data_of)
            .collect()
    }
}
