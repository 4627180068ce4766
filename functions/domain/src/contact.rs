//! How people reach the program team: an address and, if the team has one,
//! a phone number, kept by program administrators and shown on the public
//! contact page beside each department's administrators.

use serde::{Deserialize, Serialize};

use crate::calendar::Revision;
use crate::fields::{EmailAddress, Phone};

/// The program team's contact details. Empty until a program administrator
/// first saves them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProgramContact {
    pub email: Option<EmailAddress>,
    pub phone: Option<Phone>,
}

/// The contact details with the revision they were saved at; `None` until
/// they are first saved.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredContact {
    pub contact: ProgramContact,
    pub revision: Option<Revision>,
}

impl StoredContact {
    /// The version a change must name: 0 before the first save.
    pub fn version(&self) -> u64 {
        self.revision.as_ref().map_or(0, |r| r.version)
    }
}
