//! The program calendar: match groups with their four dates (the two-week
//! application window, supervisors' approvals, suggested matches) and the
//! events the program team runs (trainings, office hours, information
//! sessions). Program administrators keep it; it is stored in the table,
//! seeded once from `site/data/calendar.toml`, and shown on the site, in the
//! calendar feed, and to the matching run, which sends a group's suggested
//! matches on its `matches_on` day. Every date and time is program time,
//! America/Chicago.

use std::fmt;

use jiff::Timestamp;
use jiff::civil::{Date, Time};
use serde::{Deserialize, Serialize};

use crate::fields::{Problem, parse_date};
use crate::form::{Count, Field, FieldErrors, Flag, FormReader, Text};

/// The program's time zone: every date and time of the calendar is in it.
pub const PROGRAM_TIME_ZONE: &str = "America/Chicago";
/// The hour (program time) the scheduled matching runs on a group's day.
pub const MATCHING_HOUR: i8 = 7;
/// Past dates stay on the public calendar (marked as past) this long.
pub const SHOWN_AFTER_DAYS: i64 = 90;

pub mod feed;
pub mod registration;

const SEED: &str = include_str!("../../../site/data/calendar.toml");

/// Program time as POSIX rules (US Central, daylight time from the second
/// Sunday of March to the first Sunday of November), so no time zone
/// database is needed where the functions run.
const PROGRAM_TIME_RULES: &str = "CST6CDT,M3.2.0,M11.1.0";

/// The program's time zone.
pub fn program_time_zone() -> jiff::tz::TimeZone {
    jiff::tz::TimeZone::posix(PROGRAM_TIME_RULES).unwrap_or(jiff::tz::TimeZone::UTC)
}

/// The instant a date and time of program time fall on (the earlier one
/// when clocks go back); none only out of jiff's range.
pub fn program_instant(date: Date, time: Time) -> Option<Timestamp> {
    program_time_zone()
        .to_ambiguous_timestamp(date.to_datetime(time))
        .compatible()
        .ok()
}

/// Today's date in program time.
pub fn program_today(now: Timestamp) -> Date {
    program_time_zone().to_datetime(now).date()
}

/// The first day the public calendar shows: [`SHOWN_AFTER_DAYS`] before today.
pub fn shown_from(now: Timestamp) -> Date {
    let today = program_today(now);
    today
        .checked_sub(jiff::Span::new().days(SHOWN_AFTER_DAYS))
        .unwrap_or(today)
}

/// The id of a match group or an event: lowercase letters, digits and
/// dashes. It never changes: calendar apps know an event by it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CalendarId(String);

