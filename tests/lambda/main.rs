//! Each function's Router answers the sample API Gateway events in
//! `events/` exactly as Lambda will hand them over (`lambda_http`), so what
//! the local platform serves is what AWS runs; and a function started as
//! in AWS reaches its services (`start_up`, against moto).

mod start_up;

use std::sync::Arc;

use axum::Router;
use lambda_http::request::from_str;
use moments_adapters::config::ProgramConfig;
use moments_adapters::deps::Deps;
use moments_adapters::http::app;
use moments_adapters::mail::outbox::Outbox;
use moments_adapters::store::Store;
use moments_adapters::table::embedded::EmbeddedTable;
use moments_local::workspace_root;
use tower::ServiceExt;

fn deps(dir: &tempfile::TempDir) -> Deps {
    let table = Arc::new(EmbeddedTable::open(&dir.path().join("t.redb")).expect("store"));
    let config = ProgramConfig::new("https://moments.example.gov", "mo.gov", "").expect("config");
    Deps::new(
        Store::new(table.clone()),
        Arc::new(Outbox::new(table)),
        config,
    )
}

async fn answer(routes: impl Into<Router<Deps>>, event: &str) -> (u16, String, serde_json::Value) {
    let dir = tempfile::tempdir().expect("dir");
    let text =
        std::fs::read_to_string(workspace_root().join("events").join(event)).expect("event file");
    let request = from_str(&text).expect("an API Gateway event");
    let response = app(routes, deps(&dir))
        .oneshot(request)
        .await
        .expect("response");
    let status = response.status().as_u16();
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    let bytes = axum::body::to_bytes(response.into_body(), 1 << 20)
        .await
        .expect("body");
    (
        status,
        content_type,
        serde_json::from_slice(&bytes).expect("JSON body"),
    )
}

#[tokio::test]
async fn auth_answers_me_without_a_session_with_401_problem() {
    let (status, content_type, body) = answer(moments_auth::router(), "auth-me.json").await;
    assert_eq!(
        (status, content_type.as_str()),
        (401, "application/problem+json")
    );
    assert_eq!(body["type"], "/problems/sign-in-required");
}

#[tokio::test]
async fn applications_serves_the_catalogue() {
    let (status, _, body) = answer(
        moments_applications::router(),
        "applications-catalogue.json",
    )
    .await;
    assert_eq!(status, 200);
    assert!(
        body["departments"]
            .as_array()
            .is_some_and(|d| !d.is_empty())
    );
}

#[tokio::test]
async fn decisions_requires_a_session_for_the_review_queue() {
    let (status, _, _) = answer(moments_decisions::router(), "decisions-reviews.json").await;
    assert_eq!(status, 401);
}

#[tokio::test]
async fn mentorships_requires_a_session_to_search_mentors() {
    let (status, content_type, body) =
        answer(moments_mentorships::router(), "mentorships-mentors.json").await;
    assert_eq!(
        (status, content_type.as_str()),
        (401, "application/problem+json")
    );
    assert_eq!(body["type"], "/problems/sign-in-required");
}

#[tokio::test]
async fn surveys_requires_a_session_to_read_a_survey() {
    let (status, content_type, _) = answer(moments_surveys::router(), "surveys-survey.json").await;
    assert_eq!(
        (status, content_type.as_str()),
        (401, "application/problem+json")
    );
}

#[tokio::test]
async fn reports_requires_a_session_to_start_a_matching_run() {
    let (status, content_type, _) =
        answer(moments_reports::router(), "reports-matching-runs.json").await;
    assert_eq!(
        (status, content_type.as_str()),
        (401, "application/problem+json")
    );
}

