//! Who the caller is. Roles follow from data: applicant and supervisor from
//! applications, administrators from records; what each record shows to
//! whom is said by the record's own module.

use serde::Serialize;

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
}

/// A role someone has in the program.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RoleName {
    Applicant,
    Supervisor,
    DepartmentAdmin,
    ProgramAdmin,
}
