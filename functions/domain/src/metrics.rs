//! The program's measures of success (participation, time invested, survey
//! results) kept as counters per department and quarter.
//!
//! Every record — application, request, mentorship, meeting, survey answer —
//! counts towards a fixed set of counters that follow from its state alone
//! ([`application`], [`request`], [`mentorship`], [`meeting`], [`survey`]).
//! A write adds the difference between a record's tally after and before
//! ([`Tally::change`]), in the same transaction as the write, so the
//! counters always equal what the records say and reading the metrics never
//! reads the records.
//!
//! A count sits in a calendar quarter and a match group. The quarter is
//! when it began: the quarter an application was submitted or a request
//! sent, and for a mentorship, its meetings and its survey answers, the
//! quarter the pair was matched (UTC days, as everywhere in the platform).
//! The match group is the one the application joined when it was sent, and
//! for a request, a mentorship, its meetings and survey answers, the group
//! of the mentee's application; both are kept on the record, so moving a
//! group's dates later moves no counts.

use std::collections::BTreeMap;
use std::fmt;

use jiff::Timestamp;
use serde::Serialize;

use crate::application::{Application, Outcome, Role, Status};
use crate::calendar::CalendarId;
use crate::catalogue::Entry;
use crate::departments::StoredDepartments;
use crate::fields::{DepartmentId, DivisionId};
use crate::kind::{KindPreference, MentorshipKind};
use crate::mentorship::{Meeting, Mentorship, MentorshipRequest, MentorshipStatus, RequestStatus};
use crate::survey::{GoalsMet, SurveyResponse};

/// A calendar quarter, e.g. `2026-Q3`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Quarter {
    year: i16,
    number: u8,
}

impl Quarter {
    pub fn of(t: Timestamp) -> Quarter {
        let date = jiff::tz::TimeZone::UTC.to_datetime(t).date();
        Quarter {
            year: date.year(),
            number: (date.month() as u8 - 1) / 3 + 1,
        }
    }

    pub fn parse(raw: &str) -> Result<Quarter, String> {
        let bad = || format!("\"{}\" is not a quarter like 2026-Q3.", raw.trim());
        let (year, q) = raw.trim().split_once("-Q").ok_or_else(bad)?;
        let year: i16 = year.parse().map_err(|_| bad())?;
        let number: u8 = q.parse().map_err(|_| bad())?;
        if !(1..=4).contains(&number) || !(2000..=2200).contains(&year) {
            return Err(bad());
        }
        Ok(Quarter { year, number })
    }

    /// The first day of the quarter.
    pub fn first_day(self) -> jiff::civil::Date {
        jiff::civil::date(self.year, (self.number as i8 - 1) * 3 + 1, 1)
    }
}

impl fmt::Display for Quarter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-Q{}", self.year, self.number)
    }
}

impl Serialize for Quarter {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// Where a count belongs: one department (and division, where the record
/// has one) in one quarter, and the match group it counts with (`None` for
/// records of no group).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Bucket {
    pub quarter: Quarter,
    pub department: DepartmentId,
    pub division: Option<DivisionId>,
    pub group: Option<CalendarId>,
}

impl Bucket {
    pub fn new(
        at: Timestamp,
        (department, division): (&DepartmentId, &Option<DivisionId>),
        group: &Option<CalendarId>,
    ) -> Bucket {
        Bucket {
            quarter: Quarter::of(at),
            department: department.clone(),
            division: division.clone(),
            group: group.clone(),
        }
    }
}

/// Waits longer than this many days are counted as this many: a median
/// beyond a year says enough.
pub const MAX_DAYS: i64 = 365;

/// The counters' names, in one place.
pub mod counter {
    use crate::application::{Role, Status};
    use crate::kind::{KindPreference, MentorshipKind};
    use crate::mentorship::{MentorshipStatus, RequestStatus};
    use crate::survey::GoalsMet;

