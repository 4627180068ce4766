//! The program's rules as the store enforces them, on each backend: one
//! application per role, a decision applies once and only to the version
//! read while pending, queues by supervisor and department, single-use
//! sign-in tokens.

use std::sync::Arc;

use jiff::{SignedDuration, Timestamp};
use moments_adapters::store::{SignInGrant, Store, StoreError, TokenRefused};
use moments_adapters::table::Table;
use moments_domain::access::Actor;
use moments_domain::application::{
    Application, ApplicationId, Details, Outcome, Role, Status, Supervisor,
};
use moments_domain::audit::{Action, AuditEntry};
use moments_domain::fields::{DepartmentId, EmailAddress, PersonName, ProgramDomains};
use serde_json::json;

fn email(s: &str) -> EmailAddress {
    EmailAddress::parse(s).expect("email")
}

fn t0() -> Timestamp {
    Timestamp::from_second(1_790_000_000).expect("time")
}

fn details(role: Role, supervisor: &str, dept: &str) -> Details {
    let body = json!({
        "first_name": "Ada", "last_name": "Lovelace", "department": dept, "job_title": "Analyst",
        "work_location": "Jefferson City", "supervisor_first_name": "Grace", "supervisor_last_name": "Hopper",
        "supervisor_email": supervisor, "working_hours": "daytime", "bio": "Hello.",
        "skills": ["leadership", "budgeting", "teamwork"], "goals": "Grow.",
        "full_time": true, "not_at_risk": true, "no_disciplinary_action": true, "agreement": true,
    });
    let domains = ProgramDomains::parse("mo.gov").expect("domains");
    Details::parse(
        &serde_json::from_value(body).expect("a form reads any object"),
        role,
        &email("ada@mo.gov"),
        &domains,
        &moments_domain::catalogue::Lists::seed(),
    )
    .expect("valid")
}

fn application(n: u8, applicant: &str, role: Role, supervisor: &str, dept: &str) -> Application {
    let at = t0() + SignedDuration::from_secs(i64::from(n));
    Application::submit(
        ApplicationId::from_random([n; 16]),
        role,
        email(applicant),
        details(role, supervisor, dept),
        at,
    )
}

fn entry(actor: &str, action: Action) -> AuditEntry {
    AuditEntry {
        at: t0(),
        actor: email(actor),
        action,
        on_behalf_of: None,
        note: None,
    }
}

async fn created(store: &Store, app: &Application) {
    store
        .create_application(app, &entry(app.applicant.as_str(), Action::Submitted))
        .await
        .expect("created");
}

fn approve(app: &Application, by: &str) -> Application {
    app.decide(&Actor::new(email(by)), Outcome::Approved, None, t0())
        .expect("decided")
}

pub async fn second_application_for_a_role_is_refused_and_changes_nothing(table: Arc<dyn Table>) {
    let store = Store::new(table);
    let first = application(1, "ada@mo.gov", Role::Mentee, "grace@mo.gov", "revenue");
    created(&store, &first).await;
    let second = application(
        2,
        "ada@mo.gov",
        Role::Mentee,
        "don@mo.gov",
        "transportation",
    );
    let result = store
        .create_application(&second, &entry("ada@mo.gov", Action::Submitted))
        .await;
    assert!(
        matches!(result, Err(StoreError::AlreadyExists)),
        "{result:?}"
    );
    assert_eq!(store.application(&second.id).await.expect("read"), None);
    assert!(
        !store
            .is_supervisor(&email("don@mo.gov"))
            .await
            .expect("query")
    );
    let mine = store
        .applications_of(&email("ada@mo.gov"))
        .await
        .expect("mine");
    assert_eq!(mine, vec![first]);

    let mentor = application(3, "ada@mo.gov", Role::Mentor, "grace@mo.gov", "revenue");
    created(&store, &mentor).await;
    assert_eq!(
        store
            .applications_of(&email("ada@mo.gov"))
            .await
            .expect("mine")
            .len(),
        2
    );
}

