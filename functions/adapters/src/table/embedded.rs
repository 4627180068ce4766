//! The embedded stand-in for DynamoDB: the whole table and its index views in
//! memory, every committed batch persisted to a redb file so data survives
//! restarts. It enforces what DynamoDB enforces (conditions, batch rules, key
//! types, sparse indexes, paging), so code that works here works there.
//!
//! The batch and key rules at the end of this file are shared with the
//! DynamoDB adapter, so both backends refuse the same requests the same way.

use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::ops::Bound;
use std::path::Path;
use std::sync::{Arc, Mutex, RwLock, RwLockReadGuard, RwLockWriteGuard};

use async_trait::async_trait;
use redb::{Database, ReadableTable, TableDefinition};
use serde_json::{Number, Value};

use super::{Cond, Index, Item, Key, PK, Page, Query, SK, Table, TableError, Write};

/// One redb table: (pk, sk) → the item as JSON text.
const ITEMS: TableDefinition<(&str, &str), &str> = TableDefinition::new("items_v1");

/// DynamoDB's limits.
pub(crate) const MAX_BATCH: usize = super::MAX_WRITES;
pub(crate) const MAX_ITEM_BYTES: usize = 400 * 1024;

pub struct EmbeddedTable {
    inner: Arc<Inner>,
}

struct Inner {
    /// Writers take this lock for the whole batch (check, persist, publish), so
    /// batches are serialised; readers never wait on disk.
    db: Mutex<Database>,
    /// Read by many at once; changed by the one writer the `db` lock lets in.
    state: RwLock<State>,
}

/// An index position: index partition key, index sort key, then the table key,
/// which orders ties and makes entries unique (the order moto and `next` use).
type Entry = (String, String, Key);

#[derive(Default)]
struct State {
    items: BTreeMap<Key, Item>,
    /// One ordered view per `Index::ALL` entry; the primary one mirrors `items`.
    views: [BTreeSet<Entry>; 4],
}

impl EmbeddedTable {
    /// Opens (creating if needed) the table stored at `path` and loads it.
    pub fn open(path: &Path) -> Result<Self, TableError> {
        let db = Database::create(path).map_err(storage)?;
        let mut state = State::default();
        // A write transaction, because it creates the redb table on first open.
        let txn = db.begin_write().map_err(storage)?;
        {
            let table = txn.open_table(ITEMS).map_err(storage)?;
            for row in table.iter().map_err(storage)? {
                let (key, value) = row.map_err(storage)?;
                let (pk, sk) = key.value();
                let item: Item = serde_json::from_str(value.value()).map_err(|e| {
                    TableError::Other(format!("stored item {pk}/{sk} is unreadable: {e}"))
                })?;
                state.insert(Key::new(pk, sk), item);
            }
        }
        txn.commit().map_err(storage)?;
        Ok(EmbeddedTable {
            inner: Arc::new(Inner {
                db: Mutex::new(db),
                state: RwLock::new(state),
            }),
        })
    }
}

impl EmbeddedTable {
    /// Every item, in key order: a picture of the whole table, for tests
    /// that show an action changed nothing (DynamoDB has no such cheap read).
    pub fn items(&self) -> Result<BTreeMap<Key, Item>, TableError> {
        Ok(self.inner.state()?.items.clone())
    }
}

#[async_trait]
impl Table for EmbeddedTable {
    async fn get(&self, key: &Key) -> Result<Option<Item>, TableError> {
        validate_key(key)?;
        Ok(self.inner.state()?.items.get(key).cloned())
    }

    async fn get_many(&self, keys: &[Key]) -> Result<Vec<Item>, TableError> {
        validate_keys(keys)?;
        let state = self.inner.state()?;
        Ok(keys
            .iter()
            .filter_map(|k| state.items.get(k).cloned())
            .collect())
    }

    async fn query(&self, query: &Query) -> Result<Page, TableError> {
        let start = validate_query(query)?;
        self.inner.state()?.query(query, start)
    }

    async fn write(&self, writes: Vec<Write>) -> Result<(), TableError> {
        validate_batch(&writes)?;
        let inner = Arc::clone(&self.inner);
        // redb commits fsync; keep that off the async workers.
        tokio::task::spawn_blocking(move || inner.write(writes))
            .await
            .map_err(|e| TableError::Other(format!("write task failed: {e}")))?
    }
}

