//! Registering for the program's events: a place while there is one, the
//! waiting list after that (the first on it takes the next place that
//! frees), attendance marked by the program team afterwards, and the
//! emails that go with each step. Attended events count as training time,
//! like meeting hours.

use jiff::Timestamp;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use super::{CalendarId, Event, program_instant};
use crate::fields::EmailAddress;
use crate::mail::Message;

/// Where someone stands for an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RegistrationStatus {
    /// They have a place.
    Registered,
    /// On the waiting list, in order of registering.
    Waitlisted,
}

impl RegistrationStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            RegistrationStatus::Registered => "registered",
            RegistrationStatus::Waitlisted => "waitlisted",
        }
    }
    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "registered" => Some(RegistrationStatus::Registered),
            "waitlisted" => Some(RegistrationStatus::Waitlisted),
            _ => None,
        }
    }
}

/// One person's registration for one event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Registration {
    pub event: CalendarId,
    pub email: EmailAddress,
    /// As their application gives it; empty for someone who never applied.
    pub name: String,
    pub status: RegistrationStatus,
    pub registered_at: Timestamp,
    /// Marked by the program team after the event started.
    pub attended: Option<bool>,
}

/// Why a registration is refused, in words for the person.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RegistrationRefused {
    #[error("Registration for this event is not open.")]
    Closed,
    #[error("This event was cancelled.")]
    Cancelled,
    #[error("This event has started or is over; registration has closed.")]
    Started,
}

/// Whether someone may register for `event` at `now`.
pub fn may_register(event: &Event, now: Timestamp) -> Result<(), RegistrationRefused> {
    if event.cancelled {
        return Err(RegistrationRefused::Cancelled);
    }
    if !event.registration_open {
        return Err(RegistrationRefused::Closed);
    }
    if starts_at(event) <= now {
        return Err(RegistrationRefused::Started);
    }
    Ok(())
}

/// When an event starts, as an instant.
pub fn starts_at(event: &Event) -> Timestamp {
    program_instant(event.date, event.start.time()).unwrap_or(Timestamp::MIN)
}

/// How long an event lasts, in minutes: the training time it counts for.
pub fn minutes(event: &Event) -> i64 {
    let (s, e) = (event.start.time(), event.end.time());
    i64::from(e.hour()) * 60 + i64::from(e.minute())
        - (i64::from(s.hour()) * 60 + i64::from(s.minute()))
}

/// When the reminder of an event on `date` goes: 9:00 program time the day
/// before.
pub fn reminder_at(date: Date) -> Option<Timestamp> {
    program_instant(
        date.yesterday().ok()?,
        jiff::civil::Time::constant(9, 0, 0, 0),
    )
}

/// "Tuesday, January 12, 2027, 10:00 a.m. to 11:00 a.m. Central time".
pub fn when(event: &Event) -> String {
    let clock = |t: jiff::civil::Time| {
        let h = t.hour();
        let twelve = if h % 12 == 0 { 12 } else { h % 12 };
        let half = if h < 12 { "a.m." } else { "p.m." };
        format!("{twelve}:{:02} {half}", t.minute())
    };
    format!(
        "{}, {} to {} Central time",
        event.date.strftime("%A, %B %-d, %Y"),
        clock(event.start.time()),
        clock(event.end.time())
    )
}

/// Where: the place and the link to join, as lines.
fn place(event: &Event) -> String {
    let mut out = String::new();
    if let Some(p) = &event.place {
        out.push_str(&format!("Where: {p}\n"));
    }
    if let Some(l) = &event.link {
        out.push_str(&format!("Join online: {}\n", l.as_str()));
    }
    out
}

fn invite(event: &Event, base_url: &str) -> String {
    format!("{base_url}/api/calendar/events/{}/invite.ics", event.id)
}

fn hello(name: &str) -> String {
    match name.split(' ').next().filter(|n| !n.is_empty()) {
        Some(first) => format!("Hello {first},"),
        None => "Hello,".into(),
    }
}

/// The confirmation of a place, with the invitation to add it to a calendar.
pub fn registered(to: &Registration, event: &Event, base_url: &str) -> Message {
    Message {
        to: to.email.to_string(),
        subject: format!("You have a place: {}", event.title),
        text: format!(
            "{}\n\nYou have a place at {}.\n\nWhen: {}\n{}\nAdd it to your calendar (Outlook and other calendar apps open this file and add the event):\n{}\n\n\
             We will remind you the day before. If you cannot come, cancel your place on your dashboard so someone on the waiting list can have it:\n{base_url}/dashboard/\n\n{}\n",
            hello(&to.name),
            event.title,
            when(event),
            place(event),
            invite(event, base_url),
            crate::notify::SIGNATURE,
        ),
        unsubscribe: None,
    }
}

