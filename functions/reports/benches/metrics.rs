//! The metrics endpoint over a program of 20,000 applications and 5,000
//! mentorships (with meetings, endings and surveys) in the embedded store:
//! latency of the handler and the items it reads, which stay one per
//! department and quarter however many records there are. First, the
//! public calendar's read (`GET /api/calendar` and its feed): the items one
//! request reads with 1, 5 and 20 years of dates kept, beside what reading
//! the whole calendar would take. Each read is also costed as DynamoDB
//! would cost it (`moments_adapters::table::cost`): read units, round trips
//! and the modelled time at 5 ms a round trip.
//! Run: `cargo bench -p moments-reports --bench metrics`.

use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::extract::State;
use jiff::civil::Date;
use jiff::{SignedDuration, Span, Timestamp};
use moments_adapters::config::ProgramConfig;
use moments_adapters::deps::Deps;
use moments_adapters::http::{Caller, Query};
use moments_adapters::mail::outbox::Outbox;
use moments_adapters::store::{RequestSides, Store};
use moments_adapters::table::cost::{CostModel, Costs, ModelledTable};
use moments_adapters::table::embedded::EmbeddedTable;
use moments_domain::access::Actor;
use moments_domain::application::{Application, ApplicationId, Details, Outcome, Role};
use moments_domain::audit::{Action, AuditEntry};
use moments_domain::calendar::{
    CalendarId, Event, MatchGroup, Revision, Seed, StoredEvent, StoredGroup, shown_from,
};
use moments_domain::catalogue::Catalogue;
use moments_domain::fields::{EmailAddress, LongText, ProgramDomains};
use moments_domain::mentorship::{
    MeetingDraft, MeetingId, Mentorship, MentorshipId, MentorshipStatus, RequestId, Sides, select,
};
use moments_domain::survey::{SurveyAnswers, SurveyResponse};
use moments_reports::FiguresFilter;
use serde_json::json;

const MENTEES: usize = 12_000;
const MENTORS: usize = 8_000;
const MENTORSHIPS: usize = 5_000;
const RUNS: usize = 40;

fn email(s: &str) -> EmailAddress {
    EmailAddress::parse(s).expect("email")
}

fn entry(actor: &EmailAddress, at: Timestamp, action: Action) -> AuditEntry {
    AuditEntry {
        at,
        actor: actor.clone(),
        action,
        on_behalf_of: None,
        note: None,
    }
}

fn details(role: Role, who: &EmailAddress, rng: &mut StdRng) -> Details {
    let c = Catalogue::get();
    let skills: Vec<&str> = c.skill_ids().collect();
    let mut chosen: Vec<&str> = Vec::new();
    while chosen.len() < 3 + rng.random_range(0..4) {
        let s = skills[rng.random_range(0..skills.len())];
        if !chosen.contains(&s) {
            chosen.push(s);
        }
    }
    let body = json!({
        "first_name": "Pat", "last_name": format!("Person{}", rng.random_range(0..10_000)),
        "department": c.departments[rng.random_range(0..c.departments.len())].id,
        "job_title": "Program Specialist", "work_location": "Jefferson City",
        "supervisor_first_name": "Sam", "supervisor_last_name": "Boss",
        "supervisor_email": "sam.boss@mo.gov", "working_hours": "daytime",
        "bio": "Years of state service across departments. ".repeat(3),
        "skills": chosen, "goals": "Grow as a leader.", "prior_mentees": ["kim@mo.gov"],
        "full_time": true, "not_at_risk": true, "no_disciplinary_action": true, "agreement": true,
    });
    let domains = ProgramDomains::parse("mo.gov").expect("domains");
    let form = serde_json::from_value(body).expect("a form reads any object");
    Details::parse(
        &form,
        role,
        who,
        &domains,
        &moments_domain::catalogue::Lists::seed(),
    )
    .expect("valid")
}

