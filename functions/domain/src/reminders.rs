//! Timed reminders around requests and new pairs, run as one-time jobs:
//! a request unanswered for 7 days reminds the mentor, and expires at 14
//! days; 48 hours after a match with no meeting logged, both get a nudge;
//! a pair that goes quiet for the program's set weeks gets a check-in (the
//! check runs again at each spell's end for as long as the pair is active);
//! a survey not answered a week after the end is asked for once more.

use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};

use crate::application::{Application, ApplicationId, UNDO_WITHIN};
use crate::mentorship::{Mentorship, MentorshipId, MentorshipRequest, RequestId};

pub const REMIND_AFTER: SignedDuration = SignedDuration::from_hours(7 * 24);
pub const EXPIRE_AFTER: SignedDuration = SignedDuration::from_hours(14 * 24);
pub const CONNECT_WITHIN: SignedDuration = SignedDuration::from_hours(48);
pub const SURVEY_AGAIN_AFTER: SignedDuration = SignedDuration::from_hours(7 * 24);
/// The quiet check runs at this hour (UTC) of the day a pair counts as
/// quiet: the morning, program time.
const QUIET_CHECK_HOUR: i8 = 14;

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
    /// Whether the pair has gone quiet: a check-in if so, and the next check
    /// either way, while the mentorship is active. Each check has a name of
    /// its own (its day): a run that makes the next never replaces itself,
    /// which the scheduler deletes once run. One left after the pair ended
    /// finds it ended and does nothing.
    QuietCheck {
        mentorship: MentorshipId,
        on: jiff::civil::Date,
    },
    /// A week after the end: the survey asked for once more of a side that
    /// has not answered it.
    SurveyReminder {
        mentorship: MentorshipId,
    },
    /// The day before an event: remind everyone with a place. The event's
    /// date is in the job, so a job left from before the event moved does
    /// nothing.
    EventReminder {
        event: crate::calendar::CalendarId,
        date: jiff::civil::Date,
    },
    /// Work out a matching run's lists, started by a program administrator:
    /// a job, so the run never waits on one web request.
    MatchingRun {
        run: String,
    },
    /// Publish a run's lists from `page` on; a run too long for one job
    /// goes on in the next.
    MatchingPublish {
        run: String,
        page: u32,
    },
    /// Find an announcement's audience at its time and queue a copy for
    /// each person (an administrator's, scheduled when it was written).
    Announcement {
        id: String,
    },
    /// Send the mail queue at SES's rate, after announcement `id` was
    /// queued; a queue too long for one run goes on in the next round.
    AnnouncementMail {
        id: String,
        round: u32,
    },
    /// Send the applicant the decision on their application, once the
    /// person who decided can no longer undo it. The decision's time is in
    /// the job, so one left from an undone decision does nothing.
    DecisionMail {
        application: ApplicationId,
        decided_at: Timestamp,
    },
    /// Tell the mentor a request was withdrawn, once the mentee can no
    /// longer undo it; one left from an undone withdrawal does nothing.
    WithdrawalMail {
        request: RequestId,
        withdrawn_at: Timestamp,
    },
    /// Tell both sides a mentorship ended, once the side who ended it can
    /// no longer undo that; one left from an undone ending does nothing.
    EndedMail {
        mentorship: MentorshipId,
        ended_at: Timestamp,
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
            Job::QuietCheck { mentorship, on } => {
                format!("ms-{mentorship}-quiet-{}", on.strftime("%Y%m%d"))
            }
            Job::SurveyReminder { mentorship } => format!("ms-{mentorship}-survey"),
            Job::EventReminder { event, date } => format!("ev-{event}-{date}-remind"),
            Job::MatchingRun { run } => format!("matching-run-{run}"),
            Job::MatchingPublish { run, page } => format!("matching-publish-{run}-{page}"),
            Job::Announcement { id } => format!("announce-{id}"),
            Job::AnnouncementMail { id, round } => format!("announce-{id}-send-{round}"),
            Job::DecisionMail { application, .. } => format!("decision-{application}"),
            Job::WithdrawalMail { request, .. } => format!("withdrawal-{request}"),
            Job::EndedMail { mentorship, .. } => format!("ended-{mentorship}"),
            Job::RetryMail => "retry-mail".into(),
        }
    }
}