    /// Applications by role and status: `mentee_pending`, `mentor_approved`, ...
    pub fn profiles(role: Role, status: Status) -> String {
        format!("{}_{}", role.as_str(), status.as_str())
    }
    /// Mentees a mentor says they served outside the platform.
    pub const PRIOR_MENTEES: &str = "prior_mentees";
    /// Approved applications by whole days from submission to approval.
    pub fn approval_days(days: i64) -> String {
        format!("approval_days_{days}")
    }
    /// Requests by status, counted in the mentee's department.
    pub fn requests(status: RequestStatus) -> String {
        format!("requests_{}", status.as_str())
    }
    /// Mentorships by status, counted in the mentee's department.
    pub fn pairs(status: MentorshipStatus) -> String {
        format!("pairs_{}", status.as_str())
    }
    /// Mentorships by status, counted in the mentor's department.
    pub fn mentoring(status: MentorshipStatus) -> String {
        format!("mentoring_{}", status.as_str())
    }
    /// Mentorships by the kind their agreement records and status, in the
    /// mentee's department: `pairs_flash_active`, ...
    pub fn pairs_of_kind(kind: MentorshipKind, status: MentorshipStatus) -> String {
        format!("pairs_{}_{}", kind.id(), status.as_str())
    }
    /// Approved applications by the kind of mentorship they would like:
    /// `mentee_prefers_flash`, `mentor_prefers_either`, ...
    pub fn prefers(role: Role, preference: KindPreference) -> String {
        format!("{}_prefers_{}", role.as_str(), preference.id())
    }
    /// Approved applications ranking a skill: `mentee_ranks_budgeting`, ...
    pub fn ranks(role: Role, skill: &str) -> String {
        format!("{}_ranks_{skill}", role.as_str())
    }
    /// Mentorships by whole days from the mentee's approval to the match.
    pub fn match_days(days: i64) -> String {
        format!("match_days_{days}")
    }
    /// The agreement goals of ended mentorships, set, progressing and met
    /// when the pair ended, in the mentee's department.
    pub const GOALS_SET: &str = "goals_set";
    pub const GOALS_PROGRESSING: &str = "goals_progressing";
    pub const GOALS_MET: &str = "goals_met";
    /// Meetings and their minutes, in the mentee's department...
    pub const MEETINGS: &str = "meetings";
    pub const MINUTES: &str = "minutes";
    /// ...and in the mentor's.
    pub const MENTOR_MEETINGS: &str = "mentor_meetings";
    pub const MENTOR_MINUTES: &str = "mentor_minutes";
    /// Survey answers of one version (the respondent's role), counted in the
    /// respondent's department.
    pub fn survey_responses(role: Role) -> String {
        format!("survey_{}_responses", role.as_str())
    }
    pub fn survey_satisfaction(role: Role) -> String {
        format!("survey_{}_satisfaction", role.as_str())
    }
    pub fn survey_recommend(role: Role) -> String {
        format!("survey_{}_recommend", role.as_str())
    }
    pub fn survey_goals(role: Role, met: GoalsMet) -> String {
        let met = match met {
            GoalsMet::Yes => "yes",
            GoalsMet::Partly => "partly",
            GoalsMet::No => "no",
        };
        format!("survey_{}_goals_{met}", role.as_str())
    }
}

/// Counts by bucket and counter name.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tally(BTreeMap<(Bucket, String), i64>);

impl Tally {
    pub fn add(&mut self, bucket: &Bucket, counter: impl Into<String>, n: i64) {
        if n != 0 {
            *self.0.entry((bucket.clone(), counter.into())).or_default() += n;
        }
    }

    /// Everything in `other` as well.
    pub fn plus(mut self, other: &Tally) -> Tally {
        for ((bucket, name), n) in &other.0 {
            self.add(bucket, name.clone(), *n);
        }
        self.0.retain(|_, n| *n != 0);
        self
    }