/// Applications spread over two years (eight quarters), most approved a few
/// days later; returns the approved ones.
async fn applications(
    store: &Store,
    role: Role,
    n: usize,
    start: Timestamp,
    rng: &mut StdRng,
) -> Vec<Application> {
    let boss = email("sam.boss@mo.gov");
    let mut approved = Vec::new();
    for i in 0..n {
        let who = email(&format!("{}{i}@mo.gov", role.as_str()));
        let mut id = [0u8; 16];
        id[..8].copy_from_slice(&(i as u64).to_be_bytes());
        id[8] = role as u8 + 1;
        let at = start + SignedDuration::from_hours((rng.random_range(0..730 * 24)) as i64);
        let app = Application::submit(
            ApplicationId::from_random(id),
            role,
            who.clone(),
            details(role, &who, rng),
            at,
        );
        store
            .create_application(&app, &entry(&who, at, Action::Submitted))
            .await
            .expect("create");
        let outcome = match rng.random_range(0..20) {
            0 => continue,
            1 | 2 => Outcome::Denied,
            _ => Outcome::Approved,
        };
        let decided_at = at + SignedDuration::from_hours(12 + rng.random_range(0..24 * 10) as i64);
        let decided = app
            .decide(&Actor::new(boss.clone()), outcome, None, decided_at)
            .expect("decide");
        let action = match outcome {
            Outcome::Approved => Action::Approved,
            Outcome::Denied => Action::Denied,
        };
        store
            .save_application(
                app.version,
                true,
                &decided,
                &entry(&boss, decided_at, action),
            )
            .await
            .expect("decide");
        if outcome == Outcome::Approved {
            approved.push(decided);
        }
    }
    approved
}

async fn sides(store: &Store, mentee: &Application, mentor: &Application) -> RequestSides {
    let (mentee, mentee_capacity) = store
        .application_with_capacity(&mentee.id)
        .await
        .expect("read")
        .expect("mentee");
    let (mentor, mentor_capacity) = store
        .application_with_capacity(&mentor.id)
        .await
        .expect("read")
        .expect("mentor");
    RequestSides {
        mentee,
        mentee_capacity,
        mentor,
        mentor_capacity,
    }
}

/// Mentorships, each mentor taking two mentees: two meetings each, two in
/// five ended with both surveys answered.
async fn mentorships(store: &Store, mentees: &[Application], mentors: &[Application]) -> usize {
    let mut formed = 0;
    for (n, mentee) in mentees.iter().take(MENTORSHIPS).enumerate() {
        let mentor = &mentors[n / 2];
        let both = sides(store, mentee, mentor).await;
        let asked_at = [mentee, mentor]
            .iter()
            .filter_map(|a| a.decision.as_ref().map(|d| d.decided_at))
            .max()
            .expect("decided")
            + SignedDuration::from_hours(24 * (1 + (n % 30) as i64));
        let sides_now = Sides {
            mentee: Some((&both.mentee, both.mentee_capacity)),
            mentor: (&both.mentor, both.mentor_capacity),
        };
        let mut id = [0u8; 16];
        id[..8].copy_from_slice(&(n as u64).to_be_bytes());
        let request = select(
            &mentee.applicant,
            &sides_now,
            false,
            RequestId::from_random(id),
            None,
            asked_at,
        )
        .expect("select");
        store
            .create_request(
                &request,
                &both,
                &entry(&mentee.applicant, asked_at, Action::RequestSent),
            )
            .await
            .expect("request");
        let both = sides(store, mentee, mentor).await;
        let (accepted, pair) = request
            .accept(
                &mentor.applicant,
                both.mentor_capacity,
                both.mentee_capacity,
                MentorshipId::from_random(id),
                asked_at,
            )
            .expect("accept");
        let accepted_entry = entry(&mentor.applicant, asked_at, Action::RequestAccepted);
        store
            .accept_request(&request, &accepted, &pair, &both, &accepted_entry)
            .await
            .expect("accept");
        log_meetings(store, &pair, mentee, id, asked_at).await;
        if n % 5 < 2 {
            end_with_surveys(store, &pair, mentee, mentor, n, asked_at).await;
        }
        formed += 1;
    }
    formed
}

