//! The departments the program team keeps, each with the divisions people
//! choose within it, stored in the table and changed on the admin pages
//! (added, renamed, retired, moved), with `site/data/catalogue.toml` as the
//! list a new installation starts from.
//!
//! Nothing is deleted: applications, counters and administrators keep a
//! department's id, so a retired department or division still has its name
//! wherever it was chosen, but nobody can choose it again.

use serde::{Deserialize, Serialize};

use crate::calendar::Revision;
use crate::catalogue::{Catalogue, Entry};
use crate::fields::{DepartmentId, DivisionId, Lines, Problem, text_type};
use crate::kept::{ListRefusal, Position, kept_entry, move_within, name_free, new_id};

text_type!(
    /// A department's name as the forms show it: "Department of Revenue".
    DepartmentName, "the department's name", 100, Lines::One);

text_type!(
    /// A division's name: "Motor Vehicle and Driver Licensing".
    DivisionName, "the division's name", 100, Lines::One);

/// One department of the list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeptDepartment {
    /// Stable: applications, counters and administrators name departments
    /// by id. Made from the name it was added with, kept through renames.
    pub id: String,
    pub name: DepartmentName,
    #[serde(default)]
    pub retired: bool,
}

/// One division of a department.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeptDivision {
    /// Stable, and unique within its department.
    pub id: String,
    /// The department's id.
    pub department: String,
    pub name: DivisionName,
    #[serde(default)]
    pub retired: bool,
}

kept_entry!(KeptDepartment, KeptDivision);

/// Most departments the list holds, retired ones included.
pub const MOST_DEPARTMENTS: usize = 100;

/// Most divisions the list holds, over every department: the whole list
/// stays one item of at most about 90 KB (23 read units each time it is
/// read), far below DynamoDB's 400 KB; a state department has a handful.
pub const MOST_DIVISIONS: usize = 300;

/// The departments and divisions with the revision they were saved at; none
/// saved yet means the seed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredDepartments {
    pub departments: Vec<KeptDepartment>,
    #[serde(default)]
    pub divisions: Vec<KeptDivision>,
    pub revision: Option<Revision>,
}

/// A department as the forms offer it, with its open divisions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct DepartmentEntry {
    pub id: String,
    pub name: String,
    /// Empty when the department has none; otherwise an applicant in it
    /// chooses one.
    pub divisions: Vec<Entry>,
}

impl StoredDepartments {
    /// The list a new installation starts from: the catalogue file's
    /// departments, with no divisions.
    pub fn seed() -> StoredDepartments {
        StoredDepartments {
            departments: Catalogue::get()
                .departments
                .iter()
                .map(|e| KeptDepartment {
                    id: e.id.clone(),
                    name: DepartmentName(e.name.clone()),
                    retired: false,
                })
                .collect(),
            divisions: Vec::new(),
            revision: None,
        }
    }

    /// The version a change must name: 0 before the first save.
    pub fn version(&self) -> u64 {
        self.revision.as_ref().map_or(0, |r| r.version)
    }

    fn find(&self, id: &str) -> Option<&KeptDepartment> {
        self.departments.iter().find(|d| d.id == id)
    }

    fn division_of(&self, department: &str, id: &str) -> Option<&KeptDivision> {
        self.divisions
            .iter()
            .find(|d| d.department == department && d.id == id)
    }

    fn divisions_in<'a>(&'a self, department: &'a str) -> impl Iterator<Item = &'a KeptDivision> {
        self.divisions
            .iter()
            .filter(move |d| d.department == department)
    }

    /// A department's name now, retired or not; its id if the list has
    /// never had it (a record older than every list).
    pub fn name(&self, department: &DepartmentId) -> String {
        self.find(department.as_str())
            .map_or_else(|| department.as_str().to_string(), |d| d.name.to_string())
    }

    /// `{id, name}` of a department, for views and reports.
    pub fn entry(&self, department: &DepartmentId) -> Entry {
        Entry {
            id: department.as_str().to_string(),
            name: self.name(department),
        }
    }

    /// A division's name now, retired or not; its id if unknown.
    pub fn division_name(&self, department: &DepartmentId, division: &DivisionId) -> String {
        self.division_of(department.as_str(), division.as_str())
            .map_or_else(|| division.as_str().to_string(), |d| d.name.to_string())
    }

    /// Where someone works, in words: "Taxation, Department of Revenue",
    /// or the department alone.
    pub fn workplace(&self, department: &DepartmentId, division: &Option<DivisionId>) -> String {
        match division {
            Some(v) => format!(
                "{}, {}",
                self.division_name(department, v),
                self.name(department)
            ),
            None => self.name(department),
        }
    }

    /// `{id, name}` of a division, for views and reports.
    pub fn division_entry(&self, department: &DepartmentId, division: &DivisionId) -> Entry {
        Entry {
            id: division.as_str().to_string(),
            name: self.division_name(department, division),
        }
    }

