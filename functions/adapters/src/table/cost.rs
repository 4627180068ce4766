//! A table that costs what DynamoDB costs, for benchmarks (and tests that
//! want the figures): it wraps another `Table` (the embedded one) and
//! models, per call, what DynamoDB would charge and how long it would take.
//!
//! - **Latency**: every call is one round trip of `latency` (5 ms unless
//!   set), added to the modelled time, and slept when `sleep` is on (so
//!   concurrent callers overlap as they would against the service).
//! - **Pages**: a Query returns at most 1 MB of items, as DynamoDB does; the
//!   rest comes in further pages (further round trips).
//! - **Read units**: a GetItem (strongly consistent) is 1 unit per 4 KB of
//!   the item, rounded up; a Query page 1 unit per 4 KB of all the items it
//!   read together, halved on an index or when asked for eventually
//!   consistent; a batch
//!   read (`BatchGetItem`) is one round trip, each item's units rounded up
//!   on their own.
//! - **Write units**: 1 per 1 KB of the item written (the larger of before
//!   and after), rounded up, twice that inside a transaction (a batch of
//!   more than one write), plus 1 per KB for each index the item is in;
//!   a condition check in a transaction costs as a write.
//! - **Throughput**: each partition (table key, or index key for an index
//!   Query) serves 3,000 read units and 1,000 write units a second; a call
//!   that finds its partition's bucket empty waits for it (a throttle,
//!   counted), as the SDK's retries would.
//! - **Transaction conflicts**: a transaction holds its items while it is
//!   under way (its round trip, when sleeping); a write to an item a
//!   transaction holds fails with `Conflict` (DynamoDB's
//!   `TransactionConflict`: the transaction is cancelled, or the single
//!   write rejected), counted, and nothing is written; a transaction is
//!   then sent again as the DynamoDB backend sends it (up to three times,
//!   after a short jittered pause). Reads are never blocked.

use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use async_trait::async_trait;

use super::{
    Index, Item, Key, PK, Page, Query, SK, Table, TableError, Write, item_size, value_size,
};

/// What DynamoDB charges and allows, as modelled.
#[derive(Debug, Clone)]
pub struct CostModel {
    /// One round trip.
    pub latency: Duration,
    /// Whether a call sleeps its latency (and any throttle wait).
    pub sleep: bool,
    /// Most bytes of items one Query page holds.
    pub page_bytes: usize,
    /// Read units one partition serves per second.
    pub partition_read_units: f64,
    /// Write units one partition serves per second.
    pub partition_write_units: f64,
}

impl Default for CostModel {
    fn default() -> Self {
        CostModel {
            latency: Duration::from_millis(5),
            sleep: false,
            page_bytes: 1024 * 1024,
            partition_read_units: 3_000.0,
            partition_write_units: 1_000.0,
        }
    }
}

/// Figures so far; units in thousandths, so they add up exactly.
#[derive(Debug, Default)]
struct Meter {
    round_trips: AtomicU64,
    gets: AtomicU64,
    queries: AtomicU64,
    writes: AtomicU64,
    items_read: AtomicU64,
    read_milli_units: AtomicU64,
    write_milli_units: AtomicU64,
    throttles: AtomicU64,
    conflicts: AtomicU64,
    waited_nanos: AtomicU64,
    modelled_nanos: AtomicU64,
}

/// A snapshot of the figures; `since` gives those of a stretch of work.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Costs {
    pub round_trips: u64,
    pub gets: u64,
    pub queries: u64,
    pub writes: u64,
    pub items_read: u64,
    pub read_units: f64,
    pub write_units: f64,
    /// Calls that waited for their partition's throughput.
    pub throttles: u64,
    /// Writes refused because a transaction held one of their items.
    pub conflicts: u64,
    /// How long they waited, together.
    pub waited: Duration,
    /// Latency of every call plus throttle waits, as if one after another.
    pub modelled: Duration,
}

