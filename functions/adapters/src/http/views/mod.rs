//! How records look in API answers (see docs/api.md). Each answer is one
//! type here or in its function's crate, built from the domain's records;
//! the same type describes the answer in the OpenAPI document.

mod application;
mod mentorship;

pub use application::{ApplicationView, DecisionView, SupervisorView};
pub use mentorship::{
    AgreementView, MatchedPersonView, MeetingView, MenteeCard, MentorshipView, PersonView,
    RequestView, hours,
};
pub use moments_domain::catalogue::{Entry as Named, Skill};
