//! The program calendar as an iCalendar feed (RFC 5545), `/api/calendar.ics`,
//! that people subscribe to in Outlook or another calendar app.
//!
//! - Each match group gives four all-day entries (its key dates), each event
//!   one timed entry. Times are written in UTC, which every calendar app
//!   reads without a time-zone definition; apps show them in local time.
//! - An entry's UID never changes (its id and the site's host), so an app
//!   updates the entry it has rather than adding another; SEQUENCE goes up
//!   with every change and DTSTAMP is the time of the change, which is how
//!   an app tells a newer copy. A cancelled event stays in the feed with
//!   `STATUS:CANCELLED`, so apps remove it, until it drops off the calendar.
//! - Every URL is absolute: a calendar app has no page to resolve a relative
//!   one against.

use icalendar::{Calendar, Component, EventLike, EventStatus, Property};
use jiff::Timestamp;
use jiff::civil::{Date, Time};

use super::{StoredEvent, StoredGroup, program_instant};

const PRODUCT: &str = "-//MOments//Program calendar//EN";

fn utc(t: Timestamp) -> String {
    t.strftime("%Y%m%dT%H%M%SZ").to_string()
}

fn day(d: Date) -> String {
    d.strftime("%Y%m%d").to_string()
}

/// A date and time of program time, in UTC.
fn program_time(d: Date, t: Time) -> String {
    match program_instant(d, t) {
        Some(at) => utc(at),
        // Out of jiff's range only: far from any real calendar date.
        None => format!("{}T{}", day(d), t.strftime("%H%M%S")),
    }
}

fn host_of(base_url: &str) -> &str {
    base_url
        .split("://")
        .nth(1)
        .unwrap_or(base_url)
        .split(['/', ':'])
        .next()
        .unwrap_or("moments")
}

fn calendar(title: &str) -> Calendar {
    let mut calendar = Calendar::empty();
    calendar
        .append_property(Property::new("VERSION", "2.0"))
        .append_property(Property::new("PRODID", PRODUCT))
        .append_property(Property::new("METHOD", "PUBLISH"))
        .append_property(Property::new("CALSCALE", "GREGORIAN"))
        .append_property(Property::new(
            "X-WR-CALNAME",
            format!("{title} program dates"),
        ))
        .append_property(
            Property::new("REFRESH-INTERVAL", "PT12H")
                .add_parameter("VALUE", "DURATION")
                .done(),
        )
        .append_property(Property::new("X-PUBLISHED-TTL", "PT12H"));
    calendar
}

fn event_entry(stored: &StoredEvent, base_url: &str, title: &str) -> icalendar::Event {
    let e = &stored.event;
    let mut entry = icalendar::Event::new();
    let mut description = e.details.as_str().to_string();
    if let Some(link) = &e.link {
        description.push_str(&format!("\n\nJoin online: {}", link.as_str()));
    }
    description.push_str(&format!("\n\nFor {}.", e.audience.words()));
    entry
        .append_property(Property::new(
            "UID",
            format!("{}@{}", e.id, host_of(base_url)),
        ))
        .append_property(Property::new("DTSTAMP", utc(stored.revision.updated_at)))
        .append_property(Property::new(
            "LAST-MODIFIED",
            utc(stored.revision.updated_at),
        ))
        .append_property(Property::new(
            "DTSTART",
            program_time(e.date, e.start.time()),
        ))
        .append_property(Property::new("DTEND", program_time(e.date, e.end.time())))
        .sequence(u32::try_from(stored.sequence).unwrap_or(u32::MAX))
        .summary(&format!("{title}: {}", e.title))
        .description(&description)
        .url(&format!("{base_url}/calendar/#{}", e.id))
        .status(if e.cancelled {
            EventStatus::Cancelled
        } else {
            EventStatus::Confirmed
        });
    let location = match (&e.place, &e.link) {
        (Some(place), _) => Some(place.as_str()),
        (None, Some(link)) => Some(link.as_str()),
        (None, None) => None,
    };
    if let Some(location) = location {
        entry.location(location);
    }
    entry.done()
}

