//! The OpenAPI document of the HTTP API, generated from the code: each
//! function annotates its handlers (`#[utoipa::path]`) and lists them in its
//! `openapi()`; this module holds what they share — the shapes of bodies and
//! answers, the problem responses, the session cookie — and puts the parts
//! together. Schemathesis (run by the test command) checks the running
//! platform against the result, so a shape here that drifts from what a
//! handler does fails the tests.
//!
//! Adding an operation: annotate the handler with `#[utoipa::path(...)]`
//! naming its specific answers (the common problems below are added to
//! every operation), and add it to `paths(...)` of its function's `Api`.
//! A new function joins the document in `moments_auth::document`, which
//! the auth function serves at `/api/openapi.json` (in AWS and locally).

use std::collections::BTreeMap;

use serde_json::Value;
use utoipa::openapi::path::Operation;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, SecurityScheme};
use utoipa::openapi::{
    ContentBuilder, HeaderBuilder, OpenApi, Ref, RefOr, Response, ResponseBuilder,
};
use utoipa::{PartialSchema, ToSchema};

use super::SESSION_COOKIE;

/// The name of the session cookie's security scheme in the document.
pub const SESSION: &str = "session";

/// An RFC 9457 problem, as every error answer carries it.
#[derive(ToSchema)]
#[allow(dead_code)] // a shape for the document; answers are built in error.rs
pub struct Problem {
    /// `/problems/{kind}`: invalid-input, bad-request, sign-in-required,
    /// forbidden, cross-origin, not-found, conflict, gone, too-large,
    /// too-many-requests, unavailable.
    #[schema(rename = "type", example = "/problems/invalid-input")]
    kind: String,
    title: String,
    status: u16,
    detail: String,
    /// Per-field messages, keyed by the request body's field names (422 only).
    #[schema(required = false)]
    errors: Option<BTreeMap<String, String>>,
}

/// `{id, name}` of a department, working hours and the like.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct Named {
    id: String,
    name: String,
}

/// A skill of the program's catalogue.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct SkillView {
    id: String,
    name: String,
    #[schema(inline)]
    kind: SkillKindName,
}

#[derive(ToSchema)]
#[schema(rename_all = "lowercase")]
#[allow(dead_code)]
pub enum SkillKindName {
    Career,
    Soft,
}

/// Complete an operation's answers: every error status it names gets the
/// problem body (and 429 its `Retry-After`), and it gets the problems every
/// operation can give: 401 when it needs a session; 400 when it has path or
/// query parameters (one repeated, or not UTF-8); 400, 403 (another origin)
/// and 413 when it can change something; 503 always.
fn complete(method: &str, op: &mut Operation) {
    let secured = op.security.as_ref().is_some_and(|s| !s.is_empty());
    let parameters = op.parameters.as_ref().is_some_and(|p| !p.is_empty());
    let responses = &mut op.responses.responses;
    for (status, response) in responses.iter_mut() {
        if let RefOr::T(response) = response
            && status.as_str() >= "400"
            && response.content.is_empty()
        {
            response.content.insert(
                "application/problem+json".into(),
                RefOr::T(
                    ContentBuilder::new()
                        .schema(Some(RefOr::Ref(Ref::from_schema_name("Problem"))))
                        .build(),
                ),
            );
            if status == "429" {
                response.headers.insert(
                    "Retry-After".into(),
                    RefOr::T(
                        HeaderBuilder::new()
                            .schema(Some(u64::schema()))
                            .description(Some("Seconds until the limit lets this through again."))
                            .build(),
                    ),
                );
            }
        }
    }
    let mut add = |code: &str| {
        responses
            .entry(code.to_string())
            .or_insert_with(|| RefOr::Ref(Ref::from_response_name("Problem")));
    };
    if secured {
        add("401");
    }
    if parameters {
        add("400");
    }
    if !matches!(method, "get" | "head" | "options") {
        add("400");
        add("403");
        add("413");
    }
    add("503");
}

fn problem_response() -> Response {
    ResponseBuilder::new()
        .description("A problem (RFC 9457); `type` says which.")
        .content(
            "application/problem+json",
            ContentBuilder::new()
                .schema(Some(RefOr::Ref(Ref::from_schema_name("Problem"))))
                .build(),
        )
        .build()
}

