//! The program's two kinds of mentorship. A committed mentorship is the
//! conventional one: a long run of meetings towards several goals. A flash
//! mentorship is a few meetings about one thing, often one skill.
//! Applicants say which they would like (or either); a pair's agreement
//! records which theirs is; search filters mentors on what they would
//! like, and the figures count pairs of each kind.

use serde::{Deserialize, Serialize};

use crate::catalogue::Entry;
use crate::fields::Problem;

/// The kind of one mentorship, as its agreement records it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MentorshipKind {
    Committed,
    Flash,
}

impl MentorshipKind {
    pub const ALL: [MentorshipKind; 2] = [MentorshipKind::Committed, MentorshipKind::Flash];

    pub fn parse(raw: &str) -> Result<MentorshipKind, Problem> {
        match raw.trim() {
            "committed" => Ok(MentorshipKind::Committed),
            "flash" => Ok(MentorshipKind::Flash),
            "" => Err("Choose whether this is a committed or a flash mentorship.".into()),
            _ => Err("Choose committed or flash.".into()),
        }
    }

    pub fn id(self) -> &'static str {
        match self {
            MentorshipKind::Committed => "committed",
            MentorshipKind::Flash => "flash",
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            MentorshipKind::Committed => "Committed",
            MentorshipKind::Flash => "Flash",
        }
    }

    /// The kind a new agreement starts from: flash when one side would
    /// like flash and neither asked for committed, committed otherwise
    /// (the conventional kind, and the one to talk about when they differ).
    pub fn proposed(
        mentee: Option<KindPreference>,
        mentor: Option<KindPreference>,
    ) -> MentorshipKind {
        let wants = |k| [mentee, mentor].contains(&Some(k));
        if wants(KindPreference::Flash) && !wants(KindPreference::Committed) {
            MentorshipKind::Flash
        } else {
            MentorshipKind::Committed
        }
    }
}

impl From<MentorshipKind> for Entry {
    fn from(k: MentorshipKind) -> Entry {
        Entry {
            id: k.id().to_string(),
            name: k.name().to_string(),
        }
    }
}

/// What an applicant would like: one kind, or either.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum KindPreference {
    Committed,
    Flash,
    Either,
}

impl KindPreference {
    pub const ALL: [KindPreference; 3] = [
        KindPreference::Committed,
        KindPreference::Flash,
        KindPreference::Either,
    ];

    pub fn parse(raw: &str) -> Result<KindPreference, Problem> {
        match raw.trim() {
            "committed" => Ok(KindPreference::Committed),
            "flash" => Ok(KindPreference::Flash),
            "either" => Ok(KindPreference::Either),
            _ => Err("Choose committed, flash or either.".into()),
        }
    }

    pub fn id(self) -> &'static str {
        match self {
            KindPreference::Committed => "committed",
            KindPreference::Flash => "flash",
            KindPreference::Either => "either",
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            KindPreference::Committed => "Committed",
            KindPreference::Flash => "Flash",
            KindPreference::Either => "Either",
        }
    }

    /// Whether someone who stated `preference` (or nothing, which is
    /// taken as either) is open to a mentorship of `kind`.
    pub fn open_to(preference: Option<KindPreference>, kind: MentorshipKind) -> bool {
        match preference {
            None | Some(KindPreference::Either) => true,
            Some(KindPreference::Committed) => kind == MentorshipKind::Committed,
            Some(KindPreference::Flash) => kind == MentorshipKind::Flash,
        }
    }
}

impl From<KindPreference> for Entry {
    fn from(k: KindPreference) -> Entry {
        Entry {
            id: k.id().to_string(),
            name: k.name().to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use KindPreference::{Committed, Either, Flash};

    #[test]
    fn a_new_agreement_starts_flash_only_when_one_side_wants_flash_and_neither_committed() {
        let flash = MentorshipKind::Flash;
        let committed = MentorshipKind::Committed;
        assert_eq!(MentorshipKind::proposed(Some(Flash), Some(Flash)), flash);
        assert_eq!(MentorshipKind::proposed(Some(Flash), Some(Either)), flash);
        assert_eq!(MentorshipKind::proposed(None, Some(Flash)), flash);
        assert_eq!(
            MentorshipKind::proposed(Some(Flash), Some(Committed)),
            committed
        );
        assert_eq!(MentorshipKind::proposed(Some(Either), None), committed);
        assert_eq!(MentorshipKind::proposed(None, None), committed);
    }

    #[test]
    fn no_stated_preference_is_open_to_both_kinds() {
        for kind in MentorshipKind::ALL {
            assert!(KindPreference::open_to(None, kind));
            assert!(KindPreference::open_to(Some(Either), kind));
        }
        assert!(KindPreference::open_to(Some(Flash), MentorshipKind::Flash));
        assert!(!KindPreference::open_to(
            Some(Flash),
            MentorshipKind::Committed
        ));
        assert!(!KindPreference::open_to(
            Some(Committed),
            MentorshipKind::Flash
        ));
    }

    #[test]
    fn parsing_names_what_to_choose() {
        assert_eq!(KindPreference::parse(" flash "), Ok(Flash));
        assert_eq!(
            KindPreference::parse("weekly"),
            Err("Choose committed, flash or either.".to_string())
        );
        assert!(MentorshipKind::parse("").is_err());
        assert!(MentorshipKind::parse("either").is_err());
        assert_eq!(
            MentorshipKind::parse("committed"),
            Ok(MentorshipKind::Committed)
        );
    }
}
