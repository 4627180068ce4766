//! `spawn_app`: a fresh local platform per test, on its own port and data
//! directory, with a clock the test can move.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use jiff::{SignedDuration, Timestamp};
use moments_adapters::deps::Clock;
use moments_adapters::mail::outbox::OutboxEntry;
use moments_adapters::store::Store;
use moments_adapters::table::embedded::EmbeddedTable;
use moments_adapters::table::{Item, Key, Table};
use moments_domain::application::{Application, ApplicationId, Details, Role};
use moments_domain::fields::ProgramDomains;
use moments_domain::fields::{DepartmentId, EmailAddress};
use moments_local::jobs_page::Ran;
use moments_local::{Adapters, LocalConfig, build_with, workspace_root};
use moments_tests::guard::{Guard, GuardedMailer, GuardedScheduler, GuardedTable};
use reqwest::{Client, Response, StatusCode};
use serde_json::{Value, json};

pub const PROGRAM_ADMIN: &str = "pat.admin@mo.gov";

/// The supervisor of every application `approved` seeds.
pub const SUPERVISOR: &str = "sam.super@mo.gov";

fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

pub struct TestApp {
    /// What AWS would refuse of the functions' calls (see `moments_tests::guard`).
    guard: Arc<Guard>,
    pub base: String,
    /// The local scheduler's jobs and a way to run them.
    pub jobs: moments_local::jobs_page::Jobs,
    seeded: std::sync::atomic::AtomicU64,
    pub store: Store,
    outbox: Arc<moments_adapters::mail::outbox::Outbox>,
    /// Set when mail and timed jobs go through SES and EventBridge Scheduler.
    aws: Option<crate::aws_side::AwsSide>,
    now: Arc<Mutex<Timestamp>>,
    /// The embedded table, when the platform runs on one (spawn_app).
    embedded: Option<Arc<EmbeddedTable>>,
    _dir: tempfile::TempDir,
    /// Keeps an embedded store's directory while the platform runs.
    _backend: Option<moments_tests::Backend>,
}

pub async fn spawn_app() -> TestApp {
    spawn(None, None, None).await
}

/// The platform on DynamoDB (moto) instead of the embedded store.
pub async fn spawn_app_on_dynamodb(case: &str) -> TestApp {
    spawn(
        Some(moments_tests::Backend::dynamodb(case).await),
        None,
        None,
    )
    .await
}

/// The platform on the AWS adapters alone, all in moto: DynamoDB, SES for
/// mail and EventBridge Scheduler for timed jobs.
pub async fn spawn_app_on_aws(case: &str) -> TestApp {
    let (side, adapters) = crate::aws_side::AwsSide::start(case).await;
    spawn(
        Some(moments_tests::Backend::dynamodb(case).await),
        Some(adapters),
        Some(side),
    )
    .await
}

/// The outbox behind a switch: while `failing` is set, every send fails the
/// way SES fails when it throttles.
pub struct FlakyMail {
    outbox: moments_adapters::mail::outbox::Outbox,
    pub failing: std::sync::atomic::AtomicBool,
}

#[async_trait::async_trait]
impl moments_adapters::mail::Mailer for FlakyMail {
    async fn send(
        &self,
        message: &moments_domain::mail::Message,
    ) -> Result<(), moments_adapters::mail::MailError> {
        if self.failing.load(std::sync::atomic::Ordering::SeqCst) {
            return Err(moments_adapters::mail::MailError::Unavailable(
                "Throttling: Maximum sending rate exceeded.".into(),
            ));
        }
        self.outbox.send(message).await
    }
}

