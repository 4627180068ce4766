//! The application lifecycle and form parsing, by example and by property.

use jiff::{SignedDuration, Timestamp};
use moments_domain::access::Actor;
use moments_domain::application::{
    Application, ApplicationForm, ApplicationId, ChangeRefused, DecisionRefused, Details,
    EditEffect, Outcome, Role, Statements, Status, Supervisor, UNDO_WITHIN, UndoRefused,
};
use moments_domain::catalogue::Catalogue;
use moments_domain::catalogue::Lists;
use moments_domain::departments::StoredDepartments;
use moments_domain::fields::{
    Bio, DecisionMessage, DepartmentId, EmailAddress, JobTitle, PersonName, ProgramDomains,
    SkillRanking, WorkLocation,
};
use moments_domain::form::FieldErrors;
use moments_domain::skills::StoredSkills;
use proptest::prelude::*;
use serde_json::{Map, Value, json};

fn domains() -> ProgramDomains {
    ProgramDomains::parse("mo.gov").expect("domains")
}

fn email(s: &str) -> EmailAddress {
    EmailAddress::parse(s).expect("email")
}

const ADA: &str = "ada@mo.gov";
const GRACE: &str = "grace@mo.gov";

fn form() -> Map<String, Value> {
    json!({
        "first_name": "Ada", "last_name": "Lovelace", "phone": "",
        "department": "revenue", "job_title": "Analyst", "work_location": "Jefferson City",
        "supervisor_first_name": "Grace", "supervisor_last_name": "Hopper", "supervisor_email": GRACE,
        "working_hours": "evening", "bio": "Hello.", "skills": ["leadership", "budgeting", "teamwork"],
        "goals": "Grow.", "prior_mentees": ["kim@mo.gov", "Kim@MO.gov", ""],
        "full_time": true, "not_at_risk": true, "no_disciplinary_action": true, "agreement": true,
    })
    .as_object()
    .cloned()
    .expect("object")
}

fn as_form(body: &Map<String, Value>) -> ApplicationForm {
    serde_json::from_value(Value::Object(body.clone())).expect("a form reads any object")
}

/// The form read as `role`, by Ada, against the seed's skills.
fn parsed(body: &Map<String, Value>, role: Role) -> Result<Details, FieldErrors> {
    Details::parse(
        &as_form(body),
        role,
        &email(ADA),
        &domains(),
        &Lists::seed(),
    )
}

fn details(role: Role) -> Details {
    parsed(&form(), role).expect("valid form")
}

fn t0() -> Timestamp {
    Timestamp::from_second(1_700_000_000).expect("time")
}

fn submitted(role: Role) -> Application {
    Application::submit(
        ApplicationId::from_random([7; 16]),
        role,
        email(ADA),
        details(role),
        t0(),
    )
}

fn admin_of(dept: &str, who: &str) -> Actor {
    Actor {
        email: email(who),
        program_admin: false,
        departments: vec![DepartmentId::parse(dept).expect("dept")],
    }
}

#[test]
fn role_specific_fields_are_kept_only_for_their_role() {
    let mentee = details(Role::Mentee);
    assert!(mentee.goals.is_some());
    assert!(mentee.prior_mentees.is_empty());
    let mentor = details(Role::Mentor);
    assert!(mentor.goals.is_none());
    assert_eq!(
        mentor.prior_mentees,
        vec![email("kim@mo.gov")],
        "deduplicated, blanks dropped"
    );
    assert!(mentee.phone.is_none(), "an empty phone is no phone");
}

#[test]
fn a_mentor_cannot_list_themself_as_a_prior_mentee() {
    let mut f = form();
    f.insert("prior_mentees".into(), json!([ADA]));
    let errors = parsed(&f, Role::Mentor).expect_err("refused");
    assert_eq!(errors.fields().collect::<Vec<_>>(), ["prior_mentees"]);
}

#[test]
fn a_new_application_is_pending_with_no_decision() {
    let app = submitted(Role::Mentee);
    assert_eq!(app.status, Status::Pending);
    assert_eq!(app.decision, None);
    assert_eq!(app.version, 1);
}

