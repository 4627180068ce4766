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
        };
        self.table
            .write(vec![put_queued(keys::MAIL_QUEUE, &queued)?])
            .await?;
        Ok(queued)
    }

    /// Up to `max` queued messages due at `now`, soonest first.
    pub async fn due_mail(&self, now: Timestamp, max: u32) -> Result<Vec<QueuedMail>, StoreError> {
        let page = self
            .table
            .query(&Query::new(Index::Primary, keys::MAIL_QUEUE).limit(max))
            .await?;
        let mut due = Vec::new();
        for item in page.items {
            let queued: QueuedMail = data_of(item)?;
            if queued.due > now {
                break;
            }
            due.push(queued);
        }
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

    /// The message went out: forget it. `false` when it was gone already
    /// (another run sent it).
    pub async fn mail_sent(&self, queued: &QueuedMail) -> Result<bool, StoreError> {
        self.write_unless_changed(vec![Write::Delete {
            key: keys::queued_mail(keys::MAIL_QUEUE, queued.due, &queued.id),
            cond: Some(Cond::Exists),
        }])
        .await
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
                keys::MAIL_QUEUE
            }
            None => keys::MAIL_SET_ASIDE,
        };
        self.table
            .write(vec![
                Write::Delete {
                    key: keys::queued_mail(keys::MAIL_QUEUE, queued.due, &queued.id),
                    cond: Some(Cond::Exists),
                },
                put_queued(partition, &next)?,
            ])
            .await?;
        Ok(())
    }
}

fn put_queued(partition: &str, queued: &QueuedMail) -> Result<Write, StoreError> {
    let key = keys::queued_mail(partition, queued.due, &queued.id);
    Ok(Write::Put {
        item: item_of(json!({
            "pk": key.pk, "sk": key.sk, "kind": "queued_mail",
            "data": to_value(queued)?,
        })),
        cond: Some(Cond::NotExists),
    })
}
