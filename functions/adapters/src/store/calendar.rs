//! The program calendar: one item per match group (`CAL#GROUP#{id}`) and
//! per event (`CAL#EVENT#{id}`), each with its audit trail in its own
//! partition, and all of them in one gsi3 partition, `CALENDAR`, sorted by
//! their last day (`{date}#{GROUP|EVENT}#{id}`). The public calendar reads
//! that partition from 90 days ago on: a single query whose size follows the
//! program's pace (two groups and their events at a time), not the years of
//! dates behind it.
//!
//! A change names the version it was read at (`version` condition), so two
//! administrators editing one record cannot overwrite each other.

use jiff::civil::Date;
use moments_domain::audit::AuditEntry;
use moments_domain::calendar::{CalendarId, Event, MatchGroup, Revision, StoredEvent, StoredGroup};
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use super::{Store, StoreError, audit_write, data_of, item_of, to_value};
use crate::table::{Cond, Index, Item, Key, Query, TableError, Write};

const CALENDAR: &str = "CALENDAR";
const SK: &str = "CAL";
/// Where a calendar item sits in gsi3.
const BY_DATE: Index = Index::Gsi3;
/// Most items one calendar read takes: far above a year of dates.
const MOST: usize = 2_000;

pub(super) fn group_key(id: &CalendarId) -> Key {
    Key::new(format!("CAL#GROUP#{id}"), SK)
}

pub(super) fn event_key(id: &CalendarId) -> Key {
    Key::new(format!("CAL#EVENT#{id}"), SK)
}

/// Written once, with the seed, so that a calendar is seeded only once.
fn seeded_key() -> Key {
    Key::new("CAL#SEEDED", SK)
}

fn group_item(g: &StoredGroup) -> Result<Item, StoreError> {
    let key = group_key(&g.group.id);
    Ok(item_of(json!({
        "pk": key.pk, "sk": key.sk, "kind": "calendar_group",
        "version": g.revision.version,
        "data": to_value(g)?,
        "gsi3pk": CALENDAR,
        "gsi3sk": format!("{}#GROUP#{}", g.group.matches_on, g.group.id),
    })))
}

/// An event's attributes that follow from its record. Its counters
/// (`registered`, `waitlisted`) are apart: only registrations change them.
fn event_attributes(e: &StoredEvent) -> Result<Vec<(String, Value)>, StoreError> {
    Ok(vec![
        ("kind".into(), json!("calendar_event")),
        ("version".into(), json!(e.revision.version)),
        ("data".into(), to_value(e)?),
        // Registrations are taken while this holds (checked with each one).
        (
            "open".into(),
            json!(e.event.registration_open && !e.event.cancelled),
        ),
        ("gsi3pk".into(), json!(CALENDAR)),
        (
            "gsi3sk".into(),
            json!(format!("{}#EVENT#{}", e.event.date, e.event.id)),
        ),
    ])
}

fn event_item(e: &StoredEvent) -> Result<Item, StoreError> {
    let key = event_key(&e.event.id);
    let mut item = item_of(json!({
        "pk": key.pk, "sk": key.sk, "registered": 0, "waitlisted": 0,
    }));
    item.extend(event_attributes(e)?);
    Ok(item)
}

/// An event item read back, with its counters.
fn event_of(mut item: Item) -> Result<StoredEvent, StoreError> {
    let count = |item: &Item, name: &str| {
        item.get(name)
            .and_then(Value::as_u64)
            .and_then(|n| u32::try_from(n).ok())
            .unwrap_or(0)
    };
    let (registered, waitlisted) = (count(&item, "registered"), count(&item, "waitlisted"));
    let mut e: StoredEvent = data_of(std::mem::take(&mut item))?;
    e.registered = registered;
    e.waitlisted = waitlisted;
    Ok(e)
}

fn audit(pk: &str, revision: &Revision, entry: &AuditEntry) -> Result<Write, StoreError> {
    audit_write(pk, &format!("{:010}", revision.version), entry)
}

/// The put of a new record, or of a change to the version before it.
pub(super) fn put(item: Item, version: u64) -> Write {
    let cond = if version <= 1 {
        Cond::NotExists
    } else {
        Cond::Eq("version".into(), json!(version - 1))
    };
    Write::Put {
        item,
        cond: Some(cond),
    }
}

/// The calendar's groups and events, split by kind.
fn split(items: Vec<Item>) -> Result<(Vec<StoredGroup>, Vec<StoredEvent>), StoreError> {
    let mut groups = Vec::new();
    let mut events = Vec::new();
    for item in items {
        match item.get("kind").and_then(Value::as_str) {
            Some("calendar_group") => groups.push(data_of(item)?),
            Some("calendar_event") => events.push(event_of(item)?),
            _ => {}
        }
    }
    Ok((groups, events))
}

impl Store {
    /// Every group and event whose last day is `from` or later (an eventually
    /// consistent read of the calendar index: what the public sees).
    pub async fn calendar_from(
        &self,
        from: Date,
    ) -> Result<(Vec<StoredGroup>, Vec<StoredEvent>), StoreError> {
        let q = Query::new(BY_DATE, CALENDAR).from(from.to_string());
        split(self.query_all(q, MOST).await?)
    }

