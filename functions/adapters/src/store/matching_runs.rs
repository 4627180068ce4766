//! Matching runs: one item per run (`MATCHRUN` / `{id}`, ids in the order
//! they were started) with its state and figures, and its lists in pages
//! of a hundred mentees (`MATCHRUN#{id}#{n, 5 digits}` / `PAGE`). A page
//! holds application ids, fits and reasons, never names or addresses:
//! those are read from the applications when shown, so they follow an
//! erasure. Both are kept a fortnight (TTL).
//!
//! The run item is saved at a new version each time (one above the
//! version read; `Changed` if someone saved it since), so the job that
//! computes or publishes a run and an administrator never overwrite each
//! other's state.

use std::collections::{BTreeSet, HashMap};

use jiff::{SignedDuration, Timestamp};
use moments_domain::application::{Application, ApplicationId};
use moments_domain::mentorship::Capacity;
use serde::{Serialize, de::DeserializeOwned};
use serde_json::json;

use super::{Store, StoreError, calendar, capacity_of, data_of, item_of, keys, to_value};
use crate::table::{Cond, Index, Key, Query, Write};

/// How long a run and its lists are kept.
pub const RUN_KEPT: SignedDuration = SignedDuration::from_hours(14 * 24);

/// Each page under a key of its own, so writing a run's hundred pages side
/// by side spreads over partitions instead of queueing for one partition's
/// 1,000 write units a second (a page is about 100 KB).
fn page_key(run: &str, page: u32) -> Key {
    Key::new(format!("{}#{run}#{page:05}", keys::MATCHING_RUNS), "PAGE")
}

/// A new run's id: when it started (UTC, to the second), so runs list in
/// order, and 16 random hex digits.
pub fn new_run_id(now: Timestamp) -> Result<String, StoreError> {
    let at = jiff::tz::TimeZone::UTC
        .to_datetime(now)
        .strftime("%Y%m%dT%H%M%S");
    Ok(format!("{at}-{}", super::random_id()?))
}

/// Whether `id` has the shape of a run id (checked before it reaches a key).
pub fn is_run_id(id: &str) -> bool {
    id.len() == 32
        && id.bytes().enumerate().all(|(i, b)| match i {
            8 => b == b'T',
            15 => b == b'-',
            16.. => b.is_ascii_hexdigit(),
            _ => b.is_ascii_digit(),
        })
}

impl Store {
    /// Save a run at `version` (1 for a new run), in `status` (kept beside
    /// the record, for the condition that its lists may still change).
    pub async fn save_matching_run<T: Serialize>(
        &self,
        id: &str,
        version: u64,
        status: &str,
        run: &T,
        started: Timestamp,
    ) -> Result<(), StoreError> {
        let item = item_of(json!({
            "pk": keys::MATCHING_RUNS, "sk": id, "kind": "matching_run",
            "version": version,
            "status": status,
            "expires_at": (started + RUN_KEPT).as_second(),
            "data": to_value(run)?,
        }));
        self.table
            .write(vec![calendar::put(item, version)])
            .await
            .map_err(StoreError::from)
    }

    /// One run, strongly consistent.
    pub async fn matching_run<T: DeserializeOwned>(
        &self,
        id: &str,
    ) -> Result<Option<T>, StoreError> {
        match self.table.get(&Key::new(keys::MATCHING_RUNS, id)).await? {
            Some(item) => Ok(Some(data_of(item)?)),
            None => Ok(None),
        }
    }

    /// The latest `n` runs, newest first: one Query.
    pub async fn latest_matching_runs<T: DeserializeOwned>(
        &self,
        n: u32,
    ) -> Result<Vec<T>, StoreError> {
        let mut q = Query::new(Index::Primary, keys::MATCHING_RUNS);
        q.forward = false;
        q.limit = Some(n);
        let page = self.table.query(&q).await?;
        page.items.into_iter().map(data_of).collect()
    }

