//! Request bodies as people send them, and their reading field by field.
//!
//! A form is a struct of [`Field`]s: deserialising it never fails on a
//! field's value, so every field can be checked and every problem reported
//! at once, each under the field's name ([`FieldErrors`]), instead of the
//! first type error ending the reading.

use std::collections::BTreeMap;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;

use crate::fields::Problem;

/// Per-field messages, keyed by the request body's field names.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct FieldErrors(pub BTreeMap<String, String>);

impl FieldErrors {
    /// The first message for a field stays: it is the most basic one.
    pub fn add(&mut self, field: &str, message: impl Into<String>) {
        self.0
            .entry(field.to_string())
            .or_insert_with(|| message.into());
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    pub fn len(&self) -> usize {
        self.0.len()
    }
    pub fn has(&self, field: &str) -> bool {
        self.0.contains_key(field)
    }
    pub fn fields(&self) -> impl Iterator<Item = &str> {
        self.0.keys().map(String::as_str)
    }
    pub fn single(field: &str, message: impl Into<String>) -> Self {
        let mut e = FieldErrors::default();
        e.add(field, message);
        e
    }
    /// Every message of `more` for a field that has none yet.
    pub fn extend(&mut self, more: FieldErrors) {
        for (field, message) in more.0 {
            self.add(&field, message);
        }
    }
}

/// One field of a request body as sent: left out (or `null`), a value of the
/// expected JSON type, or something else, kept to say what was wrong.
#[derive(Debug, Clone, Default, PartialEq)]
pub enum Field<T> {
    #[default]
    Absent,
    Given(T),
    Wrong(Value),
}

/// Read as an `Option` so that serde takes a field left out of the body as
/// `None` (it does so for options only), like `null`.
impl<'de, T: DeserializeOwned> Deserialize<'de> for Field<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let Some(value) = Option::<Value>::deserialize(deserializer)? else {
            return Ok(Field::Absent);
        };
        Ok(match T::deserialize(&value) {
            Ok(v) => Field::Given(v),
            Err(_) => Field::Wrong(value),
        })
    }
}

impl<T> Field<T> {
    pub fn given(&self) -> Option<&T> {
        match self {
            Field::Given(v) => Some(v),
            _ => None,
        }
    }
}

impl<T> From<T> for Field<T> {
    fn from(v: T) -> Self {
        Field::Given(v)
    }
}

/// A text field.
pub type Text = Field<String>;
/// A list of texts.
pub type Texts = Field<Vec<String>>;
/// A checkbox (`true` or `false`).
pub type Flag = Field<bool>;
/// A whole number that is not negative.
pub type Count = Field<u64>;

/// Reads a form's fields, remembering every problem so the person sees all
/// of them at once.
#[derive(Debug, Default)]
pub struct FormReader {
    pub errors: FieldErrors,
}

impl FormReader {
    pub fn new() -> Self {
        FormReader::default()
    }

    /// A text field; absent and null read as empty.
    pub fn text(&mut self, field: &str, value: &Text) -> String {
        match value {
            Field::Absent => String::new(),
            Field::Given(s) => s.clone(),
            Field::Wrong(_) => {
                self.errors.add(field, "This must be text.");
                String::new()
            }
        }
    }

    pub fn parsed<T>(
        &mut self,
        field: &str,
        value: &Text,
        parse: impl FnOnce(&str) -> Result<T, Problem>,
    ) -> Option<T> {
        let raw = self.text(field, value);
        if self.errors.has(field) {
            return None;
        }
        match parse(&raw) {
            Ok(v) => Some(v),
            Err(p) => {
                self.errors.add(field, p);
                None
            }
        }
    }

    /// Optional text: empty means absent.
    pub fn optional<T>(
        &mut self,
        field: &str,
        value: &Text,
        parse: impl FnOnce(&str) -> Result<T, Problem>,
    ) -> Option<T> {
        if self.text(field, value).trim().is_empty() {
            return None;
        }
        self.parsed(field, value, parse)
    }

