//! The skills the program team keeps: career and soft skills people rank on
//! their applications, stored in the table and changed on the admin pages
//! (added, renamed, retired, moved), with `site/data/catalogue.toml` as the
//! list a new installation starts from.
//!
//! A skill is never deleted: applications keep its id, so a retired skill
//! still has its name wherever it was chosen, but nobody can choose it again.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::calendar::Revision;
use crate::catalogue::{Catalogue, Entry, Skill, SkillKind};
use crate::fields::{Lines, Problem, text_type};

text_type!(
    /// A skill's name as the forms show it: "Grant writing".
    SkillName, "the skill's name", 60, Lines::One);

/// One skill of the list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeptSkill {
    /// Stable: applications name skills by id. Made from the name it was
    /// added with, and kept through renames.
    pub id: String,
    pub name: SkillName,
    pub kind: SkillKind,
    /// Retired skills stay readable on the applications that have them
    /// and cannot be chosen any more.
    #[serde(default)]
    pub retired: bool,
}

/// Most skills the list holds, retired ones included: the forms' lists stay
/// usable and the item stays far below DynamoDB's 400 KB.
pub const MOST_SKILLS: usize = 200;

/// Fewest skills each kind keeps open to choose: an application ranks at
/// least three.
pub const FEWEST_OPEN: usize = 3;

/// The skills with the revision they were saved at; none saved yet means
/// the seed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredSkills {
    pub skills: Vec<KeptSkill>,
    pub revision: Option<Revision>,
}

/// Whether an id could name a skill: lowercase letters, digits and single
/// dashes, at most 60 characters. Applications read back from storage are
/// checked against this, not against the list, which changes.
pub fn is_skill_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 60
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !id.starts_with('-')
        && !id.ends_with('-')
        && !id.contains("--")
}

/// Where a skill moves to among those of its kind: 1 is first.
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

impl StoredSkills {
    /// The list a new installation starts from: the catalogue file's skills.
    pub fn seed() -> StoredSkills {
        let c = Catalogue::get();
        let kept = |list: &[Entry], kind| {
            list.iter()
                .map(move |e| KeptSkill {
                    id: e.id.clone(),
                    name: SkillName(e.name.clone()),
                    kind,
                    retired: false,
                })
                .collect::<Vec<_>>()
        };
        let mut skills = kept(&c.career_skills, SkillKind::Career);
        skills.extend(kept(&c.soft_skills, SkillKind::Soft));
        StoredSkills {
            skills,
            revision: None,
        }
    }

    /// The version a change must name: 0 before the first save.
    pub fn version(&self) -> u64 {
        self.revision.as_ref().map_or(0, |r| r.version)
    }

    fn find(&self, id: &str) -> Option<&KeptSkill> {
        self.skills.iter().find(|s| s.id == id)
    }

    /// A skill by id, retired or not, for showing what an application has.
    pub fn skill(&self, id: &str) -> Option<Skill> {
        self.find(id).map(|s| Skill {
            id: s.id.clone(),
            name: s.name.to_string(),
            kind: s.kind,
        })
    }

    /// Whether `id` can be put on an application now; the problem says why not.
    pub fn choosable(&self, id: &str) -> Result<(), Problem> {
        match self.find(id) {
            None => Err(format!(
                "\"{}\" is not a skill in the program's list; choose from the list.",
                id.chars().take(40).collect::<String>()
            )),
            Some(s) if s.retired => Err(format!(
                "{} is no longer in the program's list; choose another skill.",
                s.name
            )),
            Some(_) => Ok(()),
        }
    }

    /// `{id, name}` of the skills `keep` keeps, in the list's order.
    fn entries(&self, keep: impl Fn(&KeptSkill) -> bool) -> Vec<Entry> {
        self.skills
            .iter()
            .filter(|s| keep(s))
            .map(|s| Entry {
                id: s.id.clone(),
                name: s.name.to_string(),
            })
            .collect()
    }

    /// The skills of `kind` people can choose, in the list's order.
    pub fn open(&self, kind: SkillKind) -> Vec<Entry> {
        self.entries(|s| s.kind == kind && !s.retired)
    }

    /// The retired skills, by their names now: what a search named in an
    /// old address or a kept application still shows.
    pub fn retired(&self) -> Vec<Entry> {
        self.entries(|s| s.retired)
    }

    /// Every open skill's id, career first.
    pub fn open_ids(&self) -> impl Iterator<Item = &str> {
        self.skills
            .iter()
            .filter(|s| !s.retired)
            .map(|s| s.id.as_str())
    }

    fn name_taken(&self, name: &SkillName, except: Option<&str>) -> Result<(), Problem> {
        let wanted = name.as_str().to_lowercase();
        match self
            .skills
            .iter()
            .find(|s| Some(s.id.as_str()) != except && s.name.as_str().to_lowercase() == wanted)
        {
            Some(s) if s.retired => Err(format!(
                "{} is already in the list, retired; restore it instead.",
                s.name
            )),
            Some(s) => Err(format!("{} is already in the list.", s.name)),
            None => Ok(()),
        }
    }

