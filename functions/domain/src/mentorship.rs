//! Requests and mentorships: "Select as Mentor", the mentor's answer, the
//! capacity of two on each side, the agreement, the meeting log, the end.

use jiff::Timestamp;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::application::{Application, ApplicationId, Role, Status, UNDO_WITHIN};
use crate::calendar::CalendarId;
use crate::fields::{DepartmentId, DivisionId, EmailAddress, LongText, Note};
use crate::goals::{GoalProgress, GoalTally};
use crate::ids::hex_id;
use crate::kind::MentorshipKind;

/// Most active mentorships a mentee, or a mentor, can have at once.
pub const MAX_ACTIVE: u32 = 2;

hex_id!(
    /// A "Select as Mentor" request.
    RequestId,
    "request"
);
hex_id!(
    /// A mentorship.
    MentorshipId,
    "mentorship"
);
hex_id!(
    /// A logged meeting.
    MeetingId,
    "meeting"
);

/// What sits beside an application in the store: how many active
/// mentorships it has, and (mentors) whether it takes new mentees.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Capacity {
    pub active: u32,
    pub available: bool,
}

impl Default for Capacity {
    fn default() -> Self {
        Capacity {
            active: 0,
            available: true,
        }
    }
}

impl Capacity {
    pub fn has_room(self) -> bool {
        self.active < MAX_ACTIVE
    }
}

/// Listed mentors are the ones mentees can find and be suggested: approved,
/// available, and with room for another mentee.
pub fn is_listed(app: &Application, capacity: Capacity) -> bool {
    app.role == Role::Mentor
        && app.status == Status::Approved
        && capacity.available
        && capacity.has_room()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RequestStatus {
    Pending,
    Accepted,
    Declined,
    Withdrawn,
    /// Closed by the program: one side reached two mentorships.
    Closed,
}

impl RequestStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            RequestStatus::Pending => "pending",
            RequestStatus::Accepted => "accepted",
            RequestStatus::Declined => "declined",
            RequestStatus::Withdrawn => "withdrawn",
            RequestStatus::Closed => "closed",
        }
    }
}

/// Where a request, and the mentorship it may become, count in the program's
/// metrics: both sides' departments when the mentee asked, and when the
/// mentee was approved. Kept with the record so that later changes to an
/// application move nothing already counted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counted {
    pub mentee_department: DepartmentId,
    pub mentor_department: DepartmentId,
    /// Each side's division, where they had one when the pair was counted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mentee_division: Option<DivisionId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mentor_division: Option<DivisionId>,
    pub mentee_approved_at: Timestamp,
    /// The mentee application's match group: a pair, its meetings and its
    /// survey answers count with the mentee's group.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub match_group: Option<CalendarId>,
    /// How the agreement's goals stood when the mentorship ended (none
    /// while active, or without an agreement); kept here so that the
    /// figures stay as counted even if the agreement is later erased.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub goals: Option<GoalTally>,
    /// The kind the agreement records (none before an agreement, or for
    /// agreements written before the kind was asked); kept here, as the
    /// goals are, so that the figures outlive the agreement's erasure.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<MentorshipKind>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MentorshipRequest {
    pub id: RequestId,
    pub mentee: EmailAddress,
    pub mentor: EmailAddress,
    pub mentee_application: ApplicationId,
    pub mentor_application: ApplicationId,
    pub message: Option<Note>,
    pub status: RequestStatus,
    /// Why it was declined or closed.
    pub reason: Option<String>,
    pub mentorship: Option<MentorshipId>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    pub counted: Counted,
}

/// Why "Select as Mentor" was refused. The texts are shown to the mentee.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SelectRefused {
    #[error("Only mentees whose application has been approved can select a mentor.")]
    MenteeNotApproved,
    #[error("You already have two active mentors, the most the program allows at once.")]
    MenteeFull,
    #[error(
        "You have paused your search for a mentor. Resume it from My applications to send requests."
    )]
    MenteePaused,
    #[error("You already have a pending request or an active mentorship with this mentor.")]
    AlreadyPaired,
    #[error("You cannot select yourself as your mentor.")]
    SelfSelect,
    #[error(
        "Your supervisor cannot also be your mentor in the program; please choose someone else."
    )]
    OwnSupervisor,
    #[error("This person is not an approved mentor.")]
    MentorNotApproved,
    #[error("This mentor is not taking new mentees at the moment.")]
    MentorUnavailable,
    #[error("This mentor already has two mentees, the most the program allows at once.")]
    MentorFull,
}

