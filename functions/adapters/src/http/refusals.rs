//! The program's refusals as answers: who may not do something is told 403,
//! what cannot be done in the record's present state 409, a bad value 422.
//! Each refusal's text is the domain's, written for the person.

use moments_domain::application::{
    ChangeRefused, CorrectionRefused, DecisionRefused, RevokeRefused, UndoRefused,
};
use moments_domain::form::FieldErrors;
use moments_domain::goals::GoalRefused;
use moments_domain::kept::ListRefusal;
use moments_domain::mentorship::{
    DisputeRefused, MatchRefused, MeetingRefused, MentorshipRefused, RespondRefused, SelectRefused,
};
use moments_domain::retention::ErasureRefused;

use super::ApiError;

impl From<ChangeRefused> for ApiError {
    fn from(e: ChangeRefused) -> Self {
        match e {
            ChangeRefused::NotApplicant => ApiError::Forbidden(e.to_string()),
            ChangeRefused::NotPending(_) | ChangeRefused::NotWithdrawable(_) => {
                ApiError::Conflict(e.to_string())
            }
            ChangeRefused::SameSupervisor => {
                ApiError::Invalid(FieldErrors::single("supervisor_email", e.to_string()))
            }
        }
    }
}

impl From<DecisionRefused> for ApiError {
    fn from(e: DecisionRefused) -> Self {
        match e {
            DecisionRefused::OwnApplication | DecisionRefused::NoAuthority => {
                ApiError::Forbidden(e.to_string())
            }
            DecisionRefused::AlreadyDecided(_) => ApiError::Conflict(e.to_string()),
        }
    }
}

impl From<UndoRefused> for ApiError {
    fn from(e: UndoRefused) -> Self {
        match e {
            UndoRefused::NotTheDecider => ApiError::Forbidden(e.to_string()),
            UndoRefused::NothingToUndo(_) | UndoRefused::TooLate => {
                ApiError::Conflict(e.to_string())
            }
        }
    }
}

/// Every reason not to send a request is about the people's state.
impl From<SelectRefused> for ApiError {
    fn from(e: SelectRefused) -> Self {
        ApiError::Conflict(e.to_string())
    }
}

impl From<RespondRefused> for ApiError {
    fn from(e: RespondRefused) -> Self {
        match e {
            RespondRefused::NotTheMentor | RespondRefused::NotTheMentee => {
                ApiError::Forbidden(e.to_string())
            }
            _ => ApiError::Conflict(e.to_string()),
        }
    }
}

impl From<MentorshipRefused> for ApiError {
    fn from(e: MentorshipRefused) -> Self {
        match e {
            MentorshipRefused::NotInIt
            | MentorshipRefused::NotProgramAdmin
            | MentorshipRefused::NotTheEnder => ApiError::Forbidden(e.to_string()),
            _ => ApiError::Conflict(e.to_string()),
        }
    }
}

impl From<GoalRefused> for ApiError {
    fn from(e: GoalRefused) -> Self {
        match e {
            GoalRefused::Mentorship(m) => m.into(),
            GoalRefused::NoSuchGoal(_) => ApiError::NotFound("goal"),
        }
    }
}

impl From<MeetingRefused> for ApiError {
    fn from(e: MeetingRefused) -> Self {
        match e {
            MeetingRefused::Mentorship(m) => m.into(),
            MeetingRefused::Date(msg) => FieldErrors::single("date", msg).into(),
            MeetingRefused::Minutes(msg) => FieldErrors::single("minutes", msg).into(),
        }
    }
}

impl From<moments_domain::next_meeting::PlanRefused> for ApiError {
    fn from(e: moments_domain::next_meeting::PlanRefused) -> Self {
        use moments_domain::next_meeting::PlanRefused as R;
        match e {
            R::When(msg) => FieldErrors::single("date", msg).into(),
            R::Length(msg) => FieldErrors::single("minutes", msg).into(),
            R::Overlaps(_) => FieldErrors::single("start", e.to_string()).into(),
            _ => ApiError::Conflict(e.to_string()),
        }
    }
}

impl From<DisputeRefused> for ApiError {
    fn from(e: DisputeRefused) -> Self {
        match e {
            DisputeRefused::Mentorship(m) => m.into(),
            DisputeRefused::OwnEntry => ApiError::Forbidden(e.to_string()),
        }
    }
}

impl From<ErasureRefused> for ApiError {
    fn from(e: ErasureRefused) -> Self {
        ApiError::Conflict(e.to_string())
    }
}

impl From<RevokeRefused> for ApiError {
    fn from(e: RevokeRefused) -> Self {
        match e {
            RevokeRefused::NotProgramAdmin | RevokeRefused::OwnApplication => {
                ApiError::Forbidden(e.to_string())
            }
            RevokeRefused::NotRevocable(_) => ApiError::Conflict(e.to_string()),
        }
    }
}

/// A match by hand: who may not is told 403; the two people's state, 409.
impl From<MatchRefused> for ApiError {
    fn from(e: MatchRefused) -> Self {
        match e {
            MatchRefused::NotProgramAdmin | MatchRefused::OwnMatch => {
                ApiError::Forbidden(e.to_string())
            }
            _ => ApiError::Conflict(e.to_string()),
        }
    }
}

impl From<CorrectionRefused> for ApiError {
    fn from(e: CorrectionRefused) -> Self {
        match e {
            CorrectionRefused::NoAuthority | CorrectionRefused::OwnApplication => {
                ApiError::Forbidden(e.to_string())
            }
            CorrectionRefused::NothingChanged => ApiError::Conflict(e.to_string()),
        }
    }
}

/// A name in use is the name field's problem; too few skills left, or a
/// full list, is the list's state.
impl From<ListRefusal> for ApiError {
    fn from(e: ListRefusal) -> Self {
        match e {
            ListRefusal::Unknown(what) => ApiError::NotFound(what),
            ListRefusal::Name(problem) => ApiError::Invalid(FieldErrors::single("name", problem)),
            ListRefusal::Full(_) | ListRefusal::LastOpen(_) => ApiError::Conflict(e.to_string()),
        }
    }
}
