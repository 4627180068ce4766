//! The program team's contact details: one item (`CONTACT` / `PROGRAM`)
//! holding its version, and an audit entry per change in the same
//! partition (`AUDIT#{version}`). A change names the version it was read
//! at, so two administrators cannot overwrite each other.

use moments_domain::audit::AuditEntry;
use moments_domain::contact::StoredContact;
use serde_json::json;

use super::{Store, StoreError, audit_write, calendar, data_of, item_of, keys, to_value};

impl Store {
    /// The contact details, empty (version 0) until first saved. A strongly
    /// consistent GetItem.
    pub async fn program_contact(&self) -> Result<StoredContact, StoreError> {
        match self.table.get(&keys::program_contact()).await? {
            Some(item) => data_of(item),
            None => Ok(StoredContact::default()),
        }
    }

    /// Save the details at their new revision (one above the version read),
    /// with the audit entry; `Changed` if someone saved them since.
    pub async fn save_program_contact(
        &self,
        stored: &StoredContact,
        entry: &AuditEntry,
    ) -> Result<(), StoreError> {
        let version = stored.version();
        let key = keys::program_contact();
        let item = item_of(json!({
            "pk": key.pk, "sk": key.sk, "kind": "program_contact",
            "version": version,
            "data": to_value(stored)?,
        }));
        let writes = vec![
            calendar::put(item, version),
            audit_write(keys::CONTACT, &format!("{version:010}"), entry)?,
        ];
        self.table.write(writes).await.map_err(StoreError::from)
    }

    /// Every change to the contact details, oldest first.
    pub async fn program_contact_audit(&self) -> Result<Vec<AuditEntry>, StoreError> {
        self.audit_at(keys::CONTACT).await
    }
}
