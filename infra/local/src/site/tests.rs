//! The renderer's tests: scratch sites against Zola's behaviour, and the
//! real site in `site/`.

use std::fs;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::{Site, SiteError};

fn real_site_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../site")
}

fn real_site() -> Site {
    match Site::render(&real_site_dir()) {
        Ok(site) => site,
        Err(e) => panic!("the site does not render: {e}"),
    }
}

fn html(site: &Site, path: &str) -> String {
    let Some((content_type, bytes)) = site.get(path) else {
        panic!("no page at {path}");
    };
    assert_eq!(content_type, "text/html; charset=utf-8", "{path}");
    String::from_utf8_lossy(bytes).into_owned()
}

/// A throwaway site: `files` are (path under the site folder, text).
fn scratch(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = match tempfile::tempdir() {
        Ok(dir) => dir,
        Err(e) => panic!("tempdir: {e}"),
    };
    let mut all = files.to_vec();
    if !files.iter().any(|(path, _)| *path == "config.toml") {
        all.push((
            "config.toml",
            "base_url = \"https://example.gov\"\ntitle = \"T\"\n",
        ));
    }
    for (path, text) in all {
        let path = dir.path().join(path);
        if let Some(parent) = path.parent()
            && let Err(e) = fs::create_dir_all(parent)
        {
            panic!("mkdir: {e}");
        }
        if let Err(e) = fs::write(&path, text) {
            panic!("write {}: {e}", path.display());
        }
    }
    dir
}

fn render_err(dir: &tempfile::TempDir) -> SiteError {
    match Site::render(dir.path()) {
        Ok(_) => panic!("expected the site to fail"),
        Err(e) => e,
    }
}

fn render_ok(dir: &tempfile::TempDir) -> Site {
    match Site::render(dir.path()) {
        Ok(site) => site,
        Err(e) => panic!("render: {e}"),
    }
}

#[derive(Deserialize)]
struct Entry {
    id: String,
    name: String,
}

#[derive(Deserialize)]
struct Catalogue {
    career_skills: Vec<Entry>,
    soft_skills: Vec<Entry>,
    departments: Vec<Entry>,
    working_hours: Vec<Entry>,
}

/// A data file of the real site, e.g. "catalogue.toml".
fn data_file<T: serde::de::DeserializeOwned>(name: &str) -> T {
    let path = real_site_dir().join("data").join(name);
    let text = fs::read_to_string(&path).unwrap_or_default();
    match toml::from_str(&text) {
        Ok(data) => data,
        Err(e) => panic!("{name}: {e}"),
    }
}

fn catalogue() -> Catalogue {
    data_file("catalogue.toml")
}

/// The content pages, beside the application pages.
const CONTENT_PAGES: [&str; 11] = [
    "/how-it-works/",
    "/handbook/",
    "/faq/",
    "/calendar/",
    "/resources/",
    "/resources/mentors/",
    "/resources/mentees/",
    "/resources/training-credits/",
    "/resources/agreement/",
    "/privacy/",
    "/accessibility/",
];

#[test]
fn every_page_is_built_on_the_shared_layout() {
    let site = real_site();
    let application_pages = [
        "/",
        "/apply/",
        "/apply/mentee/",
        "/apply/mentor/",
        "/signin/",
        "/signin/confirm/",
        "/my/applications/",
        "/review/",
        "/404.html",
    ];
    for path in application_pages.iter().chain(&CONTENT_PAGES) {
        let page = html(&site, path);
        assert!(page.starts_with("<!doctype html>"), "{path}");
        assert!(page.contains("<html lang=\"en\">"), "{path}");
        assert!(page.contains("<main id=\"main\""), "{path}");
        assert!(page.contains("To teach, to learn, to connect"), "{path}");
    }
    // /my/ is a folder for the signed-in person's pages, not a page.
    assert!(site.get("/my/").is_none());
}

