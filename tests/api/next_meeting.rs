//! A pair's next meeting: proposed by one, answered with another time by
//! the other, accepted; both emailed a calendar file that opens without
//! signing in; logged in one click once it has started; cancelled; and
//! every bad proposal refused with nothing changed.

use jiff::SignedDuration;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::*;

const BEA: &str = "bea.mentee@mo.gov";

/// The date `days` from the test clock's today, program time.
fn day_after(app: &TestApp, days: i64) -> String {
    moments_domain::calendar::program_today(app.now() + SignedDuration::from_hours(24 * days))
        .to_string()
}

fn path(id: &str, rest: &str) -> String {
    format!("/api/mentorships/{id}/next-meeting{rest}")
}

/// The calendar file's address in the newest email to `to`.
async fn calendar_link(app: &TestApp, to: &str) -> String {
    let mail = app.mail_to(to).await;
    let text = &mail.last().expect("mail").text;
    text.split_whitespace()
        .find(|w| w.contains("/next-meeting.ics?key="))
        .expect("a calendar link")
        .to_string()
}

#[tokio::test]
async fn a_pair_agrees_a_time_both_get_the_calendar_file_and_it_is_logged_in_one_click() {
    let app = spawn_app().await;
    let (ada, max, id) = matched(&app).await;
    let none = json_of(ada.get(&path(&id, "")).await).await;
    assert_eq!(none, json!({"next_meeting": null}));

    let tomorrow = day_after(&app, 1);
    let r = ada
        .put(
            &path(&id, ""),
            json!({"date": tomorrow, "start": "10:00", "minutes": 60, "place": "Room 12, Truman Building", "version": 0}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let proposed = json_of(r).await;
    assert_eq!(
        (
            proposed["status"].as_str(),
            proposed["proposed_by_you"].as_bool()
        ),
        (Some("proposed"), Some(true))
    );
    let asked = app.mail_to(MAX).await;
    assert!(
        asked
            .last()
            .expect("mail")
            .subject
            .contains("proposes a mentoring meeting")
    );

    // Max cannot make it then: another time, which Ada is asked about.
    let r = max
        .put(
            &path(&id, ""),
            json!({"date": tomorrow, "start": "14:30", "minutes": 45, "place": "https://teams.example/meet/42", "version": 1}),
        )
        .await;
    let moved = json_of(r).await;
    assert_eq!(
        (moved["start"].as_str(), moved["version"].as_u64()),
        (Some("14:30"), Some(2))
    );
    let r = max.post(&path(&id, "/accept"), json!({"version": 2})).await;
    assert_eq!(
        problem(r, StatusCode::CONFLICT).await["detail"],
        "You proposed this time; the other side accepts it or proposes another."
    );
    let r = ada.post(&path(&id, "/accept"), json!({"version": 2})).await;
    let accepted = json_of(r).await;
    assert_eq!(accepted["status"], "accepted");

    // Both are emailed the calendar file; it opens without a session.
    let link = calendar_link(&app, ADA).await;
    assert_eq!(link, calendar_link(&app, MAX).await);
    let file = reqwest::get(&link).await.expect("file");
    assert_eq!(file.status(), StatusCode::OK);
    assert!(
        file.headers()["content-type"]
            .to_str()
            .expect("type")
            .starts_with("text/calendar")
    );
    let ics = file.text().await.expect("text").replace("\r\n ", "");
    assert!(
        ics.contains("METHOD:PUBLISH") && ics.contains("SEQUENCE:2"),
        "{ics}"
    );
    assert!(
        ics.contains("LOCATION:https://teams.example/meet/42"),
        "{ics}"
    );
    let start = moments_domain::calendar::program_instant(
        tomorrow.parse().expect("date"),
        jiff::civil::time(14, 30, 0, 0),
    )
    .expect("instant");
    assert!(
        ics.contains(&format!("DTSTART:{}", start.strftime("%Y%m%dT%H%M%SZ"))),
        "{ics}"
    );
    let wrong = reqwest::get(link.replace("key=", "key=0"))
        .await
        .expect("file");
    assert_eq!(wrong.status(), StatusCode::NOT_FOUND);

    // Not before it starts; then one click logs its 45 minutes, once.
    let r = max.post(&path(&id, "/log"), json!({"version": 3})).await;
    assert_eq!(
        problem(r, StatusCode::CONFLICT).await["detail"],
        "Log the meeting once it has started."
    );
    app.set_now(start + SignedDuration::from_mins(50));
    let max = app.sign_in(MAX).await;
    let r = max.post(&path(&id, "/log"), json!({"version": 3})).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let logged = json_of(r).await;
    assert_eq!(
        (logged["date"].as_str(), logged["minutes"].as_u64()),
        (Some(tomorrow.as_str()), Some(45))
    );
    let r = max.post(&path(&id, "/log"), json!({"version": 4})).await;
    assert_eq!(r.status(), StatusCode::CONFLICT, "logged once");
    let pair = json_of(max.get(&format!("/api/mentorships/{id}")).await).await;
    assert_eq!(pair["meetings"].as_array().map(Vec::len), Some(1), "{pair}");
    let after = json_of(max.get(&path(&id, "")).await).await;
    assert_eq!(after["next_meeting"]["status"], "logged");
}

#[tokio::test]
async fn a_cancelled_meeting_tells_the_other_side_and_its_file_removes_it() {
    let app = spawn_app().await;
    let (ada, max, id) = matched(&app).await;
    let when = json!({"date": day_after(&app, 3), "start": "09:00", "minutes": 60, "version": 0});
    ada.put(&path(&id, ""), when).await;
    max.post(&path(&id, "/accept"), json!({"version": 1})).await;
    let link = calendar_link(&app, ADA).await;
    let r = max.post(&path(&id, "/cancel"), json!({"version": 2})).await;
    assert_eq!(json_of(r).await["status"], "cancelled");
    let told = app.mail_to(ADA).await;
    let told = told.last().expect("mail");
    assert!(
        told.subject.contains("cancelled your mentoring meeting"),
        "{}",
        told.subject
    );
    assert!(told.text.contains(&link), "the same file, now removing it");
    let ics = reqwest::get(&link)
        .await
        .expect("file")
        .text()
        .await
        .expect("text");
    assert!(
        ics.contains("METHOD:CANCEL") && ics.contains("STATUS:CANCELLED"),
        "{ics}"
    );
    let r = ada.post(&path(&id, "/cancel"), json!({"version": 3})).await;
    assert_eq!(r.status(), StatusCode::CONFLICT, "nothing left to cancel");
}

#[tokio::test]
async fn bad_proposals_are_refused_with_a_reason_and_change_nothing() {
    let app = spawn_app().await;
    let (ada, max, id) = matched(&app).await;
    // Max also mentors Bea.
    app.approved_mentee(BEA).await;
    let bea = app.sign_in(BEA).await;
    let mentor = json_of(max.get("/api/applications").await).await["applications"][0]["id"]
        .as_str()
        .expect("id")
        .to_string();
    let r = json_of(bea.post("/api/requests", json!({"mentor": mentor})).await).await;
    let accepted = json_of(
        max.post(
            &format!("/api/requests/{}/accept", r["id"].as_str().expect("id")),
            json!({}),
        )
        .await,
    )
    .await;
    let other = accepted["mentorship"]["id"]
        .as_str()
        .expect("id")
        .to_string();
    let day = day_after(&app, 2);
    let r = max
        .put(
            &path(&id, ""),
            json!({"date": day, "start": "10:00", "minutes": 60, "version": 0}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);

    let before = app.embedded_items();
    let mail = app.mail_count().await;
    let refused = |body: Value, who: &'static str| {
        let (p, path) = (
            if who == "max" { &max } else { &ada },
            path(if who == "max" { &other } else { &id }, ""),
        );
        async move { problem(p.put(&path, body).await, StatusCode::UNPROCESSABLE_ENTITY).await }
    };
    let past = refused(
        json!({"date": day_after(&app, -1), "start": "10:00", "minutes": 60, "version": 1}),
        "ada",
    )
    .await;
    assert_eq!(
        past["errors"]["date"],
        "Choose a time in the future: this one has passed."
    );
    let long = refused(
        json!({"date": day, "start": "10:00", "minutes": 481, "version": 1}),
        "ada",
    )
    .await;
    assert!(long["errors"]["minutes"].is_string(), "{long}");
    let bad = refused(
        json!({"date": "soon", "start": "25:00", "minutes": "an hour", "version": 1}),
        "ada",
    )
    .await;
    let named: Vec<&str> = bad["errors"]
        .as_object()
        .expect("errors")
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(named, ["date", "minutes", "start"], "{bad}");
    // Max's meeting with Bea may not overlap his meeting with Ada.
    let clash = refused(
        json!({"date": day, "start": "10:30", "minutes": 30, "version": 0}),
        "max",
    )
    .await;
    assert!(
        clash["errors"]["start"]
            .as_str()
            .expect("start")
            .starts_with("It overlaps your meeting with Ada"),
        "{clash}"
    );
    // A stale version, and someone outside the pair.
    let r = ada
        .put(
            &path(&id, ""),
            json!({"date": day, "start": "11:00", "minutes": 60, "version": 0}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    let r = bea.get(&path(&id, "")).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert!(before == app.embedded_items(), "refusals change nothing");
    assert_eq!(app.mail_count().await, mail, "and email nobody");
    // Back to back is fine.
    let r = max
        .put(
            &path(&other, ""),
            json!({"date": day, "start": "11:00", "minutes": 30, "version": 0}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
}
