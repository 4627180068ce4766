//! A pair's answer to a check-in (see `moments_domain::checkin`): one
//! answer, from either side, with one click from the email.

use axum::Json;
use axum::extract::State;
use moments_adapters::deps::Deps;
use moments_adapters::http::{ApiError, Caller, Form, Path};
use moments_adapters::store::{MentorshipRecord, RequestSides, StoreError};
use moments_domain::application::Role;
use moments_domain::audit::Action;
use moments_domain::checkin::{CheckIn, CheckInAnswer, CheckInRefused};
use moments_domain::fields::{EmailAddress, LongText};
use moments_domain::form::{FormReader, Text};
use moments_domain::mentorship::{MentorshipRefused, MentorshipStatus};
use moments_domain::notify;
use serde::{Deserialize, Serialize};

use crate::pairs::{load, tell_ended};
use crate::{end_mentorship, entry, sides};

/// A check-in as either side of the pair sees it.
#[derive(Serialize, utoipa::ToSchema)]
pub struct CheckInView {
    mentorship: String,
    /// The other side's name.
    partner: String,
    /// The pair's last meeting (or match, or "we're meeting" answer) before
    /// the check-in: `YYYY-MM-DD`.
    since: String,
    sent_at: String,
    /// `meeting`, `need_help` or `finished`; null until answered.
    answer: Option<String>,
    /// The answer in words.
    answer_label: Option<String>,
    /// `you` or `partner`; null until answered.
    answered_by: Option<String>,
    answered_at: Option<String>,
    /// Whether the mentorship is still active.
    active: bool,
}

/// An answer to a check-in.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct CheckInForm {
    /// `meeting` (we're meeting, just not logging it), `need_help` or
    /// `finished` (ends the mentorship as completed).
    #[schema(value_type = String)]
    answer: Text,
}

const NOT_FOUND: ApiError = ApiError::NotFound("check-in");

/// The mentorship (the caller must be in it), the caller's role, and the
/// check-in named by its date.
async fn found(
    deps: &Deps,
    actor: &EmailAddress,
    id: &str,
    since: &str,
) -> Result<(MentorshipRecord, Role, CheckIn), ApiError> {
    let record = load(deps, actor, id).await?;
    let role = record
        .mentorship
        .role_of(actor)
        .ok_or(MentorshipRefused::NotInIt)?;
    let since = since.parse().map_err(|_| NOT_FOUND)?;
    let check = deps
        .store
        .check_in(&record.mentorship.id, since)
        .await?
        .ok_or(NOT_FOUND)?;
    Ok((record, role, check))
}

/// Both applications of the pair, read once for the view and the emails.
async fn both_of(deps: &Deps, record: &MentorshipRecord) -> Result<RequestSides, ApiError> {
    let m = &record.mentorship;
    sides(deps, &m.mentee_application, &m.mentor_application).await
}

fn view(
    record: &MentorshipRecord,
    both: &RequestSides,
    role: Role,
    check: &CheckIn,
) -> CheckInView {
    let m = &record.mentorship;
    let partner = match role {
        Role::Mentee => &both.mentor,
        Role::Mentor => &both.mentee,
    };
    let answered = check.answered.as_ref();
    CheckInView {
        mentorship: m.id.to_string(),
        partner: partner.details.full_name(),
        since: check.since.to_string(),
        sent_at: check.sent_at.to_string(),
        answer: answered.map(|a| a.answer.as_str().into()),
        answer_label: answered.map(|a| a.answer.label().into()),
        answered_by: answered.map(|a| if a.by == role { "you" } else { "partner" }.into()),
        answered_at: answered.map(|a| a.at.to_string()),
        active: m.status == MentorshipStatus::Active,
    }
}

/// `GET /api/mentorships/{id}/check-ins/{since}`: the check-in, for the pair.
#[utoipa::path(get, path = "/api/mentorships/{id}/check-ins/{since}", operation_id = "read_check_in", tag = "mentorships",
    security(("session" = [])),
    params(
        ("id" = String, Path, description = "Mentorship id"),
        ("since" = String, Path, description = "The date the check-in is named by, YYYY-MM-DD"),
    ),
    responses(
        (status = 200, description = "The check-in", body = CheckInView),
        (status = 403, description = "Not one of its two people"),
        (status = 404, description = "No such mentorship or check-in"),
    ))]
