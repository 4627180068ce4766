//! The program calendar kept by program administrators: what they change
//! shows at once in the public calendar and its feed, with every rule of
//! the forms, no silent overwrite, an audit entry per change; and the
//! scheduled matching runs on a match group's day wherever it moves, once.

use moments_domain::application::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::*;

fn at(s: &str) -> jiff::Timestamp {
    s.parse().expect("timestamp")
}

async fn public(app: &TestApp) -> Value {
    let r = app.anonymous().get("/api/calendar").await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(
        r.headers()
            .get("cache-control")
            .and_then(|v| v.to_str().ok()),
        Some("public, max-age=60")
    );
    json_of(r).await
}

async fn feed(app: &TestApp) -> String {
    let r = app.anonymous().get("/api/calendar.ics").await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(
        r.headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok()),
        Some("text/calendar; charset=utf-8")
    );
    // Unfolded: a long line continues on the next after CRLF and a space.
    r.text().await.expect("feed").replace("\r\n ", "")
}

/// The VEVENT whose UID starts with `id@`, unfolded.
fn entry<'a>(feed: &'a str, id: &str) -> &'a str {
    let uid = format!("UID:{id}@");
    feed.split("BEGIN:VEVENT")
        .find(|e| e.contains(&uid))
        .unwrap_or_else(|| panic!("no {id} in {feed}"))
}

fn training(date: &str, start: &str, end: &str) -> Value {
    json!({
        "group": "thirteen", "kind": "training", "audience": "mentors-and-mentees",
        "date": date, "start": start, "end": end,
        "title": "Mentor and mentee training, extra session",
        "details": "The same hour as the others, for those who missed them.",
        "place": "Truman Building, room 490", "link": "https://teams.example.gov/l/meetup-join/1",
        "capacity": 2, "registration_open": true,
    })
}

