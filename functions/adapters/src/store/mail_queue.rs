//! Mail that could not be sent after a committed change, kept until it is.
//!
//! Items sort by when they are next due, so the retry job reads only the
//! head of one partition. A message is deleted only after it was sent: a
//! crash between the two sends it twice rather than never. After
//! `MAIL_ATTEMPTS` failures it moves to the set-aside partition, kept for
//! the program team.

use jiff::Timestamp;
use moments_domain::mail::Message;
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::{Store, StoreError, data_of, item_of, keys, random_id, to_value};
use crate::table::{Cond, Index, Query, Write};

/// One queued message and its history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueuedMail {
    /// Unique within the queue; kept when the message is deferred.
    pub id: String,
    pub message: Message,
    /// Sends tried so far, the first one included.
    pub attempts: u32,
    pub first_failed_at: Timestamp,
    pub due: Timestamp,
    /// The provider's last answer (codes and addresses, never the body).
    pub last_error: String,
    /// The announcement it is a copy of: sending it counts there, and
    /// someone who opted out since it was queued is skipped.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub announcement: Option<String>,
}

impl QueuedMail {
    /// The queue partition it waits in: an announcement's copy in its
    /// recipient's shard, any other message in `MAILQ`.
    pub fn partition(&self) -> String {
        match self.announcement {
            Some(_) => keys::mail_shard(&self.message.to),
            None => keys::MAIL_QUEUE.to_string(),
        }
    }
}

impl Store {
    /// Keep a message that failed at `now`, due again at `due`.
    pub async fn queue_mail(
        &self,
        message: &Message,
        error: &str,
        now: Timestamp,
        due: Timestamp,
    ) -> Result<QueuedMail, StoreError> {
        let queued = QueuedMail {
            id: random_id()?,
            message: message.clone(),
            attempts: 1,
            first_failed_at: now,
            due,
            last_error: error.to_string(),
            announcement: None,
        };
        self.table
            .write(vec![put_queued(keys::MAIL_QUEUE, &queued)?])
            .await?;
        Ok(queued)
    }

    /// Up to `max` queued messages due at `now`, soonest first: the head
    /// of each partition of the queue, read side by side.
    pub async fn due_mail(&self, now: Timestamp, max: u32) -> Result<Vec<QueuedMail>, StoreError> {
        let partitions = keys::mail_partitions();
        let heads = partitions.iter().map(|pk| async move {
            let page = self
                .table
                .query(&Query::new(Index::Primary, pk.as_str()).limit(max))
                .await?;
            let mut due = Vec::new();
            for item in page.items {
                let queued: QueuedMail = data_of(item)?;
                if queued.due > now {
                    break;
                }
                due.push(queued);
            }
            Ok::<_, StoreError>(due)
        });
        let mut due: Vec<QueuedMail> = futures_util::future::try_join_all(heads)
            .await?
            .into_iter()
            .flatten()
            .collect();
        due.sort_by_key(|q| q.due);
        due.truncate(max as usize);
        Ok(due)
    }

    /// Messages set aside after `MAIL_ATTEMPTS` failures, oldest first.
    pub async fn undeliverable_mail(&self, max: usize) -> Result<Vec<QueuedMail>, StoreError> {
        self.query_all(Query::new(Index::Primary, keys::MAIL_SET_ASIDE), max)
            .await?
            .into_iter()
            .map(data_of)
            .collect()
    }

    /// The message went out: forget it (and count it for its
    /// announcement). `false` when it was gone already (another run sent it).
    pub async fn mail_sent(&self, queued: &QueuedMail) -> Result<bool, StoreError> {
        self.mail_done(queued, "sent").await
    }

    /// The message is not to be sent after all (its announcement's
    /// recipient opted out since): forget it, counted as skipped.
    pub async fn mail_skipped(&self, queued: &QueuedMail) -> Result<bool, StoreError> {
        self.mail_done(queued, "skipped").await
    }

