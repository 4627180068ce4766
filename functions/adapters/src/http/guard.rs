//! What every function checks before a handler runs: that the request came
//! through CloudFront (in AWS: it carries the origin secret CloudFront adds,
//! so the API's own address, and the headers CloudFront sets, cannot be
//! used around it), that a state-changing request comes from our own pages
//! (CSRF), and that its body is not too large to be worth reading.
//!
//! The session cookie is `SameSite=Lax`, which already keeps it off
//! cross-site POSTs in current browsers; the origin check does not depend on
//! the browser honouring that, nor on the cookie's attributes surviving a
//! change, and it also covers requests that need no session (sign-in links).

use axum::extract::{Request, State};
use axum::http::{HeaderMap, Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::{ApiError, Deps, MAX_BODY_BYTES};

/// Refuse a request that came around CloudFront, a cross-site change or an
/// oversized body before the handler runs.
pub(super) async fn guard(State(deps): State<Deps>, request: Request, next: Next) -> Response {
    let origin = request
        .headers()
        .get(crate::config::ORIGIN_HEADER)
        .map(|v| v.as_bytes());
    if !deps.config.origin_admits(origin) {
        tracing::warn!(path = %request.uri().path(), "request without the origin secret refused");
        return ApiError::Forbidden(format!(
            "MOments answers only through its site. Open {} instead.",
            deps.config.base_url
        ))
        .into_response();
    }
    if !is_one_click(request.method(), request.uri().path())
        && let Err(detail) = same_origin(
            request.method(),
            request.headers(),
            &origin_of(&deps.config.base_url),
        )
    {
        tracing::warn!(method = %request.method(), path = %request.uri().path(), %detail, "cross-origin request refused");
        return ApiError::CrossOrigin(detail).into_response();
    }
    // Refused from the declared length, before a byte of the body is read;
    // a body without one is capped while it is read (`DefaultBodyLimit`).
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > MAX_BODY_BYTES as u64) {
        return ApiError::TooLarge.into_response();
    }
    next.run(request).await
}

/// `scheme://host[:port]` of an address, lower-cased: what browsers send as `Origin`.
pub fn origin_of(url: &str) -> String {
    let url = url.trim();
    let (scheme, rest) = url.split_once("://").unwrap_or(("", url));
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    format!("{scheme}://{authority}").to_ascii_lowercase()
}

/// A mail client's one-click unsubscribe (RFC 8058): posted from the mail
/// provider's servers, never from our pages, so it cannot show our origin.
/// The token in its address is the proof, and all it can do is stop
/// announcements to the address it was sent to.
pub fn is_one_click(method: &Method, path: &str) -> bool {
    *method == Method::POST
        && path
            .strip_prefix("/api/announcements/")
            .is_some_and(|rest| {
                let parts: Vec<&str> = rest.split('/').collect();
                parts.len() == 4 && parts[1] == "unsubscribe" && parts.iter().all(|p| !p.is_empty())
            })
}

