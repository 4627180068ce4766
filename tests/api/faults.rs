//! Faults: the store's writes, the mailer and the scheduler made to fail at
//! each step of every multi-step operation. Whatever fails, the answer is
//! the success or a 503 (never a 500), the program's invariants hold, a 503
//! means nothing was changed (so trying again is safe), and an email or a
//! reminder job that failed after a committed change is queued, never lost.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use async_trait::async_trait;
use moments_adapters::mail::outbox::Outbox;
use moments_adapters::mail::{MailError, Mailer};
use moments_adapters::scheduler::local::LocalScheduler;
use moments_adapters::scheduler::{Scheduler, SchedulerError};
use moments_adapters::table::{Item, Key, Page, Query, Table, TableError, Write};
use moments_domain::mail::Message;
use moments_local::Adapters;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::*;
use crate::matrix::{Who, World, world};

/// Which step fails: the Nth call (counted from when armed) of one port.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Port {
    StoreWrite,
    MailSend,
    ScheduleCreate,
}

/// Counts calls to a port once armed, and fails the one numbered `fail_at`.
#[derive(Default)]
struct Trip {
    fail_at: AtomicUsize,
    calls: AtomicUsize,
}

impl Trip {
    fn arm(&self, n: usize) {
        self.calls.store(0, Ordering::SeqCst);
        self.fail_at.store(n, Ordering::SeqCst);
    }
    fn disarm(&self) -> usize {
        self.fail_at.store(0, Ordering::SeqCst);
        self.calls.load(Ordering::SeqCst)
    }
    fn fails(&self) -> bool {
        let at = self.fail_at.load(Ordering::SeqCst);
        at > 0 && self.calls.fetch_add(1, Ordering::SeqCst) + 1 == at
    }
}

#[derive(Default)]
struct Faults {
    store: Trip,
    mail: Trip,
    schedule: Trip,
}

impl Faults {
    fn trip(&self, port: Port) -> &Trip {
        match port {
            Port::StoreWrite => &self.store,
            Port::MailSend => &self.mail,
            Port::ScheduleCreate => &self.schedule,
        }
    }
}

struct FailingTable(Arc<dyn Table>, Arc<Faults>);

#[async_trait]
impl Table for FailingTable {
    async fn get(&self, key: &Key) -> Result<Option<Item>, TableError> {
        self.0.get(key).await
    }
    async fn get_many(&self, keys: &[Key]) -> Result<Vec<Item>, TableError> {
        self.0.get_many(keys).await
    }
    async fn query(&self, query: &Query) -> Result<Page, TableError> {
        self.0.query(query).await
    }
    async fn write(&self, writes: Vec<Write>) -> Result<(), TableError> {
        if self.1.store.fails() {
            // What DynamoDB answers when it throttles; nothing was written.
            return Err(TableError::Unavailable(
                "ProvisionedThroughputExceededException (injected)".into(),
            ));
        }
        self.0.write(writes).await
    }
}

struct FailingMailer(Outbox, Arc<Faults>);

#[async_trait]
impl Mailer for FailingMailer {
    async fn send(&self, message: &Message) -> Result<(), MailError> {
        if self.1.mail.fails() {
            return Err(MailError::Unavailable("Throttling (injected)".into()));
        }
        self.0.send(message).await
    }
}

struct FailingScheduler(LocalScheduler, Arc<Faults>);

#[async_trait]
impl Scheduler for FailingScheduler {
    async fn schedule(
        &self,
        name: &str,
        at: jiff::Timestamp,
        payload: &Value,
    ) -> Result<(), SchedulerError> {
        if self.1.schedule.fails() {
            return Err(SchedulerError::Unavailable(
                "ThrottlingException (injected)".into(),
            ));
        }
        self.0.schedule(name, at, payload).await
    }
    async fn cancel(&self, name: &str) -> Result<(), SchedulerError> {
        self.0.cancel(name).await
    }
}

async fn spawn_with_faults() -> (TestApp, Arc<Faults>) {
    let faults = Arc::new(Faults::default());
    let f = faults.clone();
    let app = spawn_app_wrapped(Box::new(move |inner: Arc<dyn Table>| {
        let adapters = Adapters {
            mailer: Arc::new(FailingMailer(Outbox::new(inner.clone()), f.clone())),
            scheduler: Arc::new(FailingScheduler(
                LocalScheduler::new(inner.clone()),
                f.clone(),
            )),
        };
        let table: Arc<dyn Table> = Arc::new(FailingTable(inner, f));
        (table, Some(adapters))
    }))
    .await;
    (app, faults)
}

