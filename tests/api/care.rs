//! Program administrators take care of people and pairs: matching by hand,
//! ending, moving a mentee to another mentor, revoking an approval, and
//! recording that someone left state service. Each action and its
//! refusals; refusals change nothing; a manual match racing a mentor's
//! accept for the last place lets exactly one win, on both stores.

use moments_domain::fields::EmailAddress;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::*;

const BEA: &str = "bea.mentee@mo.gov";
const MO: &str = "mo.mentor@mo.gov";

fn subjects(mail: &[moments_adapters::mail::outbox::OutboxEntry]) -> Vec<String> {
    mail.iter().map(|m| m.subject.clone()).collect()
}

async fn match_by_hand(admin: &Person, mentee: &str, mentor: &str) -> reqwest::Response {
    admin
        .post(
            "/api/admin/mentorships",
            json!({"mentee": mentee, "mentor": mentor, "reason": "They met at the kickoff and asked."}),
        )
        .await
}

/// The audit trail of a mentorship, as the admin page reads it.
async fn trail(admin: &Person, mentorship: &str) -> Vec<Value> {
    let body = json_of(
        admin
            .get(&format!("/api/admin/audit/mentorships/{mentorship}"))
            .await,
    )
    .await;
    body["entries"].as_array().cloned().unwrap_or_default()
}

