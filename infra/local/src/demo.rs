//! Demo data for the local platform (`MOMENTS_DEMO=1`): a department
//! administrator, approved mentors, and applications waiting for review, so
//! every page has something to show. Seeding twice changes nothing.

use jiff::Timestamp;
use moments_adapters::config::ProgramConfig;
use moments_adapters::store::{Store, StoreError};
use moments_domain::access::Actor;
use moments_domain::application::{Application, ApplicationId, Details, Outcome, Role};
use moments_domain::audit::{Action, AuditEntry};
use moments_domain::calendar::{CalendarId, Seed, group_applying, program_today};
use moments_domain::fields::{DepartmentId, EmailAddress};
use serde_json::json;

#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    #[error("demo record {0} is invalid: {1}")]
    Invalid(&'static str, String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

pub const SUPERVISOR: &str = "sam.rivera@mo.gov";
pub const DEPARTMENT_ADMIN: &str = "dana.admin@mo.gov";

struct Person {
    first: &'static str,
    last: &'static str,
    role: Role,
    department: &'static str,
    title: &'static str,
    skills: &'static [&'static str],
    approved: bool,
    bio: &'static str,
    /// The kind of mentorship they would like.
    kind: &'static str,
}

const PEOPLE: &[Person] = &[
    Person {
        first: "Maria",
        last: "Okafor",
        role: Role::Mentor,
        department: "revenue",
        title: "Tax Policy Manager",
        skills: &[
            "policy-writing",
            "leadership",
            "supervision",
            "public-speaking",
        ],
        approved: true,
        bio: "Twenty years in state service, the last eight leading a policy team. I enjoy helping new supervisors find their footing.",
        kind: "either",
    },
    Person {
        first: "James",
        last: "Whitfield",
        role: Role::Mentor,
        department: "transportation",
        title: "Project Engineer",
        skills: &["project-management", "data-analysis", "problem-solving"],
        approved: true,
        bio: "Civil engineer who has run highway projects across the state. Happy to talk planning, budgets and keeping a team moving.",
        kind: "committed",
    },
    Person {
        first: "Priya",
        last: "Shah",
        role: Role::Mentor,
        department: "mental-health",
        title: "Training Coordinator",
        skills: &[
            "training-design",
            "verbal-communication",
            "emotional-intelligence",
            "listening",
        ],
        approved: true,
        bio: "I design onboarding for clinical staff and love seeing people grow into their roles.",
        kind: "flash",
    },
    Person {
        first: "Alex",
        last: "Nguyen",
        role: Role::Mentee,
        department: "revenue",
        title: "Revenue Analyst",
        skills: &["data-analysis", "leadership", "public-speaking"],
        approved: false,
        bio: "Three years at the Department of Revenue, working on collections reporting. I want to grow toward leading a team.",
        kind: "flash",
    },
    Person {
        first: "Jordan",
        last: "Baker",
        role: Role::Mentee,
        department: "revenue",
        title: "Customer Service Representative",
        skills: &[
            "customer-service",
            "conflict-resolution",
            "time-management",
            "career-planning",
        ],
        approved: false,
        bio: "I help taxpayers on the phone every day and want to plan my next step in state service.",
        kind: "either",
    },
];

fn email_of(p: &Person) -> String {
    format!(
        "{}.{}@mo.gov",
        p.first.to_lowercase(),
        p.last.to_lowercase()
    )
}

/// The match group the demo's applications joined: the one a person
/// applying today joins on the calendar a new installation starts from, or,
/// once all of its windows have closed, its last group, so the figures by
/// match group have a group to show whatever the date.
fn demo_group(now: Timestamp) -> Result<Option<CalendarId>, DemoError> {
    let (groups, _) = Seed::compiled().map_err(|e| DemoError::Invalid("calendar", e))?;
    let joined = group_applying(&groups, program_today(now))
        .or_else(|| groups.iter().max_by_key(|g| g.matches_on));
    Ok(joined.map(|g| g.id.clone()))
}