/// The platform on the embedded store, with mail that fails on demand.
pub async fn spawn_app_with_flaky_mail() -> (TestApp, Arc<FlakyMail>) {
    let backend = moments_tests::Backend::embedded();
    let table = backend.table();
    let mail = Arc::new(FlakyMail {
        outbox: moments_adapters::mail::outbox::Outbox::new(table.clone()),
        failing: false.into(),
    });
    let adapters = Adapters {
        mailer: mail.clone(),
        scheduler: Arc::new(moments_adapters::scheduler::local::LocalScheduler::new(
            table,
        )),
    };
    (spawn(Some(backend), Some(adapters), None).await, mail)
}

/// How a test presents the embedded table to the platform (e.g. failing on
/// demand), with the mail and jobs adapters to use, if not the outbox and
/// the local scheduler.
pub type Wrap = Box<dyn FnOnce(Arc<dyn Table>) -> (Arc<dyn Table>, Option<Adapters>)>;

/// The platform on the embedded store as `wrap` presents it.
pub async fn spawn_app_wrapped(wrap: Wrap) -> TestApp {
    spawn_with(None, None, None, Some(wrap), Guard::of_workspace(), None).await
}

/// The platform with its calls judged by `guard` instead of template.yaml's
/// own statements (a test of the judging itself).
pub async fn spawn_app_judged_by(guard: Arc<Guard>) -> TestApp {
    spawn_with(None, None, None, None, guard, None).await
}

/// The variable naming the loopback OpenID Connect provider the test
/// command runs (`tests/e2e/oidc-provider.mjs`).
pub const PROVIDER_VAR: &str = "MOMENTS_TEST_OIDC_ISSUER";

/// The platform with sign-in through the loopback identity provider too;
/// `admins_use_provider`: administrators administer only from sessions
/// started there. Missing provider is a failure, never a skip.
pub async fn spawn_app_with_provider(admins_use_provider: bool) -> TestApp {
    let issuer = std::env::var(PROVIDER_VAR).unwrap_or_else(|_| {
        panic!(
            "{PROVIDER_VAR} is not set: these tests need the loopback OpenID Connect \
             provider. Run the README test command, which starts it \
             (node tests/e2e/oidc-provider.mjs prints its issuer)."
        )
    });
    let settings = moments_adapters::oidc::OidcSettings {
        issuer,
        client_id: "moments-test".into(),
        secret: moments_adapters::oidc::ClientSecretSource::Value("test-secret".into()),
        label: "your state account".into(),
    };
    spawn_with(
        None,
        None,
        None,
        None,
        Guard::of_workspace(),
        Some((settings, admins_use_provider)),
    )
    .await
}

async fn spawn(
    backend: Option<moments_tests::Backend>,
    adapters: Option<Adapters>,
    aws: Option<crate::aws_side::AwsSide>,
) -> TestApp {
    spawn_with(backend, adapters, aws, None, Guard::of_workspace(), None).await
}

async fn spawn_with(
    backend: Option<moments_tests::Backend>,
    adapters: Option<Adapters>,
    aws: Option<crate::aws_side::AwsSide>,
    wrap: Option<Wrap>,
    guard: Arc<Guard>,
    provider: Option<(moments_adapters::oidc::OidcSettings, bool)>,
) -> TestApp {
    // Errors the platform logs show up beside a failing test's output.
    let _ = tracing_subscriber::fmt()
        .with_test_writer()
        .with_env_filter("warn")
        .try_init();
    let dir = tempfile::tempdir().expect("temp dir");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    let config = LocalConfig {
        data_dir: dir.path().join("data"),
        site_dir: workspace_root().join("site"),
        base_url: base.clone(),
        domains: "mo.gov".into(),
        program_admins: PROGRAM_ADMIN.into(),
        demo: false,
        admins_use_provider: provider.as_ref().is_some_and(|(_, required)| *required),
        oidc: provider.map(|(settings, _)| settings),
    };
    let now = Arc::new(Mutex::new(Timestamp::now()));
    let (platform, embedded) = match &backend {
        None => {
            // The embedded table build_with_clock would open, kept to picture it.
            std::fs::create_dir_all(&config.data_dir).expect("data dir");
            let table = Arc::new(
                EmbeddedTable::open(&config.data_dir.join("moments.redb")).expect("table"),
            );
            let plain: Arc<dyn Table> = table.clone();
            let (seen, adapters) = match wrap {
                Some(wrap) => wrap(plain.clone()),
                None => (plain.clone(), None),
            };
            let (seen, adapters) = guarded(&guard, seen, adapters, plain);
            let platform =
                build_with(&config, Clock::Fixed(now.clone()), seen, Some(adapters)).await;
            (platform, Some(table))
        }
        Some(b) => {
            let (table, adapters) = guarded(&guard, b.table(), adapters, b.table());
            (
                build_with(&config, Clock::Fixed(now.clone()), table, Some(adapters)).await,
                b.embedded_table(),
            )
        }
    };
    let platform = platform.expect("platform starts");
    let service = platform
        .router
        .into_make_service_with_connect_info::<std::net::SocketAddr>();
    tokio::spawn(async move { axum::serve(listener, service).await });
    TestApp {
        guard,
        base,
        jobs: platform.jobs,
        seeded: std::sync::atomic::AtomicU64::new(1),
        store: platform.store,
        outbox: platform.outbox,
        aws,
        now,
        embedded,
        _dir: dir,
        _backend: backend,
    }
}

