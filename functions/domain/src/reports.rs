//! What administrators may see of the program as a whole, and the tables
//! they can export. Program administrators see everything; a department
//! administrator sees the records of their departments' people, without the
//! words people wrote to each other or about their mentorship.

use std::collections::HashMap;

use crate::access::Actor;
use crate::application::{Application, ApplicationId, Role};
use crate::calendar::CalendarId;
use crate::catalogue::Lists;
use crate::departments::StoredDepartments;
use crate::fields::DepartmentId;
use crate::mentorship::{Meeting, Mentorship};
use crate::metrics::Quarter;
use crate::survey::{Cadence, GoalsMet, SurveyResponse};

/// The slice of the program a reader may see.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    Program,
    Departments(Vec<DepartmentId>),
}

impl Scope {
    /// Program administrators see the program; department administrators
    /// their departments; nobody else sees reports.
    pub fn of(actor: &Actor) -> Option<Scope> {
        if actor.program_admin {
            Some(Scope::Program)
        } else if actor.departments.is_empty() {
            None
        } else {
            Some(Scope::Departments(actor.departments.clone()))
        }
    }

    pub fn covers(&self, department: &DepartmentId) -> bool {
        match self {
            Scope::Program => true,
            Scope::Departments(mine) => mine.contains(department),
        }
    }

    fn covers_pair(&self, m: &Mentorship) -> bool {
        self.covers(&m.counted.mentee_department) || self.covers(&m.counted.mentor_department)
    }
}

/// An export: a header and rows of text cells, in the header's order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    pub header: Vec<&'static str>,
    pub rows: Vec<Vec<String>>,
}

/// Applications by id, to put names beside the records that refer to them.
pub type People<'a> = HashMap<&'a ApplicationId, &'a Application>;

fn day(t: jiff::Timestamp) -> String {
    jiff::tz::TimeZone::UTC.to_datetime(t).date().to_string()
}

fn hours(minutes: u32) -> String {
    format!("{:.2}", f64::from(minutes) / 60.0)
}

/// A record's match group, empty when it joined none.
fn group(id: &Option<CalendarId>) -> String {
    id.as_ref().map(ToString::to_string).unwrap_or_default()
}

fn name_of(people: &People<'_>, id: &ApplicationId) -> String {
    people
        .get(id)
        .map(|a| a.details.full_name())
        .unwrap_or_default()
}

/// Every application in scope, one row each; skills by their names in `lists`.
pub fn applications(apps: &[Application], scope: &Scope, lists: &Lists) -> Table {
    let header = vec![
        "application_id",
        "role",
        "status",
        "quarter",
        "match_group",
        "submitted_on",
        "decided_on",
        "decided_by",
        "decided_for_supervisor",
        "first_name",
        "last_name",
        "email",
        "phone",
        "department",
        "division",
        "job_title",
        "work_location",
        "working_hours",
        "mentorship_kind",
        "supervisor_name",
        "supervisor_email",
        "skills_ranked",
        "goals",
        "earlier_mentees",
    ];
    let rows = apps
        .iter()
        .filter(|a| scope.covers(&a.details.department))
        .map(|a| {
            let d = &a.details;
            let decision = a.decision.as_ref();
            vec![
                a.id.to_string(),
                a.role.to_string(),
                a.status.as_str().to_string(),
                Quarter::of(a.submitted_at).to_string(),
                group(&a.match_group),
                day(a.submitted_at),
                decision.map(|d| day(d.decided_at)).unwrap_or_default(),
                decision
                    .map(|d| d.decided_by.to_string())
                    .unwrap_or_default(),
                decision
                    .and_then(|d| d.on_behalf_of.as_ref())
                    .map(ToString::to_string)
                    .unwrap_or_default(),
                d.first_name.to_string(),
                d.last_name.to_string(),
                a.applicant.to_string(),
                d.phone
                    .as_ref()
                    .map(|p| p.as_str().to_string())
                    .unwrap_or_default(),
                lists.departments.name(&d.department),
                d.division
                    .as_ref()
                    .map(|v| lists.departments.division_name(&d.department, v))
                    .unwrap_or_default(),
                d.job_title.to_string(),
                d.work_location.to_string(),
                d.working_hours.name().to_string(),
                d.mentorship_kind
                    .map(|k| k.id().to_string())
                    .unwrap_or_default(),
                d.supervisor.full_name(),
                d.supervisor.email.to_string(),
                d.skills
                    .skills(&lists.skills)
                    .iter()
                    .map(|s| s.name.as_str())
                    .collect::<Vec<_>>()
                    .join("; "),
                d.goals
                    .as_ref()
                    .map(ToString::to_string)
                    .unwrap_or_default(),
                if a.role == Role::Mentor {
                    d.prior_mentees.len().to_string()
                } else {
                    String::new()
                },
            ]
        })
        .collect();
    Table { header, rows }
}

/// A mentorship with the totals kept beside it.
pub struct PairTotals<'a> {
    pub mentorship: &'a Mentorship,
    pub meetings: u32,
    pub minutes: u32,
}

