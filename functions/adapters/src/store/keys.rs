//! The table's key design, in one place. Every item has `pk`/`sk`; indexes
//! are sparse and carry only what their queries need.
//!
//! | item | pk | sk | gsi1 (by supervisor) | gsi2 (by department) |
//! |---|---|---|---|---|
//! | application | `APP#{id}` | `APP` | `SUP#{email}` / `{status}#{submitted}#{id}` | `DEPT#{dept}` / `APP#{status}#{submitted}#{id}` |
//! | one-per-role guard | `PERSON#{email}` | `APP#{role}` | | |
//! | audit entry (any record) | the record's pk | `AUDIT#{sequence}` | | |
//! | department administrator | `PERSON#{email}` | `DEPTADMIN#{dept}` | | `DEPT#{dept}` / `ADMIN#{email}` |
//! | a department's audit entries | `DEPT#{dept}` | `AUDIT#{ns}-{nonce}` | | |
//! | program administrator | `PROGADMIN` | `ADMIN#{email}` | | |
//! | how many program administrators there are (and that the roster was seeded) | `PROGADMIN` | `COUNT` | | |
//! | the program administrators' audit entries | `PROGADMIN` | `AUDIT#{ns}-{nonce}` | | |
//! | the program team's contact details | `CONTACT` | `PROGRAM` | | |
//! | their audit entries | `CONTACT` | `AUDIT#{version, 10 digits}` | | |
//! | program settings (weeks before a check-in) | `SETTINGS` | `PROGRAM` | | |
//! | the links kept for mentees, mentors and supervisors | `RESOURCES` | `LINKS` | | |
//! | their audit entries | `RESOURCES` | `AUDIT#{version, 10 digits}` | | |
//! | the skills people rank (absent until first changed: the seed) | `CATALOGUE` | `SKILLS` | | |
//! | their audit entries | `CATALOGUE` | `AUDIT#{version, 10 digits}` | | |
//! | the departments and their divisions (absent until first changed: the seed) | `DEPARTMENTS` | `LIST` | | |
//! | their audit entries | `DEPARTMENTS` | `AUDIT#{version, 10 digits}` | | |
//! | their audit entries | `SETTINGS` | `AUDIT#{version, 10 digits}` | | |
//! | sign-in token (by the hash of the token) | `SIGNIN#{sha256 hex}` | `SIGNIN` | `SIGNINS#{email}` / `{sha256 hex}` | |
//! | session (by the hash of its id) | `SESSION#{sha256 hex}` | `SESSION` | `SESSIONS#{email}` / `{sha256 hex}` | |
//! | sign-in at the identity provider, under way (by the hash of its `state`) | `OIDC#{sha256 hex}` | `OIDC` | | |
//! | mentor listing (searchable) | `LISTING#{hours}` | `{mentor email}` | | |
//! | notice that a mentor's listing may have changed (kept a day) | `LISTING#CHANGES` | `{written, ms, 13 digits}#{application id}` | | |
//! | pair guard | `PAIR#{mentee}#{mentor}` | `PAIR` | | |
//! | request | `REQ#{id}` | `REQ` | `REQTO#{mentor}` / `{created}#{id}` | `REQFROM#{mentee}` / `{created}#{id}` |
//! | mentorship | `MS#{id}` | `MS` | `MSMENTEE#{mentee}` / `{started}#{id}` | `MSMENTOR#{mentor}` / `{started}#{id}` |
//! | meeting | `MS#{id}` | `MEET#{date}#{meeting id}` | | |
//! | the pair's next meeting (proposed, accepted, cancelled or logged; versioned) | `MS#{id}` | `NEXT` | | |
//! | minutes logged for a date | `MS#{id}` | `DAY#{date}` | | |
//! | survey response | `MS#{id}` | `SURVEY#{email}` | | |
//! | check-in with a quiet pair (gsi3: `CHECKINS` / `{sent, ns, 20 digits}#{id}`) | `MS#{id}` | `CHECKIN#{quiet since}` | | |
//! | a survey not answered yet (gsi3: `SURVEYS#OPEN` / `{ended, ms, 13 digits}#{id}#{role}`; 180 days, TTL) | `MS#{id}` | `SURVEYOPEN#{mentee\|mentor}` | | |
//! | notice sent (reminder, digest) | `NOTICE#{name}` | `NOTICE` | | |
//! | a mentee's suggested mentors | `PERSON#{email}` | `SUGGESTIONS` | | |
//! | a matching run (state, figures; kept 14 days) | `MATCHRUN` | `{started, UTC, YYYYMMDDTHHMMSS}-{random}` | | |
//! | a page of a run's lists (application ids, fits, reasons) | `MATCHRUN#{run id}#{n, 5 digits}` | `PAGE` | | |
//! | a mentor's application names them as an earlier mentee | `PERSON#{email}` | `PRIOR#{application id}` | | |
//! | an applicant's name, for finding people by name | `NAMES#{first letter of last name}` | `{last} {first}#{application id}` (lower case) | | |
//! | mail to retry | `MAILQ` | `{due, ns, 20 digits}#{id}` | | |
//! | an announcement's copy to send | `MAILQ#S{0–7, by recipient}` | `{due, ns, 20 digits}#{id}` | | |
//! | mail set aside after every retry | `MAILQ#ASIDE` | `{last due}#{id}` | | |
//! | the lease of the run sending the mail queue | `MAILQ#LEASE` | `LEASE` | | |
//! | announcements, their recipients and opt-outs | see `announcements.rs` | | | |
//! | reminder job to create again | `JOBQ` | `{job name}` | | |
//! | abuse-limit counter | `LIMIT#{limit}#{subject}` | `{window start, epoch s}` | | |
//! | metrics counters | `METRICS` | `{quarter}#{dept}`, with `/{division}` after the department for records that name one, and `#{group}` at the end for records of a group | | |
//! | a request to remove someone's data | `ERASURE` | `{email}` | | |
//! | a security event (sign-in, export, look-up, ...) | `SECLOG#{date}` | `EV#{µs since epoch, 16 digits}#{random}` | | |
//! | refusals (401, 403, cross-origin) in an hour | `SECLOG#{date}` | `COUNT#{hour}#{kind}` | | |
//!
//! gsi1 also lists a person's sessions (`SESSIONS#{email}`) and unused
//! sign-in links (`SIGNINS#{email}`), so signing a person out everywhere
//! needs no write outside the `SESSION#` and `SIGNIN#` items.
//!
//! gsi3 (by quarter) lists the records of a match group for exports and
//! retention: `QUARTER#{quarter}` / `{APP|REQ|MS|MEET|SURVEY}#{time}#{id}`.
//! It also lists the check-ins by when they were sent (`CHECKINS`), for
//! the program administrators' list of quiet pairs.

