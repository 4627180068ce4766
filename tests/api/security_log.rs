//! The security log: sign-in and sign-out with where from and what
//! browser, refusals counted by kind, and what administrators do to other
//! people's records, each read back as a program administrator reads it on
//! the admin page; and never a secret, nor an address it does not need.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::*;

/// The security log as the admin page reads it.
async fn security_log(app: &TestApp) -> Value {
    let pat = app.sign_in(PROGRAM_ADMIN).await;
    let r = pat.get("/api/admin/security").await;
    assert_eq!(r.status(), StatusCode::OK);
    json_of(r).await
}

/// The events of one kind, newest first.
fn events<'a>(log: &'a Value, kind: &str) -> Vec<&'a Value> {
    log["events"]
        .as_array()
        .expect("events")
        .iter()
        .filter(|e| e["kind"] == kind)
        .collect()
}

fn refusals(log: &Value, kind: &str) -> u64 {
    log["refusals"]
        .as_array()
        .expect("refusals")
        .iter()
        .filter(|r| r["kind"] == kind)
        .map(|r| r["count"].as_u64().expect("count"))
        .sum()
}

#[tokio::test]
async fn signing_in_and_out_is_logged_with_source_and_browser_and_no_secret() {
    let app = spawn_app().await;
    let ada = app.anonymous();
    let token = app.request_link(&ada, "ada@mo.gov").await;
    let r = ada
        .client
        .post(app.url("/api/auth/session"))
        .header("user-agent", "TestBrowser/1.0 (phone)")
        .json(&json!({"token": token}))
        .send()
        .await
        .expect("session");
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(
        ada.post("/api/auth/signout", json!({})).await.status(),
        StatusCode::NO_CONTENT
    );

    let log = security_log(&app).await;
    let asked = events(&log, "link_requested");
    let asked = asked.last().expect("the link Ada asked for");
    let who = asked["who"].as_str().expect("who");
    assert!(
        who.starts_with('#') && who.len() == 13 && !who.contains("ada"),
        "the address is not needed, so it is a pseudonym: {who}"
    );
    assert!(
        asked["source"]
            .as_str()
            .is_some_and(|s| s.starts_with("127."))
    );

    let started: Vec<_> = events(&log, "session_started")
        .into_iter()
        .filter(|e| e["who"] == "ada@mo.gov")
        .collect();
    assert_eq!(started.len(), 1, "{log}");
    let detail = started[0]["detail"].as_str().expect("detail");
    assert!(detail.contains("by emailed link"), "{detail}");
    assert!(detail.contains("TestBrowser/1.0 (phone)"), "{detail}");
    assert!(started[0]["source"].as_str().is_some());

    let ended = events(&log, "session_ended");
    assert!(
        ended
            .iter()
            .any(|e| e["who"] == "ada@mo.gov" && e["detail"] == "signed out"),
        "{log}"
    );
    assert!(
        !log.to_string().contains(&token),
        "no token in the security log"
    );
}

#[tokio::test]
async fn refusals_are_counted_by_kind() {
    let app = spawn_app().await;
    assert_eq!(
        app.anonymous().get("/api/applications").await.status(),
        StatusCode::UNAUTHORIZED
    );
    let ada = app.sign_in("ada@mo.gov").await;
    for _ in 0..2 {
        assert_eq!(
            ada.get("/api/admin/metrics").await.status(),
            StatusCode::FORBIDDEN
        );
    }
    // A change sent from another site's page.
    let r = reqwest::Client::new()
        .post(app.url("/api/auth/link"))
        .header("origin", "https://evil.example")
        .json(&json!({"email": "ada@mo.gov"}))
        .send()
        .await
        .expect("cross-origin");
    assert_eq!(r.status(), StatusCode::FORBIDDEN);

    let log = security_log(&app).await;
    assert_eq!(refusals(&log, "unauthorized"), 1, "{log}");
    assert_eq!(refusals(&log, "forbidden"), 2, "{log}");
    assert_eq!(refusals(&log, "cross_origin"), 1, "{log}");
    assert!(
        log["refusals"][0]["hour"]
            .as_str()
            .is_some_and(|h| h.ends_with(":00:00Z")),
        "{log}"
    );
}

#[tokio::test]
async fn what_administrators_do_to_other_peoples_records_is_logged_with_who_did_it() {
    let app = spawn_app().await;
    app.approved_mentee("ada@mo.gov").await;
    let pat = app.sign_in(PROGRAM_ADMIN).await;
    assert_eq!(
        pat.get("/api/admin/exports/applications.csv")
            .await
            .status(),
        StatusCode::OK
    );
    assert_eq!(
        pat.get("/api/admin/people?email=ada@mo.gov").await.status(),
        StatusCode::OK
    );
    let appointment = json!({"email": "dana.admin@mo.gov", "department": "revenue"});
    assert_eq!(
        pat.post("/api/admin/department-admins", appointment)
            .await
            .status(),
        StatusCode::CREATED
    );
    assert_eq!(
        pat.client
            .delete(app.url("/api/admin/department-admins/revenue/dana.admin@mo.gov"))
            .send()
            .await
            .expect("remove")
            .status(),
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        pat.post("/api/admin/people/signout", json!({"email": "ada@mo.gov"}))
            .await
            .status(),
        StatusCode::OK
    );
    let bea = app.sign_in("bea@mo.gov").await;
    assert_eq!(
        bea.post("/api/privacy/erasure", json!({})).await.status(),
        StatusCode::ACCEPTED
    );
    assert_eq!(
        pat.post("/api/admin/erasures/bea@mo.gov", json!({}))
            .await
            .status(),
        StatusCode::OK
    );

    let log = security_log(&app).await;
    let by_pat = |kind: &str| -> Vec<String> {
        events(&log, kind)
            .into_iter()
            .filter(|e| e["who"] == PROGRAM_ADMIN)
            .map(|e| e["detail"].as_str().expect("detail").to_string())
            .collect()
    };
    assert_eq!(
        by_pat("export"),
        ["applications.csv of the whole program, every quarter: 1 rows"]
    );
    assert_eq!(by_pat("person_looked_up"), ["looked up ada@mo.gov"]);
    // One instant on the test's clock: sorted, not in time order.
    let mut changes = by_pat("administrator_change");
    changes.sort();
    assert_eq!(
        changes,
        [
            "dana.admin@mo.gov no longer administers the Department of Revenue",
            "made dana.admin@mo.gov an administrator of the Department of Revenue",
        ]
    );
    assert!(
        by_pat("session_ended")
            .iter()
            .any(|d| d.starts_with("signed ada@mo.gov out everywhere: ")),
        "{log}"
    );
    let erased = by_pat("erasure");
    assert_eq!(erased.len(), 1, "{log}");
    assert!(
        erased[0].starts_with("removed the data of #") && !erased[0].contains("bea"),
        "whoever asked to be forgotten is named by pseudonym: {}",
        erased[0]
    );
}
