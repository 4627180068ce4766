//! Requests and mentorships as their two people see them.

use moments_domain::application::Application;
use moments_domain::catalogue::{Entry, Lists, Skill};
use moments_domain::departments::StoredDepartments;
use moments_domain::fields::EmailAddress;
use moments_domain::kind::MentorshipKind;
use moments_domain::mentorship::{Agreement, Meeting, MentorshipRequest, MentorshipStatus};
use serde::Serialize;

use crate::store::MentorshipRecord;

/// Someone in a request, as the other side sees them.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PersonView {
    pub application_id: String,
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    pub job_title: String,
    pub department: Entry,
}

impl PersonView {
    /// `app`'s person, their department named as `departments` names it now.
    pub fn of(app: &Application, departments: &StoredDepartments) -> Self {
        let d = &app.details;
        PersonView {
            application_id: app.id.to_string(),
            email: app.applicant.to_string(),
            first_name: d.first_name.to_string(),
            last_name: d.last_name.to_string(),
            job_title: d.job_title.to_string(),
            department: departments.entry(&d.department),
        }
    }
}

/// Someone in a mentorship, as the other side sees them: while it is
/// active, with their phone number; once it ended, without.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct MatchedPersonView {
    #[serde(flatten)]
    pub person: PersonView,
    pub phone: Option<String>,
    /// The kind of mentorship they said they would like, if they did.
    pub mentorship_kind: Option<Entry>,
}

impl MatchedPersonView {
    fn of(app: &Application, active: bool, departments: &StoredDepartments) -> Self {
        MatchedPersonView {
            person: PersonView::of(app, departments),
            phone: app
                .details
                .phone
                .as_ref()
                .filter(|_| active)
                .map(|p| p.as_str().to_string()),
            mentorship_kind: app.details.mentorship_kind.map(Entry::from),
        }
    }
}

/// What a mentor deciding a request may know of the mentee: what helps
/// them decide, and nothing that is only for the mentee's supervisor or
/// partner (phone, supervisor, work location).
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct MenteeCard {
    pub first_name: String,
    pub last_name: String,
    pub job_title: String,
    pub department: Entry,
    /// The division within the department, where it has divisions.
    pub division: Option<Entry>,
    pub working_hours: Entry,
    /// The kind of mentorship the mentee would like, if they said.
    pub mentorship_kind: Option<Entry>,
    pub skills: Vec<Skill>,
    pub bio: String,
    pub goals: Option<String>,
}

impl MenteeCard {
    /// The card of `app`, its skills and department named as `lists` name
    /// them now.
    pub fn of(app: &Application, lists: &Lists) -> Self {
        let d = &app.details;
        MenteeCard {
            first_name: d.first_name.to_string(),
            last_name: d.last_name.to_string(),
            job_title: d.job_title.to_string(),
            department: lists.departments.entry(&d.department),
            division: d
                .division
                .as_ref()
                .map(|v| lists.departments.division_entry(&d.department, v)),
            working_hours: Entry::from(d.working_hours),
            mentorship_kind: d.mentorship_kind.map(Entry::from),
            skills: d.skills.skills(&lists.skills),
            bio: d.bio.to_string(),
            goals: d.goals.as_ref().map(ToString::to_string),
        }
    }
}

/// A "Select as Mentor" request.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct RequestView {
    pub id: String,
    /// `pending`, `accepted`, `declined`, `withdrawn` or `closed`.
    #[schema(value_type = String)]
    pub status: &'static str,
    pub mentee: PersonView,
    pub mentor: PersonView,
    pub message: Option<String>,
    /// Why it closed: the decline reason, or that one side filled up.
    pub reason: Option<String>,
    pub created_at: String,
    pub updated_at: String,
    pub mentorship_id: Option<String>,
    /// The mentee as the mentor reading a single request may see them:
    /// only while the request waits for an answer or was accepted.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(required = false)]
    pub mentee_card: Option<MenteeCard>,
    /// In the answer to the mentee who just withdrew it: until when they
    /// may undo that (the mentor is told after).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(required = false)]
    pub undo_until: Option<String>,
}

impl RequestView {
    pub fn of(
        r: &MentorshipRequest,
        mentee: &Application,
        mentor: &Application,
        departments: &StoredDepartments,
    ) -> RequestView {
        RequestView {
            id: r.id.to_string(),
            status: r.status.as_str(),
            mentee: PersonView::of(mentee, departments),
            mentor: PersonView::of(mentor, departments),
            message: r.message.as_ref().map(|m| m.as_str().to_string()),
            reason: r.reason.clone(),
            created_at: r.created_at.to_string(),
            updated_at: r.updated_at.to_string(),
            mentorship_id: r.mentorship.as_ref().map(ToString::to_string),
            mentee_card: None,
            undo_until: None,
        }
    }
}

/// A logged meeting.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct MeetingView {
    pub id: String,
    /// `YYYY-MM-DD`.
    pub date: String,
    pub minutes: u32,
    pub topic: Option<String>,
    pub logged_by: String,
    /// Whether the side that did not log it disputes it (it stays in the
    /// log and the hours export, marked).
    pub disputed: bool,
}

impl From<&Meeting> for MeetingView {
    fn from(m: &Meeting) -> Self {
        MeetingView {
            id: m.id.to_string(),
            date: m.date.to_string(),
            minutes: m.minutes,
            topic: m.topic.as_ref().map(|t| t.as_str().to_string()),
            logged_by: m.logged_by.to_string(),
            disputed: m.disputed.is_some(),
        }
    }
}