impl Costs {
    pub fn since(&self, earlier: &Costs) -> Costs {
        Costs {
            round_trips: self.round_trips - earlier.round_trips,
            gets: self.gets - earlier.gets,
            queries: self.queries - earlier.queries,
            writes: self.writes - earlier.writes,
            items_read: self.items_read - earlier.items_read,
            read_units: self.read_units - earlier.read_units,
            write_units: self.write_units - earlier.write_units,
            throttles: self.throttles - earlier.throttles,
            conflicts: self.conflicts - earlier.conflicts,
            waited: self.waited.saturating_sub(earlier.waited),
            modelled: self.modelled.saturating_sub(earlier.modelled),
        }
    }
}

/// One partition's token buckets.
#[derive(Debug)]
struct Buckets {
    read: f64,
    write: f64,
    at: Instant,
}

pub struct ModelledTable {
    inner: std::sync::Arc<dyn Table>,
    model: CostModel,
    meter: Meter,
    partitions: Mutex<HashMap<String, Buckets>>,
    /// Items held by transactions under way.
    held: Mutex<std::collections::HashSet<(String, String)>>,
}

const MILLI: f64 = 1_000.0;

impl ModelledTable {
    pub fn new(inner: std::sync::Arc<dyn Table>, model: CostModel) -> Self {
        ModelledTable {
            inner,
            model,
            meter: Meter::default(),
            partitions: Mutex::new(HashMap::new()),
            held: Mutex::new(std::collections::HashSet::new()),
        }
    }

    /// Whether a transaction under way holds one of these items; if not
    /// and `hold`, this transaction holds them until `release`.
    fn conflicts(&self, keys: &[(String, String)], hold: bool) -> bool {
        let mut held = self.held.lock().unwrap_or_else(|p| p.into_inner());
        if keys.iter().any(|k| held.contains(k)) {
            return true;
        }
        if hold {
            held.extend(keys.iter().cloned());
        }
        false
    }

    fn release(&self, keys: &[(String, String)]) {
        let mut held = self.held.lock().unwrap_or_else(|p| p.into_inner());
        for k in keys {
            held.remove(k);
        }
    }

    /// Every partition's throughput back to full, as if the table had been
    /// idle a while: a benchmark calls it after seeding, so that what it
    /// measures does not wait for the seeding's writes.
    pub fn settle(&self) {
        self.partitions
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clear();
    }

    pub fn costs(&self) -> Costs {
        let m = &self.meter;
        let n = |a: &AtomicU64| a.load(Ordering::Relaxed);
        Costs {
            round_trips: n(&m.round_trips),
            gets: n(&m.gets),
            queries: n(&m.queries),
            writes: n(&m.writes),
            items_read: n(&m.items_read),
            read_units: n(&m.read_milli_units) as f64 / MILLI,
            write_units: n(&m.write_milli_units) as f64 / MILLI,
            throttles: n(&m.throttles),
            conflicts: n(&m.conflicts),
            waited: Duration::from_nanos(n(&m.waited_nanos)),
            modelled: Duration::from_nanos(n(&m.modelled_nanos)),
        }
    }

    /// Take `read` and `write` units from `partition`'s buckets (refilled at
    /// the partition's rates, holding a second's worth at most): how long
    /// the call has to wait for them.
    fn take(&self, partition: &str, read: f64, write: f64) -> Duration {
        let now = Instant::now();
        let (r_rate, w_rate) = (
            self.model.partition_read_units,
            self.model.partition_write_units,
        );
        let mut all = self.partitions.lock().unwrap_or_else(|p| p.into_inner());
        let b = all.entry(partition.to_string()).or_insert(Buckets {
            read: r_rate,
            write: w_rate,
            at: now,
        });
        let elapsed = now.duration_since(b.at).as_secs_f64();
        b.read = (b.read + elapsed * r_rate).min(r_rate) - read;
        b.write = (b.write + elapsed * w_rate).min(w_rate) - write;
        b.at = now;
        let wait = (-b.read / r_rate).max(-b.write / w_rate).max(0.0);
        Duration::from_secs_f64(wait)
    }

