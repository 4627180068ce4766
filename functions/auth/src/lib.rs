//! The `auth` function: sign-in by emailed one-time link, sessions, and
//! `GET /api/me`.
//!
//! A link's token is 256 random bits, kept only as its SHA-256 hash, valid
//! once: for 10 minutes when asked for on the sign-in page, for days when it
//! came in mail asking the person to act (`moments_adapters::http` links).
//! The emailed link opens a page that says whom it signs in and for what,
//! and whose button POSTs the token, because mail scanners follow links.

use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use axum_extra::extract::CookieJar;
use moments_adapters::deps::Deps;
use moments_adapters::http::limits::{self, SIGN_IN_PER_ADDRESS, SIGN_IN_PER_SOURCE, Source};
use moments_adapters::http::views::Named;
use moments_adapters::http::{ApiError, Caller, Form, token_hash};
use moments_adapters::store::{SignInGrant, TokenRefused};
use moments_domain::access::RoleName;
use moments_domain::form::{Flag, FormReader, Text};
use moments_domain::notify;
use moments_domain::signin::{LINK_LIFETIME, safe_next};
use serde::{Deserialize, Serialize};

moments_adapters::http_api! {
    request_link;
    about_link;
    start_session;
    sign_out;
    me;
    openapi_json;
}

/// The OpenAPI document of the whole API: `docs/openapi.json`, which a test
/// keeps equal to the one the functions' code makes (`moments_api`).
const DOCUMENT: &str = include_str!("../../../docs/openapi.json");

/// This document: every operation of the API, its bodies and answers.
#[utoipa::path(get, path = "/api/openapi.json", operation_id = "openapi_document", tag = "auth",
    responses((status = 200, description = "The OpenAPI 3.1 document", content_type = "application/json", body = Object)))]
async fn openapi_json() -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "application/json")], DOCUMENT)
}

/// Asks for a sign-in link.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct LinkRequest {
    /// A work email in one of the program's domains.
    #[schema(value_type = String)]
    email: Text,
    /// A path on this site to return to after signing in.
    #[schema(value_type = String, required = false)]
    next: Text,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct LinkSent {
    message: String,
}

/// Uses a sign-in link.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct SessionRequest {
    /// The token of the emailed link.
    #[schema(value_type = String)]
    token: Text,
    /// Keep me signed in on this device for two weeks (participants only;
    /// ignored for administrators, whose sessions stay short).
    #[schema(value_type = bool, required = false)]
    stay_signed_in: Flag,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct SessionStarted {
    email: String,
    next: Option<String>,
    /// When the session ends at the latest (RFC 3339); earlier when unused
    /// for a while, or on signing out.
    expires_at: String,
    /// Whether the session outlives the browser ("stay signed in" granted).
    stays_signed_in: bool,
}

/// The signed-in person.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Me {
    email: String,
    #[schema(inline)]
    roles: Vec<RoleName>,
    /// Departments the caller administers.
    departments: Vec<Named>,
}

/// Email a one-time sign-in link (valid 10 minutes, once).
#[utoipa::path(post, path = "/api/auth/link", tag = "auth", request_body = LinkRequest,
    responses(
        (status = 202, description = "The link is on its way", body = LinkSent),
        (status = 422, description = "The address is malformed or outside the program's domains"),
        (status = 429, description = "Too many links for this address, or from this source"),
    ))]
#[tracing::instrument(skip_all)]
async fn request_link(
    State(deps): State<Deps>,
    source: Source,
    Form(body): Form<LinkRequest>,
) -> Result<(StatusCode, Json<LinkSent>), ApiError> {
    let mut form = FormReader::new();
    let email = form.parsed("email", &body.email, |raw| {
        deps.config.domains.work_email(raw)
    });
    let next = form.text("next", &body.next);
    let next = match next.trim() {
        "" => None,
        n => match safe_next(n) {
            Some(n) => Some(n.to_string()),
            None => {
                form.errors
                    .add("next", "The page to return to must be a page of this site.");
                None
            }
        },
    };
    let email = form.finish(email)?;
    deps.within_limits(&[
        (
            SIGN_IN_PER_ADDRESS,
            email.as_str(),
            limits::sign_in_address_message,
        ),
        (
            SIGN_IN_PER_SOURCE,
            &source.0,
            limits::sign_in_source_message,
        ),
    ])
    .await?;

    let grant = SignInGrant {
        email: email.clone(),
        next,
        task: None,
    };
    let link = deps.sign_in_link(&grant, LINK_LIFETIME).await?;
    // Not queued for a retry like other mail: the link would arrive after it
    // expired. The person is told to try again instead.
    if let Err(e) = deps
        .send(&notify::sign_in_link(email.as_str(), &link))
        .await
    {
        return Err(ApiError::Unavailable(Box::new(e)));
    }
    Ok((
        StatusCode::ACCEPTED,
        Json(LinkSent {
            message: format!("We sent a sign-in link to {email}. It works once, for 10 minutes."),
        }),
    ))
}

