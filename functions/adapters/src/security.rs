//! The security log: who asked for sign-in links, whose sessions started
//! and ended (how, from where, in what browser), who was refused (401,
//! 403, a cross-origin change), who exported what, looked whom up, removed
//! whose data, and changed whose administrative role.
//!
//! Each event is a structured log line (target `security`, field
//! `security` naming the kind), which template.yaml's metric filters count
//! and alarm on, and an item of the table (`store::security_log`), which
//! the admin page shows to program administrators. Neither holds a secret
//! (no token, cookie or code); an address the log does not need is kept
//! as a pseudonym (`#` and 12 hex digits, the same for one address, keyed
//! with the origin secret in AWS so a list of addresses does not undo it).
//! Writing the item never fails the request that caused it.

use axum::http::Method;
use moments_domain::fields::EmailAddress;
use serde::Serialize;

use crate::deps::Deps;
use crate::store::StoredSecurityEvent;

/// What happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SecurityKind {
    /// A sign-in link was asked for (the address as a pseudonym).
    LinkRequested,
    /// A session started: by emailed link, task link or identity provider.
    SessionStarted,
    /// A session ended by signing out; or all of a person's, by a program
    /// administrator or with their data.
    SessionEnded,
    /// A sign-in through the identity provider did not end in a session.
    ProviderRefused,
    /// A CSV export was downloaded.
    Export,
    /// An administrator looked a person up, or read a record's audit trail.
    PersonLookedUp,
    /// A person's data was removed at their request.
    Erasure,
    /// A department administrator was added or removed.
    AdministratorChange,
}

impl SecurityKind {
    pub fn as_str(self) -> &'static str {
        match self {
            SecurityKind::LinkRequested => "link_requested",
            SecurityKind::SessionStarted => "session_started",
            SecurityKind::SessionEnded => "session_ended",
            SecurityKind::ProviderRefused => "provider_refused",
            SecurityKind::Export => "export",
            SecurityKind::PersonLookedUp => "person_looked_up",
            SecurityKind::Erasure => "erasure",
            SecurityKind::AdministratorChange => "administrator_change",
        }
    }
}

/// A refused request, as the refusal counts and the log name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// 401: no live session.
    Unauthorized,
    /// 403: signed in, not allowed (or around CloudFront).
    Forbidden,
    /// 403: a change that did not come from our own pages (CSRF).
    CrossOrigin,
}

impl Refusal {
    pub fn as_str(self) -> &'static str {
        match self {
            Refusal::Unauthorized => "unauthorized",
            Refusal::Forbidden => "forbidden",
            Refusal::CrossOrigin => "cross_origin",
        }
    }
}

/// One event to log.
#[derive(Debug, Clone)]
pub struct SecurityEvent {
    pub kind: SecurityKind,
    /// Who did it (an address, or a pseudonym), when known.
    pub who: Option<String>,
    /// Where the request came from, when it matters (sign-in).
    pub source: Option<String>,
    /// What, in words, without secrets.
    pub detail: String,
}

impl SecurityEvent {
    pub fn by(kind: SecurityKind, who: &EmailAddress, detail: impl Into<String>) -> Self {
        SecurityEvent {
            kind,
            who: Some(who.to_string()),
            source: None,
            detail: detail.into(),
        }
    }
}

/// Text from a request (a browser's name) cut to a length a log line and
/// a table cell can hold.
pub fn clipped(text: &str, max: usize) -> String {
    let clean: String = text.chars().filter(|c| !c.is_control()).collect();
    match clean.char_indices().nth(max) {
        Some((at, _)) => format!("{}…", &clean[..at]),
        None => clean,
    }
}

impl Deps {
    /// The pseudonym of an address (see the module's documentation).
    pub fn pseudonym(&self, email: &str) -> String {
        self.config.pseudonym(email)
    }

    /// Log `event` and keep it for the admin page.
    pub async fn security(&self, event: SecurityEvent) {
        tracing::info!(
            target: "security",
            security = event.kind.as_str(),
            who = event.who.as_deref().unwrap_or("-"),
            source = event.source.as_deref().unwrap_or("-"),
            detail = %event.detail,
            "security event"
        );
        let stored = StoredSecurityEvent {
            at: self.now(),
            kind: event.kind.as_str().into(),
            who: event.who,
            source: event.source,
            detail: event.detail,
        };
        if let Err(e) = self.store.put_security_event(&stored).await {
            tracing::error!(error = %e, security = stored.kind, "security event not kept");
        }
    }

    /// Log a refused request and count it in its hour.
    pub async fn refused(
        &self,
        refusal: Refusal,
        method: &Method,
        route: &str,
        who: Option<&str>,
        source: &str,
    ) {
        tracing::warn!(
            target: "security",
            security = "refused",
            refusal = refusal.as_str(),
            %method,
            route,
            who = who.unwrap_or("-"),
            source,
            "request refused"
        );
        if let Err(e) = self.store.count_refusal(self.now(), refusal.as_str()).await {
            tracing::error!(error = %e, "refusal not counted");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clipping_drops_control_characters_and_cuts_long_text() {
        assert_eq!(clipped("Firefox\n\u{1b}[31m", 40), "Firefox[31m");
        assert_eq!(clipped("abcdef", 3), "abc…");
        assert_eq!(clipped("abc", 3), "abc");
    }
}