#[test]
fn urls_resolve_with_or_without_slash_or_index() {
    let site = real_site();
    let canonical = site.get("/apply/mentee/");
    assert!(canonical.is_some());
    assert_eq!(
        site.get("/apply/mentee").map(|p| p.1),
        canonical.map(|p| p.1)
    );
    assert_eq!(
        site.get("/apply/mentee/index.html").map(|p| p.1),
        canonical.map(|p| p.1)
    );
    assert_eq!(
        site.get("/").map(|p| p.1),
        site.get("/index.html").map(|p| p.1)
    );
    assert!(site.get("/nowhere/").is_none());
    assert_eq!(
        site.get("/review/?application=01J").map(|p| p.1),
        site.get("/review/").map(|p| p.1)
    );
    assert!(site.get("/../config.toml").is_none());
}

#[test]
fn stylesheet_scripts_and_static_files_are_served() {
    let site = real_site();
    let css = site.get("/main.css");
    assert_eq!(css.map(|c| c.0), Some("text/css; charset=utf-8"));
    assert!(css.is_some_and(|c| !c.1.is_empty()));
    for script in [
        "/js/api.js",
        "/js/ui.js",
        "/js/apply.js",
        "/js/signin.js",
        "/js/signin-confirm.js",
        "/js/my-applications.js",
        "/js/review.js",
        "/js/mentoring.js",
        "/js/mentors.js",
        "/js/mentor-profile.js",
        "/js/dashboard.js",
        "/js/request.js",
        "/js/mentorship.js",
        "/js/survey.js",
        "/js/skills.js",
        "/js/calendar.js",
        "/js/privacy.js",
    ] {
        assert_eq!(
            site.get(script).map(|s| s.0),
            Some("text/javascript; charset=utf-8"),
            "{script}"
        );
    }
    assert_eq!(site.get("/favicon.svg").map(|s| s.0), Some("image/svg+xml"));
    // Partials are pulled into main.css, never compiled on their own.
    assert!(
        site.paths()
            .all(|p| !p.contains("/_") && !p.starts_with("/parts"))
    );
}

#[test]
fn links_are_root_relative_and_lead_to_pages_that_exist() {
    let site = real_site();
    let pages: Vec<String> = site
        .paths()
        .filter(|p| p.ends_with(".html"))
        .map(str::to_string)
        .collect();
    for page in &pages {
        let text = html(&site, page);
        assert!(
            !text.contains("moments.example.gov"),
            "{page} keeps base_url"
        );
        for attribute in ["href=\"", "src=\""] {
            for piece in text.split(attribute).skip(1) {
                let target = piece.split('"').next().unwrap_or_default();
                if target.starts_with('#') {
                    continue;
                }
                assert!(target.starts_with('/'), "{page}: {attribute}{target}");
                let path = target.split(['?', '#']).next().unwrap_or_default();
                assert!(site.get(path).is_some(), "{page} links to missing {target}");
            }
        }
    }
}

#[test]
fn apply_forms_offer_every_catalogue_skill_department_and_working_hours() {
    let site = real_site();
    let catalogue = catalogue();
    for path in ["/apply/mentee/", "/apply/mentor/"] {
        let page = html(&site, path);
        for skill in catalogue.career_skills.iter().chain(&catalogue.soft_skills) {
            let option = format!("<option value=\"{}\">{}</option>", skill.id, skill.name);
            assert_eq!(page.matches(&option).count(), 6, "{path}: {}", skill.id);
        }
        for department in &catalogue.departments {
            let option = format!(
                "<option value=\"{}\">{}</option>",
                department.id, department.name
            );
            assert!(page.contains(&option), "{path}: {}", department.id);
        }
        for hours in &catalogue.working_hours {
            assert!(
                page.contains(&format!("name=\"working_hours\" value=\"{}\"", hours.id)),
                "{path}: {}",
                hours.id
            );
        }
        assert_eq!(page.matches("name=\"skills\"").count(), 6, "{path}");
        for rank in 1..=6 {
            assert!(
                page.contains(&format!("Rank {rank}")),
                "{path}: rank {rank}"
            );
        }
        assert_eq!(
            page.matches("<optgroup label=\"Career skills\">").count(),
            6
        );
        assert_eq!(page.matches("<optgroup label=\"Soft skills\">").count(), 6);
    }
}

