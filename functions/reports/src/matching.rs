//! The matching run on demand: a dry run that shows the suggested matches
//! without storing or sending anything, and publishing them.

use axum::Json;
use axum::extract::State;
use moments_adapters::http::{ApiError, Caller, Deps};
use serde_json::{Value, json};

use crate::program_admin;

const WHAT: &str = "run the matching";

fn failed(e: moments_matching::MatchingError) -> ApiError {
    match e {
        moments_matching::MatchingError::Store(s) => s.into(),
        other => ApiError::Internal(Box::new(other)),
    }
}

#[tracing::instrument(skip_all)]
pub async fn preview(
    State(deps): State<Deps>,
    Caller(actor): Caller,
) -> Result<Json<Value>, ApiError> {
    program_admin(&actor, WHAT)?;
    let proposal = moments_matching::compute(&deps, deps.now())
        .await
        .map_err(failed)?;
    Ok(Json(json!(proposal)))
}

#[tracing::instrument(skip_all)]
pub async fn publish(
    State(deps): State<Deps>,
    Caller(actor): Caller,
) -> Result<Json<Value>, ApiError> {
    program_admin(&actor, WHAT)?;
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
