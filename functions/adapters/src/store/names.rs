//! Finding people by name: one small item per application
//! (`NAMES#{letter}` / `{last} {first}#{application id}`, lower case),
//! written in the same transaction as the application whenever its name is
//! set or changes, deleted with it and when the person's data is removed.
//! A search reads one partition with a prefix Query, a bounded number of
//! items whatever the number of applicants.

use moments_domain::application::{Application, Role};
use moments_domain::fields::EmailAddress;
use moments_domain::retention::is_stand_in;
use serde::Deserialize;
use serde_json::json;

use super::{Store, StoreError, item_of, keys};
use crate::table::{Index, Key, Query, Write};

/// A name as the index compares it.
fn folded(name: &str) -> String {
    name.trim().to_lowercase()
}

/// The index entry of an application, if it has one: not once its
/// applicant's data was removed.
fn entry_of(app: &Application) -> Option<Key> {
    (!is_stand_in(&app.applicant)).then(|| {
        keys::name_entry(
            &folded(app.details.last_name.as_str()),
            &folded(app.details.first_name.as_str()),
            app.id.as_str(),
        )
    })
}

/// The index writes that go with an application going from `before` to
/// `after` (`None`: it does not exist): none while the name stays.
pub(super) fn writes(before: Option<&Application>, after: Option<&Application>) -> Vec<Write> {
    let (was, is) = (before.and_then(entry_of), after.and_then(entry_of));
    if was == is {
        return Vec::new();
    }
    let mut writes: Vec<Write> = was
        .map(|key| Write::Delete { key, cond: None })
        .into_iter()
        .collect();
    if let (Some(key), Some(app)) = (is, after) {
        writes.push(Write::Put {
            item: item_of(json!({
                "pk": key.pk, "sk": key.sk, "kind": "name",
                "email": app.applicant.as_str(),
                "first_name": app.details.first_name.as_str(),
                "last_name": app.details.last_name.as_str(),
                "role": app.role.as_str(),
            })),
            cond: None,
        });
    }
    writes
}

/// Someone whose name matched.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct NamedPerson {
    pub email: EmailAddress,
    pub first_name: String,
    pub last_name: String,
    pub role: Role,
}

/// Most index entries one search reads.
pub const MOST_NAMES: usize = 50;

impl Store {
    /// The applications whose last name starts with the last word of
    /// `query` and, when it has more than one word, whose first name starts
    /// with the first ("Priya Sh", "sha"); also the other way round
    /// ("Shah Priya"). At most [`MOST_NAMES`] entries, by last name.
    pub async fn people_named(&self, query: &str) -> Result<Vec<NamedPerson>, StoreError> {
        let words: Vec<String> = query.split_whitespace().map(folded).collect();
        let (Some(first), Some(last)) = (words.first(), words.last()) else {
            return Ok(Vec::new());
        };
        let mut tries = vec![(last.as_str(), (words.len() > 1).then_some(first.as_str()))];
        if words.len() > 1 {
            tries.push((first.as_str(), Some(last.as_str())));
        }
        let mut out: Vec<NamedPerson> = Vec::new();
        for (last_name, first_name) in tries {
            let q = Query::new(Index::Primary, keys::names_partition(last_name))
                .prefix(last_name.to_string());
            for item in self.query_all(q, MOST_NAMES).await? {
                let person: NamedPerson = serde_json::from_value(serde_json::Value::Object(item))
                    .map_err(|e| StoreError::Corrupt(e.to_string()))?;
                let wanted = first_name.is_none_or(|f| folded(&person.first_name).starts_with(f));
                if wanted && !out.contains(&person) {
                    out.push(person);
                }
            }
        }
        Ok(out)
    }
}