/// The platform's table, mail and jobs as AWS would authorize them: each
/// call a function makes is judged against its statements in template.yaml.
/// Mail and jobs go to the outbox and the local scheduler on `plain` (the
/// table without the judge: they stand in for SES and the Scheduler) unless
/// the test gives other adapters.
fn guarded(
    guard: &Arc<Guard>,
    table: Arc<dyn Table>,
    adapters: Option<Adapters>,
    plain: Arc<dyn Table>,
) -> (Arc<dyn Table>, Adapters) {
    let adapters = adapters.unwrap_or_else(|| Adapters {
        mailer: Arc::new(moments_adapters::mail::outbox::Outbox::new(plain.clone())),
        scheduler: Arc::new(moments_adapters::scheduler::local::LocalScheduler::new(
            plain,
        )),
    });
    let table: Arc<dyn Table> = Arc::new(GuardedTable {
        inner: table,
        guard: guard.clone(),
    });
    let adapters = Adapters {
        mailer: Arc::new(GuardedMailer {
            inner: adapters.mailer,
            guard: guard.clone(),
        }),
        scheduler: Arc::new(GuardedScheduler {
            inner: adapters.scheduler,
            guard: guard.clone(),
        }),
    };
    (table, adapters)
}

/// A scenario passes only if AWS would have allowed every call it made.
impl Drop for TestApp {
    fn drop(&mut self) {
        let refused = self.guard.take_refused();
        if refused.is_empty() {
            return;
        }
        let list = refused.join("\n  - ");
        if std::thread::panicking() {
            eprintln!("AWS would also have refused:\n  - {list}");
        } else {
            panic!("AWS would refuse what this scenario made the functions do:\n  - {list}");
        }
    }
}

/// A person's browser: their own cookie jar.
pub struct Person {
    pub email: String,
    pub client: Client,
    base: String,
}