    /// Every department the list has had, retired ones too: whose digests
    /// and administrators still run.
    pub fn all(&self) -> Vec<DepartmentId> {
        self.departments
            .iter()
            .filter_map(|d| DepartmentId::parse(&d.id).ok())
            .collect()
    }

    /// The departments people can choose now, in the list's order, with
    /// their open divisions.
    pub fn open(&self) -> Vec<DepartmentEntry> {
        self.departments
            .iter()
            .filter(|d| !d.retired)
            .map(|d| DepartmentEntry {
                id: d.id.clone(),
                name: d.name.to_string(),
                divisions: self
                    .divisions_in(&d.id)
                    .filter(|v| !v.retired)
                    .map(|v| Entry {
                        id: v.id.clone(),
                        name: v.name.to_string(),
                    })
                    .collect(),
            })
            .collect()
    }

    /// The retired departments, by their names now: what a search named in
    /// an old address or a kept application still shows.
    pub fn retired(&self) -> Vec<Entry> {
        self.departments
            .iter()
            .filter(|d| d.retired)
            .map(|d| Entry {
                id: d.id.clone(),
                name: d.name.to_string(),
            })
            .collect()
    }

    /// A department any record may name: one the list has, retired or
    /// not (a search filter, an administrator's department).
    pub fn known(&self, raw: &str) -> Result<DepartmentId, Problem> {
        let id = DepartmentId::parse(raw)?;
        match self.find(id.as_str()) {
            Some(_) => Ok(id),
            None => Err("Choose a department from the list.".into()),
        }
    }

    /// A department an application can be put in now.
    pub fn choosable(&self, raw: &str) -> Result<DepartmentId, Problem> {
        let id = self.known(raw)?;
        match self.find(id.as_str()) {
            Some(d) if d.retired => Err(format!(
                "The {} is no longer in the program's list; choose your department now.",
                d.name
            )),
            _ => Ok(id),
        }
    }

    /// The division an application in `department` names: required when
    /// the department has divisions to choose from, and empty otherwise.
    pub fn choosable_division(
        &self,
        department: &DepartmentId,
        raw: &str,
    ) -> Result<Option<DivisionId>, Problem> {
        let dept = self.name(department);
        let open = self.divisions_in(department.as_str()).any(|d| !d.retired);
        let raw = raw.trim();
        if raw.is_empty() {
            return if open {
                Err(format!("Choose your division of the {dept}."))
            } else {
                Ok(None)
            };
        }
        let wrong = || format!("Choose a division of the {dept} from the list.");
        let id = DivisionId::parse(raw).map_err(|_| wrong())?;
        match self.division_of(department.as_str(), id.as_str()) {
            None if !open => Err(format!(
                "The {dept} has no divisions in the program's list; leave the division empty."
            )),
            None => Err(wrong()),
            Some(d) if d.retired => Err(format!(
                "{} is no longer in the program's list; choose your division now.",
                d.name
            )),
            Some(_) => Ok(Some(id)),
        }
    }

    /// A division any record may name (a search filter): one the
    /// department has, retired or not.
    pub fn known_division(
        &self,
        department: &DepartmentId,
        raw: &str,
    ) -> Result<DivisionId, Problem> {
        let wrong = || {
            format!(
                "Choose a division of the {} from the list.",
                self.name(department)
            )
        };
        let id = DivisionId::parse(raw).map_err(|_| wrong())?;
        match self.division_of(department.as_str(), id.as_str()) {
            Some(_) => Ok(id),
            None => Err(wrong()),
        }
    }

    /// Add a department at the end of the list; its id, made from the
    /// name, is returned.
    pub fn add(&mut self, name: DepartmentName) -> Result<String, ListRefusal> {
        if self.departments.len() >= MOST_DEPARTMENTS {
            return Err(ListRefusal::Full(format!(
                "The list holds {MOST_DEPARTMENTS} departments; retired ones count too."
            )));
        }
        name_free(&self.departments, name.as_str(), None).map_err(ListRefusal::Name)?;
        let id = new_id(name.as_str(), "department", |id| self.find(id).is_some());
        self.departments.push(KeptDepartment {
            id: id.clone(),
            name,
            retired: false,
        });
        Ok(id)
    }

