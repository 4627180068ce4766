//! A pair's next meeting: one side proposes a date, time, length and place
//! (or link); the other accepts it or proposes another time; either can
//! cancel it; once it has started, one click logs it with its length. Both
//! can add it to their calendars from a file Outlook opens in one click,
//! which a newer copy (higher SEQUENCE) updates or, once cancelled, removes.

use std::fmt;

use icalendar::{Calendar, Component, EventLike, EventStatus, Property};
use jiff::civil::Date;
use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};

use crate::calendar::{ClockTime, program_instant};
use crate::fields::{EmailAddress, Lines, Problem, text_type};
use crate::mentorship::{MAX_MEETING_MINUTES, MentorshipId};

text_type!(
    /// Where a pair meets: a room, a building, or a meeting link.
    Place, "the place or link", 300, Lines::Many);

/// How far ahead a meeting can be proposed.
pub const MOST_DAYS_AHEAD: i64 = 366;

/// Where a pair's next meeting stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PlanStatus {
    /// Waiting for the other side.
    Proposed,
    /// Both agreed: in their calendars.
    Accepted,
    Cancelled,
    /// It took place and was logged.
    Logged,
}

/// A proposed time, as the form gives it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanDraft {
    pub date: Date,
    pub start: ClockTime,
    pub minutes: u32,
    pub place: Option<Place>,
}

/// A pair's next meeting.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NextMeeting {
    pub mentorship: MentorshipId,
    pub proposed_by: EmailAddress,
    pub date: Date,
    pub start: ClockTime,
    pub minutes: u32,
    pub place: Option<Place>,
    pub status: PlanStatus,
    /// Which meeting of the pair this is (a new one after one was logged
    /// or cancelled): calendar apps know it by it.
    pub round: u32,
    /// Each change within a round: a calendar app keeps the highest.
    pub sequence: u32,
    /// A random key in the calendar file's address: the file opens in a
    /// calendar app without signing in, for whoever has the address.
    pub key: String,
    pub updated_at: Timestamp,
    /// Bumped by every change, for conditional writes.
    pub version: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlanRefused {
    /// About the date or time.
    #[error("{0}")]
    When(String),
    /// About the length.
    #[error("{0}")]
    Length(String),
    #[error("It overlaps your meeting with {0}; choose another time.")]
    Overlaps(String),
    #[error("There is no proposed meeting to accept.")]
    NothingToAccept,
    #[error("You proposed this time; the other side accepts it or proposes another.")]
    OwnProposal,
    #[error("There is no meeting to cancel.")]
    NothingToCancel,
    #[error("Only a meeting both of you accepted can be logged from here.")]
    NotAccepted,
    #[error("Log the meeting once it has started.")]
    NotStarted,
}

impl NextMeeting {
    /// When it starts and ends, as instants (program time).
    pub fn span(&self) -> Option<(Timestamp, Timestamp)> {
        let start = program_instant(self.date, self.start.time())?;
        Some((
            start,
            start + SignedDuration::from_mins(i64::from(self.minutes)),
        ))
    }

    /// Whether it is still to come, proposed or accepted.
    pub fn open(&self) -> bool {
        matches!(self.status, PlanStatus::Proposed | PlanStatus::Accepted)
    }

    fn overlaps(&self, start: Timestamp, end: Timestamp) -> bool {
        self.open() && self.span().is_some_and(|(s, e)| s < end && start < e)
    }
}

impl fmt::Display for NextMeeting {
    /// "Tuesday, January 12, 2027 at 14:30 (60 minutes)".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} at {} ({} minutes)",
            self.date.strftime("%A, %B %-d, %Y"),
            self.start,
            self.minutes
        )
    }
}

/// Propose the next meeting (or another time for the one proposed, or a
/// change to the one accepted, which asks the other side again). `before`
/// is the pair's plan so far; `others`, the caller's open meetings with
/// other partners and their names. Refused: a time in the past or more
/// than a year ahead, a length outside 1 to 480 minutes, a time
/// overlapping another of the caller's meetings.
pub fn propose(
    mentorship: &MentorshipId,
    before: Option<&NextMeeting>,
    by: &EmailAddress,
    draft: PlanDraft,
    others: &[(NextMeeting, String)],
    key: String,
    now: Timestamp,
) -> Result<NextMeeting, PlanRefused> {
    if draft.minutes == 0 || draft.minutes > MAX_MEETING_MINUTES {
        return Err(PlanRefused::Length(format!(
            "Enter the meeting's length in minutes, from 1 to {MAX_MEETING_MINUTES}."
        )));
    }
    let start = program_instant(draft.date, draft.start.time())
        .ok_or_else(|| PlanRefused::When("That date cannot be used.".into()))?;
    if start <= now {
        return Err(PlanRefused::When(
            "Choose a time in the future: this one has passed.".into(),
        ));
    }
    if start > now + SignedDuration::from_hours(24 * MOST_DAYS_AHEAD) {
        return Err(PlanRefused::When(
            "Choose a time within the next year.".into(),
        ));
    }
    let end = start + SignedDuration::from_mins(i64::from(draft.minutes));
    if let Some((_, name)) = others.iter().find(|(m, _)| m.overlaps(start, end)) {
        return Err(PlanRefused::Overlaps(name.clone()));
    }
    // A change to an open meeting keeps its place in calendars; after one
    // was logged or cancelled, the next is a new meeting.
    let (round, sequence, key) = match before {
        Some(b) if b.open() => (b.round, b.sequence + 1, b.key.clone()),
        Some(b) => (b.round + 1, 0, key),
        None => (0, 0, key),
    };
    Ok(NextMeeting {
        mentorship: mentorship.clone(),
        proposed_by: by.clone(),
        date: draft.date,
        start: draft.start,
        minutes: draft.minutes,
        place: draft.place,
        status: PlanStatus::Proposed,
        round,
        sequence,
        key,
        updated_at: now,
        version: before.map_or(1, |b| b.version + 1),
    })
}

