//! What the benchmarks share: seeding approved applications straight into
//! the store, and the dependencies a function's work is given.

use std::sync::Arc;

use jiff::Timestamp;
use moments_adapters::config::ProgramConfig;
use moments_adapters::deps::Deps;
use moments_adapters::mail::Mailer;
use moments_adapters::mail::outbox::Outbox;
use moments_adapters::store::Store;
use moments_adapters::table::Table;
use moments_adapters::table::embedded::EmbeddedTable;
use moments_domain::application::{Application, ApplicationId, Details, Role};
use moments_domain::catalogue::Catalogue;
use moments_domain::fields::{EmailAddress, ProgramDomains};
use rand::RngExt;
use rand::rngs::StdRng;
use serde_json::json;

pub fn env_or(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// An approved application with random skills, hours and department.
pub async fn seed(store: &Store, role: Role, n: usize, rng: &mut StdRng) {
    let c = Catalogue::get();
    let all: Vec<&str> = c.skill_ids().collect();
    let mut skills: Vec<&str> = Vec::new();
    while skills.len() < 3 + rng.random_range(0..4) {
        let s = all[rng.random_range(0..all.len())];
        if !skills.contains(&s) {
            skills.push(s);
        }
    }
    let email = EmailAddress::parse(&format!("{}{n}@mo.gov", role.as_str())).expect("email");
    let hours = ["daytime", "daytime", "evening", "overnight"][rng.random_range(0..4)];
    let department = &c.departments[rng.random_range(0..c.departments.len())].id;
    let body = json!({
        "first_name": format!("Person{n}"), "last_name": role.as_str(),
        "department": department,
        "job_title": "Analyst", "work_location": "Jefferson City",
        "supervisor_first_name": "Sam", "supervisor_last_name": "Boss", "supervisor_email": "sam.boss@mo.gov",
        "working_hours": hours,
        "bio": "Ten years of state service.", "skills": skills, "goals": "Grow.",
        "full_time": true, "not_at_risk": true, "no_disciplinary_action": true, "agreement": true,
    });
    let domains = ProgramDomains::parse("mo.gov").expect("domains");
    let form = serde_json::from_value(body).expect("a form reads any object");
    let details = Details::parse(
        &form,
        role,
        &email,
        &domains,
        &moments_domain::catalogue::Lists::seed(),
    )
    .expect("valid form");
    let mut id = [0u8; 16];
    id[..8].copy_from_slice(&(n as u64).to_be_bytes());
    id[8] = role as u8 + 1;
    let now = Timestamp::now();
    let app = Application::submit(ApplicationId::from_random(id), role, email, details, now);
    moments_tests::store_approved(store, &app, now).await;
}

/// A function's dependencies over `table`, its mail going to the outbox
/// kept in `outbox` (outside the table the costs are counted on).
pub fn deps(table: Arc<dyn Table>, outbox: Arc<EmbeddedTable>) -> Deps {
    let mailer: Arc<dyn Mailer> = Arc::new(Outbox::new(outbox));
    let config = ProgramConfig::new("http://127.0.0.1", "mo.gov", "").expect("config");
    Deps::new(Store::new(table), mailer, config)
}