#[test]
fn apply_forms_carry_every_field_of_the_api_body() {
    let site = real_site();
    let common = [
        "first_name",
        "last_name",
        "phone",
        "department",
        "job_title",
        "work_location",
        "supervisor_first_name",
        "supervisor_last_name",
        "supervisor_email",
        "working_hours",
        "bio",
        "skills",
        "full_time",
        "not_at_risk",
        "no_disciplinary_action",
        "agreement",
    ];
    let mentee = html(&site, "/apply/mentee/");
    let mentor = html(&site, "/apply/mentor/");
    for name in common {
        for (role, page) in [("mentee", &mentee), ("mentor", &mentor)] {
            assert!(page.contains(&format!("name=\"{name}\"")), "{role}: {name}");
            assert!(
                page.contains(&format!("data-field=\"{name}\"")),
                "{role}: {name}"
            );
        }
    }
    assert!(mentee.contains("data-role=\"mentee\""));
    assert!(mentee.contains("<textarea class=\"textarea\" id=\"f-goals\" name=\"goals\""));
    assert!(!mentee.contains("name=\"prior_mentees\""));
    assert!(mentor.contains("data-role=\"mentor\""));
    assert!(
        mentor
            .contains("<textarea class=\"textarea\" id=\"f-prior_mentees\" name=\"prior_mentees\"")
    );
    assert!(!mentor.contains("name=\"goals\""));
}

#[test]
fn every_form_control_has_a_label() {
    let site = real_site();
    for page in [
        "/apply/mentee/",
        "/apply/mentor/",
        "/signin/",
        "/my/applications/",
        "/review/",
        "/mentors/",
        "/mentors/profile/",
        "/dashboard/",
        "/requests/",
        "/mentorships/",
        "/survey/",
    ] {
        let text = html(&site, page);
        for tag in ["<input ", "<select ", "<textarea "] {
            for piece in text.split(tag).skip(1) {
                let id = piece
                    .split("id=\"")
                    .nth(1)
                    .and_then(|rest| rest.split('"').next())
                    .unwrap_or_default();
                assert!(!id.is_empty(), "{page}: {tag} without id");
                assert!(
                    text.contains(&format!("for=\"{id}\"")),
                    "{page}: no label for {id}"
                );
            }
        }
    }
}

#[test]
fn scripts_never_insert_markup() {
    let site = real_site();
    for path in site.paths().filter(|p| p.ends_with(".js")) {
        let text = site
            .get(path)
            .map(|(_, b)| String::from_utf8_lossy(b).into_owned())
            .unwrap_or_default();
        for sink in [
            "innerHTML",
            "outerHTML",
            "insertAdjacentHTML",
            "document.write",
        ] {
            assert!(!text.contains(sink), "{path} uses {sink}");
        }
    }
}

/// The pages of finding a mentor and living a mentorship, and the module each runs.
const MENTORING_PAGES: [(&str, &str); 6] = [
    ("/mentors/", "/js/mentors.js"),
    ("/mentors/profile/", "/js/mentor-profile.js"),
    ("/dashboard/", "/js/dashboard.js"),
    ("/requests/", "/js/request.js"),
    ("/mentorships/", "/js/mentorship.js"),
    ("/survey/", "/js/survey.js"),
];

#[test]
fn every_mentoring_page_is_built_and_runs_its_module() {
    let site = real_site();
    for (path, script) in MENTORING_PAGES {
        let page = html(&site, path);
        assert!(page.starts_with("<!doctype html>"), "{path}");
        assert!(page.contains("<main id=\"main\""), "{path}");
        assert!(
            page.contains(&format!("<script type=\"module\" src=\"{script}\">")),
            "{path} runs {script}"
        );
        // Signed out, each one offers the same way back in.
        assert!(page.contains("id=\"signin-needed\""), "{path}");
        assert!(
            page.contains("id=\"page-status\" role=\"status\""),
            "{path}"
        );
        assert!(page.contains("<noscript>"), "{path}");
    }
}

#[test]
fn header_and_footer_lead_to_find_a_mentor_and_the_dashboard() {
    let site = real_site();
    let home = html(&site, "/");
    let header = home.split("</header>").next().unwrap_or_default();
    let footer = home.split("<footer").nth(1).unwrap_or_default();
    for (href, text) in [
        ("/mentors/", "Find a mentor"),
        ("/dashboard/", "My dashboard"),
    ] {
        let link = format!("<a href=\"{href}\">{text}</a>");
        assert!(header.contains(&link), "header: {link}");
        assert!(footer.contains(&link), "footer: {link}");
    }
    assert!(footer.contains("<a href=\"/my/applications/\">My applications</a>"));
    let find = html(&site, "/mentors/");
    assert!(find.contains("<a href=\"/mentors/\" aria-current=\"page\">Find a mentor</a>"));
    let dashboard = html(&site, "/dashboard/");
    assert!(dashboard.contains("<a href=\"/dashboard/\" aria-current=\"page\">My dashboard</a>"));
}

