//! The departments and their divisions, kept by program administrators:
//! added, renamed, retired (still shown where chosen, no longer offered),
//! restored and moved; each change audited.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use moments_adapters::deps::Deps;
use moments_adapters::http::{ApiError, Caller, Form, Path};
use moments_domain::audit::Action;
use moments_domain::departments::{DepartmentName, DivisionName, StoredDepartments};
use moments_domain::form::{Count, Flag, FormReader, Text};
use serde::{Deserialize, Serialize};

use crate::{list_change, program_admin, update_kept};

const WHAT: &str = "keep the program's departments";
const WHICH: &str = "the departments";

/// One division of a department.
#[derive(Serialize, utoipa::ToSchema)]
pub struct DivisionView {
    id: String,
    name: String,
    /// Shown on the applications that have it; no longer offered.
    retired: bool,
}

/// One department, with every division it has had.
#[derive(Serialize, utoipa::ToSchema)]
pub struct DepartmentView {
    id: String,
    name: String,
    /// Shown on the applications that have it; no longer offered.
    retired: bool,
    /// In the forms' order; empty when it has none.
    divisions: Vec<DivisionView>,
}

/// Every department and division, retired ones included, in the forms'
/// order.
#[derive(Serialize, utoipa::ToSchema)]
pub struct DepartmentList {
    departments: Vec<DepartmentView>,
    /// Goes up with every change; 0 while the list is still the seed.
    version: u64,
}

impl From<&StoredDepartments> for DepartmentList {
    fn from(stored: &StoredDepartments) -> Self {
        DepartmentList {
            departments: stored
                .departments
                .iter()
                .map(|d| DepartmentView {
                    id: d.id.clone(),
                    name: d.name.to_string(),
                    retired: d.retired,
                    divisions: stored
                        .divisions
                        .iter()
                        .filter(|v| v.department == d.id)
                        .map(|v| DivisionView {
                            id: v.id.clone(),
                            name: v.name.to_string(),
                            retired: v.retired,
                        })
                        .collect(),
                })
                .collect(),
            version: stored.version(),
        }
    }
}

/// `GET /api/admin/departments`: the whole list, for program administrators.
#[utoipa::path(get, path = "/api/admin/departments", operation_id = "admin_departments", tag = "reports",
    security(("session" = [])),
    responses(
        (status = 200, description = "Every department and division, retired ones included", body = DepartmentList),
        (status = 403, description = "Not a program administrator"),
    ))]
#[tracing::instrument(skip_all)]
pub async fn list(
    State(deps): State<Deps>,
    Caller(actor): Caller,
) -> Result<Json<DepartmentList>, ApiError> {
    program_admin(&actor, WHAT)?;
    Ok(Json(DepartmentList::from(&deps.store.departments().await?)))
}

/// A department or division as a program administrator adds it.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct NewEntry {
    /// Its name as the forms show it, up to 100 characters.
    #[schema(value_type = String)]
    name: Text,
}

/// `POST /api/admin/departments`: add a department at the end of the list;
/// it can be chosen at once. Audited.
#[utoipa::path(post, path = "/api/admin/departments", operation_id = "add_department", tag = "reports",
    request_body = NewEntry, security(("session" = [])),
    responses(
        (status = 201, description = "Added; every department", body = DepartmentList),
        (status = 403, description = "Not a program administrator"),
        (status = 409, description = "The list is full, or others changed it at the same moment"),
        (status = 422, description = "Fields need attention, or the name is in use"),
    ))]
#[tracing::instrument(skip_all)]
pub async fn add(
    State(deps): State<Deps>,
    Caller(actor): Caller,
    Form(body): Form<NewEntry>,
) -> Result<(StatusCode, Json<DepartmentList>), ApiError> {
    program_admin(&actor, WHAT)?;
    let mut f = FormReader::new();
    let name = f.parsed("name", &body.name, DepartmentName::parse);
    let name = f.finish(name)?;
    let stored = update_kept(
        &deps,
        WHICH,
        &actor.email,
        Action::DepartmentAdded,
        |list: &mut StoredDepartments| {
            let id = list.add(name.clone())?;
            Ok(Some(format!("{name} ({id})")))
        },
    )
    .await?;
    Ok((StatusCode::CREATED, Json(DepartmentList::from(&stored))))
}

/// A change to one department or division; what is left out stays as it is.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct EntryChange {
    /// A new name, up to 100 characters.
    #[schema(value_type = String, required = false)]
    name: Text,
    /// `true` to retire it (still shown where chosen, no longer offered),
    /// `false` to offer it again.
    #[schema(value_type = bool, required = false)]
    retired: Flag,
    /// Its place in the list (a division's, among its department's), 1 for
    /// first; past the end means last.
    #[schema(value_type = u64, required = false)]
    position: Count,
}

