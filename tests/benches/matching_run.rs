//! The quarterly matching run against the table as DynamoDB would serve it:
//! 10,000 approved mentees and 2,000 listed mentors (`MOMENTS_BENCH_MENTEES`,
//! `MOMENTS_BENCH_MENTORS`) in the embedded store, the run's reads and
//! writes going through the cost model (`moments_adapters::table::cost`).
//!
//! Printed for the administrator's preview (`compute`) and for publishing
//! (`publish`: a list stored and an email claimed and sent per mentee): round
//! trips, read and write units, the modelled time if each round trip were
//! waited for in turn, and the preview's time with 5 ms slept per round
//! trip, so that the reads it makes side by side overlap as they would
//! (`MOMENTS_BENCH_SLEEP=0` skips that run), and the size of the preview's
//! answer beside Lambda's 6 MB limit.
//!
//! Run: `cargo bench -p moments-tests --bench matching_run`.

use std::sync::Arc;
use std::time::{Duration, Instant};

use jiff::Timestamp;
use moments_adapters::config::ProgramConfig;
use moments_adapters::deps::Deps;
use moments_adapters::mail::outbox::Outbox;
use moments_adapters::store::Store;
use moments_adapters::table::Table;
use moments_adapters::table::cost::{CostModel, Costs, ModelledTable};
use moments_adapters::table::embedded::EmbeddedTable;
use moments_domain::application::{Application, ApplicationId, Details, Role};
use moments_domain::catalogue::Catalogue;
use moments_domain::fields::{EmailAddress, ProgramDomains};
use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};
use serde_json::json;

fn env_or(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// An approved application with random skills, hours and department.
async fn seed(store: &Store, role: Role, n: usize, rng: &mut StdRng) {
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
    let details = Details::parse(&form, role, &email, &domains).expect("valid form");
    let mut id = [0u8; 16];
    id[..8].copy_from_slice(&(n as u64).to_be_bytes());
    id[8] = role as u8 + 1;
    let now = Timestamp::now();
    let app = Application::submit(ApplicationId::from_random(id), role, email, details, now);
    moments_tests::store_approved(store, &app, now).await;
}

fn deps(table: Arc<dyn Table>, outbox: Arc<EmbeddedTable>) -> Deps {
    let config = ProgramConfig::new("http://127.0.0.1", "mo.gov", "").expect("config");
    Deps::new(Store::new(table), Arc::new(Outbox::new(outbox)), config)
}

fn line(what: &str, costs: &Costs, wall: Duration) {
    println!(
        "{what}: {costs} (that is, {:.1} s if each round trip is waited for in turn); {:.1} s wall without waits",
        (costs.modelled - costs.waited).as_secs_f64(),
        wall.as_secs_f64(),
    );
}

#[tokio::main]
async fn main() {
    let mentees = env_or("MOMENTS_BENCH_MENTEES", 10_000);
    let mentors = env_or("MOMENTS_BENCH_MENTORS", 2_000);
    let dir = tempfile::tempdir().expect("temp dir");
    let embedded = Arc::new(EmbeddedTable::open(&dir.path().join("bench.redb")).expect("table"));
    let store = Store::new(embedded.clone());
    let mut rng = StdRng::seed_from_u64(2026);
    let started = Instant::now();
    for n in 0..mentors {
        seed(&store, Role::Mentor, n, &mut rng).await;
    }
    for n in 0..mentees {
        seed(&store, Role::Mentee, mentors + n, &mut rng).await;
    }
    eprintln!(
        "seeded {mentors} mentors and {mentees} mentees in {:.1?}",
        started.elapsed()
    );
    let now = Timestamp::now();

    // Counted, not slept: every call of the preview and of publishing.
    let counted = Arc::new(ModelledTable::new(embedded.clone(), CostModel::default()));
    let run = deps(counted.clone(), embedded.clone());
    let t = Instant::now();
    let proposal = moments_usecases::matching::compute(&run, now)
        .await
        .expect("preview");
    let preview_wall = t.elapsed();
    let preview = counted.costs();
    let answer = serde_json::to_vec(&proposal).expect("answer").len();
    println!(
        "matching {} mentees ({} with suggestions) × {mentors} mentors, total fit {}",
        proposal.figures.mentees, proposal.figures.with_suggestions, proposal.figures.total_fit
    );
    line("preview", &preview, preview_wall);
    println!(
        "  preview answer {:.2} MB (Lambda answers at most 6 MB)",
        answer as f64 / 1e6
    );

    if std::env::var("MOMENTS_BENCH_SLEEP").as_deref() != Ok("0") {
        let sleeping = Arc::new(ModelledTable::new(
            embedded.clone(),
            CostModel {
                sleep: true,
                ..CostModel::default()
            },
        ));
        let slept = deps(sleeping, embedded.clone());
        let t = Instant::now();
        moments_usecases::matching::compute(&slept, now)
            .await
            .expect("preview");
        println!(
            "  preview with 5 ms slept per round trip: {:.1} s",
            t.elapsed().as_secs_f64()
        );
    }

    let before = counted.costs();
    let t = Instant::now();
    let emailed = moments_usecases::matching::publish(&run, &proposal, now)
        .await
        .expect("publish");
    let publish = counted.costs().since(&before);
    line(
        &format!("publish ({emailed} emailed)"),
        &publish,
        t.elapsed(),
    );
}
