//! The authorization matrix: every operation of the API, tried by every
//! role, on one small world of records. Each cell says what that person
//! gets; every refusal must leave the whole table exactly as it was, and
//! every allowed change is tried on a fresh world, so one cell never
//! depends on another.
//!
//! Adding an operation is one `Row` in `rows()`.
//!
//! The platform has the identity provider, and administrators must sign in
//! with it: the administrators here did, everyone else by emailed link.
//! Browsers show redirects rather than follow them.

use std::fmt;

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::helpers::*;

/// Who tries. Each is one person of the world below.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Who {
    Anonymous,
    /// Ada: approved mentee (active mentorship with Max), pending mentor application.
    Applicant,
    /// Max: approved mentor of Ada's mentorship and of Bea's request and survey.
    Mentor,
    /// Bea: approved mentee with a pending request to Max and an ended mentorship with him.
    OtherApplicant,
    /// Sam: supervisor of Ada's (and Max's and Bea's) applications.
    Supervisor,
    /// Otto: supervisor of Cy's application only.
    OtherSupervisor,
    /// Dana: administrator of Revenue, everyone's department.
    DepartmentAdmin,
    /// Dan: administrator of Transportation.
    OtherDepartmentAdmin,
    ProgramAdmin,
}

use Who::*;

const EVERYONE: [Who; 9] = [
    Anonymous,
    Applicant,
    Mentor,
    OtherApplicant,
    Supervisor,
    OtherSupervisor,
    DepartmentAdmin,
    OtherDepartmentAdmin,
    ProgramAdmin,
];

impl Who {
    pub fn email(self) -> Option<&'static str> {
        Some(match self {
            Anonymous => return None,
            Applicant => "ada.lovelace@mo.gov",
            Mentor => "max.mentor@mo.gov",
            OtherApplicant => "bea.baker@mo.gov",
            Supervisor => SUPERVISOR,
            OtherSupervisor => "otto.other@mo.gov",
            DepartmentAdmin => "dana.admin@mo.gov",
            OtherDepartmentAdmin => "dan.admin@mo.gov",
            ProgramAdmin => PROGRAM_ADMIN,
        })
    }
}

/// Pia: a second program administrator, kept in the table (the roster
/// seeded from the deploy parameter's Pat), so one can be removed.
const PIA: &str = "pia.admin@mo.gov";

/// Mia: an approved mentor with no mentees.
const MIA: &str = "mia.mentor@mo.gov";

/// Cy: a pending mentee application (supervised by Otto) and a request to
/// remove his data, waiting for a program administrator.
const CY: &str = "cy.other@mo.gov";

/// The records an operation's path can name.
#[derive(Debug, Default, Clone)]
pub struct World {
    /// Ada's pending mentor application.
    pending_application: String,
    /// Max's mentor application.
    pub mentor: String,
    /// Bea's pending request to Max.
    request: String,
    /// Ada and Max, active.
    mentorship: String,
    /// Bea and Max, ended.
    ended: String,
    /// A meeting Max logged in Ada's and Max's mentorship.
    meeting: String,
    /// The date naming a check-in with Ada and Max.
    since: String,
}

impl World {
    /// A path with its `{application}`, `{mentor}`, `{request}`,
    /// `{mentorship}`, `{ended}`, `{meeting}` and `{since}` filled in.
    pub fn fill(&self, path: &str) -> String {
        path.replace("{application}", &self.pending_application)
            .replace("{mentor}", &self.mentor)
            .replace("{request}", &self.request)
            .replace("{mentorship}", &self.mentorship)
            .replace("{ended}", &self.ended)
            .replace("{meeting}", &self.meeting)
            .replace("{since}", &self.since)
    }
}

async fn id_in(r: reqwest::Response, path: &str) -> String {
    let status = r.status();
    let body: Value = r.json().await.expect("JSON");
    assert!(status.is_success(), "{status} {body}");
    body.pointer(path)
        .and_then(Value::as_str)
        .unwrap_or_else(|| panic!("{path} in {body}"))
        .to_string()
}