/// The two applications a request joins, with their capacities.
pub struct Sides<'a> {
    pub mentee: Option<(&'a Application, Capacity)>,
    pub mentor: (&'a Application, Capacity),
}

/// Check that `caller` may ask this mentor, without making anything.
pub fn may_select(
    caller: &EmailAddress,
    sides: &Sides<'_>,
    already_paired: bool,
) -> Result<(), SelectRefused> {
    let (mentor, mentor_capacity) = sides.mentor;
    if mentor.role != Role::Mentor || mentor.status != Status::Approved {
        return Err(SelectRefused::MentorNotApproved);
    }
    if &mentor.applicant == caller {
        return Err(SelectRefused::SelfSelect);
    }
    let Some((mentee, mentee_capacity)) = sides.mentee else {
        return Err(SelectRefused::MenteeNotApproved);
    };
    if mentee.role != Role::Mentee
        || mentee.status != Status::Approved
        || &mentee.applicant != caller
    {
        return Err(SelectRefused::MenteeNotApproved);
    }
    if mentee.supervisor() == &mentor.applicant {
        return Err(SelectRefused::OwnSupervisor);
    }
    if !mentee_capacity.has_room() {
        return Err(SelectRefused::MenteeFull);
    }
    if !mentee_capacity.available {
        return Err(SelectRefused::MenteePaused);
    }
    if already_paired {
        return Err(SelectRefused::AlreadyPaired);
    }
    if !mentor_capacity.has_room() {
        return Err(SelectRefused::MentorFull);
    }
    if !mentor_capacity.available {
        return Err(SelectRefused::MentorUnavailable);
    }
    Ok(())
}

/// "Select as Mentor": a pending request from the caller's approved mentee
/// application to an approved, available mentor with room.
pub fn select(
    caller: &EmailAddress,
    sides: &Sides<'_>,
    already_paired: bool,
    id: RequestId,
    message: Option<Note>,
    now: Timestamp,
) -> Result<MentorshipRequest, SelectRefused> {
    may_select(caller, sides, already_paired)?;
    let (mentor, _) = sides.mentor;
    let (mentee, _) = sides.mentee.ok_or(SelectRefused::MenteeNotApproved)?;
    let mentee_approved_at = mentee
        .decision
        .as_ref()
        .map(|d| d.decided_at)
        .ok_or(SelectRefused::MenteeNotApproved)?;
    Ok(MentorshipRequest {
        id,
        mentee: mentee.applicant.clone(),
        mentor: mentor.applicant.clone(),
        mentee_application: mentee.id.clone(),
        mentor_application: mentor.id.clone(),
        message,
        status: RequestStatus::Pending,
        reason: None,
        mentorship: None,
        created_at: now,
        updated_at: now,
        counted: Counted {
            mentee_department: mentee.details.department.clone(),
            mentor_department: mentor.details.department.clone(),
            mentee_division: mentee.details.division.clone(),
            mentor_division: mentor.details.division.clone(),
            mentee_approved_at,
            match_group: mentee.match_group.clone(),
            goals: None,
            kind: None,
        },
    })
}

/// Why a program administrator's match by hand was refused. The texts are
/// shown to the administrator.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MatchRefused {
    #[error("Only program administrators can match people by hand.")]
    NotProgramAdmin,
    #[error("{0} has no approved mentee application.")]
    MenteeNotApproved(EmailAddress),
    #[error("{0} has no approved mentor application.")]
    MentorNotApproved(EmailAddress),
    #[error("A person cannot be their own mentor.")]
    SamePerson,
    #[error("{0} is the mentee's supervisor, who cannot also be their mentor in the program.")]
    OwnSupervisor(EmailAddress),
    #[error("{0} already has two active mentors, the most the program allows at once.")]
    MenteeFull(EmailAddress),
    #[error("{0} already has two active mentees, the most the program allows at once.")]
    MentorFull(EmailAddress),
    #[error("{0} has paused their search for a mentor; they can resume it from My applications.")]
    MenteePaused(EmailAddress),
    #[error(
        "These two already have an active mentorship or a request waiting for the mentor's answer; the mentor can accept the request."
    )]
    AlreadyPaired,
    #[error("You cannot match yourself.")]
    OwnMatch,
}

