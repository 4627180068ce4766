//! Finding a mentor, requests, the capacity of two, and the life of a mentorship.

use std::time::Instant;

use jiff::SignedDuration;
use moments_domain::application::{ApplicationId, Role};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::*;

async fn id_of(r: reqwest::Response) -> String {
    json_of(r).await["id"].as_str().expect("id").to_string()
}

/// Ada (approved mentee) selects the mentor; returns the request id.
async fn select(ada: &Person, mentor: &ApplicationId) -> String {
    let r = ada
        .post(
            "/api/requests",
            json!({"mentor": mentor.as_str(), "message": "I'd love to learn from you."}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    id_of(r).await
}

async fn accept(mentor: &Person, request: &str) -> Value {
    let r = mentor
        .post(&format!("/api/requests/{request}/accept"), json!({}))
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    json_of(r).await
}

async fn listed_names(p: &Person, query: &str) -> Vec<String> {
    let r = json_of(p.get(&format!("/api/mentors{query}")).await).await;
    r["mentors"]
        .as_array()
        .expect("mentors")
        .iter()
        .map(|m| m["first_name"].as_str().unwrap_or_default().to_string())
        .collect()
}

#[tokio::test]
async fn search_lists_only_listed_mentors_ordered_by_fit_with_reasons() {
    let app = spawn_app().await;
    app.approved_mentee(ADA).await;
    app.approved(
        "best.match@mo.gov",
        Role::Mentor,
        &["leadership", "budgeting", "hiring"],
        "daytime",
    )
    .await;
    app.approved(
        "some.match@mo.gov",
        Role::Mentor,
        &["grant-writing", "hiring", "teamwork"],
        "daytime",
    )
    .await;
    app.approved(
        "no.match@mo.gov",
        Role::Mentor,
        &["procurement", "hiring", "listening"],
        "evening",
    )
    .await;
    // A pending mentor application is not searchable.
    let pending = app.sign_in("pending.mentor@mo.gov").await;
    assert_eq!(
        pending.apply(mentor_form(SUPERVISOR)).await.status(),
        StatusCode::CREATED
    );
    // Ada's own mentor application is never shown to her.
    app.approved(
        ADA,
        Role::Mentor,
        &["leadership", "budgeting", "teamwork"],
        "daytime",
    )
    .await;

    let ada = app.sign_in(ADA).await;
    let found = json_of(ada.get("/api/mentors").await).await;
    let names: Vec<&str> = found["mentors"]
        .as_array()
        .expect("list")
        .iter()
        .map(|m| m["first_name"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(names, ["Best", "Some", "No"]);
    assert_eq!(found["total"], 3);
    assert_eq!(
        found["mentors"][0]["reason"],
        "Shares 2 of your skills: Leadership (your #1, their #1), Budgeting and fiscal management (your #2, their #2); same working hours (Daytime)."
    );
    assert!(found["mentors"][0]["fit"].as_u64() > found["mentors"][1]["fit"].as_u64());

    assert_eq!(listed_names(&ada, "?hours=evening").await, ["No"]);
    assert_eq!(
        listed_names(&ada, "?skills=grant-writing,procurement").await,
        ["Some", "No"]
    );
    assert_eq!(listed_names(&ada, "?name=best").await, ["Best"]);
    assert_eq!(
        listed_names(&ada, "?department=transportation").await,
        Vec::<String>::new()
    );
    assert_eq!(
        listed_names(&ada, "?department=revenue&skills=hiring").await,
        ["Best", "Some", "No"]
    );
}

#[tokio::test]
async fn search_pages_twenty_at_a_time() {
    let app = spawn_app().await;
    let skills = [
        ["leadership", "budgeting", "hiring"],
        ["hiring", "networking", "listening"],
        ["teamwork", "leadership", "listening"],
    ];
    for n in 0..25 {
        app.approved(
            &format!("m{n:02}.mentor@mo.gov"),
            Role::Mentor,
            &skills[n % 3],
            ["daytime", "evening"][n % 2],
        )
        .await;
    }
    app.approved_mentee(ADA).await;
    let ada = app.sign_in(ADA).await;
    let first = json_of(ada.get("/api/mentors").await).await;
    let second = json_of(ada.get("/api/mentors?page=2").await).await;
    assert_eq!(
        (first["pages"].clone(), first["total"].clone()),
        (json!(2), json!(25))
    );
    assert_eq!(first["mentors"].as_array().map(Vec::len), Some(20));
    assert_eq!(second["mentors"].as_array().map(Vec::len), Some(5));
    // Together the pages hold every mentor once, best fit first, then by name.
    let cards: Vec<Value> = [&first, &second]
        .iter()
        .flat_map(|p| p["mentors"].as_array().cloned().unwrap_or_default())
        .collect();
    let key = |c: &Value| {
        (
            std::cmp::Reverse(c["fit"].as_u64().unwrap_or(0)),
            c["last_name"].as_str().unwrap_or_default().to_string(),
            c["first_name"].as_str().unwrap_or_default().to_string(),
        )
    };
    let keys: Vec<_> = cards.iter().map(key).collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted, "the pages run in order");
    let ids: std::collections::BTreeSet<&str> =
        cards.iter().filter_map(|c| c["id"].as_str()).collect();
    assert_eq!(ids.len(), 25);
    let third = json_of(ada.get("/api/mentors?page=3").await).await;
    assert_eq!(third["mentors"], json!([]));
    assert_eq!(third["total"], json!(25));
}

#[tokio::test]
async fn bad_search_filters_are_named() {
    let app = spawn_app().await;
    let ada = app.sign_in(ADA).await;
    let body = problem(
        ada.get("/api/mentors?department=atlantis&skills=juggling&hours=weekends&page=0")
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    let mut fields: Vec<&str> = body["errors"]
        .as_object()
        .expect("errors")
        .keys()
        .map(String::as_str)
        .collect();
    fields.sort_unstable();
    assert_eq!(fields, ["department", "hours", "page", "skills"]);
    problem(
        app.anonymous().get("/api/mentors").await,
        StatusCode::UNAUTHORIZED,
    )
    .await;
}

#[tokio::test]
async fn the_whole_pairing_journey_over_the_api() {
    let app = spawn_app().await;
    app.approved_mentee(ADA).await;
    let mentor_id = app.approved_mentor("max.mentor@mo.gov").await;
    let ada = app.sign_in(ADA).await;
    let max = app.sign_in("max.mentor@mo.gov").await;

    // The profile shows no contact details before the match.
    let profile = json_of(ada.get(&format!("/api/mentors/{mentor_id}")).await).await;
    assert_eq!(
        (profile["can_request"].clone(), profile["contact"].clone()),
        (json!(true), Value::Null)
    );

    let request = select(&ada, &mentor_id).await;
    let asked = app
        .mail_to("max.mentor@mo.gov")
        .await
        .pop()
        .expect("mail to mentor");
    assert!(
        asked.text.contains("/signin/confirm/#token=")
            && asked.text.contains("I'd love to learn from you.")
    );

    // The mentor reads the mentee's application from the request.
    let seen = json_of(max.get(&format!("/api/requests/{request}")).await).await;
    assert_eq!(
        seen["mentee_card"]["goals"],
        "Lead my first project and present it to leadership."
    );
    // What helps to decide, not what is for the supervisor or a partner.
    for private in ["phone", "supervisor", "work_location", "email"] {
        assert!(
            seen["mentee_card"].get(private).is_none(),
            "{private} shown"
        );
    }
    let seen_by_ada = json_of(ada.get(&format!("/api/requests/{request}")).await).await;
    assert_eq!(
        seen_by_ada["mentor"]["application_id"],
        json!(mentor_id.as_str())
    );
    assert!(seen_by_ada.get("mentee_card").is_none());
    let outsider = app.sign_in("eve.other@mo.gov").await;
    problem(
        outsider.get(&format!("/api/requests/{request}")).await,
        StatusCode::FORBIDDEN,
    )
    .await;
    problem(
        outsider
            .post(&format!("/api/requests/{request}/accept"), json!({}))
            .await,
        StatusCode::FORBIDDEN,
    )
    .await;
    problem(
        ada.post(&format!("/api/requests/{request}/accept"), json!({}))
            .await,
        StatusCode::FORBIDDEN,
    )
    .await;

    let accepted = accept(&max, &request).await;
    let mentorship = accepted["mentorship"]["id"]
        .as_str()
        .expect("mentorship id")
        .to_string();
    for (to, partner) in [(ADA, "max.mentor@mo.gov"), ("max.mentor@mo.gov", ADA)] {
        let m = app.mail_to(to).await.pop().expect("match email");
        assert!(m.subject.contains("matched"), "{}", m.subject);
        assert!(
            m.text.contains(partner)
                && m.text.contains("48 hours")
                && m.text.contains("573-555-0100"),
            "{}",
            m.text
        );
    }
    let profile = json_of(ada.get(&format!("/api/mentors/{mentor_id}")).await).await;
    assert_eq!(profile["contact"]["email"], "max.mentor@mo.gov");
    assert_eq!(profile["can_request"], false);

    // Both see the pair with each other's details.
    for p in [&ada, &max] {
        let list = json_of(p.get("/api/mentorships").await).await;
        assert_eq!(list["mentorships"][0]["id"], json!(mentorship));
        assert_eq!(list["mentorships"][0]["mentor"]["phone"], "573-555-0100");
    }

    // Agreement: saved by the mentee, confirmed by the mentor.
    let path = format!("/api/mentorships/{mentorship}");
    let bad = problem(
        ada.put(
            &format!("{path}/agreement"),
            json!({"goals": "", "end_date": "next year", "kind": "monthly"}),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert!(bad["errors"]["goals"].is_string() && bad["errors"]["end_date"].is_string());
    assert_eq!(bad["errors"]["kind"], "Choose committed or flash.");
    let no_kind = problem(
        ada.put(
            &format!("{path}/agreement"),
            json!({"goals": "Run a project."}),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(
        no_kind["errors"]["kind"],
        "Choose whether this is a committed or a flash mentorship."
    );
    let mail_to_max = app.mail_to("max.mentor@mo.gov").await.len();
    let saved = json_of(ada.put(&format!("{path}/agreement"), json!({"kind": "committed", "goals": "Run a project.", "schedule": "Monthly, one hour", "end_date": "2027-11-01"})).await).await;
    // Max is emailed a link that signs him in on the pair's page to confirm it.
    let asked = app.mail_to("max.mentor@mo.gov").await;
    assert_eq!(asked.len(), mail_to_max + 1, "one email to the other side");
    let asked = asked.last().expect("email");
    assert_eq!(
        asked.subject,
        "Your MOments mentorship agreement is waiting for you to confirm it"
    );
    assert!(
        asked.text.contains("has written your mentorship agreement"),
        "{}",
        asked.text
    );
    assert!(
        !asked.text.contains("Run a project."),
        "the agreement's words stay on the page"
    );
    let about = json_of(
        app.anonymous()
            .post(
                "/api/auth/link/about",
                json!({"token": token_in(&asked.text).expect("task link")}),
            )
            .await,
    )
    .await;
    assert!(
        about["task"]
            .as_str()
            .is_some_and(|t| t.starts_with("read and confirm the mentorship agreement")),
        "{about}"
    );
    assert_eq!(
        (
            saved["agreement"]["confirmed_by_mentee"].clone(),
            saved["agreement"]["confirmed_by_mentor"].clone()
        ),
        (json!(true), json!(false))
    );
    problem(
        max.post(&format!("{path}/agreement/confirm"), json!({"version": 7}))
            .await,
        StatusCode::CONFLICT,
    )
    .await;
    let confirmed = json_of(
        max.post(&format!("{path}/agreement/confirm"), json!({"version": 1}))
            .await,
    )
    .await;
    assert_eq!(confirmed["agreement"]["confirmed_by_mentor"], true);
    // A change by Max asks Ada to confirm the new version.
    let changed = json_of(
        max.put(
            &format!("{path}/agreement"),
            json!({"kind": "committed", "goals": "Run a project and present it."}),
        )
        .await,
    )
    .await;
    assert_eq!(changed["agreement"]["version"], 2);
    let told = app.mail_to(ADA).await.pop().expect("email");
    assert!(
        told.subject.contains("agreement is waiting")
            && told
                .text
                .contains("changed your mentorship agreement (it is now version 2)"),
        "{}",
        told.text
    );
    problem(outsider.get(&path).await, StatusCode::FORBIDDEN).await;

    // Meetings count as training-credit hours.
    let today = jiff::tz::TimeZone::UTC
        .to_datetime(jiff::Timestamp::now())
        .date();
    let tomorrow = today.tomorrow().expect("date");
    let bad = problem(
        ada.post(
            &format!("{path}/meetings"),
            json!({"date": tomorrow.to_string(), "minutes": 30}),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert!(bad["errors"]["date"].is_string());
    let bad = problem(
        ada.post(
            &format!("{path}/meetings"),
            json!({"date": today.to_string(), "minutes": 0}),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert!(bad["errors"]["minutes"].is_string());
    let bad = problem(
        ada.post(
            &format!("{path}/meetings"),
            json!({"date": "soon", "minutes": "an hour"}),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert!(bad["errors"]["date"].is_string() && bad["errors"]["minutes"].is_string());
    // One rule for the length, in one message, named beside a bad date:
    // 100000 and 481 are refused alike.
    for minutes in [100_000, 481] {
        let bad = problem(
            ada.post(
                &format!("{path}/meetings"),
                json!({"date": "soon", "minutes": minutes}),
            )
            .await,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
        assert!(bad["errors"]["date"].is_string(), "{bad}");
        assert_eq!(
            bad["errors"]["minutes"], "Enter the meeting's length in minutes, from 1 to 480.",
            "{minutes}"
        );
    }
    let r = ada
        .post(
            &format!("{path}/meetings"),
            json!({"date": today.to_string(), "minutes": 60, "topic": "First meeting"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    assert_eq!(
        max.post(
            &format!("{path}/meetings"),
            json!({"date": today.to_string(), "minutes": 30})
        )
        .await
        .status(),
        StatusCode::CREATED
    );
    let pair = json_of(ada.get(&path).await).await;
    assert_eq!(
        (pair["meeting_count"].clone(), pair["hours"].clone()),
        (json!(2), json!(1.5))
    );
    assert_eq!(pair["meetings"].as_array().map(Vec::len), Some(2));
    assert_eq!(
        json_of(max.get("/api/mentorships").await).await["hours"]["as_mentor"],
        json!(1.5)
    );

    // The survey opens only once the mentorship has ended.
    problem(
        ada.get(&format!("/api/surveys/{mentorship}")).await,
        StatusCode::CONFLICT,
    )
    .await;

    // Ending frees both and invites both to the survey.
    problem(
        ada.post(&format!("{path}/end"), json!({"outcome": "finished"}))
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    let ended = json_of(
        ada.post(
            &format!("{path}/end"),
            json!({"outcome": "completed", "reason": "Goals met."}),
        )
        .await,
    )
    .await;
    assert_eq!(ended["status"], "completed");
    for side in ["mentee", "mentor"] {
        assert_eq!(ended[side]["phone"], json!(null), "no phone once ended");
    }
    // Each invitation, sent once the ending can no longer be undone, signs
    // its reader in for their survey.
    app.after_undo_window().await;
    for to in [ADA, "max.mentor@mo.gov"] {
        let m = app.mail_to(to).await.pop().expect("survey invitation");
        let token = token_in(&m.text).expect("a task link");
        let reader = app.anonymous();
        let started = json_of(
            reader
                .post("/api/auth/session", json!({"token": token}))
                .await,
        )
        .await;
        assert_eq!(started["email"], to);
        assert_eq!(started["next"], format!("/survey/?mentorship={mentorship}"));
        let survey = reader.get(&format!("/api/surveys/{mentorship}")).await;
        assert_eq!(survey.status(), StatusCode::OK);
    }
    problem(
        max.post(
            &format!("{path}/end"),
            json!({"outcome": "completed", "reason": "Again"}),
        )
        .await,
        StatusCode::CONFLICT,
    )
    .await;
    problem(
        ada.post(
            &format!("{path}/meetings"),
            json!({"date": today.to_string(), "minutes": 30}),
        )
        .await,
        StatusCode::CONFLICT,
    )
    .await;
    assert_eq!(
        listed_names(&app.sign_in("zed.searcher@mo.gov").await, "").await,
        ["Max"],
        "the mentor is listed again"
    );

    // Each answers their version of the survey, once.
    let survey = json_of(max.get(&format!("/api/surveys/{mentorship}")).await).await;
    assert_eq!(
        (survey["version"].clone(), survey["answered"].clone()),
        (json!("mentor"), json!(false))
    );
    let bad = problem(
        max.post(
            &format!("/api/surveys/{mentorship}"),
            json!({"satisfaction": 9}),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(bad["errors"].as_object().map(|e| e.len()), Some(5));
    let answers = json!({"satisfaction": 5, "goals_met": "yes", "meetings": 2, "cadence": "monthly", "would_recommend": true, "went_well": "Clear goals."});
    assert_eq!(
        max.post(&format!("/api/surveys/{mentorship}"), answers.clone())
            .await
            .status(),
        StatusCode::CREATED
    );
    problem(
        max.post(&format!("/api/surveys/{mentorship}"), answers.clone())
            .await,
        StatusCode::CONFLICT,
    )
    .await;
    assert_eq!(
        ada.post(&format!("/api/surveys/{mentorship}"), answers.clone())
            .await
            .status(),
        StatusCode::CREATED
    );
    problem(
        outsider
            .post(&format!("/api/surveys/{mentorship}"), answers)
            .await,
        StatusCode::FORBIDDEN,
    )
    .await;
    assert_eq!(json_of(ada.get(&path).await).await["survey_answered"], true);
}

/// Every refusal of "Select as Mentor", each leaving nothing behind.
#[tokio::test]
async fn select_as_mentor_refusals_change_nothing() {
    let app = spawn_app().await;
    let mentor = app.approved_mentor("max.mentor@mo.gov").await;
    let full = app.approved_mentor("fay.full@mo.gov").await;
    let away = app.approved_mentor("al.away@mo.gov").await;
    let boss = app.approved_mentor(SUPERVISOR).await;
    app.approved_mentee(ADA).await;
    let own = app
        .approved(
            ADA,
            Role::Mentor,
            &["leadership", "budgeting", "teamwork"],
            "daytime",
        )
        .await;

    // Fay gets two mentees; Al marks himself unavailable.
    for n in 0..2 {
        let email = format!("m{n}.mentee@mo.gov");
        app.approved_mentee(&email).await;
        let request = select(&app.sign_in(&email).await, &full).await;
        accept(&app.sign_in("fay.full@mo.gov").await, &request).await;
    }
    let al = app.sign_in("al.away@mo.gov").await;
    assert_eq!(
        json_of(
            al.put("/api/availability", json!({"available": false}))
                .await
        )
        .await["listed"],
        false
    );
    // Pending mentor application.
    let pending_mentor = app.sign_in("pat.pending@mo.gov").await;
    let pending = id_of(
        pending_mentor
            .apply(mentor_form("grace.hopper@mo.gov"))
            .await,
    )
    .await;

    let ada = app.sign_in(ADA).await;
    let mails = app.mail_count().await;
    let cases: Vec<(&str, &ApplicationId, StatusCode, &str)> = vec![
        ("yourself", &own, StatusCode::CONFLICT, "yourself"),
        ("own supervisor", &boss, StatusCode::CONFLICT, "supervisor"),
        ("full mentor", &full, StatusCode::CONFLICT, "two mentees"),
        (
            "unavailable mentor",
            &away,
            StatusCode::CONFLICT,
            "not taking new mentees",
        ),
    ];
    for (case, id, status, words) in cases {
        let body = problem(
            ada.post("/api/requests", json!({"mentor": id.as_str()}))
                .await,
            status,
        )
        .await;
        assert!(
            body["detail"].as_str().unwrap_or_default().contains(words),
            "{case}: {body}"
        );
    }
    let body = problem(
        ada.post("/api/requests", json!({"mentor": pending})).await,
        StatusCode::CONFLICT,
    )
    .await;
    assert!(
        body["detail"]
            .as_str()
            .unwrap_or_default()
            .contains("not an approved mentor")
    );
    problem(
        ada.post("/api/requests", json!({"mentor": "0".repeat(32)}))
            .await,
        StatusCode::NOT_FOUND,
    )
    .await;
    let body = problem(
        ada.post(
            "/api/requests",
            json!({"mentor": "nope", "message": "<b>hi</b>"}),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert!(body["errors"]["mentor"].is_string() && body["errors"]["message"].is_string());

    // Already pending, then already active, with the same mentor.
    let request = select(&ada, &mentor).await;
    let body = problem(
        ada.post("/api/requests", json!({"mentor": mentor.as_str()}))
            .await,
        StatusCode::CONFLICT,
    )
    .await;
    assert!(
        body["detail"]
            .as_str()
            .unwrap_or_default()
            .contains("already have a pending request")
    );
    accept(&app.sign_in("max.mentor@mo.gov").await, &request).await;
    problem(
        ada.post("/api/requests", json!({"mentor": mentor.as_str()}))
            .await,
        StatusCode::CONFLICT,
    )
    .await;

    // A mentee without an approved application.
    let newbie = app.sign_in("new.person@mo.gov").await;
    let body = problem(
        newbie
            .post("/api/requests", json!({"mentor": mentor.as_str()}))
            .await,
        StatusCode::CONFLICT,
    )
    .await;
    assert!(
        body["detail"]
            .as_str()
            .unwrap_or_default()
            .contains("approved")
    );
    assert_eq!(
        newbie
            .apply(mentee_form("grace.hopper@mo.gov"))
            .await
            .status(),
        StatusCode::CREATED
    );
    problem(
        newbie
            .post("/api/requests", json!({"mentor": mentor.as_str()}))
            .await,
        StatusCode::CONFLICT,
    )
    .await;

    let outgoing = json_of(ada.get("/api/requests").await).await["outgoing"]
        .as_array()
        .map(Vec::len);
    assert_eq!(outgoing, Some(1), "only the one accepted request exists");
    // Mail since the refusals began: the one request, the two match emails,
    // two sign-in links, and the newcomer's application (received + review).
    assert_eq!(app.mail_count().await, mails + 1 + 2 + 2 + 2);
}

#[tokio::test]
async fn a_mentee_with_two_mentors_can_ask_no_more_and_other_requests_are_withdrawn() {
    let app = spawn_app().await;
    app.approved_mentee(ADA).await;
    let mut mentors = Vec::new();
    for n in 0..4 {
        mentors.push(
            app.approved(
                &format!("mentor{n}.m@mo.gov"),
                Role::Mentor,
                &["leadership", "hiring", "teamwork"],
                "daytime",
            )
            .await,
        );
    }
    let ada = app.sign_in(ADA).await;
    let mut requests = Vec::new();
    for m in &mentors[..3] {
        requests.push(select(&ada, m).await);
    }
    accept(&app.sign_in("mentor0.m@mo.gov").await, &requests[0]).await;
    accept(&app.sign_in("mentor1.m@mo.gov").await, &requests[1]).await;
    let out = json_of(ada.get("/api/requests").await).await;
    let statuses: Vec<&str> = out["outgoing"]
        .as_array()
        .expect("list")
        .iter()
        .map(|r| r["status"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(statuses.iter().filter(|s| **s == "closed").count(), 1);
    assert!(
        app.mail_to("mentor2.m@mo.gov")
            .await
            .pop()
            .expect("mail")
            .subject
            .contains("withdrawn")
    );
    let body = problem(
        ada.post("/api/requests", json!({"mentor": mentors[3].as_str()}))
            .await,
        StatusCode::CONFLICT,
    )
    .await;
    assert!(
        body["detail"]
            .as_str()
            .unwrap_or_default()
            .contains("two active mentors")
    );
    let late = app.sign_in("mentor2.m@mo.gov").await;
    problem(
        late.post(&format!("/api/requests/{}/accept", requests[2]), json!({}))
            .await,
        StatusCode::CONFLICT,
    )
    .await;
}

#[tokio::test]
async fn a_full_mentor_leaves_search_and_their_other_requests_close_with_an_email() {
    let app = spawn_app().await;
    let mentor = app.approved_mentor("max.mentor@mo.gov").await;
    let mut requests = Vec::new();
    for n in 0..3 {
        let email = format!("m{n}.mentee@mo.gov");
        app.approved_mentee(&email).await;
        requests.push(select(&app.sign_in(&email).await, &mentor).await);
    }
    let max = app.sign_in("max.mentor@mo.gov").await;
    accept(&max, &requests[0]).await;
    assert_eq!(
        listed_names(&app.sign_in("zed.searcher@mo.gov").await, "").await,
        ["Max"]
    );
    accept(&max, &requests[1]).await;
    assert_eq!(
        listed_names(&app.sign_in("zed.searcher@mo.gov").await, "").await,
        Vec::<String>::new()
    );
    let closed = app.mail_to("m2.mentee@mo.gov").await.pop().expect("mail");
    assert!(closed.text.contains("two mentees"), "{}", closed.text);
    let incoming = json_of(max.get("/api/requests").await).await;
    let closed_count = incoming["incoming"]
        .as_array()
        .expect("list")
        .iter()
        .filter(|r| r["status"] == "closed")
        .count();
    assert_eq!(closed_count, 1);
}

#[tokio::test]
async fn decline_and_withdraw_tell_the_other_side_and_allow_asking_again() {
    let app = spawn_app().await;
    let mentor = app.approved_mentor("max.mentor@mo.gov").await;
    app.approved_mentee(ADA).await;
    let ada = app.sign_in(ADA).await;
    let max = app.sign_in("max.mentor@mo.gov").await;

    let first = select(&ada, &mentor).await;
    problem(
        ada.post(&format!("/api/requests/{first}/decline"), json!({}))
            .await,
        StatusCode::FORBIDDEN,
    )
    .await;
    let declined = json_of(
        max.post(
            &format!("/api/requests/{first}/decline"),
            json!({"reason": "Busy until spring."}),
        )
        .await,
    )
    .await;
    assert_eq!(
        (declined["status"].clone(), declined["reason"].clone()),
        (json!("declined"), json!("Busy until spring."))
    );
    let read = json_of(max.get(&format!("/api/requests/{first}")).await).await;
    assert!(read.get("mentee_card").is_none(), "nothing once declined");
    assert!(
        app.mail_to(ADA)
            .await
            .pop()
            .expect("mail")
            .text
            .contains("Busy until spring.")
    );
    problem(
        max.post(&format!("/api/requests/{first}/accept"), json!({}))
            .await,
        StatusCode::CONFLICT,
    )
    .await;

    let second = select(&ada, &mentor).await;
    problem(
        max.post(&format!("/api/requests/{second}/withdraw"), json!({}))
            .await,
        StatusCode::FORBIDDEN,
    )
    .await;
    assert_eq!(
        json_of(
            ada.post(&format!("/api/requests/{second}/withdraw"), json!({}))
                .await
        )
        .await["status"],
        "withdrawn"
    );
    app.after_undo_window().await;
    assert!(
        app.mail_to("max.mentor@mo.gov")
            .await
            .pop()
            .expect("mail")
            .subject
            .contains("withdrawn")
    );
    select(&ada, &mentor).await;
}

/// Max's mail whose subject says a request was withdrawn.
async fn withdrawals_told(app: &TestApp) -> usize {
    app.mail_to("max.mentor@mo.gov")
        .await
        .iter()
        .filter(|m| m.subject.contains("withdrawn"))
        .count()
}

#[tokio::test]
async fn a_withdrawal_undone_within_seconds_leaves_the_request_as_it_was_and_the_mentor_untold() {
    let app = spawn_app().await;
    let mentor = app.approved_mentor("max.mentor@mo.gov").await;
    app.approved_mentee(ADA).await;
    let ada = app.sign_in(ADA).await;
    let max = app.sign_in("max.mentor@mo.gov").await;
    let id = select(&ada, &mentor).await;
    let jobs = app.job_names().await;
    let withdrawn = json_of(
        ada.post(&format!("/api/requests/{id}/withdraw"), json!({}))
            .await,
    )
    .await;
    assert_eq!(withdrawn["status"], "withdrawn");
    assert!(withdrawn["undo_until"].is_string(), "{withdrawn}");
    let path = format!("/api/requests/{id}/withdrawal");
    problem(max.delete(&path).await, StatusCode::FORBIDDEN).await;

    app.advance(SignedDuration::from_secs(5));
    let restored = json_of(ada.delete(&path).await).await;
    assert_eq!(restored["status"], "pending");
    assert_eq!(restored["reason"], json!(null));
    assert_eq!(
        app.job_names().await,
        jobs,
        "the reminder and expiry are back, and nothing else waits"
    );
    let read = json_of(max.get(&format!("/api/requests/{id}")).await).await;
    assert_eq!(read["status"], "pending");
    assert!(
        read.get("mentee_card").is_some(),
        "the mentor sees the mentee again"
    );
    app.advance(SignedDuration::from_secs(60));
    app.run_due_jobs().await;
    assert_eq!(
        withdrawals_told(&app).await,
        0,
        "the mentor never hears of it"
    );
    problem(
        ada.post("/api/requests", json!({"mentor": mentor.as_str()}))
            .await,
        StatusCode::CONFLICT,
    )
    .await;
    accept(&max, &id).await;
    app.assert_invariants();
}

#[tokio::test]
async fn a_withdrawal_stands_after_ten_seconds_once_told_or_once_asked_again() {
    let app = spawn_app().await;
    let mentor = app.approved_mentor("max.mentor@mo.gov").await;
    app.approved_mentee(ADA).await;
    let ada = app.sign_in(ADA).await;

    // Too late.
    let id = select(&ada, &mentor).await;
    ada.post(&format!("/api/requests/{id}/withdraw"), json!({}))
        .await;
    app.undo_refused_as_too_late(&ada, &format!("/api/requests/{id}/withdrawal"))
        .await;
    app.run_due_jobs().await;
    assert_eq!(withdrawals_told(&app).await, 1);

    // Asked again at once: the old request cannot come back beside the new.
    let again = select(&ada, &mentor).await;
    ada.post(&format!("/api/requests/{again}/withdraw"), json!({}))
        .await;
    let third = select(&ada, &mentor).await;
    let items = app.table_items();
    problem(
        ada.delete(&format!("/api/requests/{again}/withdrawal"))
            .await,
        StatusCode::CONFLICT,
    )
    .await;
    assert_eq!(app.table_items(), items, "a refusal changes nothing");
    let pending: Vec<String> = json_of(ada.get("/api/requests").await).await["outgoing"]
        .as_array()
        .expect("outgoing")
        .iter()
        .filter(|r| r["status"] == "pending")
        .map(|r| r["id"].as_str().unwrap_or_default().to_string())
        .collect();
    assert_eq!(pending, [third]);
    app.assert_invariants();
}

#[tokio::test]
async fn an_unavailable_mentor_keeps_their_mentees_but_leaves_search() {
    let app = spawn_app().await;
    let mentor = app.approved_mentor("max.mentor@mo.gov").await;
    app.approved_mentee(ADA).await;
    let ada = app.sign_in(ADA).await;
    let max = app.sign_in("max.mentor@mo.gov").await;
    let request = select(&ada, &mentor).await;
    accept(&max, &request).await;
    let r = json_of(
        max.put("/api/availability", json!({"available": false}))
            .await,
    )
    .await;
    assert_eq!(
        (r["available"].clone(), r["listed"].clone()),
        (json!(false), json!(false))
    );
    assert_eq!(
        listed_names(&app.sign_in("zed.searcher@mo.gov").await, "").await,
        Vec::<String>::new()
    );
    assert_eq!(
        json_of(ada.get("/api/mentorships").await).await["mentorships"][0]["status"],
        "active"
    );
    assert_eq!(
        json_of(
            max.put("/api/availability", json!({"available": true}))
                .await
        )
        .await["listed"],
        true
    );
    problem(
        max.put("/api/availability", json!({"available": "no"}))
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    problem(
        ada.put("/api/availability", json!({"available": true}))
            .await,
        StatusCode::NOT_FOUND,
    )
    .await;
}

/// 50 mentees asked one mentor; the mentor's 50 accepts arrive at once.
async fn fifty_accepts_at_one_mentor(app: TestApp) {
    let mentor = app.approved_mentor("max.mentor@mo.gov").await;
    let mut requests = Vec::new();
    let mut mentees = Vec::new();
    for n in 0..50 {
        let email = format!("m{n:02}.mentee@mo.gov");
        mentees.push(app.approved_mentee(&email).await);
        requests.push(select(&app.sign_in(&email).await, &mentor).await);
    }
    let max = app.sign_in("max.mentor@mo.gov").await;
    let started = Instant::now();
    let outcomes = fire(requests.iter().map(|r| {
        (
            max.client.clone(),
            app.url(&format!("/api/requests/{r}/accept")),
        )
    }))
    .await;
    report("50 accepts at one mentor", &outcomes, started);
    assert_eq!(count(&outcomes, StatusCode::OK), 2, "{outcomes:?}");
    assert_eq!(count(&outcomes, StatusCode::CONFLICT), 48, "{outcomes:?}");
    let (_, capacity) = app
        .store
        .application_with_capacity(&mentor)
        .await
        .expect("read")
        .expect("mentor");
    assert_eq!(capacity.active, 2);
    let mentorships = app
        .store
        .mentorships_of(
            &moments_domain::fields::EmailAddress::parse("max.mentor@mo.gov").expect("email"),
        )
        .await
        .expect("list");
    assert_eq!(mentorships.len(), 2);
    let incoming = json_of(max.get("/api/requests").await).await;
    let accepted = incoming["incoming"]
        .as_array()
        .expect("list")
        .iter()
        .filter(|r| r["status"] == "accepted")
        .count();
    assert_eq!(accepted, 2);
    let pending = incoming["incoming"]
        .as_array()
        .expect("list")
        .iter()
        .filter(|r| r["status"] == "pending")
        .count();
    assert_eq!(pending, 0, "the rest were closed");
    for m in &mentorships {
        let (_, mentee) = app
            .store
            .application_with_capacity(&m.mentorship.mentee_application)
            .await
            .expect("read")
            .expect("mentee");
        assert_eq!(mentee.active, 1);
        assert_eq!(audit_entries(&app, &m.mentorship.id).await, 1);
    }
    let matched: u32 = active_counts(&app, &mentees).await.iter().sum();
    assert_eq!(
        matched, 2,
        "only the two matched mentees count a mentorship"
    );
    let figures = metrics_total(&app).await;
    assert_eq!(figures["pairs"]["connections"], 2, "{figures}");
    assert_eq!(figures["requests"]["accepted"], 2, "{figures}");
    assert_eq!(figures["requests"]["closed"], 48, "{figures}");
}

/// The audit entries of a mentorship.
async fn audit_entries(app: &TestApp, id: &moments_domain::mentorship::MentorshipId) -> usize {
    app.store
        .audit_of_mentorship(id)
        .await
        .expect("audit")
        .len()
}

/// The active counts of these applications.
async fn active_counts(app: &TestApp, ids: &[ApplicationId]) -> Vec<u32> {
    let mut out = Vec::new();
    for id in ids {
        let (_, capacity) = app
            .store
            .application_with_capacity(id)
            .await
            .expect("read")
            .expect("application");
        out.push(capacity.active);
    }
    out
}

/// The program's figures, as a program administrator reads them.
async fn metrics_total(app: &TestApp) -> Value {
    let pat = app.sign_in(PROGRAM_ADMIN).await;
    json_of(pat.get("/api/admin/metrics").await).await["report"]["total"].clone()
}

/// One mentee asked 50 mentors; all 50 accept at once.
async fn fifty_accepts_for_one_mentee(app: TestApp) {
    let mentee = app.approved_mentee(ADA).await;
    let mut ada = app.sign_in(ADA).await;
    let mut requests = Vec::new();
    let mut mentors = Vec::new();
    for n in 0..50 {
        // A mentee sends at most REQUESTS_PER_MENTEE a day: ten a day, over
        // five days, signing in afresh each day.
        if n > 0 && n % 10 == 0 {
            app.advance(SignedDuration::from_hours(24));
            ada = app.sign_in(ADA).await;
        }
        let email = format!("m{n:02}.mentor@mo.gov");
        let mentor = app.approved_mentor(&email).await;
        requests.push((email, select(&ada, &mentor).await));
        mentors.push(mentor);
    }
    let mut calls = Vec::new();
    for (email, request) in requests {
        calls.push((
            app.sign_in(&email).await.client,
            app.url(&format!("/api/requests/{request}/accept")),
        ));
    }
    let started = Instant::now();
    let outcomes = fire(calls.into_iter()).await;
    report("50 accepts for one mentee", &outcomes, started);
    assert_eq!(count(&outcomes, StatusCode::OK), 2, "{outcomes:?}");
    assert_eq!(count(&outcomes, StatusCode::CONFLICT), 48, "{outcomes:?}");
    let (_, capacity) = app
        .store
        .application_with_capacity(&mentee)
        .await
        .expect("read")
        .expect("mentee");
    assert_eq!(capacity.active, 2);
    let mine = json_of(ada.get("/api/mentorships").await).await;
    assert_eq!(mine["mentorships"].as_array().map(Vec::len), Some(2));
    let counts = active_counts(&app, &mentors).await;
    assert_eq!(
        (
            counts.iter().filter(|c| **c == 1).count(),
            counts.iter().sum::<u32>()
        ),
        (2, 2),
        "the two accepting mentors have one mentee each, the rest none"
    );
    let ada_email = moments_domain::fields::EmailAddress::parse(ADA).expect("email");
    for m in app.store.mentorships_of(&ada_email).await.expect("list") {
        assert_eq!(audit_entries(&app, &m.mentorship.id).await, 1);
    }
    let figures = metrics_total(&app).await;
    assert_eq!(figures["pairs"]["connections"], 2, "{figures}");
    assert_eq!(figures["requests"]["accepted"], 2, "{figures}");
    assert_eq!(figures["requests"]["closed"], 48, "{figures}");
}

async fn fire(calls: impl Iterator<Item = (reqwest::Client, String)>) -> Vec<StatusCode> {
    let tasks: Vec<_> = calls
        .map(|(client, url)| {
            tokio::spawn(async move {
                client
                    .post(url)
                    .json(&json!({}))
                    .send()
                    .await
                    .expect("POST")
                    .status()
            })
        })
        .collect();
    let mut out = Vec::new();
    for t in tasks {
        out.push(t.await.expect("task"));
    }
    out
}

fn count(outcomes: &[StatusCode], status: StatusCode) -> usize {
    outcomes.iter().filter(|s| **s == status).count()
}

fn report(what: &str, outcomes: &[StatusCode], started: Instant) {
    eprintln!(
        "{what}: {} accepted, {} conflicts, {} other, in {:?}",
        count(outcomes, StatusCode::OK),
        count(outcomes, StatusCode::CONFLICT),
        outcomes.len() - count(outcomes, StatusCode::OK) - count(outcomes, StatusCode::CONFLICT),
        started.elapsed()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn fifty_simultaneous_accepts_at_one_mentor_match_exactly_two_on_the_embedded_store() {
    fifty_accepts_at_one_mentor(spawn_app().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn fifty_simultaneous_accepts_at_one_mentor_match_exactly_two_on_dynamodb() {
    fifty_accepts_at_one_mentor(spawn_app_on_dynamodb("fifty-at-mentor").await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn fifty_simultaneous_accepts_for_one_mentee_match_exactly_two_on_the_embedded_store() {
    fifty_accepts_for_one_mentee(spawn_app().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn fifty_simultaneous_accepts_for_one_mentee_match_exactly_two_on_dynamodb() {
    fifty_accepts_for_one_mentee(spawn_app_on_dynamodb("fifty-for-mentee").await).await;
}

/// Mail to Ada or Max saying a mentorship ended.
async fn endings_told(app: &TestApp) -> usize {
    let mut n = 0;
    for to in [ADA, "max.mentor@mo.gov"] {
        n += app
            .mail_to(to)
            .await
            .iter()
            .filter(|m| m.subject.contains("has ended"))
            .count();
    }
    n
}

#[tokio::test]
async fn an_ending_undone_within_seconds_leaves_the_pair_as_it_was_and_untold() {
    let app = spawn_app().await;
    let (ada, max, id) = matched(&app).await;
    let path = format!("/api/mentorships/{id}");
    let before = json_of(ada.get(&path).await).await;
    let ended = json_of(
        max.post(
            &format!("{path}/end"),
            json!({"outcome": "discontinued", "reason": "Pressed by mistake."}),
        )
        .await,
    )
    .await;
    assert_eq!(ended["status"], "discontinued");
    assert!(ended["undo_until"].is_string(), "{ended}");
    problem(
        ada.delete(&format!("{path}/ending")).await,
        StatusCode::FORBIDDEN,
    )
    .await;

    app.advance(SignedDuration::from_secs(8));
    let resumed = json_of(max.delete(&format!("{path}/ending")).await).await;
    assert_eq!(resumed["status"], "active");
    assert_eq!(resumed["ended_at"], json!(null));
    let again = json_of(ada.get(&path).await).await;
    for field in ["status", "mentee", "mentor", "meeting_count", "agreement"] {
        assert_eq!(again[field], before[field], "{field} is as it was");
    }
    let pat = app.sign_in(PROGRAM_ADMIN).await;
    let attention = json_of(pat.get("/api/admin/attention").await).await;
    assert_eq!(attention["surveys"]["count"], 0, "no survey is open");
    app.advance(SignedDuration::from_secs(60));
    app.run_due_jobs().await;
    assert_eq!(endings_told(&app).await, 0, "neither hears of it");
    problem(
        ada.delete(&format!("{path}/ending")).await,
        StatusCode::CONFLICT,
    )
    .await;
    // It goes on, and can end again, for real.
    json_of(
        ada.post(
            &format!("{path}/end"),
            json!({"outcome": "completed", "reason": "Goals met."}),
        )
        .await,
    )
    .await;
    app.after_undo_window().await;
    assert_eq!(
        endings_told(&app).await,
        2,
        "both hear of the ending that stands"
    );
    app.assert_invariants();
}

#[tokio::test]
async fn an_ending_stands_once_a_survey_is_answered_or_after_ten_seconds() {
    let app = spawn_app().await;
    let (ada, max, id) = matched(&app).await;
    let path = format!("/api/mentorships/{id}");
    ada.post(
        &format!("{path}/end"),
        json!({"outcome": "completed", "reason": "Goals met."}),
    )
    .await;
    let r = max
        .post(
            &format!("/api/surveys/{id}"),
            json!({"satisfaction": 5, "goals_met": "yes", "meetings": 4, "cadence": "monthly",
                   "would_recommend": true}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let items = app.table_items();
    let body = problem(
        ada.delete(&format!("{path}/ending")).await,
        StatusCode::CONFLICT,
    )
    .await;
    assert!(
        body["detail"]
            .as_str()
            .unwrap_or_default()
            .contains("survey"),
        "{body}"
    );
    assert_eq!(app.table_items(), items, "a refusal changes nothing");

    let (bea, _, other) = {
        let mentor = app.approved_mentor("mia.mentor@mo.gov").await;
        app.approved_mentee("bea.baker@mo.gov").await;
        let bea = app.sign_in("bea.baker@mo.gov").await;
        let mia = app.sign_in("mia.mentor@mo.gov").await;
        let request = json_of(
            bea.post("/api/requests", json!({"mentor": mentor.as_str()}))
                .await,
        )
        .await["id"]
            .as_str()
            .expect("id")
            .to_string();
        let accepted = accept(&mia, &request).await;
        let other = accepted["mentorship"]["id"]
            .as_str()
            .expect("id")
            .to_string();
        (bea, mia, other)
    };
    bea.post(
        &format!("/api/mentorships/{other}/end"),
        json!({"outcome": "completed", "reason": "Goals met."}),
    )
    .await;
    app.undo_refused_as_too_late(&bea, &format!("/api/mentorships/{other}/ending"))
        .await;
    app.assert_invariants();
}