#[test]
fn supervisor_decides_in_their_own_name() {
    let app = submitted(Role::Mentee);
    let msg = DecisionMessage::parse("Welcome aboard").expect("message");
    let done = app
        .decide(
            &Actor::new(email(GRACE)),
            Outcome::Denied,
            Some(msg.clone()),
            t0(),
        )
        .expect("decided");
    assert_eq!(done.status, Status::Denied);
    let d = done.decision.expect("decision");
    assert_eq!(d.decided_by, email(GRACE));
    assert_eq!(d.on_behalf_of, None);
    assert_eq!(d.message, Some(msg));
    assert_eq!(done.version, 2);
}

#[test]
fn department_administrator_decides_on_the_supervisors_behalf() {
    let app = submitted(Role::Mentor);
    let done = app
        .decide(
            &admin_of("revenue", "dana@mo.gov"),
            Outcome::Approved,
            None,
            t0(),
        )
        .expect("decided");
    assert_eq!(
        done.decision.and_then(|d| d.on_behalf_of),
        Some(email(GRACE))
    );
}

#[test]
fn nobody_else_decides_and_nobody_decides_twice() {
    let app = submitted(Role::Mentee);
    let stranger = Actor::new(email("eve@mo.gov"));
    assert_eq!(
        app.decide(&stranger, Outcome::Approved, None, t0()),
        Err(DecisionRefused::NoAuthority)
    );
    let other_dept = admin_of("transportation", "tom@mo.gov");
    assert_eq!(
        app.decide(&other_dept, Outcome::Approved, None, t0()),
        Err(DecisionRefused::NoAuthority)
    );
    let program_admin = Actor {
        program_admin: true,
        ..Actor::new(email("pat@mo.gov"))
    };
    assert_eq!(
        app.decide(&program_admin, Outcome::Approved, None, t0()),
        Err(DecisionRefused::NoAuthority)
    );
    let self_admin = admin_of("revenue", ADA);
    assert_eq!(
        app.decide(&self_admin, Outcome::Approved, None, t0()),
        Err(DecisionRefused::OwnApplication)
    );

    let done = app
        .decide(&Actor::new(email(GRACE)), Outcome::Approved, None, t0())
        .expect("decided");
    assert_eq!(
        done.decide(&Actor::new(email(GRACE)), Outcome::Denied, None, t0()),
        Err(DecisionRefused::AlreadyDecided("approved"))
    );
}

#[test]
fn only_the_decider_undoes_and_only_within_the_window() {
    let app = submitted(Role::Mentor);
    let grace = Actor::new(email(GRACE));
    let dana = admin_of("revenue", "dana@mo.gov");
    assert_eq!(
        app.undo_decision(&grace, t0()),
        Err(UndoRefused::NothingToUndo("pending"))
    );
    assert_eq!(
        app.undo_decision(&Actor::new(email("eve@mo.gov")), t0()),
        Err(UndoRefused::NotTheDecider),
        "a stranger learns nothing of its state"
    );
    let done = app
        .decide(&dana, Outcome::Approved, None, t0())
        .expect("decided");
    assert_eq!(
        done.undo_decision(&grace, t0()),
        Err(UndoRefused::NotTheDecider),
        "the supervisor did not decide, their administrator did"
    );
    assert_eq!(
        done.undo_decision(&dana, t0() + UNDO_WITHIN + SignedDuration::from_millis(1)),
        Err(UndoRefused::TooLate)
    );
    let undone = done
        .undo_decision(&dana, t0() + UNDO_WITHIN)
        .expect("undone at the last moment");
    assert_eq!(undone.status, Status::Pending);
    assert_eq!(undone.decision, None);
    assert_eq!(undone.version, done.version + 1);
    assert_eq!(
        undone.undo_decision(&dana, t0()),
        Err(UndoRefused::NothingToUndo("pending"))
    );
    let again = undone
        .decide(&grace, Outcome::Denied, None, t0())
        .expect("decided again");
    assert_eq!(again.status, Status::Denied);
}

