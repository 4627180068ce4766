//! The local stand-in for SES: sent messages are kept in the table, under one
//! partition, for the local platform to show.

use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use jiff::Timestamp;
use moments_domain::mail::Message;
use serde::Serialize;
use serde_json::Value;

use super::{MailError, Mailer};
use crate::table::{Cond, Index, Item, PK, Query, SK, Table, TableError, Write};

/// The partition holding every sent message.
pub const OUTBOX_PK: &str = "OUTBOX";

/// One sent message, as the outbox page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OutboxEntry {
    /// Opaque and URL-safe; orders like the send time.
    pub id: String,
    /// RFC 3339.
    pub sent_at: String,
    pub to: String,
    pub subject: String,
    pub text: String,
    /// The one-click unsubscribe address SES would send as the
    /// `List-Unsubscribe` header, for mail people can stop.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unsubscribe: Option<String>,
}

pub struct Outbox {
    table: Arc<dyn Table>,
    /// The last send time handed out, in nanoseconds, so ids from this outbox
    /// strictly increase even when the clock repeats or steps back.
    last: Mutex<i128>,
}

impl Outbox {
    pub fn new(table: Arc<dyn Table>) -> Self {
        Outbox {
            table,
            last: Mutex::new(0),
        }
    }

    /// The most recent `limit` messages, newest first.
    pub async fn list(&self, limit: u32) -> Result<Vec<OutboxEntry>, TableError> {
        if limit == 0 {
            return Ok(Vec::new());
        }
        let page = self
            .table
            .query(
                &Query::new(Index::Primary, OUTBOX_PK)
                    .backward()
                    .limit(limit),
            )
            .await?;
        page.items.iter().map(entry).collect()
    }

    fn next_send_time(&self) -> Result<Timestamp, MailError> {
        let mut last = self
            .last
            .lock()
            .map_err(|_| MailError::Unavailable("outbox clock is poisoned".into()))?;
        let now = Timestamp::now().as_nanosecond().max(*last + 1);
        *last = now;
        Timestamp::from_nanosecond(now)
            .map_err(|e| MailError::Unavailable(format!("outbox clock: {e}")))
    }
}

#[async_trait]
impl Mailer for Outbox {
    async fn send(&self, message: &Message) -> Result<(), MailError> {
        let sent_at = self.next_send_time()?;
        let mut suffix = [0u8; 4];
        getrandom::fill(&mut suffix)
            .map_err(|e| MailError::Unavailable(format!("outbox id: {e}")))?;
        // Fixed-width nanoseconds sort as text; the suffix keeps ids from two
        // processes sharing one store apart.
        let id = format!(
            "{:020}-{}",
            sent_at.as_nanosecond(),
            suffix
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect::<String>()
        );
        let mut item = Item::new();
        item.insert(PK.into(), OUTBOX_PK.into());
        item.insert(SK.into(), id.into());
        item.insert("sent_at".into(), sent_at.to_string().into());
        item.insert("to".into(), message.to.clone().into());
        item.insert("subject".into(), message.subject.clone().into());
        item.insert("text".into(), message.text.clone().into());
        if let Some(url) = &message.unsubscribe {
            item.insert("unsubscribe".into(), url.clone().into());
        }
        self.table
            .write(vec![Write::Put {
                item,
                cond: Some(Cond::NotExists),
            }])
            .await
            .map_err(|e| MailError::Unavailable(format!("outbox: {e}")))
    }
}

fn entry(item: &Item) -> Result<OutboxEntry, TableError> {
    let text = |name: &str| {
        item.get(name)
            .and_then(Value::as_str)
            .map(str::to_owned)
            .ok_or_else(|| TableError::Other(format!("outbox item lacks {name}")))
    };
    Ok(OutboxEntry {
        id: text(SK)?,
        sent_at: text("sent_at")?,
        to: text("to")?,
        subject: text("subject")?,
        text: text("text")?,
        unsubscribe: text("unsubscribe").ok(),
    })
}