/// Seed the demo records. Idempotent: existing applications are left alone.
pub async fn seed(store: &Store, program: &ProgramConfig, now: Timestamp) -> Result<(), DemoError> {
    seed_department_admin(store, program, now).await?;
    let supervisor =
        EmailAddress::parse(SUPERVISOR).map_err(|e| DemoError::Invalid("supervisor", e))?;
    let group = demo_group(now)?;
    for (n, p) in PEOPLE.iter().enumerate() {
        seed_person(store, program, &supervisor, n, p, &group, now).await?;
    }
    Ok(())
}

/// Revenue's department administrator, added by the first program
/// administrator.
async fn seed_department_admin(
    store: &Store,
    program: &ProgramConfig,
    now: Timestamp,
) -> Result<(), DemoError> {
    let admin =
        EmailAddress::parse(DEPARTMENT_ADMIN).map_err(|e| DemoError::Invalid("admin", e))?;
    let revenue =
        DepartmentId::parse("revenue").map_err(|e| DemoError::Invalid("department", e))?;
    match store
        .add_department_admin(
            &admin,
            &revenue,
            program.program_admins.first().unwrap_or(&admin),
            now,
        )
        .await
    {
        Ok(()) | Err(StoreError::AlreadyExists) => Ok(()),
        Err(e) => Err(e.into()),
    }
}

/// The `n`th person's application, submitted, and approved by the
/// supervisor when the person is `approved`; nothing if they already applied.
async fn seed_person(
    store: &Store,
    program: &ProgramConfig,
    supervisor: &EmailAddress,
    n: usize,
    p: &Person,
    group: &Option<CalendarId>,
    now: Timestamp,
) -> Result<(), DemoError> {
    let email = EmailAddress::parse(&email_of(p)).map_err(|e| DemoError::Invalid(p.first, e))?;
    if store.application_for_role(&email, p.role).await?.is_some() {
        return Ok(());
    }
    let form = serde_json::from_value(application_body(n, p))
        .map_err(|e| DemoError::Invalid(p.first, e.to_string()))?;
    let lists = store.lists().await?;
    let details = Details::parse(&form, p.role, &email, &program.domains, &lists)
        .map_err(|e| DemoError::Invalid(p.first, format!("{:?}", e.0)))?;
    let mut id = [0u8; 16];
    id[0] = 0xde;
    id[15] = n as u8;
    let app = Application::submit(
        ApplicationId::from_random(id),
        p.role,
        email.clone(),
        details,
        now,
    )
    .in_group(group.clone());
    let entry = AuditEntry {
        at: now,
        actor: email.clone(),
        action: Action::Submitted,
        on_behalf_of: None,
        note: None,
    };
    match store.create_application(&app, &entry).await {
        Ok(()) | Err(StoreError::AlreadyExists) => {}
        Err(e) => return Err(e.into()),
    }
    if p.approved {
        let decided = app
            .decide(
                &Actor::new(supervisor.clone()),
                Outcome::Approved,
                None,
                now,
            )
            .map_err(|e| DemoError::Invalid(p.first, e.to_string()))?;
        let entry = AuditEntry {
            at: now,
            actor: supervisor.clone(),
            action: Action::Approved,
            on_behalf_of: None,
            note: None,
        };
        store
            .save_application(app.version, true, &decided, &entry)
            .await?;
    }
    Ok(())
}

/// The application form's fields for the `n`th person, as the API takes them.
fn application_body(n: usize, p: &Person) -> serde_json::Value {
    let mut body = json!({
        "first_name": p.first, "last_name": p.last, "phone": format!("573-555-01{n:02}"),
        "department": p.department, "job_title": p.title, "work_location": "Jefferson City",
        "supervisor_first_name": "Sam", "supervisor_last_name": "Rivera",
        "supervisor_email": SUPERVISOR, "working_hours": "daytime",
        "bio": p.bio, "skills": p.skills, "mentorship_kind": p.kind,
        "full_time": true, "not_at_risk": true, "no_disciplinary_action": true, "agreement": true,
    });
    if p.role == Role::Mentee {
        body["goals"] =
            json!("Build confidence leading meetings and learn how other departments work.");
    }
    body
}
