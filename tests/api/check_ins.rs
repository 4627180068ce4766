//! Pairs that go quiet: after the program's set weeks (4 unless changed)
//! with no meeting logged, both sides are asked how it is going, once per
//! quiet spell; one answer from either side settles it ("we need help"
//! reaches the program team, "we've finished" ends the mentorship); the
//! administrators see the quiet pairs. A survey not answered a week after
//! the end is asked for once more.

use jiff::SignedDuration;
use moments_adapters::deps::as_function;
use moments_domain::reminders::Job;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::*;
use moments_adapters::mail::outbox::OutboxEntry;

const DAY: SignedDuration = SignedDuration::from_hours(24);
const TEAM: &str = "mentoring@mo.gov";

fn outcomes(ran: &[moments_local::jobs_page::Ran]) -> Vec<(String, String)> {
    ran.iter()
        .map(|r| (r.name.clone(), r.outcome.clone()))
        .collect()
}

/// The quiet checks that ran, with what they did.
fn quiet_outcomes(ran: &[moments_local::jobs_page::Ran]) -> Vec<String> {
    outcomes(ran)
        .into_iter()
        .filter(|(name, _)| name.contains("-quiet-"))
        .map(|(_, outcome)| outcome)
        .collect()
}

/// The check-in emails sent to `to`.
async fn check_in_mail(app: &TestApp, to: &str) -> Vec<OutboxEntry> {
    app.mail_to(to)
        .await
        .into_iter()
        .filter(|m| m.subject == "How is your MOments mentorship going?")
        .collect()
}

/// The answer links of a check-in email, in order: meeting, help, finished.
fn answer_tokens(text: &str) -> Vec<String> {
    text.split("/signin/confirm/#token=")
        .skip(1)
        .map(|rest| {
            rest.chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
                .collect()
        })
        .collect()
}

async fn quiet_pairs(admin: &Person) -> Value {
    let r = admin.get("/api/admin/check-ins").await;
    assert_eq!(r.status(), StatusCode::OK);
    json_of(r).await
}