impl TestApp {
    /// What AWS would have refused so far (taken: the scenario goes on).
    pub fn refused_by_aws(&self) -> Vec<String> {
        self.guard.take_refused()
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Every item of the table but the security log's (spawn_app's
    /// embedded store only): what "a refusal changes nothing" compares, since
    /// every refusal is counted in the security log by design.
    pub fn table_items(&self) -> BTreeMap<Key, Item> {
        self.embedded
            .as_ref()
            .expect("a platform on the embedded store")
            .items()
            .expect("items")
            .into_iter()
            .filter(|(key, _)| !key.pk.starts_with("SECLOG#"))
            .collect()
    }

    /// Every item, as `table_items`, when the platform runs on the embedded
    /// store; `None` on DynamoDB, so a scenario run on both compares what
    /// it can.
    pub fn embedded_items(&self) -> Option<BTreeMap<Key, Item>> {
        self.embedded.as_ref().map(|_| self.table_items())
    }

    /// The program's invariants hold over the whole table (embedded store
    /// only: on DynamoDB the scenario's own checks stand).
    pub fn assert_invariants(&self) {
        if let Some(items) = self.embedded_items() {
            assert_eq!(moments_tests::invariants(&items), Vec::<String>::new());
        }
    }

    /// How many active mentorships an application has, as stored beside it.
    pub async fn active_count(&self, id: &ApplicationId) -> u32 {
        let (_, capacity) = self
            .store
            .application_with_capacity(id)
            .await
            .expect("read")
            .expect("application");
        capacity.active
    }

    /// The platform's clock.
    pub fn now(&self) -> Timestamp {
        *self.now.lock().expect("clock")
    }

    /// Set the platform's clock, so a scenario's dates are its own.
    pub fn set_now(&self, to: Timestamp) {
        *self.now.lock().expect("clock") = to;
    }

    pub fn advance(&self, by: SignedDuration) {
        let mut now = self.now.lock().expect("clock");
        *now += by;
    }

    /// A browser on our pages: it keeps cookies and, like every browser on
    /// a POST, says which origin the request comes from. Each one connects
    /// from its own loopback address, as people use their own computers, so
    /// limits per source see one person each.
    pub fn anonymous(&self) -> Person {
        self.browser(reqwest::redirect::Policy::default())
    }

    /// A browser that shows each redirect instead of following it (as
    /// `anonymous`, otherwise).
    pub fn stepwise(&self) -> Person {
        self.browser(reqwest::redirect::Policy::none())
    }

    fn browser(&self, redirects: reqwest::redirect::Policy) -> Person {
        static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let [_, _, hi, lo] = n.to_be_bytes();
        let source = std::net::Ipv4Addr::new(127, 1, hi, lo);
        let mut headers = reqwest::header::HeaderMap::new();
        headers.insert(
            reqwest::header::ORIGIN,
            self.base.parse().expect("origin header"),
        );
        Person {
            email: String::new(),
            client: Client::builder()
                .cookie_store(true)
                .default_headers(headers)
                .local_address(std::net::IpAddr::V4(source))
                .redirect(redirects)
                .build()
                .expect("client"),
            base: self.base.clone(),
        }
    }

    /// Every email sent to `to`, oldest first.
    pub async fn mail_to(&self, to: &str) -> Vec<OutboxEntry> {
        self.all_mail()
            .await
            .into_iter()
            .filter(|m| m.to == to)
            .collect()
    }

    pub async fn mail_count(&self) -> usize {
        self.all_mail().await.len()
    }

    /// Every email sent, oldest first: what SES accepted, or the outbox.
    async fn all_mail(&self) -> Vec<OutboxEntry> {
        if let Some(aws) = &self.aws {
            return aws.sent();
        }
        let mut all = self.outbox.list(10_000).await.expect("outbox");
        all.reverse();
        all
    }

    /// The names of the timed jobs waiting, soonest first.
    pub async fn job_names(&self) -> Vec<String> {
        match &self.aws {
            Some(aws) => aws.jobs().await.into_iter().map(|j| j.name).collect(),
            None => self
                .jobs
                .scheduler
                .jobs()
                .await
                .expect("jobs")
                .into_iter()
                .map(|j| j.name)
                .collect(),
        }
    }

    /// Let the seconds to undo a decision pass, and run what is due then
    /// (the decision's email among it).
    pub async fn after_undo_window(&self) -> Vec<Ran> {
        self.advance(moments_domain::application::UNDO_WITHIN);
        self.run_due_jobs().await
    }

    /// An undo tried by `who` (DELETE `path`) once its seconds have passed:
    /// refused as too late, and nothing stored changes.
    pub async fn undo_refused_as_too_late(&self, who: &Person, path: &str) {
        self.advance(moments_domain::application::UNDO_WITHIN + SignedDuration::from_millis(1));
        let items = self.table_items();
        let body = problem(who.delete(path).await, reqwest::StatusCode::CONFLICT).await;
        assert!(
            body["detail"]
                .as_str()
                .unwrap_or_default()
                .contains("10 seconds"),
            "{body}"
        );
        assert_eq!(self.table_items(), items, "a refusal changes nothing");
    }

    /// Run the timed jobs due now, as EventBridge Scheduler (or the local
    /// stand-in) would invoke the reminders function.
    pub async fn run_due_jobs(&self) -> Vec<Ran> {
        let now = self.jobs.deps.now();
        match &self.aws {
            Some(aws) => aws.run_due(&self.jobs.deps, now).await,
            None => self.jobs.run_due(now).await.expect("run due jobs"),
        }
    }

    /// Run the due jobs until `admin` sees matching run `id` reach `status`
    /// (its jobs may schedule more); the run then.
    pub async fn matching_run_until(&self, admin: &Person, id: &str, status: &str) -> Value {
        for _ in 0..50 {
            let run = json_of(admin.get(&format!("/api/admin/matching/runs/{id}")).await).await;
            if run["status"] == status {
                return run;
            }
            assert_ne!(run["status"], "failed", "{run}");
            self.run_due_jobs().await;
        }
        panic!("matching run {id} never reached {status}");
    }

    /// A program administrator starts a matching run and its job works
    /// out the lists: the run, ready.
    pub async fn matching_preview(&self, admin: &Person) -> Value {
        let r = admin.post("/api/admin/matching/runs", json!({})).await;
        assert_eq!(r.status(), StatusCode::ACCEPTED, "start a matching run");
        let run = json_of(r).await;
        assert_eq!(run["status"], "computing", "{run}");
        let id = run["id"].as_str().expect("run id").to_string();
        self.matching_run_until(admin, &id, "ready").await
    }

    /// Every list of a ready run, page by page.
    pub async fn matching_lists(&self, admin: &Person, run: &Value) -> Vec<Value> {
        let id = run["id"].as_str().expect("run id");
        let pages = run["pages"].as_u64().expect("pages");
        let mut lists = Vec::new();
        for page in 1..=pages.max(1) {
            let r = json_of(
                admin
                    .get(&format!("/api/admin/matching/runs/{id}/lists?page={page}"))
                    .await,
            )
            .await;
            lists.extend(r["lists"].as_array().cloned().unwrap_or_default());
        }
        lists
    }

    /// Publish a ready run and let its jobs finish: the run, published.
    pub async fn matching_publish(&self, admin: &Person, run: &Value) -> Value {
        let id = run["id"].as_str().expect("run id");
        let r = admin
            .post(&format!("/api/admin/matching/runs/{id}/publish"), json!({}))
            .await;
        assert_eq!(r.status(), StatusCode::ACCEPTED, "publish the run");
        self.matching_run_until(admin, id, "published").await
    }

    /// A matching run worked out and published, as an administrator does it.
    pub async fn publish_matching(&self, admin: &Person) -> Value {
        let run = self.matching_preview(admin).await;
        self.matching_publish(admin, &run).await
    }

    /// Ask for a sign-in link and return the token from the emailed link.
    pub async fn request_link(&self, person: &Person, email: &str) -> String {
        let r = person.post("/api/auth/link", json!({"email": email})).await;
        assert_eq!(r.status(), StatusCode::ACCEPTED, "link request for {email}");
        let last = self.mail_to(email).await.pop().expect("sign-in email");
        token_in(&last.text).expect("a token in the sign-in email")
    }

    /// Sign in through the emailed link, as a browser would.
    pub async fn sign_in(&self, email: &str) -> Person {
        self.sign_in_on(self.anonymous(), email).await
    }

    /// Sign `person`'s browser in through the emailed link.
    pub async fn sign_in_on(&self, mut person: Person, email: &str) -> Person {
        person.email = email.to_string();
        let token = self.request_link(&person, email).await;
        let r = person
            .post("/api/auth/session", json!({"token": token}))
            .await;
        assert_eq!(r.status(), StatusCode::OK, "session for {email}");
        person
    }

    /// Sign in through the identity provider, as a browser would, one
    /// redirect at a time: the start, the provider's page (given the
    /// address), the callback. The browser shows redirects from then on.
    pub async fn sign_in_with_provider(&self, email: &str) -> Person {
        let mut person = self.stepwise();
        person.email = email.to_string();
        let r = person
            .client
            .get(self.url("/api/auth/oidc"))
            .query(&[("login_hint", email)])
            .send()
            .await
            .expect("start");
        let to_provider = location(&r);
        let callback = provider_answers(&to_provider, None).await;
        let r = person.get(&on_site(&callback)).await;
        assert_eq!(location(&r), "/my/applications/", "{email} signed in");
        person
    }

    /// An approved mentor application with the usual test profile: leading,
    /// hiring and teamwork, daytime hours (a fit for `approved_mentee`).
    pub async fn approved_mentor(&self, email: &str) -> ApplicationId {
        self.approved(email, Role::Mentor, MENTOR_SKILLS, "daytime")
            .await
    }

    /// An approved mentee application: leading, budgeting and teamwork,
    /// daytime hours.
    pub async fn approved_mentee(&self, email: &str) -> ApplicationId {
        self.approved(email, Role::Mentee, MENTEE_SKILLS, "daytime")
            .await
    }

    /// An approved application put straight into the store (the review
    /// journey has its own scenarios), with these skills and hours.
    pub async fn approved(
        &self,
        email: &str,
        role: Role,
        skills: &[&str],
        hours: &str,
    ) -> ApplicationId {
        self.approved_wanting(email, role, skills, hours, "").await
    }

    /// `approved`, asking for a kind of mentorship (`committed`, `flash`,
    /// `either`, or empty for none stated).
    pub async fn approved_wanting(
        &self,
        email: &str,
        role: Role,
        skills: &[&str],
        hours: &str,
        kind: &str,
    ) -> ApplicationId {
        let n = self
            .seeded
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let (first, last) = email
            .split_once('@')
            .map(|(l, _)| l.split_once('.').unwrap_or((l, "Tester")))
            .expect("email");
        let mut form = mentee_form(if email == SUPERVISOR {
            "grace.hopper@mo.gov"
        } else {
            SUPERVISOR
        });
        form["first_name"] = json!(capitalised(first));
        form["last_name"] = json!(capitalised(last));
        form["skills"] = json!(skills);
        form["working_hours"] = json!(hours);
        form["mentorship_kind"] = json!(kind);
        let applicant = EmailAddress::parse(email).expect("email");
        let domains = ProgramDomains::parse("mo.gov").expect("domains");
        let details = Details::parse(
            &serde_json::from_value(form).expect("a form reads any object"),
            role,
            &applicant,
            &domains,
            &self.store.lists().await.expect("lists"),
        )
        .expect("valid form");
        let mut bytes = [0u8; 16];
        bytes[..8].copy_from_slice(&n.to_be_bytes());
        bytes[8] = role as u8 + 1;
        let now = *self.now.lock().expect("clock");
        let app = Application::submit(
            ApplicationId::from_random(bytes),
            role,
            applicant.clone(),
            details,
            now,
        );
        moments_tests::store_approved(&self.store, &app, now).await;
        app.id
    }

    pub async fn make_department_admin(&self, email: &str, dept: &str) {
        let email = EmailAddress::parse(email).expect("email");
        let dept = DepartmentId::parse(dept).expect("department");
        self.store
            .add_department_admin(&email, &dept, &email, Timestamp::now())
            .await
            .expect("admin added");
    }
}

/// The token in the fragment of the first sign-in link in a text.
/// Where a redirect sends the browser (a 303 is asserted).
pub fn location(r: &Response) -> String {
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "{}", r.url());
    r.headers()["location"]
        .to_str()
        .expect("location")
        .to_string()
}

