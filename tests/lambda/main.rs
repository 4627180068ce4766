//! Each function's Router answers the sample API Gateway events in
//! `events/` exactly as Lambda will hand them over (`lambda_http`), so what
//! the local platform serves is what AWS runs.

use std::sync::Arc;

use axum::Router;
use lambda_http::request::from_str;
use moments_adapters::config::ProgramConfig;
use moments_adapters::http::{Deps, app};
use moments_adapters::mail::outbox::Outbox;
use moments_adapters::store::Store;
use moments_adapters::table::embedded::EmbeddedTable;
use moments_local::workspace_root;
use tower::ServiceExt;

fn deps(dir: &tempfile::TempDir) -> Deps {
    let table = Arc::new(EmbeddedTable::open(&dir.path().join("t.redb")).expect("store"));
    let config = ProgramConfig::new("https://moments.example.gov", "mo.gov", "", &"s".repeat(40))
        .expect("config");
    Deps::new(
        Store::new(table.clone()),
        Arc::new(Outbox::new(table)),
        config,
    )
}

async fn answer(routes: Router<Deps>, event: &str) -> (u16, String, serde_json::Value) {
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
async fn reports_requires_a_session_to_preview_matching() {
    let (status, content_type, _) =
        answer(moments_reports::router(), "reports-matching-preview.json").await;
    assert_eq!(
        (status, content_type.as_str()),
        (401, "application/problem+json")
    );
}
