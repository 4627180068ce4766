//! The matching run on demand: a dry run that shows the suggested matches
//! without storing or sending anything, and publishing them.

use axum::Json;
use axum::extract::State;
use moments_adapters::http::openapi::Named;
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

// Doc-only shapes of `moments_matching::Proposal`, as the document shows it.

/// A suggested mentor.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
struct SuggestedMentor {
    mentor_application_id: String,
    first_name: String,
    last_name: String,
    job_title: String,
    department: Named,
    working_hours: Named,
    score: u32,
    reason: String,
}

/// One mentee's suggestions.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
struct MenteeSuggestions {
    email: String,
    name: String,
    application_id: String,
    /// Left without suggestions in the previous run.
    priority: bool,
    suggestions: Vec<SuggestedMentor>,
}

/// What the run would publish now.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
struct Preview {
    /// The run's date, `YYYY-MM-DD`.
    run: String,
    computed_at: String,
    /// Approved mentees without an active mentor.
    mentees: u64,
    with_suggestions: u64,
    mentors_listed: u64,
    total_fit: u64,
    largest_lists_per_mentor: u64,
    lists: Vec<MenteeSuggestions>,
}

/// What was published.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
struct Published {
    run: String,
    computed_at: String,
    mentees: u64,
    with_suggestions: u64,
    mentors_listed: u64,
    total_fit: u64,
    largest_lists_per_mentor: u64,
    /// Mentees emailed their suggestions now (each once per run).
    emailed: u64,
}

/// The quarterly matching computed now, without storing or sending anything.
#[utoipa::path(post, path = "/api/admin/matching/preview", operation_id = "preview_matching", tag = "reports",
    security(("session" = [])),
    responses(
        (status = 200, description = "The suggested matches", body = Preview),
        (status = 403, description = "Not a program administrator"),
    ))]
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

#[cfg(test)]
mod tests {
    use moments_matching::{MenteeList, Proposal, Suggested};

    use super::*;

    #[test]
    fn the_document_names_every_field_of_a_proposal_and_nothing_else() {
        let named = json!({"id": "revenue", "name": "Department of Revenue"});
        let proposal = Proposal {
            run: "2026-12-01".into(),
            computed_at: "2026-12-01T12:00:00Z".into(),
            mentees: 1,
            with_suggestions: 1,
            mentors_listed: 1,
            total_fit: 9,
            largest_lists_per_mentor: 1,
            lists: vec![MenteeList {
                email: "ada@mo.gov".into(),
                name: "Ada Lovelace".into(),
                application_id: "01J00000000000000000000000".into(),
                priority: false,
                suggestions: vec![Suggested {
                    mentor_application_id: "01J00000000000000000000001".into(),
                    first_name: "Max".into(),
                    last_name: "Mentor".into(),
                    job_title: "Analyst".into(),
                    department: named.clone(),
                    working_hours: named,
                    score: 9,
                    reason: "Shares 2 of your skills".into(),
                }],
            }],
        };
        let wrong = crate::tests::undocumented(&json!(proposal), "Preview");
        assert!(
            wrong.is_empty(),
            "the document and the preview differ at {wrong:?}"
        );
    }
}
