//! The `mentorships` function: mentor search and profiles, "Select as
//! Mentor" requests and their answers, mentor availability, and the life of
//! a mentorship (agreement, meetings, ending).

use moments_adapters::deps::Deps;
use moments_adapters::http::ApiError;
use moments_adapters::store::{MentorshipRecord, RequestSides, StoreError};
use moments_domain::application::{Application, ApplicationId, Role};
use moments_domain::audit::AuditEntry;
use moments_domain::checkin::{DEFAULT_QUIET_WEEKS, utc_date};
use moments_domain::fields::EmailAddress;
use moments_domain::mentorship::{Mentorship, MentorshipId, MentorshipRefused};
use moments_domain::reminders::{connect_job, quiet_job, survey_job};

mod care;
mod check_ins;
mod meetings;
mod next_meeting;
mod pairs;
mod requests;
pub mod search;
mod taking_part;

moments_adapters::http_api! {
    search::search;
    search::profile;
    search::suggestions;
    search::availability, search::set_availability;
    requests::list, requests::create;
    requests::read;
    requests::accept;
    requests::decline;
    requests::withdraw;
    requests::undo_withdraw;
    pairs::list;
    pairs::read;
    pairs::save_agreement;
    pairs::confirm_agreement;
    pairs::mark_goal;
    meetings::log_meeting;
    meetings::dispute;
    next_meeting::read, next_meeting::propose;
    next_meeting::accept;
    next_meeting::cancel;
    next_meeting::log;
    next_meeting::invitation;
    pairs::end;
    pairs::undo_end;
    check_ins::read, check_ins::answer;
    care::create;
    care::end;
    care::repair;
    care::revoke;
    care::left_service;
    taking_part::pause;
    taking_part::withdraw;
}

/// How often a write that lost a race is re-read and tried again before the
/// caller is asked to retry. Each lost race means another change committed,
/// and a request or mentorship sees only a handful of those.
const ATTEMPTS: usize = 8;

/// Read, decide and write until a write lands on what it read. `attempt`
/// answers `None` when its write lost the race to another change; it is
/// then made again from a fresh read, at most [`ATTEMPTS`] times, after
/// which the caller is asked to try again. (A plain closure returning a
/// future, not an async closure: handlers' futures must be `Send`.)
async fn until_written<T, Attempt>(mut attempt: impl FnMut() -> Attempt) -> Result<T, ApiError>
where
    Attempt: Future<Output = Result<Option<T>, ApiError>>,
{
    for _ in 0..ATTEMPTS {
        if let Some(done) = attempt().await? {
            return Ok(done);
        }
    }
    Err(ApiError::Conflict(
        "Many people are changing this at the same moment. Please try again.".into(),
    ))
}

/// Whether a conditional write landed (`false`: another change got there
/// first and nothing was written).
fn landed(write: Result<(), StoreError>) -> Result<bool, StoreError> {
    match write {
        Ok(()) => Ok(true),
        Err(StoreError::Changed) => Ok(false),
        Err(e) => Err(e),
    }
}

/// End mentorship `id` from a fresh read, retrying a lost race: `decide`
/// makes the ended record from the one read (or says why not), `entry`
/// audits it, and its nudge to connect is cancelled. Answers the record as
/// read, the mentorship as ended and both sides, for the view and the emails.
async fn end_mentorship(
    deps: &Deps,
    id: &MentorshipId,
    decide: impl Fn(&Mentorship) -> Result<Mentorship, MentorshipRefused> + Sync,
    entry: &AuditEntry,
) -> Result<(MentorshipRecord, Mentorship, RequestSides), ApiError> {
    let decide = &decide;
    let ended = until_written(|| async move {
        let before = deps
            .store
            .mentorship(id)
            .await?
            .ok_or(ApiError::NotFound("mentorship"))?;
        let m = &before.mentorship;
        let after = decide(m)?;
        let both = sides(deps, &m.mentee_application, &m.mentor_application).await?;
        let write = deps.store.end_mentorship(m, &after, &both, entry).await;
        Ok(landed(write)?.then_some((before, after, both)))
    })
    .await?;
    after_end(deps, &ended.1).await;
    Ok(ended)
}

/// The weeks without a meeting before a pair gets a check-in, as the
/// program has set them (the default if they cannot be read just now:
/// the check reads them again when it runs).
async fn quiet_weeks(deps: &Deps) -> u8 {
    match deps.store.program_settings().await {
        Ok(stored) => stored.settings.quiet_weeks,
        Err(e) => {
            tracing::error!(error = %e, "program settings not read; default quiet weeks");
            DEFAULT_QUIET_WEEKS
        }
    }
}

/// A pair has just started: the nudge to connect after 48 hours and the
/// first check on whether it has gone quiet.
async fn schedule_start(deps: &Deps, m: &Mentorship) {
    let (job, at) = connect_job(m);
    deps.schedule_job(&job, at).await;
    let (job, at) = quiet_job(&m.id, utc_date(m.started_at), quiet_weeks(deps).await);
    deps.schedule_job(&job, at).await;
}

/// A pair has just ended: its nudge goes (its quiet check, when it runs,
/// finds it ended), and the survey is asked for once more in a week of
/// whoever has not answered it.
async fn after_end(deps: &Deps, ended: &Mentorship) {
    deps.cancel(&connect_job(ended).0.name()).await;
    if let Some((job, at)) = survey_job(ended) {
        deps.schedule_job(&job, at).await;
    }
}

/// An application that must exist (it is referred to by a request or mentorship).
async fn application(
    deps: &Deps,
    id: &ApplicationId,
) -> Result<(Application, moments_domain::mentorship::Capacity), ApiError> {
    deps.store
        .application_with_capacity(id)
        .await?
        .ok_or_else(|| {
            ApiError::Internal(format!("application {id} referred to but missing").into())
        })
}

/// Both sides of a request or mentorship, freshly read.
async fn sides(
    deps: &Deps,
    mentee: &ApplicationId,
    mentor: &ApplicationId,
) -> Result<RequestSides, ApiError> {
    let (mentee, mentee_capacity) = application(deps, mentee).await?;
    let (mentor, mentor_capacity) = application(deps, mentor).await?;
    Ok(RequestSides {
        mentee,
        mentee_capacity,
        mentor,
        mentor_capacity,
    })
}

/// The caller's application for a role, with its capacity.
async fn own(
    deps: &Deps,
    email: &EmailAddress,
    role: Role,
) -> Result<Option<(Application, moments_domain::mentorship::Capacity)>, ApiError> {
    match deps.store.application_for_role(email, role).await? {
        Some(app) => Ok(deps.store.application_with_capacity(&app.id).await?),
        None => Ok(None),
    }
}

fn entry(
    actor: &EmailAddress,
    at: jiff::Timestamp,
    action: moments_domain::audit::Action,
) -> moments_domain::audit::AuditEntry {
    moments_domain::audit::AuditEntry {
        at,
        actor: actor.clone(),
        action,
        on_behalf_of: None,
        note: None,
    }
}
