//! Applications as the API shows them.

use moments_domain::access::Actor;
use moments_domain::application::{Application, Decision, Outcome, Supervisor};
use moments_domain::catalogue::Lists;
use moments_domain::catalogue::{Entry, Skill};

use serde::Serialize;

/// An application as `viewer` may see it (`prior_mentees` only for the
/// applicant and administrators).
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ApplicationView {
    pub id: String,
    /// `mentee` or `mentor`.
    #[schema(value_type = String)]
    pub role: &'static str,
    /// `pending`, `approved`, `denied`, `revoked` or `withdrawn`.
    #[schema(value_type = String)]
    pub status: &'static str,
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    pub phone: Option<String>,
    pub department: Entry,
    /// The division within the department, where it has divisions.
    pub division: Option<Entry>,
    pub job_title: String,
    pub work_location: String,
    pub supervisor: SupervisorView,
    pub working_hours: Entry,
    /// The kind of mentorship wanted (committed, flash or either); none
    /// if not stated.
    pub mentorship_kind: Option<Entry>,
    pub bio: String,
    pub goals: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(required = false)]
    pub prior_mentees: Option<Vec<String>>,
    pub skills: Vec<Skill>,
    pub submitted_at: String,
    pub updated_at: String,
    /// Bumped by every change; an administrator's correction names the
    /// version it was made from.
    pub version: u64,
    pub decision: Option<DecisionView>,
    /// When a program administrator revoked it, and why: for the applicant
    /// and administrators only.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(required = false)]
    pub revoked: Option<RevocationView>,
    /// On the applicant's own list: whether they paused (a mentee's search
    /// for a mentor; a mentor's taking new mentees).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(required = false)]
    pub paused: Option<bool>,
}

/// A revocation, as the applicant and administrators see it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct RevocationView {
    pub at: String,
    pub reason: String,
    /// The person had left state service.
    pub left_service: bool,
}

/// An application's supervisor.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SupervisorView {
    pub first_name: String,
    pub last_name: String,
    pub email: String,
}

impl From<&Supervisor> for SupervisorView {
    fn from(s: &Supervisor) -> Self {
        SupervisorView {
            first_name: s.first_name.to_string(),
            last_name: s.last_name.to_string(),
            email: s.email.to_string(),
        }
    }
}

/// Who decided an application, and how.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct DecisionView {
    /// `approved` or `denied`.
    #[schema(value_type = String)]
    pub outcome: &'static str,
    pub decided_by: String,
    pub on_behalf_of: Option<String>,
    pub message: Option<String>,
    pub decided_at: String,
    /// In the answer to the person who just decided: until when they may
    /// undo it (the applicant is told after).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(required = false)]
    pub undo_until: Option<String>,
}

impl From<&Decision> for DecisionView {
    fn from(d: &Decision) -> Self {
        DecisionView {
            outcome: match d.outcome {
                Outcome::Approved => "approved",
                Outcome::Denied => "denied",
            },
            decided_by: d.decided_by.to_string(),
            on_behalf_of: d.on_behalf_of.as_ref().map(ToString::to_string),
            message: d.message.as_ref().map(ToString::to_string),
            decided_at: d.decided_at.to_string(),
            undo_until: None,
        }
    }
}

impl ApplicationView {
    /// The application as `viewer` may see it, its skills and department
    /// named as `lists` name them now.
    pub fn of(app: &Application, viewer: &Actor, lists: &Lists) -> ApplicationView {
        let d = &app.details;
        ApplicationView {
            id: app.id.to_string(),
            role: app.role.as_str(),
            status: app.status.as_str(),
            email: app.applicant.to_string(),
            first_name: d.first_name.to_string(),
            last_name: d.last_name.to_string(),
            phone: d.phone.as_ref().map(|p| p.as_str().to_string()),
            department: lists.departments.entry(&d.department),
            division: d
                .division
                .as_ref()
                .map(|v| lists.departments.division_entry(&d.department, v)),
            job_title: d.job_title.to_string(),
            work_location: d.work_location.to_string(),
            supervisor: SupervisorView::from(&d.supervisor),
            working_hours: Entry::from(d.working_hours),
            mentorship_kind: d.mentorship_kind.map(Entry::from),
            bio: d.bio.to_string(),
            goals: d.goals.as_ref().map(ToString::to_string),
            prior_mentees: app
                .private_fields_visible_to(viewer)
                .then(|| d.prior_mentees.iter().map(ToString::to_string).collect()),
            skills: d.skills.skills(&lists.skills),
            submitted_at: app.submitted_at.to_string(),
            updated_at: app.updated_at.to_string(),
            version: app.version,
            decision: app.decision.as_ref().map(DecisionView::from),
            revoked: app
                .revoked
                .as_ref()
                .filter(|_| app.private_fields_visible_to(viewer))
                .map(|r| RevocationView {
                    at: r.at.to_string(),
                    reason: r.reason.to_string(),
                    left_service: r.left_service,
                }),
            paused: None,
        }
    }
}