    /// Change a department: its name, whether it is retired, its place.
    /// Returns what changed, in words, for the audit; none when nothing did.
    pub fn change(
        &mut self,
        id: &str,
        name: Option<DepartmentName>,
        retired: Option<bool>,
        position: Option<Position>,
    ) -> Result<Option<String>, ListRefusal> {
        let at = self
            .departments
            .iter()
            .position(|d| d.id == id)
            .ok_or(ListRefusal::Unknown("department"))?;
        let mut said = Vec::new();
        if let Some(name) = name.filter(|n| *n != self.departments[at].name) {
            name_free(&self.departments, name.as_str(), Some(id)).map_err(ListRefusal::Name)?;
            said.push(format!(
                "renamed from {} to {name}",
                self.departments[at].name
            ));
            self.departments[at].name = name;
        }
        if let Some(retired) = retired.filter(|r| *r != self.departments[at].retired) {
            if retired && self.departments.iter().filter(|d| !d.retired).count() <= 1 {
                return Err(ListRefusal::LastOpen(
                    "The list keeps at least one department people can choose; add another before retiring this one.".into(),
                ));
            }
            self.departments[at].retired = retired;
            said.push(if retired { "retired" } else { "restored" }.to_string());
        }
        if let Some(to) = position
            && let Some(place) = move_within(&mut self.departments, at, to, |_| true)
        {
            said.push(format!("moved to place {place}"));
        }
        Ok(self.said(id, None, said))
    }

    /// Add a division at the end of `department`'s; its id is returned.
    pub fn add_division(
        &mut self,
        department: &str,
        name: DivisionName,
    ) -> Result<String, ListRefusal> {
        if self.find(department).is_none() {
            return Err(ListRefusal::Unknown("department"));
        }
        if self.divisions.len() >= MOST_DIVISIONS {
            return Err(ListRefusal::Full(format!(
                "The list holds {MOST_DIVISIONS} divisions over all departments; retired ones count too."
            )));
        }
        name_free(self.divisions_in(department), name.as_str(), None).map_err(ListRefusal::Name)?;
        let id = new_id(name.as_str(), "division", |id| {
            self.division_of(department, id).is_some()
        });
        let at = self
            .divisions
            .iter()
            .rposition(|d| d.department == department)
            .map_or(self.divisions.len(), |i| i + 1);
        self.divisions.insert(
            at,
            KeptDivision {
                id: id.clone(),
                department: department.to_string(),
                name,
                retired: false,
            },
        );
        Ok(id)
    }

    /// Change a division of `department`, as [`StoredDepartments::change`]
    /// does a department. A department may retire all its divisions: then
    /// its applicants choose none.
    pub fn change_division(
        &mut self,
        department: &str,
        id: &str,
        name: Option<DivisionName>,
        retired: Option<bool>,
        position: Option<Position>,
    ) -> Result<Option<String>, ListRefusal> {
        let at = self
            .divisions
            .iter()
            .position(|d| d.department == department && d.id == id)
            .ok_or(ListRefusal::Unknown("division"))?;
        let mut said = Vec::new();
        if let Some(name) = name.filter(|n| *n != self.divisions[at].name) {
            name_free(self.divisions_in(department), name.as_str(), Some(id))
                .map_err(ListRefusal::Name)?;
            said.push(format!(
                "renamed from {} to {name}",
                self.divisions[at].name
            ));
            self.divisions[at].name = name;
        }
        if let Some(retired) = retired.filter(|r| *r != self.divisions[at].retired) {
            self.divisions[at].retired = retired;
            said.push(if retired { "retired" } else { "restored" }.to_string());
        }
        if let Some(to) = position
            && let Some(place) =
                move_within(&mut self.divisions, at, to, |d| d.department == department)
        {
            said.push(format!("moved to place {place}"));
        }
        Ok(self.said(department, Some(id), said))
    }