/// Every mentorship with a side in scope. Why a pair ended is for the
/// program team only.
pub fn mentorships(
    pairs: &[PairTotals<'_>],
    people: &People<'_>,
    scope: &Scope,
    departments: &StoredDepartments,
) -> Table {
    let program = *scope == Scope::Program;
    let mut header = vec![
        "mentorship_id",
        "quarter",
        "match_group",
        "status",
        "started_on",
        "ended_on",
        "mentee_name",
        "mentee_email",
        "mentee_department",
        "mentor_name",
        "mentor_email",
        "mentor_department",
        "meetings",
        "hours",
        "agreement_confirmed",
        "kind",
        "goals_set",
        "goals_met",
    ];
    if program {
        header.push("end_reason");
    }
    let rows = pairs
        .iter()
        .filter(|p| scope.covers_pair(p.mentorship))
        .map(|p| {
            let m = p.mentorship;
            let confirmed = m
                .agreement
                .as_ref()
                .is_some_and(|a| a.confirmed_by_mentee && a.confirmed_by_mentor);
            // How the goals stood when the pair ended, or stand now.
            let goals = m
                .counted
                .goals
                .or_else(|| m.agreement.as_ref().map(|a| a.goal_tally()));
            let mut row = vec![
                m.id.to_string(),
                Quarter::of(m.started_at).to_string(),
                group(&m.counted.match_group),
                m.status.as_str().to_string(),
                day(m.started_at),
                m.ended.as_ref().map(|e| day(e.at)).unwrap_or_default(),
                name_of(people, &m.mentee_application),
                m.mentee.to_string(),
                departments.name(&m.counted.mentee_department),
                name_of(people, &m.mentor_application),
                m.mentor.to_string(),
                departments.name(&m.counted.mentor_department),
                p.meetings.to_string(),
                hours(p.minutes),
                if confirmed { "yes" } else { "no" }.to_string(),
                m.counted
                    .kind
                    .map(|k| k.id().to_string())
                    .unwrap_or_default(),
                goals.map(|g| g.set.to_string()).unwrap_or_default(),
                goals.map(|g| g.met.to_string()).unwrap_or_default(),
            ];
            if program {
                row.push(
                    m.ended
                        .as_ref()
                        .map(|e| e.reason.to_string())
                        .unwrap_or_default(),
                );
            }
            row
        })
        .collect();
    Table { header, rows }
}

/// Logged meetings, for training credit: one row per meeting and person,
/// since each enters their own hours in the state training portal. What a
/// pair talked about stays with the pair. An entry the other side disputes
/// is kept and marked, so whoever grants the credit can ask.
pub fn meetings(
    logged: &[(&Mentorship, &Meeting)],
    people: &People<'_>,
    scope: &Scope,
    departments: &StoredDepartments,
) -> Table {
    let header = vec![
        "date",
        "name",
        "email",
        "department",
        "role",
        "minutes",
        "hours",
        "training_title",
        "mentorship_id",
        "quarter",
        "match_group",
        "disputed",
    ];
    let mut rows = Vec::new();
    for (m, meeting) in logged {
        let sides = [
            (
                Role::Mentee,
                &m.mentee_application,
                &m.mentee,
                &m.counted.mentee_department,
            ),
            (
                Role::Mentor,
                &m.mentor_application,
                &m.mentor,
                &m.counted.mentor_department,
            ),
        ];
        for (role, app, email, department) in sides {
            if !scope.covers(department) {
                continue;
            }
            rows.push(vec![
                meeting.date.to_string(),
                name_of(people, app),
                email.to_string(),
                departments.name(department),
                role.to_string(),
                meeting.minutes.to_string(),
                hours(meeting.minutes),
                "Mentorship Meeting".to_string(),
                m.id.to_string(),
                Quarter::of(m.started_at).to_string(),
                group(&m.counted.match_group),
                if meeting.disputed.is_some() {
                    "yes"
                } else {
                    "no"
                }
                .to_string(),
            ]);
        }
    }
    Table { header, rows }
}

fn goals(g: GoalsMet) -> &'static str {
    match g {
        GoalsMet::Yes => "yes",
        GoalsMet::Partly => "partly",
        GoalsMet::No => "no",
    }
}

fn cadence(c: Cadence) -> &'static str {
    match c {
        Cadence::Weekly => "weekly",
        Cadence::EveryTwoWeeks => "every two weeks",
        Cadence::Monthly => "monthly",
        Cadence::LessOften => "less often",
        Cadence::Irregular => "irregular",
    }
}

/// Survey answers of respondents in scope. Department administrators get
/// the ratings only: no names, and no comments, which can name people.
pub fn surveys(
    answers: &[(&Mentorship, &SurveyResponse)],
    scope: &Scope,
    departments: &StoredDepartments,
) -> Table {
    let program = *scope == Scope::Program;
    let mut header = vec![
        "quarter",
        "match_group",
        "version",
        "department",
        "submitted_on",
        "satisfaction",
        "goals_met",
        "meetings",
        "cadence",
        "would_recommend",
    ];
    if program {
        header.extend([
            "respondent_email",
            "mentorship_id",
            "went_well",
            "improve",
            "platform_feedback",
        ]);
    }
    let text = |t: &Option<crate::fields::LongText>| {
        t.as_ref().map(ToString::to_string).unwrap_or_default()
    };
    let rows = answers
        .iter()
        .filter_map(|(m, r)| {
            let department = match r.version {
                Role::Mentee => &m.counted.mentee_department,
                Role::Mentor => &m.counted.mentor_department,
            };
            if !scope.covers(department) {
                return None;
            }
            let a = &r.answers;
            let mut row = vec![
                Quarter::of(m.started_at).to_string(),
                group(&m.counted.match_group),
                r.version.to_string(),
                departments.name(department),
                day(r.submitted_at),
                a.satisfaction.to_string(),
                goals(a.goals_met).to_string(),
                a.meetings.to_string(),
                cadence(a.cadence).to_string(),
                if a.would_recommend { "yes" } else { "no" }.to_string(),
            ];
            if program {
                row.extend([
                    r.respondent.to_string(),
                    m.id.to_string(),
                    text(&a.went_well),
                    text(&a.improve),
                    text(&a.platform_feedback),
                ]);
            }
            Some(row)
        })
        .collect();
    Table { header, rows }
}
