//! Load on the whole local platform over loopback HTTP, in three parts,
//! each printing throughput, p50/p99 latency and the share of 409s per
//! action, and errors (5xx and transport):
//!
//! 1. **The ceiling**: the same clients against a bare axum route on
//!    loopback, what this machine can serve at all (`LOAD_CEILING_SECONDS`,
//!    default 10).
//! 2. **The quarterly burst**: the suggestions email has gone to every
//!    mentee and a third of them come within the hour, here all at once:
//!    each reads their suggestions, searches by one of their skills (half
//!    of them look at page 2 too, and at a mentor's profile), and one in
//!    five selects a mentor.
//! 3. **A busy day**: for `LOAD_SECONDS` (default 30), mentees search and
//!    send "Select as Mentor" requests to mentors they found while mentors
//!    accept them.
//!
//! Then it checks the program's invariants on the store: nobody over two
//! active mentorships, counts, listings and pair guards agreeing with the
//! records, and search showing exactly the mentors who can still take a
//! mentee.
//!
//! Every table call goes through DynamoDB's cost model
//! (`moments_adapters::table::cost`, not sleeping, so the wall figures are
//! the embedded store's): the run's round trips, read and write units, the
//! calls its busiest partitions would throttle, and the modelled time at
//! 5 ms a round trip are printed beside the wall time.
//!
//! The listing is the size the program expects (2,000 mentors and 2,000
//! mentees unless `LOAD_MENTORS`, `LOAD_MENTEES` say otherwise), so most
//! mentors still have room at the end of the run and every search ranks
//! a full listing.
//!
//! Run: `cargo bench -p moments-tests --bench load`
//! (`LOAD_SECONDS`, `LOAD_WORKERS` change the defaults of 30 and 16).

use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};
use std::collections::{BTreeMap, BTreeSet};
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use jiff::Timestamp;
use moments_adapters::deps::Clock;
use moments_adapters::store::Store;
use moments_adapters::table::cost::{CostModel, Costs, ModelledTable};
use moments_adapters::table::embedded::EmbeddedTable;
use moments_domain::application::{Application, ApplicationId, Details, Role};
use moments_domain::catalogue::Catalogue;
use moments_domain::fields::{EmailAddress, ProgramDomains};
use moments_local::{LocalConfig, build_on, workspace_root};
use reqwest::{Client, Method, StatusCode};
use serde_json::{Value, json};

const MENTORS: u64 = 2_000;
const MENTEES: u64 = 2_000;

fn skills(rng: &mut StdRng) -> Vec<&'static str> {
    let all: Vec<&str> = Catalogue::get().skill_ids().collect();
    let mut chosen = Vec::new();
    while chosen.len() < 3 {
        let s = all[rng.random_range(0..all.len())];
        if !chosen.contains(&s) {
            chosen.push(s);
        }
    }
    chosen
}

/// An approved application put straight into the store; its id and skills.
async fn approved(
    store: &Store,
    email: &str,
    role: Role,
    n: usize,
    rng: &mut StdRng,
) -> (ApplicationId, Vec<&'static str>) {
    let applicant = EmailAddress::parse(email).expect("email");
    let chosen = skills(rng);
    let body = json!({
        "first_name": format!("Person{n}"), "last_name": role.as_str(), "department": "revenue",
        "job_title": "Analyst", "work_location": "Jefferson City",
        "supervisor_first_name": "Sam", "supervisor_last_name": "Boss", "supervisor_email": "sam.boss@mo.gov",
        "working_hours": "daytime", "bio": "Ten years of state service.", "skills": chosen,
        "goals": "Grow.", "full_time": true, "not_at_risk": true, "no_disciplinary_action": true,
        "agreement": true,
    });
    let domains = ProgramDomains::parse("mo.gov").expect("domains");
    let details = Details::parse(
        &serde_json::from_value(body).expect("a form reads any object"),
        role,
        &applicant,
        &domains,
        &moments_domain::catalogue::Lists::seed(),
    )
    .expect("valid form");
    let mut id = [0u8; 16];
    id[..8].copy_from_slice(&(n as u64).to_be_bytes());
    id[8] = role as u8 + 1;
    let now = Timestamp::now();
    let app = Application::submit(
        ApplicationId::from_random(id),
        role,
        applicant.clone(),
        details,
        now,
    );
    moments_tests::store_approved(store, &app, now).await;
    (app.id, chosen)
}

