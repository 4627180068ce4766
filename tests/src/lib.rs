//! Shared by the workspace tests: the two table backends every store test
//! runs on, the AWS stand-in (moto) the README test command starts,
//! template.yaml as CloudFormation reads it, and IAM as AWS evaluates it.

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use aws_config::{Region, SdkConfig};
use aws_sdk_dynamodb::config::Credentials;
use moments_adapters::table::Table;
use moments_adapters::table::dynamo::{DynamoTable, create_table};
use moments_adapters::table::embedded::EmbeddedTable;
use tempfile::TempDir;

pub mod guard;
pub mod iam;
pub mod template;

pub const ENDPOINT_VAR: &str = "MOMENTS_TEST_AWS_ENDPOINT";

/// Where moto listens. Missing is a failure, never a skip: a green run must
/// mean the DynamoDB and SES adapters were exercised.
pub fn endpoint() -> String {
    std::env::var(ENDPOINT_VAR).unwrap_or_else(|_| {
        panic!(
            "{ENDPOINT_VAR} is not set: the AWS conformance cases need moto. \
             Run the README test command, which starts moto and sets it \
             (e.g. MOMENTS_TEST_AWS_ENDPOINT=http://127.0.0.1:5000)."
        )
    })
}

/// SDK configuration pointing at moto with static test credentials.
pub async fn aws() -> SdkConfig {
    moments_adapters::aws::defaults()
        .expect("SDK HTTP client")
        .endpoint_url(endpoint())
        .region(Region::new("us-east-1"))
        .credentials_provider(Credentials::new("testing", "testing", None, None, "tests"))
        .load()
        .await
}

/// A sender address of this test's own, verified in moto's SES.
pub async fn verified_sender(config: &SdkConfig, case: &str) -> String {
    let from = format!("{}@moments.example", unique(case));
    aws_sdk_sesv2::Client::new(config)
        .create_email_identity()
        .email_identity(&from)
        .send()
        .await
        .expect("verify the sender in moto");
    from
}

/// A schedule group of this test's own in moto's EventBridge Scheduler.
pub async fn schedule_group(config: &SdkConfig, case: &str) -> String {
    let group = unique(case);
    aws_sdk_scheduler::Client::new(config)
        .create_schedule_group()
        .name(&group)
        .send()
        .await
        .expect("schedule group in moto");
    group
}

/// A name no other test (or earlier run against the same moto) has used.
pub fn unique(prefix: &str) -> String {
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("clock after 1970")
        .as_nanos();
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    format!("{prefix}-{nanos}-{n}")
}

pub struct Backend {
    table: Arc<dyn Table>,
    /// The same table, when it is the embedded one, to picture it.
    embedded: Option<Arc<EmbeddedTable>>,
    _dir: Option<TempDir>,
}

impl Backend {
    pub fn embedded() -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let table = Arc::new(
            EmbeddedTable::open(&dir.path().join("table.redb")).expect("open embedded table"),
        );
        Backend {
            table: table.clone(),
            embedded: Some(table),
            _dir: Some(dir),
        }
    }

    pub async fn dynamodb(case: &str) -> Self {
        let client = aws_sdk_dynamodb::Client::new(&aws().await);
        let name = unique(&format!("conf-{}", case.replace('_', "-")));
        create_table(&client, &name)
            .await
            .expect("create table on moto");
        Backend {
            table: Arc::new(DynamoTable::new(client, name)),
            embedded: None,
            _dir: None,
        }
    }

    pub fn table(&self) -> Arc<dyn Table> {
        Arc::clone(&self.table)
    }

    /// The embedded table, when this backend is one.
    pub fn embedded_table(&self) -> Option<Arc<EmbeddedTable>> {
        self.embedded.clone()
    }
}