    /// Add a skill at the end of its kind's list; its id, made from the
    /// name, is returned.
    pub fn add(&mut self, kind: SkillKind, name: SkillName) -> Result<String, SkillRefusal> {
        if self.skills.len() >= MOST_SKILLS {
            return Err(SkillRefusal::Full);
        }
        self.name_taken(&name, None).map_err(SkillRefusal::Name)?;
        let id = self.new_id(&name);
        let at = self
            .skills
            .iter()
            .rposition(|s| s.kind == kind)
            .map_or(self.skills.len(), |i| i + 1);
        self.skills.insert(
            at,
            KeptSkill {
                id: id.clone(),
                name,
                kind,
                retired: false,
            },
        );
        Ok(id)
    }

    fn new_id(&self, name: &SkillName) -> String {
        let mut base = String::new();
        for c in name.as_str().chars().flat_map(char::to_lowercase) {
            if c.is_ascii_alphanumeric() {
                base.push(c);
            } else if !base.is_empty() && !base.ends_with('-') {
                base.push('-');
            }
        }
        base.truncate(40);
        let base = base.trim_end_matches('-');
        let base = if base.is_empty() { "skill" } else { base };
        (1..)
            .map(|n| match n {
                1 => base.to_string(),
                n => format!("{base}-{n}"),
            })
            .find(|id| self.find(id).is_none())
            .unwrap_or_default()
    }

    /// Change a skill: its name, whether it is retired, its place among
    /// those of its kind. Returns what changed, in words, for the audit;
    /// none when nothing did.
    pub fn change(
        &mut self,
        id: &str,
        name: Option<SkillName>,
        retired: Option<bool>,
        position: Option<Position>,
    ) -> Result<Option<String>, SkillRefusal> {
        let at = self
            .skills
            .iter()
            .position(|s| s.id == id)
            .ok_or(SkillRefusal::Unknown)?;
        let kind = self.skills[at].kind;
        let mut said = Vec::new();
        if let Some(name) = name.filter(|n| *n != self.skills[at].name) {
            self.name_taken(&name, Some(id))
                .map_err(SkillRefusal::Name)?;
            said.push(format!("renamed from {} to {name}", self.skills[at].name));
            self.skills[at].name = name;
        }
        if let Some(retired) = retired.filter(|r| *r != self.skills[at].retired) {
            if retired && self.open(kind).len() <= FEWEST_OPEN {
                return Err(SkillRefusal::LastOpen);
            }
            self.skills[at].retired = retired;
            said.push(if retired { "retired" } else { "restored" }.to_string());
        }
        if let Some(Position(to)) = position {
            let same_kind: Vec<usize> = (0..self.skills.len())
                .filter(|&i| self.skills[i].kind == kind)
                .collect();
            let from = same_kind.iter().position(|&i| i == at).unwrap_or_default();
            let to = to.min(same_kind.len()) - 1;
            if to != from {
                let skill = self.skills.remove(at);
                // The index the skill now at place `to` of its kind has,
                // counted without the one moved.
                let others: Vec<usize> = (0..self.skills.len())
                    .filter(|&i| self.skills[i].kind == kind)
                    .collect();
                let index = match others.get(to) {
                    Some(&i) => i,
                    None => others.last().map_or(self.skills.len(), |&i| i + 1),
                };
                self.skills.insert(index, skill);
                said.push(format!("moved to place {}", to + 1));
            }
        }
        let name = self
            .find(id)
            .map(|s| s.name.to_string())
            .unwrap_or_default();
        Ok((!said.is_empty()).then(|| format!("{name} ({id}): {}", said.join(", "))))
    }
}

/// Why a change to the list was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SkillRefusal {
    /// No skill has that id.
    Unknown,
    /// The list holds [`MOST_SKILLS`] already.
    Full,
    /// Another skill has that name (the problem says which).
    Name(Problem),
    /// Retiring it would leave fewer than [`FEWEST_OPEN`] of its kind.
    LastOpen,
}

impl fmt::Display for SkillRefusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SkillRefusal::Unknown => f.write_str("There is no such skill."),
            SkillRefusal::Full => write!(
                f,
                "The list holds {MOST_SKILLS} skills; retired ones count too."
            ),
            SkillRefusal::Name(p) => f.write_str(p),
            SkillRefusal::LastOpen => write!(
                f,
                "Each list keeps at least {FEWEST_OPEN} skills people can choose; add another before retiring this one."
            ),
        }
    }
}