/// The other side accepts the proposed time (while it is still to come).
pub fn accept(
    before: Option<&NextMeeting>,
    by: &EmailAddress,
    now: Timestamp,
) -> Result<NextMeeting, PlanRefused> {
    let b = before
        .filter(|b| b.status == PlanStatus::Proposed)
        .ok_or(PlanRefused::NothingToAccept)?;
    if b.proposed_by == *by {
        return Err(PlanRefused::OwnProposal);
    }
    if b.span().is_none_or(|(start, _)| start <= now) {
        return Err(PlanRefused::When(
            "This time has passed; propose another.".into(),
        ));
    }
    Ok(NextMeeting {
        status: PlanStatus::Accepted,
        sequence: b.sequence + 1,
        updated_at: now,
        version: b.version + 1,
        ..b.clone()
    })
}

/// Either side cancels the meeting to come.
pub fn cancel(before: Option<&NextMeeting>, now: Timestamp) -> Result<NextMeeting, PlanRefused> {
    let b = before
        .filter(|b| b.open())
        .ok_or(PlanRefused::NothingToCancel)?;
    Ok(NextMeeting {
        status: PlanStatus::Cancelled,
        sequence: b.sequence + 1,
        updated_at: now,
        version: b.version + 1,
        ..b.clone()
    })
}

/// The accepted meeting, logged once it has started.
pub fn logged(before: Option<&NextMeeting>, now: Timestamp) -> Result<NextMeeting, PlanRefused> {
    let b = before
        .filter(|b| b.status == PlanStatus::Accepted)
        .ok_or(PlanRefused::NotAccepted)?;
    if b.span().is_none_or(|(start, _)| start > now) {
        return Err(PlanRefused::NotStarted);
    }
    Ok(NextMeeting {
        status: PlanStatus::Logged,
        updated_at: now,
        version: b.version + 1,
        ..b.clone()
    })
}

fn utc(t: Timestamp) -> String {
    t.strftime("%Y%m%dT%H%M%SZ").to_string()
}