    /// What a write must add to the counters when a record goes from
    /// `before` (nothing, for a new record) to `after`.
    pub fn change(before: Option<&Tally>, after: &Tally) -> Tally {
        let mut out = after.clone();
        if let Some(before) = before {
            for ((bucket, name), n) in &before.0 {
                out.add(bucket, name.clone(), -n);
            }
        }
        out.0.retain(|_, n| *n != 0);
        out
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The additions grouped by bucket, one group per stored counter item.
    pub fn by_bucket(&self) -> BTreeMap<&Bucket, Vec<(&str, i64)>> {
        let mut out: BTreeMap<&Bucket, Vec<(&str, i64)>> = BTreeMap::new();
        for ((bucket, name), n) in &self.0 {
            out.entry(bucket).or_default().push((name.as_str(), *n));
        }
        out
    }
}

fn whole_days(from: Timestamp, to: Timestamp) -> i64 {
    crate::attention::days_waiting(from, to).min(MAX_DAYS)
}

/// What an application counts: its profile by status in the department and
/// quarter it was submitted, a mentor's earlier mentees, and, once
/// approved, the days its review took and each skill it ranks.
pub fn application(app: &Application) -> Tally {
    let d = &app.details;
    let bucket = Bucket::new(
        app.submitted_at,
        (&d.department, &d.division),
        &app.match_group,
    );
    let mut t = Tally::default();
    t.add(&bucket, counter::profiles(app.role, app.status), 1);
    if let (Status::Approved, Some(preference)) = (app.status, app.details.mentorship_kind) {
        t.add(&bucket, counter::prefers(app.role, preference), 1);
    }
    if app.status == Status::Approved {
        for skill in app.details.skills.ids() {
            t.add(&bucket, counter::ranks(app.role, skill), 1);
        }
    }
    if app.role == Role::Mentor {
        t.add(
            &bucket,
            counter::PRIOR_MENTEES,
            app.details.prior_mentees.len() as i64,
        );
    }
    // A revoked approval still took its days to review.
    if let (Status::Approved | Status::Revoked | Status::Withdrawn, Some(decision)) =
        (app.status, &app.decision)
        && decision.outcome == Outcome::Approved
    {
        t.add(
            &bucket,
            counter::approval_days(whole_days(app.submitted_at, decision.decided_at)),
            1,
        );
    }
    t
}

/// A request counts by status, in the mentee's department, in the quarter it
/// was sent, with the mentee's match group.
pub fn request(r: &MentorshipRequest) -> Tally {
    let bucket = Bucket::new(
        r.created_at,
        (&r.counted.mentee_department, &r.counted.mentee_division),
        &r.counted.match_group,
    );
    let mut t = Tally::default();
    t.add(&bucket, counter::requests(r.status), 1);
    t
}

fn sides(m: &Mentorship) -> (Bucket, Bucket) {
    (
        Bucket::new(
            m.started_at,
            (&m.counted.mentee_department, &m.counted.mentee_division),
            &m.counted.match_group,
        ),
        Bucket::new(
            m.started_at,
            (&m.counted.mentor_department, &m.counted.mentor_division),
            &m.counted.match_group,
        ),
    )
}

/// A mentorship counts by status on each side, the mentee's wait from
/// approval to this match, and, once ended, how its goals stood.
pub fn mentorship(m: &Mentorship) -> Tally {
    let (mentee, mentor) = sides(m);
    let mut t = Tally::default();
    if let Some(goals) = m.counted.goals {
        t.add(&mentee, counter::GOALS_SET, i64::from(goals.set));
        t.add(
            &mentee,
            counter::GOALS_PROGRESSING,
            i64::from(goals.progressing),
        );
        t.add(&mentee, counter::GOALS_MET, i64::from(goals.met));
    }
    t.add(&mentee, counter::pairs(m.status), 1);
    if let Some(kind) = m.counted.kind {
        t.add(&mentee, counter::pairs_of_kind(kind, m.status), 1);
    }
    t.add(&mentor, counter::mentoring(m.status), 1);
    t.add(
        &mentee,
        counter::match_days(whole_days(m.counted.mentee_approved_at, m.started_at)),
        1,
    );
    t
}

/// A logged meeting counts once and by its minutes on each side.
pub fn meeting(m: &Mentorship, meeting: &Meeting) -> Tally {
    let (mentee, mentor) = sides(m);
    let minutes = i64::from(meeting.minutes);
    let mut t = Tally::default();
    t.add(&mentee, counter::MEETINGS, 1);
    t.add(&mentee, counter::MINUTES, minutes);
    t.add(&mentor, counter::MENTOR_MEETINGS, 1);
    t.add(&mentor, counter::MENTOR_MINUTES, minutes);
    t
}

/// A survey answer counts in its respondent's department.
pub fn survey(m: &Mentorship, r: &SurveyResponse) -> Tally {
    let (mentee, mentor) = sides(m);
    let bucket = match r.version {
        Role::Mentee => mentee,
        Role::Mentor => mentor,
    };
    let a = &r.answers;
    let mut t = Tally::default();
    t.add(&bucket, counter::survey_responses(r.version), 1);
    t.add(
        &bucket,
        counter::survey_satisfaction(r.version),
        i64::from(a.satisfaction),
    );
    t.add(
        &bucket,
        counter::survey_recommend(r.version),
        i64::from(a.would_recommend),
    );
    t.add(&bucket, counter::survey_goals(r.version, a.goals_met), 1);
    t
}

/// The counters of one bucket, as stored.
pub type Counters = BTreeMap<String, i64>;

/// Applications by status.
#[derive(Debug, Clone, Default, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Profiles {
    pub pending: i64,
    pub approved: i64,
    pub denied: i64,
    /// Approvals taken back by the program team (someone left, or no longer qualifies).
    pub revoked: i64,
    /// Withdrawn by the applicants themselves.
    pub withdrawn: i64,
    pub total: i64,
}