/// One multi-step operation: who does it, and how.
struct Op {
    name: &'static str,
    who: Who,
    method: reqwest::Method,
    path: &'static str,
    body: Value,
    /// The status when nothing fails.
    success: u16,
    /// Whether its emails follow a committed change, so one that fails is
    /// queued; otherwise (the sign-in link) a failed email fails the call.
    queues_mail: bool,
}

fn ops() -> Vec<Op> {
    use reqwest::Method;
    let op = |name, who, method, path, body: Value, success| Op {
        name,
        who,
        method,
        path,
        body,
        success,
        queues_mail: true,
    };
    vec![
        Op {
            queues_mail: false,
            ..op(
                "ask for a sign-in link",
                Who::Anonymous,
                Method::POST,
                "/api/auth/link",
                json!({"email": "cy.other@mo.gov"}),
                202,
            )
        },
        op(
            "submit an application",
            Who::Supervisor,
            Method::POST,
            "/api/applications",
            mentee_form("grace.hopper@mo.gov"),
            201,
        ),
        op(
            "decide an application",
            Who::Supervisor,
            Method::POST,
            "/api/applications/{application}/decision",
            json!({"outcome": "deny", "message": "Not this quarter."}),
            200,
        ),
        op(
            "reroute an application",
            Who::Applicant,
            Method::PUT,
            "/api/applications/{application}/supervisor",
            json!({"supervisor_first_name": "Grace", "supervisor_last_name": "Hopper",
                  "supervisor_email": "grace.hopper@mo.gov"}),
            200,
        ),
        op(
            "send a request",
            Who::OtherApplicant,
            Method::POST,
            "/api/requests",
            json!({"mentor": "{second_mentor}"}),
            201,
        ),
        op(
            "accept a request",
            Who::Mentor,
            Method::POST,
            "/api/requests/{request}/accept",
            json!({}),
            200,
        ),
        op(
            "withdraw a request",
            Who::OtherApplicant,
            Method::POST,
            "/api/requests/{request}/withdraw",
            json!({}),
            200,
        ),
        op(
            "log a meeting",
            Who::Applicant,
            Method::POST,
            "/api/mentorships/{mentorship}/meetings",
            json!({"date": "{today}", "minutes": 60}),
            201,
        ),
        op(
            "end a mentorship",
            Who::Applicant,
            Method::POST,
            "/api/mentorships/{mentorship}/end",
            json!({"outcome": "discontinued", "reason": "Schedules clashed."}),
            200,
        ),
        op(
            "answer a survey",
            Who::OtherApplicant,
            Method::POST,
            "/api/surveys/{ended}",
            json!({"satisfaction": 4, "goals_met": "partly", "meetings": 3, "cadence": "monthly",
                  "would_recommend": true}),
            201,
        ),
        op(
            "appoint a department administrator",
            Who::ProgramAdmin,
            Method::POST,
            "/api/admin/department-admins",
            json!({"email": "new.admin@mo.gov", "department": "revenue"}),
            201,
        ),
        op(
            "remove a department administrator",
            Who::ProgramAdmin,
            Method::DELETE,
            "/api/admin/department-admins/transportation/dan.admin@mo.gov",
            json!(null),
            204,
        ),
        op(
            "ask for data removal",
            Who::Applicant,
            Method::POST,
            "/api/privacy/erasure",
            json!({"note": "Please remove everything."}),
            202,
        ),
    ]
}

/// Items that record attempts rather than the program's state: counted
/// uses, unused sign-in tokens, sent and queued mail, timed jobs.
fn program_state(
    items: std::collections::BTreeMap<Key, Item>,
) -> std::collections::BTreeMap<Key, Item> {
    items
        .into_iter()
        .filter(|(k, _)| {
            !["LIMIT#", "SIGNIN#", "OUTBOX", "MAILQ", "JOB", "SCHED"]
                .iter()
                .any(|p| k.pk.starts_with(p))
        })
        .collect()
}

fn queued_mail(items: &std::collections::BTreeMap<Key, Item>) -> usize {
    items.keys().filter(|k| k.pk == "MAILQ").count()
}

fn queued_jobs(items: &std::collections::BTreeMap<Key, Item>) -> usize {
    items.keys().filter(|k| k.pk == "JOBQ").count()
}

