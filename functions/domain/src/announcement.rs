//! Announcements: a message the program team (or a department
//! administrator, to their department) sends to a group of people, such as
//! the opening of a quarter's application window. Written in plain text or
//! Markdown, sent as plain text like every other email, so nothing typed
//! can become markup in a mail client; raw HTML is refused outright.

use std::fmt;

use jiff::Timestamp;
use pulldown_cmark::{Event, Parser, Tag, TagEnd};
use serde::{Deserialize, Serialize};

use crate::application::{Application, Role, Status};
use crate::calendar::CalendarId;
use crate::fields::{DepartmentId, Lines, Problem, text_type};
use crate::mail::Message;
use crate::mentorship::Capacity;
use crate::notify::SIGNATURE;

text_type!(
    /// An announcement's subject line.
    Subject, "the subject", 150, Lines::One);

/// An announcement's text, as written: plain text or Markdown, without
/// raw HTML.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Body(String);

impl Body {
    pub const MAX_CHARS: usize = 10_000;

    pub fn parse(raw: &str) -> Result<Body, Problem> {
        let text = crate::fields::check_text(raw, "the message", Self::MAX_CHARS, Lines::Many)?;
        let html = Parser::new(&text).find_map(|event| match event {
            Event::Html(h) | Event::InlineHtml(h) => Some(h.trim().to_string()),
            _ => None,
        });
        match html {
            Some(tag) => Err(format!(
                "Remove the HTML ({}) from the message: write plain text or Markdown.",
                tag.chars().take(40).collect::<String>()
            )),
            None => Ok(Body(text)),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The message as it arrives: Markdown read out as plain text (a
    /// heading on a line of its own, list items with a dash or number,
    /// a link's address after its words).
    pub fn plain_text(&self) -> String {
        let mut out = String::new();
        let mut links: Vec<String> = Vec::new();
        let mut numbers: Vec<Option<u64>> = Vec::new();
        for event in Parser::new(&self.0) {
            match event {
                Event::Text(t) | Event::Code(t) => out.push_str(&t),
                Event::SoftBreak | Event::HardBreak => out.push('\n'),
                Event::Rule => out.push_str("————\n\n"),
                Event::Start(Tag::Item) => {
                    let depth = numbers.len().saturating_sub(1);
                    out.push_str(&"  ".repeat(depth));
                    match numbers.last_mut() {
                        Some(Some(n)) => {
                            out.push_str(&format!("{n}. "));
                            *n += 1;
                        }
                        _ => out.push_str("- "),
                    }
                }
                Event::Start(Tag::List(first)) => {
                    if !numbers.is_empty() && !out.ends_with('\n') {
                        out.push('\n');
                    }
                    numbers.push(first);
                }
                Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) => {
                    links.push(dest_url.to_string());
                    if out.ends_with(char::is_alphanumeric) {
                        out.push(' ');
                    }
                }
                Event::End(TagEnd::Link | TagEnd::Image) => {
                    if let Some(url) = links.pop() {
                        let shown = url.trim_start_matches("mailto:");
                        if !out.ends_with(shown) {
                            out.push_str(&format!(" ({url})"));
                        }
                    }
                }
                Event::End(TagEnd::List(_)) => {
                    numbers.pop();
                    if numbers.is_empty() {
                        out.push('\n');
                    }
                }
                Event::End(TagEnd::Item) if !out.ends_with('\n') => out.push('\n'),
                Event::End(TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::CodeBlock) => {
                    if numbers.is_empty() {
                        out.push_str("\n\n");
                    } else if !out.ends_with('\n') {
                        out.push('\n');
                    }
                }
                _ => {}
            }
        }
        let lines: Vec<&str> = out.lines().map(str::trim_end).collect();
        let mut text = lines.join("\n");
        while text.contains("\n\n\n") {
            text = text.replace("\n\n\n", "\n\n");
        }
        text.trim().to_string()
    }
}

impl TryFrom<String> for Body {
    type Error = Problem;
    fn try_from(s: String) -> Result<Self, Problem> {
        Body::parse(&s)
    }
}
impl From<Body> for String {
    fn from(v: Body) -> String {
        v.0
    }
}

/// Who an announcement goes to, before any department is applied.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Group {
    /// Everyone whose application is waiting for a decision or approved.
    Everyone,
    /// Approved mentees with no active mentor who are not paused.
    MenteesWithoutMentor,
    /// Approved mentors with room for another mentee who are not paused.
    MentorsWithRoom,
    /// Supervisors (and only them) with an application waiting for them.
    SupervisorsWaiting,
    /// Everyone registered for (or waiting for) one event.
    Registrants,
    /// Everyone whose application joined one match group.
    MatchGroup,
}

impl Group {
    pub const ALL: [Group; 6] = [
        Group::Everyone,
        Group::MenteesWithoutMentor,
        Group::MentorsWithRoom,
        Group::SupervisorsWaiting,
        Group::Registrants,
        Group::MatchGroup,
    ];

