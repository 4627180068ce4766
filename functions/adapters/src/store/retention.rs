//! Removing records past retention, and removing a person's data at their
//! request (`moments_domain::retention`). Both leave the metrics counters
//! as they are: they are history without names.
//!
//! A record and what hangs under it (audit entries, meetings, survey
//! answers) may take more writes than one transaction holds. The children
//! go first and the record last, under a condition that it is still what
//! was read; a run cut short leaves the record to be found again by the
//! next run.

use jiff::Timestamp;
use moments_domain::application::{Application, ApplicationId};
use moments_domain::audit::AuditEntry;
use moments_domain::fields::EmailAddress;
use moments_domain::mentorship::{Capacity, Meeting, Mentorship, MentorshipRequest};
use serde_json::{Value, json};

use super::mentorships::{mentorship_attributes, request_attributes};
use super::{
    MentorshipRecord, QueuedMail, Store, StoreError, application_attributes, data_of, item_of,
    keys, listing, names, prior, to_value,
};
use crate::table::{Cond, Index, Item, Key, MAX_WRITES, Query, Write};

fn key_of(item: &Item) -> Key {
    let text = |name: &str| item.get(name).and_then(Value::as_str).unwrap_or_default();
    Key::new(text("pk"), text("sk"))
}

fn delete(key: Key) -> Write {
    Write::Delete { key, cond: None }
}

/// Who last changed a record of the program's own, or wrote it.
const CHANGED_BY: [&str; 2] = ["updated_by", "written_by"];

/// `item` with `stand_in` in `person`'s place, if it names them: an audit
/// entry rewritten as every erased audit entry is, any other record's
/// "changed by" replaced through an update of its data alone (counters kept
/// beside it stay as they are), at the version read.
fn erased_record(
    item: &Item,
    person: &EmailAddress,
    stand_in: &EmailAddress,
) -> Result<Option<Write>, StoreError> {
    if item.get("kind").and_then(Value::as_str) == Some("audit") {
        let entry: AuditEntry = data_of(item.clone())?;
        let erased = entry.erased(person, stand_in);
        if erased == entry {
            return Ok(None);
        }
        let mut item = item.clone();
        item.insert("data".into(), to_value(&erased)?);
        return Ok(Some(Write::Put { item, cond: None }));
    }
    let Some(Value::Object(data)) = item.get("data") else {
        return Ok(None);
    };
    let mut data = data.clone();
    // On the record itself, or in its `revision` (the kept lists').
    let mut named = false;
    let mut swap = |record: &mut serde_json::Map<String, Value>| {
        for field in CHANGED_BY {
            if record.get(field).and_then(Value::as_str) == Some(person.as_str()) {
                record.insert(field.into(), json!(stand_in.as_str()));
                named = true;
            }
        }
    };
    swap(&mut data);
    if let Some(Value::Object(revision)) = data.get_mut("revision") {
        swap(revision);
    }
    if !named {
        return Ok(None);
    }
    Ok(Some(Write::Update {
        key: key_of(item),
        set: vec![("data".into(), Value::Object(data))],
        add: vec![],
        remove: vec![],
        cond: item
            .get("version")
            .map(|version| Cond::Eq("version".into(), version.clone())),
    }))
}

/// The writes that put `stand_in` in `person`'s place on those of `items`
/// that name them (see [`erased_record`]).
fn erased_records(
    items: &[Item],
    person: &EmailAddress,
    stand_in: &EmailAddress,
) -> Result<Vec<Write>, StoreError> {
    items
        .iter()
        .filter_map(|item| erased_record(item, person, stand_in).transpose())
        .collect()
}

/// A pending erasure: who asked, when, and the stand-in their records get.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErasureRequest {
    pub email: EmailAddress,
    pub requested_at: String,
    pub note: Option<String>,
}

impl Store {
    /// Every item of the record partition `pk` whose sort key starts with `prefix`.
    async fn items_under(&self, pk: &str, prefix: &str) -> Result<Vec<Item>, StoreError> {
        self.query_all(Query::new(Index::Primary, pk).prefix(prefix), usize::MAX)
            .await
    }

