//! Reading requests: JSON forms, the query string and the path, each
//! refusal answered as a problem like every other error.

use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::ApiError;

/// A JSON object body read as the form `T`. Anything but an object is a 400
/// problem saying so. The forms are made of `moments_domain::form::Field`s,
/// which take any value, so each field's own check names what is wrong
/// with it, all of them at once.
pub struct Form<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for Form<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let object = match axum::Json::<Value>::from_request(req, state).await {
            Ok(axum::Json(object @ Value::Object(_))) => object,
            Ok(_) => {
                return Err(ApiError::BadRequest(
                    "The request body must be a JSON object.".into(),
                ));
            }
            Err(JsonRejection::BytesRejection(e))
                if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE =>
            {
                return Err(ApiError::TooLarge);
            }
            Err(JsonRejection::MissingJsonContentType(_)) => {
                return Err(ApiError::BadRequest(
                    "Send the request body as JSON (Content-Type: application/json).".into(),
                ));
            }
            Err(e) => {
                return Err(ApiError::BadRequest(format!(
                    "The request body is not valid JSON: {}",
                    e.body_text()
                )));
            }
        };
        serde_json::from_value(object)
            .map(Form)
            .map_err(|e| ApiError::BadRequest(format!("The request body could not be read: {e}")))
    }
}

/// Why path or query parameters could not be read, as a problem: 400 for
/// what the client sent (a repeated query field, an id that is not UTF-8),
/// 500 for a route and handler that disagree.
fn unreadable(status: axum::http::StatusCode, text: String) -> ApiError {
    if status.is_server_error() {
        ApiError::Internal(text.into())
    } else {
        ApiError::BadRequest(text)
    }
}

/// The query string as `T` (axum's `Query`, with its refusals answered as
/// problems like every other error).
pub struct Query<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for Query<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match axum::extract::Query::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Query(value)) => Ok(Query(value)),
            Err(e) => Err(unreadable(e.status(), e.body_text())),
        }
    }
}

/// The path's parameters as `T` (axum's `Path`, with its refusals answered
/// as problems like every other error).
pub struct Path<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for Path<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match axum::extract::Path::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(value)) => Ok(Path(value)),
            Err(e) => Err(unreadable(e.status(), e.body_text())),
        }
    }
}