    pub fn parse(raw: &str) -> Result<Group, Problem> {
        Group::ALL
            .into_iter()
            .find(|g| g.as_str() == raw.trim())
            .ok_or_else(|| "Choose who the announcement is for.".to_string())
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Group::Everyone => "everyone",
            Group::MenteesWithoutMentor => "mentees_without_mentor",
            Group::MentorsWithRoom => "mentors_with_room",
            Group::SupervisorsWaiting => "supervisors_waiting",
            Group::Registrants => "registrants",
            Group::MatchGroup => "match_group",
        }
    }

    /// Why a person gets it, as the email's footer says: "You get this
    /// because {reason}."
    fn reason(self) -> &'static str {
        match self {
            Group::Everyone => "you have an application with MOments",
            Group::MenteesWithoutMentor => {
                "you are an approved MOments mentee without a mentor yet"
            }
            Group::MentorsWithRoom => "you are an approved MOments mentor with room for a mentee",
            Group::SupervisorsWaiting => {
                "an application to MOments is waiting for your review as supervisor"
            }
            Group::Registrants => "you registered for a MOments event",
            Group::MatchGroup => "your MOments application is in this quarter's match group",
        }
    }
}

/// Who an announcement goes to: a group, within one department if given.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Audience {
    pub group: Group,
    /// Only people whose application is in this department (for
    /// supervisors: applications of this department waiting for them).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub department: Option<DepartmentId>,
    /// The event, for [`Group::Registrants`]; the match group, for
    /// [`Group::MatchGroup`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub of: Option<CalendarId>,
}

impl Audience {
    /// Whether this application's applicant is in the audience (the groups
    /// made of applicants; supervisors and registrants are found otherwise).
    pub fn takes_applicant(&self, app: &Application, capacity: Capacity) -> bool {
        if self
            .department
            .as_ref()
            .is_some_and(|d| *d != app.details.department)
        {
            return false;
        }
        let live = matches!(app.status, Status::Pending | Status::Approved);
        let approved = app.status == Status::Approved;
        match self.group {
            Group::Everyone => live,
            Group::MenteesWithoutMentor => {
                approved && app.role == Role::Mentee && capacity.active == 0 && capacity.available
            }
            Group::MentorsWithRoom => {
                approved && app.role == Role::Mentor && capacity.has_room() && capacity.available
            }
            Group::MatchGroup => live && self.of.is_some() && app.match_group == self.of,
            Group::SupervisorsWaiting | Group::Registrants => false,
        }
    }

    /// The supervisor to reach, for [`Group::SupervisorsWaiting`].
    pub fn takes_supervisor_of(&self, app: &Application) -> bool {
        self.group == Group::SupervisorsWaiting
            && app.status == Status::Pending
            && self
                .department
                .as_ref()
                .is_none_or(|d| *d == app.details.department)
    }
}

/// The furthest ahead an announcement can be scheduled.
pub const MOST_DAYS_AHEAD: i64 = 180;

/// When to send: `YYYY-MM-DDTHH:MM` in program time, in the future and
/// within [`MOST_DAYS_AHEAD`] days.
pub fn send_time(raw: &str, now: Timestamp) -> Result<Timestamp, Problem> {
    let local: jiff::civil::DateTime = raw.trim().parse().map_err(|_| {
        "Give the date and time to send it as YYYY-MM-DDTHH:MM, or leave it empty to send now."
            .to_string()
    })?;
    let at = crate::calendar::program_time_zone()
        .to_ambiguous_timestamp(local)
        .compatible()
        .map_err(|_| "That time does not exist in Central time; choose another.".to_string())?;
    if at <= now {
        return Err("Choose a time in the future, or leave it empty to send now.".into());
    }
    if at > now + jiff::SignedDuration::from_hours(24 * MOST_DAYS_AHEAD) {
        return Err(format!(
            "Choose a time within {MOST_DAYS_AHEAD} days from now."
        ));
    }
    Ok(at)
}

/// Announcements are kept as drafts until sent; the most a single one may
/// reach, so a slip cannot email the whole state twice over.
pub const MOST_RECIPIENTS: usize = 50_000;