/// The whole document from the functions' parts.
pub fn document(parts: impl IntoIterator<Item = OpenApi>) -> OpenApi {
    let mut doc = OpenApi::new(
        utoipa::openapi::InfoBuilder::new()
            .title("MOments API")
            .version(env!("CARGO_PKG_VERSION"))
            .description(Some(
                "The HTTP API of MOments, the statewide employee mentoring program \
                 (docs/api.md explains it). Every change must come from the site's \
                 own origin (docs/security.md).",
            ))
            .build(),
        utoipa::openapi::Paths::new(),
    );
    for part in parts {
        doc.merge(part);
    }
    let components = doc.components.get_or_insert_with(Default::default);
    components.add_security_scheme(
        SESSION,
        SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
            SESSION_COOKIE,
            "Signed session cookie set by POST /api/auth/session.",
        ))),
    );
    components
        .schemas
        .insert("Problem".into(), Problem::schema());
    components
        .responses
        .insert("Problem".into(), RefOr::T(problem_response()));
    for item in doc.paths.paths.values_mut() {
        let operations = [
            ("get", &mut item.get),
            ("put", &mut item.put),
            ("post", &mut item.post),
            ("delete", &mut item.delete),
            ("patch", &mut item.patch),
        ];
        for (method, op) in operations {
            if let Some(op) = op {
                complete(method, op);
            }
        }
    }
    doc
}

/// The document as JSON, as served at `/api/openapi.json`.
pub fn to_json(doc: &OpenApi) -> Value {
    serde_json::to_value(doc).unwrap_or(Value::Null)
}

// ------------------------------------------------------------------ shapes
// What `views` builds, as the document shows it. Doc-only types: the answers
// themselves are built in `views` (and checked against these by schemathesis).

/// An application's supervisor.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct SupervisorView {
    first_name: String,
    last_name: String,
    email: String,
}

/// Someone in a request or mentorship, as the other side sees them
/// (`phone` only in mentorships, once matched).
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct PersonView {
    application_id: String,
    email: String,
    first_name: String,
    last_name: String,
    job_title: String,
    department: Named,
    #[schema(required = false)]
    phone: Option<String>,
}

#[derive(ToSchema)]
#[schema(rename_all = "lowercase")]
#[allow(dead_code)]
pub enum RequestStatusName {
    Pending,
    Accepted,
    Declined,
    Withdrawn,
    Closed,
}

/// A "Select as Mentor" request.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct RequestView {
    id: String,
    #[schema(inline)]
    status: RequestStatusName,
    mentee: PersonView,
    mentor: PersonView,
    message: Option<String>,
    /// Why it closed: the decline reason, or that one side filled up.
    reason: Option<String>,
    created_at: String,
    updated_at: String,
    mentorship_id: Option<String>,
    /// The mentee's application, for the mentor reading a single request.
    #[schema(required = false)]
    mentee_application: Option<super::views::ApplicationView>,
}

/// A mentorship agreement.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct AgreementView {
    goals: String,
    steps: Option<String>,
    schedule: Option<String>,
    /// `YYYY-MM-DD`.
    end_date: Option<String>,
    off_limits: Option<String>,
    version: u32,
    confirmed_by_mentee: bool,
    confirmed_by_mentor: bool,
    updated_by: String,
    updated_at: String,
}

/// A logged meeting.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct MeetingView {
    id: String,
    /// `YYYY-MM-DD`.
    date: String,
    minutes: u32,
    topic: Option<String>,
    logged_by: String,
}

#[derive(ToSchema)]
#[schema(rename_all = "lowercase")]
#[allow(dead_code)]
pub enum MentorshipStatusName {
    Active,
    Completed,
    Discontinued,
}

/// A mentorship as its two people see it.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct MentorshipView {
    id: String,
    #[schema(inline)]
    status: MentorshipStatusName,
    mentee: PersonView,
    mentor: PersonView,
    /// `mentee` or `mentor`.
    my_role: Option<String>,
    started_at: String,
    ended_at: Option<String>,
    ended_by: Option<String>,
    /// `completed` or `discontinued` once ended.
    outcome: Option<String>,
    end_reason: Option<String>,
    agreement: Option<AgreementView>,
    meeting_count: u32,
    minutes: u32,
    hours: f64,
    /// Only when one mentorship is read.
    #[schema(required = false)]
    meetings: Option<Vec<MeetingView>>,
    /// Whether the caller answered its survey (lists and single reads).
    #[schema(required = false)]
    survey_answered: Option<bool>,
}
