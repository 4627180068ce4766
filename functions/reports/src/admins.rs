//! Program administrators' tools: department administrators, a person's
//! records, and the audit trail of any application, request or mentorship.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use moments_adapters::deps::Deps;
use moments_adapters::http::views::{ApplicationView, Named, hours};
use moments_adapters::http::{ApiError, Caller, Form, Path, Query, ResultExt};
use moments_adapters::security::{SecurityEvent, SecurityKind};
use moments_adapters::store::MentorshipRecord;
use moments_domain::application::{ApplicationId, Role};
use moments_domain::audit::{Action, AuditEntry};
use moments_domain::fields::{DepartmentId, EmailAddress};
use moments_domain::form::{FieldErrors, FormReader, Text};
use moments_domain::mentorship::{MentorshipId, MentorshipRequest, RequestId};
use serde::{Deserialize, Serialize};

use crate::program_admin;

fn entries(record: &'static str, trail: Vec<AuditEntry>) -> Vec<AuditEntryView> {
    trail
        .into_iter()
        .map(|e| AuditEntryView {
            record,
            at: e.at.to_string(),
            actor: e.actor.to_string(),
            action: e.action,
            on_behalf_of: e.on_behalf_of.as_ref().map(ToString::to_string),
            note: e.note,
        })
        .collect()
}

/// The kinds of record with an audit trail.
#[derive(utoipa::ToSchema)]
#[schema(rename_all = "lowercase")]
pub enum RecordKind {
    Applications,
    Requests,
    Mentorships,
}

impl RecordKind {
    fn parse(kind: &str) -> Option<RecordKind> {
        match kind {
            "applications" => Some(RecordKind::Applications),
            "requests" => Some(RecordKind::Requests),
            "mentorships" => Some(RecordKind::Mentorships),
            _ => None,
        }
    }
}

/// The record a trail is about.
#[derive(Serialize, utoipa::ToSchema)]
pub struct AuditedRecord {
    /// `application`, `request` or `mentorship`.
    #[schema(value_type = String)]
    kind: &'static str,
    id: String,
    #[schema(value_type = String)]
    status: &'static str,
    summary: String,
    /// The request a mentorship came from (mentorships only).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(required = false)]
    request: Option<String>,
}

/// One change.
#[derive(Serialize, utoipa::ToSchema)]
pub struct AuditEntryView {
    /// `application`, `request` or `mentorship`: whose trail it is on.
    #[schema(value_type = String)]
    record: &'static str,
    at: String,
    actor: String,
    /// e.g. `submitted`, `approved`, `request_accepted`, `mentorship_ended`.
    #[schema(value_type = String)]
    action: Action,
    /// The supervisor an administrator acted for.
    on_behalf_of: Option<String>,
    note: Option<String>,
}

/// A record and who did what to it.
#[derive(Serialize, utoipa::ToSchema)]
pub struct AuditTrail {
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
) -> Result<Json<AuditTrail>, ApiError> {
    program_admin(&actor, "read audit trails")?;
    let kind = RecordKind::parse(&kind).ok_or(ApiError::NotFound("kind of record"))?;
    let store = &deps.store;
    let trail = match kind {
        RecordKind::Applications => {
            let id = ApplicationId::parse(&id).map_err(|_| ApiError::NotFound("application"))?;
            let app = store
                .application(&id)
                .await?
                .ok_or(ApiError::NotFound("application"))?;
            AuditTrail {
                record: AuditedRecord {
                    kind: "application",
                    id: id.to_string(),
                    status: app.status.as_str(),
                    summary: format!("{} application of {}", app.role, app.applicant),
                    request: None,
                },
                entries: entries("application", store.audit_of(&id).await?),
            }
        }
        RecordKind::Requests => {
            let id = RequestId::parse(&id).map_err(|_| ApiError::NotFound("request"))?;
            let r = store
                .request(&id)
                .await?
                .ok_or(ApiError::NotFound("request"))?;
            AuditTrail {
                record: AuditedRecord {
                    kind: "request",
                    id: id.to_string(),
                    status: r.status.as_str(),
                    summary: format!("request from {} to {}", r.mentee, r.mentor),
                    request: None,
                },
                entries: entries("request", store.audit_of_request(&id).await?),
            }
        }
        RecordKind::Mentorships => mentorship_trail(&deps, &id).await?,
    };
    deps.security(SecurityEvent::by(
        SecurityKind::PersonLookedUp,
        &actor.email,
        format!("read the audit trail of {}", trail.record.summary),
    ))
    .await;
    Ok(Json(trail))
}

/// A mentorship's trail starts with the request it came from.
async fn mentorship_trail(deps: &Deps, id: &str) -> Result<AuditTrail, ApiError> {
    let store = &deps.store;
    let id = MentorshipId::parse(id).map_err(|_| ApiError::NotFound("mentorship"))?;
    let m = store
        .mentorship(&id)
        .await?
        .ok_or(ApiError::NotFound("mentorship"))?
        .mentorship;
    let mut all = entries("request", store.audit_of_request(&m.request).await?);
    all.extend(entries("mentorship", store.audit_of_mentorship(&id).await?));
    all.sort_by(|a, b| a.at.cmp(&b.at));
    Ok(AuditTrail {
        record: AuditedRecord {
            kind: "mentorship",
            id: id.to_string(),
            status: m.status.as_str(),
            summary: format!("mentorship of {} with {}", m.mentee, m.mentor),
            request: Some(m.request.to_string()),
        },
        entries: all,
    })
}

