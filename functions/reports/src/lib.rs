//! The `reports` function: running the program. Metrics and exports for
//! program and department administrators; for program administrators, the
//! matching run, the program calendar, program and department administrators, audit
//! trails, signing a person out everywhere and the security log; for
//! everyone, the program calendar and its feed.

use moments_adapters::deps::Deps;
use moments_adapters::http::ApiError;
pub(crate) use moments_adapters::http::program_admin;
use moments_adapters::store::{KeptList, StoreError};
use moments_domain::access::Actor;
use moments_domain::audit::{Action, AuditEntry};
use moments_domain::calendar::Revision;
use moments_domain::calendar::{CalendarId, MatchGroup};
use moments_domain::fields::EmailAddress;
use moments_domain::form::{Count, Field, FieldErrors, Flag, FormReader, Text};
use moments_domain::kept::{ListRefusal, Position};
use moments_domain::metrics::Quarter;
use moments_domain::reports::Scope;
use serde::Deserialize;

mod admins;
mod announcements;
mod attention;
mod calendar;
mod check_ins;
mod contacts;
mod departments;
mod exports;
mod matching;
pub mod metrics;
mod privacy;
mod program_admins;
mod registrations;
mod resources;
mod security;
mod sessions;
mod skills;

moments_adapters::http_api! {
    matching::list, matching::start;
    matching::one;
    matching::lists;
    matching::change_list;
    matching::publish;
    metrics::report;
    attention::attention;
    exports::export;
    admins::audit;
    admins::person;
    admins::search;
    admins::list, admins::add;
    admins::remove;
    program_admins::list, program_admins::add;
    program_admins::remove;
    privacy::status, privacy::request;
    privacy::list;
    privacy::carry_out;
    sessions::sign_out_everywhere;
    security::recent;
    calendar::public_calendar;
    contacts::contacts;
    contacts::change;
    check_ins::quiet_pairs;
    check_ins::change_settings;
    announcements::list, announcements::send;
    announcements::preview;
    announcements::one;
    announcements::cancel;
    announcements::preference;
    announcements::unsubscribe_page, announcements::one_click;
    resources::links;
    resources::add;
    resources::remove;
    skills::list, skills::add;
    skills::change;
    departments::list, departments::add;
    departments::change;
    departments::add_division;
    departments::change_division;
    calendar::public_feed;
    calendar::admin_calendar;
    calendar::add_group;
    calendar::change_group;
    calendar::add_event;
    calendar::change_event;
    calendar::cancel_event;
    registrations::register, registrations::cancel;
    registrations::mine;
    registrations::invite;
    registrations::roster;
    registrations::roster_csv;
    registrations::attendance;
}

/// A change to one of the program's versioned records (the links, the
/// skills): `attempt` reads, changes and saves, and gives `None` when the
/// save lost a race to another change, which is then made again on what
/// that one saved.
pub(crate) async fn retried<T, F: Future<Output = Result<Option<T>, ApiError>>>(
    what: &str,
    mut attempt: impl FnMut() -> F,
) -> Result<T, ApiError> {
    for _ in 0..4 {
        if let Some(done) = attempt().await? {
            return Ok(done);
        }
    }
    Err(ApiError::Conflict(format!(
        "Others are changing {what} at the same moment. Please try again."
    )))
}

/// The revision a change by `actor` at `now` saves, one above `version`,
/// and its audit entry.
pub(crate) fn revised(
    version: u64,
    actor: &EmailAddress,
    action: Action,
    note: String,
    now: jiff::Timestamp,
) -> (Revision, AuditEntry) {
    let revision = Revision {
        version: version + 1,
        updated_at: now,
        updated_by: actor.to_string(),
    };
    let entry = AuditEntry {
        at: now,
        actor: actor.clone(),
        action,
        on_behalf_of: None,
        note: Some(note),
    };
    (revision, entry)
}

/// Change a kept list from a fresh read, as `change` says, saved with an
/// audit entry noting what it returns (nothing is saved when it says
/// nothing changed); a change that lost a race to another is made again on
/// what that one saved. `what` names the list in the refusal of a change
/// that keeps losing.
pub(crate) async fn update_kept<T: KeptList>(
    deps: &Deps,
    what: &str,
    actor: &EmailAddress,
    action: Action,
    change: impl Fn(&mut T) -> Result<Option<String>, ListRefusal>,
) -> Result<T, ApiError> {
    retried(what, || async {
        let mut stored: T = deps.store.kept().await?;
        let Some(note) = change(&mut stored)? else {
            return Ok(Some(stored));
        };
        let (revision, entry) = revised(stored.version(), actor, action, note, deps.now());
        stored.set_revision(revision);
        match deps.store.save_kept(&stored, &entry).await {
            Ok(()) => Ok(Some(stored)),
            Err(StoreError::Changed) => Ok(None),
            Err(e) => Err(e.into()),
        }
    })
    .await
}

