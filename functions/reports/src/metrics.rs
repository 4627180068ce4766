//! The program's metrics, read from the counters kept on write: one Query
//! of the `METRICS` partition, whatever the number of records.

use axum::Json;
use axum::extract::State;
use moments_adapters::deps::Deps;
use moments_adapters::http::views::Named;
use moments_adapters::http::{ApiError, Caller, Query};
use moments_domain::calendar::MatchGroup;
use moments_domain::departments::StoredDepartments;
use moments_domain::metrics::{DepartmentMeasures, GroupMeasures, Measures, Report};
use moments_domain::reports::Scope;
use serde::Serialize;

use crate::{FiguresFilter, scope};

/// Who the figures are about.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ScopeView {
    /// The whole program (program administrators).
    program: bool,
    /// The caller's departments (department administrators); empty for the program.
    departments: Vec<Named>,
}

impl ScopeView {
    fn of(scope: &Scope, list: &StoredDepartments) -> Self {
        match scope {
            Scope::Program => ScopeView {
                program: true,
                departments: Vec::new(),
            },
            Scope::Departments(ids) => ScopeView {
                program: false,
                departments: ids.iter().map(|d| list.entry(d)).collect(),
            },
        }
    }
}

/// The figures the caller may see.
#[derive(Serialize, utoipa::ToSchema)]
pub struct MetricsView {
    scope: ScopeView,
    /// The quarter asked for, or null for all of them.
    quarter: Option<String>,
    /// The match group asked for (its id), or null for all of them.
    group: Option<String>,
    report: Report,
    /// Counter items read to build the report.
    items_read: usize,
}

/// Each group's name from the calendar, and the groups in the order of
/// their suggested matches, records of no group last: one read per group
/// with figures (four a year), none for `known`, the group already read.
async fn name_groups(
    deps: &Deps,
    groups: &mut Vec<GroupMeasures>,
    known: Option<&MatchGroup>,
) -> Result<(), ApiError> {
    let mut keyed = Vec::with_capacity(groups.len());
    for mut g in std::mem::take(groups) {
        let found = match &g.group {
            Some(id) if known.is_some_and(|k| &k.id == id) => known.cloned(),
            Some(id) => moments_usecases::calendar::group(deps, id)
                .await?
                .map(|f| f.group),
            None => None,
        };
        g.name = found.as_ref().map(|f| f.name.to_string());
        keyed.push((found.map(|f| f.matches_on), g));
    }
    keyed.sort_by_key(|(on, g)| (g.group.is_none(), on.is_none(), *on, g.group.clone()));
    groups.extend(keyed.into_iter().map(|(_, g)| g));
    Ok(())
}

/// The program's figures: the whole program for program administrators,
/// their departments for department administrators.
#[utoipa::path(get, path = "/api/admin/metrics", operation_id = "read_metrics", tag = "reports",
    params(FiguresFilter), security(("session" = [])),
    responses(
        (status = 200, description = "The figures the caller may see", body = MetricsView),
        (status = 403, description = "Neither a program nor a department administrator"),
        (status = 422, description = "`quarter` is not a quarter like 2026-Q3, or `group` is not one of the program's match groups"),
    ))]
#[tracing::instrument(skip_all)]
pub async fn report(
    State(deps): State<Deps>,
    Caller(actor): Caller,
    Query(filter): Query<FiguresFilter>,
) -> Result<Json<MetricsView>, ApiError> {
    let scope = scope(&actor)?;
    let slice = filter.parse(&deps).await?;
    let (buckets, read) = deps.store.metric_buckets(slice.quarter).await?;
    let visible: Vec<_> = buckets
        .into_iter()
        .filter(|(bucket, _)| {
            scope.covers(&bucket.department) && slice.holds(bucket.quarter, bucket.group.as_ref())
        })
        .collect();
    let list = deps.store.departments().await?;
    let mut report = Report::build(&visible, &list);
    // A department administrator sees each of their departments, quiet ones too.
    if let Scope::Departments(mine) = &scope {
        for dept in mine {
            if !report
                .by_department
                .iter()
                .any(|d| d.department.id == dept.as_str())
            {
                report.by_department.push(DepartmentMeasures {
                    department: list.entry(dept),
                    measures: Measures::default(),
                });
            }
        }
        report
            .by_department
            .sort_by(|a, b| a.department.id.cmp(&b.department.id));
    }
    name_groups(&deps, &mut report.by_group, slice.group.as_ref()).await?;
    tracing::info!(items_read = read, "metrics");
    Ok(Json(MetricsView {
        scope: ScopeView::of(&scope, &list),
        quarter: slice.quarter.map(|q| q.to_string()),
        group: slice.group.map(|g| g.id.to_string()),
        report,
        items_read: read,
    }))
}
