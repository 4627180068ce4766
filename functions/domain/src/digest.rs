//! The Monday digest: one email per supervisor with their direct reports'
//! applications awaiting a decision, and one per department administrator
//! for their departments. "New" means submitted in the past week.

use jiff::{SignedDuration, Timestamp};

use crate::application::Application;
use crate::departments::StoredDepartments;
use crate::fields::DepartmentId;
use crate::mail::Message;

/// Applications younger than this are listed as new.
pub const NEW_WITHIN: SignedDuration = SignedDuration::from_hours(7 * 24);

/// The week a digest belongs to (ISO 8601, in UTC: Monday 7:00 in
/// America/Chicago is Monday midday in UTC, so the week is the same, and a
/// retried run later that day stays in it).
pub fn week_of(now: Timestamp) -> String {
    let date = jiff::tz::TimeZone::UTC.to_datetime(now).date();
    let week = date.iso_week_date();
    format!("{}-W{:02}", week.year(), week.week())
}

fn lines(
    apps: &[&Application],
    departments: &StoredDepartments,
    now: Timestamp,
    base_url: &str,
) -> String {
    let (new, old): (Vec<&&Application>, Vec<&&Application>) = apps
        .iter()
        .partition(|a| now.duration_since(a.submitted_at) < NEW_WITHIN);
    let mut out = String::new();
    for (title, group) in [("New this week", new), ("Still waiting", old)] {
        if group.is_empty() {
            continue;
        }
        out.push_str(&format!("{title}:\n"));
        for a in group {
            let d = &a.details;
            out.push_str(&format!(
                "- {} ({}, {}), {} application, submitted {}\n  {base_url}/review/?application={}\n",
                d.full_name(),
                d.job_title,
                departments.workplace(&d.department, &d.division),
                a.role,
                jiff::tz::TimeZone::UTC.to_datetime(a.submitted_at).date(),
                a.id,
            ));
        }
        out.push('\n');
    }
    out
}

/// To a supervisor: their direct reports' applications awaiting a decision.
pub fn supervisor_digest(
    to: &str,
    apps: &[&Application],
    departments: &StoredDepartments,
    now: Timestamp,
    base_url: &str,
) -> Message {
    let n = apps.len();
    Message {
        to: to.to_string(),
        subject: format!(
            "MOments: {n} application{} waiting for your review",
            if n == 1 { "" } else { "s" }
        ),
        text: format!(
            "Good morning,\n\nThese members of your team applied to MOments, the statewide employee mentoring \
             program, and are waiting for your decision. Please confirm each is eligible — full-time, not rated \
             at risk in their most recent ENGAGE evaluation, not on a performance improvement plan or other \
             disciplinary action — and approve or deny:\n\n{}All of them: {base_url}/review/\n\n\
             MOments — to teach, to learn, to connect.\n",
            lines(apps, departments, now, base_url)
        ),
        unsubscribe: None,
    }
}

/// To a department administrator: their departments' applications awaiting a decision.
pub fn admin_digest(
    to: &str,
    by_department: &[(DepartmentId, Vec<&Application>)],
    departments: &StoredDepartments,
    now: Timestamp,
    base_url: &str,
) -> Message {
    let n: usize = by_department.iter().map(|(_, a)| a.len()).sum();
    let mut body = String::new();
    for (dept, apps) in by_department {
        body.push_str(&format!(
            "{}\n\n{}",
            departments.name(dept),
            lines(apps, departments, now, base_url)
        ));
    }
    Message {
        to: to.to_string(),
        subject: format!(
            "MOments: {n} application{} waiting in your department",
            if n == 1 { "" } else { "s" }
        ),
        text: format!(
            "Good morning,\n\nAs a MOments administrator you can decide on applications when a supervisor is on \
             extended leave; otherwise their supervisor will. These are waiting for a decision:\n\n{body}\
             Your review page: {base_url}/review/\n\nMOments — to teach, to learn, to connect.\n"
        ),
        unsubscribe: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weeks_are_iso_weeks() {
        let monday = "2026-11-23T13:00:00Z".parse::<Timestamp>().expect("time");
        let sunday = "2026-11-29T23:59:59Z".parse::<Timestamp>().expect("time");
        assert_eq!(week_of(monday), "2026-W48");
        assert_eq!(week_of(sunday), "2026-W48");
        let new_year = "2027-01-01T12:00:00Z".parse::<Timestamp>().expect("time");
        assert_eq!(week_of(new_year), "2026-W53");
    }
}
