//! Quarterly suggested matches: a program administrator's dry run changes
//! nothing; publishing stores each mentee's list and emails them once; lists
//! never include excluded mentors.

use moments_domain::application::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::*;

async fn matching_scenario(app: TestApp) {
    // Ada's supervisor (SUPERVISOR) is also a mentor: never suggested to her.
    app.approved(
        SUPERVISOR,
        Role::Mentor,
        &["leadership", "budgeting", "teamwork"],
        "daytime",
    )
    .await;
    app.approved(
        "max.mentor@mo.gov",
        Role::Mentor,
        &["leadership", "budgeting", "hiring"],
        "daytime",
    )
    .await;
    let declined_by = app
        .approved(
            "dan.decliner@mo.gov",
            Role::Mentor,
            &["leadership", "budgeting", "teamwork"],
            "daytime",
        )
        .await;
    app.approved(
        "eve.evening@mo.gov",
        Role::Mentor,
        &["grant-writing", "hiring", "listening"],
        "evening",
    )
    .await;
    app.approved_mentee("ada.mentee@mo.gov").await;
    app.approved(
        "bo.mentee@mo.gov",
        Role::Mentee,
        &["grant-writing", "listening", "hiring"],
        "evening",
    )
    .await;
    // Cy ranked skills no mentor offers: suggested no one, served first next time.
    app.approved(
        "cy.mentee@mo.gov",
        Role::Mentee,
        &["procurement", "public-speaking", "networking"],
        "daytime",
    )
    .await;
    // Dan declined Ada once.
    let ada = app.sign_in("ada.mentee@mo.gov").await;
    let r = json_of(
        ada.post("/api/requests", json!({"mentor": declined_by.as_str()}))
            .await,
    )
    .await;
    let dan = app.sign_in("dan.decliner@mo.gov").await;
    dan.post(
        &format!("/api/requests/{}/decline", r["id"].as_str().expect("id")),
        json!({}),
    )
    .await;

    let admin = app.sign_in(PROGRAM_ADMIN).await;
    problem(
        ada.post("/api/admin/matching/preview", json!({})).await,
        StatusCode::FORBIDDEN,
    )
    .await;
    let mails = app.mail_count().await;
    let preview = json_of(admin.post("/api/admin/matching/preview", json!({})).await).await;
    assert_eq!(
        (
            preview["mentees"].clone(),
            preview["with_suggestions"].clone()
        ),
        (json!(3), json!(2))
    );
    let lists = preview["lists"].as_array().expect("lists");
    let priority = |lists: &[Value], who: &str| {
        lists.iter().find(|l| l["email"] == who).map(|l| {
            (
                l["priority"].clone(),
                l["suggestions"].as_array().map(Vec::len),
            )
        })
    };
    assert_eq!(
        priority(lists, "cy.mentee@mo.gov"),
        Some((json!(false), Some(0)))
    );
    let ada_list: Vec<&str> = lists
        .iter()
        .find(|l| l["email"] == "ada.mentee@mo.gov")
        .and_then(|l| l["suggestions"].as_array())
        .expect("ada's list")
        .iter()
        .map(|s| s["first_name"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(ada_list[0], "Max", "best fit first");
    assert!(
        !ada_list.contains(&"Dan") && !ada_list.contains(&"Sam"),
        "{ada_list:?}"
    );
    assert!(
        lists
            .iter()
            .filter(|l| l["email"] != "cy.mentee@mo.gov")
            .all(|l| {
                l["suggestions"]
                    .as_array()
                    .is_some_and(|s| !s.is_empty() && s.len() <= 5)
            })
    );
    assert_eq!(app.mail_count().await, mails, "a dry run sends nothing");
    assert_eq!(
        json_of(ada.get("/api/suggestions").await).await["suggestions"],
        json!([]),
        "and stores nothing"
    );

    let published = json_of(admin.post("/api/admin/matching/publish", json!({})).await).await;
    assert_eq!(published["emailed"], 2);
    assert!(
        app.mail_to("ada.mentee@mo.gov")
            .await
            .pop()
            .expect("mail")
            .subject
            .contains("suggested")
    );
    let mine = json_of(ada.get("/api/suggestions").await).await;
    let first: &Value = &mine["suggestions"][0];
    assert_eq!(
        (first["first_name"].clone(), first["listed"].clone()),
        (json!("Max"), json!(true))
    );
    assert!(
        first["reason"]
            .as_str()
            .is_some_and(|r| r.starts_with("Shares"))
    );

    // Publishing again the same day emails no one twice.
    let again = json_of(admin.post("/api/admin/matching/publish", json!({})).await).await;
    assert_eq!(again["emailed"], 0);

    // The next run serves Cy first: left without suggestions last time.
    let next = json_of(admin.post("/api/admin/matching/preview", json!({})).await).await;
    let lists = next["lists"].as_array().expect("lists");
    assert_eq!(
        priority(lists, "cy.mentee@mo.gov").map(|(p, _)| p),
        Some(json!(true))
    );
    assert_eq!(
        priority(lists, "bo.mentee@mo.gov").map(|(p, _)| p),
        Some(json!(false))
    );
}

#[tokio::test]
async fn matching_dry_run_then_publish_on_the_embedded_store() {
    matching_scenario(spawn_app().await).await;
}

#[tokio::test]
async fn matching_dry_run_then_publish_through_dynamodb_and_ses() {
    matching_scenario(spawn_app_on_aws("matching").await).await;
}

#[tokio::test]
async fn the_jobs_page_runs_the_matching() {
    let app = spawn_app().await;
    app.approved(
        "max.mentor@mo.gov",
        Role::Mentor,
        &["leadership", "budgeting", "hiring"],
        "daytime",
    )
    .await;
    app.approved_mentee("ada.mentee@mo.gov").await;
    let page = app
        .anonymous()
        .client
        .post(app.url("/_local/jobs/matching"))
        .send()
        .await
        .expect("POST")
        .text()
        .await
        .expect("page");
    assert!(
        page.contains("1 mentees, 1 with suggestions, 1 emailed"),
        "{page}"
    );
}

/// `mentee` asks `mentor` (an application id) and the mentor accepts.
async fn matched(app: &TestApp, mentee: &Person, mentor: &str, mentor_email: &str) {
    let r = json_of(
        mentee
            .post("/api/requests", json!({"mentor": mentor}))
            .await,
    )
    .await;
    let accept = format!("/api/requests/{}/accept", r["id"].as_str().expect("id"));
    let accepted = app
        .sign_in(mentor_email)
        .await
        .post(&accept, json!({}))
        .await;
    assert_eq!(accepted.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_mentee_with_one_mentor_is_suggested_a_second_and_one_with_two_or_paused_is_left_out() {
    let app = spawn_app().await;
    let skills = ["leadership", "budgeting", "hiring"];
    let mut mentors = Vec::new();
    for email in [
        "max.mentor@mo.gov",
        "mo.mentor@mo.gov",
        "pip.mentor@mo.gov",
        "zoe.mentor@mo.gov",
    ] {
        let id = app.approved(email, Role::Mentor, &skills, "daytime").await;
        mentors.push((id.to_string(), email));
    }
    // Ada has Max; Bo has Mo and Pip (two, the most a mentee may have); Cy
    // has none but paused her search.
    let [ada, bo, cy] = ["ada.mentee@mo.gov", "bo.mentee@mo.gov", "cy.mentee@mo.gov"];
    let mut ids = Vec::new();
    for mentee in [ada, bo, cy] {
        ids.push(app.approved(mentee, Role::Mentee, &skills, "daytime").await);
    }
    let ada_session = app.sign_in(ada).await;
    matched(&app, &ada_session, &mentors[0].0, mentors[0].1).await;
    let bo_session = app.sign_in(bo).await;
    matched(&app, &bo_session, &mentors[1].0, mentors[1].1).await;
    matched(&app, &bo_session, &mentors[2].0, mentors[2].1).await;
    let paused = app
        .sign_in(cy)
        .await
        .put(
            &format!("/api/applications/{}/pause", ids[2]),
            json!({"paused": true}),
        )
        .await;
    assert_eq!(paused.status(), StatusCode::OK);

    let admin = app.sign_in(PROGRAM_ADMIN).await;
    let preview = json_of(admin.post("/api/admin/matching/preview", json!({})).await).await;
    let lists = preview["lists"].as_array().expect("lists");
    let emails: Vec<&str> = lists.iter().filter_map(|l| l["email"].as_str()).collect();
    assert_eq!(emails, [ada], "Bo has two mentors and Cy paused");
    assert_eq!(
        (preview["mentees"].clone(), preview["second_mentor"].clone()),
        (json!(1), json!(1))
    );
    assert_eq!(lists[0]["second_mentor"], true);
    let suggested: Vec<&str> = lists[0]["suggestions"]
        .as_array()
        .expect("suggestions")
        .iter()
        .filter_map(|s| s["first_name"].as_str())
        .collect();
    // Mo and Pip still have room for one more mentee; Max is Ada's mentor.
    assert!(!suggested.contains(&"Max"), "{suggested:?}");
    assert_eq!(suggested.len(), 3, "{suggested:?}");
    // Three is all there is, and the list says so rather than padding.
    assert!(
        lists[0]["short_reason"]
            .as_str()
            .is_some_and(|r| r.starts_with("Only 3 mentors")),
        "{}",
        lists[0]
    );

    let published = json_of(admin.post("/api/admin/matching/publish", json!({})).await).await;
    assert_eq!(published["emailed"], 1);
    let mail = app.mail_to(ada).await.pop().expect("mail");
    assert!(
        mail.subject.contains("second mentorship"),
        "{}",
        mail.subject
    );
    let mine = json_of(ada_session.get("/api/suggestions").await).await;
    assert_eq!(mine["second_mentor"], true);
    assert_eq!(mine["short_reason"], lists[0]["short_reason"]);
    assert_eq!(mine["suggestions"].as_array().map(Vec::len), Some(3));
    assert!(
        app.mail_to(bo)
            .await
            .iter()
            .all(|m| !m.subject.to_lowercase().contains("suggested"))
    );

    // Once Ada has her second mentor, the rest of her list is withdrawn.
    matched(&app, &ada_session, &mentors[3].0, mentors[3].1).await;
    let mine = json_of(ada_session.get("/api/suggestions").await).await;
    assert_eq!(mine["suggestions"], json!([]));
}
