//! The skills the program team keeps: career and soft skills people rank on
//! their applications, stored in the table and changed on the admin pages
//! (added, renamed, retired, moved), with `site/data/catalogue.toml` as the
//! list a new installation starts from.
//!
//! A skill is never deleted: applications keep its id, so a retired skill
//! still has its name wherever it was chosen, but nobody can choose it again.

use serde::{Deserialize, Serialize};

use crate::calendar::Revision;
use crate::catalogue::{Catalogue, Entry, Skill, SkillKind};
use crate::fields::{Lines, Problem, text_type};
use crate::kept::{ListRefusal, Position, kept_entry, move_within, name_free, new_id};

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

kept_entry!(KeptSkill);

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

    /// Add a skill at the end of its kind's list; its id, made from the
    /// name, is returned.
    pub fn add(&mut self, kind: SkillKind, name: SkillName) -> Result<String, ListRefusal> {
        if self.skills.len() >= MOST_SKILLS {
            return Err(ListRefusal::Full(format!(
                "The list holds {MOST_SKILLS} skills; retired ones count too."
            )));
        }
        name_free(&self.skills, name.as_str(), None).map_err(ListRefusal::Name)?;
        let id = new_id(name.as_str(), "skill", |id| self.find(id).is_some());
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

    /// Change a skill: its name, whether it is retired, its place among
    /// those of its kind. Returns what changed, in words, for the audit;
    /// none when nothing did.
    pub fn change(
        &mut self,
        id: &str,
        name: Option<SkillName>,
        retired: Option<bool>,
        position: Option<Position>,
    ) -> Result<Option<String>, ListRefusal> {
        let at = self
            .skills
            .iter()
            .position(|s| s.id == id)
            .ok_or(ListRefusal::Unknown("skill"))?;
        let kind = self.skills[at].kind;
        let mut said = Vec::new();
        if let Some(name) = name.filter(|n| *n != self.skills[at].name) {
            name_free(&self.skills, name.as_str(), Some(id)).map_err(ListRefusal::Name)?;
            said.push(format!("renamed from {} to {name}", self.skills[at].name));
            self.skills[at].name = name;
        }
        if let Some(retired) = retired.filter(|r| *r != self.skills[at].retired) {
            if retired && self.open(kind).len() <= FEWEST_OPEN {
                return Err(ListRefusal::LastOpen(format!(
                    "Each list keeps at least {FEWEST_OPEN} skills people can choose; add another before retiring this one."
                )));
            }
            self.skills[at].retired = retired;
            said.push(if retired { "retired" } else { "restored" }.to_string());
        }
        if let Some(to) = position
            && let Some(place) = move_within(&mut self.skills, at, to, |s| s.kind == kind)
        {
            said.push(format!("moved to place {place}"));
        }
        let name = self
            .find(id)
            .map(|s| s.name.to_string())
            .unwrap_or_default();
        Ok((!said.is_empty()).then(|| format!("{name} ({id}): {}", said.join(", "))))
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
    use crate::kept::is_list_id;

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
        assert!(seed.skills.iter().all(|s| is_list_id(&s.id)), "ids");
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
        assert!(is_list_id(&id));
        assert_eq!(list.choosable(&id), Ok(()));
        assert_eq!(order(&list, SkillKind::Career).last(), Some(&id));
        assert!(order(&list, SkillKind::Soft).iter().all(|s| *s != id));
        let again = list.add(
            SkillKind::Soft,
            name("geographic information systems (gis)"),
        );
        assert!(matches!(again, Err(ListRefusal::Name(_))), "{again:?}");
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
        assert!(matches!(
            list.change(last, None, Some(true), None),
            Err(ListRefusal::LastOpen(_))
        ));
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
        assert!(matches!(taken, Err(ListRefusal::Name(_))), "{taken:?}");
        assert!(matches!(
            list.change("juggling", None, Some(true), None),
            Err(ListRefusal::Unknown(_))
        ));
    }
}
