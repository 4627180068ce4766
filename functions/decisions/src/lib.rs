//! The `decisions` function: the review queue of supervisors and department
//! administrators, and approving or denying an application.

use axum::extract::State;
use axum::routing::{get, post};
use axum::{Json, Router};
use moments_adapters::http::views::ApplicationView;
use moments_adapters::http::{ApiError, Caller, Deps, JsonBody, Path};
use moments_adapters::store::StoreError;
use moments_domain::application::{
    Application, ApplicationId, DecisionRefused, FormReader, Outcome, Status,
};
use moments_domain::audit::{Action, AuditEntry};
use moments_domain::fields::DecisionMessage;
use moments_domain::notify;
use serde_json::{Value, json};

pub fn router() -> Router<Deps> {
    Router::new()
        .route("/api/reviews", get(queue))
        .route("/api/applications/{id}/decision", post(decide))
}

/// The operations of this function, for the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(queue, decide))]
struct Api;

pub fn openapi() -> utoipa::openapi::OpenApi {
    <Api as utoipa::OpenApi>::openapi()
}

#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
struct SupervisorQueue {
    pending: Vec<ApplicationView>,
    decided: Vec<ApplicationView>,
}

#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
struct DepartmentQueue {
    department: moments_adapters::http::openapi::Named,
    pending: Vec<ApplicationView>,
}

#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
struct Reviews {
    /// Applications naming the caller as supervisor.
    supervisor: SupervisorQueue,
    /// One entry per department the caller administers.
    department_admin: Vec<DepartmentQueue>,
}

#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
struct DecisionForm {
    /// `approve` or `deny`.
    outcome: String,
    /// A personal message for the applicant (shown with a denial).
    #[schema(required = false)]
    message: Option<String>,
}

/// The caller's review queues.
#[utoipa::path(get, path = "/api/reviews", operation_id = "review_queues", tag = "decisions", security(("session" = [])),
    responses((status = 200, description = "What the caller may decide", body = Reviews)))]
#[tracing::instrument(skip_all)]
async fn queue(State(deps): State<Deps>, Caller(actor): Caller) -> Result<Json<Value>, ApiError> {
    let mine = deps.store.applications_for_supervisor(&actor.email).await?;
    let (pending, decided): (Vec<&Application>, Vec<&Application>) =
        mine.iter().partition(|a| a.status == Status::Pending);
    let view = |apps: Vec<&Application>| -> Vec<ApplicationView> {
        apps.into_iter()
            .map(|a| ApplicationView::of(a, &actor))
            .collect()
    };
    let mut departments = Vec::new();
    for dept in &actor.departments {
        let pending = deps.store.pending_in_department(dept).await?;
        departments.push(json!({
            "department": {"id": dept.as_str(), "name": dept.name()},
            "pending": view(pending.iter().collect()),
        }));
    }
    Ok(Json(json!({
        "supervisor": {"pending": view(pending), "decided": view(decided)},
        "department_admin": departments,
    })))
}

fn refused(e: DecisionRefused) -> ApiError {
    match e {
        DecisionRefused::OwnApplication | DecisionRefused::NoAuthority => {
            ApiError::Forbidden(e.to_string())
        }
        DecisionRefused::AlreadyDecided(_) => ApiError::Conflict(e.to_string()),
    }
}

/// Approve or deny a pending application, as its supervisor or an
/// administrator of its department.
#[utoipa::path(post, path = "/api/applications/{id}/decision", tag = "decisions",
    request_body = DecisionForm, security(("session" = [])),
    params(("id" = String, Path, description = "Application id")),
    responses(
        (status = 200, description = "Decided", body = ApplicationView),
        (status = 403, description = "Not the caller's to decide"),
        (status = 404, description = "No such application"),
        (status = 409, description = "Already decided"),
        (status = 422, description = "Fields need attention"),
    ))]
#[tracing::instrument(skip_all)]
async fn decide(
    State(deps): State<Deps>,
    Caller(actor): Caller,
    Path(id): Path<String>,
    JsonBody(body): JsonBody,
) -> Result<Json<ApplicationView>, ApiError> {
    let mut form = FormReader::new(&body);
    let outcome = form.parsed("outcome", Outcome::parse);
    let message = form.optional("message", DecisionMessage::parse);
    let outcome = form.finish(outcome).map_err(ApiError::Invalid)?;

    let id = ApplicationId::parse(&id).map_err(|_| ApiError::NotFound("application"))?;
    let app = deps
        .store
        .application(&id)
        .await?
        .ok_or(ApiError::NotFound("application"))?;
    let decided = app
        .decide(&actor, outcome, message, deps.now())
        .map_err(refused)?;
    let decision = decided
        .decision
        .as_ref()
        .ok_or_else(|| ApiError::Internal("decision missing".into()))?;
    let entry = AuditEntry {
        at: decision.decided_at,
        actor: actor.email.clone(),
        action: match outcome {
            Outcome::Approved => Action::Approved,
            Outcome::Denied => Action::Denied,
        },
        on_behalf_of: decision.on_behalf_of.clone(),
        note: None,
    };
    match deps
        .store
        .save_application(app.version, true, &decided, &entry)
        .await
    {
        Ok(()) => {}
        // Someone decided (or the applicant rerouted) in the meantime: say
        // what the application is now, not a generic conflict.
        Err(StoreError::Changed) => {
            let now = deps.store.application(&id).await?;
            let detail = match now {
                Some(a) if a.status != Status::Pending => {
                    DecisionRefused::AlreadyDecided(a.status.as_str()).to_string()
                }
                _ => "The application changed while you were reviewing it. Reload it and decide again.".into(),
            };
            return Err(ApiError::Conflict(detail));
        }
        Err(e) => return Err(e.into()),
    }
    if let Some(message) = notify::decided(&decided, &deps.config.base_url) {
        deps.notify(message).await;
    }
    Ok(Json(ApplicationView::of(&decided, &actor)))
}