impl Inner {
    fn state(&self) -> Result<RwLockReadGuard<'_, State>, TableError> {
        self.state
            .read()
            .map_err(|_| TableError::Other("embedded table state is poisoned".into()))
    }

    fn state_mut(&self) -> Result<RwLockWriteGuard<'_, State>, TableError> {
        self.state
            .write()
            .map_err(|_| TableError::Other("embedded table state is poisoned".into()))
    }

    fn write(&self, writes: Vec<Write>) -> Result<(), TableError> {
        let db = self
            .db
            .lock()
            .map_err(|_| TableError::Other("embedded table writer is poisoned".into()))?;

        // Decide the whole batch against one snapshot; no other writer can run.
        let changes = {
            let state = self.state()?;
            for (index, write) in writes.iter().enumerate() {
                if let Some(cond) = cond_of(write)
                    && !holds(cond, state.items.get(&write.key()))
                {
                    return Err(TableError::ConditionFailed { index });
                }
            }
            let mut changes: Vec<(Key, Option<Item>)> = Vec::with_capacity(writes.len());
            for write in writes {
                let key = write.key();
                let after = match write {
                    Write::Put { item, .. } => Some(normalize_item(item)),
                    Write::Update {
                        set, add, remove, ..
                    } => Some(apply_update(
                        state.items.get(&key).cloned(),
                        &key,
                        set,
                        &add,
                        &remove,
                    )?),
                    Write::Delete { .. } => None,
                    Write::Check { .. } => continue,
                };
                if let Some(item) = &after {
                    check_item_size(item)?;
                }
                changes.push((key, after));
            }
            changes
        };

        let txn = db.begin_write().map_err(storage)?;
        {
            let mut table = txn.open_table(ITEMS).map_err(storage)?;
            for (key, after) in &changes {
                let row = (key.pk.as_str(), key.sk.as_str());
                match after {
                    Some(item) => {
                        let json = serde_json::to_string(item)
                            .map_err(|e| TableError::Other(format!("item not storable: {e}")))?;
                        table.insert(row, json.as_str()).map_err(storage)?;
                    }
                    None => {
                        table.remove(row).map_err(storage)?;
                    }
                }
            }
        }
        txn.commit().map_err(storage)?;

        let mut state = self.state_mut()?;
        for (key, after) in changes {
            state.remove(&key);
            if let Some(item) = after {
                state.insert(key, item);
            }
        }
        Ok(())
    }
}

impl State {
    fn insert(&mut self, key: Key, item: Item) {
        for (view, index) in self.views.iter_mut().zip(Index::ALL) {
            if let Some(entry) = entry_of(index, &key, &item) {
                view.insert(entry);
            }
        }
        self.items.insert(key, item);
    }

    fn remove(&mut self, key: &Key) {
        if let Some(item) = self.items.remove(key) {
            for (view, index) in self.views.iter_mut().zip(Index::ALL) {
                if let Some(entry) = entry_of(index, key, &item) {
                    view.remove(&entry);
                }
            }
        }
    }

    fn query(&self, query: &Query, start: Option<Entry>) -> Result<Page, TableError> {
        let view = &self.views[view_slot(query.index)];
        let prefix = query.sk_prefix.as_deref().unwrap_or("");
        let lowest = query.sk_from.as_deref().unwrap_or(prefix);
        let first = (query.pk.clone(), lowest.to_owned(), min_key());
        // The first index position past every sort key that starts with `prefix`.
        let end = match prefix_end(prefix) {
            Some(end) => (query.pk.clone(), end, min_key()),
            None => (format!("{}\0", query.pk), String::new(), min_key()),
        };
        let (mut lower, mut upper) = (Bound::Included(first), Bound::Excluded(end));
        if let Some(start) = start {
            if query.forward {
                if bound_value(&lower).is_some_and(|first| &start >= first) {
                    lower = Bound::Excluded(start);
                }
            } else if bound_value(&upper).is_some_and(|end| &start < end) {
                upper = Bound::Excluded(start);
            }
        }
        // BTreeSet::range panics on an empty or inverted range.
        match (bound_value(&lower), bound_value(&upper)) {
            (Some(low), Some(high)) if low < high => {}
            _ => return Ok(Page::default()),
        }
        let range = view.range((lower, upper));
        let entries: Box<dyn Iterator<Item = &Entry>> = if query.forward {
            Box::new(range)
        } else {
            Box::new(range.rev())
        };
        let limit = query.limit.map_or(usize::MAX, |l| l as usize);
        let mut items = Vec::new();
        let mut more = false;
        for (_, _, key) in entries {
            if items.len() == limit {
                more = true;
                break;
            }
            let item = self.items.get(key).ok_or_else(|| {
                TableError::Other(format!("index entry without item: {}/{}", key.pk, key.sk))
            })?;
            items.push(item.clone());
        }
        let next = match items.last() {
            Some(last) if more => Some(key_item(query.index, last)),
            _ => None,
        };
        Ok(Page { items, next })
    }
}