#[tokio::test]
async fn each_step_of_each_operation_can_fail_without_partial_state_or_lost_mail_or_jobs() {
    let mut log = Vec::new();
    let mut wrong = Vec::new();
    for op in ops() {
        for port in [Port::StoreWrite, Port::MailSend, Port::ScheduleCreate] {
            for step in 1.. {
                let (app, faults) = spawn_with_faults().await;
                let w: World = world(&app).await;
                let second_mentor = app.approved_mentor("mo.mentor@mo.gov").await;
                // Another pending request to Max: accepting Bea's fills him,
                // and closing this one is a step after the match.
                app.approved_mentee("dee.third@mo.gov").await;
                let dee = app.sign_in("dee.third@mo.gov").await;
                let r = dee
                    .post("/api/requests", json!({"mentor": w.mentor.as_str()}))
                    .await;
                assert_eq!(r.status(), StatusCode::CREATED);
                let person = match op.who.email() {
                    Some(email) => app.sign_in(email).await,
                    None => app.anonymous(),
                };
                let today = jiff::tz::TimeZone::UTC
                    .to_datetime(jiff::Timestamp::now())
                    .date()
                    .to_string();
                let path = w.fill(op.path);
                let body = op
                    .body
                    .to_string()
                    .replace("{second_mentor}", second_mentor.as_str())
                    .replace("{today}", &today);
                let before = app.table_items();
                faults.trip(port).arm(step);
                let r = person
                    .client
                    .request(op.method.clone(), app.url(&path))
                    .header("content-type", "application/json")
                    .body(body)
                    .send()
                    .await
                    .expect("request");
                let calls = faults.trip(port).disarm();
                let status = r.status().as_u16();
                let after = app.table_items();
                let tripped = calls >= step;
                let outcome = if status == op.success {
                    "done"
                } else {
                    "refused"
                };
                log.push(format!(
                    "{:24} {port:?} #{step}: {status}{}",
                    op.name,
                    if tripped { "" } else { " (no such step)" }
                ));
                if status != op.success && status != StatusCode::SERVICE_UNAVAILABLE.as_u16() {
                    wrong.push(format!(
                        "{} with {port:?} #{step} failing: {status}",
                        op.name
                    ));
                }
                for broken in moments_tests::invariants(&after) {
                    wrong.push(format!(
                        "{} with {port:?} #{step} failing: {broken}",
                        op.name
                    ));
                }
                if status == 503 && program_state(after.clone()) != program_state(before.clone()) {
                    wrong.push(format!(
                        "{} with {port:?} #{step} failing answered 503 but changed the program's state",
                        op.name
                    ));
                }
                if tripped && port == Port::MailSend && status == op.success && op.queues_mail {
                    let queued = queued_mail(&after) - queued_mail(&before);
                    if queued != 1 {
                        wrong.push(format!(
                            "{} with mail #{step} failing: {queued} emails queued, expected 1 ({outcome})",
                            op.name
                        ));
                    }
                }
                if tripped && port == Port::ScheduleCreate {
                    let queued = queued_jobs(&after) - queued_jobs(&before);
                    if status != op.success || queued != 1 {
                        wrong.push(format!(
                            "{} with job #{step} failing: {status}, {queued} jobs queued, expected {} and 1",
                            op.name, op.success
                        ));
                    }
                }
                if !tripped {
                    break;
                }
            }
        }
    }
    println!("fault cases ({}):\n{}", log.len(), log.join("\n"));
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// Carrying out an erasure is a write per record, so it cannot be one
/// transaction: whichever write fails, carrying it out again finishes it,
/// and nothing under the person's address is left.
#[tokio::test]
async fn an_erasure_that_fails_part_way_finishes_when_carried_out_again() {
    const CY: &str = "cy.other@mo.gov";
    let path = format!("/api/admin/erasures/{CY}");
    let mut failed_writes = 0;
    for step in 1.. {
        let (app, faults) = spawn_with_faults().await;
        world(&app).await;
        assert!(format!("{:?}", program_state(app.table_items())).contains(CY));
        let admin = app.sign_in(PROGRAM_ADMIN).await;
        faults.store.arm(step);
        let first = admin.post(&path, json!({})).await.status();
        if faults.store.disarm() < step {
            assert_eq!(first, StatusCode::OK, "no fault injected");
            break;
        }
        failed_writes += 1;
        if first == StatusCode::SERVICE_UNAVAILABLE {
            let again = admin.post(&path, json!({})).await.status();
            assert_eq!(
                again,
                StatusCode::OK,
                "carried out again after write #{step} failed"
            );
        } else {
            assert_eq!(first, StatusCode::OK, "write #{step} failing");
        }
        let left = app.table_items();
        assert!(
            !format!("{:?}", program_state(left.clone())).contains(CY),
            "write #{step} failing, then carried out again: something of Cy is left"
        );
        assert_eq!(moments_tests::invariants(&left), Vec::<String>::new());
        problem(admin.post(&path, json!({})).await, StatusCode::NOT_FOUND).await;
    }
    assert!(
        failed_writes >= 2,
        "{failed_writes} writes: not a multi-step case"
    );
}

/// Publishing suggested matches stores the lists, then emails each mentee:
/// whichever email fails, publishing still finishes, the failed one waits
/// in the mail queue and the retry run sends it, so everyone is told once.
#[tokio::test]
async fn publishing_matches_with_a_failed_email_still_tells_everyone_once() {
    const SUBJECT: &str = "Your suggested MOments mentors are ready";
    let mentees = ["mia.one@mo.gov", "noa.two@mo.gov", "oli.three@mo.gov"];
    let mut failed_sends = 0;
    for step in 1.. {
        let (app, faults) = spawn_with_faults().await;
        for mentor in ["ria.mentor@mo.gov", "sol.mentor@mo.gov"] {
            app.approved_mentor(mentor).await;
        }
        for mentee in mentees {
            app.approved_mentee(mentee).await;
        }
        let admin = app.sign_in(PROGRAM_ADMIN).await;
        faults.mail.arm(step);
        let published = app.publish_matching(&admin).await;
        let tripped = faults.mail.disarm() >= step;
        if tripped {
            failed_sends += 1;
            app.advance(jiff::SignedDuration::from_mins(10));
            app.run_due_jobs().await;
        }
        let mut told = 0;
        for mentee in mentees {
            let sent = app
                .mail_to(mentee)
                .await
                .iter()
                .filter(|m| m.subject == SUBJECT)
                .count();
            assert!(
                sent <= 1,
                "email #{step} failing: {mentee} told {sent} times"
            );
            told += sent;
        }
        assert_eq!(
            told as u64,
            published["figures"]["with_suggestions"]
                .as_u64()
                .expect("with_suggestions"),
            "email #{step} failing: {published}"
        );
        if !tripped {
            assert_eq!(told, mentees.len(), "every mentee gets suggestions here");
            break;
        }
    }
    assert_eq!(failed_sends, mentees.len());
}

/// DynamoDB that accepts connections and never answers: the Lambdas' SDK
/// settings (standard retries, bounded attempts and call) end the call as
/// "unavailable", which the API answers as a 503, instead of waiting until
/// the Lambda itself is killed.
#[tokio::test]
async fn a_dynamodb_call_that_never_answers_ends_as_unavailable() {
    use aws_config::Region;
    use aws_sdk_dynamodb::config::{Credentials, SharedCredentialsProvider};
    use moments_adapters::table::dynamo::DynamoTable;

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let endpoint = format!("http://{}", listener.local_addr().expect("addr"));
    let silent = tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((socket, _)) = listener.accept().await {
            held.push(socket);
        }
    });
    let sdk = moments_adapters::aws::sdk_config(
        Region::new("us-east-1"),
        SharedCredentialsProvider::new(Credentials::new("testing", "testing", None, None, "tests")),
        Some(endpoint),
    )
    .expect("SDK configuration");
    let table = DynamoTable::new(aws_sdk_dynamodb::Client::new(&sdk), "moments");
    let err = table
        .get(&Key::new("APP#1", "APP"))
        .await
        .expect_err("no answer");
    assert!(matches!(err, TableError::Unavailable(_)), "{err:?}");
    let api =
        moments_adapters::http::ApiError::from(moments_adapters::store::StoreError::from(err));
    assert!(
        matches!(api, moments_adapters::http::ApiError::Unavailable(_)),
        "{api:?}"
    );
    silent.abort();
}