/// Two meetings, in the first and fifth weeks after the match.
async fn log_meetings(
    store: &Store,
    pair: &Mentorship,
    mentee: &Application,
    id: [u8; 16],
    asked_at: Timestamp,
) {
    let matched_on = jiff::tz::TimeZone::UTC.to_datetime(asked_at).date();
    for week in [1, 5] {
        let date = matched_on + SignedDuration::from_hours(24 * 7 * week);
        let mut mid = id;
        mid[15] = week as u8;
        let meeting = pair
            .log_meeting(
                &mentee.applicant,
                MeetingId::from_random(mid),
                MeetingDraft {
                    date,
                    minutes: 60,
                    topic: None,
                },
                0,
                asked_at,
                date,
            )
            .expect("meeting");
        store.log_meeting(pair, &meeting).await.expect("meeting");
    }
}

/// The mentorship completed after 90 days, both surveys answered.
async fn end_with_surveys(
    store: &Store,
    pair: &Mentorship,
    mentee: &Application,
    mentor: &Application,
    n: usize,
    asked_at: Timestamp,
) {
    let ended_at = asked_at + SignedDuration::from_hours(24 * 90);
    let ended = pair
        .end(
            &mentee.applicant,
            MentorshipStatus::Completed,
            LongText::parse("Goals met.").expect("text"),
            ended_at,
        )
        .expect("end");
    let both = sides(store, mentee, mentor).await;
    store
        .end_mentorship(
            pair,
            &ended,
            &both,
            &entry(&mentee.applicant, ended_at, Action::MentorshipEnded),
        )
        .await
        .expect("end");
    let answers = SurveyAnswers::parse(
        &serde_json::from_value(
            json!({"satisfaction": 1 + n % 5, "goals_met": "yes", "meetings": 2,
                                       "cadence": "monthly", "would_recommend": !n.is_multiple_of(3)}),
        )
        .expect("a form reads any object"),
    )
    .expect("answers");
    for (who, version) in [
        (&mentee.applicant, Role::Mentee),
        (&mentor.applicant, Role::Mentor),
    ] {
        let response = SurveyResponse {
            mentorship: ended.id.clone(),
            respondent: who.clone(),
            version,
            answers: answers.clone(),
            submitted_at: ended_at,
        };
        store.save_survey(&ended, &response).await.expect("survey");
    }
}

