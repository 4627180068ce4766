//! Abuse limits: how many sign-in links an address or a source may ask for,
//! how many mentor requests a mentee may send, and where a request comes
//! from. The numbers are the program's policy; `docs/security.md` explains
//! them and how to change them.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use jiff::SignedDuration;

use super::{ApiError, Deps};
use crate::store::Window;

/// One limit: its name in the table and its window.
#[derive(Debug, Clone, Copy)]
pub struct Limit {
    pub name: &'static str,
    pub window: Window,
}

/// Sign-in links for one address: a person who did not get the email asks
/// again a few times; more is someone filling their inbox.
pub const SIGN_IN_PER_ADDRESS: Limit = Limit {
    name: "signin-address",
    window: Window {
        max: 5,
        length: SignedDuration::from_mins(15),
    },
};

/// Sign-in links asked from one source address, whatever the addresses:
/// offices share a few addresses, so this is high; it stops one machine
/// from mailing the whole directory.
pub const SIGN_IN_PER_SOURCE: Limit = Limit {
    name: "signin-source",
    window: Window {
        max: 60,
        length: SignedDuration::from_mins(15),
    },
};

/// "Select as Mentor" requests one mentee sends per day (UTC). A mentee can
/// have two mentors; ten asks a day leaves room for declines.
pub const REQUESTS_PER_MENTEE: Limit = Limit {
    name: "requests-mentee",
    window: Window {
        max: 10,
        length: SignedDuration::from_hours(24),
    },
};

/// Applications submitted, edited or sent to another supervisor by one
/// person per day (UTC). Filling in a form takes a few; more is a script.
pub const APPLICATION_CHANGES_PER_PERSON: Limit = Limit {
    name: "application-changes",
    window: Window {
        max: 20,
        length: SignedDuration::from_hours(24),
    },
};

/// Review emails one applicant makes the program send per day: by applying,
/// naming another supervisor, or changing an application so that it goes
/// back for review. Each goes from the program's trusted address to someone
/// the applicant chose, so a few a day is the most anyone needs.
pub const REVIEW_MAILS_PER_PERSON: Limit = Limit {
    name: "review-mails",
    window: Window {
        max: 3,
        length: SignedDuration::from_hours(24),
    },
};

/// The limits counted per person, under their address: removing their
/// data removes these counters too.
pub const PER_PERSON: [Limit; 4] = [
    SIGN_IN_PER_ADDRESS,
    REQUESTS_PER_MENTEE,
    APPLICATION_CHANGES_PER_PERSON,
    REVIEW_MAILS_PER_PERSON,
];

/// What a 429 says, given how long until the window ends.
pub type Message = fn(SignedDuration) -> String;

/// Whole minutes, rounded up, for people.
fn minutes(d: SignedDuration) -> i64 {
    (d.as_secs() + 59) / 60
}

impl Deps {
    /// Count one use of each limit for its subject, all or none; the first
    /// that is used up answers 429 with `message(retry_after)`.
    pub async fn within_limits(&self, uses: &[(Limit, &str, Message)]) -> Result<(), ApiError> {
        let counted: Vec<(&str, &str, Window)> = uses
            .iter()
            .map(|(limit, subject, _)| (limit.name, *subject, limit.window))
            .collect();
        match self.store.count_uses(&counted, self.now()).await? {
            Ok(()) => Ok(()),
            Err(refused) => {
                let (limit, subject, message) = &uses[refused.index.min(uses.len() - 1)];
                tracing::warn!(limit = limit.name, subject, "abuse limit reached");
                Err(ApiError::TooMany {
                    retry_after: refused.retry_after.as_secs().unsigned_abs(),
                    detail: message(refused.retry_after),
                })
            }
        }
    }
}

pub fn sign_in_address_message(wait: SignedDuration) -> String {
    format!(
        "Several sign-in links were sent to this address in the last few minutes. \
         Use the newest one, or ask again in {} minutes.",
        minutes(wait)
    )
}

pub fn sign_in_source_message(wait: SignedDuration) -> String {
    format!(
        "Too many sign-in links were asked for from your network just now. \
         Please try again in {} minutes.",
        minutes(wait)
    )
}

