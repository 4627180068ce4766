//! The program's metrics: counters that follow each record's state, and the
//! measures read from them.

use std::collections::BTreeMap;

use jiff::{SignedDuration, Timestamp};
use moments_domain::access::Actor;
use moments_domain::application::{Application, ApplicationId, Details, Outcome, Role};
use moments_domain::calendar::CalendarId;
use moments_domain::catalogue::Lists;
use moments_domain::departments::StoredDepartments;
use moments_domain::fields::{DepartmentId, DivisionId, EmailAddress, LongText, ProgramDomains};
use moments_domain::goals::{GoalMark, GoalStatus};
use moments_domain::kind::{KindPreference, MentorshipKind};
use moments_domain::mentorship::{
    AgreementDraft, Capacity, MeetingDraft, MeetingId, Mentorship, MentorshipId, MentorshipStatus,
    RequestId, Sides, select,
};
use moments_domain::metrics::{self, Bucket, Counters, Measures, Quarter, Report, Tally, counter};
use moments_domain::survey::{SurveyAnswers, SurveyResponse};
use proptest::prelude::*;
use serde_json::json;

fn email(s: &str) -> EmailAddress {
    EmailAddress::parse(s).expect("email")
}

fn dept(id: &str) -> DepartmentId {
    DepartmentId::parse(id).expect("department")
}

fn at(s: &str) -> Timestamp {
    s.parse().expect("timestamp")
}

fn application(who: &str, role: Role, department: &str, now: Timestamp) -> Application {
    let form = json!({
        "first_name": "Ada", "last_name": "Lovelace", "department": department,
        "job_title": "Analyst", "work_location": "Jefferson City",
        "supervisor_first_name": "Grace", "supervisor_last_name": "Hopper",
        "supervisor_email": "grace@mo.gov", "working_hours": "daytime", "bio": "Hello.",
        "skills": ["leadership", "budgeting", "teamwork"], "goals": "Grow.",
        "prior_mentees": ["kim@mo.gov", "lee@mo.gov"],
        "full_time": true, "not_at_risk": true, "no_disciplinary_action": true, "agreement": true,
    });
    let details = Details::parse(
        &serde_json::from_value(form).expect("a form reads any object"),
        role,
        &email(who),
        &ProgramDomains::parse("mo.gov").expect("domains"),
        &Lists::seed(),
    )
    .expect("valid form");
    let id = ApplicationId::from_random([who.len() as u8 + role as u8; 16]);
    Application::submit(id, role, email(who), details, now)
}

fn decide(app: &Application, outcome: Outcome, now: Timestamp) -> Application {
    app.decide(&Actor::new(email("grace@mo.gov")), outcome, None, now)
        .expect("decided")
}

/// A mentee of `mentee_dept` approved at `approved`, matched at `matched`
/// with a mentor of `mentor_dept`.
fn matched(
    mentee_dept: &str,
    mentor_dept: &str,
    approved: Timestamp,
    matched: Timestamp,
) -> Mentorship {
    let mentee = decide(
        &application("ada@mo.gov", Role::Mentee, mentee_dept, approved),
        Outcome::Approved,
        approved,
    );
    let mentor = decide(
        &application("max@mo.gov", Role::Mentor, mentor_dept, approved),
        Outcome::Approved,
        approved,
    );
    let sides = Sides {
        mentee: Some((&mentee, Capacity::default())),
        mentor: (&mentor, Capacity::default()),
    };
    let request = select(
        &mentee.applicant,
        &sides,
        false,
        RequestId::from_random([1; 16]),
        None,
        matched,
    )
    .expect("request");
    request
        .accept(
            &mentor.applicant,
            Capacity::default(),
            Capacity::default(),
            MentorshipId::from_random([2; 16]),
            matched,
        )
        .expect("accepted")
        .1
}

fn survey(m: &Mentorship, role: Role, satisfaction: u8, recommend: bool) -> SurveyResponse {
    let answers = SurveyAnswers::parse(
        &serde_json::from_value(json!({
            "satisfaction": satisfaction, "goals_met": "partly", "meetings": 6,
            "cadence": "monthly", "would_recommend": recommend,
        }))
        .expect("a form reads any object"),
    )
    .expect("valid answers");
    SurveyResponse {
        mentorship: m.id.clone(),
        respondent: if role == Role::Mentee {
            m.mentee.clone()
        } else {
            m.mentor.clone()
        },
        version: role,
        answers,
        submitted_at: m.started_at,
    }
}

