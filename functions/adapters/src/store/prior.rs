//! Where a mentor named someone as an earlier mentee: one small item per
//! name (`PERSON#{mentee}` / `PRIOR#{application id}`), written in the same
//! transaction as the application that names them, so removing that
//! person's data finds every mentor's list that names them with one Query.

use std::collections::BTreeSet;

use moments_domain::application::Application;
use moments_domain::fields::EmailAddress;
use serde_json::json;

use super::{item_of, keys};
use crate::table::Write;

fn named(app: Option<&Application>) -> BTreeSet<&EmailAddress> {
    app.map(|a| a.details.prior_mentees.iter().collect())
        .unwrap_or_default()
}

/// The index writes that go with an application going from `before` to
/// `after` (`None`: it does not exist, before or after): a name added is
/// put, a name dropped deleted.
pub(super) fn writes(before: Option<&Application>, after: Option<&Application>) -> Vec<Write> {
    let Some(id) = after.or(before).map(|a| a.id.as_str()) else {
        return Vec::new();
    };
    let (was, is) = (named(before), named(after));
    let mut writes: Vec<Write> = is
        .difference(&was)
        .map(|mentee| {
            let key = keys::prior_mentee(mentee.as_str(), id);
            Write::Put {
                item: item_of(json!({
                    "pk": key.pk, "sk": key.sk, "kind": "prior_mentee",
                    "application_id": id,
                })),
                cond: None,
            }
        })
        .collect();
    writes.extend(was.difference(&is).map(|mentee| Write::Delete {
        key: keys::prior_mentee(mentee.as_str(), id),
        cond: None,
    }));
    writes
}
