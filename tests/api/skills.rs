//! The skills people rank, kept by the program team in the table: a skill
//! added on the admin pages can be chosen at once, shows in search, in the
//! counts and the export; a renamed one shows its new name everywhere; a
//! retired one stays on the applications that have it but cannot be chosen
//! again; the lists cannot be emptied; bad input changes nothing.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::*;

fn skill<'a>(list: &'a Value, id: &str) -> &'a Value {
    list["skills"]
        .as_array()
        .expect("skills")
        .iter()
        .find(|s| s["id"] == id)
        .unwrap_or_else(|| panic!("no {id} in {list}"))
}

fn names(skills: &Value) -> Vec<&str> {
    skills
        .as_array()
        .expect("skills")
        .iter()
        .filter_map(|s| s["name"].as_str())
        .collect()
}

async fn a_skill_added_can_be_chosen_at_once_and_a_retired_one_stays_where_it_was_chosen(
    app: TestApp,
) {
    let seed = catalogue(&app).await;
    assert_eq!(seed["skills_version"], 0);
    let pat = app.sign_in(PROGRAM_ADMIN).await;

    // Bad input: both fields named, nothing stored.
    let before = app.embedded_items();
    let bad = problem(
        pat.post(
            "/api/admin/skills",
            json!({"kind": "hobby", "name": "<b>x</b>"}),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    let named: Vec<&str> = bad["errors"]
        .as_object()
        .expect("errors")
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(named, ["kind", "name"], "{bad}");
    let taken = problem(
        pat.post(
            "/api/admin/skills",
            json!({"kind": "soft", "name": "LEADERSHIP"}),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert!(
        taken["errors"]["name"]
            .as_str()
            .is_some_and(|m| m.contains("Leadership is already in the list")),
        "{taken}"
    );
    assert!(before == app.embedded_items(), "bad input changes nothing");

    // Added: last of the career skills, offered by the catalogue at once.
    let r = pat
        .post(
            "/api/admin/skills",
            json!({"kind": "career", "name": "Records management"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let list = json_of(r).await;
    assert_eq!(list["version"], 1);
    let added = skill(&list, "records-management");
    assert_eq!(
        (&added["kind"], &added["retired"], &added["mentees"]),
        (&json!("career"), &json!(false), &json!(0))
    );
    let now = catalogue(&app).await;
    assert_eq!(now["skills_version"], 1);
    assert_eq!(
        ids(&now["career_skills"]).last(),
        Some(&"records-management")
    );

    // A mentee applies with it, a mentor offers it, both are approved.
    let ada = app.sign_in(ADA).await;
    let mut form = mentee_form(SUPERVISOR);
    form["skills"] = json!(["records-management", "leadership", "teamwork"]);
    let r = ada.apply(form).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let mine = json_of(r).await;
    assert_eq!(
        names(&mine["skills"]),
        [
            "Records management",
            "Leadership",
            "Teamwork and collaboration"
        ]
    );
    let id = mine["id"].as_str().expect("id").to_string();
    let sam = app.sign_in(SUPERVISOR).await;
    let r = sam
        .post(
            &format!("/api/applications/{id}/decision"),
            json!({"outcome": "approve"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    app.approved(
        MAX,
        moments_domain::application::Role::Mentor,
        &["records-management", "hiring", "budgeting"],
        "evening",
    )
    .await;

    // Search filters on it and explains it by name.
    let found = json_of(ada.get("/api/mentors?skills=records-management").await).await;
    assert_eq!(found["total"], 1, "{found}");
    let card = &found["mentors"][0];
    assert_eq!(names(&card["skills"])[0], "Records management");
    assert!(
        card["reason"]
            .as_str()
            .is_some_and(|r| r.starts_with("Shares 1 of your skills: Records management")),
        "{card}"
    );

    // The counts and the export name it.
    let list = json_of(pat.get("/api/admin/skills").await).await;
    let counted = skill(&list, "records-management");
    assert_eq!(
        (&counted["mentees"], &counted["mentors"]),
        (&json!(1), &json!(1))
    );
    assert_eq!(skill(&list, "leadership")["mentees"], 1);
    let rows = csv_rows(&pat, "applications.csv").await;
    assert!(
        column(&rows, "skills_ranked")
            .iter()
            .any(|s| s.starts_with("Records management; ")),
        "{rows:?}"
    );

    // Renamed: the id stays, the new name shows on the application.
    let r = pat
        .put(
            "/api/admin/skills/records-management",
            json!({"name": "Records and archives"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let read = json_of(ada.get(&format!("/api/applications/{id}")).await).await;
    assert_eq!(names(&read["skills"])[0], "Records and archives");

    // Retired: gone from the forms, still on Ada's application, still a
    // search filter, refused on a new application naming the field.
    let r = pat
        .put(
            "/api/admin/skills/records-management",
            json!({"retired": true}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let now = catalogue(&app).await;
    assert!(!ids(&now["career_skills"]).contains(&"records-management"));
    assert_eq!(
        now["retired_skills"],
        json!([{"id": "records-management", "name": "Records and archives"}])
    );
    let read = json_of(ada.get(&format!("/api/applications/{id}")).await).await;
    assert_eq!(names(&read["skills"])[0], "Records and archives");
    let found = json_of(ada.get("/api/mentors?skills=records-management").await).await;
    assert_eq!(found["total"], 1, "{found}");
    let kim = app.sign_in("kim.new@mo.gov").await;
    let mut form = mentee_form(SUPERVISOR);
    form["skills"] = json!(["records-management", "leadership", "teamwork"]);
    let before = app.embedded_items();
    let refused = problem(kim.apply(form).await, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert!(
        refused["errors"]["skills"]
            .as_str()
            .is_some_and(|m| m.contains("Records and archives is no longer in the program's list")),
        "{refused}"
    );
    assert!(before == app.embedded_items(), "nothing stored");

    // Moved: first of its kind in the forms; the soft skills keep their order.
    let r = pat
        .put("/api/admin/skills/supervision", json!({"position": 1}))
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let now = catalogue(&app).await;
    assert_eq!(ids(&now["career_skills"])[0], "supervision");
    assert_eq!(ids(&now["soft_skills"]), ids(&seed["soft_skills"]));

    // An unknown skill is not found; a bad position is named.
    problem(
        pat.put("/api/admin/skills/juggling", json!({"retired": true}))
            .await,
        StatusCode::NOT_FOUND,
    )
    .await;
    let bad = problem(
        pat.put("/api/admin/skills/supervision", json!({"position": 0}))
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert!(bad["errors"]["position"].is_string(), "{bad}");

    let trail = app.store.skills_audit().await.expect("audit");
    let notes: Vec<_> = trail.iter().filter_map(|e| e.note.as_deref()).collect();
    assert_eq!(
        notes,
        [
            "Records management (records-management), a career skill",
            "Records and archives (records-management): renamed from Records management to Records and archives",
            "Records and archives (records-management): retired",
            "Supervising a team (supervision): moved to place 1",
        ]
    );
}

#[tokio::test]
async fn a_skill_added_can_be_chosen_at_once_and_a_retired_one_stays_where_it_was_chosen_on_the_embedded_store()
 {
    a_skill_added_can_be_chosen_at_once_and_a_retired_one_stays_where_it_was_chosen(
        spawn_app().await,
    )
    .await;
}

#[tokio::test]
async fn a_skill_added_can_be_chosen_at_once_and_a_retired_one_stays_where_it_was_chosen_on_dynamodb()
 {
    a_skill_added_can_be_chosen_at_once_and_a_retired_one_stays_where_it_was_chosen(
        spawn_app_on_dynamodb("skills").await,
    )
    .await;
}

#[tokio::test]
async fn each_list_keeps_three_skills_to_choose() {
    let app = spawn_app().await;
    let pat = app.sign_in(PROGRAM_ADMIN).await;
    let soft: Vec<String> = ids(&catalogue(&app).await["soft_skills"])
        .into_iter()
        .map(str::to_string)
        .collect();
    for id in &soft[..soft.len() - 3] {
        let r = pat
            .put(&format!("/api/admin/skills/{id}"), json!({"retired": true}))
            .await;
        assert_eq!(r.status(), StatusCode::OK, "{id}");
    }
    let last = &soft[soft.len() - 1];
    let refused = problem(
        pat.put(
            &format!("/api/admin/skills/{last}"),
            json!({"retired": true}),
        )
        .await,
        StatusCode::CONFLICT,
    )
    .await;
    assert!(
        refused["detail"]
            .as_str()
            .is_some_and(|d| d.contains("at least 3 skills")),
        "{refused}"
    );
    assert_eq!(ids(&catalogue(&app).await["soft_skills"]).len(), 3);
    // Restoring one opens it again.
    let r = pat
        .put(
            &format!("/api/admin/skills/{}", soft[0]),
            json!({"retired": false}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(ids(&catalogue(&app).await["soft_skills"]).len(), 4);
}

#[tokio::test]
async fn two_administrators_adding_at_once_both_land() {
    let app = spawn_app().await;
    let pat = app.sign_in(PROGRAM_ADMIN).await;
    let (a, b) = tokio::join!(
        pat.post(
            "/api/admin/skills",
            json!({"kind": "career", "name": "Mapping"})
        ),
        pat.post(
            "/api/admin/skills",
            json!({"kind": "soft", "name": "Patience"})
        ),
    );
    assert_eq!(
        (a.status(), b.status()),
        (StatusCode::CREATED, StatusCode::CREATED)
    );
    let now = catalogue(&app).await;
    assert_eq!(now["skills_version"], 2);
    assert!(ids(&now["career_skills"]).contains(&"mapping"));
    assert!(ids(&now["soft_skills"]).contains(&"patience"));
}
