//! template.yaml against the code, so what is deployed is what the workspace
//! serves: every route in the template reaches a handler in the Router of
//! the function it names (sent as API Gateway will send it, through
//! `lambda_http`), every route a Router serves is routed to that function,
//! every schedule starts a scheduled function that exists, and each
//! function's build, logs, alarm, settings, and the table match the code.

mod checks;
use moments_tests::template;

use std::collections::BTreeMap;
use std::path::PathBuf;

use axum::Router;
use moments_adapters::deps::Deps;
use serde_json::Value;

use checks::Workspace;

fn root() -> PathBuf {
    moments_local::workspace_root()
}

/// The HTTP functions of the workspace (`moments_api`'s one list), by
/// binary name, with their Routers.
fn http_functions() -> BTreeMap<String, Router<Deps>> {
    moments_api::HTTP_FUNCTIONS
        .iter()
        .map(|f| (f.name.to_string(), (f.router)()))
        .collect()
}

/// The functions of the workspace that EventBridge Scheduler starts, by
/// binary name. Only these may be the target of a schedule in template.yaml.
const SCHEDULED_FUNCTIONS: &[&str] = &[
    "moments-digest",
    "moments-matching",
    "moments-reminders",
    "moments-retention",
];

fn workspace() -> Workspace {
    Workspace::read(&root(), http_functions(), SCHEDULED_FUNCTIONS)
}

fn deployed() -> Value {
    let text = std::fs::read_to_string(root().join("template.yaml")).expect("template.yaml");
    template::parse(&text).expect("template.yaml parses")
}

/// What `check` finds in template.yaml after `edit`.
fn problems_of(
    check: fn(&Value, &Workspace) -> Vec<String>,
    edit: impl FnOnce(String) -> String,
) -> Vec<String> {
    check(&edited(edit), &workspace())
}

/// Some problem mentions every one of `words`.
fn assert_some_problem_names(problems: &[String], words: &[&str]) {
    assert!(
        problems.iter().any(|p| words.iter().all(|w| p.contains(w))),
        "no problem names all of {words:?}: {problems:?}"
    );
}

fn assert_none(problems: Vec<String>) {
    assert!(
        problems.is_empty(),
        "template.yaml and the code disagree:\n  - {}",
        problems.join("\n  - ")
    );
}

#[tokio::test]
async fn every_route_in_the_template_reaches_a_handler_of_its_function() {
    assert_none(checks::template_routes(&deployed(), &workspace()).await);
}

/// `api()` (the document) and `router()` (the Lambda) are made from one
/// list by `http_api!`; the Lambda must serve all the document promises.
#[tokio::test]
async fn every_documented_operation_is_served_by_its_functions_lambda_router() {
    assert_none(checks::documented_operations_served().await);
}

#[tokio::test]
async fn every_route_the_functions_serve_is_routed_to_them() {
    assert_none(checks::served_routes(&deployed(), &workspace()).await);
}

#[test]
fn every_function_crate_is_deployed_and_every_deployed_function_is_a_crate() {
    assert_none(checks::functions(&deployed(), &workspace()));
}

#[test]
fn schedules_start_only_scheduled_functions_that_exist() {
    assert_none(checks::triggers(&deployed(), &workspace()));
}

#[test]
fn every_schedule_of_the_reminders_function_hands_it_a_job_it_reads() {
    let template = deployed();
    let mut inputs = 0;
    for (id, f) in template::of_type(&template, "AWS::Serverless::Function") {
        if f["Metadata"]["BuildProperties"]["Binary"] != "moments-reminders" {
            continue;
        }
        for (name, event) in f["Properties"]["Events"].as_object().into_iter().flatten() {
            let input = event["Properties"]["Input"].as_str().unwrap_or_default();
            if let Err(e) = serde_json::from_str::<moments_domain::reminders::Job>(input) {
                panic!("{id} event {name}: Input {input:?} is not a reminders job: {e}");
            }
            inputs += 1;
        }
    }
    assert_eq!(inputs, 1, "the mail retry schedule");
}

#[test]
fn every_function_has_a_log_group_with_retention_and_an_error_alarm() {
    assert_none(checks::logs_and_alarms(&deployed()));
}

#[test]
fn the_table_has_the_keys_indexes_and_protection_the_store_expects() {
    assert_none(checks::table(&deployed()));
}