/// The identity provider's sign-in page, answered with `email` typed in
/// (or, with `None`, the address the site suggested): where it sends the
/// browser back (the callback, with code and state). `authorize` is where
/// the site's start sent the browser.
pub async fn provider_answers(authorize: &str, email: Option<&str>) -> String {
    let mut url = reqwest::Url::parse(authorize).expect("provider address");
    if let Some(email) = email {
        let kept: Vec<(String, String)> = url
            .query_pairs()
            .filter(|(k, _)| k != "login_hint")
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        url.query_pairs_mut()
            .clear()
            .extend_pairs(kept)
            .append_pair("login_hint", email);
    }
    let r = Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
        .get(url)
        .send()
        .await
        .expect("provider");
    assert!(r.status().is_redirection(), "{}", r.status());
    r.headers()["location"]
        .to_str()
        .expect("location")
        .to_string()
}

/// The path and query of an address on the site, for a browser to open.
pub fn on_site(address: &str) -> String {
    let url = reqwest::Url::parse(address).expect("address");
    format!("{}?{}", url.path(), url.query().unwrap_or_default())
}

pub fn token_in(text: &str) -> Option<String> {
    let start = text.find("/signin/confirm/#token=")? + "/signin/confirm/#token=".len();
    Some(
        text[start..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
            .collect(),
    )
}

impl Person {
    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }
    pub async fn get(&self, path: &str) -> Response {
        self.client.get(self.url(path)).send().await.expect("GET")
    }
    pub async fn post(&self, path: &str, body: Value) -> Response {
        self.client
            .post(self.url(path))
            .json(&body)
            .send()
            .await
            .expect("POST")
    }
    pub async fn delete(&self, path: &str) -> Response {
        self.client
            .delete(self.url(path))
            .send()
            .await
            .expect("DELETE")
    }
    pub async fn put(&self, path: &str, body: Value) -> Response {
        self.client
            .put(self.url(path))
            .json(&body)
            .send()
            .await
            .expect("PUT")
    }
    pub async fn apply(&self, body: Value) -> Response {
        self.post("/api/applications", body).await
    }
}