fn is_safe(method: &Method) -> bool {
    matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// Whether a request may change state: safe methods always; others only
/// with evidence that our own pages sent them. Browsers send `Origin` on
/// every POST, PUT, PATCH and DELETE; without it, `Sec-Fetch-Site`, then
/// `Referer`, decide. A request with none of them is refused too: every
/// client of this API is a browser on our pages or a script that can say
/// where it comes from. `Err` says what was seen, for the person and the log.
pub fn same_origin(method: &Method, headers: &HeaderMap, ours: &str) -> Result<(), String> {
    if is_safe(method) {
        return Ok(());
    }
    let header = |name: header::HeaderName| {
        headers
            .get(name)
            .map(|v| v.to_str().unwrap_or("(unreadable)").trim().to_string())
    };
    let refused = |seen: String| {
        Err(format!(
            "Changes are accepted only from MOments' own pages at {ours}; this request came {seen}. \
             Open {ours} and try again there."
        ))
    };
    if let Some(origin) = header(header::ORIGIN) {
        return if origin.eq_ignore_ascii_case(ours) {
            Ok(())
        } else {
            refused(format!("from {origin}"))
        };
    }
    if let Some(site) = header(header::HeaderName::from_static("sec-fetch-site")) {
        return if site.eq_ignore_ascii_case("same-origin") {
            Ok(())
        } else {
            refused(format!("from a {site} page"))
        };
    }
    if let Some(referer) = header(header::REFERER) {
        let from = origin_of(&referer);
        return if from == ours {
            Ok(())
        } else {
            refused(format!("from {from}"))
        };
    }
    refused("without saying from where (no Origin header)".into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    const OURS: &str = "https://moments.mo.gov";

    fn with(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, HeaderValue::from_static(v));
        }
        h
    }

    #[test]
    fn origin_of_keeps_scheme_host_and_port_only() {
        assert_eq!(origin_of("https://Moments.MO.gov/"), OURS);
        assert_eq!(
            origin_of("http://127.0.0.1:8080/review/?x=1"),
            "http://127.0.0.1:8080"
        );
    }

    #[test]
    fn only_the_one_click_unsubscribe_address_goes_without_our_origin() {
        let post = Method::POST;
        assert!(is_one_click(
            &post,
            "/api/announcements/a1/unsubscribe/ada@mo.gov/t0k"
        ));
        // An address left empty (written so, since the deploy checks read
        // every "/api/..." literal here as a route to try).
        let no_address = ["/api/announcements/a1/unsubscribe/", "/t0k"].concat();
        assert!(!is_one_click(&post, &no_address));
        for other in [
            "/api/announcements/preference",
            "/api/announcements/a1/unsubscribe/ada@mo.gov",
            "/api/announcements/a1/cancel/ada@mo.gov/t0k",
            "/api/admin/announcements/a1/unsubscribe/ada@mo.gov/t0k",
            "/api/announcements/a1/unsubscribe/ada@mo.gov/t0k/more",
        ] {
            assert!(!is_one_click(&post, other), "{other}");
        }
        assert!(!is_one_click(
            &Method::PUT,
            "/api/announcements/a1/unsubscribe/ada@mo.gov/t0k"
        ));
    }

    #[test]
    fn reads_pass_whatever_their_origin() {
        let h = with(&[("origin", "https://evil.example")]);
        assert!(same_origin(&Method::GET, &h, OURS).is_ok());
        assert!(same_origin(&Method::HEAD, &h, OURS).is_ok());
    }

    #[test]
    fn changes_need_our_origin() {
        for m in [Method::POST, Method::PUT, Method::PATCH, Method::DELETE] {
            assert!(same_origin(&m, &with(&[("origin", "https://moments.mo.gov")]), OURS).is_ok());
            let err = same_origin(&m, &with(&[("origin", "https://evil.example")]), OURS)
                .expect_err("foreign origin");
            assert!(err.contains("https://evil.example"), "{err}");
            assert!(same_origin(&m, &with(&[("origin", "null")]), OURS).is_err());
            assert!(same_origin(&m, &HeaderMap::new(), OURS).is_err());
        }
    }

    #[test]
    fn without_origin_fetch_metadata_then_referer_decide() {
        let post = Method::POST;
        assert!(same_origin(&post, &with(&[("sec-fetch-site", "same-origin")]), OURS).is_ok());
        assert!(same_origin(&post, &with(&[("sec-fetch-site", "same-site")]), OURS).is_err());
        assert!(same_origin(&post, &with(&[("sec-fetch-site", "cross-site")]), OURS).is_err());
        assert!(
            same_origin(
                &post,
                &with(&[("referer", "https://moments.mo.gov/review/")]),
                OURS
            )
            .is_ok()
        );
        assert!(
            same_origin(
                &post,
                &with(&[("referer", "https://moments.mo.gov.evil.example/")]),
                OURS
            )
            .is_err()
        );
        // Fetch metadata outranks a Referer that could have been kept from earlier.
        assert!(
            same_origin(
                &post,
                &with(&[
                    ("sec-fetch-site", "cross-site"),
                    ("referer", "https://moments.mo.gov/")
                ]),
                OURS
            )
            .is_err()
        );
    }
}
