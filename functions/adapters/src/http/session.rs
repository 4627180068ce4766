//! The session: its cookie, the item the table keeps for it, and the
//! signed-in caller it names.
//!
//! The cookie holds a random 256-bit id and nothing else; the table keeps
//! the id's SHA-256 hash with the person and the session's times
//! (`moments_domain::signin`). Deleting the item ends the session, so a
//! copied cookie is worth nothing after sign-out, erasure or a program
//! administrator's "sign out everywhere".

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum_extra::extract::CookieJar;
use axum_extra::extract::cookie::{Cookie, SameSite};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jiff::Timestamp;
use moments_domain::access::Actor;
use moments_domain::fields::EmailAddress;
use moments_domain::signin::{SESSION_ID_BYTES, SessionTimes};
use sha2::{Digest, Sha256};

use super::security_log::{CallerSlot, Requester};
use super::{ApiError, ResultExt, random_bytes};
use crate::deps::Deps;
use crate::security::{SecurityEvent, SecurityKind};
use crate::store::{SignedInWith, StoredSession};

/// The session cookie's name wherever the site is served over https: the
/// `__Host-` prefix makes browsers refuse it unless it is `Secure`, has
/// `Path=/` and no `Domain`, so no other site under the same domain can
/// set or overwrite it.
pub const SESSION_COOKIE: &str = "__Host-moments_session";
/// Its name over plain http (the local platform), where `__Host-` cookies
/// cannot be set.
pub const LOCAL_SESSION_COOKIE: &str = "moments_session";
/// Set beside the session cookie and cleared with it, readable by the
/// site's scripts: it tells the header to offer "Sign out" instead of
/// "Sign in" without asking the API on every page view. It grants nothing.
pub const SIGNED_IN_COOKIE: &str = "moments_signed_in";

/// Holds the `state` of a sign-in under way at the identity provider, so
/// only the browser that started it can finish it (`__Host-` over https).
pub const PROVIDER_STATE_COOKIE: &str = "__Host-moments_oidc";
/// Its name over plain http (the local platform).
pub const LOCAL_PROVIDER_STATE_COOKIE: &str = "moments_oidc";

/// The table's name for a session id: the hex SHA-256 of its bytes, or
/// `None` when the value cannot be a session id (a forged or old cookie),
/// which then costs no read.
pub fn session_hash(cookie_value: &str) -> Option<String> {
    let bytes = URL_SAFE_NO_PAD.decode(cookie_value).ok()?;
    (bytes.len() == SESSION_ID_BYTES).then(|| {
        Sha256::digest(&bytes)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    })
}

/// A session just started: its cookies, and what the person is told.
pub struct StartedSession {
    pub cookies: [Cookie<'static>; 2],
    pub times: SessionTimes,
}

impl Deps {
    /// The session cookie's name here (see `SESSION_COOKIE`).
    pub fn session_cookie_name(&self) -> &'static str {
        self.host_cookie_name(SESSION_COOKIE, LOCAL_SESSION_COOKIE)
    }

