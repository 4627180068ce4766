//! How long the platform keeps records, and what removing a person's data
//! at their request means. The policy, in words, is in `docs/reports.md`.
//!
//! The metrics counters are aggregates without names; they outlive the
//! records they counted.

use jiff::{SignedDuration, Timestamp};

use crate::application::{Application, Role, Status, Supervisor};
use crate::audit::AuditEntry;
use crate::fields::{Bio, EmailAddress, Goals, JobTitle, LongText, PersonName, WorkLocation};
use crate::mentorship::{Meeting, Mentorship, MentorshipRequest, RequestStatus};

const DAY: i64 = 24 * 60 * 60;

/// A denied application is kept a year after the decision, long enough for
/// the applicant to edit and resubmit it.
pub const DENIED_APPLICATION_KEPT: SignedDuration = SignedDuration::from_secs(365 * DAY);
/// A request that did not become a mentorship (declined, withdrawn, closed)
/// is kept a year after it was answered.
pub const UNMATCHED_REQUEST_KEPT: SignedDuration = SignedDuration::from_secs(365 * DAY);
/// An ended mentorship — its meetings, agreement and survey answers — is
/// kept three years after it ended, covering training-credit questions.
pub const ENDED_MENTORSHIP_KEPT: SignedDuration = SignedDuration::from_secs(3 * 365 * DAY);

/// A revoked or withdrawn application is kept a year after it was revoked
/// or withdrawn, like a denied one.
pub const REVOKED_APPLICATION_KEPT: SignedDuration = SignedDuration::from_secs(365 * DAY);

pub fn application_expired(app: &Application, now: Timestamp) -> bool {
    match app.status {
        Status::Denied => app
            .decision
            .as_ref()
            .is_some_and(|d| d.decided_at + DENIED_APPLICATION_KEPT <= now),
        Status::Revoked => app
            .revoked
            .as_ref()
            .is_some_and(|r| r.at + REVOKED_APPLICATION_KEPT <= now),
        Status::Withdrawn => app.updated_at + REVOKED_APPLICATION_KEPT <= now,
        Status::Pending | Status::Approved => false,
    }
}

pub fn request_expired(r: &MentorshipRequest, now: Timestamp) -> bool {
    matches!(
        r.status,
        RequestStatus::Declined | RequestStatus::Withdrawn | RequestStatus::Closed
    ) && r.updated_at + UNMATCHED_REQUEST_KEPT <= now
}

pub fn mentorship_expired(m: &Mentorship, now: Timestamp) -> bool {
    m.ended
        .as_ref()
        .is_some_and(|e| e.at + ENDED_MENTORSHIP_KEPT <= now)
}

/// The domain every stand-in address is in; `.invalid` never delivers mail.
pub const REMOVED_DOMAIN: &str = "removed.invalid";

/// A stand-in for the address of someone whose data was removed: random,
/// so it cannot be traced back to them.
pub fn stand_in(random: [u8; 8]) -> EmailAddress {
    let hex: String = random.iter().map(|b| format!("{b:02x}")).collect();
    EmailAddress::parse(&format!("removed-{hex}@{REMOVED_DOMAIN}"))
        .unwrap_or_else(|_| unreachable!("a fixed, valid address shape"))
}

pub fn is_stand_in(email: &EmailAddress) -> bool {
    email.domain() == REMOVED_DOMAIN
}

/// Why a person's data cannot be removed yet.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ErasureRefused {
    #[error(
        "They are in an active mentorship; it has to end first, so their partner is not left without a word."
    )]
    ActiveMentorship,
    #[error("They have a request waiting for an answer; it has to be answered or withdrawn first.")]
    PendingRequest,
}

fn text<T>(parse: impl Fn(&str) -> Result<T, String>, s: &str) -> T {
    parse(s).unwrap_or_else(|_| unreachable!("fixed text {s:?} is valid"))
}

const REMOVED: &str = "Removed";

