//! Announcements: an administrator writes to a group, sees its reach and
//! how it arrives, sends it now or later; a job queues one copy per person
//! (never two, even when retried), the mail queue sends them, and anyone
//! can stop them from the link in one.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::*;

const ANN: &str = "ann.waiting@mo.gov";
const BEN: &str = "ben.waiting@mo.gov";
const CAL: &str = "cal.quiet@mo.gov";
const ROOMY: &str = "rita.roomy@mo.gov";

fn waiting_mentees() -> Value {
    json!({
        "subject": "Your suggested mentors are coming",
        "body": "## Good news\n\nThe matching run is on **Monday**. Read [how it works](https://moments.mo.gov/how-it-works/).",
        "group": "mentees_without_mentor",
    })
}

async fn announcement(pat: &Person, id: &str) -> Value {
    let r = pat.get(&format!("/api/admin/announcements/{id}")).await;
    assert_eq!(r.status(), StatusCode::OK);
    json_of(r).await
}

fn announcements_to<'a>(
    mail: &'a [moments_adapters::mail::outbox::OutboxEntry],
    subject: &str,
) -> Vec<&'a str> {
    mail.iter()
        .filter(|m| m.subject == subject)
        .map(|m| m.to.as_str())
        .collect()
}

async fn an_announcement_reaches_exactly_its_audience_and_not_who_opted_out(app: TestApp) {
    // Waiting for a mentor: Ann, Ben, Cal. Ada has Max; Rita mentors.
    let (_ada, _max, _) = matched(&app).await;
    for who in [ANN, BEN, CAL] {
        app.approved_mentee(who).await;
    }
    app.approved_mentor(ROOMY).await;
    let pat = app.sign_in(PROGRAM_ADMIN).await;

    // Cal stops announcements from the link in an earlier one.
    let first = json!({"subject": "Welcome", "body": "Hello everyone.", "group": "everyone"});
    let r = pat.post("/api/admin/announcements", first).await;
    assert_eq!(r.status(), StatusCode::ACCEPTED);
    app.run_due_jobs().await;
    app.run_due_jobs().await;
    let to_cal = app.mail_to(CAL).await;
    let welcome = to_cal
        .iter()
        .find(|m| m.subject == "Welcome")
        .expect("Cal got it");
    let (id, to, token) = stop_link(&welcome.text);
    assert_eq!(to, CAL);
    let wrong = app
        .anonymous()
        .post(
            "/api/announcements/preference",
            json!({"announcement": id, "email": ANN, "token": token, "receive": false}),
        )
        .await;
    assert_eq!(
        wrong.status(),
        StatusCode::NOT_FOUND,
        "Cal's link is for Cal only"
    );
    let r = app
        .anonymous()
        .post(
            "/api/announcements/preference",
            json!({"announcement": id, "email": to, "token": token, "receive": false}),
        )
        .await;
    assert_eq!(json_of(r).await, json!({"email": CAL, "receive": false}));

    // The preview counts the audience as it is, and shows the text as it arrives.
    let preview = json_of(
        pat.post("/api/admin/announcements/preview", waiting_mentees())
            .await,
    )
    .await;
    assert_eq!(preview["reach"], 3, "{preview}");
    let text = preview["text"].as_str().expect("text");
    assert!(text.starts_with("Good news\n\nThe matching run is on Monday. Read how it works (https://moments.mo.gov/how-it-works/)."), "{text}");
    assert!(
        text.contains("approved MOments mentee without a mentor"),
        "{text}"
    );

    let r = pat
        .post("/api/admin/announcements", waiting_mentees())
        .await;
    assert_eq!(r.status(), StatusCode::ACCEPTED);
    let sent = json_of(r).await;
    assert_eq!(sent["status"], "scheduled");
    let id = sent["id"].as_str().expect("id").to_string();
    app.run_due_jobs().await; // queues
    app.run_due_jobs().await; // sends
    let all = app.mail_to(ANN).await;
    assert_eq!(
        announcements_to(&all, "Your suggested mentors are coming"),
        [ANN]
    );
    let mut reached = Vec::new();
    for who in [ADA, MAX, ANN, BEN, CAL, ROOMY] {
        let mail = app.mail_to(who).await;
        reached.extend(
            announcements_to(&mail, "Your suggested mentors are coming")
                .into_iter()
                .map(str::to_string),
        );
    }
    reached.sort();
    assert_eq!(
        reached,
        [ANN, BEN],
        "exactly the waiting mentees, Cal opted out"
    );
    let seen = announcement(&pat, &id).await;
    let a = &seen["announcement"];
    assert_eq!(
        (
            a["status"].as_str(),
            a["found"].as_u64(),
            a["opted_out"].as_u64(),
            a["queued"].as_u64(),
            a["sent"].as_u64(),
            a["waiting"].as_u64()
        ),
        (Some("sent"), Some(3), Some(1), Some(2), Some(2), Some(0)),
        "{seen}"
    );
    assert_eq!(seen["history"][0]["action"], "announcement_written");
    assert_eq!(seen["history"][0]["by"], PROGRAM_ADMIN);

    // Cal can have them again.
    let welcome = app.mail_to(CAL).await;
    let (id, to, token) = stop_link(&welcome[welcome.len() - 1].text);
    let r = app
        .anonymous()
        .post(
            "/api/announcements/preference",
            json!({"announcement": id, "email": to, "token": token, "receive": true}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(!app.store.opted_out(CAL).await.expect("store"));
}

#[tokio::test]
async fn an_announcement_reaches_exactly_its_audience_and_not_who_opted_out_on_the_embedded_store()
{
    an_announcement_reaches_exactly_its_audience_and_not_who_opted_out(spawn_app().await).await;
}

#[tokio::test]
async fn an_announcement_reaches_exactly_its_audience_and_not_who_opted_out_on_dynamodb() {
    an_announcement_reaches_exactly_its_audience_and_not_who_opted_out(
        spawn_app_on_dynamodb("announcements").await,
    )
    .await;
}

#[tokio::test]
async fn a_queueing_run_stopped_half_way_then_retried_emails_nobody_twice() {
    let app = spawn_app().await;
    for who in [ANN, BEN, CAL] {
        app.approved_mentee(who).await;
    }
    let pat = app.sign_in(PROGRAM_ADMIN).await;
    let sent = json_of(
        pat.post("/api/admin/announcements", waiting_mentees())
            .await,
    )
    .await;
    let id = sent["id"].as_str().expect("id");
    // The first run queues two people (batches of one) and dies.
    let next = moments_usecases::announcements::queue(&app.jobs.deps, id, 1, Some(2))
        .await
        .expect("queued");
    assert!(next.is_none(), "stopped half-way");
    let half = announcement(&pat, id).await;
    assert_eq!(half["announcement"]["status"], "queueing");
    assert_eq!(half["announcement"]["queued"], 2);
    // The scheduler retries the job: everyone queued, each once, then sent.
    app.run_due_jobs().await;
    app.run_due_jobs().await;
    for who in [ANN, BEN, CAL] {
        let mail = app.mail_to(who).await;
        assert_eq!(
            announcements_to(&mail, "Your suggested mentors are coming").len(),
            1,
            "{who}"
        );
    }
    let done = announcement(&pat, id).await;
    assert_eq!(done["announcement"]["queued"], 3, "{done}");
    assert_eq!(done["announcement"]["sent"], 3, "{done}");
    // A repeated job finds it queued and does nothing.
    moments_usecases::announcements::queue(&app.jobs.deps, id, 1, None)
        .await
        .expect("run again");
    app.run_due_jobs().await;
    assert_eq!(
        announcements_to(&app.mail_to(ANN).await, "Your suggested mentors are coming").len(),
        1
    );
}

#[tokio::test]
async fn someone_who_opts_out_after_a_copy_was_queued_is_skipped_when_it_is_sent() {
    let app = spawn_app().await;
    for who in [ANN, BEN] {
        app.approved_mentee(who).await;
    }
    let pat = app.sign_in(PROGRAM_ADMIN).await;
    let first = json_of(
        pat.post("/api/admin/announcements", waiting_mentees())
            .await,
    )
    .await;
    app.run_due_jobs().await;
    app.run_due_jobs().await;
    let (id, to, token) = stop_link(&app.mail_to(BEN).await[0].text);
    assert_eq!(id, first["id"]);
    let again = json_of(pat.post("/api/admin/announcements", json!({
        "subject": "Reminder", "body": "Still waiting? Search now.", "group": "mentees_without_mentor"}))
        .await)
    .await;
    let again_id = again["id"].as_str().expect("id");
    moments_usecases::announcements::queue(&app.jobs.deps, again_id, 10, None)
        .await
        .expect("queued");
    let r = app
        .anonymous()
        .post(
            "/api/announcements/preference",
            json!({"announcement": id, "email": to, "token": token, "receive": false}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    app.run_due_jobs().await;
    assert!(announcements_to(&app.mail_to(BEN).await, "Reminder").is_empty());
    assert_eq!(announcements_to(&app.mail_to(ANN).await, "Reminder"), [ANN]);
    let seen = announcement(&pat, again_id).await["announcement"].clone();
    assert_eq!(
        (seen["sent"].as_u64(), seen["skipped"].as_u64()),
        (Some(1), Some(1)),
        "{seen}"
    );
    assert_eq!(seen["status"], "sent");
}

/// A mail client's own Unsubscribe button, as RFC 8058 has it: a POST from
/// the mail provider's servers, with no origin of ours and a fixed body, to
/// the address in the `List-Unsubscribe` header.
async fn one_click(url: &str) -> reqwest::Response {
    reqwest::Client::new()
        .post(url)
        .header("content-type", "application/x-www-form-urlencoded")
        .body("List-Unsubscribe=One-Click")
        .send()
        .await
        .expect("posted")
}

async fn a_mail_clients_unsubscribe_button_stops_announcements_in_one_press(app: TestApp) {
    for who in [ANN, BEN] {
        app.approved_mentee(who).await;
    }
    let pat = app.sign_in(PROGRAM_ADMIN).await;
    let r = pat
        .post("/api/admin/announcements", waiting_mentees())
        .await;
    assert_eq!(r.status(), StatusCode::ACCEPTED);
    app.run_due_jobs().await;
    app.run_due_jobs().await;
    let to_ben = app.mail_to(BEN).await;
    let copy = to_ben.first().expect("Ben got it");
    let url = copy
        .unsubscribe
        .clone()
        .expect("a List-Unsubscribe address");
    let (id, _, token) = stop_link(&copy.text);
    assert_eq!(
        url,
        app.url(&format!(
            "/api/announcements/{id}/unsubscribe/{BEN}/{token}"
        ))
    );
    // Mail about one's own application carries none.
    assert!(
        app.mail_to(SUPERVISOR)
            .await
            .iter()
            .all(|m| m.unsubscribe.is_none())
    );

    // Opening it changes nothing: it leads to the page that asks first.
    let path = url.strip_prefix(&app.url("")).expect("on the site");
    let r = app.stepwise().get(path).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        location(&r),
        app.url(&format!("/announcements/#a={id}&to={BEN}&t={token}"))
    );

    // Another address, or another token, stops nothing.
    let ann = url.replace(BEN, ANN);
    assert_eq!(one_click(&ann).await.status(), StatusCode::NOT_FOUND);
    let forged = format!("{}x", url);
    assert_eq!(one_click(&forged).await.status(), StatusCode::NOT_FOUND);

    let r = one_click(&url).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(json_of(r).await, json!({"email": BEN, "receive": false}));
    let r = pat
        .post(
            "/api/admin/announcements",
            json!({"subject": "Reminder", "body": "Still waiting? Search now.", "group": "mentees_without_mentor"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::ACCEPTED);
    app.run_due_jobs().await;
    app.run_due_jobs().await;
    assert!(announcements_to(&app.mail_to(BEN).await, "Reminder").is_empty());
    assert_eq!(announcements_to(&app.mail_to(ANN).await, "Reminder"), [ANN]);
}

#[tokio::test]
async fn a_mail_clients_unsubscribe_button_stops_announcements_in_one_press_on_the_embedded_store()
{
    a_mail_clients_unsubscribe_button_stops_announcements_in_one_press(spawn_app().await).await;
}

#[tokio::test]
async fn a_mail_clients_unsubscribe_button_stops_announcements_in_one_press_on_dynamodb() {
    a_mail_clients_unsubscribe_button_stops_announcements_in_one_press(
        spawn_app_on_dynamodb("one-click").await,
    )
    .await;
}

#[tokio::test]
async fn a_scheduled_announcement_waits_for_its_time_and_can_be_cancelled_until_then() {
    let app = spawn_app().await;
    app.approved_mentee(ANN).await;
    let pat = app.sign_in(PROGRAM_ADMIN).await;
    let tomorrow = app.now() + jiff::SignedDuration::from_hours(30);
    let local = moments_domain::calendar::program_time_zone()
        .to_datetime(tomorrow)
        .strftime("%Y-%m-%dT%H:%M")
        .to_string();
    let mut later = waiting_mentees();
    later["send_at"] = json!(local);
    let a = json_of(pat.post("/api/admin/announcements", later.clone()).await).await;
    assert_eq!(a["status"], "scheduled");
    app.run_due_jobs().await;
    assert!(app.mail_to(ANN).await.is_empty(), "not before its time");
    app.advance(jiff::SignedDuration::from_secs(1));
    let b = json_of(pat.post("/api/admin/announcements", later).await).await;
    let r = pat
        .post(
            &format!(
                "/api/admin/announcements/{}/cancel",
                b["id"].as_str().expect("id")
            ),
            json!({}),
        )
        .await;
    assert_eq!(json_of(r).await["status"], "cancelled");
    app.advance(jiff::SignedDuration::from_hours(31));
    app.run_due_jobs().await;
    app.run_due_jobs().await;
    let pat = app.sign_in(PROGRAM_ADMIN).await;
    let mail = app.mail_to(ANN).await;
    assert_eq!(
        announcements_to(&mail, "Your suggested mentors are coming").len(),
        1,
        "the first at its time; the cancelled one never"
    );
    let r = pat
        .post(
            &format!(
                "/api/admin/announcements/{}/cancel",
                a["id"].as_str().expect("id")
            ),
            json!({}),
        )
        .await;
    let p = problem(r, StatusCode::CONFLICT).await;
    assert!(
        p["detail"]
            .as_str()
            .expect("detail")
            .contains("cannot be cancelled"),
        "{p}"
    );
    let list = json_of(pat.get("/api/admin/announcements").await).await;
    let statuses: Vec<&str> = list["announcements"]
        .as_array()
        .expect("list")
        .iter()
        .map(|a| a["status"].as_str().expect("status"))
        .collect();
    assert_eq!(statuses, ["cancelled", "sent"], "newest first");
}

#[tokio::test]
async fn bad_announcements_are_refused_by_field_and_nothing_is_stored() {
    let app = spawn_app().await;
    let pat = app.sign_in(PROGRAM_ADMIN).await;
    let before = app.embedded_items();
    let mail = app.mail_count().await;
    let p = problem(
        pat.post(
            "/api/admin/announcements",
            json!({"subject": "", "body": "Hello <script>alert(1)</script>", "group": "all",
                   "department": "nowhere", "send_at": "yesterday"}),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    let named: Vec<&str> = p["errors"]
        .as_object()
        .expect("errors")
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        named,
        ["body", "department", "group", "send_at", "subject"],
        "{p}"
    );
    let p = problem(
        pat.post(
            "/api/admin/announcements",
            json!({"subject": "Hi", "body": "x".repeat(10_001), "group": "registrants"}),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert!(
        p["errors"]["body"]
            .as_str()
            .expect("body")
            .contains("10000"),
        "{p}"
    );
    assert_eq!(
        p["errors"]["of"],
        "Choose the event whose registrants it is for."
    );
    // Nobody waits for a mentor: refused before anything is sent.
    let p = problem(
        pat.post("/api/admin/announcements", waiting_mentees())
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert!(
        p["errors"]["group"]
            .as_str()
            .expect("group")
            .starts_with("Nobody is in this audience"),
        "{p}"
    );
    assert!(before == app.embedded_items(), "bad input changes nothing");
    let r = app
        .anonymous()
        .post(
            "/api/announcements/preference",
            json!({"announcement": "x", "email": "not an address", "receive": "maybe"}),
        )
        .await;
    let p = problem(r, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert!(
        p["errors"]["email"].is_string() && p["errors"]["receive"].is_string(),
        "{p}"
    );
    assert_eq!(app.mail_count().await, mail, "nobody emailed");
}

#[tokio::test]
async fn a_department_administrator_writes_to_their_own_department_only() {
    let app = spawn_app().await;
    app.approved_mentee(ANN).await; // revenue
    app.make_department_admin("dana.admin@mo.gov", "revenue")
        .await;
    let dana = app.sign_in("dana.admin@mo.gov").await;
    let p = problem(
        dana.post("/api/admin/announcements", waiting_mentees())
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert!(p["errors"]["department"].is_string(), "{p}");
    let mut ours = waiting_mentees();
    ours["department"] = json!("revenue");
    let a = json_of(dana.post("/api/admin/announcements", ours).await).await;
    assert_eq!(
        a["audience"],
        "Approved mentees without a mentor, in Department of Revenue"
    );
    app.run_due_jobs().await;
    app.run_due_jobs().await;
    assert_eq!(app.mail_to(ANN).await.len(), 1);
    let listed = json_of(dana.get("/api/admin/announcements").await).await;
    assert_eq!(listed["announcements"].as_array().expect("list").len(), 1);
}