/// A function that starts without an email client (surveys, retention) and
/// still tries to send a message queues it for the mail retry job, which
/// runs where email is allowed: nothing is lost.
#[tokio::test]
async fn a_message_from_a_function_without_email_is_queued_not_lost() {
    use moments_adapters::config::ProgramConfig;
    use moments_adapters::deps::Deps;
    use moments_adapters::store::Store;
    use moments_adapters::table::embedded::EmbeddedTable;

    let dir = tempfile::tempdir().expect("temp dir");
    let table = Arc::new(EmbeddedTable::open(&dir.path().join("t.redb")).expect("store"));
    let config = ProgramConfig::new("https://moments.example.gov", "mo.gov", "").expect("config");
    let deps = Deps::without_mail(Store::new(table), config);
    let message = Message {
        to: "alex.nguyen@mo.gov".into(),
        subject: "Your survey".into(),
        text: "Thank you.".into(),
        unsubscribe: None,
    };

    assert!(deps.send(&message).await.is_err());
    deps.notify(message.clone()).await;

    let later = deps.now() + jiff::SignedDuration::from_hours(1);
    let queued = deps.store.due_mail(later, 10).await.expect("queue");
    assert_eq!(queued.len(), 1);
    assert_eq!(queued[0].message, message);
}

/// A request whose reminder job the scheduler did not take: its sender
/// sees nothing of it, and the retry run creates the job 5 minutes later.
#[tokio::test]
async fn a_reminder_job_the_scheduler_refused_is_created_by_the_retry_run() {
    let (app, faults) = spawn_with_faults().await;
    let request = request_with_the_reminder_refused(&app, &faults).await;
    assert_eq!(app.job_names().await, [format!("req-{request}-expire")]);

    assert!(app.run_due_jobs().await.is_empty(), "due in 5 minutes");
    app.advance(jiff::SignedDuration::from_mins(5));
    let ran = app.run_due_jobs().await;
    assert_eq!(
        ran.iter().map(|r| r.outcome.as_str()).collect::<Vec<_>>(),
        ["Retried { mail: 0, jobs: 1 }"]
    );
    assert_eq!(
        app.job_names().await,
        [
            format!("req-{request}-remind"),
            format!("req-{request}-expire")
        ]
    );
    assert_eq!(queued_jobs(&app.table_items()), 0);
}

