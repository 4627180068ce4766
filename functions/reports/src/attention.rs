//! "Needs attention": what has waited too long, for the administrators who
//! can act on it. Applications waiting for a decision, requests nobody
//! answered and surveys not answered, in the caller's departments (all of
//! them for program administrators); quiet pairs and events filling up,
//! for program administrators. Each is a count with its list, the longest
//! waiting first.

use std::collections::HashMap;

use axum::Json;
use axum::extract::State;
use futures_util::future::try_join_all;
use jiff::{SignedDuration, Timestamp};
use moments_adapters::deps::Deps;
use moments_adapters::http::views::Named;
use moments_adapters::http::{ApiError, Caller};
use moments_adapters::store::{OpenSurvey, SURVEY_OPEN_LISTED};
use moments_domain::application::Role;
use moments_domain::attention::{
    APPLICATION_DAYS, MOST_SHOWN, REQUEST_DAYS, SURVEY_DAYS, days_waiting, filling_up,
};
use moments_domain::calendar::program_today;
use moments_domain::departments::StoredDepartments;
use moments_domain::fields::DepartmentId;
use moments_domain::mentorship::{Mentorship, MentorshipId, RequestStatus};
use moments_domain::reports::Scope;
use serde::Serialize;

use crate::check_ins::still_quiet_pairs;
use crate::scope;

/// An application waiting for its supervisor's decision.
#[derive(Serialize, utoipa::ToSchema)]
pub struct WaitingApplication {
    id: String,
    /// `mentee` or `mentor`.
    role: &'static str,
    name: String,
    email: String,
    department: Named,
    supervisor_name: String,
    supervisor_email: String,
    submitted_at: String,
    days: i64,
}

/// A request the mentor has not answered.
#[derive(Serialize, utoipa::ToSchema)]
pub struct UnansweredRequest {
    id: String,
    mentee_email: String,
    mentor_email: String,
    mentee_department: Named,
    mentor_department: Named,
    sent_at: String,
    days: i64,
}

/// A survey not answered since the mentorship ended.
#[derive(Serialize, utoipa::ToSchema)]
pub struct UnansweredSurvey {
    mentorship: String,
    /// Whose survey: `mentee` or `mentor`.
    role: &'static str,
    email: String,
    partner_email: String,
    ended_at: String,
    days: i64,
}

/// An upcoming event, open for registration, filling up.
#[derive(Serialize, utoipa::ToSchema)]
pub struct FillingEvent {
    id: String,
    title: String,
    /// `YYYY-MM-DD`.
    date: String,
    capacity: Option<u32>,
    registered: u32,
    waitlisted: u32,
}

/// One kind of thing waiting: how many, after how long, and the longest
/// waiting (at most a hundred).
#[derive(Serialize, utoipa::ToSchema)]
pub struct Waiting<T> {
    count: usize,
    /// Listed once waiting this many days.
    after_days: i64,
    items: Vec<T>,
}

/// Pairs gone quiet (the list is `GET /api/admin/check-ins`).
#[derive(Serialize, utoipa::ToSchema)]
pub struct QuietCount {
    count: usize,
    /// Of them, those who answered "we need help".
    need_help: usize,
}

/// Events filling up.
#[derive(Serialize, utoipa::ToSchema)]
pub struct FillingEvents {
    count: usize,
    items: Vec<FillingEvent>,
}

/// What needs the caller's attention.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Attention {
    applications: Waiting<WaitingApplication>,
    requests: Waiting<UnansweredRequest>,
    surveys: Waiting<UnansweredSurvey>,
    /// Program administrators only; null for department administrators.
    quiet_pairs: Option<QuietCount>,
    /// Program administrators only; null for department administrators.
    events: Option<FillingEvents>,
}

fn waiting<T>(mut all: Vec<(i64, T)>, after_days: i64) -> Waiting<T> {
    all.sort_by_key(|(days, _)| std::cmp::Reverse(*days));
    Waiting {
        count: all.len(),
        after_days,
        items: all.into_iter().take(MOST_SHOWN).map(|(_, t)| t).collect(),
    }
}

/// `GET /api/admin/attention`.
#[utoipa::path(get, path = "/api/admin/attention", operation_id = "needs_attention", tag = "reports",
    security(("session" = [])),
    responses(
        (status = 200, description = "What has waited too long", body = Attention),
        (status = 403, description = "Neither a program nor a department administrator"),
    ))]
#[tracing::instrument(skip_all)]
pub async fn attention(
    State(deps): State<Deps>,
    Caller(actor): Caller,
) -> Result<Json<Attention>, ApiError> {
    let scope = scope(&actor)?;
    let now = deps.now();
    let program = scope == Scope::Program;
    let list = deps.store.departments().await?;
    let (applications, requests, surveys) = tokio::try_join!(
        waiting_applications(&deps, &scope, &list, now),
        unanswered_requests(&deps, &scope, &list, now),
        unanswered_surveys(&deps, &scope, now),
    )?;
    let (quiet_pairs, events) = if program {
        let pairs = still_quiet_pairs(&deps).await?;
        let today = program_today(now);
        let (_, upcoming) = deps.store.calendar_from(today).await?;
        let mut filling: Vec<FillingEvent> = upcoming
            .iter()
            .filter(|e| filling_up(e, today))
            .map(|e| FillingEvent {
                id: e.event.id.to_string(),
                title: e.event.title.to_string(),
                date: e.event.date.to_string(),
                capacity: e.event.capacity,
                registered: e.registered,
                waitlisted: e.waitlisted,
            })
            .collect();
        filling.sort_by(|a, b| a.date.cmp(&b.date));
        (
            Some(QuietCount {
                count: pairs.len(),
                need_help: pairs.iter().filter(|p| p.answer.is_some()).count(),
            }),
            Some(FillingEvents {
                count: filling.len(),
                items: filling,
            }),
        )
    } else {
        (None, None)
    };
    Ok(Json(Attention {
        applications,
        requests,
        surveys,
        quiet_pairs,
        events,
    }))
}

