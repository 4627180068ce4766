//! The `mentorships` function: mentor search and profiles, "Select as
//! Mentor" requests and their answers, mentor availability, and the life of
//! a mentorship (agreement, meetings, ending).

use axum::Router;
use axum::routing::{get, post, put};
use moments_adapters::http::{ApiError, Deps};
use moments_adapters::store::RequestSides;
use moments_domain::application::{Application, ApplicationId, Role};
use moments_domain::fields::EmailAddress;

mod pairs;
mod requests;
pub mod search;

pub fn router() -> Router<Deps> {
    Router::new()
        .route("/api/mentors", get(search::search))
        .route("/api/mentors/{id}", get(search::profile))
        .route("/api/suggestions", get(search::suggestions))
        .route(
            "/api/availability",
            get(search::availability).put(search::set_availability),
        )
        .route("/api/requests", get(requests::list).post(requests::create))
        .route("/api/requests/{id}", get(requests::read))
        .route("/api/requests/{id}/accept", post(requests::accept))
        .route("/api/requests/{id}/decline", post(requests::decline))
        .route("/api/requests/{id}/withdraw", post(requests::withdraw))
        .route("/api/mentorships", get(pairs::list))
        .route("/api/mentorships/{id}", get(pairs::read))
        .route(
            "/api/mentorships/{id}/agreement",
            put(pairs::save_agreement),
        )
        .route(
            "/api/mentorships/{id}/agreement/confirm",
            post(pairs::confirm_agreement),
        )
        .route("/api/mentorships/{id}/meetings", post(pairs::log_meeting))
        .route("/api/mentorships/{id}/end", post(pairs::end))
}

/// The operations of this function, for the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(
    search::search,
    search::profile,
    search::suggestions,
    search::availability,
    search::set_availability,
    requests::create,
    requests::list,
    requests::read,
    requests::accept,
    requests::decline,
    requests::withdraw,
    pairs::list,
    pairs::read,
    pairs::save_agreement,
    pairs::confirm_agreement,
    pairs::log_meeting,
    pairs::end,
))]
struct Api;

pub fn openapi() -> utoipa::openapi::OpenApi {
    <Api as utoipa::OpenApi>::openapi()
}

/// How often a write that lost a race is re-read and tried again before the
/// caller is asked to retry. Each lost race means another change committed,
/// and a request or mentorship sees only a handful of those.
const ATTEMPTS: usize = 8;

fn busy() -> ApiError {
    ApiError::Conflict("Many people are changing this at the same moment. Please try again.".into())
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