#[tokio::test]
async fn a_body_over_the_limit_without_a_declared_length_is_a_413_problem() {
    let dir = tempfile::tempdir().expect("dir");
    let text = std::fs::read_to_string(workspace_root().join("events/reports-matching-runs.json"))
        .expect("event file");
    let mut event: serde_json::Value = serde_json::from_str(&text).expect("JSON event");
    event["routeKey"] = "POST /api/auth/link".into();
    event["rawPath"] = "/api/auth/link".into();
    event["requestContext"]["http"]["path"] = "/api/auth/link".into();
    event["headers"]["content-type"] = "application/json".into();
    let big = serde_json::json!({"email": "ada@mo.gov", "next": "x".repeat(70 * 1024)});
    event["body"] = big.to_string().into();
    let request = from_str(&event.to_string()).expect("an API Gateway event");
    assert!(request.headers().get("content-length").is_none());
    let response = app(moments_auth::router(), deps(&dir))
        .oneshot(request)
        .await
        .expect("response");
    assert_eq!(response.status().as_u16(), 413);
}

#[tokio::test]
async fn auth_serves_the_openapi_document_in_lambda() {
    let dir = tempfile::tempdir().expect("dir");
    let text =
        std::fs::read_to_string(workspace_root().join("events/auth-me.json")).expect("event file");
    let mut event: serde_json::Value = serde_json::from_str(&text).expect("JSON event");
    event["routeKey"] = "GET /api/openapi.json".into();
    event["rawPath"] = "/api/openapi.json".into();
    event["requestContext"]["http"]["path"] = "/api/openapi.json".into();
    let request = from_str(&event.to_string()).expect("an API Gateway event");
    let response = app(moments_auth::router(), deps(&dir))
        .oneshot(request)
        .await
        .expect("response");
    assert_eq!(response.status().as_u16(), 200);
    let bytes = axum::body::to_bytes(response.into_body(), 1 << 22)
        .await
        .expect("body");
    let doc: serde_json::Value = serde_json::from_slice(&bytes).expect("JSON");
    assert_eq!(doc["openapi"], "3.1.0");
    assert!(doc["paths"]["/api/requests/{id}/accept"]["post"].is_object());
}

/// Deps of a function deployed behind CloudFront: requests must carry the
/// origin secret CloudFront adds.
fn behind_cloudfront(dir: &tempfile::TempDir) -> Deps {
    let deps = deps(dir);
    let config = ProgramConfig::new("https://moments.example.gov", "mo.gov", "")
        .and_then(|c| c.with_origin_secret("o".repeat(40).into()))
        .expect("config");
    Deps::new(
        deps.store.clone(),
        Arc::new(Outbox::new(Arc::new(
            EmbeddedTable::open(&dir.path().join("o.redb")).expect("store"),
        ))),
        config,
    )
}

fn catalogue_event(origin: Option<&str>) -> lambda_http::Request {
    let text = std::fs::read_to_string(workspace_root().join("events/applications-catalogue.json"))
        .expect("event file");
    let mut event: serde_json::Value = serde_json::from_str(&text).expect("JSON event");
    if let Some(origin) = origin {
        event["headers"]["x-moments-origin"] = origin.into();
    }
    from_str(&event.to_string()).expect("an API Gateway event")
}

#[tokio::test]
async fn behind_cloudfront_a_request_without_its_origin_secret_is_refused() {
    let dir = tempfile::tempdir().expect("dir");
    let routes = || app(moments_applications::router(), behind_cloudfront(&dir));
    for (origin, status) in [
        (None, 403),
        (Some("a guess that is long enough to look like one"), 403),
        (Some("o".repeat(40)).as_deref(), 200),
    ] {
        let response = routes()
            .oneshot(catalogue_event(origin))
            .await
            .expect("response");
        assert_eq!(response.status().as_u16(), status, "{origin:?}");
    }
}

#[tokio::test]
async fn the_viewer_address_counts_only_behind_cloudfront() {
    use axum::extract::FromRequestParts;
    use moments_adapters::http::limits::Source;
    let dir = tempfile::tempdir().expect("dir");
    let mut request = catalogue_event(None);
    request
        .headers_mut()
        .insert("x-moments-viewer", "203.0.113.9".parse().expect("header"));
    let (mut parts, _) = request.into_parts();
    let Ok(behind) = Source::from_request_parts(&mut parts, &behind_cloudfront(&dir)).await;
    assert_eq!(behind, Source("203.0.113.9".into()));
    // Without CloudFront in front, anyone could send the header.
    let Ok(direct) = Source::from_request_parts(&mut parts, &deps(&dir)).await;
    assert_ne!(direct, Source("203.0.113.9".into()));
}
