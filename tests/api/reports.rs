//! Running the program: metrics, exports, audit trails and department
//! administrators, seen by each role. The figures are recomputed here from
//! the raw records, independently of the counters the platform keeps.

use std::collections::BTreeMap;

use jiff::SignedDuration;
use moments_domain::metrics::Quarter;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::*;

const DANA: &str = "dana.deptadmin@mo.gov";

/// A small program, built through the API as people would: applications in
/// two departments, decided after a few days, requests answered every way,
/// two pairs across departments, meetings, one ending with both surveys.
struct Program {
    app: TestApp,
    /// Application ids by email.
    ids: BTreeMap<&'static str, String>,
    finished: String,
    ongoing: String,
}

async fn apply(app: &TestApp, email: &str, role: &str, department: &str) -> String {
    let person = app.sign_in(email).await;
    let mut form = if role == "mentor" {
        mentor_form(SUPERVISOR)
    } else {
        mentee_form(SUPERVISOR)
    };
    let first = email.split('.').next().unwrap_or("x");
    form["first_name"] = json!(first[..1].to_uppercase() + &first[1..]);
    form["department"] = json!(department);
    if email.starts_with("ned") {
        // A cell a spreadsheet would take for a formula.
        form["job_title"] = json!("=HYPERLINK(\"x\")");
    }
    let r = person.apply(form).await;
    assert_eq!(r.status(), StatusCode::CREATED, "{email} applies");
    json_of(r).await["id"].as_str().expect("id").to_string()
}