/// A complete, valid mentee application naming `supervisor`.
pub fn mentee_form(supervisor: &str) -> Value {
    json!({
        "role": "mentee",
        "first_name": "Ada", "last_name": "Lovelace", "phone": "573-555-0100",
        "department": "revenue", "job_title": "Revenue Analyst", "work_location": "Jefferson City",
        "supervisor_first_name": "Grace", "supervisor_last_name": "Hopper",
        "supervisor_email": supervisor,
        "working_hours": "daytime",
        "bio": "Analyst in collections reporting; curious about leading a team.",
        "skills": ["data-analysis", "leadership", "public-speaking"],
        "goals": "Lead my first project and present it to leadership.",
        "full_time": true, "not_at_risk": true, "no_disciplinary_action": true,
        "agreement": true
    })
}

pub fn mentor_form(supervisor: &str) -> Value {
    let mut form = mentee_form(supervisor);
    form["role"] = json!("mentor");
    form["prior_mentees"] = json!(["kim.lee@mo.gov"]);
    form.as_object_mut().expect("object").remove("goals");
    form
}

/// `GET /api/catalogue`, as anyone reads it.
pub async fn catalogue(app: &TestApp) -> Value {
    let r = app.anonymous().get("/api/catalogue").await;
    assert_eq!(r.status(), StatusCode::OK);
    json_of(r).await
}