impl CalendarId {
    pub const MAX_CHARS: usize = 40;
    pub fn parse(raw: &str) -> Result<Self, Problem> {
        let s = raw.trim();
        if s.is_empty() {
            return Err("Enter an id.".into());
        }
        if s.len() > Self::MAX_CHARS {
            return Err(format!(
                "Keep the id to {} characters or fewer.",
                Self::MAX_CHARS
            ));
        }
        let ok = s
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
            && !s.starts_with('-')
            && !s.ends_with('-');
        if !ok {
            return Err(
                "Use lowercase letters, digits and dashes only, for example fourteen or g14."
                    .into(),
            );
        }
        Ok(CalendarId(s.to_string()))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for CalendarId {
    type Error = Problem;
    fn try_from(s: String) -> Result<Self, Problem> {
        CalendarId::parse(&s)
    }
}
impl From<CalendarId> for String {
    fn from(v: CalendarId) -> String {
        v.0
    }
}
impl fmt::Display for CalendarId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

crate::fields::text_type!(
    /// A match group's name, e.g. "Match group fourteen".
    GroupName, "a name", 60, crate::fields::Lines::One);
crate::fields::text_type!(
    /// One line about a match group, e.g. "Second quarter of 2027."
    GroupSummary, "a summary", 200, crate::fields::Lines::One);
crate::fields::text_type!(
    /// An event's title.
    EventTitle, "a title", 100, crate::fields::Lines::One);
crate::fields::text_type!(
    /// What an event is about, in a sentence or two.
    EventDetails, "the details", 1000, crate::fields::Lines::Many);
crate::fields::text_type!(
    /// Where an event is held: a room and building, or "Online".
    Place, "the place", 200, crate::fields::Lines::One);

/// Most characters a web address may have.
pub const MAX_ADDRESS_CHARS: usize = 500;

/// An `https` address on a named host (`what` names it in the error), as
/// written back by the URL parser.
pub fn https_address(raw: &str, what: &str) -> Result<String, Problem> {
    let s = raw.trim();
    if s.len() > MAX_ADDRESS_CHARS {
        return Err(format!(
            "Keep the link to {MAX_ADDRESS_CHARS} characters or fewer."
        ));
    }
    match url::Url::parse(s) {
        Ok(u) if u.scheme() == "https" && u.host_str().is_some_and(|h| h.contains('.')) => {
            Ok(u.to_string())
        }
        _ => Err(format!("Enter {what}, starting with https://.")),
    }
}

/// The address of an online meeting: an `https` URL.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct MeetingLink(String);

impl MeetingLink {
    pub const MAX_CHARS: usize = 500;
    pub fn parse(raw: &str) -> Result<Self, Problem> {
        https_address(raw, "the meeting's web address").map(MeetingLink)
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}
impl TryFrom<String> for MeetingLink {
    type Error = Problem;
    fn try_from(s: String) -> Result<Self, Problem> {
        MeetingLink::parse(&s)
    }
}
impl From<MeetingLink> for String {
    fn from(v: MeetingLink) -> String {
        v.0
    }
}

/// A time of day, `HH:MM` (24-hour, program time).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ClockTime(Time);

impl ClockTime {
    pub fn parse(raw: &str) -> Result<Self, Problem> {
        let bad = || "Enter the time as HH:MM, for example 14:30.".to_string();
        let (h, m) = raw.trim().split_once(':').ok_or_else(bad)?;
        let digits = |s: &str, most: usize| {
            (1..=most).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit())
        };
        if !digits(h, 2) || !digits(m, 2) || m.len() != 2 {
            return Err(bad());
        }
        let (Ok(h), Ok(m)) = (h.parse::<i8>(), m.parse::<i8>()) else {
            return Err(bad());
        };
        Time::new(h, m, 0, 0).map(ClockTime).map_err(|_| bad())
    }
    pub fn time(self) -> Time {
        self.0
    }
}
impl TryFrom<String> for ClockTime {
    type Error = Problem;
    fn try_from(s: String) -> Result<Self, Problem> {
        ClockTime::parse(&s)
    }
}
impl From<ClockTime> for String {
    fn from(v: ClockTime) -> String {
        v.to_string()
    }
}
impl fmt::Display for ClockTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}:{:02}", self.0.hour(), self.0.minute())
    }
}

/// What an event is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "kebab-case")]
pub enum EventKind {
    Training,
    OfficeHours,
    InformationSession,
}

impl EventKind {
    const ALL: [(EventKind, &'static str); 3] = [
        (EventKind::Training, "training"),
        (EventKind::OfficeHours, "office-hours"),
        (EventKind::InformationSession, "information-session"),
    ];
    pub fn parse(raw: &str) -> Result<Self, Problem> {
        parse_choice(
            &Self::ALL,
            raw,
            "training, office-hours or information-session",
        )
    }
}

/// Who an event is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Audience {
    Everyone,
    Mentors,
    Mentees,
    MentorsAndMentees,
    Supervisors,
}

impl Audience {
    const ALL: [(Audience, &'static str); 5] = [
        (Audience::Everyone, "everyone"),
        (Audience::Mentors, "mentors"),
        (Audience::Mentees, "mentees"),
        (Audience::MentorsAndMentees, "mentors-and-mentees"),
        (Audience::Supervisors, "supervisors"),
    ];
    pub fn parse(raw: &str) -> Result<Self, Problem> {
        parse_choice(
            &Self::ALL,
            raw,
            "everyone, mentors, mentees, mentors-and-mentees or supervisors",
        )
    }
    /// "mentors and mentees", as a sentence says it.
    pub fn words(self) -> &'static str {
        match self {
            Audience::Everyone => "everyone",
            Audience::Mentors => "mentors",
            Audience::Mentees => "mentees",
            Audience::MentorsAndMentees => "mentors and mentees",
            Audience::Supervisors => "supervisors",
        }
    }
}

