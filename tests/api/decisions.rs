use reqwest::StatusCode;
use serde_json::json;

use moments_domain::application::ApplicationId;

use crate::helpers::*;

const ADA: &str = "ada.lovelace@mo.gov";
const GRACE: &str = "grace.hopper@mo.gov";

async fn applied(app: &TestApp) -> String {
    let ada = app.sign_in(ADA).await;
    json_of(ada.apply(mentee_form(GRACE)).await).await["id"]
        .as_str()
        .expect("id")
        .to_string()
}

async fn status_of(app: &TestApp, id: &str) -> String {
    let id = ApplicationId::parse(id).expect("id");
    let stored = app
        .store
        .application(&id)
        .await
        .expect("read")
        .expect("exists");
    stored.status.as_str().to_string()
}

#[tokio::test]
async fn supervisor_approves_once_and_the_applicant_is_told() {
    let app = spawn_app().await;
    let id = applied(&app).await;
    let grace = app.sign_in(GRACE).await;
    let queue = json_of(grace.get("/api/reviews").await).await;
    assert_eq!(queue["supervisor"]["pending"][0]["id"], json!(id));

    let r = grace
        .post(
            &format!("/api/applications/{id}/decision"),
            json!({"outcome": "approve"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let decided = json_of(r).await;
    assert_eq!(decided["status"], "approved");
    assert_eq!(decided["decision"]["decided_by"], GRACE);
    assert_eq!(decided["decision"]["on_behalf_of"], json!(null));
    assert!(
        app.mail_to(ADA)
            .await
            .iter()
            .all(|m| !m.subject.contains("approved")),
        "nothing goes while the decision can be undone"
    );
    app.after_undo_window().await;
    let told = app.mail_to(ADA).await.pop().expect("decision email");
    assert!(told.subject.contains("approved"), "{}", told.subject);

    let mails = app.mail_count().await;
    let again = problem(
        grace
            .post(
                &format!("/api/applications/{id}/decision"),
                json!({"outcome": "deny", "message": "Changed my mind"}),
            )
            .await,
        StatusCode::CONFLICT,
    )
    .await;
    assert!(
        again["detail"]
            .as_str()
            .unwrap_or_default()
            .contains("approved")
    );
    assert_eq!(status_of(&app, &id).await, "approved");
    assert_eq!(app.mail_count().await, mails, "no second email");

    let queue = json_of(grace.get("/api/reviews").await).await;
    assert_eq!(queue["supervisor"]["pending"], json!([]));
    assert_eq!(queue["supervisor"]["decided"][0]["id"], json!(id));
}

#[tokio::test]
async fn denial_carries_the_supervisors_message_as_text() {
    let app = spawn_app().await;
    let id = applied(&app).await;
    let grace = app.sign_in(GRACE).await;
    let message = "Let's talk after the busy season — ask me in March.";
    let r = grace
        .post(
            &format!("/api/applications/{id}/decision"),
            json!({"outcome": "deny", "message": message}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    app.after_undo_window().await;
    let told = app.mail_to(ADA).await.pop().expect("decision email");
    assert!(told.subject.contains("not approved"));
    assert!(told.text.contains(message));
    let ada = app.sign_in(ADA).await;
    let mine = json_of(ada.get("/api/applications").await).await;
    assert_eq!(
        mine["applications"][0]["decision"]["message"],
        json!(message)
    );
}

#[tokio::test]
async fn bad_decision_input_names_the_field_and_changes_nothing() {
    let app = spawn_app().await;
    let id = applied(&app).await;
    let grace = app.sign_in(GRACE).await;
    let body = problem(
        grace
            .post(
                &format!("/api/applications/{id}/decision"),
                json!({"outcome": "maybe"}),
            )
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert!(body["errors"]["outcome"].is_string());
    let body = problem(
        grace
            .post(
                &format!("/api/applications/{id}/decision"),
                json!({"outcome": "deny", "message": "<script>x</script>"}),
            )
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert!(body["errors"]["message"].is_string());
    assert_eq!(status_of(&app, &id).await, "pending");
}

#[tokio::test]
async fn only_the_supervisor_or_a_department_administrator_may_decide() {
    let app = spawn_app().await;
    let id = applied(&app).await;
    let mails = app.mail_count().await;
    let path = format!("/api/applications/{id}/decision");

    let other_supervisor = app.sign_in("someone.else@mo.gov").await;
    problem(
        other_supervisor
            .post(&path, json!({"outcome": "approve"}))
            .await,
        StatusCode::FORBIDDEN,
    )
    .await;

    app.make_department_admin("tom.transport@mo.gov", "transportation")
        .await;
    let other_dept_admin = app.sign_in("tom.transport@mo.gov").await;
    problem(
        other_dept_admin
            .post(&path, json!({"outcome": "approve"}))
            .await,
        StatusCode::FORBIDDEN,
    )
    .await;

    let program_admin = app.sign_in(PROGRAM_ADMIN).await;
    problem(
        program_admin
            .post(&path, json!({"outcome": "approve"}))
            .await,
        StatusCode::FORBIDDEN,
    )
    .await;

    problem(
        app.anonymous()
            .post(&path, json!({"outcome": "approve"}))
            .await,
        StatusCode::UNAUTHORIZED,
    )
    .await;

    assert_eq!(status_of(&app, &id).await, "pending");
    assert_eq!(
        app.mail_count().await,
        mails + 3,
        "only the three sign-in links were sent"
    );
}

#[tokio::test]
async fn applicants_cannot_decide_their_own_application_even_as_administrators() {
    let app = spawn_app().await;
    let id = applied(&app).await;
    app.make_department_admin(ADA, "revenue").await;
    let ada = app.sign_in(ADA).await;
    let body = problem(
        ada.post(
            &format!("/api/applications/{id}/decision"),
            json!({"outcome": "approve"}),
        )
        .await,
        StatusCode::FORBIDDEN,
    )
    .await;
    assert!(body["detail"].as_str().unwrap_or_default().contains("own"));
    assert_eq!(status_of(&app, &id).await, "pending");
}

#[tokio::test]
async fn department_administrator_decides_on_the_supervisors_behalf_and_the_supervisor_sees_it() {
    let app = spawn_app().await;
    let id = applied(&app).await;
    app.make_department_admin("dana.admin@mo.gov", "revenue")
        .await;
    let dana = app.sign_in("dana.admin@mo.gov").await;
    let queue = json_of(dana.get("/api/reviews").await).await;
    assert_eq!(queue["department_admin"][0]["department"]["id"], "revenue");
    assert_eq!(queue["department_admin"][0]["pending"][0]["id"], json!(id));

    let r = dana
        .post(
            &format!("/api/applications/{id}/decision"),
            json!({"outcome": "approve"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let decided = json_of(r).await;
    assert_eq!(decided["decision"]["decided_by"], "dana.admin@mo.gov");
    assert_eq!(decided["decision"]["on_behalf_of"], GRACE);

    let queue = json_of(dana.get("/api/reviews").await).await;
    assert_eq!(queue["department_admin"][0]["pending"], json!([]));

    let grace = app.sign_in(GRACE).await;
    let queue = json_of(grace.get("/api/reviews").await).await;
    assert_eq!(
        queue["supervisor"]["decided"][0]["decision"]["on_behalf_of"],
        GRACE
    );
    assert_eq!(
        queue["supervisor"]["decided"][0]["decision"]["decided_by"],
        "dana.admin@mo.gov"
    );
    app.after_undo_window().await;
    let told = app.mail_to(ADA).await.pop().expect("decision email");
    assert!(
        told.text.contains("on behalf of Grace Hopper"),
        "{}",
        told.text
    );

    let id = ApplicationId::parse(&id).expect("id");
    let trail = app.store.audit_of(&id).await.expect("audit");
    let actions: Vec<String> = trail.iter().map(|e| format!("{:?}", e.action)).collect();
    assert_eq!(actions, ["Submitted", "Approved"]);
    assert_eq!(
        trail[1].on_behalf_of.as_ref().map(|e| e.as_str()),
        Some(GRACE)
    );
}

#[tokio::test]
async fn simultaneous_decisions_apply_exactly_once() {
    let app = spawn_app().await;
    let id = applied(&app).await;
    app.make_department_admin("dana.admin@mo.gov", "revenue")
        .await;
    let grace = app.sign_in(GRACE).await;
    let dana = app.sign_in("dana.admin@mo.gov").await;
    let path = format!("/api/applications/{id}/decision");
    let mut tasks = Vec::new();
    for n in 0..20 {
        let client = if n % 2 == 0 {
            grace.client.clone()
        } else {
            dana.client.clone()
        };
        let url = app.url(&path);
        let outcome = if n % 3 == 0 { "deny" } else { "approve" };
        tasks.push(tokio::spawn(async move {
            client
                .post(url)
                .json(&json!({"outcome": outcome}))
                .send()
                .await
                .expect("POST")
                .status()
        }));
    }
    let mut ok = 0;
    let mut conflict = 0;
    for t in tasks {
        match t.await.expect("task") {
            StatusCode::OK => ok += 1,
            StatusCode::CONFLICT => conflict += 1,
            other => panic!("unexpected {other}"),
        }
    }
    assert_eq!((ok, conflict), (1, 19));
    let trail = app
        .store
        .audit_of(&ApplicationId::parse(&id).expect("id"))
        .await
        .expect("audit");
    assert_eq!(trail.len(), 2, "submitted + one decision");
    app.after_undo_window().await;
    let decisions = app
        .mail_to(ADA)
        .await
        .iter()
        .filter(|m| m.subject.contains("approved"))
        .count();
    assert_eq!(decisions, 1);
}

#[tokio::test]
async fn deciding_an_unknown_application_is_not_found() {
    let app = spawn_app().await;
    let grace = app.sign_in(GRACE).await;
    let path = format!("/api/applications/{}/decision", "0".repeat(32));
    problem(
        grace.post(&path, json!({"outcome": "approve"})).await,
        StatusCode::NOT_FOUND,
    )
    .await;
}

/// Decide, as `who`, and answer the decision.
async fn decide(who: &Person, id: &str, outcome: &str) -> serde_json::Value {
    json_of(
        who.post(
            &format!("/api/applications/{id}/decision"),
            json!({"outcome": outcome, "message": "Not this quarter."}),
        )
        .await,
    )
    .await
}

#[tokio::test]
async fn the_decider_undoes_within_seconds_and_the_applicant_never_hears_of_it() {
    let app = spawn_app().await;
    let id = applied(&app).await;
    let grace = app.sign_in(GRACE).await;
    let path = format!("/api/applications/{id}/decision");
    let denied = decide(&grace, &id, "deny").await;
    let until: jiff::Timestamp = denied["decision"]["undo_until"]
        .as_str()
        .expect("undo_until for the decider")
        .parse()
        .expect("a time");
    assert_eq!(until, app.now() + moments_domain::application::UNDO_WITHIN);

    // Someone else (here the department's administrator) cannot undo it.
    app.make_department_admin("dana.admin@mo.gov", "revenue")
        .await;
    let dana = app.sign_in("dana.admin@mo.gov").await;
    problem(dana.delete(&path).await, StatusCode::FORBIDDEN).await;

    app.advance(jiff::SignedDuration::from_secs(9));
    let r = grace.delete(&path).await;
    assert_eq!(r.status(), StatusCode::OK);
    let undone = json_of(r).await;
    assert_eq!(undone["status"], "pending");
    assert_eq!(undone["decision"], json!(null));
    assert_eq!(status_of(&app, &id).await, "pending");
    let queue = json_of(grace.get("/api/reviews").await).await;
    assert_eq!(queue["supervisor"]["pending"][0]["id"], json!(id));

    app.advance(jiff::SignedDuration::from_secs(60));
    app.run_due_jobs().await;
    assert!(
        app.mail_to(ADA)
            .await
            .iter()
            .all(|m| !m.subject.contains("approved")),
        "the applicant never hears of an undone decision"
    );
    let trail = app
        .store
        .audit_of(&ApplicationId::parse(&id).expect("id"))
        .await
        .expect("audit");
    let actions: Vec<String> = trail.iter().map(|e| format!("{:?}", e.action)).collect();
    assert_eq!(actions, ["Submitted", "Denied", "DecisionUndone"]);
    problem(grace.delete(&path).await, StatusCode::CONFLICT).await;

    // Decided again, the new decision is told, once.
    let approved = decide(&grace, &id, "approve").await;
    assert_eq!(approved["status"], "approved");
    app.after_undo_window().await;
    app.advance(jiff::SignedDuration::from_secs(60));
    app.run_due_jobs().await;
    let told: Vec<String> = app
        .mail_to(ADA)
        .await
        .into_iter()
        .map(|m| m.subject)
        .filter(|s| s.contains("approved"))
        .collect();
    assert_eq!(told, ["Your MOments mentee application is approved"]);
}

#[tokio::test]
async fn after_ten_seconds_or_once_told_a_decision_stands() {
    let app = spawn_app().await;
    let id = applied(&app).await;
    let grace = app.sign_in(GRACE).await;
    let path = format!("/api/applications/{id}/decision");
    decide(&grace, &id, "approve").await;
    app.undo_refused_as_too_late(&grace, &path).await;
    app.run_due_jobs().await;
    assert_eq!(status_of(&app, &id).await, "approved");
    assert!(
        app.mail_to(ADA)
            .await
            .iter()
            .any(|m| m.subject.contains("approved"))
    );
}

#[tokio::test]
async fn a_decision_the_email_job_has_claimed_cannot_be_undone_even_within_the_seconds() {
    let app = spawn_app().await;
    let id = applied(&app).await;
    let grace = app.sign_in(GRACE).await;
    let path = format!("/api/applications/{id}/decision");
    let decided = decide(&grace, &id, "approve").await;
    // The email's job runs early (a scheduler's clock is not ours): its
    // claim makes the decision final.
    let at: jiff::Timestamp = decided["decision"]["decided_at"]
        .as_str()
        .expect("decided_at")
        .parse()
        .expect("time");
    let app_id = ApplicationId::parse(&id).expect("id");
    let job = moments_domain::reminders::Job::DecisionMail {
        application: app_id,
        decided_at: at,
    };
    let notice = moments_domain::reminders::held_notice(&job, at);
    assert!(
        app.store
            .claim_notice(&notice, app.now(), jiff::SignedDuration::from_hours(1))
            .await
            .expect("claim")
    );
    let items = app.table_items();
    let body = problem(grace.delete(&path).await, StatusCode::CONFLICT).await;
    assert!(
        body["detail"].as_str().unwrap_or_default().contains("told"),
        "{body}"
    );
    assert_eq!(app.table_items(), items, "a refusal changes nothing");
    assert_eq!(status_of(&app, &id).await, "approved");
}

#[tokio::test]
async fn a_mentor_requested_in_the_seconds_after_approval_stays_approved() {
    let app = spawn_app().await;
    let max = app.sign_in("max.mentor@mo.gov").await;
    let r = max.apply(mentor_form(GRACE)).await;
    let id = json_of(r).await["id"].as_str().expect("id").to_string();
    let grace = app.sign_in(GRACE).await;
    let listed = decide(&grace, &id, "approve").await;
    assert_eq!(listed["status"], "approved");
    // A mentee finds him in search at once and asks.
    app.approved_mentee("bea.baker@mo.gov").await;
    let bea = app.sign_in("bea.baker@mo.gov").await;
    let asked = bea
        .post("/api/requests", json!({"mentor": id, "message": "Hello"}))
        .await;
    assert_eq!(
        asked.status(),
        StatusCode::CREATED,
        "{}",
        json_of(asked).await
    );
    let items = app.table_items();
    let body = problem(
        grace
            .delete(&format!("/api/applications/{id}/decision"))
            .await,
        StatusCode::CONFLICT,
    )
    .await;
    assert!(
        body["detail"]
            .as_str()
            .unwrap_or_default()
            .contains("request"),
        "{body}"
    );
    assert_eq!(app.table_items(), items, "a refusal changes nothing");
    app.assert_invariants();
}

#[tokio::test]
async fn undoing_an_approval_takes_the_mentor_out_of_search_and_the_figures() {
    let app = spawn_app().await;
    let max = app.sign_in("max.mentor@mo.gov").await;
    let r = max.apply(mentor_form(GRACE)).await;
    let id = json_of(r).await["id"].as_str().expect("id").to_string();
    let grace = app.sign_in(GRACE).await;
    let before = app.table_items();
    decide(&grace, &id, "approve").await;
    let searcher = app.sign_in("bea.baker@mo.gov").await;
    let found = json_of(searcher.get("/api/mentors").await).await;
    assert!(found.to_string().contains(&id), "listed once approved");
    let r = grace
        .delete(&format!("/api/applications/{id}/decision"))
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let found = json_of(searcher.get("/api/mentors").await).await;
    assert!(!found.to_string().contains(&id), "no longer listed");
    // The counters (zeros aside) and the listing are as they were before the
    // decision; the listing's change feed records both changes.
    let kept = |items: &std::collections::BTreeMap<moments_adapters::table::Key, _>| {
        items
            .iter()
            .filter(|(k, _)| {
                k.pk == "METRICS" || (k.pk.starts_with("LISTING#") && k.pk != "LISTING#CHANGES")
            })
            .map(|(k, v): (_, &moments_adapters::table::Item)| {
                let v: Vec<String> = v
                    .iter()
                    .filter(|(_, a)| a.as_i64() != Some(0))
                    .map(|(n, a)| format!("{n}={a}"))
                    .collect();
                format!("{k:?}={v:?}")
            })
            .collect::<Vec<String>>()
    };
    assert_eq!(kept(&app.table_items()), kept(&before));
    app.assert_invariants();
}

#[tokio::test]
async fn a_job_the_scheduler_starts_early_waits_out_the_seconds_so_an_undo_still_lands() {
    let app = spawn_app().await;
    let id = applied(&app).await;
    let grace = app.sign_in(GRACE).await;
    let decided = decide(&grace, &id, "approve").await;
    let decided_at: jiff::Timestamp = decided["decision"]["decided_at"]
        .as_str()
        .expect("decided_at")
        .parse()
        .expect("time");
    // EventBridge Scheduler starts it within the minute of its time: here
    // 2 seconds early, with 2 seconds still to undo.
    app.advance(jiff::SignedDuration::from_secs(8));
    let job = moments_domain::reminders::Job::DecisionMail {
        application: ApplicationId::parse(&id).expect("id"),
        decided_at,
    };
    let deps = app.jobs.deps.clone();
    let early = tokio::spawn(async move {
        moments_adapters::deps::as_function(
            "moments-reminders",
            moments_reminders::run(&deps, &job),
        )
        .await
    });
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    let r = grace
        .delete(&format!("/api/applications/{id}/decision"))
        .await;
    assert_eq!(
        r.status(),
        StatusCode::OK,
        "the undo lands while the job waits"
    );
    let outcome = early.await.expect("job").expect("ran");
    assert_eq!(
        outcome,
        moments_reminders::Outcome::NothingToDo("the decision was undone")
    );
    assert!(
        app.mail_to(ADA)
            .await
            .iter()
            .all(|m| !m.subject.contains("approved"))
    );
}
