//! Training credit that means something: a pair logs at most a working day
//! per date between them, even when both sides log at the same moment; each
//! side sees what the other logged and may dispute it; disputed entries stay
//! in the hours export, marked.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::*;

/// Ada and Max, matched: both signed in, and the mentorship's path.
async fn matched(app: &TestApp) -> (Person, Person, String) {
    let (ada, max, _, request) = pair_up(app).await;
    let r = max
        .post(&format!("/api/requests/{request}/accept"), json!({}))
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let id = json_of(r).await["mentorship"]["id"]
        .as_str()
        .expect("mentorship id")
        .to_string();
    (ada, max, format!("/api/mentorships/{id}"))
}

fn today(app: &TestApp) -> String {
    jiff::tz::TimeZone::UTC
        .to_datetime(app.now())
        .date()
        .to_string()
}

async fn log(p: &Person, path: &str, date: &str, minutes: u32) -> reqwest::Response {
    p.post(
        &format!("{path}/meetings"),
        json!({"date": date, "minutes": minutes}),
    )
    .await
}

fn total(pair: &Value) -> u64 {
    pair["meetings"]
        .as_array()
        .expect("meetings")
        .iter()
        .map(|m| m["minutes"].as_u64().expect("minutes"))
        .sum()
}

#[tokio::test]
async fn one_day_holds_at_most_eight_hours_between_both_sides() {
    let app = spawn_app().await;
    let (ada, max, path) = matched(&app).await;
    let day = today(&app);
    assert_eq!(
        log(&ada, &path, &day, 300).await.status(),
        StatusCode::CREATED
    );
    // Before: Max could add another 8 hours for the same day on his own.
    let full = problem(
        log(&max, &path, &day, 300).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    let message = full["errors"]["minutes"].as_str().expect("minutes named");
    assert!(
        message.contains("3 h 00 min"),
        "says what is left: {message}"
    );
    assert_eq!(
        log(&max, &path, &day, 180).await.status(),
        StatusCode::CREATED
    );
    problem(
        log(&ada, &path, &day, 1).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    // Another day is another day.
    let yesterday = jiff::civil::Date::strptime("%Y-%m-%d", &day)
        .expect("date")
        .yesterday()
        .expect("yesterday")
        .to_string();
    let r = log(&max, &path, &yesterday, 480).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    assert_eq!(total(&json_of(ada.get(&path).await).await), 960);
}

/// Both sides log an hour at once, eighteen times: exactly eight land, the
/// rest are told the day is full, and the log holds eight hours.
async fn simultaneous_logs_fill_the_day_exactly(app: TestApp) {
    let (ada, max, path) = matched(&app).await;
    let day = today(&app);
    let url = app.url(&format!("{path}/meetings"));
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..18 {
        let client = if i % 2 == 0 { &ada } else { &max }.client.clone();
        let (url, day) = (url.clone(), day.clone());
        tasks.spawn(async move {
            client
                .post(url)
                .json(&json!({"date": day, "minutes": 60}))
                .send()
                .await
                .expect("POST")
                .status()
        });
    }
    let outcomes = tasks.join_all().await;
    let created = outcomes
        .iter()
        .filter(|s| **s == StatusCode::CREATED)
        .count();
    assert_eq!(created, 8, "{outcomes:?}");
    assert!(
        outcomes
            .iter()
            .all(|s| *s == StatusCode::CREATED || *s == StatusCode::UNPROCESSABLE_ENTITY),
        "{outcomes:?}"
    );
    assert_eq!(total(&json_of(max.get(&path).await).await), 480);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn simultaneous_logs_fill_the_day_exactly_on_the_embedded_store() {
    simultaneous_logs_fill_the_day_exactly(spawn_app().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn simultaneous_logs_fill_the_day_exactly_on_dynamodb() {
    simultaneous_logs_fill_the_day_exactly(spawn_app_on_dynamodb("day-full").await).await;
}

#[tokio::test]
async fn the_other_side_disputes_an_entry_and_the_export_marks_it() {
    let app = spawn_app().await;
    let (ada, max, path) = matched(&app).await;
    let day = today(&app);
    let r = log(&ada, &path, &day, 90).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let meeting = json_of(r).await["id"].as_str().expect("id").to_string();
    let dispute = format!("{path}/meetings/{meeting}/dispute");

    // Max sees what Ada logged, and that she logged it.
    let pair = json_of(max.get(&path).await).await;
    assert_eq!(pair["meetings"][0]["logged_by"], ADA);
    assert_eq!(pair["meetings"][0]["disputed"], false);

    // Whoever logged an entry cannot dispute it; strangers cannot either.
    problem(
        ada.put(&dispute, json!({"disputed": true})).await,
        StatusCode::FORBIDDEN,
    )
    .await;
    let outsider = app.sign_in("otto.outsider@mo.gov").await;
    problem(
        outsider.put(&dispute, json!({"disputed": true})).await,
        StatusCode::FORBIDDEN,
    )
    .await;
    let bad = problem(
        max.put(&dispute, json!({"disputed": "maybe"})).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert!(bad["errors"]["disputed"].is_string());
    problem(
        max.put(
            &format!("{path}/meetings/nope/dispute"),
            json!({"disputed": true}),
        )
        .await,
        StatusCode::NOT_FOUND,
    )
    .await;

    let r = max.put(&dispute, json!({"disputed": true})).await;
    let b = json_of(r).await;
    assert_eq!(b["disputed"], true, "{b}");
    assert_eq!(
        json_of(ada.get(&path).await).await["meetings"][0]["disputed"],
        true
    );

    let pat = app.sign_in(PROGRAM_ADMIN).await;
    let rows = csv_rows(&pat, "meetings.csv").await;
    assert_eq!(
        column(&rows, "disputed"),
        ["yes", "yes"],
        "one row per side"
    );

    // Taken back after a talk: the mark goes.
    app.advance(jiff::SignedDuration::from_mins(10));
    let r = max.put(&dispute, json!({"disputed": false})).await;
    assert_eq!(json_of(r).await["disputed"], false);
    let rows = csv_rows(&pat, "meetings.csv").await;
    assert_eq!(column(&rows, "disputed"), ["no", "no"]);

    // Both steps are in the mentorship's audit trail, with who took them.
    let id = &path["/api/mentorships/".len()..];
    let trail = json_of(pat.get(&format!("/api/admin/audit/mentorships/{id}")).await).await;
    let steps: Vec<String> = trail["entries"]
        .as_array()
        .expect("entries")
        .iter()
        .filter(|e| e["action"].as_str().is_some_and(|a| a.contains("disput")))
        .map(|e| {
            format!(
                "{} by {}",
                e["action"].as_str().unwrap_or_default(),
                e["actor"].as_str().unwrap_or_default()
            )
        })
        .collect();
    assert_eq!(
        steps,
        [
            format!("meeting_disputed by {MAX}"),
            format!("meeting_dispute_withdrawn by {MAX}"),
        ]
    );
}