/// A program administrator pairs an approved mentee with an approved mentor
/// by hand, under the program's rules (two places each, no self, not the
/// mentee's own supervisor, not a current pair). The mentor's availability
/// is not a rule here: the team asks the mentor first. The result is an
/// accepted request and the mentorship it started, as if the mentee had
/// asked and the mentor accepted.
pub fn match_by_hand(
    admin: &crate::access::Actor,
    mentee: (&Application, Capacity),
    mentor: (&Application, Capacity),
    already_paired: bool,
    ids: (RequestId, MentorshipId),
    now: Timestamp,
) -> Result<(MentorshipRequest, Mentorship), MatchRefused> {
    let ((mentee, mentee_capacity), (mentor, mentor_capacity)) = (mentee, mentor);
    if !admin.program_admin {
        return Err(MatchRefused::NotProgramAdmin);
    }
    if mentee.role != Role::Mentee || mentee.status != Status::Approved {
        return Err(MatchRefused::MenteeNotApproved(mentee.applicant.clone()));
    }
    if mentor.role != Role::Mentor || mentor.status != Status::Approved {
        return Err(MatchRefused::MentorNotApproved(mentor.applicant.clone()));
    }
    if mentee.applicant == mentor.applicant {
        return Err(MatchRefused::SamePerson);
    }
    if admin.email == mentee.applicant || admin.email == mentor.applicant {
        return Err(MatchRefused::OwnMatch);
    }
    if mentee.supervisor() == &mentor.applicant {
        return Err(MatchRefused::OwnSupervisor(mentor.applicant.clone()));
    }
    if already_paired {
        return Err(MatchRefused::AlreadyPaired);
    }
    if !mentee_capacity.has_room() {
        return Err(MatchRefused::MenteeFull(mentee.applicant.clone()));
    }
    if !mentee_capacity.available {
        return Err(MatchRefused::MenteePaused(mentee.applicant.clone()));
    }
    if !mentor_capacity.has_room() {
        return Err(MatchRefused::MentorFull(mentor.applicant.clone()));
    }
    let mentee_approved_at = mentee
        .decision
        .as_ref()
        .map(|d| d.decided_at)
        .ok_or_else(|| MatchRefused::MenteeNotApproved(mentee.applicant.clone()))?;
    let (request_id, mentorship_id) = ids;
    let request = MentorshipRequest {
        id: request_id,
        mentee: mentee.applicant.clone(),
        mentor: mentor.applicant.clone(),
        mentee_application: mentee.id.clone(),
        mentor_application: mentor.id.clone(),
        message: None,
        status: RequestStatus::Accepted,
        reason: None,
        mentorship: Some(mentorship_id.clone()),
        created_at: now,
        updated_at: now,
        counted: Counted {
            mentee_department: mentee.details.department.clone(),
            mentor_department: mentor.details.department.clone(),
            mentee_division: mentee.details.division.clone(),
            mentor_division: mentor.details.division.clone(),
            mentee_approved_at,
            match_group: mentee.match_group.clone(),
            goals: None,
            kind: None,
        },
    };
    let mentorship = request.started(mentorship_id, now);
    Ok((request, mentorship))
}

/// Why an answer to a request was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RespondRefused {
    #[error("Only the mentor who was asked can answer this request.")]
    NotTheMentor,
    #[error("Only the mentee who sent this request can withdraw it.")]
    NotTheMentee,
    #[error("This request is no longer pending: it was {0}.")]
    NotPending(&'static str),
    #[error("You already have two active mentees, the most the program allows at once.")]
    MentorFull,
    #[error("This mentee already has two active mentors, the most the program allows at once.")]
    MenteeFull,
    /// Only a withdrawal can be undone.
    #[error("This request was not withdrawn: it is {0}.")]
    NotWithdrawn(&'static str),
    #[error(
        "A withdrawal can be undone for 10 seconds after it is made; the mentor has been told of this one. Send the mentor a new request instead."
    )]
    TooLateToUndo,
}