fn storage(e: impl Into<redb::Error>) -> TableError {
    TableError::Other(format!("embedded storage: {}", e.into()))
}

fn view_slot(index: Index) -> usize {
    match index {
        Index::Primary => 0,
        Index::Gsi1 => 1,
        Index::Gsi2 => 2,
        Index::Gsi3 => 3,
    }
}

fn min_key() -> Key {
    Key::new("", "")
}

fn bound_value<T>(bound: &Bound<T>) -> Option<&T> {
    match bound {
        Bound::Included(v) | Bound::Excluded(v) => Some(v),
        Bound::Unbounded => None,
    }
}

/// The index position of an item, if it is in that index (sparse indexes
/// hold only items carrying both index key attributes as strings).
fn entry_of(index: Index, key: &Key, item: &Item) -> Option<Entry> {
    let (pk_attr, sk_attr) = index.key_attributes();
    let pk = item.get(pk_attr)?.as_str()?;
    let sk = item.get(sk_attr)?.as_str()?;
    Some((pk.to_owned(), sk.to_owned(), key.clone()))
}

/// The smallest string greater than every string starting with `prefix`, or
/// None when there is none (empty prefix, or only `char::MAX`s). Byte order of
/// UTF-8 is code point order, so bumping the last char that can be bumped works.
fn prefix_end(prefix: &str) -> Option<String> {
    let mut chars: Vec<char> = prefix.chars().collect();
    while let Some(last) = chars.pop() {
        let bumped = match last {
            '\u{D7FF}' => Some('\u{E000}'),
            c => char::from_u32(u32::from(c) + 1),
        };
        if let Some(c) = bumped {
            chars.push(c);
            return Some(chars.into_iter().collect());
        }
    }
    None
}

/// `LastEvaluatedKey` for an item: its table key plus its index key.
pub(crate) fn key_item(index: Index, item: &Item) -> Item {
    let mut key = Item::new();
    let (ipk, isk) = index.key_attributes();
    for attr in [PK, SK, ipk, isk] {
        if let Some(v) = item.get(attr) {
            key.insert(attr.to_owned(), v.clone());
        }
    }
    key
}

pub(crate) fn cond_of(write: &Write) -> Option<&Cond> {
    match write {
        Write::Put { cond, .. } | Write::Update { cond, .. } | Write::Delete { cond, .. } => {
            cond.as_ref()
        }
        Write::Check { cond, .. } => Some(cond),
    }
}

/// Evaluates a condition against the item currently stored (None: no item).
fn holds(cond: &Cond, item: Option<&Item>) -> bool {
    let attr = |name: &str| item.and_then(|i| i.get(name));
    match cond {
        Cond::Exists => item.is_some(),
        Cond::NotExists => item.is_none(),
        Cond::Eq(name, v) => attr(name).is_some_and(|a| same(a, v)),
        Cond::Ne(name, v) => !attr(name).is_some_and(|a| same(a, v)),
        Cond::Lt(name, v) => attr(name).and_then(|a| order(a, v)) == Some(Ordering::Less),
        Cond::Gt(name, v) => attr(name).and_then(|a| order(a, v)) == Some(Ordering::Greater),
        Cond::And(conds) => conds.iter().all(|c| holds(c, item)),
        Cond::Or(conds) => conds.iter().any(|c| holds(c, item)),
    }
}

/// DynamoDB equality: same type and value; numbers compare numerically.
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => number_order(x, y) == Some(Ordering::Equal),
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| same(a, b))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, a)| y.get(k).is_some_and(|b| same(a, b)))
        }
        _ => a == b,
    }
}

/// DynamoDB ordering: numbers numerically, strings by bytes, nothing else.
fn order(a: &Value, b: &Value) -> Option<Ordering> {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => number_order(x, y),
        (Value::String(x), Value::String(y)) => Some(x.as_bytes().cmp(y.as_bytes())),
        _ => None,
    }
}

fn exact(n: &Number) -> Option<i128> {
    n.as_i64()
        .map(i128::from)
        .or_else(|| n.as_u64().map(i128::from))
}

fn number_order(x: &Number, y: &Number) -> Option<Ordering> {
    match (exact(x), exact(y)) {
        (Some(a), Some(b)) => Some(a.cmp(&b)),
        _ => x.as_f64()?.partial_cmp(&y.as_f64()?),
    }
}