/// `career` or `soft`, as a form sends it.
pub fn parse_kind(raw: &str) -> Result<SkillKind, Problem> {
    match raw.trim() {
        "career" => Ok(SkillKind::Career),
        "soft" => Ok(SkillKind::Soft),
        _ => Err("Choose career skill or soft skill.".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name(s: &str) -> SkillName {
        SkillName::parse(s).expect("name")
    }

    fn order(list: &StoredSkills, kind: SkillKind) -> Vec<String> {
        list.open(kind).into_iter().map(|e| e.id).collect()
    }

    #[test]
    fn the_seed_is_the_catalogue_file_and_every_id_is_well_formed() {
        let seed = StoredSkills::seed();
        let c = Catalogue::get();
        assert_eq!(
            seed.skills.len(),
            c.career_skills.len() + c.soft_skills.len()
        );
        assert!(seed.skills.iter().all(|s| is_skill_id(&s.id)), "ids");
        assert_eq!(seed.version(), 0);
        assert_eq!(seed.open(SkillKind::Career)[0].id, c.career_skills[0].id);
    }

    #[test]
    fn an_added_skill_gets_an_id_from_its_name_and_can_be_chosen() {
        let mut list = StoredSkills::seed();
        let id = list
            .add(
                SkillKind::Career,
                name("Geographic information systems (GIS)"),
            )
            .expect("added");
        assert_eq!(id, "geographic-information-systems-gis");
        assert!(is_skill_id(&id));
        assert_eq!(list.choosable(&id), Ok(()));
        assert_eq!(order(&list, SkillKind::Career).last(), Some(&id));
        assert!(order(&list, SkillKind::Soft).iter().all(|s| *s != id));
        let again = list.add(
            SkillKind::Soft,
            name("geographic information systems (gis)"),
        );
        assert!(matches!(again, Err(SkillRefusal::Name(_))), "{again:?}");
        let odd = list
            .add(SkillKind::Soft, name("Gestión ***"))
            .expect("added");
        assert_eq!(odd, "gesti-n");
        let none = list.add(SkillKind::Soft, name("日本語")).expect("added");
        assert_eq!(none, "skill");
        let second = list.add(SkillKind::Soft, name("中文")).expect("added");
        assert_eq!(second, "skill-2");
    }

    #[test]
    fn a_retired_skill_keeps_its_name_but_cannot_be_chosen_and_can_come_back() {
        let mut list = StoredSkills::seed();
        let said = list
            .change("budgeting", None, Some(true), None)
            .expect("retired");
        assert!(said.is_some_and(|s| s.contains("retired")));
        assert_eq!(list.change("budgeting", None, Some(true), None), Ok(None));
        assert_eq!(
            list.skill("budgeting").map(|s| s.name),
            Some("Budgeting and fiscal management".to_string())
        );
        assert!(list.choosable("budgeting").is_err());
        assert!(!list.open_ids().any(|id| id == "budgeting"));
        list.change("budgeting", None, Some(false), None)
            .expect("restored");
        assert_eq!(list.choosable("budgeting"), Ok(()));
    }

    #[test]
    fn each_kind_keeps_three_skills_open() {
        let mut list = StoredSkills::seed();
        let soft = order(&list, SkillKind::Soft);
        for id in &soft[..soft.len() - FEWEST_OPEN] {
            list.change(id, None, Some(true), None).expect("retired");
        }
        let last = &soft[soft.len() - 1];
        assert_eq!(
            list.change(last, None, Some(true), None),
            Err(SkillRefusal::LastOpen)
        );
        assert_eq!(list.open(SkillKind::Soft).len(), FEWEST_OPEN);
    }

    #[test]
    fn a_skill_moves_among_its_own_kind_only() {
        let mut list = StoredSkills::seed();
        let career = order(&list, SkillKind::Career);
        let soft = order(&list, SkillKind::Soft);
        let third = career[2].clone();
        let p = |n: &str| Position::parse(n).expect("position");
        list.change(&third, None, None, Some(p("1")))
            .expect("moved");
        let now = order(&list, SkillKind::Career);
        assert_eq!(now[0], third);
        assert_eq!(now[1..3], career[0..2]);
        assert_eq!(order(&list, SkillKind::Soft), soft, "soft untouched");
        list.change(&third, None, None, Some(p("999")))
            .expect("moved");
        assert_eq!(order(&list, SkillKind::Career).last(), Some(&third));
        assert_eq!(order(&list, SkillKind::Soft), soft, "soft untouched");
        // The soft list's first moves to its second place.
        list.change(&soft[0], None, None, Some(p("2")))
            .expect("moved");
        let now = order(&list, SkillKind::Soft);
        assert_eq!((&now[0], &now[1]), (&soft[1], &soft[0]));
        assert!(Position::parse("0").is_err() && Position::parse("x").is_err());
    }

    #[test]
    fn a_rename_keeps_the_id_and_refuses_a_name_in_use() {
        let mut list = StoredSkills::seed();
        list.change("hiring", Some(name("Recruiting")), None, None)
            .expect("renamed");
        assert_eq!(
            list.skill("hiring").map(|s| s.name),
            Some("Recruiting".into())
        );
        let taken = list.change("hiring", Some(name("leadership")), None, None);
        assert!(matches!(taken, Err(SkillRefusal::Name(_))), "{taken:?}");
        assert_eq!(
            list.change("juggling", None, Some(true), None),
            Err(SkillRefusal::Unknown)
        );
    }

    #[test]
    fn ids_are_checked_for_shape() {
        for good in ["budgeting", "c-2", "a"] {
            assert!(is_skill_id(good), "{good}");
        }
        for bad in ["", "-a", "a-", "a--b", "Budgeting", "a b", &"a".repeat(61)] {
            assert!(!is_skill_id(bad), "{bad}");
        }
    }
}
