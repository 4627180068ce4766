//! `docs/openapi.json` is the document the code makes. The `auth` function
//! serves that file at `/api/openapi.json`, so a stale file would describe
//! an API that no longer exists.

use std::path::Path;

const UPDATE: &str = "MOMENTS_UPDATE_OPENAPI";

#[test]
fn the_committed_document_is_the_one_the_code_makes() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/openapi.json");
    let made = moments_api::document_json();
    if std::env::var_os(UPDATE).is_some() {
        std::fs::write(&path, &made).expect("write docs/openapi.json");
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    if committed != made {
        let line = committed
            .lines()
            .zip(made.lines())
            .position(|(a, b)| a != b)
            .map_or(committed.lines().count().min(made.lines().count()), |n| n)
            + 1;
        panic!(
            "docs/openapi.json is not the document the code makes (first difference at line \
             {line}). Regenerate it with\n\n    {UPDATE}=1 cargo test -p moments-api --test openapi\n\n\
             and commit it with the change that altered the API."
        );
    }
}

#[test]
fn every_operation_is_documented_once_with_a_unique_id() {
    let doc = serde_json::to_value(moments_api::document()).expect("document");
    let mut ids = std::collections::BTreeSet::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for (method, op) in item.as_object().expect("path item") {
            let id = op["operationId"].as_str().unwrap_or_default().to_string();
            assert!(!id.is_empty(), "{method} {path} has no operationId");
            assert!(ids.insert(id.clone()), "{id} names two operations");
        }
    }
    assert!(ids.len() >= 40, "only {} operations", ids.len());
}