pub async fn decision_applies_only_to_the_version_read_while_pending(table: Arc<dyn Table>) {
    let store = Store::new(table);
    let app = application(1, "ada@mo.gov", Role::Mentee, "grace@mo.gov", "revenue");
    created(&store, &app).await;
    let approved = approve(&app, "grace@mo.gov");
    store
        .save_application(
            app.version,
            true,
            &approved,
            &entry("grace@mo.gov", Action::Approved),
        )
        .await
        .expect("saved");

    // A second decision made from the same (now stale) read is refused.
    let denied = app
        .decide(
            &Actor::new(email("grace@mo.gov")),
            Outcome::Denied,
            None,
            t0(),
        )
        .expect("decided");
    let again = store
        .save_application(
            app.version,
            true,
            &denied,
            &entry("grace@mo.gov", Action::Denied),
        )
        .await;
    assert!(matches!(again, Err(StoreError::Changed)), "{again:?}");
    // Even at the current version, a decision needs a pending application.
    let mut forged = denied.clone();
    forged.version = approved.version + 1;
    let forged_result = store
        .save_application(
            approved.version,
            true,
            &forged,
            &entry("grace@mo.gov", Action::Denied),
        )
        .await;
    assert!(
        matches!(forged_result, Err(StoreError::Changed)),
        "{forged_result:?}"
    );

    let stored = store
        .application(&app.id)
        .await
        .expect("read")
        .expect("exists");
    assert_eq!(stored.status, Status::Approved);
    let trail = store.audit_of(&app.id).await.expect("audit");
    assert_eq!(
        trail.iter().map(|e| e.action).collect::<Vec<_>>(),
        [Action::Submitted, Action::Approved]
    );
}

pub async fn concurrent_decisions_apply_exactly_once(table: Arc<dyn Table>) {
    let store = Store::new(table);
    let app = application(1, "ada@mo.gov", Role::Mentee, "grace@mo.gov", "revenue");
    created(&store, &app).await;
    let mut tasks = Vec::new();
    for n in 0..20 {
        let store = store.clone();
        let app = app.clone();
        tasks.push(tokio::spawn(async move {
            let outcome = if n % 2 == 0 {
                Outcome::Approved
            } else {
                Outcome::Denied
            };
            let decided = app
                .decide(&Actor::new(email("grace@mo.gov")), outcome, None, t0())
                .expect("decided");
            store
                .save_application(
                    app.version,
                    true,
                    &decided,
                    &entry("grace@mo.gov", Action::Approved),
                )
                .await
        }));
    }
    let mut ok = 0;
    for t in tasks {
        match t.await.expect("task") {
            Ok(()) => ok += 1,
            Err(StoreError::Changed) => {}
            Err(e) => panic!("unexpected {e:?}"),
        }
    }
    assert_eq!(ok, 1);
    assert_eq!(store.audit_of(&app.id).await.expect("audit").len(), 2);
}

pub async fn queues_follow_supervisor_department_and_status(table: Arc<dyn Table>) {
    let store = Store::new(table);
    let a = application(1, "ada@mo.gov", Role::Mentee, "grace@mo.gov", "revenue");
    let b = application(2, "bob@mo.gov", Role::Mentor, "grace@mo.gov", "revenue");
    let c = application(3, "cy@mo.gov", Role::Mentee, "don@mo.gov", "transportation");
    for app in [&a, &b, &c] {
        created(&store, app).await;
    }
    let revenue = DepartmentId::parse("revenue").expect("dept");
    let ids = |apps: Vec<Application>| apps.into_iter().map(|x| x.id).collect::<Vec<_>>();
    assert_eq!(
        ids(store.pending_in_department(&revenue).await.expect("q")),
        [a.id.clone(), b.id.clone()]
    );
    assert_eq!(
        ids(store
            .applications_for_supervisor(&email("grace@mo.gov"))
            .await
            .expect("q")),
        [a.id.clone(), b.id.clone()]
    );

    let approved = approve(&a, "grace@mo.gov");
    store
        .save_application(
            a.version,
            true,
            &approved,
            &entry("grace@mo.gov", Action::Approved),
        )
        .await
        .expect("saved");
    assert_eq!(
        ids(store.pending_in_department(&revenue).await.expect("q")),
        vec![b.id.clone()]
    );
    assert_eq!(
        ids(store
            .applications_for_supervisor(&email("grace@mo.gov"))
            .await
            .expect("q")),
        [b.id.clone(), a.id.clone()],
        "pending first, then decided"
    );

    let don = Supervisor {
        first_name: PersonName::parse("Don").expect("name"),
        last_name: PersonName::parse("Knuth").expect("name"),
        email: email("don@mo.gov"),
    };
    let (moved, _) = b
        .reroute(&email("bob@mo.gov"), don, t0())
        .expect("rerouted");
    store
        .save_application(
            b.version,
            true,
            &moved,
            &entry("bob@mo.gov", Action::Rerouted),
        )
        .await
        .expect("saved");
    assert_eq!(
        ids(store
            .applications_for_supervisor(&email("grace@mo.gov"))
            .await
            .expect("q")),
        vec![a.id.clone()]
    );
    assert_eq!(
        ids(store
            .applications_for_supervisor(&email("don@mo.gov"))
            .await
            .expect("q")),
        [b.id.clone(), c.id.clone()]
    );
    assert!(store.is_supervisor(&email("don@mo.gov")).await.expect("q"));
    assert!(!store.is_supervisor(&email("ada@mo.gov")).await.expect("q"));
}