/// The counters a series of writes leaves, bucket by bucket.
fn stored(changes: &[Tally]) -> Vec<(Bucket, Counters)> {
    let all = changes.iter().fold(Tally::default(), |acc, t| acc.plus(t));
    all.by_bucket()
        .into_iter()
        .map(|(b, counters)| {
            (
                b.clone(),
                counters
                    .into_iter()
                    .map(|(name, n)| (name.to_string(), n))
                    .collect(),
            )
        })
        .collect()
}

#[test]
fn a_quarter_is_the_utc_calendar_quarter_and_reads_back() {
    assert_eq!(
        Quarter::of(at("2026-03-31T23:59:59Z")).to_string(),
        "2026-Q1"
    );
    assert_eq!(
        Quarter::of(at("2026-04-01T00:00:00Z")).to_string(),
        "2026-Q2"
    );
    assert_eq!(
        Quarter::of(at("2026-12-31T12:00:00Z")).to_string(),
        "2026-Q4"
    );
    let q = Quarter::parse("2026-Q3").expect("quarter");
    assert_eq!(q.to_string(), "2026-Q3");
    assert_eq!(q.first_day().to_string(), "2026-07-01");
    for bad in ["2026", "2026-Q5", "2026-Q0", "Q3-2026", "", "1999-Q1"] {
        assert!(Quarter::parse(bad).is_err(), "{bad:?} refused");
    }
}

#[test]
fn an_application_moves_from_pending_to_approved_with_its_review_time() {
    let submitted = at("2026-07-06T15:00:00Z");
    let app = application("ada@mo.gov", Role::Mentee, "revenue", submitted);
    let approved = decide(
        &app,
        Outcome::Approved,
        submitted + SignedDuration::from_hours(24 * 3 + 5),
    );
    let changes = [
        Tally::change(None, &metrics::application(&app)),
        Tally::change(
            Some(&metrics::application(&app)),
            &metrics::application(&approved),
        ),
    ];
    let report = Report::build(&stored(&changes), &StoredDepartments::seed());
    let m = &report.total;
    assert_eq!(m.mentee_profiles.pending, 0);
    assert_eq!(m.mentee_profiles.approved, 1);
    assert_eq!(m.mentee_profiles.total, 1);
    assert_eq!(m.median_days_to_approval, Some(3.0));
    assert_eq!(report.by_quarter[0].quarter.to_string(), "2026-Q3");
    assert_eq!(report.by_department[0].department.id, "revenue");
}

#[test]
fn a_denied_application_counts_no_review_time_and_a_mentor_counts_earlier_mentees() {
    let t = at("2026-01-10T12:00:00Z");
    let mentor = application("max@mo.gov", Role::Mentor, "revenue", t);
    let denied = decide(&mentor, Outcome::Denied, t);
    let m = Report::build(
        &stored(&[metrics::application(&denied)]),
        &StoredDepartments::seed(),
    )
    .total;
    assert_eq!(m.mentor_profiles.denied, 1);
    assert_eq!(m.prior_mentees, 2);
    assert_eq!(m.median_days_to_approval, None);
}

#[test]
fn a_pair_across_departments_counts_once_for_the_program_and_on_each_side() {
    let approved = at("2026-07-01T12:00:00Z");
    let m = matched(
        "revenue",
        "transportation",
        approved,
        approved + SignedDuration::from_hours(24 * 10),
    );
    let meeting = m
        .log_meeting(
            &m.mentee,
            MeetingId::from_random([3; 16]),
            MeetingDraft {
                date: jiff::civil::date(2026, 7, 11),
                minutes: 90,
                topic: None,
            },
            0,
            m.started_at,
            jiff::civil::date(2026, 7, 11),
        )
        .expect("meeting");
    let ended = m
        .end(
            &m.mentor,
            MentorshipStatus::Completed,
            LongText::parse("We met our goals.").expect("text"),
            m.started_at,
        )
        .expect("ended");
    let changes = [
        metrics::mentorship(&m),
        metrics::meeting(&m, &meeting),
        Tally::change(Some(&metrics::mentorship(&m)), &metrics::mentorship(&ended)),
        metrics::survey(&ended, &survey(&ended, Role::Mentee, 5, true)),
    ];
    let report = Report::build(&stored(&changes), &StoredDepartments::seed());
    let total = &report.total;
    assert_eq!(total.pairs.connections, 1, "one pair for the program");
    assert_eq!(total.pairs.completed, 1);
    assert_eq!(total.pairs.active, 0);
    assert_eq!(total.hours, 1.5);
    assert_eq!(total.meetings, 1);
    assert_eq!(total.median_days_to_match, Some(10.0));
    assert_eq!(total.surveys.mentee.responses, 1);
    assert_eq!(total.surveys.mentee.average_satisfaction, Some(5.0));
    assert_eq!(total.surveys.response_rate, Some(0.5), "one of two answers");
    let side = |id: &str| -> &Measures {
        &report
            .by_department
            .iter()
            .find(|d| d.department.id == id)
            .expect("department row")
            .measures
    };
    assert_eq!(side("revenue").pairs.connections, 1);
    assert_eq!(side("revenue").mentoring.connections, 0);
    assert_eq!(side("transportation").mentoring.completed, 1);
    assert_eq!(side("transportation").mentor_hours, 1.5);
    assert_eq!(side("transportation").hours, 0.0);
    assert_eq!(side("transportation").surveys.response_rate, Some(0.0));
}