pub async fn world(app: &TestApp) -> World {
    app.approved_mentee(Applicant.email().expect("ada")).await;
    let mentor = app.approved_mentor(Mentor.email().expect("max")).await;
    app.approved_mentee(OtherApplicant.email().expect("bea"))
        .await;
    // Mia: an approved mentor with room, for matching by hand.
    app.approved_mentor(MIA).await;
    app.make_department_admin("dana.admin@mo.gov", "revenue")
        .await;
    app.make_department_admin("dan.admin@mo.gov", "transportation")
        .await;
    let pat = moments_domain::fields::EmailAddress::parse(PROGRAM_ADMIN).expect("pat");
    let pia = moments_domain::fields::EmailAddress::parse(PIA).expect("pia");
    app.store
        .seed_program_admins(std::slice::from_ref(&pat), app.now())
        .await
        .expect("roster seeded");
    app.store
        .add_program_admin(&pia, &pat, app.now())
        .await
        .expect("Pia added");

    let ada = app.sign_in(Applicant.email().expect("ada")).await;
    let max = app.sign_in(Mentor.email().expect("max")).await;
    let bea = app.sign_in(OtherApplicant.email().expect("bea")).await;
    let cy = app.sign_in(CY).await;
    assert_eq!(
        cy.apply(mentee_form("otto.other@mo.gov")).await.status(),
        StatusCode::CREATED
    );
    assert_eq!(
        cy.post("/api/privacy/erasure", json!({})).await.status(),
        StatusCode::ACCEPTED
    );
    let pending_application = id_in(ada.apply(mentor_form(SUPERVISOR)).await, "/id").await;

    let body = json!({"mentor": mentor.as_str()});
    let r = id_in(ada.post("/api/requests", body.clone()).await, "/id").await;
    let accept = |id: String| format!("/api/requests/{id}/accept");
    let mentorship = id_in(max.post(&accept(r), json!({})).await, "/mentorship/id").await;
    let today = jiff::tz::TimeZone::UTC.to_datetime(app.now()).date();
    let meeting = json!({"date": today.to_string(), "minutes": 45});
    let meetings = format!("/api/mentorships/{mentorship}/meetings");
    let meeting = id_in(max.post(&meetings, meeting).await, "/id").await;
    let r = id_in(bea.post("/api/requests", body.clone()).await, "/id").await;
    let ended = id_in(max.post(&accept(r), json!({})).await, "/mentorship/id").await;
    let end = json!({"outcome": "completed", "reason": "Goals met."});
    let r = bea
        .post(&format!("/api/mentorships/{ended}/end"), end)
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let request = id_in(bea.post("/api/requests", body).await, "/id").await;
    // A check-in with Ada and Max, as the quiet check makes it.
    let check = moments_domain::checkin::CheckIn {
        mentorship: moments_domain::mentorship::MentorshipId::parse(&mentorship).expect("id"),
        since: today,
        sent_at: app.now(),
        answered: None,
    };
    assert!(app.store.open_check_in(&check).await.expect("check-in"));
    World {
        pending_application,
        mentor: mentor.to_string(),
        request,
        mentorship,
        ended,
        meeting,
        since: today.to_string(),
    }
}

/// One operation: how to call it, and what each person gets.
struct Row {
    method: Method,
    /// With `{application}`, `{mentor}`, `{request}`, `{mentorship}`,
    /// `{ended}`, `{meeting}`.
    path: &'static str,
    body: Value,
    /// Who succeeds, with the status they get.
    allowed: &'static [(Who, u16)],
    /// What everyone else gets (anonymous gets 401 instead when the
    /// operation needs a session).
    others: u16,
    /// The operation needs no session.
    open: bool,
}

impl Row {
    fn expected(&self, who: Who) -> u16 {
        if let Some((_, status)) = self.allowed.iter().find(|(w, _)| *w == who) {
            *status
        } else if who == Anonymous && !self.open {
            401
        } else {
            self.others
        }
    }

    fn path(&self, w: &World) -> String {
        w.fill(self.path)
    }
}

impl fmt::Display for Row {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.method, self.path)
    }
}

fn row(
    method: Method,
    path: &'static str,
    body: Value,
    allowed: &'static [(Who, u16)],
    others: u16,
) -> Row {
    Row {
        method,
        path,
        body,
        allowed,
        others,
        open: false,
    }
}

const VIEWERS_OF_ADAS_APPLICATION: &[(Who, u16)] = &[
    (Applicant, 200),
    (Supervisor, 200),
    (DepartmentAdmin, 200),
    (ProgramAdmin, 200),
];

/// Metrics and exports: administrators of any department, and of the program.
const REPORT_READERS: &[(Who, u16)] = &[
    (DepartmentAdmin, 200),
    (OtherDepartmentAdmin, 200),
    (ProgramAdmin, 200),
];

