//! The matching run on demand: a dry run that shows the suggested matches
//! without storing or sending anything, and publishing them.

use axum::Json;
use axum::extract::State;
use moments_adapters::deps::Deps;
use moments_adapters::http::{ApiError, Caller};
use moments_usecases::matching::{self as run, Figures, Proposal};
use serde::Serialize;

use crate::program_admin;

const WHAT: &str = "run the matching";

/// What was published: the run's figures, and how many mentees were
/// emailed their suggestions now (each once per run).
#[derive(Serialize, utoipa::ToSchema)]
pub struct Published {
    #[serde(flatten)]
    figures: Figures,
    emailed: usize,
}

/// The quarterly matching computed now, without storing or sending anything.
#[utoipa::path(post, path = "/api/admin/matching/preview", operation_id = "preview_matching", tag = "reports",
    security(("session" = [])),
    responses(
        (status = 200, description = "The suggested matches", body = Proposal),
        (status = 403, description = "Not a program administrator"),
    ))]
#[tracing::instrument(skip_all)]
pub async fn preview(
    State(deps): State<Deps>,
    Caller(actor): Caller,
) -> Result<Json<Proposal>, ApiError> {
    program_admin(&actor, WHAT)?;
    let proposal = run::compute(&deps, deps.now()).await?;
    Ok(Json(proposal))
}

/// The quarterly matching run now: every mentee's list stored, and each
/// mentee with suggestions emailed once per run.
#[utoipa::path(post, path = "/api/admin/matching/publish", operation_id = "publish_matching", tag = "reports",
    security(("session" = [])),
    responses(
        (status = 200, description = "Published", body = Published),
        (status = 403, description = "Not a program administrator"),
    ))]
#[tracing::instrument(skip_all)]
pub async fn publish(
    State(deps): State<Deps>,
    Caller(actor): Caller,
) -> Result<Json<Published>, ApiError> {
    program_admin(&actor, WHAT)?;
    let now = deps.now();
    let proposal = run::compute(&deps, now).await?;
    let emailed = run::publish(&deps, &proposal, now).await?;
    Ok(Json(Published {
        figures: proposal.figures,
        emailed,
    }))
}
