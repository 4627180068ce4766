//! The `surveys` function: the post-mentorship survey, one answer per
//! person per mentorship, in the mentee or mentor version.

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use moments_adapters::http::openapi::MentorshipView;
use moments_adapters::http::views;
use moments_adapters::http::{ApiError, Caller, Deps, JsonBody, Path};
use moments_adapters::store::{MentorshipRecord, StoreError};
use moments_domain::application::Role;
use moments_domain::fields::EmailAddress;
use moments_domain::mentorship::{MentorshipId, MentorshipStatus};
use moments_domain::survey::{SurveyAnswers, SurveyResponse};
use serde_json::{Value, json};

pub fn router() -> Router<Deps> {
    Router::new().route("/api/surveys/{id}", get(read).post(answer))
}

/// The operations of this function, for the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(read, answer))]
struct Api;

pub fn openapi() -> utoipa::openapi::OpenApi {
    <Api as utoipa::OpenApi>::openapi()
}

#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
struct SurveyView {
    mentorship: MentorshipView,
    /// `mentee` or `mentor`: which version the caller answers.
    version: String,
    answered: bool,
}

#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
struct SurveyAnswered {
    version: String,
    answered: bool,
}

/// Both versions; `goals_met` is about the mentee's goals.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
struct SurveyForm {
    /// 1 to 5.
    satisfaction: u8,
    /// `yes`, `partly` or `no`.
    goals_met: String,
    /// 0 to 200.
    meetings: u32,
    /// `weekly`, `every-two-weeks`, `monthly`, `less-often` or `irregular`.
    cadence: String,
    would_recommend: bool,
    #[schema(required = false)]
    went_well: Option<String>,
    #[schema(required = false)]
    improve: Option<String>,
    #[schema(required = false)]
    platform_feedback: Option<String>,
}

/// An ended mentorship the caller was part of, and their role in it.
async fn load(
    deps: &Deps,
    actor: &EmailAddress,
    id: &str,
) -> Result<(MentorshipRecord, Role), ApiError> {
    let id = MentorshipId::parse(id).map_err(|_| ApiError::NotFound("mentorship"))?;
    let record = deps
        .store
        .mentorship(&id)
        .await?
        .ok_or(ApiError::NotFound("mentorship"))?;
    let role = record.mentorship.role_of(actor).ok_or_else(|| {
        ApiError::Forbidden(
            "Only the mentee and the mentor of this mentorship can answer its survey.".into(),
        )
    })?;
    if record.mentorship.status == MentorshipStatus::Active {
        return Err(ApiError::Conflict(
            "The survey opens once the mentorship has ended.".into(),
        ));
    }
    Ok((record, role))
}

async fn mentorship_view(
    deps: &Deps,
    record: &MentorshipRecord,
    viewer: &EmailAddress,
) -> Result<Value, ApiError> {
    let m = &record.mentorship;
    let missing = || ApiError::Internal("application of a mentorship missing".into());
    let mentee = deps
        .store
        .application(&m.mentee_application)
        .await?
        .ok_or_else(missing)?;
    let mentor = deps
        .store
        .application(&m.mentor_application)
        .await?
        .ok_or_else(missing)?;
    Ok(views::mentorship(record, viewer, &mentee, &mentor))
}

/// The survey of an ended mentorship, for its two people.
#[utoipa::path(get, path = "/api/surveys/{id}", operation_id = "read_survey", tag = "surveys", security(("session" = [])),
    params(("id" = String, Path, description = "Mentorship id")),
    responses(
        (status = 200, description = "The survey", body = SurveyView),
        (status = 403, description = "Not one of its two people"),
        (status = 404, description = "No such mentorship"),
        (status = 409, description = "The mentorship has not ended"),
    ))]
#[tracing::instrument(skip_all)]
async fn read(
    State(deps): State<Deps>,
    Caller(actor): Caller,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let (record, role) = load(&deps, &actor.email, &id).await?;
    let answered = deps
        .store
        .survey_of(&record.mentorship.id, &actor.email)
        .await?
        .is_some();
    Ok(Json(json!({
        "mentorship": mentorship_view(&deps, &record, &actor.email).await?,
        "version": role.as_str(),
        "answered": answered,
    })))
}

/// Answer the survey, once.
#[utoipa::path(post, path = "/api/surveys/{id}", operation_id = "answer_survey", tag = "surveys", request_body = SurveyForm,
    security(("session" = [])),
    params(("id" = String, Path, description = "Mentorship id")),
    responses(
        (status = 201, description = "Answered", body = SurveyAnswered),
        (status = 403, description = "Not one of its two people"),
        (status = 404, description = "No such mentorship"),
        (status = 409, description = "Already answered, or not ended"),
        (status = 422, description = "Fields need attention"),
    ))]
#[tracing::instrument(skip_all)]
async fn answer(
    State(deps): State<Deps>,
    Caller(actor): Caller,
    Path(id): Path<String>,
    JsonBody(body): JsonBody,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let (record, role) = load(&deps, &actor.email, &id).await?;
    let answers = SurveyAnswers::parse(&body).map_err(ApiError::Invalid)?;
    let response = SurveyResponse {
        mentorship: record.mentorship.id.clone(),
        respondent: actor.email.clone(),
        version: role,
        answers,
        submitted_at: deps.now(),
    };
    match deps.store.save_survey(&record.mentorship, &response).await {
        Ok(()) => Ok((
            StatusCode::CREATED,
            Json(json!({"version": role.as_str(), "answered": true})),
        )),
        Err(StoreError::AlreadyExists) => Err(ApiError::Conflict(
            "You have already answered the survey for this mentorship. Thank you!".into(),
        )),
        Err(e) => Err(e.into()),
    }
}