#[test]
fn reroute_only_while_pending_and_only_by_the_applicant() {
    let app = submitted(Role::Mentee);
    let don = Supervisor {
        first_name: PersonName::parse("Don").expect("name"),
        last_name: PersonName::parse("Knuth").expect("name"),
        email: email("don@mo.gov"),
    };
    assert_eq!(
        app.reroute(&email(GRACE), don.clone(), t0()).err(),
        Some(ChangeRefused::NotApplicant)
    );
    let (moved, effect) = app
        .reroute(&email(ADA), don.clone(), t0())
        .expect("rerouted");
    assert_eq!(effect, EditEffect::Rerouted { from: email(GRACE) });
    assert_eq!(moved.supervisor(), &email("don@mo.gov"));
    assert_eq!(
        moved.decide(&Actor::new(email(GRACE)), Outcome::Approved, None, t0()),
        Err(DecisionRefused::NoAuthority),
        "the old supervisor no longer decides"
    );
    let approved = moved
        .decide(
            &Actor::new(email("don@mo.gov")),
            Outcome::Approved,
            None,
            t0(),
        )
        .expect("decided");
    assert_eq!(
        approved.reroute(&email(ADA), don, t0()).err(),
        Some(ChangeRefused::NotPending("approved"))
    );
}

#[test]
fn an_approval_does_not_survive_a_new_department_or_supervisor() {
    let approved = submitted(Role::Mentee)
        .decide(&Actor::new(email(GRACE)), Outcome::Approved, None, t0())
        .expect("decided");
    let later = t0() + SignedDuration::from_hours(24);
    let mut moved = details(Role::Mentee);
    moved.department = DepartmentId::parse("mental-health").expect("department");
    let mut new_boss = details(Role::Mentee);
    new_boss.supervisor.email = email("don@mo.gov");
    for changed in [moved, new_boss] {
        let (again, effect) = approved.edit(&email(ADA), changed, later).expect("edited");
        assert_eq!(effect, EditEffect::Resubmitted);
        assert_eq!(
            (again.status, again.decision.is_none(), again.submitted_at),
            (Status::Pending, true, later)
        );
    }
}

#[test]
fn edits_keep_approval_and_resubmit_denials() {
    let app = submitted(Role::Mentee);
    let later = t0() + SignedDuration::from_hours(24);
    let approved = app
        .decide(&Actor::new(email(GRACE)), Outcome::Approved, None, t0())
        .expect("decided");
    let mut changed = details(Role::Mentee);
    changed.bio = Bio::parse("New bio").expect("bio");
    let (edited, effect) = approved
        .edit(&email(ADA), changed.clone(), later)
        .expect("edited");
    assert_eq!(effect, EditEffect::Updated);
    assert_eq!(edited.status, Status::Approved);
    assert_eq!(edited.decision, approved.decision);

    changed.job_title = JobTitle::parse("Senior Analyst").expect("title");
    changed.work_location = WorkLocation::parse("Kansas City").expect("place");
    let (edited, effect) = approved
        .edit(&email(ADA), changed.clone(), later)
        .expect("edited");
    assert_eq!(
        (effect, edited.status),
        (EditEffect::Updated, Status::Approved)
    );

    let denied = app
        .decide(&Actor::new(email(GRACE)), Outcome::Denied, None, t0())
        .expect("decided");
    let (again, effect) = denied.edit(&email(ADA), changed, later).expect("edited");
    assert_eq!(effect, EditEffect::Resubmitted);
    assert_eq!(
        (again.status, again.decision.clone(), again.submitted_at),
        (Status::Pending, None, later)
    );
    assert_eq!(
        denied
            .edit(&email(GRACE), details(Role::Mentee), later)
            .err(),
        Some(ChangeRefused::NotApplicant)
    );
}

#[test]
fn stored_applications_read_back_identical() {
    let app = submitted(Role::Mentor)
        .decide(
            &admin_of("revenue", "dana@mo.gov"),
            Outcome::Approved,
            None,
            t0(),
        )
        .expect("decided");
    let stored = serde_json::to_value(&app).expect("serialise");
    let back: Application = serde_json::from_value(stored).expect("deserialise");
    assert_eq!(back, app);
}