    /// Write `writes` a transaction's worth at a time; the last batch holds
    /// `last`, so it commits only once everything before it did.
    async fn write_then(&self, mut writes: Vec<Write>, last: Vec<Write>) -> Result<(), StoreError> {
        let room = MAX_WRITES - last.len();
        while writes.len() > room {
            let rest = writes.split_off(MAX_WRITES);
            self.table
                .write(std::mem::replace(&mut writes, rest))
                .await?;
        }
        writes.extend(last);
        if writes.is_empty() {
            return Ok(());
        }
        self.table.write(writes).await.map_err(StoreError::from)
    }

    /// Remove a denied or revoked application with its role guard and audit
    /// trail (only while it is still as read).
    /// `Changed` if it is no longer the denied application that was read.
    pub async fn remove_application(&self, app: &Application) -> Result<(), StoreError> {
        let key = keys::application(app.id.as_str());
        let audit = self.items_under(&key.pk, keys::AUDIT_PREFIX).await?;
        let last = vec![
            Write::Delete {
                key,
                cond: Some(Cond::And(vec![
                    Cond::Eq("version".into(), json!(app.version)),
                    Cond::Eq("status".into(), json!(app.status.as_str())),
                ])),
            },
            Write::Delete {
                key: keys::role_guard(app.applicant.as_str(), app.role.as_str()),
                cond: Some(Cond::Eq("application_id".into(), json!(app.id.as_str()))),
            },
        ];
        let mut children: Vec<Write> = audit.iter().map(|i| delete(key_of(i))).collect();
        children.extend(prior::writes(Some(app), None));
        children.extend(names::writes(Some(app), None));
        self.write_then(children, last).await
    }

    /// Remove a request that did not become a mentorship, with its audit trail.
    pub async fn remove_request(&self, r: &MentorshipRequest) -> Result<(), StoreError> {
        let key = keys::request(r.id.as_str());
        let audit = self.items_under(&key.pk, keys::AUDIT_PREFIX).await?;
        let last = vec![Write::Delete {
            key,
            cond: Some(Cond::Eq("status".into(), json!(r.status.as_str()))),
        }];
        self.write_then(audit.iter().map(|i| delete(key_of(i))).collect(), last)
            .await
    }

    /// Remove an ended mentorship with everything under it (meetings,
    /// survey answers, audit trail) and the request it came from.
    pub async fn remove_mentorship(&self, record: &MentorshipRecord) -> Result<(), StoreError> {
        let m = &record.mentorship;
        let key = keys::mentorship(m.id.as_str());
        let request = keys::request(m.request.as_str());
        let mut children: Vec<Write> = self
            .items_under(&key.pk, "")
            .await?
            .iter()
            .map(key_of)
            .filter(|k| *k != key)
            .map(delete)
            .collect();
        children.extend(
            self.items_under(&request.pk, "")
                .await?
                .iter()
                .map(key_of)
                .filter(|k| *k != request)
                .map(delete),
        );
        let last = vec![
            Write::Delete {
                key,
                cond: Some(Cond::And(vec![
                    Cond::Eq("version".into(), json!(m.version)),
                    Cond::Ne("status".into(), json!("active")),
                ])),
            },
            delete(request),
        ];
        self.write_then(children, last).await
    }

    /// Rewrite the audit entries under `pk` with `person` replaced.
    fn erased_audit(
        items: &[Item],
        person: &EmailAddress,
        stand_in: &EmailAddress,
    ) -> Result<Vec<Write>, StoreError> {
        items
            .iter()
            .map(|item| {
                let entry: AuditEntry = data_of(item.clone())?;
                let mut item = item.clone();
                item.insert("data".into(), to_value(&entry.erased(person, stand_in))?);
                Ok(Write::Put { item, cond: None })
            })
            .collect()
    }

