//! Who the caller is and what that lets them see. Roles follow from data:
//! applicant and supervisor from applications, administrators from records.

use serde::Serialize;

use crate::application::Application;
use crate::fields::{DepartmentId, EmailAddress};

/// The signed-in person, with the administrative roles kept for them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub email: EmailAddress,
    pub program_admin: bool,
    /// Departments this person administers.
    pub departments: Vec<DepartmentId>,
}

impl Actor {
    pub fn new(email: EmailAddress) -> Actor {
        Actor {
            email,
            program_admin: false,
            departments: Vec::new(),
        }
    }

    pub fn administers(&self, department: &DepartmentId) -> bool {
        self.departments.contains(department)
    }

    /// Applicant, supervisor, department administrators and program administrators.
    pub fn can_view(&self, app: &Application) -> bool {
        self.email == app.applicant
            || &self.email == app.supervisor()
            || self.administers(&app.details.department)
            || self.program_admin
    }

    /// Prior mentees are never public: only the applicant and administrators see them.
    pub fn sees_private_fields(&self, app: &Application) -> bool {
        self.email == app.applicant
            || self.program_admin
            || self.administers(&app.details.department)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RoleName {
    Applicant,
    Supervisor,
    DepartmentAdmin,
    ProgramAdmin,
}
