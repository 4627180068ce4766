//! The `surveys` function: the post-mentorship survey, one answer per
//! person per mentorship, in the mentee or mentor version.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use moments_adapters::deps::Deps;
use moments_adapters::http::views::MentorshipView;
use moments_adapters::http::{ApiError, Caller, Form, Path, ResultExt};
use moments_adapters::store::MentorshipRecord;
use moments_domain::application::Role;
use moments_domain::fields::EmailAddress;
use moments_domain::mentorship::{MentorshipId, MentorshipStatus};
use moments_domain::survey::{SurveyAnswers, SurveyForm, SurveyResponse};
use serde::Serialize;

moments_adapters::http_api! {
    read, answer;
}

/// The survey of an ended mentorship.
#[derive(Serialize, utoipa::ToSchema)]
pub struct SurveyView {
    mentorship: MentorshipView,
    /// `mentee` or `mentor`: which version the caller answers.
    #[schema(value_type = String)]
    version: &'static str,
    answered: bool,
}

/// A survey answered.
#[derive(Serialize, utoipa::ToSchema)]
pub struct SurveyAnswered {
    /// `mentee` or `mentor`.
    #[schema(value_type = String)]
    version: &'static str,
    answered: bool,
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
) -> Result<MentorshipView, ApiError> {
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
    let departments = deps.store.departments().await?;
    Ok(MentorshipView::of(
        record,
        viewer,
        &mentee,
        &mentor,
        &departments,
    ))
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
) -> Result<Json<SurveyView>, ApiError> {
    let (record, role) = load(&deps, &actor.email, &id).await?;
    let answered = deps
        .store
        .survey_of(&record.mentorship.id, &actor.email)
        .await?
        .is_some();
    Ok(Json(SurveyView {
        mentorship: mentorship_view(&deps, &record, &actor.email).await?,
        version: role.as_str(),
        answered,
    }))
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
    Form(body): Form<SurveyForm>,
) -> Result<(StatusCode, Json<SurveyAnswered>), ApiError> {
    let (record, role) = load(&deps, &actor.email, &id).await?;
    let answers = SurveyAnswers::parse(&body)?;
    let response = SurveyResponse {
        mentorship: record.mentorship.id.clone(),
        respondent: actor.email.clone(),
        version: role,
        answers,
        submitted_at: deps.now(),
    };
    deps.store
        .save_survey(&record.mentorship, &response)
        .await
        .on_exists(|| {
            ApiError::Conflict(
                "You have already answered the survey for this mentorship. Thank you!".into(),
            )
        })?;
    Ok((
        StatusCode::CREATED,
        Json(SurveyAnswered {
            version: role.as_str(),
            answered: true,
        }),
    ))
}
