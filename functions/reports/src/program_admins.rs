//! Program administrators, managed by program administrators: the roster
//! is kept in the table (seeded from the deploy parameter the first time it
//! is opened), and each addition and removal is audited and logged.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use moments_adapters::deps::Deps;
use moments_adapters::http::{ApiError, Caller, Form, Path};
use moments_adapters::security::{SecurityEvent, SecurityKind};
use moments_adapters::store::{
    MOST_PROGRAM_ADMINS, ProgramAdmin, ProgramAdminAddition, ProgramAdminRemoval,
};
use moments_domain::fields::EmailAddress;
use moments_domain::form::{FormReader, Text};
use serde::{Deserialize, Serialize};

use crate::program_admin;

const MANAGE: &str = "manage program administrators";

/// A program administrator.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ProgramAdminView {
    email: String,
    /// Who added them; absent for those the installation started with.
    added_by: Option<String>,
    added_at: String,
    /// The caller themself.
    you: bool,
}

/// Every program administrator.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ProgramAdmins {
    /// By address.
    admins: Vec<ProgramAdminView>,
}

/// Make someone a program administrator.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct ProgramAdminForm {
    /// A work email in one of the program's domains.
    #[schema(value_type = String)]
    email: Text,
}

/// Who is now a program administrator.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ProgramAdminAdded {
    email: String,
}

fn view(admin: ProgramAdmin, caller: &EmailAddress) -> ProgramAdminView {
    ProgramAdminView {
        you: &admin.email == caller,
        email: admin.email.to_string(),
        added_by: admin.added_by,
        added_at: admin.added_at,
    }
}

/// `GET /api/admin/program-admins`: every program administrator.
#[utoipa::path(get, path = "/api/admin/program-admins", operation_id = "list_program_admins", tag = "reports",
    security(("session" = [])),
    responses(
        (status = 200, description = "Every program administrator", body = ProgramAdmins),
        (status = 403, description = "Not a program administrator"),
    ))]
#[tracing::instrument(skip_all)]
pub async fn list(
    State(deps): State<Deps>,
    Caller(actor): Caller,
) -> Result<Json<ProgramAdmins>, ApiError> {
    program_admin(&actor, MANAGE)?;
    let admins = deps
        .program_admin_roster()
        .await?
        .into_iter()
        .map(|a| view(a, &actor.email))
        .collect();
    Ok(Json(ProgramAdmins { admins }))
}

/// `POST /api/admin/program-admins` `{"email"}`: they can administer the
/// program from their next request on (no new sign-in needed).
#[utoipa::path(post, path = "/api/admin/program-admins", operation_id = "add_program_admin", tag = "reports",
    request_body = ProgramAdminForm, security(("session" = [])),
    responses(
        (status = 201, description = "They are a program administrator", body = ProgramAdminAdded),
        (status = 403, description = "Not a program administrator"),
        (status = 409, description = "They are one already, or the roster is full"),
        (status = 422, description = "Fields need attention"),
    ))]
#[tracing::instrument(skip_all)]
pub async fn add(
    State(deps): State<Deps>,
    Caller(actor): Caller,
    Form(body): Form<ProgramAdminForm>,
) -> Result<(StatusCode, Json<ProgramAdminAdded>), ApiError> {
    program_admin(&actor, MANAGE)?;
    let mut form = FormReader::new();
    let email = form.parsed("email", &body.email, |raw| {
        deps.config.domains.work_email(raw).map_err(|_| {
            format!(
                "Enter the new program administrator's work email address ({}).",
                deps.config.domains.describe()
            )
        })
    });
    let email = form.finish(email)?;
    // The first change to the roster starts from the deploy parameter's.
    deps.seed_program_admins().await?;
    match deps
        .store
        .add_program_admin(&email, &actor.email, deps.now())
        .await?
    {
        ProgramAdminAddition::Added => {}
        ProgramAdminAddition::AlreadyOne => {
            return Err(ApiError::Conflict(format!(
                "{email} is already a program administrator."
            )));
        }
        ProgramAdminAddition::Full => {
            return Err(ApiError::Conflict(format!(
                "The program already has {MOST_PROGRAM_ADMINS} administrators: remove one before adding another."
            )));
        }
    }
    deps.security(SecurityEvent::by(
        SecurityKind::AdministratorChange,
        &actor.email,
        format!("made {email} a program administrator"),
    ))
    .await;
    Ok((
        StatusCode::CREATED,
        Json(ProgramAdminAdded {
            email: email.to_string(),
        }),
    ))
}

/// `DELETE /api/admin/program-admins/{email}`: refused for the last one,
/// so the program always has someone to run it.
#[utoipa::path(delete, path = "/api/admin/program-admins/{email}", operation_id = "remove_program_admin", tag = "reports",
    params(("email" = String, Path, description = "The program administrator's email address")),
    security(("session" = [])),
    responses(
        (status = 204, description = "They are no longer a program administrator"),
        (status = 403, description = "Not a program administrator"),
        (status = 404, description = "They are not a program administrator"),
        (status = 409, description = "They are the last one"),
    ))]
#[tracing::instrument(skip_all)]
pub async fn remove(
    State(deps): State<Deps>,
    Caller(actor): Caller,
    Path(email): Path<String>,
) -> Result<StatusCode, ApiError> {
    program_admin(&actor, MANAGE)?;
    let not_one = || ApiError::NotFound("program administrator");
    let email = EmailAddress::parse(&email).map_err(|_| not_one())?;
    deps.seed_program_admins().await?;
    match deps
        .store
        .remove_program_admin(&email, &actor.email, deps.now())
        .await?
    {
        ProgramAdminRemoval::Removed => {}
        ProgramAdminRemoval::NotOne => return Err(not_one()),
        ProgramAdminRemoval::LastOne => {
            return Err(ApiError::Conflict(if email == actor.email {
                "You are the program's only administrator: add another before removing yourself."
                    .into()
            } else {
                format!("{email} is the program's only administrator: add another first.")
            }));
        }
    }
    deps.security(SecurityEvent::by(
        SecurityKind::AdministratorChange,
        &actor.email,
        format!("{email} is no longer a program administrator"),
    ))
    .await;
    Ok(StatusCode::NO_CONTENT)
}
