//! The `reports` function: running the program. Metrics and exports for
//! program and department administrators; for program administrators, the
//! matching run, department administrators and audit trails.

use axum::Router;
use axum::routing::{delete, get, post};
use moments_adapters::http::{ApiError, Deps};
use moments_domain::access::Actor;
use moments_domain::application::FieldErrors;
use moments_domain::metrics::Quarter;
use moments_domain::reports::Scope;
use serde::Deserialize;

mod admins;
mod exports;
mod matching;
pub mod metrics;
mod privacy;

pub fn router() -> Router<Deps> {
    Router::new()
        .route("/api/admin/matching/preview", post(matching::preview))
        .route("/api/admin/matching/publish", post(matching::publish))
        .route("/api/admin/metrics", get(metrics::report))
        .route("/api/admin/exports/{name}", get(exports::export))
        .route("/api/admin/audit/{kind}/{id}", get(admins::audit))
        .route("/api/admin/people", get(admins::person))
        .route(
            "/api/admin/department-admins",
            get(admins::list).post(admins::add),
        )
        .route(
            "/api/admin/department-admins/{department}/{email}",
            delete(admins::remove),
        )
        .route(
            "/api/privacy/erasure",
            get(privacy::status).post(privacy::request),
        )
        .route("/api/admin/erasures", get(privacy::list))
        .route("/api/admin/erasures/{email}", post(privacy::carry_out))
}

fn program_admin(actor: &Actor, what: &str) -> Result<(), ApiError> {
    if actor.program_admin {
        Ok(())
    } else {
        Err(ApiError::Forbidden(format!(
            "Only program administrators can {what}."
        )))
    }
}

/// What the caller may see of the program's records, or 403.
fn scope(actor: &Actor) -> Result<Scope, ApiError> {
    Scope::of(actor).ok_or_else(|| {
        ApiError::Forbidden(
            "Only program and department administrators can see the program's reports.".into(),
        )
    })
}

/// `?quarter=2026-Q3`, optional.
#[derive(Debug, Deserialize)]
pub struct QuarterFilter {
    pub quarter: Option<String>,
}

impl QuarterFilter {
    fn parse(&self) -> Result<Option<Quarter>, ApiError> {
        match self.quarter.as_deref().map(str::trim) {
            None | Some("") => Ok(None),
            Some(raw) => Quarter::parse(raw)
                .map(Some)
                .map_err(|e| ApiError::Invalid(FieldErrors::single("quarter", e))),
        }
    }
}