#[test]
fn stored_records_are_parsed_again_on_the_way_in() {
    let mut stored = serde_json::to_value(submitted(Role::Mentee)).expect("serialise");
    stored["details"]["skills"] = json!(["leadership"]);
    assert!(serde_json::from_value::<Application>(stored).is_err());
}

// ---- properties ----

fn skill_ids() -> Vec<String> {
    Catalogue::get().skill_ids().map(str::to_string).collect()
}

/// Skill lists mixing catalogue ids, repeats, unknown ids and blanks.
fn skill_list() -> impl Strategy<Value = Vec<String>> {
    let known = skill_ids();
    let one = prop_oneof![
        6 => proptest::sample::select(known),
        1 => Just(String::new()),
        1 => "[a-z]{3,8}".prop_map(|s| format!("x-{s}")),
    ];
    proptest::collection::vec(one, 0..9)
}

#[derive(Debug, Clone)]
enum Op {
    Decide { who: usize, approve: bool },
    Edit,
    Reroute { to: usize },
}

const PEOPLE: [&str; 4] = [ADA, GRACE, "dana@mo.gov", "eve@mo.gov"];

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        (0..4usize, any::<bool>()).prop_map(|(who, approve)| Op::Decide { who, approve }),
        Just(Op::Edit),
        (1..4usize).prop_map(|to| Op::Reroute { to }),
    ]
}

fn actor(i: usize) -> Actor {
    if PEOPLE[i] == "dana@mo.gov" {
        admin_of("revenue", "dana@mo.gov")
    } else {
        Actor::new(email(PEOPLE[i]))
    }
}

proptest! {
    #[test]
    fn skill_ranking_accepts_exactly_three_to_six_distinct_catalogue_skills(raw in skill_list()) {
        let chosen: Vec<&String> = raw.iter().filter(|s| !s.is_empty()).collect();
        let list = StoredSkills::seed();
        let all_known = chosen.iter().all(|s| list.skill(s).is_some());
        let distinct = chosen.iter().collect::<std::collections::HashSet<_>>().len() == chosen.len();
        let ok = all_known && distinct && (3..=6).contains(&chosen.len());
        match SkillRanking::parse(&raw, &list) {
            Ok(ranking) => {
                prop_assert!(ok);
                let expected: Vec<String> = chosen.into_iter().cloned().collect();
                prop_assert_eq!(ranking.ids(), &expected[..], "rank order kept");
            }
            Err(message) => {
                prop_assert!(!ok);
                prop_assert!(!message.is_empty());
            }
        }
    }

    #[test]
    fn parsed_emails_are_stable_lowercase_and_reparse_to_themselves(raw in "[A-Za-z0-9._%+-]{0,12}@?[A-Za-z0-9.-]{0,12}") {
        if let Ok(e) = EmailAddress::parse(&raw) {
            prop_assert_eq!(e.as_str(), e.as_str().to_ascii_lowercase());
            prop_assert!(!e.as_str().contains('+'), "a tag was kept: {}", e);
            prop_assert_eq!(EmailAddress::parse(e.as_str()), Ok(e.clone()));
        }
    }

    #[test]
    fn free_text_never_keeps_markup_and_respects_its_limit(raw in "(.|<[a-z/!]){0,80}") {
        if let Ok(bio) = Bio::parse(&raw) {
            let s = bio.as_str();
            prop_assert!(s.chars().count() <= Bio::MAX_CHARS);
            let b = s.as_bytes();
            prop_assert!(!b.windows(2).any(|w| w[0] == b'<' && (w[1].is_ascii_alphabetic() || w[1] == b'/' || w[1] == b'!')));
            prop_assert_eq!(s, raw.trim());
        }
    }

    #[test]
    fn form_errors_only_name_fields_of_the_form(
        drop in proptest::collection::vec(proptest::sample::select(form().keys().cloned().collect::<Vec<_>>()), 0..6),
        skills in skill_list(),
        role in prop_oneof![Just(Role::Mentee), Just(Role::Mentor)],
    ) {
        let mut f = form();
        for k in &drop { f.remove(k); }
        f.insert("skills".into(), json!(skills));
        match parsed(&f, role) {
            Ok(d) => prop_assert!(d.skills.ids().len() >= 3),
            Err(errors) => {
                prop_assert!(!errors.is_empty());
                for field in errors.fields() {
                    prop_assert!(form().contains_key(field), "unknown field {}", field);
                }
            }
        }
    }

    /// Whatever happens to an application, its decision and status agree,
    /// every change bumps the version by one, a decision only ever lands on
    /// a pending application by someone with authority, and approval is
    /// never lost by an edit that keeps the department and supervisor.
    #[test]
    fn lifecycle_invariants_hold_for_any_sequence_of_actions(ops in proptest::collection::vec(op(), 0..12)) {
        let mut app = submitted(Role::Mentee);
        for op in ops {
            let before = app.clone();
            let result = match op {
                Op::Decide { who, approve } => {
                    let outcome = if approve { Outcome::Approved } else { Outcome::Denied };
                    let a = actor(who);
                    let r = app.decide(&a, outcome, None, t0());
                    if let Ok(ref done) = r {
                        prop_assert_eq!(before.status, Status::Pending);
                        prop_assert!(a.email != before.applicant);
                        let d = done.decision.as_ref().expect("decision");
                        prop_assert_eq!(d.on_behalf_of.is_some(), &a.email != before.supervisor());
                    }
                    r.ok()
                }
                Op::Edit => app.edit(&email(ADA), before.details.clone(), t0()).ok().map(|(a, _)| a),
                Op::Reroute { to } => {
                    let s = Supervisor {
                        first_name: PersonName::parse("S").expect("name"),
                        last_name: PersonName::parse("T").expect("name"),
                        email: email(PEOPLE[to]),
                    };
                    app.reroute(&email(ADA), s, t0()).ok().map(|(a, _)| a)
                }
            };
            if let Some(next) = result {
                prop_assert_eq!(next.version, before.version + 1);
                if before.status == Status::Approved {
                    prop_assert_eq!(next.status, Status::Approved);
                }
                app = next;
            }
            prop_assert_eq!(app.decision.is_some(), app.status != Status::Pending);
        }
    }
}

