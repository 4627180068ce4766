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

/// The operations of this function, for the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(
    metrics::report,
    exports::export,
    admins::audit,
    admins::person,
    admins::list,
    admins::add,
    admins::remove,
    matching::preview,
    matching::publish,
    privacy::status,
    privacy::request,
    privacy::list,
    privacy::carry_out,
))]
struct Api;

pub fn openapi() -> utoipa::openapi::OpenApi {
    <Api as utoipa::OpenApi>::openapi()
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
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct QuarterFilter {
    /// One match group, e.g. `2026-Q3`; every quarter when absent.
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

#[cfg(test)]
mod tests {
    use serde_json::{Map, Value};

    /// Where `value` and the document's schema `name` disagree on the names
    /// of an object's fields, as `path.field`: the answers built with
    /// `json!` from domain types are mirrored by doc-only shapes, and a
    /// field added on one side only must not go unnoticed.
    pub fn undocumented(value: &Value, name: &str) -> Vec<String> {
        let doc = serde_json::to_value(crate::openapi()).expect("document");
        let schemas = doc["components"]["schemas"].as_object().expect("schemas");
        differences(value, &schemas[name], schemas, name)
    }

    fn differences(
        value: &Value,
        schema: &Value,
        schemas: &Map<String, Value>,
        at: &str,
    ) -> Vec<String> {
        let schema = match schema["$ref"].as_str() {
            Some(r) => &schemas[r.rsplit('/').next().unwrap_or_default()],
            None => schema,
        };
        match value {
            Value::Object(fields) => {
                let listed = schema["properties"]
                    .as_object()
                    .cloned()
                    .unwrap_or_default();
                let mut out: Vec<String> = fields
                    .keys()
                    .filter(|k| !listed.contains_key(*k))
                    .chain(listed.keys().filter(|k| !fields.contains_key(*k)))
                    .map(|k| format!("{at}.{k}"))
                    .collect();
                for (name, field) in fields {
                    if let Some(s) = listed.get(name) {
                        out.extend(differences(field, s, schemas, &format!("{at}.{name}")));
                    }
                }
                out
            }
            Value::Array(items) => items
                .iter()
                .flat_map(|item| differences(item, &schema["items"], schemas, &format!("{at}[]")))
                .collect(),
            _ => Vec::new(),
        }
    }
}