use crate::table::{Index, Key};

pub const APP_SK: &str = "APP";
pub const SIGNIN_SK: &str = "SIGNIN";
pub const SESSION_SK: &str = "SESSION";

/// Queries on the department partition of gsi2 separate the item kinds by prefix.
pub const DEPT_APP_PREFIX: &str = "APP#";
pub const DEPT_ADMIN_PREFIX: &str = "ADMIN#";

/// Index serving "applications by supervisor".
pub const BY_SUPERVISOR: Index = Index::Gsi1;
/// Index serving "a person's sessions" (its own partitions, `SESSIONS#`).
pub const BY_PERSON_SESSIONS: Index = Index::Gsi1;
/// Index serving "a person's unused sign-in links" (`SIGNINS#`).
pub const BY_PERSON_LINKS: Index = Index::Gsi1;
/// Index serving "applications and administrators by department".
pub const BY_DEPARTMENT: Index = Index::Gsi2;
/// Index serving "records of a quarter".
pub const BY_QUARTER: Index = Index::Gsi3;

/// The gsi3 attributes of a record of `quarter`; `kind` is one of the
/// `*_IN_QUARTER` prefixes, `order` sorts the records of a kind.
pub fn in_quarter(
    quarter: moments_domain::metrics::Quarter,
    kind: &str,
    order: &str,
) -> [(String, serde_json::Value); 2] {
    [
        (
            "gsi3pk".into(),
            serde_json::json!(format!("QUARTER#{quarter}")),
        ),
        ("gsi3sk".into(), serde_json::json!(format!("{kind}{order}"))),
    ]
}

pub fn quarter_partition(quarter: moments_domain::metrics::Quarter) -> String {
    format!("QUARTER#{quarter}")
}