fn parse_choice<T: Copy>(all: &[(T, &str)], raw: &str, choices: &str) -> Result<T, Problem> {
    let s = raw.trim();
    if s.is_empty() {
        return Err("Choose one.".into());
    }
    all.iter()
        .find(|(_, id)| *id == s)
        .map(|(v, _)| *v)
        .ok_or_else(|| format!("Choose one of {choices}."))
}

/// A match group: a quarter's round of applying, approving and matching.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct MatchGroup {
    #[schema(value_type = String)]
    pub id: CalendarId,
    #[schema(value_type = String)]
    pub name: GroupName,
    #[schema(value_type = String)]
    pub summary: GroupSummary,
    /// The application window's first day, `YYYY-MM-DD`.
    #[schema(value_type = String)]
    pub window_opens: Date,
    /// Its last day.
    #[schema(value_type = String)]
    pub window_closes: Date,
    /// Supervisors decide by this day.
    #[schema(value_type = String)]
    pub approvals_due: Date,
    /// Suggested matches go out this day (the matching runs at 7:00).
    #[schema(value_type = String)]
    pub matches_on: Date,
}

impl MatchGroup {
    /// The group's four dates with what happens on each, in date order.
    pub fn key_dates(&self) -> [(KeyDate, Date); 4] {
        [
            (KeyDate::WindowOpens, self.window_opens),
            (KeyDate::WindowCloses, self.window_closes),
            (KeyDate::ApprovalsDue, self.approvals_due),
            (KeyDate::MatchesSent, self.matches_on),
        ]
    }
}

/// One of a match group's dates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyDate {
    WindowOpens,
    WindowCloses,
    ApprovalsDue,
    MatchesSent,
}

impl KeyDate {
    /// Its part of the id of its entry in the calendar feed, and of its
    /// anchor on the calendar page (`#{group}-{slug}`).
    pub fn slug(self) -> &'static str {
        match self {
            KeyDate::WindowOpens => "window-opens",
            KeyDate::WindowCloses => "window-closes",
            KeyDate::ApprovalsDue => "approvals-due",
            KeyDate::MatchesSent => "matches-on",
        }
    }
    pub fn title(self) -> &'static str {
        match self {
            KeyDate::WindowOpens => "Application window opens",
            KeyDate::WindowCloses => "Application window closes",
            KeyDate::ApprovalsDue => "Supervisor approvals due",
            KeyDate::MatchesSent => "Mentees receive suggested matches",
        }
    }
    pub fn details(self) -> &'static str {
        match self {
            KeyDate::WindowOpens => {
                "Apply in the next two weeks to be part of this round's suggested matches."
            }
            KeyDate::WindowCloses => {
                "Last day to apply for this round's suggested matches. Applications stay open all year."
            }
            KeyDate::ApprovalsDue => {
                "Supervisors decide on their team's applications by today so they count in this round's matching."
            }
            KeyDate::MatchesSent => {
                "Approved mentees who still need a mentor get suggested mentors by email."
            }
        }
    }
}

/// An event the program runs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Event {
    #[schema(value_type = String)]
    pub id: CalendarId,
    /// The match group it belongs to, if any.
    #[schema(value_type = Option<String>)]
    pub group: Option<CalendarId>,
    pub kind: EventKind,
    pub audience: Audience,
    #[schema(value_type = String)]
    pub date: Date,
    /// `HH:MM`, program time.
    #[schema(value_type = String)]
    pub start: ClockTime,
    #[schema(value_type = String)]
    pub end: ClockTime,
    #[schema(value_type = String)]
    pub title: EventTitle,
    #[schema(value_type = String)]
    pub details: EventDetails,
    #[schema(value_type = Option<String>)]
    pub place: Option<Place>,
    #[schema(value_type = Option<String>)]
    pub link: Option<MeetingLink>,
    /// How many people may register; no limit when absent.
    pub capacity: Option<u32>,
    pub registration_open: bool,
    /// Called off: it stays on the calendar, marked, and calendar apps
    /// remove it.
    #[serde(default)]
    pub cancelled: bool,
}