#[test]
fn find_a_mentor_is_a_get_form_with_every_filter_of_the_api() {
    let site = real_site();
    let catalogue = catalogue();
    let page = html(&site, "/mentors/");
    assert!(page.contains("method=\"get\" action=\"/mentors/\""));
    assert!(page.contains("name=\"name\" type=\"search\""));
    assert!(page.contains("<option value=\"\">Any department</option>"));
    for department in &catalogue.departments {
        let option = format!(
            "<option value=\"{}\">{}</option>",
            department.id, department.name
        );
        assert!(page.contains(&option), "{}", department.id);
    }
    assert!(page.contains("name=\"hours\" value=\"\" checked"));
    for hours in &catalogue.working_hours {
        assert!(
            page.contains(&format!("name=\"hours\" value=\"{}\"", hours.id)),
            "{}",
            hours.id
        );
    }
    // Skills: one checkbox each, career skills and soft skills in their own groups.
    let soft_at = page
        .find("<legend class=\"skill-filter__legend\">Soft skills</legend>")
        .unwrap_or_else(|| panic!("no soft skills group"));
    let career_at = page
        .find("<legend class=\"skill-filter__legend\">Career skills</legend>")
        .unwrap_or_else(|| panic!("no career skills group"));
    for (skills, soft) in [
        (&catalogue.career_skills, false),
        (&catalogue.soft_skills, true),
    ] {
        for skill in skills {
            let checkbox = format!(
                "type=\"checkbox\" id=\"f-skill-{0}\" name=\"skills\" value=\"{0}\"",
                skill.id
            );
            let at = page
                .find(&checkbox)
                .unwrap_or_else(|| panic!("no checkbox for {}", skill.id));
            assert_eq!(page.matches(&checkbox).count(), 1, "{}", skill.id);
            assert_eq!(at > soft_at, soft, "{} in the wrong group", skill.id);
            assert!(at > career_at, "{}", skill.id);
        }
    }
    assert_eq!(
        page.matches("name=\"skills\"").count(),
        catalogue.career_skills.len() + catalogue.soft_skills.len()
    );
    assert!(page.contains("id=\"results\"") && page.contains("id=\"pager\""));
}

#[test]
fn mentoring_forms_carry_the_api_field_names() {
    let site = real_site();
    let fields: [(&str, &[&str]); 5] = [
        ("/mentors/profile/", &["message"]),
        ("/dashboard/", &["reason", "available"]),
        ("/requests/", &["reason"]),
        (
            "/mentorships/",
            &[
                "goals",
                "steps",
                "schedule",
                "end_date",
                "off_limits",
                "date",
                "minutes",
                "topic",
                "outcome",
                "reason",
            ],
        ),
        (
            "/survey/",
            &[
                "satisfaction",
                "goals_met",
                "meetings",
                "cadence",
                "would_recommend",
                "went_well",
                "improve",
                "platform_feedback",
            ],
        ),
    ];
    for (path, names) in fields {
        let page = html(&site, path);
        for name in names {
            assert!(page.contains(&format!("name=\"{name}\"")), "{path}: {name}");
            assert!(
                page.contains(&format!("data-field=\"{name}\"")),
                "{path}: {name} has no place for its error"
            );
        }
        assert!(page.contains("class=\"error-summary\""), "{path}");
    }
    let profile = html(&site, "/mentors/profile/");
    assert!(profile.contains(">Select as Mentor</button>"));
    let mentorship = html(&site, "/mentorships/");
    for value in ["completed", "discontinued"] {
        assert!(mentorship.contains(&format!("name=\"outcome\" value=\"{value}\"")));
    }
    assert!(mentorship.contains("id=\"f-end_date\" name=\"end_date\" type=\"date\""));
    assert!(mentorship.contains("id=\"f-date\" name=\"date\" type=\"date\""));
    assert!(mentorship.contains("inputmode=\"numeric\""));
    let survey = html(&site, "/survey/");
    for value in 1..=5 {
        assert!(survey.contains(&format!("name=\"satisfaction\" value=\"{value}\"")));
    }
    for value in ["yes", "partly", "no"] {
        assert!(survey.contains(&format!("name=\"goals_met\" value=\"{value}\"")));
    }
    for value in [
        "weekly",
        "every-two-weeks",
        "monthly",
        "less-often",
        "irregular",
    ] {
        assert!(survey.contains(&format!("name=\"cadence\" value=\"{value}\"")));
    }
    for value in ["true", "false"] {
        assert!(survey.contains(&format!("name=\"would_recommend\" value=\"{value}\"")));
    }
}

