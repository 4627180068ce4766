//! CSV exports of the program's records, each with the rows and columns the
//! caller may see (`moments_domain::reports`). Records are read through the
//! by-quarter index, one quarter at a time.

use std::collections::HashMap;

use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use moments_adapters::deps::Deps;
use moments_adapters::http::{ApiError, Caller, Path, Query};
use moments_adapters::security::{SecurityEvent, SecurityKind};
use moments_adapters::store::MentorshipRecord;
use moments_domain::application::{Application, ApplicationId};
use moments_domain::metrics::Quarter;
use moments_domain::reports::{self, PairTotals, Table};

use crate::{FiguresFilter, Slice, scope};

/// Which export; the document shows each by its file name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, utoipa::ToSchema)]
pub enum Export {
    #[schema(rename = "applications.csv")]
    Applications,
    #[schema(rename = "mentorships.csv")]
    Mentorships,
    #[schema(rename = "meetings.csv")]
    Meetings,
    #[schema(rename = "surveys.csv")]
    Surveys,
}

impl Export {
    fn parse(name: &str) -> Option<Export> {
        Some(match name {
            "applications.csv" => Export::Applications,
            "mentorships.csv" => Export::Mentorships,
            "meetings.csv" => Export::Meetings,
            "surveys.csv" => Export::Surveys,
            _ => return None,
        })
    }
    fn name(self) -> &'static str {
        match self {
            Export::Applications => "applications",
            Export::Mentorships => "mentorships",
            Export::Meetings => "meetings",
            Export::Surveys => "surveys",
        }
    }
}

/// The applications the records refer to, each read once, for names.
async fn people(
    deps: &Deps,
    records: &[MentorshipRecord],
) -> Result<HashMap<ApplicationId, Application>, ApiError> {
    let mut found = HashMap::new();
    for r in records {
        for id in [
            &r.mentorship.mentee_application,
            &r.mentorship.mentor_application,
        ] {
            if !found.contains_key(id)
                && let Some(app) = deps.store.application(id).await?
            {
                found.insert(id.clone(), app);
            }
        }
    }
    Ok(found)
}

async fn table(
    deps: &Deps,
    export: Export,
    slice: &Slice,
    quarters: &[Quarter],
    scope: &reports::Scope,
) -> Result<Table, ApiError> {
    let store = &deps.store;
    if export == Export::Applications {
        let mut apps = Vec::new();
        for q in quarters {
            apps.extend(store.applications_in_quarter(*q).await?);
        }
        apps.retain(|a| slice.in_group(a.match_group.as_ref()));
        return Ok(reports::applications(&apps, scope, &store.lists().await?));
    }
    let departments = store.departments().await?;
    // Meetings and survey answers sit in their mentorship's quarter.
    let mut pairs = Vec::new();
    let mut meetings = Vec::new();
    let mut surveys = Vec::new();
    for q in quarters {
        pairs.extend(store.mentorships_in_quarter(*q).await?);
        match export {
            Export::Meetings => meetings.extend(store.meetings_in_quarter(*q).await?),
            Export::Surveys => surveys.extend(store.surveys_in_quarter(*q).await?),
            _ => {}
        }
    }
    // A pair's meetings and answers follow it into or out of the group.
    pairs.retain(|r| slice.in_group(r.mentorship.counted.match_group.as_ref()));
    let by_id: HashMap<_, _> = pairs
        .iter()
        .map(|r| (&r.mentorship.id, &r.mentorship))
        .collect();
    Ok(match export {
        Export::Surveys => {
            let answers: Vec<_> = surveys
                .iter()
                .filter_map(|s| Some((*by_id.get(&s.mentorship)?, s)))
                .collect();
            reports::surveys(&answers, scope, &departments)
        }
        Export::Meetings => {
            let found = people(deps, &pairs).await?;
            let names = found.iter().collect();
            let logged: Vec<_> = meetings
                .iter()
                .filter_map(|(id, m)| Some((*by_id.get(id)?, m)))
                .collect();
            reports::meetings(&logged, &names, scope, &departments)
        }
        _ => {
            let found = people(deps, &pairs).await?;
            let names = found.iter().collect();
            let totals: Vec<_> = pairs
                .iter()
                .map(|r| PairTotals {
                    mentorship: &r.mentorship,
                    meetings: r.meeting_count,
                    minutes: r.minutes,
                })
                .collect();
            reports::mentorships(&totals, &names, scope, &departments)
        }
    })
}