/// The departments the caller looks after: for the program, every one,
/// retired ones too (their applications still wait).
fn departments(scope: &Scope, list: &StoredDepartments) -> Vec<DepartmentId> {
    match scope {
        Scope::Program => list.all(),
        Scope::Departments(mine) => mine.clone(),
    }
}

async fn waiting_applications(
    deps: &Deps,
    scope: &Scope,
    list: &StoredDepartments,
    now: Timestamp,
) -> Result<Waiting<WaitingApplication>, ApiError> {
    let per_department = try_join_all(
        departments(scope, list)
            .iter()
            .map(|d| deps.store.pending_in_department(d)),
    )
    .await?;
    let all = per_department
        .into_iter()
        .flatten()
        .filter_map(|app| {
            let days = days_waiting(app.submitted_at, now);
            let d = &app.details;
            (days >= APPLICATION_DAYS).then(|| {
                (
                    days,
                    WaitingApplication {
                        id: app.id.to_string(),
                        role: app.role.as_str(),
                        name: d.full_name(),
                        email: app.applicant.to_string(),
                        department: list.entry(&d.department),
                        supervisor_name: d.supervisor.full_name(),
                        supervisor_email: d.supervisor.email.to_string(),
                        submitted_at: app.submitted_at.to_string(),
                        days,
                    },
                )
            })
        })
        .collect();
    Ok(waiting(all, APPLICATION_DAYS))
}

/// Requests close by themselves after 14 days; three weeks back finds
/// every one still waiting, with room for a late closing job.
const REQUESTS_LOOK_BACK: SignedDuration = SignedDuration::from_hours(21 * 24);

async fn unanswered_requests(
    deps: &Deps,
    scope: &Scope,
    list: &StoredDepartments,
    now: Timestamp,
) -> Result<Waiting<UnansweredRequest>, ApiError> {
    let sent = deps
        .store
        .requests_sent_since(now - REQUESTS_LOOK_BACK, now)
        .await?;
    let all = sent
        .into_iter()
        .filter(|r| {
            r.status == RequestStatus::Pending
                && (scope.covers(&r.counted.mentee_department)
                    || scope.covers(&r.counted.mentor_department))
        })
        .filter_map(|r| {
            let days = days_waiting(r.created_at, now);
            (days >= REQUEST_DAYS).then(|| {
                (
                    days,
                    UnansweredRequest {
                        id: r.id.to_string(),
                        mentee_email: r.mentee.to_string(),
                        mentor_email: r.mentor.to_string(),
                        mentee_department: list.entry(&r.counted.mentee_department),
                        mentor_department: list.entry(&r.counted.mentor_department),
                        sent_at: r.created_at.to_string(),
                        days,
                    },
                )
            })
        })
        .collect();
    Ok(waiting(all, REQUEST_DAYS))
}

async fn unanswered_surveys(
    deps: &Deps,
    scope: &Scope,
    now: Timestamp,
) -> Result<Waiting<UnansweredSurvey>, ApiError> {
    let mut open: Vec<OpenSurvey> = deps
        .store
        .open_surveys_since(now - SURVEY_OPEN_LISTED)
        .await?
        .into_iter()
        .filter(|s| {
            days_waiting(s.ended_at, now) >= SURVEY_DAYS
                && (scope.covers(&s.mentee_department) || scope.covers(&s.mentor_department))
        })
        .collect();
    let count = open.len();
    // The longest open first (they are read in the order the pairs
    // ended); only the mentorships shown are read, for their people.
    open.truncate(MOST_SHOWN);
    // Each mentorship once, though both its sides' surveys may be open.
    let mut ids: Vec<&MentorshipId> = open.iter().map(|s| &s.mentorship).collect();
    ids.sort();
    ids.dedup();
    let read = try_join_all(ids.iter().map(|id| deps.store.mentorship(id))).await?;
    let pairs: HashMap<MentorshipId, Mentorship> = read
        .into_iter()
        .flatten()
        .map(|r| (r.mentorship.id.clone(), r.mentorship))
        .collect();
    let items = open
        .iter()
        .filter_map(|s| {
            let m = pairs.get(&s.mentorship)?;
            let (email, partner) = match s.role {
                Role::Mentee => (&m.mentee, &m.mentor),
                Role::Mentor => (&m.mentor, &m.mentee),
            };
            Some(UnansweredSurvey {
                mentorship: m.id.to_string(),
                role: s.role.as_str(),
                email: email.to_string(),
                partner_email: partner.to_string(),
                ended_at: s.ended_at.to_string(),
                days: days_waiting(s.ended_at, now),
            })
        })
        .collect();
    Ok(Waiting {
        count,
        after_days: SURVEY_DAYS,
        items,
    })
}
