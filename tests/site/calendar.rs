//! The program dates: `data/calendar.toml` in order, on the calendar page
//! and the home page, and in the `/calendar.ics` feed as valid iCalendar.

use serde::Deserialize;

use crate::{Entry, data_file, html, real_site};

#[derive(Deserialize)]
struct CalendarData {
    updated: toml::value::Datetime,
    groups: Vec<Entry>,
    events: Vec<CalendarEvent>,
}

#[derive(Deserialize)]
struct CalendarEvent {
    id: String,
    group: String,
    kind: String,
    date: toml::value::Datetime,
    start: Option<String>,
    end: Option<String>,
    title: String,
    details: String,
}

fn calendar() -> CalendarData {
    data_file("calendar.toml")
}

fn civil(date: &toml::value::Datetime) -> jiff::civil::Date {
    match date.to_string().parse() {
        Ok(d) => d,
        Err(e) => panic!("{date} is not a date: {e}"),
    }
}

#[test]
fn calendar_data_is_in_date_order_with_known_groups_and_kinds() {
    let calendar = calendar();
    assert!(!calendar.events.is_empty());
    let _ = civil(&calendar.updated);
    let mut ids = Vec::new();
    let mut previous = None;
    for e in &calendar.events {
        let date = civil(&e.date);
        assert!(
            previous.is_none_or(|p| p <= date),
            "{} is out of date order",
            e.id
        );
        previous = Some(date);
        assert!(
            !e.id.is_empty()
                && e.id
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
            "{}: id",
            e.id
        );
        assert!(!ids.contains(&e.id), "{}: id used twice", e.id);
        ids.push(e.id.clone());
        assert!(
            calendar.groups.iter().any(|g| g.id == e.group),
            "{}: group {}",
            e.id,
            e.group
        );
        assert!(
            ["window", "training", "office-hours", "deadline", "matches"]
                .contains(&e.kind.as_str()),
            "{}: kind {}",
            e.id,
            e.kind
        );
        // The feed needs plain ASCII text on one line.
        for text in [&e.title, &e.details] {
            assert!(text.is_ascii() && !text.contains('\n'), "{}: {text}", e.id);
        }
        match (&e.start, &e.end) {
            (None, None) => {}
            (Some(start), Some(end)) => {
                let at = |t: &str| match jiff::civil::Time::strptime("%H:%M", t) {
                    Ok(t) => t,
                    Err(err) => panic!("{}: {t}: {err}", e.id),
                };
                assert!(at(start) < at(end), "{}: starts after it ends", e.id);
            }
            _ => panic!("{}: a start needs an end, and the other way round", e.id),
        }
    }
}

#[test]
fn the_calendar_page_and_home_show_every_date_with_its_weekday() {
    let site = real_site();
    let page = html(&site, "/calendar/");
    let home = html(&site, "/");
    assert!(page.contains("href=\"/calendar.ics\""));
    for e in calendar().events {
        let date = civil(&e.date);
        let long = date.strftime("%A, %B %-d, %Y").to_string();
        let item = format!("id=\"{}\" data-date=\"{date}\"", e.id);
        let shown = page
            .split(&item)
            .nth(1)
            .unwrap_or_else(|| panic!("{} is not on the calendar page", e.id));
        let shown = shown.split("</li>").next().unwrap_or_default();
        assert!(shown.contains(&long), "{}: {long} in {shown}", e.id);
        assert!(shown.contains(&e.title), "{}", e.id);
        if let Some(start) = &e.start {
            let Ok(at) = jiff::civil::Time::strptime("%H:%M", start) else {
                panic!("{}: start {start}", e.id);
            };
            let half = if at.hour() < 12 { "a.m." } else { "p.m." };
            let time = format!("{} {half}", at.strftime("%-I:%M"));
            assert!(shown.contains(&time), "{}: {time}", e.id);
        }
        // Home lists every date, hidden until its script picks the next few.
        assert!(
            home.contains(&format!("data-date=\"{date}\" hidden>")),
            "{} on the home page",
            e.id
        );
    }
}

