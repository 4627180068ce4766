//! The session: its cookie, and the signed-in caller it names.

use axum::extract::{FromRef, FromRequestParts};
use axum::http::request::Parts;
use axum_extra::extract::SignedCookieJar;
use axum_extra::extract::cookie::{Cookie, Key, SameSite};
use jiff::Timestamp;
use moments_domain::access::Actor;
use moments_domain::fields::EmailAddress;
use moments_domain::signin::SESSION_LIFETIME;

use super::ApiError;
use crate::deps::Deps;

pub const SESSION_COOKIE: &str = "moments_session";
/// Set beside the session cookie and cleared with it, readable by the
/// site's scripts: it tells the header to offer "Sign out" instead of
/// "Sign in" without asking the API on every page view. It grants nothing.
pub const SIGNED_IN_COOKIE: &str = "moments_signed_in";

impl Deps {
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
        deps.config.session_key().clone()
    }
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
