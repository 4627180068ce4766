use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::*;

#[tokio::test]
async fn the_site_and_the_outbox_are_served_on_the_same_port() {
    let app = spawn_app().await;
    let p = app.anonymous();
    for page in [
        "/",
        "/apply/mentee/",
        "/apply/mentor/",
        "/signin/",
        "/signin/confirm/",
        "/review/",
        "/my/applications/",
    ] {
        let r = p.get(page).await;
        assert_eq!(r.status(), StatusCode::OK, "{page}");
        assert!(r.text().await.expect("body").contains("MOments"), "{page}");
    }
    let r = p.get("/no/such/page/").await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);

    p.post("/api/auth/link", json!({"email": "ada.lovelace@mo.gov"}))
        .await;
    let outbox = p.get("/_local/outbox").await.text().await.expect("outbox");
    assert!(outbox.contains("ada.lovelace@mo.gov") && outbox.contains("<a href="));
}

#[tokio::test]
async fn unknown_api_routes_answer_with_a_problem() {
    let app = spawn_app().await;
    problem(
        app.anonymous().get("/api/nothing-here").await,
        StatusCode::NOT_FOUND,
    )
    .await;
}