pub const CLOSED_MENTOR_FULL: &str =
    "The mentor now has two mentees, the most the program allows at once.";
pub const CLOSED_MENTEE_FULL: &str =
    "You now have two mentors, the most the program allows at once.";

impl MentorshipRequest {
    fn pending(&self) -> Result<(), RespondRefused> {
        match self.status {
            RequestStatus::Pending => Ok(()),
            other => Err(RespondRefused::NotPending(other.as_str())),
        }
    }

    fn with(
        &self,
        status: RequestStatus,
        reason: Option<String>,
        now: Timestamp,
    ) -> MentorshipRequest {
        MentorshipRequest {
            status,
            reason,
            updated_at: now,
            ..self.clone()
        }
    }

    /// The mentor accepts: the pair is matched if both still have room.
    pub fn accept(
        &self,
        actor: &EmailAddress,
        mentor: Capacity,
        mentee: Capacity,
        id: MentorshipId,
        now: Timestamp,
    ) -> Result<(MentorshipRequest, Mentorship), RespondRefused> {
        if actor != &self.mentor {
            return Err(RespondRefused::NotTheMentor);
        }
        self.pending()?;
        if !mentor.has_room() {
            return Err(RespondRefused::MentorFull);
        }
        if !mentee.has_room() {
            return Err(RespondRefused::MenteeFull);
        }
        let mut accepted = self.with(RequestStatus::Accepted, None, now);
        accepted.mentorship = Some(id.clone());
        let mentorship = accepted.started(id, now);
        Ok((accepted, mentorship))
    }

    /// The mentorship an accepted request starts.
    fn started(&self, id: MentorshipId, now: Timestamp) -> Mentorship {
        Mentorship {
            id,
            request: self.id.clone(),
            mentee: self.mentee.clone(),
            mentor: self.mentor.clone(),
            mentee_application: self.mentee_application.clone(),
            mentor_application: self.mentor_application.clone(),
            status: MentorshipStatus::Active,
            started_at: now,
            ended: None,
            agreement: None,
            version: 1,
            counted: self.counted.clone(),
        }
    }

    pub fn decline(
        &self,
        actor: &EmailAddress,
        reason: Option<Note>,
        now: Timestamp,
    ) -> Result<MentorshipRequest, RespondRefused> {
        if actor != &self.mentor {
            return Err(RespondRefused::NotTheMentor);
        }
        self.pending()?;
        Ok(self.with(RequestStatus::Declined, reason.map(String::from), now))
    }

    pub fn withdraw(
        &self,
        actor: &EmailAddress,
        now: Timestamp,
    ) -> Result<MentorshipRequest, RespondRefused> {
        if actor != &self.mentee {
            return Err(RespondRefused::NotTheMentee);
        }
        self.pending()?;
        Ok(self.with(RequestStatus::Withdrawn, None, now))
    }

    /// The mentee takes back a withdrawal within [`UNDO_WITHIN`], before the
    /// mentor is told: the request waits for an answer again.
    pub fn undo_withdraw(
        &self,
        actor: &EmailAddress,
        now: Timestamp,
    ) -> Result<MentorshipRequest, RespondRefused> {
        if actor != &self.mentee {
            return Err(RespondRefused::NotTheMentee);
        }
        if self.status != RequestStatus::Withdrawn {
            return Err(RespondRefused::NotWithdrawn(self.status.as_str()));
        }
        if now > self.updated_at + UNDO_WITHIN {
            return Err(RespondRefused::TooLateToUndo);
        }
        Ok(self.with(RequestStatus::Pending, None, now))
    }