/// "Select as Mentor" requests by status.
#[derive(Debug, Clone, Default, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Requests {
    pub total: i64,
    pub pending: i64,
    pub accepted: i64,
    pub declined: i64,
    pub withdrawn: i64,
    pub closed: i64,
    /// Accepted among the requests a mentor accepted, declined, or let
    /// close (withdrawn and still pending ones are left out).
    pub acceptance_rate: Option<f64>,
}

/// Mentorships by status.
#[derive(Debug, Clone, Default, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Pairs {
    /// Mentorships formed (connections made).
    pub connections: i64,
    pub active: i64,
    pub completed: i64,
    pub discontinued: i64,
}

/// The answers of one version of the survey.
#[derive(Debug, Clone, Default, PartialEq, Serialize, utoipa::ToSchema)]
pub struct SurveySide {
    pub responses: i64,
    /// 1 to 5.
    pub average_satisfaction: Option<f64>,
    pub would_recommend_rate: Option<f64>,
    pub goals_met: i64,
    pub goals_partly_met: i64,
    pub goals_not_met: i64,
}

/// The agreement goals of the slice's ended mentorships, where they stood
/// when each pair ended.
#[derive(Debug, Clone, Default, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Goals {
    pub set: i64,
    pub progressing: i64,
    pub met: i64,
    /// Met among set.
    pub met_share: Option<f64>,
}

/// How many approved applicants of one role would like each kind of
/// mentorship (applications sent before the question are not counted).
#[derive(Debug, Clone, Default, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Preferences {
    pub committed: i64,
    pub flash: i64,
    pub either: i64,
}

/// Mentorships by the kind their agreement records, and what approved
/// applicants would like.
#[derive(Debug, Clone, Default, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Kinds {
    /// This slice's mentees' mentorships whose agreement says committed.
    pub committed: Pairs,
    /// ...and flash.
    pub flash: Pairs,
    /// Mentorships with no kind recorded: no agreement yet, or one
    /// written before the kind was asked.
    pub not_recorded: i64,
    pub mentees_prefer: Preferences,
    pub mentors_prefer: Preferences,
}

/// Both versions of the survey.
#[derive(Debug, Clone, Default, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Surveys {
    pub mentee: SurveySide,
    pub mentor: SurveySide,
    /// Answers received among the answers asked for: two per ended mentorship.
    pub response_rate: Option<f64>,
}

/// Every measure, for one slice of the program (a department, a quarter, or
/// all); docs/reports.md says what each means.
#[derive(Debug, Clone, Default, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Measures {
    pub mentee_profiles: Profiles,
    pub mentor_profiles: Profiles,
    pub prior_mentees: i64,
    pub requests: Requests,
    /// Mentorships of this slice's mentees.
    pub pairs: Pairs,
    /// Mentorships of this slice's mentors.
    pub mentoring: Pairs,
    pub median_days_to_approval: Option<f64>,
    pub median_days_to_match: Option<f64>,
    pub meetings: i64,
    /// Meeting hours of this slice's mentees' mentorships.
    pub hours: f64,
    /// Meeting hours of this slice's mentors' mentorships.
    pub mentor_hours: f64,
    pub goals: Goals,
    pub kinds: Kinds,
    pub surveys: Surveys,
}

