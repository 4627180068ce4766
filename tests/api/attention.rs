//! "Needs attention": applications waiting more than 14 days, requests
//! unanswered for 7, surveys open 14 days after the pair ended, quiet pairs
//! and events filling up, each counted with its list, for the
//! administrators who can act on them, and only in their departments.

use jiff::SignedDuration;
use moments_domain::application::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::*;

async fn attention(p: &Person) -> Value {
    let r = p.get("/api/admin/attention").await;
    assert_eq!(r.status(), StatusCode::OK);
    json_of(r).await
}

fn counts(a: &Value) -> [i64; 3] {
    ["applications", "requests", "surveys"].map(|k| a[k]["count"].as_i64().expect("count"))
}

const DAY: SignedDuration = SignedDuration::from_hours(24);

#[tokio::test]
async fn what_waited_too_long_is_counted_and_listed_for_whoever_can_act_on_it() {
    scenario(spawn_app().await).await;
}

#[tokio::test]
async fn what_waited_too_long_is_counted_and_listed_on_dynamodb() {
    scenario(spawn_app_on_dynamodb("attention").await).await;
}

async fn scenario(app: TestApp) {
    app.set_now("2026-12-01T15:00:00Z".parse().expect("time"));
    let pat = app.sign_in(PROGRAM_ADMIN).await;

    // A pending application, a pending request, and a pair that ends.
    let lovelace = app.sign_in("ada.lovelace@mo.gov").await;
    let r = lovelace.apply(mentee_form(SUPERVISOR)).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let (_, _, _, request) = pair_up(&app).await;
    app.approved("eve.mentee@mo.gov", Role::Mentee, MENTEE_SKILLS, "daytime")
        .await;
    let ned_app = app
        .approved("ned.mentor@mo.gov", Role::Mentor, MENTOR_SKILLS, "daytime")
        .await;
    let eve = app.sign_in("eve.mentee@mo.gov").await;
    let ned = app.sign_in("ned.mentor@mo.gov").await;
    let asked = json_of(
        eve.post("/api/requests", json!({"mentor": ned_app.as_str()}))
            .await,
    )
    .await;
    let accepted = json_of(
        ned.post(
            &format!("/api/requests/{}/accept", asked["id"].as_str().expect("id")),
            json!({}),
        )
        .await,
    )
    .await;
    let pair = accepted["mentorship"]["id"]
        .as_str()
        .expect("id")
        .to_string();
    let r = eve
        .post(
            &format!("/api/mentorships/{pair}/end"),
            json!({"outcome": "completed", "reason": "We did what we set out to do."}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);

    let fresh = attention(&pat).await;
    assert_eq!(counts(&fresh), [0, 0, 0], "nothing has waited yet");
    assert_eq!(fresh["quiet_pairs"]["count"], 0);

    // A week and a day on, the request is listed; the rest can still wait.
    // (Sessions lapse meanwhile: each look signs in again.)
    app.advance(DAY * 8);
    let pat = app.sign_in(PROGRAM_ADMIN).await;
    let week = attention(&pat).await;
    assert_eq!(counts(&week), [0, 1, 0]);
    let listed = &week["requests"]["items"][0];
    assert_eq!(listed["id"], json!(request));
    assert_eq!(listed["mentor_email"], MAX);
    assert_eq!(listed["days"], 8);
    assert_eq!(week["requests"]["after_days"], 7);

    // Two weeks and a day on, the application and both surveys are too.
    app.advance(DAY * 7);
    let pat = app.sign_in(PROGRAM_ADMIN).await;
    let later = attention(&pat).await;
    assert_eq!(counts(&later), [1, 1, 2]);
    let waiting = &later["applications"]["items"][0];
    assert_eq!(waiting["email"], "ada.lovelace@mo.gov");
    assert_eq!(waiting["supervisor_email"], SUPERVISOR);
    assert_eq!(waiting["days"], 15);
    let surveys = later["surveys"]["items"].as_array().expect("surveys");
    let mut whose: Vec<&str> = surveys
        .iter()
        .map(|s| s["email"].as_str().expect("email"))
        .collect();
    whose.sort();
    assert_eq!(whose, ["eve.mentee@mo.gov", "ned.mentor@mo.gov"]);

    // Eve answers: her survey is no longer open; Ned's still is.
    let eve = app.sign_in("eve.mentee@mo.gov").await;
    let r = eve
        .post(
            &format!("/api/surveys/{pair}"),
            json!({"satisfaction": 5, "goals_met": "yes", "meetings": 4, "cadence": "monthly",
                   "would_recommend": true}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let answered = attention(&pat).await;
    assert_eq!(answered["surveys"]["count"], 1);
    assert_eq!(
        answered["surveys"]["items"][0]["email"],
        "ned.mentor@mo.gov"
    );
    assert_eq!(answered["surveys"]["items"][0]["role"], "mentor");

    // An event with two places, both taken, is filling up.
    let added = json_of(
        pat.post(
            "/api/admin/calendar/events",
            json!({
                "group": "", "kind": "training", "audience": "mentors-and-mentees",
                "date": "2027-01-12", "start": "10:00", "end": "11:00",
                "title": "Mentor and mentee training", "details": "An hour on first meetings.",
                "place": "Truman Building, room 490", "link": "", "capacity": 2,
                "registration_open": true,
            }),
        )
        .await,
    )
    .await;
    let event = added["id"].as_str().expect("event id").to_string();
    assert_eq!(attention(&pat).await["events"]["count"], 0);
    for email in ["reg.one@mo.gov", "reg.two@mo.gov"] {
        let p = app.sign_in(email).await;
        let r = p
            .post(
                &format!("/api/calendar/events/{event}/registration"),
                json!({}),
            )
            .await;
        assert_eq!(r.status(), StatusCode::CREATED);
    }
    let full = attention(&pat).await;
    assert_eq!(full["events"]["count"], 1);
    assert_eq!(full["events"]["items"][0]["registered"], 2);

    // A department administrator sees their department's share, and
    // neither quiet pairs nor events.
    app.make_department_admin("dana.admin@mo.gov", "revenue")
        .await;
    app.make_department_admin("tom.admin@mo.gov", "transportation")
        .await;
    let dana = attention(&app.sign_in("dana.admin@mo.gov").await).await;
    assert_eq!(counts(&dana), [1, 1, 1]);
    assert_eq!(dana["quiet_pairs"], Value::Null);
    assert_eq!(dana["events"], Value::Null);
    let tom = attention(&app.sign_in("tom.admin@mo.gov").await).await;
    assert_eq!(counts(&tom), [0, 0, 0]);
    let lovelace = app.sign_in("ada.lovelace@mo.gov").await;
    problem(
        lovelace.get("/api/admin/attention").await,
        StatusCode::FORBIDDEN,
    )
    .await;
}
