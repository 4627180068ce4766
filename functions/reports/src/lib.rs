//! The `reports` function: what program administrators run. For now the
//! matching run: a dry run that shows the suggested matches without storing
//! or sending anything, and publishing them.

use axum::extract::State;
use axum::routing::post;
use axum::{Json, Router};
use moments_adapters::http::{ApiError, Caller, Deps};
use moments_domain::access::Actor;
use serde_json::{Value, json};

pub fn router() -> Router<Deps> {
    Router::new()
        .route("/api/admin/matching/preview", post(preview))
        .route("/api/admin/matching/publish", post(publish))
}

fn program_admin(actor: &Actor) -> Result<(), ApiError> {
    if actor.program_admin {
        Ok(())
    } else {
        Err(ApiError::Forbidden(
            "Only program administrators can run the matching.".into(),
        ))
    }
}

fn failed(e: moments_matching::MatchingError) -> ApiError {
    match e {
        moments_matching::MatchingError::Store(s) => s.into(),
        other => ApiError::Internal(Box::new(other)),
    }
}

#[tracing::instrument(skip_all)]
async fn preview(State(deps): State<Deps>, Caller(actor): Caller) -> Result<Json<Value>, ApiError> {
    program_admin(&actor)?;
    let proposal = moments_matching::compute(&deps, deps.now())
        .await
        .map_err(failed)?;
    Ok(Json(json!(proposal)))
}

#[tracing::instrument(skip_all)]
async fn publish(State(deps): State<Deps>, Caller(actor): Caller) -> Result<Json<Value>, ApiError> {
    program_admin(&actor)?;
    let now = deps.now();
    let proposal = moments_matching::compute(&deps, now)
        .await
        .map_err(failed)?;
    let emailed = moments_matching::publish(&deps, &proposal, now)
        .await
        .map_err(failed)?;
    let mut summary = json!(proposal);
    if let Some(o) = summary.as_object_mut() {
        o.remove("lists");
        o.insert("emailed".into(), json!(emailed));
    }
    Ok(Json(summary))
}