#[tracing::instrument(skip_all)]
pub async fn read(
    State(deps): State<Deps>,
    Caller(actor): Caller,
    Path((id, since)): Path<(String, String)>,
) -> Result<Json<CheckInView>, ApiError> {
    let (record, role, check) = found(&deps, &actor.email, &id, &since).await?;
    let both = both_of(&deps, &record).await?;
    Ok(Json(view(&record, &both, role, &check)))
}

/// `POST /api/mentorships/{id}/check-ins/{since}`: answer it, once for
/// the pair. "We need help" tells the program team; "we've finished" ends
/// the mentorship as completed (both are told, with the survey).
#[utoipa::path(post, path = "/api/mentorships/{id}/check-ins/{since}", operation_id = "answer_check_in", tag = "mentorships",
    request_body = CheckInForm, security(("session" = [])),
    params(
        ("id" = String, Path, description = "Mentorship id"),
        ("since" = String, Path, description = "The date the check-in is named by, YYYY-MM-DD"),
    ),
    responses(
        (status = 200, description = "Answered", body = CheckInView),
        (status = 403, description = "Not one of its two people"),
        (status = 404, description = "No such mentorship or check-in"),
        (status = 409, description = "Already answered, or the mentorship has ended"),
        (status = 422, description = "Fields need attention"),
    ))]
#[tracing::instrument(skip_all)]
pub async fn answer(
    State(deps): State<Deps>,
    Caller(actor): Caller,
    Path((id, since)): Path<(String, String)>,
    Form(body): Form<CheckInForm>,
) -> Result<Json<CheckInView>, ApiError> {
    let mut f = FormReader::new();
    let answer = f.parsed("answer", &body.answer, CheckInAnswer::parse);
    let answer = f.finish(answer)?;
    let (record, role, check) = found(&deps, &actor.email, &id, &since).await?;
    let now = deps.now();
    let answered = check.answer(answer, role, now).map_err(refused)?;
    if record.mentorship.status != MentorshipStatus::Active {
        return Err(MentorshipRefused::Ended.into());
    }
    match deps.store.answer_check_in(&answered).await {
        Ok(()) => {}
        // The other side answered at the same moment.
        Err(StoreError::Changed) => {
            let again = deps.store.check_in(&check.mentorship, check.since).await?;
            let label = again
                .and_then(|c| c.answered)
                .map_or("just now", |a| a.answer.label());
            return Err(refused(CheckInRefused::AlreadyAnswered(label)));
        }
        Err(e) => return Err(e.into()),
    }
    let mut record = record;
    let mut both = both_of(&deps, &record).await?;
    match answer {
        CheckInAnswer::Meeting => {}
        CheckInAnswer::NeedHelp => tell_team(&deps, &both, role, &check).await?,
        CheckInAnswer::Finished => {
            let reason = LongText::parse("We've finished (answered at the check-in).")
                .map_err(|e| ApiError::Internal(e.into()))?;
            let caller = &actor.email;
            let (_, after, ended) = end_mentorship(
                &deps,
                &record.mentorship.id,
                |m| m.end(caller, MentorshipStatus::Completed, reason.clone(), now),
                &entry(caller, now, Action::MentorshipEnded),
            )
            .await?;
            tell_ended(&deps, &after, &ended).await;
            record.mentorship = after;
            both = ended;
        }
    }
    Ok(Json(view(&record, &both, role, &answered)))
}

fn refused(r: CheckInRefused) -> ApiError {
    ApiError::Conflict(r.to_string())
}

/// "We need help": the program team's address hears of it (every program
/// administrator, until the team has set one).
async fn tell_team(
    deps: &Deps,
    both: &RequestSides,
    role: Role,
    check: &CheckIn,
) -> Result<(), ApiError> {
    let team = match deps.store.program_contact().await?.contact.email {
        Some(email) => vec![email],
        None => deps.program_admin_addresses().await?,
    };
    for to in team {
        deps.notify(notify::pair_needs_help(
            to.as_str(),
            &both.mentee.details.full_name(),
            &both.mentor.details.full_name(),
            role,
            check.since,
            &deps.config.base_url,
        ))
        .await;
    }
    Ok(())
}
