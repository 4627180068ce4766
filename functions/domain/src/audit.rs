//! The append-only record of who did what to which record, and when.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::fields::EmailAddress;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Submitted,
    Edited,
    Resubmitted,
    Rerouted,
    Approved,
    Denied,
    /// The person who decided took the decision back within seconds,
    /// before the applicant was told.
    DecisionUndone,
    AvailabilityChanged,
    RequestSent,
    RequestAccepted,
    RequestDeclined,
    RequestWithdrawn,
    /// The mentee took a withdrawal back within seconds, before the mentor
    /// was told.
    WithdrawalUndone,
    RequestClosed,
    AgreementSaved,
    AgreementConfirmed,
    /// One side marked a goal of the agreement (the note says which and how).
    GoalMarked,
    MentorshipEnded,
    /// The side who ended a mentorship took that back within seconds,
    /// before either was told.
    EndingUndone,
    MeetingDisputed,
    MeetingDisputeWithdrawn,
    DepartmentAdminAdded,
    DepartmentAdminRemoved,
    /// A program administrator made someone a program administrator.
    ProgramAdminAdded,
    /// ... or stopped them being one.
    ProgramAdminRemoved,
    /// A program administrator revoked an application.
    Revoked,
    /// A program administrator paired two people by hand.
    MatchedByAdmin,
    /// A program administrator ended a mentorship.
    EndedByAdmin,
    /// A program administrator recorded that the person left state service.
    LeftService,
    /// The applicant withdrew their application.
    Withdrawn,
    /// An administrator corrected the application's facts.
    Corrected,
    /// The applicant paused, or resumed, their search for a mentor or their
    /// taking new mentees.
    Paused,
    Resumed,
    /// A program administrator added a match group or an event to the calendar.
    CalendarAdded,
    /// ... changed one (the note names what changed).
    CalendarChanged,
    /// ... cancelled an event.
    CalendarCancelled,
    /// A program administrator marked whether someone attended an event.
    AttendanceMarked,
    /// A program administrator changed the program team's contact details.
    ContactChanged,
    /// A program administrator changed a program setting.
    SettingsChanged,
    /// A program administrator added a link for an audience.
    LinkAdded,
    /// ... or removed one.
    LinkRemoved,
    /// A program administrator added a skill to the list people rank.
    SkillAdded,
    /// ... renamed, retired, restored or moved one (the note says which).
    SkillChanged,
    /// A program administrator added a department to the list.
    DepartmentAdded,
    /// ... renamed, retired, restored or moved one, or added or changed one
    /// of its divisions (the note says which).
    DepartmentChanged,
    /// An administrator wrote an announcement, to send now or later (the
    /// note names the audience and the time).
    AnnouncementWritten,
    /// ... cancelled one before it was sent.
    AnnouncementCancelled,
}

impl Action {
    /// Actions whose note is an administrator's reason, in their words:
    /// it may describe the person, so it goes when their data is removed.
    pub fn note_is_a_reason(self) -> bool {
        matches!(
            self,
            Action::Revoked
                | Action::MatchedByAdmin
                | Action::EndedByAdmin
                | Action::LeftService
                | Action::Corrected
        )
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub at: Timestamp,
    pub actor: EmailAddress,
    pub action: Action,
    /// The supervisor an administrator acted for.
    pub on_behalf_of: Option<EmailAddress>,
    /// A short factual note (e.g. "from a@mo.gov to b@mo.gov"); never free text a person typed.
    pub note: Option<String>,
}
