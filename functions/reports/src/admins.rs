//! Program administrators' tools: department administrators, a person's
//! records, and the audit trail of any application, request or mentorship.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use moments_adapters::http::views::ApplicationView;
use moments_adapters::http::{ApiError, Caller, Deps, JsonBody};
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

/// `GET /api/admin/audit/{applications|requests|mentorships}/{id}`: who did
/// what to the record, and when, oldest first. A mentorship's trail starts
/// with the request it came from.
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

/// `GET /api/admin/people?email=...`: everything the platform holds about
/// one person, with ids to open audit trails from.
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

/// `GET /api/admin/department-admins`: every department with its administrators.
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
#[tracing::instrument(skip_all)]
pub async fn add(
    State(deps): State<Deps>,
    Caller(actor): Caller,
    JsonBody(body): JsonBody,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    program_admin(&actor, MANAGE)?;
    let mut form = FormReader::new(&body);
    let email = form.parsed("email", |raw| deps.config.domains.work_email(raw));
    let dept = form.parsed("department", DepartmentId::parse);
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
