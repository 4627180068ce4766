//! Matching runs on demand. Starting a run and publishing it each answer
//! at once (202) and leave the work to jobs, so neither waits on one web
//! request, however many mentees there are; the admin page follows the
//! run and pages through its lists a hundred mentees at a time.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use moments_adapters::deps::Deps;
use moments_adapters::http::{ApiError, Caller, Form, Path, Query};
use moments_adapters::store::matching_runs::is_run_id;
use moments_domain::form::{Count, FieldErrors, Flag, FormReader, Texts};
use moments_usecases::matching::{self as run, ListChange, ListsPage, MenteeList, Run};
use serde::{Deserialize, Serialize};

use crate::program_admin;

const WHAT: &str = "run the matching";

/// The latest runs, newest first.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Runs {
    runs: Vec<Run>,
}

/// Which page of a run's lists.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct PageParams {
    /// From 1; a hundred mentees a page.
    #[param(required = false)]
    page: String,
}

/// The run's id as a key, or 404: an id of another shape names no run.
fn run_id(id: &str) -> Result<&str, ApiError> {
    if is_run_id(id) {
        Ok(id)
    } else {
        Err(ApiError::NotFound("matching run"))
    }
}

/// Start a matching run: its lists are worked out by a job, without storing
/// anything for the mentees or emailing anyone.
#[utoipa::path(post, path = "/api/admin/matching/runs", operation_id = "start_matching_run", tag = "reports",
    security(("session" = [])),
    responses(
        (status = 202, description = "Started; follow it at its address", body = Run),
        (status = 403, description = "Not a program administrator"),
    ))]
#[tracing::instrument(skip_all)]
pub async fn start(
    State(deps): State<Deps>,
    Caller(actor): Caller,
) -> Result<(StatusCode, Json<Run>), ApiError> {
    program_admin(&actor, WHAT)?;
    let now = deps.now();
    let started = run::start(&deps, &actor.email, now).await?;
    deps.schedule_job(&run::work_out_job(&started), now).await;
    Ok((StatusCode::ACCEPTED, Json(started)))
}

/// The latest matching runs (at most five), newest first.
#[utoipa::path(get, path = "/api/admin/matching/runs", operation_id = "matching_runs", tag = "reports",
    security(("session" = [])),
    responses(
        (status = 200, description = "The latest runs", body = Runs),
        (status = 403, description = "Not a program administrator"),
    ))]
#[tracing::instrument(skip_all)]
pub async fn list(State(deps): State<Deps>, Caller(actor): Caller) -> Result<Json<Runs>, ApiError> {
    program_admin(&actor, WHAT)?;
    Ok(Json(Runs {
        runs: run::latest(&deps).await?,
    }))
}

/// One matching run: where it has got to, its figures once worked out,
/// and how far publishing has got.
#[utoipa::path(get, path = "/api/admin/matching/runs/{id}", operation_id = "matching_run", tag = "reports",
    security(("session" = [])),
    params(("id" = String, Path, description = "The run's id")),
    responses(
        (status = 200, description = "The run", body = Run),
        (status = 403, description = "Not a program administrator"),
        (status = 404, description = "No such run"),
    ))]
#[tracing::instrument(skip_all)]
pub async fn one(
    State(deps): State<Deps>,
    Caller(actor): Caller,
    Path(id): Path<String>,
) -> Result<Json<Run>, ApiError> {
    program_admin(&actor, WHAT)?;
    run::run_of(&deps, run_id(&id)?)
        .await?
        .map(Json)
        .ok_or(ApiError::NotFound("matching run"))
}

/// A page of a run's lists (a hundred mentees), each mentee's suggested
/// mentors with the reasons and fits, names as the applications give them now.
#[utoipa::path(get, path = "/api/admin/matching/runs/{id}/lists", operation_id = "matching_run_lists", tag = "reports",
    security(("session" = [])),
    params(("id" = String, Path, description = "The run's id"), PageParams),
    responses(
        (status = 200, description = "A page of lists", body = ListsPage),
        (status = 422, description = "The page is not a whole number from 1"),
        (status = 403, description = "Not a program administrator"),
        (status = 404, description = "No such run, its lists are not worked out yet, or no such page"),
    ))]
