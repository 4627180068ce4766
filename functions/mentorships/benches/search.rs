//! Mentor search with 2,000 listed mentors (`MOMENTS_BENCH_MENTORS` for
//! another number) in the embedded store, wrapped in DynamoDB's cost model
//! (`moments_adapters::table::cost`): wall time of the search handler
//! (bringing the function's copy of the listing up to date, filtering,
//! ranking, reading and explaining the page, JSON) beside what one search
//! would cost on DynamoDB: round trips, items and read units, and its time
//! with 5 ms a round trip (wall plus the modelled latency of its calls, which
//! run one after another), median and p99 over the case's runs, and apart
//! from it the waits for throughput of the busiest partition, whose 3,000
//! read units a second the searches, run back to back, may exceed. The first
//! search of a cold function, which reads the whole listing, is shown on its
//! own. Run: `cargo bench -p moments-mentorships --bench search`.

use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::extract::State;
use jiff::Timestamp;
use moments_adapters::config::ProgramConfig;
use moments_adapters::deps::Deps;
use moments_adapters::http::{Caller, Query};
use moments_adapters::mail::outbox::Outbox;
use moments_adapters::store::Store;
use moments_adapters::table::cost::{CostModel, ModelledTable};
use moments_adapters::table::embedded::EmbeddedTable;
use moments_domain::access::Actor;
use moments_domain::application::{Application, ApplicationId, Details, Outcome, Role};
use moments_domain::audit::{Action, AuditEntry};
use moments_domain::catalogue::Catalogue;
use moments_domain::fields::{EmailAddress, ProgramDomains};
use moments_mentorships::search::{SearchParams, search};
use serde_json::json;

/// Listed mentors, unless `MOMENTS_BENCH_MENTORS` says otherwise.
const MENTORS: usize = 2_000;
const RUNS: usize = 50;

fn details(role: Role, email: &EmailAddress, rng: &mut StdRng) -> Details {
    let c = Catalogue::get();
    let skills: Vec<&str> = c.skill_ids().collect();
    let mut chosen: Vec<&str> = Vec::new();
    let want = 3 + rng.random_range(0..4);
    while chosen.len() < want {
        let s = skills[rng.random_range(0..skills.len())];
        if !chosen.contains(&s) {
            chosen.push(s);
        }
    }
    let hours = ["daytime", "daytime", "daytime", "evening", "overnight"][rng.random_range(0..5)];
    let dept = &c.departments[rng.random_range(0..c.departments.len())].id;
    let n = rng.random_range(0..100_000);
    let body = json!({
        "first_name": format!("Mentor{n}"), "last_name": format!("Person{}", rng.random_range(0..1000)),
        "department": dept, "job_title": "Program Specialist", "work_location": "Jefferson City",
        "supervisor_first_name": "Sam", "supervisor_last_name": "Boss", "supervisor_email": "sam.boss@mo.gov",
        "working_hours": hours, "bio": "Twenty years of state service across three departments. ".repeat(4),
        "skills": chosen, "goals": "Grow as a leader.",
        "full_time": true, "not_at_risk": true, "no_disciplinary_action": true, "agreement": true,
    });
    let domains = ProgramDomains::parse("mo.gov").expect("domains");
    let form = serde_json::from_value(body).expect("a form reads any object");
    Details::parse(
        &form,
        role,
        email,
        &domains,
        &moments_domain::catalogue::Lists::seed(),
    )
    .expect("valid")
}

async fn seed(store: &Store, n: usize, role: Role, rng: &mut StdRng) -> Vec<EmailAddress> {
    let boss = EmailAddress::parse("sam.boss@mo.gov").expect("email");
    let now = Timestamp::now();
    let mut out = Vec::new();
    for i in 0..n {
        let email = EmailAddress::parse(&format!("{}{i}@mo.gov", role.as_str())).expect("email");
        let mut id = [0u8; 16];
        id[..8].copy_from_slice(&(i as u64).to_be_bytes());
        id[8] = role as u8;
        let app = Application::submit(
            ApplicationId::from_random(id),
            role,
            email.clone(),
            details(role, &email, rng),
            now,
        );
        let entry = |actor: &EmailAddress, action| AuditEntry {
            at: now,
            actor: actor.clone(),
            action,
            on_behalf_of: None,
            note: None,
        };
        store
            .create_application(&app, &entry(&email, Action::Submitted))
            .await
            .expect("create");
        let approved = app
            .decide(&Actor::new(boss.clone()), Outcome::Approved, None, now)
            .expect("decide");
        store
            .save_application(
                app.version,
                true,
                &approved,
                &entry(&boss, Action::Approved),
            )
            .await
            .expect("approve");
        out.push(email);
    }
    out
}

