//! Mentorships: the pair's page, the agreement, the meeting log, ending.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use moments_adapters::http::openapi::{MeetingView, MentorshipView};
use moments_adapters::http::views;
use moments_adapters::http::{ApiError, Caller, Deps, JsonBody, Path, random_bytes};
use moments_adapters::store::{MentorshipRecord, StoreError};
use moments_domain::application::{FieldErrors, FormReader};
use moments_domain::audit::Action;
use moments_domain::fields::{EmailAddress, LongText, Note, parse_date};
use moments_domain::mentorship::{
    AgreementDraft, MeetingDraft, MeetingId, MeetingRefused, MentorshipId, MentorshipRefused,
    MentorshipStatus,
};
use moments_domain::notify::{self, Who};
use moments_domain::reminders::connect_job;
use serde_json::{Value, json};

use crate::{ATTEMPTS, busy, entry, sides};

fn refused(e: MentorshipRefused) -> ApiError {
    match e {
        MentorshipRefused::NotInIt => ApiError::Forbidden(e.to_string()),
        _ => ApiError::Conflict(e.to_string()),
    }
}

/// A mentorship the caller is part of.
async fn load(deps: &Deps, actor: &EmailAddress, id: &str) -> Result<MentorshipRecord, ApiError> {
    let id = MentorshipId::parse(id).map_err(|_| ApiError::NotFound("mentorship"))?;
    let record = deps
        .store
        .mentorship(&id)
        .await?
        .ok_or(ApiError::NotFound("mentorship"))?;
    if record.mentorship.role_of(actor).is_none() {
        return Err(refused(MentorshipRefused::NotInIt));
    }
    Ok(record)
}

/// The mentorship as its two people see it.
pub async fn view(
    deps: &Deps,
    record: &MentorshipRecord,
    viewer: &EmailAddress,
) -> Result<Value, ApiError> {
    let m = &record.mentorship;
    let both = sides(deps, &m.mentee_application, &m.mentor_application).await?;
    let mut v = views::mentorship(record, viewer, &both.mentee, &both.mentor);
    v["survey_answered"] = json!(deps.store.survey_of(&m.id, viewer).await?.is_some());
    Ok(v)
}

#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
pub struct Hours {
    as_mentee: f64,
    as_mentor: f64,
}

#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
pub struct Mentorships {
    mentorships: Vec<MentorshipView>,
    /// Training-credit hours logged.
    hours: Hours,
}

#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
pub struct AgreementForm {
    goals: String,
    #[schema(required = false)]
    steps: Option<String>,
    #[schema(required = false)]
    schedule: Option<String>,
    /// `YYYY-MM-DD`, or empty.
    #[schema(required = false)]
    end_date: Option<String>,
    #[schema(required = false)]
    off_limits: Option<String>,
}

#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
pub struct ConfirmForm {
    /// The agreement version being confirmed.
    version: u32,
}

#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
pub struct MeetingForm {
    /// `YYYY-MM-DD`, not in the future nor before the match.
    date: String,
    minutes: u32,
    #[schema(required = false)]
    topic: Option<String>,
}

#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
pub struct EndForm {
    /// `completed` or `discontinued`.
    outcome: String,
    reason: String,
}

/// The caller's mentorships and hours.
#[utoipa::path(get, path = "/api/mentorships", operation_id = "list_mentorships", tag = "mentorships", security(("session" = [])),
    responses((status = 200, description = "Mentorships", body = Mentorships)))]
#[tracing::instrument(skip_all)]
pub async fn list(
    State(deps): State<Deps>,
    Caller(actor): Caller,
) -> Result<Json<Value>, ApiError> {
    let records = deps.store.mentorships_of(&actor.email).await?;
    let mut out = Vec::new();
    let (mut as_mentee, mut as_mentor) = (0, 0);
    for record in &records {
        if record.mentorship.mentee == actor.email {
            as_mentee += record.minutes;
        } else {
            as_mentor += record.minutes;
        }
        out.push(view(&deps, record, &actor.email).await?);
    }
    Ok(Json(json!({
        "mentorships": out,
        "hours": {"as_mentee": views::hours(as_mentee), "as_mentor": views::hours(as_mentor)},
    })))
}

/// One mentorship with its meetings, for its two people.
#[utoipa::path(get, path = "/api/mentorships/{id}", operation_id = "read_mentorship", tag = "mentorships", security(("session" = [])),
    params(("id" = String, Path, description = "Mentorship id")),
    responses(
        (status = 200, description = "The mentorship", body = MentorshipView),
        (status = 403, description = "Not one of its two people"),
        (status = 404, description = "No such mentorship"),
    ))]
