//! The single-table port: the few DynamoDB operations the platform uses,
//! expressed once, so the program's key design and rules (in `store`) are
//! written a single time and run unchanged on DynamoDB and on the embedded
//! stand-in. Both backends must give the same answers; the conformance suite
//! in `tests/` holds them to it.

use async_trait::async_trait;
use serde_json::{Map, Value};

pub mod cost;
pub mod dynamo;
pub mod embedded;

/// An item: attribute name → JSON value. Numbers become DynamoDB `N`,
/// strings `S`, booleans `BOOL`, arrays `L`, objects `M`, null `NULL`.
pub type Item = Map<String, Value>;

/// DynamoDB's size of a value, per its published rules.
pub(crate) fn value_size(value: &Value) -> usize {
    match value {
        Value::Null | Value::Bool(_) => 1,
        Value::String(s) => s.len(),
        Value::Number(n) => n.to_string().len().div_ceil(2) + 1,
        Value::Array(values) => 3 + values.iter().map(|v| 1 + value_size(v)).sum::<usize>(),
        Value::Object(map) => {
            3 + map
                .iter()
                .map(|(k, v)| 1 + k.len() + value_size(v))
                .sum::<usize>()
        }
    }
}

/// DynamoDB's size of an item: attribute names plus values.
pub fn item_size(item: &Item) -> usize {
    item.iter().map(|(k, v)| k.len() + value_size(v)).sum()
}

/// Most writes one atomic batch may hold (DynamoDB `TransactWriteItems`).
pub const MAX_WRITES: usize = 100;

/// Partition and sort key attribute names of the table and its indexes.
pub const PK: &str = "pk";
pub const SK: &str = "sk";

/// The indexes a query can read. Index key attributes are plain string
/// attributes of the item; an item without them is simply not in the index
/// (sparse index).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Index {
    /// The table itself: `pk` / `sk`.
    Primary,
    /// `gsi1`: `gsi1pk` / `gsi1sk` (applications by supervisor).
    Gsi1,
    /// `gsi2`: `gsi2pk` / `gsi2sk` (applications and administrators by department).
    Gsi2,
    /// `gsi3`: `gsi3pk` / `gsi3sk` (records by quarter, for exports and retention).
    Gsi3,
}

impl Index {
    pub fn name(self) -> Option<&'static str> {
        match self {
            Index::Primary => None,
            Index::Gsi1 => Some("gsi1"),
            Index::Gsi2 => Some("gsi2"),
            Index::Gsi3 => Some("gsi3"),
        }
    }
    pub fn key_attributes(self) -> (&'static str, &'static str) {
        match self {
            Index::Primary => (PK, SK),
            Index::Gsi1 => ("gsi1pk", "gsi1sk"),
            Index::Gsi2 => ("gsi2pk", "gsi2sk"),
            Index::Gsi3 => ("gsi3pk", "gsi3sk"),
        }
    }
    pub const ALL: [Index; 4] = [Index::Primary, Index::Gsi1, Index::Gsi2, Index::Gsi3];
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Key {
    pub pk: String,
    pub sk: String,
}

impl Key {
    pub fn new(pk: impl Into<String>, sk: impl Into<String>) -> Self {
        Key {
            pk: pk.into(),
            sk: sk.into(),
        }
    }
}

/// A condition on the item currently stored under a write's key, checked
/// atomically with the write (DynamoDB `ConditionExpression`).
/// Comparisons follow DynamoDB: a missing attribute makes `Eq`, `Lt`, `Gt`
/// false and `Ne` true; values of different types are never equal and never
/// ordered; strings order by bytes, numbers numerically.
#[derive(Debug, Clone, PartialEq)]
pub enum Cond {
    /// An item exists under the key (`attribute_exists(pk)`).
    Exists,
    /// No item exists under the key (`attribute_not_exists(pk)`).
    NotExists,
    Eq(String, Value),
    Ne(String, Value),
    Lt(String, Value),
    Gt(String, Value),
    And(Vec<Cond>),
    /// At least one holds; an empty `Or` is invalid (it could never hold).
    Or(Vec<Cond>),
}

/// One write of an atomic batch.
#[derive(Debug, Clone, PartialEq)]
pub enum Write {
    /// Replace the whole item (its `pk`/`sk` attributes give the key).
    Put {
        item: Item,
        cond: Option<Cond>,
    },
    /// Change some attributes of the item under `key`, creating it if absent
    /// (DynamoDB `UpdateItem`): `set` replaces attributes, `add` adds to a
    /// number (a missing one counts as 0), `remove` deletes attributes.
    Update {
        key: Key,
        set: Vec<(String, Value)>,
        add: Vec<(String, i64)>,
        remove: Vec<String>,
        cond: Option<Cond>,
    },
    Delete {
        key: Key,
        cond: Option<Cond>,
    },
    /// Only check `cond`, write nothing (`ConditionCheck`).
    Check {
        key: Key,
        cond: Cond,
    },
}

