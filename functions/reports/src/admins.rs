//! Program administrators' tools: department administrators, a person's
//! records, and the audit trail of any application, request or mentorship.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use moments_adapters::http::openapi::Named;
use moments_adapters::http::views::ApplicationView;
use moments_adapters::http::{ApiError, Caller, Deps, JsonBody, Path, Query};
use moments_adapters::store::StoreError;
use moments_domain::application::{ApplicationId, FieldErrors, FormReader};
use moments_domain::audit::AuditEntry;
use moments_domain::catalogue::Catalogue;
use moments_domain::fields::{DepartmentId, EmailAddress};
use moments_domain::mentorship::{MentorshipId, RequestId};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::program_admin;

fn entries(record: &str, trail: Vec<AuditEntry>) -> Vec<Value> {
    trail
        .into_iter()
        .map(|e| {
            json!({
                "record": record,
                "at": e.at.to_string(),
                "actor": e.actor.as_str(),
                "action": e.action,
                "on_behalf_of": e.on_behalf_of.as_ref().map(EmailAddress::as_str),
                "note": e.note,
            })
        })
        .collect()
}

/// The kinds of record with an audit trail.
#[derive(utoipa::ToSchema)]
#[schema(rename_all = "lowercase")]
#[allow(dead_code)]
enum RecordKind {
    Applications,
    Requests,
    Mentorships,
}

/// The record a trail is about.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
struct AuditedRecord {
    /// `application`, `request` or `mentorship`.
    kind: String,
    id: String,
    status: String,
    summary: String,
    /// The request a mentorship came from (mentorships only).
    #[schema(required = false)]
    request: Option<String>,
}

/// One change.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
struct AuditEntryView {
    /// `application`, `request` or `mentorship`: whose trail it is on.
    record: String,
    at: String,
    actor: String,
    /// e.g. `submitted`, `approved`, `request_accepted`, `mentorship_ended`.
    action: String,
    /// The supervisor an administrator acted for.
    on_behalf_of: Option<String>,
    note: Option<String>,
}

#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
struct AuditTrail {
    record: AuditedRecord,
    /// Oldest first.
    entries: Vec<AuditEntryView>,
}

/// `GET /api/admin/audit/{applications|requests|mentorships}/{id}`: who did
/// what to the record, and when, oldest first. A mentorship's trail starts
/// with the request it came from.
#[utoipa::path(get, path = "/api/admin/audit/{kind}/{id}", operation_id = "read_audit_trail", tag = "reports",
    params(
        ("kind" = inline(RecordKind), Path, description = "The kind of record"),
        ("id" = String, Path, description = "The record's id"),
    ),
    security(("session" = [])),
    responses(
        (status = 200, description = "The record and its trail", body = AuditTrail),
        (status = 403, description = "Not a program administrator"),
        (status = 404, description = "No such record"),
    ))]
#[tracing::instrument(skip_all)]
pub async fn audit(
    State(deps): State<Deps>,
    Caller(actor): Caller,
    Path((kind, id)): Path<(String, String)>,
) -> Result<Json<Value>, ApiError> {
    program_admin(&actor, "read audit trails")?;
    let store = &deps.store;
    let (record, trail) = match kind.as_str() {
        "applications" => {
            let id = ApplicationId::parse(&id).map_err(|_| ApiError::NotFound("application"))?;
            let app = store
                .application(&id)
                .await?
                .ok_or(ApiError::NotFound("application"))?;
            let record = json!({
                "kind": "application", "id": id.as_str(), "status": app.status.as_str(),
                "summary": format!("{} application of {}", app.role, app.applicant),
            });
            (record, entries("application", store.audit_of(&id).await?))
        }
        "requests" => {
            let id = RequestId::parse(&id).map_err(|_| ApiError::NotFound("request"))?;
            let r = store
                .request(&id)
                .await?
                .ok_or(ApiError::NotFound("request"))?;
            let record = json!({
                "kind": "request", "id": id.as_str(), "status": r.status.as_str(),
                "summary": format!("request from {} to {}", r.mentee, r.mentor),
            });
            (
                record,
                entries("request", store.audit_of_request(&id).await?),
            )
        }
        "mentorships" => {
            let id = MentorshipId::parse(&id).map_err(|_| ApiError::NotFound("mentorship"))?;
            let m = store
                .mentorship(&id)
                .await?
                .ok_or(ApiError::NotFound("mentorship"))?
                .mentorship;
            let record = json!({
                "kind": "mentorship", "id": id.as_str(), "status": m.status.as_str(),
                "summary": format!("mentorship of {} with {}", m.mentee, m.mentor),
                "request": m.request.as_str(),
            });
            let mut all = entries("request", store.audit_of_request(&m.request).await?);
            all.extend(entries("mentorship", store.audit_of_mentorship(&id).await?));
            all.sort_by(|a, b| a["at"].as_str().cmp(&b["at"].as_str()));
            (record, all)
        }
        _ => return Err(ApiError::NotFound("kind of record")),
    };
    Ok(Json(json!({"record": record, "entries": trail})))
}

