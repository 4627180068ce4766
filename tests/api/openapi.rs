//! The OpenAPI document served at /api/openapi.json: every operation of
//! docs/api.md is in it and every operation in it reaches its handler.
//! Whether the answers match it is schemathesis's part (infra/test.sh).

use std::collections::BTreeSet;

use moments_local::workspace_root;
use reqwest::StatusCode;
use serde_json::Value;

use crate::helpers::*;

const METHODS: [&str; 5] = ["get", "put", "post", "delete", "patch"];

fn operations(doc: &Value) -> Vec<(String, String, &Value)> {
    let mut out = Vec::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for method in METHODS {
            if let Some(op) = item.get(method) {
                out.push((method.to_uppercase(), path.clone(), op));
            }
        }
    }
    out
}

/// A path with its parameters unnamed: `/api/surveys/{mentorship id}` and
/// `/api/surveys/{id}` are one route.
fn shape(path: &str) -> String {
    path.split('/')
        .map(|s| if s.starts_with('{') { "{}" } else { s })
        .collect::<Vec<_>>()
        .join("/")
}

/// `METHOD /api/...` of every row of docs/api.md's tables.
fn documented_in_api_md() -> BTreeSet<(String, String)> {
    let text = std::fs::read_to_string(workspace_root().join("docs/api.md")).expect("api.md");
    text.lines()
        .filter_map(|line| {
            // `\|` is a `|` inside a cell (`{applications\|requests}`).
            let line = line.replace("\\|", ",");
            let cells: Vec<&str> = line.split('|').map(str::trim).collect();
            let method = *cells.get(1)?;
            let path = cells.get(2)?.trim_matches('`');
            (METHODS.contains(&method.to_lowercase().as_str()) && path.starts_with("/api/")).then(
                || {
                    (
                        method.to_string(),
                        shape(path.split('?').next().unwrap_or(path)),
                    )
                },
            )
        })
        .collect()
}

#[tokio::test]
async fn the_document_covers_every_operation_of_the_api() {
    let app = spawn_app().await;
    let doc = json_of(app.anonymous().get("/api/openapi.json").await).await;
    assert_eq!(doc["openapi"], "3.1.0");
    let served: BTreeSet<(String, String)> = operations(&doc)
        .into_iter()
        .map(|(m, p, _)| (m, shape(&p)))
        .collect();
    assert_eq!(served, documented_in_api_md());

    let ids: Vec<&str> = operations(&doc)
        .iter()
        .map(|(_, _, op)| op["operationId"].as_str().expect("operationId"))
        .collect();
    let unique: BTreeSet<&str> = ids.iter().copied().collect();
    assert_eq!(unique.len(), ids.len(), "operation ids are unique: {ids:?}");
}

#[tokio::test]
async fn every_error_answer_is_a_problem_and_signed_in_operations_say_so() {
    let app = spawn_app().await;
    let doc = json_of(app.anonymous().get("/api/openapi.json").await).await;
    let open = [
        "/api/auth/link",
        "/api/auth/link/about",
        "/api/auth/session",
        "/api/auth/signout",
        "/api/auth/options",
        "/api/auth/oidc",
        "/api/auth/oidc/callback",
        "/api/catalogue",
        "/api/openapi.json",
        "/api/calendar",
        "/api/calendar.ics",
        "/api/calendar/events/{id}/invite.ics",
        "/api/contacts",
        "/api/resources",
        "/api/announcements/preference",
        "/api/announcements/{id}/unsubscribe/{to}/{token}",
        "/api/mentorships/{id}/next-meeting.ics",
    ];
    for (method, path, op) in operations(&doc) {
        let secured = op["security"].as_array().is_some_and(|s| !s.is_empty());
        assert_eq!(secured, !open.contains(&path.as_str()), "{method} {path}");
        for (status, response) in op["responses"].as_object().expect("responses") {
            if status.as_str() >= "400" {
                let problem = response["$ref"] == "#/components/responses/Problem"
                    || response["content"]["application/problem+json"].is_object();
                assert!(problem, "{method} {path} {status}: {response}");
            }
        }
        if secured {
            assert!(op["responses"]["401"].is_object(), "{method} {path}");
        }
    }
}

#[tokio::test]
async fn every_operation_in_the_document_reaches_a_handler() {
    let app = spawn_app().await;
    let doc = json_of(app.anonymous().get("/api/openapi.json").await).await;
    let person = app.sign_in("ada.lovelace@mo.gov").await;
    for (method, path, _) in operations(&doc) {
        let concrete = path.replace("{id}", "01J00000000000000000000000");
        let method: reqwest::Method = method.parse().expect("method");
        let r = person
            .client
            .request(method.clone(), app.url(&concrete))
            .json(&serde_json::json!({}))
            .send()
            .await
            .expect("request");
        let status = r.status();
        let body: Value = r.json().await.unwrap_or(Value::Null);
        assert_ne!(status, StatusCode::METHOD_NOT_ALLOWED, "{method} {path}");
        assert_ne!(
            body["detail"], "There is no such API route.",
            "{method} {path} reaches no handler"
        );
    }
}

/// Every `$ref` under `value`, as `#/components/...` strings.
fn references<'a>(value: &'a Value, out: &mut Vec<&'a str>) {
    match value {
        Value::Object(fields) => {
            if let Some(r) = fields.get("$ref").and_then(Value::as_str) {
                out.push(r);
            }
            fields.values().for_each(|v| references(v, out));
        }
        Value::Array(items) => items.iter().for_each(|v| references(v, out)),
        _ => {}
    }
}

#[tokio::test]
async fn every_reference_in_the_document_names_a_component_it_holds() {
    let app = spawn_app().await;
    let doc = json_of(app.anonymous().get("/api/openapi.json").await).await;
    let mut found = Vec::new();
    references(&doc, &mut found);
    assert!(!found.is_empty());
    let missing: BTreeSet<&str> = found
        .into_iter()
        .filter(|r| {
            r.strip_prefix('#')
                .and_then(|pointer| doc.pointer(pointer))
                .is_none()
        })
        .collect();
    assert!(missing.is_empty(), "unresolved: {missing:?}");
}
