//! What the program team's lists (skills, departments and their divisions)
//! have in common: ids made once from a name and never changed, names
//! unique within a list whatever their case, entries that retire instead of
//! going away, and moves to a place among entries of the same group.

use crate::fields::Problem;

/// Whether an id could name an entry of a list: lowercase letters, digits
/// and single dashes, at most 60 characters. Records read back from storage
/// are checked against this, not against the list, which changes.
pub fn is_list_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 60
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !id.starts_with('-')
        && !id.ends_with('-')
        && !id.contains("--")
}

/// Where an entry moves to among those of its group: 1 is first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Position(usize);

impl Position {
    pub fn parse(raw: &str) -> Result<Position, Problem> {
        match raw.trim().parse::<usize>() {
            Ok(n) if n >= 1 => Ok(Position(n)),
            _ => Err("Enter the place in the list as a whole number, 1 for first.".into()),
        }
    }
}

/// An entry of a kept list.
pub trait Kept {
    fn id(&self) -> &str;
    fn name(&self) -> &str;
    fn retired(&self) -> bool;
}

/// [`Kept`] for entries with `id: String`, `name` (a text type) and
/// `retired: bool` fields.
macro_rules! kept_entry {
    ($($entry:ty),+) => {$(
        impl $crate::kept::Kept for $entry {
            fn id(&self) -> &str {
                &self.id
            }
            fn name(&self) -> &str {
                self.name.as_str()
            }
            fn retired(&self) -> bool {
                self.retired
            }
        }
    )+};
}
pub(crate) use kept_entry;

/// A new id made from `name` ("Records management" → `records-management`),
/// `fallback` when the name has no ASCII letter or digit, with `-2`, `-3`…
/// added while `taken` says the id is in use.
pub fn new_id(name: &str, fallback: &str, taken: impl Fn(&str) -> bool) -> String {
    let mut base = String::new();
    for c in name.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            base.push(c);
        } else if !base.is_empty() && !base.ends_with('-') {
            base.push('-');
        }
    }
    base.truncate(40);
    let base = base.trim_end_matches('-');
    let base = if base.is_empty() { fallback } else { base };
    (1..)
        .map(|n| match n {
            1 => base.to_string(),
            n => format!("{base}-{n}"),
        })
        .find(|id| !taken(id))
        .unwrap_or_default()
}

/// Refuses `name` when another entry of `among` (retired or not, `except`
/// aside) already has it, case ignored; the problem says which.
pub fn name_free<'a, T: Kept + 'a>(
    among: impl IntoIterator<Item = &'a T>,
    name: &str,
    except: Option<&str>,
) -> Result<(), Problem> {
    let wanted = name.to_lowercase();
    match among
        .into_iter()
        .find(|e| Some(e.id()) != except && e.name().to_lowercase() == wanted)
    {
        Some(e) if e.retired() => Err(format!(
            "{} is already in the list, retired; restore it instead.",
            e.name()
        )),
        Some(e) => Err(format!("{} is already in the list.", e.name())),
        None => Ok(()),
    }
}

/// Move the entry at `at` to place `to` among the entries `same` keeps (its
/// group), past the end meaning last; the others keep their order. Returns
/// the place it took when it moved.
pub fn move_within<T>(
    items: &mut Vec<T>,
    at: usize,
    Position(to): Position,
    same: impl Fn(&T) -> bool,
) -> Option<usize> {
    let group: Vec<usize> = (0..items.len()).filter(|&i| same(&items[i])).collect();
    let from = group.iter().position(|&i| i == at)?;
    let to = to.min(group.len()) - 1;
    if to == from {
        return None;
    }
    let item = items.remove(at);
    // The index the entry now at place `to` of the group has, counted
    // without the one moved.
    let others: Vec<usize> = (0..items.len()).filter(|&i| same(&items[i])).collect();
    let index = match others.get(to) {
        Some(&i) => i,
        None => others.last().map_or(items.len(), |&i| i + 1),
    };
    items.insert(index, item);
    Some(to + 1)
}

/// Why a change to a kept list was refused; each carries the sentence the
/// administrator reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ListRefusal {
    /// No entry has that id; what kind of entry, in a word.
    Unknown(&'static str),
    /// The list is full.
    Full(Problem),
    /// Another entry has that name.
    Name(Problem),
    /// Retiring it would leave too few to choose from.
    LastOpen(Problem),
}

impl std::fmt::Display for ListRefusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ListRefusal::Unknown(what) => write!(f, "There is no such {what}."),
            ListRefusal::Full(p) | ListRefusal::Name(p) | ListRefusal::LastOpen(p) => {
                f.write_str(p)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_checked_for_shape() {
        for good in ["budgeting", "c-2", "a"] {
            assert!(is_list_id(good), "{good}");
        }
        for bad in ["", "-a", "a-", "a--b", "Budgeting", "a b", &"a".repeat(61)] {
            assert!(!is_list_id(bad), "{bad}");
        }
    }

    #[test]
    fn a_move_stays_within_its_group() {
        let mut items = vec!["a1", "b1", "a2", "b2", "a3"];
        let a = |s: &&str| s.starts_with('a');
        let p = |n| Position::parse(n).expect("position");
        assert_eq!(move_within(&mut items, 4, p("1"), a), Some(1));
        assert_eq!(items, ["a3", "a1", "b1", "a2", "b2"]);
        assert_eq!(move_within(&mut items, 0, p("9"), a), Some(3));
        assert_eq!(items, ["a1", "b1", "a2", "a3", "b2"]);
        assert_eq!(
            move_within(&mut items, 1, p("1"), |s| s.starts_with('b')),
            None
        );
        assert!(Position::parse("0").is_err() && Position::parse("x").is_err());
    }
}