/// The ids of a list of `{id, ...}` entries, in order.
pub fn ids(list: &Value) -> Vec<&str> {
    list.as_array()
        .expect("list")
        .iter()
        .filter_map(|e| e["id"].as_str())
        .collect()
}

pub async fn json_of(r: Response) -> Value {
    r.json().await.expect("JSON body")
}

/// Assert a problem+json answer and return it.
pub async fn problem(r: Response, status: StatusCode) -> Value {
    assert_eq!(r.status(), status);
    let ct = r
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    assert_eq!(ct, "application/problem+json");
    let body: Value = r.json().await.expect("problem body");
    assert_eq!(body["status"], json!(status.as_u16()));
    body
}

/// The skills of `approved_mentor` and of `approved_mentee`.
pub const MENTOR_SKILLS: &[&str] = &["leadership", "hiring", "teamwork"];
pub const MENTEE_SKILLS: &[&str] = &["leadership", "budgeting", "teamwork"];

/// The approved mentee in `pair_up`.
pub const ADA: &str = "ada.mentee@mo.gov";
/// The approved mentor in `pair_up`.
pub const MAX: &str = "max.mentor@mo.gov";

/// Ada (approved mentee) asks Max (approved mentor, same skills and hours):
/// both signed in, Max's application id, and the request's id.
pub async fn pair_up(app: &TestApp) -> (Person, Person, ApplicationId, String) {
    app.approved_mentee(ADA).await;
    let mentor = app.approved_mentor(MAX).await;
    let ada = app.sign_in(ADA).await;
    let r = ada
        .post("/api/requests", json!({"mentor": mentor.as_str()}))
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let request = json_of(r).await["id"].as_str().expect("id").to_string();
    (ada, app.sign_in(MAX).await, mentor, request)
}