/// The meeting as a calendar file: Outlook and other apps add it in one
/// click, update it from a newer copy, and remove it from a cancelled one.
/// `with` is the partner's name (the title says "Mentoring: …").
pub fn invitation(m: &NextMeeting, with: &str, page: &str, host: &str) -> String {
    let mut calendar = Calendar::empty();
    let cancelled = m.status == PlanStatus::Cancelled;
    calendar
        .append_property(Property::new("VERSION", "2.0"))
        .append_property(Property::new("PRODID", "-//MOments//Mentoring meeting//EN"))
        .append_property(Property::new(
            "METHOD",
            if cancelled { "CANCEL" } else { "PUBLISH" },
        ))
        .append_property(Property::new("CALSCALE", "GREGORIAN"));
    let mut entry = icalendar::Event::new();
    entry
        .append_property(Property::new(
            "UID",
            format!("ms-{}-{}@{host}", m.mentorship, m.round),
        ))
        .append_property(Property::new("DTSTAMP", utc(m.updated_at)))
        .sequence(m.sequence)
        .summary(&format!("Mentoring: {with}"))
        .description(&format!(
            "Your MOments mentoring meeting with {with}. Log it afterwards on your mentorship page for training credit: {page}"
        ))
        .url(page)
        .status(if cancelled {
            EventStatus::Cancelled
        } else {
            EventStatus::Confirmed
        });
    if let Some((start, end)) = m.span() {
        entry
            .append_property(Property::new("DTSTART", utc(start)))
            .append_property(Property::new("DTEND", utc(end)));
    }
    if let Some(place) = &m.place {
        entry.location(place.as_str());
    }
    calendar.push(entry.done());
    calendar.done().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> Timestamp {
        s.parse().expect("time")
    }

    fn ada() -> EmailAddress {
        EmailAddress::parse("ada@mo.gov").expect("email")
    }

    fn max() -> EmailAddress {
        EmailAddress::parse("max@mo.gov").expect("email")
    }

    fn draft(date: &str, start: &str, minutes: u32) -> PlanDraft {
        PlanDraft {
            date: date.parse().expect("date"),
            start: ClockTime::parse(start).expect("time"),
            minutes,
            place: Some(Place::parse("https://teams.example/meet/1").expect("place")),
        }
    }

    fn ms() -> MentorshipId {
        MentorshipId::from_random([7; 16])
    }

    #[test]
    fn a_proposal_is_accepted_by_the_other_side_and_logged_once_started() {
        let now = at("2027-01-11T15:00:00Z");
        let p = propose(
            &ms(),
            None,
            &ada(),
            draft("2027-01-12", "10:00", 60),
            &[],
            "k".into(),
            now,
        )
        .expect("proposed");
        assert_eq!(p.status, PlanStatus::Proposed);
        assert_eq!(accept(Some(&p), &ada(), now), Err(PlanRefused::OwnProposal));
        let a = accept(Some(&p), &max(), now).expect("accepted");
        assert_eq!(
            (a.status, a.sequence, a.version),
            (PlanStatus::Accepted, 1, 2)
        );
        assert_eq!(logged(Some(&a), now), Err(PlanRefused::NotStarted));
        // 10:00 Chicago on January 12 is 16:00 UTC.
        let l = logged(Some(&a), at("2027-01-12T16:00:00Z")).expect("logged");
        assert_eq!(l.status, PlanStatus::Logged);
        let next = propose(
            &ms(),
            Some(&l),
            &max(),
            draft("2027-02-09", "10:00", 60),
            &[],
            "k2".into(),
            now,
        )
        .expect("the next one");
        assert_eq!((next.round, next.sequence, next.key.as_str()), (1, 0, "k2"));
    }

    #[test]
    fn times_in_the_past_too_far_or_overlapping_are_refused() {
        let now = at("2027-01-11T15:00:00Z");
        let past = propose(
            &ms(),
            None,
            &ada(),
            draft("2027-01-11", "08:00", 60),
            &[],
            "k".into(),
            now,
        );
        assert!(matches!(past, Err(PlanRefused::When(_))));
        let far = propose(
            &ms(),
            None,
            &ada(),
            draft("2028-06-01", "08:00", 60),
            &[],
            "k".into(),
            now,
        );
        assert!(matches!(far, Err(PlanRefused::When(_))));
        let long = propose(
            &ms(),
            None,
            &ada(),
            draft("2027-01-12", "08:00", 481),
            &[],
            "k".into(),
            now,
        );
        assert!(matches!(long, Err(PlanRefused::Length(_))));
        let other = propose(
            &ms(),
            None,
            &ada(),
            draft("2027-01-12", "10:00", 60),
            &[],
            "k".into(),
            now,
        )
        .expect("other pair");
        let clash = propose(
            &ms(),
            None,
            &ada(),
            draft("2027-01-12", "10:30", 30),
            &[(other.clone(), "Max".into())],
            "k".into(),
            now,
        );
        assert_eq!(clash, Err(PlanRefused::Overlaps("Max".into())));
        let after = propose(
            &ms(),
            None,
            &ada(),
            draft("2027-01-12", "11:00", 30),
            &[(other, "Max".into())],
            "k".into(),
            now,
        );
        assert!(after.is_ok(), "back to back is fine");
    }

    #[test]
    fn the_invitation_updates_and_cancels_the_same_calendar_entry() {
        let now = at("2027-01-11T15:00:00Z");
        let p = propose(
            &ms(),
            None,
            &ada(),
            draft("2027-01-12", "10:00", 60),
            &[],
            "k".into(),
            now,
        )
        .expect("proposed");
        let a = accept(Some(&p), &max(), now).expect("accepted");
        let text = invitation(
            &a,
            "Max Mentor",
            "https://moments.mo.gov/mentorships/?id=x",
            "moments.mo.gov",
        );
        let unfolded = text.replace("\r\n ", "");
        assert!(unfolded.contains("METHOD:PUBLISH"));
        assert!(
            unfolded.contains("DTSTART:20270112T160000Z")
                && unfolded.contains("DTEND:20270112T170000Z")
        );
        assert!(
            unfolded.contains("SEQUENCE:1")
                && unfolded.contains("LOCATION:https://teams.example/meet/1")
        );
        let c = cancel(Some(&a), now).expect("cancelled");
        let gone = invitation(
            &c,
            "Max Mentor",
            "https://moments.mo.gov/",
            "moments.mo.gov",
        )
        .replace("\r\n ", "");
        assert!(
            gone.contains("METHOD:CANCEL")
                && gone.contains("STATUS:CANCELLED")
                && gone.contains("SEQUENCE:2")
        );
        let uid = |t: &str| {
            t.lines()
                .find(|l| l.starts_with("UID:"))
                .map(str::to_string)
        };
        assert_eq!(uid(&unfolded), uid(&gone), "the same entry");
    }
}
