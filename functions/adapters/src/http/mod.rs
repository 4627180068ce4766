//! HTTP plumbing shared by the functions: their dependencies, the session
//! cookie, the signed-in caller, JSON bodies, and the error mapping.

use std::sync::Arc;

use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRef, FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum_extra::extract::SignedCookieJar;
use axum_extra::extract::cookie::{Cookie, Key, SameSite};
use jiff::Timestamp;
use moments_domain::access::Actor;
use moments_domain::fields::EmailAddress;
use moments_domain::mail::Message;
use moments_domain::signin::SESSION_LIFETIME;
use serde_json::{Map, Value};
use sha2::{Digest, Sha512};

use crate::config::ProgramConfig;
use crate::mail::{MailError, Mailer};
use crate::scheduler::{Scheduler, SchedulerError};
use crate::store::Store;

mod error;
mod guard;
pub mod limits;
pub mod openapi;
pub mod views;

pub use error::ApiError;
pub use guard::{origin_of, same_origin};

/// Largest request body any function accepts.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

pub const SESSION_COOKIE: &str = "moments_session";
/// Set beside the session cookie and cleared with it, readable by the
/// site's scripts: it tells the header to offer "Sign out" instead of
/// "Sign in" without asking the API on every page view. It grants nothing.
pub const SIGNED_IN_COOKIE: &str = "moments_signed_in";

/// Everything a function's handlers use, built once at start-up.
#[derive(Clone)]
pub struct Deps {
    pub store: Store,
    mailer: Option<Arc<dyn Mailer>>,
    pub config: Arc<ProgramConfig>,
    scheduler: Option<Arc<dyn Scheduler>>,
    cookie_key: Key,
    clock: Clock,
}

/// The time source: the real clock, or a fixed instant in tests of expiry.
#[derive(Clone)]
pub enum Clock {
    System,
    Fixed(Arc<std::sync::Mutex<Timestamp>>),
}

impl Clock {
    pub fn now(&self) -> Timestamp {
        match self {
            Clock::System => Timestamp::now(),
            Clock::Fixed(t) => *t.lock().unwrap_or_else(|p| p.into_inner()),
        }
    }
}

impl Deps {
    pub fn new(store: Store, mailer: Arc<dyn Mailer>, config: ProgramConfig) -> Deps {
        Deps {
            mailer: Some(mailer),
            ..Deps::without_mail(store, config)
        }
    }

    /// For a function that sends no email (and may not): it starts without
    /// an email client. A message it did try to send would be queued by
    /// `notify` for the mail retry job, not lost.
    pub fn without_mail(store: Store, config: ProgramConfig) -> Deps {
        // The signing key is stretched from the configured secret so any
        // sufficiently long secret gives a full-strength 512-bit key.
        let key = Key::from(&Sha512::digest(config.session_secret.as_bytes())[..]);
        Deps {
            store,
            mailer: None,
            config: Arc::new(config),
            scheduler: None,
            cookie_key: key,
            clock: Clock::System,
        }
    }

    pub fn with_scheduler(mut self, scheduler: Arc<dyn Scheduler>) -> Deps {
        self.scheduler = Some(scheduler);
        self
    }

    /// Create (or replace) a one-time job after a change has been committed.
    /// One the scheduler does not take is queued and created later by the
    /// reminders function's retry run (every 15 minutes), never dropped.
    pub async fn schedule(&self, name: &str, at: Timestamp, payload: &serde_json::Value) {
        let Err(e) = self.try_schedule(name, at, payload).await else {
            return;
        };
        let due = self.now() + moments_domain::mail::retry_delay(1);
        match self
            .store
            .queue_job(name, at, payload, &e.to_string(), due)
            .await
        {
            Ok(_) => {
                tracing::warn!(error = %e, job = name, "job not scheduled; queued for a retry")
            }
            Err(store) => tracing::error!(
                error = %e, store = %store, job = name,
                "job not scheduled and could not be queued"
            ),
        }
    }

    /// Create (or replace) a one-time job now; the caller decides what a
    /// failure means.
    pub async fn try_schedule(
        &self,
        name: &str,
        at: Timestamp,
        payload: &serde_json::Value,
    ) -> Result<(), SchedulerError> {
        match &self.scheduler {
            Some(s) => s.schedule(name, at, payload).await,
            None => Err(SchedulerError::Refused(
                "this function has no scheduler configured".into(),
            )),
        }
    }

    /// Cancel a one-time job that is no longer needed (absent is fine).
    pub async fn cancel(&self, name: &str) {
        let result = match &self.scheduler {
            Some(s) => s.cancel(name).await,
            None => Err(SchedulerError::Refused(
                "this function has no scheduler configured".into(),
            )),
        };
        if let Err(e) = result {
            tracing::error!(error = %e, job = name, "job not cancelled");
        }
    }

    pub fn with_clock(mut self, clock: Clock) -> Deps {
        self.clock = clock;
        self
    }

    pub fn now(&self) -> Timestamp {
        self.clock.now()
    }

    /// Send a message now; the caller decides what a failure means.
    pub async fn send(&self, message: &Message) -> Result<(), MailError> {
        match &self.mailer {
            Some(mailer) => mailer.send(message).await,
            None => Err(MailError::Unavailable(
                "this function has no email client".into(),
            )),
        }
    }

