//! HTTP plumbing shared by the functions: the session and the signed-in
//! caller, reading requests, the error mapping, the answers' shapes and the
//! OpenAPI document they make.

use crate::deps::Deps;

pub mod api;
mod error;
mod extract;
mod guard;
pub mod limits;
mod links;
pub mod openapi;
mod refusals;
mod security_log;
mod session;
pub mod views;

pub use error::{ApiError, Problem, ResultExt};
pub use extract::{Form, Path, Query};
pub use guard::{origin_of, same_origin};
pub use links::token_hash;
pub use security_log::Requester;
pub use session::{
    Caller, LOCAL_PROVIDER_STATE_COOKIE, LOCAL_SESSION_COOKIE, PROVIDER_STATE_COOKIE,
    SESSION_COOKIE, SIGNED_IN_COOKIE, SignedIn, StartedSession, session_hash,
};

/// Largest request body any function accepts.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// A function's routes, ready to serve: state attached, bodies capped,
/// changes accepted from our own origin only (see `guard`), refusals
/// logged (see `security_log`). Route layers, so a request no route serves
/// is still a plain 404 or 405.
pub fn app(routes: impl Into<axum::Router<Deps>>, deps: Deps) -> axum::Router {
    routes
        .into()
        .route_layer(axum::middleware::from_fn_with_state(
            deps.clone(),
            guard::guard,
        ))
        .route_layer(axum::middleware::from_fn_with_state(
            deps.clone(),
            security_log::log_refusals,
        ))
        .layer(axum::extract::DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(axum::middleware::map_response(not_stored))
        .with_state(deps)
}

/// Answers are personal (a session's applications, exports, problems that
/// name records): no browser, proxy or CDN keeps them, unless a handler
/// says otherwise.
async fn not_stored(mut response: axum::response::Response) -> axum::response::Response {
    response
        .headers_mut()
        .entry(axum::http::header::CACHE_CONTROL)
        .or_insert(axum::http::HeaderValue::from_static("no-store"));
    response
}

/// Random bytes from the operating system; its failure is the server's.
/// Only program administrators may `what` ("revoke applications"); others get 403.
pub fn program_admin(actor: &moments_domain::access::Actor, what: &str) -> Result<(), ApiError> {
    if actor.program_admin {
        Ok(())
    } else {
        Err(ApiError::Forbidden(format!(
            "Only program administrators can {what}."
        )))
    }
}

pub fn random_bytes<const N: usize>() -> Result<[u8; N], ApiError> {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes).map_err(|e| ApiError::Internal(Box::new(e)))?;
    Ok(bytes)
}