#[derive(Debug, Deserialize)]
pub struct PersonQuery {
    email: Option<String>,
}

/// A request, in a person's records.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
struct PersonRequest {
    id: String,
    /// The person's side: `mentee` or `mentor`.
    role: String,
    status: String,
    mentee: String,
    mentor: String,
    created_at: String,
}

/// A mentorship, in a person's records.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
struct PersonMentorship {
    id: String,
    /// The person's side: `mentee` or `mentor`.
    role: Option<String>,
    status: String,
    mentee: String,
    mentor: String,
    started_at: String,
    meetings: u32,
    hours: f64,
}

#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
struct PersonRecords {
    email: String,
    program_admin: bool,
    /// Departments they administer.
    administers: Vec<Named>,
    applications: Vec<ApplicationView>,
    requests: Vec<PersonRequest>,
    mentorships: Vec<PersonMentorship>,
}

/// `GET /api/admin/people?email=...`: everything the platform holds about
/// one person, with ids to open audit trails from.
#[utoipa::path(get, path = "/api/admin/people", operation_id = "look_up_person", tag = "reports",
    params(("email" = String, Query, description = "The person's email address")),
    security(("session" = [])),
    responses(
        (status = 200, description = "Their records", body = PersonRecords),
        (status = 403, description = "Not a program administrator"),
        (status = 422, description = "`email` is not an email address"),
    ))]
#[tracing::instrument(skip_all)]
pub async fn person(
    State(deps): State<Deps>,
    Caller(actor): Caller,
    Query(q): Query<PersonQuery>,
) -> Result<Json<Value>, ApiError> {
    program_admin(&actor, "look people up")?;
    let email = EmailAddress::parse(q.email.as_deref().unwrap_or_default())
        .map_err(|e| ApiError::Invalid(FieldErrors::single("email", e)))?;
    let store = &deps.store;
    let applications: Vec<ApplicationView> = store
        .applications_of(&email)
        .await?
        .iter()
        .map(|a| ApplicationView::of(a, &actor))
        .collect();
    let request = |r: &moments_domain::mentorship::MentorshipRequest, role: &str| {
        json!({
            "id": r.id.as_str(), "role": role, "status": r.status.as_str(),
            "mentee": r.mentee.as_str(), "mentor": r.mentor.as_str(),
            "created_at": r.created_at.to_string(),
        })
    };
    let mut requests: Vec<Value> = store
        .requests_from(&email)
        .await?
        .iter()
        .map(|r| request(r, "mentee"))
        .collect();
    requests.extend(
        store
            .requests_to(&email)
            .await?
            .iter()
            .map(|r| request(r, "mentor")),
    );
    let mentorships: Vec<Value> = store
        .mentorships_of(&email)
        .await?
        .iter()
        .map(|rec| {
            let m = &rec.mentorship;
            json!({
                "id": m.id.as_str(),
                "role": m.role_of(&email).map(|r| r.as_str()),
                "status": m.status.as_str(),
                "mentee": m.mentee.as_str(), "mentor": m.mentor.as_str(),
                "started_at": m.started_at.to_string(),
                "meetings": rec.meeting_count,
                "hours": moments_adapters::http::views::hours(rec.minutes),
            })
        })
        .collect();
    let administers: Vec<Value> = store
        .departments_administered(&email)
        .await?
        .iter()
        .map(|d| json!({"id": d.as_str(), "name": d.name()}))
        .collect();
    Ok(Json(json!({
        "email": email.as_str(),
        "program_admin": deps.config.program_admins.contains(&email),
        "administers": administers,
        "applications": applications,
        "requests": requests,
        "mentorships": mentorships,
    })))
}

const MANAGE: &str = "manage department administrators";

#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
struct Appointment {
    email: String,
    added_by: String,
    added_at: String,
}

#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
struct DepartmentAdmins {
    department: Named,
    admins: Vec<Appointment>,
}

#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
struct EveryDepartment {
    /// Every department of the catalogue, those without administrators too.
    departments: Vec<DepartmentAdmins>,
}