    async fn mail_done(&self, queued: &QueuedMail, outcome: &str) -> Result<bool, StoreError> {
        let mut writes = vec![Write::Delete {
            key: keys::queued_mail(&queued.partition(), queued.due, &queued.id),
            cond: Some(Cond::Exists),
        }];
        writes.extend(counted(queued, outcome, queued.attempts > 0));
        self.write_unless_changed(writes).await
    }

    /// The message failed again: move it to its next time, or set it aside
    /// for good (`due` = `None`). One transaction, so it is never in both
    /// places or neither.
    pub async fn mail_failed(
        &self,
        queued: &QueuedMail,
        error: &str,
        due: Option<Timestamp>,
    ) -> Result<(), StoreError> {
        let mut next = queued.clone();
        next.attempts += 1;
        next.last_error = error.to_string();
        let partition = match due {
            Some(due) => {
                next.due = due;
                queued.partition()
            }
            None => keys::MAIL_SET_ASIDE.to_string(),
        };
        let mut writes = vec![
            Write::Delete {
                key: keys::queued_mail(&queued.partition(), queued.due, &queued.id),
                cond: Some(Cond::Exists),
            },
            put_queued(&partition, &next)?,
        ];
        match (due, queued.attempts) {
            // Set aside: no longer retrying, failed for good.
            (None, n) => writes.extend(counted(queued, "failed", n > 0)),
            // An announcement's copy refused for the first time.
            (Some(_), 0) => writes.extend(
                queued
                    .announcement
                    .as_deref()
                    .map(|id| super::announcements::counter("retrying", id, 1)),
            ),
            (Some(_), _) => {}
        }
        self.table.write(writes).await?;
        Ok(())
    }

    /// Take the mail queue's sending lease until `until`, unless another
    /// run holds it: one sender at a time, so no message is sent twice by
    /// two runs reading the same head of the queue. `false` if held.
    pub async fn take_mail_lease(
        &self,
        holder: &str,
        now: Timestamp,
        until: Timestamp,
    ) -> Result<bool, StoreError> {
        let key = keys::mail_lease();
        self.write_unless_changed(vec![Write::Put {
            item: item_of(json!({
                "pk": key.pk, "sk": key.sk, "kind": "mail_lease",
                "holder": holder, "until": until.as_second(),
                "expires_at": until.as_second() + 3600,
            })),
            cond: Some(Cond::Or(vec![
                Cond::NotExists,
                Cond::Lt("until".into(), json!(now.as_second())),
                Cond::Eq("holder".into(), json!(holder)),
            ])),
        }])
        .await
    }

    /// Give the lease back, if this run still holds it.
    pub async fn release_mail_lease(&self, holder: &str) -> Result<(), StoreError> {
        self.write_unless_changed(vec![Write::Delete {
            key: keys::mail_lease(),
            cond: Some(Cond::Eq("holder".into(), json!(holder))),
        }])
        .await?;
        Ok(())
    }
}

/// The announcement counters that move when a copy is done with
/// (`outcome`), and it leaves the retrying ones if it was refused before.
fn counted(queued: &QueuedMail, outcome: &str, was_retrying: bool) -> Option<Write> {
    let id = queued.announcement.as_deref()?;
    let mut add = vec![(outcome.to_string(), 1)];
    if was_retrying {
        add.push(("retrying".into(), -1));
    }
    Some(Write::Update {
        key: super::announcements::announcement_key(id),
        set: vec![],
        add,
        remove: vec![],
        cond: Some(Cond::Exists),
    })
}

pub(super) fn put_queued(partition: &str, queued: &QueuedMail) -> Result<Write, StoreError> {
    let key = keys::queued_mail(partition, queued.due, &queued.id);
    Ok(Write::Put {
        item: item_of(json!({
            "pk": key.pk, "sk": key.sk, "kind": "queued_mail",
            "data": to_value(queued)?,
        })),
        cond: Some(Cond::NotExists),
    })
}
