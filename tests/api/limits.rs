//! Abuse limits: sign-in links per address and per source, mentor requests
//! per mentee. Past a limit the answer is 429 with Retry-After and a
//! message saying when to try again; nothing is sent or stored.

use jiff::SignedDuration;
use moments_adapters::http::limits::{
    REQUESTS_PER_MENTEE, SIGN_IN_PER_ADDRESS, SIGN_IN_PER_SOURCE,
};
use moments_domain::application::Role;
use reqwest::{Response, StatusCode};
use serde_json::{Value, json};

use crate::helpers::*;

/// The 429 problem, with its Retry-After in seconds.
async fn too_many(r: Response) -> (Value, u64) {
    let retry_after = r
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok())
        .expect("a Retry-After in seconds");
    let body = problem(r, StatusCode::TOO_MANY_REQUESTS).await;
    assert_eq!(body["type"], "/problems/too-many-requests");
    (body, retry_after)
}

fn detail(body: &Value) -> &str {
    body["detail"].as_str().unwrap_or_default()
}

#[tokio::test]
async fn sign_in_links_for_one_address_stop_at_the_limit_until_the_window_ends() {
    let app = spawn_app().await;
    let ada = "ada.lovelace@mo.gov";
    let max = SIGN_IN_PER_ADDRESS.window.max as usize;
    for _ in 0..max {
        // Each from another browser: the limit is on the address.
        app.request_link(&app.anonymous(), ada).await;
    }
    let r = app
        .anonymous()
        .post("/api/auth/link", json!({"email": ada}))
        .await;
    let (body, retry_after) = too_many(r).await;
    assert!(retry_after > 0 && retry_after <= 15 * 60, "{retry_after}");
    assert!(detail(&body).contains("minutes"), "{body}");
    assert_eq!(app.mail_to(ada).await.len(), max, "no email past the limit");

    // Someone else is not affected.
    app.request_link(&app.anonymous(), "grace.hopper@mo.gov")
        .await;

    app.advance(SignedDuration::from_secs(retry_after as i64));
    let person = app.anonymous();
    let token = app.request_link(&person, ada).await;
    let r = person
        .post("/api/auth/session", json!({"token": token}))
        .await;
    assert_eq!(r.status(), StatusCode::OK, "a new window lets Ada in");
}

#[tokio::test]
async fn sign_in_links_from_one_source_stop_at_the_limit_whatever_the_addresses() {
    let app = spawn_app().await;
    let machine = app.anonymous();
    let max = SIGN_IN_PER_SOURCE.window.max;
    for n in 0..max {
        let r = machine
            .post(
                "/api/auth/link",
                json!({"email": format!("person{n}@mo.gov")}),
            )
            .await;
        assert_eq!(r.status(), StatusCode::ACCEPTED, "link {n}");
    }
    let (body, _) = too_many(
        machine
            .post("/api/auth/link", json!({"email": "one.more@mo.gov"}))
            .await,
    )
    .await;
    assert!(detail(&body).contains("network"), "{body}");
    assert!(app.mail_to("one.more@mo.gov").await.is_empty());
    // The refused address was not counted against itself either.
    app.request_link(&app.anonymous(), "one.more@mo.gov").await;
}

#[tokio::test]
async fn a_mentee_sends_a_limited_number_of_requests_a_day_and_refusals_do_not_count() {
    let app = spawn_app().await;
    app.approved_mentee("ada.lovelace@mo.gov").await;
    let max = REQUESTS_PER_MENTEE.window.max as usize;
    let mut mentors = Vec::new();
    for n in 0..=max {
        mentors.push(
            app.approved(
                &format!("m{n:02}.mentor@mo.gov"),
                Role::Mentor,
                &["leadership", "hiring", "teamwork"],
                "daytime",
            )
            .await,
        );
    }
    let ada = app.sign_in("ada.lovelace@mo.gov").await;
    let ask = |mentor: &moments_domain::application::ApplicationId| {
        ada.post("/api/requests", json!({"mentor": mentor.as_str()}))
    };
    for mentor in &mentors[..max] {
        assert_eq!(ask(mentor).await.status(), StatusCode::CREATED);
        // Asking the same mentor twice is refused, and costs nothing.
        assert_eq!(ask(mentor).await.status(), StatusCode::CONFLICT);
    }
    let last = &mentors[max];
    let mails = app.mail_count().await;
    let (body, retry_after) = too_many(ask(last).await).await;
    assert!(detail(&body).contains("hour"), "{body}");
    assert!(retry_after <= 24 * 3600, "{retry_after}");
    assert_eq!(app.mail_count().await, mails, "the mentor is not emailed");
    let sent = json_of(ada.get("/api/requests").await).await;
    assert_eq!(sent["outgoing"].as_array().map(Vec::len), Some(max));

    app.advance(SignedDuration::from_secs(retry_after as i64));
    let ada = app.sign_in("ada.lovelace@mo.gov").await;
    let r = ada
        .post("/api/requests", json!({"mentor": last.as_str()}))
        .await;
    assert_eq!(r.status(), StatusCode::CREATED, "the next day it goes");
}