fn integer_value(n: i128) -> Value {
    if let Ok(i) = i64::try_from(n) {
        Value::from(i)
    } else if let Ok(u) = u64::try_from(n) {
        Value::from(u)
    } else {
        // Beyond 64 bits; DynamoDB would keep all digits, JSON numbers here cannot.
        Value::from(n as f64)
    }
}

/// DynamoDB keeps numbers, not their spelling: `1.0` comes back as `1`. Both
/// backends hand out integral numbers as integers so callers see one shape.
pub(crate) fn normalize(value: Value) -> Value {
    match value {
        Value::Number(n) if exact(&n).is_none() => match n.as_f64() {
            Some(f) if f.fract() == 0.0 && f.abs() < 1.8e19 => integer_value(f as i128),
            _ => Value::Number(n),
        },
        Value::Array(values) => Value::Array(values.into_iter().map(normalize).collect()),
        Value::Object(map) => Value::Object(normalize_item(map)),
        other => other,
    }
}

pub(crate) fn normalize_item(item: Item) -> Item {
    item.into_iter().map(|(k, v)| (k, normalize(v))).collect()
}

fn apply_update(
    current: Option<Item>,
    key: &Key,
    set: Vec<(String, Value)>,
    add: &[(String, i64)],
    remove: &[String],
) -> Result<Item, TableError> {
    let mut item = current.unwrap_or_else(|| {
        let mut item = Item::new();
        item.insert(PK.into(), Value::from(key.pk.clone()));
        item.insert(SK.into(), Value::from(key.sk.clone()));
        item
    });
    for (name, value) in set {
        item.insert(name, normalize(value));
    }
    for (name, delta) in add {
        let sum = match item.get(name) {
            None => Value::from(*delta),
            Some(Value::Number(n)) => match exact(n) {
                Some(i) => integer_value(i + i128::from(*delta)),
                None => normalize(Value::from(n.as_f64().unwrap_or(0.0) + *delta as f64)),
            },
            Some(_) => {
                return Err(TableError::Invalid(format!(
                    "add to attribute {name}, which is not a number"
                )));
            }
        };
        item.insert(name.clone(), sum);
    }
    for name in remove {
        item.remove(name);
    }
    Ok(item)
}

fn check_item_size(item: &Item) -> Result<(), TableError> {
    let size = super::item_size(item);
    if size > MAX_ITEM_BYTES {
        return Err(TableError::Invalid(format!(
            "item size {size} bytes exceeds the 400 KB limit"
        )));
    }
    Ok(())
}

// Rules shared with the DynamoDB adapter: requests DynamoDB refuses, refused
// before anything is written, with the same error on both backends.

fn invalid(message: impl Into<String>) -> TableError {
    TableError::Invalid(message.into())
}

pub(crate) fn validate_key(key: &Key) -> Result<(), TableError> {
    if key.pk.is_empty() || key.sk.is_empty() {
        return Err(invalid(
            "key attributes pk and sk must be non-empty strings",
        ));
    }
    Ok(())
}

/// What DynamoDB refuses in a `BatchGetItem`: none, too many or repeated keys.
pub(crate) fn validate_keys(keys: &[Key]) -> Result<(), TableError> {
    if keys.is_empty() || keys.len() > super::MAX_GET_MANY {
        return Err(invalid(format!(
            "a batch read takes 1 to {} keys, not {}",
            super::MAX_GET_MANY,
            keys.len()
        )));
    }
    let mut seen = std::collections::BTreeSet::new();
    for key in keys {
        validate_key(key)?;
        if !seen.insert(key) {
            return Err(invalid("a batch read names one key twice"));
        }
    }
    Ok(())
}

fn is_index_attribute(name: &str) -> bool {
    Index::ALL.iter().any(|index| {
        let (pk, sk) = index.key_attributes();
        name == pk || name == sk
    })
}

/// Index key attributes must be non-empty strings when present.
fn validate_index_value(name: &str, value: &Value) -> Result<(), TableError> {
    match value {
        Value::String(s) if !s.is_empty() => Ok(()),
        _ => Err(invalid(format!(
            "index key attribute {name} must be a non-empty string"
        ))),
    }
}

fn validate_name(name: &str) -> Result<(), TableError> {
    if name.is_empty() {
        return Err(invalid("attribute names must not be empty"));
    }
    Ok(())
}

