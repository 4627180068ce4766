//! The one place errors become HTTP responses: RFC 9457 problem+json.
//! Clients never see internal error text; it goes to the log.

use std::collections::BTreeMap;

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use moments_domain::form::FieldErrors;
use serde::Serialize;

use crate::store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("invalid input")]
    Invalid(FieldErrors),
    #[error("bad request: {0}")]
    BadRequest(String),
    #[error("not signed in")]
    Unauthorized,
    #[error("forbidden: {0}")]
    Forbidden(String),
    #[error("not found")]
    NotFound(&'static str),
    #[error("conflict: {0}")]
    Conflict(String),
    #[error("gone: {0}")]
    Gone(String),
    /// A state-changing request that did not come from our own pages.
    #[error("cross-origin: {0}")]
    CrossOrigin(String),
    #[error("request body too large")]
    TooLarge,
    /// An abuse limit was reached; trying again after `retry_after` seconds may work.
    #[error("too many requests: {detail}")]
    TooMany { retry_after: u64, detail: String },
    /// A service we depend on (store, mail) is busy or did not answer.
    #[error("unavailable")]
    Unavailable(#[source] Box<dyn std::error::Error + Send + Sync>),
    #[error("internal error")]
    Internal(#[source] Box<dyn std::error::Error + Send + Sync>),
}

/// An RFC 9457 problem, as every error answer carries it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Problem {
    /// `/problems/{kind}`: invalid-input, bad-request, sign-in-required,
    /// forbidden, cross-origin, not-found, conflict, gone, too-large,
    /// too-many-requests, unavailable.
    #[serde(rename = "type")]
    #[schema(example = "/problems/invalid-input")]
    pub kind: String,
    pub title: &'static str,
    pub status: u16,
    pub detail: String,
    /// Per-field messages, keyed by the request body's field names (422 only).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(required = false)]
    pub errors: Option<BTreeMap<String, String>>,
}

impl ApiError {
    pub fn status(&self) -> StatusCode {
        match self {
            ApiError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::BadRequest(_) => StatusCode::BAD_REQUEST,
            ApiError::Unauthorized => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden(_) | ApiError::CrossOrigin(_) => StatusCode::FORBIDDEN,
            ApiError::NotFound(_) => StatusCode::NOT_FOUND,
            ApiError::Conflict(_) => StatusCode::CONFLICT,
            ApiError::Gone(_) => StatusCode::GONE,
            ApiError::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::TooMany { .. } => StatusCode::TOO_MANY_REQUESTS,
            ApiError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The problem's kind (its `type` is `/problems/{kind}`) and title.
    fn kind(&self) -> (&'static str, &'static str) {
        match self {
            ApiError::Invalid(_) => ("invalid-input", "Some fields need attention"),
            ApiError::BadRequest(_) => ("bad-request", "The request could not be read"),
            ApiError::Unauthorized => ("sign-in-required", "Please sign in"),
            ApiError::Forbidden(_) => ("forbidden", "Not allowed"),
            ApiError::NotFound(_) => ("not-found", "Not found"),
            ApiError::Conflict(_) => ("conflict", "That cannot be done now"),
            ApiError::Gone(_) => ("gone", "This link no longer works"),
            ApiError::CrossOrigin(_) => ("cross-origin", "Refused: sent from another site"),
            ApiError::TooLarge => ("too-large", "The request is too large"),
            ApiError::TooMany { .. } => ("too-many-requests", "Too many attempts"),
            ApiError::Unavailable(_) => ("unavailable", "Temporarily unavailable"),
            ApiError::Internal(_) => ("internal", "Something went wrong"),
        }
    }

    /// What the person is told: never the text of an internal error.
    fn detail(&self) -> String {
        match self {
            ApiError::Invalid(errors) => match errors.len() {
                1 => "1 field needs attention.".to_string(),
                n => format!("{n} fields need attention."),
            },
            ApiError::BadRequest(detail)
            | ApiError::Forbidden(detail)
            | ApiError::Conflict(detail)
            | ApiError::Gone(detail)
            | ApiError::CrossOrigin(detail)
            | ApiError::TooMany { detail, .. } => detail.clone(),
            ApiError::Unauthorized => "Sign in with your work email to continue.".into(),
            ApiError::NotFound(what) => format!("There is no such {what}."),
            ApiError::TooLarge => format!(
                "Send at most {} KB; shorten the longest texts and try again.",
                super::MAX_BODY_BYTES / 1024
            ),
            ApiError::Unavailable(_) => "The service is busy. Please try again in a moment.".into(),
            ApiError::Internal(_) => {
                "Something went wrong on our side. Please try again later.".into()
            }
        }
    }

    pub fn problem(&self) -> Problem {
        let (kind, title) = self.kind();
        Problem {
            kind: format!("/problems/{kind}"),
            title,
            status: self.status().as_u16(),
            detail: self.detail(),
            errors: match self {
                ApiError::Invalid(errors) => Some(errors.0.clone()),
                _ => None,
            },
        }
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Unavailable(_) => ApiError::Unavailable(Box::new(e)),
            StoreError::Changed => ApiError::Conflict(
                "Someone changed this record at the same moment. Reload the page and try again."
                    .into(),
            ),
            other => ApiError::Internal(Box::new(other)),
        }
    }
}

impl From<FieldErrors> for ApiError {
    fn from(errors: FieldErrors) -> Self {
        ApiError::Invalid(errors)
    }
}

/// Saying what a storage outcome means for this request, in one call.
pub trait ResultExt<T> {
    /// A record that already exists is answered with `answer()`.
    fn on_exists(self, answer: impl FnOnce() -> ApiError) -> Result<T, ApiError>;
    /// A record changed since it was read is answered with `answer()`.
    fn on_changed(self, answer: impl FnOnce() -> ApiError) -> Result<T, ApiError>;
    /// Both at once: `exists()` for a record that already exists (an undo's
    /// email already claimed), `changed()` for one changed since read.
    fn on_exists_or_changed(
        self,
        exists: impl FnOnce() -> ApiError,
        changed: impl FnOnce() -> ApiError,
    ) -> Result<T, ApiError>;
}

impl<T> ResultExt<T> for Result<T, StoreError> {
    fn on_exists(self, answer: impl FnOnce() -> ApiError) -> Result<T, ApiError> {
        self.map_err(|e| match e {
            StoreError::AlreadyExists => answer(),
            e => e.into(),
        })
    }

    fn on_changed(self, answer: impl FnOnce() -> ApiError) -> Result<T, ApiError> {
        self.map_err(|e| match e {
            StoreError::Changed => answer(),
            e => e.into(),
        })
    }

    fn on_exists_or_changed(
        self,
        exists: impl FnOnce() -> ApiError,
        changed: impl FnOnce() -> ApiError,
    ) -> Result<T, ApiError> {
        self.map_err(|e| match e {
            StoreError::AlreadyExists => exists(),
            StoreError::Changed => changed(),
            e => e.into(),
        })
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        match &self {
            ApiError::Unavailable(e) => tracing::warn!(error = %e, "a service is unavailable"),
            ApiError::Internal(e) => {
                tracing::error!(error = %e, source = ?e.source(), "internal error");
            }
            _ => {}
        }
        let mut response = (self.status(), Json(self.problem())).into_response();
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        // For the security log (`http::security_log`), which counts refusals.
        let refusal = match &self {
            ApiError::Unauthorized => Some(crate::security::Refusal::Unauthorized),
            ApiError::Forbidden(_) => Some(crate::security::Refusal::Forbidden),
            ApiError::CrossOrigin(_) => Some(crate::security::Refusal::CrossOrigin),
            _ => None,
        };
        if let Some(refusal) = refusal {
            response.extensions_mut().insert(refusal);
        }
        if let ApiError::TooMany { retry_after, .. } = &self {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(*retry_after));
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_problem_names_its_status_and_kind_and_hides_internal_text() {
        let internal = ApiError::Internal("table xyz is missing".into());
        let p = internal.problem();
        assert_eq!((p.status, p.kind.as_str()), (500, "/problems/internal"));
        assert!(!p.detail.contains("xyz"));
        let invalid = ApiError::Invalid(FieldErrors::single("email", "Enter an email."));
        let p = invalid.problem();
        assert_eq!(p.status, 422);
        assert_eq!(p.detail, "1 field needs attention.");
        assert_eq!(p.errors.expect("errors")["email"], "Enter an email.");
        assert!(ApiError::NotFound("mentor").problem().errors.is_none());
    }

    #[test]
    fn a_storage_outcome_is_answered_as_the_caller_says() {
        let exists: Result<(), StoreError> = Err(StoreError::AlreadyExists);
        let e = exists.on_exists(|| ApiError::Conflict("already".into()));
        assert!(matches!(e, Err(ApiError::Conflict(d)) if d == "already"));
        let changed: Result<(), StoreError> = Err(StoreError::Changed);
        let e = changed.on_exists(|| ApiError::Conflict("already".into()));
        assert!(matches!(e, Err(ApiError::Conflict(d)) if d.contains("same moment")));
        let changed: Result<(), StoreError> = Err(StoreError::Changed);
        assert!(matches!(
            changed.on_changed(|| ApiError::NotFound("x")),
            Err(ApiError::NotFound("x"))
        ));
    }
}
