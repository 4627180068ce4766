//! What the program administrators' "needs attention" reads beyond the
//! queues it shares with others: requests sent lately, and the surveys not
//! answered yet.
//!
//! A survey waits for an answer from the moment its mentorship ends: the
//! end writes one mark per side under the mentorship (`MS#{id}` /
//! `SURVEYOPEN#{role}`, so the mark goes with the mentorship), listed by
//! when the pair ended in gsi3 `SURVEYS#OPEN`; the answer, in its own
//! transaction, puts the mark back without its place in that list. A mark is kept 180 days (TTL), as long as the list
//! looks back.

use jiff::{SignedDuration, Timestamp};
use moments_domain::application::Role;
use moments_domain::fields::DepartmentId;
use moments_domain::mentorship::{Mentorship, MentorshipId, MentorshipRequest};
use moments_domain::metrics::Quarter;
use serde_json::{Value, json};

use super::{Store, StoreError, data_of, item_of, keys};
use crate::table::{Query, Write};

/// How long a survey stays on the list, and its mark in the table.
pub const SURVEY_OPEN_LISTED: SignedDuration = SignedDuration::from_hours(180 * 24);

/// Most open surveys read for the list.
const MOST_OPEN_SURVEYS: usize = 5_000;

/// The mark that `role`'s survey about `m`, ended at `ended`, is open.
pub(super) fn survey_open(m: &Mentorship, role: Role, ended: Timestamp) -> Write {
    let key = keys::survey_open(m.id.as_str(), role.as_str());
    Write::Put {
        item: item_of(json!({
            "pk": key.pk, "sk": key.sk, "kind": "survey_open",
            "mentorship_id": m.id.as_str(),
            "role": role.as_str(),
            "ended_at": ended.to_string(),
            "mentee_department": m.counted.mentee_department.as_str(),
            "mentor_department": m.counted.mentor_department.as_str(),
            "gsi3pk": keys::SURVEYS_OPEN,
            "gsi3sk": format!("{:013}#{}#{}", ended.as_millisecond(), m.id, role.as_str()),
            "expires_at": (ended + SURVEY_OPEN_LISTED).as_second(),
        })),
        cond: None,
    }
}

/// The mark of `role`'s survey about `m` once answered: the same item,
/// out of the list (no gsi3 attributes), gone with its TTL.
pub(super) fn survey_answered(m: &Mentorship, role: Role) -> Write {
    let key = keys::survey_open(m.id.as_str(), role.as_str());
    let ended = m.ended.as_ref().map_or(m.started_at, |e| e.at);
    Write::Put {
        item: item_of(json!({
            "pk": key.pk, "sk": key.sk, "kind": "survey_answered",
            "expires_at": (ended + SURVEY_OPEN_LISTED).as_second(),
        })),
        cond: None,
    }
}

/// A survey waiting for an answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenSurvey {
    pub mentorship: MentorshipId,
    /// Whose survey: the mentee's or the mentor's.
    pub role: Role,
    pub ended_at: Timestamp,
    pub mentee_department: DepartmentId,
    pub mentor_department: DepartmentId,
}

impl Store {
    /// The surveys not answered yet of mentorships that ended from `since`
    /// on, the longest open first.
    pub async fn open_surveys_since(
        &self,
        since: Timestamp,
    ) -> Result<Vec<OpenSurvey>, StoreError> {
        let q = Query::new(keys::BY_QUARTER, keys::SURVEYS_OPEN)
            .from(format!("{:013}", since.as_millisecond().max(0)));
        let mut out = Vec::new();
        for item in self.query_all(q, MOST_OPEN_SURVEYS).await? {
            let text = |name: &str| item.get(name).and_then(Value::as_str).unwrap_or_default();
            let (
                Ok(mentorship),
                Ok(role),
                Ok(ended_at),
                Ok(mentee_department),
                Ok(mentor_department),
            ) = (
                MentorshipId::parse(text("mentorship_id")),
                Role::parse(text("role")),
                text("ended_at").parse::<Timestamp>(),
                DepartmentId::parse(text("mentee_department")),
                DepartmentId::parse(text("mentor_department")),
            )
            else {
                return Err(StoreError::Corrupt(format!("open survey mark {item:?}")));
            };
            out.push(OpenSurvey {
                mentorship,
                role,
                ended_at,
                mentee_department,
                mentor_department,
            });
        }
        Ok(out)
    }

    /// Requests sent from `since` on, oldest first: in each quarter from
    /// `since`'s to `now`'s, read through gsi3 from `since`, stopping at
    /// the first record of another kind.
    pub async fn requests_sent_since(
        &self,
        since: Timestamp,
        now: Timestamp,
    ) -> Result<Vec<MentorshipRequest>, StoreError> {
        let mut quarters = vec![Quarter::of(since), Quarter::of(now)];
        quarters.dedup();
        let mut out = Vec::new();
        for quarter in quarters {
            let mut q = Query::new(keys::BY_QUARTER, keys::quarter_partition(quarter))
                .from(format!("{}{since}", keys::REQUESTS_IN_QUARTER))
                .limit(100);
            'pages: loop {
                let page = self.table.query(&q).await?;
                for item in page.items {
                    let request = item
                        .get("gsi3sk")
                        .and_then(Value::as_str)
                        .is_some_and(|sk| sk.starts_with(keys::REQUESTS_IN_QUARTER));
                    if !request {
                        break 'pages;
                    }
                    out.push(data_of(item)?);
                }
                match page.next {
                    Some(next) => q.start = Some(next),
                    None => break,
                }
            }
        }
        Ok(out)
    }
}