/// `pair_up`, and Max accepts: both signed in, and the mentorship's id.
pub async fn matched(app: &TestApp) -> (Person, Person, String) {
    let (ada, max, _, request) = pair_up(app).await;
    let accepted = json_of(
        max.post(&format!("/api/requests/{request}/accept"), json!({}))
            .await,
    )
    .await;
    let id = accepted["mentorship"]["id"]
        .as_str()
        .expect("id")
        .to_string();
    (ada, max, id)
}

/// Rows of a CSV export, the header first, as a spreadsheet reads them.
pub async fn csv_rows(p: &Person, name: &str) -> Vec<Vec<String>> {
    let r = p.get(&format!("/api/admin/exports/{name}")).await;
    assert_eq!(r.status(), StatusCode::OK, "{name}");
    let ct = r.headers()["content-type"]
        .to_str()
        .expect("type")
        .to_string();
    assert_eq!(ct, "text/csv; charset=utf-8");
    let bytes = r.bytes().await.expect("body");
    let text = std::str::from_utf8(&bytes).expect("UTF-8");
    let text = text.strip_prefix('\u{feff}').expect("a byte-order mark");
    csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(text.as_bytes())
        .records()
        .map(|r| r.expect("CSV row").iter().map(str::to_string).collect())
        .collect()
}

/// One column's cells, below the header.
pub fn column<'a>(rows: &'a [Vec<String>], name: &str) -> Vec<&'a str> {
    let i = rows[0]
        .iter()
        .position(|h| h == name)
        .unwrap_or_else(|| panic!("no column {name} in {:?}", rows[0]));
    rows[1..].iter().map(|r| r[i].as_str()).collect()
}

/// The stop link's fragment in an announcement's text, as the page reads it.
pub fn stop_link(text: &str) -> (String, String, String) {
    let at = text.find("/announcements/#").expect("a stop link");
    let fragment = text[at..]
        .split_whitespace()
        .next()
        .expect("link")
        .split_once('#')
        .expect("fragment")
        .1;
    let get = |key: &str| {
        fragment
            .split('&')
            .find_map(|kv| kv.strip_prefix(&format!("{key}=")))
            .expect(key)
            .replace("%40", "@")
    };
    (get("a"), get("to"), get("t"))
}
