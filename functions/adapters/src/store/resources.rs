//! The links the program team keeps for each audience: one item
//! (`RESOURCES` / `LINKS`) holding all of them and its version, and an
//! audit entry per change in the same partition.

use moments_domain::audit::AuditEntry;
use moments_domain::resources::StoredLinks;

use super::{Store, StoreError, keys, to_value, versioned_writes};

impl Store {
    /// The links, none (version 0) until first saved. A strongly
    /// consistent GetItem.
    pub async fn resource_links(&self) -> Result<StoredLinks, StoreError> {
        self.versioned(&keys::resource_links()).await
    }

    /// Save the links at their new revision (one above the version read),
    /// with the audit entry; `Changed` if someone saved them since.
    pub async fn save_resource_links(
        &self,
        stored: &StoredLinks,
        entry: &AuditEntry,
    ) -> Result<(), StoreError> {
        let writes = versioned_writes(
            keys::resource_links(),
            "resource_links",
            stored.version(),
            to_value(stored)?,
            entry,
        )?;
        self.table.write(writes).await.map_err(StoreError::from)
    }

    /// Every change to the links, oldest first.
    pub async fn resource_links_audit(&self) -> Result<Vec<AuditEntry>, StoreError> {
        self.audit_at(keys::RESOURCES).await
    }
}