/// The quarters whose records the slice may hold: the one asked for, or
/// those with counts (of the group asked for), from the counter items.
async fn quarters_of(deps: &Deps, slice: &Slice) -> Result<Vec<Quarter>, ApiError> {
    if slice.group.is_none() {
        return Ok(match slice.quarter {
            Some(q) => vec![q],
            None => deps.store.counted_quarters().await?,
        });
    }
    let (buckets, _) = deps.store.metric_buckets(slice.quarter).await?;
    let mut quarters: Vec<Quarter> = buckets
        .into_iter()
        .filter(|(b, _)| slice.holds(b.quarter, b.group.as_ref()))
        .map(|(b, _)| b.quarter)
        .collect();
    quarters.sort();
    quarters.dedup();
    Ok(quarters)
}

/// A spreadsheet reads a cell that starts with one of these as a formula;
/// a leading apostrophe keeps it text.
fn cell(value: &str) -> std::borrow::Cow<'_, str> {
    if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{value}").into()
    } else {
        value.into()
    }
}

/// The table as CSV, UTF-8 with a byte-order mark so spreadsheets that
/// guess the encoding read names correctly.
pub(crate) fn csv_of(table: &Table) -> Result<Vec<u8>, ApiError> {
    let mut out = csv::Writer::from_writer(b"\xEF\xBB\xBF".to_vec());
    let failed = |e: csv::Error| ApiError::Internal(Box::new(e));
    out.write_record(&table.header).map_err(failed)?;
    for row in &table.rows {
        out.write_record(row.iter().map(|v| cell(v).into_owned()))
            .map_err(failed)?;
    }
    out.into_inner()
        .map_err(|e| ApiError::Internal(e.to_string().into()))
}

/// One export as CSV (UTF-8 with a byte-order mark), with the rows and
/// columns the caller may see (docs/api.md).
#[utoipa::path(get, path = "/api/admin/exports/{name}", operation_id = "export_csv", tag = "reports",
    params(("name" = inline(Export), Path, description = "Which export"), FiguresFilter),
    security(("session" = [])),
    responses(
        (status = 200, description = "The file", body = String, content_type = "text/csv",
            headers(("Content-Disposition" = String, description = "`attachment`, with the file's name"))),
        (status = 403, description = "Neither a program nor a department administrator"),
        (status = 404, description = "No export of that name"),
        (status = 422, description = "`quarter` is not a quarter like 2026-Q3, or `group` is not one of the program's match groups"),
    ))]
#[tracing::instrument(skip_all, fields(export = %name))]
pub async fn export(
    State(deps): State<Deps>,
    Caller(actor): Caller,
    Path(name): Path<String>,
    Query(filter): Query<FiguresFilter>,
) -> Result<Response, ApiError> {
    let scope = scope(&actor)?;
    let export = Export::parse(&name).ok_or(ApiError::NotFound("export"))?;
    let slice = filter.parse(&deps).await?;
    let quarters = quarters_of(&deps, &slice).await?;
    let table = table(&deps, export, &slice, &quarters, &scope).await?;
    let body = csv_of(&table)?;
    let scope_words = match &scope {
        reports::Scope::Program => "the whole program".to_string(),
        reports::Scope::Departments(d) => {
            d.iter().map(|d| d.as_str()).collect::<Vec<_>>().join(", ")
        }
    };
    deps.security(SecurityEvent::by(
        SecurityKind::Export,
        &actor.email,
        format!(
            "{}.csv of {scope_words}, {}: {} rows",
            export.name(),
            slice.describe("every quarter"),
            table.rows.len()
        ),
    ))
    .await;
    let file = format!("moments-{}-{}.csv", export.name(), slice.file_part());
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{file}\""),
            ),
            (header::CACHE_CONTROL, "no-store".to_string()),
        ],
        body,
    )
        .into_response())
}