#[test]
fn the_mentorship_page_prints_the_agreement_and_explains_training_credit() {
    let site = real_site();
    let page = html(&site, "/mentorships/");
    assert!(page.contains("id=\"print-agreement\""));
    assert!(page.contains("class=\"print-only signatures\""));
    for step in [
        "ESS portal",
        "“My Information”",
        "“My Development”",
        "“View Training Log”",
        "“Add Training”",
        "“Mentorship Meeting”",
    ] {
        assert!(page.contains(step), "training credit step {step}");
    }
    // The program's best practice is on the page, not only in its script.
    assert!(page.contains("about an hour each month") && page.contains("travel or overtime"));
    let css = site
        .get("/main.css")
        .map(|(_, b)| String::from_utf8_lossy(b).into_owned())
        .unwrap_or_default();
    assert!(css.contains("@media print"));
    assert!(css.contains(".printing-agreement .print-section:not(.print-agreement)"));
}

/// The scripts a page loads: its module and, transitively, what it imports.
fn scripts_of(site: &Site, page: &str) -> Vec<String> {
    let mut found: Vec<String> = page
        .split("<script type=\"module\" src=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .map(str::to_string)
        .collect();
    let mut i = 0;
    while i < found.len() {
        let text = site
            .get(&found[i])
            .map(|(_, b)| String::from_utf8_lossy(b).into_owned())
            .unwrap_or_else(|| panic!("missing script {}", found[i]));
        let dir = found[i]
            .rsplit_once('/')
            .map(|(d, _)| d)
            .unwrap_or_default()
            .to_string();
        for rest in text.split("from \"./").skip(1) {
            let name = rest.split('"').next().unwrap_or_default();
            let path = format!("{dir}/{name}");
            if !found.contains(&path) {
                found.push(path);
            }
        }
        i += 1;
    }
    found
}

#[test]
fn every_page_weighs_at_most_100_kb_with_its_css_and_scripts() {
    let site = real_site();
    let size = |path: &str| site.get(path).map_or(0, |(_, b)| b.len());
    let css = size("/main.css");
    for path in site.paths().filter(|p| p.ends_with(".html")) {
        let page = html(&site, path);
        let scripts = scripts_of(&site, &page);
        let total = page.len() + css + scripts.iter().map(|s| size(s)).sum::<usize>();
        assert!(
            total <= 100 * 1024,
            "{path} weighs {total} bytes with {scripts:?}"
        );
    }
    // The mentorship page pulls in the most; make sure its imports were followed.
    let scripts = scripts_of(&site, &html(&site, "/mentorships/"));
    for script in [
        "/js/mentorship.js",
        "/js/api.js",
        "/js/ui.js",
        "/js/mentoring.js",
    ] {
        assert!(
            scripts.iter().any(|s| s == script),
            "{script} in {scripts:?}"
        );
    }
}

#[test]
fn the_footer_reaches_every_content_page() {
    let site = real_site();
    let home = html(&site, "/");
    let footer = home
        .split("<footer")
        .nth(1)
        .unwrap_or_else(|| panic!("no footer"));
    for path in CONTENT_PAGES {
        assert!(
            footer.contains(&format!("href=\"{path}\"")),
            "the footer links to {path}"
        );
    }
}

#[test]
fn the_blank_agreement_has_every_field_and_ruled_space() {
    let site = real_site();
    let agreement = html(&site, "/resources/agreement/");
    for heading in [
        "Goals",
        "Steps toward the goals",
        "Meetings",
        "Confidential",
    ] {
        assert!(agreement.contains(heading), "agreement: {heading}");
    }
    let css = site
        .get("/main.css")
        .map(|(_, b)| String::from_utf8_lossy(b).into_owned())
        .unwrap_or_default();
    assert!(
        css.contains(".write-space"),
        "the blank agreement has ruled space"
    );
}

#[test]
fn every_faq_question_has_its_own_anchor() {
    let site = real_site();
    let faq = html(&site, "/faq/");
    let questions: Vec<&str> = faq
        .split("<h3 id=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .collect();
    assert!(questions.len() >= 32, "{} questions", questions.len());
    let mut unique = questions.clone();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!(unique.len(), questions.len(), "anchors are unique");
    for id in &questions {
        assert!(
            id.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
            "{id}"
        );
    }
}

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

#[test]
fn feeds_render_with_the_template_of_their_name_like_zola() {
    let config = "base_url = \"https://example.gov\"\ngenerate_feeds = true\n\
                  feed_filenames = [\"dates.ics\"]\n";
    let dir = scratch(&[
        ("config.toml", config),
        (
            "templates/dates.ics",
            "{{ feed_url }}|{{ pages | length }}|{{ get_url(path='dates.ics', trailing_slash=true) }}",
        ),
    ]);
    let site = render_ok(&dir);
    assert_eq!(
        site.get("/dates.ics")
            .map(|(t, b)| (t, String::from_utf8_lossy(b).into_owned())),
        // Zola never gives a feed's address a trailing slash.
        Some((
            "text/calendar; charset=utf-8",
            "/dates.ics|0|/dates.ics".to_string()
        ))
    );

    // Without generate_feeds there is no feed, as in Zola.
    let dir = scratch(&[
        (
            "config.toml",
            "base_url = \"https://example.gov\"\nfeed_filenames = [\"dates.ics\"]\n",
        ),
        ("templates/dates.ics", "x"),
    ]);
    assert!(render_ok(&dir).get("/dates.ics").is_none());

    // Zola's built-in atom.xml is not available here: say so.
    let dir = scratch(&[(
        "config.toml",
        "base_url = \"https://example.gov\"\ngenerate_feeds = true\n",
    )]);
    let message = render_err(&dir).to_string();
    assert!(
        message.contains("config.toml") && message.contains("atom.xml"),
        "{message}"
    );
}

#[test]
fn a_missing_template_names_the_content_file_and_template() {
    let dir = scratch(&[
        ("templates/index.html", "home"),
        ("content/_index.md", "+++\ntitle = \"Home\"\n+++\n"),
        (
            "content/about.md",
            "+++\ntitle = \"About\"\ntemplate = \"nope.html\"\n+++\n",
        ),
    ]);
    let error = render_err(&dir);
    assert!(
        matches!(error, SiteError::MissingTemplate { .. }),
        "{error:?}"
    );
    let message = error.to_string();
    assert!(message.contains("content/about.md"), "{message}");
    assert!(message.contains("nope.html"), "{message}");
}

#[test]
fn a_page_without_template_needs_page_html() {
    let dir = scratch(&[("content/about.md", "+++\ntitle = \"About\"\n+++\n")]);
    let message = render_err(&dir).to_string();
    assert!(
        message.contains("content/about.md") && message.contains("page.html"),
        "{message}"
    );
}

#[test]
fn bad_front_matter_names_the_file() {
    let dir = scratch(&[
        ("templates/page.html", "{{ page.title }}"),
        (
            "content/a.md",
            "+++\ntitle = \"A\"\npermalink_style = 1\n+++\n",
        ),
    ]);
    let message = render_err(&dir).to_string();
    assert!(
        message.contains("content/a.md") && message.contains("permalink_style"),
        "{message}"
    );

    let dir = scratch(&[
        ("templates/page.html", ""),
        ("content/b.md", "no front matter\n"),
    ]);
    assert!(render_err(&dir).to_string().contains("content/b.md"));
}

#[test]
fn a_template_that_does_not_parse_is_named() {
    let dir = scratch(&[
        ("templates/page.html", "{% if %}"),
        ("content/a.md", "+++\n+++\n"),
    ]);
    let message = render_err(&dir).to_string();
    assert!(message.contains("page.html"), "{message}");
}

#[test]
fn a_template_error_names_the_content_and_template() {
    let dir = scratch(&[
        ("templates/page.html", "{{ page.nothing_here }}"),
        ("content/a.md", "+++\ntitle = \"A\"\n+++\n"),
    ]);
    let message = render_err(&dir).to_string();
    assert!(
        message.contains("content/a.md") && message.contains("page.html"),
        "{message}"
    );
}

#[test]
fn sections_and_pages_render_like_zola() {
    let dir = scratch(&[
        (
            "templates/index.html",
            "I:{{ section.title }}|{{ current_path | safe }}|{{ section.content | safe }}",
        ),
        (
            "templates/section.html",
            "S:{{ section.path | safe }}|{{ section.extra.colour }}",
        ),
        (
            "templates/page.html",
            "P:{{ page.path | safe }}|{{ page.slug }}|{{ page.content | safe }}",
        ),
        (
            "content/_index.md",
            "+++\ntitle = \"Home\"\n+++\n## How it works\n\n## How it works\n\nSee [the guide](@/guide/First_Steps.md#start).\n\n\
             [up](#how-it-works) [top](#) [file](notes.txt) [web](https://example.gov/a) \
             [mail](mailto:a@example.gov) [root](/x/) [parent](../y/) <b@example.gov>\n",
        ),
        (
            "content/guide/_index.md",
            "+++\ntitle = \"Guide\"\n[extra]\ncolour = \"navy\"\n+++\n",
        ),
        (
            "content/guide/First_Steps.md",
            "+++\ntitle = \"First\"\n+++\n# Start {#start}\n",
        ),
        ("content/hidden/_index.md", "+++\nrender = false\n+++\n"),
        ("content/hidden/inside.md", "+++\ntitle = \"Inside\"\n+++\n"),
        (
            "content/draft.md",
            "+++\ntitle = \"Draft\"\ndraft = true\n+++\n",
        ),
    ]);
    let site = render_ok(&dir);
    let text = |path: &str| {
        site.get(path)
            .map(|(_, b)| String::from_utf8_lossy(b).into_owned())
            .unwrap_or_default()
    };
    let home = text("/");
    assert!(home.starts_with("I:Home|/|"), "{home}");
    assert!(
        home.contains("<h2 id=\"how-it-works\">How it works</h2>"),
        "{home}"
    );
    assert!(
        home.contains("<h2 id=\"how-it-works-1\">How it works</h2>"),
        "{home}"
    );
    assert!(
        home.contains("href=\"/guide/first-steps/#start\""),
        "{home}"
    );
    // Zola's fix_link: anchors and relative links follow the page's permalink.
    for link in [
        "href=\"/#how-it-works\"",
        "href=\"#\"",
        "href=\"/notes.txt\"",
        "href=\"https://example.gov/a\"",
        "href=\"mailto:a@example.gov\"",
        "href=\"/x/\"",
        "href=\"../y/\"",
        "href=\"mailto:b@example.gov\"",
    ] {
        assert!(home.contains(link), "{link} in {home}");
    }
    assert_eq!(text("/guide/"), "S:/guide/|navy");
    assert!(
        text("/guide/first-steps/")
            .starts_with("P:/guide/first-steps/|first-steps|<h1 id=\"start\">")
    );
    assert!(site.get("/hidden/").is_none());
    assert!(site.get("/hidden/inside/").is_some());
    assert!(site.get("/draft/").is_none());
}

#[test]
fn an_internal_link_to_missing_content_is_an_error() {
    let dir = scratch(&[
        ("templates/page.html", "{{ page.content | safe }}"),
        (
            "content/a.md",
            "+++\ntitle = \"A\"\n+++\n[gone](@/gone.md)\n",
        ),
    ]);
    let message = render_err(&dir).to_string();
    assert!(
        message.contains("content/a.md") && message.contains("@/gone.md"),
        "{message}"
    );
}

#[test]
fn get_url_follows_zola() {
    let dir = scratch(&[
        (
            "templates/page.html",
            "{{ get_url(path='main.css') }} {{ get_url(path='/js/a.js') }} \
             {{ get_url(path='dir/') }} {{ get_url(path='dir', trailing_slash=true) }} \
             {{ get_url(path='@/a.md') }} {{ get_url(path='@/_index.md') }} {{ get_url(path='/') }}",
        ),
        ("templates/index.html", ""),
        ("content/_index.md", "+++\n+++\n"),
        ("content/a.md", "+++\n+++\n"),
    ]);
    let site = render_ok(&dir);
    let page = site
        .get("/a/")
        .map(|(_, b)| String::from_utf8_lossy(b).into_owned())
        .unwrap_or_default();
    // As in Zola, `get_url(path="/")` loses its only slash.
    assert_eq!(page, "/main.css /js/a.js /dir /dir/ /a/ / ");

    let dir = scratch(&[
        ("templates/page.html", "{{ get_url(path='@/missing.md') }}"),
        ("content/a.md", "+++\n+++\n"),
    ]);
    assert!(render_err(&dir).to_string().contains("@/missing.md"));
}

#[test]
fn load_data_reads_from_the_site_root_like_zola() {
    let dir = scratch(&[
        (
            "templates/page.html",
            "{% set d = load_data(path='data/x.toml') %}{{ d.items | length }}{{ d.items.0.id }}\
             {% set s = load_data(path='/static-data.json') %}{{ s.n }}\
             {% set none = load_data(path='data/none.toml', required=false) %}{{ none is defined }}",
        ),
        ("content/a.md", "+++\n+++\n"),
        (
            "data/x.toml",
            "items = [{ id = \"one\" }, { id = \"two\" }]\n",
        ),
        ("static/static-data.json", "{\"n\": 7}"),
    ]);
    let site = render_ok(&dir);
    let page = site
        .get("/a/")
        .map(|(_, b)| String::from_utf8_lossy(b).into_owned())
        .unwrap_or_default();
    assert_eq!(page, "2one7true");

    let dir = scratch(&[
        (
            "templates/page.html",
            "{{ load_data(path='../outside.toml') }}",
        ),
        ("content/a.md", "+++\n+++\n"),
    ]);
    assert!(render_err(&dir).to_string().contains("content/a.md"));
}

#[test]
fn sass_compiles_like_zola_and_reports_the_file() {
    let config = "base_url = \"https://example.gov\"\ncompile_sass = true\n";
    let dir = scratch(&[
        ("config.toml", config),
        (
            "sass/site.scss",
            "@use \"parts/colour\";\nbody { color: colour.$ink; }\n",
        ),
        ("sass/parts/_colour.scss", "$ink: #123456;\n"),
        ("sass/_skipped.scss", "p { color: red; }\n"),
        ("sass/_folder/x.scss", "p { color: red; }\n"),
    ]);
    let site = render_ok(&dir);
    let paths: Vec<&str> = site.paths().collect();
    assert_eq!(paths, ["/site.css"]);
    assert_eq!(
        site.get("/site.css")
            .map(|(_, b)| String::from_utf8_lossy(b).into_owned()),
        Some("body{color:#123456}".to_string())
    );

    let dir = scratch(&[
        ("config.toml", config),
        ("sass/broken.scss", "body { color: ; \n"),
    ]);
    let message = render_err(&dir).to_string();
    assert!(message.contains("sass/broken.scss"), "{message}");
}

#[test]
fn two_sources_for_one_url_is_an_error() {
    let dir = scratch(&[
        ("templates/page.html", "page"),
        ("content/a.md", "+++\n+++\n"),
        ("static/a/index.html", "static"),
    ]);
    let message = render_err(&dir).to_string();
    assert!(
        message.contains("/a/index.html") && message.contains("content/a.md"),
        "{message}"
    );
}

#[test]
fn unsupported_zola_settings_are_refused_not_ignored() {
    let dir = scratch(&[
        ("content/a.md", "+++\n+++\n{{ youtube(id=\"x\") }}\n"),
        ("templates/page.html", ""),
    ]);
    assert!(render_err(&dir).to_string().contains("shortcodes"));
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    if let Err(e) = fs::write(
        dir.path().join("config.toml"),
        "base_url = \"x\"\nminify_html = true\n",
    ) {
        panic!("{e}");
    }
    let message = render_err(&dir).to_string();
    assert!(
        message.contains("config.toml") && message.contains("minify_html"),
        "{message}"
    );
}