/// While the scheduler keeps refusing it, the job waits, backing off; once
/// its time has passed, the retry run does the job itself, once.
#[tokio::test]
async fn a_refused_reminder_job_whose_time_has_come_is_run_by_the_retry_run() {
    let (app, faults) = spawn_with_faults().await;
    let request = request_with_the_reminder_refused(&app, &faults).await;
    faults.schedule.arm(1);
    app.advance(jiff::SignedDuration::from_mins(5));
    let ran = app.run_due_jobs().await;
    assert_eq!(
        ran.iter().map(|r| r.outcome.as_str()).collect::<Vec<_>>(),
        ["failed: 1 queued reminder jobs failed again"]
    );
    faults.schedule.disarm();
    assert_eq!(queued_jobs(&app.table_items()), 1, "kept for later");

    app.advance(jiff::SignedDuration::from_hours(7 * 24));
    let ran = app.run_due_jobs().await;
    assert_eq!(
        ran.iter().map(|r| r.outcome.as_str()).collect::<Vec<_>>(),
        ["Retried { mail: 0, jobs: 1 }"]
    );
    let reminders: Vec<_> = app
        .mail_to(MAX)
        .await
        .into_iter()
        .filter(|m| m.subject.starts_with("Reminder"))
        .collect();
    assert_eq!(reminders.len(), 1);
    assert!(
        reminders[0]
            .text
            .contains(&format!("/requests/?id={request}"))
    );
    assert_eq!(queued_jobs(&app.table_items()), 0);
    assert!(app.run_due_jobs().await.is_empty(), "done once");
}

/// Ada asks Max to mentor her while the scheduler refuses the first job
/// (the 7-day reminder); returns the request's id.
async fn request_with_the_reminder_refused(app: &TestApp, faults: &Faults) -> String {
    app.approved_mentee(ADA).await;
    let mentor = app.approved_mentor(MAX).await;
    let ada = app.sign_in(ADA).await;
    faults.schedule.arm(1);
    let r = ada
        .post("/api/requests", json!({"mentor": mentor.as_str()}))
        .await;
    assert_eq!(faults.schedule.disarm(), 2, "the reminder, then the expiry");
    assert_eq!(r.status(), StatusCode::CREATED, "the request stands");
    let body: Value = r.json().await.expect("JSON");
    assert_eq!(queued_jobs(&app.table_items()), 1);
    body["id"].as_str().expect("request id").to_string()
}
