//! Committed and flash mentorships: applicants say which they would like,
//! search keeps the mentors open to a kind, a pair's agreement records its
//! kind (starting from what the two asked for), and the figures and the
//! exports count both kinds.

use moments_domain::application::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::*;

fn names(page: &Value) -> Vec<String> {
    let mut names: Vec<String> = page["mentors"]
        .as_array()
        .expect("mentors")
        .iter()
        .map(|m| m["first_name"].as_str().expect("name").to_string())
        .collect();
    names.sort();
    names
}

#[tokio::test]
async fn an_applicant_states_a_kind_and_a_bad_one_is_refused_naming_the_field_with_nothing_stored()
{
    let app = spawn_app().await;
    let ada = app.sign_in("ada.lovelace@mo.gov").await;
    let mut form = mentee_form(SUPERVISOR);
    form["mentorship_kind"] = json!("weekly");
    let refused = problem(
        ada.apply(form.clone()).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(
        refused["errors"]["mentorship_kind"],
        "Choose committed, flash or either."
    );
    let mine = json_of(ada.get("/api/applications").await).await;
    assert_eq!(mine["applications"], json!([]), "nothing stored");

    form["mentorship_kind"] = json!("flash");
    let sent = json_of(ada.apply(form.clone()).await).await;
    assert_eq!(
        sent["mentorship_kind"],
        json!({"id": "flash", "name": "Flash"})
    );
    // Left out, it is not stated (and taken as either).
    let max = app.sign_in("max.mentor@mo.gov").await;
    let mut form = mentor_form(SUPERVISOR);
    form.as_object_mut()
        .expect("object")
        .remove("mentorship_kind");
    let sent = json_of(max.apply(form).await).await;
    assert_eq!(sent["mentorship_kind"], Value::Null);
}

#[tokio::test]
async fn search_keeps_the_mentors_open_to_a_kind_and_refuses_an_unknown_one() {
    let app = spawn_app().await;
    let skills = MENTOR_SKILLS;
    for (email, kind) in [
        ("cora.committed@mo.gov", "committed"),
        ("fay.flash@mo.gov", "flash"),
        ("eve.either@mo.gov", "either"),
        ("ned.nothing@mo.gov", ""),
    ] {
        app.approved_wanting(email, Role::Mentor, skills, "daytime", kind)
            .await;
    }
    let ada = app.sign_in("ada.lovelace@mo.gov").await;
    let search = |query: &'static str| {
        let ada = &ada;
        async move { json_of(ada.get(&format!("/api/mentors{query}")).await).await }
    };
    assert_eq!(names(&search("").await), ["Cora", "Eve", "Fay", "Ned"]);
    assert_eq!(names(&search("?kind=flash").await), ["Eve", "Fay", "Ned"]);
    assert_eq!(
        names(&search("?kind=committed").await),
        ["Cora", "Eve", "Ned"]
    );
    let fay = search("?kind=flash&name=fay").await;
    assert_eq!(
        fay["mentors"][0]["mentorship_kind"],
        json!({"id": "flash", "name": "Flash"})
    );
    let refused = problem(
        ada.get("/api/mentors?kind=either").await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(refused["errors"]["kind"], "Choose committed or flash.");
}

async fn kinds_in_figures(admin: &Person) -> Value {
    json_of(admin.get("/api/admin/metrics").await).await["report"]["total"]["kinds"].clone()
}

#[tokio::test]
async fn the_agreement_records_the_kind_and_the_figures_count_it_on_the_embedded_store() {
    an_agreement_records_its_kind(spawn_app().await).await;
}

#[tokio::test]
async fn the_agreement_records_the_kind_and_the_figures_count_it_on_dynamodb() {
    an_agreement_records_its_kind(spawn_app_on_dynamodb("kinds").await).await;
}

/// The agreement starts from what the pair asked for, records the kind,
/// and the figures and the exports count it.
async fn an_agreement_records_its_kind(app: TestApp) {
    app.approved_wanting(ADA, Role::Mentee, MENTEE_SKILLS, "daytime", "flash")
        .await;
    let mentor = app
        .approved_wanting(MAX, Role::Mentor, MENTOR_SKILLS, "daytime", "either")
        .await;
    let ada = app.sign_in(ADA).await;
    let request = json_of(
        ada.post("/api/requests", json!({"mentor": mentor.as_str()}))
            .await,
    )
    .await;
    let max = app.sign_in(MAX).await;
    let accepted = json_of(
        max.post(
            &format!(
                "/api/requests/{}/accept",
                request["id"].as_str().expect("id")
            ),
            json!({}),
        )
        .await,
    )
    .await;
    let id = accepted["mentorship"]["id"].as_str().expect("id");
    let path = format!("/api/mentorships/{id}");

    let read = json_of(max.get(&path).await).await;
    assert_eq!(read["proposed_kind"]["id"], "flash");
    assert_eq!(read["mentee"]["mentorship_kind"]["id"], "flash");
    assert_eq!(read["mentor"]["mentorship_kind"]["id"], "either");
    assert_eq!(read["agreement"], Value::Null);

    let admin = app.sign_in(PROGRAM_ADMIN).await;
    let before = kinds_in_figures(&admin).await;
    assert_eq!(before["not_recorded"], 1);
    assert_eq!(before["mentees_prefer"]["flash"], 1);
    assert_eq!(before["mentors_prefer"]["either"], 1);

    let saved = json_of(
        ada.put(
            &format!("{path}/agreement"),
            json!({"kind": "flash", "goals": "Write my first SQL report."}),
        )
        .await,
    )
    .await;
    assert_eq!(
        saved["agreement"]["kind"],
        json!({"id": "flash", "name": "Flash"})
    );
    let after = kinds_in_figures(&admin).await;
    assert_eq!(after["flash"]["active"], 1);
    assert_eq!(after["not_recorded"], 0);

    // Max changes it to committed: the pair moves from one count to the other.
    json_of(
        max.put(
            &format!("{path}/agreement"),
            json!({"kind": "committed", "goals": "Write my first SQL report.\nLead a project."}),
        )
        .await,
    )
    .await;
    let changed = kinds_in_figures(&admin).await;
    assert_eq!(
        (
            changed["committed"]["active"].clone(),
            changed["flash"]["active"].clone()
        ),
        (json!(1), json!(0))
    );

    let pairs = csv_rows(&admin, "mentorships.csv").await;
    assert_eq!(column(&pairs, "kind"), ["committed"]);
    assert_eq!(column(&pairs, "goals_set"), ["2"]);
    assert_eq!(column(&pairs, "goals_met"), ["0"]);
    let apps = csv_rows(&admin, "applications.csv").await;
    let mut wanted = column(&apps, "mentorship_kind");
    wanted.sort();
    assert_eq!(wanted, ["either", "flash"]);
}