    /// Store one page of a run's lists, as first worked out (version 1).
    pub async fn put_matching_page<T: Serialize + ?Sized>(
        &self,
        run: &str,
        page: u32,
        lists: &T,
        started: Timestamp,
    ) -> Result<(), StoreError> {
        let item = page_item(run, page, lists, started, 1)?;
        self.table
            .write(vec![Write::Put { item, cond: None }])
            .await
            .map_err(StoreError::from)
    }

    /// Save a page an administrator changed at `version` (one above the
    /// version read), while its run is still `ready`: `Changed` if someone
    /// changed the page since, or the run is being published.
    pub async fn change_matching_page<T: Serialize + ?Sized>(
        &self,
        run: &str,
        page: u32,
        lists: &T,
        started: Timestamp,
        version: u64,
    ) -> Result<(), StoreError> {
        let item = page_item(run, page, lists, started, version)?;
        self.table
            .write(vec![
                Write::Put {
                    item,
                    cond: Some(Cond::Eq("version".into(), json!(version - 1))),
                },
                Write::Check {
                    key: Key::new(keys::MATCHING_RUNS, run),
                    cond: Cond::Eq("status".into(), json!("ready")),
                },
            ])
            .await
            .map_err(StoreError::from)
    }

    /// Applications by id with their capacity, a batch read per hundred;
    /// an id with no application is left out.
    pub async fn applications_by_id(
        &self,
        ids: &[&ApplicationId],
    ) -> Result<HashMap<String, (Application, Capacity)>, StoreError> {
        let wanted: BTreeSet<&str> = ids.iter().map(|id| id.as_str()).collect();
        let keys: Vec<Key> = wanted.iter().map(|id| keys::application(id)).collect();
        let mut out = HashMap::with_capacity(keys.len());
        for item in self.get_all(&keys).await? {
            let capacity = capacity_of(&item);
            let app: Application = data_of(item)?;
            out.insert(app.id.to_string(), (app, capacity));
        }
        Ok(out)
    }

    /// One page of a run's lists.
    pub async fn matching_page<T: DeserializeOwned>(
        &self,
        run: &str,
        page: u32,
    ) -> Result<Option<T>, StoreError> {
        Ok(self
            .matching_page_at(run, page)
            .await?
            .map(|(lists, _)| lists))
    }

    /// One page of a run's lists and its version.
    pub async fn matching_page_at<T: DeserializeOwned>(
        &self,
        run: &str,
        page: u32,
    ) -> Result<Option<(T, u64)>, StoreError> {
        let Some(item) = self.table.get(&page_key(run, page)).await? else {
            return Ok(None);
        };
        let version = item
            .get("version")
            .and_then(serde_json::Value::as_u64)
            .unwrap_or(1);
        Ok(Some((data_of(item)?, version)))
    }
}

fn page_item<T: Serialize + ?Sized>(
    run: &str,
    page: u32,
    lists: &T,
    started: Timestamp,
    version: u64,
) -> Result<crate::table::Item, StoreError> {
    let key = page_key(run, page);
    Ok(item_of(json!({
        "pk": key.pk, "sk": key.sk, "kind": "matching_page",
        "version": version,
        "expires_at": (started + RUN_KEPT).as_second(),
        "data": to_value(lists)?,
    })))
}

#[cfg(test)]
mod tests {
    #[test]
    fn run_ids_have_one_shape() {
        let id = super::new_run_id(jiff::Timestamp::UNIX_EPOCH).expect("randomness");
        assert!(id.starts_with("19700101T000000-"), "{id}");
        assert!(super::is_run_id(&id), "{id}");
        for bad in [
            "",
            "x",
            "19700101T000000-0123456789abcdeg",
            "19700101X000000-0123456789abcdef",
            "../../../APP#1",
        ] {
            assert!(!super::is_run_id(bad), "{bad}");
        }
    }
}