/// Who last changed a calendar record, and how often it has changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Revision {
    /// Goes up by one with every change; a change names the version it
    /// was made from, so two administrators cannot overwrite each other.
    pub version: u64,
    #[schema(value_type = String)]
    pub updated_at: Timestamp,
    pub updated_by: String,
}

/// A match group as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct StoredGroup {
    #[serde(flatten)]
    pub group: MatchGroup,
    #[serde(flatten)]
    pub revision: Revision,
}

/// An event as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct StoredEvent {
    #[serde(flatten)]
    pub event: Event,
    #[serde(flatten)]
    pub revision: Revision,
    /// The iCalendar SEQUENCE: up by one whenever people's calendars
    /// should take the change (every change, cancelling included).
    pub sequence: u64,
    /// People with a place (kept on the event's item, beside the record).
    #[serde(default)]
    pub registered: u32,
    /// People on the waiting list.
    #[serde(default)]
    pub waitlisted: u32,
}

/// An event as the public calendar shows it: with how full it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct PublicEvent {
    #[serde(flatten)]
    pub event: Event,
    pub registered: u32,
    pub waitlisted: u32,
    /// Places still free; none when the event has no limit.
    pub places_left: Option<u32>,
}

impl From<StoredEvent> for PublicEvent {
    fn from(e: StoredEvent) -> Self {
        let places_left = e.event.capacity.map(|c| c.saturating_sub(e.registered));
        PublicEvent {
            event: e.event,
            registered: e.registered,
            waitlisted: e.waitlisted,
            places_left,
        }
    }
}

/// A match group as a program administrator writes it.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct GroupForm {
    /// Only when adding a group; it never changes.
    #[schema(value_type = String, required = false)]
    pub id: Text,
    #[schema(value_type = String)]
    pub name: Text,
    #[schema(value_type = String)]
    pub summary: Text,
    #[schema(value_type = String)]
    pub window_opens: Text,
    #[schema(value_type = String)]
    pub window_closes: Text,
    #[schema(value_type = String)]
    pub approvals_due: Text,
    #[schema(value_type = String)]
    pub matches_on: Text,
    /// When changing a group: its `version` as read.
    #[schema(value_type = u64, required = false)]
    pub version: Count,
}

impl GroupForm {
    /// The group the form describes. `id` is the group's when changing
    /// one (the form's own `id` is read when adding); `others` are the
    /// other groups, whose windows this one's must not overlap; dates
    /// before `today` are refused when adding.
    pub fn read(
        &self,
        id: Option<&CalendarId>,
        others: &[MatchGroup],
        today: Date,
    ) -> Result<MatchGroup, FieldErrors> {
        let mut f = FormReader::new();
        let id = match id {
            Some(id) => Some(id.clone()),
            None => f.parsed("id", &self.id, CalendarId::parse),
        };
        let name = f.parsed("name", &self.name, GroupName::parse);
        let summary = f.parsed("summary", &self.summary, GroupSummary::parse);
        let opens = f.parsed("window_opens", &self.window_opens, parse_date);
        let closes = f.parsed("window_closes", &self.window_closes, parse_date);
        let due = f.parsed("approvals_due", &self.approvals_due, parse_date);
        let matches = f.parsed("matches_on", &self.matches_on, parse_date);
        if let (Some(o), Some(c)) = (opens, closes)
            && c <= o
        {
            f.errors.add(
                "window_closes",
                "The window must close after the day it opens.",
            );
        }
        if let (Some(c), Some(d)) = (closes, due)
            && d < c
        {
            f.errors.add(
                "approvals_due",
                "Approvals fall due on or after the day the window closes.",
            );
        }
        if let (Some(d), Some(m)) = (due, matches)
            && m <= d
        {
            f.errors.add(
                "matches_on",
                "Suggested matches go out after the day approvals are due, so that day's approvals count.",
            );
        }
        let adding = self.version.given().is_none() && id.is_some() && self.id.given().is_some();
        if adding {
            for (field, date) in [("window_opens", opens), ("matches_on", matches)] {
                if date.is_some_and(|d| d < today) {
                    f.errors.add(
                        field,
                        "This day has passed; a new group's dates are today or later.",
                    );
                }
            }
        }
        if let (Some(o), Some(c)) = (opens, closes) {
            let same = |g: &&MatchGroup| id.as_ref() == Some(&g.id);
            if let Some(g) = others
                .iter()
                .filter(|g| !same(g))
                .find(|g| o <= g.window_closes && g.window_opens <= c)
            {
                f.errors.add(
                    "window_opens",
                    format!(
                        "This window overlaps {}'s ({} to {}); one window at a time.",
                        g.name, g.window_opens, g.window_closes
                    ),
                );
            }
        }
        let group = match (id, name, summary, opens, closes, due, matches) {
            (Some(id), Some(name), Some(summary), Some(o), Some(c), Some(d), Some(m)) => {
                Some(MatchGroup {
                    id,
                    name,
                    summary,
                    window_opens: o,
                    window_closes: c,
                    approvals_due: d,
                    matches_on: m,
                })
            }
            _ => None,
        };
        f.finish(group)
    }
}