#[derive(Debug, Deserialize)]
pub struct PersonQuery {
    email: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct NameQuery {
    name: Option<String>,
}

/// Someone whose name matched a search.
#[derive(Serialize, utoipa::ToSchema)]
pub struct FoundPerson {
    email: String,
    name: String,
    /// The roles they applied for: `mentee`, `mentor`.
    #[schema(value_type = Vec<String>)]
    roles: Vec<&'static str>,
}

/// People whose name matched, by last name.
#[derive(Serialize, utoipa::ToSchema)]
pub struct FoundPeople {
    people: Vec<FoundPerson>,
    /// More may match than were read: narrow the search.
    more: bool,
}

/// `GET /api/admin/people/search?name=...`: people who applied, by the
/// start of their last name, or "first last": a bounded read of one
/// partition of the name index.
#[utoipa::path(get, path = "/api/admin/people/search", operation_id = "find_people_by_name", tag = "reports",
    params(("name" = String, Query, description = "The start of a last name, or a first and last name (at least 2 letters)")),
    security(("session" = [])),
    responses(
        (status = 200, description = "People whose name matched", body = FoundPeople),
        (status = 403, description = "Not a program administrator"),
        (status = 422, description = "`name` is too short or too long"),
    ))]
#[tracing::instrument(skip_all)]
pub async fn search(
    State(deps): State<Deps>,
    Caller(actor): Caller,
    Query(q): Query<NameQuery>,
) -> Result<Json<FoundPeople>, ApiError> {
    program_admin(&actor, "look people up")?;
    let name = q.name.as_deref().unwrap_or_default().trim().to_string();
    let letters = name.chars().filter(|c| c.is_alphabetic()).count();
    if letters < 2 || name.chars().count() > 100 {
        return Err(FieldErrors::single(
            "name",
            "Enter at least the first 2 letters of a last name, or a first and last name (at most 100 characters).",
        )
        .into());
    }
    deps.security(SecurityEvent::by(
        SecurityKind::PersonLookedUp,
        &actor.email,
        "searched people by name".to_string(),
    ))
    .await;
    let found = deps.store.people_named(&name).await?;
    let more = found.len() >= moments_adapters::store::MOST_NAMES;
    let mut people: Vec<FoundPerson> = Vec::new();
    for p in found {
        let role = p.role.as_str();
        match people.iter_mut().find(|f| f.email == p.email.as_str()) {
            Some(f) if !f.roles.contains(&role) => f.roles.push(role),
            Some(_) => {}
            None => people.push(FoundPerson {
                email: p.email.to_string(),
                name: format!("{} {}", p.first_name, p.last_name),
                roles: vec![role],
            }),
        }
    }
    Ok(Json(FoundPeople { people, more }))
}

/// A request, in a person's records.
#[derive(Serialize, utoipa::ToSchema)]
pub struct PersonRequest {
    id: String,
    /// The person's side: `mentee` or `mentor`.
    #[schema(value_type = String)]
    role: &'static str,
    #[schema(value_type = String)]
    status: &'static str,
    mentee: String,
    mentor: String,
    created_at: String,
}

impl PersonRequest {
    fn of(r: &MentorshipRequest, role: Role) -> PersonRequest {
        PersonRequest {
            id: r.id.to_string(),
            role: role.as_str(),
            status: r.status.as_str(),
            mentee: r.mentee.to_string(),
            mentor: r.mentor.to_string(),
            created_at: r.created_at.to_string(),
        }
    }
}

/// A mentorship, in a person's records.
#[derive(Serialize, utoipa::ToSchema)]
pub struct PersonMentorship {
    id: String,
    /// The person's side: `mentee` or `mentor`.
    #[schema(value_type = Option<String>)]
    role: Option<&'static str>,
    #[schema(value_type = String)]
    status: &'static str,
    mentee: String,
    mentor: String,
    started_at: String,
    meetings: u32,
    hours: f64,
    /// Whether each side answered the survey (asked once it ended).
    survey_by_mentee: bool,
    survey_by_mentor: bool,
}

impl PersonMentorship {
    async fn of(
        deps: &Deps,
        rec: &MentorshipRecord,
        person: &EmailAddress,
    ) -> Result<PersonMentorship, ApiError> {
        let m = &rec.mentorship;
        let answered = async |email| -> Result<bool, ApiError> {
            Ok(deps.store.survey_of(&m.id, email).await?.is_some())
        };
        Ok(PersonMentorship {
            survey_by_mentee: answered(&m.mentee).await?,
            survey_by_mentor: answered(&m.mentor).await?,
            id: m.id.to_string(),
            role: m.role_of(person).map(|r| r.as_str()),
            status: m.status.as_str(),
            mentee: m.mentee.to_string(),
            mentor: m.mentor.to_string(),
            started_at: m.started_at.to_string(),
            meetings: rec.meeting_count,
            hours: hours(rec.minutes),
        })
    }
}

