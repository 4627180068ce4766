//! The program's catalogue: skills, departments and working hours. One data
//! file (`site/data/catalogue.toml`) feeds both the site and the API; the
//! skills in it are only the seed of the list the program team keeps in the
//! table (see [`crate::skills`]), and so are its departments (see
//! [`crate::departments`]).

use std::sync::LazyLock;

use serde::{Deserialize, Serialize};

use crate::departments::StoredDepartments;
use crate::skills::StoredSkills;

const SOURCE: &str = include_str!("../../../site/data/catalogue.toml");

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum SkillKind {
    Career,
    Soft,
}

/// A skill of the program's catalogue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Skill {
    pub id: String,
    pub name: String,
    #[schema(inline)]
    pub kind: SkillKind,
}

/// `{id, name}` of a department, working hours, a skill of the catalogue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[schema(as = Named)]
pub struct Entry {
    pub id: String,
    pub name: String,
}

/// The skills, departments and working hours the forms offer.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Catalogue {
    pub career_skills: Vec<Entry>,
    pub soft_skills: Vec<Entry>,
    pub departments: Vec<Entry>,
    pub working_hours: Vec<Entry>,
}

/// The lists the program team keeps in the table, as one request reads
/// them: what forms offer, and the names records show.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Lists {
    pub skills: StoredSkills,
    pub departments: StoredDepartments,
}

impl Lists {
    /// The lists of a new installation, before the team changes them.
    pub fn seed() -> Lists {
        Lists {
            skills: StoredSkills::seed(),
            departments: StoredDepartments::seed(),
        }
    }
}

#[derive(Deserialize)]
struct Raw {
    career_skills: Vec<Entry>,
    soft_skills: Vec<Entry>,
    departments: Vec<Entry>,
    working_hours: Vec<Entry>,
}

static CATALOGUE: LazyLock<Catalogue> = LazyLock::new(|| {
    // The file is compiled in and checked by a unit test, so a broken
    // catalogue fails the build's tests, never a running function.
    let raw: Raw = toml::from_str(SOURCE).unwrap_or_else(|e| panic!("catalogue.toml: {e}"));
    Catalogue {
        career_skills: raw.career_skills,
        soft_skills: raw.soft_skills,
        departments: raw.departments,
        working_hours: raw.working_hours,
    }
});

impl Catalogue {
    pub fn get() -> &'static Catalogue {
        &CATALOGUE
    }

    pub fn working_hours(&self, id: &str) -> Option<&Entry> {
        self.working_hours.iter().find(|d| d.id == id)
    }

    pub fn skill_ids(&self) -> impl Iterator<Item = &str> {
        self.career_skills
            .iter()
            .chain(&self.soft_skills)
            .map(|e| e.id.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn catalogue_parses_and_ids_are_unique() {
        let c = Catalogue::get();
        assert!(c.career_skills.len() >= 6 && c.soft_skills.len() >= 6);
        let skills: HashSet<_> = c.skill_ids().collect();
        assert_eq!(skills.len(), c.career_skills.len() + c.soft_skills.len());
        let depts: HashSet<_> = c.departments.iter().map(|d| &d.id).collect();
        assert_eq!(depts.len(), c.departments.len());
        let hours: Vec<_> = c.working_hours.iter().map(|h| h.id.as_str()).collect();
        assert_eq!(hours, ["daytime", "evening", "overnight"]);
    }
}