fn params(department: &str, skills: &str, hours: &str, name: &str) -> SearchParams {
    SearchParams {
        department: department.into(),
        skills: skills.into(),
        hours: hours.into(),
        name: name.into(),
        ..SearchParams::default()
    }
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let dir = tempfile::tempdir().expect("temp dir");
    let embedded = Arc::new(EmbeddedTable::open(&dir.path().join("bench.redb")).expect("store"));
    let table = Arc::new(ModelledTable::new(embedded.clone(), CostModel::default()));
    let store = Store::new(table.clone());
    let mentors = std::env::var("MOMENTS_BENCH_MENTORS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(MENTORS);
    let mut rng = StdRng::seed_from_u64(2026);
    let started = Instant::now();
    let seeded = seed(&store, mentors, Role::Mentor, &mut rng).await;
    let mentee = seed(&store, 1, Role::Mentee, &mut rng).await.remove(0);
    eprintln!(
        "seeded {mentors} approved mentors in {:.1?}",
        started.elapsed()
    );
    // Searches do not come in the same seconds as thousands of approvals:
    // let the seeding's change notices age past a copy's overlap.
    tokio::time::sleep(Duration::from_secs(11)).await;
    table.settle();

    let config = ProgramConfig::new("http://127.0.0.1", "mo.gov", "").expect("config");
    let deps = Deps::new(store.clone(), Arc::new(Outbox::new(embedded)), config);
    let caller = Caller(Actor::new(mentee));

    let cases = [
        ("no filter", params("", "", "", "")),
        ("working hours", params("", "", "evening", "")),
        ("department", params("revenue", "", "", "")),
        ("two skills", params("", "leadership,budgeting", "", "")),
        ("name", params("", "", "", "mentor12")),
        (
            "all filters",
            params("revenue", "leadership,budgeting", "daytime", "mentor"),
        ),
    ];
    println!(
        "| search ({mentors} listed mentors) | median ms (wall) | median ms (5 ms model) | p99 ms (5 ms model) | results | round trips | items read | read units | throttled calls | ms waiting for throughput |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    let mut first = true;
    for (name, p) in cases {
        if first {
            // A cold function: its first search reads the whole listing.
            first = false;
            let before = table.costs();
            let t = Instant::now();
            let _cold = search(
                State(deps.clone()),
                caller.clone(),
                Query(params("", "", "", "")),
            )
            .await
            .expect("search");
            let wall = t.elapsed();
            let spent = table.costs().since(&before);
            println!(
                "| first search of a cold function | {:.2} | {:.2} | | | {} | {} | {:.1} | {} | {:.1} |",
                wall.as_secs_f64() * 1e3,
                (wall + spent.modelled - spent.waited).as_secs_f64() * 1e3,
                spent.round_trips,
                spent.items_read,
                spent.read_units,
                spent.throttles,
                spent.waited.as_secs_f64() * 1e3,
            );
        }
        case(&deps, &caller, &table, name, &p).await;
    }
    // A busy hour: 50 mentors change their availability in the seconds
    // before each search.
    let boss = EmailAddress::parse("sam.boss@mo.gov").expect("email");
    let mut changes = Vec::new();
    for email in seeded.iter().take(50) {
        let app = store
            .application_for_role(email, Role::Mentor)
            .await
            .expect("read")
            .expect("mentor");
        changes.push(app);
    }
    for (n, app) in changes.iter().enumerate() {
        let (_, capacity) = store
            .application_with_capacity(&app.id)
            .await
            .expect("read")
            .expect("mentor");
        let entry = AuditEntry {
            at: Timestamp::now(),
            actor: boss.clone(),
            action: Action::AvailabilityChanged,
            on_behalf_of: None,
            note: None,
        };
        store
            .set_availability(app, capacity, n % 2 == 0, &entry)
            .await
            .expect("availability");
    }
    case(
        &deps,
        &caller,
        &table,
        "no filter, 50 listing changes in the last 10 s",
        &params("", "", "", ""),
    )
    .await;
}

/// Run one case `RUNS` times and print its row.
async fn case(deps: &Deps, caller: &Caller, table: &ModelledTable, name: &str, p: &SearchParams) {
    let mut walls = Vec::with_capacity(RUNS);
    let mut modelled = Vec::with_capacity(RUNS);
    let mut total = 0;
    let before = table.costs();
    for _ in 0..RUNS {
        let q = params(&p.department, &p.skills, &p.hours, &p.name);
        let run_before = table.costs();
        let t = Instant::now();
        let answer = search(State(deps.clone()), caller.clone(), Query(q))
            .await
            .expect("search");
        let wall = t.elapsed();
        walls.push(wall);
        let run = table.costs().since(&run_before);
        modelled.push(wall + run.modelled - run.waited);
        total = serde_json::to_value(&answer.0).expect("answer")["total"]
            .as_u64()
            .unwrap_or(0);
    }
    walls.sort();
    modelled.sort();
    let spent = table.costs().since(&before);
    let per = |n: f64| n / RUNS as f64;
    println!(
        "| {name} | {:.2} | {:.2} | {:.2} | {total} | {:.1} | {:.1} | {:.1} | {:.1} | {:.1} |",
        percentile(&walls, 0.5).as_secs_f64() * 1e3,
        percentile(&modelled, 0.5).as_secs_f64() * 1e3,
        percentile(&modelled, 0.99).as_secs_f64() * 1e3,
        per(spent.round_trips as f64),
        per(spent.items_read as f64),
        per(spent.read_units),
        per(spent.throttles as f64),
        per(spent.waited.as_secs_f64() * 1e3),
    );
}