    /// The provider-state cookie's name here (see `PROVIDER_STATE_COOKIE`).
    pub fn provider_state_cookie_name(&self) -> &'static str {
        self.host_cookie_name(PROVIDER_STATE_COOKIE, LOCAL_PROVIDER_STATE_COOKIE)
    }

    /// A `__Host-` cookie's name over https; its plain name locally.
    fn host_cookie_name(&self, host: &'static str, local: &'static str) -> &'static str {
        if self.config.secure_cookies() {
            host
        } else {
            local
        }
    }

    /// The cookie holding a started sign-in's `state` for as long as it
    /// may take at the provider; `None` clears it.
    pub fn provider_state_cookie(&self, state: Option<&str>) -> Cookie<'static> {
        let name = self.provider_state_cookie_name();
        match state {
            Some(state) => self.cookie(name, state, true, Some(crate::oidc::PENDING_LIFETIME)),
            None => {
                let mut c = self.cookie(name, "", true, None);
                c.make_removal();
                c
            }
        }
    }

    /// Whether this person administers anything: the program, or a department.
    pub async fn is_administrator(&self, email: &EmailAddress) -> Result<bool, ApiError> {
        Ok(self.is_program_admin(email).await?
            || !self.store.departments_administered(email).await?.is_empty())
    }

    /// Start a session for `email`: keep it in the table and give its
    /// cookies. A kept session ("stay signed in", participants only) has
    /// cookies that outlive the browser until the session's expiry; any
    /// other has browser-session cookies.
    /// `how` says, for the security log, how the person signed in ("by
    /// emailed link", ...); `requester` from where and in what browser.
    pub async fn start_session(
        &self,
        email: &EmailAddress,
        stay_signed_in: bool,
        via: SignedInWith,
        how: &str,
        requester: &Requester,
    ) -> Result<StartedSession, ApiError> {
        let administrator = self.is_administrator(email).await?;
        let times = SessionTimes::start(self.now(), stay_signed_in, administrator);
        let id = URL_SAFE_NO_PAD.encode(random_bytes::<SESSION_ID_BYTES>()?);
        let hash = session_hash(&id).ok_or_else(|| ApiError::Internal("session id".into()))?;
        let session = StoredSession {
            email: email.clone(),
            times,
            via,
        };
        self.store
            .put_session(&hash, &session)
            .await
            // 256 random bits do not collide; treat it as the failure it would be.
            .on_exists(|| ApiError::Internal("session id collision".into()))?;
        self.security(SecurityEvent {
            source: Some(requester.source.clone()),
            ..SecurityEvent::by(
                SecurityKind::SessionStarted,
                email,
                format!(
                    "{how}{}; browser: {}",
                    if times.kept {
                        ", kept on this device"
                    } else {
                        ""
                    },
                    requester.user_agent.as_deref().unwrap_or("not given")
                ),
            )
        })
        .await;
        let max_age = times.kept.then(|| times.expires.duration_since(self.now()));
        Ok(StartedSession {
            cookies: [
                self.cookie(self.session_cookie_name(), &id, true, max_age),
                self.cookie(SIGNED_IN_COOKIE, "1", false, max_age),
            ],
            times,
        })
    }

    /// End the session this browser holds, if any, and clear its cookies.
    pub async fn end_session(&self, jar: CookieJar) -> Result<CookieJar, ApiError> {
        let name = self.session_cookie_name();
        if let Some(hash) = jar.get(name).and_then(|c| session_hash(c.value())) {
            if let Some(session) = self.store.session(&hash).await? {
                self.security(SecurityEvent::by(
                    SecurityKind::SessionEnded,
                    &session.email,
                    "signed out",
                ))
                .await;
            }
            self.store.end_session(&hash).await?;
        }
        Ok(jar
            .remove(self.cookie(name, "", true, None))
            .remove(self.cookie(SIGNED_IN_COOKIE, "", false, None)))
    }

    fn cookie(
        &self,
        name: &'static str,
        value: &str,
        http_only: bool,
        max_age: Option<jiff::SignedDuration>,
    ) -> Cookie<'static> {
        let mut cookie = Cookie::build((name, value.to_string()))
            .http_only(http_only)
            .secure(self.config.secure_cookies())
            .same_site(SameSite::Lax)
            .path("/");
        if let Some(age) = max_age {
            cookie = cookie.max_age(cookie::time::Duration::seconds(age.as_secs()));
        }
        cookie.build()
    }

    /// The person a session cookie's value names, if the session is alive
    /// now; writes its last use when due.
    async fn session_caller(&self, value: &str) -> Result<Option<SignedIn>, ApiError> {
        let Some(hash) = session_hash(value) else {
            return Ok(None);
        };
        let Some(session) = self.store.session(&hash).await? else {
            return Ok(None);
        };
        // The person's administrative roles, both read at once: one round
        // trip of latency on every signed-in request rather than two.
        let (departments, program_admin) = tokio::try_join!(
            self.store.departments_administered(&session.email),
            self.is_program_admin(&session.email),
        )?;
        let now: Timestamp = self.now();
        let administrator = program_admin || !departments.is_empty();
        let Some(alive) = session.times.alive(administrator, now) else {
            return Ok(None);
        };
        if alive.touch {
            self.store.touch_session(&hash, now).await?;
        }
        // Where administrators must sign in with the identity provider, a
        // session from an emailed link is a participant's session only.
        let withheld = administrator
            && self.config.admins_use_provider
            && session.via != SignedInWith::Provider;
        Ok(Some(SignedIn {
            actor: if withheld {
                Actor {
                    email: session.email,
                    program_admin: false,
                    departments: Vec::new(),
                }
            } else {
                Actor {
                    email: session.email,
                    program_admin,
                    departments,
                }
            },
            via: session.via,
            administration_withheld: withheld,
        }))
    }
}

/// The signed-in person and how they signed in. Extracting it answers 401
/// when there is no live session.
#[derive(Debug, Clone)]
pub struct SignedIn {
    pub actor: Actor,
    pub via: SignedInWith,
    /// They administer, but this session may not: administrators must sign
    /// in with the identity provider here, and it came from an emailed link.
    pub administration_withheld: bool,
}

impl FromRequestParts<Deps> for SignedIn {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, deps: &Deps) -> Result<Self, Self::Rejection> {
        let jar = CookieJar::from_headers(&parts.headers);
        let value = jar
            .get(deps.session_cookie_name())
            .ok_or(ApiError::Unauthorized)?;
        let signed_in = deps
            .session_caller(value.value())
            .await?
            .ok_or(ApiError::Unauthorized)?;
        if let Some(slot) = parts.extensions.get::<CallerSlot>() {
            slot.set(signed_in.actor.email.as_str());
        }
        Ok(signed_in)
    }
}

/// The signed-in person, with their administrative roles. Extracting it
/// answers 401 when there is no live session.
#[derive(Debug, Clone)]
pub struct Caller(pub Actor);

impl FromRequestParts<Deps> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, deps: &Deps) -> Result<Self, Self::Rejection> {
        SignedIn::from_request_parts(parts, deps)
            .await
            .map(|s| Caller(s.actor))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_256_bit_base64url_values_can_name_a_session() {
        let id = URL_SAFE_NO_PAD.encode([7u8; 32]);
        let hash = session_hash(&id).expect("a session id");
        assert_eq!(hash.len(), 64);
        assert!(!hash.contains(&id));
        for forged in [
            "a@mo.gov|99999999999",
            "",
            &URL_SAFE_NO_PAD.encode([7u8; 31]),
            &URL_SAFE_NO_PAD.encode([7u8; 33]),
            "not base64 at all!",
        ] {
            assert_eq!(session_hash(forged), None, "{forged}");
        }
    }
}
