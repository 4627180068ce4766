//! The table's key design, in one place. Every item has `pk`/`sk`; indexes
//! are sparse and carry only what their queries need.
//!
//! | item | pk | sk | gsi1 (by supervisor) | gsi2 (by department) |
//! |---|---|---|---|---|
//! | application | `APP#{id}` | `APP` | `SUP#{email}` / `{status}#{submitted}#{id}` | `DEPT#{dept}` / `APP#{status}#{submitted}#{id}` |
//! | one-per-role guard | `PERSON#{email}` | `APP#{role}` | | |
//! | audit entry | `APP#{id}` | `AUDIT#{version:010}` | | |
//! | department administrator | `PERSON#{email}` | `DEPTADMIN#{dept}` | | `DEPT#{dept}` / `ADMIN#{email}` |
//! | sign-in token | `SIGNIN#{sha256 hex}` | `SIGNIN` | | |

use crate::table::{Index, Key};

pub const APP_SK: &str = "APP";
pub const SIGNIN_SK: &str = "SIGNIN";

/// Queries on the department partition of gsi2 separate the item kinds by prefix.
pub const DEPT_APP_PREFIX: &str = "APP#";
pub const DEPT_ADMIN_PREFIX: &str = "ADMIN#";

/// Index serving "applications by supervisor".
pub const BY_SUPERVISOR: Index = Index::Gsi1;
/// Index serving "applications and administrators by department".
pub const BY_DEPARTMENT: Index = Index::Gsi2;

pub fn application(id: &str) -> Key {
    Key::new(format!("APP#{id}"), APP_SK)
}

pub fn role_guard(email: &str, role: &str) -> Key {
    Key::new(person(email), format!("APP#{role}"))
}

pub fn person(email: &str) -> String {
    format!("PERSON#{email}")
}

pub fn audit(id: &str, version: u64) -> Key {
    Key::new(format!("APP#{id}"), format!("AUDIT#{version:010}"))
}

pub const AUDIT_PREFIX: &str = "AUDIT#";

pub fn department_admin(email: &str, dept: &str) -> Key {
    Key::new(person(email), format!("DEPTADMIN#{dept}"))
}

pub const DEPTADMIN_PREFIX: &str = "DEPTADMIN#";

pub fn supervisor_partition(email: &str) -> String {
    format!("SUP#{email}")
}

pub fn department_partition(dept: &str) -> String {
    format!("DEPT#{dept}")
}

pub fn sign_in_token(hash_hex: &str) -> Key {
    Key::new(format!("SIGNIN#{hash_hex}"), SIGNIN_SK)
}
