//! Registering for the program's events: any signed-in employee takes a
//! place or joins the waiting list, and cancels; the first on the waiting
//! list takes a place that frees, with an email; program administrators see
//! the roster and waiting list, download it, and mark attendance afterwards.

use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use moments_adapters::deps::Deps;
use moments_adapters::http::{ApiError, Caller, Form, Path, program_admin};
use moments_adapters::store::{Cancelled, StoreError};
use moments_domain::audit::{Action, AuditEntry};
use moments_domain::calendar::registration::{
    self, Registration, RegistrationStatus, may_register, minutes, reminder_at, starts_at,
};
use moments_domain::calendar::{CalendarId, Event, PublicEvent, StoredEvent, feed};
use moments_domain::fields::EmailAddress;
use moments_domain::form::{Flag, FormReader};
use moments_domain::reminders::Job;
use moments_usecases::calendar as store_calendar;
use serde::{Deserialize, Serialize};

use crate::PROGRAM;

async fn event_of(deps: &Deps, id: &str) -> Result<StoredEvent, ApiError> {
    let id = CalendarId::parse(id).map_err(|_| ApiError::NotFound("event"))?;
    store_calendar::event(deps, &id)
        .await?
        .ok_or(ApiError::NotFound("event"))
}

/// The name someone's application gives, if they applied.
async fn name_of(deps: &Deps, email: &EmailAddress) -> Result<String, ApiError> {
    Ok(deps
        .store
        .applications_of(email)
        .await?
        .first()
        .map(|a| a.details.full_name())
        .unwrap_or_default())
}

/// Where someone stands after registering.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Registered {
    pub event_id: String,
    #[schema(value_type = String)]
    pub status: RegistrationStatus,
    /// Their place on the waiting list, from 1.
    pub position: Option<usize>,
    pub registered_at: String,
}

/// `POST /api/calendar/events/{id}/registration`: take a place, or join the
/// waiting list when the event is full.
#[utoipa::path(post, path = "/api/calendar/events/{id}/registration", operation_id = "register_for_event", tag = "calendar",
    security(("session" = [])),
    params(("id" = String, Path, description = "Event id")),
    responses(
        (status = 201, description = "Registered, or on the waiting list", body = Registered),
        (status = 401, description = "Not signed in"),
        (status = 404, description = "No such event"),
        (status = 409, description = "Registered already, or registration is not open"),
    ))]
#[tracing::instrument(skip_all)]
pub async fn register(
    State(deps): State<Deps>,
    Caller(actor): Caller,
    Path(id): Path<String>,
) -> Result<(StatusCode, Json<Registered>), ApiError> {
    let stored = event_of(&deps, &id).await?;
    let event = &stored.event;
    may_register(event, deps.now()).map_err(|e| ApiError::Conflict(e.to_string()))?;
    // The calendar must be in the table for its counters.
    store_calendar::seed(&deps).await?;
    let mut r = Registration {
        event: event.id.clone(),
        email: actor.email.clone(),
        name: name_of(&deps, &actor.email).await?,
        status: RegistrationStatus::Registered,
        registered_at: deps.now(),
        attended: None,
    };
    r.status = match deps.store.register(&r, event.capacity).await {
        Ok(status) => status,
        Err(StoreError::AlreadyExists) => {
            return Err(ApiError::Conflict(
                "You are registered for this event already, or on its waiting list.".into(),
            ));
        }
        Err(StoreError::Changed) => {
            return Err(ApiError::Conflict(
                "Registration for this event has just closed.".into(),
            ));
        }
        Err(e) => return Err(e.into()),
    };
    let base = &deps.config.base_url;
    let position = match r.status {
        RegistrationStatus::Registered => {
            // The event's reminder job is made with its first place (and
            // again when it moves), not at every registration.
            if stored.registered == 0 {
                schedule_reminder(&deps, event).await;
            }
            deps.notify(registration::registered(&r, event, base)).await;
            None
        }
        RegistrationStatus::Waitlisted => {
            let position = waiting_position(&deps, &r).await?;
            deps.notify(registration::waitlisted(&r, event, position, base))
                .await;
            Some(position)
        }
    };
    Ok((
        StatusCode::CREATED,
        Json(Registered {
            event_id: event.id.to_string(),
            status: r.status,
            position,
            registered_at: r.registered_at.to_string(),
        }),
    ))
}

async fn waiting_position(deps: &Deps, r: &Registration) -> Result<usize, ApiError> {
    let all = deps.store.registrations_for(&r.event).await?;
    Ok(all
        .iter()
        .filter(|x| x.status == RegistrationStatus::Waitlisted)
        .position(|x| x.email == r.email)
        .map_or(0, |p| p + 1))
}