pub fn requests_message(wait: SignedDuration) -> String {
    format!(
        "You have sent {} mentor requests today, the most for one day. \
         You can send more in {}.",
        REQUESTS_PER_MENTEE.window.max,
        hours(wait)
    )
}

fn hours(d: SignedDuration) -> String {
    let hours = (d.as_secs() + 3599) / 3600;
    format!("{hours} hour{}", if hours == 1 { "" } else { "s" })
}

pub fn application_changes_message(wait: SignedDuration) -> String {
    format!(
        "You have changed your applications {} times today, the most for one day. \
         You can change them again in {}.",
        APPLICATION_CHANGES_PER_PERSON.window.max,
        hours(wait)
    )
}

pub fn review_mails_message(wait: SignedDuration) -> String {
    format!(
        "Your application has been sent for review {} times today, the most for one day. \
         If your supervisor is away, a department administrator can review it; \
         you can name another supervisor in {}.",
        REVIEW_MAILS_PER_PERSON.window.max,
        hours(wait)
    )
}

/// Where a request comes from: behind CloudFront, the viewer's address its
/// function passes on (trusted because the request also carries the origin
/// secret, which the guard checked); else the client address API Gateway
/// saw (in Lambda), or the connection's peer (locally). `unknown` when none
/// is known, which then shares one count.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source(pub String);

impl FromRequestParts<Deps> for Source {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, deps: &Deps) -> Result<Self, Self::Rejection> {
        if deps.config.behind_cloudfront()
            && let Some(viewer) = parts
                .headers
                .get(crate::config::VIEWER_HEADER)
                .and_then(|v| v.to_str().ok())
                .filter(|v| !v.is_empty())
        {
            return Ok(Source(viewer.to_string()));
        }
        Ok(Self::seen(parts))
    }
}

impl Source {
    fn seen(parts: &Parts) -> Source {
        use lambda_http::request::RequestContext;
        let from_gateway = match parts.extensions.get::<RequestContext>() {
            Some(RequestContext::ApiGatewayV2(c)) => c.http.source_ip.clone(),
            _ => None,
        };
        let peer = || {
            parts
                .extensions
                .get::<ConnectInfo<SocketAddr>>()
                .map(|ConnectInfo(addr)| addr.ip().to_string())
        };
        Source(
            from_gateway
                .or_else(peer)
                .unwrap_or_else(|| "unknown".into()),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn source_of(request: axum::http::Request<lambda_http::Body>) -> Source {
        let (parts, _) = request.into_parts();
        Source::seen(&parts)
    }

    #[tokio::test]
    async fn in_lambda_the_source_is_the_client_address_api_gateway_saw() {
        let event = serde_json::json!({
            "version": "2.0", "routeKey": "POST /api/auth/link", "rawPath": "/api/auth/link",
            "rawQueryString": "", "headers": {"host": "moments.example.gov"},
            "requestContext": {
                "accountId": "1", "apiId": "a", "domainName": "moments.example.gov",
                "http": {"method": "POST", "path": "/api/auth/link", "protocol": "HTTP/1.1",
                         "sourceIp": "198.51.100.7", "userAgent": "test"},
                "requestId": "r", "routeKey": "POST /api/auth/link", "stage": "$default",
                "time": "25/Nov/2026:13:00:00 +0000", "timeEpoch": 1
            },
            "isBase64Encoded": false
        });
        let request = lambda_http::request::from_str(&event.to_string()).expect("event");
        assert_eq!(source_of(request).await, Source("198.51.100.7".into()));
    }

    #[tokio::test]
    async fn locally_the_source_is_the_connection_peer_else_unknown() {
        let mut request = axum::http::Request::new(lambda_http::Body::Empty);
        assert_eq!(source_of(request).await, Source("unknown".into()));
        request = axum::http::Request::new(lambda_http::Body::Empty);
        let peer: SocketAddr = "127.1.0.9:5000".parse().expect("address");
        request.extensions_mut().insert(ConnectInfo(peer));
        assert_eq!(source_of(request).await, Source("127.1.0.9".into()));
    }
}