async fn a_quiet_pair_is_asked_after_four_weeks_and_help_reaches_the_program_team(app: TestApp) {
    let pat = app.sign_in(PROGRAM_ADMIN).await;
    let r = pat
        .put("/api/admin/contact", json!({"email": TEAM, "version": 0}))
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let (_, _, id) = matched(&app).await;
    let started = jiff::tz::TimeZone::UTC.to_datetime(app.now()).date();

    // Three weeks on: the nudge to connect has run; no check-in yet.
    app.advance(DAY * 21);
    app.run_due_jobs().await;
    assert!(check_in_mail(&app, ADA).await.is_empty());

    // Four weeks (and a morning) on, both are asked, once.
    app.advance(DAY * 8);
    let ran = app.run_due_jobs().await;
    assert_eq!(quiet_outcomes(&ran), ["Sent(2)"]);
    let to_ada = check_in_mail(&app, ADA).await;
    assert_eq!(to_ada.len(), 1);
    assert_eq!(check_in_mail(&app, MAX).await.len(), 1);
    let text = &to_ada[0].text;
    assert!(
        text.contains(&format!("have not logged a meeting since {started}"))
            && text.contains("We need help"),
        "{text}"
    );
    let tokens = answer_tokens(text);
    assert_eq!(tokens.len(), 3, "three answers, each a link: {text}");

    // The scheduler may deliver the same check twice: nothing is sent again.
    let job = Job::QuietCheck {
        mentorship: moments_domain::mentorship::MentorshipId::parse(&id).expect("id"),
        on: started,
    };
    let again = as_function(
        "moments-reminders",
        moments_reminders::run(&app.jobs.deps, &job),
    )
    .await
    .expect("run");
    assert_eq!(format!("{again:?}"), "NothingToDo(\"already sent\")");
    assert_eq!(check_in_mail(&app, ADA).await.len(), 1);

    // The administrators see the pair, not yet answered (everyone signs in
    // afresh: a month has passed).
    let pat = app.sign_in(PROGRAM_ADMIN).await;
    let (ada, max) = (app.sign_in(ADA).await, app.sign_in(MAX).await);
    let listed = quiet_pairs(&pat).await;
    assert_eq!(listed["settings"]["quiet_weeks"], 4);
    let pairs = listed["pairs"].as_array().expect("pairs");
    assert_eq!(pairs.len(), 1, "{listed}");
    assert_eq!(pairs[0]["mentorship"], id);
    assert_eq!(pairs[0]["quiet_since"], started.to_string());
    assert_eq!(pairs[0]["answer"], Value::Null);

    // Ada's "we need help" link signs her in and opens the check-in.
    let browser = app.anonymous();
    let signed_in = json_of(
        browser
            .post("/api/auth/session", json!({"token": tokens[1]}))
            .await,
    )
    .await;
    let next = signed_in["next"].as_str().expect("next");
    assert_eq!(
        next,
        format!("/check-in/?mentorship={id}&since={started}&answer=need_help")
    );
    let check = format!("/api/mentorships/{id}/check-ins/{started}");
    let read = json_of(browser.get(&check).await).await;
    assert_eq!(read["partner"], "Max Mentor");
    assert_eq!(read["answer"], Value::Null);
    assert_eq!(read["active"], true);

    // Bad input, and someone outside the pair: refused, nothing changed.
    let bad = problem(
        browser.post(&check, json!({"answer": "maybe"})).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert!(bad["errors"]["answer"].is_string(), "{bad}");
    problem(
        browser
            .post(
                &format!("/api/mentorships/{id}/check-ins/2001-01-01"),
                json!({"answer": "meeting"}),
            )
            .await,
        StatusCode::NOT_FOUND,
    )
    .await;
    let bea = app.sign_in("bea.baker@mo.gov").await;
    problem(
        bea.post(&check, json!({"answer": "finished"})).await,
        StatusCode::FORBIDDEN,
    )
    .await;
    let before = app.embedded_items();
    problem(
        pat.post(&check, json!({"answer": "finished"})).await,
        StatusCode::FORBIDDEN,
    )
    .await;
    assert!(before == app.embedded_items(), "a refusal changes nothing");

    // One press sends the answer; the program team hears of it.
    let answered = json_of(browser.post(&check, json!({"answer": "need_help"})).await).await;
    assert_eq!(answered["answer"], "need_help");
    assert_eq!(answered["answered_by"], "you");
    let to_team = app.mail_to(TEAM).await;
    assert_eq!(to_team.len(), 1);
    assert_eq!(to_team[0].subject, "A MOments pair has asked for help");
    assert!(
        to_team[0].text.contains("The mentee of a mentorship")
            && to_team[0].text.contains("Max Mentor"),
        "{}",
        to_team[0].text
    );

    // Max answers too: one answer per check-in, and his is refused.
    let before = app.embedded_items();
    let second = problem(
        max.post(&check, json!({"answer": "meeting"})).await,
        StatusCode::CONFLICT,
    )
    .await;
    assert!(
        second["detail"]
            .as_str()
            .is_some_and(|d| d.contains("already been answered (We need help)")),
        "{second}"
    );
    assert!(
        before == app.embedded_items(),
        "a second answer changes nothing"
    );
    let read = json_of(max.get(&check).await).await;
    assert_eq!(read["answered_by"], "partner");

    // Listed as asking for help, until the pair meets again.
    let listed = quiet_pairs(&pat).await;
    assert_eq!(listed["pairs"][0]["answer"], "need_help");
    assert_eq!(listed["pairs"][0]["answered_by"], "mentee");
    let today = jiff::tz::TimeZone::UTC.to_datetime(app.now()).date();
    let r = ada
        .post(
            &format!("/api/mentorships/{id}/meetings"),
            json!({"date": today.to_string(), "minutes": 60}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    assert_eq!(quiet_pairs(&pat).await["pairs"], json!([]));
    // The next check waits for another spell.
    assert!(
        app.job_names()
            .await
            .iter()
            .any(|n| n.starts_with(&format!("ms-{id}-quiet-"))),
        "the next check is made"
    );
}

#[tokio::test]
async fn a_quiet_pair_is_asked_after_four_weeks_and_help_reaches_the_program_team_on_the_embedded_store()
 {
    a_quiet_pair_is_asked_after_four_weeks_and_help_reaches_the_program_team(spawn_app().await)
        .await;
}

#[tokio::test]
async fn a_quiet_pair_is_asked_after_four_weeks_and_help_reaches_the_program_team_through_dynamodb_ses_and_eventbridge_scheduler()
 {
    a_quiet_pair_is_asked_after_four_weeks_and_help_reaches_the_program_team(
        spawn_app_on_aws("quiet").await,
    )
    .await;
}

#[tokio::test]
async fn a_pair_that_meets_is_left_alone_and_we_are_meeting_starts_the_clock_again() {
    let app = spawn_app().await;
    let (_, _, id) = matched(&app).await;

    // A meeting in week three: the four-week check finds them busy and
    // looks again four weeks after that meeting.
    app.advance(DAY * 20);
    let met = jiff::tz::TimeZone::UTC.to_datetime(app.now()).date();
    let r = app
        .sign_in(MAX)
        .await
        .post(
            &format!("/api/mentorships/{id}/meetings"),
            json!({"date": met.to_string(), "minutes": 30}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    app.advance(DAY * 9);
    let ran = app.run_due_jobs().await;
    assert_eq!(
        quiet_outcomes(&ran),
        ["NothingToDo(\"the pair is not quiet\")"]
    );
    assert!(check_in_mail(&app, ADA).await.is_empty());

    // Four weeks after the meeting: asked.
    app.advance(DAY * 20);
    let ran = app.run_due_jobs().await;
    assert_eq!(quiet_outcomes(&ran), ["Sent(2)"]);
    let check = format!("/api/mentorships/{id}/check-ins/{met}");
    let pat = app.sign_in(PROGRAM_ADMIN).await;
    assert_eq!(
        quiet_pairs(&pat).await["pairs"][0]["quiet_since"],
        met.to_string()
    );

    // Ten days later, "we're meeting, just not logging": off the list, and
    // the clock starts again from the answer.
    app.advance(DAY * 10);
    let (pat, ada) = (app.sign_in(PROGRAM_ADMIN).await, app.sign_in(ADA).await);
    let answered = json_of(ada.post(&check, json!({"answer": "meeting"})).await).await;
    assert_eq!(
        answered["answer_label"],
        "We're meeting, just not logging it"
    );
    assert_eq!(quiet_pairs(&pat).await["pairs"], json!([]));
    let answered_on = jiff::tz::TimeZone::UTC.to_datetime(app.now()).date();
    // The check made with the check-in, four weeks after it, finds them
    // not quiet; four weeks after the answer, they are asked again.
    app.advance(DAY * 19);
    let ran = app.run_due_jobs().await;
    assert_eq!(
        quiet_outcomes(&ran),
        ["NothingToDo(\"the pair is not quiet\")"]
    );
    app.advance(DAY * 10);
    let ran = app.run_due_jobs().await;
    assert_eq!(quiet_outcomes(&ran), ["Sent(2)"]);
    let mail = check_in_mail(&app, ADA).await;
    assert_eq!(mail.len(), 2);
    assert!(
        mail[1].text.contains(&format!("since {answered_on}")),
        "{}",
        mail[1].text
    );
}

#[tokio::test]
async fn we_have_finished_ends_the_mentorship_and_an_unanswered_survey_is_asked_once_more() {
    let app = spawn_app().await;
    let (_, _, id) = matched(&app).await;
    let started = jiff::tz::TimeZone::UTC.to_datetime(app.now()).date();
    app.advance(DAY * 29);
    app.run_due_jobs().await;
    let (ada, max) = (app.sign_in(ADA).await, app.sign_in(MAX).await);
    let check = format!("/api/mentorships/{id}/check-ins/{started}");
    let answered = json_of(ada.post(&check, json!({"answer": "finished"})).await).await;
    assert_eq!(answered["active"], false);
    let read = json_of(max.get(&format!("/api/mentorships/{id}")).await).await;
    assert_eq!(read["status"], "completed");
    for to in [ADA, MAX] {
        let last = app.mail_to(to).await.pop().expect("told");
        assert!(last.subject.contains("has ended"), "{}", last.subject);
    }
    // A second answer, from the other side: refused, nothing changed.
    problem(
        max.post(&check, json!({"answer": "need_help"})).await,
        StatusCode::CONFLICT,
    )
    .await;

    // Ada answers the survey; Max does not. A week on, only Max is asked
    // once more, and only once.
    let survey = json!({"satisfaction": 5, "goals_met": "yes", "meetings": 3,
                        "cadence": "monthly", "would_recommend": true});
    let r = ada.post(&format!("/api/surveys/{id}"), survey).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let ada_mail = app.mail_to(ADA).await.len();
    app.advance(DAY * 6);
    let ran = app.run_due_jobs().await;
    assert!(!outcomes(&ran).iter().any(|(n, _)| n.ends_with("-survey")));
    app.advance(DAY + SignedDuration::from_secs(1));
    let ran = app.run_due_jobs().await;
    let survey_runs: Vec<_> = outcomes(&ran)
        .into_iter()
        .filter(|(n, _)| n.ends_with("-survey"))
        .map(|(_, o)| o)
        .collect();
    assert_eq!(survey_runs, ["Sent(1)"]);
    let reminder = app.mail_to(MAX).await.pop().expect("reminder");
    assert_eq!(reminder.subject, "A reminder: the short MOments survey");
    assert!(
        reminder.text.contains("/signin/confirm/#token="),
        "it signs Max in for the survey: {}",
        reminder.text
    );
    assert_eq!(app.mail_to(ADA).await.len(), ada_mail);
    let job = Job::SurveyReminder {
        mentorship: moments_domain::mentorship::MentorshipId::parse(&id).expect("id"),
    };
    let again = as_function(
        "moments-reminders",
        moments_reminders::run(&app.jobs.deps, &job),
    )
    .await
    .expect("run");
    assert!(format!("{again:?}").starts_with("NothingToDo"), "{again:?}");
    assert_eq!(
        app.mail_to(MAX)
            .await
            .iter()
            .filter(|m| m.subject.starts_with("A reminder: the short"))
            .count(),
        1
    );
}

#[tokio::test]
async fn the_program_team_sets_the_quiet_weeks_per_field_from_the_version_read() {
    let app = spawn_app().await;
    let pat = app.sign_in(PROGRAM_ADMIN).await;
    let before = app.embedded_items();
    for (body, field) in [
        (json!({"quiet_weeks": 0, "version": 0}), "quiet_weeks"),
        (json!({"quiet_weeks": 27, "version": 0}), "quiet_weeks"),
        (json!({"quiet_weeks": "four", "version": 0}), "quiet_weeks"),
        (json!({"quiet_weeks": 2}), "version"),
    ] {
        let bad = problem(
            pat.put("/api/admin/settings", body.clone()).await,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
        assert!(bad["errors"][field].is_string(), "{body}: {bad}");
    }
    assert!(before == app.embedded_items(), "bad input changes nothing");

    let saved = json_of(
        pat.put(
            "/api/admin/settings",
            json!({"quiet_weeks": 2, "version": 0}),
        )
        .await,
    )
    .await;
    assert_eq!(
        (saved["quiet_weeks"].as_u64(), saved["version"].as_u64()),
        (Some(2), Some(1))
    );
    problem(
        pat.put(
            "/api/admin/settings",
            json!({"quiet_weeks": 3, "version": 0}),
        )
        .await,
        StatusCode::CONFLICT,
    )
    .await;
    let trail = app.store.program_settings_audit().await.expect("audit");
    assert_eq!(trail.len(), 1);
    assert_eq!(
        trail[0].note.as_deref(),
        Some("check-in after 2 weeks without a meeting (was 4)")
    );

    // A pair matched now is asked after two weeks.
    let (_, _, _) = matched(&app).await;
    app.advance(DAY * 15);
    let ran = app.run_due_jobs().await;
    assert_eq!(quiet_outcomes(&ran), ["Sent(2)"]);
    assert!(
        check_in_mail(&app, ADA).await[0]
            .text
            .contains("2 weeks or more")
    );
}
