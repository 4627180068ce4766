//! The program's metrics counters (see `moments_domain::metrics`): one item
//! per quarter, department and match group under the `METRICS` partition,
//! moved by the same transaction as the write they count, and read with one
//! Query. Items of records in no group (and those written before groups were
//! counted) have no `group` attribute.

use moments_domain::calendar::CalendarId;
use moments_domain::fields::{DepartmentId, DivisionId};
use moments_domain::metrics::{Bucket, Counters, Quarter, Tally};
use serde_json::{Value, json};

use super::{Store, StoreError, keys};
use crate::table::{Index, Item, Query, Write};

/// Counter attributes carry this prefix, so they never meet the item's own.
const COUNTER: &str = "c_";

/// The writes that add `tally` to the counters: one per bucket, since a
/// transaction may touch an item only once.
pub(super) fn writes(tally: &Tally) -> Vec<Write> {
    tally
        .by_bucket()
        .into_iter()
        .map(|(bucket, counts)| Write::Update {
            key: keys::metrics(bucket),
            set: [
                ("kind".into(), json!("metrics")),
                ("quarter".into(), json!(bucket.quarter.to_string())),
                ("department".into(), json!(bucket.department.as_str())),
            ]
            .into_iter()
            .chain(
                bucket
                    .division
                    .as_ref()
                    .map(|d| ("division".into(), json!(d.as_str()))),
            )
            .chain(
                bucket
                    .group
                    .as_ref()
                    .map(|g| ("group".into(), json!(g.as_str()))),
            )
            .collect(),
            add: counts
                .into_iter()
                .map(|(name, n)| (format!("{COUNTER}{name}"), n))
                .collect(),
            remove: vec![],
            cond: None,
        })
        .collect()
}

fn bucket_of(item: &Item) -> Result<(Bucket, Counters), StoreError> {
    let text = |name: &str| item.get(name).and_then(Value::as_str).unwrap_or_default();
    let corrupt = |what: String| StoreError::Corrupt(format!("metrics item: {what}"));
    let bucket = Bucket {
        quarter: Quarter::parse(text("quarter")).map_err(corrupt)?,
        department: DepartmentId::parse(text("department")).map_err(corrupt)?,
        division: match item.get("division") {
            None => None,
            Some(_) => Some(DivisionId::parse(text("division")).map_err(corrupt)?),
        },
        group: match item.get("group") {
            None => None,
            Some(_) => Some(CalendarId::parse(text("group")).map_err(corrupt)?),
        },
    };
    let counters = item
        .iter()
        .filter_map(|(name, value)| {
            Some((name.strip_prefix(COUNTER)?.to_string(), value.as_i64()?))
        })
        .collect();
    Ok((bucket, counters))
}

impl Store {
    /// Every counter bucket, or those of one quarter, with how many items
    /// were read to get them.
    pub async fn metric_buckets(
        &self,
        quarter: Option<Quarter>,
    ) -> Result<(Vec<(Bucket, Counters)>, usize), StoreError> {
        let mut q = Query::new(Index::Primary, keys::METRICS);
        if let Some(quarter) = quarter {
            q = q.prefix(format!("{quarter}#"));
        }
        let items = self.query_all(q, usize::MAX).await?;
        let read = items.len();
        let buckets = items.iter().map(bucket_of).collect::<Result<_, _>>()?;
        Ok((buckets, read))
    }

    /// The quarters anything was counted in, oldest first.
    pub async fn counted_quarters(&self) -> Result<Vec<Quarter>, StoreError> {
        let (buckets, _) = self.metric_buckets(None).await?;
        let mut quarters: Vec<Quarter> = buckets.into_iter().map(|(b, _)| b.quarter).collect();
        quarters.dedup();
        Ok(quarters)
    }

    /// The records of one kind (a `keys::*_IN_QUARTER` prefix) of a quarter,
    /// in their order, as stored.
    pub async fn records_in_quarter(
        &self,
        quarter: Quarter,
        kind: &str,
    ) -> Result<Vec<Item>, StoreError> {
        let q = Query::new(keys::BY_QUARTER, keys::quarter_partition(quarter)).prefix(kind);
        self.query_all(q, usize::MAX).await
    }
}
