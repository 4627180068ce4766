//! The program dates: the seed `data/calendar.toml` well formed (the API
//! writes it into a new installation's table), and the calendar page and
//! the home page built from it, linking to the live calendar file
//! `/api/calendar.ics`. The feed itself is the API's and tested with it.

use jiff::civil::{Date, Time};
use serde::Deserialize;

use crate::{html, real_site};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Seed {
    groups: Vec<Group>,
    events: Vec<SeedEvent>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Group {
    id: String,
    name: String,
    summary: String,
    window_opens: toml::value::Datetime,
    window_closes: toml::value::Datetime,
    approvals_due: toml::value::Datetime,
    matches_on: toml::value::Datetime,
}

impl Group {
    /// The four dates in the order they happen, with the field each is in.
    fn dates(&self) -> [(&'static str, Date); 4] {
        [
            ("window_opens", civil(&self.window_opens)),
            ("window_closes", civil(&self.window_closes)),
            ("approvals_due", civil(&self.approvals_due)),
            ("matches_on", civil(&self.matches_on)),
        ]
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SeedEvent {
    id: String,
    group: Option<String>,
    kind: String,
    audience: String,
    date: toml::value::Datetime,
    start: String,
    end: String,
    title: String,
    details: String,
    place: Option<String>,
    link: Option<String>,
    capacity: Option<u32>,
    registration: Option<bool>,
}

const KINDS: [&str; 3] = ["training", "office-hours", "information-session"];

/// Each audience and how the pages say it.
const AUDIENCES: [(&str, &str); 5] = [
    ("everyone", "Open to everyone"),
    ("mentors", "For mentors"),
    ("mentees", "For mentees"),
    ("mentors-and-mentees", "For mentors and mentees"),
    ("supervisors", "For supervisors"),
];

/// Each of a group's dates, its title on the calendar page and its kind.
const KEY_DATES: [(&str, &str, &str); 4] = [
    ("window_opens", "Application window opens", "window"),
    ("window_closes", "Application window closes", "window"),
    ("approvals_due", "Supervisor approvals due", "deadline"),
    ("matches_on", "Suggested matches sent", "matches"),
];

fn seed() -> Seed {
    crate::data_file("calendar.toml")
}

fn civil(date: &toml::value::Datetime) -> Date {
    match date.to_string().parse() {
        Ok(d) => d,
        Err(e) => panic!("{date} is not a date: {e}"),
    }
}

fn at(id: &str, time: &str) -> Time {
    match Time::strptime("%H:%M", time) {
        Ok(t) => t,
        Err(e) => panic!("{id}: {time}: {e}"),
    }
}

/// "Tuesday, January 12, 2027", as the pages write a date.
fn long(date: Date) -> String {
    date.strftime("%A, %B %-d, %Y").to_string()
}

/// "2:00 p.m.", as the pages write a time.
fn spoken(time: Time) -> String {
    let half = if time.hour() < 12 { "a.m." } else { "p.m." };
    format!("{} {half}", time.strftime("%-I:%M"))
}

fn well_formed_id(id: &str) -> bool {
    !id.is_empty()
        && id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !id.starts_with('-')
        && !id.ends_with('-')
}

#[test]
fn seed_ids_are_well_formed_and_used_once() {
    let seed = seed();
    assert!(!seed.groups.is_empty() && !seed.events.is_empty());
    let mut ids: Vec<&str> = Vec::new();
    for id in seed
        .groups
        .iter()
        .map(|g| g.id.as_str())
        .chain(seed.events.iter().map(|e| e.id.as_str()))
    {
        assert!(
            well_formed_id(id),
            "{id}: lowercase letters, digits and dashes"
        );
        assert!(!ids.contains(&id), "{id}: used twice");
        ids.push(id);
    }
    // A group's dates have anchors of their own on the calendar page
    // ("thirteen-window-opens"): no event may take one of them.
    for g in &seed.groups {
        for (field, _) in g.dates() {
            let anchor = format!("{}-{}", g.id, field.replace('_', "-"));
            assert!(
                !seed.events.iter().any(|e| e.id == anchor),
                "{anchor} is a group's date"
            );
        }
    }
}

#[test]
fn seed_groups_have_their_dates_in_order() {
    let seed = seed();
    let mut previous: Option<Date> = None;
    for g in &seed.groups {
        assert!(
            !g.name.trim().is_empty() && !g.summary.trim().is_empty(),
            "{}",
            g.id
        );
        let [(_, opens), (_, closes), (_, approvals), (_, matches)] = g.dates();
        assert!(opens < closes, "{}: the window closes after it opens", g.id);
        assert!(
            closes <= approvals,
            "{}: approvals are due once the window has closed",
            g.id
        );
        assert!(
            approvals < matches,
            "{}: matches go out after approvals are due",
            g.id
        );
        assert!(
            previous.is_none_or(|p| p < opens),
            "{}: groups are listed in the order they open",
            g.id
        );
        previous = Some(opens);
    }
}

#[test]
fn seed_events_are_in_date_order_with_known_group_kind_and_audience() {
    let seed = seed();
    let mut previous: Option<(Date, Time)> = None;
    for e in &seed.events {
        let (start, end) = (at(&e.id, &e.start), at(&e.id, &e.end));
        let when = (civil(&e.date), start);
        assert!(
            previous.is_none_or(|p| p <= when),
            "{} is out of date order",
            e.id
        );
        previous = Some(when);
        assert!(start < end, "{}: ends after it starts", e.id);
        if let Some(group) = &e.group {
            assert!(
                seed.groups.iter().any(|g| &g.id == group),
                "{}: no group {group}",
                e.id
            );
        }
        assert!(
            KINDS.contains(&e.kind.as_str()),
            "{}: kind {}",
            e.id,
            e.kind
        );
        assert!(
            AUDIENCES.iter().any(|(a, _)| *a == e.audience),
            "{}: audience {}",
            e.id,
            e.audience
        );
        for text in [&e.title, &e.details] {
            assert!(
                !text.trim().is_empty() && !text.contains('\n'),
                "{}: {text:?}",
                e.id
            );
        }
        if let Some(place) = &e.place {
            assert!(!place.trim().is_empty(), "{}: an empty place", e.id);
        }
        if let Some(link) = &e.link {
            assert!(
                link.starts_with("https://") && !link.contains(char::is_whitespace),
                "{}: {link} is not an https address",
                e.id
            );
        }
        assert_ne!(e.capacity, Some(0), "{}: a capacity of no one", e.id);
    }
}

/// The list item with `id` on `page`, up to its end.
fn item<'a>(page: &'a str, id: &str, date: Date) -> &'a str {
    let start = format!("id=\"{id}\" data-date=\"{date}\">");
    let rest = page
        .split(&start)
        .nth(1)
        .unwrap_or_else(|| panic!("{id} ({date}) is not on the calendar page"));
    rest.split("</li>").next().unwrap_or_default()
}

/// What `markup` reads as: its text without the tags.
fn text_of(markup: &str) -> String {
    let mut text = String::new();
    let mut in_tag = false;
    for c in markup.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            _ if !in_tag => text.push(c),
            _ => {}
        }
    }
    text
}