    /// Replace everything that identifies `person` with `stand_in`: their
    /// applications (taken out of search, free to apply again), the
    /// requests and ended mentorships they were in (kept for the partner,
    /// who sees "Former participant"), their survey answers (removed), the
    /// audit entries of those records, their suggestions and any
    /// department they administered; other mentors' lists of earlier
    /// mentees that name them, departments' audit entries about them, and
    /// mail still queued to them. Their sessions end and their unused
    /// sign-in links are voided first, so they are signed out even if a
    /// later step fails. Running it again
    /// finishes what a run cut short left. The caller checks first that
    /// nothing is active.
    pub async fn erase_person(
        &self,
        person: &EmailAddress,
        stand_in: &EmailAddress,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        self.end_sessions_of(person).await?;
        self.void_sign_in_links_of(person).await?;
        for app in self.applications_of(person).await? {
            self.erase_application(&app, person, stand_in, now).await?;
        }
        let mut requests = self.requests_from(person).await?;
        requests.extend(self.requests_to(person).await?);
        for r in requests {
            let key = keys::request(r.id.as_str());
            let audit = self.items_under(&key.pk, keys::AUDIT_PREFIX).await?;
            let last = vec![Write::Update {
                key,
                set: request_attributes(&r.erased(person, stand_in))?,
                add: vec![],
                remove: vec![],
                cond: Some(Cond::Eq("status".into(), json!(r.status.as_str()))),
            }];
            self.write_then(Self::erased_audit(&audit, person, stand_in)?, last)
                .await?;
        }
        for record in self.mentorships_of(person).await? {
            self.erase_from_mentorship(&record.mentorship, person, stand_in)
                .await?;
        }
        self.erase_from_earlier_mentees(person, stand_in).await?;
        self.erase_from_department_audits(person, stand_in).await?;
        self.erase_from_program_records(person, stand_in).await?;
        self.drop_mail_to(person).await?;
        let announcements = self.forget_announcements_to(person).await?;
        self.write_then(announcements, Vec::new()).await?;
        // Their abuse-limit counters (a day at most) are under their address.
        for limit in crate::http::limits::PER_PERSON {
            let pk = keys::limit_partition(limit.name, person.as_str());
            let counters = self
                .query_all(Query::new(Index::Primary, pk), usize::MAX)
                .await?;
            self.write_then(
                counters.iter().map(|i| delete(key_of(i))).collect(),
                Vec::new(),
            )
            .await?;
        }
        let mut rest = vec![delete(keys::suggestions(person.as_str()))];
        for dept in self.departments_administered(person).await? {
            rest.push(delete(keys::department_admin(
                person.as_str(),
                dept.as_str(),
            )));
        }
        self.table.write(rest).await.map_err(StoreError::from)
    }

    /// Other mentors' applications that list them as an earlier mentee
    /// (found through `PRIOR#` items): the stand-in takes their place, so
    /// the mentor's count of earlier mentees, which the figures use, stays.
    async fn erase_from_earlier_mentees(
        &self,
        person: &EmailAddress,
        stand_in: &EmailAddress,
    ) -> Result<(), StoreError> {
        let pk = keys::person(person.as_str());
        for item in self.items_under(&pk, keys::PRIOR_MENTEE_PREFIX).await? {
            let index = key_of(&item);
            let id = index
                .sk
                .strip_prefix(keys::PRIOR_MENTEE_PREFIX)
                .and_then(|id| ApplicationId::parse(id).ok());
            let app = match &id {
                Some(id) => self.application(id).await?,
                None => None,
            };
            let mut writes = vec![delete(index)];
            if let Some(app) = app.filter(|a| a.details.prior_mentees.contains(person)) {
                let mut after = app.clone();
                // A mentor saving what they read before this sees a conflict.
                after.version += 1;
                for mentee in &mut after.details.prior_mentees {
                    if mentee == person {
                        *mentee = stand_in.clone();
                    }
                }
                writes.push(Write::Update {
                    key: keys::application(app.id.as_str()),
                    set: application_attributes(&after)?,
                    add: vec![],
                    remove: vec![],
                    cond: Some(Cond::Eq("version".into(), json!(app.version))),
                });
            }
            self.table.write(writes).await?;
        }
        Ok(())
    }