    /// Send a message after a change has been committed. One that fails is
    /// queued and sent later by the mail retry job (the reminders function,
    /// every 15 minutes), never dropped; it is logged with its recipient and
    /// subject, not the body.
    pub async fn notify(&self, message: Message) {
        let Err(e) = self.send(&message).await else {
            return;
        };
        let now = self.now();
        let due = now + moments_domain::mail::retry_delay(1);
        match self
            .store
            .queue_mail(&message, &e.to_string(), now, due)
            .await
        {
            Ok(q) => tracing::warn!(
                error = %e, to = %message.to, subject = %message.subject, queued = %q.id,
                "email not sent; queued for a retry"
            ),
            Err(store) => tracing::error!(
                error = %e, store = %store, to = %message.to, subject = %message.subject,
                "email not sent and could not be queued"
            ),
        }
    }

    /// The session cookie for this person. It carries its own expiry
    /// (`SESSION_LIFETIME`), checked on every request; the browser forgets
    /// it when it closes, which suits shared computers.
    pub fn session_cookie(&self, email: &EmailAddress) -> Cookie<'static> {
        let expires = self.now() + SESSION_LIFETIME;
        self.cookie(
            SESSION_COOKIE,
            &format!("{}|{}", email, expires.as_second()),
            true,
        )
    }

    pub fn expired_session_cookie(&self) -> Cookie<'static> {
        self.cookie(SESSION_COOKIE, "", true)
    }

    /// The marker that a session was started in this browser (see
    /// `SIGNED_IN_COOKIE`), and its removal.
    pub fn signed_in_cookie(&self) -> Cookie<'static> {
        self.cookie(SIGNED_IN_COOKIE, "1", false)
    }

    pub fn expired_signed_in_cookie(&self) -> Cookie<'static> {
        self.cookie(SIGNED_IN_COOKIE, "", false)
    }

    fn cookie(&self, name: &'static str, value: &str, http_only: bool) -> Cookie<'static> {
        Cookie::build((name, value.to_string()))
            .http_only(http_only)
            .secure(self.config.secure_cookies())
            .same_site(SameSite::Lax)
            .path("/")
            .build()
    }
}

impl FromRef<Deps> for Key {
    fn from_ref(deps: &Deps) -> Key {
        deps.cookie_key.clone()
    }
}

/// A function's routes, ready to serve: state attached, bodies capped,
/// changes accepted from our own origin only (see `guard`). A route layer,
/// so a request no route serves is still a plain 404 or 405.
pub fn app(routes: axum::Router<Deps>, deps: Deps) -> axum::Router {
    routes
        .route_layer(axum::middleware::from_fn_with_state(
            deps.clone(),
            guard::guard,
        ))
        .layer(axum::extract::DefaultBodyLimit::max(MAX_BODY_BYTES))
        .with_state(deps)
}

/// Random bytes from the operating system.
pub fn random_bytes<const N: usize>() -> Result<[u8; N], ApiError> {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes).map_err(|e| ApiError::Internal(Box::new(e)))?;
    Ok(bytes)
}

/// The signed-in person, with their administrative roles. Extracting it
/// answers 401 when there is no valid session.
#[derive(Debug, Clone)]
pub struct Caller(pub Actor);

impl FromRequestParts<Deps> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, deps: &Deps) -> Result<Self, Self::Rejection> {
        let jar = SignedCookieJar::<Key>::from_request_parts(parts, deps)
            .await
            .map_err(|_| ApiError::Unauthorized)?;
        let email = jar
            .get(SESSION_COOKIE)
            .and_then(|c| session_email(c.value(), deps.now()))
            .ok_or(ApiError::Unauthorized)?;
        let departments = deps.store.departments_administered(&email).await?;
        let program_admin = deps.config.program_admins.contains(&email);
        Ok(Caller(Actor {
            email,
            program_admin,
            departments,
        }))
    }
}

/// The email of a session cookie value that has not expired. The value is
/// only trusted because the signed jar verified its signature.
fn session_email(value: &str, now: Timestamp) -> Option<EmailAddress> {
    let (email, expires) = value.rsplit_once('|')?;
    let expires: i64 = expires.parse().ok()?;
    (now.as_second() < expires)
        .then(|| EmailAddress::parse(email).ok())
        .flatten()
}

/// A JSON object body. Anything else is a 400 problem saying so, so the
/// field-by-field checks always get an object to read.
pub struct JsonBody(pub Map<String, Value>);

impl<S: Send + Sync> FromRequest<S> for JsonBody {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum::Json::<Value>::from_request(req, state).await {
            Ok(axum::Json(Value::Object(map))) => Ok(JsonBody(map)),
            Ok(_) => Err(ApiError::BadRequest(
                "The request body must be a JSON object.".into(),
            )),
            Err(JsonRejection::BytesRejection(e))
                if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE =>
            {
                Err(ApiError::TooLarge)
            }
            Err(JsonRejection::MissingJsonContentType(_)) => Err(ApiError::BadRequest(
                "Send the request body as JSON (Content-Type: application/json).".into(),
            )),
            Err(e) => Err(ApiError::BadRequest(format!(
                "The request body is not valid JSON: {}",
                e.body_text()
            ))),
        }
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

impl<T: serde::de::DeserializeOwned, S: Send + Sync> FromRequestParts<S> for Query<T> {
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

impl<T: serde::de::DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for Path<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match axum::extract::Path::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(value)) => Ok(Path(value)),
            Err(e) => Err(unreadable(e.status(), e.body_text())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn session_values_expire_and_must_hold_an_email() {
        let now = Timestamp::from_second(1_000).expect("time");
        assert!(session_email("a@mo.gov|1001", now).is_some());
        assert!(session_email("a@mo.gov|1000", now).is_none());
        assert!(session_email("not-an-email|5000", now).is_none());
        assert!(session_email("a@mo.gov", now).is_none());
    }
}
