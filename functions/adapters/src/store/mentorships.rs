//! Requests, mentorships, meetings and surveys. Capacity is enforced here,
//! in the transactions: accepting a request commits only if the request is
//! still pending and both sides' active counts are still what was read (and
//! so below two); ending frees both in the same way.

use std::collections::{BTreeSet, HashMap};

use jiff::civil::Date;
use moments_domain::application::{Application, Role, Status};
use moments_domain::audit::AuditEntry;
use moments_domain::fields::{EmailAddress, WorkingHours};
use moments_domain::mentorship::{
    Capacity, MAX_ACTIVE, MAX_DAY_MINUTES, Meeting, MeetingId, Mentorship, MentorshipId,
    MentorshipRequest, RequestId,
};
use moments_domain::metrics::{self, Quarter, Tally};
use moments_domain::next_meeting::NextMeeting;
use moments_domain::suggestions::PublishedList;
use moments_domain::survey::SurveyResponse;
use serde_json::{Value, json};

use super::listing::{self, Listing};
use super::{
    Store, StoreError, audit_write, capacity_unchanged, counters, data_of, item_of, keys,
    random_hex, to_value,
};
use crate::table::{Cond, Index, Item, Key, Query, TableError, Write};

/// A mentee moved to another mentor: the mentorship as read and as it
/// ends, with its sides as read; the accepted request and the mentorship
/// that replace it, with theirs.
#[derive(Clone, Copy)]
pub struct Repair<'a> {
    pub before: &'a Mentorship,
    pub ended: &'a Mentorship,
    pub old: &'a RequestSides,
    pub request: &'a MentorshipRequest,
    pub started: &'a Mentorship,
    pub new: &'a RequestSides,
}

/// A mentorship with the totals kept beside it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MentorshipRecord {
    pub mentorship: Mentorship,
    pub meeting_count: u32,
    pub minutes: u32,
}

/// Both applications a request or mentorship joins, as read, with capacity.
#[derive(Debug, Clone)]
pub struct RequestSides {
    pub mentee: Application,
    pub mentee_capacity: Capacity,
    pub mentor: Application,
    pub mentor_capacity: Capacity,
}

/// Most requests or mentorships one person's list shows.
const LIST_LIMIT: usize = 500;

pub(super) fn request_attributes(
    r: &MentorshipRequest,
) -> Result<Vec<(String, Value)>, StoreError> {
    let order = format!("{}#{}", r.created_at, r.id);
    let [gsi3pk, gsi3sk] =
        keys::in_quarter(Quarter::of(r.created_at), keys::REQUESTS_IN_QUARTER, &order);
    Ok(vec![
        gsi3pk,
        gsi3sk,
        ("kind".into(), json!("request")),
        ("status".into(), json!(r.status.as_str())),
        ("gsi1pk".into(), json!(keys::requests_to(r.mentor.as_str()))),
        ("gsi1sk".into(), json!(order)),
        (
            "gsi2pk".into(),
            json!(keys::requests_from(r.mentee.as_str())),
        ),
        ("gsi2sk".into(), json!(order)),
        ("data".into(), to_value(r)?),
    ])
}

pub(super) fn mentorship_attributes(m: &Mentorship) -> Result<Vec<(String, Value)>, StoreError> {
    let order = format!("{}#{}", m.started_at, m.id);
    let [gsi3pk, gsi3sk] = keys::in_quarter(
        Quarter::of(m.started_at),
        keys::MENTORSHIPS_IN_QUARTER,
        &order,
    );
    Ok(vec![
        gsi3pk,
        gsi3sk,
        ("kind".into(), json!("mentorship")),
        ("status".into(), json!(m.status.as_str())),
        ("version".into(), json!(m.version)),
        (
            "gsi1pk".into(),
            json!(keys::mentorships_as_mentee(m.mentee.as_str())),
        ),
        ("gsi1sk".into(), json!(order)),
        (
            "gsi2pk".into(),
            json!(keys::mentorships_as_mentor(m.mentor.as_str())),
        ),
        ("gsi2sk".into(), json!(order)),
        ("data".into(), to_value(m)?),
    ])
}

fn update(
    key: crate::table::Key,
    set: Vec<(String, Value)>,
    add: Vec<(String, i64)>,
    cond: Cond,
) -> Write {
    Write::Update {
        key,
        set,
        add,
        remove: vec![],
        cond: Some(cond),
    }
}

fn request_audit(r: &MentorshipRequest, entry: &AuditEntry) -> Result<Write, StoreError> {
    let sequence = format!("{:020}-{}", entry.at.as_nanosecond(), r.status.as_str());
    audit_write(&keys::request(r.id.as_str()).pk, &sequence, entry)
}