pub async fn department_administrators_are_kept_per_department(table: Arc<dyn Table>) {
    let store = Store::new(table);
    let dana = email("dana@mo.gov");
    let revenue = DepartmentId::parse("revenue").expect("dept");
    let transport = DepartmentId::parse("transportation").expect("dept");
    store
        .add_department_admin(&dana, &revenue, &email("pat@mo.gov"), t0())
        .await
        .expect("add");
    store
        .add_department_admin(&dana, &transport, &email("pat@mo.gov"), t0())
        .await
        .expect("add");
    store
        .add_department_admin(&email("eli@mo.gov"), &revenue, &email("pat@mo.gov"), t0())
        .await
        .expect("add");
    assert_eq!(
        store.departments_administered(&dana).await.expect("q"),
        [revenue.clone(), transport.clone()]
    );
    assert_eq!(
        store.department_admins(&revenue).await.expect("q"),
        [dana.clone(), email("eli@mo.gov")]
    );
    assert!(
        matches!(
            store
                .add_department_admin(&dana, &revenue, &email("pat@mo.gov"), t0())
                .await,
            Err(StoreError::AlreadyExists)
        ),
        "adding an administrator twice is refused"
    );
    store
        .remove_department_admin(&dana, &revenue, &email("pat@mo.gov"), t0())
        .await
        .expect("remove");
    assert!(
        matches!(
            store
                .remove_department_admin(&dana, &revenue, &email("pat@mo.gov"), t0())
                .await,
            Err(StoreError::Changed)
        ),
        "removing someone who is not an administrator changes nothing"
    );
    let added: Vec<String> = store
        .department_admin_records(&revenue)
        .await
        .expect("records")
        .into_iter()
        .map(|a| format!("{} by {}", a.email, a.added_by))
        .collect();
    assert_eq!(added, ["eli@mo.gov by pat@mo.gov"]);
    assert_eq!(
        store.departments_administered(&dana).await.expect("q"),
        [transport]
    );
    assert_eq!(
        store.department_admins(&revenue).await.expect("q"),
        [email("eli@mo.gov")]
    );
}