fn ratio(part: i64, whole: i64) -> Option<f64> {
    (whole > 0).then(|| round2(part as f64 / whole as f64))
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// The median of a histogram of whole days: the middle value, or the mean
/// of the two middle values.
pub fn median(histogram: &BTreeMap<i64, i64>) -> Option<f64> {
    let n: i64 = histogram.values().filter(|c| **c > 0).sum();
    if n == 0 {
        return None;
    }
    let nth = |k: i64| -> i64 {
        let mut seen = 0;
        for (value, count) in histogram.iter().filter(|(_, c)| **c > 0) {
            seen += count;
            if seen > k {
                return *value;
            }
        }
        0
    };
    let (lo, hi) = (nth((n - 1) / 2), nth(n / 2));
    Some((lo + hi) as f64 / 2.0)
}

fn histogram(c: &Counters, prefix: &str) -> BTreeMap<i64, i64> {
    c.iter()
        .filter_map(|(name, n)| Some((name.strip_prefix(prefix)?.parse().ok()?, *n)))
        .collect()
}

impl Measures {
    pub fn from_counters(c: &Counters) -> Measures {
        let get = |name: &str| c.get(name).copied().unwrap_or(0);
        let profiles = |role| {
            let [pending, approved, denied, revoked, withdrawn] = [
                Status::Pending,
                Status::Approved,
                Status::Denied,
                Status::Revoked,
                Status::Withdrawn,
            ]
            .map(|s| get(&counter::profiles(role, s)));
            Profiles {
                pending,
                approved,
                denied,
                revoked,
                withdrawn,
                total: pending + approved + denied + revoked + withdrawn,
            }
        };
        let [pending, accepted, declined, withdrawn, closed] = [
            RequestStatus::Pending,
            RequestStatus::Accepted,
            RequestStatus::Declined,
            RequestStatus::Withdrawn,
            RequestStatus::Closed,
        ]
        .map(|s| get(&counter::requests(s)));
        let by_status = |name: &dyn Fn(MentorshipStatus) -> String| {
            let [active, completed, discontinued] = [
                MentorshipStatus::Active,
                MentorshipStatus::Completed,
                MentorshipStatus::Discontinued,
            ]
            .map(|s| get(&name(s)));
            Pairs {
                connections: active + completed + discontinued,
                active,
                completed,
                discontinued,
            }
        };
        let survey = |role| {
            let responses = get(&counter::survey_responses(role));
            SurveySide {
                responses,
                average_satisfaction: (responses > 0).then(|| {
                    round2(get(&counter::survey_satisfaction(role)) as f64 / responses as f64)
                }),
                would_recommend_rate: ratio(get(&counter::survey_recommend(role)), responses),
                goals_met: get(&counter::survey_goals(role, GoalsMet::Yes)),
                goals_partly_met: get(&counter::survey_goals(role, GoalsMet::Partly)),
                goals_not_met: get(&counter::survey_goals(role, GoalsMet::No)),
            }
        };
        let (pairs, mentoring) = (by_status(&counter::pairs), by_status(&counter::mentoring));
        let [committed, flash] =
            MentorshipKind::ALL.map(|kind| by_status(&|s| counter::pairs_of_kind(kind, s)));
        let preferences = |role| {
            let [committed, flash, either] =
                KindPreference::ALL.map(|p| get(&counter::prefers(role, p)));
            Preferences {
                committed,
                flash,
                either,
            }
        };
        let (mentee, mentor) = (survey(Role::Mentee), survey(Role::Mentor));
        let invited =
            pairs.completed + pairs.discontinued + mentoring.completed + mentoring.discontinued;
        Measures {
            mentee_profiles: profiles(Role::Mentee),
            mentor_profiles: profiles(Role::Mentor),
            prior_mentees: get(counter::PRIOR_MENTEES),
            requests: Requests {
                total: pending + accepted + declined + withdrawn + closed,
                pending,
                accepted,
                declined,
                withdrawn,
                closed,
                acceptance_rate: ratio(accepted, accepted + declined + closed),
            },
            median_days_to_approval: median(&histogram(c, "approval_days_")),
            median_days_to_match: median(&histogram(c, "match_days_")),
            meetings: get(counter::MEETINGS),
            hours: round2(get(counter::MINUTES) as f64 / 60.0),
            mentor_hours: round2(get(counter::MENTOR_MINUTES) as f64 / 60.0),
            goals: Goals {
                set: get(counter::GOALS_SET),
                progressing: get(counter::GOALS_PROGRESSING),
                met: get(counter::GOALS_MET),
                met_share: ratio(get(counter::GOALS_MET), get(counter::GOALS_SET)),
            },
            kinds: Kinds {
                not_recorded: pairs.connections - committed.connections - flash.connections,
                committed,
                flash,
                mentees_prefer: preferences(Role::Mentee),
                mentors_prefer: preferences(Role::Mentor),
            },
            surveys: Surveys {
                response_rate: ratio(mentee.responses + mentor.responses, invited),
                mentee,
                mentor,
            },
            pairs,
            mentoring,
        }
    }
}

/// Sum counters.
fn merge<'a>(all: impl IntoIterator<Item = &'a Counters>) -> Counters {
    let mut out = Counters::new();
    for c in all {
        for (name, n) in c {
            *out.entry(name.clone()).or_default() += n;
        }
    }
    out
}