    pub fn list(&mut self, field: &str, value: &Texts) -> Vec<String> {
        match value {
            Field::Absent => Vec::new(),
            Field::Given(items) => items.clone(),
            Field::Wrong(Value::Array(_)) => {
                self.errors
                    .add(field, "This must be a list of text values.");
                Vec::new()
            }
            Field::Wrong(_) => {
                self.errors.add(field, "This must be a list.");
                Vec::new()
            }
        }
    }

    /// A checkbox that may be left out (absent and null read as unticked).
    pub fn flag(&mut self, field: &str, value: &Flag) -> bool {
        match value {
            Field::Absent => false,
            Field::Given(v) => *v,
            Field::Wrong(_) => {
                self.errors.add(field, "This must be true or false.");
                false
            }
        }
    }

    /// A checkbox that must be ticked.
    pub fn confirmed(&mut self, field: &str, value: &Flag, message: &str) -> bool {
        match value {
            Field::Given(true) => true,
            Field::Absent | Field::Given(false) => {
                self.errors.add(field, message);
                false
            }
            Field::Wrong(_) => {
                self.errors.add(field, "This must be true or false.");
                false
            }
        }
    }

    /// A yes-or-no answer that must be given.
    pub fn answer(&mut self, field: &str, value: &Flag, message: &str) -> Option<bool> {
        let answer = value.given().copied();
        if answer.is_none() {
            self.errors.add(field, message);
        }
        answer
    }

    /// A whole number in `range`; anything else gets `message`.
    pub fn count(
        &mut self,
        field: &str,
        value: &Count,
        range: std::ops::RangeInclusive<u64>,
        message: &str,
    ) -> Option<u64> {
        match value {
            Field::Given(n) if range.contains(n) => Some(*n),
            _ => {
                self.errors.add(field, message);
                None
            }
        }
    }

    pub fn finish<T>(self, value: Option<T>) -> Result<T, FieldErrors> {
        match value {
            Some(v) if self.errors.is_empty() => Ok(v),
            _ => Err(self.errors),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[derive(Deserialize)]
    struct Sample {
        name: Text,
        tags: Texts,
        agreed: Flag,
        count: Count,
    }

    fn sample(v: Value) -> Sample {
        serde_json::from_value(v).expect("a form reads any object")
    }

    #[test]
    fn fields_of_any_type_are_read_and_every_wrong_one_is_named() {
        let s = sample(json!({"name": 5, "tags": [1], "agreed": "yes", "count": -1}));
        let mut f = FormReader::new();
        assert_eq!(f.text("name", &s.name), "");
        assert!(f.list("tags", &s.tags).is_empty());
        assert!(!f.confirmed("agreed", &s.agreed, "Tick it."));
        assert_eq!(f.count("count", &s.count, 0..=9, "From 0 to 9."), None);
        assert_eq!(f.errors.0["name"], "This must be text.");
        assert_eq!(f.errors.0["tags"], "This must be a list of text values.");
        assert_eq!(f.errors.0["agreed"], "This must be true or false.");
        assert_eq!(f.errors.0["count"], "From 0 to 9.");
    }

    #[test]
    fn absent_and_null_fields_read_as_empty() {
        let s = sample(json!({"name": null, "tags": null}));
        let mut f = FormReader::new();
        assert_eq!(f.text("name", &s.name), "");
        assert!(f.list("tags", &s.tags).is_empty());
        assert_eq!(f.optional("name", &s.name, |_| Ok(1)), None);
        assert!(!f.confirmed("agreed", &s.agreed, "Tick it."));
        assert_eq!(f.errors.0["agreed"], "Tick it.");
        assert_eq!(f.errors.len(), 1);
    }

    #[test]
    fn a_list_that_is_not_a_list_says_so() {
        let s = sample(json!({"tags": "a,b", "name": "Ada", "count": 3}));
        let mut f = FormReader::new();
        assert!(f.list("tags", &s.tags).is_empty());
        assert_eq!(f.errors.0["tags"], "This must be a list.");
        assert_eq!(f.parsed("name", &s.name, |n| Ok(n.len())), Some(3));
        assert_eq!(f.count("count", &s.count, 0..=9, "x"), Some(3));
    }
}
