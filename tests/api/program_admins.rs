//! Program administrators kept in the table and managed in the app: the
//! deploy parameter seeds the first, program administrators add and remove
//! others, the last one stays, and bad input stores nothing.

use jiff::SignedDuration;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::*;

const NORA: &str = "nora.new@mo.gov";

async fn roster(person: &Person) -> Vec<String> {
    let r = person.get("/api/admin/program-admins").await;
    assert_eq!(r.status(), StatusCode::OK);
    json_of(r).await["admins"]
        .as_array()
        .expect("admins")
        .iter()
        .map(|a| a["email"].as_str().expect("email").to_string())
        .collect()
}

async fn roles(person: &Person) -> Value {
    json_of(person.get("/api/me").await).await["roles"].clone()
}

#[tokio::test]
async fn a_program_administrator_added_in_the_app_signs_in_as_one_and_the_last_one_stays() {
    let app = spawn_app().await;
    let pat = app.sign_in(PROGRAM_ADMIN).await;

    // The deploy parameter's administrator is the first of the roster.
    let first = json_of(pat.get("/api/admin/program-admins").await).await;
    assert_eq!(
        first["admins"],
        json!([{"email": PROGRAM_ADMIN, "added_by": null, "added_at": first["admins"][0]["added_at"], "you": true}])
    );

    // Bad input: a per-field message, nothing stored.
    for bad in [
        json!({"email": "nora@example.com"}),
        json!({"email": ""}),
        json!({}),
    ] {
        let p = problem(
            pat.post("/api/admin/program-admins", bad.clone()).await,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
        assert!(
            p["errors"]["email"]
                .as_str()
                .is_some_and(|m| m.contains("work email")),
            "{bad}: {p}"
        );
    }
    assert_eq!(roster(&pat).await, [PROGRAM_ADMIN]);

    // The only one cannot remove themself.
    let p = problem(
        pat.delete(&format!("/api/admin/program-admins/{PROGRAM_ADMIN}"))
            .await,
        StatusCode::CONFLICT,
    )
    .await;
    assert!(
        p["detail"].as_str().is_some_and(|d| d.contains("only")),
        "{p}"
    );

    // Nora, added in the app, is a program administrator once signed in.
    let nora = app.sign_in(NORA).await;
    assert_eq!(roles(&nora).await, json!([]));
    problem(
        nora.get("/api/admin/program-admins").await,
        StatusCode::FORBIDDEN,
    )
    .await;
    let r = pat
        .post(
            "/api/admin/program-admins",
            json!({"email": "Nora.New@MO.gov"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    assert_eq!(json_of(r).await["email"], NORA);
    problem(
        pat.post("/api/admin/program-admins", json!({"email": NORA}))
            .await,
        StatusCode::CONFLICT,
    )
    .await;
    let nora = app.sign_in(NORA).await;
    assert_eq!(roles(&nora).await, json!(["program_admin"]));
    let mut both = roster(&nora).await;
    both.sort();
    assert_eq!(both, [NORA, PROGRAM_ADMIN]);
    let listed = json_of(nora.get("/api/admin/program-admins").await).await;
    let nora_entry = listed["admins"]
        .as_array()
        .expect("admins")
        .iter()
        .find(|a| a["email"] == NORA)
        .expect("Nora")
        .clone();
    assert_eq!(nora_entry["added_by"], PROGRAM_ADMIN);
    assert_eq!(nora_entry["you"], true);

    // Nora removes Pat a minute later (the trail sorts by time, and the
    // test clock stands still otherwise): the deploy parameter no longer
    // makes him one.
    app.advance(SignedDuration::from_mins(1));
    assert_eq!(
        nora.delete(&format!("/api/admin/program-admins/{PROGRAM_ADMIN}"))
            .await
            .status(),
        StatusCode::NO_CONTENT
    );
    problem(
        pat.get("/api/admin/program-admins").await,
        StatusCode::FORBIDDEN,
    )
    .await;
    assert_eq!(roles(&app.sign_in(PROGRAM_ADMIN).await).await, json!([]));
    problem(
        nora.delete(&format!("/api/admin/program-admins/{PROGRAM_ADMIN}"))
            .await,
        StatusCode::NOT_FOUND,
    )
    .await;

    // Now Nora is the last one.
    problem(
        nora.delete(&format!("/api/admin/program-admins/{NORA}"))
            .await,
        StatusCode::CONFLICT,
    )
    .await;
    assert_eq!(roster(&nora).await, [NORA]);

    // Both changes are in the roster's audit trail and the security log.
    let trail = app.store.program_admin_audit().await.expect("audit");
    let seen: Vec<(String, Option<String>)> = trail
        .iter()
        .map(|e| (e.actor.to_string(), e.note.clone()))
        .collect();
    assert_eq!(
        seen,
        [
            (PROGRAM_ADMIN.to_string(), Some(NORA.to_string())),
            (NORA.to_string(), Some(PROGRAM_ADMIN.to_string())),
        ]
    );
    let log = json_of(nora.get("/api/admin/security").await).await;
    let changes: Vec<&str> = log["events"]
        .as_array()
        .expect("events")
        .iter()
        .filter(|e| e["kind"] == "administrator_change")
        .filter_map(|e| e["detail"].as_str())
        .collect();
    assert!(
        changes
            .iter()
            .any(|d| d.contains("a program administrator")),
        "{changes:?}"
    );
}

#[tokio::test]
async fn only_program_administrators_manage_program_administrators() {
    let app = spawn_app().await;
    app.make_department_admin("dana.admin@mo.gov", "revenue")
        .await;
    for who in ["ada.lovelace@mo.gov", "dana.admin@mo.gov"] {
        let person = app.sign_in(who).await;
        problem(
            person.get("/api/admin/program-admins").await,
            StatusCode::FORBIDDEN,
        )
        .await;
        problem(
            person
                .post("/api/admin/program-admins", json!({"email": who}))
                .await,
            StatusCode::FORBIDDEN,
        )
        .await;
        problem(
            person
                .delete(&format!("/api/admin/program-admins/{PROGRAM_ADMIN}"))
                .await,
            StatusCode::FORBIDDEN,
        )
        .await;
        assert_eq!(
            roles(&person)
                .await
                .as_array()
                .map(|r| r.contains(&json!("program_admin"))),
            Some(false)
        );
    }
    problem(
        app.anonymous().get("/api/admin/program-admins").await,
        StatusCode::UNAUTHORIZED,
    )
    .await;
    let pat = app.sign_in(PROGRAM_ADMIN).await;
    assert_eq!(roster(&pat).await, [PROGRAM_ADMIN]);
}