impl Application {
    /// The application with everything that identifies its applicant
    /// replaced. Its role, department, status and dates stay: they are
    /// counted in the program's metrics and the partner's records refer to
    /// it. The decision's message, written to the applicant, goes.
    pub fn erased(&self, stand_in: &EmailAddress, now: Timestamp) -> Application {
        let mut details = self.details.clone();
        details.first_name = text(PersonName::parse, "Former");
        details.last_name = text(PersonName::parse, "participant");
        details.phone = None;
        details.job_title = text(JobTitle::parse, REMOVED);
        details.work_location = text(WorkLocation::parse, REMOVED);
        details.supervisor = Supervisor {
            first_name: text(PersonName::parse, REMOVED),
            last_name: text(PersonName::parse, REMOVED),
            email: stand_in.clone(),
        };
        details.bio = text(Bio::parse, "Removed at the person's request.");
        details.goals = (self.role == Role::Mentee)
            .then(|| text(Goals::parse, "Removed at the person's request."));
        details.prior_mentees = Vec::new();
        let decision = self.decision.clone().map(|mut d| {
            d.message = None;
            d
        });
        let revoked = self.revoked.clone().map(|mut r| {
            r.reason = LongText::erased();
            r
        });
        Application {
            applicant: stand_in.clone(),
            details,
            decision,
            revoked,
            updated_at: now,
            version: self.version + 1,
            ..self.clone()
        }
    }
}

fn swap(email: &mut EmailAddress, person: &EmailAddress, stand_in: &EmailAddress) {
    if email == person {
        *email = stand_in.clone();
    }
}

impl MentorshipRequest {
    /// The request with `person` replaced by the stand-in, and what they
    /// wrote removed: the mentee's note, the mentor's reason for declining.
    pub fn erased(&self, person: &EmailAddress, stand_in: &EmailAddress) -> MentorshipRequest {
        let mut r = self.clone();
        if r.mentee == *person {
            r.message = None;
        }
        if r.mentor == *person && r.status == RequestStatus::Declined {
            r.reason = None;
        }
        swap(&mut r.mentee, person, stand_in);
        swap(&mut r.mentor, person, stand_in);
        r
    }
}

impl Mentorship {
    /// The mentorship with `person` replaced by the stand-in. The partner
    /// keeps the record of their meetings; the agreement, written together,
    /// goes, and so does the reason for ending if the person (or an
    /// administrator) wrote it.
    pub fn erased(&self, person: &EmailAddress, stand_in: &EmailAddress) -> Mentorship {
        let mut m = self.clone();
        swap(&mut m.mentee, person, stand_in);
        swap(&mut m.mentor, person, stand_in);
        if let Some(ending) = &mut m.ended {
            // An administrator's reason may describe either of the two.
            let by_admin = self.role_of(&ending.by).is_none();
            if ending.by == *person || by_admin {
                ending.reason = LongText::erased();
            }
            swap(&mut ending.by, person, stand_in);
        }
        m.agreement = None;
        m.version += 1;
        m
    }
}

impl Meeting {
    /// The meeting with `person` replaced; a topic they wrote goes.
    pub fn erased(&self, person: &EmailAddress, stand_in: &EmailAddress) -> Meeting {
        let mut meeting = self.clone();
        if meeting.logged_by == *person {
            meeting.topic = None;
        }
        swap(&mut meeting.logged_by, person, stand_in);
        if let Some(dispute) = &mut meeting.disputed {
            swap(&mut dispute.by, person, stand_in);
        }
        meeting
    }
}

impl AuditEntry {
    pub fn erased(&self, person: &EmailAddress, stand_in: &EmailAddress) -> AuditEntry {
        let mut e = self.clone();
        swap(&mut e.actor, person, stand_in);
        if let Some(whom) = &mut e.on_behalf_of {
            swap(whom, person, stand_in);
        }
        if e.action.note_is_a_reason()
            || e.note
                .as_deref()
                .is_some_and(|n| n.contains(person.as_str()))
        {
            e.note = None;
        }
        e
    }
}
