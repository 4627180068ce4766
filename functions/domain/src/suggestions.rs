//! Suggested mentors as published to a mentee by a matching run: what the
//! store keeps for them, what they and administrators are shown.

use serde::{Deserialize, Serialize};

use crate::catalogue::Entry;

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

/// One mentee's list from the latest run that published one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublishedList {
    /// The run's date, `YYYY-MM-DD`.
    pub run: String,
    pub published_at: String,
    /// Left without suggestions by this run: served first by the next.
    pub priority: bool,
    pub suggestions: Vec<Suggested>,
}