fn rows() -> Vec<Row> {
    let get = Method::GET;
    let post = Method::POST;
    let put = Method::PUT;
    let edit = {
        let mut form = mentor_form(SUPERVISOR);
        form["bio"] = json!("Edited.");
        form
    };
    // Ada's pending mentor application, as a department administrator
    // corrects it (version 1: as submitted).
    let correct = {
        let mut form = mentor_form(SUPERVISOR);
        form["job_title"] = json!("Senior Analyst");
        form["note"] = json!("Title corrected at her request.");
        form["version"] = json!(1);
        form
    };
    let reroute = json!({"supervisor_first_name": "Grace", "supervisor_last_name": "Hopper",
                         "supervisor_email": "grace.hopper@mo.gov"});
    let survey = json!({"satisfaction": 5, "goals_met": "yes", "meetings": 4, "cadence": "monthly",
                        "would_recommend": true});
    let appointment = json!({"email": "new.admin@mo.gov", "department": "revenue"});
    vec![
        Row {
            open: true,
            ..row(
                post.clone(),
                "/api/auth/link",
                json!({"email": "someone@mo.gov"}),
                &[],
                202,
            )
        },
        Row {
            open: true,
            ..row(
                post.clone(),
                "/api/auth/link/about",
                json!({"token": "not-a-token"}),
                &[],
                410,
            )
        },
        Row {
            open: true,
            ..row(
                post.clone(),
                "/api/auth/session",
                json!({"token": "not-a-token"}),
                &[],
                410,
            )
        },
        Row {
            open: true,
            ..row(post.clone(), "/api/auth/signout", json!({}), &[], 204)
        },
        Row {
            open: true,
            ..row(get.clone(), "/api/auth/options", json!(null), &[], 200)
        },
        // Starting a sign-in stores its state (tests/api/provider.rs); a
        // start the site would never send is refused before anything is.
        Row {
            open: true,
            ..row(
                get.clone(),
                "/api/auth/oidc?next=https://evil.example/",
                json!(null),
                &[],
                422,
            )
        },
        // A callback this browser did not start: back to the sign-in page.
        Row {
            open: true,
            ..row(
                get.clone(),
                "/api/auth/oidc/callback?code=stolen&state=not-mine",
                json!(null),
                &[],
                303,
            )
        },
        row(get.clone(), "/api/me", json!(null), &[], 200),
        row(
            get.clone(),
            "/api/admin/security",
            json!(null),
            &[(ProgramAdmin, 200)],
            403,
        ),
        Row {
            open: true,
            ..row(get.clone(), "/api/catalogue", json!(null), &[], 200)
        },
        row(get.clone(), "/api/applications", json!(null), &[], 200),
        row(
            post.clone(),
            "/api/applications",
            mentee_form("grace.hopper@mo.gov"),
            &[
                (Mentor, 201),
                (Supervisor, 201),
                (OtherSupervisor, 201),
                (DepartmentAdmin, 201),
                (OtherDepartmentAdmin, 201),
                (ProgramAdmin, 201),
            ],
            409,
        ),
        // Checking answers stores nothing, so anyone signed in may, even
        // with an application for the role already.
        row(
            post.clone(),
            "/api/applications/check",
            mentee_form("grace.hopper@mo.gov"),
            &[],
            204,
        ),
        row(
            get.clone(),
            "/api/applications/{application}",
            json!(null),
            VIEWERS_OF_ADAS_APPLICATION,
            403,
        ),
        row(
            put.clone(),
            "/api/applications/{application}",
            edit,
            &[(Applicant, 200)],
            403,
        ),
        row(
            put.clone(),
            "/api/applications/{application}/supervisor",
            reroute,
            &[(Applicant, 200)],
            403,
        ),
        row(get.clone(), "/api/reviews", json!(null), &[], 200),
        row(
            post.clone(),
            "/api/applications/{application}/decision",
            json!({"outcome": "approve"}),
            &[(Supervisor, 200), (DepartmentAdmin, 200)],
            403,
        ),
        // Ada's application has no decision: those who may decide are told
        // there is none to undo; nobody else learns that.
        row(
            Method::DELETE,
            "/api/applications/{application}/decision",
            json!(null),
            &[(Supervisor, 409), (DepartmentAdmin, 409)],
            403,
        ),
        row(get.clone(), "/api/mentors", json!(null), &[], 200),
        row(get.clone(), "/api/mentors/{mentor}", json!(null), &[], 200),
        row(get.clone(), "/api/suggestions", json!(null), &[], 200),
        row(
            get.clone(),
            "/api/availability",
            json!(null),
            &[(Applicant, 200), (Mentor, 200)],
            404,
        ),
        row(
            put.clone(),
            "/api/availability",
            json!({"available": false}),
            &[(Applicant, 200), (Mentor, 200)],
            404,
        ),
        row(get.clone(), "/api/requests", json!(null), &[], 200),
        row(
            post.clone(),
            "/api/requests",
            json!({"mentor": "{mentor}"}),
            &[],
            409,
        ),
        row(
            get.clone(),
            "/api/requests/{request}",
            json!(null),
            &[(Mentor, 200), (OtherApplicant, 200)],
            403,
        ),
        row(
            post.clone(),
            "/api/requests/{request}/accept",
            json!({}),
            &[(Mentor, 200)],
            403,
        ),
        row(
            post.clone(),
            "/api/requests/{request}/decline",
            json!({}),
            &[(Mentor, 200)],
            403,
        ),
        row(
            post.clone(),
            "/api/requests/{request}/withdraw",
            json!({}),
            &[(OtherApplicant, 200)],
            403,
        ),
        // Bea's request is pending: she is told there is no withdrawal to
        // undo; the mentor and everyone else may not undo one.
        row(
            Method::DELETE,
            "/api/requests/{request}/withdrawal",
            json!(null),
            &[(OtherApplicant, 409)],
            403,
        ),
        row(get.clone(), "/api/mentorships", json!(null), &[], 200),
        row(
            get.clone(),
            "/api/mentorships/{mentorship}",
            json!(null),
            &[(Applicant, 200), (Mentor, 200)],
            403,
        ),
        row(
            put.clone(),
            "/api/mentorships/{mentorship}/agreement",
            json!({"kind": "committed", "goals": "Grow."}),
            &[(Applicant, 200), (Mentor, 200)],
            403,
        ),
        row(
            post.clone(),
            "/api/mentorships/{mentorship}/agreement/confirm",
            json!({"version": 1}),
            &[(Applicant, 409), (Mentor, 409)],
            403,
        ),
        row(
            put.clone(),
            "/api/mentorships/{mentorship}/goals/1",
            json!({"version": 1, "status": "met"}),
            &[(Applicant, 409), (Mentor, 409)],
            403,
        ),
        row(
            post.clone(),
            "/api/mentorships/{mentorship}/meetings",
            json!({"date": "2000-01-01", "minutes": 60}),
            &[(Applicant, 422), (Mentor, 422)],
            403,
        ),
        row(
            put.clone(),
            "/api/mentorships/{mentorship}/meetings/{meeting}/dispute",
            json!({"disputed": true}),
            &[(Applicant, 200)],
            403,
        ),
        row(
            get.clone(),
            "/api/mentorships/{mentorship}/next-meeting",
            json!(null),
            &[(Applicant, 200), (Mentor, 200)],
            403,
        ),
        // A time in the past: refused for either of the pair.
        row(
            put.clone(),
            "/api/mentorships/{mentorship}/next-meeting",
            json!({"date": "2000-01-01", "start": "10:00", "minutes": 60, "version": 0}),
            &[(Applicant, 422), (Mentor, 422)],
            403,
        ),
        row(
            post.clone(),
            "/api/mentorships/{mentorship}/next-meeting/accept",
            json!({"version": 0}),
            &[(Applicant, 409), (Mentor, 409)],
            403,
        ),
        row(
            post.clone(),
            "/api/mentorships/{mentorship}/next-meeting/cancel",
            json!({"version": 0}),
            &[(Applicant, 409), (Mentor, 409)],
            403,
        ),
        row(
            post.clone(),
            "/api/mentorships/{mentorship}/next-meeting/log",
            json!({"version": 0}),
            &[(Applicant, 409), (Mentor, 409)],
            403,
        ),
        Row {
            open: true,
            ..row(
                get.clone(),
                "/api/mentorships/{mentorship}/next-meeting.ics?key=0123",
                json!(null),
                &[],
                404,
            )
        },
        row(
            post.clone(),
            "/api/mentorships/{mentorship}/end",
            json!({"outcome": "completed", "reason": "Done."}),
            &[(Applicant, 200), (Mentor, 200)],
            403,
        ),
        // Ada and Max's mentorship is active: they are told there is no
        // ending to undo; nobody else may undo one.
        row(
            Method::DELETE,
            "/api/mentorships/{mentorship}/ending",
            json!(null),
            &[(Applicant, 409), (Mentor, 409)],
            403,
        ),
        row(
            get.clone(),
            "/api/mentorships/{mentorship}/check-ins/{since}",
            json!(null),
            &[(Applicant, 200), (Mentor, 200)],
            403,
        ),
        row(
            post.clone(),
            "/api/mentorships/{mentorship}/check-ins/{since}",
            json!({"answer": "meeting"}),
            &[(Applicant, 200), (Mentor, 200)],
            403,
        ),
        row(
            get.clone(),
            "/api/surveys/{ended}",
            json!(null),
            &[(Mentor, 200), (OtherApplicant, 200)],
            403,
        ),
        row(
            post.clone(),
            "/api/surveys/{ended}",
            survey,
            &[(Mentor, 201), (OtherApplicant, 201)],
            403,
        ),
        row(
            get.clone(),
            "/api/admin/metrics",
            json!(null),
            REPORT_READERS,
            403,
        ),
        row(
            get.clone(),
            "/api/admin/attention",
            json!(null),
            REPORT_READERS,
            403,
        ),
        row(
            get.clone(),
            "/api/admin/exports/applications.csv",
            json!(null),
            REPORT_READERS,
            403,
        ),
        row(
            get.clone(),
            "/api/admin/audit/mentorships/{mentorship}",
            json!(null),
            &[(ProgramAdmin, 200)],
            403,
        ),
        row(
            get.clone(),
            "/api/admin/people?email=ada.lovelace@mo.gov",
            json!(null),
            &[(ProgramAdmin, 200)],
            403,
        ),
        row(
            get.clone(),
            "/api/admin/people/search?name=Lovelace",
            json!(null),
            &[(ProgramAdmin, 200)],
            403,
        ),
        row(
            get.clone(),
            "/api/admin/department-admins",
            json!(null),
            &[(ProgramAdmin, 200)],
            403,
        ),
        row(
            post.clone(),
            "/api/admin/department-admins",
            appointment,
            &[(ProgramAdmin, 201)],
            403,
        ),
        row(
            Method::DELETE,
            "/api/admin/department-admins/transportation/dan.admin@mo.gov",
            json!(null),
            &[(ProgramAdmin, 204)],
            403,
        ),
        Row {
            open: true,
            ..row(get.clone(), "/api/contacts", json!(null), &[], 200)
        },
        row(
            put.clone(),
            "/api/admin/contact",
            json!({"email": "mentoring@mo.gov", "phone": "573-555-0100", "version": 0}),
            &[(ProgramAdmin, 200)],
            403,
        ),
        Row {
            open: true,
            ..row(get.clone(), "/api/resources", json!(null), &[], 200)
        },
        row(
            post.clone(),
            "/api/admin/resources",
            json!({"audience": "mentors", "title": "ESS portal", "url": "https://ess.mo.gov/"}),
            &[(ProgramAdmin, 201)],
            403,
        ),
        row(
            Method::DELETE,
            "/api/admin/resources/ln-0000000000",
            json!(null),
            &[(ProgramAdmin, 404)],
            403,
        ),
        row(
            get.clone(),
            "/api/admin/skills",
            json!(null),
            &[(ProgramAdmin, 200)],
            403,
        ),
        row(
            post.clone(),
            "/api/admin/skills",
            json!({"kind": "career", "name": "Records management"}),
            &[(ProgramAdmin, 201)],
            403,
        ),
        row(
            put.clone(),
            "/api/admin/skills/juggling",
            json!({"name": "Juggling"}),
            &[(ProgramAdmin, 404)],
            403,
        ),
        row(
            get.clone(),
            "/api/admin/departments",
            json!(null),
            &[(ProgramAdmin, 200)],
            403,
        ),
        row(
            post.clone(),
            "/api/admin/departments",
            json!({"name": "Department of Cybersecurity"}),
            &[(ProgramAdmin, 201)],
            403,
        ),
        row(
            put.clone(),
            "/api/admin/departments/revenue",
            json!({"position": 1}),
            &[(ProgramAdmin, 200)],
            403,
        ),
        row(
            post.clone(),
            "/api/admin/departments/revenue/divisions",
            json!({"name": "Taxation"}),
            &[(ProgramAdmin, 201)],
            403,
        ),
        row(
            put.clone(),
            "/api/admin/departments/revenue/divisions/taxation",
            json!({"name": "Taxation Division"}),
            &[(ProgramAdmin, 404)],
            403,
        ),
        row(
            get.clone(),
            "/api/admin/check-ins",
            json!(null),
            &[(ProgramAdmin, 200)],
            403,
        ),
        row(
            put.clone(),
            "/api/admin/settings",
            json!({"quiet_weeks": 6, "version": 0}),
            &[(ProgramAdmin, 200)],
            403,
        ),
        row(
            get.clone(),
            "/api/admin/program-admins",
            json!(null),
            &[(ProgramAdmin, 200)],
            403,
        ),
        row(
            post.clone(),
            "/api/admin/program-admins",
            json!({"email": "new.admin@mo.gov"}),
            &[(ProgramAdmin, 201)],
            403,
        ),
        row(
            Method::DELETE,
            "/api/admin/program-admins/pia.admin@mo.gov",
            json!(null),
            &[(ProgramAdmin, 204)],
            403,
        ),
        row(
            post.clone(),
            "/api/admin/matching/runs",
            json!({}),
            &[(ProgramAdmin, 202)],
            403,
        ),
        row(
            get.clone(),
            "/api/admin/matching/runs",
            json!(null),
            &[(ProgramAdmin, 200)],
            403,
        ),
        // A run no one started: only a program administrator learns that.
        row(
            get.clone(),
            "/api/admin/matching/runs/20260101T000000-0123456789abcdef",
            json!(null),
            &[(ProgramAdmin, 404)],
            403,
        ),
        row(
            get.clone(),
            "/api/admin/matching/runs/20260101T000000-0123456789abcdef/lists?page=1",
            json!(null),
            &[(ProgramAdmin, 404)],
            403,
        ),
        row(
            Method::PUT,
            "/api/admin/matching/runs/20260101T000000-0123456789abcdef/lists/any",
            json!({"page": 1, "held": true}),
            &[(ProgramAdmin, 404)],
            403,
        ),
        row(
            post.clone(),
            "/api/admin/matching/runs/20260101T000000-0123456789abcdef/publish",
            json!({}),
            &[(ProgramAdmin, 404)],
            403,
        ),
        // Ada applied in revenue: Dana may write to her department, Dan
        // (transportation) may not.
        row(
            post.clone(),
            "/api/admin/announcements/preview",
            json!({"subject": "The window is open", "body": "Apply by Friday.", "group": "everyone", "department": "revenue"}),
            &[
                (DepartmentAdmin, 200),
                (OtherDepartmentAdmin, 422),
                (ProgramAdmin, 200),
            ],
            403,
        ),
        row(
            post.clone(),
            "/api/admin/announcements",
            json!({"subject": "The window is open", "body": "Apply by Friday.", "group": "everyone", "department": "revenue"}),
            &[
                (DepartmentAdmin, 202),
                (OtherDepartmentAdmin, 422),
                (ProgramAdmin, 202),
            ],
            403,
        ),
        row(
            get.clone(),
            "/api/admin/announcements",
            json!(null),
            REPORT_READERS,
            403,
        ),
        row(
            get.clone(),
            "/api/admin/announcements/20260101T000000-0123456789abcdef",
            json!(null),
            &[
                (DepartmentAdmin, 404),
                (OtherDepartmentAdmin, 404),
                (ProgramAdmin, 404),
            ],
            403,
        ),
        row(
            post.clone(),
            "/api/admin/announcements/20260101T000000-0123456789abcdef/cancel",
            json!({}),
            &[
                (DepartmentAdmin, 404),
                (OtherDepartmentAdmin, 404),
                (ProgramAdmin, 404),
            ],
            403,
        ),
        Row {
            open: true,
            ..row(
                post.clone(),
                "/api/announcements/preference",
                json!({"announcement": "20260101T000000-0123456789abcdef", "email": "ada@mo.gov", "token": "x", "receive": false}),
                &[],
                404,
            )
        },
        Row {
            open: true,
            ..row(
                post.clone(),
                "/api/announcements/20260101T000000-0123456789abcdef/unsubscribe/ada@mo.gov/x",
                json!(null),
                &[],
                404,
            )
        },
        // A mail client's GET of the same link changes nothing: it is sent
        // on to the page that asks before stopping, whoever follows it.
        Row {
            open: true,
            ..row(
                get.clone(),
                "/api/announcements/20260101T000000-0123456789abcdef/unsubscribe/ada@mo.gov/x",
                json!(null),
                &[],
                303,
            )
        },
        row(get.clone(), "/api/privacy/erasure", json!(null), &[], 200),
        row(
            post.clone(),
            "/api/privacy/erasure",
            json!({"note": "Please remove everything."}),
            &[],
            202,
        ),
        row(
            get.clone(),
            "/api/admin/erasures",
            json!(null),
            &[(ProgramAdmin, 200)],
            403,
        ),
        row(
            post.clone(),
            "/api/admin/erasures/cy.other@mo.gov",
            json!({}),
            &[(ProgramAdmin, 200)],
            403,
        ),
        row(
            put.clone(),
            "/api/admin/applications/{application}",
            correct,
            &[(ProgramAdmin, 200), (DepartmentAdmin, 200)],
            403,
        ),
        row(
            put.clone(),
            "/api/applications/{application}/pause",
            json!({"paused": true}),
            &[(Applicant, 409)],
            403,
        ),
        row(
            post.clone(),
            "/api/applications/{application}/withdraw",
            json!({}),
            &[(Applicant, 200)],
            403,
        ),
        row(
            post.clone(),
            "/api/admin/mentorships",
            json!({"mentee": "ada.lovelace@mo.gov", "mentor": MIA, "reason": "They asked."}),
            &[(ProgramAdmin, 201)],
            403,
        ),
        row(
            post.clone(),
            "/api/admin/mentorships/{mentorship}/end",
            json!({"reason": "The pair asked us to."}),
            &[(ProgramAdmin, 200)],
            403,
        ),
        row(
            post.clone(),
            "/api/admin/mentorships/{mentorship}/repair",
            json!({"mentor": MIA, "reason": "Max moved."}),
            &[(ProgramAdmin, 200)],
            403,
        ),
        row(
            post.clone(),
            "/api/admin/applications/{application}/revoke",
            json!({"reason": "No longer full-time.", "end_mentorships": true}),
            &[(ProgramAdmin, 200)],
            403,
        ),
        row(
            post.clone(),
            "/api/admin/people/left",
            json!({"email": "bea.baker@mo.gov", "reason": "Retired."}),
            &[(ProgramAdmin, 200)],
            403,
        ),
        row(
            post.clone(),
            "/api/admin/people/signout",
            json!({"email": "ada.lovelace@mo.gov"}),
            &[(ProgramAdmin, 200)],
            403,
        ),
        // The program calendar: everyone reads it; program administrators
        // keep it (the seed's group thirteen and its events, version 1).
        Row {
            open: true,
            ..row(get.clone(), "/api/calendar", json!(null), &[], 200)
        },
        Row {
            open: true,
            ..row(get.clone(), "/api/calendar.ics", json!(null), &[], 200)
        },
        row(
            get.clone(),
            "/api/admin/calendar",
            json!(null),
            &[(ProgramAdmin, 200)],
            403,
        ),
        row(
            post.clone(),
            "/api/admin/calendar/groups",
            json!({"id": "thirty", "name": "Match group thirty", "summary": "A later quarter.",
                   "window_opens": "2031-04-07", "window_closes": "2031-04-18",
                   "approvals_due": "2031-04-25", "matches_on": "2031-04-29"}),
            &[(ProgramAdmin, 201)],
            403,
        ),
        row(
            put.clone(),
            "/api/admin/calendar/groups/thirteen",
            json!({"name": "Match group thirteen", "summary": "First quarter of 2027.",
                   "window_opens": "2027-01-04", "window_closes": "2027-01-15",
                   "approvals_due": "2027-01-22", "matches_on": "2027-01-27", "version": 1}),
            &[(ProgramAdmin, 200)],
            403,
        ),
        row(
            post.clone(),
            "/api/admin/calendar/events",
            json!({"kind": "office-hours", "audience": "everyone", "date": "2031-04-08",
                   "start": "10:00", "end": "10:30", "title": "Office hours",
                   "details": "Questions about applying.", "place": "Online"}),
            &[(ProgramAdmin, 201)],
            403,
        ),
        row(
            put.clone(),
            "/api/admin/calendar/events/g13-training-1",
            json!({"group": "thirteen", "kind": "training", "audience": "mentors-and-mentees",
                   "date": "2027-01-12", "start": "10:30", "end": "11:30",
                   "title": "Mentor and mentee training", "details": "An hour on goals.",
                   "version": 1}),
            &[(ProgramAdmin, 200)],
            403,
        ),
        row(
            post.clone(),
            "/api/admin/calendar/events/g13-office-hours-1/cancel",
            json!({"version": 1}),
            &[(ProgramAdmin, 200)],
            403,
        ),
        // Registering: anyone signed in; the seed's events take no
        // registrations, and nobody here is registered.
        row(
            post,
            "/api/calendar/events/g13-training-1/registration",
            json!({}),
            &[],
            409,
        ),
        row(
            Method::DELETE,
            "/api/calendar/events/g13-training-1/registration",
            json!(null),
            &[],
            404,
        ),
        row(get.clone(), "/api/registrations", json!(null), &[], 200),
        Row {
            open: true,
            ..row(
                get.clone(),
                "/api/calendar/events/g13-training-1/invite.ics",
                json!(null),
                &[],
                200,
            )
        },
        row(
            get.clone(),
            "/api/admin/calendar/events/g13-training-1/registrations",
            json!(null),
            &[(ProgramAdmin, 200)],
            403,
        ),
        row(
            get,
            "/api/admin/calendar/events/g13-training-1/registrations.csv",
            json!(null),
            &[(ProgramAdmin, 200)],
            403,
        ),
        row(
            put,
            "/api/admin/calendar/events/g13-training-1/registrations/ada.lovelace@mo.gov/attendance",
            json!({"attended": true}),
            &[(ProgramAdmin, 404)],
            403,
        ),
    ]
}

