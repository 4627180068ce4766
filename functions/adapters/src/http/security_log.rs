//! The HTTP side of the security log (`crate::security`): every refused
//! request (401, 403, a cross-origin change) of every function is logged
//! with its route, source and, for a 403, who was signed in; and who is
//! asking, for the events of sign-in.

use std::sync::{Arc, Mutex};

use axum::extract::{FromRequestParts, MatchedPath, Request, State};
use axum::http::header;
use axum::http::request::Parts;
use axum::middleware::Next;
use axum::response::Response;

use super::limits::Source;
use crate::deps::Deps;
use crate::security::{Refusal, clipped};

/// Where the signed-in caller's address is left for the refusal log: a
/// 403 names who was refused.
#[derive(Debug, Clone, Default)]
pub(crate) struct CallerSlot(Arc<Mutex<Option<String>>>);

impl CallerSlot {
    pub(crate) fn set(&self, email: &str) {
        *self.0.lock().unwrap_or_else(|p| p.into_inner()) = Some(email.to_string());
    }

    fn get(&self) -> Option<String> {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }
}

/// Logs and counts the refusals of the routes it wraps (a route layer, so
/// it knows the route; outside the guard, so it sees the guard's).
pub(super) async fn log_refusals(
    State(deps): State<Deps>,
    request: Request,
    next: Next,
) -> Response {
    let (mut parts, body) = request.into_parts();
    let slot = CallerSlot::default();
    parts.extensions.insert(slot.clone());
    let route = parts
        .extensions
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_string())
        .unwrap_or_else(|| parts.uri.path().to_string());
    let method = parts.method.clone();
    let source = match Source::from_request_parts(&mut parts, &deps).await {
        Ok(source) => source,
        Err(never) => match never {},
    };
    let response = next.run(Request::from_parts(parts, body)).await;
    if let Some(refusal) = response.extensions().get::<Refusal>().copied() {
        let who = slot.get();
        deps.refused(refusal, &method, &route, who.as_deref(), &source.0)
            .await;
    }
    response
}

/// Who is asking: their source (as the abuse limits see it) and their
/// browser's name, for the log of sessions started.
#[derive(Debug, Clone)]
pub struct Requester {
    pub source: String,
    pub user_agent: Option<String>,
}

impl FromRequestParts<Deps> for Requester {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, deps: &Deps) -> Result<Self, Self::Rejection> {
        let Source(source) = Source::from_request_parts(parts, deps).await?;
        let user_agent = parts
            .headers
            .get(header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .map(|ua| clipped(ua, 160));
        Ok(Requester { source, user_agent })
    }
}