/// `PUT /api/admin/departments/{id}`: rename, retire, restore or move a
/// department. Audited.
#[utoipa::path(put, path = "/api/admin/departments/{id}", operation_id = "change_department", tag = "reports",
    request_body = EntryChange, security(("session" = [])),
    params(("id" = String, Path, description = "The department's id")),
    responses(
        (status = 200, description = "Changed; every department", body = DepartmentList),
        (status = 403, description = "Not a program administrator"),
        (status = 404, description = "No such department"),
        (status = 409, description = "Retiring it would leave no department to choose, or others changed the list at the same moment"),
        (status = 422, description = "Fields need attention, or the name is in use"),
    ))]
#[tracing::instrument(skip_all)]
pub async fn change(
    State(deps): State<Deps>,
    Caller(actor): Caller,
    Path(id): Path<String>,
    Form(body): Form<EntryChange>,
) -> Result<Json<DepartmentList>, ApiError> {
    program_admin(&actor, WHAT)?;
    let mut f = FormReader::new();
    let (name, retired, position) = list_change(
        &mut f,
        &body.name,
        &body.retired,
        &body.position,
        DepartmentName::parse,
    );
    f.finish(Some(()))?;
    let stored = update_kept(
        &deps,
        WHICH,
        &actor.email,
        Action::DepartmentChanged,
        |list: &mut StoredDepartments| list.change(&id, name.clone(), retired, position),
    )
    .await?;
    Ok(Json(DepartmentList::from(&stored)))
}

/// `POST /api/admin/departments/{id}/divisions`: add a division at the end
/// of the department's; from then on its applicants choose one. Audited.
#[utoipa::path(post, path = "/api/admin/departments/{id}/divisions", operation_id = "add_division", tag = "reports",
    request_body = NewEntry, security(("session" = [])),
    params(("id" = String, Path, description = "The department's id")),
    responses(
        (status = 201, description = "Added; every department", body = DepartmentList),
        (status = 403, description = "Not a program administrator"),
        (status = 404, description = "No such department"),
        (status = 409, description = "The list is full, or others changed it at the same moment"),
        (status = 422, description = "Fields need attention, or the name is in use in that department"),
    ))]
#[tracing::instrument(skip_all)]
pub async fn add_division(
    State(deps): State<Deps>,
    Caller(actor): Caller,
    Path(id): Path<String>,
    Form(body): Form<NewEntry>,
) -> Result<(StatusCode, Json<DepartmentList>), ApiError> {
    program_admin(&actor, WHAT)?;
    let mut f = FormReader::new();
    let name = f.parsed("name", &body.name, DivisionName::parse);
    let name = f.finish(name)?;
    let stored = update_kept(
        &deps,
        WHICH,
        &actor.email,
        Action::DepartmentChanged,
        |list: &mut StoredDepartments| {
            let division = list.add_division(&id, name.clone())?;
            Ok(Some(format!("{name} ({division}) added to {id}")))
        },
    )
    .await?;
    Ok((StatusCode::CREATED, Json(DepartmentList::from(&stored))))
}

/// `PUT /api/admin/departments/{id}/divisions/{division}`: rename, retire,
/// restore or move a division. A department may retire all of its
/// divisions; then its applicants choose none. Audited.
#[utoipa::path(put, path = "/api/admin/departments/{id}/divisions/{division}", operation_id = "change_division", tag = "reports",
    request_body = EntryChange, security(("session" = [])),
    params(
        ("id" = String, Path, description = "The department's id"),
        ("division" = String, Path, description = "The division's id"),
    ),
    responses(
        (status = 200, description = "Changed; every department", body = DepartmentList),
        (status = 403, description = "Not a program administrator"),
        (status = 404, description = "No such department or division"),
        (status = 409, description = "Others changed the list at the same moment"),
        (status = 422, description = "Fields need attention, or the name is in use in that department"),
    ))]
#[tracing::instrument(skip_all)]
pub async fn change_division(
    State(deps): State<Deps>,
    Caller(actor): Caller,
    Path((id, division)): Path<(String, String)>,
    Form(body): Form<EntryChange>,
) -> Result<Json<DepartmentList>, ApiError> {
    program_admin(&actor, WHAT)?;
    let mut f = FormReader::new();
    let (name, retired, position) = list_change(
        &mut f,
        &body.name,
        &body.retired,
        &body.position,
        DivisionName::parse,
    );
    f.finish(Some(()))?;
    let stored = update_kept(
        &deps,
        WHICH,
        &actor.email,
        Action::DepartmentChanged,
        |list: &mut StoredDepartments| {
            list.change_division(&id, &division, name.clone(), retired, position)
        },
    )
    .await?;
    Ok(Json(DepartmentList::from(&stored)))
}