/// One goal of the agreement and its last mark.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct GoalView {
    /// From 1, in the agreement's order: the `{n}` to mark it with.
    pub number: usize,
    pub goal: String,
    /// `not_started`, `progressing` or `met`.
    #[schema(value_type = String)]
    pub status: &'static str,
    pub note: Option<String>,
    /// Who marked it last, and when; none if never marked.
    pub marked_by: Option<String>,
    pub marked_at: Option<String>,
}

/// A mentorship agreement.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct AgreementView {
    /// `committed` or `flash`; none on agreements written before it was asked.
    pub kind: Option<Entry>,
    pub goals: String,
    /// The goals one a line (at most 12), each with where it stands.
    pub goal_list: Vec<GoalView>,
    pub steps: Option<String>,
    pub schedule: Option<String>,
    /// `YYYY-MM-DD`.
    pub end_date: Option<String>,
    pub off_limits: Option<String>,
    pub version: u32,
    pub confirmed_by_mentee: bool,
    pub confirmed_by_mentor: bool,
    pub updated_by: String,
    pub updated_at: String,
}

impl From<&Agreement> for AgreementView {
    fn from(a: &Agreement) -> Self {
        let text = |t: &Option<moments_domain::fields::LongText>| {
            t.as_ref().map(|t| t.as_str().to_string())
        };
        AgreementView {
            kind: a.kind.map(Entry::from),
            goals: a.goals.as_str().to_string(),
            goal_list: a
                .goals()
                .into_iter()
                .map(|g| GoalView {
                    number: g.number,
                    goal: g.text.to_string(),
                    status: g.status().as_str(),
                    note: g
                        .progress
                        .and_then(|p| p.note.as_ref())
                        .map(|n| n.to_string()),
                    marked_by: g.progress.map(|p| p.by.to_string()),
                    marked_at: g.progress.map(|p| p.at.to_string()),
                })
                .collect(),
            steps: text(&a.steps),
            schedule: text(&a.schedule),
            end_date: a.end_date.map(|d| d.to_string()),
            off_limits: text(&a.off_limits),
            version: a.version,
            confirmed_by_mentee: a.confirmed_by_mentee,
            confirmed_by_mentor: a.confirmed_by_mentor,
            updated_by: a.updated_by.to_string(),
            updated_at: a.updated_at.to_string(),
        }
    }
}

/// A mentorship as its two people see it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct MentorshipView {
    pub id: String,
    /// `active`, `completed` or `discontinued`.
    #[schema(value_type = String)]
    pub status: &'static str,
    pub mentee: MatchedPersonView,
    pub mentor: MatchedPersonView,
    /// `mentee` or `mentor`.
    #[schema(value_type = Option<String>)]
    pub my_role: Option<&'static str>,
    pub started_at: String,
    pub ended_at: Option<String>,
    pub ended_by: Option<String>,
    /// `completed` or `discontinued` once ended.
    #[schema(value_type = Option<String>)]
    pub outcome: Option<&'static str>,
    pub end_reason: Option<String>,
    pub agreement: Option<AgreementView>,
    /// The kind a new agreement form starts from: flash when one side
    /// would like flash and neither committed, otherwise committed.
    pub proposed_kind: Entry,
    pub meeting_count: u32,
    pub minutes: u32,
    pub hours: f64,
    /// Only when one mentorship is read.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(required = false)]
    pub meetings: Option<Vec<MeetingView>>,
    /// Whether the caller answered its survey (lists and single reads).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(required = false)]
    pub survey_answered: Option<bool>,
    /// In the answer to the side who just ended it: until when they may
    /// undo that (both are told after).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(required = false)]
    pub undo_until: Option<String>,
}

impl MentorshipView {
    pub fn of(
        record: &MentorshipRecord,
        viewer: &EmailAddress,
        mentee: &Application,
        mentor: &Application,
        departments: &StoredDepartments,
    ) -> MentorshipView {
        let m = &record.mentorship;
        let active = m.status == MentorshipStatus::Active;
        MentorshipView {
            id: m.id.to_string(),
            status: m.status.as_str(),
            mentee: MatchedPersonView::of(mentee, active, departments),
            mentor: MatchedPersonView::of(mentor, active, departments),
            my_role: m.role_of(viewer).map(|r| r.as_str()),
            started_at: m.started_at.to_string(),
            ended_at: m.ended.as_ref().map(|e| e.at.to_string()),
            ended_by: m.ended.as_ref().map(|e| e.by.to_string()),
            outcome: (m.status != MentorshipStatus::Active).then(|| m.status.as_str()),
            end_reason: m.ended.as_ref().map(|e| e.reason.as_str().to_string()),
            agreement: m.agreement.as_ref().map(AgreementView::from),
            proposed_kind: Entry::from(MentorshipKind::proposed(
                mentee.details.mentorship_kind,
                mentor.details.mentorship_kind,
            )),
            meeting_count: record.meeting_count,
            minutes: record.minutes,
            hours: hours(record.minutes),
            meetings: None,
            survey_answered: None,
            undo_until: None,
        }
    }
}

/// Minutes as training-credit hours, to two decimals.
pub fn hours(minutes: u32) -> f64 {
    (f64::from(minutes) / 60.0 * 100.0).round() / 100.0
}