/// Asks what a sign-in link is for, without using it.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct AboutRequest {
    /// The token of the emailed link.
    #[schema(value_type = String)]
    token: Text,
}

/// Whom a link signs in, and for what.
#[derive(Serialize, utoipa::ToSchema)]
pub struct LinkAbout {
    /// The address the link signs in.
    email: String,
    /// What the link is for, when it came with a request to act
    /// ("review Ada Lovelace's mentee application").
    task: Option<String>,
    /// When it stops working (RFC 3339).
    expires_at: String,
}

/// The sign-in link's token, named when it is missing.
fn token_of(form: &mut FormReader, token: &Text) -> String {
    let token = form.text("token", token);
    if token.trim().is_empty() {
        form.errors.add(
            "token",
            "The sign-in link is incomplete; open it again from your email.",
        );
    }
    token.trim().to_string()
}

fn refused(why: TokenRefused) -> ApiError {
    ApiError::Gone(
        match why {
            TokenRefused::Expired => "This sign-in link has expired. Ask for a new one.",
            TokenRefused::UnknownOrUsed => {
                "This sign-in link has already been used or is not valid. Ask for a new one."
            }
        }
        .into(),
    )
}

/// Whom a sign-in link signs in and what it is for, without using it: the
/// page the link opens says so before the person presses "Sign in".
#[utoipa::path(post, path = "/api/auth/link/about", tag = "auth", request_body = AboutRequest,
    responses(
        (status = 200, description = "The link works", body = LinkAbout),
        (status = 410, description = "The link expired or was used"),
        (status = 422, description = "No token"),
    ))]
#[tracing::instrument(skip_all)]
async fn about_link(
    State(deps): State<Deps>,
    Form(body): Form<AboutRequest>,
) -> Result<Json<LinkAbout>, ApiError> {
    let mut form = FormReader::new();
    let token = token_of(&mut form, &body.token);
    form.finish(Some(()))?;
    let (grant, expires) = deps
        .store
        .peek_sign_in_token(&token_hash(&token), deps.now())
        .await?
        .map_err(refused)?;
    Ok(Json(LinkAbout {
        email: grant.email.to_string(),
        task: grant.task,
        expires_at: expires.to_string(),
    }))
}

/// Use a sign-in link's token: starts a session (the cookie).
#[utoipa::path(post, path = "/api/auth/session", tag = "auth", request_body = SessionRequest,
    responses(
        (status = 200, description = "Signed in; the session cookie is set", body = SessionStarted),
        (status = 410, description = "The link expired or was used"),
        (status = 422, description = "No token, or `stay_signed_in` is not true or false"),
    ))]
#[tracing::instrument(skip_all)]
async fn start_session(
    State(deps): State<Deps>,
    jar: CookieJar,
    Form(body): Form<SessionRequest>,
) -> Result<impl IntoResponse, ApiError> {
    let mut form = FormReader::new();
    let token = token_of(&mut form, &body.token);
    let stay_signed_in = form.flag("stay_signed_in", &body.stay_signed_in);
    form.finish(Some(()))?;
    let grant = deps
        .store
        .take_sign_in_token(&token_hash(&token), deps.now())
        .await?
        .map_err(refused)?;
    let started = deps.start_session(&grant.email, stay_signed_in).await?;
    let [session, marker] = started.cookies;
    // Two jars, so the session cookie's header always comes first (one
    // jar sends its cookies in no set order).
    Ok((
        jar.add(session),
        CookieJar::new().add(marker),
        Json(SessionStarted {
            email: grant.email.to_string(),
            next: grant.next,
            expires_at: started.times.expires.to_string(),
            stays_signed_in: started.times.kept,
        }),
    ))
}

/// End the session: it is deleted, so a copy of its cookie no longer
/// works, and the cookies are cleared.
#[utoipa::path(post, path = "/api/auth/signout", tag = "auth",
    responses((status = 204, description = "Signed out")))]
#[tracing::instrument(skip_all)]
async fn sign_out(State(deps): State<Deps>, jar: CookieJar) -> Result<impl IntoResponse, ApiError> {
    Ok((deps.end_session(jar).await?, StatusCode::NO_CONTENT))
}

/// Who is signed in, and their roles.
#[utoipa::path(get, path = "/api/me", tag = "auth", security(("session" = [])),
    responses((status = 200, description = "The signed-in person", body = Me)))]
#[tracing::instrument(skip_all)]
async fn me(State(deps): State<Deps>, Caller(actor): Caller) -> Result<Json<Me>, ApiError> {
    let mut roles = Vec::new();
    if !deps.store.applications_of(&actor.email).await?.is_empty() {
        roles.push(RoleName::Applicant);
    }
    if deps.store.is_supervisor(&actor.email).await? {
        roles.push(RoleName::Supervisor);
    }
    if !actor.departments.is_empty() {
        roles.push(RoleName::DepartmentAdmin);
    }
    if actor.program_admin {
        roles.push(RoleName::ProgramAdmin);
    }
    Ok(Json(Me {
        email: actor.email.to_string(),
        roles,
        departments: actor.departments.iter().map(Named::from).collect(),
    }))
}