async fn decide(sam: &Person, id: &str, outcome: &str) {
    let r = sam
        .post(
            &format!("/api/applications/{id}/decision"),
            json!({"outcome": outcome}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK, "{outcome} {id}");
}

async fn request(mentee: &Person, mentor_app: &str) -> String {
    let r = mentee
        .post("/api/requests", json!({"mentor": mentor_app}))
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    json_of(r).await["id"].as_str().expect("id").to_string()
}

async fn accepted(mentor: &Person, request: &str) -> String {
    let r = mentor
        .post(&format!("/api/requests/{request}/accept"), json!({}))
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    json_of(r).await["mentorship"]["id"]
        .as_str()
        .expect("mentorship")
        .to_string()
}

async fn meet(p: &Person, mentorship: &str, date: &str, minutes: u32) {
    let r = p
        .post(
            &format!("/api/mentorships/{mentorship}/meetings"),
            json!({"date": date, "minutes": minutes}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
}

async fn answer(p: &Person, mentorship: &str, satisfaction: u8, recommend: bool) {
    let r = p
        .post(
            &format!("/api/surveys/{mentorship}"),
            json!({"satisfaction": satisfaction, "goals_met": "partly", "meetings": 2,
                   "cadence": "monthly", "would_recommend": recommend,
                   "went_well": "Honest talks.", "improve": "-- more time"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
}

async fn a_program(app: TestApp) -> Program {
    // Mid-quarter, so the whole story falls in one match group.
    app.set_now("2026-08-03T14:00:00Z".parse().expect("time"));
    let people: [(&'static str, &str, &str); 7] = [
        ("ada.rev@mo.gov", "mentee", "revenue"),
        ("bo.rev@mo.gov", "mentee", "revenue"),
        ("cy.rev@mo.gov", "mentee", "revenue"),
        ("di.tra@mo.gov", "mentee", "transportation"),
        ("max.rev@mo.gov", "mentor", "revenue"),
        ("mia.tra@mo.gov", "mentor", "transportation"),
        ("ned.tra@mo.gov", "mentor", "transportation"),
    ];
    let mut ids = BTreeMap::new();
    for (email, role, dept) in people {
        ids.insert(email, apply(&app, email, role, dept).await);
    }
    // Reviews take two days, and three for Di.
    app.advance(SignedDuration::from_hours(48));
    let sam = app.sign_in(SUPERVISOR).await;
    for email in ["ada.rev@mo.gov", "max.rev@mo.gov", "mia.tra@mo.gov"] {
        decide(&sam, &ids[email], "approve").await;
    }
    decide(&sam, &ids["bo.rev@mo.gov"], "deny").await;
    app.advance(SignedDuration::from_hours(24));
    // A session lasts 12 hours: Sam signs in again the next day.
    let sam = app.sign_in(SUPERVISOR).await;
    decide(&sam, &ids["di.tra@mo.gov"], "approve").await;

    // Matches come five days after Di's approval.
    app.advance(SignedDuration::from_hours(24 * 5));
    let ada = app.sign_in("ada.rev@mo.gov").await;
    let di = app.sign_in("di.tra@mo.gov").await;
    let max = app.sign_in("max.rev@mo.gov").await;
    let mia = app.sign_in("mia.tra@mo.gov").await;
    let declined = request(&ada, &ids["max.rev@mo.gov"]).await;
    let r = max
        .post(
            &format!("/api/requests/{declined}/decline"),
            json!({"reason": "Full calendar this month."}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let withdrawn = request(&di, &ids["mia.tra@mo.gov"]).await;
    let r = di
        .post(&format!("/api/requests/{withdrawn}/withdraw"), json!({}))
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let asked = [
        request(&ada, &ids["mia.tra@mo.gov"]).await,
        request(&di, &ids["max.rev@mo.gov"]).await,
    ];
    app.advance(SignedDuration::from_hours(1));
    let finished = accepted(&mia, &asked[0]).await;
    let ongoing = accepted(&max, &asked[1]).await;

    let today = jiff::tz::TimeZone::UTC
        .to_datetime(app.now())
        .date()
        .to_string();
    meet(&ada, &finished, &today, 60).await;
    meet(&mia, &finished, &today, 30).await;
    meet(&max, &ongoing, &today, 45).await;
    let r = ada
        .post(
            &format!("/api/mentorships/{finished}/end"),
            json!({"outcome": "completed", "reason": "We reached the goals."}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    answer(&ada, &finished, 4, true).await;
    answer(&mia, &finished, 5, false).await;
    app.make_department_admin(DANA, "revenue").await;
    Program {
        app,
        ids,
        finished,
        ongoing,
    }
}

fn median(mut days: Vec<i64>) -> Value {
    if days.is_empty() {
        return Value::Null;
    }
    days.sort();
    let n = days.len();
    json!((days[(n - 1) / 2] + days[n / 2]) as f64 / 2.0)
}

fn whole_days(from: jiff::Timestamp, to: jiff::Timestamp) -> i64 {
    (to.as_second() - from.as_second()).div_euclid(86_400)
}

/// The measures, worked out from every record of the quarter, for the
/// departments `keep` admits.
async fn recomputed(app: &TestApp, keep: impl Fn(&str) -> bool) -> Value {
    let quarter = Quarter::of(app.now());
    let store = &app.store;
    let apps = store.applications_in_quarter(quarter).await.expect("apps");
    let requests = store.requests_in_quarter(quarter).await.expect("requests");
    let pairs = store.mentorships_in_quarter(quarter).await.expect("pairs");
    let surveys = store.surveys_in_quarter(quarter).await.expect("surveys");

    let count_apps = |role: &str, status: &str| {
        apps.iter()
            .filter(|a| {
                a.role.as_str() == role
                    && a.status.as_str() == status
                    && keep(a.details.department.as_str())
            })
            .count()
    };
    let request_count = |status: &str| {
        requests
            .iter()
            .filter(|r| r.status.as_str() == status && keep(r.counted.mentee_department.as_str()))
            .count()
    };
    let mine: Vec<_> = pairs
        .iter()
        .filter(|p| keep(p.mentorship.counted.mentee_department.as_str()))
        .collect();
    let minutes: u32 = mine.iter().map(|p| p.minutes).sum();
    let responses: Vec<_> = surveys
        .iter()
        .filter(|s| {
            let m = &pairs
                .iter()
                .find(|p| p.mentorship.id == s.mentorship)
                .expect("surveyed pair")
                .mentorship;
            let dept = if s.version.as_str() == "mentee" {
                &m.counted.mentee_department
            } else {
                &m.counted.mentor_department
            };
            keep(dept.as_str())
        })
        .collect();
    let ended_sides = pairs
        .iter()
        .filter(|p| p.mentorship.ended.is_some())
        .map(|p| {
            usize::from(keep(p.mentorship.counted.mentee_department.as_str()))
                + usize::from(keep(p.mentorship.counted.mentor_department.as_str()))
        })
        .sum::<usize>();
    let requests_by_status =
        ["pending", "accepted", "declined", "withdrawn", "closed"].map(request_count);
    json!({
        "mentees": [count_apps("mentee", "pending"), count_apps("mentee", "approved"), count_apps("mentee", "denied")],
        "mentors": [count_apps("mentor", "pending"), count_apps("mentor", "approved"), count_apps("mentor", "denied")],
        "requests": requests_by_status,
        "connections": mine.len(),
        "active": mine.iter().filter(|p| p.mentorship.ended.is_none()).count(),
        "days_to_approval": median(apps.iter()
            .filter(|a| a.status.as_str() == "approved" && keep(a.details.department.as_str()))
            .filter_map(|a| Some(whole_days(a.submitted_at, a.decision.as_ref()?.decided_at)))
            .collect()),
        "days_to_match": median(mine.iter()
            .map(|p| whole_days(p.mentorship.counted.mentee_approved_at, p.mentorship.started_at))
            .collect()),
        "meetings": mine.iter().map(|p| p.meeting_count).sum::<u32>(),
        "hours": f64::from(minutes) / 60.0,
        "responses": responses.len(),
        "response_rate": if ended_sides == 0 { Value::Null } else { json!(responses.len() as f64 / ended_sides as f64) },
    })
}

/// The same shape, read from the metrics endpoint.
fn reported(m: &Value) -> Value {
    let three = |p: &Value| json!([p["pending"], p["approved"], p["denied"]]);
    let r = &m["requests"];
    json!({
        "mentees": three(&m["mentee_profiles"]),
        "mentors": three(&m["mentor_profiles"]),
        "requests": [r["pending"], r["accepted"], r["declined"], r["withdrawn"], r["closed"]],
        "connections": m["pairs"]["connections"],
        "active": m["pairs"]["active"],
        "days_to_approval": m["median_days_to_approval"],
        "days_to_match": m["median_days_to_match"],
        "meetings": m["meetings"],
        "hours": m["hours"],
        "responses": json!(m["surveys"]["mentee"]["responses"].as_i64().unwrap_or(0)
            + m["surveys"]["mentor"]["responses"].as_i64().unwrap_or(0)),
        "response_rate": m["surveys"]["response_rate"],
    })
}

async fn metrics(p: &Person) -> Value {
    let r = p.get("/api/admin/metrics").await;
    assert_eq!(r.status(), StatusCode::OK);
    json_of(r).await
}

async fn the_metrics_and_exports_agree_with_the_records(app: TestApp) {
    let p = a_program(app).await;
    let pat = p.app.sign_in(PROGRAM_ADMIN).await;
    let all = metrics(&pat).await;
    let total = &all["report"]["total"];
    // The figures as a person would check them by hand...
    assert_eq!(
        total["mentee_profiles"],
        json!({"pending": 1, "approved": 2, "denied": 1, "revoked": 0, "withdrawn": 0, "total": 4})
    );
    assert_eq!(total["mentor_profiles"]["approved"], 2);
    assert_eq!(
        total["prior_mentees"], 3,
        "one earlier mentee per mentor form"
    );
    assert_eq!(total["requests"]["acceptance_rate"], json!(0.67));
    assert_eq!(total["median_days_to_approval"], json!(2.0));
    assert_eq!(total["median_days_to_match"], json!(5.5));
    assert_eq!(total["hours"], json!(2.25));
    assert_eq!(
        total["surveys"]["mentee"]["average_satisfaction"],
        json!(4.0)
    );
    assert_eq!(
        total["surveys"]["mentor"]["would_recommend_rate"],
        json!(0.0)
    );
    assert_eq!(total["surveys"]["response_rate"], json!(1.0));
    // ...and as the records say, for the program and for each department.
    assert_eq!(reported(total), recomputed(&p.app, |_| true).await);
    for dept in all["report"]["by_department"].as_array().expect("rows") {
        let id = dept["department"]["id"].as_str().expect("id").to_string();
        assert_eq!(
            reported(&dept["measures"]),
            recomputed(&p.app, |d| d == id).await,
            "department {id}"
        );
    }
    assert_eq!(
        all["report"]["by_quarter"][0]["quarter"],
        json!(Quarter::of(p.app.now()).to_string())
    );
    // Everyone applied before match group twelve's window closed, so all of
    // it, pairs, meetings and answers too, counts with that group.
    let groups = all["report"]["by_group"].as_array().expect("groups");
    assert_eq!(groups.len(), 1, "{groups:?}");
    assert_eq!(groups[0]["group"], "twelve");
    assert_eq!(groups[0]["name"], "Match group twelve");
    assert_eq!(reported(&groups[0]["measures"]), reported(total));
    // One group at a time: twelve holds it all, thirteen nothing yet.
    let twelve = json_of(pat.get("/api/admin/metrics?group=twelve").await).await;
    assert_eq!(twelve["group"], "twelve");
    assert_eq!(reported(&twelve["report"]["total"]), reported(total));
    let thirteen = json_of(pat.get("/api/admin/metrics?group=thirteen").await).await;
    assert_eq!(thirteen["report"]["by_quarter"], json!([]));
    assert_eq!(thirteen["report"]["total"]["pairs"]["connections"], 0);
    let both = json_of(
        pat.get(&format!(
            "/api/admin/metrics?group=twelve&quarter={}",
            Quarter::of(p.app.now())
        ))
        .await,
    )
    .await;
    assert_eq!(reported(&both["report"]["total"]), reported(total));
    assert!(
        all["items_read"].as_u64().expect("items read") <= 2,
        "one counter item per department and quarter: {}",
        all["items_read"]
    );

    // The exports hold the same records.
    let apps = csv_rows(&pat, "applications.csv").await;
    assert_eq!(apps.len() - 1, p.ids.len());
    let statuses = column(&apps, "status");
    assert_eq!(statuses.iter().filter(|s| **s == "approved").count(), 4);
    assert!(
        column(&apps, "job_title").contains(&"'=HYPERLINK(\"x\")"),
        "a formula-like cell stays text"
    );
    let pairs = csv_rows(&pat, "mentorships.csv").await;
    let hours: f64 = column(&pairs, "hours")
        .iter()
        .map(|h| h.parse::<f64>().expect("hours"))
        .sum();
    assert_eq!(hours, 2.25);
    assert_eq!(column(&pairs, "end_reason"), {
        let mut reasons = vec!["We reached the goals.", ""];
        if pairs[1][0] != p.finished {
            reasons.reverse();
        }
        reasons
    });
    let meetings = csv_rows(&pat, "meetings.csv").await;
    assert_eq!(meetings.len() - 1, 6, "three meetings, one row per person");
    let ada_minutes: u32 = meetings[1..]
        .iter()
        .filter(|r| r[2] == "ada.rev@mo.gov")
        .map(|r| r[5].parse::<u32>().expect("minutes"))
        .sum();
    assert_eq!(ada_minutes, 90);
    assert!(
        column(&meetings, "training_title")
            .iter()
            .all(|t| *t == "Mentorship Meeting")
    );
    let surveys = csv_rows(&pat, "surveys.csv").await;
    assert_eq!(column(&surveys, "satisfaction").len(), 2);
    assert!(column(&surveys, "improve").contains(&"'-- more time"));
    let one_quarter = csv_rows(
        &pat,
        &format!("applications.csv?quarter={}", Quarter::of(p.app.now())),
    )
    .await;
    assert_eq!(one_quarter, apps);
    // Each record names its match group, and a group's exports hold its records.
    assert!(column(&apps, "match_group").iter().all(|g| *g == "twelve"));
    assert!(
        column(&surveys, "match_group")
            .iter()
            .all(|g| *g == "twelve")
    );
    for (name, whole) in [
        ("applications.csv", &apps),
        ("mentorships.csv", &pairs),
        ("meetings.csv", &meetings),
        ("surveys.csv", &surveys),
    ] {
        assert_eq!(
            &csv_rows(&pat, &format!("{name}?group=twelve")).await,
            whole,
            "{name}"
        );
        assert_eq!(
            csv_rows(&pat, &format!("{name}?group=thirteen"))
                .await
                .len(),
            1,
            "{name} of group thirteen has its header only"
        );
    }
    let r = pat
        .get("/api/admin/exports/meetings.csv?group=twelve")
        .await;
    assert_eq!(
        r.headers()["content-disposition"],
        "attachment; filename=\"moments-meetings-twelve.csv\""
    );
    let _ = p.ongoing;
}

#[tokio::test]
async fn the_metrics_and_exports_agree_with_the_records_on_the_embedded_store() {
    the_metrics_and_exports_agree_with_the_records(spawn_app().await).await;
}

#[tokio::test]
async fn the_metrics_and_exports_agree_with_the_records_on_dynamodb() {
    the_metrics_and_exports_agree_with_the_records(spawn_app_on_dynamodb("reports").await).await;
}

#[tokio::test]
async fn a_department_administrator_sees_only_their_department() {
    let p = a_program(spawn_app().await).await;
    let dana = p.app.sign_in(DANA).await;
    let mine = metrics(&dana).await;
    assert_eq!(mine["scope"]["program"], false);
    assert_eq!(mine["scope"]["departments"][0]["id"], "revenue");
    let rows = mine["report"]["by_department"].as_array().expect("rows");
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["department"]["id"], "revenue");
    assert_eq!(
        reported(&mine["report"]["total"]),
        recomputed(&p.app, |d| d == "revenue").await
    );

    let apps = csv_rows(&dana, "applications.csv").await;
    assert!(
        column(&apps, "department")
            .iter()
            .all(|d| *d == "Department of Revenue")
    );
    assert_eq!(apps.len() - 1, 4, "Ada, Bo, Cy and Max");
    let pairs = csv_rows(&dana, "mentorships.csv").await;
    assert_eq!(pairs.len() - 1, 2, "each pair has a side in Revenue");
    assert!(!pairs[0].iter().any(|h| h == "end_reason"));
    let meetings = csv_rows(&dana, "meetings.csv").await;
    assert!(
        column(&meetings, "department")
            .iter()
            .all(|d| *d == "Department of Revenue")
    );
    assert_eq!(meetings.len() - 1, 3, "Ada twice and Max once");
    let surveys = csv_rows(&dana, "surveys.csv").await;
    assert_eq!(surveys.len() - 1, 1, "only Ada answered from Revenue");
    for private in ["respondent_email", "went_well", "improve", "mentorship_id"] {
        assert!(!surveys[0].iter().any(|h| h == private), "{private}");
    }

    // An administrator of a department with no activity sees nothing of others'.
    p.app
        .make_department_admin("olga.other@mo.gov", "corrections")
        .await;
    let olga = p.app.sign_in("olga.other@mo.gov").await;
    let theirs = metrics(&olga).await;
    let quiet = &theirs["report"]["by_department"];
    assert_eq!(
        quiet.as_array().map(Vec::len),
        Some(1),
        "their department, quiet"
    );
    assert_eq!(quiet[0]["department"]["id"], "corrections");
    assert_eq!(quiet[0]["measures"]["mentee_profiles"]["total"], 0);
    assert_eq!(theirs["report"]["total"]["mentee_profiles"]["total"], 0);
    assert_eq!(
        csv_rows(&olga, "applications.csv").await.len(),
        1,
        "header only"
    );
    assert_eq!(csv_rows(&olga, "surveys.csv").await.len(), 1, "header only");

    // Program administrators' tools stay closed to department administrators.
    for path in [
        format!("/api/admin/audit/applications/{}", p.ids["ada.rev@mo.gov"]),
        "/api/admin/people?email=ada.rev@mo.gov".to_string(),
        "/api/admin/department-admins".to_string(),
    ] {
        problem(dana.get(&path).await, StatusCode::FORBIDDEN).await;
    }
    problem(
        dana.post(
            "/api/admin/department-admins",
            json!({"email": "eve@mo.gov", "department": "revenue"}),
        )
        .await,
        StatusCode::FORBIDDEN,
    )
    .await;
    problem(
        dana.post("/api/admin/matching/runs", json!({})).await,
        StatusCode::FORBIDDEN,
    )
    .await;
}

#[tokio::test]
async fn applicants_supervisors_and_strangers_never_see_reports() {
    let p = a_program(spawn_app().await).await;
    let ada_app = &p.ids["ada.rev@mo.gov"];
    let gets = [
        "/api/admin/metrics".to_string(),
        "/api/admin/exports/applications.csv".to_string(),
        "/api/admin/exports/mentorships.csv".to_string(),
        "/api/admin/exports/meetings.csv".to_string(),
        "/api/admin/exports/surveys.csv".to_string(),
        format!("/api/admin/audit/applications/{ada_app}"),
        format!("/api/admin/audit/mentorships/{}", p.finished),
        "/api/admin/people?email=ada.rev@mo.gov".to_string(),
        "/api/admin/department-admins".to_string(),
    ];
    let before = metrics(&p.app.sign_in(PROGRAM_ADMIN).await).await;
    for who in ["ada.rev@mo.gov", SUPERVISOR, "max.rev@mo.gov"] {
        let person = p.app.sign_in(who).await;
        for path in &gets {
            problem(person.get(path).await, StatusCode::FORBIDDEN).await;
        }
        problem(
            person
                .post(
                    "/api/admin/department-admins",
                    json!({"email": who, "department": "revenue"}),
                )
                .await,
            StatusCode::FORBIDDEN,
        )
        .await;
        let r = person
            .client
            .delete(
                p.app
                    .url(&format!("/api/admin/department-admins/revenue/{DANA}")),
            )
            .send()
            .await
            .expect("DELETE");
        problem(r, StatusCode::FORBIDDEN).await;
    }
    let stranger = p.app.anonymous();
    for path in &gets {
        problem(stranger.get(path).await, StatusCode::UNAUTHORIZED).await;
    }
    let pat = p.app.sign_in(PROGRAM_ADMIN).await;
    assert_eq!(
        metrics(&pat).await["report"],
        before["report"],
        "nothing changed"
    );
    let admins = json_of(pat.get("/api/admin/department-admins").await).await;
    let revenue = admins["departments"]
        .as_array()
        .expect("departments")
        .iter()
        .find(|d| d["department"]["id"] == "revenue")
        .expect("revenue")
        .clone();
    assert_eq!(
        revenue["admins"].as_array().map(Vec::len),
        Some(1),
        "Dana only"
    );
}

#[tokio::test]
async fn a_program_administrator_appoints_a_department_administrator_who_decides_on_behalf() {
    let app = spawn_app().await;
    let pending = apply(&app, "eli.rev@mo.gov", "mentee", "revenue").await;
    let pat = app.sign_in(PROGRAM_ADMIN).await;

    let bad = problem(
        pat.post(
            "/api/admin/department-admins",
            json!({"email": "rita@example.com", "department": "nowhere"}),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert!(
        bad["errors"]["email"]
            .as_str()
            .is_some_and(|e| e.contains("new administrator"))
            && bad["errors"]["department"].is_string()
    );
    let r = pat
        .post(
            "/api/admin/department-admins",
            json!({"email": "Rita.Rev@mo.gov", "department": "revenue"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    problem(
        pat.post(
            "/api/admin/department-admins",
            json!({"email": "rita.rev@mo.gov", "department": "revenue"}),
        )
        .await,
        StatusCode::CONFLICT,
    )
    .await;

    let rita = app.sign_in("rita.rev@mo.gov").await;
    let me = json_of(rita.get("/api/me").await).await;
    assert!(
        me["roles"]
            .as_array()
            .expect("roles")
            .contains(&json!("department_admin"))
    );
    let r = rita
        .post(
            &format!("/api/applications/{pending}/decision"),
            json!({"outcome": "approve"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let decided = json_of(r).await;
    assert_eq!(decided["decision"]["on_behalf_of"], json!(SUPERVISOR));

    // The audit trail says who decided, for whom.
    let trail = json_of(
        pat.get(&format!("/api/admin/audit/applications/{pending}"))
            .await,
    )
    .await;
    let actions: Vec<(&str, &str, &Value)> = trail["entries"]
        .as_array()
        .expect("entries")
        .iter()
        .map(|e| {
            (
                e["action"].as_str().unwrap_or_default(),
                e["actor"].as_str().unwrap_or_default(),
                &e["on_behalf_of"],
            )
        })
        .collect();
    assert_eq!(
        actions,
        [
            ("submitted", "eli.rev@mo.gov", &Value::Null),
            ("approved", "rita.rev@mo.gov", &json!(SUPERVISOR)),
        ]
    );
    let found = json_of(pat.get("/api/admin/people?email=rita.rev@mo.gov").await).await;
    assert_eq!(found["administers"][0]["id"], "revenue");

    let remove = |who: &str| {
        pat.client
            .delete(app.url(&format!("/api/admin/department-admins/revenue/{who}")))
            .send()
    };
    assert_eq!(
        remove("rita.rev@mo.gov").await.expect("DELETE").status(),
        StatusCode::NO_CONTENT
    );
    problem(
        remove("rita.rev@mo.gov").await.expect("DELETE"),
        StatusCode::NOT_FOUND,
    )
    .await;
    let me = json_of(rita.get("/api/me").await).await;
    assert!(
        !me["roles"]
            .as_array()
            .expect("roles")
            .contains(&json!("department_admin"))
    );
}

#[tokio::test]
async fn a_mentorships_audit_trail_starts_with_its_request() {
    let p = a_program(spawn_app().await).await;
    let pat = p.app.sign_in(PROGRAM_ADMIN).await;
    let trail = json_of(
        pat.get(&format!("/api/admin/audit/mentorships/{}", p.finished))
            .await,
    )
    .await;
    let steps: Vec<String> = trail["entries"]
        .as_array()
        .expect("entries")
        .iter()
        .map(|e| {
            format!(
                "{} {} by {}",
                e["record"].as_str().unwrap_or_default(),
                e["action"].as_str().unwrap_or_default(),
                e["actor"].as_str().unwrap_or_default()
            )
        })
        .collect();
    assert_eq!(
        steps,
        [
            "request request_sent by ada.rev@mo.gov",
            "request request_accepted by mia.tra@mo.gov",
            "mentorship request_accepted by mia.tra@mo.gov",
            "mentorship mentorship_ended by ada.rev@mo.gov",
        ]
    );
    assert_eq!(trail["record"]["status"], "completed");
}

#[tokio::test]
async fn bad_report_requests_are_named() {
    let app = spawn_app().await;
    let pat = app.sign_in(PROGRAM_ADMIN).await;
    let bad = problem(
        pat.get("/api/admin/metrics?quarter=2026-Q9").await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert!(bad["errors"]["quarter"].is_string());
    // A group must be one of the program's; both fields are named at once.
    for (query, message) in [
        ("group=fifty", "No match group has the id fifty."),
        ("group=Fifty%21", "lowercase letters"),
    ] {
        for path in ["metrics", "exports/applications.csv"] {
            let bad = problem(
                pat.get(&format!("/api/admin/{path}?{query}&quarter=2026-Q9"))
                    .await,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
            assert!(
                bad["errors"]["group"]
                    .as_str()
                    .is_some_and(|m| m.contains(message)),
                "{path}?{query}: {bad}"
            );
            assert!(bad["errors"]["quarter"].is_string(), "{bad}");
        }
    }
    problem(
        pat.get("/api/admin/exports/everything.csv").await,
        StatusCode::NOT_FOUND,
    )
    .await;
    problem(
        pat.get("/api/admin/audit/supervisors/abc").await,
        StatusCode::NOT_FOUND,
    )
    .await;
    let bad = problem(
        pat.get("/api/admin/people?email=nobody").await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert!(bad["errors"]["email"].is_string());
    let empty = metrics(&pat).await;
    assert_eq!(empty["report"]["by_quarter"], json!([]));
    assert_eq!(
        empty["report"]["total"]["median_days_to_approval"],
        Value::Null
    );
    assert_eq!(
        empty["report"]["total"]["requests"]["acceptance_rate"],
        Value::Null
    );
}
