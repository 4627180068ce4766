//! How records look in API answers (see docs/api.md).

use moments_domain::access::Actor;
use moments_domain::application::{Application, Decision, Outcome};
use moments_domain::catalogue::{Catalogue, Skill};
use moments_domain::fields::EmailAddress;
use moments_domain::mentorship::{Meeting, MentorshipRequest, MentorshipStatus};

use crate::store::MentorshipRecord;
use serde::Serialize;
use serde_json::{Value, json};

/// An application as `viewer` may see it (`prior_mentees` only for the
/// applicant and administrators).
#[derive(Serialize, utoipa::ToSchema)]
pub struct ApplicationView {
    pub id: String,
    /// `mentee` or `mentor`.
    #[schema(value_type = String)]
    pub role: &'static str,
    /// `pending`, `approved` or `denied`.
    #[schema(value_type = String)]
    pub status: &'static str,
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    pub phone: Option<String>,
    #[schema(value_type = super::openapi::Named)]
    pub department: Value,
    pub job_title: String,
    pub work_location: String,
    #[schema(value_type = super::openapi::SupervisorView)]
    pub supervisor: Value,
    #[schema(value_type = super::openapi::Named)]
    pub working_hours: Value,
    pub bio: String,
    pub goals: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(required = false)]
    pub prior_mentees: Option<Vec<String>>,
    #[schema(value_type = Vec<super::openapi::SkillView>)]
    pub skills: Vec<Skill>,
    pub submitted_at: String,
    pub updated_at: String,
    pub decision: Option<DecisionView>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct DecisionView {
    /// `approved` or `denied`.
    #[schema(value_type = String)]
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

/// A person as the other side of a request or mentorship sees them. The
/// phone number only once they are matched.
pub fn person(app: &Application, with_phone: bool) -> Value {
    let d = &app.details;
    let mut v = json!({
        "application_id": app.id.as_str(),
        "email": app.applicant.as_str(),
        "first_name": d.first_name.as_str(),
        "last_name": d.last_name.as_str(),
        "job_title": d.job_title.as_str(),
        "department": {"id": d.department.as_str(), "name": d.department.name()},
    });
    if with_phone {
        v["phone"] = json!(d.phone.as_ref().map(|p| p.as_str()));
    }
    v
}

pub fn request(r: &MentorshipRequest, mentee: &Application, mentor: &Application) -> Value {
    json!({
        "id": r.id.as_str(),
        "status": r.status.as_str(),
        "mentee": person(mentee, false),
        "mentor": person(mentor, false),
        "message": r.message.as_ref().map(|m| m.as_str()),
        "reason": r.reason,
        "created_at": r.created_at.to_string(),
        "updated_at": r.updated_at.to_string(),
        "mentorship_id": r.mentorship.as_ref().map(|m| m.as_str()),
    })
}

pub fn meeting(m: &Meeting) -> Value {
    json!({
        "id": m.id.as_str(),
        "date": m.date.to_string(),
        "minutes": m.minutes,
        "topic": m.topic.as_ref().map(|t| t.as_str()),
        "logged_by": m.logged_by.as_str(),
    })
}

/// Minutes as training-credit hours, to two decimals.
pub fn hours(minutes: u32) -> f64 {
    (f64::from(minutes) / 60.0 * 100.0).round() / 100.0
}

pub fn mentorship(
    record: &MentorshipRecord,
    viewer: &EmailAddress,
    mentee: &Application,
    mentor: &Application,
) -> Value {
    let m = &record.mentorship;
    let agreement = m.agreement.as_ref().map(|a| {
        json!({
            "goals": a.goals.as_str(),
            "steps": a.steps.as_ref().map(|t| t.as_str()),
            "schedule": a.schedule.as_ref().map(|t| t.as_str()),
            "end_date": a.end_date.map(|d| d.to_string()),
            "off_limits": a.off_limits.as_ref().map(|t| t.as_str()),
            "version": a.version,
            "confirmed_by_mentee": a.confirmed_by_mentee,
            "confirmed_by_mentor": a.confirmed_by_mentor,
            "updated_by": a.updated_by.as_str(),
            "updated_at": a.updated_at.to_string(),
        })
    });
    json!({
        "id": m.id.as_str(),
        "status": m.status.as_str(),
        "mentee": person(mentee, true),
        "mentor": person(mentor, true),
        "my_role": m.role_of(viewer).map(|r| r.as_str()),
        "started_at": m.started_at.to_string(),
        "ended_at": m.ended.as_ref().map(|e| e.at.to_string()),
        "ended_by": m.ended.as_ref().map(|e| e.by.as_str()),
        "outcome": if m.status == MentorshipStatus::Active { None } else { Some(m.status.as_str()) },
        "end_reason": m.ended.as_ref().map(|e| e.reason.as_str()),
        "agreement": agreement,
        "meeting_count": record.meeting_count,
        "minutes": record.minutes,
        "hours": hours(record.minutes),
    })
}
