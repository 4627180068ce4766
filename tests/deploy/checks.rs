//! The checks, each returning the problems it finds (empty when template.yaml
//! and the code agree), so tests can also feed them broken templates.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use axum::Router;
use axum::http::{HeaderName, StatusCode};
use moments_adapters::config::ProgramConfig;
use moments_adapters::deps::Deps;
use moments_adapters::http::app;
use moments_adapters::mail::outbox::Outbox;
use moments_adapters::store::Store;
use moments_adapters::table::dynamo::TTL_ATTRIBUTE;
use moments_adapters::table::embedded::EmbeddedTable;
use moments_adapters::table::{Index, PK, SK};
use serde_json::{Value, json};
use tower::ServiceExt;

use moments_tests::template::{self, Function, Route};

/// What the workspace has: its function crates and what each one handles.
pub struct Workspace {
    pub root: PathBuf,
    /// HTTP functions by binary name, with their Routers.
    pub http: BTreeMap<String, Router<Deps>>,
    /// Scheduled functions by binary name.
    pub scheduled: BTreeSet<String>,
    /// Every crate under `functions/` with a `src/main.rs`: binary name → crate directory.
    pub crates: BTreeMap<String, PathBuf>,
}

impl Workspace {
    pub fn read(root: &Path, http: BTreeMap<String, Router<Deps>>, scheduled: &[&str]) -> Self {
        let mut crates = BTreeMap::new();
        let dirs = std::fs::read_dir(root.join("functions")).expect("functions/");
        for dir in dirs.map(|d| d.expect("functions/ entry").path()) {
            if !dir.join("src/main.rs").is_file() {
                continue;
            }
            let manifest = std::fs::read_to_string(dir.join("Cargo.toml")).expect("Cargo.toml");
            let manifest: toml::Table = manifest.parse().expect("Cargo.toml parses");
            let bins: Vec<String> = match manifest.get("bin").and_then(|b| b.as_array()) {
                Some(bins) => bins
                    .iter()
                    .filter_map(|b| b.get("name")?.as_str().map(str::to_string))
                    .collect(),
                None => manifest["package"]["name"]
                    .as_str()
                    .map(str::to_string)
                    .into_iter()
                    .collect(),
            };
            for bin in bins {
                crates.insert(bin, dir.clone());
            }
        }
        Workspace {
            root: root.to_path_buf(),
            http,
            scheduled: scheduled.iter().map(|s| s.to_string()).collect(),
            crates,
        }
    }
}

/// A function's short name: `moments-auth` → `auth`. Its Lambda function is
/// `<stack>-auth`, its log group `authLogs`, its alarm `authErrors`, its
/// sample events `events/auth-*.json`.
fn short_name(binary: &str) -> &str {
    binary.strip_prefix("moments-").unwrap_or(binary)
}

// ------------------------------------------------------------------ routes

const METHODS: [&str; 5] = ["GET", "POST", "PUT", "PATCH", "DELETE"];
const UNROUTED: HeaderName = HeaderName::from_static("x-deploy-check-unrouted");

/// A Router with every function's dependencies on an embedded store, and a
/// marker on the answers no route of it gave (unknown path, or a known path
/// with another method), so "reached a handler" is exact whatever status
/// the handler itself answers.
struct Probe {
    _dir: tempfile::TempDir,
    deps: Deps,
}

impl Probe {
    fn new() -> Probe {
        let dir = tempfile::tempdir().expect("temp dir");
        let table = Arc::new(EmbeddedTable::open(&dir.path().join("t.redb")).expect("store"));
        let config =
            ProgramConfig::new("https://moments.example.gov", "mo.gov", "").expect("config");
        let deps = Deps::new(
            Store::new(table.clone()),
            Arc::new(Outbox::new(table)),
            config,
        );
        Probe { _dir: dir, deps }
    }

    /// Whether `method path`, arriving from API Gateway as `route_key`,
    /// reaches one of the Router's handlers.
    async fn reaches(
        &self,
        router: &Router<Deps>,
        method: &str,
        path: &str,
        route_key: &str,
    ) -> bool {
        let unrouted = || async { (StatusCode::NOT_FOUND, [(UNROUTED, "1")]) };
        let routes = router
            .clone()
            .fallback(unrouted)
            .method_not_allowed_fallback(unrouted);
        let request =
            lambda_http::request::from_str(&api_gateway_event(method, path, route_key).to_string())
                .expect("an API Gateway v2 event");
        let response = app(routes, self.deps.clone())
            .oneshot(request)
            .await
            .expect("a response");
        !response.headers().contains_key(UNROUTED)
    }
}

