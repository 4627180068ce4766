//! Goals that move: each line of the agreement's goals is a goal either
//! side marks not started, progressing or met, with a note; a change to the
//! agreement keeps the marks of the goals it keeps; bad marks are refused
//! with nothing changed; and once the pair ends, the figures show the share
//! of goals met.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::*;

fn goal(id: &str, n: usize) -> String {
    format!("/api/mentorships/{id}/goals/{n}")
}

fn statuses(m: &Value) -> Vec<String> {
    m["agreement"]["goal_list"]
        .as_array()
        .expect("goals")
        .iter()
        .map(|g| g["status"].as_str().expect("status").to_string())
        .collect()
}

#[tokio::test]
async fn either_side_marks_goals_and_the_figures_show_the_share_met_once_the_pair_ends() {
    let app = spawn_app().await;
    let (ada, max, id) = matched(&app).await;
    let agreement = format!("/api/mentorships/{id}/agreement");
    let saved = json_of(
        ada.put(
            &agreement,
            json!({"kind": "committed", "goals": "- Lead a project\n- Learn budgeting\n\n3. Speak at a staff meeting"}),
        )
        .await,
    )
    .await;
    let goals = &saved["agreement"]["goal_list"];
    assert_eq!(goals[0]["goal"], "Lead a project");
    assert_eq!(goals[2]["goal"], "Speak at a staff meeting");
    assert_eq!(goals[2]["number"], 3);
    assert_eq!(statuses(&saved), ["not_started"; 3]);

    let marked = json_of(
        max.put(
            &goal(&id, 2),
            json!({"version": 1, "status": "met", "note": "Built the unit's budget."}),
        )
        .await,
    )
    .await;
    assert_eq!(statuses(&marked), ["not_started", "met", "not_started"]);
    assert_eq!(
        marked["agreement"]["goal_list"][1]["note"],
        "Built the unit's budget."
    );
    assert_eq!(marked["agreement"]["goal_list"][1]["marked_by"], MAX);
    // Marking changes neither the version nor who confirmed it.
    assert_eq!(marked["agreement"]["version"], 1);
    assert_eq!(marked["agreement"]["confirmed_by_mentee"], true);
    let marked = json_of(
        ada.put(
            &goal(&id, 1),
            json!({"version": 1, "status": "progressing"}),
        )
        .await,
    )
    .await;
    assert_eq!(statuses(&marked), ["progressing", "met", "not_started"]);

    // A change that keeps a goal keeps its mark.
    let changed = json_of(
        ada.put(
            &agreement,
            json!({"kind": "committed", "goals": "- Learn budgeting\n- Lead a project\n- Write a policy"}),
        )
        .await,
    )
    .await;
    assert_eq!(changed["agreement"]["version"], 2);
    assert_eq!(statuses(&changed), ["met", "progressing", "not_started"]);
    ada.put(&goal(&id, 2), json!({"version": 2, "status": "met"}))
        .await;

    let before = metrics_goals(&app).await;
    assert_eq!(before["set"], 0, "an active pair's goals do not count yet");
    let ended = json_of(
        ada.post(
            &format!("/api/mentorships/{id}/end"),
            json!({"outcome": "completed", "reason": "We reached what we set out to do."}),
        )
        .await,
    )
    .await;
    assert_eq!(statuses(&ended), ["met", "met", "not_started"]);
    let figures = metrics_goals(&app).await;
    assert_eq!(
        (
            figures["set"].clone(),
            figures["met"].clone(),
            figures["met_share"].clone()
        ),
        (json!(3), json!(2), json!(0.67))
    );
    // After the end, goals are as they were when the pair ended.
    problem(
        ada.put(&goal(&id, 3), json!({"version": 2, "status": "met"}))
            .await,
        StatusCode::CONFLICT,
    )
    .await;
}

#[tokio::test]
async fn bad_marks_are_refused_by_name_and_change_nothing() {
    let app = spawn_app().await;
    let (ada, _max, id) = matched(&app).await;
    // No agreement yet.
    let none = problem(
        ada.put(&goal(&id, 1), json!({"version": 1, "status": "met"}))
            .await,
        StatusCode::CONFLICT,
    )
    .await;
    assert!(
        none["detail"]
            .as_str()
            .expect("detail")
            .contains("no agreement")
    );
    ada.put(
        &format!("/api/mentorships/{id}/agreement"),
        json!({"kind": "flash", "goals": "One\nTwo"}),
    )
    .await;
    let read = || async { json_of(ada.get(&format!("/api/mentorships/{id}")).await).await };
    let untouched = read().await;

    let bad = problem(
        ada.put(
            &goal(&id, 1),
            json!({"version": 1, "status": "done", "note": "<script>alert(1)</script>"}),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert!(bad["errors"]["status"].is_string(), "{bad}");
    assert!(bad["errors"]["note"].is_string(), "{bad}");
    for n in ["3", "0", "first"] {
        problem(
            ada.put(
                &format!("/api/mentorships/{id}/goals/{n}"),
                json!({"version": 1, "status": "met"}),
            )
            .await,
            StatusCode::NOT_FOUND,
        )
        .await;
    }
    // A goal number read from another version of the agreement.
    let stale = problem(
        ada.put(&goal(&id, 1), json!({"version": 9, "status": "met"}))
            .await,
        StatusCode::CONFLICT,
    )
    .await;
    assert!(
        stale["detail"]
            .as_str()
            .expect("detail")
            .contains("changed")
    );
    // Someone else's mentorship.
    let eve = app.sign_in("eve.other@mo.gov").await;
    problem(
        eve.put(&goal(&id, 1), json!({"version": 1, "status": "met"}))
            .await,
        StatusCode::FORBIDDEN,
    )
    .await;
    assert_eq!(read().await, untouched);
}

/// The program's goal figures, as a program administrator reads them.
async fn metrics_goals(app: &TestApp) -> Value {
    let pat = app.sign_in(PROGRAM_ADMIN).await;
    json_of(pat.get("/api/admin/metrics").await).await["report"]["total"]["goals"].clone()
}