pub const APPS_IN_QUARTER: &str = "APP#";
pub const REQUESTS_IN_QUARTER: &str = "REQ#";
pub const MENTORSHIPS_IN_QUARTER: &str = "MS#";
pub const MEETINGS_IN_QUARTER: &str = "MEET#";
pub const SURVEYS_IN_QUARTER: &str = "SURVEY#";

pub const METRICS: &str = "METRICS";

/// Requests to remove a person's data, waiting for a program administrator.
pub const ERASURES: &str = "ERASURE";

pub fn erasure(email: &str) -> Key {
    Key::new(ERASURES, email)
}

pub fn metrics(bucket: &moments_domain::metrics::Bucket) -> Key {
    // A division follows its department after a slash (ids never hold one).
    let sk = match &bucket.division {
        None => format!("{}#{}", bucket.quarter, bucket.department.as_str()),
        Some(division) => format!(
            "{}#{}/{}",
            bucket.quarter,
            bucket.department.as_str(),
            division.as_str()
        ),
    };
    match &bucket.group {
        None => Key::new(METRICS, sk),
        Some(group) => Key::new(METRICS, format!("{sk}#{group}")),
    }
}

pub fn application(id: &str) -> Key {
    Key::new(format!("APP#{id}"), APP_SK)
}

pub fn role_guard(email: &str, role: &str) -> Key {
    Key::new(person(email), format!("APP#{role}"))
}

/// The start of a person's partition key.
pub const PERSON_PREFIX: &str = "PERSON#";

pub fn person(email: &str) -> String {
    format!("{PERSON_PREFIX}{email}")
}

/// An audit entry of the record under `pk`; `sequence` orders the entries
/// of one record and is unique within it.
pub fn audit(pk: &str, sequence: &str) -> Key {
    Key::new(pk, format!("AUDIT#{sequence}"))
}

pub const AUDIT_PREFIX: &str = "AUDIT#";

pub fn department_admin(email: &str, dept: &str) -> Key {
    Key::new(person(email), format!("DEPTADMIN#{dept}"))
}

pub const DEPTADMIN_PREFIX: &str = "DEPTADMIN#";

/// The partition of the program administrators, their count and their
/// audit trail.
pub const PROGRAM_ADMINS: &str = "PROGADMIN";
pub const PROGRAM_ADMIN_PREFIX: &str = "ADMIN#";

pub fn program_admin(email: &str) -> Key {
    Key::new(PROGRAM_ADMINS, format!("{PROGRAM_ADMIN_PREFIX}{email}"))
}

/// How many program administrators there are; written with the seed, so
/// it also marks that the roster was seeded.
pub fn program_admin_count() -> Key {
    Key::new(PROGRAM_ADMINS, "COUNT")
}

/// The program team's contact details and their audit trail.
pub const CONTACT: &str = "CONTACT";

pub fn program_contact() -> Key {
    Key::new(CONTACT, "PROGRAM")
}

/// Program settings and their audit trail.
pub const SETTINGS: &str = "SETTINGS";

pub fn program_settings() -> Key {
    Key::new(SETTINGS, "PROGRAM")
}

/// The links kept for each audience, and their audit trail.
pub const RESOURCES: &str = "RESOURCES";

pub fn resource_links() -> Key {
    Key::new(RESOURCES, "LINKS")
}

/// The skills the program team keeps, and their audit trail.
pub const CATALOGUE: &str = "CATALOGUE";

pub fn skills() -> Key {
    Key::new(CATALOGUE, "SKILLS")
}

/// The departments and divisions the program team keeps, and their audit
/// trail (a partition of its own: each list numbers its versions).
pub const DEPARTMENTS: &str = "DEPARTMENTS";

pub fn departments() -> Key {
    Key::new(DEPARTMENTS, "LIST")
}

/// The partition of gsi3 listing check-ins by when they were sent.
/// Matching runs, and (`MATCHRUN#{id}#{n}`) their pages of lists.
pub const MATCHING_RUNS: &str = "MATCHRUN";

pub const CHECKINS: &str = "CHECKINS";
pub const CHECKIN_PREFIX: &str = "CHECKIN#";

/// The partition of gsi3 listing the surveys not answered yet, by when
/// their mentorship ended.
pub const SURVEYS_OPEN: &str = "SURVEYS#OPEN";