/// A cancelled registration.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CancelledRegistration {
    pub cancelled: bool,
}

/// `DELETE /api/calendar/events/{id}/registration`: give up a place (it
/// goes to the first on the waiting list) or leave the waiting list.
#[utoipa::path(delete, path = "/api/calendar/events/{id}/registration", operation_id = "cancel_registration", tag = "calendar",
    security(("session" = [])),
    params(("id" = String, Path, description = "Event id")),
    responses(
        (status = 200, description = "Cancelled", body = CancelledRegistration),
        (status = 401, description = "Not signed in"),
        (status = 404, description = "Not registered for this event"),
        (status = 409, description = "Too many changes at once; try again"),
    ))]
#[tracing::instrument(skip_all)]
pub async fn cancel(
    State(deps): State<Deps>,
    Caller(actor): Caller,
    Path(id): Path<String>,
) -> Result<Json<CancelledRegistration>, ApiError> {
    let stored = event_of(&deps, &id).await?;
    let done = deps
        .store
        .cancel_registration(&stored.event.id, &actor.email)
        .await
        .map_err(|e| match e {
            StoreError::Changed => ApiError::Conflict(
                "Many people changed their registrations at once; try again.".into(),
            ),
            other => other.into(),
        })?;
    match done {
        Cancelled::NotRegistered => return Err(ApiError::NotFound("registration")),
        Cancelled::Done => {}
        Cancelled::Promoted(first) => {
            deps.notify(registration::promoted(
                &first,
                &stored.event,
                &deps.config.base_url,
            ))
            .await;
        }
    }
    Ok(Json(CancelledRegistration { cancelled: true }))
}

/// One of a person's registrations, with its event.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct MyRegistration {
    pub event: PublicEvent,
    #[schema(value_type = String)]
    pub status: RegistrationStatus,
    pub position: Option<usize>,
    pub registered_at: String,
    pub attended: Option<bool>,
    /// How long the event lasts: the training time it counts for when attended.
    pub minutes: i64,
}

/// A person's registrations, and the training time of those attended.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct MyRegistrations {
    pub registrations: Vec<MyRegistration>,
    pub attended_minutes: i64,
}

/// `GET /api/registrations`: the caller's registrations, by event date.
#[utoipa::path(get, path = "/api/registrations", operation_id = "my_registrations", tag = "calendar",
    security(("session" = [])),
    responses(
        (status = 200, description = "The caller's registrations", body = MyRegistrations),
        (status = 401, description = "Not signed in"),
    ))]
#[tracing::instrument(skip_all)]
pub async fn mine(
    State(deps): State<Deps>,
    Caller(actor): Caller,
) -> Result<Json<MyRegistrations>, ApiError> {
    let mut out = Vec::new();
    for r in deps.store.registrations_of(&actor.email).await? {
        let Some(stored) = store_calendar::event(&deps, &r.event).await? else {
            continue;
        };
        let position = match r.status {
            RegistrationStatus::Waitlisted => Some(waiting_position(&deps, &r).await?),
            RegistrationStatus::Registered => None,
        };
        out.push(MyRegistration {
            minutes: minutes(&stored.event),
            event: PublicEvent::from(stored),
            status: r.status,
            position,
            registered_at: r.registered_at.to_string(),
            attended: r.attended,
        });
    }
    out.sort_by_key(|m| (m.event.event.date, m.event.event.start));
    let attended_minutes = out
        .iter()
        .filter(|m| m.attended == Some(true))
        .map(|m| m.minutes)
        .sum();
    Ok(Json(MyRegistrations {
        registrations: out,
        attended_minutes,
    }))
}

/// `GET /api/calendar/events/{id}/invite.ics`: one event as a file that a
/// calendar app adds in one click (linked from the confirmation email).
#[utoipa::path(get, path = "/api/calendar/events/{id}/invite.ics", operation_id = "event_invitation", tag = "calendar",
    params(("id" = String, Path, description = "Event id")),
    responses(
        (status = 200, description = "The event as iCalendar (RFC 5545)", content_type = "text/calendar", body = String),
        (status = 404, description = "No such event"),
    ))]
#[tracing::instrument(skip_all)]
pub async fn invite(
    State(deps): State<Deps>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let id = id.strip_suffix(".ics").unwrap_or(&id).to_string();
    let stored = event_of(&deps, &id).await?;
    let text = feed::invite(&stored, &deps.config.base_url, PROGRAM);
    Ok((
        [
            (
                header::CONTENT_TYPE,
                "text/calendar; charset=utf-8".to_string(),
            ),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"moments-{}.ics\"", stored.event.id),
            ),
            (header::CACHE_CONTROL, "public, max-age=60".to_string()),
        ],
        text,
    )
        .into_response())
}