#[tracing::instrument(skip_all)]
pub async fn read(
    State(deps): State<Deps>,
    Caller(actor): Caller,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let record = load(&deps, &actor.email, &id).await?;
    let mut v = view(&deps, &record, &actor.email).await?;
    let meetings: Vec<Value> = deps
        .store
        .meetings_of(&record.mentorship.id)
        .await?
        .iter()
        .map(views::meeting)
        .collect();
    v["meetings"] = json!(meetings);
    Ok(Json(v))
}

fn agreement_draft(body: &serde_json::Map<String, Value>) -> Result<AgreementDraft, FieldErrors> {
    let mut f = FormReader::new(body);
    let goals = f.parsed("goals", LongText::parse);
    let steps = f.optional("steps", LongText::parse);
    let schedule = f.optional("schedule", LongText::parse);
    let end_date = f.optional("end_date", parse_date);
    let off_limits = f.optional("off_limits", LongText::parse);
    let draft = goals.map(|goals| AgreementDraft {
        goals,
        steps,
        schedule,
        end_date,
        off_limits,
    });
    f.finish(draft)
}

/// Save a change to a mentorship made from what was just read; a change
/// that lost a race is reported, not retried: the person should see the new state.
async fn save(
    deps: &Deps,
    actor: &EmailAddress,
    before: &MentorshipRecord,
    after: moments_domain::mentorship::Mentorship,
    action: Action,
) -> Result<Json<Value>, ApiError> {
    match deps
        .store
        .save_mentorship(
            before.mentorship.version,
            &after,
            &entry(actor, deps.now(), action),
        )
        .await
    {
        Ok(()) => {}
        Err(StoreError::Changed) => {
            return Err(ApiError::Conflict(
                "The mentorship changed while you were editing it. Reload it and try again.".into(),
            ));
        }
        Err(e) => return Err(e.into()),
    }
    let record = MentorshipRecord {
        mentorship: after,
        ..before.clone()
    };
    Ok(Json(view(deps, &record, actor).await?))
}

/// Save the agreement; the other side is asked to confirm it.
#[utoipa::path(put, path = "/api/mentorships/{id}/agreement", tag = "mentorships",
    request_body = AgreementForm, security(("session" = [])),
    params(("id" = String, Path, description = "Mentorship id")),
    responses(
        (status = 200, description = "Saved", body = MentorshipView),
        (status = 403, description = "Not one of its two people"),
        (status = 404, description = "No such mentorship"),
        (status = 409, description = "Ended, or changed meanwhile"),
        (status = 422, description = "Fields need attention"),
    ))]
#[tracing::instrument(skip_all)]
pub async fn save_agreement(
    State(deps): State<Deps>,
    Caller(actor): Caller,
    Path(id): Path<String>,
    JsonBody(body): JsonBody,
) -> Result<Json<Value>, ApiError> {
    let before = load(&deps, &actor.email, &id).await?;
    let draft = agreement_draft(&body).map_err(ApiError::Invalid)?;
    let after = before
        .mentorship
        .set_agreement(&actor.email, draft, deps.now())
        .map_err(refused)?;
    save(&deps, &actor.email, &before, after, Action::AgreementSaved).await
}

/// Confirm a version of the agreement.
#[utoipa::path(post, path = "/api/mentorships/{id}/agreement/confirm", tag = "mentorships",
    request_body = ConfirmForm, security(("session" = [])),
    params(("id" = String, Path, description = "Mentorship id")),
    responses(
        (status = 200, description = "Confirmed", body = MentorshipView),
        (status = 403, description = "Not one of its two people"),
        (status = 404, description = "No such mentorship"),
        (status = 409, description = "The agreement changed since, or there is none"),
        (status = 422, description = "No version"),
    ))]
#[tracing::instrument(skip_all)]
pub async fn confirm_agreement(
    State(deps): State<Deps>,
    Caller(actor): Caller,
    Path(id): Path<String>,
    JsonBody(body): JsonBody,
) -> Result<Json<Value>, ApiError> {
    let before = load(&deps, &actor.email, &id).await?;
    let version = body
        .get("version")
        .and_then(Value::as_u64)
        .and_then(|v| u32::try_from(v).ok())
        .ok_or_else(|| {
            ApiError::Invalid(FieldErrors::single(
                "version",
                "Say which version of the agreement you confirm.",
            ))
        })?;
    let after = before
        .mentorship
        .confirm_agreement(&actor.email, version)
        .map_err(refused)?;
    save(
        &deps,
        &actor.email,
        &before,
        after,
        Action::AgreementConfirmed,
    )
    .await
}

/// Log a meeting (training credit).
#[utoipa::path(post, path = "/api/mentorships/{id}/meetings", tag = "mentorships",
    request_body = MeetingForm, security(("session" = [])),
    params(("id" = String, Path, description = "Mentorship id")),
    responses(
        (status = 201, description = "Logged", body = MeetingView),
        (status = 403, description = "Not one of its two people"),
        (status = 404, description = "No such mentorship"),
        (status = 409, description = "The mentorship has ended"),
        (status = 422, description = "Fields need attention"),
    ))]