#[tracing::instrument(skip_all)]
pub async fn lists(
    State(deps): State<Deps>,
    Caller(actor): Caller,
    Path(id): Path<String>,
    Query(params): Query<PageParams>,
) -> Result<Json<ListsPage>, ApiError> {
    program_admin(&actor, WHAT)?;
    let page = match params.page.trim() {
        "" => 1,
        n => match n.parse::<u32>() {
            Ok(n) if n >= 1 => n,
            _ => {
                let mut errors = FieldErrors::default();
                errors.add("page", "The page must be a whole number from 1.");
                return Err(ApiError::Invalid(errors));
            }
        },
    };
    run::lists_page(&deps, run_id(&id)?, page - 1)
        .await?
        .map(Json)
        .ok_or(ApiError::NotFound("page of lists"))
}

/// A change to one mentee's list in a run.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct ListForm {
    /// The page the list is on, from 1, as the lists gave it.
    #[schema(value_type = u32, minimum = 1)]
    page: Count,
    /// Hold the mentee back: publishing leaves their list as it was and
    /// does not email them.
    #[schema(value_type = bool)]
    held: Flag,
    /// Application ids of the suggested mentors to leave out (any removed
    /// before and not named come back).
    #[schema(value_type = Vec<String>)]
    removed: Texts,
}

/// Hold a mentee back, or remove suggestions from their list, in a run
/// that is ready and not yet published.
#[utoipa::path(put, path = "/api/admin/matching/runs/{id}/lists/{mentee}", operation_id = "change_matching_list", tag = "reports",
    request_body = ListForm, security(("session" = [])),
    params(
        ("id" = String, Path, description = "The run's id"),
        ("mentee" = String, Path, description = "The mentee's application id"),
    ),
    responses(
        (status = 200, description = "The list as it is now", body = MenteeList),
        (status = 403, description = "Not a program administrator"),
        (status = 404, description = "No such run, or no such mentee on that page"),
        (status = 409, description = "The run is being published or published already, or someone changed the page at the same moment"),
        (status = 422, description = "Fields need attention"),
    ))]
#[tracing::instrument(skip_all)]
pub async fn change_list(
    State(deps): State<Deps>,
    Caller(actor): Caller,
    Path((id, mentee)): Path<(String, String)>,
    Form(body): Form<ListForm>,
) -> Result<Json<MenteeList>, ApiError> {
    program_admin(&actor, WHAT)?;
    let mut form = FormReader::new();
    let page = form.count(
        "page",
        &body.page,
        1..=u64::from(u32::MAX),
        "Give the page the list is on, a whole number from 1.",
    );
    let held = form.flag("held", &body.held);
    let removed = form.list("removed", &body.removed);
    let page = form.finish(page)?;
    let change = ListChange {
        page: u32::try_from(page - 1).unwrap_or(u32::MAX),
        mentee,
        held,
        removed,
    };
    Ok(Json(run::change_list(&deps, run_id(&id)?, change).await?))
}

/// Publish a run whose lists are ready (worked out within the last day):
/// jobs store each mentee's list, as the mentees and mentors are by then,
/// and email each mentee with suggestions once per match group.
#[utoipa::path(post, path = "/api/admin/matching/runs/{id}/publish", operation_id = "publish_matching_run", tag = "reports",
    security(("session" = [])),
    params(("id" = String, Path, description = "The run's id")),
    responses(
        (status = 202, description = "Publishing; follow it at the run's address", body = Run),
        (status = 403, description = "Not a program administrator"),
        (status = 404, description = "No such run"),
        (status = 409, description = "The run is not ready, is published already, failed, or is more than a day old"),
    ))]
#[tracing::instrument(skip_all)]
pub async fn publish(
    State(deps): State<Deps>,
    Caller(actor): Caller,
    Path(id): Path<String>,
) -> Result<(StatusCode, Json<Run>), ApiError> {
    program_admin(&actor, WHAT)?;
    let now = deps.now();
    let run = run::publish(&deps, &actor.email, run_id(&id)?, now).await?;
    if let Some(job) = run::publish_job(&run) {
        deps.schedule_job(&job, now).await;
    }
    Ok((StatusCode::ACCEPTED, Json(run)))
}