    /// The program closes a pending request one side no longer has room for.
    pub fn close(&self, reason: &str, now: Timestamp) -> Result<MentorshipRequest, RespondRefused> {
        self.pending()?;
        Ok(self.with(RequestStatus::Closed, Some(reason.to_string()), now))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MentorshipStatus {
    Active,
    Completed,
    Discontinued,
}

impl MentorshipStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            MentorshipStatus::Active => "active",
            MentorshipStatus::Completed => "completed",
            MentorshipStatus::Discontinued => "discontinued",
        }
    }
    pub fn parse_outcome(raw: &str) -> Result<MentorshipStatus, String> {
        match raw.trim() {
            "completed" => Ok(MentorshipStatus::Completed),
            "discontinued" => Ok(MentorshipStatus::Discontinued),
            _ => Err("Choose completed or discontinued.".into()),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ending {
    pub at: Timestamp,
    pub by: EmailAddress,
    pub reason: LongText,
}

/// The optional agreement a pair writes together. Saving it confirms it for
/// the one who saved; the other confirms the same version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Agreement {
    /// Committed or flash; none on agreements written before it was asked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<MentorshipKind>,
    pub goals: LongText,
    pub steps: Option<LongText>,
    pub schedule: Option<LongText>,
    pub end_date: Option<Date>,
    pub off_limits: Option<LongText>,
    pub version: u32,
    pub confirmed_by_mentee: bool,
    pub confirmed_by_mentor: bool,
    pub updated_by: EmailAddress,
    pub updated_at: Timestamp,
    /// The last mark on each goal (see [`crate::goals`]); marking a goal
    /// changes neither the version nor the confirmations.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub progress: Vec<GoalProgress>,
}

/// What a person writes in the agreement form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgreementDraft {
    pub kind: MentorshipKind,
    pub goals: LongText,
    pub steps: Option<LongText>,
    pub schedule: Option<LongText>,
    pub end_date: Option<Date>,
    pub off_limits: Option<LongText>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mentorship {
    pub id: MentorshipId,
    pub request: RequestId,
    pub mentee: EmailAddress,
    pub mentor: EmailAddress,
    pub mentee_application: ApplicationId,
    pub mentor_application: ApplicationId,
    pub status: MentorshipStatus,
    pub started_at: Timestamp,
    pub ended: Option<Ending>,
    pub agreement: Option<Agreement>,
    /// Bumped by every change, for conditional writes.
    pub version: u64,
    pub counted: Counted,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MentorshipRefused {
    #[error("Only the mentee and the mentor of this mentorship can do that.")]
    NotInIt,
    #[error("This mentorship has ended; it can no longer be changed.")]
    Ended,
    #[error("Only program administrators can end other people's mentorships.")]
    NotProgramAdmin,
    #[error("There is no agreement to confirm yet.")]
    NoAgreement,
    #[error("The agreement changed since you read it; read the new version before confirming.")]
    AgreementChanged,
    #[error("Only the person who ended this mentorship can undo that.")]
    NotTheEnder,
    #[error("This mentorship is active; there is no ending to undo.")]
    NotEnded,
    #[error(
        "An ending can be undone for 10 seconds after it is made; you have both been told of this one. Ask a program administrator to pair you again."
    )]
    TooLateToUndo,
}

/// Longest meeting that can be logged at once: a working day.
pub const MAX_MEETING_MINUTES: u32 = 8 * 60;

/// Training credit one pair can log for one calendar day, all its meetings
/// and both sides together: a working day, however many entries.
pub const MAX_DAY_MINUTES: u32 = 8 * 60;

/// The other side says a logged meeting did not happen as logged. The
/// entry stays (neither side can delete the other's record) and is marked
/// in the hours export, for whoever grants the training credit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dispute {
    pub by: EmailAddress,
    pub at: Timestamp,
}

/// What a person enters to log a meeting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MeetingDraft {
    pub date: Date,
    pub minutes: u32,
    pub topic: Option<Note>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Meeting {
    pub id: MeetingId,
    pub date: Date,
    pub minutes: u32,
    pub topic: Option<Note>,
    pub logged_by: EmailAddress,
    pub logged_at: Timestamp,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disputed: Option<Dispute>,
}

impl Mentorship {
    pub fn role_of(&self, email: &EmailAddress) -> Option<Role> {
        if email == &self.mentee {
            Some(Role::Mentee)
        } else if email == &self.mentor {
            Some(Role::Mentor)
        } else {
            None
        }
    }

