//! Signing a person out everywhere: a program administrator ends every
//! session of a person (a lost laptop, a shared computer, someone who
//! left), so every copy of their cookies stops working at once.

use axum::Json;
use axum::extract::State;
use moments_adapters::deps::Deps;
use moments_adapters::http::{ApiError, Caller, Form};
use moments_adapters::security::{SecurityEvent, SecurityKind};
use moments_domain::form::{FormReader, Text};
use serde::{Deserialize, Serialize};

use crate::program_admin;

/// Whom to sign out.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct SignOutForm {
    /// Their work email.
    #[schema(value_type = String)]
    email: Text,
}

/// Their sessions, ended.
#[derive(Serialize, utoipa::ToSchema)]
pub struct SignedOutEverywhere {
    email: String,
    /// How many sessions were ended (0 when they were signed in nowhere).
    sessions_ended: usize,
    message: String,
}

/// `POST /api/admin/people/signout` `{"email"}`: end every session of a
/// person; they sign in again with a new link.
#[utoipa::path(post, path = "/api/admin/people/signout", operation_id = "sign_out_everywhere", tag = "reports",
    request_body = SignOutForm, security(("session" = [])),
    responses(
        (status = 200, description = "Every session of theirs has ended", body = SignedOutEverywhere),
        (status = 403, description = "Not a program administrator"),
        (status = 422, description = "The email needs attention"),
    ))]
#[tracing::instrument(skip_all)]
pub async fn sign_out_everywhere(
    State(deps): State<Deps>,
    Caller(actor): Caller,
    Form(body): Form<SignOutForm>,
) -> Result<Json<SignedOutEverywhere>, ApiError> {
    program_admin(&actor, "sign people out")?;
    let mut form = FormReader::new();
    let email = form.parsed("email", &body.email, |raw| {
        deps.config.domains.work_email(raw).map_err(|_| {
            format!(
                "Enter the work email address of the person to sign out ({}).",
                deps.config.domains.describe()
            )
        })
    });
    let email = form.finish(email)?;
    let ended = deps.store.end_sessions_of(&email).await?;
    // A link in their mailbox would sign them in again.
    let links = deps.store.void_sign_in_links_of(&email).await?;
    // No record holds an audit trail for sessions; the security log keeps
    // who did it.
    deps.security(SecurityEvent::by(
        SecurityKind::SessionEnded,
        &actor.email,
        format!("signed {email} out everywhere: {ended} sessions ended, {links} unused links void"),
    ))
    .await;
    let message = match ended {
        0 => format!("{email} was not signed in anywhere."),
        1 => format!("{email} is signed out of 1 session."),
        n => format!("{email} is signed out of {n} sessions."),
    };
    Ok(Json(SignedOutEverywhere {
        email: email.to_string(),
        sessions_ended: ended,
        message,
    }))
}
