//! The skills the program team keeps: one item (`CATALOGUE` / `SKILLS`)
//! holding the whole list and its version, and an audit entry per change in
//! the same partition. Until the team first changes it, the list is the
//! seed compiled from `site/data/catalogue.toml`.

use moments_domain::audit::AuditEntry;
use moments_domain::skills::StoredSkills;

use super::{Store, StoreError, keys, to_value, versioned_writes};

impl Store {
    /// The skills as they are now (the seed, version 0, until first
    /// saved). A strongly consistent GetItem, so a skill added a moment
    /// ago can be chosen at once.
    pub async fn skills(&self) -> Result<StoredSkills, StoreError> {
        let kept: StoredSkills = self.versioned(&keys::skills()).await?;
        Ok(if kept.revision.is_none() {
            StoredSkills::seed()
        } else {
            kept
        })
    }

    /// Save the skills at their new revision (one above the version read),
    /// with the audit entry; `Changed` if someone saved them since.
    pub async fn save_skills(
        &self,
        stored: &StoredSkills,
        entry: &AuditEntry,
    ) -> Result<(), StoreError> {
        let writes = versioned_writes(
            keys::skills(),
            "skills",
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
}
