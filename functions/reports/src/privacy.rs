//! Removing a person's data at their request: they ask, a program
//! administrator carries it out once nothing active depends on it.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use moments_adapters::deps::Deps;
use moments_adapters::http::{ApiError, Caller, Form, Path, ResultExt, random_bytes};
use moments_adapters::security::{SecurityEvent, SecurityKind};
use moments_domain::fields::{EmailAddress, Note};
use moments_domain::form::{FormReader, Text};
use moments_domain::mentorship::{MentorshipStatus, RequestStatus};
use moments_domain::notify;
use moments_domain::retention::{ErasureRefused, stand_in};
use serde::{Deserialize, Serialize};

use crate::program_admin;

/// What stops removing this person's data now, if anything.
async fn blocked_by(deps: &Deps, email: &EmailAddress) -> Result<Option<ErasureRefused>, ApiError> {
    let store = &deps.store;
    if store
        .mentorships_of(email)
        .await?
        .iter()
        .any(|r| r.mentorship.status == MentorshipStatus::Active)
    {
        return Ok(Some(ErasureRefused::ActiveMentorship));
    }
    let mut requests = store.requests_from(email).await?;
    requests.extend(store.requests_to(email).await?);
    if requests.iter().any(|r| r.status == RequestStatus::Pending) {
        return Ok(Some(ErasureRefused::PendingRequest));
    }
    Ok(None)
}

/// Ask for one's data to be removed.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct ErasureForm {
    /// Anything the program team should know.
    #[schema(value_type = String, required = false)]
    note: Text,
}

/// The request to remove one's data, received.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ErasureRequested {
    requested_at: String,
    message: String,
}

/// Whether the caller's request waits.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ErasureStatus {
    /// When the caller asked, while their request waits; null otherwise.
    requested_at: Option<String>,
}

/// A request waiting to be carried out.
#[derive(Serialize, utoipa::ToSchema)]
pub struct WaitingErasure {
    email: String,
    requested_at: String,
    note: Option<String>,
    /// Why it cannot be carried out yet (an active mentorship, a pending
    /// request); null when it can.
    blocked_by: Option<String>,
}

/// Requests waiting.
#[derive(Serialize, utoipa::ToSchema)]
pub struct WaitingErasures {
    requests: Vec<WaitingErasure>,
}

/// A person's data removed.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Erased {
    removed: bool,
}

/// `POST /api/privacy/erasure` `{"note": "optional"}`: the signed-in person
/// asks for their data to be removed.
#[utoipa::path(post, path = "/api/privacy/erasure", operation_id = "request_erasure", tag = "reports",
    request_body = ErasureForm, security(("session" = [])),
    responses(
        (status = 202, description = "Asked; program administrators are emailed", body = ErasureRequested),
        (status = 409, description = "The caller already asked"),
        (status = 422, description = "The note needs attention"),
    ))]
#[tracing::instrument(skip_all)]
pub async fn request(
    State(deps): State<Deps>,
    Caller(actor): Caller,
    Form(body): Form<ErasureForm>,
) -> Result<(StatusCode, Json<ErasureRequested>), ApiError> {
    let mut form = FormReader::new();
    let note = form.optional("note", &body.note, Note::parse);
    form.finish(Some(()))?;
    let now = deps.now();
    deps.store
        .request_erasure(&actor.email, note.as_ref().map(Note::as_str), now)
        .await
        .on_exists(|| {
            ApiError::Conflict(
                "You have already asked; the program team will email you once it is done.".into(),
            )
        })?;
    // The request is kept already: a failed read of the roster must not
    // answer as if it were not, so the deploy parameter's are told instead.
    let admins = deps.program_admin_addresses().await.unwrap_or_else(|e| {
        tracing::error!(error = %e, "program administrators not read; telling the deploy parameter's");
        deps.config.program_admins.clone()
    });
    for admin in &admins {
        deps.notify(notify::erasure_requested(
            admin.as_str(),
            actor.email.as_str(),
            &deps.config.base_url,
        ))
        .await;
    }
    Ok((
        StatusCode::ACCEPTED,
        Json(ErasureRequested {
            requested_at: now.to_string(),
            message:
                "The program team has your request and will email you once your data is removed."
                    .into(),
        }),
    ))
}

