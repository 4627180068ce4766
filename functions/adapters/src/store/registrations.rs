//! Registrations for the program's events: one item per person under the
//! event's partition (`CAL#EVENT#{id}` / `REG#{email}`), listed by person
//! in gsi1 (`REGS#{email}` / `{registered at}#{event id}`). The event item
//! counts the places taken (`registered`) and the waiting list
//! (`waitlisted`); a place is taken in one transaction with the condition
//! that the event is open and a place is left, so concurrent registrations
//! never overfill it; a place that frees goes to the first on the waiting
//! list in the same transaction.

use moments_domain::audit::AuditEntry;
use moments_domain::calendar::CalendarId;
use moments_domain::calendar::registration::{Registration, RegistrationStatus};
use moments_domain::fields::EmailAddress;
use serde_json::{Value, json};

use super::calendar::event_key;
use super::{Store, StoreError, audit_write, item_of, keys};
use crate::table::{Cond, Index, Item, Key, Query, TableError, Write};

const PREFIX: &str = "REG#";
/// Most registrations one event can hold: its places and a waiting list.
const MOST: usize = 5_000;

fn key(id: &CalendarId, email: &EmailAddress) -> Key {
    Key::new(event_key(id).pk, format!("{PREFIX}{email}"))
}

fn item(r: &Registration) -> Item {
    let k = key(&r.event, &r.email);
    item_of(json!({
        "pk": k.pk, "sk": k.sk, "kind": "registration",
        "event": r.event.as_str(), "email": r.email.as_str(), "name": r.name,
        "status": r.status.as_str(), "registered_at": r.registered_at.to_string(),
        "attended": r.attended,
        "gsi1pk": format!("REGS#{}", r.email),
        "gsi1sk": format!("{}#{}", r.registered_at, r.event),
    }))
}

fn registration_of(item: &Item) -> Option<Registration> {
    let text = |name: &str| item.get(name).and_then(Value::as_str);
    Some(Registration {
        event: CalendarId::parse(text("event")?).ok()?,
        email: EmailAddress::parse(text("email")?).ok()?,
        name: text("name").unwrap_or_default().to_string(),
        status: RegistrationStatus::parse(text("status")?)?,
        registered_at: text("registered_at")?.parse().ok()?,
        attended: item.get("attended").and_then(Value::as_bool),
    })
}

fn count(event: &CalendarId, name: &str, by: i64, cond: Option<Cond>) -> Write {
    Write::Update {
        key: event_key(event),
        set: vec![],
        add: vec![(name.into(), by)],
        remove: vec![],
        cond: Some(match cond {
            Some(c) => Cond::And(vec![Cond::Exists, c]),
            None => Cond::Exists,
        }),
    }
}

/// What cancelling a registration did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cancelled {
    /// It was not there.
    NotRegistered,
    /// Gone; nobody was waiting for the place (or it was a waiting-list one).
    Done,
    /// Gone, and the place went to this person from the waiting list.
    Promoted(Registration),
}

impl Store {
    /// Register someone: a place if the event is open and one is left
    /// (`capacity`: none means no limit), else the waiting list.
    /// `AlreadyExists` if they are registered or waiting already; `Changed`
    /// if the event closed or is gone.
    pub async fn register(
        &self,
        r: &Registration,
        capacity: Option<u32>,
    ) -> Result<RegistrationStatus, StoreError> {
        let open = Cond::Eq("open".into(), json!(true));
        let room = match capacity {
            Some(c) => Cond::And(vec![open.clone(), Cond::Lt("registered".into(), json!(c))]),
            None => open.clone(),
        };
        let mut placed = r.clone();
        placed.status = RegistrationStatus::Registered;
        let writes = vec![
            Write::Put {
                item: item(&placed),
                cond: Some(Cond::NotExists),
            },
            count(&r.event, "registered", 1, Some(room)),
        ];
        match self.table.write(writes).await {
            Ok(()) => return Ok(RegistrationStatus::Registered),
            Err(TableError::ConditionFailed { index: 0 }) => return Err(StoreError::AlreadyExists),
            Err(TableError::ConditionFailed { .. }) => {}
            Err(e) => return Err(e.into()),
        }
        // Full (or closed, which the next condition tells).
        let mut waiting = r.clone();
        waiting.status = RegistrationStatus::Waitlisted;
        let writes = vec![
            Write::Put {
                item: item(&waiting),
                cond: Some(Cond::NotExists),
            },
            count(&r.event, "waitlisted", 1, Some(open)),
        ];
        match self.table.write(writes).await {
            Ok(()) => Ok(RegistrationStatus::Waitlisted),
            Err(TableError::ConditionFailed { index: 0 }) => Err(StoreError::AlreadyExists),
            Err(e) => Err(e.into()),
        }
    }