/// Someone on an event's roster.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct RosterEntry {
    pub email: String,
    pub name: String,
    pub registered_at: String,
    pub attended: Option<bool>,
    /// Their place on the waiting list, from 1; none for those with a place.
    pub position: Option<usize>,
}

impl RosterEntry {
    fn of(r: &Registration, position: Option<usize>) -> Self {
        RosterEntry {
            email: r.email.to_string(),
            name: r.name.clone(),
            registered_at: r.registered_at.to_string(),
            attended: r.attended,
            position,
        }
    }
}

/// An event's roster and waiting list.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Roster {
    pub event: StoredEvent,
    pub registered: Vec<RosterEntry>,
    pub waitlist: Vec<RosterEntry>,
}

async fn roster_of(deps: &Deps, id: &str) -> Result<Roster, ApiError> {
    let event = event_of(deps, id).await?;
    let all = deps.store.registrations_for(&event.event.id).await?;
    let registered = all
        .iter()
        .filter(|r| r.status == RegistrationStatus::Registered)
        .map(|r| RosterEntry::of(r, None))
        .collect();
    let waitlist = all
        .iter()
        .filter(|r| r.status == RegistrationStatus::Waitlisted)
        .enumerate()
        .map(|(i, r)| RosterEntry::of(r, Some(i + 1)))
        .collect();
    Ok(Roster {
        event,
        registered,
        waitlist,
    })
}

const ROSTER: &str = "see who registered for events";

/// `GET /api/admin/calendar/events/{id}/registrations`.
#[utoipa::path(get, path = "/api/admin/calendar/events/{id}/registrations", operation_id = "event_roster", tag = "calendar",
    security(("session" = [])),
    params(("id" = String, Path, description = "Event id")),
    responses(
        (status = 200, description = "Who has a place, and the waiting list in order", body = Roster),
        (status = 403, description = "Not a program administrator"),
        (status = 404, description = "No such event"),
    ))]
#[tracing::instrument(skip_all)]
pub async fn roster(
    State(deps): State<Deps>,
    Caller(actor): Caller,
    Path(id): Path<String>,
) -> Result<Json<Roster>, ApiError> {
    program_admin(&actor, ROSTER)?;
    Ok(Json(roster_of(&deps, &id).await?))
}

/// `GET /api/admin/calendar/events/{id}/registrations.csv`: the roster and
/// waiting list as a spreadsheet.
#[utoipa::path(get, path = "/api/admin/calendar/events/{id}/registrations.csv", operation_id = "event_roster_csv", tag = "calendar",
    security(("session" = [])),
    params(("id" = String, Path, description = "Event id")),
    responses(
        (status = 200, description = "CSV, UTF-8 with a byte-order mark", content_type = "text/csv", body = String),
        (status = 403, description = "Not a program administrator"),
        (status = 404, description = "No such event"),
    ))]
#[tracing::instrument(skip_all)]
pub async fn roster_csv(
    State(deps): State<Deps>,
    Caller(actor): Caller,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    program_admin(&actor, ROSTER)?;
    let roster = roster_of(&deps, &id).await?;
    let yes_no = |a: Option<bool>| match a {
        Some(true) => "yes",
        Some(false) => "no",
        None => "",
    };
    let mut rows = Vec::new();
    for (status, list) in [
        ("registered", &roster.registered),
        ("waiting list", &roster.waitlist),
    ] {
        for r in list {
            rows.push(vec![
                status.to_string(),
                r.position.map(|p| p.to_string()).unwrap_or_default(),
                r.name.clone(),
                r.email.clone(),
                r.registered_at.clone(),
                yes_no(r.attended).to_string(),
            ]);
        }
    }
    let table = moments_domain::reports::Table {
        header: vec![
            "status",
            "position",
            "name",
            "email",
            "registered_at",
            "attended",
        ],
        rows,
    };
    let body = crate::exports::csv_of(&table)?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!(
                    "attachment; filename=\"moments-{}-registrations.csv\"",
                    roster.event.event.id
                ),
            ),
            (header::CACHE_CONTROL, "no-store".to_string()),
        ],
        body,
    )
        .into_response())
}

/// Whether someone attended.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct AttendanceForm {
    #[schema(value_type = bool)]
    pub attended: Flag,
}

/// `PUT /api/admin/calendar/events/{id}/registrations/{email}/attendance`.
#[utoipa::path(put, path = "/api/admin/calendar/events/{id}/registrations/{email}/attendance", operation_id = "mark_attendance", tag = "calendar",
    request_body = AttendanceForm, security(("session" = [])),
    params(("id" = String, Path, description = "Event id"), ("email" = String, Path, description = "The registrant's email address")),
    responses(
        (status = 200, description = "Marked", body = RosterEntry),
        (status = 403, description = "Not a program administrator"),
        (status = 404, description = "No such event or registration"),
        (status = 409, description = "The event has not started, or they are on the waiting list"),
        (status = 422, description = "Fields need attention"),
    ))]