#[test]
fn every_function_starts_with_the_environment_the_template_gives_it() {
    assert_none(checks::settings(&deployed(), &workspace()));
}

/// The other half of the test above: run again as a child process with one
/// function's environment, start that function's dependencies as its main.rs
/// does. Run normally, without that environment, it has nothing to do.
#[test]
fn functions_start_with_the_email_and_scheduler_clients_they_use_and_may_use() {
    assert_none(checks::clients(&deployed(), &workspace()));
}

/// A Lambda is built and deployed on its own: what two functions share is
/// a library (`functions/usecases`, the adapters, the domain), so a change
/// to one function never rebuilds another.
#[test]
fn no_function_depends_on_another_function() {
    assert_none(checks::function_dependencies(&workspace()));
}

#[test]
fn a_function_that_depends_on_another_is_named() {
    let mut ws = workspace();
    let auth = ws.crates["moments-auth"].clone();
    let scratch = tempfile::tempdir().expect("dir");
    std::fs::create_dir_all(scratch.path().join("src")).expect("src");
    std::fs::write(scratch.path().join("src/main.rs"), "fn main() {}").expect("main.rs");
    let manifest = std::fs::read_to_string(auth.join("Cargo.toml")).expect("Cargo.toml");
    std::fs::write(
        scratch.path().join("Cargo.toml"),
        manifest.replace(
            "[dependencies]",
            "[dependencies]\nmoments-reports.workspace = true",
        ),
    )
    .expect("Cargo.toml");
    ws.crates
        .insert("moments-auth".into(), scratch.path().to_path_buf());
    assert_some_problem_names(
        &checks::function_dependencies(&ws),
        &["moments-auth", "moments-reports"],
    );
}

#[tokio::test]
async fn start_up_in_child_process() {
    let Ok(start_up) = std::env::var(checks::START_UP_VAR) else {
        return;
    };
    let started = match start_up.as_str() {
        "deps_from_env" => moments_adapters::lambda::deps_from_env().await.map(drop),
        "auth_deps_from_env" => moments_adapters::lambda::auth_deps_from_env()
            .await
            .map(drop),
        "deps_with_scheduler_from_env" => moments_adapters::lambda::deps_with_scheduler_from_env()
            .await
            .map(drop),
        "deps_without_mail_from_env" => moments_adapters::lambda::deps_without_mail_from_env()
            .await
            .map(drop),
        "deps_with_scheduler_without_mail_from_env" => {
            moments_adapters::lambda::deps_with_scheduler_without_mail_from_env()
                .await
                .map(drop)
        }
        other => panic!("{other}: a start-up tests/deploy does not know yet; add it here"),
    };
    if let Err(e) = started {
        panic!("{e}");
    }
}

#[test]
fn every_function_has_a_sample_event_for_one_of_its_routes() {
    assert_none(checks::sample_events(&deployed(), &workspace()));
}

// The checks themselves refuse what they are there to refuse.

/// template.yaml with `edit` applied to its text.
fn edited(edit: impl FnOnce(String) -> String) -> Value {
    let text = std::fs::read_to_string(root().join("template.yaml")).expect("template.yaml");
    template::parse(&edit(text)).expect("edited template parses")
}

fn add_resource(text: String, resource: &str) -> String {
    text.replacen("\nResources:\n", &format!("\nResources:\n{resource}\n"), 1)
}

#[test]
fn a_schedule_for_a_function_that_does_not_exist_is_refused() {
    let template = edited(|t| {
        add_resource(
            t,
            r#"
  NightlyFunction:
    Type: AWS::Serverless::Function
    Metadata:
      BuildMethod: rust-cargolambda
      BuildProperties:
        Binary: moments-nightly
    Properties:
      FunctionName: !Sub ${AWS::StackName}-nightly
      Events:
        Weekly:
          Type: ScheduleV2
          Properties:
            ScheduleExpression: cron(0 7 ? * MON *)
            ScheduleExpressionTimezone: America/Chicago
  QuarterlyExport:
    Type: AWS::Scheduler::Schedule
    Properties:
      ScheduleExpression: cron(0 7 1 1,4,7,10 ? *)
      FlexibleTimeWindow: { Mode: "OFF" }
      Target:
        Arn: !GetAtt ExportFunction.Arn
        RoleArn: !GetAtt SchedulerRole.Arn"#,
        )
    });
    let problems = checks::triggers(&template, &workspace());
    assert_some_problem_names(&problems, &["NightlyFunction event Weekly"]);
    assert_some_problem_names(&problems, &["QuarterlyExport", "ExportFunction"]);
    assert!(
        checks::functions(&template, &workspace())
            .iter()
            .any(|p| p.contains("moments-nightly")),
        "a function whose binary is not in the workspace is refused"
    );
}