fn mentorship_audit(m: &Mentorship, entry: &AuditEntry) -> Result<Write, StoreError> {
    audit_write(
        &keys::mentorship(m.id.as_str()).pk,
        &format!("{:010}", m.version),
        entry,
    )
}

pub(super) fn record_of(item: Item) -> Result<MentorshipRecord, StoreError> {
    let count = |name: &str| {
        item.get(name)
            .and_then(Value::as_u64)
            .and_then(|n| u32::try_from(n).ok())
            .unwrap_or(0)
    };
    let meeting_count = count("meeting_count");
    let minutes = count("minutes");
    Ok(MentorshipRecord {
        mentorship: data_of(item)?,
        meeting_count,
        minutes,
    })
}

/// An application's capacity after adding `delta` active mentorships.
fn moved(capacity: Capacity, delta: i64) -> Capacity {
    Capacity {
        active: u32::try_from(i64::from(capacity.active) + delta).unwrap_or(0),
        ..capacity
    }
}

impl Store {
    /// Every listed mentor, or those working `hours`, and how many items
    /// were read to find them.
    pub async fn listed_mentors(
        &self,
        hours: Option<WorkingHours>,
    ) -> Result<(Vec<Listing>, usize), StoreError> {
        self.read_listing(hours, false).await
    }

    /// The listing, read strongly or (for half the read units) eventually.
    pub(super) async fn read_listing(
        &self,
        hours: Option<WorkingHours>,
        eventual: bool,
    ) -> Result<(Vec<Listing>, usize), StoreError> {
        let all = [
            WorkingHours::Daytime,
            WorkingHours::Evening,
            WorkingHours::Overnight,
        ];
        let mut listings = Vec::new();
        for h in all
            .into_iter()
            .filter(|h| hours.is_none_or(|want| want == *h))
        {
            let query = Query::new(Index::Primary, keys::listing_partition(h.id()));
            let query = if eventual { query.eventually() } else { query };
            let items = self.query_all(query, usize::MAX).await?;
            for item in items {
                listings.push(
                    serde_json::from_value(Value::Object(item))
                        .map_err(|e| StoreError::Corrupt(e.to_string()))?,
                );
            }
        }
        let read = listings.len();
        Ok((listings, read))
    }

    /// Whether the two have a pending request or an active mentorship.
    pub async fn is_paired(
        &self,
        mentee: &EmailAddress,
        mentor: &EmailAddress,
    ) -> Result<bool, StoreError> {
        Ok(self
            .table
            .get(&keys::pair(mentee.as_str(), mentor.as_str()))
            .await?
            .is_some())
    }

    /// Store a new request. `AlreadyExists` when the two are already paired;
    /// `Changed` when either application changed since the caller checked it
    /// (re-read and check again).
    pub async fn create_request(
        &self,
        r: &MentorshipRequest,
        sides: &RequestSides,
        entry: &AuditEntry,
    ) -> Result<(), StoreError> {
        let key = keys::request(r.id.as_str());
        let mut item = item_of(json!({"pk": key.pk, "sk": key.sk}));
        item.extend(request_attributes(r)?);
        let room = |capacity: Capacity, app: &Application| {
            Cond::And(vec![
                capacity_unchanged(capacity),
                Cond::Lt("active".into(), json!(MAX_ACTIVE)),
                Cond::Eq("version".into(), json!(app.version)),
            ])
        };
        let mut writes = vec![
            new_pair(&r.mentee, &r.mentor, ("request_id", r.id.as_str())),
            Write::Put {
                item,
                cond: Some(Cond::NotExists),
            },
            requested(&sides.mentee, room(sides.mentee_capacity, &sides.mentee)),
            requested(&sides.mentor, room(sides.mentor_capacity, &sides.mentor)),
            request_audit(r, entry)?,
        ];
        writes.extend(counters::writes(&metrics::request(r)));
        match self.table.write(writes).await {
            Err(TableError::ConditionFailed { index: 0 }) => Err(StoreError::AlreadyExists),
            other => other.map_err(StoreError::from),
        }
    }

    pub async fn request(&self, id: &RequestId) -> Result<Option<MentorshipRequest>, StoreError> {
        match self.table.get(&keys::request(id.as_str())).await? {
            Some(item) => data_of(item).map(Some),
            None => Ok(None),
        }
    }

    /// Requests to this mentor, newest first.
    pub async fn requests_to(
        &self,
        mentor: &EmailAddress,
    ) -> Result<Vec<MentorshipRequest>, StoreError> {
        let q = Query::new(Index::Gsi1, keys::requests_to(mentor.as_str())).backward();
        self.query_all(q, LIST_LIMIT)
            .await?
            .into_iter()
            .map(data_of)
            .collect()
    }