    /// The audit's words for a change: "Department of Revenue (revenue):
    /// renamed …", or the division's with its department.
    fn said(&self, department: &str, division: Option<&str>, said: Vec<String>) -> Option<String> {
        if said.is_empty() {
            return None;
        }
        let dept = self
            .find(department)
            .map(|d| d.name.to_string())
            .unwrap_or_default();
        let who = match division.and_then(|id| self.division_of(department, id)) {
            Some(v) => format!("{} ({}) of the {dept}", v.name, v.id),
            None => format!("{dept} ({department})"),
        };
        Some(format!("{who}: {}", said.join(", ")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kept::is_list_id;

    fn dept(s: &str) -> DepartmentName {
        DepartmentName::parse(s).expect("name")
    }

    fn div(s: &str) -> DivisionName {
        DivisionName::parse(s).expect("name")
    }

    fn id(s: &str) -> DepartmentId {
        DepartmentId::parse(s).expect("department id")
    }

    #[test]
    fn the_seed_is_the_catalogue_file_without_divisions() {
        let seed = StoredDepartments::seed();
        assert_eq!(seed.departments.len(), Catalogue::get().departments.len());
        assert!(seed.departments.iter().all(|d| is_list_id(&d.id)));
        assert_eq!(seed.all().len(), seed.departments.len(), "every id parses");
        assert!(seed.open().iter().all(|d| d.divisions.is_empty()));
        assert_eq!(seed.version(), 0);
        assert_eq!(seed.name(&id("revenue")), "Department of Revenue");
        assert_eq!(seed.name(&id("gone")), "gone", "an unknown id shows as is");
    }

    #[test]
    fn a_new_department_can_be_chosen_and_a_retired_one_only_read() {
        let mut list = StoredDepartments::seed();
        let added = list
            .add(dept("Department of Cybersecurity"))
            .expect("added");
        assert_eq!(added, "department-of-cybersecurity");
        assert_eq!(list.choosable(&added), Ok(id(&added)));
        assert!(matches!(
            list.add(dept("department of cybersecurity")),
            Err(ListRefusal::Name(_))
        ));
        let said = list
            .change("revenue", None, Some(true), None)
            .expect("retired");
        assert!(said.is_some_and(|s| s.contains("retired")));
        assert!(list.choosable("revenue").is_err());
        assert_eq!(list.known("revenue"), Ok(id("revenue")));
        assert_eq!(list.name(&id("revenue")), "Department of Revenue");
        assert!(list.open().iter().all(|d| d.id != "revenue"));
        assert_eq!(list.retired()[0].id, "revenue");
        assert!(list.all().contains(&id("revenue")));
        assert!(list.known("nowhere").is_err());
    }

    #[test]
    fn the_last_open_department_stays() {
        let mut list = StoredDepartments::seed();
        let ids: Vec<String> = list.departments.iter().map(|d| d.id.clone()).collect();
        for d in &ids[1..] {
            list.change(d, None, Some(true), None).expect("retired");
        }
        assert!(matches!(
            list.change(&ids[0], None, Some(true), None),
            Err(ListRefusal::LastOpen(_))
        ));
    }

    #[test]
    fn a_department_with_divisions_asks_for_one_of_its_own() {
        let mut list = StoredDepartments::seed();
        let revenue = id("revenue");
        assert_eq!(list.choosable_division(&revenue, ""), Ok(None));
        assert!(list.choosable_division(&revenue, "taxation").is_err());
        let taxation = list
            .add_division("revenue", div("Taxation"))
            .expect("added");
        let motor = list
            .add_division("revenue", div("Motor Vehicle and Driver Licensing"))
            .expect("added");
        assert_eq!(motor, "motor-vehicle-and-driver-licensing");
        let other = list
            .add_division("transportation", div("Taxation"))
            .expect("the same name in another department");
        assert_eq!(other, "taxation");
        assert!(matches!(
            list.add_division("revenue", div("TAXATION")),
            Err(ListRefusal::Name(_))
        ));
        assert!(matches!(
            list.add_division("nowhere", div("Taxation")),
            Err(ListRefusal::Unknown("department"))
        ));
        let chosen = list.choosable_division(&revenue, &taxation).expect("open");
        assert_eq!(
            chosen.map(|d| d.as_str().to_string()),
            Some(taxation.clone())
        );
        assert!(list.choosable_division(&revenue, "").is_err(), "required");
        assert!(
            list.choosable_division(&id("corrections"), &taxation)
                .is_err()
        );
        let offered = list.open();
        let rev = offered.iter().find(|d| d.id == "revenue").expect("revenue");
        assert_eq!(rev.divisions.len(), 2);

        list.change_division("revenue", &taxation, None, Some(true), None)
            .expect("retired");
        assert!(list.choosable_division(&revenue, &taxation).is_err());
        let kept = list.known_division(&revenue, &taxation).expect("known");
        assert_eq!(list.division_name(&revenue, &kept), "Taxation");
        list.change_division("revenue", &motor, None, Some(true), None)
            .expect("retired");
        assert_eq!(
            list.choosable_division(&revenue, ""),
            Ok(None),
            "with every division retired, none is asked"
        );
    }

    #[test]
    fn departments_and_divisions_move_and_rename() {
        let mut list = StoredDepartments::seed();
        let p = |n: &str| Position::parse(n).expect("position");
        list.change("revenue", Some(dept("Revenue")), None, Some(p("1")))
            .expect("changed");
        assert_eq!(list.open()[0].name, "Revenue");
        assert!(matches!(
            list.change(
                "revenue",
                Some(dept("office of administration")),
                None,
                None
            ),
            Err(ListRefusal::Name(_))
        ));
        let a = list.add_division("revenue", div("A")).expect("a");
        let b = list.add_division("revenue", div("B")).expect("b");
        list.add_division("agriculture", div("C")).expect("c");
        list.change_division("revenue", &b, Some(div("Bee")), None, Some(p("1")))
            .expect("moved");
        let names: Vec<String> = list.open()[0]
            .divisions
            .iter()
            .map(|d| d.name.clone())
            .collect();
        assert_eq!(names, ["Bee", "A"]);
        assert!(matches!(
            list.change_division("agriculture", &a, None, Some(true), None),
            Err(ListRefusal::Unknown("division"))
        ));
    }
}