/// On the waiting list, with their place in it.
pub fn waitlisted(to: &Registration, event: &Event, position: usize, base_url: &str) -> Message {
    Message {
        to: to.email.to_string(),
        subject: format!("You are on the waiting list: {}", event.title),
        text: format!(
            "{}\n\n{} ({}) is full, so you are on its waiting list, number {position}. If a place frees up, it goes to the first person on the list and we email you at once.\n\n\
             You can leave the waiting list on your dashboard:\n{base_url}/dashboard/\n\n{}\n",
            hello(&to.name),
            event.title,
            when(event),
            crate::notify::SIGNATURE,
        ),
        unsubscribe: None,
    }
}

/// A place freed and went to them.
pub fn promoted(to: &Registration, event: &Event, base_url: &str) -> Message {
    Message {
        to: to.email.to_string(),
        subject: format!("A place opened for you: {}", event.title),
        text: format!(
            "{}\n\nA place has opened, and you were first on the waiting list: you now have a place at {}.\n\nWhen: {}\n{}\nAdd it to your calendar:\n{}\n\n\
             If you cannot come after all, cancel on your dashboard so the next person can have it:\n{base_url}/dashboard/\n\n{}\n",
            hello(&to.name),
            event.title,
            when(event),
            place(event),
            invite(event, base_url),
            crate::notify::SIGNATURE,
        ),
        unsubscribe: None,
    }
}

/// The program team changed the event's time or place.
pub fn changed(to: &Registration, event: &Event, base_url: &str) -> Message {
    let standing = match to.status {
        RegistrationStatus::Registered => "Your place stands.",
        RegistrationStatus::Waitlisted => "You stay on the waiting list.",
    };
    Message {
        to: to.email.to_string(),
        subject: format!("Changed: {}", event.title),
        text: format!(
            "{}\n\nThe program team changed {}, which you registered for. {standing}\n\nNow: {}\n{}\n\
             Open this file to update the event in your calendar:\n{}\n\nIf the new time does not suit you, cancel on your dashboard:\n{base_url}/dashboard/\n\n{}\n",
            hello(&to.name),
            event.title,
            when(event),
            place(event),
            invite(event, base_url),
            crate::notify::SIGNATURE,
        ),
        unsubscribe: None,
    }
}

/// The program team cancelled the event.
pub fn called_off(to: &Registration, event: &Event, base_url: &str) -> Message {
    Message {
        to: to.email.to_string(),
        subject: format!("Cancelled: {}", event.title),
        text: format!(
            "{}\n\nThe program team cancelled {} ({}), which you registered for. We are sorry for the change of plans.\n\n\
             Open this file to take it out of your calendar:\n{}\n\nOther trainings and sessions are on the program calendar:\n{base_url}/calendar/\n\n{}\n",
            hello(&to.name),
            event.title,
            when(event),
            invite(event, base_url),
            crate::notify::SIGNATURE,
        ),
        unsubscribe: None,
    }
}

/// The day before.
pub fn reminder(to: &Registration, event: &Event, base_url: &str) -> Message {
    Message {
        to: to.email.to_string(),
        subject: format!("Tomorrow: {}", event.title),
        text: format!(
            "{}\n\nA reminder that you have a place at {} tomorrow.\n\nWhen: {}\n{}\n\
             If you cannot come, cancel on your dashboard so someone on the waiting list can have your place:\n{base_url}/dashboard/\n\n{}\n",
            hello(&to.name),
            event.title,
            when(event),
            place(event),
            crate::notify::SIGNATURE,
        ),
        unsubscribe: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::Seed;

    fn training() -> Event {
        let (_, events) = Seed::compiled().expect("seed");
        events
            .into_iter()
            .find(|e| e.id.as_str() == "g13-training-1")
            .expect("g13-training-1")
    }

    #[test]
    fn words_times_and_minutes_of_an_event() {
        let e = training();
        assert_eq!(
            when(&e),
            "Tuesday, January 12, 2027, 10:00 a.m. to 11:00 a.m. Central time"
        );
        assert_eq!(minutes(&e), 60);
        // 9:00 Central standard time the day before is 15:00 UTC.
        assert_eq!(
            reminder_at(e.date).map(|t| t.to_string()),
            Some("2027-01-11T15:00:00Z".to_string())
        );
    }

    #[test]
    fn registration_needs_an_open_event_that_has_not_started() {
        let mut e = training();
        let before = "2027-01-12T15:59:00Z".parse().expect("time");
        let after = "2027-01-12T16:00:00Z".parse().expect("time");
        assert_eq!(may_register(&e, before), Err(RegistrationRefused::Closed));
        e.registration_open = true;
        assert_eq!(may_register(&e, before), Ok(()));
        assert_eq!(may_register(&e, after), Err(RegistrationRefused::Started));
        e.cancelled = true;
        assert_eq!(
            may_register(&e, before),
            Err(RegistrationRefused::Cancelled)
        );
    }
}
