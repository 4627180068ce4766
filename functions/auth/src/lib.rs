//! The `auth` function: sign-in by emailed one-time link, sessions, and
//! `GET /api/me`.
//!
//! A link's token is 256 random bits, kept only as its SHA-256 hash, valid
//! for 10 minutes and once. The emailed link opens a page whose button POSTs
//! the token, because mail scanners follow links in emails.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::{get, post};
use axum::{Json, Router};
use axum_extra::extract::cookie::Key;
use axum_extra::extract::{CookieJar, SignedCookieJar};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use moments_adapters::http::limits::{self, SIGN_IN_PER_ADDRESS, SIGN_IN_PER_SOURCE, Source};
use moments_adapters::http::{ApiError, Caller, Deps, JsonBody, random_bytes};
use moments_adapters::store::{SignInGrant, StoreError, TokenRefused};
use moments_domain::access::RoleName;
use moments_domain::application::FormReader;
use moments_domain::notify;
use moments_domain::signin::{LINK_LIFETIME, TOKEN_BYTES, safe_next};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

pub fn router() -> Router<Deps> {
    Router::new()
        .route("/api/auth/link", post(request_link))
        .route("/api/auth/session", post(start_session))
        .route("/api/auth/signout", post(sign_out))
        .route("/api/me", get(me))
        .route("/api/openapi.json", get(openapi_json))
}

/// The OpenAPI document of every HTTP function. A function joins it with
/// one line here (and a dependency in Cargo.toml).
pub fn document() -> utoipa::openapi::OpenApi {
    moments_adapters::http::openapi::document([
        openapi(),
        moments_applications::openapi(),
        moments_decisions::openapi(),
        moments_mentorships::openapi(),
        moments_surveys::openapi(),
        moments_reports::openapi(),
    ])
}

/// `GET /api/openapi.json`: built once per instance.
async fn openapi_json() -> Json<&'static Value> {
    static DOCUMENT: std::sync::OnceLock<Value> = std::sync::OnceLock::new();
    Json(DOCUMENT.get_or_init(|| moments_adapters::http::openapi::to_json(&document())))
}

/// The operations of this function, for the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(request_link, start_session, sign_out, me))]
struct Api;

pub fn openapi() -> utoipa::openapi::OpenApi {
    <Api as utoipa::OpenApi>::openapi()
}

#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
struct LinkRequest {
    /// A work email in one of the program's domains.
    email: String,
    /// A path on this site to return to after signing in.
    #[schema(required = false)]
    next: Option<String>,
}

#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
struct LinkSent {
    message: String,
}

#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
struct SessionRequest {
    /// The token of the emailed link.
    token: String,
}

#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
struct SessionStarted {
    email: String,
    next: Option<String>,
}

#[derive(utoipa::ToSchema)]
#[schema(rename_all = "snake_case")]
#[allow(dead_code)]
enum Role {
    Applicant,
    Supervisor,
    DepartmentAdmin,
    ProgramAdmin,
}

#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
struct Me {
    email: String,
    roles: Vec<Role>,
    /// Departments the caller administers.
    departments: Vec<moments_adapters::http::openapi::Named>,
}

fn token_hash(token: &str) -> String {
    Sha256::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
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
    JsonBody(body): JsonBody,
) -> Result<impl IntoResponse, ApiError> {
    let mut form = FormReader::new(&body);
    let email = form.parsed("email", |raw| deps.config.domains.work_email(raw));
    let next = form.text("next");
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
    let email = form.finish(email).map_err(ApiError::Invalid)?;
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

    let token = URL_SAFE_NO_PAD.encode(random_bytes::<TOKEN_BYTES>()?);
    let grant = SignInGrant {
        email: email.clone(),
        next,
    };
    match deps
        .store
        .put_sign_in_token(&token_hash(&token), &grant, deps.now() + LINK_LIFETIME)
        .await
    {
        Ok(()) => {}
        // 256 random bits do not collide; treat it as the failure it would be.
        Err(StoreError::AlreadyExists) => {
            return Err(ApiError::Internal("sign-in token collision".into()));
        }
        Err(e) => return Err(e.into()),
    }
    let link = format!("{}/signin/confirm/?token={token}", deps.config.base_url);
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
        Json(json!({
            "message": format!("We sent a sign-in link to {email}. It works once, for 10 minutes."),
        })),
    ))
}

/// Use a sign-in link's token: starts a session (the cookie).
#[utoipa::path(post, path = "/api/auth/session", tag = "auth", request_body = SessionRequest,
    responses(
        (status = 200, description = "Signed in; the session cookie is set", body = SessionStarted),
        (status = 410, description = "The link expired or was used"),
        (status = 422, description = "No token"),
    ))]
#[tracing::instrument(skip_all)]
async fn start_session(
    State(deps): State<Deps>,
    jar: SignedCookieJar<Key>,
    plain: CookieJar,
    JsonBody(body): JsonBody,
) -> Result<impl IntoResponse, ApiError> {
    let mut form = FormReader::new(&body);
    let token = form.text("token");
    if token.trim().is_empty() {
        form.errors.add(
            "token",
            "The sign-in link is incomplete; open it again from your email.",
        );
    }
    if !form.errors.is_empty() {
        return Err(ApiError::Invalid(form.errors));
    }
    let grant = match deps
        .store
        .take_sign_in_token(&token_hash(token.trim()), deps.now())
        .await?
    {
        Ok(grant) => grant,
        Err(TokenRefused::Expired) => {
            return Err(ApiError::Gone(
                "This sign-in link has expired. Ask for a new one; links work for 10 minutes."
                    .into(),
            ));
        }
        Err(TokenRefused::UnknownOrUsed) => {
            return Err(ApiError::Gone(
                "This sign-in link has already been used or is not valid. Ask for a new one."
                    .into(),
            ));
        }
    };
    let jar = jar.add(deps.session_cookie(&grant.email));
    let marker = plain.add(deps.signed_in_cookie());
    Ok((
        jar,
        marker,
        Json(json!({"email": grant.email.as_str(), "next": grant.next})),
    ))
}

/// End the session (clears the cookie).
#[utoipa::path(post, path = "/api/auth/signout", tag = "auth",
    responses((status = 204, description = "Signed out")))]
async fn sign_out(
    State(deps): State<Deps>,
    jar: SignedCookieJar<Key>,
    plain: CookieJar,
) -> impl IntoResponse {
    (
        jar.remove(deps.expired_session_cookie()),
        plain.remove(deps.expired_signed_in_cookie()),
        StatusCode::NO_CONTENT,
    )
}

/// Who is signed in, and their roles.
#[utoipa::path(get, path = "/api/me", tag = "auth", security(("session" = [])),
    responses((status = 200, description = "The signed-in person", body = Me)))]
#[tracing::instrument(skip_all)]
async fn me(State(deps): State<Deps>, Caller(actor): Caller) -> Result<Json<Value>, ApiError> {
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
    let departments: Vec<Value> = actor
        .departments
        .iter()
        .map(|d| json!({"id": d.as_str(), "name": d.name()}))
        .collect();
    Ok(Json(json!({
        "email": actor.email.as_str(),
        "roles": roles,
        "departments": departments,
    })))
}