/// An event as a program administrator writes it.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct EventForm {
    /// A match group's id, or empty for none.
    #[schema(value_type = Option<String>, required = false)]
    pub group: Text,
    /// `training`, `office-hours` or `information-session`.
    #[schema(value_type = String)]
    pub kind: Text,
    /// `everyone`, `mentors`, `mentees`, `mentors-and-mentees` or `supervisors`.
    #[schema(value_type = String)]
    pub audience: Text,
    #[schema(value_type = String)]
    pub date: Text,
    /// `HH:MM`, program time.
    #[schema(value_type = String)]
    pub start: Text,
    #[schema(value_type = String)]
    pub end: Text,
    #[schema(value_type = String)]
    pub title: Text,
    #[schema(value_type = String)]
    pub details: Text,
    #[schema(value_type = Option<String>, required = false)]
    pub place: Text,
    /// An `https` address to join online.
    #[schema(value_type = Option<String>, required = false)]
    pub link: Text,
    /// 1 to 1,000 places; no limit when absent.
    #[schema(value_type = Option<u64>, required = false)]
    pub capacity: Count,
    #[schema(value_type = bool, required = false)]
    pub registration_open: Flag,
    /// When changing an event: its `version` as read.
    #[schema(value_type = u64, required = false)]
    pub version: Count,
}

/// Most places an event may have.
pub const MAX_CAPACITY: u64 = 1000;

impl EventForm {
    /// The event the form describes, with id `id`. `existing` is the event
    /// being changed, if any: a new event cannot be in the past; an
    /// existing one may be corrected whatever its date.
    pub fn read(
        &self,
        id: CalendarId,
        existing: Option<&Event>,
        groups: &[MatchGroup],
        today: Date,
    ) -> Result<Event, FieldErrors> {
        let mut f = FormReader::new();
        let group = f
            .optional("group", &self.group, CalendarId::parse)
            .and_then(|g| {
                if groups.iter().any(|known| known.id == g) {
                    Some(g)
                } else {
                    f.errors.add(
                        "group",
                        "There is no match group with this id; choose one from the list.",
                    );
                    None
                }
            });
        let kind = f.parsed("kind", &self.kind, EventKind::parse);
        let audience = f.parsed("audience", &self.audience, Audience::parse);
        let date = f.parsed("date", &self.date, parse_date);
        let start = f.parsed("start", &self.start, ClockTime::parse);
        let end = f.parsed("end", &self.end, ClockTime::parse);
        let title = f.parsed("title", &self.title, EventTitle::parse);
        let details = f.parsed("details", &self.details, EventDetails::parse);
        let place = f.optional("place", &self.place, Place::parse);
        let link = f.optional("link", &self.link, MeetingLink::parse);
        let capacity = match &self.capacity {
            Field::Absent => None,
            _ => f
                .count(
                    "capacity",
                    &self.capacity,
                    1..=MAX_CAPACITY,
                    "Enter a number of places from 1 to 1,000, or leave it empty for no limit.",
                )
                .and_then(|n| u32::try_from(n).ok()),
        };
        let registration_open = f.flag("registration_open", &self.registration_open);
        if let (Some(s), Some(e)) = (start, end)
            && e <= s
        {
            f.errors.add("end", "The end must be after the start.");
        }
        if existing.is_none() && date.is_some_and(|d| d < today) {
            f.errors.add(
                "date",
                "This day has passed; a new event is today or later.",
            );
        }
        let wrong_group =
            !self.group.given().is_none_or(|g| g.trim().is_empty()) && group.is_none();
        let event = match (kind, audience, date, start, end, title, details) {
            (Some(kind), Some(audience), Some(date), Some(start), Some(end), Some(t), Some(d))
                if !wrong_group =>
            {
                Some(Event {
                    id,
                    group,
                    kind,
                    audience,
                    date,
                    start,
                    end,
                    title: t,
                    details: d,
                    place,
                    link,
                    capacity,
                    registration_open,
                    cancelled: existing.is_some_and(|e| e.cancelled),
                })
            }
            _ => None,
        };
        f.finish(event)
    }
}