/// Where an announcement has got to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// Waiting for its time.
    Scheduled,
    /// Its recipients are being found and its mail queued.
    Queueing,
    /// Queued; the mail queue is sending it at the sending rate.
    Sending,
    /// Cancelled before it was sent.
    Cancelled,
}

/// One announcement as written and scheduled.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Announcement {
    pub id: String,
    pub subject: Subject,
    pub body: Body,
    pub audience: Audience,
    /// In words: "Approved mentees without a mentor, Department of Revenue".
    pub audience_name: String,
    pub written_by: String,
    pub written_at: Timestamp,
    /// When it is sent (the time it was written, when sent at once).
    pub send_at: Timestamp,
    pub stage: Stage,
    /// People found when it was queued, before any opt-out.
    #[serde(default)]
    pub found: usize,
    /// Of those, opted out of announcements when it was queued.
    #[serde(default)]
    pub opted_out: usize,
    /// Messages in the mail queue for it (each person once).
    #[serde(default)]
    pub queued: usize,
    pub version: u64,
}

/// One person's copy: the announcement as it arrives, with why they get it
/// and the link that stops announcements; `one_click` is what a mail
/// client's own "Unsubscribe" posts to.
pub fn message(a: &Announcement, to: &str, stop_link: &str, one_click: &str) -> Message {
    Message {
        to: to.to_string(),
        subject: a.subject.to_string(),
        text: format!(
            "{text}\n\n—\n{SIGNATURE}\n\nYou get this announcement because {reason}. \
             Announcements are news from the program team; mail about your own applications \
             and mentorships is not affected. To stop getting announcements:\n{stop_link}\n",
            text = a.body.plain_text(),
            reason = a.audience.group.reason(),
        ),
        unsubscribe: Some(one_click.to_string()),
    }
}

impl fmt::Display for Group {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Group::Everyone => "Everyone with an application",
            Group::MenteesWithoutMentor => "Approved mentees without a mentor",
            Group::MentorsWithRoom => "Approved mentors with room",
            Group::SupervisorsWaiting => "Supervisors with applications waiting",
            Group::Registrants => "Registered for an event",
            Group::MatchGroup => "A match group's applicants",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn markdown_arrives_as_readable_plain_text() {
        let body = Body::parse(
            "# The window is open\n\nApply by **Friday**: see [how it works](https://moments.mo.gov/how-it-works/).\n\n\
             - one\n- two\n\n1. first\n2. second\n\nPlain https://moments.mo.gov/ link.",
        )
        .expect("valid");
        assert_eq!(
            body.plain_text(),
            "The window is open\n\nApply by Friday: see how it works (https://moments.mo.gov/how-it-works/).\n\n\
             - one\n- two\n\n1. first\n2. second\n\nPlain https://moments.mo.gov/ link."
        );
    }

    #[test]
    fn raw_html_is_refused_and_named() {
        for raw in [
            "Hello <script>alert(1)</script>",
            "<div>block</div>",
            "click <a href=\"x\">here</a>",
        ] {
            let e = Body::parse(raw).expect_err(raw);
            assert!(e.contains("without HTML"), "{e}");
        }
        assert!(Body::parse("I <3 mentoring, and 2 < 3").is_ok());
    }

    #[test]
    fn the_body_has_a_size_limit() {
        let e = Body::parse(&"a".repeat(Body::MAX_CHARS + 1)).expect_err("too long");
        assert!(e.contains("10000"), "{e}");
        assert!(Body::parse("").is_err());
    }

    #[test]
    fn a_send_time_is_central_time_in_the_future() {
        let now: Timestamp = "2026-12-07T12:00:00Z".parse().expect("time");
        let at = send_time("2026-12-08T09:30", now).expect("tomorrow");
        assert_eq!(at.to_string(), "2026-12-08T15:30:00Z");
        assert!(send_time("2026-12-07T05:00", now).is_err(), "past");
        assert!(send_time("2027-12-07T05:00", now).is_err(), "too far");
        assert!(send_time("next tuesday", now).is_err());
    }

    #[test]
    fn groups_parse_from_their_names() {
        for g in Group::ALL {
            assert_eq!(Group::parse(g.as_str()), Ok(g));
        }
        assert!(Group::parse("all").is_err());
    }

    proptest! {
        #[test]
        fn no_angle_bracketed_tag_survives_into_the_text(s in "[a-z <>/=\"\n*#\\[\\]()-]{0,200}") {
            if let Ok(body) = Body::parse(&s) {
                let text = body.plain_text();
                // What was not HTML stays text; what is left has no element
                // a mail client could run.
                prop_assert!(!text.contains("<script"));
            }
        }
    }
}
