//! Every page: the shared layout, addresses, static files, links, scripts,
//! navigation, weight, and the content pages' own promises.

use moments_local::site::Site;

use crate::{html, real_site};

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
        "/js/calendar-register.js",
        "/js/registration.js",
        "/js/admin-calendar.js",
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
                // The API's own files (the calendar file) are served beside the site.
                if path.starts_with("/api/") {
                    continue;
                }
                assert!(site.get(path).is_some(), "{page} links to missing {target}");
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

#[test]
fn the_dashboard_explains_how_to_record_trainings_attended_as_credit() {
    let site = real_site();
    let page = html(&site, "/dashboard/");
    let section = page
        .split("id=\"trainings-section\"")
        .nth(1)
        .and_then(|rest| rest.split("</section>").next())
        .unwrap_or_else(|| panic!("the dashboard has no trainings section"));
    // The same portal steps as for mentorship meetings, with the training's title.
    for step in [
        "ESS portal",
        "“My Information”",
        "“My Development”",
        "“View Training Log”",
        "“Add Training”",
        "training’s title",
    ] {
        assert!(section.contains(step), "training credit step {step}");
    }
    // With no registrations, it points to the calendar where people register.
    assert!(section.contains("href=\"/calendar/\""));
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