    /// Requests from this mentee, newest first.
    pub async fn requests_from(
        &self,
        mentee: &EmailAddress,
    ) -> Result<Vec<MentorshipRequest>, StoreError> {
        let q = Query::new(Index::Gsi2, keys::requests_from(mentee.as_str())).backward();
        self.query_all(q, LIST_LIMIT)
            .await?
            .into_iter()
            .map(data_of)
            .collect()
    }

    /// Accept a request: one transaction moves the request from pending to
    /// accepted, adds one to each side's active count only if both counts are
    /// still as read, creates the mentorship, and takes a mentor who is now
    /// full out of search. `Changed` when anything moved: re-read and decide again.
    pub async fn accept_request(
        &self,
        before: &MentorshipRequest,
        after: &MentorshipRequest,
        mentorship: &Mentorship,
        sides: &RequestSides,
        entry: &AuditEntry,
    ) -> Result<(), StoreError> {
        let key = keys::mentorship(mentorship.id.as_str());
        let mut item =
            item_of(json!({"pk": key.pk, "sk": key.sk, "meeting_count": 0, "minutes": 0}));
        item.extend(mentorship_attributes(mentorship)?);
        let pending = Cond::Eq("status".into(), json!(before.status.as_str()));
        let mut writes = vec![
            update(
                keys::request(before.id.as_str()),
                request_attributes(after)?,
                vec![],
                pending,
            ),
            update(
                keys::application(sides.mentor.id.as_str()),
                vec![],
                vec![("active".into(), 1)],
                Cond::And(vec![
                    capacity_unchanged(sides.mentor_capacity),
                    Cond::Lt("active".into(), json!(MAX_ACTIVE)),
                    Cond::Eq("version".into(), json!(sides.mentor.version)),
                ]),
            ),
            update(
                keys::application(sides.mentee.id.as_str()),
                vec![],
                vec![("active".into(), 1)],
                Cond::And(vec![
                    Cond::Eq("active".into(), json!(sides.mentee_capacity.active)),
                    Cond::Lt("active".into(), json!(MAX_ACTIVE)),
                ]),
            ),
            Write::Put {
                item,
                cond: Some(Cond::NotExists),
            },
            update(
                keys::pair(before.mentee.as_str(), before.mentor.as_str()),
                vec![("mentorship_id".into(), json!(mentorship.id.as_str()))],
                vec![],
                Cond::Eq("request_id".into(), json!(before.id.as_str())),
            ),
            request_audit(after, entry)?,
            mentorship_audit(mentorship, entry)?,
        ];
        writes.extend(listing::writes(
            Some(&sides.mentor),
            &sides.mentor,
            moved(sides.mentor_capacity, 1),
        ));
        let counted = Tally::change(Some(&metrics::request(before)), &metrics::request(after))
            .plus(&metrics::mentorship(mentorship));
        writes.extend(counters::writes(&counted));
        self.table.write(writes).await.map_err(StoreError::from)
    }

    /// A program administrator's match by hand: the accepted request and
    /// the mentorship it starts are made at once, on the conditions of an
    /// accept (both active counts as read and below two, neither
    /// application changed, the two not already paired). `AlreadyExists`
    /// when they are paired; `Changed` when anything moved.
    pub async fn create_match(
        &self,
        request: &MentorshipRequest,
        mentorship: &Mentorship,
        sides: &RequestSides,
        entry: &AuditEntry,
    ) -> Result<(), StoreError> {
        let mut writes = started_writes(request, mentorship, sides, entry)?;
        writes.extend(room_taken(sides, true));
        writes.extend(counters::writes(
            &metrics::request(request).plus(&metrics::mentorship(mentorship)),
        ));
        match self.table.write(writes).await {
            Err(TableError::ConditionFailed { index: 0 }) => Err(StoreError::AlreadyExists),
            other => other.map_err(StoreError::from),
        }
    }