    /// Departments' audit entries (administrators added and removed) that
    /// name them, as the administrator or the one added or removed.
    async fn erase_from_department_audits(
        &self,
        person: &EmailAddress,
        stand_in: &EmailAddress,
    ) -> Result<(), StoreError> {
        for dept in self.departments().await?.all() {
            let items = self
                .items_under(&keys::department_records(dept.as_str()), keys::AUDIT_PREFIX)
                .await?;
            self.write_then(erased_records(&items, person, stand_in)?, Vec::new())
                .await?;
        }
        Ok(())
    }

    /// The program's own records name the administrators who changed them,
    /// in their audit trails and as who changed them last (or wrote an
    /// announcement): the kept lists, the contact, the settings, the
    /// resource links, the program administrators, every match group and
    /// event of the calendar, and every announcement. `stand_in` takes
    /// their place there; nothing else on those records changes.
    async fn erase_from_program_records(
        &self,
        person: &EmailAddress,
        stand_in: &EmailAddress,
    ) -> Result<(), StoreError> {
        use super::announcements::{ANNOUNCEMENT_PREFIX, ANNOUNCEMENTS, records};
        // The announcements themselves, read once: they also say where
        // each one's audit trail is.
        let announcements = self
            .query_all(Query::new(Index::Primary, ANNOUNCEMENTS), usize::MAX)
            .await?;
        self.write_then(
            erased_records(&announcements, person, stand_in)?,
            Vec::new(),
        )
        .await?;
        let mut partitions: Vec<String> = [
            keys::CATALOGUE,
            keys::DEPARTMENTS,
            keys::CONTACT,
            keys::SETTINGS,
            keys::RESOURCES,
            keys::PROGRAM_ADMINS,
        ]
        .map(String::from)
        .into();
        partitions.extend(announcements.iter().filter_map(|item| {
            key_of(item)
                .sk
                .strip_prefix(ANNOUNCEMENT_PREFIX)
                .map(records)
        }));
        let (groups, events) = self.calendar_all().await?;
        partitions.extend(
            groups
                .iter()
                .map(|g| super::calendar::group_key(&g.group.id).pk),
        );
        partitions.extend(
            events
                .iter()
                .map(|e| super::calendar::event_key(&e.event.id).pk),
        );
        for pk in partitions {
            let items = self
                .query_all(Query::new(Index::Primary, pk), usize::MAX)
                .await?;
            self.write_then(erased_records(&items, person, stand_in)?, Vec::new())
                .await?;
        }
        Ok(())
    }

    /// Mail to them still waiting to be sent again, or set aside: it would
    /// reach a person who asked to be forgotten, and it names them.
    async fn drop_mail_to(&self, person: &EmailAddress) -> Result<(), StoreError> {
        let mut queues = keys::mail_partitions();
        queues.push(keys::MAIL_SET_ASIDE.to_string());
        for queue in queues {
            let items = self
                .query_all(Query::new(Index::Primary, queue), usize::MAX)
                .await?;
            let theirs: Vec<Write> = items
                .iter()
                .filter(|item| {
                    data_of::<QueuedMail>((*item).clone()).is_ok_and(|m| {
                        EmailAddress::parse(&m.message.to).is_ok_and(|to| to == *person)
                    })
                })
                .map(|item| delete(key_of(item)))
                .collect();
            self.write_then(theirs, Vec::new()).await?;
        }
        Ok(())
    }

