//! What the program keeps, and for how long: the weekly retention run, and
//! removing a person's data when they ask.

use jiff::SignedDuration;
use moments_adapters::deps::as_function;
use moments_domain::fields::EmailAddress;
use moments_domain::mentorship::MentorshipId;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::*;

fn days(n: i64) -> SignedDuration {
    SignedDuration::from_hours(24 * n)
}

async fn ok(r: reqwest::Response, status: StatusCode) -> Value {
    assert_eq!(r.status(), status);
    r.json().await.unwrap_or(Value::Null)
}

/// Ada and Max, matched; returns the mentorship id.
async fn a_pair(app: &TestApp) -> (Person, Person, String) {
    let (ada, max, _, request) = pair_up(app).await;
    let accepted = ok(
        max.post(&format!("/api/requests/{request}/accept"), json!({}))
            .await,
        StatusCode::OK,
    )
    .await;
    let mentorship = accepted["mentorship"]["id"]
        .as_str()
        .expect("mentorship")
        .to_string();
    (ada, max, mentorship)
}

fn today(app: &TestApp) -> String {
    jiff::tz::TimeZone::UTC
        .to_datetime(app.now())
        .date()
        .to_string()
}

async fn end(p: &Person, mentorship: &str) {
    ok(
        p.post(
            &format!("/api/mentorships/{mentorship}/end"),
            json!({"outcome": "completed", "reason": "A good year."}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
}

async fn survey(p: &Person, mentorship: &str) {
    ok(
        p.post(
            &format!("/api/surveys/{mentorship}"),
            json!({"satisfaction": 5, "goals_met": "yes", "meetings": 1,
                   "cadence": "monthly", "would_recommend": true}),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
}

async fn report(app: &TestApp) -> Value {
    let pat = app.sign_in(PROGRAM_ADMIN).await;
    ok(pat.get("/api/admin/metrics").await, StatusCode::OK).await["report"].clone()
}

async fn retention(app: &TestApp) -> moments_retention::Summary {
    as_function(
        "moments-retention",
        moments_retention::run(&app.jobs.deps, app.now()),
    )
    .await
    .expect("retention run")
}

async fn records_past_retention_are_removed_and_the_rest_stay(app: TestApp) {
    app.set_now("2026-01-05T15:00:00Z".parse().expect("time"));
    let (ada, max, mentorship) = a_pair(&app).await;
    ok(
        ada.post(
            &format!("/api/mentorships/{mentorship}/meetings"),
            json!({"date": today(&app), "minutes": 60}),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    end(&max, &mentorship).await;
    survey(&ada, &mentorship).await;

    // Bo's application is denied now; a request of Cy's is declined now;
    // Di's application is denied two hundred days later.
    let sam = app.sign_in(SUPERVISOR).await;
    let bo = app.sign_in("bo.applicant@mo.gov").await;
    let bo_app = ok(bo.apply(mentee_form(SUPERVISOR)).await, StatusCode::CREATED).await;
    let bo_id = bo_app["id"].as_str().expect("id").to_string();
    ok(
        sam.post(
            &format!("/api/applications/{bo_id}/decision"),
            json!({"outcome": "deny"}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    app.approved_mentee("cy.mentee@mo.gov").await;
    let cy = app.sign_in("cy.mentee@mo.gov").await;
    let max_app = json_of(max.get("/api/applications").await).await["applications"][0]["id"]
        .as_str()
        .expect("max's application")
        .to_string();
    let declined = ok(
        cy.post("/api/requests", json!({"mentor": max_app})).await,
        StatusCode::CREATED,
    )
    .await["id"]
        .as_str()
        .expect("id")
        .to_string();
    ok(
        max.post(&format!("/api/requests/{declined}/decline"), json!({}))
            .await,
        StatusCode::OK,
    )
    .await;
    app.advance(days(200));
    let di = app.sign_in("di.applicant@mo.gov").await;
    let di_id = ok(di.apply(mentee_form(SUPERVISOR)).await, StatusCode::CREATED).await["id"]
        .as_str()
        .expect("id")
        .to_string();
    let sam = app.sign_in(SUPERVISOR).await;
    ok(
        sam.post(
            &format!("/api/applications/{di_id}/decision"),
            json!({"outcome": "deny"}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let before = report(&app).await;

    // A year and a day after the first decisions.
    app.advance(days(166));
    assert_eq!(
        retention(&app).await,
        moments_retention::Summary {
            applications: 1,
            requests: 1,
            mentorships: 0
        }
    );
    assert!(report(&app).await == before, "the figures are history");
    let pat = app.sign_in(PROGRAM_ADMIN).await;
    problem(
        pat.get(&format!("/api/applications/{bo_id}")).await,
        StatusCode::NOT_FOUND,
    )
    .await;
    problem(
        pat.get(&format!("/api/admin/audit/applications/{bo_id}"))
            .await,
        StatusCode::NOT_FOUND,
    )
    .await;
    ok(
        pat.get(&format!("/api/applications/{di_id}")).await,
        StatusCode::OK,
    )
    .await;
    let bo = app.sign_in("bo.applicant@mo.gov").await;
    ok(bo.apply(mentee_form(SUPERVISOR)).await, StatusCode::CREATED).await;
    let cy = app.sign_in("cy.mentee@mo.gov").await;
    let outgoing = json_of(cy.get("/api/requests").await).await["outgoing"].clone();
    assert_eq!(outgoing, json!([]), "the declined request is gone");
    let ada = app.sign_in(ADA).await;
    let pairs = json_of(ada.get("/api/mentorships").await).await;
    assert_eq!(pairs["mentorships"].as_array().map(Vec::len), Some(1));

    // Three years after the mentorship ended, it goes with its meetings.
    app.advance(days(3 * 365 - 365));
    let removed = retention(&app).await;
    assert_eq!(removed.mentorships, 1);
    let ada = app.sign_in(ADA).await;
    let pairs = json_of(ada.get("/api/mentorships").await).await;
    assert_eq!(pairs["mentorships"], json!([]));
    problem(
        ada.get(&format!("/api/mentorships/{mentorship}")).await,
        StatusCode::NOT_FOUND,
    )
    .await;
    let id = MentorshipId::parse(&mentorship).expect("id");
    assert!(
        app.store
            .meetings_of(&id)
            .await
            .expect("meetings")
            .is_empty()
    );
    assert!(
        app.store
            .survey_of(&id, &EmailAddress::parse(ADA).expect("email"))
            .await
            .expect("survey")
            .is_none()
    );
    assert_eq!(
        json_of(ada.get("/api/applications").await).await["applications"]
            .as_array()
            .map(Vec::len),
        Some(1),
        "Ada's approved application stays"
    );
    assert_eq!(
        retention(&app).await,
        moments_retention::Summary::default(),
        "a second run finds nothing"
    );
}

#[tokio::test]
async fn records_past_retention_are_removed_and_the_rest_stay_on_the_embedded_store() {
    records_past_retention_are_removed_and_the_rest_stay(spawn_app().await).await;
}

#[tokio::test]
async fn records_past_retention_are_removed_and_the_rest_stay_on_dynamodb() {
    records_past_retention_are_removed_and_the_rest_stay(spawn_app_on_dynamodb("retention").await)
        .await;
}

#[tokio::test]
async fn a_person_has_their_data_removed_once_nothing_active_depends_on_it() {
    let app = spawn_app().await;
    let (ada, max, mentorship) = a_pair(&app).await;
    ok(
        ada.post(
            &format!("/api/mentorships/{mentorship}/meetings"),
            json!({"date": today(&app), "minutes": 45, "topic": "Ada's promotion plans"}),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;

    // Ada asks; the program administrators hear of it.
    ok(
        ada.post(
            "/api/privacy/erasure",
            json!({"note": "Leaving state service."}),
        )
        .await,
        StatusCode::ACCEPTED,
    )
    .await;
    let told = app
        .mail_to(PROGRAM_ADMIN)
        .await
        .pop()
        .expect("mail to admin");
    assert!(told.text.contains(ADA) && told.text.contains("/admin/#erasures"));
    problem(
        ada.post("/api/privacy/erasure", json!({})).await,
        StatusCode::CONFLICT,
    )
    .await;
    let asked = json_of(ada.get("/api/privacy/erasure").await).await;
    assert!(asked["requested_at"].is_string());

    // Not while the mentorship is active, and only by a program administrator.
    let pat = app.sign_in(PROGRAM_ADMIN).await;
    let waiting = json_of(pat.get("/api/admin/erasures").await).await;
    assert_eq!(waiting["requests"][0]["email"], ADA);
    assert!(
        waiting["requests"][0]["blocked_by"]
            .as_str()
            .is_some_and(|b| b.contains("active mentorship"))
    );
    let path = format!("/api/admin/erasures/{ADA}");
    problem(pat.post(&path, json!({})).await, StatusCode::CONFLICT).await;
    problem(max.post(&path, json!({})).await, StatusCode::FORBIDDEN).await;
    problem(max.get("/api/admin/erasures").await, StatusCode::FORBIDDEN).await;

    end(&ada, &mentorship).await;
    survey(&ada, &mentorship).await;
    survey(&max, &mentorship).await;
    let before = report(&app).await;
    ok(pat.post(&path, json!({})).await, StatusCode::OK).await;
    let last = app.mail_to(ADA).await.pop().expect("mail to Ada");
    assert!(last.subject.contains("removed"), "{}", last.subject);

    // Nothing of Ada remains under her name...
    let found = json_of(pat.get(&format!("/api/admin/people?email={ADA}")).await).await;
    for list in ["applications", "requests", "mentorships"] {
        assert_eq!(found[list], json!([]), "{list}");
    }
    // ...she is signed out everywhere, and signing in again finds nothing.
    problem(ada.get("/api/me").await, StatusCode::UNAUTHORIZED).await;
    let ada = app.sign_in(ADA).await;
    assert_eq!(
        json_of(ada.get("/api/privacy/erasure").await).await["requested_at"],
        Value::Null
    );
    assert_eq!(
        json_of(ada.get("/api/applications").await).await["applications"],
        json!([])
    );
    let trail = json_of(
        pat.get(&format!("/api/admin/audit/mentorships/{mentorship}"))
            .await,
    )
    .await;
    assert!(!trail.to_string().contains(ADA), "{trail}");
    let id = MentorshipId::parse(&mentorship).expect("id");
    let ada_email = EmailAddress::parse(ADA).expect("email");
    assert!(
        app.store
            .survey_of(&id, &ada_email)
            .await
            .expect("survey")
            .is_none()
    );
    let max_email = EmailAddress::parse(MAX).expect("email");
    assert!(
        app.store
            .survey_of(&id, &max_email)
            .await
            .expect("survey")
            .is_some()
    );

    // ...Max keeps his record of the mentorship, with a former participant...
    let pair = json_of(max.get(&format!("/api/mentorships/{mentorship}")).await).await;
    assert_eq!(pair["mentee"]["first_name"], "Former");
    assert_eq!(pair["mentee"]["last_name"], "participant");
    assert!(
        pair["mentee"]["email"]
            .as_str()
            .is_some_and(|e| e.ends_with("@removed.invalid"))
    );
    assert_eq!(pair["meetings"][0]["minutes"], 45);
    assert_eq!(pair["meetings"][0]["topic"], Value::Null);
    assert!(!pair.to_string().contains(ADA));
    // ...and nothing she wrote: before, her reason for ending stayed in the
    // record and the program's export.
    assert_eq!(pair["end_reason"], "Removed at the writer's request.");
    let rows = csv_rows(&pat, "mentorships.csv").await;
    assert!(
        !rows
            .iter()
            .flatten()
            .any(|cell| cell.contains("A good year.")),
        "{rows:?}"
    );

    // ...the figures stay, and Ada may apply again.
    assert!(report(&app).await == before, "the figures stay");
    ok(
        ada.apply(mentee_form(SUPERVISOR)).await,
        StatusCode::CREATED,
    )
    .await;
    problem(pat.post(&path, json!({})).await, StatusCode::NOT_FOUND).await;
}

#[tokio::test]
async fn a_mentors_reason_for_declining_goes_with_their_data() {
    let app = spawn_app().await;
    let (ada, max, _, request) = pair_up(&app).await;
    ok(
        max.post(
            &format!("/api/requests/{request}/decline"),
            json!({"reason": "Busy with the budget until spring."}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let path = format!("/api/requests/{request}");
    let seen = json_of(ada.get(&path).await).await;
    assert_eq!(seen["reason"], "Busy with the budget until spring.");

    ok(
        max.post("/api/privacy/erasure", json!({})).await,
        StatusCode::ACCEPTED,
    )
    .await;
    let pat = app.sign_in(PROGRAM_ADMIN).await;
    ok(
        pat.post(&format!("/api/admin/erasures/{MAX}"), json!({}))
            .await,
        StatusCode::OK,
    )
    .await;
    // Before: Ada still read Max's words under "Former participant".
    let seen = json_of(ada.get(&path).await).await;
    assert_eq!(seen["status"], "declined");
    assert_eq!(seen["reason"], Value::Null, "{seen}");
}

/// Kim, a mentor whose data is removed, and everything that named her
/// outside her own records.
#[tokio::test]
async fn removing_someones_data_takes_them_out_of_other_peoples_lists_audits_and_queued_mail() {
    const KIM: &str = "kim.lee@mo.gov";
    let (app, mail) = spawn_app_with_flaky_mail().await;
    let pat = app.sign_in(PROGRAM_ADMIN).await;

    // Kim applies as a mentor; her approval email cannot be sent and waits
    // in the mail queue.
    let kim = app.sign_in(KIM).await;
    let mut form = mentor_form(SUPERVISOR);
    form["prior_mentees"] = json!([]);
    let submitted = ok(kim.apply(form).await, StatusCode::CREATED).await;
    let id = submitted["id"].as_str().expect("id").to_string();
    let sam = app.sign_in(SUPERVISOR).await;
    mail.failing
        .store(true, std::sync::atomic::Ordering::SeqCst);
    ok(
        sam.post(
            &format!("/api/applications/{id}/decision"),
            json!({"outcome": "approve"}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    mail.failing
        .store(false, std::sync::atomic::Ordering::SeqCst);

    // Carl names Kim among his earlier mentees (mentor_form does).
    let carl = app.sign_in("carl.cole@mo.gov").await;
    ok(
        carl.apply(mentor_form(SUPERVISOR)).await,
        StatusCode::CREATED,
    )
    .await;
    // Kim administered the Department of Revenue for a while.
    ok(
        pat.post(
            "/api/admin/department-admins",
            json!({"email": KIM, "department": "revenue"}),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    ok(
        pat.client
            .delete(app.url(&format!("/api/admin/department-admins/revenue/{KIM}")))
            .send()
            .await
            .expect("remove"),
        StatusCode::NO_CONTENT,
    )
    .await;
    // Ada, a mentee, is suggested Kim.
    app.approved_mentee("ada@mo.gov").await;
    let ada = app.sign_in("ada@mo.gov").await;
    app.publish_matching(&pat).await;
    let suggested = |list: &Value| -> Vec<String> {
        list["suggestions"]
            .as_array()
            .expect("suggestions")
            .iter()
            .map(|s| s["mentor_application_id"].as_str().expect("id").to_string())
            .collect()
    };
    let before = json_of(ada.get("/api/suggestions").await).await;
    assert!(suggested(&before).contains(&id), "{before}");
    // An announcement reached Kim, and she stopped them from its link.
    ok(
        pat.post(
            "/api/admin/announcements",
            json!({"subject": "News", "body": "The window is open.", "group": "everyone"}),
        )
        .await,
        StatusCode::ACCEPTED,
    )
    .await;
    app.run_due_jobs().await;
    app.run_due_jobs().await;
    let news = app.mail_to(KIM).await;
    let news = news
        .iter()
        .find(|m| m.subject == "News")
        .expect("Kim got it");
    let (a, to, t) = stop_link(&news.text);
    ok(
        app.anonymous()
            .post(
                "/api/announcements/preference",
                json!({"announcement": a, "email": to, "token": t, "receive": false}),
            )
            .await,
        StatusCode::OK,
    )
    .await;

    // Kim was a program administrator for a while too: she kept the
    // program's lists, its contact and settings, wrote an announcement and
    // added a training, each change in an audit trail under her address.
    ok(
        pat.post("/api/admin/program-admins", json!({"email": KIM}))
            .await,
        StatusCode::CREATED,
    )
    .await;
    let changes = [
        (
            "/api/admin/skills",
            json!({"kind": "career", "name": "Records management"}),
        ),
        (
            "/api/admin/departments",
            json!({"name": "Department of Cybersecurity"}),
        ),
        (
            "/api/admin/resources",
            json!({"audience": "mentors", "title": "ESS portal", "url": "https://ess.mo.gov/"}),
        ),
        (
            "/api/admin/calendar/events",
            json!({"kind": "office-hours", "audience": "everyone", "date": "2031-04-08",
                   "start": "10:00", "end": "10:30", "title": "Office hours",
                   "details": "Questions about applying.", "place": "Online"}),
        ),
        (
            "/api/admin/announcements",
            json!({"subject": "Office hours", "body": "Come by.", "group": "everyone"}),
        ),
    ];
    for (path, body) in changes {
        let r = kim.post(path, body).await;
        assert!(r.status().is_success(), "{path}: {}", r.status());
    }
    for (path, body) in [
        (
            "/api/admin/contact",
            json!({"email": "mentoring@mo.gov", "phone": "573-555-0100", "version": 0}),
        ),
        (
            "/api/admin/settings",
            json!({"quiet_weeks": 6, "version": 0}),
        ),
    ] {
        let r = kim.put(path, body).await;
        assert!(r.status().is_success(), "{path}: {}", r.status());
    }
    app.run_due_jobs().await;
    app.run_due_jobs().await;
    ok(
        pat.delete(&format!("/api/admin/program-admins/{KIM}"))
            .await,
        StatusCode::NO_CONTENT,
    )
    .await;

    ok(
        kim.post("/api/privacy/erasure", json!({})).await,
        StatusCode::ACCEPTED,
    )
    .await;
    ok(
        pat.post(&format!("/api/admin/erasures/{KIM}"), json!({}))
            .await,
        StatusCode::OK,
    )
    .await;

    // Before: Ada's stored list still held Kim's name and title, Carl's
    // application her address, the department's trail and the mail queue
    // her address.
    let after = json_of(ada.get("/api/suggestions").await).await;
    assert!(!suggested(&after).contains(&id), "{after}");
    let carls = json_of(carl.get("/api/applications").await).await;
    let earlier = &carls["applications"][0]["prior_mentees"];
    assert_eq!(
        earlier.as_array().map(Vec::len),
        Some(1),
        "still counted: {carls}"
    );
    assert!(!earlier.to_string().contains("kim"), "{carls}");
    let left: Vec<String> = app
        .table_items()
        .into_iter()
        // Sent mail (the local stand-in for SES) is not the program's to keep.
        .filter(|(key, item)| {
            key.pk != "OUTBOX" && serde_json::to_string(item).expect("json").contains(KIM)
        })
        .map(|(key, _)| format!("{} / {}", key.pk, key.sk))
        .collect();
    assert!(left.is_empty(), "items still naming Kim: {left:?}");
}