    /// Move a mentee to another mentor in one transaction: the mentorship
    /// `before` ends as `ended`, its mentor gets the place back, and the
    /// mentee's place passes to the new mentorship (their count stays).
    /// `AlreadyExists` when the mentee and the new mentor are paired already.
    pub async fn repair(&self, r: &Repair<'_>, entry: &AuditEntry) -> Result<(), StoreError> {
        let Repair {
            before,
            ended,
            old,
            request,
            started,
            new,
        } = *r;
        let mut writes = started_writes(request, started, new, entry)?;
        writes.extend(room_taken(new, false));
        writes.push(Write::Check {
            key: keys::application(old.mentee.id.as_str()),
            cond: Cond::Eq("active".into(), json!(old.mentee_capacity.active)),
        });
        writes.extend(ended_writes(before, ended, old, entry)?);
        writes.extend(room_freed(old, false));
        let counted = Tally::change(
            Some(&metrics::mentorship(before)),
            &metrics::mentorship(ended),
        )
        .plus(&metrics::request(request))
        .plus(&metrics::mentorship(started));
        writes.extend(counters::writes(&counted));
        match self.table.write(writes).await {
            Err(TableError::ConditionFailed { index: 0 }) => Err(StoreError::AlreadyExists),
            other => other.map_err(StoreError::from),
        }
    }

    /// Decline, withdraw or close a pending request; the pair may ask again later.
    pub async fn answer_request(
        &self,
        before: &MentorshipRequest,
        after: &MentorshipRequest,
        entry: &AuditEntry,
    ) -> Result<(), StoreError> {
        let mut writes = vec![
            update(
                keys::request(before.id.as_str()),
                request_attributes(after)?,
                vec![],
                Cond::Eq("status".into(), json!(before.status.as_str())),
            ),
            Write::Delete {
                key: keys::pair(before.mentee.as_str(), before.mentor.as_str()),
                cond: Some(Cond::Eq("request_id".into(), json!(before.id.as_str()))),
            },
            request_audit(after, entry)?,
        ];
        writes.extend(counters::writes(&Tally::change(
            Some(&metrics::request(before)),
            &metrics::request(after),
        )));
        self.table.write(writes).await.map_err(StoreError::from)
    }

    /// Undo a withdrawal: the request (`before`, withdrawn) waits for an
    /// answer again (`after`), only while the mentor's email about it has
    /// not gone (its notice `notice` is not claimed), no other request
    /// holds the pair, and both sides are still approved and below two
    /// active. `AlreadyExists` when the email has gone; `Changed` when
    /// anything else moved.
    pub async fn restore_request(
        &self,
        before: &MentorshipRequest,
        after: &MentorshipRequest,
        notice: &str,
        entry: &AuditEntry,
    ) -> Result<(), StoreError> {
        let open = Cond::And(vec![
            Cond::Eq("status".into(), json!(Status::Approved.as_str())),
            Cond::Lt("active".into(), json!(MAX_ACTIVE)),
        ]);
        let mut writes = vec![
            update(
                keys::request(before.id.as_str()),
                request_attributes(after)?,
                vec![],
                Cond::Eq("status".into(), json!(before.status.as_str())),
            ),
            new_pair(
                &after.mentee,
                &after.mentor,
                ("request_id", after.id.as_str()),
            ),
            Write::Check {
                key: keys::application(after.mentee_application.as_str()),
                cond: open.clone(),
            },
            Write::Check {
                key: keys::application(after.mentor_application.as_str()),
                cond: open,
            },
            request_audit(after, entry)?,
        ];
        writes.extend(counters::writes(&Tally::change(
            Some(&metrics::request(before)),
            &metrics::request(after),
        )));
        self.write_unless_told(notice, writes).await
    }

    pub async fn mentorship(
        &self,
        id: &MentorshipId,
    ) -> Result<Option<MentorshipRecord>, StoreError> {
        match self.table.get(&keys::mentorship(id.as_str())).await? {
            Some(item) => record_of(item).map(Some),
            None => Ok(None),
        }
    }

    /// A person's mentorships in both roles, newest first.
    pub async fn mentorships_of(
        &self,
        email: &EmailAddress,
    ) -> Result<Vec<MentorshipRecord>, StoreError> {
        let mut out = Vec::new();
        for q in [
            Query::new(Index::Gsi1, keys::mentorships_as_mentee(email.as_str())),
            Query::new(Index::Gsi2, keys::mentorships_as_mentor(email.as_str())),
        ] {
            for item in self.query_all(q, LIST_LIMIT).await? {
                out.push(record_of(item)?);
            }
        }
        out.sort_by_key(|r| std::cmp::Reverse(r.mentorship.started_at));
        Ok(out)
    }

    /// Save an active mentorship, read as `before`, in its next state.
    pub async fn save_mentorship(
        &self,
        before: &Mentorship,
        m: &Mentorship,
        entry: &AuditEntry,
    ) -> Result<(), StoreError> {
        let mut writes = vec![
            update(
                keys::mentorship(m.id.as_str()),
                mentorship_attributes(m)?,
                vec![],
                Cond::Eq("version".into(), json!(before.version)),
            ),
            mentorship_audit(m, entry)?,
        ];
        // The agreement's kind counts in the figures.
        writes.extend(counters::writes(&Tally::change(
            Some(&metrics::mentorship(before)),
            &metrics::mentorship(m),
        )));
        self.table.write(writes).await.map_err(StoreError::from)
    }

