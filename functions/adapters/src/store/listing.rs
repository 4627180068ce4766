//! The mentor listing: one small item per searchable mentor, present exactly
//! while the mentor is listed (approved, available, fewer than two mentees).
//! Every write that changes one of those facts writes the listing in the same
//! transaction, so search and suggestions never show a full or unavailable
//! mentor, and a search reads only listed mentors with one Query.

use moments_domain::application::{Application, ApplicationId, Role};
use moments_domain::fields::{DepartmentId, EmailAddress, SkillRanking, WorkingHours};
use moments_domain::mentorship::{Capacity, MAX_ACTIVE, is_listed};
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::{item_of, keys};
use crate::table::Write;

/// How much of a bio a listing carries, for result cards.
pub const BIO_EXCERPT_CHARS: usize = 280;

/// What search needs to know about a listed mentor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Listing {
    pub application_id: ApplicationId,
    pub email: EmailAddress,
    pub first_name: String,
    pub last_name: String,
    pub job_title: String,
    pub department: DepartmentId,
    pub working_hours: WorkingHours,
    pub skills: SkillRanking,
    pub bio: String,
    /// How many more mentees the mentor can take now.
    pub open_places: u32,
}

fn listing_key(app: &Application) -> crate::table::Key {
    keys::listing(app.details.working_hours.id(), app.applicant.as_str())
}

/// The listing writes that go with saving `after` (previously `before`)
/// with this capacity: put it while listed, delete it otherwise, and delete
/// the old one when the mentor's working hours moved it.
pub(super) fn writes(
    before: Option<&Application>,
    after: &Application,
    capacity: Capacity,
) -> Vec<Write> {
    if after.role != Role::Mentor {
        return Vec::new();
    }
    let mut writes = Vec::new();
    if let Some(before) = before
        && listing_key(before) != listing_key(after)
    {
        writes.push(Write::Delete {
            key: listing_key(before),
            cond: None,
        });
    }
    let key = listing_key(after);
    if is_listed(after, capacity) {
        let d = &after.details;
        let listing = Listing {
            application_id: after.id.clone(),
            email: after.applicant.clone(),
            first_name: d.first_name.to_string(),
            last_name: d.last_name.to_string(),
            job_title: d.job_title.to_string(),
            department: d.department.clone(),
            working_hours: d.working_hours,
            skills: d.skills.clone(),
            bio: d.bio.as_str().chars().take(BIO_EXCERPT_CHARS).collect(),
            open_places: MAX_ACTIVE.saturating_sub(capacity.active),
        };
        let mut item = item_of(json!({"pk": key.pk, "sk": key.sk, "kind": "listing"}));
        if let Ok(serde_json::Value::Object(fields)) = serde_json::to_value(&listing) {
            item.extend(fields);
        }
        writes.push(Write::Put { item, cond: None });
    } else {
        writes.push(Write::Delete { key, cond: None });
    }
    writes
}
