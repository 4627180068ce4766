//! Who to ask: the public contacts (the program team's address and phone,
//! each department's administrators) and the program administrators who
//! keep the team's details, per field, from the version they read.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::*;

async fn contacts(app: &TestApp) -> Value {
    let r = app.anonymous().get("/api/contacts").await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["cache-control"], "public, max-age=60");
    json_of(r).await
}

fn admins_of(contacts: &Value, dept: &str) -> Value {
    contacts["departments"]
        .as_array()
        .expect("departments")
        .iter()
        .find(|d| d["department"]["id"] == dept)
        .unwrap_or_else(|| panic!("{dept} in {contacts}"))["admins"]
        .clone()
}

async fn the_program_team_keeps_its_contact_details_and_the_page_lists_each_departments_administrators(
    app: TestApp,
) {
    // Before anyone sets them: no address, every department, none listed.
    let first = contacts(&app).await;
    assert_eq!(
        first["program"],
        json!({"email": null, "phone": null, "version": 0, "updated_at": null})
    );
    assert_eq!(admins_of(&first, "revenue"), json!([]));
    assert!(first["departments"].as_array().expect("all").len() > 10);

    // A department administrator appointed in the app is listed at once.
    let pat = app.sign_in(PROGRAM_ADMIN).await;
    for email in ["dana.admin@mo.gov", "ben.admin@mo.gov"] {
        let r = pat
            .post(
                "/api/admin/department-admins",
                json!({"email": email, "department": "revenue"}),
            )
            .await;
        assert_eq!(r.status(), StatusCode::CREATED);
    }
    assert_eq!(
        admins_of(&contacts(&app).await, "revenue"),
        json!(["ben.admin@mo.gov", "dana.admin@mo.gov"])
    );

    // Bad input: every field named at once, nothing stored.
    let bad = problem(
        pat.put(
            "/api/admin/contact",
            json!({"email": "the team", "phone": "12"}),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    for field in ["email", "phone", "version"] {
        assert!(bad["errors"][field].is_string(), "{field}: {bad}");
    }
    assert_eq!(contacts(&app).await["program"]["version"], 0);

    // Only program administrators change them.
    let dana = app.sign_in("dana.admin@mo.gov").await;
    let body = json!({"email": "Mentoring@MO.gov", "phone": "573-555-0100", "version": 0});
    problem(
        dana.put("/api/admin/contact", body.clone()).await,
        StatusCode::FORBIDDEN,
    )
    .await;

    let r = pat.put("/api/admin/contact", body.clone()).await;
    assert_eq!(r.status(), StatusCode::OK);
    let saved = json_of(r).await;
    assert_eq!(saved["email"], "mentoring@mo.gov");
    assert_eq!(saved["version"], 1);
    let now = contacts(&app).await["program"].clone();
    assert_eq!(now, saved);
    assert!(now["phone"].as_str().is_some_and(|p| p.contains("555")));

    // A second administrator's edit from the old version is refused, not
    // written over the first.
    problem(
        pat.put(
            "/api/admin/contact",
            json!({"email": "other@mo.gov", "version": 0}),
        )
        .await,
        StatusCode::CONFLICT,
    )
    .await;
    assert_eq!(contacts(&app).await["program"], saved);

    // The phone is optional: leaving it out removes it.
    let r = pat
        .put(
            "/api/admin/contact",
            json!({"email": "mentoring@mo.gov", "phone": "", "version": 1}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(contacts(&app).await["program"]["phone"], json!(null));

    // Both changes are audited, with what changed.
    let trail = app.store.program_contact_audit().await.expect("audit");
    let notes: Vec<_> = trail
        .iter()
        .map(|e| (e.actor.to_string(), e.note.clone().unwrap_or_default()))
        .collect();
    assert_eq!(notes.len(), 2, "{notes:?}");
    assert_eq!(notes[0].0, PROGRAM_ADMIN);
    assert!(
        notes[0].1.contains("email to mentoring@mo.gov"),
        "{notes:?}"
    );
    assert_eq!(notes[1].1, "phone removed");
}

#[tokio::test]
async fn the_program_team_keeps_its_contacts_on_the_embedded_store() {
    the_program_team_keeps_its_contact_details_and_the_page_lists_each_departments_administrators(
        spawn_app().await,
    )
    .await;
}

#[tokio::test]
async fn the_program_team_keeps_its_contacts_on_dynamodb() {
    the_program_team_keeps_its_contact_details_and_the_page_lists_each_departments_administrators(
        spawn_app_on_dynamodb("contacts").await,
    )
    .await;
}