    /// Log a meeting of an active mentorship and add it to the pair's totals
    /// and to its date's minutes, which stop at `MAX_DAY_MINUTES` however
    /// many entries arrive at once (`Changed` when the day is full or the
    /// mentorship ended meanwhile).
    pub async fn log_meeting(&self, m: &Mentorship, meeting: &Meeting) -> Result<(), StoreError> {
        let writes = meeting_writes(m, meeting)?;
        self.table.write(writes).await.map_err(StoreError::from)
    }

    /// The pair's next meeting, if one was ever proposed.
    pub async fn next_meeting(&self, id: &MentorshipId) -> Result<Option<NextMeeting>, StoreError> {
        match self.table.get(&keys::next_meeting(id.as_str())).await? {
            Some(item) => Ok(Some(data_of(item)?)),
            None => Ok(None),
        }
    }

    /// Save the pair's next meeting at its version (one above the version
    /// read), while the mentorship is active; `Changed` if either moved.
    pub async fn save_next_meeting(&self, plan: &NextMeeting) -> Result<(), StoreError> {
        let id = plan.mentorship.as_str();
        self.table
            .write(vec![
                next_meeting_write(plan)?,
                Write::Check {
                    key: keys::mentorship(id),
                    cond: Cond::Eq("status".into(), json!("active")),
                },
            ])
            .await
            .map_err(StoreError::from)
    }

    /// Log the accepted meeting and mark it logged, in one transaction: a
    /// second click finds it logged and logs nothing twice.
    pub async fn log_planned_meeting(
        &self,
        m: &Mentorship,
        meeting: &Meeting,
        plan: &NextMeeting,
    ) -> Result<(), StoreError> {
        let mut writes = meeting_writes(m, meeting)?;
        writes.push(next_meeting_write(plan)?);
        self.table.write(writes).await.map_err(StoreError::from)
    }

    /// The minutes a pair has logged for `date`.
    pub async fn minutes_logged_on(
        &self,
        id: &MentorshipId,
        date: Date,
    ) -> Result<u32, StoreError> {
        let item = self
            .table
            .get(&keys::meeting_day(id.as_str(), &date.to_string()))
            .await?;
        Ok(item
            .and_then(|i| i.get("minutes").and_then(Value::as_u64))
            .and_then(|n| u32::try_from(n).ok())
            .unwrap_or(0))
    }

    /// One meeting of a mentorship.
    pub async fn meeting(
        &self,
        id: &MentorshipId,
        meeting: &MeetingId,
    ) -> Result<Option<Meeting>, StoreError> {
        // The key holds the date, which the caller does not know: the
        // meetings of one pair are few.
        Ok(self
            .meetings_of(id)
            .await?
            .into_iter()
            .find(|m| &m.id == meeting))
    }

    /// Save a meeting whose dispute changed, with its audit entry.
    pub async fn save_dispute(
        &self,
        m: &Mentorship,
        meeting: &Meeting,
        entry: &AuditEntry,
    ) -> Result<(), StoreError> {
        // The mentorship itself does not change, so its version cannot
        // number the entry: the version's entries are followed by this one,
        // in the order they were made (a random tail keeps two made in one
        // millisecond apart).
        let sequence = format!(
            "{:010}.{:015}.{}",
            m.version,
            entry.at.as_millisecond(),
            random_hex::<8>()?
        );
        let writes = vec![
            Write::Put {
                item: meeting_item(m, meeting)?,
                cond: Some(Cond::Exists),
            },
            audit_write(&keys::mentorship(m.id.as_str()).pk, &sequence, entry)?,
        ];
        self.table.write(writes).await.map_err(StoreError::from)
    }

    /// A mentorship's meetings, oldest first.
    pub async fn meetings_of(&self, id: &MentorshipId) -> Result<Vec<Meeting>, StoreError> {
        let q = Query::new(Index::Primary, keys::mentorship(id.as_str()).pk)
            .prefix(keys::MEETING_PREFIX);
        self.query_all(q, 10_000)
            .await?
            .into_iter()
            .map(data_of)
            .collect()
    }