#[test]
fn acceptance_rate_leaves_out_withdrawn_and_waiting_requests() {
    let bucket = Bucket::new(at("2026-07-01T00:00:00Z"), (&dept("revenue"), &None), &None);
    let mut t = Tally::default();
    use moments_domain::mentorship::RequestStatus::*;
    for (status, n) in [
        (Accepted, 3),
        (Declined, 2),
        (Closed, 1),
        (Withdrawn, 4),
        (Pending, 5),
    ] {
        t.add(&bucket, counter::requests(status), n);
    }
    let r = Report::build(&stored(&[t]), &StoredDepartments::seed())
        .total
        .requests;
    assert_eq!(r.total, 15);
    assert_eq!(r.acceptance_rate, Some(0.5));
}

#[test]
fn a_pair_its_meetings_and_answers_count_with_the_mentees_match_group() {
    let day = at("2026-10-05T15:00:00Z");
    let fourteen = Some(CalendarId::parse("fourteen").expect("id"));
    let fifteen = Some(CalendarId::parse("fifteen").expect("id"));
    let mentee = decide(
        &application("ada@mo.gov", Role::Mentee, "revenue", day).in_group(fourteen.clone()),
        Outcome::Approved,
        day,
    );
    // The mentor applied a group later; the pair still counts with the mentee.
    let mentor = decide(
        &application("max@mo.gov", Role::Mentor, "revenue", day).in_group(fifteen.clone()),
        Outcome::Approved,
        day,
    );
    let sides = Sides {
        mentee: Some((&mentee, Capacity::default())),
        mentor: (&mentor, Capacity::default()),
    };
    let request = select(
        &mentee.applicant,
        &sides,
        false,
        RequestId::from_random([2; 16]),
        None,
        day,
    )
    .expect("may select");
    let (_, m) = request
        .accept(
            &mentor.applicant,
            Capacity::default(),
            Capacity::default(),
            MentorshipId::from_random([3; 16]),
            day,
        )
        .expect("accepts");
    let logged = m
        .log_meeting(
            &m.mentee,
            MeetingId::from_random([4; 16]),
            MeetingDraft {
                date: jiff::civil::date(2026, 10, 5),
                minutes: 90,
                topic: None,
            },
            0,
            day,
            jiff::civil::date(2026, 10, 5),
        )
        .expect("meeting");
    let report = Report::build(
        &stored(&[
            metrics::application(&mentee),
            metrics::application(&mentor),
            metrics::mentorship(&m),
            metrics::meeting(&m, &logged),
            metrics::survey(&m, &survey(&m, Role::Mentor, 4, true)),
        ]),
        &StoredDepartments::seed(),
    );
    let group = |id: &Option<CalendarId>| {
        report
            .by_group
            .iter()
            .find(|g| &g.group == id)
            .map(|g| g.measures.clone())
            .expect("the group has figures")
    };
    let (first, second) = (group(&fourteen), group(&fifteen));
    assert_eq!(first.mentee_profiles.approved, 1);
    assert_eq!(first.mentor_profiles.total, 0);
    assert_eq!(first.pairs.connections, 1);
    assert_eq!(first.mentoring.connections, 1);
    assert_eq!(first.hours, 1.5);
    assert_eq!(first.mentor_hours, 1.5);
    assert_eq!(first.surveys.mentor.responses, 1);
    assert_eq!(second.mentor_profiles.approved, 1);
    assert_eq!(second.pairs.connections + second.mentoring.connections, 0);
    assert!(report.by_group.iter().all(|g| g.group.is_some()));
}

