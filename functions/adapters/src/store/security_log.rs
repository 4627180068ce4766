//! The security log's table side: one item per event under the day it
//! happened (`SECLOG#{date}` / `EV#{time}#{random}`), and refusals counted
//! per hour and kind (`SECLOG#{date}` / `COUNT#{hour}#{kind}`), since a
//! flood of refusals should cost one item, not one each. Every item
//! expires with the table's TTL after `SECURITY_LOG_KEPT`.

use jiff::{SignedDuration, Timestamp};
use serde_json::{Value, json};

use super::{Store, StoreError, item_of, keys, random_hex};
use crate::table::{Cond, Item, Query, Write};

/// How long security events are kept: as long as the functions' logs by
/// default (`LogRetentionDays`), which the privacy notice states.
pub const SECURITY_LOG_KEPT: SignedDuration = SignedDuration::from_hours(90 * 24);

/// One event as kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredSecurityEvent {
    pub at: Timestamp,
    /// `link_requested`, `session_started`, ... (`crate::security::SecurityKind`).
    pub kind: String,
    /// Who did it: an address, a pseudonym (`#` and 12 hex digits) where
    /// the address is not needed, or nobody known.
    pub who: Option<String>,
    pub source: Option<String>,
    pub detail: String,
}

/// Refusals of one kind in one hour.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefusalCount {
    /// The hour's start.
    pub hour: Timestamp,
    /// `unauthorized`, `forbidden`, `cross_origin`.
    pub kind: String,
    pub count: u64,
}

fn text(item: &Item, name: &str) -> Option<String> {
    item.get(name).and_then(Value::as_str).map(str::to_string)
}

fn date_of(t: Timestamp) -> String {
    jiff::tz::TimeZone::UTC.to_datetime(t).date().to_string()
}

impl Store {
    /// Keep one event (a random part in its key keeps two events of one
    /// microsecond apart).
    pub async fn put_security_event(&self, event: &StoredSecurityEvent) -> Result<(), StoreError> {
        let key = keys::security_event(
            &date_of(event.at),
            event.at.as_microsecond(),
            &random_hex::<4>()?,
        );
        let item = item_of(json!({
            "pk": key.pk, "sk": key.sk, "kind": "security_event",
            "event": event.kind,
            "at": event.at.to_string(),
            "who": event.who,
            "source": event.source,
            "detail": event.detail,
            "expires_at": (event.at + SECURITY_LOG_KEPT).as_second(),
        }));
        self.table
            .write(vec![Write::Put {
                item,
                cond: Some(Cond::NotExists),
            }])
            .await
            .map_err(StoreError::from)
    }

    /// Count one refusal of `kind` in the hour of `at`.
    pub async fn count_refusal(&self, at: Timestamp, kind: &str) -> Result<(), StoreError> {
        let hour = Timestamp::from_second(at.as_second() - at.as_second().rem_euclid(3600))
            .map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let key = keys::refusal_count(&date_of(at), &hour.to_string(), kind);
        self.table
            .write(vec![Write::Update {
                key,
                set: vec![
                    ("kind".into(), json!("refusal_count")),
                    ("refusal".into(), json!(kind)),
                    ("hour".into(), json!(hour.to_string())),
                    (
                        "expires_at".into(),
                        json!((at + SECURITY_LOG_KEPT).as_second()),
                    ),
                ],
                add: vec![("count".into(), 1)],
                remove: vec![],
                cond: None,
            }])
            .await
            .map_err(StoreError::from)
    }

    /// The newest events of the day `date` and the days before it, newest
    /// first, at most `max`; and the refusal counts of those days.
    pub async fn recent_security_events(
        &self,
        now: Timestamp,
        days: i64,
        max: usize,
    ) -> Result<(Vec<StoredSecurityEvent>, Vec<RefusalCount>), StoreError> {
        let mut events = Vec::new();
        let mut counts = Vec::new();
        for back in 0..days {
            let date = date_of(now - SignedDuration::from_hours(24 * back));
            if events.len() < max {
                let q = Query::new(crate::table::Index::Primary, keys::security_day(&date))
                    .prefix(keys::SECURITY_EVENT_PREFIX)
                    .backward();
                for item in self.query_all(q, max - events.len()).await? {
                    events.push(StoredSecurityEvent {
                        at: text(&item, "at")
                            .and_then(|t| t.parse().ok())
                            .ok_or_else(|| StoreError::Corrupt("security event time".into()))?,
                        kind: text(&item, "event").unwrap_or_default(),
                        who: text(&item, "who"),
                        source: text(&item, "source"),
                        detail: text(&item, "detail").unwrap_or_default(),
                    });
                }
            }
            let q = Query::new(crate::table::Index::Primary, keys::security_day(&date))
                .prefix(keys::REFUSAL_COUNT_PREFIX)
                .backward();
            for item in self.query_all(q, 24 * 3).await? {
                counts.push(RefusalCount {
                    hour: text(&item, "hour")
                        .and_then(|t| t.parse().ok())
                        .ok_or_else(|| StoreError::Corrupt("refusal count hour".into()))?,
                    kind: text(&item, "refusal").unwrap_or_default(),
                    count: item.get("count").and_then(Value::as_u64).unwrap_or(0),
                });
            }
        }
        Ok((events, counts))
    }
}
