//! What AWS's IAM would refuse fails a scenario: the judge of
//! `moments_tests::guard` runs under every scenario; these show that it
//! catches a statement the code needs, as AWS would, whole transactions
//! included.

use moments_tests::guard::Guard;
use moments_tests::iam::Permissions;
use moments_tests::template;
use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::*;

/// template.yaml with `edit` applied, judged as AWS would judge it.
fn permissions_after(edit: impl FnOnce(String) -> String) -> Permissions {
    let path = moments_local::workspace_root().join("template.yaml");
    let text = edit(std::fs::read_to_string(path).expect("template.yaml"));
    Permissions::of(&template::parse(&text).expect("edited template parses"))
}

/// The statement that lets surveys add to the program's counters, cut out.
fn without_survey_counters(text: String) -> String {
    let start = text
        .find("            - Sid: SurveyCountersOnly")
        .expect("statement");
    let end = start + text[start..].find("dynamodb:LeadingKeys").expect("keys");
    let end = end + text[end..].find('\n').expect("line end") + 1;
    format!("{}{}", &text[..start], &text[end..])
}

#[tokio::test]
async fn a_survey_answer_fails_as_in_aws_without_the_statement_for_its_counters() {
    let app = spawn_app_judged_by(Guard::of(permissions_after(without_survey_counters))).await;
    let (ada, max, _, request) = pair_up(&app).await;
    let accepted = json_of(
        max.post(&format!("/api/requests/{request}/accept"), json!({}))
            .await,
    )
    .await;
    let mentorship = accepted["mentorship"]["id"]
        .as_str()
        .expect("id")
        .to_string();
    let ended = ada
        .post(
            &format!("/api/mentorships/{mentorship}/end"),
            json!({"outcome": "completed", "reason": "We met our goals."}),
        )
        .await;
    assert_eq!(ended.status(), StatusCode::OK);
    assert_eq!(app.refused_by_aws(), Vec::<String>::new());

    // The answer and the counters are one transaction: refused as a whole.
    let answer = json!({"satisfaction": 5, "goals_met": "yes", "meetings": 3,
                        "cadence": "monthly", "would_recommend": true});
    let r = ada
        .post(&format!("/api/surveys/{mentorship}"), answer)
        .await;
    assert_eq!(r.status(), StatusCode::INTERNAL_SERVER_ERROR);
    let refused = app.refused_by_aws();
    assert_eq!(refused.len(), 1, "{refused:?}");
    for part in [
        "moments-surveys",
        "SurveysFunction",
        "dynamodb:UpdateItem",
        "dynamodb:LeadingKeys = METRICS",
    ] {
        assert!(
            refused[0].contains(part),
            "{part} missing from {}",
            refused[0]
        );
    }
    let survey = json_of(ada.get(&format!("/api/surveys/{mentorship}")).await).await;
    assert_eq!(
        survey["answered"], false,
        "nothing of the transaction was written"
    );
}

#[test]
fn each_item_of_a_transaction_needs_its_own_action_and_partition() {
    use moments_tests::iam::Request;
    let p = Permissions::of_workspace();
    let table = format!(
        "arn:aws:dynamodb:us-east-1:123456789012:table/{}",
        p.functions["moments-surveys"].setting("MOMENTS_TABLE")
    );
    let item =
        |action: &str, pk: &str| Request::new(action, &table).with("dynamodb:LeadingKeys", pk);
    assert!(
        p.check("moments-surveys", &item("dynamodb:PutItem", "MS#ab"))
            .is_ok()
    );
    assert!(
        p.check("moments-surveys", &item("dynamodb:UpdateItem", "METRICS"))
            .is_ok()
    );
    // Not another action on the same partition, nor another partition.
    assert!(
        p.check("moments-surveys", &item("dynamodb:DeleteItem", "MS#ab"))
            .is_err()
    );
    assert!(
        p.check("moments-surveys", &item("dynamodb:PutItem", "APP#ab"))
            .is_err()
    );
    // Sign-in tokens: auth makes and uses them; the functions whose email
    // asks someone to act make task links, and cannot use one (using one
    // starts a session). Mentorships may void a person's links and end
    // their sessions, when an administrator records that they left state
    // service, but cannot start a session.
    for function in ["moments-applications", "moments-mentorships"] {
        assert!(
            p.check(function, &item("dynamodb:PutItem", "SIGNIN#x"))
                .is_ok()
        );
        assert!(
            p.check(function, &item("dynamodb:PutItem", "SESSION#x"))
                .is_err()
        );
    }
    assert!(
        p.check(
            "moments-applications",
            &item("dynamodb:DeleteItem", "SIGNIN#x")
        )
        .is_err()
    );
    assert!(
        p.check("moments-surveys", &item("dynamodb:PutItem", "SIGNIN#x"))
            .is_err()
    );
    for action in ["dynamodb:PutItem", "dynamodb:DeleteItem"] {
        assert!(p.check("moments-auth", &item(action, "SIGNIN#x")).is_ok());
    }
    // Every function reads the table and its indexes.
    let index = Request::new("dynamodb:Query", &format!("{table}/index/gsi1"))
        .with("dynamodb:LeadingKeys", "SUP#a@mo.gov");
    assert!(p.check("moments-decisions", &index).is_ok());
}

#[test]
fn email_and_reminder_jobs_need_their_grants() {
    use moments_tests::iam::Request;
    let p = Permissions::of_workspace();
    let g = &p.functions["moments-mentorships"];
    let from = g.setting("MOMENTS_MAIL_FROM").to_string();
    let send = Request::new(
        "ses:SendEmail",
        &format!("arn:aws:ses:us-east-1:123456789012:identity/{from}"),
    )
    .with("ses:FromAddress", &from);
    assert!(p.check("moments-mentorships", &send).is_ok());
    assert!(p.check("moments-surveys", &send).is_err());
    let spoofed = Request::new("ses:SendEmail", &send.resource)
        .with("ses:FromAddress", "someone.else@mo.gov");
    assert!(p.check("moments-mentorships", &spoofed).is_err());
    let role = g.setting("MOMENTS_SCHEDULER_ROLE_ARN").to_string();
    let pass = Request::new("iam:PassRole", &role);
    assert!(
        p.check("moments-mentorships", &pass).is_err(),
        "only to the scheduler"
    );
    let pass = pass.with("iam:PassedToService", "scheduler.amazonaws.com");
    assert!(p.check("moments-mentorships", &pass).is_ok());
    assert!(
        p.check("moments-decisions", &pass).is_ok(),
        "a decision's email is a job"
    );
    assert!(p.check("moments-surveys", &pass).is_err());
}
