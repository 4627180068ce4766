//! Sign-in through the state's identity provider (OpenID Connect), against
//! a real provider on loopback (`tests/e2e/oidc-provider.mjs`, which the
//! test command starts): the redirect flow, the browser binding of its
//! `state`, one use of each sign-in, the address it gives, and
//! administrators who must use it.

use reqwest::{StatusCode, Url};
use serde_json::Value;

use crate::helpers::*;

#[tokio::test]
async fn signing_in_through_the_provider_starts_a_session_for_its_canonical_address() {
    let app = spawn_app_with_provider(false).await;
    let options = json_of(app.anonymous().get("/api/auth/options").await).await;
    assert_eq!(options["provider"]["label"], "your state account");
    assert_eq!(options["provider"]["start"], "/api/auth/oidc");

    let browser = app.anonymous();
    let r = browser
        .client
        .get(app.url("/api/auth/oidc"))
        .query(&[
            ("login_hint", "Ada.Lovelace+x@mo.gov"),
            ("next", "/review/"),
        ])
        .send()
        .await
        .expect("sign in");
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.url().path(), "/review/", "on to the page asked for");
    let me = json_of(browser.get("/api/me").await).await;
    assert_eq!(me["email"], "ada.lovelace@mo.gov");
    assert_eq!(me["signed_in_with"], "provider");
    assert_eq!(me["administration_needs_provider"], false);
    assert_eq!(app.mail_count().await, 0, "no email needed");
}

#[tokio::test]
async fn only_the_browser_that_started_a_sign_in_finishes_it_and_only_once() {
    let app = spawn_app_with_provider(false).await;
    let ada = app.stepwise();
    let to_provider = location(&ada.get("/api/auth/oidc").await);
    assert!(
        to_provider.contains("code_challenge="),
        "PKCE: {to_provider}"
    );
    assert!(to_provider.contains("nonce="), "{to_provider}");
    let callback = on_site(&provider_answers(&to_provider, Some("ada@mo.gov")).await);

    // Someone else's browser with Ada's callback (a link sent to them, or
    // a login CSRF the other way round) is not signed in.
    let other = app.stepwise();
    assert_eq!(
        location(&other.get(&callback).await),
        "/signin/?problem=expired"
    );
    assert_eq!(
        other.get("/api/me").await.status(),
        StatusCode::UNAUTHORIZED
    );

    // Ada's own browser is, once.
    assert_eq!(location(&ada.get(&callback).await), "/my/applications/");
    assert_eq!(ada.get("/api/me").await.status(), StatusCode::OK);
    assert_eq!(
        location(&ada.get(&callback).await),
        "/signin/?problem=expired",
        "a callback works once"
    );
}

#[tokio::test]
async fn a_sign_in_left_at_the_provider_expires_and_a_refusal_is_explained() {
    let app = spawn_app_with_provider(false).await;
    let ada = app.stepwise();
    let to_provider = location(&ada.get("/api/auth/oidc").await);
    let callback = on_site(&provider_answers(&to_provider, Some("ada@mo.gov")).await);
    app.advance(jiff::SignedDuration::from_mins(11));
    assert_eq!(
        location(&ada.get(&callback).await),
        "/signin/?problem=expired"
    );
    assert_eq!(ada.get("/api/me").await.status(), StatusCode::UNAUTHORIZED);

    // The person cancels at the provider: it sends an error, not a code.
    let bea = app.stepwise();
    let to_provider = location(&bea.get("/api/auth/oidc").await);
    let state = Url::parse(&to_provider)
        .expect("url")
        .query_pairs()
        .find(|(k, _)| k == "state")
        .map(|(_, v)| v.to_string())
        .expect("state");
    let cancelled = bea
        .get(&format!(
            "/api/auth/oidc/callback?error=access_denied&state={state}"
        ))
        .await;
    assert_eq!(location(&cancelled), "/signin/?problem=cancelled");
}

#[tokio::test]
async fn the_provider_must_give_an_address_of_the_program() {
    let app = spawn_app_with_provider(false).await;
    for (typed, problem) in [
        ("eve@evil.example", "outside"),
        ("ada+noemail@mo.gov", "no-email"),
    ] {
        let browser = app.stepwise();
        let to_provider = location(&browser.get("/api/auth/oidc").await);
        let callback = on_site(&provider_answers(&to_provider, Some(typed)).await);
        assert_eq!(
            location(&browser.get(&callback).await),
            format!("/signin/?problem={problem}"),
            "{typed}"
        );
        assert_eq!(
            browser.get("/api/me").await.status(),
            StatusCode::UNAUTHORIZED
        );
    }
    // What the start is given is checked before anyone leaves the site.
    let r = app
        .anonymous()
        .get("/api/auth/oidc?login_hint=eve@evil.example&next=https://evil.example/&stay_signed_in=maybe")
        .await;
    let p = problem(r, StatusCode::UNPROCESSABLE_ENTITY).await;
    for field in ["login_hint", "next", "stay_signed_in"] {
        assert!(p["errors"][field].is_string(), "{field}: {p}");
    }
}

#[tokio::test]
async fn where_required_administrators_administer_only_after_signing_in_with_the_provider() {
    let app = spawn_app_with_provider(true).await;
    let options = json_of(app.anonymous().get("/api/auth/options").await).await;
    assert_eq!(options["provider"]["required_for_administrators"], true);

    // By emailed link: signed in, as a participant only.
    let by_link = app.sign_in(PROGRAM_ADMIN).await;
    let me = json_of(by_link.get("/api/me").await).await;
    assert_eq!(me["signed_in_with"], "link");
    assert_eq!(me["administration_needs_provider"], true);
    assert!(
        !me["roles"]
            .as_array()
            .expect("roles")
            .contains(&Value::from("program_admin")),
        "{me}"
    );
    assert_eq!(
        by_link.get("/api/admin/metrics").await.status(),
        StatusCode::FORBIDDEN
    );

    // Through the provider: an administrator.
    let by_provider = app.sign_in_with_provider(PROGRAM_ADMIN).await;
    let me = json_of(by_provider.get("/api/me").await).await;
    assert_eq!(me["administration_needs_provider"], false);
    assert_eq!(
        by_provider.get("/api/admin/metrics").await.status(),
        StatusCode::OK
    );

    // A participant's link still works as before.
    let ada = app.sign_in("ada@mo.gov").await;
    let me = json_of(ada.get("/api/me").await).await;
    assert_eq!(me["administration_needs_provider"], false);
}

#[tokio::test]
async fn without_a_provider_sign_in_is_by_emailed_link_only() {
    let app = spawn_app().await;
    let options = json_of(app.anonymous().get("/api/auth/options").await).await;
    assert_eq!(options["provider"], Value::Null);
    let r = app.anonymous().get("/api/auth/oidc").await;
    problem(r, StatusCode::NOT_FOUND).await;
    let me = json_of(app.sign_in("ada@mo.gov").await.get("/api/me").await).await;
    assert_eq!(me["signed_in_with"], "link");
}