/// The `version` a change names, or an error for the field.
pub fn version_of(version: &Count) -> Result<u64, FieldErrors> {
    match version {
        Field::Given(v) => Ok(*v),
        _ => Err(FieldErrors::single(
            "version",
            "Give the version you read; reload the page and try again.",
        )),
    }
}

/// What the public calendar shows: groups and events from
/// [`SHOWN_AFTER_DAYS`] ago on, in date order.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PublicCalendar {
    /// The last change to anything shown; absent when nothing is.
    #[schema(value_type = Option<String>)]
    pub updated_at: Option<Timestamp>,
    pub groups: Vec<MatchGroup>,
    pub events: Vec<PublicEvent>,
}

impl PublicCalendar {
    pub fn of(mut groups: Vec<StoredGroup>, mut events: Vec<StoredEvent>) -> PublicCalendar {
        groups.sort_by(|a, b| {
            (a.group.window_opens, &a.group.id).cmp(&(b.group.window_opens, &b.group.id))
        });
        events.sort_by(|a, b| {
            (a.event.date, a.event.start, &a.event.id).cmp(&(
                b.event.date,
                b.event.start,
                &b.event.id,
            ))
        });
        let updated_at = groups
            .iter()
            .map(|g| g.revision.updated_at)
            .chain(events.iter().map(|e| e.revision.updated_at))
            .max();
        PublicCalendar {
            updated_at,
            groups: groups.into_iter().map(|g| g.group).collect(),
            events: events.into_iter().map(PublicEvent::from).collect(),
        }
    }
}

/// The group whose suggested matches go out next: the earliest
/// `matches_on` on or after `today`.
pub fn next_matching(groups: &[MatchGroup], today: Date) -> Option<&MatchGroup> {
    groups
        .iter()
        .filter(|g| g.matches_on >= today)
        .min_by_key(|g| (g.matches_on, &g.id))
}

/// The match group an application sent on `day` joins: the group whose
/// window is open that day, or else the next one to open (the one whose
/// suggested matches it will take part in). `None` when no group's window
/// closes on `day` or later: nothing is announced yet.
pub fn group_applying(groups: &[MatchGroup], day: Date) -> Option<&MatchGroup> {
    groups
        .iter()
        .filter(|g| g.window_closes >= day)
        .min_by_key(|g| (g.window_closes, &g.id))
}

/// The seed a new installation starts from: `site/data/calendar.toml`.
#[derive(Debug, Clone, Deserialize)]
pub struct Seed {
    pub groups: Vec<SeedGroup>,
    pub events: Vec<SeedEvent>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct SeedGroup {
    pub id: CalendarId,
    pub name: GroupName,
    pub summary: GroupSummary,
    pub window_opens: toml::value::Datetime,
    pub window_closes: toml::value::Datetime,
    pub approvals_due: toml::value::Datetime,
    pub matches_on: toml::value::Datetime,
}

#[derive(Debug, Clone, Deserialize)]
pub struct SeedEvent {
    pub id: CalendarId,
    pub group: Option<CalendarId>,
    pub kind: EventKind,
    pub audience: Audience,
    pub date: toml::value::Datetime,
    pub start: ClockTime,
    pub end: ClockTime,
    pub title: EventTitle,
    pub details: EventDetails,
    pub place: Option<Place>,
    pub link: Option<MeetingLink>,
    pub capacity: Option<u32>,
    #[serde(default)]
    pub registration: bool,
}

fn seed_date(d: &toml::value::Datetime) -> Result<Date, Problem> {
    d.to_string()
        .parse()
        .map_err(|e| format!("{d} is not a date: {e}"))
}

/// The seed's match groups and events.
pub type SeedRecords = (Vec<MatchGroup>, Vec<Event>);

impl Seed {
    /// The seed compiled in from `site/data/calendar.toml`, read once per
    /// process.
    pub fn compiled() -> Result<SeedRecords, Problem> {
        static PARSED: std::sync::OnceLock<Result<SeedRecords, Problem>> =
            std::sync::OnceLock::new();
        PARSED
            .get_or_init(|| {
                let seed: Seed = toml::from_str(SEED).map_err(|e| format!("calendar.toml: {e}"))?;
                seed.records()
            })
            .clone()
    }

