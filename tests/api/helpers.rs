//! `spawn_app`: a fresh local platform per test, on its own port and data
//! directory, with a clock the test can move.

use std::sync::{Arc, Mutex};

use jiff::{SignedDuration, Timestamp};
use moments_adapters::http::Clock;
use moments_adapters::mail::outbox::OutboxEntry;
use moments_adapters::store::Store;
use moments_domain::fields::{DepartmentId, EmailAddress};
use moments_local::{LocalConfig, build_with_clock, workspace_root};
use reqwest::{Client, Response, StatusCode};
use serde_json::{Value, json};

pub const PROGRAM_ADMIN: &str = "pat.admin@mo.gov";

pub struct TestApp {
    pub base: String,
    pub store: Store,
    outbox: Arc<moments_adapters::mail::outbox::Outbox>,
    now: Arc<Mutex<Timestamp>>,
    _dir: tempfile::TempDir,
}

pub async fn spawn_app() -> TestApp {
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
    };
    let now = Arc::new(Mutex::new(Timestamp::now()));
    let platform = build_with_clock(&config, Clock::Fixed(now.clone()))
        .await
        .expect("platform starts");
    tokio::spawn(async move { axum::serve(listener, platform.router).await });
    TestApp {
        base,
        store: platform.store,
        outbox: platform.outbox,
        now,
        _dir: dir,
    }
}

/// A person's browser: their own cookie jar.
pub struct Person {
    pub email: String,
    pub client: Client,
    base: String,
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub fn advance(&self, by: SignedDuration) {
        let mut now = self.now.lock().expect("clock");
        *now += by;
    }

    pub fn anonymous(&self) -> Person {
        Person {
            email: String::new(),
            client: Client::builder()
                .cookie_store(true)
                .build()
                .expect("client"),
            base: self.base.clone(),
        }
    }

    /// Every email sent to `to`, oldest first.
    pub async fn mail_to(&self, to: &str) -> Vec<OutboxEntry> {
        let mut all: Vec<OutboxEntry> = self
            .outbox
            .list(10_000)
            .await
            .expect("outbox")
            .into_iter()
            .filter(|m| m.to == to)
            .collect();
        all.reverse();
        all
    }

    pub async fn mail_count(&self) -> usize {
        self.outbox.list(10_000).await.expect("outbox").len()
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
        let mut person = self.anonymous();
        person.email = email.to_string();
        let token = self.request_link(&person, email).await;
        let r = person
            .post("/api/auth/session", json!({"token": token}))
            .await;
        assert_eq!(r.status(), StatusCode::OK, "session for {email}");
        person
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

/// The `token` query parameter of the first confirm link in a text.
pub fn token_in(text: &str) -> Option<String> {
    let start = text.find("/signin/confirm/?token=")? + "/signin/confirm/?token=".len();
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