/// Reads a change's optional fields shared by every kept list: a name (by
/// `parse`), whether it is retired, its place. Problems go into `f`.
pub(crate) fn list_change<N>(
    f: &mut FormReader,
    name: &Text,
    retired: &Flag,
    position: &Count,
    parse: impl FnOnce(&str) -> Result<N, String>,
) -> (Option<N>, Option<bool>, Option<Position>) {
    let name = f.optional("name", name, parse);
    let retired = match retired {
        Field::Absent => None,
        given => Some(f.flag("retired", given)),
    };
    let position = match position {
        Field::Absent => None,
        Field::Given(n) => f.parsed("position", &Field::Given(n.to_string()), Position::parse),
        // Not a number: the same words as a number out of range.
        Field::Wrong(_) => f.parsed("position", &Field::Given(String::new()), Position::parse),
    };
    (name, retired, position)
}

/// The program's name, as its calendar and emails give it.
pub(crate) const PROGRAM: &str = "MOments";

/// What the caller may see of the program's records, or 403.
fn scope(actor: &Actor) -> Result<Scope, ApiError> {
    Scope::of(actor).ok_or_else(|| {
        ApiError::Forbidden(
            "Only program and department administrators can see the program's reports.".into(),
        )
    })
}

/// `?quarter=2026-Q3&group=fourteen`, both optional: the figures and
/// records of one quarter, of one match group, or of both at once.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FiguresFilter {
    /// One quarter, e.g. `2026-Q3`; every quarter when absent.
    pub quarter: Option<String>,
    /// One match group's id, e.g. `fourteen`; every group when absent.
    pub group: Option<String>,
}

/// A checked [`FiguresFilter`]: the quarter, and the match group as read
/// while checking it (so its name needs no second read).
#[derive(Debug, Clone, Default)]
pub(crate) struct Slice {
    pub quarter: Option<Quarter>,
    pub group: Option<MatchGroup>,
}

impl Slice {
    fn group_id(&self) -> Option<&CalendarId> {
        self.group.as_ref().map(|g| &g.id)
    }

    /// Whether a record or counter of match group `group` is in the slice.
    pub fn in_group(&self, group: Option<&CalendarId>) -> bool {
        self.group_id().is_none_or(|g| Some(g) == group)
    }

    /// Whether counters or records of this quarter and group are in the slice.
    pub fn holds(&self, quarter: Quarter, group: Option<&CalendarId>) -> bool {
        self.quarter.is_none_or(|q| q == quarter) && self.in_group(group)
    }

    /// "2026-Q3", "group fourteen", "2026-Q3, group fourteen" or
    /// `everything`, for the security log.
    pub fn describe(&self, everything: &str) -> String {
        match (&self.quarter, self.group_id()) {
            (None, None) => everything.to_string(),
            (Some(q), None) => q.to_string(),
            (None, Some(g)) => format!("group {g}"),
            (Some(q), Some(g)) => format!("{q}, group {g}"),
        }
    }

    /// `all`, `2026-Q3`, `fourteen` or `2026-Q3-fourteen`, for file names.
    pub fn file_part(&self) -> String {
        match (&self.quarter, self.group_id()) {
            (None, None) => "all".to_string(),
            (Some(q), None) => q.to_string(),
            (None, Some(g)) => g.to_string(),
            (Some(q), Some(g)) => format!("{q}-{g}"),
        }
    }
}

fn given(raw: &Option<String>) -> Option<&str> {
    raw.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

impl FiguresFilter {
    /// Both fields checked at once, each error naming its field; a group
    /// must be one of the program's.
    async fn parse(&self, deps: &Deps) -> Result<Slice, ApiError> {
        let mut errors = FieldErrors::default();
        let quarter = given(&self.quarter).and_then(|raw| {
            Quarter::parse(raw)
                .map_err(|e| errors.add("quarter", e))
                .ok()
        });
        let mut group = None;
        if let Some(raw) = given(&self.group) {
            match CalendarId::parse(raw) {
                Err(e) => errors.add("group", e),
                Ok(id) => match moments_usecases::calendar::group(deps, &id).await? {
                    Some(found) => group = Some(found.group),
                    None => errors.add("group", format!("No match group has the id {id}.")),
                },
            }
        }
        if errors.is_empty() {
            Ok(Slice { quarter, group })
        } else {
            Err(errors.into())
        }
    }
}