#[test]
fn a_supervisor_alias_of_the_applicant_is_refused_and_says_why() {
    let mut f = form();
    f.insert("supervisor_email".into(), json!("Ada+Boss@mo.gov"));
    let errors = parsed(&f, Role::Mentee).expect_err("her own mailbox");
    let said = errors
        .0
        .get("supervisor_email")
        .cloned()
        .unwrap_or_default();
    assert!(said.contains("your own mailbox (ada@mo.gov)"), "{said}");
    f.insert("prior_mentees".into(), json!(["ada+old@mo.gov"]));
    f.insert("supervisor_email".into(), json!(GRACE));
    let errors = parsed(&f, Role::Mentor).expect_err("herself");
    assert!(errors.has("prior_mentees"));
}

/// Before: "Use your work email address" under the supervisor's address,
/// as if the applicant had typed their own.
#[test]
fn a_supervisor_outside_the_program_is_asked_for_as_the_supervisors_address() {
    let mut f = form();
    f.insert("supervisor_email".into(), json!("grace@gmail.com"));
    let errors = parsed(&f, Role::Mentee).expect_err("outside the program");
    let said = errors
        .0
        .get("supervisor_email")
        .cloned()
        .unwrap_or_default();
    assert!(
        said.starts_with("Enter your supervisor's work email address (@"),
        "{said}"
    );
}

