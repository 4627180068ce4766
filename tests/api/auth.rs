use jiff::SignedDuration;
use reqwest::StatusCode;
use serde_json::json;
use sha2::{Digest, Sha256};

use moments_adapters::http::session_hash;
use moments_adapters::store::keys;
use serde_json::Value;

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
    let value = cookie_pair(session)
        .trim_start_matches("moments_session=")
        .to_string();
    assert_eq!(value.len(), 43, "256 random bits, base64url: {session}");
    assert!(!session.contains("ada.lovelace"), "{session}");
    for forgotten_on_close in [session, marker] {
        assert!(
            !forgotten_on_close.contains("Max-Age") && !forgotten_on_close.contains("Expires"),
            "a browser-session cookie: {forgotten_on_close}"
        );
    }
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
async fn forged_and_old_format_session_cookies_are_refused() {
    let app = spawn_app().await;
    app.sign_in(PROGRAM_ADMIN).await;
    let made_up = format!("moments_session={}", "A".repeat(43));
    for cookie in [
        // The cookie of before server-side sessions: email|expiry, signed.
        "moments_session=pat.admin@mo.gov|99999999999",
        "moments_session=pat.admin@mo.gov",
        &made_up,
        "moments_session=",
    ] {
        assert_eq!(
            me_with(&app, cookie).await,
            StatusCode::UNAUTHORIZED,
            "{cookie}"
        );
    }
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

/// The `name=value` part of a Set-Cookie header.
fn cookie_pair(set_cookie: &str) -> &str {
    set_cookie.split(';').next().unwrap_or_default()
}

/// Sign in as `email` through the emailed link, with `extra` fields beside
/// the token: the browser, the answer, and the cookies it was given.
async fn sign_in_with(app: &TestApp, email: &str, extra: Value) -> (Person, Value, Vec<String>) {
    let mut person = app.anonymous();
    person.email = email.to_string();
    let token = app.request_link(&person, email).await;
    let mut body = json!({"token": token});
    if let (Some(body), Some(extra)) = (body.as_object_mut(), extra.as_object()) {
        body.extend(extra.clone());
    }
    let r = person.post("/api/auth/session", body).await;
    assert_eq!(r.status(), StatusCode::OK, "session for {email}");
    let cookies = set_cookies(&r);
    (person, json_of(r).await, cookies)
}

/// The session cookie (`name=value`) a browser of `email` holds: what
/// someone copying it would send.
async fn copied_cookie(app: &TestApp, email: &str) -> String {
    let (_, _, cookies) = sign_in_with(app, email, json!({})).await;
    cookies
        .iter()
        .map(|c| cookie_pair(c))
        .find(|c| c.starts_with("moments_session="))
        .expect("a session cookie")
        .to_string()
}

/// What `GET /api/me` answers to a request carrying only `cookie`.
async fn me_with(app: &TestApp, cookie: &str) -> StatusCode {
    reqwest::Client::new()
        .get(app.url("/api/me"))
        .header("cookie", cookie)
        .send()
        .await
        .expect("GET")
        .status()
}

#[tokio::test]
async fn the_table_keeps_only_the_hash_of_a_session_id_with_its_expiry_as_ttl() {
    let app = spawn_app().await;
    let cookie = copied_cookie(&app, "ada.lovelace@mo.gov").await;
    let id = cookie.trim_start_matches("moments_session=");
    let hash = session_hash(id).expect("a session id");
    let item = app
        .store
        .table()
        .get(&keys::session(&hash))
        .await
        .expect("get")
        .expect("the session under the hash of its id");
    assert_eq!(item["email"], "ada.lovelace@mo.gov");
    let expires = app.now() + SignedDuration::from_hours(12);
    assert_eq!(item["expires_at"], json!(expires.as_second()));
    let stored = format!("{:?}", app.table_items());
    assert!(!stored.contains(id), "the id itself is stored nowhere");
}

#[tokio::test]
async fn signing_out_ends_the_session_so_a_copied_cookie_is_refused() {
    let app = spawn_app().await;
    let (ada, _, cookies) = sign_in_with(&app, "ada.lovelace@mo.gov", json!({})).await;
    let copy = cookies
        .iter()
        .map(|c| cookie_pair(c))
        .find(|c| c.starts_with("moments_session="))
        .expect("a session cookie")
        .to_string();
    let elsewhere = copied_cookie(&app, "ada.lovelace@mo.gov").await;
    assert_eq!(me_with(&app, &copy).await, StatusCode::OK);
    let r = ada.post("/api/auth/signout", json!({})).await;
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    assert_eq!(me_with(&app, &copy).await, StatusCode::UNAUTHORIZED);
    assert_eq!(
        me_with(&app, &elsewhere).await,
        StatusCode::OK,
        "signing out in one browser leaves another signed in"
    );
}

#[tokio::test]
async fn erasure_ends_every_session_of_the_person() {
    let app = spawn_app().await;
    let cy = app.sign_in("cy.other@mo.gov").await;
    let copy = copied_cookie(&app, "cy.other@mo.gov").await;
    let ada = copied_cookie(&app, "ada.lovelace@mo.gov").await;
    assert_eq!(
        cy.post("/api/privacy/erasure", json!({})).await.status(),
        StatusCode::ACCEPTED
    );
    let pat = app.sign_in(PROGRAM_ADMIN).await;
    let r = pat
        .post("/api/admin/erasures/cy.other@mo.gov", json!({}))
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    problem(cy.get("/api/me").await, StatusCode::UNAUTHORIZED).await;
    assert_eq!(me_with(&app, &copy).await, StatusCode::UNAUTHORIZED);
    assert_eq!(me_with(&app, &ada).await, StatusCode::OK);
}

#[tokio::test]
async fn a_program_administrator_signs_a_person_out_everywhere_and_no_one_else() {
    let app = spawn_app().await;
    let ada_here = app.sign_in("ada.lovelace@mo.gov").await;
    let ada_there = copied_cookie(&app, "ada.lovelace@mo.gov").await;
    let bea = app.sign_in("bea.baker@mo.gov").await;
    let pat = app.sign_in(PROGRAM_ADMIN).await;

    let bad = problem(
        pat.post("/api/admin/people/signout", json!({"email": "ada"}))
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert!(bad["errors"]["email"].is_string(), "{bad}");
    assert_eq!(ada_here.get("/api/me").await.status(), StatusCode::OK);

    let done = json_of(
        pat.post(
            "/api/admin/people/signout",
            json!({"email": "Ada.Lovelace@mo.gov"}),
        )
        .await,
    )
    .await;
    assert_eq!(done["sessions_ended"], 2, "{done}");
    assert_eq!(done["email"], "ada.lovelace@mo.gov");
    problem(ada_here.get("/api/me").await, StatusCode::UNAUTHORIZED).await;
    assert_eq!(me_with(&app, &ada_there).await, StatusCode::UNAUTHORIZED);
    assert_eq!(bea.get("/api/me").await.status(), StatusCode::OK);
    assert_eq!(pat.get("/api/me").await.status(), StatusCode::OK);

    let again = json_of(
        pat.post(
            "/api/admin/people/signout",
            json!({"email": "ada.lovelace@mo.gov"}),
        )
        .await,
    )
    .await;
    assert_eq!(again["sessions_ended"], 0, "{again}");
}

#[tokio::test]
async fn an_unused_session_ends_after_eight_hours_and_each_use_extends_it() {
    let app = spawn_app().await;
    let idle = app.sign_in("ada.lovelace@mo.gov").await;
    let used = app.sign_in("bea.baker@mo.gov").await;
    app.advance(SignedDuration::from_hours(6));
    assert_eq!(used.get("/api/me").await.status(), StatusCode::OK);
    app.advance(SignedDuration::from_mins(2 * 60 + 1));
    problem(idle.get("/api/me").await, StatusCode::UNAUTHORIZED).await;
    assert_eq!(
        used.get("/api/me").await.status(),
        StatusCode::OK,
        "used 2 hours ago"
    );
    // Used all along, it still ends 12 hours after signing in.
    app.advance(SignedDuration::from_mins(3 * 60 + 58));
    assert_eq!(used.get("/api/me").await.status(), StatusCode::OK);
    app.advance(SignedDuration::from_mins(1));
    problem(used.get("/api/me").await, StatusCode::UNAUTHORIZED).await;
}

#[tokio::test]
async fn an_administrators_session_ends_after_half_an_hour_unused() {
    let app = spawn_app().await;
    app.make_department_admin("dana.admin@mo.gov", "revenue")
        .await;
    let dana = app.sign_in("dana.admin@mo.gov").await;
    let pat = app.sign_in(PROGRAM_ADMIN).await;
    let ada = app.sign_in("ada.lovelace@mo.gov").await;
    app.advance(SignedDuration::from_mins(25));
    assert_eq!(pat.get("/api/me").await.status(), StatusCode::OK);
    app.advance(SignedDuration::from_mins(10));
    problem(dana.get("/api/me").await, StatusCode::UNAUTHORIZED).await;
    assert_eq!(
        pat.get("/api/me").await.status(),
        StatusCode::OK,
        "used 10 minutes ago"
    );
    assert_eq!(ada.get("/api/me").await.status(), StatusCode::OK);
    app.advance(SignedDuration::from_mins(31));
    problem(pat.get("/api/me").await, StatusCode::UNAUTHORIZED).await;
}

#[tokio::test]
async fn a_participant_may_stay_signed_in_for_two_weeks_with_a_persistent_cookie() {
    let app = spawn_app().await;
    let stay = json!({"stay_signed_in": true});
    let (ada, started, cookies) = sign_in_with(&app, "ada.lovelace@mo.gov", stay).await;
    assert_eq!(started["stays_signed_in"], true, "{started}");
    let two_weeks = format!("Max-Age={}", 14 * 24 * 3600);
    assert_eq!(cookies.len(), 2, "{cookies:?}");
    for cookie in &cookies {
        assert!(
            cookie.contains(&two_weeks),
            "outlives the browser: {cookie}"
        );
    }
    for _ in 0..2 {
        app.advance(SignedDuration::from_hours(6 * 24));
        assert_eq!(ada.get("/api/me").await.status(), StatusCode::OK);
    }
    app.advance(SignedDuration::from_hours(2 * 24));
    problem(ada.get("/api/me").await, StatusCode::UNAUTHORIZED).await;

    // Unused for more than a week, a kept session ends too.
    let (bea, _, _) = sign_in_with(&app, "bea.baker@mo.gov", json!({"stay_signed_in": true})).await;
    app.advance(SignedDuration::from_hours(7 * 24 + 1));
    problem(bea.get("/api/me").await, StatusCode::UNAUTHORIZED).await;
}

#[tokio::test]
async fn administrators_cannot_stay_signed_in() {
    let app = spawn_app().await;
    let stay = json!({"stay_signed_in": true});
    let (pat, started, cookies) = sign_in_with(&app, PROGRAM_ADMIN, stay).await;
    assert_eq!(started["stays_signed_in"], false, "{started}");
    assert!(
        cookies.iter().all(|c| !c.contains("Max-Age")),
        "browser-session cookies: {cookies:?}"
    );
    for _ in 0..24 {
        app.advance(SignedDuration::from_mins(29));
        assert_eq!(pat.get("/api/me").await.status(), StatusCode::OK);
    }
    app.advance(SignedDuration::from_mins(29));
    problem(pat.get("/api/me").await, StatusCode::UNAUTHORIZED).await;
}

#[tokio::test]
async fn a_malformed_stay_signed_in_is_refused_by_name_and_the_link_still_works() {
    let app = spawn_app().await;
    let p = app.anonymous();
    let token = app.request_link(&p, "ada.lovelace@mo.gov").await;
    let before = app.table_items();
    let body = problem(
        p.post(
            "/api/auth/session",
            json!({"token": token, "stay_signed_in": "yes"}),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert!(body["errors"]["stay_signed_in"].is_string(), "{body}");
    assert_eq!(app.table_items(), before, "nothing stored changed");
    let r = p.post("/api/auth/session", json!({"token": token})).await;
    assert_eq!(r.status(), StatusCode::OK);
}
