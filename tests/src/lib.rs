//! Shared by the workspace tests: the two table backends every store test
//! runs on, and the AWS stand-in (moto) the README test command starts.

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use aws_config::{Region, SdkConfig};
use aws_sdk_dynamodb::config::Credentials;
use moments_adapters::table::Table;
use moments_adapters::table::dynamo::{DynamoTable, create_table};
use moments_adapters::table::embedded::EmbeddedTable;
use tempfile::TempDir;

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
    _dir: Option<TempDir>,
}

impl Backend {
    pub fn embedded() -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let table =
            EmbeddedTable::open(&dir.path().join("table.redb")).expect("open embedded table");
        Backend {
            table: Arc::new(table),
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
            _dir: None,
        }
    }

    pub fn table(&self) -> Arc<dyn Table> {
        Arc::clone(&self.table)
    }
}