    /// Count one round trip with its units and its wait for throughput;
    /// sleep them if asked.
    async fn charge(&self, wait: Duration, read_units: f64, write_units: f64) {
        let m = &self.meter;
        if !wait.is_zero() {
            m.throttles.fetch_add(1, Ordering::Relaxed);
            m.waited_nanos.fetch_add(
                u64::try_from(wait.as_nanos()).unwrap_or(u64::MAX),
                Ordering::Relaxed,
            );
        }
        m.round_trips.fetch_add(1, Ordering::Relaxed);
        m.read_milli_units
            .fetch_add((read_units * MILLI).round() as u64, Ordering::Relaxed);
        m.write_milli_units
            .fetch_add((write_units * MILLI).round() as u64, Ordering::Relaxed);
        let spent = self.model.latency + wait;
        m.modelled_nanos.fetch_add(
            u64::try_from(spent.as_nanos()).unwrap_or(u64::MAX),
            Ordering::Relaxed,
        );
        if self.model.sleep {
            tokio::time::sleep(spent).await;
        }
    }
}

/// Read units of `bytes` read together: 1 per 4 KB, halved when eventually consistent.
fn read_units(bytes: usize, strong: bool) -> f64 {
    let units = bytes.max(1).div_ceil(4096) as f64;
    if strong { units } else { units / 2.0 }
}

/// Write units of an item of `bytes`: 1 per KB.
fn write_units(bytes: usize) -> f64 {
    bytes.max(1).div_ceil(1024) as f64
}

/// How many indexes an item is in (it has both of an index's key attributes).
fn indexes_of(item: &Item) -> usize {
    Index::ALL[1..]
        .iter()
        .filter(|i| {
            let (p, s) = i.key_attributes();
            item.contains_key(p) && item.contains_key(s)
        })
        .count()
}

/// The key an item is found again by after a page: the table key, and the
/// index key when the query was on an index (DynamoDB `LastEvaluatedKey`).
fn last_key(item: &Item, index: Index) -> Item {
    let mut key = Item::new();
    let (p, s) = index.key_attributes();
    for name in [PK, SK, p, s] {
        if let Some(v) = item.get(name) {
            key.insert(name.to_string(), v.clone());
        }
    }
    key
}

#[async_trait]
impl Table for ModelledTable {
    async fn get(&self, key: &Key) -> Result<Option<Item>, TableError> {
        let found = self.inner.get(key).await?;
        let bytes = found.as_ref().map_or(0, item_size);
        self.meter.gets.fetch_add(1, Ordering::Relaxed);
        self.meter
            .items_read
            .fetch_add(u64::from(found.is_some()), Ordering::Relaxed);
        let units = read_units(bytes, true);
        self.charge(self.take(&key.pk, units, 0.0), units, 0.0)
            .await;
        Ok(found)
    }

    /// One round trip; each item's read units are rounded up on their own
    /// (unlike a query's, which are summed first), as `BatchGetItem` charges.
    async fn get_many(&self, keys: &[Key]) -> Result<Vec<Item>, TableError> {
        let found = self.inner.get_many(keys).await?;
        self.meter.gets.fetch_add(1, Ordering::Relaxed);
        self.meter
            .items_read
            .fetch_add(found.len() as u64, Ordering::Relaxed);
        let mut wait = Duration::ZERO;
        let mut total = 0.0;
        for key in keys {
            let bytes = found
                .iter()
                .find(|i| {
                    i.get(PK).and_then(serde_json::Value::as_str) == Some(key.pk.as_str())
                        && i.get(SK).and_then(serde_json::Value::as_str) == Some(key.sk.as_str())
                })
                .map_or(0, item_size);
            let units = read_units(bytes, true);
            total += units;
            wait = wait.max(self.take(&key.pk, units, 0.0));
        }
        self.charge(wait, total, 0.0).await;
        Ok(found)
    }

    async fn query(&self, query: &Query) -> Result<Page, TableError> {
        let mut page = self.inner.query(query).await?;
        // At most `page_bytes` of items: the rest is another page.
        let mut bytes = 0;
        let mut kept = 0;
        for item in &page.items {
            let size = item_size(item);
            if kept > 0 && bytes + size > self.model.page_bytes {
                break;
            }
            bytes += size;
            kept += 1;
        }
        if kept < page.items.len() {
            page.items.truncate(kept);
            page.next = page.items.last().map(|i| last_key(i, query.index));
        }
        self.meter.queries.fetch_add(1, Ordering::Relaxed);
        self.meter
            .items_read
            .fetch_add(page.items.len() as u64, Ordering::Relaxed);
        let strong = query.index == Index::Primary && !query.eventual;
        let units = read_units(bytes, strong);
        self.charge(self.take(&query.pk, units, 0.0), units, 0.0)
            .await;
        Ok(page)
    }

