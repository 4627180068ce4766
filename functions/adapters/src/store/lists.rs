//! The lists the program team keeps: the skills (`CATALOGUE` / `SKILLS`)
//! and the departments with their divisions (`DEPARTMENTS` / `LIST`), each
//! one item holding the whole list and its version, with an audit entry per
//! change in its own partition. Until the team first changes a list, it is
//! the seed compiled from `site/data/catalogue.toml`.

use moments_domain::audit::AuditEntry;
use moments_domain::calendar::Revision;
use moments_domain::catalogue::Lists;
use moments_domain::departments::StoredDepartments;
use moments_domain::skills::StoredSkills;
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::{Store, StoreError, data_of, keys, to_value, versioned_writes};
use crate::table::Key;

/// A list the program team keeps: one item, saved whole at a version one
/// above the version read, with an audit entry in its own partition; its
/// seed until first saved.
pub trait KeptList: Serialize + DeserializeOwned + Default + Send + Sync {
    /// The item's key; its partition holds the list's audit entries.
    fn key() -> Key;
    /// The item's `kind` attribute.
    const KIND: &'static str;
    fn seed() -> Self;
    fn revision(&self) -> Option<&Revision>;
    fn set_revision(&mut self, revision: Revision);
    /// The version a change must name: 0 before the first save.
    fn version(&self) -> u64 {
        self.revision().map_or(0, |r| r.version)
    }
}

impl KeptList for StoredSkills {
    fn key() -> Key {
        keys::skills()
    }
    const KIND: &'static str = "skills";
    fn seed() -> Self {
        StoredSkills::seed()
    }
    fn revision(&self) -> Option<&Revision> {
        self.revision.as_ref()
    }
    fn set_revision(&mut self, revision: Revision) {
        self.revision = Some(revision);
    }
}

impl KeptList for StoredDepartments {
    fn key() -> Key {
        keys::departments()
    }
    const KIND: &'static str = "departments";
    fn seed() -> Self {
        StoredDepartments::seed()
    }
    fn revision(&self) -> Option<&Revision> {
        self.revision.as_ref()
    }
    fn set_revision(&mut self, revision: Revision) {
        self.revision = Some(revision);
    }
}

fn or_seed<T: KeptList>(kept: T) -> T {
    if kept.revision().is_some() {
        kept
    } else {
        T::seed()
    }
}

impl Store {
    /// Both lists in one strongly consistent round trip (BatchGetItem), so
    /// a skill or department added a moment ago can be chosen at once and
    /// a rename shows everywhere.
    pub async fn lists(&self) -> Result<Lists, StoreError> {
        let (skills, departments) = (keys::skills(), keys::departments());
        let mut lists = Lists::default();
        for item in self.table.get_many(&[skills.clone(), departments]).await? {
            let is_skills = item.get("pk").and_then(|v| v.as_str()) == Some(skills.pk.as_str());
            if is_skills {
                lists.skills = data_of(item)?;
            } else {
                lists.departments = data_of(item)?;
            }
        }
        Ok(Lists {
            skills: or_seed(lists.skills),
            departments: or_seed(lists.departments),
        })
    }

    /// A list as it is now (the seed, version 0, until first saved), read
    /// strongly consistent.
    pub async fn kept<T: KeptList>(&self) -> Result<T, StoreError> {
        Ok(or_seed(self.versioned(&T::key()).await?))
    }

    /// The skills as they are now.
    pub async fn skills(&self) -> Result<StoredSkills, StoreError> {
        self.kept().await
    }

    /// The departments and divisions as they are now.
    pub async fn departments(&self) -> Result<StoredDepartments, StoreError> {
        self.kept().await
    }

    /// Save a list at its new revision (set on it: one above the version
    /// read), with the audit entry; `Changed` if someone saved it since.
    pub async fn save_kept<T: KeptList>(
        &self,
        stored: &T,
        entry: &AuditEntry,
    ) -> Result<(), StoreError> {
        let writes = versioned_writes(
            T::key(),
            T::KIND,
            stored.version(),
            to_value(stored)?,
            entry,
        )?;
        self.table.write(writes).await.map_err(StoreError::from)
    }

    /// Every change to the skills, oldest first.
    pub async fn skills_audit(&self) -> Result<Vec<AuditEntry>, StoreError> {
        self.audit_at(keys::CATALOGUE).await
    }

    /// Every change to the departments and divisions, oldest first.
    pub async fn departments_audit(&self) -> Result<Vec<AuditEntry>, StoreError> {
        self.audit_at(keys::DEPARTMENTS).await
    }
}
