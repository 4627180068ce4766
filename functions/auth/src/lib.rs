//! The `auth` function: sign-in by emailed one-time link, sessions, and
//! `GET /api/me`.
//!
//! A link's token is 256 random bits, kept only as its SHA-256 hash, valid
//! once: for 10 minutes when asked for on the sign-in page, for days when it
//! came in mail asking the person to act (`moments_adapters::http` links).
//! The emailed link opens a page that says whom it signs in and for what,
//! and whose button POSTs the token, because mail scanners follow links.
//!
//! Where the state's identity provider is configured, sign-in may also go
//! through it (OpenID Connect, `moments_adapters::oidc`): `GET
//! /api/auth/oidc` sends the browser there, and the provider sends it back
//! to `GET /api/auth/oidc/callback`, which starts the session.

use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::CookieJar;
use moments_adapters::deps::Deps;
use moments_adapters::http::limits::{self, SIGN_IN_PER_ADDRESS, SIGN_IN_PER_SOURCE, Source};
use moments_adapters::http::views::Named;
use moments_adapters::http::{ApiError, Form, Query, Requester, SignedIn, token_hash};
use moments_adapters::oidc::{OidcError, PENDING_LIFETIME};
use moments_adapters::security::{SecurityEvent, SecurityKind};
use moments_adapters::store::{SignInGrant, SignedInWith, TokenRefused};
use moments_domain::access::RoleName;
use moments_domain::form::{Flag, FormReader, Text};
use moments_domain::notify;
use moments_domain::signin::{LINK_LIFETIME, safe_next};
use serde::{Deserialize, Serialize};

moments_adapters::http_api! {
    request_link;
    about_link;
    start_session;
    sign_in_options;
    start_provider_sign_in;
    finish_provider_sign_in;
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
    /// How this session was started.
    signed_in_with: SignedInWith,
    /// This person administers, but administrators here must sign in with
    /// the state's identity provider and this session came from an emailed
    /// link: it has a participant's reach only.
    administration_needs_provider: bool,
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
    let next = page_to_return_to(&mut form, &next);
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

    deps.security(SecurityEvent {
        kind: SecurityKind::LinkRequested,
        who: Some(deps.pseudonym(email.as_str())),
        source: Some(source.0.clone()),
        detail: "a sign-in link was asked for".into(),
    })
    .await;
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

/// `next`, a page of this site to open once signed in; empty for none.
fn page_to_return_to(form: &mut FormReader, next: &str) -> Option<String> {
    match next.trim() {
        "" => None,
        n => safe_next(n).map(str::to_string).or_else(|| {
            form.errors
                .add("next", "The page to return to must be a page of this site.");
            None
        }),
    }
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
    requester: Requester,
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
    let how = match &grant.task {
        Some(task) => format!("by a task link (to {task})"),
        None => "by emailed link".into(),
    };
    let started = deps
        .start_session(
            &grant.email,
            stay_signed_in,
            SignedInWith::Link,
            &how,
            &requester,
        )
        .await?;
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
async fn me(State(deps): State<Deps>, signed_in: SignedIn) -> Result<Json<Me>, ApiError> {
    let SignedIn {
        actor,
        via,
        administration_withheld,
    } = signed_in;
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
    // Named as the list names them now; read only for department administrators.
    let departments = if actor.departments.is_empty() {
        Vec::new()
    } else {
        let list = deps.store.departments().await?;
        actor.departments.iter().map(|d| list.entry(d)).collect()
    };
    Ok(Json(Me {
        email: actor.email.to_string(),
        roles,
        departments,
        signed_in_with: via,
        administration_needs_provider: administration_withheld,
    }))
}

/// How a person can sign in here.
#[derive(Serialize, utoipa::ToSchema)]
pub struct SignInOptions {
    /// The state's identity provider, when sign-in may go through it; an
    /// emailed link works either way.
    provider: Option<ProviderOption>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ProviderOption {
    /// What to call its accounts ("your state account").
    label: String,
    /// Where a browser starts signing in with it (a page navigation).
    #[schema(example = "/api/auth/oidc")]
    start: String,
    /// Administrators must sign in with it: an emailed link gives them a
    /// participant's reach only.
    required_for_administrators: bool,
}

/// How one may sign in here: by emailed link, and through the state's
/// identity provider where one is configured.
#[utoipa::path(get, path = "/api/auth/options", tag = "auth",
    responses((status = 200, description = "The ways to sign in", body = SignInOptions)))]
#[tracing::instrument(skip_all)]
async fn sign_in_options(State(deps): State<Deps>) -> Json<SignInOptions> {
    Json(SignInOptions {
        provider: deps.oidc.as_ref().map(|oidc| ProviderOption {
            label: oidc.label().to_string(),
            start: "/api/auth/oidc".into(),
            required_for_administrators: deps.config.admins_use_provider,
        }),
    })
}

/// Where to go after signing in through the identity provider.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct ProviderStart {
    /// A page of this site to open once signed in.
    #[param(required = false)]
    next: String,
    /// `true`: keep me signed in on this device for two weeks (participants
    /// only).
    #[param(required = false)]
    stay_signed_in: String,
    /// A work address to suggest to the provider's sign-in page.
    #[param(required = false)]
    login_hint: String,
}