/// The feed's content lines, unfolded (RFC 5545, 3.1).
fn unfold(text: &str) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for line in text.split("\r\n") {
        match line.strip_prefix(' ') {
            Some(rest) => {
                if let Some(last) = lines.last_mut() {
                    last.push_str(rest);
                }
            }
            None => lines.push(line.to_string()),
        }
    }
    lines
}

#[test]
fn the_calendar_feed_is_valid_icalendar_with_every_event() {
    let site = real_site();
    let Some((content_type, bytes)) = site.get("/calendar.ics") else {
        panic!("no /calendar.ics");
    };
    assert_eq!(content_type, "text/calendar; charset=utf-8");
    let text = String::from_utf8_lossy(bytes).into_owned();
    assert!(text.is_ascii());
    // Every line ends with CRLF, and none is longer than 75 octets.
    assert!(text.ends_with("\r\n"));
    assert!(!text.replace("\r\n", "").contains('\n'), "a bare LF");
    assert!(!text.replace("\r\n", "").contains('\r'), "a bare CR");
    for line in text.split("\r\n") {
        assert!(line.len() <= 75, "{} octets: {line}", line.len());
    }
    let lines = unfold(text.trim_end_matches("\r\n"));
    assert_eq!(lines.first().map(String::as_str), Some("BEGIN:VCALENDAR"));
    assert_eq!(lines.last().map(String::as_str), Some("END:VCALENDAR"));
    for required in ["VERSION:2.0", "PRODID:-//MOments//Program dates//EN"] {
        assert!(lines.iter().any(|l| l == required), "{required}");
    }
    assert!(lines.iter().any(|l| l == "TZID:America/Chicago"));

    let calendar = calendar();
    let stamp = format!(
        "DTSTAMP:{}T000000Z",
        civil(&calendar.updated).strftime("%Y%m%d")
    );
    let events: Vec<&[String]> = lines
        .split(|l| l == "BEGIN:VEVENT")
        .skip(1)
        .map(|rest| {
            let end = rest.iter().position(|l| l == "END:VEVENT");
            &rest[..end.unwrap_or_else(|| panic!("an event without END:VEVENT"))]
        })
        .collect();
    assert_eq!(events.len(), calendar.events.len());
    for (event, e) in events.iter().zip(&calendar.events) {
        let has = |line: &str| event.iter().any(|l| l == line);
        assert!(has(&format!("UID:{}@moments.mo.gov", e.id)), "{}", e.id);
        assert!(has(&stamp), "{}: {stamp}", e.id);
        assert!(has(&format!("SUMMARY:MOments: {}", e.title)), "{}", e.id);
        assert!(
            has(&format!("URL:/calendar/#{}", e.id)),
            "{}: link to the page",
            e.id
        );
        let day = civil(&e.date).strftime("%Y%m%d").to_string();
        match (&e.start, &e.end) {
            (Some(start), Some(end)) => {
                let at = |t: &str| format!("{day}T{}00", t.replace(':', ""));
                assert!(has(&format!("DTSTART;TZID=America/Chicago:{}", at(start))));
                assert!(has(&format!("DTEND;TZID=America/Chicago:{}", at(end))));
            }
            _ => {
                // A whole day: a DATE and no end (RFC 5545, 3.6.1).
                assert!(has(&format!("DTSTART;VALUE=DATE:{day}")), "{}", e.id);
                assert!(!event.iter().any(|l| l.starts_with("DTEND")), "{}", e.id);
            }
        }
        // TEXT values escape commas and semicolons (3.3.11).
        let description = event
            .iter()
            .find_map(|l| l.strip_prefix("DESCRIPTION:"))
            .unwrap_or_else(|| panic!("{}: no DESCRIPTION", e.id));
        assert_eq!(
            description
                .replace("\\,", ",")
                .replace("\\;", ";")
                .replace("\\\\", "\\"),
            format!(
                "{}. {}",
                calendar
                    .groups
                    .iter()
                    .find(|g| g.id == e.group)
                    .map(|g| g.name.as_str())
                    .unwrap_or_default(),
                e.details
            )
        );
    }
}