    /// One of their applications: taken out of search, its audit entries
    /// rewritten, its role guard released.
    async fn erase_application(
        &self,
        app: &Application,
        person: &EmailAddress,
        stand_in: &EmailAddress,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        let Some((before, capacity)) = self.application_with_capacity(&app.id).await? else {
            return Ok(());
        };
        let after = before.erased(stand_in, now);
        let key = keys::application(app.id.as_str());
        let audit = self.items_under(&key.pk, keys::AUDIT_PREFIX).await?;
        let mut set = application_attributes(&after)?;
        set.push(("available".into(), json!(false)));
        let mut last = vec![
            Write::Update {
                key,
                set,
                add: vec![],
                remove: vec![],
                cond: Some(Cond::Eq("version".into(), json!(before.version))),
            },
            delete(keys::role_guard(person.as_str(), app.role.as_str())),
        ];
        last.extend(prior::writes(Some(&before), Some(&after)));
        last.extend(names::writes(Some(&before), Some(&after)));
        let unlisted = Capacity {
            available: false,
            ..capacity
        };
        last.extend(listing::writes(Some(&before), &after, unlisted));
        self.write_then(Self::erased_audit(&audit, person, stand_in)?, last)
            .await
    }

    /// An ended mentorship they were in: kept for the partner, with their
    /// meetings, audit entries and survey answer rewritten or removed.
    async fn erase_from_mentorship(
        &self,
        m: &Mentorship,
        person: &EmailAddress,
        stand_in: &EmailAddress,
    ) -> Result<(), StoreError> {
        let key = keys::mentorship(m.id.as_str());
        let mut writes = Self::erased_audit(
            &self.items_under(&key.pk, keys::AUDIT_PREFIX).await?,
            person,
            stand_in,
        )?;
        for item in self.items_under(&key.pk, keys::MEETING_PREFIX).await? {
            let meeting: Meeting = data_of(item.clone())?;
            let mut item = item;
            item.insert("data".into(), to_value(&meeting.erased(person, stand_in))?);
            writes.push(Write::Put { item, cond: None });
        }
        writes.push(delete(keys::survey(m.id.as_str(), person.as_str())));
        let last = vec![Write::Update {
            key,
            set: mentorship_attributes(&m.erased(person, stand_in))?,
            add: vec![],
            remove: vec![],
            cond: Some(Cond::And(vec![
                Cond::Eq("version".into(), json!(m.version)),
                Cond::Ne("status".into(), json!("active")),
            ])),
        }];
        self.write_then(writes, last).await
    }

    /// Record that `email` asks for their data to be removed; `AlreadyExists`
    /// if they asked already and it is not done yet.
    pub async fn request_erasure(
        &self,
        email: &EmailAddress,
        note: Option<&str>,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        let key = keys::erasure(email.as_str());
        self.put_new(item_of(json!({
            "pk": key.pk, "sk": key.sk, "kind": "erasure",
            "email": email.as_str(), "requested_at": now.to_string(), "note": note,
        })))
        .await
    }

    pub async fn erasure_requested(
        &self,
        email: &EmailAddress,
    ) -> Result<Option<ErasureRequest>, StoreError> {
        Ok(self
            .table
            .get(&keys::erasure(email.as_str()))
            .await?
            .as_ref()
            .and_then(erasure_of))
    }

    /// Requests waiting for a program administrator, oldest first.
    pub async fn erasure_requests(&self) -> Result<Vec<ErasureRequest>, StoreError> {
        let items = self
            .query_all(Query::new(Index::Primary, keys::ERASURES), 1_000)
            .await?;
        let mut out: Vec<ErasureRequest> = items.iter().filter_map(erasure_of).collect();
        out.sort_by(|a, b| a.requested_at.cmp(&b.requested_at));
        Ok(out)
    }

    /// The request is done: its record, the last thing holding the address, goes.
    pub async fn close_erasure(&self, email: &EmailAddress) -> Result<(), StoreError> {
        self.table
            .write(vec![delete(keys::erasure(email.as_str()))])
            .await
            .map_err(StoreError::from)
    }
}

fn erasure_of(item: &Item) -> Option<ErasureRequest> {
    let text = |name: &str| item.get(name).and_then(Value::as_str).map(str::to_string);
    Some(ErasureRequest {
        email: EmailAddress::parse(&text("email")?).ok()?,
        requested_at: text("requested_at").unwrap_or_default(),
        note: text("note"),
    })
}
