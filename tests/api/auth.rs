use jiff::SignedDuration;
use reqwest::StatusCode;
use serde_json::json;
use sha2::{Digest, Sha256};

use moments_adapters::store::keys;

use crate::helpers::*;

#[tokio::test]
async fn sign_in_link_is_refused_for_addresses_outside_the_program() {
    let app = spawn_app().await;
    let p = app.anonymous();
    for email in ["someone@gmail.com", "not an email", ""] {
        let body = problem(
            p.post("/api/auth/link", json!({"email": email})).await,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
        assert!(body["errors"]["email"].is_string(), "{email}: {body}");
    }
    assert_eq!(app.mail_count().await, 0, "no email sent");
}

#[tokio::test]
async fn sign_in_link_works_once_and_sets_a_protected_session_cookie() {
    let app = spawn_app().await;
    let p = app.anonymous();
    let token = app.request_link(&p, "ada.lovelace@mo.gov").await;
    assert!(token.len() >= 43, "at least 256 bits, base64url: {token}");

    let r = p.post("/api/auth/session", json!({"token": token})).await;
    assert_eq!(r.status(), StatusCode::OK);
    let cookies = set_cookies(&r);
    let [session, marker] = cookies.as_slice() else {
        panic!("a session cookie and the signed-in marker: {cookies:?}");
    };
    assert!(session.starts_with("moments_session="), "{session}");
    assert!(
        session.contains("HttpOnly")
            && session.contains("SameSite=Lax")
            && session.contains("Path=/"),
        "{session}"
    );
    assert!(
        !session.contains("ada.lovelace@mo.gov|"),
        "the value is signed, not bare: {session}"
    );
    // The marker only tells the site's header to offer "Sign out": readable
    // by scripts, carrying nothing about the person.
    assert!(marker.starts_with("moments_signed_in=1;"), "{marker}");
    assert!(
        !marker.contains("HttpOnly")
            && marker.contains("SameSite=Lax")
            && marker.contains("Path=/"),
        "{marker}"
    );

    let me = json_of(p.get("/api/me").await).await;
    assert_eq!(me["email"], "ada.lovelace@mo.gov");
    assert_eq!(me["roles"], json!([]));

    let again = app.anonymous();
    problem(
        again
            .post("/api/auth/session", json!({"token": token}))
            .await,
        StatusCode::GONE,
    )
    .await;
}

fn set_cookies(r: &reqwest::Response) -> Vec<String> {
    r.headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .map(str::to_string)
        .collect()
}

#[tokio::test]
async fn sign_in_token_is_stored_only_as_its_hash() {
    let app = spawn_app().await;
    let p = app.anonymous();
    let token = app.request_link(&p, "ada.lovelace@mo.gov").await;
    let hash: String = Sha256::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let by_hash = app
        .store
        .table()
        .get(&keys::sign_in_token(&hash))
        .await
        .expect("get");
    let item = by_hash.expect("a record under the hash");
    assert!(!serde_json::to_string(&item).expect("json").contains(&token));
    assert!(
        app.store
            .table()
            .get(&keys::sign_in_token(&token))
            .await
            .expect("get")
            .is_none()
    );
}

#[tokio::test]
async fn sign_in_link_expires_after_ten_minutes() {
    let app = spawn_app().await;
    let p = app.anonymous();
    let token = app.request_link(&p, "ada.lovelace@mo.gov").await;
    app.advance(SignedDuration::from_secs(10 * 60 + 1));
    let body = problem(
        p.post("/api/auth/session", json!({"token": token})).await,
        StatusCode::GONE,
    )
    .await;
    assert!(
        body["detail"]
            .as_str()
            .unwrap_or_default()
            .contains("expired")
    );
    problem(p.get("/api/me").await, StatusCode::UNAUTHORIZED).await;
}

#[tokio::test]
async fn unknown_token_is_refused() {
    let app = spawn_app().await;
    let p = app.anonymous();
    problem(
        p.post("/api/auth/session", json!({"token": "made-up"}))
            .await,
        StatusCode::GONE,
    )
    .await;
    problem(
        p.post("/api/auth/session", json!({})).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
}

#[tokio::test]
async fn sign_in_returns_to_a_page_of_this_site_only() {
    let app = spawn_app().await;
    let p = app.anonymous();
    let r = p
        .post(
            "/api/auth/link",
            json!({"email": "a.b@mo.gov", "next": "/review/?application=1"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::ACCEPTED);
    let token =
        token_in(&app.mail_to("a.b@mo.gov").await.pop().expect("mail").text).expect("token");
    let session = json_of(p.post("/api/auth/session", json!({"token": token})).await).await;
    assert_eq!(session["next"], "/review/?application=1");

    for next in ["https://evil.example/", "//evil.example/"] {
        let body = problem(
            p.post(
                "/api/auth/link",
                json!({"email": "a.b@mo.gov", "next": next}),
            )
            .await,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
        assert!(body["errors"]["next"].is_string());
    }
}

#[tokio::test]
async fn session_expires_and_sign_out_ends_it() {
    let app = spawn_app().await;
    let p = app.sign_in("ada.lovelace@mo.gov").await;
    assert_eq!(p.get("/api/me").await.status(), StatusCode::OK);
    let r = p.post("/api/auth/signout", json!({})).await;
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    let cleared = set_cookies(&r);
    for name in ["moments_session=;", "moments_signed_in=;"] {
        assert!(
            cleared
                .iter()
                .any(|c| c.starts_with(name) && c.contains("Max-Age=0")),
            "signing out clears {name} {cleared:?}"
        );
    }
    problem(p.get("/api/me").await, StatusCode::UNAUTHORIZED).await;

    let p = app.sign_in("ada.lovelace@mo.gov").await;
    app.advance(SignedDuration::from_hours(13));
    problem(p.get("/api/me").await, StatusCode::UNAUTHORIZED).await;
}

#[tokio::test]
async fn forged_session_cookie_is_refused() {
    let app = spawn_app().await;
    let client = reqwest::Client::new();
    let r = client
        .get(app.url("/api/me"))
        .header("cookie", "moments_session=pat.admin@mo.gov|99999999999")
        .send()
        .await
        .expect("GET");
    problem(r, StatusCode::UNAUTHORIZED).await;
}

#[tokio::test]
async fn me_lists_roles_that_follow_from_data() {
    let app = spawn_app().await;
    let ada = app.sign_in("ada.lovelace@mo.gov").await;
    assert_eq!(
        ada.apply(mentee_form("grace.hopper@mo.gov")).await.status(),
        StatusCode::CREATED
    );
    assert_eq!(
        json_of(ada.get("/api/me").await).await["roles"],
        json!(["applicant"])
    );

    let grace = app.sign_in("grace.hopper@mo.gov").await;
    assert_eq!(
        json_of(grace.get("/api/me").await).await["roles"],
        json!(["supervisor"])
    );

    app.make_department_admin("dana.admin@mo.gov", "revenue")
        .await;
    let dana = app.sign_in("dana.admin@mo.gov").await;
    let me = json_of(dana.get("/api/me").await).await;
    assert_eq!(me["roles"], json!(["department_admin"]));
    assert_eq!(me["departments"][0]["id"], "revenue");

    let pat = app.sign_in(PROGRAM_ADMIN).await;
    assert_eq!(
        json_of(pat.get("/api/me").await).await["roles"],
        json!(["program_admin"])
    );
}