    /// End a mentorship: it stops being active and both sides get the room
    /// back, in one transaction; a mentor with room again is listed again.
    pub async fn end_mentorship(
        &self,
        before: &Mentorship,
        after: &Mentorship,
        sides: &RequestSides,
        entry: &AuditEntry,
    ) -> Result<(), StoreError> {
        let mut writes = ended_writes(before, after, sides, entry)?;
        writes.extend(room_freed(sides, true));
        writes.extend(counters::writes(&Tally::change(
            Some(&metrics::mentorship(before)),
            &metrics::mentorship(after),
        )));
        self.table.write(writes).await.map_err(StoreError::from)
    }

    /// Undo an ending: the mentorship (`before`, ended) goes on (`after`,
    /// active), only while neither side has been told (the notice `notice`
    /// is not claimed), neither has answered the survey, the pair has no
    /// other request or mentorship, and both sides still have room. Their
    /// surveys are no longer open. `AlreadyExists` when they have been
    /// told; `Changed` when anything else moved.
    pub async fn resume_mentorship(
        &self,
        before: &Mentorship,
        after: &Mentorship,
        sides: &RequestSides,
        notice: &str,
        entry: &AuditEntry,
    ) -> Result<(), StoreError> {
        let mut writes = vec![
            update(
                keys::mentorship(before.id.as_str()),
                mentorship_attributes(after)?,
                vec![],
                Cond::And(vec![
                    Cond::Eq("version".into(), json!(before.version)),
                    Cond::Eq("status".into(), json!(before.status.as_str())),
                ]),
            ),
            new_pair(
                &after.mentee,
                &after.mentor,
                ("mentorship_id", after.id.as_str()),
            ),
            mentorship_audit(after, entry)?,
        ];
        for who in [&after.mentee, &after.mentor] {
            writes.push(Write::Check {
                key: keys::survey(after.id.as_str(), who.as_str()),
                cond: Cond::NotExists,
            });
        }
        writes.extend(
            [Role::Mentee, Role::Mentor]
                .map(|role| super::attention::survey_answered(before, role)),
        );
        writes.extend(room_taken(sides, true));
        writes.extend(counters::writes(&Tally::change(
            Some(&metrics::mentorship(before)),
            &metrics::mentorship(after),
        )));
        self.write_unless_told(notice, writes).await
    }

    /// Record a survey answer about `m`; `AlreadyExists` if this person
    /// answered for this mentorship before.
    pub async fn save_survey(
        &self,
        m: &Mentorship,
        response: &SurveyResponse,
    ) -> Result<(), StoreError> {
        let key = keys::survey(response.mentorship.as_str(), response.respondent.as_str());
        let mut item = item_of(json!({
            "pk": key.pk, "sk": key.sk, "kind": "survey",
            "data": to_value(response)?,
        }));
        item.extend(keys::in_quarter(
            Quarter::of(m.started_at),
            keys::SURVEYS_IN_QUARTER,
            &format!("{}#{}", response.submitted_at, key.sk),
        ));
        let mut writes = vec![Write::Put {
            item,
            cond: Some(Cond::NotExists),
        }];
        writes.extend(counters::writes(&metrics::survey(m, response)));
        // The survey is no longer open (a Put, which the function may
        // already make under the mentorship, rather than a Delete there).
        writes.push(super::attention::survey_answered(m, response.version));
        match self.table.write(writes).await {
            Err(TableError::ConditionFailed { index: 0 }) => Err(StoreError::AlreadyExists),
            other => other.map_err(StoreError::from),
        }
    }

    /// Replace a mentee's suggested mentors with the latest run's.
    pub async fn put_suggestions(
        &self,
        mentee: &EmailAddress,
        list: &PublishedList,
    ) -> Result<(), StoreError> {
        let key = keys::suggestions(mentee.as_str());
        let item = item_of(
            json!({"pk": key.pk, "sk": key.sk, "kind": "suggestions", "data": to_value(list)?}),
        );
        self.table
            .write(vec![Write::Put { item, cond: None }])
            .await
            .map_err(StoreError::from)
    }

    /// The suggested mentors of many mentees from the latest matching run,
    /// by email address: a batch read for each hundred.
    pub async fn suggestions_of_many(
        &self,
        mentees: &[&EmailAddress],
    ) -> Result<HashMap<String, PublishedList>, StoreError> {
        let wanted: BTreeSet<&str> = mentees.iter().map(|m| m.as_str()).collect();
        let keys: Vec<Key> = wanted.iter().map(|m| keys::suggestions(m)).collect();
        let mut out = HashMap::with_capacity(keys.len());
        for item in self.get_all(&keys).await? {
            let Some(email) = item
                .get("pk")
                .and_then(Value::as_str)
                .and_then(|pk| pk.strip_prefix(keys::PERSON_PREFIX))
                .map(str::to_string)
            else {
                continue;
            };
            out.insert(email, data_of(item)?);
        }
        Ok(out)
    }