/// The mark that `role`'s survey about a mentorship waits for an answer.
pub fn survey_open(mentorship_id: &str, role: &str) -> Key {
    Key::new(mentorship(mentorship_id).pk, format!("SURVEYOPEN#{role}"))
}

/// The check-in with a pair quiet since `since` (`YYYY-MM-DD`).
pub fn check_in(mentorship_id: &str, since: &str) -> Key {
    Key::new(
        mentorship(mentorship_id).pk,
        format!("{CHECKIN_PREFIX}{since}"),
    )
}

/// The partition holding a department's own audit trail (administrators
/// added and removed).
pub fn department_records(dept: &str) -> String {
    format!("DEPT#{dept}")
}

pub fn supervisor_partition(email: &str) -> String {
    format!("SUP#{email}")
}

pub fn department_partition(dept: &str) -> String {
    format!("DEPT#{dept}")
}

pub fn sign_in_token(hash_hex: &str) -> Key {
    Key::new(format!("SIGNIN#{hash_hex}"), SIGNIN_SK)
}

/// A session, under the SHA-256 hash of its id.
pub fn session(hash_hex: &str) -> Key {
    Key::new(format!("SESSION#{hash_hex}"), SESSION_SK)
}

/// A sign-in at the identity provider, under the SHA-256 hash of its `state`.
pub fn pending_sign_in(hash_hex: &str) -> Key {
    Key::new(format!("OIDC#{hash_hex}"), "OIDC")
}

/// The security log's partition of one UTC day.
pub fn security_day(date: &str) -> String {
    format!("SECLOG#{date}")
}

pub const SECURITY_EVENT_PREFIX: &str = "EV#";
pub const REFUSAL_COUNT_PREFIX: &str = "COUNT#";

/// One security event: its day, its time (microseconds, so the sort key
/// orders by time) and a random part.
pub fn security_event(date: &str, micros: i64, nonce: &str) -> Key {
    Key::new(security_day(date), format!("EV#{micros:016}#{nonce}"))
}

/// The refusals of one kind in one hour.
pub fn refusal_count(date: &str, hour: &str, kind: &str) -> Key {
    Key::new(security_day(date), format!("COUNT#{hour}#{kind}"))
}

/// The gsi1 partition of a person's unused sign-in links.
pub fn sign_in_links_of(email: &str) -> String {
    format!("SIGNINS#{email}")
}

/// The gsi1 partition of a person's sessions.
pub fn sessions_of(email: &str) -> String {
    format!("SESSIONS#{email}")
}

pub const LISTING_PREFIX: &str = "LISTING#";

pub fn listing_partition(hours: &str) -> String {
    format!("{LISTING_PREFIX}{hours}")
}

pub fn listing(hours: &str, mentor: &str) -> Key {
    Key::new(listing_partition(hours), mentor)
}

/// The partition of notices that a listing may have changed.
pub const LISTING_CHANGES: &str = "LISTING#CHANGES";

/// The sort key of notices written at `ms` (milliseconds since 1970), and
/// the lower bound of a query for those written since then.
pub fn listing_changes_from(ms: i64) -> String {
    format!("{:013}", ms.max(0))
}

pub fn listing_change(ms: i64, application: &str) -> Key {
    Key::new(
        LISTING_CHANGES,
        format!("{}#{application}", listing_changes_from(ms)),
    )
}

pub fn pair(mentee: &str, mentor: &str) -> Key {
    Key::new(format!("PAIR#{mentee}#{mentor}"), "PAIR")
}

pub fn request(id: &str) -> Key {
    Key::new(format!("REQ#{id}"), "REQ")
}

pub fn requests_to(mentor: &str) -> String {
    format!("REQTO#{mentor}")
}

pub fn requests_from(mentee: &str) -> String {
    format!("REQFROM#{mentee}")
}

pub fn mentorship(id: &str) -> Key {
    Key::new(format!("MS#{id}"), "MS")
}

pub fn mentorships_as_mentee(email: &str) -> String {
    format!("MSMENTEE#{email}")
}

pub fn mentorships_as_mentor(email: &str) -> String {
    format!("MSMENTOR#{email}")
}

pub const MEETING_PREFIX: &str = "MEET#";