#[tracing::instrument(skip_all)]
pub async fn log_meeting(
    State(deps): State<Deps>,
    Caller(actor): Caller,
    Path(id): Path<String>,
    JsonBody(body): JsonBody,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let record = load(&deps, &actor.email, &id).await?;
    let mut f = FormReader::new(&body);
    let date = f.parsed("date", parse_date);
    let minutes = match body
        .get("minutes")
        .and_then(Value::as_u64)
        .and_then(|m| u32::try_from(m).ok())
    {
        Some(m) => Some(m),
        None => {
            f.errors.add(
                "minutes",
                "Enter the meeting's length in minutes, as a whole number.",
            );
            None
        }
    };
    let topic = f.optional("topic", Note::parse);
    let (date, minutes) = f.finish(date.zip(minutes)).map_err(ApiError::Invalid)?;
    let now = deps.now();
    let today = jiff::tz::TimeZone::UTC.to_datetime(now).date();
    let meeting = record
        .mentorship
        .log_meeting(
            &actor.email,
            MeetingId::from_random(random_bytes()?),
            MeetingDraft {
                date,
                minutes,
                topic,
            },
            now,
            today,
        )
        .map_err(|e| match e {
            MeetingRefused::Mentorship(m) => refused(m),
            MeetingRefused::Date(msg) => ApiError::Invalid(FieldErrors::single("date", msg)),
            MeetingRefused::Minutes(msg) => ApiError::Invalid(FieldErrors::single("minutes", msg)),
        })?;
    match deps.store.log_meeting(&record.mentorship, &meeting).await {
        Ok(()) => {
            // They have connected: no nudge needed.
            deps.cancel(&connect_job(&record.mentorship).0.name()).await;
            Ok((StatusCode::CREATED, Json(views::meeting(&meeting))))
        }
        Err(StoreError::Changed) => Err(refused(MentorshipRefused::Ended)),
        Err(e) => Err(e.into()),
    }
}

/// End the mentorship; both are invited to the survey.
#[utoipa::path(post, path = "/api/mentorships/{id}/end", operation_id = "end_mentorship", tag = "mentorships",
    request_body = EndForm, security(("session" = [])),
    params(("id" = String, Path, description = "Mentorship id")),
    responses(
        (status = 200, description = "Ended", body = MentorshipView),
        (status = 403, description = "Not one of its two people"),
        (status = 404, description = "No such mentorship"),
        (status = 409, description = "Already ended"),
        (status = 422, description = "Fields need attention"),
    ))]
#[tracing::instrument(skip_all)]
pub async fn end(
    State(deps): State<Deps>,
    Caller(actor): Caller,
    Path(id): Path<String>,
    JsonBody(body): JsonBody,
) -> Result<Json<Value>, ApiError> {
    let mut f = FormReader::new(&body);
    let outcome = f.parsed("outcome", MentorshipStatus::parse_outcome);
    let reason = f.parsed("reason", LongText::parse);
    let (outcome, reason) = f.finish(outcome.zip(reason)).map_err(ApiError::Invalid)?;
    for _ in 0..ATTEMPTS {
        let before = load(&deps, &actor.email, &id).await?;
        let m = &before.mentorship;
        let after = m
            .end(&actor.email, outcome, reason.clone(), deps.now())
            .map_err(refused)?;
        let both = sides(&deps, &m.mentee_application, &m.mentor_application).await?;
        match deps
            .store
            .end_mentorship(
                m,
                &after,
                &both,
                &entry(&actor.email, deps.now(), Action::MentorshipEnded),
            )
            .await
        {
            Ok(()) => {
                deps.cancel(&connect_job(&after).0.name()).await;
                let completed = after.status == MentorshipStatus::Completed;
                let base = &deps.config.base_url;
                let (mentee, mentor) = (Who::of(&both.mentee), Who::of(&both.mentor));
                deps.notify(notify::mentorship_ended(
                    &mentee,
                    &mentor.full_name,
                    completed,
                    after.id.as_str(),
                    base,
                ))
                .await;
                deps.notify(notify::mentorship_ended(
                    &mentor,
                    &mentee.full_name,
                    completed,
                    after.id.as_str(),
                    base,
                ))
                .await;
                let record = MentorshipRecord {
                    mentorship: after,
                    ..before.clone()
                };
                return Ok(Json(view(&deps, &record, &actor.email).await?));
            }
            Err(StoreError::Changed) => continue,
            Err(e) => return Err(e.into()),
        }
    }
    Err(busy())
}