    async fn write(&self, writes: Vec<Write>) -> Result<(), TableError> {
        if writes.len() > 1 {
            // A transaction that meets another is sent again, as the
            // DynamoDB backend does.
            super::retry_conflicts(|| self.write_once(writes.clone())).await
        } else {
            self.write_once(writes).await
        }
    }
}

impl ModelledTable {
    /// One write or transaction, as DynamoDB would serve it.
    async fn write_once(&self, writes: Vec<Write>) -> Result<(), TableError> {
        // What each write touches, read before it (for its size and indexes).
        let transaction = writes.len() > 1;
        let mut units = Vec::with_capacity(writes.len());
        for w in &writes {
            let key = w.key();
            let before = self.inner.get(&key).await?;
            let after_size = match w {
                Write::Put { item, .. } => item_size(item),
                Write::Update { set, .. } => {
                    before.as_ref().map_or(0, item_size)
                        + set
                            .iter()
                            .map(|(k, v)| k.len() + value_size(v))
                            .sum::<usize>()
                }
                Write::Delete { .. } | Write::Check { .. } => 0,
            };
            let size = before.as_ref().map_or(0, item_size).max(after_size);
            let base = write_units(size) * if transaction { 2.0 } else { 1.0 };
            let indexed = match (w, &before) {
                (Write::Check { .. }, _) => 0,
                (Write::Put { item, .. }, _) => indexes_of(item),
                (_, Some(b)) => indexes_of(b),
                (_, None) => 0,
            };
            units.push((key.pk, base + write_units(size) * indexed as f64));
        }
        let keys: Vec<(String, String)> = writes
            .iter()
            .map(|w| {
                let k = w.key();
                (k.pk, k.sk)
            })
            .collect();
        self.meter.writes.fetch_add(1, Ordering::Relaxed);
        if self.conflicts(&keys, transaction) {
            self.meter.conflicts.fetch_add(1, Ordering::Relaxed);
            self.charge(Duration::ZERO, 0.0, 0.0).await;
            return Err(TableError::Conflict);
        }
        let result = self.inner.write(writes).await;
        // One round trip; each partition's share of the units taken from it.
        let total: f64 = units.iter().map(|(_, u)| u).sum();
        let wait = units
            .iter()
            .map(|(pk, u)| self.take(pk, 0.0, *u))
            .max()
            .unwrap_or_default();
        self.charge(wait, 0.0, total).await;
        if transaction {
            self.release(&keys);
        }
        result
    }
}