/// `GET /api/privacy/erasure`: whether the signed-in person's request waits.
#[utoipa::path(get, path = "/api/privacy/erasure", operation_id = "read_erasure_request", tag = "reports",
    security(("session" = [])),
    responses((status = 200, description = "Whether the caller's request waits", body = ErasureStatus)))]
#[tracing::instrument(skip_all)]
pub async fn status(
    State(deps): State<Deps>,
    Caller(actor): Caller,
) -> Result<Json<ErasureStatus>, ApiError> {
    let waiting = deps.store.erasure_requested(&actor.email).await?;
    Ok(Json(ErasureStatus {
        requested_at: waiting.map(|w| w.requested_at),
    }))
}

/// `GET /api/admin/erasures`: requests waiting, each with what blocks it.
#[utoipa::path(get, path = "/api/admin/erasures", operation_id = "list_erasure_requests", tag = "reports",
    security(("session" = [])),
    responses(
        (status = 200, description = "Requests waiting", body = WaitingErasures),
        (status = 403, description = "Not a program administrator"),
    ))]
#[tracing::instrument(skip_all)]
pub async fn list(
    State(deps): State<Deps>,
    Caller(actor): Caller,
) -> Result<Json<WaitingErasures>, ApiError> {
    program_admin(&actor, "see requests to remove data")?;
    let mut requests = Vec::new();
    for r in deps.store.erasure_requests().await? {
        let blocked = blocked_by(&deps, &r.email).await?;
        requests.push(WaitingErasure {
            email: r.email.to_string(),
            requested_at: r.requested_at,
            note: r.note,
            blocked_by: blocked.map(|b| b.to_string()),
        });
    }
    Ok(Json(WaitingErasures { requests }))
}

/// `POST /api/admin/erasures/{email}`: carry a request out.
#[utoipa::path(post, path = "/api/admin/erasures/{email}", operation_id = "carry_out_erasure", tag = "reports",
    params(("email" = String, Path, description = "The email address of the person who asked")),
    security(("session" = [])),
    responses(
        (status = 200, description = "Their data is removed", body = Erased),
        (status = 403, description = "Not a program administrator"),
        (status = 404, description = "They have not asked"),
        (status = 409, description = "An active mentorship or a pending request must end first"),
    ))]
#[tracing::instrument(skip_all)]
pub async fn carry_out(
    State(deps): State<Deps>,
    Caller(actor): Caller,
    Path(email): Path<String>,
) -> Result<Json<Erased>, ApiError> {
    program_admin(&actor, "remove people's data")?;
    let email = EmailAddress::parse(&email).map_err(|_| ApiError::NotFound("request"))?;
    if deps.store.erasure_requested(&email).await?.is_none() {
        return Err(ApiError::NotFound("request"));
    }
    if let Some(blocked) = blocked_by(&deps, &email).await? {
        return Err(blocked.into());
    }
    // Their registrations go: a place they held goes to the next waiting.
    crate::registrations::withdraw_everywhere(&deps, &email).await?;
    deps.store
        .erase_person(&email, &stand_in(random_bytes()?), deps.now())
        .await?;
    deps.store.close_erasure(&email).await?;
    // They asked to be forgotten: the log names them by pseudonym only.
    deps.security(SecurityEvent::by(
        SecurityKind::Erasure,
        &actor.email,
        format!(
            "removed the data of {} at their request",
            deps.pseudonym(email.as_str())
        ),
    ))
    .await;
    deps.notify(notify::erasure_done(email.as_str())).await;
    Ok(Json(Erased { removed: true }))
}