/// An email held back while its change can still be undone: the job that
/// sends it, when it is due, and the notice the job claims before it reads
/// the record (the undo checks that claim is not there, so the undo and the
/// email never both happen).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeldMail {
    pub job: Job,
    pub due: Timestamp,
    pub notice: String,
}

impl HeldMail {
    fn new(job: Job, changed_at: Timestamp) -> Self {
        HeldMail {
            notice: held_notice(&job, changed_at),
            due: changed_at + UNDO_WITHIN,
            job,
        }
    }
}

/// The notice a held email's job claims: one per change, named after the
/// job and the time of the change, so a job left from an undone change
/// claims a notice nobody else looks at.
pub fn held_notice(job: &Job, changed_at: Timestamp) -> String {
    format!("{}-{}", job.name(), changed_at.as_nanosecond())
}

/// The email telling the applicant of a decision.
pub fn decision_job(app: &Application) -> Option<HeldMail> {
    let decided_at = app.decision.as_ref()?.decided_at;
    let job = Job::DecisionMail {
        application: app.id.clone(),
        decided_at,
    };
    Some(HeldMail::new(job, decided_at))
}

/// The email telling the mentor of a withdrawn request.
pub fn withdrawal_job(r: &MentorshipRequest) -> HeldMail {
    let job = Job::WithdrawalMail {
        request: r.id.clone(),
        withdrawn_at: r.updated_at,
    };
    HeldMail::new(job, r.updated_at)
}

/// The emails telling both sides of a mentorship that a side ended it.
pub fn ended_job(m: &Mentorship) -> Option<HeldMail> {
    let ended_at = m.ended.as_ref()?.at;
    let job = Job::EndedMail {
        mentorship: m.id.clone(),
        ended_at,
    };
    Some(HeldMail::new(job, ended_at))
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

/// The quiet check of a pair last seen on `since`, on the morning it counts
/// as quiet after `weeks`.
pub fn quiet_job(m: &MentorshipId, since: jiff::civil::Date, weeks: u8) -> (Job, Timestamp) {
    let day = crate::checkin::quiet_on(since, weeks);
    let at = jiff::tz::TimeZone::UTC
        .to_timestamp(day.at(QUIET_CHECK_HOUR, 0, 0, 0))
        .unwrap_or(Timestamp::MAX);
    (
        Job::QuietCheck {
            mentorship: m.clone(),
            on: day,
        },
        at,
    )
}

/// The survey reminder of a mentorship that has ended (none while active).
pub fn survey_job(m: &Mentorship) -> Option<(Job, Timestamp)> {
    let ended = m.ended.as_ref()?;
    Some((
        Job::SurveyReminder {
            mentorship: m.id.clone(),
        },
        ended.at + SURVEY_AGAIN_AFTER,
    ))
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

    #[test]
    fn each_quiet_check_is_named_by_its_day_on_the_morning_of_that_day() {
        let m = MentorshipId::from_random([2; 16]);
        let (job, at) = quiet_job(&m, jiff::civil::date(2026, 9, 1), 4);
        assert_eq!(
            job.name(),
            "ms-02020202020202020202020202020202-quiet-20260929"
        );
        assert!(job.name().len() <= 64, "EventBridge Scheduler's limit");
        assert_eq!(at.to_string(), "2026-09-29T14:00:00Z");
        let payload = serde_json::to_value(&job).expect("payload");
        assert_eq!(serde_json::from_value::<Job>(payload).expect("job"), job);
    }
}