    pub fn partner_of(&self, email: &EmailAddress) -> Option<&EmailAddress> {
        match self.role_of(email)? {
            Role::Mentee => Some(&self.mentor),
            Role::Mentor => Some(&self.mentee),
        }
    }

    pub fn active_member(&self, actor: &EmailAddress) -> Result<Role, MentorshipRefused> {
        let role = self.role_of(actor).ok_or(MentorshipRefused::NotInIt)?;
        if self.status != MentorshipStatus::Active {
            return Err(MentorshipRefused::Ended);
        }
        Ok(role)
    }

    pub fn set_agreement(
        &self,
        actor: &EmailAddress,
        draft: AgreementDraft,
        now: Timestamp,
    ) -> Result<Mentorship, MentorshipRefused> {
        let role = self.active_member(actor)?;
        let version = self.agreement.as_ref().map_or(1, |a| a.version + 1);
        let progress = self
            .agreement
            .as_ref()
            .map(|a| a.progress_kept(draft.goals.as_str()))
            .unwrap_or_default();
        let mut counted = self.counted.clone();
        counted.kind = Some(draft.kind);
        Ok(Mentorship {
            agreement: Some(Agreement {
                kind: Some(draft.kind),
                goals: draft.goals,
                steps: draft.steps,
                schedule: draft.schedule,
                end_date: draft.end_date,
                off_limits: draft.off_limits,
                version,
                confirmed_by_mentee: role == Role::Mentee,
                confirmed_by_mentor: role == Role::Mentor,
                updated_by: actor.clone(),
                updated_at: now,
                progress,
            }),
            counted,
            version: self.version + 1,
            ..self.clone()
        })
    }

    pub fn confirm_agreement(
        &self,
        actor: &EmailAddress,
        version: u32,
    ) -> Result<Mentorship, MentorshipRefused> {
        let role = self.active_member(actor)?;
        let mut agreement = self
            .agreement
            .clone()
            .ok_or(MentorshipRefused::NoAgreement)?;
        if agreement.version != version {
            return Err(MentorshipRefused::AgreementChanged);
        }
        match role {
            Role::Mentee => agreement.confirmed_by_mentee = true,
            Role::Mentor => agreement.confirmed_by_mentor = true,
        }
        Ok(Mentorship {
            agreement: Some(agreement),
            version: self.version + 1,
            ..self.clone()
        })
    }

    /// A meeting to log: only while active, dated between the match and
    /// today, and within the day's credit given the `logged_that_day`
    /// minutes the pair has already logged for its date.
    pub fn log_meeting(
        &self,
        actor: &EmailAddress,
        id: MeetingId,
        draft: MeetingDraft,
        logged_that_day: u32,
        now: Timestamp,
        today: Date,
    ) -> Result<Meeting, MeetingRefused> {
        let MeetingDraft {
            date,
            minutes,
            topic,
        } = draft;
        self.active_member(actor)
            .map_err(MeetingRefused::Mentorship)?;
        let matched_on = jiff::tz::TimeZone::UTC.to_datetime(self.started_at).date();
        if date > today {
            return Err(MeetingRefused::Date(
                "Log meetings once they have happened; this date is in the future.".into(),
            ));
        }
        // A day's grace: the match time is in UTC, the person's calendar may not be.
        if date < matched_on.yesterday().unwrap_or(matched_on) {
            return Err(MeetingRefused::Date(
                "This date is before you were matched.".into(),
            ));
        }
        if minutes == 0 || minutes > MAX_MEETING_MINUTES {
            return Err(MeetingRefused::Minutes(format!(
                "Enter the meeting's length in minutes, from 1 to {MAX_MEETING_MINUTES}."
            )));
        }
        let room = MAX_DAY_MINUTES.saturating_sub(logged_that_day);
        if minutes > room {
            return Err(MeetingRefused::Minutes(day_full_message(date, room)));
        }
        Ok(Meeting {
            id,
            date,
            minutes,
            topic,
            logged_by: actor.clone(),
            logged_at: now,
            disputed: None,
        })
    }