/// Sign in with the state's identity provider: the browser is sent there
/// (authorization code flow with PKCE), with a cookie that binds the
/// sign-in to this browser.
#[utoipa::path(get, path = "/api/auth/oidc", operation_id = "start_provider_sign_in", tag = "auth",
    params(ProviderStart),
    responses(
        (status = 303, description = "To the identity provider; the cookie binding the sign-in to this browser is set"),
        (status = 404, description = "No identity provider is configured here"),
        (status = 422, description = "`next`, `stay_signed_in` or `login_hint` is not valid"),
        (status = 503, description = "The identity provider could not be reached"),
    ))]
#[tracing::instrument(skip_all)]
async fn start_provider_sign_in(
    State(deps): State<Deps>,
    jar: CookieJar,
    Query(q): Query<ProviderStart>,
) -> Result<impl IntoResponse, ApiError> {
    let oidc = deps.oidc.clone().ok_or(ApiError::NotFound(
        "Signing in with a state account is not set up here; use an emailed link.",
    ))?;
    let mut form = FormReader::new();
    let next = page_to_return_to(&mut form, &q.next);
    let stay_signed_in = match q.stay_signed_in.trim() {
        "" | "false" => false,
        "true" => true,
        _ => {
            form.errors.add("stay_signed_in", "Choose true or false.");
            false
        }
    };
    let hint = match q.login_hint.trim() {
        "" => None,
        raw => match deps.config.domains.work_email(raw) {
            Ok(email) => Some(email.to_string()),
            Err(problem) => {
                form.errors.add("login_hint", problem);
                None
            }
        },
    };
    form.finish(Some(()))?;
    let now = deps.now();
    let started = oidc
        .start(now, next, stay_signed_in, hint.as_deref())
        .await
        .map_err(|e| ApiError::Unavailable(Box::new(e)))?;
    deps.store
        .put_pending_sign_in(
            &token_hash(&started.state),
            &started.pending,
            now + PENDING_LIFETIME,
        )
        .await?;
    Ok((
        jar.add(deps.provider_state_cookie(Some(&started.state))),
        Redirect::to(&started.url),
    ))
}

/// What the identity provider sends the browser back with.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct ProviderCallback {
    /// The authorization code.
    #[param(required = false)]
    code: String,
    /// The sign-in's `state`, which this browser's cookie must match.
    #[param(required = false)]
    state: String,
    /// The provider's error code, when it did not sign the person in.
    #[param(required = false)]
    error: String,
    #[param(required = false)]
    error_description: String,
}

/// Why a sign-in through the provider did not end in a session: the
/// sign-in page (`/signin/?problem=…`) explains each in words.
#[derive(Debug, Clone, Copy)]
enum ProviderProblem {
    /// No sign-in under way in this browser with that `state`, or it expired.
    Expired,
    /// The person cancelled or the provider refused them.
    Cancelled,
    /// The provider's answer failed a check.
    Refused,
    /// The provider gave no email address.
    NoEmail,
    /// The address is not one of the program's.
    Outside,
    /// The provider or the table could not be reached.
    Unavailable,
}

