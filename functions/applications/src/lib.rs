//! The `applications` function: submit, read, edit, and reroute mentee and
//! mentor applications; the catalogue the forms are built from.

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, put};
use axum::{Json, Router};
use moments_adapters::http::openapi::Named;
use moments_adapters::http::views::{ApplicationView, catalogue};
use moments_adapters::http::{ApiError, Caller, Deps, JsonBody, Path, random_bytes};
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
        .route("/api/catalogue", get(read_catalogue))
        .route("/api/applications", get(mine).post(submit))
        .route("/api/applications/{id}", get(read).put(edit))
        .route("/api/applications/{id}/supervisor", put(reroute))
}

/// The operations of this function, for the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(read_catalogue, mine, submit, read, edit, reroute))]
struct Api;

pub fn openapi() -> utoipa::openapi::OpenApi {
    <Api as utoipa::OpenApi>::openapi()
}

/// An application form (POST creates it, PUT replaces its editable fields).
/// The applicant's email is the signed-in address, never a field.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
struct ApplicationForm {
    /// `mentee` or `mentor`; cannot change on PUT.
    role: String,
    first_name: String,
    last_name: String,
    #[schema(required = false)]
    phone: Option<String>,
    /// A department id from the catalogue.
    department: String,
    job_title: String,
    work_location: String,
    supervisor_first_name: String,
    supervisor_last_name: String,
    supervisor_email: String,
    /// `daytime`, `evening` or `overnight`.
    working_hours: String,
    bio: String,
    /// 3 to 6 skill ids from the catalogue, most important first, no repeats.
    skills: Vec<String>,
    /// Mentees only, required for them.
    #[schema(required = false)]
    goals: Option<String>,
    /// Mentors only: people already mentored outside the platform.
    #[schema(required = false)]
    prior_mentees: Option<Vec<String>>,
    full_time: bool,
    not_at_risk: bool,
    no_disciplinary_action: bool,
    agreement: bool,
}

#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
struct SupervisorForm {
    supervisor_first_name: String,
    supervisor_last_name: String,
    supervisor_email: String,
}

#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
struct Applications {
    applications: Vec<ApplicationView>,
}

#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
struct CatalogueView {
    career_skills: Vec<Named>,
    soft_skills: Vec<Named>,
    departments: Vec<Named>,
    working_hours: Vec<Named>,
}

/// The skills, departments and working hours the forms offer.
#[utoipa::path(get, path = "/api/catalogue", tag = "applications",
    responses((status = 200, description = "The catalogue", body = CatalogueView)))]
async fn read_catalogue() -> Json<&'static moments_domain::catalogue::Catalogue> {
    Json(catalogue())
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

/// Apply as mentee or mentor; the supervisor is emailed to review it.
#[utoipa::path(post, path = "/api/applications", operation_id = "submit_application", tag = "applications", request_body = ApplicationForm,
    security(("session" = [])),
    responses(
        (status = 201, description = "Submitted", body = ApplicationView),
        (status = 409, description = "The caller already has an application for that role"),
        (status = 422, description = "Fields need attention"),
    ))]
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

/// The signed-in person's applications.
#[utoipa::path(get, path = "/api/applications", operation_id = "my_applications", tag = "applications", security(("session" = [])),
    responses((status = 200, description = "At most one per role", body = Applications)))]
async fn mine(State(deps): State<Deps>, Caller(actor): Caller) -> Result<Json<Value>, ApiError> {
    let apps = deps.store.applications_of(&actor.email).await?;
    let views: Vec<ApplicationView> = apps
        .iter()
        .map(|a| ApplicationView::of(a, &actor))
        .collect();
    Ok(Json(json!({ "applications": views })))
}

/// One application: its applicant, their supervisor, administrators of its
/// department, program administrators.
#[utoipa::path(get, path = "/api/applications/{id}", operation_id = "read_application", tag = "applications", security(("session" = [])),
    params(("id" = String, Path, description = "Application id")),
    responses(
        (status = 200, description = "The application", body = ApplicationView),
        (status = 403, description = "Not the caller's to see"),
        (status = 404, description = "No such application"),
    ))]
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

/// Edit one's own application; a denied one goes back to review.
#[utoipa::path(put, path = "/api/applications/{id}", operation_id = "edit_application", tag = "applications", request_body = ApplicationForm,
    security(("session" = [])),
    params(("id" = String, Path, description = "Application id")),
    responses(
        (status = 200, description = "Saved", body = ApplicationView),
        (status = 403, description = "Not the caller's application"),
        (status = 404, description = "No such application"),
        (status = 409, description = "It changed meanwhile"),
        (status = 422, description = "Fields need attention"),
    ))]
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

/// Name another supervisor for a pending application (reroutes its review).
#[utoipa::path(put, path = "/api/applications/{id}/supervisor", tag = "applications",
    request_body = SupervisorForm, security(("session" = [])),
    params(("id" = String, Path, description = "Application id")),
    responses(
        (status = 200, description = "Rerouted", body = ApplicationView),
        (status = 403, description = "Not the caller's application"),
        (status = 404, description = "No such application"),
        (status = 409, description = "No longer pending"),
        (status = 422, description = "Fields need attention"),
    ))]
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