async fn manual_match_scenario(app: TestApp) {
    let ada_app = app.approved_mentee(ADA).await;
    let max_app = app.approved_mentor(MAX).await;
    let admin = app.sign_in(PROGRAM_ADMIN).await;

    let r = match_by_hand(&admin, ADA, MAX).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let made = json_of(r).await;
    assert_eq!(made["status"], "active");
    assert_eq!(
        (made["mentee"].as_str(), made["mentor"].as_str()),
        (Some(ADA), Some(MAX))
    );
    let id = made["id"].as_str().expect("id").to_string();
    assert_eq!(
        (
            app.active_count(&ada_app).await,
            app.active_count(&max_app).await
        ),
        (1, 1)
    );
    // Both have each other's contact details, as on any match.
    for (to, partner) in [(ADA, MAX), (MAX, ADA)] {
        let mail = app.mail_to(to).await;
        let matched = mail
            .iter()
            .find(|m| m.subject.contains("You are matched"))
            .unwrap_or_else(|| panic!("{to} told: {:?}", subjects(&mail)));
        assert!(matched.text.contains(partner), "{}", matched.text);
    }
    let ada = app.sign_in(ADA).await;
    let mine = json_of(ada.get("/api/mentorships").await).await;
    assert_eq!(mine["mentorships"][0]["id"], json!(id));
    let entries = trail(&admin, &id).await;
    assert!(
        entries.iter().any(|e| e["action"] == "matched_by_admin"
            && e["actor"] == PROGRAM_ADMIN
            && e["note"] == "They met at the kickoff and asked."),
        "{entries:?}"
    );

    // The rules hold for an administrator too.
    let r = match_by_hand(&admin, ADA, MAX).await;
    let p = problem(r, StatusCode::CONFLICT).await;
    assert!(
        p["detail"].as_str().expect("detail").contains("already"),
        "{p}"
    );
    let p = problem(
        match_by_hand(&admin, ADA, "nobody.here@mo.gov").await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert!(
        p["errors"]["mentor"]
            .as_str()
            .expect("error")
            .contains("no mentor application"),
        "{p}"
    );
    let p = problem(
        admin
            .post(
                "/api/admin/mentorships",
                json!({"mentee": ADA, "mentor": MAX, "reason": ""}),
            )
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert!(p["errors"]["reason"].is_string(), "{p}");
    // Ada's supervisor cannot be her mentor.
    app.approved_mentor(SUPERVISOR).await;
    let p = problem(
        match_by_hand(&admin, ADA, SUPERVISOR).await,
        StatusCode::CONFLICT,
    )
    .await;
    assert!(
        p["detail"].as_str().expect("detail").contains("supervisor"),
        "{p}"
    );
    // Max takes a second mentee; a third is refused.
    app.approved_mentee(BEA).await;
    app.approved_mentee("cy.mentee@mo.gov").await;
    assert_eq!(
        match_by_hand(&admin, BEA, MAX).await.status(),
        StatusCode::CREATED
    );
    let p = problem(
        match_by_hand(&admin, "cy.mentee@mo.gov", MAX).await,
        StatusCode::CONFLICT,
    )
    .await;
    assert!(
        p["detail"]
            .as_str()
            .expect("detail")
            .contains("two active mentees"),
        "{p}"
    );
    assert_eq!(app.active_count(&max_app).await, 2);
    // Only program administrators.
    let p = problem(
        match_by_hand(&ada, "cy.mentee@mo.gov", MO).await,
        StatusCode::FORBIDDEN,
    )
    .await;
    assert!(
        p["detail"]
            .as_str()
            .expect("detail")
            .contains("program administrators"),
        "{p}"
    );
}

#[tokio::test]
async fn an_administrator_matches_two_people_by_hand_under_the_programs_rules() {
    manual_match_scenario(spawn_app().await).await;
}

#[tokio::test]
async fn an_administrator_matches_two_people_by_hand_under_the_programs_rules_on_dynamodb() {
    manual_match_scenario(spawn_app_on_dynamodb("care-match").await).await;
}

async fn end_and_repair_scenario(app: TestApp) {
    let ada_app = app.approved_mentee(ADA).await;
    let max_app = app.approved_mentor(MAX).await;
    let mo_app = app.approved_mentor(MO).await;
    let admin = app.sign_in(PROGRAM_ADMIN).await;
    let first = json_of(match_by_hand(&admin, ADA, MAX).await).await["id"]
        .as_str()
        .expect("id")
        .to_string();

    // Move Ada to Mo, in one step: her place passes to the new pair.
    let repair = |mentor: &str| json!({"mentor": mentor, "reason": "Max moved to another agency."});
    let path = format!("/api/admin/mentorships/{first}/repair");
    let p = problem(
        admin.post(&path, repair(MAX)).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert!(p["errors"]["mentor"].is_string(), "{p}");
    let r = admin.post(&path, repair(MO)).await;
    assert_eq!(r.status(), StatusCode::OK);
    let moved = json_of(r).await;
    assert_eq!(moved["ended"]["status"], "discontinued");
    assert_eq!(moved["started"]["mentor"], MO);
    assert_eq!(
        (
            app.active_count(&ada_app).await,
            app.active_count(&max_app).await,
            app.active_count(&mo_app).await
        ),
        (1, 0, 1)
    );
    assert!(
        subjects(&app.mail_to(MAX).await)
            .iter()
            .any(|s| s.contains("ended by the program team")),
        "Max is told"
    );
    assert!(
        app.mail_to(ADA)
            .await
            .iter()
            .any(|m| m.subject.contains("You are matched") && m.text.contains(MO)),
        "Ada has Mo's details"
    );
    // The ended one cannot be moved or ended again.
    let p = problem(admin.post(&path, repair(MO)).await, StatusCode::CONFLICT).await;
    assert!(
        p["detail"].as_str().expect("detail").contains("ended"),
        "{p}"
    );

    // End the new one: both are told, both places free again.
    let second = moved["started"]["id"].as_str().expect("id").to_string();
    let end = format!("/api/admin/mentorships/{second}/end");
    let p = problem(
        admin.post(&end, json!({"reason": " "})).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert!(p["errors"]["reason"].is_string(), "{p}");
    let r = admin
        .post(&end, json!({"reason": "The pair asked us to."}))
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(json_of(r).await["status"], "discontinued");
    assert_eq!(
        (
            app.active_count(&ada_app).await,
            app.active_count(&mo_app).await
        ),
        (0, 0)
    );
    for who in [ADA, MO] {
        assert!(
            subjects(&app.mail_to(who).await)
                .iter()
                .any(|s| s.contains("ended by the program team")),
            "{who} is told"
        );
    }
    assert_eq!(
        admin.post(&end, json!({"reason": "Again."})).await.status(),
        StatusCode::CONFLICT
    );
    let ada = app.sign_in(ADA).await;
    assert_eq!(
        ada.post(&end, json!({"reason": "Me."})).await.status(),
        StatusCode::FORBIDDEN
    );
    let entries = trail(&admin, &second).await;
    assert!(
        entries
            .iter()
            .any(|e| e["action"] == "ended_by_admin" && e["note"] == "The pair asked us to."),
        "{entries:?}"
    );
}

#[tokio::test]
async fn an_administrator_ends_a_mentorship_and_moves_a_mentee_to_another_mentor() {
    end_and_repair_scenario(spawn_app().await).await;
}

#[tokio::test]
async fn an_administrator_ends_a_mentorship_and_moves_a_mentee_to_another_mentor_on_dynamodb() {
    end_and_repair_scenario(spawn_app_on_dynamodb("care-repair").await).await;
}

async fn revoke_scenario(app: TestApp) {
    let (ada, max, max_app, request) = pair_up(&app).await;
    let admin = app.sign_in(PROGRAM_ADMIN).await;
    // Bea is paired with Max already; revoking Max leaves that pair alone.
    app.approved_mentee(BEA).await;
    assert_eq!(
        match_by_hand(&admin, BEA, MAX).await.status(),
        StatusCode::CREATED
    );

    let path = format!("/api/admin/applications/{max_app}/revoke");
    let before = app.embedded_items();
    for (who, body, status) in [
        (&ada, json!({"reason": "No."}), StatusCode::FORBIDDEN),
        (
            &admin,
            json!({"reason": ""}),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
    ] {
        assert_eq!(who.post(&path, body).await.status(), status);
    }
    assert_eq!(app.embedded_items(), before, "refusals change nothing");

    let r = admin
        .post(&path, json!({"reason": "On a performance plan since May."}))
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let revoked = json_of(r).await;
    assert_eq!(revoked["application"]["status"], "revoked");
    assert_eq!(
        revoked["application"]["revoked"]["reason"],
        "On a performance plan since May."
    );
    assert_eq!(
        (
            revoked["requests_closed"].as_u64(),
            revoked["mentorships_ended"].as_u64()
        ),
        (Some(1), Some(0))
    );
    assert_eq!(
        app.active_count(&max_app).await,
        1,
        "the mentorship goes on"
    );
    let read = json_of(ada.get(&format!("/api/requests/{request}")).await).await;
    assert_eq!(read["status"], "closed");
    assert!(
        app.mail_to(MAX)
            .await
            .iter()
            .any(|m| m.subject.contains("withdrawn by the program team")
                && m.text.contains("On a performance plan since May.")),
        "Max is told why"
    );
    assert!(
        subjects(&app.mail_to(ADA).await)
            .iter()
            .any(|s| s.contains("request has been closed")),
        "Ada is told her request closed"
    );
    // Out of search, and he cannot be asked again.
    let found = json_of(ada.get("/api/mentors").await).await;
    assert!(!found.to_string().contains(MAX), "{found}");
    let body = json!({"mentor": max_app.as_str()});
    assert_eq!(
        ada.post("/api/requests", body).await.status(),
        StatusCode::CONFLICT
    );
    // Max sees it on his applications.
    let mine = json_of(max.get("/api/applications").await).await;
    assert_eq!(mine["applications"][0]["status"], "revoked");
    // Once is enough.
    let p = problem(
        admin.post(&path, json!({"reason": "Again."})).await,
        StatusCode::CONFLICT,
    )
    .await;
    assert!(
        p["detail"].as_str().expect("detail").contains("revoked"),
        "{p}"
    );
    app.assert_invariants();
}

async fn revoke_and_end_scenario(app: TestApp) {
    let ada_app = app.approved_mentee(ADA).await;
    let max_app = app.approved_mentor(MAX).await;
    let admin = app.sign_in(PROGRAM_ADMIN).await;
    assert_eq!(
        match_by_hand(&admin, ADA, MAX).await.status(),
        StatusCode::CREATED
    );
    let r = admin
        .post(
            &format!("/api/admin/applications/{ada_app}/revoke"),
            json!({"reason": "Moved to part-time work.", "end_mentorships": true}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(json_of(r).await["mentorships_ended"], 1);
    assert_eq!(
        (
            app.active_count(&ada_app).await,
            app.active_count(&max_app).await
        ),
        (0, 0)
    );
    app.assert_invariants();
}

async fn left_service_scenario(app: TestApp) {
    let ada_app = app.approved_mentee(ADA).await;
    let max_app = app.approved_mentor(MAX).await;
    app.approved_mentor(MO).await;
    app.approved_mentee(BEA).await;
    let admin = app.sign_in(PROGRAM_ADMIN).await;
    assert_eq!(
        match_by_hand(&admin, ADA, MAX).await.status(),
        StatusCode::CREATED
    );
    let bea = app.sign_in(BEA).await;
    let body = json!({"mentor": max_app.as_str()});
    assert_eq!(
        bea.post("/api/requests", body).await.status(),
        StatusCode::CREATED
    );
    let max = app.sign_in(MAX).await;
    let mails_to_max = app.mail_to(MAX).await.len();

    let r = admin
        .post(
            "/api/admin/people/left",
            json!({"email": MAX, "reason": "Retired on June 30."}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let left = json_of(r).await;
    assert_eq!(
        [
            &left["applications_revoked"],
            &left["requests_closed"],
            &left["mentorships_ended"],
            &left["sessions_ended"]
        ],
        [&json!(1), &json!(1), &json!(1), &json!(1)],
        "{left}"
    );
    // He is signed out and written to no more; his partner is told and free.
    assert_eq!(max.get("/api/me").await.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        app.mail_to(MAX).await.len(),
        mails_to_max,
        "nothing is sent to someone who left"
    );
    assert!(
        subjects(&app.mail_to(ADA).await)
            .iter()
            .any(|s| s.contains("ended by the program team"))
    );
    assert!(
        subjects(&app.mail_to(BEA).await)
            .iter()
            .any(|s| s.contains("request has been closed"))
    );
    assert_eq!(
        (
            app.active_count(&ada_app).await,
            app.active_count(&max_app).await
        ),
        (0, 0)
    );
    // Ada can be matched again at once.
    assert_eq!(
        match_by_hand(&admin, ADA, MO).await.status(),
        StatusCode::CREATED
    );
    // Nothing is left to end.
    let r = admin
        .post(
            "/api/admin/people/left",
            json!({"email": MAX, "reason": "Retired."}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    let p = problem(
        admin
            .post(
                "/api/admin/people/left",
                json!({"email": PROGRAM_ADMIN, "reason": "Me."}),
            )
            .await,
        StatusCode::FORBIDDEN,
    )
    .await;
    assert!(
        p["detail"].as_str().expect("detail").contains("your own"),
        "{p}"
    );
    // The person page shows where everything stands.
    let person = json_of(admin.get(&format!("/api/admin/people?email={MAX}")).await).await;
    assert_eq!(person["applications"][0]["status"], "revoked");
    assert_eq!(person["applications"][0]["revoked"]["left_service"], true);
    assert_eq!(person["mentorships"][0]["status"], "discontinued");
    assert_eq!(person["mentorships"][0]["survey_by_mentee"], false);
    // Nothing active holds his data now: a request to remove it could be carried out.
    let ada_email = EmailAddress::parse(ADA).expect("email");
    assert!(
        !app.store
            .mentorships_of(&ada_email)
            .await
            .expect("read")
            .is_empty()
    );
}

#[tokio::test]
async fn someone_who_left_state_service_is_taken_out_in_one_action() {
    left_service_scenario(spawn_app().await).await;
}

#[tokio::test]
async fn someone_who_left_state_service_is_taken_out_in_one_action_on_dynamodb() {
    left_service_scenario(spawn_app_on_dynamodb("care-left").await).await;
}

/// Max has one mentee and one place left; Bea asks him, and at the same
/// moment an administrator matches Ada with him. Exactly one wins.
async fn last_place_race(app: TestApp) {
    let max_app = app.approved_mentor(MAX).await;
    for mentee in [ADA, BEA, "cy.mentee@mo.gov"] {
        app.approved_mentee(mentee).await;
    }
    let admin = app.sign_in(PROGRAM_ADMIN).await;
    assert_eq!(
        match_by_hand(&admin, "cy.mentee@mo.gov", MAX)
            .await
            .status(),
        StatusCode::CREATED
    );
    let bea = app.sign_in(BEA).await;
    let r = bea
        .post("/api/requests", json!({"mentor": max_app.as_str()}))
        .await;
    let request = json_of(r).await["id"].as_str().expect("id").to_string();
    let max = app.sign_in(MAX).await;

    let accept_path = format!("/api/requests/{request}/accept");
    let accept = max.post(&accept_path, json!({}));
    let manual = match_by_hand(&admin, ADA, MAX);
    let (accepted, matched) = tokio::join!(accept, manual);
    let outcomes = [accepted.status(), matched.status()];
    let wins = outcomes.iter().filter(|s| s.is_success()).count();
    assert_eq!(wins, 1, "{outcomes:?}");
    assert!(outcomes.contains(&StatusCode::CONFLICT), "{outcomes:?}");
    assert_eq!(app.active_count(&max_app).await, 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_manual_match_and_an_accept_racing_for_a_mentors_last_place_let_exactly_one_win() {
    for _ in 0..5 {
        let app = spawn_app().await;
        last_place_race(app).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_manual_match_and_an_accept_racing_for_a_mentors_last_place_let_exactly_one_win_on_dynamodb()
 {
    last_place_race(spawn_app_on_dynamodb("care-race").await).await;
}

#[tokio::test]
async fn a_revoked_application_is_removed_a_year_after_it_was_revoked() {
    let app = spawn_app().await;
    let ada_app = app.approved_mentee(ADA).await;
    let admin = app.sign_in(PROGRAM_ADMIN).await;
    let r = admin
        .post(
            &format!("/api/admin/applications/{ada_app}/revoke"),
            json!({"reason": "Left for another employer."}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let run = || {
        moments_adapters::deps::as_function(
            "moments-retention",
            moments_retention::run(&app.jobs.deps, app.now()),
        )
    };
    app.advance(jiff::SignedDuration::from_hours(364 * 24));
    assert_eq!(run().await.expect("retention").applications, 0);
    assert!(
        app.store
            .application(&ada_app)
            .await
            .expect("read")
            .is_some()
    );
    app.advance(jiff::SignedDuration::from_hours(2 * 24));
    assert_eq!(run().await.expect("retention").applications, 1);
    assert!(
        app.store
            .application(&ada_app)
            .await
            .expect("read")
            .is_none()
    );
}

/// The correction form for `app` as read, with `change` applied.
fn correction(app: &Value, change: Value) -> Value {
    let mut form = json!({
        "first_name": app["first_name"], "last_name": app["last_name"], "phone": app["phone"],
        "department": app["department"]["id"], "job_title": app["job_title"],
        "work_location": app["work_location"],
        "supervisor_first_name": app["supervisor"]["first_name"],
        "supervisor_last_name": app["supervisor"]["last_name"],
        "supervisor_email": app["supervisor"]["email"],
        "working_hours": app["working_hours"]["id"],
        "note": "Corrected at their supervisor's request.",
        "version": app["version"],
    });
    for (k, v) in change.as_object().expect("object") {
        form[k] = v.clone();
    }
    form
}

async fn correction_scenario(app: TestApp) {
    let ada_app = app.approved_mentee(ADA).await;
    app.make_department_admin("dana.admin@mo.gov", "revenue")
        .await;
    app.make_department_admin("dan.admin@mo.gov", "transportation")
        .await;
    let admin = app.sign_in(PROGRAM_ADMIN).await;
    let path = format!("/api/admin/applications/{ada_app}");
    let read = json_of(admin.get(&format!("/api/applications/{ada_app}")).await).await;

    // Who may not, what is refused, and that refusals change nothing.
    let ada = app.sign_in(ADA).await;
    let dan = app.sign_in("dan.admin@mo.gov").await;
    let before = app.embedded_items();
    let typo = correction(&read, json!({"job_title": "Senior Tax Examiner"}));
    for (who, body, status) in [
        (&ada, typo.clone(), StatusCode::FORBIDDEN),
        (&dan, typo.clone(), StatusCode::FORBIDDEN),
        (&admin, correction(&read, json!({})), StatusCode::CONFLICT),
        (
            &admin,
            correction(&read, json!({"version": 0})),
            StatusCode::CONFLICT,
        ),
        (
            &admin,
            correction(&read, json!({"note": ""})),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            &admin,
            correction(&read, json!({"supervisor_email": ADA})),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
    ] {
        assert_eq!(who.put(&path, body).await.status(), status);
    }
    assert_eq!(app.embedded_items(), before, "refusals change nothing");

    // A department administrator of hers fixes a typo: still approved.
    let dana = app.sign_in("dana.admin@mo.gov").await;
    let r = dana.put(&path, typo).await;
    assert_eq!(r.status(), StatusCode::OK);
    let fixed = json_of(r).await;
    assert_eq!(fixed["status"], "approved");
    assert_eq!(fixed["job_title"], "Senior Tax Examiner");
    let told = app.mail_to(ADA).await;
    let mail = told
        .iter()
        .find(|m| m.subject.contains("corrected your application"))
        .expect("Ada is told");
    assert!(mail.text.contains("dana.admin@mo.gov"), "{}", mail.text);
    assert!(mail.text.contains("job title"), "{}", mail.text);
    assert!(mail.text.contains("supervisor's request"), "{}", mail.text);
    let trail = json_of(
        admin
            .get(&format!("/api/admin/audit/applications/{ada_app}"))
            .await,
    )
    .await;
    assert!(
        trail["entries"]
            .as_array()
            .expect("entries")
            .iter()
            .any(|e| e["action"] == "corrected" && e["actor"] == "dana.admin@mo.gov"),
        "{trail}"
    );

    // A new supervisor: back for review, and the new supervisor is asked.
    let r = admin
        .put(
            &path,
            correction(
                &fixed,
                json!({"supervisor_first_name": "Grace", "supervisor_last_name": "Hopper",
                       "supervisor_email": "grace.hopper@mo.gov"}),
            ),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(json_of(r).await["status"], "pending");
    assert!(
        subjects(&app.mail_to("grace.hopper@mo.gov").await)
            .iter()
            .any(|s| s.contains("waiting for your review")),
        "Grace is asked to review"
    );
    app.assert_invariants();
}

#[tokio::test]
async fn revoking_an_approval_takes_the_person_out_of_search_and_closes_their_requests() {
    revoke_scenario(spawn_app().await).await;
}

#[tokio::test]
async fn revoking_an_approval_takes_the_person_out_of_search_and_closes_their_requests_on_dynamodb()
{
    revoke_scenario(spawn_app_on_dynamodb("care-revoke").await).await;
}

#[tokio::test]
async fn revoking_can_also_end_the_persons_mentorships() {
    revoke_and_end_scenario(spawn_app().await).await;
}

#[tokio::test]
async fn revoking_can_also_end_the_persons_mentorships_on_dynamodb() {
    revoke_and_end_scenario(spawn_app_on_dynamodb("care-revoke-end").await).await;
}

#[tokio::test]
async fn an_administrator_corrects_a_record_and_the_person_is_told_what_changed_and_by_whom() {
    correction_scenario(spawn_app().await).await;
}

#[tokio::test]
async fn an_administrator_corrects_a_record_and_the_person_is_told_what_changed_and_by_whom_on_dynamodb()
 {
    correction_scenario(spawn_app_on_dynamodb("care-correct").await).await;
}

async fn found(admin: &Person, name: &str) -> Vec<String> {
    let r = admin
        .get(&format!("/api/admin/people/search?name={name}"))
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    json_of(r).await["people"]
        .as_array()
        .expect("people")
        .iter()
        .map(|p| p["email"].as_str().expect("email").to_string())
        .collect()
}

async fn names_scenario(app: TestApp) {
    let ada_app = app.approved_mentee(ADA).await;
    app.approved_mentor(MAX).await;
    app.approved_mentor("mia.mendez@mo.gov").await;
    let admin = app.sign_in(PROGRAM_ADMIN).await;
    assert_eq!(found(&admin, "Ment").await.len(), 2, "Mentee and Mentor");
    assert_eq!(found(&admin, "Men").await.len(), 3, "and Mendez");
    assert_eq!(found(&admin, "ada%20men").await, vec![ADA.to_string()]);
    assert_eq!(found(&admin, "Mentee%20Ada").await, vec![ADA.to_string()]);
    assert_eq!(
        found(&admin, "mendez").await,
        vec!["mia.mendez@mo.gov".to_string()]
    );
    assert!(found(&admin, "Zed").await.is_empty());
    let p = problem(
        admin.get("/api/admin/people/search?name=a").await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert!(p["errors"]["name"].is_string(), "{p}");
    let ada = app.sign_in(ADA).await;
    assert_eq!(
        ada.get("/api/admin/people/search?name=men").await.status(),
        StatusCode::FORBIDDEN
    );

    // A corrected name is found under the new one only.
    let read = json_of(admin.get(&format!("/api/applications/{ada_app}")).await).await;
    let r = admin
        .put(
            &format!("/api/admin/applications/{ada_app}"),
            correction(&read, json!({"last_name": "Lovelace"})),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(found(&admin, "love").await, vec![ADA.to_string()]);
    assert!(!found(&admin, "mentee").await.contains(&ADA.to_string()));

    // Once her data is removed, nobody finds her by name.
    assert_eq!(
        ada.post("/api/privacy/erasure", json!({})).await.status(),
        StatusCode::ACCEPTED
    );
    let r = admin
        .post(&format!("/api/admin/erasures/{ADA}"), json!({}))
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(found(&admin, "love").await.is_empty());
    app.assert_invariants();
}

#[tokio::test]
async fn program_administrators_find_people_by_name_and_a_name_follows_corrections_and_erasure() {
    names_scenario(spawn_app().await).await;
}

#[tokio::test]
async fn program_administrators_find_people_by_name_and_a_name_follows_corrections_and_erasure_on_dynamodb()
 {
    names_scenario(spawn_app_on_dynamodb("care-names").await).await;
}
