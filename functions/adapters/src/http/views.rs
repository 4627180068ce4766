//! How records look in API answers (see docs/api.md).

use moments_domain::access::Actor;
use moments_domain::application::{Application, Decision, Outcome};
use moments_domain::catalogue::{Catalogue, Skill};
use serde::Serialize;
use serde_json::{Value, json};

#[derive(Serialize)]
pub struct ApplicationView {
    pub id: String,
    pub role: &'static str,
    pub status: &'static str,
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    pub phone: Option<String>,
    pub department: Value,
    pub job_title: String,
    pub work_location: String,
    pub supervisor: Value,
    pub working_hours: Value,
    pub bio: String,
    pub goals: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub prior_mentees: Option<Vec<String>>,
    pub skills: Vec<Skill>,
    pub submitted_at: String,
    pub updated_at: String,
    pub decision: Option<DecisionView>,
}

#[derive(Serialize)]
pub struct DecisionView {
    pub outcome: &'static str,
    pub decided_by: String,
    pub on_behalf_of: Option<String>,
    pub message: Option<String>,
    pub decided_at: String,
}

impl DecisionView {
    fn of(d: &Decision) -> DecisionView {
        DecisionView {
            outcome: match d.outcome {
                Outcome::Approved => "approved",
                Outcome::Denied => "denied",
            },
            decided_by: d.decided_by.to_string(),
            on_behalf_of: d.on_behalf_of.as_ref().map(ToString::to_string),
            message: d.message.as_ref().map(ToString::to_string),
            decided_at: d.decided_at.to_string(),
        }
    }
}

impl ApplicationView {
    /// The application as `viewer` may see it.
    pub fn of(app: &Application, viewer: &Actor) -> ApplicationView {
        let d = &app.details;
        ApplicationView {
            id: app.id.to_string(),
            role: app.role.as_str(),
            status: app.status.as_str(),
            email: app.applicant.to_string(),
            first_name: d.first_name.to_string(),
            last_name: d.last_name.to_string(),
            phone: d.phone.as_ref().map(|p| p.as_str().to_string()),
            department: json!({"id": d.department.as_str(), "name": d.department.name()}),
            job_title: d.job_title.to_string(),
            work_location: d.work_location.to_string(),
            supervisor: json!({
                "first_name": d.supervisor.first_name.as_str(),
                "last_name": d.supervisor.last_name.as_str(),
                "email": d.supervisor.email.as_str(),
            }),
            working_hours: json!({"id": d.working_hours.id(), "name": d.working_hours.name()}),
            bio: d.bio.to_string(),
            goals: d.goals.as_ref().map(ToString::to_string),
            prior_mentees: viewer
                .sees_private_fields(app)
                .then(|| d.prior_mentees.iter().map(ToString::to_string).collect()),
            skills: d.skills.skills(),
            submitted_at: app.submitted_at.to_string(),
            updated_at: app.updated_at.to_string(),
            decision: app.decision.as_ref().map(DecisionView::of),
        }
    }
}

pub fn catalogue() -> &'static Catalogue {
    Catalogue::get()
}
