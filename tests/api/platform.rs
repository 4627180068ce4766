use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::*;

#[tokio::test]
async fn the_site_and_the_outbox_are_served_on_the_same_port() {
    let app = spawn_app().await;
    let p = app.anonymous();
    for page in [
        "/",
        "/apply/mentee/",
        "/apply/mentor/",
        "/signin/",
        "/signin/confirm/",
        "/review/",
        "/my/applications/",
        "/mentors/",
        "/mentors/profile/?id=01J",
        "/dashboard/",
        "/requests/?id=01J",
        "/mentorships/?id=01J",
        "/survey/?mentorship=01J",
        "/admin/",
    ] {
        let r = p.get(page).await;
        assert_eq!(r.status(), StatusCode::OK, "{page}");
        assert!(r.text().await.expect("body").contains("MOments"), "{page}");
    }
    let r = p.get("/no/such/page/").await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);

    p.post("/api/auth/link", json!({"email": "ada.lovelace@mo.gov"}))
        .await;
    let outbox = p.get("/_local/outbox").await.text().await.expect("outbox");
    assert!(outbox.contains("ada.lovelace@mo.gov") && outbox.contains("<a href="));
}

#[tokio::test]
async fn unknown_api_routes_answer_with_a_problem() {
    let app = spawn_app().await;
    problem(
        app.anonymous().get("/api/nothing-here").await,
        StatusCode::NOT_FOUND,
    )
    .await;
}

#[tokio::test]
async fn demo_data_loads_and_twice_changes_nothing() {
    use moments_domain::fields::EmailAddress;
    let dir = tempfile::tempdir().expect("temp dir");
    let config = moments_local::LocalConfig {
        data_dir: dir.path().to_path_buf(),
        site_dir: moments_local::workspace_root().join("site"),
        base_url: "http://127.0.0.1:1".into(),
        domains: "mo.gov".into(),
        program_admins: "admin@mo.gov".into(),
        demo: true,
        oidc: None,
        admins_use_provider: false,
    };
    let first = moments_local::build(&config).await.expect("demo loads");
    let supervisor = EmailAddress::parse(moments_local::demo::SUPERVISOR).expect("email");
    let queue = first
        .store
        .applications_for_supervisor(&supervisor)
        .await
        .expect("queue");
    drop(first);
    let again = moments_local::build(&config)
        .await
        .expect("demo loads again");
    let (listed, _) = again.store.listed_mentors(None).await.expect("listing");
    assert_eq!(
        again
            .store
            .applications_for_supervisor(&supervisor)
            .await
            .expect("queue")
            .len(),
        queue.len()
    );
    assert_eq!(
        listed.len(),
        3,
        "the three approved demo mentors are searchable"
    );
}

#[tokio::test]
async fn paths_and_queries_the_router_cannot_read_answer_with_a_problem() {
    let app = spawn_app().await;
    let ada = app.sign_in("ada.lovelace@mo.gov").await;
    for unreadable in [
        "/api/mentors?name=Ada&name=Max",
        "/api/applications/%FF",
        "/api/mentorships/%FF",
        "/api/surveys/%C3",
        "/api/admin/metrics?quarter=2026-Q1&quarter=2026-Q2",
        "/api/admin/people?email=a@mo.gov&email=b@mo.gov",
        "/api/admin/audit/applications/%FF",
    ] {
        let bad = problem(ada.get(unreadable).await, StatusCode::BAD_REQUEST).await;
        assert_eq!(bad["type"], "/problems/bad-request", "{unreadable}");
    }
    let decision = json!({"outcome": "approve"});
    let r = ada.post("/api/applications/%FF/decision", decision).await;
    let bad = problem(r, StatusCode::BAD_REQUEST).await;
    assert_eq!(bad["type"], "/problems/bad-request");
}

#[tokio::test]
async fn no_api_answer_may_be_stored_by_a_browser_or_cache() {
    let app = spawn_app().await;
    let ada = app.sign_in("ada.lovelace@mo.gov").await;
    let answers = [
        ada.get("/api/me").await,
        ada.get("/api/applications").await,
        ada.post("/api/applications", json!({})).await,
        app.anonymous().get("/api/me").await,
        app.anonymous().get("/api/catalogue").await,
    ];
    for r in answers {
        let status = r.status();
        assert_eq!(
            r.headers()
                .get("cache-control")
                .and_then(|v| v.to_str().ok()),
            Some("no-store"),
            "{} {status}",
            r.url()
        );
    }
}
