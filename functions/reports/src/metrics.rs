//! The program's metrics, read from the counters kept on write: one Query
//! of the `METRICS` partition, whatever the number of records.

use axum::Json;
use axum::extract::{Query, State};
use moments_adapters::http::{ApiError, Caller, Deps};
use moments_domain::metrics::Report;
use moments_domain::reports::Scope;
use serde_json::{Value, json};

use crate::{QuarterFilter, scope};

/// Who the report is about, as the page shows it.
pub(crate) fn scope_view(scope: &Scope) -> Value {
    match scope {
        Scope::Program => json!({"program": true, "departments": []}),
        Scope::Departments(ids) => json!({
            "program": false,
            "departments": ids.iter().map(|d| json!({"id": d.as_str(), "name": d.name()})).collect::<Vec<_>>(),
        }),
    }
}

#[tracing::instrument(skip_all)]
pub async fn report(
    State(deps): State<Deps>,
    Caller(actor): Caller,
    Query(filter): Query<QuarterFilter>,
) -> Result<Json<Value>, ApiError> {
    let scope = scope(&actor)?;
    let quarter = filter.parse()?;
    let (buckets, read) = deps.store.metric_buckets(quarter).await?;
    let visible: Vec<_> = buckets
        .into_iter()
        .filter(|(bucket, _)| scope.covers(&bucket.department))
        .collect();
    let mut report = json!(Report::build(&visible));
    if let Some(rows) = report["by_department"].as_array_mut() {
        for row in rows {
            let id = row["department"].as_str().unwrap_or_default().to_string();
            let name = moments_domain::fields::DepartmentId::parse(&id)
                .map(|d| d.name())
                .unwrap_or_default();
            row["department"] = json!({"id": id, "name": name});
        }
    }
    tracing::info!(items_read = read, "metrics");
    Ok(Json(json!({
        "scope": scope_view(&scope),
        "quarter": quarter.map(|q| q.to_string()),
        "report": report,
        "items_read": read,
    })))
}
