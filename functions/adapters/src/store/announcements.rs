//! Announcements and who they reached.
//!
//! | item | pk | sk |
//! |---|---|---|
//! | an announcement (versioned data; `sent`, `failed`, `skipped`, `retrying` counted by the mail queue) | `ANNOUNCE` | `A#{id}` |
//! | one recipient's claim: queued once, with the hash of their opt-out token | `ANNOUNCE#{id}#{0–7, by address}` | `TO#{email}` |
//! | its audit entries | `ANNOUNCE#{id}` | `AUDIT#{ns}-{nonce}` |
//! | a person's opt-out of announcements | `PERSON#{email}` | `NOANNOUNCE` |
//!
//! A recipient's claim and their message in the mail queue are written in
//! one transaction, conditional on the claim being new: a queueing job run
//! twice (retried, or crashed half-way) queues nobody twice.

use futures_util::{StreamExt, TryStreamExt, stream};
use jiff::{SignedDuration, Timestamp};
use moments_domain::announcement::Announcement;
use moments_domain::audit::AuditEntry;
use moments_domain::fields::EmailAddress;
use moments_domain::mail::Message;
use serde_json::{Value, json};

use super::mail_queue::{QueuedMail, put_queued};
use super::{
    Store, StoreError, audit_write, data_of, item_of, keys, random_hex, random_id, to_value,
};
use crate::table::{Cond, Index, Key, Query, TableError, Write};

/// The partition of every announcement.
pub const ANNOUNCEMENTS: &str = "ANNOUNCE";
pub(super) const ANNOUNCEMENT_PREFIX: &str = "A#";
const CLAIM_PREFIX: &str = "TO#";
const OPT_OUT_SK: &str = "NOANNOUNCE";

/// How long a recipient's claim (and so their opt-out link) is kept.
pub const CLAIM_KEPT: SignedDuration = SignedDuration::from_hours(365 * 24);

/// Messages queued side by side.
const PARALLEL_WRITES: usize = 16;

pub fn announcement_key(id: &str) -> Key {
    Key::new(ANNOUNCEMENTS, format!("{ANNOUNCEMENT_PREFIX}{id}"))
}

pub(super) fn records(id: &str) -> String {
    format!("{ANNOUNCEMENTS}#{id}")
}

/// Claims spread over partitions by address, as the queue's copies are,
/// so queueing is not held to one partition's write throughput.
const CLAIM_SHARDS: u32 = 8;

fn claim_key(id: &str, email: &str) -> Key {
    Key::new(
        format!("{}#{}", records(id), keys::spread(email) % CLAIM_SHARDS),
        format!("{CLAIM_PREFIX}{email}"),
    )
}

fn opt_out_key(email: &str) -> Key {
    Key::new(keys::person(email), OPT_OUT_SK)
}

/// What the mail queue has done with an announcement's messages.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Delivery {
    pub sent: u64,
    /// Set aside after every retry failed.
    pub failed: u64,
    /// Not sent: the person opted out after it was queued.
    pub skipped: u64,
    /// Refused at least once and waiting for another try.
    pub retrying: u64,
}

/// One person to queue an announcement for.
pub struct Recipient {
    pub email: String,
    pub message: Message,
    /// SHA-256 (hex) of the token in their opt-out link.
    pub token_hash: String,
}

/// What queueing a batch did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Queued {
    /// Queued now.
    pub new: usize,
    /// Queued by an earlier run already.
    pub before: usize,
}

/// The counter attribute of each outcome.
pub(super) fn counter(what: &str, id: &str, n: i64) -> Write {
    Write::Update {
        key: announcement_key(id),
        set: vec![],
        add: vec![(what.into(), n)],
        remove: vec![],
        cond: Some(Cond::Exists),
    }
}

fn count(item: &crate::table::Item, name: &str) -> u64 {
    item.get(name).and_then(Value::as_u64).unwrap_or(0)
}

impl Store {
    /// Save an announcement: a new one (version 1) with its audit entry, or
    /// a later version if it is still at the version before; `Changed` if not.
    pub async fn save_announcement(
        &self,
        a: &Announcement,
        entry: Option<&AuditEntry>,
    ) -> Result<(), StoreError> {
        let cond = if a.version == 1 {
            Cond::NotExists
        } else {
            Cond::Eq("version".into(), json!(a.version - 1))
        };
        let mut writes = vec![Write::Update {
            key: announcement_key(&a.id),
            set: vec![
                ("kind".into(), json!("announcement")),
                ("version".into(), json!(a.version)),
                ("stage".into(), to_value(&a.stage)?),
                ("data".into(), to_value(a)?),
            ],
            add: vec![],
            remove: vec![],
            cond: Some(cond),
        }];
        if let Some(entry) = entry {
            let nonce = random_hex::<4>()?;
            writes.push(audit_write(
                &records(&a.id),
                &format!("{:020}-{nonce}", entry.at.as_nanosecond()),
                entry,
            )?);
        }
        self.table.write(writes).await.map_err(StoreError::from)
    }

    /// One announcement and what the mail queue has done with it.
    pub async fn announcement(
        &self,
        id: &str,
    ) -> Result<Option<(Announcement, Delivery)>, StoreError> {
        match self.table.get(&announcement_key(id)).await? {
            Some(item) => {
                let delivery = delivery_of(&item);
                Ok(Some((data_of(item)?, delivery)))
            }
            None => Ok(None),
        }
    }