/// The figures as a benchmark prints them beside its wall time.
impl std::fmt::Display for Costs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} round trips ({} get, {} query, {} write), {} items read, {:.1} read units, {:.1} write units, {} throttled ({:.1} ms waiting), {} transaction conflicts, {:.1} ms modelled",
            self.round_trips,
            self.gets,
            self.queries,
            self.writes,
            self.items_read,
            self.read_units,
            self.write_units,
            self.throttles,
            self.waited.as_secs_f64() * 1e3,
            self.conflicts,
            self.modelled.as_secs_f64() * 1e3
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::table::embedded::EmbeddedTable;
    use serde_json::{Value, json};
    use std::sync::Arc;

    fn item(pk: &str, sk: &str, bytes: usize) -> Item {
        let Value::Object(map) = json!({"pk": pk, "sk": sk, "data": "x".repeat(bytes)}) else {
            unreachable!()
        };
        map
    }

    fn put(item: Item) -> Write {
        Write::Put { item, cond: None }
    }

    async fn table() -> (tempfile::TempDir, ModelledTable) {
        let dir = tempfile::tempdir().expect("dir");
        let inner = Arc::new(EmbeddedTable::open(&dir.path().join("t.redb")).expect("table"));
        (dir, ModelledTable::new(inner, CostModel::default()))
    }

    #[tokio::test]
    async fn reads_and_writes_cost_what_dynamodb_charges() {
        let (_dir, t) = table().await;
        // A 2.5 KB item: 3 write units alone, 6 in a transaction.
        t.write(vec![put(item("A", "1", 2500))]).await.expect("put");
        assert_eq!(t.costs().write_units, 3.0);
        let before = t.costs();
        t.write(vec![put(item("A", "2", 2500)), put(item("B", "1", 100))])
            .await
            .expect("transaction");
        let spent = t.costs().since(&before);
        assert_eq!((spent.write_units, spent.round_trips), (6.0 + 2.0, 1));

        // A strongly consistent GetItem of 2.5 KB: 1 read unit.
        let before = t.costs();
        t.get(&Key::new("A", "1")).await.expect("get");
        assert_eq!(t.costs().since(&before).read_units, 1.0);
        // A Query of both A items (about 5 KB together): 2 units.
        let before = t.costs();
        let page = t
            .query(&Query::new(Index::Primary, "A"))
            .await
            .expect("query");
        let spent = t.costs().since(&before);
        assert_eq!(
            (page.items.len(), spent.read_units, spent.items_read),
            (2, 2.0, 2)
        );
        assert_eq!(spent.modelled, Duration::from_millis(5));
    }

    #[tokio::test]
    async fn a_write_to_an_item_a_transaction_holds_conflicts_and_a_transaction_is_sent_again() {
        let dir = tempfile::tempdir().expect("dir");
        let inner = Arc::new(EmbeddedTable::open(&dir.path().join("t.redb")).expect("table"));
        let t = Arc::new(ModelledTable::new(
            inner,
            CostModel {
                latency: Duration::from_millis(200),
                sleep: true,
                ..CostModel::default()
            },
        ));
        let slow = {
            let t = t.clone();
            tokio::spawn(async move {
                t.write(vec![put(item("A", "1", 10)), put(item("B", "1", 10))])
                    .await
            })
        };
        tokio::time::sleep(Duration::from_millis(50)).await;
        // While it is under way: another transaction, a single write, a
        // read, and a write of an item it does not touch.
        let a = Key::new("A", "1");
        let (other, single, read, untouched) = tokio::join!(
            t.write(vec![put(item("B", "1", 20)), put(item("C", "1", 10))]),
            t.write(vec![put(item("A", "1", 30))]),
            t.get(&a),
            t.write(vec![put(item("D", "1", 10))]),
        );
        assert!(matches!(single, Err(TableError::Conflict)), "{single:?}");
        read.expect("reads are not blocked");
        untouched.expect("other items are written");
        slow.await.expect("task").expect("the first transaction");
        // The second transaction met the first, and was sent again once
        // the first was done.
        other.expect("sent again");
        assert_eq!(t.costs().conflicts, 2);
        let c = t.get(&Key::new("C", "1")).await.expect("read");
        assert!(c.is_some());
    }

    #[tokio::test]
    async fn a_query_reads_at_most_a_megabyte_per_page() {
        let (_dir, t) = table().await;
        for n in 0..30 {
            t.write(vec![put(item("P", &format!("{n:02}"), 100_000))])
                .await
                .expect("put");
        }
        let before = t.costs();
        let mut q = Query::new(Index::Primary, "P");
        let mut pages = 0;
        let mut items = 0;
        loop {
            let page = t.query(&q).await.expect("page");
            pages += 1;
            items += page.items.len();
            match page.next {
                Some(next) => q.start = Some(next),
                None => break,
            }
        }
        let spent = t.costs().since(&before);
        assert_eq!((items, pages), (30, 3), "10 items of 100 KB a page");
        assert_eq!(spent.round_trips, 3);
        assert!(spent.read_units >= 732.0, "{spent}");
    }

    #[tokio::test]
    async fn a_partition_past_its_throughput_is_throttled() {
        let (_dir, t) = table().await;
        // 400 KB items: 100 read units each; 3,000 a second is 30 reads.
        t.write(vec![put(item("H", "1", 400_000))])
            .await
            .expect("put");
        let before = t.costs();
        for _ in 0..40 {
            t.get(&Key::new("H", "1")).await.expect("get");
        }
        let spent = t.costs().since(&before);
        assert!(spent.throttles >= 9, "{spent}");
        assert!(
            spent.modelled > Duration::from_millis(40 * 5 + 200),
            "{spent}"
        );
    }
}