    /// One side disputes a meeting the other logged, or takes the dispute
    /// back. Either may do so while the mentorship lasts and after it ends,
    /// when credit is usually claimed.
    pub fn dispute(
        &self,
        actor: &EmailAddress,
        meeting: &Meeting,
        disputed: bool,
        now: Timestamp,
    ) -> Result<Meeting, DisputeRefused> {
        self.role_of(actor)
            .ok_or(DisputeRefused::Mentorship(MentorshipRefused::NotInIt))?;
        if &meeting.logged_by == actor {
            return Err(DisputeRefused::OwnEntry);
        }
        Ok(Meeting {
            disputed: disputed.then(|| Dispute {
                by: actor.clone(),
                at: now,
            }),
            ..meeting.clone()
        })
    }

    /// A program administrator ends an active mentorship as discontinued
    /// (someone left, a pair fell apart), with their reason.
    pub fn end_by_admin(
        &self,
        admin: &crate::access::Actor,
        reason: LongText,
        now: Timestamp,
    ) -> Result<Mentorship, MentorshipRefused> {
        if !admin.program_admin {
            return Err(MentorshipRefused::NotProgramAdmin);
        }
        if self.status != MentorshipStatus::Active {
            return Err(MentorshipRefused::Ended);
        }
        Ok(self.ended(
            MentorshipStatus::Discontinued,
            Ending {
                at: now,
                by: admin.email.clone(),
                reason,
            },
        ))
    }

    /// Either side ends the mentorship, completed or discontinued.
    pub fn end(
        &self,
        actor: &EmailAddress,
        outcome: MentorshipStatus,
        reason: LongText,
        now: Timestamp,
    ) -> Result<Mentorship, MentorshipRefused> {
        self.active_member(actor)?;
        let status = if outcome == MentorshipStatus::Active {
            MentorshipStatus::Completed
        } else {
            outcome
        };
        Ok(self.ended(
            status,
            Ending {
                at: now,
                by: actor.clone(),
                reason,
            },
        ))
    }

    /// The side who ended the mentorship takes it back within
    /// [`UNDO_WITHIN`], before either is told: it goes on as before.
    pub fn undo_end(
        &self,
        actor: &EmailAddress,
        now: Timestamp,
    ) -> Result<Mentorship, MentorshipRefused> {
        if actor != &self.mentee && actor != &self.mentor {
            return Err(MentorshipRefused::NotInIt);
        }
        let Some(ending) = self
            .ended
            .as_ref()
            .filter(|_| self.status != MentorshipStatus::Active)
        else {
            return Err(MentorshipRefused::NotEnded);
        };
        if &ending.by != actor {
            return Err(MentorshipRefused::NotTheEnder);
        }
        if now > ending.at + UNDO_WITHIN {
            return Err(MentorshipRefused::TooLateToUndo);
        }
        let mut m = self.clone();
        m.counted.goals = None;
        Ok(Mentorship {
            status: MentorshipStatus::Active,
            ended: None,
            version: self.version + 1,
            ..m
        })
    }

    /// The mentorship ended, with how its goals stood kept for the figures.
    fn ended(&self, status: MentorshipStatus, ending: Ending) -> Mentorship {
        let mut m = self.clone();
        m.counted.goals = self.agreement.as_ref().map(Agreement::goal_tally);
        Mentorship {
            status,
            ended: Some(ending),
            version: self.version + 1,
            ..m
        }
    }
}

/// What to say when a day's credit is used up (or nearly).
pub fn day_full_message(date: Date, room: u32) -> String {
    let left = if room == 0 {
        "none is left".to_string()
    } else {
        format!("{} h {:02} min is left", room / 60, room % 60)
    };
    format!(
        "At most {} hours a day count as training credit, and for {date} {left}. \
         Enter a shorter time, or log the meeting on the day it happened.",
        MAX_DAY_MINUTES / 60
    )
}

/// Why a dispute was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DisputeRefused {
    #[error(transparent)]
    Mentorship(MentorshipRefused),
    #[error(
        "You logged this meeting yourself; only the other side of the mentorship can dispute it."
    )]
    OwnEntry,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MeetingRefused {
    #[error(transparent)]
    Mentorship(MentorshipRefused),
    #[error("{0}")]
    Date(String),
    #[error("{0}")]
    Minutes(String),
}