#[tracing::instrument(skip_all)]
pub async fn attendance(
    State(deps): State<Deps>,
    Caller(actor): Caller,
    Path((id, email)): Path<(String, String)>,
    Form(body): Form<AttendanceForm>,
) -> Result<Json<RosterEntry>, ApiError> {
    program_admin(&actor, "mark attendance")?;
    let mut f = FormReader::new();
    let attended = match body.attended {
        Flag::Absent => {
            f.errors
                .add("attended", "Say whether they attended: true or false.");
            None
        }
        ref other => Some(f.flag("attended", other)),
    };
    let attended = f.finish(attended)?;
    let stored = event_of(&deps, &id).await?;
    let email = EmailAddress::parse(&email).map_err(|_| ApiError::NotFound("registration"))?;
    let Some(mut r) = deps.store.registration(&stored.event.id, &email).await? else {
        return Err(ApiError::NotFound("registration"));
    };
    if starts_at(&stored.event) > deps.now() {
        return Err(ApiError::Conflict(
            "You can mark attendance once the event has started.".into(),
        ));
    }
    if r.status != RegistrationStatus::Registered {
        return Err(ApiError::Conflict(
            "They are on the waiting list: only people with a place can attend.".into(),
        ));
    }
    let entry = AuditEntry {
        at: deps.now(),
        actor: actor.email.clone(),
        action: Action::AttendanceMarked,
        on_behalf_of: None,
        note: Some(format!(
            "{email} {} {}",
            if attended {
                "attended"
            } else {
                "did not attend"
            },
            stored.event.title
        )),
    };
    deps.store
        .set_attendance(&stored.event.id, &email, attended, &entry)
        .await
        .map_err(|e| match e {
            StoreError::Changed => ApiError::Conflict("Their registration changed; reload.".into()),
            other => other.into(),
        })?;
    r.attended = Some(attended);
    Ok(Json(RosterEntry::of(&r, None)))
}

/// Tell everyone registered for or waiting for `event` that it changed
/// (or, `cancelled`, that it is off).
pub(crate) async fn tell_registrants(
    deps: &Deps,
    event: &StoredEvent,
    cancelled: bool,
) -> Result<(), ApiError> {
    let base = &deps.config.base_url;
    for r in deps.store.registrations_for(&event.event.id).await? {
        let message = if cancelled {
            registration::called_off(&r, &event.event, base)
        } else {
            registration::changed(&r, &event.event, base)
        };
        deps.notify(message).await;
    }
    Ok(())
}

/// The reminder the day before `event`, for those with a place (one job
/// per event and day: scheduling it again changes nothing; a job left from
/// before the event moved does nothing).
pub(crate) async fn schedule_reminder(deps: &Deps, event: &Event) {
    if event.cancelled {
        return;
    }
    let Some(at) = reminder_at(event.date).filter(|at| *at > deps.now()) else {
        return;
    };
    let job = Job::EventReminder {
        event: event.id.clone(),
        date: event.date,
    };
    deps.schedule_job(&job, at).await;
}

/// Cancel every registration of someone whose data is being removed; the
/// next on a waiting list takes a place they held (and is told, if the
/// event is still ahead).
pub(crate) async fn withdraw_everywhere(deps: &Deps, email: &EmailAddress) -> Result<(), ApiError> {
    for r in deps.store.registrations_of(email).await? {
        deps.store.erase_attendance_audit(&r.event, email).await?;
        let done = deps.store.cancel_registration(&r.event, email).await?;
        if let Cancelled::Promoted(first) = done
            && let Some(stored) = deps.store.calendar_event(&r.event).await?
            && starts_at(&stored.event) > deps.now()
        {
            deps.notify(registration::promoted(
                &first,
                &stored.event,
                &deps.config.base_url,
            ))
            .await;
        }
    }
    Ok(())
}

/// After the program team added places: those waiting take them, each told.
pub(crate) async fn promote_waiting(deps: &Deps, event: &StoredEvent) -> Result<(), ApiError> {
    let moved = deps
        .store
        .promote_waiting(&event.event.id, event.event.capacity)
        .await?;
    if !moved.is_empty() {
        schedule_reminder(deps, &event.event).await;
    }
    for r in moved {
        deps.notify(registration::promoted(
            &r,
            &event.event,
            &deps.config.base_url,
        ))
        .await;
    }
    Ok(())
}