impl ProviderProblem {
    fn code(self) -> &'static str {
        match self {
            ProviderProblem::Expired => "expired",
            ProviderProblem::Cancelled => "cancelled",
            ProviderProblem::Refused => "refused",
            ProviderProblem::NoEmail => "no-email",
            ProviderProblem::Outside => "outside",
            ProviderProblem::Unavailable => "unavailable",
        }
    }
}

/// Where the identity provider sends the browser back: the code is
/// exchanged, the ID token checked, and a session started for its address;
/// then on to the page asked for. Whatever fails, the browser goes to the
/// sign-in page, which says what happened.
#[utoipa::path(get, path = "/api/auth/oidc/callback", operation_id = "finish_provider_sign_in", tag = "auth",
    params(ProviderCallback),
    responses(
        (status = 303, description = "Signed in and on to the page asked for, or back to the sign-in page (`?problem=`) saying why not"),
    ))]
#[tracing::instrument(skip_all)]
async fn finish_provider_sign_in(
    State(deps): State<Deps>,
    jar: CookieJar,
    requester: Requester,
    Query(q): Query<ProviderCallback>,
) -> Response {
    let cleared = jar.clone().add(deps.provider_state_cookie(None));
    match provider_session(&deps, &jar, &q, &requester).await {
        Ok((session, marker, next)) => (
            cleared.add(session),
            CookieJar::new().add(marker),
            Redirect::to(&next),
        )
            .into_response(),
        Err(problem) => {
            deps.security(SecurityEvent {
                kind: SecurityKind::ProviderRefused,
                who: None,
                source: Some(requester.source.clone()),
                detail: format!("not signed in: {}", problem.code()),
            })
            .await;
            (
                cleared,
                Redirect::to(&format!("/signin/?problem={}", problem.code())),
            )
                .into_response()
        }
    }
}

type ProviderSession = (
    axum_extra::extract::cookie::Cookie<'static>,
    axum_extra::extract::cookie::Cookie<'static>,
    String,
);

async fn provider_session(
    deps: &Deps,
    jar: &CookieJar,
    q: &ProviderCallback,
    requester: &Requester,
) -> Result<ProviderSession, ProviderProblem> {
    let oidc = deps.oidc.as_ref().ok_or(ProviderProblem::Unavailable)?;
    // Only the browser that started this sign-in holds its state.
    let held = jar
        .get(deps.provider_state_cookie_name())
        .map(|c| token_hash(c.value()));
    let state = token_hash(&q.state);
    if q.state.trim().is_empty() || held.as_deref() != Some(state.as_str()) {
        return Err(ProviderProblem::Expired);
    }
    let now = deps.now();
    let pending = deps
        .store
        .take_pending_sign_in(&state, now)
        .await
        .map_err(|e| {
            tracing::error!(error = %e, "pending sign-in unreadable");
            ProviderProblem::Unavailable
        })?
        .ok_or(ProviderProblem::Expired)?;
    if !q.error.is_empty() || q.code.trim().is_empty() {
        tracing::info!(error = %q.error, description = %q.error_description, "the provider did not sign the person in");
        return Err(ProviderProblem::Cancelled);
    }
    let claimed = oidc
        .finish(now, q.code.trim(), &pending)
        .await
        .map_err(|e| {
            tracing::warn!(error = %e, "identity provider sign-in failed");
            match e {
                OidcError::Unavailable(_) => ProviderProblem::Unavailable,
                OidcError::Refused(_) => ProviderProblem::Refused,
                OidcError::NoEmail => ProviderProblem::NoEmail,
            }
        })?;
    let email = deps
        .config
        .domains
        .work_email(&claimed)
        .map_err(|_| ProviderProblem::Outside)?;
    let started = deps
        .start_session(
            &email,
            pending.stay_signed_in,
            SignedInWith::Provider,
            "through the identity provider",
            requester,
        )
        .await
        .map_err(|e| {
            tracing::error!(error = %e, "session not started");
            ProviderProblem::Unavailable
        })?;
    let [session, marker] = started.cookies;
    let next = pending.next.unwrap_or_else(|| "/my/applications/".into());
    Ok((session, marker, next))
}