/// An HTTP API (payload 2.0) event as API Gateway sends it to the function.
fn api_gateway_event(method: &str, path: &str, route_key: &str) -> Value {
    json!({
        "version": "2.0",
        "routeKey": route_key,
        "rawPath": path,
        "rawQueryString": "",
        // From the site's own pages, so changes pass the origin check.
        "headers": {
            "accept": "application/json",
            "host": "moments.example.gov",
            "origin": "https://moments.example.gov"
        },
        "requestContext": {
            "accountId": "123456789012",
            "apiId": "deploycheck",
            "domainName": "moments.example.gov",
            "domainPrefix": "moments",
            "http": {
                "method": method, "path": path, "protocol": "HTTP/1.1",
                "sourceIp": "192.0.2.10", "userAgent": "deploy-check"
            },
            "requestId": "deploy-check",
            "routeKey": route_key,
            "stage": "$default",
            "time": "25/Nov/2026:13:00:00 +0000",
            "timeEpoch": 1795611600000u64
        },
        "isBase64Encoded": false
    })
}

/// A path a request can have, from a route pattern: each `{param}` becomes a
/// sample segment, and a greedy `{param+}` or axum's `{*rest}` two of them.
fn concrete(pattern: &str) -> String {
    let pattern = pattern.split('?').next().unwrap_or_default();
    pattern
        .split('/')
        .map(|segment| {
            if segment.starts_with('{') && segment.ends_with('}') {
                if segment.ends_with("+}") || segment.starts_with("{*") {
                    "sample/rest"
                } else {
                    "sample"
                }
            } else {
                segment
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// How API Gateway ranks a route for a request, if it matches at all: an
/// exact method beats `ANY`, more literal segments beat fewer, and a greedy
/// `{proxy+}` comes last.
fn rank(route: &Route, method: &str, path: &str) -> Option<(usize, bool, bool)> {
    let exact_method = route.method == method;
    if !exact_method && route.method != "ANY" {
        return None;
    }
    let pattern: Vec<&str> = route.path.split('/').collect();
    let segments: Vec<&str> = path.split('/').collect();
    let mut literals = 0;
    for (i, p) in pattern.iter().enumerate() {
        let is_param = p.starts_with('{') && p.ends_with('}');
        if is_param && p.ends_with("+}") {
            return (segments.len() > i && segments[i..].iter().all(|s| !s.is_empty()))
                .then_some((literals, false, exact_method));
        }
        match segments.get(i) {
            Some(s) if is_param && !s.is_empty() => {}
            Some(s) if *s == *p => literals += 1,
            _ => return None,
        }
    }
    (pattern.len() == segments.len()).then_some((literals, true, exact_method))
}

/// The route API Gateway chooses for a request, with its function.
fn chosen<'a>(
    functions: &'a [Function],
    method: &str,
    path: &str,
) -> Option<(&'a Function, &'a Route)> {
    functions
        .iter()
        .flat_map(|f| f.routes.iter().map(move |r| (f, r)))
        .filter_map(|(f, r)| rank(r, method, path).map(|rank| (rank, f, r)))
        .max_by_key(|(rank, _, _)| *rank)
        .map(|(_, f, r)| (f, r))
}

/// Every route of the template names an HTTP function of the workspace, and
/// a request on it reaches a handler of that function's Router.
pub async fn template_routes(template: &Value, ws: &Workspace) -> Vec<String> {
    let mut problems = Vec::new();
    let functions = template::functions(template);
    let probe = Probe::new();
    let mut seen = BTreeMap::new();
    for f in &functions {
        if f.routes.is_empty() {
            continue;
        }
        let binary = f.binary.clone().unwrap_or_default();
        let Some(router) = ws.http.get(&binary) else {
            problems.push(format!(
                "{} has HTTP routes, but its binary {binary:?} is not an HTTP function of the workspace",
                f.logical_id
            ));
            continue;
        };
        for route in &f.routes {
            if let Some(other) = seen.insert(route.clone(), f.logical_id.clone()) {
                problems.push(format!(
                    "{route} is routed twice: to {other} and to {}",
                    f.logical_id
                ));
            }
            if !route.path.starts_with("/api/") {
                problems.push(format!(
                    "{}: {route} is outside /api/, which is all CloudFront sends to the API",
                    f.logical_id
                ));
            }
            let methods: Vec<&str> = match route.method.as_str() {
                "ANY" => METHODS.to_vec(),
                m if METHODS.contains(&m) => vec![m],
                m => {
                    problems.push(format!("{}: {route}: unknown method {m}", f.logical_id));
                    continue;
                }
            };
            let path = concrete(&route.path);
            for method in methods {
                if !probe
                    .reaches(router, method, &path, &route.to_string())
                    .await
                {
                    problems.push(format!(
                        "{}: {method} {} reaches no handler of {binary} (sent as {method} {path})",
                        f.logical_id, route.path
                    ));
                }
            }
        }
    }
    problems
}

/// Every route a function's Router serves is routed to that function, so
/// nothing it serves is unreachable in AWS. The paths tried are the
/// template's, every `"/api/..."` literal in the functions' code (where
/// routes are declared), and every `/api/...` path in docs/api.md, each
/// with every method.
pub async fn served_routes(template: &Value, ws: &Workspace) -> Vec<String> {
    let functions = template::functions(template);
    let mut candidates: BTreeSet<String> = functions
        .iter()
        .flat_map(|f| f.routes.iter().map(|r| r.path.clone()))
        .collect();
    candidates.extend(api_literals_in_code(&ws.root.join("functions")));
    candidates.extend(api_paths_in_docs(&ws.root.join("docs/api.md")));

    let probe = Probe::new();
    let mut problems = Vec::new();
    let mut tried = BTreeSet::new();
    for (binary, router) in &ws.http {
        for pattern in &candidates {
            let path = concrete(pattern);
            for method in METHODS {
                if !tried.insert((binary.clone(), method, path.clone())) {
                    continue;
                }
                let key = format!("{method} {pattern}");
                if !probe.reaches(router, method, &path, &key).await {
                    continue;
                }
                match chosen(&functions, method, &path) {
                    None => problems.push(format!(
                        "{binary} serves {method} {pattern}, but template.yaml routes nothing there"
                    )),
                    Some((f, route)) if f.binary.as_deref() != Some(binary.as_str()) => {
                        problems.push(format!(
                            "{binary} serves {method} {pattern}, but API Gateway would send it to {} ({route})",
                            f.logical_id
                        ))
                    }
                    Some(_) => {}
                }
            }
        }
    }
    problems
}

/// Every operation of a function's part of the document reaches a handler
/// of the Router its Lambda serves.
pub async fn documented_operations_served() -> Vec<String> {
    let probe = Probe::new();
    let mut problems = Vec::new();
    for f in moments_api::HTTP_FUNCTIONS {
        let doc = serde_json::to_value((f.api)().into_openapi()).expect("document");
        let router = (f.router)();
        for (pattern, item) in doc["paths"].as_object().into_iter().flatten() {
            for method in item.as_object().into_iter().flatten().map(|(m, _)| m) {
                let method = method.to_uppercase();
                let key = format!("{method} {pattern}");
                if !probe
                    .reaches(&router, &method, &concrete(pattern), &key)
                    .await
                {
                    problems.push(format!(
                        "{} documents {key}, but its Lambda's router does not serve it",
                        f.name
                    ));
                }
            }
        }
    }
    problems
}

/// Function crates that depend on another function crate.
pub fn function_dependencies(ws: &Workspace) -> Vec<String> {
    let functions: BTreeSet<&String> = ws.crates.keys().collect();
    let mut problems = Vec::new();
    for (binary, dir) in &ws.crates {
        let manifest = std::fs::read_to_string(dir.join("Cargo.toml")).unwrap_or_default();
        let manifest: toml::Table = manifest.parse().unwrap_or_default();
        for section in ["dependencies", "build-dependencies"] {
            let deps = manifest.get(section).and_then(|d| d.as_table());
            for name in deps.into_iter().flat_map(|d| d.keys()) {
                if functions.contains(name) {
                    problems.push(format!(
                        "{binary} depends on the function {name}: move what they share into a library"
                    ));
                }
            }
        }
    }
    problems
}

/// The code a function runs that can use its clients: its own, and that of
/// the shared use-case libraries it depends on (`functions/usecases`),
/// whose calls count for every function that depends on them. The domain
/// makes no calls, and the adapters define the calls rather than make them.
fn code_of(ws: &Workspace, crate_dir: &Path) -> Vec<PathBuf> {
    let mut dirs = vec![crate_dir.join("src")];
    let manifest = std::fs::read_to_string(crate_dir.join("Cargo.toml")).unwrap_or_default();
    let manifest: toml::Table = manifest.parse().unwrap_or_default();
    let deps = manifest.get("dependencies").and_then(|d| d.as_table());
    for name in deps.into_iter().flat_map(|d| d.keys()) {
        let Some(library) = name.strip_prefix("moments-") else {
            continue;
        };
        let dir = ws.root.join("functions").join(library);
        if !matches!(library, "domain" | "adapters") && !dir.join("src/main.rs").is_file() {
            dirs.push(dir.join("src"));
        }
    }
    dirs
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

fn quoted_starting_with(text: &str, prefix: &str, close: char) -> Vec<String> {
    text.match_indices(prefix)
        .filter_map(|(at, _)| {
            let rest = &text[at + 1..];
            rest.find(close).map(|end| rest[..end].to_string())
        })
        .collect()
}

fn api_literals_in_code(functions_dir: &Path) -> Vec<String> {
    let mut files = Vec::new();
    rust_files(functions_dir, &mut files);
    files
        .iter()
        .flat_map(|f| {
            let text = std::fs::read_to_string(f).unwrap_or_default();
            quoted_starting_with(&text, "\"/api/", '"')
        })
        .collect()
}

fn api_paths_in_docs(api_md: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(api_md).expect("docs/api.md");
    quoted_starting_with(&text, "`/api/", '`')
}

// ------------------------------------------------------------------ functions and triggers

/// Every function crate is deployed, and every deployed function is built by
/// cargo-lambda from a binary of the workspace that handles something.
pub fn functions(template: &Value, ws: &Workspace) -> Vec<String> {
    let mut problems = Vec::new();
    let functions = template::functions(template);
    let deployed: BTreeSet<&str> = functions
        .iter()
        .filter_map(|f| f.binary.as_deref())
        .collect();
    for binary in ws.crates.keys() {
        if !ws.http.contains_key(binary) && !ws.scheduled.contains(binary) {
            problems.push(format!(
                "{binary} is a function crate, but this check knows it neither as an HTTP nor as a \
                 scheduled function (tests/deploy/main.rs)"
            ));
        }
        if !deployed.contains(binary.as_str()) {
            problems.push(format!(
                "{binary} is a function crate that template.yaml does not deploy"
            ));
        }
    }
    for f in &functions {
        if f.build_method.as_deref() != Some("rust-cargolambda") {
            problems.push(format!(
                "{} is not built with BuildMethod rust-cargolambda",
                f.logical_id
            ));
        }
        match f.binary.as_deref() {
            None => problems.push(format!(
                "{} names no Metadata.BuildProperties.Binary",
                f.logical_id
            )),
            Some(b) if !ws.crates.contains_key(b) => problems.push(format!(
                "{} deploys {b}, which is no binary of a crate under functions/",
                f.logical_id
            )),
            Some(b) if ws.http.contains_key(b) && f.routes.is_empty() => problems.push(format!(
                "{} deploys the HTTP function {b} with no routes",
                f.logical_id
            )),
            Some(_) => {}
        }
    }
    problems
}

/// Every schedule or other trigger starts a scheduled function that the
/// template deploys and the workspace has, runs in the program's time zone
/// with retries, and leaves failed runs in the dead-letter queue.
pub fn triggers(template: &Value, ws: &Workspace) -> Vec<String> {
    let mut problems = Vec::new();
    let functions = template::functions(template);
    for trigger in template::triggers(template) {
        let at = &trigger.declared_at;
        let Some(target) = &trigger.target else {
            problems.push(format!(
                "{at} starts something that is not a function of this template"
            ));
            continue;
        };
        match functions.iter().find(|f| &f.logical_id == target) {
            None => problems.push(format!(
                "{at} targets {target}, which is not a function of this template"
            )),
            Some(f) => {
                let binary = f.binary.as_deref().unwrap_or_default();
                if !ws.scheduled.contains(binary) {
                    problems.push(format!(
                        "{at} starts {target}, whose binary {binary:?} is not a scheduled function of the workspace"
                    ));
                }
                // Scheduler invokes asynchronously; a run that fails must
                // reach the dead-letter queue, not be dropped by Lambda.
                let on_failure =
                    &f.properties["EventInvokeConfig"]["DestinationConfig"]["OnFailure"];
                if on_failure["Destination"]
                    != json!({ "Fn::GetAtt": ["SchedulerDeadLetterQueue", "Arn"] })
                {
                    problems.push(format!(
                        "{at} starts {target}, whose failed runs do not go to the SchedulerDeadLetterQueue (EventInvokeConfig)"
                    ));
                }
            }
        }
    }
    for (id, event) in schedule_definitions(template) {
        // Recurring schedules live in the account's default group: a name
        // without the stack's would collide with another environment's.
        let named = event["Name"]["Fn::Sub"].as_str().unwrap_or_default();
        if event["GroupName"].is_null() && !named.contains("${AWS::StackName}") {
            problems.push(format!(
                "{id}: Name must contain ${{AWS::StackName}}, or another environment's schedule of the same name makes the deploy fail"
            ));
        }
        if event["ScheduleExpressionTimezone"] != json!("America/Chicago") {
            problems.push(format!(
                "{id}: ScheduleExpressionTimezone must be America/Chicago, the program's time"
            ));
        }
        if !event["RetryPolicy"].is_object() {
            problems.push(format!("{id}: no RetryPolicy"));
        }
        let dlq = &event["DeadLetterConfig"]["Arn"];
        if dlq != &json!({ "Fn::GetAtt": ["SchedulerDeadLetterQueue", "Arn"] }) {
            problems.push(format!(
                "{id}: DeadLetterConfig.Arn must be the SchedulerDeadLetterQueue"
            ));
        }
    }
    problems
}

/// The properties of every schedule: ScheduleV2 events, and Scheduler
/// schedules (whose retry policy and dead-letter queue sit on the target).
fn schedule_definitions(template: &Value) -> Vec<(String, Value)> {
    let mut out = Vec::new();
    for (id, r) in template::of_type(template, "AWS::Serverless::Function") {
        let events = r["Properties"]["Events"]
            .as_object()
            .cloned()
            .unwrap_or_default();
        for (name, e) in events {
            if e["Type"] == json!("ScheduleV2") {
                out.push((format!("{id} event {name}"), e["Properties"].clone()));
            }
        }
    }
    for (id, r) in template::of_type(template, "AWS::Scheduler::Schedule") {
        let p = &r["Properties"];
        out.push((
            format!("schedule {id}"),
            json!({
                "Name": p["Name"],
                "GroupName": p["GroupName"],
                "ScheduleExpressionTimezone": p["ScheduleExpressionTimezone"],
                "RetryPolicy": p["Target"]["RetryPolicy"],
                "DeadLetterConfig": p["Target"]["DeadLetterConfig"],
            }),
        ));
    }
    out
}

// ------------------------------------------------------------------ logs, alarms, table, settings

fn sub(text: &str) -> Value {
    json!({ "Fn::Sub": text })
}

/// Each function is named `<stack>-<short name>`, logs to its own group with
/// a retention, and has an alarm on its errors; the Scheduler's dead-letter
/// queue has an alarm on its depth.
pub fn logs_and_alarms(template: &Value) -> Vec<String> {
    let mut problems = Vec::new();
    let resources = template::resources(template);
    let of = |id: &str, kind: &str| {
        resources
            .get(id)
            .filter(|r| r["Type"] == json!(kind))
            .map(|r| &r["Properties"])
    };
    for f in template::functions(template) {
        let id = &f.logical_id;
        let short = short_name(f.binary.as_deref().unwrap_or_default());
        let name = sub(&format!("${{AWS::StackName}}-{short}"));
        if f.properties["FunctionName"] != name {
            problems.push(format!(
                "{id}: FunctionName must be !Sub ${{AWS::StackName}}-{short}"
            ));
        }
        let logs = format!("{short}Logs");
        if f.properties["LoggingConfig"]["LogGroup"] != json!({ "Ref": logs }) {
            problems.push(format!("{id}: LoggingConfig.LogGroup must be !Ref {logs}"));
        }
        match of(&logs, "AWS::Logs::LogGroup") {
            None => problems.push(format!(
                "{id}: no log group {logs}; add {short} to Fn::ForEach::FunctionLogsAndAlarms"
            )),
            Some(p) => {
                if p["RetentionInDays"].is_null() {
                    problems.push(format!("{logs} keeps logs forever: set RetentionInDays"));
                }
                if p["LogGroupName"] != sub(&format!("/aws/lambda/${{AWS::StackName}}-{short}")) {
                    problems.push(format!(
                        "{logs}: LogGroupName must be /aws/lambda/${{AWS::StackName}}-{short}"
                    ));
                }
            }
        }
        let alarm = format!("{short}Errors");
        match of(&alarm, "AWS::CloudWatch::Alarm") {
            None => problems.push(format!(
                "{id}: no error alarm {alarm}; add {short} to Fn::ForEach::FunctionLogsAndAlarms"
            )),
            Some(p) => {
                let watches = p["Namespace"] == json!("AWS/Lambda")
                    && p["MetricName"] == json!("Errors")
                    && p["Dimensions"] == json!([{ "Name": "FunctionName", "Value": name }]);
                if !watches {
                    problems.push(format!("{alarm} does not watch the Errors of {id}"));
                }
                if p["AlarmActions"].as_array().is_none_or(Vec::is_empty) {
                    problems.push(format!("{alarm} tells no one"));
                }
            }
        }
    }
    let dlq_watched = template::of_type(template, "AWS::CloudWatch::Alarm").any(|(_, a)| {
        a["Properties"]["Namespace"] == json!("AWS/SQS")
            && a["Properties"]["Dimensions"][0]["Value"]
                == json!({ "Fn::GetAtt": ["SchedulerDeadLetterQueue", "QueueName"] })
    });
    if !dlq_watched {
        problems.push("no alarm watches the depth of SchedulerDeadLetterQueue".into());
    }
    problems
}

/// The table is what the store's key design (`functions/adapters/src/table`)
/// expects, is kept if the stack goes, and every function is given it.
pub fn table(template: &Value) -> Vec<String> {
    let mut problems = Vec::new();
    let tables: Vec<_> = template::of_type(template, "AWS::DynamoDB::Table").collect();
    let [(id, table)] = tables.as_slice() else {
        return vec![format!(
            "expected one DynamoDB table, found {}",
            tables.len()
        )];
    };
    let p = &table["Properties"];
    let key_schema = |(pk, sk): (&str, &str)| {
        json!([
            { "AttributeName": pk, "KeyType": "HASH" },
            { "AttributeName": sk, "KeyType": "RANGE" },
        ])
    };
    let mut expect = |ok: bool, what: &str| {
        if !ok {
            problems.push(format!("{id}: {what}"));
        }
    };
    expect(
        table["DeletionPolicy"] == json!("Retain"),
        "DeletionPolicy must be Retain",
    );
    expect(
        table["UpdateReplacePolicy"] == json!("Retain"),
        "UpdateReplacePolicy must be Retain",
    );
    expect(
        p["BillingMode"] == json!("PAY_PER_REQUEST"),
        "BillingMode must be PAY_PER_REQUEST",
    );
    expect(
        p["KeySchema"] == key_schema((PK, SK)),
        "KeySchema must be pk (HASH), sk (RANGE)",
    );
    let gsis = p["GlobalSecondaryIndexes"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let named: Vec<&str> = Index::ALL.iter().filter_map(|i| i.name()).collect();
    for index in Index::ALL {
        let Some(name) = index.name() else { continue };
        let gsi = gsis.iter().find(|g| g["IndexName"] == json!(name));
        expect(
            gsi.is_some_and(|g| {
                g["KeySchema"] == key_schema(index.key_attributes())
                    && g["Projection"]["ProjectionType"] == json!("ALL")
            }),
            &format!(
                "needs index {name} on {:?} projecting ALL",
                index.key_attributes()
            ),
        );
    }
    for g in &gsis {
        let name = g["IndexName"].as_str().unwrap_or_default();
        expect(
            named.contains(&name),
            &format!("index {name} is not one the store queries"),
        );
    }
    let types = p["AttributeDefinitions"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    expect(
        types.iter().all(|a| a["AttributeType"] == json!("S")),
        "every key attribute is a string",
    );
    expect(
        p["TimeToLiveSpecification"] == json!({ "AttributeName": TTL_ATTRIBUTE, "Enabled": true }),
        &format!("TTL must be enabled on {TTL_ATTRIBUTE}"),
    );
    expect(
        p["PointInTimeRecoverySpecification"]["PointInTimeRecoveryEnabled"] == json!(true),
        "point-in-time recovery must be on",
    );
    expect(
        p["DeletionProtectionEnabled"] == json!(true),
        "deletion protection must be on",
    );
    for f in template::functions(template) {
        if template::environment(template, &f).get("MOMENTS_TABLE") != Some(&json!({ "Ref": id })) {
            problems.push(format!("{}: MOMENTS_TABLE must be !Ref {id}", f.logical_id));
        }
    }
    problems
}

/// The variable that tells the test binary, run again as a child process,
/// which start-up to perform (see `start_up_in_child_process` in main.rs).
pub const START_UP_VAR: &str = "MOMENTS_DEPLOY_CHECK_START_UP";

/// Sample values for the parameters without a usable default.
const SAMPLE_PARAMETERS: [(&str, &str); 7] = [
    ("DomainName", "moments.mo.gov"),
    ("EmailDomains", "mo.gov"),
    ("MailFrom", "moments@mo.gov"),
    ("ProgramAdmins", "admin@mo.gov"),
    // With the identity provider, as `Fn::If`'s first branches assume
    // (administrators must use it).
    (
        "OidcIssuer",
        "https://login.microsoftonline.com/00000000-0000-0000-0000-000000000000/v2.0",
    ),
    ("OidcClientId", "11111111-1111-1111-1111-111111111111"),
    (
        "OidcClientSecretArn",
        "arn:aws:secretsmanager:us-east-2:123456789012:secret:moments-oidc-AbCdEf",
    ),
];

/// A value a template expression could take in a deployed stack: parameters
/// take their sample or default, resources and attributes plausible names,
/// `Fn::If` its first branch, a secret reference a 64-character secret.
fn sample(template: &Value, value: &Value) -> String {
    let text = match value {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Object(o) if o.len() == 1 => {
            let (name, arg) = o.iter().next().expect("one entry");
            match (name.as_str(), arg) {
                ("Ref", Value::String(r)) => sample_ref(template, r),
                ("Fn::GetAtt", Value::Array(a)) => {
                    let resource = a.first().and_then(Value::as_str).unwrap_or_default();
                    format!("arn:aws:sample:us-east-1:123456789012:{resource}")
                }
                ("Fn::Sub", Value::String(s)) => substitute_all(template, s),
                ("Fn::Sub", Value::Array(a)) => substitute_all(
                    template,
                    a.first().and_then(Value::as_str).unwrap_or_default(),
                ),
                ("Fn::If", Value::Array(a)) => sample(template, a.get(1).unwrap_or(&Value::Null)),
                ("Fn::Join", Value::Array(a)) => {
                    let sep = a.first().and_then(Value::as_str).unwrap_or_default();
                    let parts = a
                        .get(1)
                        .and_then(Value::as_array)
                        .cloned()
                        .unwrap_or_default();
                    parts
                        .iter()
                        .map(|p| sample(template, p))
                        .collect::<Vec<_>>()
                        .join(sep)
                }
                _ => "sample".into(),
            }
        }
        _ => "sample".into(),
    };
    if text.contains("{{resolve:secretsmanager:") {
        "x".repeat(64)
    } else {
        text
    }
}

fn sample_ref(template: &Value, name: &str) -> String {
    match name {
        "AWS::Region" => return "us-east-1".into(),
        "AWS::StackName" => return "moments-dev".into(),
        "AWS::AccountId" => return "123456789012".into(),
        "AWS::Partition" => return "aws".into(),
        "AWS::URLSuffix" => return "amazonaws.com".into(),
        _ => {}
    }
    if let Some(parameter) = template["Parameters"].get(name) {
        if let Some((_, v)) = SAMPLE_PARAMETERS.iter().find(|(p, _)| *p == name) {
            return v.to_string();
        }
        return sample(template, &parameter["Default"]);
    }
    format!("sample-{name}")
}

fn substitute_all(template: &Value, text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(start) = rest.find("${") {
        out.push_str(&rest[..start]);
        let Some(end) = rest[start..].find('}') else {
            break;
        };
        let name = &rest[start + 2..start + end];
        out.push_str(&match name.split_once('.') {
            Some((resource, attribute)) => {
                sample(template, &json!({ "Fn::GetAtt": [resource, attribute] }))
            }
            None => sample_ref(template, name),
        });
        rest = &rest[start + end + 1..];
    }
    out.push_str(rest);
    out
}

/// Each function starts with the environment the template gives it: the
/// test binary runs again as a child process with only that environment
/// (values as a deployed stack would have them, AWS reached nowhere) and
/// performs the start-up the function's main.rs performs, so a setting the
/// code reads but the template does not give fails here, not in AWS.
pub fn settings(template: &Value, ws: &Workspace) -> Vec<String> {
    let mut problems = Vec::new();
    let exe = std::env::current_exe().expect("the test binary");
    for f in template::functions(template) {
        let Some(dir) = f.binary.as_ref().and_then(|b| ws.crates.get(b)) else {
            continue;
        };
        let start_up = match start_up(dir) {
            Ok(name) => name,
            Err(names) => {
                problems.push(format!(
                    "{}: main.rs should start with one moments_adapters::lambda function, found {names:?}",
                    f.logical_id
                ));
                continue;
            }
        };
        let mut child = std::process::Command::new(&exe);
        child
            .args([
                "--exact",
                "start_up_in_child_process",
                "--nocapture",
                "--test-threads=1",
            ])
            .env_clear()
            .env(START_UP_VAR, &start_up)
            .env("AWS_REGION", "us-east-1")
            .env("AWS_ACCESS_KEY_ID", "AKIDEPLOYCHECK")
            .env("AWS_SECRET_ACCESS_KEY", "deploy-check")
            .env("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
            .env("AWS_EC2_METADATA_DISABLED", "true");
        for (name, value) in template::environment(template, &f) {
            child.env(name, sample(template, &value));
        }
        let output = child.output().expect("the test binary runs again");
        if !output.status.success() {
            let stderr = String::from_utf8_lossy(&output.stderr);
            let reason = stderr
                .lines()
                .skip_while(|l| !l.contains("panicked at"))
                .nth(1)
                .unwrap_or("(no message)");
            problems.push(format!(
                "{} does not start ({start_up}) with the environment template.yaml gives it: {reason}",
                f.logical_id
            ));
        }
    }
    problems
}

/// The `moments_adapters::lambda` start-up a function's main.rs performs
/// (`deps_from_env`, `deps_with_scheduler_from_env`), or every one it names
/// when that is not exactly one.
fn start_up(crate_dir: &Path) -> Result<String, Vec<String>> {
    let main = std::fs::read_to_string(crate_dir.join("src/main.rs")).unwrap_or_default();
    let names: BTreeSet<String> = main
        .match_indices("moments_adapters::lambda::")
        .map(|(at, p)| {
            main[at + p.len()..]
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect()
        })
        .filter(|name: &String| name != "init_tracing")
        .collect();
    match Vec::from_iter(names).as_slice() {
        [one] => Ok(one.clone()),
        names => Err(names.to_vec()),
    }
}

/// An AWS client a function may start with, beside DynamoDB.
struct Client {
    what: &'static str,
    /// What code using it calls.
    calls: &'static [&'static str],
    /// The `moments_adapters::lambda` start-ups that build it.
    start_ups: &'static [&'static str],
    /// The action a function using it must be allowed.
    action: &'static str,
}

const CLIENTS: [Client; 2] = [
    Client {
        what: "sends email",
        calls: &["deps.notify(", "deps.send("],
        start_ups: &[
            "deps_from_env",
            "deps_with_scheduler_from_env",
            "auth_deps_from_env",
        ],
        action: "ses:SendEmail",
    },
    Client {
        what: "creates or cancels reminder jobs",
        calls: &[
            "deps.schedule(",
            "deps.schedule_job(",
            "deps.try_schedule(",
            "deps.cancel(",
        ],
        start_ups: &[
            "deps_with_scheduler_from_env",
            "deps_with_scheduler_without_mail_from_env",
        ],
        action: "scheduler:CreateSchedule",
    },
];

/// A function whose code sends email, or creates or cancels reminder jobs,
/// starts with that client and is allowed to use it; no other function
/// builds the client (each one lengthens every cold start) or holds the
/// permission. Without the client, each email or job would fail at run
/// time with only a log line, which no local test notices: locally every
/// function shares one outbox and one scheduler.
pub fn clients(template: &Value, ws: &Workspace) -> Vec<String> {
    let mut problems = Vec::new();
    for f in template::functions(template) {
        let Some(dir) = f.binary.as_ref().and_then(|b| ws.crates.get(b)) else {
            continue;
        };
        let mut files = Vec::new();
        for code_dir in code_of(ws, dir) {
            rust_files(&code_dir, &mut files);
        }
        // Without whitespace, so a call split over lines still reads `deps.send(`.
        let code: Vec<String> = files
            .iter()
            .map(|file| {
                let text = std::fs::read_to_string(file).unwrap_or_default();
                text.split_whitespace().collect()
            })
            .collect();
        let start_up = start_up(dir).unwrap_or_default();
        let actions = template::allowed_actions(template, &f);
        let id = &f.logical_id;
        for client in &CLIENTS {
            let uses = code
                .iter()
                .any(|text| client.calls.iter().any(|call| text.contains(call)));
            let starts_with = client.start_ups.contains(&start_up.as_str());
            let allowed = actions.contains(client.action);
            let what = client.what;
            match (uses, starts_with) {
                (true, false) => problems.push(format!(
                    "{id} {what}, but its main.rs starts without that client ({start_up})"
                )),
                (false, true) => problems.push(format!(
                    "{id} starts with a client it never uses: it never {what} ({start_up})"
                )),
                _ => {}
            }
            match (uses, allowed) {
                (true, false) => problems.push(format!(
                    "{id} {what}, but its policies do not allow {}",
                    client.action
                )),
                (false, true) => problems.push(format!(
                    "{id} is allowed {} but never {what}: least privilege",
                    client.action
                )),
                _ => {}
            }
        }
    }
    problems
}

/// Each HTTP function has a sample event in `events/` (named after it),
/// and each sample event is a route the template sends to that function.
pub fn sample_events(template: &Value, ws: &Workspace) -> Vec<String> {
    let mut problems = Vec::new();
    let functions = template::functions(template);
    let mut events: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();
    let dir = std::fs::read_dir(ws.root.join("events")).expect("events/");
    for path in dir.map(|e| e.expect("events/ entry").path()) {
        let file = path
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .to_string();
        let text = std::fs::read_to_string(&path).expect("event file");
        let event: Value = match serde_json::from_str(&text) {
            Ok(v) => v,
            Err(e) => {
                problems.push(format!("events/{file} is not JSON: {e}"));
                continue;
            }
        };
        let short = file
            .split(['-', '.'])
            .next()
            .unwrap_or_default()
            .to_string();
        let route_key = event["routeKey"].as_str().unwrap_or_default().to_string();
        events.entry(short).or_default().push((file, route_key));
    }
    for f in functions.iter().filter(|f| !f.routes.is_empty()) {
        let short = short_name(f.binary.as_deref().unwrap_or_default());
        let Some(samples) = events.get(short) else {
            problems.push(format!(
                "{} has no sample event events/{short}-*.json",
                f.logical_id
            ));
            continue;
        };
        for (file, route_key) in samples {
            if !f.routes.iter().any(|r| r.to_string() == *route_key) {
                problems.push(format!(
                    "events/{file}: routeKey {route_key:?} is not a route of {}",
                    f.logical_id
                ));
            }
        }
    }
    problems
}
