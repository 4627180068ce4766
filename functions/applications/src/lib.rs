//! The `applications` function: submit, read, edit, and reroute mentee and
//! mentor applications; the catalogue the forms are built from.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, put};
use axum::{Json, Router};
use moments_adapters::http::views::{ApplicationView, catalogue};
use moments_adapters::http::{ApiError, Caller, Deps, JsonBody, random_bytes};
use moments_adapters::store::StoreError;
use moments_domain::access::Actor;
use moments_domain::application::{
    Application, ApplicationId, ChangeRefused, Details, EditEffect, FieldErrors, FormReader, Role,
    Supervisor,
};
use moments_domain::audit::{Action, AuditEntry};
use moments_domain::notify;
use serde_json::{Value, json};

pub fn router() -> Router<Deps> {
    Router::new()
        .route("/api/catalogue", get(|| async { Json(catalogue()) }))
        .route("/api/applications", get(mine).post(submit))
        .route("/api/applications/{id}", get(read).put(edit))
        .route("/api/applications/{id}/supervisor", put(reroute))
}

/// Load an application the caller may see; others' are refused without
/// saying more.
pub async fn load_visible(deps: &Deps, actor: &Actor, id: &str) -> Result<Application, ApiError> {
    let id = ApplicationId::parse(id).map_err(|_| ApiError::NotFound("application"))?;
    let app = deps
        .store
        .application(&id)
        .await?
        .ok_or(ApiError::NotFound("application"))?;
    if actor.can_view(&app) {
        Ok(app)
    } else {
        Err(ApiError::Forbidden(
            "Only the applicant, their supervisor and program administrators can see this application.".into(),
        ))
    }
}

/// Load the caller's own application: others (even its supervisor) are
/// refused before their input is looked at.
async fn load_own(deps: &Deps, actor: &Actor, id: &str) -> Result<Application, ApiError> {
    let app = load_visible(deps, actor, id).await?;
    if app.applicant == actor.email {
        Ok(app)
    } else {
        Err(refused(ChangeRefused::NotApplicant))
    }
}

fn entry(actor: &Actor, app: &Application, action: Action, note: Option<String>) -> AuditEntry {
    AuditEntry {
        at: app.updated_at,
        actor: actor.email.clone(),
        action,
        on_behalf_of: None,
        note,
    }
}

#[tracing::instrument(skip_all)]
async fn submit(
    State(deps): State<Deps>,
    Caller(actor): Caller,
    JsonBody(body): JsonBody,
) -> Result<(StatusCode, Json<ApplicationView>), ApiError> {
    let mut form = FormReader::new(&body);
    let role = form.parsed("role", Role::parse);
    let (role, details) = match (
        role,
        Details::parse(
            &body,
            role.unwrap_or(Role::Mentee),
            &actor.email,
            &deps.config.domains,
        ),
    ) {
        (Some(role), Ok(details)) if form.errors.is_empty() => (role, details),
        (_, result) => {
            let mut errors = form.errors;
            if let Err(more) = result {
                for (field, message) in more.0 {
                    errors.add(&field, message);
                }
            }
            return Err(ApiError::Invalid(errors));
        }
    };
    let id = ApplicationId::from_random(random_bytes()?);
    let app = Application::submit(id, role, actor.email.clone(), details, deps.now());
    match deps
        .store
        .create_application(&app, &entry(&actor, &app, Action::Submitted, None))
        .await
    {
        Ok(()) => {}
        Err(StoreError::AlreadyExists) => {
            return Err(ApiError::Conflict(format!(
                "You already have a {role} application. Edit it from My applications instead of applying again."
            )));
        }
        Err(e) => return Err(e.into()),
    }
    deps.notify(notify::application_received(&app, &deps.config.base_url))
        .await;
    deps.notify(notify::review_requested(&app, &deps.config.base_url))
        .await;
    Ok((StatusCode::CREATED, Json(ApplicationView::of(&app, &actor))))
}

async fn mine(State(deps): State<Deps>, Caller(actor): Caller) -> Result<Json<Value>, ApiError> {
    let apps = deps.store.applications_of(&actor.email).await?;
    let views: Vec<ApplicationView> = apps
        .iter()
        .map(|a| ApplicationView::of(a, &actor))
        .collect();
    Ok(Json(json!({ "applications": views })))
}

async fn read(
    State(deps): State<Deps>,
    Caller(actor): Caller,
    Path(id): Path<String>,
) -> Result<Json<ApplicationView>, ApiError> {
    let app = load_visible(&deps, &actor, &id).await?;
    Ok(Json(ApplicationView::of(&app, &actor)))
}

fn refused(e: ChangeRefused) -> ApiError {
    match e {
        ChangeRefused::NotApplicant => ApiError::Forbidden(e.to_string()),
        ChangeRefused::NotPending(_) => ApiError::Conflict(e.to_string()),
    }
}

/// Save a change made by the applicant and tell whoever must now act.
async fn save_change(
    deps: &Deps,
    actor: &Actor,
    before: &Application,
    after: Application,
    effect: EditEffect,
    require_pending: bool,
) -> Result<Json<ApplicationView>, ApiError> {
    let (action, note) = match &effect {
        EditEffect::Updated => (Action::Edited, None),
        EditEffect::Resubmitted => (Action::Resubmitted, None),
        EditEffect::Rerouted { from } => (
            Action::Rerouted,
            Some(format!("from {from} to {}", after.supervisor())),
        ),
    };
    deps.store
        .save_application(
            before.version,
            require_pending,
            &after,
            &entry(actor, &after, action, note),
        )
        .await?;
    match effect {
        EditEffect::Updated => {}
        EditEffect::Rerouted { .. } | EditEffect::Resubmitted => {
            deps.notify(notify::review_requested(&after, &deps.config.base_url))
                .await;
        }
    }
    Ok(Json(ApplicationView::of(&after, actor)))
}

#[tracing::instrument(skip_all)]
async fn edit(
    State(deps): State<Deps>,
    Caller(actor): Caller,
    Path(id): Path<String>,
    JsonBody(body): JsonBody,
) -> Result<Json<ApplicationView>, ApiError> {
    let app = load_own(&deps, &actor, &id).await?;
    if let Some(role) = body.get("role").and_then(Value::as_str)
        && role != app.role.as_str()
    {
        return Err(ApiError::Invalid(FieldErrors::single(
            "role",
            "The role of an application cannot change; apply separately for the other role.",
        )));
    }
    let details = Details::parse(&body, app.role, &actor.email, &deps.config.domains)
        .map_err(ApiError::Invalid)?;
    let (after, effect) = app
        .edit(&actor.email, details, deps.now())
        .map_err(refused)?;
    // A pending application must still be pending when the edit lands, or a
    // decision made meanwhile would be overwritten; the version check covers it.
    save_change(&deps, &actor, &app, after, effect, false).await
}

#[tracing::instrument(skip_all)]
async fn reroute(
    State(deps): State<Deps>,
    Caller(actor): Caller,
    Path(id): Path<String>,
    JsonBody(body): JsonBody,
) -> Result<Json<ApplicationView>, ApiError> {
    let app = load_own(&deps, &actor, &id).await?;
    let mut form = FormReader::new(&body);
    let supervisor = Supervisor::read(&mut form, &actor.email, &deps.config.domains);
    let supervisor = form.finish(supervisor).map_err(ApiError::Invalid)?;
    let (after, effect) = app
        .reroute(&actor.email, supervisor, deps.now())
        .map_err(refused)?;
    save_change(&deps, &actor, &app, after, effect, true).await
}