async fn calendar_scenario(app: TestApp) {
    app.set_now(at("2026-12-07T15:00:00Z"));
    // A new installation shows the seed, without writing anything.
    let before = app.embedded_items();
    let seen = public(&app).await;
    assert_eq!(app.embedded_items(), before, "a read writes nothing");
    let groups: Vec<&str> = seen["groups"]
        .as_array()
        .expect("groups")
        .iter()
        .filter_map(|g| g["id"].as_str())
        .collect();
    assert_eq!(groups, ["twelve", "thirteen"]);

    let ada = app.sign_in("ada.lovelace@mo.gov").await;
    problem(
        ada.post(
            "/api/admin/calendar/events",
            training("2026-12-16", "10:00", "11:00"),
        )
        .await,
        StatusCode::FORBIDDEN,
    )
    .await;

    // Bad input: every field named, nothing stored.
    let admin = app.sign_in(PROGRAM_ADMIN).await;
    let before = app.embedded_items();
    let mut bad = training("2026-12-01", "11:00", "10:00");
    bad["group"] = json!("nineteen");
    bad["link"] = json!("javascript:alert(1)");
    bad["capacity"] = json!(0);
    bad["title"] = json!("x".repeat(101));
    let refused = problem(
        admin.post("/api/admin/calendar/events", bad).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    for field in ["group", "link", "capacity", "title", "end", "date"] {
        assert!(refused["errors"][field].is_string(), "{field}: {refused}");
    }
    assert_eq!(app.embedded_items(), before, "a refusal writes nothing");

    // Added: on the public calendar and in the feed at once.
    let added = json_of(
        admin
            .post(
                "/api/admin/calendar/events",
                training("2026-12-16", "10:00", "11:00"),
            )
            .await,
    )
    .await;
    let id = added["id"].as_str().expect("id").to_string();
    assert_eq!(
        (added["version"].clone(), added["sequence"].clone()),
        (json!(1), json!(0))
    );
    let events = public(&app).await["events"].clone();
    assert!(
        events
            .as_array()
            .expect("events")
            .iter()
            .any(|e| e["id"] == id.as_str())
    );
    let text = feed(&app).await;
    let e = entry(&text, &id);
    // 10:00 Central standard time is 16:00 UTC.
    assert!(e.contains("DTSTART:20261216T160000Z"), "{e}");
    assert!(
        e.contains("URL:http://127.0.0.1:") && e.contains(&format!("/calendar/#{id}")),
        "{e}"
    );
    assert!(
        e.contains("SEQUENCE:0") && e.contains("STATUS:CONFIRMED"),
        "{e}"
    );

    // Moved an hour later: one version on, and calendars take the change.
    let mut later = training("2026-12-16", "11:00", "12:00");
    later["version"] = json!(1);
    let moved = json_of(
        admin
            .put(&format!("/api/admin/calendar/events/{id}"), later.clone())
            .await,
    )
    .await;
    assert_eq!(
        (moved["version"].clone(), moved["sequence"].clone()),
        (json!(2), json!(1))
    );
    let text = feed(&app).await;
    let e = entry(&text, &id);
    assert!(
        e.contains("DTSTART:20261216T170000Z") && e.contains("SEQUENCE:1"),
        "{e}"
    );
    let shown = public(&app).await;
    let shown = shown["events"]
        .as_array()
        .expect("events")
        .iter()
        .find(|e| e["id"] == id.as_str())
        .expect("shown")
        .clone();
    assert_eq!(shown["start"], json!("11:00"));

    // A second administrator working from the first version is refused,
    // and the first one's change stands.
    let stale = admin
        .put(&format!("/api/admin/calendar/events/{id}"), later)
        .await;
    problem(stale, StatusCode::CONFLICT).await;

    // Cancelled: it stays in the feed, cancelled, so calendars remove it.
    let cancelled = json_of(
        admin
            .post(
                &format!("/api/admin/calendar/events/{id}/cancel"),
                json!({"version": 2}),
            )
            .await,
    )
    .await;
    assert_eq!(cancelled["cancelled"], json!(true));
    let text = feed(&app).await;
    let e = entry(&text, &id);
    assert!(
        e.contains("STATUS:CANCELLED") && e.contains("SEQUENCE:2"),
        "{e}"
    );

    // Every change is in the event's audit trail.
    let audit = app.embedded_items().map(|items| {
        items
            .keys()
            .filter(|k| k.pk == format!("CAL#EVENT#{id}") && k.sk.starts_with("AUDIT#"))
            .count()
    });
    assert!(audit.is_none_or(|n| n == 3), "{audit:?}");

    // A match group: dates in order, windows apart.
    let group = |id: &str, opens: &str, closes: &str, due: &str, matches: &str| {
        json!({"id": id, "name": format!("Match group {id}"), "summary": "Second quarter of 2027.",
               "window_opens": opens, "window_closes": closes, "approvals_due": due, "matches_on": matches})
    };
    let overlapping = problem(
        admin
            .post(
                "/api/admin/calendar/groups",
                group(
                    "fourteen",
                    "2027-01-10",
                    "2027-01-20",
                    "2027-01-19",
                    "2027-01-19",
                ),
            )
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    for field in ["window_opens", "approvals_due", "matches_on"] {
        assert!(
            overlapping["errors"][field].is_string(),
            "{field}: {overlapping}"
        );
    }
    let r = admin
        .post(
            "/api/admin/calendar/groups",
            group(
                "fourteen",
                "2027-04-05",
                "2027-04-16",
                "2027-04-23",
                "2027-04-27",
            ),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let again = problem(
        admin
            .post(
                "/api/admin/calendar/groups",
                group(
                    "fourteen",
                    "2027-07-05",
                    "2027-07-16",
                    "2027-07-23",
                    "2027-07-27",
                ),
            )
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert!(again["errors"]["id"].is_string(), "{again}");
    let text = feed(&app).await;
    assert!(entry(&text, "fourteen-matches-on").contains("DTSTART;VALUE=DATE:20270427"));
    app.assert_invariants();
}

#[tokio::test]
async fn the_program_team_keeps_the_calendar_and_everyone_sees_each_change_at_once() {
    calendar_scenario(spawn_app().await).await;
}

#[tokio::test]
async fn the_program_team_keeps_the_calendar_and_everyone_sees_each_change_at_once_on_dynamodb() {
    calendar_scenario(spawn_app_on_dynamodb("calendar").await).await;
}

async fn scheduled(app: &TestApp) -> String {
    app.anonymous()
        .client
        .post(app.url("/_local/jobs/matching/scheduled"))
        .send()
        .await
        .expect("POST")
        .text()
        .await
        .expect("page")
}

#[tokio::test]
async fn the_schedule_publishes_a_group_on_its_day_wherever_it_moves_and_only_once() {
    let app = spawn_app().await;
    app.set_now(at("2027-01-20T15:00:00Z"));
    app.approved(
        "max.mentor@mo.gov",
        Role::Mentor,
        &["leadership", "budgeting", "hiring"],
        "daytime",
    )
    .await;
    app.approved_mentee("ada.mentee@mo.gov").await;
    let admin = app.sign_in(PROGRAM_ADMIN).await;
    let calendar = json_of(admin.get("/api/admin/calendar").await).await;
    assert_eq!(calendar["next_run"]["group"], json!("thirteen"));
    assert_eq!(calendar["next_run"]["date"], json!("2027-01-26"));
    assert_eq!(calendar["next_run"]["published_at"], json!(null));

    // The team moves match group thirteen's suggested matches two days on.
    let moved = admin
        .put(
            "/api/admin/calendar/groups/thirteen",
            json!({"name": "Match group thirteen", "summary": "First quarter of 2027.",
                   "window_opens": "2027-01-04", "window_closes": "2027-01-15",
                   "approvals_due": "2027-01-22", "matches_on": "2027-01-28", "version": 1}),
        )
        .await;
    assert_eq!(moved.status(), StatusCode::OK);

    // On the old day, 7:00 Central (13:00 UTC), nothing goes out.
    app.set_now(at("2027-01-26T13:00:00Z"));
    let mails = app.mail_count().await;
    let page = scheduled(&app).await;
    assert!(page.contains("no match group"), "{page}");
    assert_eq!(app.mail_count().await, mails);

    // On the new day it publishes, once.
    let ada_mail = app.mail_to("ada.mentee@mo.gov").await.len();
    app.set_now(at("2027-01-28T13:00:00Z"));
    let page = scheduled(&app).await;
    assert!(
        page.contains("thirteen: 1 mentees, 1 with suggestions, 1 emailed"),
        "{page}"
    );
    assert_eq!(app.mail_to("ada.mentee@mo.gov").await.len(), ada_mail + 1);
    let page = scheduled(&app).await;
    assert!(page.contains("thirteen: published already"), "{page}");
    assert_eq!(app.mail_to("ada.mentee@mo.gov").await.len(), ada_mail + 1);

    // The next group: an administrator publishes early that morning, and
    // the schedule then sends nothing. (Administrators' sessions end after
    // 30 idle minutes: days have passed.)
    let admin = app.sign_in(PROGRAM_ADMIN).await;
    let r = admin
        .post(
            "/api/admin/calendar/groups",
            json!({"id": "fourteen", "name": "Match group fourteen", "summary": "Second quarter of 2027.",
                   "window_opens": "2027-04-05", "window_closes": "2027-04-16",
                   "approvals_due": "2027-04-23", "matches_on": "2027-04-27"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    app.set_now(at("2027-04-27T11:00:00Z"));
    let admin = app.sign_in(PROGRAM_ADMIN).await;
    let published = app.publish_matching(&admin).await;
    assert_eq!(
        (
            published["figures"]["group"].clone(),
            published["publishing"]["emailed"].clone()
        ),
        (json!("fourteen"), json!(1))
    );
    let calendar = json_of(admin.get("/api/admin/calendar").await).await;
    assert_eq!(calendar["next_run"]["group"], json!("fourteen"));
    assert!(
        calendar["next_run"]["published_at"].is_string(),
        "{calendar}"
    );
    app.set_now(at("2027-04-27T12:00:00Z"));
    let page = scheduled(&app).await;
    assert!(page.contains("fourteen: published already"), "{page}");
    assert_eq!(app.mail_to("ada.mentee@mo.gov").await.len(), ada_mail + 2);
}

/// An event's roster and waiting list, as a program administrator reads it.
async fn roster_of(admin: &Person, id: &str) -> Value {
    json_of(
        admin
            .get(&format!("/api/admin/calendar/events/{id}/registrations"))
            .await,
    )
    .await
}

async fn subjects(app: &TestApp, to: &str) -> Vec<String> {
    app.mail_to(to)
        .await
        .into_iter()
        .map(|m| m.subject)
        .collect()
}

async fn registration_scenario(app: TestApp) {
    app.set_now(at("2026-12-07T15:00:00Z"));
    let admin = app.sign_in(PROGRAM_ADMIN).await;
    let added = json_of(
        admin
            .post(
                "/api/admin/calendar/events",
                training("2026-12-16", "10:00", "11:00"),
            )
            .await,
    )
    .await;
    let id = added["id"].as_str().expect("id").to_string();
    let path = format!("/api/calendar/events/{id}/registration");

    // Three employees register for two places: the third waits.
    let r = app.anonymous().post(&path, json!({})).await;
    let status = r.status();
    let body = r.text().await.unwrap_or_default();
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{path}: {body}");
    let emails = ["reg.one@mo.gov", "reg.two@mo.gov", "reg.three@mo.gov"];
    let mut people = Vec::new();
    for email in emails {
        let p = app.sign_in(email).await;
        let r = json_of(p.post(&path, json!({})).await).await;
        people.push((p, r));
    }
    let statuses: Vec<Value> = people.iter().map(|(_, r)| r["status"].clone()).collect();
    assert_eq!(
        statuses,
        [
            json!("registered"),
            json!("registered"),
            json!("waitlisted")
        ]
    );
    assert_eq!(people[2].1["position"], json!(1));
    problem(
        people[0].0.post(&path, json!({})).await,
        StatusCode::CONFLICT,
    )
    .await;
    let shown = public(&app).await;
    let ours = shown["events"]
        .as_array()
        .expect("events")
        .iter()
        .find(|e| e["id"] == id.as_str())
        .expect("ours")
        .clone();
    assert_eq!(
        (
            ours["registered"].clone(),
            ours["waitlisted"].clone(),
            ours["places_left"].clone()
        ),
        (json!(2), json!(1), json!(0))
    );
    assert!(
        subjects(&app, emails[0])
            .await
            .iter()
            .any(|s| s.starts_with("You have a place"))
    );
    assert!(
        subjects(&app, emails[2])
            .await
            .iter()
            .any(|s| s.starts_with("You are on the waiting list"))
    );
    let confirmation = app.mail_to(emails[0]).await.pop().expect("confirmation");
    let invite = format!("/api/calendar/events/{id}/invite.ics");
    assert!(confirmation.text.contains(&invite), "{}", confirmation.text);
    let r = app.anonymous().get(&invite).await;
    assert_eq!(r.status(), StatusCode::OK);
    let ics = r.text().await.expect("ics").replace("\r\n ", "");
    assert_eq!(ics.matches("BEGIN:VEVENT").count(), 1);
    assert!(ics.contains(&format!("UID:{id}@")), "{ics}");
    // The reminder the day before waits, once for the event.
    let reminder = format!("ev-{id}-2026-12-16-remind");
    assert_eq!(
        app.job_names()
            .await
            .iter()
            .filter(|n| **n == reminder)
            .count(),
        1
    );

    // The first cancels: the third has the place, and is told.
    let r = people[0].0.delete(&path).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(
        subjects(&app, emails[2])
            .await
            .iter()
            .any(|s| s.starts_with("A place opened for you"))
    );
    let theirs = json_of(people[2].0.get("/api/registrations").await).await;
    assert_eq!(theirs["registrations"][0]["status"], json!("registered"));
    problem(people[0].0.delete(&path).await, StatusCode::NOT_FOUND).await;

    // The event cannot shrink below the places taken; it moves an hour
    // later and each registrant hears.
    let mut smaller = training("2026-12-16", "10:00", "11:00");
    smaller["capacity"] = json!(1);
    smaller["version"] = json!(1);
    let refused = problem(
        admin
            .put(&format!("/api/admin/calendar/events/{id}"), smaller)
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert!(
        refused["errors"]["capacity"]
            .as_str()
            .expect("capacity")
            .contains('2'),
        "{refused}"
    );
    let mut later = training("2026-12-16", "11:00", "12:00");
    later["version"] = json!(1);
    let r = admin
        .put(&format!("/api/admin/calendar/events/{id}"), later)
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    for email in &emails[1..] {
        let last = app.mail_to(email).await.pop().expect("update");
        assert!(
            last.subject.starts_with("Changed:"),
            "{email}: {}",
            last.subject
        );
        assert!(
            last.text.contains("11:00 a.m. to 12:00 p.m."),
            "{}",
            last.text
        );
    }
    assert!(
        !subjects(&app, emails[0])
            .await
            .iter()
            .any(|s| s.starts_with("Changed:"))
    );

    // The roster, and its spreadsheet.
    let roster = roster_of(&admin, &id).await;
    let mut names: Vec<&str> = roster["registered"]
        .as_array()
        .expect("registered")
        .iter()
        .filter_map(|r| r["email"].as_str())
        .collect();
    names.sort_unstable();
    assert_eq!(names, [emails[2], emails[1]]);
    let csv = admin
        .get(&format!(
            "/api/admin/calendar/events/{id}/registrations.csv"
        ))
        .await
        .text()
        .await
        .expect("csv");
    assert!(
        csv.contains(emails[1]) && csv.contains(emails[2]) && !csv.contains(emails[0]),
        "{csv}"
    );

    // The day before, those with a place are reminded, once.
    app.set_now(at("2026-12-15T15:00:00Z"));
    app.run_due_jobs().await;
    for email in &emails[1..] {
        assert!(
            subjects(&app, email)
                .await
                .iter()
                .any(|s| s.starts_with("Tomorrow:")),
            "{email}"
        );
    }

    // Attendance, once it has started, counts as training time.
    let admin = app.sign_in(PROGRAM_ADMIN).await;
    let attend = format!(
        "/api/admin/calendar/events/{id}/registrations/{}/attendance",
        emails[1]
    );
    problem(
        admin.put(&attend, json!({"attended": true})).await,
        StatusCode::CONFLICT,
    )
    .await;
    app.set_now(at("2026-12-16T18:05:00Z"));
    let admin = app.sign_in(PROGRAM_ADMIN).await;
    let r = admin.put(&attend, json!({"attended": true})).await;
    assert_eq!(r.status(), StatusCode::OK);
    let two = app.sign_in(emails[1]).await;
    let mine = json_of(two.get("/api/registrations").await).await;
    assert_eq!(mine["attended_minutes"], json!(60));
    // Marking attendance is audited under the event.
    let audited = app.embedded_items().map(|items| {
        let prefix = format!("AUDIT#REG#{}#", emails[1]);
        items
            .keys()
            .filter(|k| k.pk == format!("CAL#EVENT#{id}") && k.sk.starts_with(&prefix))
            .count()
    });
    assert!(audited.is_none_or(|n| n == 1), "{audited:?}");
    app.assert_invariants();
}

#[tokio::test]
async fn employees_register_wait_and_move_up_and_hear_of_every_change() {
    registration_scenario(spawn_app().await).await;
}

#[tokio::test]
async fn employees_register_wait_and_move_up_and_hear_of_every_change_on_dynamodb() {
    registration_scenario(spawn_app_on_dynamodb("registration").await).await;
}

#[tokio::test]
async fn ten_people_registering_at_once_for_two_places_fill_them_exactly_and_added_places_go_to_those_waiting()
 {
    let app = spawn_app().await;
    app.set_now(at("2026-12-07T15:00:00Z"));
    let admin = app.sign_in(PROGRAM_ADMIN).await;
    let added = json_of(
        admin
            .post(
                "/api/admin/calendar/events",
                training("2026-12-16", "10:00", "11:00"),
            )
            .await,
    )
    .await;
    let id = added["id"].as_str().expect("id").to_string();
    let path = format!("/api/calendar/events/{id}/registration");
    let mut people = Vec::new();
    for n in 0..10 {
        people.push(app.sign_in(&format!("rush.{n}@mo.gov")).await);
    }
    let url = app.url(&path);
    let mut tasks = tokio::task::JoinSet::new();
    for (n, p) in people.iter().enumerate() {
        let (client, url) = (p.client.clone(), url.clone());
        tasks.spawn(async move {
            let r = client
                .post(url)
                .json(&json!({}))
                .send()
                .await
                .expect("POST");
            (n, r.json::<Value>().await.expect("JSON"))
        });
    }
    let mut answers = tasks.join_all().await;
    answers.sort_by_key(|(n, _)| *n);
    let answers: Vec<Value> = answers.into_iter().map(|(_, a)| a).collect();
    let placed = answers
        .iter()
        .filter(|a| a["status"] == "registered")
        .count();
    let waiting = answers
        .iter()
        .filter(|a| a["status"] == "waitlisted")
        .count();
    assert_eq!((placed, waiting), (2, 8), "{answers:?}");
    let roster = roster_of(&admin, &id).await;
    assert_eq!(roster["registered"].as_array().map(Vec::len), Some(2));
    assert_eq!(roster["waitlist"].as_array().map(Vec::len), Some(8));
    assert_eq!(
        (
            roster["event"]["registered"].clone(),
            roster["event"]["waitlisted"].clone()
        ),
        (json!(2), json!(8))
    );
    // Everyone with a place cancels at once: the first two waiting move up.
    let firsts: Vec<String> = roster["waitlist"]
        .as_array()
        .expect("waitlist")
        .iter()
        .take(2)
        .filter_map(|r| r["email"].as_str().map(str::to_owned))
        .collect();
    let leaving: Vec<&Person> = people
        .iter()
        .zip(&answers)
        .filter(|(_, a)| a["status"] == "registered")
        .map(|(p, _)| p)
        .collect();
    let mut tasks = tokio::task::JoinSet::new();
    for p in leaving {
        let (client, url) = (p.client.clone(), url.clone());
        tasks.spawn(async move { client.delete(url).send().await.expect("DELETE").status() });
    }
    let statuses = tasks.join_all().await;
    assert!(
        statuses.iter().all(|s| *s == StatusCode::OK),
        "{statuses:?}"
    );
    let roster = roster_of(&admin, &id).await;
    let mut now_placed: Vec<String> = roster["registered"]
        .as_array()
        .expect("registered")
        .iter()
        .filter_map(|r| r["email"].as_str().map(str::to_owned))
        .collect();
    now_placed.sort();
    let mut expected = firsts;
    expected.sort();
    assert_eq!(now_placed, expected);
    assert_eq!(
        (
            roster["event"]["registered"].clone(),
            roster["event"]["waitlisted"].clone()
        ),
        (json!(2), json!(6))
    );

    // Two more places: the next two waiting take them, and are told.
    let next_two: Vec<String> = roster["waitlist"]
        .as_array()
        .expect("waitlist")
        .iter()
        .take(2)
        .filter_map(|r| r["email"].as_str().map(str::to_owned))
        .collect();
    let mut bigger = training("2026-12-16", "10:00", "11:00");
    bigger["capacity"] = json!(4);
    bigger["version"] = json!(1);
    let r = admin
        .put(&format!("/api/admin/calendar/events/{id}"), bigger)
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let roster = roster_of(&admin, &id).await;
    assert_eq!(
        (
            roster["event"]["registered"].clone(),
            roster["event"]["waitlisted"].clone()
        ),
        (json!(4), json!(4))
    );
    for email in &next_two {
        assert!(
            subjects(&app, email)
                .await
                .iter()
                .any(|s| s.starts_with("A place opened for you")),
            "{email}"
        );
    }
}

#[tokio::test]
async fn removing_someones_data_gives_their_place_to_the_next_waiting() {
    let app = spawn_app().await;
    app.set_now(at("2026-12-07T15:00:00Z"));
    let admin = app.sign_in(PROGRAM_ADMIN).await;
    let mut one_place = training("2026-12-16", "10:00", "11:00");
    one_place["capacity"] = json!(1);
    let added = json_of(admin.post("/api/admin/calendar/events", one_place).await).await;
    let id = added["id"].as_str().expect("id").to_string();
    let path = format!("/api/calendar/events/{id}/registration");
    let leaver = app.sign_in("lee.leaving@mo.gov").await;
    let next = app.sign_in("nia.next@mo.gov").await;
    let first = json_of(leaver.post(&path, json!({})).await).await;
    assert_eq!(first["status"], "registered", "{path}: {first}");
    assert_eq!(
        json_of(next.post(&path, json!({})).await).await["status"],
        "waitlisted"
    );

    let r = leaver.post("/api/privacy/erasure", json!({})).await;
    assert_eq!(r.status(), StatusCode::ACCEPTED);
    let r = admin
        .post("/api/admin/erasures/lee.leaving@mo.gov", json!({}))
        .await;
    assert_eq!(r.status(), StatusCode::OK);

    let roster = roster_of(&admin, &id).await;
    assert_eq!(roster["registered"][0]["email"], json!("nia.next@mo.gov"));
    assert_eq!(roster["waitlist"], json!([]));
    assert!(!roster.to_string().contains("lee.leaving"), "{roster}");
    assert!(
        subjects(&app, "nia.next@mo.gov")
            .await
            .iter()
            .any(|s| s.starts_with("A place opened for you"))
    );
}