/// The whole feed. `base_url` is the site's address (`https://…`, no
/// trailing slash); `title` the program's name.
pub fn feed(groups: &[StoredGroup], events: &[StoredEvent], base_url: &str, title: &str) -> String {
    let host = host_of(base_url);
    let page = format!("{base_url}/calendar/");
    let mut calendar = calendar(title);
    for stored in groups {
        let g = &stored.group;
        for (what, date) in g.key_dates() {
            let id = format!("{}-{}", g.id, what.slug());
            let mut entry = icalendar::Event::new();
            entry
                .append_property(Property::new("UID", format!("{id}@{host}")))
                .append_property(Property::new("DTSTAMP", utc(stored.revision.updated_at)))
                .append_property(Property::new(
                    "LAST-MODIFIED",
                    utc(stored.revision.updated_at),
                ))
                .append_property(
                    Property::new("DTSTART", day(date))
                        .add_parameter("VALUE", "DATE")
                        .done(),
                )
                .append_property(Property::new("TRANSP", "TRANSPARENT"))
                .sequence(
                    u32::try_from(stored.revision.version.saturating_sub(1)).unwrap_or(u32::MAX),
                )
                .summary(&format!("{title}: {}", what.title()))
                .description(&format!("{}. {}", g.name, what.details()))
                .url(&format!("{page}#{id}"));
            calendar.push(entry.done());
        }
    }
    for stored in events {
        calendar.push(event_entry(stored, base_url, title));
    }
    calendar.done().to_string()
}

/// One event as a file to open: Outlook and other calendar apps add it in
/// one click, and update it when a newer copy (higher SEQUENCE) is opened.
pub fn invite(stored: &StoredEvent, base_url: &str, title: &str) -> String {
    let mut calendar = calendar(title);
    calendar.push(event_entry(stored, base_url, title));
    calendar.done().to_string()
}

#[cfg(test)]
mod tests {
    use super::super::{Revision, Seed};
    use super::*;

    fn stored() -> (Vec<StoredGroup>, Vec<StoredEvent>) {
        let (groups, events) = Seed::compiled().expect("valid");
        let revision = Revision {
            version: 1,
            updated_at: "2026-12-01T15:00:00Z".parse().expect("valid"),
            updated_by: "admin@mo.gov".into(),
        };
        (
            groups
                .into_iter()
                .map(|group| StoredGroup {
                    group,
                    revision: revision.clone(),
                })
                .collect(),
            events
                .into_iter()
                .map(|event| StoredEvent {
                    event,
                    revision: revision.clone(),
                    sequence: 0,
                    registered: 0,
                    waitlisted: 0,
                })
                .collect(),
        )
    }

    #[test]
    fn the_feed_has_every_date_with_absolute_urls_and_utc_times() {
        let (groups, mut events) = stored();
        events[0].event.cancelled = true;
        events[0].sequence = 2;
        let text = feed(&groups, &events, "https://moments.mo.gov", "MOments");
        assert!(text.starts_with("BEGIN:VCALENDAR\r\n") && text.ends_with("END:VCALENDAR\r\n"));
        assert_eq!(text.matches("PRODID:").count(), 1);
        assert_eq!(text.matches("VERSION:2.0").count(), 1);
        assert!(!text.replace("\r\n", "").contains('\n'));
        for line in text.split("\r\n") {
            assert!(line.len() <= 75, "{line}");
        }
        let unfolded = text.replace("\r\n ", "");
        assert_eq!(
            unfolded.matches("BEGIN:VEVENT").count(),
            groups.len() * 4 + events.len()
        );
        let first = &events[0].event;
        assert!(unfolded.contains(&format!("UID:{}@moments.mo.gov", first.id)));
        assert!(unfolded.contains(&format!(
            "URL:https://moments.mo.gov/calendar/#{}",
            first.id
        )));
        assert!(unfolded.contains("STATUS:CANCELLED") && unfolded.contains("SEQUENCE:2"));
        // 10:00 on 2026-09-22 in Chicago is daylight time: 15:00 UTC; 10:00
        // on 2027-01-12 is standard time: 16:00 UTC.
        assert!(unfolded.contains("DTSTART:20260922T150000Z"), "{unfolded}");
        assert!(unfolded.contains("DTSTART:20270112T160000Z"));
        assert!(unfolded.contains("DTSTART;VALUE=DATE:20270126"));
        assert!(!unfolded.contains("URL:/"));
    }
}
