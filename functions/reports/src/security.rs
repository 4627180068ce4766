//! `GET /api/admin/security`: the security log's recent events and the
//! refusals counted per hour, for program administrators
//! (`moments_adapters::security` says what is logged and why).

use axum::Json;
use axum::extract::State;
use moments_adapters::deps::Deps;
use moments_adapters::http::{ApiError, Caller};
use serde::Serialize;

use crate::program_admin;

/// Days of events shown: today (UTC) and yesterday.
const DAYS_SHOWN: i64 = 2;
/// Events shown at most, newest first.
const EVENTS_SHOWN: usize = 200;

/// One event.
#[derive(Serialize, utoipa::ToSchema)]
pub struct SecurityEventView {
    /// When (RFC 3339).
    at: String,
    /// `link_requested`, `session_started`, `session_ended`,
    /// `provider_refused`, `export`, `person_looked_up`, `erasure`,
    /// `administrator_change`.
    kind: String,
    /// Who did it: an address, a pseudonym (`#` and 12 hex digits) where
    /// the address is not needed, or null when nobody is known.
    who: Option<String>,
    /// Where the request came from, for sign-ins.
    source: Option<String>,
    detail: String,
}

/// Refusals of one kind in one hour.
#[derive(Serialize, utoipa::ToSchema)]
pub struct RefusalCountView {
    /// The hour's start (RFC 3339).
    hour: String,
    /// `unauthorized` (401), `forbidden` (403) or `cross_origin` (403,
    /// a change that did not come from our pages).
    kind: String,
    count: u64,
}

/// The recent security log.
#[derive(Serialize, utoipa::ToSchema)]
pub struct SecurityLog {
    /// Newest first: today's and yesterday's (UTC), at most 200.
    events: Vec<SecurityEventView>,
    /// Newest hour first, the same two days.
    refusals: Vec<RefusalCountView>,
    /// How long events are kept before they expire, in days.
    kept_days: i64,
}

/// The security log of the last two days: sign-ins, sessions ended,
/// exports, look-ups, erasures, administrator changes, and refusals per hour.
#[utoipa::path(get, path = "/api/admin/security", operation_id = "read_security_log", tag = "reports",
    security(("session" = [])),
    responses(
        (status = 200, description = "The recent events and refusals", body = SecurityLog),
        (status = 403, description = "Not a program administrator"),
    ))]
#[tracing::instrument(skip_all)]
pub async fn recent(
    State(deps): State<Deps>,
    Caller(actor): Caller,
) -> Result<Json<SecurityLog>, ApiError> {
    program_admin(&actor, "read the security log")?;
    let (events, refusals) = deps
        .store
        .recent_security_events(deps.now(), DAYS_SHOWN, EVENTS_SHOWN)
        .await?;
    Ok(Json(SecurityLog {
        events: events
            .into_iter()
            .map(|e| SecurityEventView {
                at: e.at.to_string(),
                kind: e.kind,
                who: e.who,
                source: e.source,
                detail: e.detail,
            })
            .collect(),
        refusals: refusals
            .into_iter()
            .map(|r| RefusalCountView {
                hour: r.hour.to_string(),
                kind: r.kind,
                count: r.count,
            })
            .collect(),
        kept_days: moments_adapters::store::SECURITY_LOG_KEPT.as_hours() / 24,
    }))
}