/// A browser of its own, from its own loopback address (sign-in limits
/// count per source), signed in through the emailed link.
async fn sign_in(
    base: &str,
    outbox: &moments_adapters::mail::outbox::Outbox,
    email: &str,
    n: usize,
) -> Client {
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert(reqwest::header::ORIGIN, base.parse().expect("origin"));
    let [_, _, hi, lo] = (n as u32).to_be_bytes();
    let client = Client::builder()
        .cookie_store(true)
        .default_headers(headers)
        .local_address(IpAddr::V4(Ipv4Addr::new(127, 3, hi, lo)))
        .build()
        .expect("client");
    let r = client
        .post(format!("{base}/api/auth/link"))
        .json(&json!({"email": email}))
        .send()
        .await
        .expect("link");
    assert_eq!(r.status(), StatusCode::ACCEPTED, "link for {email}");
    let mail = outbox
        .list(50)
        .await
        .expect("outbox")
        .into_iter()
        .find(|m| m.to == email)
        .expect("sign-in email");
    let start = mail.text.find("token=").expect("token") + "token=".len();
    let token: String = mail.text[start..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect();
    let r = client
        .post(format!("{base}/api/auth/session"))
        .json(&json!({"token": token}))
        .send()
        .await
        .expect("session");
    assert_eq!(r.status(), StatusCode::OK);
    client
}

#[derive(Default)]
struct Tally {
    /// Per action: latencies and statuses.
    latencies: BTreeMap<&'static str, Vec<Duration>>,
    statuses: BTreeMap<(&'static str, u16), u64>,
    errors: u64,
}

async fn timed(
    client: &Client,
    method: Method,
    url: String,
    body: Option<Value>,
) -> (Duration, Result<(StatusCode, Value), String>) {
    let started = Instant::now();
    let mut request = client.request(method, url);
    if let Some(body) = body {
        request = request.json(&body);
    }
    let result = match request.send().await {
        Ok(r) => {
            let status = r.status();
            Ok((status, r.json().await.unwrap_or(Value::Null)))
        }
        Err(e) => Err(e.to_string()),
    };
    (started.elapsed(), result)
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

fn env_or(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

#[tokio::main]
async fn main() {
    let seconds = env_or("LOAD_SECONDS", 30);
    let workers = env_or("LOAD_WORKERS", 16) as usize;
    let mentor_count = env_or("LOAD_MENTORS", MENTORS) as usize;
    let mentee_count = env_or("LOAD_MENTEES", MENTEES) as usize;
    let dir = tempfile::tempdir().expect("temp dir");
    let table = Arc::new(EmbeddedTable::open(&dir.path().join("moments.redb")).expect("table"));
    let modelled = Arc::new(ModelledTable::new(table.clone(), CostModel::default()));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    let config = LocalConfig {
        data_dir: dir.path().join("data"),
        site_dir: workspace_root().join("site"),
        base_url: base.clone(),
        domains: "mo.gov".into(),
        program_admins: "admin@mo.gov".into(),
        demo: false,
        oidc: None,
        admins_use_provider: false,
    };
    let platform = build_on(&config, Clock::System, modelled.clone())
        .await
        .expect("platform");
    let (store, outbox) = (platform.store.clone(), platform.outbox.clone());
    let service = platform
        .router
        .into_make_service_with_connect_info::<SocketAddr>();
    tokio::spawn(async move { axum::serve(listener, service).await });

    let started = Instant::now();
    let mut rng = StdRng::seed_from_u64(2026);
    let mut mentors = Vec::new();
    for n in 0..mentor_count {
        let email = format!("mentor{n}@mo.gov");
        let (id, _) = approved(&store, &email, Role::Mentor, n, &mut rng).await;
        mentors.push((email, id));
    }
    let mut mentees = Vec::new();
    let mut mentee_skills = Vec::new();
    for n in 0..mentee_count {
        let email = format!("mentee{n}@mo.gov");
        let (_, chosen) = approved(&store, &email, Role::Mentee, mentor_count + n, &mut rng).await;
        mentees.push(email);
        mentee_skills.push(chosen[0]);
    }
    let mut mentor_clients = Vec::new();
    for (n, (email, _)) in mentors.iter().enumerate() {
        mentor_clients.push(sign_in(&base, &outbox, email, n).await);
    }
    let mut mentee_clients = Vec::new();
    for (n, email) in mentees.iter().enumerate() {
        mentee_clients.push(sign_in(&base, &outbox, email, mentor_count + n).await);
    }
    eprintln!(
        "seeded {mentor_count} mentors and {mentee_count} mentees, all signed in, in {:.1?}",
        started.elapsed()
    );

    let mentor_clients = Arc::new(mentor_clients);
    let mentee_clients = Arc::new(mentee_clients);

    // 1. What this machine serves at all: a bare axum route.
    let ceiling_seconds = env_or("LOAD_CEILING_SECONDS", 10);
    let (mut bare, elapsed) = ceiling(workers, ceiling_seconds).await;
    let ceiling_rate = report("the ceiling: a bare axum route", &mut bare, elapsed, None);

    // 2. The quarterly burst: a third of the mentees, all at once.
    modelled.settle();
    let before = modelled.costs();
    let (mut burst, elapsed) = quarterly_burst(
        &base,
        workers,
        mentee_clients.clone(),
        Arc::new(mentee_skills),
    )
    .await;
    let costs = modelled.costs().since(&before);
    let burst_rate = report(
        &format!(
            "the quarterly burst: {} of {mentee_count} mentees come at once",
            mentee_count.div_ceil(3)
        ),
        &mut burst,
        elapsed,
        Some(&costs),
    );

    // 3. A busy day.
    modelled.settle();
    let before = modelled.costs();
    let (mut day, elapsed) = busy_day(
        &base,
        workers,
        seconds,
        mentor_clients.clone(),
        mentee_clients.clone(),
    )
    .await;
    let costs = modelled.costs().since(&before);
    report(
        &format!("a busy day: {workers} workers for {seconds} s"),
        &mut day,
        elapsed,
        Some(&costs),
    );
    println!(
        "the burst ran at {:.0}% of the bare route's rate",
        burst_rate * 100.0 / ceiling_rate.max(1.0)
    );
    let errors = bare.errors + burst.errors + day.errors;

    // The invariants, on every item of the store.
    let items = table.items().expect("items");
    let problems = moments_tests::invariants(&items);
    let most_active = items
        .values()
        .filter(|i| i.get("kind").and_then(Value::as_str) == Some("application"))
        .filter_map(|i| i.get("active").and_then(Value::as_u64))
        .max()
        .unwrap_or(0);
    let mentorships = items
        .values()
        .filter(|i| i.get("kind").and_then(Value::as_str) == Some("mentorship"))
        .count();
    // Search shows exactly the mentors the store lists.
    let searcher = &mentee_clients[0];
    let mut shown = BTreeSet::new();
    for page in 1.. {
        let (_, r) = timed(
            searcher,
            Method::GET,
            format!("{base}/api/mentors?page={page}"),
            None,
        )
        .await;
        let (_, v) = r.expect("search");
        for m in v["mentors"].as_array().into_iter().flatten() {
            shown.insert(m["id"].as_str().unwrap_or_default().to_string());
        }
        if page >= v["pages"].as_u64().unwrap_or(1) {
            break;
        }
    }
    let mut listed = BTreeSet::new();
    for (_, id) in mentors.iter() {
        let (app, capacity) = store
            .application_with_capacity(id)
            .await
            .expect("read")
            .expect("mentor");
        if moments_domain::mentorship::is_listed(&app, capacity) {
            listed.insert(id.to_string());
        }
    }
    println!(
        "invariants: {mentorships} mentorships made, most active per person {most_active} (at most 2), \
         {} mentors searchable and {} listed by the store: {}",
        shown.len(),
        listed.len(),
        if problems.is_empty() && shown == listed && most_active <= 2 {
            "all hold".to_string()
        } else {
            format!("BROKEN: {problems:?}; search {shown:?} vs listed {listed:?}")
        }
    );
    if !problems.is_empty() || shown != listed || most_active > 2 || errors > 0 {
        std::process::exit(1);
    }
}

/// The workers' tallies as one, once each has finished.
async fn merged(tasks: Vec<tokio::task::JoinHandle<Tally>>) -> Tally {
    let mut all = Tally::default();
    for task in tasks {
        let t = task.await.expect("worker");
        for (k, v) in t.latencies {
            all.latencies.entry(k).or_default().extend(v);
        }
        for (k, v) in t.statuses {
            *all.statuses.entry(k).or_default() += v;
        }
        all.errors += t.errors;
    }
    all
}

/// Print a part's figures; its requests a second.
fn report(part: &str, all: &mut Tally, elapsed: Duration, costs: Option<&Costs>) -> f64 {
    let total: usize = all.latencies.values().map(Vec::len).sum();
    let mut every: Vec<Duration> = all.latencies.values().flatten().copied().collect();
    every.sort();
    let rate = total as f64 / elapsed.as_secs_f64();
    println!(
        "{part}: {total} requests in {:.1} s, {rate:.0} requests/s, p50 {:.1?}, p99 {:.1?}, errors (5xx or transport) {}",
        elapsed.as_secs_f64(),
        percentile(&every, 0.50),
        percentile(&every, 0.99),
        all.errors
    );
    if let Some(costs) = costs {
        // Not sleeping, the calls come faster than any partition refills, so
        // only the number of throttled calls means something, not their wait.
        println!(
            "  on DynamoDB: {} round trips ({} get, {} query, {} write), {} items read, {:.0} read units, {:.0} write units, {} calls throttled, {} transaction conflicts; \
             per request {:.1} round trips, {:.1} read units, {:.1} write units, {:.1} ms modelled",
            costs.round_trips,
            costs.gets,
            costs.queries,
            costs.writes,
            costs.items_read,
            costs.read_units,
            costs.write_units,
            costs.throttles,
            costs.conflicts,
            costs.round_trips as f64 / total.max(1) as f64,
            costs.read_units / total.max(1) as f64,
            costs.write_units / total.max(1) as f64,
            costs.modelled.saturating_sub(costs.waited).as_secs_f64() * 1e3 / total.max(1) as f64,
        );
    }
    for (action, latencies) in &mut all.latencies {
        latencies.sort();
        let statuses: Vec<String> = all
            .statuses
            .iter()
            .filter(|((a, _), _)| a == action)
            .map(|((_, s), n)| format!("{s}×{n}"))
            .collect();
        let refused = all.statuses.get(&(*action, 409)).copied().unwrap_or(0);
        println!(
            "  {action:14} {:6} requests  p50 {:8.1?}  p99 {:8.1?}  409 {:5.1}%  statuses {}",
            latencies.len(),
            percentile(latencies, 0.50),
            percentile(latencies, 0.99),
            refused as f64 * 100.0 / latencies.len().max(1) as f64,
            statuses.join(" ")
        );
    }
    rate
}

/// The same clients against a bare axum route on loopback, for `seconds`.
async fn ceiling(workers: usize, seconds: u64) -> (Tally, Duration) {
    let app = axum::Router::new().route(
        "/ping",
        axum::routing::get(|| async { axum::Json(json!({"ok": true})) }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let url = format!("http://{}/ping", listener.local_addr().expect("addr"));
    tokio::spawn(async move { axum::serve(listener, app).await });
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let started = Instant::now();
    let tasks: Vec<_> = (0..workers)
        .map(|_| {
            let url = url.clone();
            tokio::spawn(async move {
                let client = Client::new();
                let mut tally = Tally::default();
                while Instant::now() < deadline {
                    let (spent, r) = timed(&client, Method::GET, url.clone(), None).await;
                    record(&mut tally, "bare route", spent, &r);
                }
                tally
            })
        })
        .collect();
    (merged(tasks).await, started.elapsed())
}

/// A third of the mentees, each once: their suggestions, a search by one
/// of their skills (half also page 2 and a mentor's profile), and one in
/// five selects a mentor they found.
async fn quarterly_burst(
    base: &str,
    workers: usize,
    mentee_clients: Arc<Vec<Client>>,
    mentee_skills: Arc<Vec<&'static str>>,
) -> (Tally, Duration) {
    let next = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    let tasks: Vec<_> = (0..workers)
        .map(|_| {
            let (base, next, clients, skills) = (
                base.to_string(),
                next.clone(),
                mentee_clients.clone(),
                mentee_skills.clone(),
            );
            tokio::spawn(async move {
                let mut tally = Tally::default();
                loop {
                    // Every third mentee comes.
                    let i = next.fetch_add(1, Ordering::Relaxed) as usize * 3;
                    if i >= clients.len() {
                        break tally;
                    }
                    let c = &clients[i];
                    let (spent, r) =
                        timed(c, Method::GET, format!("{base}/api/suggestions"), None).await;
                    record(&mut tally, "suggestions", spent, &r);
                    let search = format!("{base}/api/mentors?skills={}", skills[i]);
                    let (spent, found) = timed(c, Method::GET, search.clone(), None).await;
                    record(&mut tally, "search", spent, &found);
                    let cards = found
                        .ok()
                        .and_then(|(_, v)| v["mentors"].as_array().cloned())
                        .unwrap_or_default();
                    let Some(card) = cards.get(i % cards.len().max(1)) else {
                        continue;
                    };
                    let mentor = card["id"].as_str().unwrap_or_default().to_string();
                    if i.is_multiple_of(2) {
                        let (spent, r) =
                            timed(c, Method::GET, format!("{search}&page=2"), None).await;
                        record(&mut tally, "search", spent, &r);
                        let profile = format!("{base}/api/mentors/{mentor}");
                        let (spent, r) = timed(c, Method::GET, profile, None).await;
                        record(&mut tally, "profile", spent, &r);
                    }
                    if i.is_multiple_of(5) {
                        let body = json!({"mentor": mentor});
                        let url = format!("{base}/api/requests");
                        let (spent, r) = timed(c, Method::POST, url, Some(body)).await;
                        record(&mut tally, "request", spent, &r);
                    }
                }
            })
        })
        .collect();
    (merged(tasks).await, started.elapsed())
}

/// For `seconds`: half the time a mentee searches by a skill, three tenths
/// a mentee searches a page and selects a mentor found there, and a fifth
/// a mentor reads their requests and accepts a pending one.
async fn busy_day(
    base: &str,
    workers: usize,
    seconds: u64,
    mentor_clients: Arc<Vec<Client>>,
    mentee_clients: Arc<Vec<Client>>,
) -> (Tally, Duration) {
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let seed = Arc::new(AtomicU64::new(7));
    let started = Instant::now();
    let tasks: Vec<_> = (0..workers)
        .map(|w| {
            let (base, mentor_clients, mentee_clients, seed) = (
                base.to_string(),
                mentor_clients.clone(),
                mentee_clients.clone(),
                seed.clone(),
            );
            tokio::spawn(async move {
                let mut rng =
                    StdRng::seed_from_u64(seed.fetch_add(w as u64 * 7919 + 1, Ordering::Relaxed));
                let mut tally = Tally::default();
                while Instant::now() < deadline {
                    let roll = rng.random_range(0..100);
                    let (action, client, method, url, body) = if roll < 50 {
                        let skill = skills(&mut rng)[0];
                        let c = &mentee_clients[rng.random_range(0..mentee_clients.len())];
                        (
                            "search",
                            c,
                            Method::GET,
                            format!("{base}/api/mentors?skills={skill}"),
                            None,
                        )
                    } else if roll < 80 {
                        // Search, then select one of the mentors found.
                        let c = &mentee_clients[rng.random_range(0..mentee_clients.len())];
                        let page = 1 + rng.random_range(0..3);
                        let url = format!("{base}/api/mentors?page={page}");
                        let (spent, found) = timed(c, Method::GET, url, None).await;
                        record(&mut tally, "search", spent, &found);
                        let cards = found
                            .ok()
                            .and_then(|(_, v)| v["mentors"].as_array().cloned())
                            .unwrap_or_default();
                        if cards.is_empty() {
                            continue;
                        }
                        let body =
                            json!({"mentor": cards[rng.random_range(0..cards.len())]["id"].clone()});
                        (
                            "request",
                            c,
                            Method::POST,
                            format!("{base}/api/requests"),
                            Some(body),
                        )
                    } else {
                        // A mentor looks at their requests and accepts a pending one.
                        let c = &mentor_clients[rng.random_range(0..mentor_clients.len())];
                        let (spent, listed) =
                            timed(c, Method::GET, format!("{base}/api/requests"), None).await;
                        record(&mut tally, "list requests", spent, &listed);
                        let pending = listed.ok().and_then(|(_, v)| {
                            v["incoming"].as_array().and_then(|all| {
                                all.iter()
                                    .find(|r| r["status"] == "pending")
                                    .and_then(|r| r["id"].as_str().map(str::to_string))
                            })
                        });
                        let Some(id) = pending else { continue };
                        (
                            "accept",
                            c,
                            Method::POST,
                            format!("{base}/api/requests/{id}/accept"),
                            Some(json!({})),
                        )
                    };
                    let (spent, result) = timed(client, method, url, body).await;
                    record(&mut tally, action, spent, &result);
                }
                tally
            })
        })
        .collect();
    (merged(tasks).await, started.elapsed())
}

fn record(
    tally: &mut Tally,
    action: &'static str,
    spent: Duration,
    result: &Result<(StatusCode, Value), String>,
) {
    tally.latencies.entry(action).or_default().push(spent);
    match result {
        Ok((status, _)) => {
            *tally.statuses.entry((action, status.as_u16())).or_default() += 1;
            if status.is_server_error() {
                tally.errors += 1;
            }
        }
        Err(_) => tally.errors += 1,
    }
}
