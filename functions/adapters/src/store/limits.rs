//! Abuse limits as fixed-window counters in the table, so they hold across
//! every Lambda instance. Counting is one conditional `ADD`: a use is
//! counted only while the window's count is below its maximum, atomically,
//! never by reading the count first. A refused use counts nothing.

use jiff::{SignedDuration, Timestamp};
use serde_json::json;

use super::{Store, StoreError, keys};
use crate::table::{Cond, TableError, Write};

/// At most `max` uses per `length`, in windows aligned to the epoch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    pub max: u32,
    pub length: SignedDuration,
}

impl Window {
    /// The window holding `now`: its start and its end, in epoch seconds.
    fn around(self, now: Timestamp) -> (i64, i64) {
        let length = self.length.as_secs().max(1);
        let start = now.as_second().div_euclid(length) * length;
        (start, start + length)
    }
}

/// Which of the uses was refused, and when its window ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LimitRefused {
    /// Position in the uses passed to `count_uses`.
    pub index: usize,
    pub retry_after: SignedDuration,
}

impl Store {
    /// Count one use for each `(limit name, subject, window)` at `now`, all
    /// or none: refused as a whole, counting nothing, when any of them has
    /// reached its maximum in the current window.
    pub async fn count_uses(
        &self,
        uses: &[(&str, &str, Window)],
        now: Timestamp,
    ) -> Result<Result<(), LimitRefused>, StoreError> {
        let writes = uses
            .iter()
            .map(|(name, subject, window)| {
                let (start, end) = window.around(now);
                Write::Update {
                    key: keys::limit_counter(name, subject, start),
                    set: vec![
                        ("kind".into(), json!("limit")),
                        // Epoch seconds: DynamoDB's TTL removes spent windows.
                        ("expires_at".into(), json!(end)),
                    ],
                    add: vec![("count".into(), 1)],
                    remove: vec![],
                    // Counts only ever grow by one under this condition, so
                    // "not yet max" is "below max"; a new window has no count.
                    cond: Some(Cond::Ne("count".into(), json!(window.max))),
                }
            })
            .collect();
        match self.table.write(writes).await {
            Ok(()) => Ok(Ok(())),
            Err(TableError::ConditionFailed { index }) => {
                let (_, end) = uses
                    .get(index)
                    .map(|(_, _, w)| w.around(now))
                    .unwrap_or_default();
                Ok(Err(LimitRefused {
                    index,
                    retry_after: SignedDuration::from_secs((end - now.as_second()).max(1)),
                }))
            }
            Err(e) => Err(e.into()),
        }
    }
}