/// The program's invariants over every item of a table, as the table holds
/// them (`EmbeddedTable::items`): what the store keeps beside its records
/// must agree with the records, whatever failed or raced on the way.
/// Returns each broken rule; empty when all hold.
pub fn invariants(
    items: &std::collections::BTreeMap<moments_adapters::table::Key, moments_adapters::table::Item>,
) -> Vec<String> {
    use std::collections::{BTreeMap, BTreeSet};

    use serde_json::Value;

    let kind = |item: &moments_adapters::table::Item| {
        item.get("kind")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string()
    };
    let text = |v: &Value, path: &str| {
        v.pointer(path)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string()
    };
    let mut problems = Vec::new();
    let mut active: BTreeMap<String, u64> = BTreeMap::new();
    let mut paired: BTreeSet<(String, String)> = BTreeSet::new();
    let mut mentorships = BTreeSet::new();
    for item in items.values() {
        let data = item.get("data").cloned().unwrap_or(Value::Null);
        match kind(item).as_str() {
            "mentorship" => {
                mentorships.insert(text(&data, "/id"));
                if text(&data, "/status") == "active" {
                    for side in ["/mentee_application", "/mentor_application"] {
                        *active.entry(text(&data, side)).or_default() += 1;
                    }
                    paired.insert((text(&data, "/mentee"), text(&data, "/mentor")));
                }
            }
            "request" if text(&data, "/status") == "pending" => {
                paired.insert((text(&data, "/mentee"), text(&data, "/mentor")));
            }
            _ => {}
        }
    }
    let mut listed_expected = BTreeSet::new();
    for item in items.values() {
        let data = item.get("data").cloned().unwrap_or(Value::Null);
        match kind(item).as_str() {
            "application" => {
                let id = text(&data, "/id");
                let count = item.get("active").and_then(Value::as_u64).unwrap_or(0);
                let actual = active.get(&id).copied().unwrap_or(0);
                if count != actual {
                    problems.push(format!(
                        "application {id} counts {count} active mentorships, has {actual}"
                    ));
                }
                if count > 2 {
                    problems.push(format!("application {id} has {count} active mentorships"));
                }
                let available = item
                    .get("available")
                    .and_then(Value::as_bool)
                    .unwrap_or(true);
                if text(&data, "/role") == "mentor"
                    && text(&data, "/status") == "approved"
                    && available
                    && count < 2
                {
                    listed_expected.insert(text(&data, "/applicant"));
                }
            }
            "request" if text(&data, "/status") == "accepted" => {
                let ms = text(&data, "/mentorship");
                if !mentorships.contains(&ms) {
                    problems.push(format!(
                        "request {} is accepted but its mentorship {ms} is missing",
                        text(&data, "/id")
                    ));
                }
            }
            _ => {}
        }
    }
    let listed: BTreeSet<String> = items
        .keys()
        .filter(|k| {
            k.pk.starts_with("LISTING#") && k.pk != moments_adapters::store::keys::LISTING_CHANGES
        })
        .map(|k| k.sk.clone())
        .collect();
    if listed != listed_expected {
        problems.push(format!(
            "listed mentors {listed:?}, but approved, available, not full: {listed_expected:?}"
        ));
    }
    let guards: BTreeSet<(String, String)> = items
        .keys()
        .filter_map(|k| k.pk.strip_prefix("PAIR#"))
        .filter_map(|rest| rest.split_once('#'))
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
    if guards != paired {
        problems.push(format!(
            "pair guards {guards:?}, but pending requests and active mentorships pair {paired:?}"
        ));
    }
    problems
}

/// Store a submitted application and approve it as its supervisor would,
/// each step with its audit entry: seeding for scenarios and benchmarks
/// that are not about the review itself.
pub async fn store_approved(
    store: &moments_adapters::store::Store,
    app: &moments_domain::application::Application,
    at: jiff::Timestamp,
) {
    use moments_domain::access::Actor;
    use moments_domain::application::Outcome;
    use moments_domain::audit::{Action, AuditEntry};
    use moments_domain::fields::EmailAddress;

    let entry = |actor: &EmailAddress, action| AuditEntry {
        at,
        actor: actor.clone(),
        action,
        on_behalf_of: None,
        note: None,
    };
    store
        .create_application(app, &entry(&app.applicant, Action::Submitted))
        .await
        .expect("created");
    let supervisor = app.supervisor().clone();
    let decided = app
        .decide(&Actor::new(supervisor.clone()), Outcome::Approved, None, at)
        .expect("decided");
    store
        .save_application(
            app.version,
            true,
            &decided,
            &entry(&supervisor, Action::Approved),
        )
        .await
        .expect("approved");
}
