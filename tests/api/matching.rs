//! Quarterly suggested matches: a program administrator's run is worked out
//! by a job and changes nothing for the mentees; publishing it (jobs again)
//! stores each mentee's list and emails them once; lists never include
//! excluded mentors.

use moments_domain::application::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::*;

async fn matching_scenario(app: TestApp) {
    // Ada's supervisor (SUPERVISOR) is also a mentor: never suggested to her.
    app.approved(
        SUPERVISOR,
        Role::Mentor,
        &["leadership", "budgeting", "teamwork"],
        "daytime",
    )
    .await;
    let max_id = app
        .approved(
            "max.mentor@mo.gov",
            Role::Mentor,
            &["leadership", "budgeting", "hiring"],
            "daytime",
        )
        .await;
    let declined_by = app
        .approved(
            "dan.decliner@mo.gov",
            Role::Mentor,
            &["leadership", "budgeting", "teamwork"],
            "daytime",
        )
        .await;
    app.approved(
        "eve.evening@mo.gov",
        Role::Mentor,
        &["grant-writing", "hiring", "listening"],
        "evening",
    )
    .await;
    let ada_id = app.approved_mentee("ada.mentee@mo.gov").await;
    let bo_id = app
        .approved(
            "bo.mentee@mo.gov",
            Role::Mentee,
            &["grant-writing", "listening", "hiring"],
            "evening",
        )
        .await;
    // Cy ranked skills no mentor offers: suggested no one, served first next time.
    let cy_id = app
        .approved(
            "cy.mentee@mo.gov",
            Role::Mentee,
            &["procurement", "public-speaking", "networking"],
            "daytime",
        )
        .await;
    // Dan declined Ada once.
    let ada = app.sign_in("ada.mentee@mo.gov").await;
    let r = json_of(
        ada.post("/api/requests", json!({"mentor": declined_by.as_str()}))
            .await,
    )
    .await;
    let dan = app.sign_in("dan.decliner@mo.gov").await;
    dan.post(
        &format!("/api/requests/{}/decline", r["id"].as_str().expect("id")),
        json!({}),
    )
    .await;

    let admin = app.sign_in(PROGRAM_ADMIN).await;
    problem(
        ada.post("/api/admin/matching/runs", json!({})).await,
        StatusCode::FORBIDDEN,
    )
    .await;
    let mails = app.mail_count().await;
    let run = app.matching_preview(&admin).await;
    assert_eq!(
        (
            run["figures"]["mentees"].clone(),
            run["figures"]["with_suggestions"].clone(),
            run["pages"].clone(),
        ),
        (json!(3), json!(2), json!(1))
    );
    let id = run["id"].as_str().expect("id").to_string();
    // Only the run's own pages: page 2 of one, page 0, a page that is not a number.
    for page in ["2", "0", "x"] {
        let r = admin
            .get(&format!("/api/admin/matching/runs/{id}/lists?page={page}"))
            .await;
        assert!(
            [StatusCode::NOT_FOUND, StatusCode::UNPROCESSABLE_ENTITY].contains(&r.status()),
            "page {page}: {}",
            r.status()
        );
    }
    problem(
        admin
            .get("/api/admin/matching/runs/20260101T000000-0000000000000000")
            .await,
        StatusCode::NOT_FOUND,
    )
    .await;
    let lists = app.matching_lists(&admin, &run).await;
    let priority = |lists: &[Value], who: &moments_domain::application::ApplicationId| {
        lists
            .iter()
            .find(|l| l["application_id"] == who.as_str())
            .map(|l| {
                (
                    l["priority"].clone(),
                    l["suggestions"].as_array().map(Vec::len),
                )
            })
    };
    assert_eq!(priority(&lists, &cy_id), Some((json!(false), Some(0))));
    let ada_list: Vec<&str> = lists
        .iter()
        .find(|l| l["application_id"] == ada_id.as_str())
        .and_then(|l| l["suggestions"].as_array())
        .expect("ada's list")
        .iter()
        .map(|s| s["first_name"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(ada_list[0], "Max", "best fit first");
    assert!(
        !ada_list.contains(&"Dan") && !ada_list.contains(&"Sam"),
        "{ada_list:?}"
    );
    assert!(
        lists
            .iter()
            .filter(|l| l["application_id"] != cy_id.as_str())
            .all(|l| {
                l["suggestions"]
                    .as_array()
                    .is_some_and(|s| !s.is_empty() && s.len() <= 5)
            })
    );
    assert_eq!(
        app.mail_count().await,
        mails,
        "a run not published sends nothing"
    );
    assert_eq!(
        json_of(ada.get("/api/suggestions").await).await["suggestions"],
        json!([]),
        "and stores nothing"
    );
    let runs = json_of(admin.get("/api/admin/matching/runs").await).await;
    assert_eq!(runs["runs"][0]["id"], json!(id), "the latest run first");

    // Before publishing, the administrator checks each fit, removes a
    // suggestion and puts it back, and holds Bo back.
    let first = &lists
        .iter()
        .find(|l| l["application_id"] == ada_id.as_str())
        .expect("ada's list")["suggestions"][0];
    assert!(
        first["fit_explained"]
            .as_str()
            .is_some_and(|f| f.starts_with("Leadership 6 × 6 = 36")
                && f.ends_with(&format!("= {}", first["score"]))),
        "{first}"
    );
    let list_of = |mentee: &str| format!("/api/admin/matching/runs/{id}/lists/{mentee}");
    let ada_path = list_of(ada_id.as_str());
    let without_max = json_of(
        admin
            .put(&ada_path, json!({"page": 1, "removed": [max_id.as_str()]}))
            .await,
    )
    .await;
    assert_eq!(
        without_max["removed"][0]["first_name"], "Max",
        "{without_max}"
    );
    assert!(
        without_max["suggestions"]
            .as_array()
            .is_some_and(|s| s.iter().all(|m| m["first_name"] != "Max")),
        "{without_max}"
    );
    let back = json_of(
        admin
            .put(&ada_path, json!({"page": 1, "removed": []}))
            .await,
    )
    .await;
    assert_eq!(
        (
            back["suggestions"][0]["first_name"].clone(),
            back["removed"].clone()
        ),
        (json!("Max"), json!([]))
    );
    let held = json_of(
        admin
            .put(&list_of(bo_id.as_str()), json!({"page": 1, "held": true}))
            .await,
    )
    .await;
    assert_eq!(held["held"], true);
    // Refused, with nothing changed: a mentor not in the list, a page
    // number that is not one, the wrong page, a mentee not in the run.
    let stranger = problem(
        admin
            .put(&ada_path, json!({"page": 1, "removed": ["someone-else"]}))
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert!(stranger["errors"]["removed"].is_string(), "{stranger}");
    let no_page = problem(
        admin.put(&ada_path, json!({"page": 0})).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert!(no_page["errors"]["page"].is_string(), "{no_page}");
    problem(
        admin.put(&ada_path, json!({"page": 2})).await,
        StatusCode::NOT_FOUND,
    )
    .await;
    problem(
        admin
            .put(&list_of("no-such-mentee"), json!({"page": 1}))
            .await,
        StatusCode::NOT_FOUND,
    )
    .await;
    problem(
        ada.put(&ada_path, json!({"page": 1, "held": true})).await,
        StatusCode::FORBIDDEN,
    )
    .await;
    let lists = app.matching_lists(&admin, &run).await;
    let held_now: Vec<&Value> = lists.iter().filter(|l| l["held"] == true).collect();
    assert_eq!(held_now.len(), 1, "only Bo is held back");

    problem(
        ada.post(&format!("/api/admin/matching/runs/{id}/publish"), json!({}))
            .await,
        StatusCode::FORBIDDEN,
    )
    .await;
    let published = app.matching_publish(&admin, &run).await;
    assert_eq!(
        (
            published["publishing"]["published"].clone(),
            published["publishing"]["emailed"].clone(),
            published["publishing"]["held_back"].clone(),
            published["published_by"].clone()
        ),
        (json!(2), json!(1), json!(1), json!(PROGRAM_ADMIN))
    );
    assert!(
        app.mail_to("bo.mentee@mo.gov")
            .await
            .iter()
            .all(|m| !m.subject.contains("suggested")),
        "Bo was held back"
    );
    // A published run's lists no longer change.
    problem(
        admin.put(&ada_path, json!({"page": 1, "held": true})).await,
        StatusCode::CONFLICT,
    )
    .await;
    assert!(
        app.mail_to("ada.mentee@mo.gov")
            .await
            .pop()
            .expect("mail")
            .subject
            .contains("suggested")
    );
    let mine = json_of(ada.get("/api/suggestions").await).await;
    let first: &Value = &mine["suggestions"][0];
    assert_eq!(
        (first["first_name"].clone(), first["listed"].clone()),
        (json!("Max"), json!(true))
    );
    assert!(
        first["reason"]
            .as_str()
            .is_some_and(|r| r.starts_with("Shares"))
    );
    // A run publishes once.
    let twice = problem(
        admin
            .post(&format!("/api/admin/matching/runs/{id}/publish"), json!({}))
            .await,
        StatusCode::CONFLICT,
    )
    .await;
    assert!(
        twice["detail"]
            .as_str()
            .is_some_and(|d| d.contains("published already")),
        "{twice}"
    );

    // Another run the same day emails no one twice: only Bo, held back
    // from the first, hears now.
    let again = app.publish_matching(&admin).await;
    assert_eq!(again["publishing"]["emailed"], 1);
    assert_eq!(
        app.mail_to("ada.mentee@mo.gov")
            .await
            .iter()
            .filter(|m| m.subject.contains("suggested"))
            .count(),
        1
    );

    // The next run serves Cy first: left without suggestions last time.
    let next = app.matching_preview(&admin).await;
    let lists = app.matching_lists(&admin, &next).await;
    assert_eq!(priority(&lists, &cy_id).map(|(p, _)| p), Some(json!(true)));
    assert_eq!(priority(&lists, &bo_id).map(|(p, _)| p), Some(json!(false)));
    // A day later its lists are out of date: publishing them is refused.
    app.advance(jiff::SignedDuration::from_hours(25));
    let admin = app.sign_in(PROGRAM_ADMIN).await;
    let stale = problem(
        admin
            .post(
                &format!(
                    "/api/admin/matching/runs/{}/publish",
                    next["id"].as_str().expect("id")
                ),
                json!({}),
            )
            .await,
        StatusCode::CONFLICT,
    )
    .await;
    assert!(
        stale["detail"]
            .as_str()
            .is_some_and(|d| d.contains("more than a day ago")),
        "{stale}"
    );
}

#[tokio::test]
async fn matching_dry_run_then_publish_on_the_embedded_store() {
    matching_scenario(spawn_app().await).await;
}

#[tokio::test]
async fn matching_dry_run_then_publish_through_dynamodb_and_ses() {
    matching_scenario(spawn_app_on_aws("matching").await).await;
}

#[tokio::test]
async fn the_jobs_page_runs_the_matching() {
    let app = spawn_app().await;
    app.approved(
        "max.mentor@mo.gov",
        Role::Mentor,
        &["leadership", "budgeting", "hiring"],
        "daytime",
    )
    .await;
    app.approved_mentee("ada.mentee@mo.gov").await;
    let page = app
        .anonymous()
        .client
        .post(app.url("/_local/jobs/matching"))
        .send()
        .await
        .expect("POST")
        .text()
        .await
        .expect("page");
    assert!(
        page.contains("1 mentees, 1 with suggestions, 1 emailed"),
        "{page}"
    );
}

/// `mentee` asks `mentor` (an application id) and the mentor accepts.
async fn matched(app: &TestApp, mentee: &Person, mentor: &str, mentor_email: &str) {
    let r = json_of(
        mentee
            .post("/api/requests", json!({"mentor": mentor}))
            .await,
    )
    .await;
    let accept = format!("/api/requests/{}/accept", r["id"].as_str().expect("id"));
    let accepted = app
        .sign_in(mentor_email)
        .await
        .post(&accept, json!({}))
        .await;
    assert_eq!(accepted.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_mentee_with_one_mentor_is_suggested_a_second_and_one_with_two_or_paused_is_left_out() {
    let app = spawn_app().await;
    let skills = ["leadership", "budgeting", "hiring"];
    let mut mentors = Vec::new();
    for email in [
        "max.mentor@mo.gov",
        "mo.mentor@mo.gov",
        "pip.mentor@mo.gov",
        "zoe.mentor@mo.gov",
    ] {
        let id = app.approved(email, Role::Mentor, &skills, "daytime").await;
        mentors.push((id.to_string(), email));
    }
    // Ada has Max; Bo has Mo and Pip (two, the most a mentee may have); Cy
    // has none but paused her search.
    let [ada, bo, cy] = ["ada.mentee@mo.gov", "bo.mentee@mo.gov", "cy.mentee@mo.gov"];
    let mut ids = Vec::new();
    for mentee in [ada, bo, cy] {
        ids.push(app.approved(mentee, Role::Mentee, &skills, "daytime").await);
    }
    let ada_session = app.sign_in(ada).await;
    matched(&app, &ada_session, &mentors[0].0, mentors[0].1).await;
    let bo_session = app.sign_in(bo).await;
    matched(&app, &bo_session, &mentors[1].0, mentors[1].1).await;
    matched(&app, &bo_session, &mentors[2].0, mentors[2].1).await;
    let paused = app
        .sign_in(cy)
        .await
        .put(
            &format!("/api/applications/{}/pause", ids[2]),
            json!({"paused": true}),
        )
        .await;
    assert_eq!(paused.status(), StatusCode::OK);

    let admin = app.sign_in(PROGRAM_ADMIN).await;
    let preview = app.matching_preview(&admin).await;
    let lists = app.matching_lists(&admin, &preview).await;
    let listed: Vec<&str> = lists
        .iter()
        .filter_map(|l| l["application_id"].as_str())
        .collect();
    assert_eq!(
        listed,
        [ids[0].as_str()],
        "Bo has two mentors and Cy paused"
    );
    assert_eq!(
        (
            preview["figures"]["mentees"].clone(),
            preview["figures"]["second_mentor"].clone()
        ),
        (json!(1), json!(1))
    );
    assert_eq!(lists[0]["second_mentor"], true);
    let suggested: Vec<&str> = lists[0]["suggestions"]
        .as_array()
        .expect("suggestions")
        .iter()
        .filter_map(|s| s["first_name"].as_str())
        .collect();
    // Mo and Pip still have room for one more mentee; Max is Ada's mentor.
    assert!(!suggested.contains(&"Max"), "{suggested:?}");
    assert_eq!(suggested.len(), 3, "{suggested:?}");
    // Three is all there is, and the list says so rather than padding.
    assert!(
        lists[0]["short_reason"]
            .as_str()
            .is_some_and(|r| r.starts_with("Only 3 mentors")),
        "{}",
        lists[0]
    );

    // Between the run and publishing, Pip pauses: publishing drops him
    // from Ada's list, and her list says why it is shorter.
    let paused = app
        .sign_in(mentors[2].1)
        .await
        .put(
            &format!("/api/applications/{}/pause", mentors[2].0),
            json!({"paused": true}),
        )
        .await;
    assert_eq!(paused.status(), StatusCode::OK);
    let published = app.matching_publish(&admin, &preview).await;
    assert_eq!(
        (
            published["publishing"]["emailed"].clone(),
            published["publishing"]["dropped"].clone(),
            published["publishing"]["left_out"].clone()
        ),
        (json!(1), json!(1), json!(0))
    );
    let mail = app.mail_to(ada).await.pop().expect("mail");
    assert!(
        mail.subject.contains("second mentorship"),
        "{}",
        mail.subject
    );
    let mine = json_of(ada_session.get("/api/suggestions").await).await;
    assert_eq!(mine["second_mentor"], true);
    assert!(
        mine["short_reason"]
            .as_str()
            .is_some_and(|r| r.contains("filled their places since")),
        "{mine}"
    );
    let names: Vec<&str> = mine["suggestions"]
        .as_array()
        .expect("suggestions")
        .iter()
        .filter_map(|s| s["first_name"].as_str())
        .collect();
    assert_eq!(names.len(), 2, "{names:?}");
    assert!(!names.contains(&"Pip"), "{names:?}");
    assert!(
        app.mail_to(bo)
            .await
            .iter()
            .all(|m| !m.subject.to_lowercase().contains("suggested"))
    );

    // Once Ada has her second mentor, the rest of her list is withdrawn.
    matched(&app, &ada_session, &mentors[3].0, mentors[3].1).await;
    let mine = json_of(ada_session.get("/api/suggestions").await).await;
    assert_eq!(mine["suggestions"], json!([]));
}

/// A run longer than a page is published a page at a time by jobs that
/// save their progress: a job cut short leaves the next one to go on from
/// where it stopped, a repeated job does nothing more, and nobody is
/// emailed twice.
#[tokio::test]
async fn a_run_of_many_pages_is_published_page_by_page_and_a_repeated_job_emails_no_one_twice() {
    let app = spawn_app().await;
    for n in 0..3 {
        app.approved_mentor(&format!("mentor.{n}@mo.gov")).await;
    }
    let mentees: Vec<String> = (0..150).map(|n| format!("mentee.m{n}@mo.gov")).collect();
    for mentee in &mentees {
        app.approved_mentee(mentee).await;
    }
    let admin = app.sign_in(PROGRAM_ADMIN).await;
    let run = app.matching_preview(&admin).await;
    assert_eq!(
        (run["pages"].clone(), run["figures"]["mentees"].clone()),
        (json!(2), json!(150))
    );
    let id = run["id"].as_str().expect("id");
    let second = json_of(
        admin
            .get(&format!("/api/admin/matching/runs/{id}/lists?page=2"))
            .await,
    )
    .await;
    assert_eq!(second["lists"].as_array().map(Vec::len), Some(50));

    let r = admin
        .post(&format!("/api/admin/matching/runs/{id}/publish"), json!({}))
        .await;
    assert_eq!(r.status(), StatusCode::ACCEPTED);
    // A job that may publish one page only: it saves its progress, and the
    // next job goes on from there.
    let deps = &app.jobs.deps;
    let after_one = moments_usecases::matching::publish_pages(deps, id, 0, Some(1))
        .await
        .expect("first page")
        .expect("the run");
    let progress = after_one.publishing.as_ref().expect("progress");
    assert_eq!(
        (after_one.status, progress.next_page, progress.published),
        (moments_usecases::matching::RunStatus::Publishing, 1, 100)
    );
    assert_eq!(
        moments_usecases::matching::publish_job(&after_one),
        Some(moments_domain::reminders::Job::MatchingPublish {
            run: id.to_string(),
            page: 1
        }),
        "the next job goes on from page 1"
    );
    // The job the publish made (from page 0) and the one for page 1 both
    // run: the first goes on after the saved page, the second finds the
    // run published.
    let published = app.matching_run_until(&admin, id, "published").await;
    assert_eq!(
        (
            published["publishing"]["published"].clone(),
            published["publishing"]["next_page"].clone()
        ),
        (json!(150), json!(2))
    );
    let again = moments_usecases::matching::publish_pages(deps, id, 0, None)
        .await
        .expect("repeated");
    assert!(again.is_none(), "a published run is left alone");
    let mut emailed = 0;
    for mentee in &mentees {
        let told = app
            .mail_to(mentee)
            .await
            .iter()
            .filter(|m| m.subject.contains("suggested"))
            .count();
        assert!(told <= 1, "{mentee} told {told} times");
        emailed += told;
    }
    assert_eq!(
        json!(emailed),
        published["publishing"]["emailed"],
        "{published}"
    );
    assert_eq!(json!(emailed), published["figures"]["with_suggestions"]);
}
