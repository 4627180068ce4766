//! Suggested mentors as published to a mentee by a matching run: what the
//! store keeps for them (the mentor's application id, the fit and its
//! reason), and what they and administrators are shown (the mentor's name,
//! title, department and hours, read from the application when shown, so
//! they follow its changes and leave with its erasure).

use serde::{Deserialize, Serialize};

use crate::application::Application;
use crate::catalogue::Entry;
use crate::departments::StoredDepartments;
use crate::retention::is_stand_in;

/// A suggested mentor, with the plain-language reason they were suggested.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Suggested {
    pub mentor_application_id: String,
    pub first_name: String,
    pub last_name: String,
    pub job_title: String,
    pub department: Entry,
    pub working_hours: Entry,
    pub score: u32,
    pub reason: String,
}

/// A suggested mentor as a run stores it. (Lists stored before names were
/// read at show time carry names too; they are ignored.)
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredSuggestion {
    pub mentor_application_id: String,
    pub score: u32,
    pub reason: String,
}

impl From<&Suggested> for StoredSuggestion {
    fn from(s: &Suggested) -> Self {
        StoredSuggestion {
            mentor_application_id: s.mentor_application_id.clone(),
            score: s.score,
            reason: s.reason.clone(),
        }
    }
}

impl StoredSuggestion {
    /// The suggestion as shown, from the mentor's application as it is
    /// now; `None` when that application no longer identifies anyone (the
    /// mentor's data was removed), so nothing of them is shown.
    pub fn shown(
        &self,
        mentor: &Application,
        departments: &StoredDepartments,
    ) -> Option<Suggested> {
        if is_stand_in(&mentor.applicant) || mentor.id.as_str() != self.mentor_application_id {
            return None;
        }
        let d = &mentor.details;
        Some(Suggested {
            mentor_application_id: self.mentor_application_id.clone(),
            first_name: d.first_name.to_string(),
            last_name: d.last_name.to_string(),
            job_title: d.job_title.to_string(),
            department: departments.entry(&d.department),
            working_hours: Entry::from(d.working_hours),
            score: self.score,
            reason: self.reason.clone(),
        })
    }
}

/// One mentee's list from the latest run that published one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublishedList {
    /// The run's date, `YYYY-MM-DD`.
    pub run: String,
    pub published_at: String,
    /// Left without suggestions by this run: served first by the next.
    pub priority: bool,
    /// The mentee had one active mentor: these are for a second.
    #[serde(default)]
    pub second_mentor: bool,
    /// Why the list holds fewer than five mentors, in words for the mentee.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub short_reason: Option<String>,
    pub suggestions: Vec<StoredSuggestion>,
}