/// Everything the platform holds about one person.
#[derive(Serialize, utoipa::ToSchema)]
pub struct PersonRecords {
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
) -> Result<Json<PersonRecords>, ApiError> {
    program_admin(&actor, "look people up")?;
    let email = EmailAddress::parse(q.email.as_deref().unwrap_or_default())
        .map_err(|e| FieldErrors::single("email", e))?;
    deps.security(SecurityEvent::by(
        SecurityKind::PersonLookedUp,
        &actor.email,
        format!("looked up {email}"),
    ))
    .await;
    let store = &deps.store;
    let lists = store.lists().await?;
    let applications = store
        .applications_of(&email)
        .await?
        .iter()
        .map(|a| ApplicationView::of(a, &actor, &lists))
        .collect();
    let mut requests: Vec<PersonRequest> = store
        .requests_from(&email)
        .await?
        .iter()
        .map(|r| PersonRequest::of(r, Role::Mentee))
        .collect();
    let to_them = store.requests_to(&email).await?;
    requests.extend(to_them.iter().map(|r| PersonRequest::of(r, Role::Mentor)));
    let mut mentorships = Vec::new();
    for rec in store.mentorships_of(&email).await? {
        mentorships.push(PersonMentorship::of(&deps, &rec, &email).await?);
    }
    let administers = store
        .departments_administered(&email)
        .await?
        .iter()
        .map(|d| lists.departments.entry(d))
        .collect();
    Ok(Json(PersonRecords {
        program_admin: deps.is_program_admin(&email).await?,
        email: email.to_string(),
        administers,
        applications,
        requests,
        mentorships,
    }))
}

const MANAGE: &str = "manage department administrators";

/// Someone appointed administrator of a department.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Appointment {
    email: String,
    added_by: String,
    added_at: String,
}

/// A department and its administrators.
#[derive(Serialize, utoipa::ToSchema)]
pub struct DepartmentAdmins {
    department: Named,
    admins: Vec<Appointment>,
}

/// Every department's administrators.
#[derive(Serialize, utoipa::ToSchema)]
pub struct EveryDepartment {
    /// Every department of the catalogue, those without administrators too.
    departments: Vec<DepartmentAdmins>,
}

/// Appoint a department administrator.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct AppointmentForm {
    /// A work email in one of the program's domains.
    #[schema(value_type = String)]
    email: Text,
    /// A department id.
    #[schema(value_type = String)]
    department: Text,
}

/// Who now administers which department.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Appointed {
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
) -> Result<Json<EveryDepartment>, ApiError> {
    program_admin(&actor, MANAGE)?;
    let list = deps.store.departments().await?;
    let mut departments = Vec::new();
    // Retired departments too: their administrators can still be removed.
    for dept in list.all() {
        let admins = deps
            .store
            .department_admin_records(&dept)
            .await?
            .into_iter()
            .map(|a| Appointment {
                email: a.email.to_string(),
                added_by: a.added_by,
                added_at: a.added_at,
            })
            .collect();
        departments.push(DepartmentAdmins {
            department: list.entry(&dept),
            admins,
        });
    }
    Ok(Json(EveryDepartment { departments }))
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
    Form(body): Form<AppointmentForm>,
) -> Result<(StatusCode, Json<Appointed>), ApiError> {
    program_admin(&actor, MANAGE)?;
    // The parsers speak to applicants; here an administrator names someone else.
    let mut form = FormReader::new();
    let email = form.parsed("email", &body.email, |raw| {
        deps.config.domains.work_email(raw).map_err(|_| {
            format!(
                "Enter the new administrator's work email address ({}).",
                deps.config.domains.describe()
            )
        })
    });
    let list = deps.store.departments().await?;
    let dept = form.parsed("department", &body.department, |raw| {
        list.choosable(raw)
            .map_err(|_| "Choose the department they will administer.".into())
    });
    let pair = email.zip(dept);
    let (email, dept) = form.finish(pair)?;
    let name = list.name(&dept);
    deps.store
        .add_department_admin(&email, &dept, &actor.email, deps.now())
        .await
        .on_exists(|| ApiError::Conflict(format!("{email} already administers the {name}.")))?;
    deps.security(SecurityEvent::by(
        SecurityKind::AdministratorChange,
        &actor.email,
        format!("made {email} an administrator of the {name}"),
    ))
    .await;
    Ok((
        StatusCode::CREATED,
        Json(Appointed {
            email: email.to_string(),
            department: list.entry(&dept),
        }),
    ))
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
    deps.store
        .remove_department_admin(&email, &dept, &actor.email, deps.now())
        .await
        .on_changed(not_admin)?;
    deps.security(SecurityEvent::by(
        SecurityKind::AdministratorChange,
        &actor.email,
        format!(
            "{email} no longer administers the {}",
            deps.store.departments().await?.name(&dept)
        ),
    ))
    .await;
    Ok(StatusCode::NO_CONTENT)
}
