//! A participant takes part on their own terms: a mentee pauses their
//! search for a mentor and resumes it; either role withdraws an
//! application, with a confirmation before their mentorships end.

use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::*;

async fn pause_scenario(app: TestApp) {
    let ada_app = app.approved_mentee(ADA).await;
    let max_app = app.approved_mentor(MAX).await;
    let ada = app.sign_in(ADA).await;
    let pause = format!("/api/applications/{ada_app}/pause");

    let p = problem(
        ada.put(&pause, json!({"paused": "maybe"})).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert!(p["errors"]["paused"].is_string(), "{p}");
    let max = app.sign_in(MAX).await;
    assert_eq!(
        max.put(&pause, json!({"paused": true})).await.status(),
        StatusCode::FORBIDDEN
    );

    let r = ada.put(&pause, json!({"paused": true})).await;
    assert_eq!(r.status(), StatusCode::OK);
    let paused = json_of(r).await;
    assert_eq!(paused["application"]["paused"], true);
    assert!(
        paused["message"]
            .as_str()
            .expect("message")
            .contains("paused")
    );
    let mine = json_of(ada.get("/api/applications").await).await;
    assert_eq!(mine["applications"][0]["paused"], true);

    // Requests are refused with the reason; suggestions are empty.
    let p = problem(
        ada.post("/api/requests", json!({"mentor": max_app.as_str()}))
            .await,
        StatusCode::CONFLICT,
    )
    .await;
    assert!(
        p["detail"]
            .as_str()
            .expect("detail")
            .contains("paused your search"),
        "{p}"
    );
    let suggestions = json_of(ada.get("/api/suggestions").await).await;
    assert_eq!(suggestions["suggestions"], json!([]));
    // Nor does the program team match her by hand meanwhile.
    let admin = app.sign_in(PROGRAM_ADMIN).await;
    let body = json!({"mentee": ADA, "mentor": MAX, "reason": "They asked."});
    let p = problem(
        admin.post("/api/admin/mentorships", body.clone()).await,
        StatusCode::CONFLICT,
    )
    .await;
    assert!(
        p["detail"].as_str().expect("detail").contains("paused"),
        "{p}"
    );

    let r = ada.put(&pause, json!({"paused": false})).await;
    assert_eq!(json_of(r).await["application"]["paused"], false);
    let r = ada
        .post("/api/requests", json!({"mentor": max_app.as_str()}))
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let trail = json_of(
        admin
            .get(&format!("/api/admin/audit/applications/{ada_app}"))
            .await,
    )
    .await;
    let actions: Vec<&str> = trail["entries"]
        .as_array()
        .expect("entries")
        .iter()
        .filter_map(|e| e["action"].as_str())
        .collect();
    // (The test clock stands still, so the two are not ordered here.)
    assert!(
        actions.contains(&"paused") && actions.contains(&"resumed"),
        "{actions:?}"
    );
}

async fn withdraw_scenario(app: TestApp) {
    let (ada, max, max_app, request) = pair_up(&app).await;
    let bea_app = app.approved_mentee("bea.mentee@mo.gov").await;
    let admin = app.sign_in(PROGRAM_ADMIN).await;
    let body = json!({"mentee": "bea.mentee@mo.gov", "mentor": MAX, "reason": "Asked."});
    assert_eq!(
        admin.post("/api/admin/mentorships", body).await.status(),
        StatusCode::CREATED
    );
    let withdraw = format!("/api/applications/{max_app}/withdraw");

    // Not hers; and not without confirming the mentorship ends.
    assert_eq!(
        ada.post(&withdraw, json!({})).await.status(),
        StatusCode::FORBIDDEN
    );
    let before = app.embedded_items();
    let p = problem(max.post(&withdraw, json!({})).await, StatusCode::CONFLICT).await;
    assert!(
        p["detail"]
            .as_str()
            .expect("detail")
            .contains("bea.mentee@mo.gov"),
        "{p}"
    );
    assert_eq!(app.embedded_items(), before, "a refusal changes nothing");

    let mails_to_ada = app.mail_to(ADA).await.len();
    let r = max.post(&withdraw, json!({"end_mentorships": true})).await;
    assert_eq!(r.status(), StatusCode::OK);
    let done = json_of(r).await;
    assert_eq!(done["application"]["status"], "withdrawn");
    assert_eq!(
        (
            done["requests_closed"].as_u64(),
            done["mentorships_ended"].as_u64()
        ),
        (Some(1), Some(1))
    );
    assert_eq!(
        (
            app.active_count(&max_app).await,
            app.active_count(&bea_app).await
        ),
        (0, 0)
    );
    // Ada's request closed, and she is told; Bea's mentorship ended, and
    // she is told with the survey.
    let read = json_of(ada.get(&format!("/api/requests/{request}")).await).await;
    assert_eq!(read["status"], "closed");
    assert_eq!(app.mail_to(ADA).await.len(), mails_to_ada + 1);
    assert!(
        app.mail_to("bea.mentee@mo.gov")
            .await
            .iter()
            .any(|m| m.subject.contains("has ended")),
        "Bea is told"
    );
    // Out of search; once is enough; changing it sends it for review again.
    let found = json_of(ada.get("/api/mentors").await).await;
    assert!(!found.to_string().contains(MAX), "{found}");
    assert_eq!(
        max.post(&withdraw, json!({})).await.status(),
        StatusCode::CONFLICT
    );
    let mut form = mentor_form(SUPERVISOR);
    form["bio"] = json!("Back after a busy season.");
    let r = max.put(&format!("/api/applications/{max_app}"), form).await;
    assert_eq!(json_of(r).await["status"], "pending");
    app.assert_invariants();
}

#[tokio::test]
async fn a_paused_mentee_sends_no_requests_gets_no_suggestions_and_is_not_matched_until_she_resumes()
 {
    pause_scenario(spawn_app().await).await;
}

#[tokio::test]
async fn a_paused_mentee_sends_no_requests_gets_no_suggestions_and_is_not_matched_until_she_resumes_on_dynamodb()
 {
    pause_scenario(spawn_app_on_dynamodb("pause").await).await;
}

#[tokio::test]
async fn a_mentor_withdraws_and_after_confirming_her_mentorship_ends_and_her_requests_close() {
    withdraw_scenario(spawn_app().await).await;
}

#[tokio::test]
async fn a_mentor_withdraws_and_after_confirming_her_mentorship_ends_and_her_requests_close_on_dynamodb()
 {
    withdraw_scenario(spawn_app_on_dynamodb("withdraw").await).await;
}
