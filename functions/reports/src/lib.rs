//! The `reports` function: running the program. Metrics and exports for
//! program and department administrators; for program administrators, the
//! matching run, the program calendar, program and department administrators, audit
//! trails, signing a person out everywhere and the security log; for
//! everyone, the program calendar and its feed.

use moments_adapters::http::ApiError;
pub(crate) use moments_adapters::http::program_admin;
use moments_domain::access::Actor;
use moments_domain::form::FieldErrors;
use moments_domain::metrics::Quarter;
use moments_domain::reports::Scope;
use serde::Deserialize;

mod admins;
mod calendar;
mod exports;
mod matching;
pub mod metrics;
mod privacy;
mod program_admins;
mod registrations;
mod security;
mod sessions;

moments_adapters::http_api! {
    matching::preview;
    matching::publish;
    metrics::report;
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

/// `?quarter=2026-Q3`, optional.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct QuarterFilter {
    /// One match group, e.g. `2026-Q3`; every quarter when absent.
    pub quarter: Option<String>,
}

impl QuarterFilter {
    fn parse(&self) -> Result<Option<Quarter>, ApiError> {
        match self.quarter.as_deref().map(str::trim) {
            None | Some("") => Ok(None),
            Some(raw) => Quarter::parse(raw)
                .map(Some)
                .map_err(|e| FieldErrors::single("quarter", e).into()),
        }
    }
}
