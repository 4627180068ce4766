//! The program team's contact details: one item (`CONTACT` / `PROGRAM`)
//! holding its version, and an audit entry per change in the same
//! partition (`AUDIT#{version}`). A change names the version it was read
//! at, so two administrators cannot overwrite each other.

use moments_domain::audit::AuditEntry;
use moments_domain::contact::StoredContact;

use super::{Store, StoreError, keys, to_value, versioned_writes};

impl Store {
    /// The contact details, empty (version 0) until first saved. A strongly
    /// consistent GetItem.
    pub async fn program_contact(&self) -> Result<StoredContact, StoreError> {
        self.versioned(&keys::program_contact()).await
    }

    /// Save the details at their new revision (one above the version read),
    /// with the audit entry; `Changed` if someone saved them since.
    pub async fn save_program_contact(
        &self,
        stored: &StoredContact,
        entry: &AuditEntry,
    ) -> Result<(), StoreError> {
        let writes = versioned_writes(
            keys::program_contact(),
            "program_contact",
            stored.version(),
            to_value(stored)?,
            entry,
        )?;
        self.table.write(writes).await.map_err(StoreError::from)
    }

    /// Every change to the contact details, oldest first.
    pub async fn program_contact_audit(&self) -> Result<Vec<AuditEntry>, StoreError> {
        self.audit_at(keys::CONTACT).await
    }
}