#[test]
fn goals_count_once_a_pair_ends_as_they_stood_by_department_and_share_met() {
    let day = at("2026-10-05T15:00:00Z");
    let ended = |mentee_dept: &str, goals: &str, met: &[usize]| {
        let m = matched(mentee_dept, "revenue", day, day);
        let mut m = m
            .set_agreement(
                &m.mentee.clone(),
                AgreementDraft {
                    kind: MentorshipKind::Committed,
                    goals: LongText::parse(goals).expect("goals"),
                    steps: None,
                    schedule: None,
                    end_date: None,
                    off_limits: None,
                },
                day,
            )
            .expect("agreement");
        for n in met {
            let version = m.agreement.as_ref().expect("agreement").version;
            let mark = GoalMark {
                version,
                number: *n,
                status: GoalStatus::Met,
                note: None,
            };
            m = m.mark_goal(&m.mentor.clone(), mark, day).expect("marked");
        }
        // While active, nothing about the goals counts.
        assert_eq!(metrics::mentorship(&m), {
            let mut before = m.clone();
            before.agreement = None;
            metrics::mentorship(&before)
        });
        let reason = LongText::parse("We got there.").expect("reason");
        let after = m
            .end(&m.mentee.clone(), MentorshipStatus::Completed, reason, day)
            .expect("ended");
        Tally::change(Some(&metrics::mentorship(&m)), &metrics::mentorship(&after))
            .plus(&metrics::mentorship(&m))
    };
    let report = Report::build(
        &stored(&[
            ended(
                "revenue",
                "- Lead a project\n- Learn budgeting\n- Speak up",
                &[1, 3],
            ),
            ended("mental-health", "Write a plan", &[]),
        ]),
        &StoredDepartments::seed(),
    );
    assert_eq!(report.total.goals.set, 4);
    assert_eq!(report.total.goals.met, 2);
    assert_eq!(report.total.goals.met_share, Some(0.5));
    let department = |id: &str| {
        report
            .by_department
            .iter()
            .find(|d| d.department.id == id)
            .map(|d| d.measures.goals.clone())
            .expect("the department has figures")
    };
    assert_eq!(department("revenue").met_share, Some(0.67));
    assert_eq!(department("mental-health").met_share, Some(0.0));
}

/// An agreement of `kind` with one goal.
fn draft(kind: MentorshipKind) -> AgreementDraft {
    AgreementDraft {
        kind,
        goals: LongText::parse("Learn SQL").expect("goals"),
        steps: None,
        schedule: None,
        end_date: None,
        off_limits: None,
    }
}

/// What the counters hold after a mentorship went through `states`, each
/// written as a change from the one before.
fn written(states: &[Mentorship]) -> Tally {
    let first = metrics::mentorship(&states[0]);
    states.windows(2).fold(first, |acc, w| {
        acc.plus(&Tally::change(
            Some(&metrics::mentorship(&w[0])),
            &metrics::mentorship(&w[1]),
        ))
    })
}