/// Read units, round trips and modelled time (and throttles, if any), for
/// a table cell.
fn costed(c: &Costs) -> String {
    let throttled = if c.throttles > 0 {
        format!(", {} throttled", c.throttles)
    } else {
        String::new()
    };
    format!(
        "{:.1} RU, {} trips, {:.0} ms{throttled}",
        c.read_units,
        c.round_trips,
        c.modelled.saturating_sub(c.waited).as_secs_f64() * 1e3
    )
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

/// An embedded table in `dir`, costed as DynamoDB would cost it.
fn counting(dir: &tempfile::TempDir) -> Arc<ModelledTable> {
    let inner = Arc::new(EmbeddedTable::open(&dir.path().join("bench.redb")).expect("store"));
    Arc::new(ModelledTable::new(inner, CostModel::default()))
}

/// The seed calendar's two match groups and their events, copied half a
/// year further back `copies` times: the program's pace, two groups a
/// half-year, kept for `copies / 2` years.
async fn calendar_history(store: &Store, copies: i64, now: Timestamp) -> usize {
    let (groups, events) = Seed::compiled().expect("seed");
    let admin = email("pat@mo.gov");
    let revision = Revision {
        version: 1,
        updated_at: now,
        updated_by: admin.to_string(),
    };
    let mut stored = 0;
    for copy in 0..copies {
        let back = |d: Date| d.checked_sub(Span::new().months(6 * copy)).expect("date");
        let id = |id: &CalendarId| CalendarId::parse(&format!("{id}-{copy}")).expect("id");
        for g in &groups {
            let group = MatchGroup {
                id: id(&g.id),
                window_opens: back(g.window_opens),
                window_closes: back(g.window_closes),
                approvals_due: back(g.approvals_due),
                matches_on: back(g.matches_on),
                ..g.clone()
            };
            let record = StoredGroup {
                group,
                revision: revision.clone(),
            };
            let added = entry(&admin, now, Action::CalendarAdded);
            store.put_group(&record, &added).await.expect("group");
            stored += 1;
        }
        for e in &events {
            let event = Event {
                id: id(&e.id),
                group: e.group.as_ref().map(id),
                date: back(e.date),
                ..e.clone()
            };
            let record = StoredEvent {
                event,
                revision: revision.clone(),
                sequence: 0,
                registered: 0,
                waitlisted: 0,
            };
            let added = entry(&admin, now, Action::CalendarAdded);
            store.put_event(&record, &added).await.expect("event");
            stored += 1;
        }
    }
    stored
}

/// Items one public calendar read takes as the years of dates pile up.
async fn calendar_reads() {
    let now: Timestamp = "2026-12-06T15:00:00Z".parse().expect("time");
    println!(
        "| public calendar, years of dates kept | groups and events stored | items per public read | read units, round trips, modelled ms | items reading everything | read units, round trips, modelled ms |"
    );
    println!("|---|---:|---:|---|---:|---|");
    for years in [1, 5, 20] {
        let dir = tempfile::tempdir().expect("temp dir");
        let table = counting(&dir);
        let store = Store::new(table.clone());
        let stored = calendar_history(&store, years * 2, now).await;
        table.settle();
        let before = table.costs();
        store
            .calendar_from(shown_from(now))
            .await
            .expect("public read");
        let public = table.costs().since(&before);
        let before = table.costs();
        store.calendar_all().await.expect("everything");
        let everything = table.costs().since(&before);
        println!(
            "| {years} | {stored} | {} | {} | {} | {} |",
            public.items_read,
            costed(&public),
            everything.items_read,
            costed(&everything)
        );
    }
    println!();
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    calendar_reads().await;
    let dir = tempfile::tempdir().expect("temp dir");
    let table = counting(&dir);
    let store = Store::new(table.clone());
    let mut rng = StdRng::seed_from_u64(2026);
    let start: Timestamp = "2025-01-01T12:00:00Z".parse().expect("time");
    let started = Instant::now();
    let mentees = applications(&store, Role::Mentee, MENTEES, start, &mut rng).await;
    let mentors = applications(&store, Role::Mentor, MENTORS, start, &mut rng).await;
    let formed = mentorships(&store, &mentees, &mentors).await;
    table.settle();
    eprintln!(
        "seeded {} applications and {formed} mentorships in {:.1?}",
        MENTEES + MENTORS,
        started.elapsed()
    );

    let config = ProgramConfig::new("http://127.0.0.1", "mo.gov", "pat@mo.gov").expect("config");
    let deps = Deps::new(store.clone(), Arc::new(Outbox::new(table.clone())), config);
    let mut admin = Actor::new(email("pat@mo.gov"));
    admin.program_admin = true;
    let (buckets, _) = store.metric_buckets(None).await.expect("buckets");
    let quarter = buckets.first().map(|(b, _)| b.quarter.to_string());

    println!(
        "| metrics ({} applications, {formed} mentorships) | median ms (wall) | p95 ms (wall) | items read | on DynamoDB (5 ms a round trip) | connections |",
        MENTEES + MENTORS
    );
    println!("|---|---:|---:|---:|---|---:|");
    for (name, quarter) in [("whole program", None), ("one quarter", quarter)] {
        let mut times = Vec::with_capacity(RUNS);
        let mut read = Costs::default();
        let mut connections = 0;
        for _ in 0..RUNS {
            let before = table.costs();
            let t = Instant::now();
            let answer = moments_reports::metrics::report(
                State(deps.clone()),
                Caller(admin.clone()),
                Query(FiguresFilter {
                    quarter: quarter.clone(),
                    group: None,
                }),
            )
            .await
            .expect("metrics");
            times.push(t.elapsed());
            read = table.costs().since(&before);
            let answer = serde_json::to_value(&answer.0).expect("answer");
            connections = answer["report"]["total"]["pairs"]["connections"]
                .as_u64()
                .unwrap_or(0);
        }
        times.sort();
        println!(
            "| {name} | {:.2} | {:.2} | {} | {} | {connections} |",
            percentile(&times, 0.5).as_secs_f64() * 1e3,
            percentile(&times, 0.95).as_secs_f64() * 1e3,
            read.items_read,
            costed(&read),
        );
    }
}