fn validate_cond(cond: &Cond) -> Result<(), TableError> {
    match cond {
        Cond::Exists | Cond::NotExists => Ok(()),
        Cond::Eq(name, _) | Cond::Ne(name, _) => validate_name(name),
        Cond::Lt(name, value) | Cond::Gt(name, value) => {
            validate_name(name)?;
            match value {
                Value::Number(_) | Value::String(_) => Ok(()),
                _ => Err(invalid(format!(
                    "ordering condition on {name} needs a number or string operand"
                ))),
            }
        }
        Cond::And(conds) => conds.iter().try_for_each(validate_cond),
        Cond::Or(conds) if conds.is_empty() => Err(invalid("an OR condition needs a part")),
        Cond::Or(conds) => conds.iter().try_for_each(validate_cond),
    }
}

pub(crate) fn validate_batch(writes: &[Write]) -> Result<(), TableError> {
    if writes.is_empty() || writes.len() > MAX_BATCH {
        return Err(invalid(format!(
            "a batch holds 1 to {MAX_BATCH} writes, not {}",
            writes.len()
        )));
    }
    let mut keys = HashSet::with_capacity(writes.len());
    for write in writes {
        let key = write.key();
        validate_key(&key)?;
        if !keys.insert(key) {
            return Err(invalid("a batch cannot hold two writes on one item"));
        }
        match write {
            Write::Put { item, .. } => {
                for (name, value) in item {
                    validate_name(name)?;
                    if is_index_attribute(name) {
                        validate_index_value(name, value)?;
                    }
                }
            }
            Write::Update {
                set, add, remove, ..
            } => {
                if set.is_empty() && add.is_empty() && remove.is_empty() {
                    return Err(invalid("an update must change at least one attribute"));
                }
                let names = set
                    .iter()
                    .map(|(n, _)| n)
                    .chain(add.iter().map(|(n, _)| n))
                    .chain(remove);
                let mut seen = HashSet::new();
                for name in names {
                    validate_name(name)?;
                    if name == PK || name == SK {
                        return Err(invalid(format!("cannot update key attribute {name}")));
                    }
                    if !seen.insert(name) {
                        return Err(invalid(format!("attribute {name} is updated twice")));
                    }
                }
                for (name, value) in set {
                    if is_index_attribute(name) {
                        validate_index_value(name, value)?;
                    }
                }
                if let Some((name, _)) = add.iter().find(|(n, _)| is_index_attribute(n)) {
                    return Err(invalid(format!(
                        "index key attribute {name} must be a string, not a counter"
                    )));
                }
            }
            Write::Delete { .. } | Write::Check { .. } => {}
        }
        if let Some(cond) = cond_of(write) {
            validate_cond(cond)?;
        }
    }
    Ok(())
}

/// Checks a query and returns its start position, if any.
pub(crate) fn validate_query(query: &Query) -> Result<Option<Entry>, TableError> {
    if query.pk.is_empty() {
        return Err(invalid("query partition key must be a non-empty string"));
    }
    if query.limit == Some(0) {
        return Err(invalid("query limit must be at least 1"));
    }
    if query.sk_prefix.as_deref().is_some_and(|p| !p.is_empty()) && query.sk_from.is_some() {
        return Err(invalid(
            "a query narrows by a sort-key prefix or a lowest sort key, not both",
        ));
    }
    let Some(start) = &query.start else {
        return Ok(None);
    };
    let text = |name: &str| {
        start
            .get(name)
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .ok_or_else(|| invalid(format!("start key lacks the string attribute {name}")))
    };
    let key = Key::new(text(PK)?, text(SK)?);
    let (ipk, isk) = query.index.key_attributes();
    Ok(Some((text(ipk)?, text(isk)?, key)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn prefix_end_is_the_first_string_past_the_prefix_block() {
        assert_eq!(prefix_end(""), None);
        assert_eq!(prefix_end("AUDIT#").as_deref(), Some("AUDIT$"));
        assert_eq!(prefix_end("é").as_deref(), Some("ê"));
        assert_eq!(prefix_end("a\u{D7FF}").as_deref(), Some("a\u{E000}"));
        assert_eq!(prefix_end("a\u{10FFFF}").as_deref(), Some("b"));
        assert_eq!(prefix_end("\u{10FFFF}"), None);
    }

    #[test]
    fn integral_numbers_are_normalised_to_integers() {
        assert_eq!(normalize(json!(3.0)), json!(3));
        assert_eq!(normalize(json!(-0.0)), json!(0));
        assert_eq!(normalize(json!(2.5)), json!(2.5));
        assert_eq!(normalize(json!({"a": [1.0]})), json!({"a": [1]}));
        assert!(normalize(json!(3.0)).is_i64());
    }
}