impl Write {
    pub fn key(&self) -> Key {
        match self {
            Write::Put { item, .. } => Key::new(
                item.get(PK).and_then(Value::as_str).unwrap_or_default(),
                item.get(SK).and_then(Value::as_str).unwrap_or_default(),
            ),
            Write::Update { key, .. } | Write::Delete { key, .. } | Write::Check { key, .. } => {
                key.clone()
            }
        }
    }
}

/// A key-condition query: every item of one index partition, optionally
/// narrowed to sort keys starting with `sk_prefix`, or to sort keys from
/// `sk_from` on (`>=`; not both), in sort-key order.
#[derive(Debug, Clone, PartialEq)]
pub struct Query {
    pub index: Index,
    pub pk: String,
    pub sk_prefix: Option<String>,
    pub sk_from: Option<String>,
    /// Newest-first when false.
    pub forward: bool,
    /// At most this many items in the page (DynamoDB `Limit`).
    pub limit: Option<u32>,
    /// Continue after this page's `next` (DynamoDB `ExclusiveStartKey`).
    pub start: Option<Item>,
    /// Read eventually consistently, for half the read units, though the
    /// table could do better (an index always is).
    pub eventual: bool,
}

impl Query {
    pub fn new(index: Index, pk: impl Into<String>) -> Self {
        Query {
            index,
            pk: pk.into(),
            sk_prefix: None,
            sk_from: None,
            forward: true,
            limit: None,
            start: None,
            eventual: false,
        }
    }
    /// Eventually consistent: may miss what was written in the last second.
    pub fn eventually(mut self) -> Self {
        self.eventual = true;
        self
    }
    pub fn prefix(mut self, prefix: impl Into<String>) -> Self {
        self.sk_prefix = Some(prefix.into());
        self
    }
    /// Only sort keys that are `from` or after it (by bytes).
    pub fn from(mut self, from: impl Into<String>) -> Self {
        self.sk_from = Some(from.into());
        self
    }
    pub fn backward(mut self) -> Self {
        self.forward = false;
        self
    }
    pub fn limit(mut self, limit: u32) -> Self {
        self.limit = Some(limit);
        self
    }
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Page {
    pub items: Vec<Item>,
    /// Where the next page starts, when there may be more (`LastEvaluatedKey`:
    /// the table key plus the index key of the last item returned).
    pub next: Option<Item>,
}

#[derive(Debug, thiserror::Error)]
pub enum TableError {
    /// The condition of the write at this position of the batch failed;
    /// nothing of the batch was written.
    #[error("condition of write {index} failed")]
    ConditionFailed { index: usize },
    /// Another transaction touched the same items at the same moment
    /// (DynamoDB `TransactionConflict`); nothing was written, retrying may succeed.
    #[error("conflicting concurrent transaction")]
    Conflict,
    /// The service asked us to slow down or timed out; nothing is known to be written.
    #[error("store temporarily unavailable: {0}")]
    Unavailable(String),
    /// The batch itself is malformed (e.g. two writes on one key, more than 100 writes).
    #[error("invalid request: {0}")]
    Invalid(String),
    #[error("store failure: {0}")]
    Other(String),
}

/// Most keys one `get_many` takes (DynamoDB's `BatchGetItem` limit).
pub const MAX_GET_MANY: usize = 100;

/// The table. Every method is atomic on its own; `write` applies all of its
/// writes or none (DynamoDB `TransactWriteItems`; a single write may use the
/// plain item operation with the same condition).
#[async_trait]
pub trait Table: Send + Sync + 'static {
    async fn get(&self, key: &Key) -> Result<Option<Item>, TableError>;
    /// Up to [`MAX_GET_MANY`] items by distinct keys, read strongly in one
    /// round trip (DynamoDB `BatchGetItem`): those that exist, in no
    /// particular order.
    async fn get_many(&self, keys: &[Key]) -> Result<Vec<Item>, TableError>;
    async fn query(&self, query: &Query) -> Result<Page, TableError>;
    async fn write(&self, writes: Vec<Write>) -> Result<(), TableError>;
}

/// How many times a transaction that lost to a concurrent one is sent again.
const CONFLICT_RETRIES: u32 = 3;

/// Send a transaction again, after a short pause that grows and is
/// jittered so that two retrying writers part, while it meets another
/// transaction on the same items: it wrote nothing, and its conditions are
/// checked afresh when it is sent again. The DynamoDB backend does this,
/// and the cost model does it the same way.
async fn retry_conflicts<F, Fut>(mut send: F) -> Result<(), TableError>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<(), TableError>>,
{
    let mut attempt = 0;
    loop {
        match send().await {
            Err(TableError::Conflict) if attempt < CONFLICT_RETRIES => {
                attempt += 1;
                tokio::time::sleep(backoff(attempt)).await;
            }
            other => return other,
        }
    }
}

/// A short pause before sending again, growing and jittered so that two
/// retrying callers part.
fn backoff(attempt: u32) -> std::time::Duration {
    let mut jitter = [0u8; 1];
    let jitter = getrandom::fill(&mut jitter).map_or(0, |()| u64::from(jitter[0]) % 20);
    std::time::Duration::from_millis(10 * u64::from(attempt) + jitter)
}