/// The calendar page's section of match group `id`.
fn section<'a>(page: &'a str, id: &str) -> &'a str {
    page.split(&format!("aria-labelledby=\"group-{id}\">"))
        .nth(1)
        .unwrap_or_else(|| panic!("no section for group {id}"))
        .split("</section>")
        .next()
        .unwrap_or_default()
}

#[test]
fn the_calendar_page_shows_every_group_date_and_session_in_its_group_with_its_weekday() {
    let site = real_site();
    let page = html(&site, "/calendar/");
    let seed = seed();
    for g in &seed.groups {
        let section = section(&page, &g.id);
        assert!(section.contains(&format!("<h2 id=\"group-{}\">{}</h2>", g.id, g.name)));
        assert!(section.contains(&g.summary), "{}: summary", g.id);
        // The group's dates and sessions, in the order they happen.
        let mut shown = Vec::new();
        for (field, date) in g.dates() {
            let Some((_, title, kind)) = KEY_DATES.iter().find(|k| k.0 == field) else {
                panic!("{field}");
            };
            let id = format!("{}-{}", g.id, field.replace('_', "-"));
            let text = item(section, &id, date);
            assert!(text.contains(&long(date)), "{id}: {} in {text}", long(date));
            assert!(text.contains(title), "{id}: {title}");
            assert!(
                section.contains(&format!("<li class=\"event event--{kind}\" id=\"{id}\"")),
                "{id}: kind {kind}"
            );
            shown.push((section.find(&format!("id=\"{id}\"")), date));
        }
        for e in seed
            .events
            .iter()
            .filter(|e| e.group.as_ref() == Some(&g.id))
        {
            let date = civil(&e.date);
            let text = item(section, &e.id, date);
            let read = text_of(text);
            let times = format!(
                "{}, {} to {}",
                long(date),
                spoken(at(&e.id, &e.start)),
                spoken(at(&e.id, &e.end))
            );
            assert!(read.contains(&times), "{}: {times} in {read}", e.id);
            assert!(text.contains(&e.title), "{}: title", e.id);
            assert!(
                section.contains(&format!(
                    "<li class=\"event event--{}\" id=\"{}\"",
                    e.kind, e.id
                )),
                "{}: kind",
                e.id
            );
            let Some((_, audience)) = AUDIENCES.iter().find(|(a, _)| *a == e.audience) else {
                panic!("{}: audience", e.id);
            };
            assert!(text.contains(audience), "{}: {audience}", e.id);
            if let Some(place) = &e.place {
                assert!(text.contains(place.as_str()), "{}: {place}", e.id);
            }
            if let Some(link) = &e.link {
                assert!(text.contains(&format!("href=\"{link}\"")), "{}: link", e.id);
            }
            if let Some(capacity) = e.capacity {
                assert!(
                    text.contains(&format!("{capacity} places")),
                    "{}: places",
                    e.id
                );
            }
            assert_eq!(
                text.contains("Registration is open"),
                e.registration == Some(true),
                "{}: registration",
                e.id
            );
            shown.push((section.find(&format!("id=\"{}\"", e.id)), date));
        }
        shown.sort_by_key(|(position, _)| *position);
        assert!(
            shown.windows(2).all(|w| w[0].1 <= w[1].1),
            "{}: the dates are in date order",
            g.id
        );
    }
    // Sessions of no group have a section of their own.
    if seed.events.iter().any(|e| e.group.is_none()) {
        let other = section(&page, "other");
        for e in seed.events.iter().filter(|e| e.group.is_none()) {
            let _ = item(other, &e.id, civil(&e.date));
        }
    }
}