    /// The latest `n` announcements, newest first: one Query.
    pub async fn latest_announcements(
        &self,
        n: u32,
    ) -> Result<Vec<(Announcement, Delivery)>, StoreError> {
        let mut q = Query::new(Index::Primary, ANNOUNCEMENTS).prefix(ANNOUNCEMENT_PREFIX);
        q.forward = false;
        q.limit = Some(n);
        let page = self.table.query(&q).await?;
        page.items
            .into_iter()
            .map(|item| {
                let delivery = delivery_of(&item);
                data_of(item).map(|a| (a, delivery))
            })
            .collect()
    }

    /// An announcement's audit trail, oldest first.
    pub async fn announcement_audit(&self, id: &str) -> Result<Vec<AuditEntry>, StoreError> {
        self.audit_at(&records(id)).await
    }

    /// Queue announcement `id` for each recipient not queued before: the
    /// claim and the message in one transaction, several side by side.
    pub async fn queue_announcement(
        &self,
        id: &str,
        recipients: Vec<Recipient>,
        now: Timestamp,
    ) -> Result<Queued, StoreError> {
        let writes: Vec<_> = recipients
            .into_iter()
            .map(|r| {
                let claim = claim_key(id, &r.email);
                let queue_id = random_id();
                async move {
                    let queued = QueuedMail {
                        id: queue_id?,
                        message: r.message,
                        attempts: 0,
                        first_failed_at: now,
                        due: now,
                        last_error: String::new(),
                        announcement: Some(id.to_string()),
                    };
                    let claim = Write::Put {
                        item: item_of(json!({
                            "pk": claim.pk, "sk": claim.sk, "kind": "announcement_claim",
                            "token_hash": r.token_hash,
                            "expires_at": (now + CLAIM_KEPT).as_second(),
                        })),
                        cond: Some(Cond::NotExists),
                    };
                    let put = put_queued(&queued.partition(), &queued)?;
                    match self.table.write(vec![claim, put]).await {
                        Ok(()) => Ok(true),
                        Err(TableError::ConditionFailed { .. }) => Ok(false),
                        Err(e) => Err(StoreError::from(e)),
                    }
                }
            })
            .collect();
        let outcomes: Vec<bool> = stream::iter(writes)
            .buffer_unordered(PARALLEL_WRITES)
            .try_collect()
            .await?;
        let new = outcomes.iter().filter(|n| **n).count();
        Ok(Queued {
            new,
            before: outcomes.len() - new,
        })
    }

    /// The hash of the opt-out token sent to `email` with announcement
    /// `id`, if it was sent to them.
    pub async fn announcement_token(
        &self,
        id: &str,
        email: &EmailAddress,
    ) -> Result<Option<String>, StoreError> {
        Ok(self
            .table
            .get(&claim_key(id, email.as_str()))
            .await?
            .and_then(|item| item.get("token_hash")?.as_str().map(str::to_string)))
    }

    /// Whether `email` opted out of announcements.
    pub async fn opted_out(&self, email: &str) -> Result<bool, StoreError> {
        Ok(self.table.get(&opt_out_key(email)).await?.is_some())
    }

    /// Which of `emails` opted out of announcements (a batch read per hundred).
    pub async fn opted_out_of(&self, emails: &[&str]) -> Result<Vec<String>, StoreError> {
        let keys: Vec<Key> = emails.iter().map(|e| opt_out_key(e)).collect();
        Ok(self
            .get_all(&keys)
            .await?
            .into_iter()
            .filter_map(|item| item.get("email")?.as_str().map(str::to_string))
            .collect())
    }

    /// Every trace of `person` in announcements (erasure): their claim on
    /// each announcement (their address and opt-out token) and their opt-out.
    /// Copies still queued are dropped with the rest of their mail.
    pub(super) async fn forget_announcements_to(
        &self,
        person: &EmailAddress,
    ) -> Result<Vec<Write>, StoreError> {
        let q = Query::new(Index::Primary, ANNOUNCEMENTS).prefix(ANNOUNCEMENT_PREFIX);
        let all = self.query_all(q, usize::MAX).await?;
        let mut writes: Vec<Write> = all
            .iter()
            .filter_map(|item| item.get("sk")?.as_str()?.strip_prefix(ANNOUNCEMENT_PREFIX))
            .map(|id| Write::Delete {
                key: claim_key(id, person.as_str()),
                cond: None,
            })
            .collect();
        writes.push(Write::Delete {
            key: opt_out_key(person.as_str()),
            cond: None,
        });
        Ok(writes)
    }

    /// Opt `email` out of announcements, or back in.
    pub async fn set_opted_out(
        &self,
        email: &EmailAddress,
        out: bool,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        let key = opt_out_key(email.as_str());
        let write = if out {
            Write::Put {
                item: item_of(json!({
                    "pk": key.pk, "sk": key.sk, "kind": "announcement_opt_out",
                    "email": email.as_str(), "at": now.to_string(),
                })),
                cond: None,
            }
        } else {
            Write::Delete { key, cond: None }
        };
        self.table
            .write(vec![write])
            .await
            .map_err(StoreError::from)
    }
}

fn delivery_of(item: &crate::table::Item) -> Delivery {
    Delivery {
        sent: count(item, "sent"),
        failed: count(item, "failed"),
        skipped: count(item, "skipped"),
        retrying: count(item, "retrying"),
    }
}
