//! The one place errors become HTTP responses: RFC 9457 problem+json.
//! Clients never see internal error text; it goes to the log.

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use moments_domain::application::FieldErrors;
use serde_json::json;

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

fn problem(status: StatusCode, kind: &str, title: &str, detail: &str) -> serde_json::Value {
    json!({
        "type": format!("/problems/{kind}"),
        "title": title,
        "status": status.as_u16(),
        "detail": detail,
    })
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, body) = match &self {
            ApiError::Invalid(errors) => {
                let n = errors.len();
                let mut body = problem(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "invalid-input",
                    "Some fields need attention",
                    &if n == 1 {
                        "1 field needs attention.".to_string()
                    } else {
                        format!("{n} fields need attention.")
                    },
                );
                body["errors"] = json!(errors);
                (StatusCode::UNPROCESSABLE_ENTITY, body)
            }
            ApiError::BadRequest(detail) => (
                StatusCode::BAD_REQUEST,
                problem(
                    StatusCode::BAD_REQUEST,
                    "bad-request",
                    "The request could not be read",
                    detail,
                ),
            ),
            ApiError::Unauthorized => (
                StatusCode::UNAUTHORIZED,
                problem(
                    StatusCode::UNAUTHORIZED,
                    "sign-in-required",
                    "Please sign in",
                    "Sign in with your work email to continue.",
                ),
            ),
            ApiError::Forbidden(detail) => (
                StatusCode::FORBIDDEN,
                problem(StatusCode::FORBIDDEN, "forbidden", "Not allowed", detail),
            ),
            ApiError::NotFound(what) => (
                StatusCode::NOT_FOUND,
                problem(
                    StatusCode::NOT_FOUND,
                    "not-found",
                    "Not found",
                    &format!("There is no such {what}."),
                ),
            ),
            ApiError::Conflict(detail) => (
                StatusCode::CONFLICT,
                problem(
                    StatusCode::CONFLICT,
                    "conflict",
                    "That cannot be done now",
                    detail,
                ),
            ),
            ApiError::Gone(detail) => (
                StatusCode::GONE,
                problem(
                    StatusCode::GONE,
                    "gone",
                    "This link no longer works",
                    detail,
                ),
            ),
            ApiError::CrossOrigin(detail) => (
                StatusCode::FORBIDDEN,
                problem(
                    StatusCode::FORBIDDEN,
                    "cross-origin",
                    "Refused: sent from another site",
                    detail,
                ),
            ),
            ApiError::TooLarge => (
                StatusCode::PAYLOAD_TOO_LARGE,
                problem(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    "too-large",
                    "The request is too large",
                    &format!(
                        "Send at most {} KB; shorten the longest texts and try again.",
                        super::MAX_BODY_BYTES / 1024
                    ),
                ),
            ),
            ApiError::TooMany { detail, .. } => (
                StatusCode::TOO_MANY_REQUESTS,
                problem(
                    StatusCode::TOO_MANY_REQUESTS,
                    "too-many-requests",
                    "Too many attempts",
                    detail,
                ),
            ),
            ApiError::Unavailable(e) => {
                tracing::warn!(error = %e, "a service is unavailable");
                (
                    StatusCode::SERVICE_UNAVAILABLE,
                    problem(
                        StatusCode::SERVICE_UNAVAILABLE,
                        "unavailable",
                        "Temporarily unavailable",
                        "The service is busy. Please try again in a moment.",
                    ),
                )
            }
            ApiError::Internal(e) => {
                tracing::error!(error = %e, source = ?e.source(), "internal error");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    problem(
                        StatusCode::INTERNAL_SERVER_ERROR,
                        "internal",
                        "Something went wrong",
                        "Something went wrong on our side. Please try again later.",
                    ),
                )
            }
        };
        let mut response = (status, Json(body)).into_response();
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        if let ApiError::TooMany { retry_after, .. } = &self {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(*retry_after));
        }
        response
    }
}
