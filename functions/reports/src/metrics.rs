//! The program's metrics, read from the counters kept on write: one Query
//! of the `METRICS` partition, whatever the number of records.

use axum::Json;
use axum::extract::State;
use moments_adapters::http::openapi::Named;
use moments_adapters::http::{ApiError, Caller, Deps, Query};
use moments_domain::metrics::{DepartmentMeasures, Measures, Report};
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

/// The program's figures: the whole program for program administrators,
/// their departments for department administrators.
#[utoipa::path(get, path = "/api/admin/metrics", operation_id = "read_metrics", tag = "reports",
    params(QuarterFilter), security(("session" = [])),
    responses(
        (status = 200, description = "The figures the caller may see", body = MetricsView),
        (status = 403, description = "Neither a program nor a department administrator"),
        (status = 422, description = "`quarter` is not a quarter like 2026-Q3"),
    ))]
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
    let mut report = Report::build(&visible);
    // A department administrator sees each of their departments, quiet ones too.
    if let Scope::Departments(mine) = &scope {
        for dept in mine {
            if !report.by_department.iter().any(|d| &d.department == dept) {
                report.by_department.push(DepartmentMeasures {
                    department: dept.clone(),
                    measures: Measures::default(),
                });
            }
        }
        report
            .by_department
            .sort_by(|a, b| a.department.cmp(&b.department));
    }
    let mut report = json!(report);
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

// ------------------------------------------------------------------ shapes
// The answer as the OpenAPI document shows it. Doc-only mirrors of
// `moments_domain::metrics` (the domain knows nothing of HTTP); schemathesis
// and `the_document_names_every_figure_of_a_report` below hold them to it.

/// Who the figures are about.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
struct ScopeView {
    /// The whole program (program administrators).
    program: bool,
    /// The caller's departments (department administrators); empty for the program.
    departments: Vec<Named>,
}

#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
struct MetricsView {
    scope: ScopeView,
    /// The quarter asked for, or null for all of them.
    quarter: Option<String>,
    report: ReportView,
    /// Counter items read to build the report.
    items_read: u64,
}

#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
struct ReportView {
    total: MeasuresView,
    by_quarter: Vec<QuarterMeasuresView>,
    by_department: Vec<DepartmentMeasuresView>,
}

#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
struct QuarterMeasuresView {
    /// e.g. `2026-Q3`.
    quarter: String,
    measures: MeasuresView,
}

#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
struct DepartmentMeasuresView {
    department: Named,
    measures: MeasuresView,
}

/// Applications by status.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
struct ProfilesView {
    pending: i64,
    approved: i64,
    denied: i64,
    total: i64,
}

/// "Select as Mentor" requests by status.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
struct RequestsView {
    total: i64,
    pending: i64,
    accepted: i64,
    declined: i64,
    withdrawn: i64,
    closed: i64,
    /// Accepted ÷ (accepted + declined + closed), 0 to 1; null when none.
    acceptance_rate: Option<f64>,
}

/// Mentorships by status.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
struct PairsView {
    connections: i64,
    active: i64,
    completed: i64,
    discontinued: i64,
}

/// The answers of one version of the survey.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
struct SurveySideView {
    responses: i64,
    /// 1 to 5; null without answers.
    average_satisfaction: Option<f64>,
    would_recommend_rate: Option<f64>,
    goals_met: i64,
    goals_partly_met: i64,
    goals_not_met: i64,
}

#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
struct SurveysView {
    mentee: SurveySideView,
    mentor: SurveySideView,
    /// Answers ÷ answers asked for (two per ended mentorship).
    response_rate: Option<f64>,
}

/// Every figure of one slice of the program (docs/reports.md says what each means).
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
struct MeasuresView {
    mentee_profiles: ProfilesView,
    mentor_profiles: ProfilesView,
    /// Mentees mentors served before the platform.
    prior_mentees: i64,
    requests: RequestsView,
    /// Mentorships of this slice's mentees.
    pairs: PairsView,
    /// Mentorships of this slice's mentors.
    mentoring: PairsView,
    median_days_to_approval: Option<f64>,
    median_days_to_match: Option<f64>,
    meetings: i64,
    /// Meeting hours of this slice's mentees' mentorships.
    hours: f64,
    /// Meeting hours of this slice's mentors' mentorships.
    mentor_hours: f64,
    surveys: SurveysView,
}

#[cfg(test)]
mod tests {
    use moments_domain::fields::DepartmentId;
    use moments_domain::metrics::{Bucket, Counters, Quarter};

    use super::*;

    #[test]
    fn the_document_names_every_figure_of_a_report_and_nothing_else() {
        let bucket = Bucket {
            quarter: Quarter::parse("2026-Q3").expect("quarter"),
            department: DepartmentId::parse("revenue").expect("department"),
        };
        let report = json!(Report::build(&[(bucket, Counters::new())]));
        let wrong = crate::tests::undocumented(&report, "ReportView");
        assert!(
            wrong.is_empty(),
            "the document and the report differ at {wrong:?}"
        );
    }
}
