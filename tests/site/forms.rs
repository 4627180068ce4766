//! The forms: the API's field names, the catalogue's choices, and a label
//! for every control.

use crate::{catalogue, html, real_site};

#[test]
fn apply_forms_offer_every_catalogue_skill_department_and_working_hours() {
    let site = real_site();
    let catalogue = catalogue();
    for path in ["/apply/mentee/", "/apply/mentor/"] {
        let page = html(&site, path);
        // The seed list is built into the first rank only; the page's
        // script gives every rank the live list (or copies the first's).
        for skill in catalogue.career_skills.iter().chain(&catalogue.soft_skills) {
            let option = format!("<option value=\"{}\">{}</option>", skill.id, skill.name);
            assert_eq!(page.matches(&option).count(), 1, "{path}: {}", skill.id);
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
            1
        );
        assert_eq!(page.matches("<optgroup label=\"Soft skills\">").count(), 1);
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
        "/admin/calendar/",
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
fn the_calendar_forms_carry_the_api_field_names() {
    let site = real_site();
    let page = html(&site, "/admin/calendar/");
    assert!(page.contains("<script type=\"module\" src=\"/js/admin-calendar.js\">"));
    let template = |id: &str| {
        page.split(&format!("<template id=\"{id}\">"))
            .nth(1)
            .and_then(|rest| rest.split("</template>").next())
            .unwrap_or_else(|| panic!("no template {id}"))
            .to_string()
    };
    let group = template("group-form-template");
    for name in [
        "id",
        "name",
        "summary",
        "window_opens",
        "window_closes",
        "approvals_due",
        "matches_on",
    ] {
        assert!(
            group.contains(&format!("data-field=\"{name}\"")),
            "group: {name}"
        );
        assert!(group.contains(&format!("name=\"{name}\"")), "group: {name}");
    }
    let event = template("event-form-template");
    for name in [
        "group",
        "kind",
        "audience",
        "date",
        "start",
        "end",
        "title",
        "details",
        "place",
        "link",
        "capacity",
        "registration_open",
    ] {
        assert!(
            event.contains(&format!("data-field=\"{name}\"")),
            "event: {name}"
        );
        assert!(event.contains(&format!("name=\"{name}\"")), "event: {name}");
    }
    for (value, words) in [
        ("training", "Training"),
        ("office-hours", "Office hours"),
        ("information-session", "Information session"),
        ("everyone", "Everyone"),
        ("mentors", "Mentors"),
        ("mentees", "Mentees"),
        ("mentors-and-mentees", "Mentors and mentees"),
        ("supervisors", "Supervisors"),
    ] {
        assert!(
            event.contains(&format!("<option value=\"{value}\">{words}</option>")),
            "{value}"
        );
    }
    // Program administrators find it from their page.
    let admin = html(&site, "/admin/");
    assert!(admin.contains("<a href=\"/admin/calendar/\">Edit the program calendar</a>"));
}