/// The pair's next meeting, proposed or accepted.
pub fn next_meeting(mentorship_id: &str) -> Key {
    Key::new(format!("MS#{mentorship_id}"), "NEXT")
}

/// The minutes a pair logged for one date, kept to cap a day's credit.
pub fn meeting_day(mentorship_id: &str, date: &str) -> Key {
    Key::new(format!("MS#{mentorship_id}"), format!("DAY#{date}"))
}

pub fn meeting(mentorship_id: &str, date: &str, meeting_id: &str) -> Key {
    Key::new(
        mentorship(mentorship_id).pk,
        format!("{MEETING_PREFIX}{date}#{meeting_id}"),
    )
}

pub fn survey(mentorship_id: &str, email: &str) -> Key {
    Key::new(mentorship(mentorship_id).pk, format!("SURVEY#{email}"))
}

pub fn notice(name: &str) -> Key {
    Key::new(format!("NOTICE#{name}"), "NOTICE")
}

pub fn suggestions(email: &str) -> Key {
    Key::new(person(email), "SUGGESTIONS")
}

pub const PRIOR_MENTEE_PREFIX: &str = "PRIOR#";

/// A mentor's application names `mentee` as an earlier mentee.
pub fn prior_mentee(mentee: &str, application_id: &str) -> Key {
    Key::new(
        person(mentee),
        format!("{PRIOR_MENTEE_PREFIX}{application_id}"),
    )
}

/// The partition of the name index for names starting `folded` (lower
/// case): one per letter a–z, `NAMES#_` for the rest.
pub fn names_partition(folded: &str) -> String {
    let letter = folded
        .chars()
        .next()
        .filter(char::is_ascii_lowercase)
        .unwrap_or('_');
    format!("NAMES#{letter}")
}

/// An applicant's name in the index, under the application it is on.
pub fn name_entry(folded_last: &str, folded_first: &str, application_id: &str) -> Key {
    Key::new(
        names_partition(folded_last),
        format!("{folded_last} {folded_first}#{application_id}"),
    )
}

pub const MAIL_QUEUE: &str = "MAILQ";

/// Announcements' copies wait in partitions of their own, by recipient, so
/// queueing thousands is not held to one partition's 1,000 write units a
/// second (a copy in a transaction costs about four).
pub const MAIL_SHARDS: u32 = 8;

/// The mail queue partition of `to`'s copy of an announcement.
pub fn mail_shard(to: &str) -> String {
    format!("{MAIL_QUEUE}#S{}", spread(to) % MAIL_SHARDS)
}

/// Every partition of the mail queue: notifications', then the shards.
pub fn mail_partitions() -> Vec<String> {
    std::iter::once(MAIL_QUEUE.to_string())
        .chain((0..MAIL_SHARDS).map(|n| format!("{MAIL_QUEUE}#S{n}")))
        .collect()
}

/// A stable spread of a text over numbers (FNV-1a): the same address
/// always lands in the same partition.
pub fn spread(text: &str) -> u32 {
    text.bytes().fold(0x811c_9dc5_u32, |h, b| {
        (h ^ u32::from(b)).wrapping_mul(0x0100_0193)
    })
}

/// The lease of the one run sending the mail queue.
pub fn mail_lease() -> Key {
    Key::new("MAILQ#LEASE", "LEASE")
}
pub const MAIL_SET_ASIDE: &str = "MAILQ#ASIDE";

/// A reminder job the scheduler refused, under its name: one per job, as
/// in the scheduler, so queueing it again replaces it.
pub fn queued_job(name: &str) -> Key {
    Key::new(JOB_QUEUE, name)
}

pub const JOB_QUEUE: &str = "JOBQ";

/// Fixed-width nanoseconds sort as text, so the queue reads soonest first.
pub fn queued_mail(partition: &str, due: jiff::Timestamp, id: &str) -> Key {
    Key::new(partition, format!("{:020}#{id}", due.as_nanosecond()))
}

/// A fixed-window counter of one limit for one subject (an address, a
/// source, a mentee); each window has its own item, removed by TTL.
pub fn limit_counter(limit: &str, subject: &str, window_start: i64) -> Key {
    Key::new(limit_partition(limit, subject), window_start.to_string())
}

/// The windows of one limit for one subject.
pub fn limit_partition(limit: &str, subject: &str) -> String {
    format!("LIMIT#{limit}#{subject}")
}
