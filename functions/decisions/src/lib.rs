//! The `decisions` function: the review queue of supervisors and department
//! administrators, and approving or denying an application.

use axum::Json;
use axum::extract::State;
use moments_adapters::deps::Deps;
use moments_adapters::http::views::{ApplicationView, Named};
use moments_adapters::http::{ApiError, Caller, Form, Path, ResultExt};
use moments_adapters::store::StoreError;
use moments_domain::application::{
    Application, ApplicationId, DecisionRefused, Outcome, Status, UNDO_WITHIN, UndoRefused,
};
use moments_domain::audit::{Action, AuditEntry};
use moments_domain::fields::DecisionMessage;
use moments_domain::form::{FormReader, Text};
use moments_domain::reminders;
use serde::{Deserialize, Serialize};

moments_adapters::http_api! {
    queue;
    decide;
    undo;
}

/// Applications naming the caller as supervisor.
#[derive(Serialize, utoipa::ToSchema)]
pub struct SupervisorQueue {
    pending: Vec<ApplicationView>,
    decided: Vec<ApplicationView>,
}

/// A department's pending applications.
#[derive(Serialize, utoipa::ToSchema)]
pub struct DepartmentQueue {
    department: Named,
    pending: Vec<ApplicationView>,
}

/// What the caller may decide.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Reviews {
    /// Applications naming the caller as supervisor.
    supervisor: SupervisorQueue,
    /// One entry per department the caller administers.
    department_admin: Vec<DepartmentQueue>,
}

/// A decision on an application.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct DecisionForm {
    /// `approve` or `deny`.
    #[schema(value_type = String)]
    outcome: Text,
    /// A personal message for the applicant (shown with a denial).
    #[schema(value_type = String, required = false)]
    message: Text,
}

/// The caller's review queues.
#[utoipa::path(get, path = "/api/reviews", operation_id = "review_queues", tag = "decisions", security(("session" = [])),
    responses((status = 200, description = "What the caller may decide", body = Reviews)))]
#[tracing::instrument(skip_all)]
async fn queue(State(deps): State<Deps>, Caller(actor): Caller) -> Result<Json<Reviews>, ApiError> {
    let (mine, lists) = tokio::try_join!(
        deps.store.applications_for_supervisor(&actor.email),
        deps.store.lists()
    )?;
    let (pending, decided): (Vec<&Application>, Vec<&Application>) =
        mine.iter().partition(|a| a.status == Status::Pending);
    let view = |apps: Vec<&Application>| -> Vec<ApplicationView> {
        apps.into_iter()
            .map(|a| ApplicationView::of(a, &actor, &lists))
            .collect()
    };
    let mut departments = Vec::new();
    for dept in &actor.departments {
        let pending = deps.store.pending_in_department(dept).await?;
        departments.push(DepartmentQueue {
            department: lists.departments.entry(dept),
            pending: view(pending.iter().collect()),
        });
    }
    Ok(Json(Reviews {
        supervisor: SupervisorQueue {
            pending: view(pending),
            decided: view(decided),
        },
        department_admin: departments,
    }))
}

/// The application under `id`, or 404.
async fn load(deps: &Deps, id: &str) -> Result<Application, ApiError> {
    let id = ApplicationId::parse(id).map_err(|_| ApiError::NotFound("application"))?;
    deps.store
        .application(&id)
        .await?
        .ok_or(ApiError::NotFound("application"))
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
    Form(body): Form<DecisionForm>,
) -> Result<Json<ApplicationView>, ApiError> {
    let mut form = FormReader::new();
    let outcome = form.parsed("outcome", &body.outcome, Outcome::parse);
    let message = form.optional("message", &body.message, DecisionMessage::parse);
    let outcome = form.finish(outcome)?;

    let app = load(&deps, &id).await?;
    let decided = app.decide(&actor, outcome, message, deps.now())?;
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
    let saved = deps
        .store
        .save_application(app.version, true, &decided, &entry)
        .await;
    if let Err(StoreError::Changed) = saved {
        // Someone decided (or the applicant rerouted) in the meantime: say
        // what the application is now, not a generic conflict.
        return Err(match deps.store.application(&app.id).await? {
            Some(a) if a.status != Status::Pending => {
                DecisionRefused::AlreadyDecided(a.status.as_str()).into()
            }
            _ => ApiError::Conflict(
                "The application changed while you were reviewing it. Reload it and decide again."
                    .into(),
            ),
        });
    }
    saved?;
    // The applicant hears of it once it can no longer be undone.
    if let Some(held) = reminders::decision_job(&decided) {
        deps.schedule_job(&held.job, held.due).await;
    }
    let lists = deps.store.lists().await?;
    let mut view = ApplicationView::of(&decided, &actor, &lists);
    if let Some(d) = view.decision.as_mut() {
        d.undo_until = Some((decision.decided_at + UNDO_WITHIN).to_string());
    }
    Ok(Json(view))
}

/// Take back a decision just made, before the applicant is told: only the
/// person who made it, within 10 seconds (`undo_until` in the decision's
/// answer). The application waits for a decision again.
#[utoipa::path(delete, path = "/api/applications/{id}/decision", operation_id = "undo_decision", tag = "decisions",
    security(("session" = [])),
    params(("id" = String, Path, description = "Application id")),
    responses(
        (status = 200, description = "Undone: the application is pending again", body = ApplicationView),
        (status = 403, description = "Someone else made the decision"),
        (status = 404, description = "No such application"),
        (status = 409, description = "No decision, too late, or a request names it already"),
    ))]
#[tracing::instrument(skip_all)]
async fn undo(
    State(deps): State<Deps>,
    Caller(actor): Caller,
    Path(id): Path<String>,
) -> Result<Json<ApplicationView>, ApiError> {
    let app = load(&deps, &id).await?;
    let undone = app.undo_decision(&actor, deps.now())?;
    let Some(held) = reminders::decision_job(&app) else {
        return Err(UndoRefused::NothingToUndo(app.status.as_str()).into());
    };
    let entry = AuditEntry {
        at: undone.updated_at,
        actor: actor.email.clone(),
        action: Action::DecisionUndone,
        on_behalf_of: app.decision.as_ref().and_then(|d| d.on_behalf_of.clone()),
        note: None,
    };
    deps
        .store
        .undo_decision(&app, &undone, &held.notice, &entry)
        .await
        .on_exists_or_changed(
            || UndoRefused::TooLate.into(),
            || {
                ApiError::Conflict(
                    "The application changed after your decision (a request names it, or it was edited), so the decision can no longer be undone."
                        .into(),
                )
            },
        )?;
    deps.cancel(&held.job.name()).await;
    let lists = deps.store.lists().await?;
    Ok(Json(ApplicationView::of(&undone, &actor, &lists)))
}
