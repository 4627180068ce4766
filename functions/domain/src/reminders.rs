//! Timed reminders around requests and new pairs, run as one-time jobs:
//! a request unanswered for 7 days reminds the mentor, and expires at 14
//! days; 48 hours after a match with no meeting logged, both get a nudge.

use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};

use crate::mentorship::{Mentorship, MentorshipId, MentorshipRequest, RequestId};

pub const REMIND_AFTER: SignedDuration = SignedDuration::from_hours(7 * 24);
pub const EXPIRE_AFTER: SignedDuration = SignedDuration::from_hours(14 * 24);
pub const CONNECT_WITHIN: SignedDuration = SignedDuration::from_hours(48);

pub const EXPIRED: &str = "The mentor did not answer within 14 days, so the request has closed.";

/// A job's payload, as the scheduler hands it to the reminders function.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Job {
    RequestReminder {
        request: RequestId,
    },
    RequestExpiry {
        request: RequestId,
    },
    ConnectCheck {
        mentorship: MentorshipId,
    },
    /// The day before an event: remind everyone with a place. The event's
    /// date is in the job, so a job left from before the event moved does
    /// nothing.
    EventReminder {
        event: crate::calendar::CalendarId,
        date: jiff::civil::Date,
    },
    /// Send the mail that failed after a committed change and is now due
    /// again (a recurring schedule, not a one-time job).
    RetryMail,
}

impl Job {
    /// The job's schedule name: one per job, so re-scheduling replaces it.
    pub fn name(&self) -> String {
        match self {
            Job::RequestReminder { request } => format!("req-{request}-remind"),
            Job::RequestExpiry { request } => format!("req-{request}-expire"),
            Job::ConnectCheck { mentorship } => format!("ms-{mentorship}-connect"),
            Job::EventReminder { event, date } => format!("ev-{event}-{date}-remind"),
            Job::RetryMail => "retry-mail".into(),
        }
    }
}

/// The jobs a new request starts, with their times.
pub fn request_jobs(r: &MentorshipRequest) -> [(Job, Timestamp); 2] {
    [
        (
            Job::RequestReminder {
                request: r.id.clone(),
            },
            r.created_at + REMIND_AFTER,
        ),
        (
            Job::RequestExpiry {
                request: r.id.clone(),
            },
            r.created_at + EXPIRE_AFTER,
        ),
    ]
}

/// The job a new mentorship starts.
pub fn connect_job(m: &Mentorship) -> (Job, Timestamp) {
    (
        Job::ConnectCheck {
            mentorship: m.id.clone(),
        },
        m.started_at + CONNECT_WITHIN,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jobs_read_back_from_their_payload_and_have_stable_names() {
        let job = Job::RequestExpiry {
            request: RequestId::from_random([1; 16]),
        };
        let payload = serde_json::to_value(&job).expect("payload");
        assert_eq!(payload["kind"], "request_expiry");
        assert_eq!(serde_json::from_value::<Job>(payload).expect("job"), job);
        assert_eq!(job.name(), "req-01010101010101010101010101010101-expire");
        assert!(job.name().len() <= 64);
    }
}