#[test]
fn the_home_page_lists_every_date_hidden_in_date_order() {
    let site = real_site();
    let home = html(&site, "/");
    let list = home
        .split("data-upcoming=\"4\"")
        .nth(1)
        .and_then(|rest| rest.split("</ol>").next())
        .unwrap_or_else(|| panic!("no upcoming list on the home page"));
    let seed = seed();
    let mut expected: Vec<Date> = seed
        .groups
        .iter()
        .flat_map(|g| g.dates().map(|(_, d)| d))
        .chain(seed.events.iter().map(|e| civil(&e.date)))
        .collect();
    expected.sort();
    // Hidden until its script picks the next few, each with its weekday.
    let listed: Vec<&str> = list.split("<li ").skip(1).collect();
    assert_eq!(listed.len(), expected.len(), "every date is listed");
    for (li, date) in listed.iter().zip(&expected) {
        assert!(
            li.contains(&format!("data-date=\"{date}\" hidden>")),
            "{date} in {li}"
        );
        assert!(li.contains(&long(*date)), "{date}: {}", long(*date));
    }
    for g in &seed.groups {
        assert!(
            list.contains(&format!("{}: application window opens", g.name)),
            "{}: the home page says which group a date is of",
            g.id
        );
    }
}

#[test]
fn the_pages_link_to_the_live_calendar_file_and_say_what_they_show_without_scripts() {
    let site = real_site();
    let page = html(&site, "/calendar/");
    assert!(page.contains("href=\"/api/calendar.ics\""));
    // The calendar page adds registration to the live calendar of calendar.js.
    assert!(page.contains("<script type=\"module\" src=\"/js/calendar-register.js\">"));
    let register = site
        .get("/js/calendar-register.js")
        .map(|(_, b)| String::from_utf8_lossy(b).into_owned())
        .unwrap_or_default();
    assert!(register.contains("from \"./calendar.js\""));
    let noscript = page
        .split("<noscript>")
        .nth(1)
        .and_then(|rest| rest.split("</noscript>").next())
        .unwrap_or_else(|| panic!("the calendar page says nothing without scripts"));
    assert!(noscript.contains("published with the site"), "{noscript}");
    assert!(noscript.contains("latest changes"), "{noscript}");
    let home = html(&site, "/");
    assert!(home.contains("<script type=\"module\" src=\"/js/calendar.js\">"));
    // The site builds no feed of its own any more: the API serves it.
    assert!(site.get("/calendar.ics").is_none());
    for path in site.paths().filter(|p| p.ends_with(".html")) {
        assert!(
            !html(&site, path).contains("href=\"/calendar.ics\""),
            "{path} links to the old feed"
        );
    }
}