    /// A mentee's suggested mentors from the latest matching run.
    pub async fn suggestions_of(
        &self,
        mentee: &EmailAddress,
    ) -> Result<Option<PublishedList>, StoreError> {
        match self.table.get(&keys::suggestions(mentee.as_str())).await? {
            Some(item) => data_of(item).map(Some),
            None => Ok(None),
        }
    }

    pub async fn survey_of(
        &self,
        mentorship: &MentorshipId,
        email: &EmailAddress,
    ) -> Result<Option<SurveyResponse>, StoreError> {
        match self
            .table
            .get(&keys::survey(mentorship.as_str(), email.as_str()))
            .await?
        {
            Some(item) => data_of(item).map(Some),
            None => Ok(None),
        }
    }
}

/// The condition on a mentor's application for taking one more mentee:
/// capacity and version as read, and room left.
fn mentor_room(sides: &RequestSides) -> Cond {
    Cond::And(vec![
        capacity_unchanged(sides.mentor_capacity),
        Cond::Lt("active".into(), json!(MAX_ACTIVE)),
        Cond::Eq("version".into(), json!(sides.mentor.version)),
    ])
}

/// Both sides take one more active mentorship, as an accept does, and a
/// mentor who is now full leaves search. `mentee` says whether the mentee's
/// count moves here (a re-pair keeps it).
fn room_taken(sides: &RequestSides, mentee: bool) -> Vec<Write> {
    let mut writes = vec![update(
        keys::application(sides.mentor.id.as_str()),
        vec![],
        vec![("active".into(), 1)],
        mentor_room(sides),
    )];
    if mentee {
        writes.push(update(
            keys::application(sides.mentee.id.as_str()),
            vec![],
            vec![("active".into(), 1)],
            Cond::And(vec![
                Cond::Eq("active".into(), json!(sides.mentee_capacity.active)),
                Cond::Lt("active".into(), json!(MAX_ACTIVE)),
            ]),
        ));
    }
    writes.extend(listing::writes(
        Some(&sides.mentor),
        &sides.mentor,
        moved(sides.mentor_capacity, 1),
    ));
    writes
}

/// Both sides get a place back, as an ending does, and a mentor with room
/// is listed again. `mentee` says whether the mentee's count moves here.
fn room_freed(sides: &RequestSides, mentee: bool) -> Vec<Write> {
    let mut writes = vec![update(
        keys::application(sides.mentor.id.as_str()),
        vec![],
        vec![("active".into(), -1)],
        Cond::And(vec![
            capacity_unchanged(sides.mentor_capacity),
            Cond::Eq("version".into(), json!(sides.mentor.version)),
        ]),
    )];
    if mentee {
        writes.push(update(
            keys::application(sides.mentee.id.as_str()),
            vec![],
            vec![("active".into(), -1)],
            Cond::Eq("active".into(), json!(sides.mentee_capacity.active)),
        ));
    }
    writes.extend(listing::writes(
        Some(&sides.mentor),
        &sides.mentor,
        moved(sides.mentor_capacity, -1),
    ));
    writes
}

/// A new pair made by an administrator: its guard (first, so a pair that
/// exists already fails at index 0), the accepted request, the mentorship
/// and their audit entries. Capacity and counters are the caller's.
fn started_writes(
    request: &MentorshipRequest,
    mentorship: &Mentorship,
    sides: &RequestSides,
    entry: &AuditEntry,
) -> Result<Vec<Write>, StoreError> {
    let pair = keys::pair(request.mentee.as_str(), request.mentor.as_str());
    let key = keys::request(request.id.as_str());
    let mut request_item = item_of(json!({"pk": key.pk, "sk": key.sk}));
    request_item.extend(request_attributes(request)?);
    let key = keys::mentorship(mentorship.id.as_str());
    let mut mentorship_item =
        item_of(json!({"pk": key.pk, "sk": key.sk, "meeting_count": 0, "minutes": 0}));
    mentorship_item.extend(mentorship_attributes(mentorship)?);
    debug_assert_eq!(sides.mentee.applicant, request.mentee);
    Ok(vec![
        Write::Put {
            item: item_of(json!({
                "pk": pair.pk, "sk": pair.sk, "kind": "pair",
                "request_id": request.id.as_str(),
                "mentorship_id": mentorship.id.as_str(),
            })),
            cond: Some(Cond::NotExists),
        },
        Write::Put {
            item: request_item,
            cond: Some(Cond::NotExists),
        },
        Write::Put {
            item: mentorship_item,
            cond: Some(Cond::NotExists),
        },
        request_audit(request, entry)?,
        mentorship_audit(mentorship, entry)?,
    ])
}