    /// Everyone registered for an event or waiting, in the order they
    /// registered.
    pub async fn registrations_for(
        &self,
        event: &CalendarId,
    ) -> Result<Vec<Registration>, StoreError> {
        let q = Query::new(Index::Primary, event_key(event).pk).prefix(PREFIX);
        let mut out: Vec<Registration> = self
            .query_all(q, MOST)
            .await?
            .iter()
            .filter_map(registration_of)
            .collect();
        out.sort_by(|a, b| (a.registered_at, &a.email).cmp(&(b.registered_at, &b.email)));
        Ok(out)
    }

    /// A person's registrations, every event.
    pub async fn registrations_of(
        &self,
        email: &EmailAddress,
    ) -> Result<Vec<Registration>, StoreError> {
        let q = Query::new(Index::Gsi1, format!("REGS#{email}"));
        Ok(self
            .query_all(q, MOST)
            .await?
            .iter()
            .filter_map(registration_of)
            .collect())
    }

    pub async fn registration(
        &self,
        event: &CalendarId,
        email: &EmailAddress,
    ) -> Result<Option<Registration>, StoreError> {
        Ok(self
            .table
            .get(&key(event, email))
            .await?
            .as_ref()
            .and_then(registration_of))
    }

    /// Cancel someone's registration. A place that frees goes to the first
    /// on the waiting list, in the same transaction; a race with another
    /// change is tried again from a fresh read.
    pub async fn cancel_registration(
        &self,
        event: &CalendarId,
        email: &EmailAddress,
    ) -> Result<Cancelled, StoreError> {
        for _ in 0..5 {
            let Some(mine) = self.registration(event, email).await? else {
                return Ok(Cancelled::NotRegistered);
            };
            let gone = Write::Delete {
                key: key(event, email),
                cond: Some(Cond::Eq("status".into(), json!(mine.status.as_str()))),
            };
            let next = if mine.status == RegistrationStatus::Registered {
                self.registrations_for(event)
                    .await?
                    .into_iter()
                    .find(|r| r.status == RegistrationStatus::Waitlisted)
            } else {
                None
            };
            let writes = match (&mine.status, &next) {
                (RegistrationStatus::Waitlisted, _) => {
                    vec![gone, count(event, "waitlisted", -1, None)]
                }
                (RegistrationStatus::Registered, None) => {
                    vec![gone, count(event, "registered", -1, None)]
                }
                (RegistrationStatus::Registered, Some(first)) => vec![
                    gone,
                    Write::Update {
                        key: key(event, &first.email),
                        set: vec![("status".into(), json!("registered"))],
                        add: vec![],
                        remove: vec![],
                        cond: Some(Cond::Eq("status".into(), json!("waitlisted"))),
                    },
                    count(event, "waitlisted", -1, None),
                ],
            };
            match self.table.write(writes).await {
                Ok(()) => {
                    return Ok(match next {
                        Some(mut first) => {
                            first.status = RegistrationStatus::Registered;
                            Cancelled::Promoted(first)
                        }
                        None => Cancelled::Done,
                    });
                }
                Err(TableError::ConditionFailed { .. } | TableError::Conflict) => continue,
                Err(e) => return Err(e.into()),
            }
        }
        Err(StoreError::Changed)
    }