async fn call(app: &TestApp, person: &Person, row: &Row, world: &World) -> (u16, Value) {
    let mut request = person
        .client
        .request(row.method.clone(), app.url(&row.path(world)));
    if !row.body.is_null() {
        let body = row.body.to_string().replace("{mentor}", &world.mentor);
        request = request
            .header("content-type", "application/json")
            .body(body);
    }
    let r = request.send().await.expect("request");
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

async fn person(app: &TestApp, who: Who) -> Person {
    match (who, who.email()) {
        (_, None) => app.stepwise(),
        (DepartmentAdmin | OtherDepartmentAdmin | ProgramAdmin, Some(email)) => {
            app.sign_in_with_provider(email).await
        }
        (_, Some(email)) => app.sign_in_on(app.stepwise(), email).await,
    }
}

/// Cells whose answer is not a success: refused, or a conflict with the
/// state. Those must change nothing at all.
fn changes_nothing(status: u16) -> bool {
    !(200..300).contains(&status)
}

/// The cells of one operation, as (cells checked, what differed).
async fn check(row: Row) -> (usize, Vec<String>) {
    let mut wrong = Vec::new();
    let mut cells = 0;
    // One world for the cells that must change nothing...
    let app = spawn_app_with_provider(true).await;
    let w = world(&app).await;
    let mut people = Vec::new();
    for who in EVERYONE {
        people.push((who, person(&app, who).await));
    }
    for (who, p) in &people {
        let expected = row.expected(*who);
        if !changes_nothing(expected) || row.method == Method::GET && expected < 300 {
            continue;
        }
        cells += 1;
        let before = app.table_items();
        let (status, body) = call(&app, p, &row, &w).await;
        if status != expected {
            wrong.push(format!(
                "{row} as {who:?}: {status}, expected {expected}: {body}"
            ));
        }
        if app.table_items() != before {
            wrong.push(format!(
                "{row} as {who:?} answered {status} but changed the table"
            ));
        }
    }
    // ...and reads, unchanged too, all on that world.
    if row.method == Method::GET {
        for (who, p) in &people {
            let expected = row.expected(*who);
            if expected >= 300 {
                continue;
            }
            cells += 1;
            let before = app.table_items();
            let (status, body) = call(&app, p, &row, &w).await;
            if status != expected {
                wrong.push(format!(
                    "{row} as {who:?}: {status}, expected {expected}: {body}"
                ));
            }
            if app.table_items() != before {
                wrong.push(format!("{row} as {who:?}: a read changed the table"));
            }
        }
        return (cells, wrong);
    }
    // Each allowed change on a world of its own.
    for who in EVERYONE {
        let expected = row.expected(who);
        if changes_nothing(expected) {
            continue;
        }
        cells += 1;
        let app = spawn_app_with_provider(true).await;
        let w = world(&app).await;
        let p = person(&app, who).await;
        let (status, body) = call(&app, &p, &row, &w).await;
        if status != expected {
            wrong.push(format!(
                "{row} as {who:?}: {status}, expected {expected}: {body}"
            ));
        }
    }
    (cells, wrong)
}

/// Operations checked at once: each has worlds of its own, and most of
/// the time goes to waiting on sign-ins and requests, not to work.
const AT_ONCE: usize = 4;

#[tokio::test]
async fn every_operation_by_every_role_is_allowed_or_refused_as_the_rules_say_and_refusals_change_nothing()
 {
    let rows = rows();
    let operations = rows.len();
    // The platform a check starts is not `Send`: the checks share this
    // thread, taking turns while each waits.
    let local = tokio::task::LocalSet::new();
    let done = local
        .run_until(async {
            let mut checks = tokio::task::JoinSet::new();
            let mut done = Vec::new();
            for row in rows {
                if checks.len() >= AT_ONCE
                    && let Some(result) = checks.join_next().await
                {
                    done.push(result.expect("an operation's check ran to its end"));
                }
                checks.spawn_local(check(row));
            }
            while let Some(result) = checks.join_next().await {
                done.push(result.expect("an operation's check ran to its end"));
            }
            done
        })
        .await;
    let cells: usize = done.iter().map(|(n, _)| n).sum();
    let wrong: Vec<String> = done.into_iter().flat_map(|(_, w)| w).collect();
    println!(
        "authorization matrix: {operations} operations x {} roles = {cells} cells",
        EVERYONE.len()
    );
    assert_eq!(cells, operations * EVERYONE.len());
    assert!(
        wrong.is_empty(),
        "{} cells differ:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}