    pub fn records(self) -> Result<SeedRecords, Problem> {
        let groups = self
            .groups
            .into_iter()
            .map(|g| {
                Ok(MatchGroup {
                    id: g.id,
                    name: g.name,
                    summary: g.summary,
                    window_opens: seed_date(&g.window_opens)?,
                    window_closes: seed_date(&g.window_closes)?,
                    approvals_due: seed_date(&g.approvals_due)?,
                    matches_on: seed_date(&g.matches_on)?,
                })
            })
            .collect::<Result<Vec<_>, Problem>>()?;
        let events = self
            .events
            .into_iter()
            .map(|e| {
                Ok(Event {
                    id: e.id,
                    group: e.group,
                    kind: e.kind,
                    audience: e.audience,
                    date: seed_date(&e.date)?,
                    start: e.start,
                    end: e.end,
                    title: e.title,
                    details: e.details,
                    place: e.place,
                    link: e.link,
                    capacity: e.capacity,
                    registration_open: e.registration,
                    cancelled: false,
                })
            })
            .collect::<Result<Vec<_>, Problem>>()?;
        Ok((groups, events))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        s.parse().expect("valid")
    }

    fn form(opens: &str, closes: &str, due: &str, matches: &str) -> GroupForm {
        GroupForm {
            id: Field::Given("fourteen".into()),
            name: Field::Given("Match group fourteen".into()),
            summary: Field::Given("Second quarter of 2027.".into()),
            window_opens: Field::Given(opens.into()),
            window_closes: Field::Given(closes.into()),
            approvals_due: Field::Given(due.into()),
            matches_on: Field::Given(matches.into()),
            version: Field::Absent,
        }
    }

    #[test]
    fn the_seed_reads_and_its_groups_are_in_order() {
        let (groups, events) = Seed::compiled().expect("valid");
        assert!(!groups.is_empty() && !events.is_empty());
        for g in &groups {
            assert!(g.window_opens < g.window_closes, "{}", g.id);
            assert!(g.window_closes <= g.approvals_due, "{}", g.id);
            assert!(g.approvals_due < g.matches_on, "{}", g.id);
        }
        for e in &events {
            assert!(e.start < e.end, "{}", e.id);
            assert!(
                e.group
                    .as_ref()
                    .is_none_or(|g| groups.iter().any(|x| &x.id == g))
            );
        }
    }

    #[test]
    fn a_group_s_dates_must_follow_each_other() {
        let today = d("2027-01-01");
        let ok = form("2027-04-05", "2027-04-16", "2027-04-23", "2027-04-27");
        assert!(ok.read(None, &[], today).is_ok());
        let backward = form("2027-04-16", "2027-04-05", "2027-04-05", "2027-04-05");
        let errors = backward.read(None, &[], today).expect_err("refused");
        assert!(
            errors.has("window_closes") && errors.has("matches_on"),
            "{errors:?}"
        );
        let early = form("2027-04-05", "2027-04-16", "2027-04-14", "2027-04-27");
        assert!(
            early
                .read(None, &[], today)
                .expect_err("refused")
                .has("approvals_due")
        );
        let past = form("2026-04-05", "2026-04-16", "2026-04-23", "2026-04-27");
        assert!(
            past.read(None, &[], today)
                .expect_err("refused")
                .has("window_opens")
        );
    }