    /// Give free places to those waiting, first come first served, while
    /// places are left (`capacity`; none means no limit): after the program
    /// team adds places. Each move is one transaction on the event's
    /// counters, so it never overfills the event.
    pub async fn promote_waiting(
        &self,
        event: &CalendarId,
        capacity: Option<u32>,
    ) -> Result<Vec<Registration>, StoreError> {
        let mut moved = Vec::new();
        let waiting: Vec<Registration> = self
            .registrations_for(event)
            .await?
            .into_iter()
            .filter(|r| r.status == RegistrationStatus::Waitlisted)
            .collect();
        for mut next in waiting {
            let room = capacity.map(|c| Cond::Lt("registered".into(), json!(c)));
            let writes = vec![
                Write::Update {
                    key: key(event, &next.email),
                    set: vec![("status".into(), json!("registered"))],
                    add: vec![],
                    remove: vec![],
                    cond: Some(Cond::Eq("status".into(), json!("waitlisted"))),
                },
                Write::Update {
                    key: event_key(event),
                    set: vec![],
                    add: vec![("registered".into(), 1), ("waitlisted".into(), -1)],
                    remove: vec![],
                    cond: Some(match room {
                        Some(c) => Cond::And(vec![Cond::Exists, c]),
                        None => Cond::Exists,
                    }),
                },
            ];
            match self.table.write(writes).await {
                Ok(()) => {
                    next.status = RegistrationStatus::Registered;
                    moved.push(next);
                }
                // They left the list meanwhile: the next one.
                Err(TableError::ConditionFailed { index: 0 }) => continue,
                // No place left.
                Err(TableError::ConditionFailed { .. }) => break,
                Err(e) => return Err(e.into()),
            }
        }
        Ok(moved)
    }

    /// Mark whether someone with a place attended, with its audit entry
    /// under the event (`AUDIT#REG#{email}#…`); `Changed` if they have no
    /// place.
    pub async fn set_attendance(
        &self,
        event: &CalendarId,
        email: &EmailAddress,
        attended: bool,
        entry: &AuditEntry,
    ) -> Result<(), StoreError> {
        let sequence = format!(
            "{}{:020}",
            attendance_audit(email),
            entry.at.as_nanosecond()
        );
        self.table
            .write(vec![
                Write::Update {
                    key: key(event, email),
                    set: vec![("attended".into(), json!(attended))],
                    add: vec![],
                    remove: vec![],
                    cond: Some(Cond::Eq("status".into(), json!("registered"))),
                },
                audit_write(&event_key(event).pk, &sequence, entry)?,
            ])
            .await
            .map_err(StoreError::from)
    }

    /// Remove the audit entries of someone's attendance at an event: they
    /// name them, and go with their data.
    pub async fn erase_attendance_audit(
        &self,
        event: &CalendarId,
        email: &EmailAddress,
    ) -> Result<(), StoreError> {
        let prefix = format!("{}{}", keys::AUDIT_PREFIX, attendance_audit(email));
        let q = Query::new(Index::Primary, event_key(event).pk).prefix(prefix);
        let items = self.query_all(q, MOST).await?;
        for chunk in items.chunks(crate::table::MAX_WRITES) {
            let deletes = chunk
                .iter()
                .map(|i| Write::Delete {
                    key: Key::new(
                        i.get("pk").and_then(Value::as_str).unwrap_or_default(),
                        i.get("sk").and_then(Value::as_str).unwrap_or_default(),
                    ),
                    cond: None,
                })
                .collect();
            self.table.write(deletes).await?;
        }
        Ok(())
    }
}

/// Where the audit entries of someone's attendance sort, after `AUDIT#`.
fn attendance_audit(email: &EmailAddress) -> String {
    format!("REG#{email}#")
}