#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
struct AppointmentForm {
    /// A work email in one of the program's domains.
    email: String,
    /// A department id.
    department: String,
}

#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
struct Appointed {
    email: String,
    department: Named,
}

/// `GET /api/admin/department-admins`: every department with its administrators.
#[utoipa::path(get, path = "/api/admin/department-admins", operation_id = "list_department_admins", tag = "reports",
    security(("session" = [])),
    responses(
        (status = 200, description = "Every department's administrators", body = EveryDepartment),
        (status = 403, description = "Not a program administrator"),
    ))]
#[tracing::instrument(skip_all)]
pub async fn list(
    State(deps): State<Deps>,
    Caller(actor): Caller,
) -> Result<Json<Value>, ApiError> {
    program_admin(&actor, MANAGE)?;
    let mut departments = Vec::new();
    for entry in &Catalogue::get().departments {
        let dept = DepartmentId::parse(&entry.id)
            .map_err(|e| ApiError::Internal(format!("catalogue department: {e}").into()))?;
        let admins: Vec<Value> = deps
            .store
            .department_admin_records(&dept)
            .await?
            .into_iter()
            .map(|a| json!({"email": a.email.as_str(), "added_by": a.added_by, "added_at": a.added_at}))
            .collect();
        departments.push(json!({
            "department": {"id": dept.as_str(), "name": dept.name()},
            "admins": admins,
        }));
    }
    Ok(Json(json!({"departments": departments})))
}

/// `POST /api/admin/department-admins` `{"email", "department"}`.
#[utoipa::path(post, path = "/api/admin/department-admins", operation_id = "add_department_admin", tag = "reports",
    request_body = AppointmentForm, security(("session" = [])),
    responses(
        (status = 201, description = "They administer the department", body = Appointed),
        (status = 403, description = "Not a program administrator"),
        (status = 409, description = "They already administer it"),
        (status = 422, description = "Fields need attention"),
    ))]
#[tracing::instrument(skip_all)]
pub async fn add(
    State(deps): State<Deps>,
    Caller(actor): Caller,
    JsonBody(body): JsonBody,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    program_admin(&actor, MANAGE)?;
    // The parsers speak to applicants; here an administrator names someone else.
    let mut form = FormReader::new(&body);
    let email = form.parsed("email", |raw| {
        deps.config.domains.work_email(raw).map_err(|_| {
            format!(
                "Enter the new administrator's work email address ({}).",
                deps.config.domains.describe()
            )
        })
    });
    let dept = form.parsed("department", |raw| {
        DepartmentId::parse(raw).map_err(|_| "Choose the department they will administer.".into())
    });
    let pair = email.zip(dept);
    let (email, dept) = form.finish(pair).map_err(ApiError::Invalid)?;
    match deps
        .store
        .add_department_admin(&email, &dept, &actor.email, deps.now())
        .await
    {
        Ok(()) => Ok((
            StatusCode::CREATED,
            Json(json!({
                "email": email.as_str(),
                "department": {"id": dept.as_str(), "name": dept.name()},
            })),
        )),
        Err(StoreError::AlreadyExists) => Err(ApiError::Conflict(format!(
            "{email} already administers the {}.",
            dept.name()
        ))),
        Err(e) => Err(e.into()),
    }
}

/// `DELETE /api/admin/department-admins/{department}/{email}`.
#[utoipa::path(delete, path = "/api/admin/department-admins/{department}/{email}", operation_id = "remove_department_admin", tag = "reports",
    params(
        ("department" = String, Path, description = "A department id"),
        ("email" = String, Path, description = "The administrator's email address"),
    ),
    security(("session" = [])),
    responses(
        (status = 204, description = "They no longer administer it"),
        (status = 403, description = "Not a program administrator"),
        (status = 404, description = "They do not administer that department"),
    ))]
#[tracing::instrument(skip_all)]
pub async fn remove(
    State(deps): State<Deps>,
    Caller(actor): Caller,
    Path((department, email)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    program_admin(&actor, MANAGE)?;
    let not_admin = || ApiError::NotFound("department administrator");
    let dept = DepartmentId::parse(&department).map_err(|_| not_admin())?;
    let email = EmailAddress::parse(&email).map_err(|_| not_admin())?;
    match deps
        .store
        .remove_department_admin(&email, &dept, &actor.email, deps.now())
        .await
    {
        Ok(()) => Ok(StatusCode::NO_CONTENT),
        Err(StoreError::Changed) => Err(not_admin()),
        Err(e) => Err(e.into()),
    }
}