/// The measures of one quarter.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct QuarterMeasures {
    /// e.g. `2026-Q3`.
    #[schema(value_type = String)]
    pub quarter: Quarter,
    pub measures: Measures,
}

/// The measures of one department.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct DepartmentMeasures {
    /// `{id, name}`, named as the program's list names it now.
    pub department: Entry,
    pub measures: Measures,
}

/// The measures of one division of a department: the records made by
/// people who named it.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct DivisionMeasures {
    /// `{id, name}` of its department, named as the list names it now.
    pub department: Entry,
    /// `{id, name}` of the division.
    pub division: Entry,
    pub measures: Measures,
}

/// The measures of one match group.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct GroupMeasures {
    /// The group's id; null for records that joined no group (sent before
    /// any group was announced, or before groups were recorded).
    #[schema(value_type = Option<String>)]
    pub group: Option<CalendarId>,
    /// The group's name, when the calendar has it.
    pub name: Option<String>,
    pub measures: Measures,
}

/// The metrics page: every measure for the whole of what the reader may
/// see, by quarter, by match group, and by department.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Report {
    pub total: Measures,
    pub by_quarter: Vec<QuarterMeasures>,
    /// In id order here; the API orders them by their suggested-matches
    /// day and names them, records of no group last.
    pub by_group: Vec<GroupMeasures>,
    pub by_department: Vec<DepartmentMeasures>,
    /// Each division that records name, under its department, in the
    /// departments' order; records without a division count in their
    /// department only.
    pub by_division: Vec<DivisionMeasures>,
}

impl Report {
    /// The report over the stored counter buckets; the caller has already
    /// kept only the buckets the reader may see.
    pub fn build(buckets: &[(Bucket, Counters)], list: &StoredDepartments) -> Report {
        let mut quarters: BTreeMap<Quarter, Vec<&Counters>> = BTreeMap::new();
        let mut groups: BTreeMap<&Option<CalendarId>, Vec<&Counters>> = BTreeMap::new();
        let mut departments: BTreeMap<&DepartmentId, Vec<&Counters>> = BTreeMap::new();
        let mut divisions: BTreeMap<(&DepartmentId, &DivisionId), Vec<&Counters>> = BTreeMap::new();
        for (bucket, counters) in buckets {
            if let Some(division) = &bucket.division {
                divisions
                    .entry((&bucket.department, division))
                    .or_default()
                    .push(counters);
            }
            quarters.entry(bucket.quarter).or_default().push(counters);
            groups.entry(&bucket.group).or_default().push(counters);
            departments
                .entry(&bucket.department)
                .or_default()
                .push(counters);
        }
        Report {
            total: Measures::from_counters(&merge(buckets.iter().map(|(_, c)| c))),
            by_quarter: quarters
                .into_iter()
                .map(|(quarter, c)| QuarterMeasures {
                    quarter,
                    measures: Measures::from_counters(&merge(c)),
                })
                .collect(),
            by_group: groups
                .into_iter()
                .map(|(group, c)| GroupMeasures {
                    group: group.clone(),
                    name: None,
                    measures: Measures::from_counters(&merge(c)),
                })
                .collect(),
            by_department: departments
                .into_iter()
                .map(|(department, c)| DepartmentMeasures {
                    department: list.entry(department),
                    measures: Measures::from_counters(&merge(c)),
                })
                .collect(),
            by_division: divisions
                .into_iter()
                .map(|((department, division), c)| DivisionMeasures {
                    department: list.entry(department),
                    division: list.division_entry(department, division),
                    measures: Measures::from_counters(&merge(c)),
                })
                .collect(),
        }
    }
}