/// A mentorship ending: the record (only from the version read, only while
/// active), its pair guard and its audit entry. Capacity, listing and
/// counters are the caller's.
fn ended_writes(
    before: &Mentorship,
    after: &Mentorship,
    sides: &RequestSides,
    entry: &AuditEntry,
) -> Result<Vec<Write>, StoreError> {
    debug_assert_eq!(sides.mentor.applicant, before.mentor);
    let ended_at = after.ended.as_ref().map_or(before.started_at, |e| e.at);
    let mut writes = vec![
        update(
            keys::mentorship(before.id.as_str()),
            mentorship_attributes(after)?,
            vec![],
            Cond::And(vec![
                Cond::Eq("version".into(), json!(before.version)),
                Cond::Eq("status".into(), json!("active")),
            ]),
        ),
        Write::Delete {
            key: keys::pair(before.mentee.as_str(), before.mentor.as_str()),
            cond: Some(Cond::Eq("mentorship_id".into(), json!(before.id.as_str()))),
        },
        mentorship_audit(after, entry)?,
    ];
    writes.extend(
        [Role::Mentee, Role::Mentor]
            .map(|role| super::attention::survey_open(after, role, ended_at)),
    );
    Ok(writes)
}

/// A meeting's item: its record, and its place among its quarter's records.
fn meeting_item(m: &Mentorship, meeting: &Meeting) -> Result<Item, StoreError> {
    let key = keys::meeting(
        m.id.as_str(),
        &meeting.date.to_string(),
        meeting.id.as_str(),
    );
    let mut item = item_of(json!({
        "pk": key.pk, "sk": key.sk, "kind": "meeting",
        "data": to_value(meeting)?,
    }));
    item.extend(keys::in_quarter(
        Quarter::of(m.started_at),
        keys::MEETINGS_IN_QUARTER,
        &format!("{}#{}#{}", meeting.date, m.id, meeting.id),
    ));
    Ok(item)
}

/// The writes that log a meeting: the meeting, the pair's totals, the
/// date's minutes (at most a working day), the figures.
fn meeting_writes(m: &Mentorship, meeting: &Meeting) -> Result<Vec<Write>, StoreError> {
    let room_left = i64::from(MAX_DAY_MINUTES) - i64::from(meeting.minutes) + 1;
    let mut writes = vec![
        Write::Put {
            item: meeting_item(m, meeting)?,
            cond: Some(Cond::NotExists),
        },
        update(
            keys::mentorship(m.id.as_str()),
            vec![],
            vec![
                ("meeting_count".into(), 1),
                ("minutes".into(), i64::from(meeting.minutes)),
            ],
            Cond::Eq("status".into(), json!("active")),
        ),
        update(
            keys::meeting_day(m.id.as_str(), &meeting.date.to_string()),
            vec![],
            vec![("minutes".into(), i64::from(meeting.minutes))],
            Cond::Or(vec![
                Cond::NotExists,
                Cond::Lt("minutes".into(), json!(room_left)),
            ]),
        ),
    ];
    writes.extend(counters::writes(&metrics::meeting(m, meeting)));
    Ok(writes)
}

fn next_meeting_write(plan: &NextMeeting) -> Result<Write, StoreError> {
    let key = keys::next_meeting(plan.mentorship.as_str());
    Ok(Write::Put {
        item: item_of(json!({
            "pk": key.pk, "sk": key.sk, "kind": "next_meeting",
            "version": plan.version,
            "data": to_value(plan)?,
        })),
        cond: Some(if plan.version == 1 {
            Cond::NotExists
        } else {
            Cond::Eq("version".into(), json!(plan.version - 1))
        }),
    })
}

/// A side of a new request, checked with `cond` and marked as requested
/// (see [`super::REQUESTED`]).
fn requested(app: &Application, cond: Cond) -> Write {
    Write::Update {
        key: keys::application(app.id.as_str()),
        set: vec![(super::REQUESTED.into(), json!(true))],
        add: vec![],
        remove: vec![],
        cond: Some(cond),
    }
}

/// The guard that lets a pair have one request or mentorship at a time,
/// made only if there is none: `holder` names what holds it.
fn new_pair(mentee: &EmailAddress, mentor: &EmailAddress, holder: (&str, &str)) -> Write {
    let pair = keys::pair(mentee.as_str(), mentor.as_str());
    let mut item = item_of(json!({"pk": pair.pk, "sk": pair.sk, "kind": "pair"}));
    item.insert(holder.0.into(), json!(holder.1));
    Write::Put {
        item,
        cond: Some(Cond::NotExists),
    }
}