    #[test]
    fn windows_of_two_groups_cannot_overlap() {
        let today = d("2027-01-01");
        let first = form("2027-04-05", "2027-04-16", "2027-04-23", "2027-04-27")
            .read(None, &[], today)
            .expect("valid");
        let mut second = form("2027-04-12", "2027-04-26", "2027-04-28", "2027-04-30");
        second.id = Field::Given("fifteen".into());
        let errors = second
            .read(None, std::slice::from_ref(&first), today)
            .expect_err("refused");
        assert!(errors.0["window_opens"].contains("Match group fourteen"));
        // A group does not overlap itself when it is changed.
        let mut same = form("2027-04-06", "2027-04-16", "2027-04-23", "2027-04-27");
        same.version = Field::Given(1);
        assert!(
            same.read(Some(&first.id), std::slice::from_ref(&first), today)
                .is_ok()
        );
    }

    fn event_form() -> EventForm {
        EventForm {
            group: Field::Absent,
            kind: Field::Given("training".into()),
            audience: Field::Given("mentors".into()),
            date: Field::Given("2027-02-02".into()),
            start: Field::Given("10:00".into()),
            end: Field::Given("11:30".into()),
            title: Field::Given("Mentor training".into()),
            details: Field::Given("How to run a first meeting.".into()),
            place: Field::Given("Online".into()),
            link: Field::Given("https://teams.example.gov/l/meetup".into()),
            capacity: Field::Given(2),
            registration_open: Field::Given(true),
            version: Field::Absent,
        }
    }

    #[test]
    fn an_event_reads_with_every_field_checked() {
        let today = d("2027-01-01");
        let id = CalendarId::parse("mentor-training-1").expect("valid");
        let e = event_form()
            .read(id.clone(), None, &[], today)
            .expect("valid");
        assert_eq!(
            (e.start.to_string(), e.end.to_string()),
            ("10:00".into(), "11:30".into())
        );
        assert_eq!(e.capacity, Some(2));

        let mut bad = event_form();
        bad.end = Field::Given("09:00".into());
        bad.link = Field::Given("http://evil.example".into());
        bad.capacity = Field::Given(0);
        bad.group = Field::Given("nowhere".into());
        bad.kind = Field::Given("party".into());
        bad.date = Field::Given("2026-12-31".into());
        let errors = bad.read(id.clone(), None, &[], today).expect_err("refused");
        for field in ["end", "link", "capacity", "group", "kind", "date"] {
            assert!(errors.has(field), "{field}: {errors:?}");
        }
        // A past event may be corrected.
        let mut past = event_form();
        past.date = Field::Given("2026-12-31".into());
        let existing = past.read(id.clone(), Some(&e), &[], today).expect("valid");
        assert_eq!(existing.date, d("2026-12-31"));
    }

    #[test]
    fn times_read_as_hours_and_minutes() {
        assert_eq!(
            ClockTime::parse("9:05").expect("valid").to_string(),
            "09:05"
        );
        for bad in ["24:00", "10:60", "10", "ten", "10:5:00", "-1:00", "10:005"] {
            assert!(ClockTime::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn the_next_matching_is_the_earliest_on_or_after_today() {
        let (groups, _) = Seed::compiled().expect("valid");
        let twelve = &groups[0];
        let next = next_matching(&groups, twelve.matches_on).expect("valid");
        assert_eq!(next.id, twelve.id);
        let after =
            next_matching(&groups, twelve.matches_on.tomorrow().expect("valid")).expect("valid");
        assert_ne!(after.id, twelve.id);
    }

    #[test]
    fn an_application_joins_the_open_window_or_else_the_next() {
        let (groups, _) = Seed::compiled().expect("valid");
        let (first, second) = (&groups[0], &groups[1]);
        let joined = |day: Date| group_applying(&groups, day).map(|g| g.id.clone());
        assert_eq!(joined(first.window_opens), Some(first.id.clone()));
        assert_eq!(joined(first.window_closes), Some(first.id.clone()));
        // Between two windows an application waits for the next group.
        let late = first.window_closes.tomorrow().expect("valid");
        assert_eq!(joined(late), Some(second.id.clone()));
        let last = groups
            .iter()
            .map(|g| g.window_closes)
            .max()
            .expect("groups");
        assert_eq!(joined(last.tomorrow().expect("valid")), None);
    }
}