pub async fn sign_in_tokens_work_once_and_only_before_they_expire(table: Arc<dyn Table>) {
    let store = Store::new(table);
    let grant = SignInGrant {
        email: email("ada@mo.gov"),
        next: Some("/review/".into()),
        task: Some("review Ada Lovelace's mentee application".into()),
    };
    let expires = t0() + SignedDuration::from_secs(600);
    store
        .put_sign_in_token("aa", &grant, expires)
        .await
        .expect("put");
    // Looking does not use it, and says until when it works.
    for _ in 0..2 {
        assert_eq!(
            store.peek_sign_in_token("aa", t0()).await.expect("peek"),
            Ok((grant.clone(), expires))
        );
    }
    assert_eq!(
        store.take_sign_in_token("aa", t0()).await.expect("take"),
        Ok(grant.clone())
    );
    assert_eq!(
        store.take_sign_in_token("aa", t0()).await.expect("take"),
        Err(TokenRefused::UnknownOrUsed)
    );

    store
        .put_sign_in_token("bb", &grant, expires)
        .await
        .expect("put");
    assert_eq!(
        store.peek_sign_in_token("bb", expires).await.expect("peek"),
        Err(TokenRefused::Expired)
    );
    assert_eq!(
        store.take_sign_in_token("bb", expires).await.expect("take"),
        Err(TokenRefused::Expired)
    );

    store
        .put_sign_in_token("cc", &grant, expires)
        .await
        .expect("put");
    let mut tasks = Vec::new();
    for _ in 0..10 {
        let store = store.clone();
        tasks.push(tokio::spawn(async move {
            store.take_sign_in_token("cc", t0()).await
        }));
    }
    let mut signed_in = 0;
    for t in tasks {
        if t.await.expect("task").expect("take").is_ok() {
            signed_in += 1;
        }
    }
    assert_eq!(signed_in, 1, "one of ten simultaneous uses signs in");
}

/// The email addresses in a store's copy of the listing.
fn copied(store: &Store) -> Vec<String> {
    let mut emails: Vec<String> =
        store.with_listing_copy(|all| all.map(|l| l.email.to_string()).collect());
    emails.sort();
    emails
}

/// Two functions keep their own copies of the listing; each copy learns
/// every change the other commits, reading the notices rather than the
/// whole listing again.
pub async fn a_warm_listing_copy_learns_every_change_another_function_commits(
    table: Arc<dyn Table>,
) {
    let searching = Store::new(table.clone());
    let deciding = Store::new(table);
    let boss = "grace@mo.gov";
    let mut mentors = Vec::new();
    for n in 1..=3u8 {
        let app = application(n, &format!("m{n}@mo.gov"), Role::Mentor, boss, "revenue");
        created(&deciding, &app).await;
        let approved = approve(&app, boss);
        deciding
            .save_application(app.version, true, &approved, &entry(boss, Action::Approved))
            .await
            .expect("approved");
        mentors.push(approved);
    }
    searching.update_listing_copy().await.expect("first look");
    assert_eq!(copied(&searching), ["m1@mo.gov", "m2@mo.gov", "m3@mo.gov"]);

    // One mentor stops taking mentees, a fourth is approved, a pending
    // application changes nothing in the listing.
    let (first, capacity) = deciding
        .application_with_capacity(&mentors[0].id)
        .await
        .expect("read")
        .expect("there");
    deciding
        .set_availability(
            &first,
            capacity,
            false,
            &entry("m1@mo.gov", Action::AvailabilityChanged),
        )
        .await
        .expect("unavailable");
    let fourth = application(4, "m4@mo.gov", Role::Mentor, boss, "revenue");
    created(&deciding, &fourth).await;
    created(
        &deciding,
        &application(5, "m5@mo.gov", Role::Mentor, boss, "revenue"),
    )
    .await;
    deciding
        .save_application(
            fourth.version,
            true,
            &approve(&fourth, boss),
            &entry(boss, Action::Approved),
        )
        .await
        .expect("approved");

    let read = searching.update_listing_copy().await.expect("second look");
    assert_eq!(copied(&searching), ["m2@mo.gov", "m3@mo.gov", "m4@mo.gov"]);
    // The notices since the last look (at most the ones of this case) and
    // the three applications they name that were not applied yet.
    assert!(read <= 20, "read {read} items to catch up on a few changes");

    // Nothing new: the notices are read again, no application is.
    let again = searching.update_listing_copy().await.expect("third look");
    assert!(
        again < read,
        "{again} items read with nothing new, {read} with news"
    );
    assert_eq!(copied(&searching), ["m2@mo.gov", "m3@mo.gov", "m4@mo.gov"]);

    // The page read is the table's word: a mentor gone since is left out.
    let hours = moments_domain::fields::WorkingHours::Daytime;
    let (m1, m2) = (email("m1@mo.gov"), email("m2@mo.gov"));
    let now = searching
        .listings_now(&[(hours, m1), (hours, m2)])
        .await
        .expect("page");
    assert_eq!(
        now.iter().map(|l| l.email.to_string()).collect::<Vec<_>>(),
        ["m2@mo.gov"]
    );
}
