//! The departments and their divisions, kept by the program team in the
//! table: a department added on the admin pages can be chosen at once; a
//! department with divisions asks its applicants for one, and search filters
//! on it; renames show everywhere; a retired department stays on the records
//! that have it but cannot be chosen again; the list cannot be emptied; bad
//! input changes nothing.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::*;

fn offered<'a>(catalogue: &'a Value, id: &str) -> &'a Value {
    catalogue["departments"]
        .as_array()
        .expect("departments")
        .iter()
        .find(|d| d["id"] == id)
        .unwrap_or_else(|| panic!("no {id} offered in {catalogue}"))
}

const MOTOR: &str = "motor-vehicle-and-driver-licensing";

async fn a_department_added_can_be_chosen_and_its_divisions_are_asked_and_searched(app: TestApp) {
    let seed = catalogue(&app).await;
    assert_eq!(seed["departments_version"], 0);
    assert!(offered(&seed, "revenue")["divisions"] == json!([]));
    let pat = app.sign_in(PROGRAM_ADMIN).await;

    // Bad input: the field named, nothing stored.
    let before = app.embedded_items();
    let bad = problem(
        pat.post("/api/admin/departments", json!({"name": ""}))
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert!(bad["errors"]["name"].is_string(), "{bad}");
    let taken = problem(
        pat.post(
            "/api/admin/departments",
            json!({"name": "department of revenue"}),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert!(
        taken["errors"]["name"]
            .as_str()
            .is_some_and(|m| m.contains("Department of Revenue is already in the list")),
        "{taken}"
    );
    assert!(before == app.embedded_items(), "bad input changes nothing");

    // A new department, offered at once, last.
    let r = pat
        .post(
            "/api/admin/departments",
            json!({"name": "Office of Cybersecurity"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    assert_eq!(json_of(r).await["version"], 1);
    let now = catalogue(&app).await;
    assert_eq!(
        ids(&now["departments"]).last(),
        Some(&"office-of-cybersecurity")
    );

    // Revenue gets two divisions; the catalogue offers them under it.
    for name in ["Taxation", "Motor Vehicle and Driver Licensing"] {
        let r = pat
            .post(
                "/api/admin/departments/revenue/divisions",
                json!({ "name": name }),
            )
            .await;
        assert_eq!(r.status(), StatusCode::CREATED, "{name}");
    }
    let now = catalogue(&app).await;
    assert_eq!(
        ids(&offered(&now, "revenue")["divisions"]),
        ["taxation", MOTOR]
    );

    // An applicant in Revenue is asked for a division of Revenue's own.
    let max = app.sign_in(MAX).await;
    let before = app.embedded_items();
    let asked = problem(
        max.apply(mentor_form(SUPERVISOR)).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert!(
        asked["errors"]["division"]
            .as_str()
            .is_some_and(|m| m.contains("Choose your division of the Department of Revenue")),
        "{asked}"
    );
    let mut form = mentor_form(SUPERVISOR);
    form["division"] = json!("bridges");
    let wrong = problem(max.apply(form).await, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert!(wrong["errors"]["division"].is_string(), "{wrong}");
    assert!(before == app.embedded_items(), "nothing stored");

    let mut form = mentor_form(SUPERVISOR);
    form["division"] = json!(MOTOR);
    let r = max.apply(form).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let mentor = json_of(r).await;
    assert_eq!(
        mentor["division"],
        json!({"id": MOTOR, "name": "Motor Vehicle and Driver Licensing"})
    );
    let mentor_id = mentor["id"].as_str().expect("id").to_string();
    let sam = app.sign_in(SUPERVISOR).await;
    let r = sam
        .post(
            &format!("/api/applications/{mentor_id}/decision"),
            json!({"outcome": "approve"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);

    // The figures count him in his department and in his division.
    let figures = json_of(pat.get("/api/admin/metrics").await).await;
    let divisions = figures["report"]["by_division"]
        .as_array()
        .expect("by_division");
    assert_eq!(divisions.len(), 1, "{figures}");
    assert_eq!(
        (&divisions[0]["department"]["id"], &divisions[0]["division"]),
        (
            &json!("revenue"),
            &json!({"id": MOTOR, "name": "Motor Vehicle and Driver Licensing"})
        )
    );
    assert_eq!(divisions[0]["measures"]["mentor_profiles"]["approved"], 1);
    let revenue = figures["report"]["by_department"]
        .as_array()
        .expect("by_department")
        .iter()
        .find(|d| d["department"]["id"] == "revenue")
        .expect("revenue");
    assert_eq!(revenue["measures"]["mentor_profiles"]["approved"], 1);

    // A department without divisions takes none.
    let ada = app.sign_in(ADA).await;
    let mut form = mentee_form(SUPERVISOR);
    form["department"] = json!("transportation");
    form["division"] = json!("taxation");
    let none = problem(ada.apply(form).await, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert!(
        none["errors"]["division"]
            .as_str()
            .is_some_and(|m| m.contains("has no divisions")),
        "{none}"
    );
    let mut form = mentee_form(SUPERVISOR);
    form["department"] = json!("office-of-cybersecurity");
    let r = ada.apply(form).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let mine = json_of(r).await;
    assert_eq!(mine["department"]["name"], "Office of Cybersecurity");
    assert_eq!(mine["division"], Value::Null);
    let ada_id = mine["id"].as_str().expect("id").to_string();

    // Search filters on the division, only with its department.
    let search = |q: &str| format!("/api/mentors?{q}");
    let found = json_of(
        ada.get(&search(&format!("department=revenue&division={MOTOR}")))
            .await,
    )
    .await;
    assert_eq!(found["total"], 1, "{found}");
    assert_eq!(found["mentors"][0]["division"]["id"], MOTOR);
    let found = json_of(
        ada.get(&search("department=revenue&division=taxation"))
            .await,
    )
    .await;
    assert_eq!(found["total"], 0, "{found}");
    let bad = problem(
        ada.get(&search("division=taxation")).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert!(bad["errors"]["division"].is_string(), "{bad}");
    let bad = problem(
        ada.get(&search("department=nowhere")).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert!(bad["errors"]["department"].is_string(), "{bad}");

    // Renames show on the records and in the export.
    let r = pat
        .put(
            &format!("/api/admin/departments/revenue/divisions/{MOTOR}"),
            json!({"name": "Motor Vehicles"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let r = pat
        .put(
            "/api/admin/departments/office-of-cybersecurity",
            json!({"name": "Office of Cyber Defense", "position": 1}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let profile = json_of(max.get(&format!("/api/applications/{mentor_id}")).await).await;
    assert_eq!(profile["division"]["name"], "Motor Vehicles");
    let read = json_of(ada.get(&format!("/api/applications/{ada_id}")).await).await;
    assert_eq!(read["department"]["name"], "Office of Cyber Defense");
    assert_eq!(
        ids(&catalogue(&app).await["departments"])[0],
        "office-of-cybersecurity"
    );
    let rows = csv_rows(&pat, "applications.csv").await;
    assert!(
        column(&rows, "division").contains(&"Motor Vehicles"),
        "{rows:?}"
    );
    assert!(
        column(&rows, "department").contains(&"Office of Cyber Defense"),
        "{rows:?}"
    );

    // Retired: gone from the forms and the contact page, still on Ada's
    // application and a search filter, refused on a new application.
    let r = pat
        .put(
            "/api/admin/departments/office-of-cybersecurity",
            json!({"retired": true}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let now = catalogue(&app).await;
    assert!(!ids(&now["departments"]).contains(&"office-of-cybersecurity"));
    assert_eq!(
        now["retired_departments"],
        json!([{"id": "office-of-cybersecurity", "name": "Office of Cyber Defense"}])
    );
    let contacts = json_of(app.anonymous().get("/api/contacts").await).await;
    assert!(
        contacts["departments"]
            .as_array()
            .expect("departments")
            .iter()
            .all(|d| d["department"]["id"] != "office-of-cybersecurity"),
        "{contacts}"
    );
    let read = json_of(ada.get(&format!("/api/applications/{ada_id}")).await).await;
    assert_eq!(read["department"]["name"], "Office of Cyber Defense");
    let r = ada.get(&search("department=office-of-cybersecurity")).await;
    assert_eq!(r.status(), StatusCode::OK);
    let kim = app.sign_in("kim.new@mo.gov").await;
    let mut form = mentee_form(SUPERVISOR);
    form["department"] = json!("office-of-cybersecurity");
    let before = app.embedded_items();
    let refused = problem(kim.apply(form).await, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert!(
        refused["errors"]["department"]
            .as_str()
            .is_some_and(|m| m.contains("no longer in the program's list")),
        "{refused}"
    );
    assert!(before == app.embedded_items(), "nothing stored");

    // A correction of another fact keeps the retired department; a move
    // to Revenue asks for a division of Revenue's.
    let read = json_of(ada.get(&format!("/api/applications/{ada_id}")).await).await;
    let correction = |change: Value| {
        let mut form = json!({
            "first_name": read["first_name"], "last_name": read["last_name"], "phone": read["phone"],
            "department": read["department"]["id"], "job_title": read["job_title"],
            "work_location": read["work_location"],
            "supervisor_first_name": read["supervisor"]["first_name"],
            "supervisor_last_name": read["supervisor"]["last_name"],
            "supervisor_email": read["supervisor"]["email"],
            "working_hours": read["working_hours"]["id"],
            "note": "Corrected at their supervisor's request.",
            "version": read["version"],
        });
        for (k, v) in change.as_object().expect("object") {
            form[k] = v.clone();
        }
        form
    };
    let path = format!("/api/admin/applications/{ada_id}");
    let asked = problem(
        pat.put(&path, correction(json!({"department": "revenue"})))
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert!(asked["errors"]["division"].is_string(), "{asked}");
    let r = pat
        .put(&path, correction(json!({"job_title": "Security Analyst"})))
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let corrected = json_of(r).await;
    assert_eq!(
        (&corrected["department"]["id"], &corrected["job_title"]),
        (
            &json!("office-of-cybersecurity"),
            &json!("Security Analyst")
        )
    );

    // An unknown department or division is not found.
    problem(
        pat.put("/api/admin/departments/nowhere", json!({"retired": true}))
            .await,
        StatusCode::NOT_FOUND,
    )
    .await;
    problem(
        pat.put(
            "/api/admin/departments/transportation/divisions/taxation",
            json!({"retired": true}),
        )
        .await,
        StatusCode::NOT_FOUND,
    )
    .await;

    let trail = app.store.departments_audit().await.expect("audit");
    let notes: Vec<_> = trail.iter().filter_map(|e| e.note.as_deref()).collect();
    assert_eq!(
        notes,
        [
            "Office of Cybersecurity (office-of-cybersecurity)",
            "Taxation (taxation) added to revenue",
            "Motor Vehicle and Driver Licensing (motor-vehicle-and-driver-licensing) added to revenue",
            "Motor Vehicles (motor-vehicle-and-driver-licensing) of the Department of Revenue: renamed from Motor Vehicle and Driver Licensing to Motor Vehicles",
            "Office of Cyber Defense (office-of-cybersecurity): renamed from Office of Cybersecurity to Office of Cyber Defense, moved to place 1",
            "Office of Cyber Defense (office-of-cybersecurity): retired",
        ]
    );
}

#[tokio::test]
async fn a_department_added_can_be_chosen_and_its_divisions_are_asked_and_searched_on_the_embedded_store()
 {
    a_department_added_can_be_chosen_and_its_divisions_are_asked_and_searched(spawn_app().await)
        .await;
}

#[tokio::test]
async fn a_department_added_can_be_chosen_and_its_divisions_are_asked_and_searched_on_dynamodb() {
    a_department_added_can_be_chosen_and_its_divisions_are_asked_and_searched(
        spawn_app_on_dynamodb("departments").await,
    )
    .await;
}

#[tokio::test]
async fn the_last_department_people_can_choose_stays() {
    let app = spawn_app().await;
    let pat = app.sign_in(PROGRAM_ADMIN).await;
    let all: Vec<String> = ids(&catalogue(&app).await["departments"])
        .into_iter()
        .map(str::to_string)
        .collect();
    for id in &all[1..] {
        let r = pat
            .put(
                &format!("/api/admin/departments/{id}"),
                json!({"retired": true}),
            )
            .await;
        assert_eq!(r.status(), StatusCode::OK, "{id}");
    }
    let refused = problem(
        pat.put(
            &format!("/api/admin/departments/{}", all[0]),
            json!({"retired": true}),
        )
        .await,
        StatusCode::CONFLICT,
    )
    .await;
    assert!(
        refused["detail"]
            .as_str()
            .is_some_and(|d| d.contains("at least one department")),
        "{refused}"
    );
    assert_eq!(
        ids(&catalogue(&app).await["departments"]),
        [all[0].as_str()]
    );
}

#[tokio::test]
async fn two_administrators_changing_departments_at_once_both_land() {
    let app = spawn_app().await;
    let pat = app.sign_in(PROGRAM_ADMIN).await;
    let (a, b) = tokio::join!(
        pat.post(
            "/api/admin/departments",
            json!({"name": "Office of Cybersecurity"})
        ),
        pat.post(
            "/api/admin/departments/revenue/divisions",
            json!({"name": "Taxation"})
        ),
    );
    assert_eq!(
        (a.status(), b.status()),
        (StatusCode::CREATED, StatusCode::CREATED)
    );
    let now = catalogue(&app).await;
    assert_eq!(now["departments_version"], 2);
    assert!(ids(&now["departments"]).contains(&"office-of-cybersecurity"));
    assert_eq!(ids(&offered(&now, "revenue")["divisions"]), ["taxation"]);
}