#[test]
fn a_schedule_named_without_the_stack_or_a_run_that_can_be_dropped_is_refused() {
    let problems = problems_of(checks::triggers, |t| {
        t.replacen(
            "            Name: !Sub ${AWS::StackName}-digest",
            "            Name: digest",
            1,
        )
        .replacen(
            "      EventInvokeConfig:",
            "      EventInvokeConfigGone:",
            1,
        )
    });
    assert_some_problem_names(&problems, &["Name must contain"]);
    assert_some_problem_names(&problems, &["RemindersFunction", "EventInvokeConfig"]);
}

#[test]
fn a_schedule_on_an_http_function_is_refused() {
    let problems = problems_of(checks::triggers, |t| {
        t.replacen(
            "        Me: { Type: HttpApi",
            "        Nightly: { Type: ScheduleV2, Properties: { ScheduleExpression: rate(1 day) } }\n        Me: { Type: HttpApi",
            1,
        )
    });
    assert_some_problem_names(&problems, &["AuthFunction event Nightly"]);
}

#[tokio::test]
async fn a_route_no_handler_serves_is_refused() {
    let template = edited(|t| {
        t.replacen(
            "        Me: { Type: HttpApi",
            "        Typo: { Type: HttpApi, Properties: { ApiId: !Ref Api, Method: GET, Path: /api/mee } }\n        Wrong: { Type: HttpApi, Properties: { ApiId: !Ref Api, Method: DELETE, Path: /api/me } }\n        Me: { Type: HttpApi",
            1,
        )
    });
    let problems = checks::template_routes(&template, &workspace()).await;
    assert_some_problem_names(&problems, &["GET /api/mee"]);
    assert_some_problem_names(&problems, &["DELETE /api/me"]);
}

#[tokio::test]
async fn a_served_route_missing_from_the_template_is_refused() {
    let template = edited(|t| {
        let line = t
            .lines()
            .find(|l| l.contains("Path: \"/api/applications/{id}/supervisor\""))
            .expect("the reroute route")
            .to_string();
        t.replace(&format!("{line}\n"), "")
    });
    let problems = checks::served_routes(&template, &workspace()).await;
    assert_some_problem_names(
        &problems,
        &["PUT /api/applications/", "moments-applications"],
    );
}

#[tokio::test]
async fn a_route_sent_to_the_wrong_function_is_refused() {
    let template = edited(|t| {
        t.replacen(
            "Method: GET, Path: /api/reviews",
            "Method: GET, Path: /api/catalogue",
            1,
        )
    });
    let forward = checks::template_routes(&template, &workspace()).await;
    assert_some_problem_names(&forward, &["GET /api/catalogue"]);
    let backward = checks::served_routes(&template, &workspace()).await;
    assert_some_problem_names(&backward, &["GET /api/reviews"]);
}

#[test]
fn a_function_not_given_a_setting_it_reads_is_refused() {
    let problems = problems_of(checks::settings, |t| {
        t.replace("        MOMENTS_TABLE: !Ref Table\n", "")
    });
    assert_some_problem_names(&problems, &["AuthFunction", "MOMENTS_TABLE"]);
}

#[test]
fn a_function_that_makes_reminder_jobs_without_a_scheduler_is_refused() {
    let problems = problems_of(checks::clients, |t| {
        t.replace("        - !Ref ScheduleReminders\n", "")
    });
    assert_some_problem_names(
        &problems,
        &["MentorshipsFunction", "scheduler:CreateSchedule"],
    );
}

#[test]
fn a_function_allowed_to_send_email_it_never_sends_is_refused() {
    let problems = problems_of(checks::clients, |t| {
        t.replace(
            "        LogGroup: !Ref surveysLogs\n      Policies:\n",
            "        LogGroup: !Ref surveysLogs\n      Policies:\n        - !Ref SendMail\n",
        )
    });
    assert_some_problem_names(&problems, &["SurveysFunction", "least privilege"]);
}