    /// Every group and event, past ones too.
    pub async fn calendar_all(&self) -> Result<(Vec<StoredGroup>, Vec<StoredEvent>), StoreError> {
        split(self.query_all(Query::new(BY_DATE, CALENDAR), MOST).await?)
    }

    async fn calendar_record<T: DeserializeOwned>(
        &self,
        key: &Key,
    ) -> Result<Option<T>, StoreError> {
        self.table.get(key).await?.map(data_of).transpose()
    }

    pub async fn calendar_group(&self, id: &CalendarId) -> Result<Option<StoredGroup>, StoreError> {
        self.calendar_record(&group_key(id)).await
    }

    pub async fn calendar_event(&self, id: &CalendarId) -> Result<Option<StoredEvent>, StoreError> {
        self.table
            .get(&event_key(id))
            .await?
            .map(event_of)
            .transpose()
    }

    /// Store a group at its revision: a new one (`version` 1;
    /// `AlreadyExists` if the id is taken) or a change to the version before
    /// (`Changed` if someone else changed it first), with its audit entry.
    pub async fn put_group(&self, g: &StoredGroup, entry: &AuditEntry) -> Result<(), StoreError> {
        let key = group_key(&g.group.id);
        let writes = vec![
            put(group_item(g)?, g.revision.version),
            audit(&key.pk, &g.revision, entry)?,
        ];
        self.write_revision(writes, g.revision.version).await
    }

    /// Store an event at its revision, as [`Store::put_group`]. A change
    /// keeps the event's registration counters, and is refused (`Changed`)
    /// if it would leave fewer places than people registered.
    pub async fn put_event(&self, e: &StoredEvent, entry: &AuditEntry) -> Result<(), StoreError> {
        let key = event_key(&e.event.id);
        let version = e.revision.version;
        let first = if version <= 1 {
            put(event_item(e)?, version)
        } else {
            let mut conds = vec![Cond::Eq("version".into(), json!(version - 1))];
            if let Some(capacity) = e.event.capacity {
                conds.push(Cond::Lt(
                    "registered".into(),
                    json!(u64::from(capacity) + 1),
                ));
            }
            Write::Update {
                key: key.clone(),
                set: event_attributes(e)?,
                add: vec![],
                remove: vec![],
                cond: Some(Cond::And(conds)),
            }
        };
        let writes = vec![first, audit(&key.pk, &e.revision, entry)?];
        self.write_revision(writes, version).await
    }

    async fn write_revision(&self, writes: Vec<Write>, version: u64) -> Result<(), StoreError> {
        match self.table.write(writes).await {
            Err(TableError::ConditionFailed { index: 0 }) if version <= 1 => {
                Err(StoreError::AlreadyExists)
            }
            other => other.map_err(StoreError::from),
        }
    }

    /// Write the seed calendar if this table never had one: all of it in one
    /// transaction with the mark that it was seeded, so it happens once even
    /// when two first readers race. `false`: it was seeded before.
    pub async fn seed_calendar(
        &self,
        groups: &[MatchGroup],
        events: &[Event],
        revision: &Revision,
    ) -> Result<bool, StoreError> {
        let seeded = seeded_key();
        let mut writes = vec![Write::Put {
            item: item_of(json!({
                "pk": seeded.pk, "sk": seeded.sk, "kind": "calendar_seeded",
                "at": revision.updated_at.to_string(),
            })),
            cond: Some(Cond::NotExists),
        }];
        for group in groups {
            writes.push(Write::Put {
                item: group_item(&StoredGroup {
                    group: group.clone(),
                    revision: revision.clone(),
                })?,
                cond: None,
            });
        }
        for event in events {
            writes.push(Write::Put {
                item: event_item(&StoredEvent {
                    event: event.clone(),
                    revision: revision.clone(),
                    sequence: 0,
                    registered: 0,
                    waitlisted: 0,
                })?,
                cond: None,
            });
        }
        let wrote = match self.table.write(writes).await {
            Ok(()) => true,
            Err(TableError::ConditionFailed { index: 0 }) => false,
            Err(e) => return Err(e.into()),
        };
        let _ = self.calendar_seeded.set(());
        Ok(wrote)
    }

    /// Whether the calendar was ever seeded (or written): one read, until
    /// it says yes.
    pub async fn calendar_seeded(&self) -> Result<bool, StoreError> {
        if self.calendar_seeded.get().is_some() {
            return Ok(true);
        }
        let seeded = self.table.get(&seeded_key()).await?.is_some();
        if seeded {
            let _ = self.calendar_seeded.set(());
        }
        Ok(seeded)
    }

    /// When a one-off notice was claimed, if it was (see
    /// [`Store::claim_notice`]).
    pub async fn notice_claimed_at(&self, name: &str) -> Result<Option<String>, StoreError> {
        Ok(self
            .table
            .get(&super::keys::notice(name))
            .await?
            .and_then(|item| {
                item.get("claimed_at")
                    .and_then(Value::as_str)
                    .map(str::to_owned)
            }))
    }
}
