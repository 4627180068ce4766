//! Changes come only from our own pages: a request another site makes a
//! browser send is refused with a clear problem and changes nothing.

use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::*;

const EVIL: &str = "https://moments-mo-gov.example";

#[tokio::test]
async fn an_application_posted_from_another_site_is_refused_and_nothing_is_stored() {
    let app = spawn_app().await;
    let ada = app.sign_in("ada.lovelace@mo.gov").await;
    let mails = app.mail_count().await;
    let r = ada
        .client
        .post(app.url("/api/applications"))
        .header("origin", EVIL)
        .json(&mentee_form("grace.hopper@mo.gov"))
        .send()
        .await
        .expect("POST");
    let body = problem(r, StatusCode::FORBIDDEN).await;
    assert_eq!(body["type"], "/problems/cross-origin");
    let detail = body["detail"].as_str().unwrap_or_default();
    assert!(
        detail.contains(EVIL) && detail.contains(&app.url("")),
        "{detail}"
    );

    let mine = json_of(ada.get("/api/applications").await).await;
    assert_eq!(mine["applications"], json!([]), "nothing stored");
    assert_eq!(app.mail_count().await, mails, "no email sent");
}

#[tokio::test]
async fn a_sign_in_link_asked_for_from_another_site_is_not_sent() {
    let app = spawn_app().await;
    let r = reqwest::Client::new()
        .post(app.url("/api/auth/link"))
        .header("origin", EVIL)
        .json(&json!({"email": "ada.lovelace@mo.gov"}))
        .send()
        .await
        .expect("POST");
    problem(r, StatusCode::FORBIDDEN).await;
    assert_eq!(app.mail_count().await, 0);
}

#[tokio::test]
async fn a_change_that_does_not_say_where_it_comes_from_is_refused() {
    let app = spawn_app().await;
    let r = reqwest::Client::new()
        .post(app.url("/api/auth/link"))
        .json(&json!({"email": "ada.lovelace@mo.gov"}))
        .send()
        .await
        .expect("POST");
    let body = problem(r, StatusCode::FORBIDDEN).await;
    assert!(
        body["detail"]
            .as_str()
            .unwrap_or_default()
            .contains("no Origin header"),
        "{body}"
    );
    assert_eq!(app.mail_count().await, 0);
}

#[tokio::test]
async fn without_origin_fetch_metadata_or_referer_from_our_pages_are_accepted() {
    let app = spawn_app().await;
    let bare = reqwest::Client::new();
    let same = bare
        .post(app.url("/api/auth/link"))
        .header("sec-fetch-site", "same-origin")
        .json(&json!({"email": "ada.lovelace@mo.gov"}))
        .send()
        .await
        .expect("POST");
    assert_eq!(same.status(), StatusCode::ACCEPTED);
    let referred = bare
        .post(app.url("/api/auth/link"))
        .header("referer", app.url("/signin/"))
        .json(&json!({"email": "ada.lovelace@mo.gov"}))
        .send()
        .await
        .expect("POST");
    assert_eq!(referred.status(), StatusCode::ACCEPTED);
    let cross = bare
        .post(app.url("/api/auth/link"))
        .header("sec-fetch-site", "cross-site")
        .header("referer", app.url("/signin/"))
        .json(&json!({"email": "ada.lovelace@mo.gov"}))
        .send()
        .await
        .expect("POST");
    problem(cross, StatusCode::FORBIDDEN).await;
    assert_eq!(app.mail_count().await, 2, "only the two from our pages");
}

#[tokio::test]
async fn reads_from_another_site_are_answered_as_usual() {
    let app = spawn_app().await;
    let r = reqwest::Client::new()
        .get(app.url("/api/catalogue"))
        .header("origin", EVIL)
        .send()
        .await
        .expect("GET");
    assert_eq!(r.status(), StatusCode::OK);
}

#[tokio::test]
async fn an_oversized_body_is_refused_with_413_before_it_is_read() {
    let app = spawn_app().await;
    let ada = app.sign_in("ada.lovelace@mo.gov").await;
    let mut form = mentee_form("grace.hopper@mo.gov");
    form["bio"] = json!("x".repeat(80 * 1024));
    let body = problem(
        ada.post("/api/applications", form).await,
        StatusCode::PAYLOAD_TOO_LARGE,
    )
    .await;
    assert_eq!(body["type"], "/problems/too-large");
    assert!(
        body["detail"]
            .as_str()
            .unwrap_or_default()
            .contains("64 KB"),
        "{body}"
    );
    let mine = json_of(ada.get("/api/applications").await).await;
    assert_eq!(mine["applications"], json!([]), "nothing stored");
}