/// The program's address is trusted: no word an applicant chose goes into a
/// subject, and what they wrote is labelled as theirs in the body.
#[test]
fn subjects_carry_no_applicant_words_and_bodies_label_them() {
    use moments_domain::notify::{self, Who};
    let mut f = form();
    f.insert("first_name".into(), json!("Zebulon"));
    f.insert("last_name".into(), json!("Quill"));
    f.insert("job_title".into(), json!("Urgent Security Notice"));
    let mut app = submitted(Role::Mentee);
    app.details = parsed(&f, Role::Mentee).expect("valid");
    let approved = app
        .decide(&Actor::new(email(GRACE)), Outcome::Approved, None, t0())
        .expect("decided");
    let who = Who::of(&app);
    let base = "https://moments.mo.gov";
    let link = notify::TaskLink {
        url: format!("{base}/signin/confirm/#token=abc"),
        signs_in: true,
    };
    let messages = [
        notify::review_requested(&app, &link, &Default::default(), &StoredDepartments::seed()),
        notify::application_received(&app, base),
        notify::decided(
            &approved,
            base,
            &Default::default(),
            &StoredDepartments::seed(),
        )
        .expect("told"),
        notify::request_received(
            &who,
            &app,
            Some("Please log in"),
            &link,
            &StoredDepartments::seed(),
        ),
        notify::request_not_accepted(&who, &app.details.full_name(), Some("busy"), false, base),
        notify::request_withdrawn(&who, &app.details.full_name(), base),
        notify::matched(&who, &who, None, true, "m1", base),
        notify::request_reminder(&who, &app.details.full_name(), "r1", base),
        notify::connect_nudge(&who, &app.details.full_name(), true, "m1", base),
    ];
    for m in &messages {
        for word in [
            "Zebulon",
            "Quill",
            "Urgent",
            "Grace",
            "Hopper",
            "Please log in",
        ] {
            assert!(!m.subject.contains(word), "{word} in {:?}", m.subject);
        }
    }
    let review = &messages[0].text;
    assert!(
        review.contains("As written on their application (not checked by MOments):\n  Name: Zebulon Quill\n  Job title: Urgent Security Notice"),
        "{review}"
    );
    assert!(
        !review.contains("Hello Grace"),
        "the supervisor's name is the applicant's words"
    );
    assert!(
        messages[3]
            .text
            .contains("Their note to you, in their words:\n\n> Please log in")
    );
}

#[test]
fn a_task_link_says_whom_it_signs_in_and_a_plain_link_says_nothing() {
    use moments_domain::notify::{self, TaskLink};
    let app = submitted(Role::Mentee);
    let task = TaskLink {
        url: "https://moments.mo.gov/signin/confirm/#token=abc".into(),
        signs_in: true,
    };
    let plain = TaskLink {
        url: format!("https://moments.mo.gov/review/?application={}", app.id),
        signs_in: false,
    };
    let with_task =
        notify::review_requested(&app, &task, &Default::default(), &StoredDepartments::seed());
    assert!(with_task.text.contains(&task.url));
    assert!(
        with_task
            .text
            .contains(&format!("signs you in as {}", app.supervisor())),
        "{}",
        with_task.text
    );
    let without = notify::review_requested(
        &app,
        &plain,
        &Default::default(),
        &StoredDepartments::seed(),
    );
    assert!(without.text.contains(&plain.url));
    assert!(!without.text.contains("signs you in"), "{}", without.text);
    assert_eq!(
        notify::review_task(&app),
        format!("review {}'s mentee application", app.details.full_name())
    );
}

#[test]
fn an_edit_of_a_pending_or_approved_application_asks_only_for_what_changes() {
    let mut f = form();
    for statement in [
        "full_time",
        "not_at_risk",
        "no_disciplinary_action",
        "agreement",
    ] {
        f.remove(statement);
    }
    f.insert("bio".into(), json!("I now lead the audit team."));
    let edit = |status| {
        Details::parse_with(
            &as_form(&f),
            Role::Mentee,
            &email(ADA),
            &domains(),
            &Lists::seed(),
            Statements::for_edit(status),
        )
    };
    for standing in [Status::Pending, Status::Approved] {
        let details = edit(standing).expect("the statements made when sent stand");
        assert_eq!(details.bio.to_string(), "I now lead the audit team.");
    }
    // A denied application goes for a new review: asked again, each named.
    let errors = edit(Status::Denied).expect_err("asked again");
    let named: Vec<&str> = errors.fields().collect();
    assert_eq!(
        named,
        [
            "agreement",
            "full_time",
            "no_disciplinary_action",
            "not_at_risk"
        ]
    );
    // A new application always asks.
    assert!(parsed(&f, Role::Mentee).is_err());
}