#[test]
fn pairs_count_by_the_kind_their_agreement_records_and_approved_applicants_by_what_they_would_like()
{
    let day = at("2026-10-05T15:00:00Z");
    let agreed = |kind: MentorshipKind| {
        let m = matched("revenue", "revenue", day, day);
        let saved = m
            .set_agreement(&m.mentee.clone(), draft(kind), day)
            .expect("saved");
        written(&[m, saved])
    };
    // Changed from committed to flash, then ended: it counts once, as flash.
    let flash_then_ended = {
        let m = matched("revenue", "revenue", day, day);
        let mentee = m.mentee.clone();
        let committed = m
            .set_agreement(&mentee, draft(MentorshipKind::Committed), day)
            .expect("saved");
        let flash = committed
            .set_agreement(&mentee, draft(MentorshipKind::Flash), day)
            .expect("changed to flash");
        let reason = LongText::parse("Done.").expect("reason");
        let ended = flash
            .end(&mentee, MentorshipStatus::Completed, reason, day)
            .expect("ended");
        written(&[m, committed, flash, ended])
    };
    let no_agreement = metrics::mentorship(&matched("revenue", "revenue", day, day));
    let approved_wanting = |who: &str, role: Role, kind: Option<KindPreference>| {
        let mut app = application(who, role, "revenue", day);
        app.details.mentorship_kind = kind;
        metrics::application(&decide(&app, Outcome::Approved, day))
    };
    let pending_flash = {
        let mut app = application("pat@mo.gov", Role::Mentee, "revenue", day);
        app.details.mentorship_kind = Some(KindPreference::Flash);
        metrics::application(&app)
    };
    let report = Report::build(
        &stored(&[
            agreed(MentorshipKind::Committed),
            agreed(MentorshipKind::Flash),
            flash_then_ended,
            no_agreement,
            approved_wanting("a@mo.gov", Role::Mentee, Some(KindPreference::Flash)),
            approved_wanting("b@mo.gov", Role::Mentee, Some(KindPreference::Either)),
            approved_wanting("c@mo.gov", Role::Mentee, None),
            approved_wanting("d@mo.gov", Role::Mentor, Some(KindPreference::Committed)),
            pending_flash,
        ]),
        &StoredDepartments::seed(),
    );
    let kinds = &report.total.kinds;
    assert_eq!(kinds.committed.connections, 1);
    assert_eq!(kinds.committed.active, 1);
    assert_eq!(kinds.flash.connections, 2);
    assert_eq!(kinds.flash.active, 1);
    assert_eq!(kinds.flash.completed, 1);
    assert_eq!(kinds.not_recorded, 1);
    assert_eq!(report.total.pairs.connections, 4);
    assert_eq!(
        (kinds.mentees_prefer.flash, kinds.mentees_prefer.either),
        (1, 1),
        "the pending application and the one with no stated preference are not counted"
    );
    assert_eq!(kinds.mentees_prefer.committed, 0);
    assert_eq!(kinds.mentors_prefer.committed, 1);
}

#[test]
fn a_wait_longer_than_a_year_counts_as_a_year() {
    let approved = at("2024-01-01T00:00:00Z");
    let m = matched("revenue", "revenue", approved, at("2026-01-01T00:00:00Z"));
    let total = Report::build(
        &stored(&[metrics::mentorship(&m)]),
        &StoredDepartments::seed(),
    )
    .total;
    assert_eq!(total.median_days_to_match, Some(metrics::MAX_DAYS as f64));
}

fn bucket() -> impl Strategy<Value = Bucket> {
    (
        prop::sample::select(vec!["2026-Q1", "2026-Q2", "2027-Q1"]),
        prop::sample::select(vec!["revenue", "transportation", "corrections"]),
        prop::sample::select(vec![None, Some("fourteen"), Some("fifteen")]),
        prop::sample::select(vec![None, Some("taxation")]),
    )
        .prop_map(|(q, d, g, v)| Bucket {
            quarter: Quarter::parse(q).expect("quarter"),
            department: dept(d),
            division: v.map(|v| DivisionId::parse(v).expect("division")),
            group: g.map(|g| CalendarId::parse(g).expect("group")),
        })
}

fn tally() -> impl Strategy<Value = Tally> {
    prop::collection::vec(
        (
            bucket(),
            prop::sample::select(vec!["mentee_pending", "minutes", "approval_days_3"]),
            0i64..50,
        ),
        0..12,
    )
    .prop_map(|entries| {
        let mut t = Tally::default();
        for (b, name, n) in entries {
            t.add(&b, name, n);
        }
        t
    })
}

proptest! {
    /// Whatever a record was and becomes, adding the change to what it
    /// counted gives what it counts now: the counters never drift.
    #[test]
    fn a_change_added_to_the_old_tally_gives_the_new_one(before in tally(), after in tally()) {
        let change = Tally::change(Some(&before), &after);
        prop_assert_eq!(before.plus(&change), after.plus(&Tally::default()));
    }

    #[test]
    fn the_median_of_a_histogram_is_the_median_of_its_values(values in prop::collection::vec(0i64..400, 1..60)) {
        let mut histogram = BTreeMap::new();
        for v in &values {
            *histogram.entry(*v).or_insert(0) += 1;
        }
        let mut sorted = values.clone();
        sorted.sort();
        let n = sorted.len();
        let expected = (sorted[(n - 1) / 2] + sorted[n / 2]) as f64 / 2.0;
        prop_assert_eq!(metrics::median(&histogram), Some(expected));
    }
}
