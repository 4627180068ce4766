//! The program calendar: read by everyone (the site's calendar and home
//! pages, the calendar feed), kept by program administrators (match groups
//! and their dates, trainings, office hours, information sessions), every
//! change audited and made from the version the administrator read.

use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use moments_adapters::deps::Deps;
use moments_adapters::http::{ApiError, Caller, Form, Path, program_admin};
use moments_adapters::store::StoreError;
use moments_domain::access::Actor;
use moments_domain::audit::{Action, AuditEntry};
use moments_domain::calendar::{
    self, CalendarId, EventForm, GroupForm, MATCHING_HOUR, PublicCalendar, Revision, StoredEvent,
    StoredGroup, feed, program_today, version_of,
};
use moments_domain::form::{Count, FieldErrors};
use moments_usecases::calendar::{self as store_calendar, seed};
use serde::{Deserialize, Serialize};

use crate::PROGRAM;
use crate::registrations::{promote_waiting, schedule_reminder, tell_registrants};

const WHAT: &str = "change the program calendar";
/// How long a browser or CloudFront may keep the public calendar: a
/// change shows within a minute.
const PUBLIC_CACHE: &str = "public, max-age=60";

/// The calendar from `SHOWN_AFTER_DAYS` ago on: one query of the
/// calendar index (two reads when nothing was ever written).
async fn shown(deps: &Deps) -> Result<(Vec<StoredGroup>, Vec<StoredEvent>), ApiError> {
    Ok(store_calendar::calendar_from(deps, calendar::shown_from(deps.now())).await?)
}

pub(crate) fn public(response: impl IntoResponse) -> Response {
    let mut response = response.into_response();
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static(PUBLIC_CACHE),
    );
    response
}

/// `GET /api/calendar`: the program's dates, for everyone.
#[utoipa::path(get, path = "/api/calendar", operation_id = "program_calendar", tag = "calendar",
    responses((status = 200, description = "Match groups and events from 90 days ago on", body = PublicCalendar)))]
#[tracing::instrument(skip_all)]
pub async fn public_calendar(State(deps): State<Deps>) -> Result<Response, ApiError> {
    let (groups, events) = shown(&deps).await?;
    Ok(public(Json(PublicCalendar::of(groups, events))))
}

/// `GET /api/calendar.ics`: the same dates as an iCalendar feed.
#[utoipa::path(get, path = "/api/calendar.ics", operation_id = "program_calendar_feed", tag = "calendar",
    responses((status = 200, description = "The iCalendar feed (RFC 5545)", content_type = "text/calendar", body = String)))]
#[tracing::instrument(skip_all)]
pub async fn public_feed(State(deps): State<Deps>) -> Result<Response, ApiError> {
    let (groups, events) = shown(&deps).await?;
    let text = feed::feed(&groups, &events, &deps.config.base_url, PROGRAM);
    Ok(public((
        [
            (header::CONTENT_TYPE, "text/calendar; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "inline; filename=\"moments-calendar.ics\"",
            ),
        ],
        text,
    )))
}

/// The next scheduled matching, as the admin page shows it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct NextRun {
    pub group: String,
    pub group_name: String,
    /// `YYYY-MM-DD`.
    pub date: String,
    /// `HH:MM`, program time.
    pub time: String,
    /// When this group's suggestions were published, if they were (by an
    /// administrator, or by the schedule): the schedule then sends nothing.
    pub published_at: Option<String>,
}

/// The whole calendar as program administrators keep it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct AdminCalendar {
    pub groups: Vec<StoredGroup>,
    pub events: Vec<StoredEvent>,
    pub next_run: Option<NextRun>,
}

/// `GET /api/admin/calendar`.
#[utoipa::path(get, path = "/api/admin/calendar", operation_id = "admin_calendar", tag = "calendar",
    security(("session" = [])),
    responses(
        (status = 200, description = "Every group and event, with versions, and the next matching run", body = AdminCalendar),
        (status = 403, description = "Not a program administrator"),
    ))]
#[tracing::instrument(skip_all)]
pub async fn admin_calendar(
    State(deps): State<Deps>,
    Caller(actor): Caller,
) -> Result<Json<AdminCalendar>, ApiError> {
    program_admin(&actor, "see the calendar's versions")?;
    let (mut groups, mut events) = store_calendar::calendar_all(&deps).await?;
    groups.sort_by_key(|g| g.group.window_opens);
    events.sort_by_key(|e| (e.event.date, e.event.start));
    let plain: Vec<_> = groups.iter().map(|g| g.group.clone()).collect();
    let next_run = match calendar::next_matching(&plain, program_today(deps.now())) {
        Some(g) => Some(NextRun {
            group: g.id.to_string(),
            group_name: g.name.to_string(),
            date: g.matches_on.to_string(),
            time: format!("{MATCHING_HOUR:02}:00"),
            published_at: deps
                .store
                .notice_claimed_at(&moments_usecases::matching::published_notice(g.id.as_str()))
                .await?,
        }),
        None => None,
    };
    Ok(Json(AdminCalendar {
        groups,
        events,
        next_run,
    }))
}

fn entry(deps: &Deps, actor: &Actor, action: Action, note: String) -> AuditEntry {
    AuditEntry {
        at: deps.now(),
        actor: actor.email.clone(),
        action,
        on_behalf_of: None,
        note: Some(note),
    }
}

fn changed(e: StoreError, what: &str) -> ApiError {
    match e {
        StoreError::Changed => ApiError::Conflict(format!(
            "Someone else changed this {what} since you opened it. Reload to see their change, then make yours again."
        )),
        StoreError::AlreadyExists => FieldErrors::single(
            "id",
            format!("A {what} with this id exists; choose another id."),
        )
        .into(),
        other => other.into(),
    }
}

fn calendar_id(raw: &str, what: &'static str) -> Result<CalendarId, ApiError> {
    CalendarId::parse(raw).map_err(|_| ApiError::NotFound(what))
}

/// `POST /api/admin/calendar/groups`: add a match group.
#[utoipa::path(post, path = "/api/admin/calendar/groups", operation_id = "add_match_group", tag = "calendar",
    request_body = GroupForm, security(("session" = [])),
    responses(
        (status = 201, description = "Added", body = StoredGroup),
        (status = 403, description = "Not a program administrator"),
        (status = 422, description = "Fields need attention"),
    ))]
#[tracing::instrument(skip_all)]
pub async fn add_group(
    State(deps): State<Deps>,
    Caller(actor): Caller,
    Form(body): Form<GroupForm>,
) -> Result<(StatusCode, Json<StoredGroup>), ApiError> {
    program_admin(&actor, WHAT)?;
    let (groups, _) = store_calendar::calendar_all(&deps).await?;
    let others: Vec<_> = groups.into_iter().map(|g| g.group).collect();
    let mut form = body;
    form.version = Count::Absent;
    let group = form.read(None, &others, program_today(deps.now()))?;
    let stored = StoredGroup {
        revision: Revision {
            version: 1,
            updated_at: deps.now(),
            updated_by: actor.email.to_string(),
        },
        group,
    };
    let note = format!("added {}", stored.group.name);
    seed(&deps).await?;
    deps.store
        .put_group(&stored, &entry(&deps, &actor, Action::CalendarAdded, note))
        .await
        .map_err(|e| changed(e, "match group"))?;
    Ok((StatusCode::CREATED, Json(stored)))
}

/// `PUT /api/admin/calendar/groups/{id}`: change a match group's name or dates.
#[utoipa::path(put, path = "/api/admin/calendar/groups/{id}", operation_id = "change_match_group", tag = "calendar",
    request_body = GroupForm, security(("session" = [])),
    params(("id" = String, Path, description = "Match group id")),
    responses(
        (status = 200, description = "Changed", body = StoredGroup),
        (status = 403, description = "Not a program administrator"),
        (status = 404, description = "No such group"),
        (status = 409, description = "Someone else changed it first"),
        (status = 422, description = "Fields need attention"),
    ))]
#[tracing::instrument(skip_all)]
pub async fn change_group(
    State(deps): State<Deps>,
    Caller(actor): Caller,
    Path(id): Path<String>,
    Form(body): Form<GroupForm>,
) -> Result<Json<StoredGroup>, ApiError> {
    program_admin(&actor, WHAT)?;
    let id = calendar_id(&id, "match group")?;
    let version = version_of(&body.version)?;
    let Some(before) = store_calendar::group(&deps, &id).await? else {
        return Err(ApiError::NotFound("match group"));
    };
    let (groups, _) = store_calendar::calendar_all(&deps).await?;
    let others: Vec<_> = groups.into_iter().map(|g| g.group).collect();
    let group = body.read(Some(&id), &others, program_today(deps.now()))?;
    if before.revision.version != version {
        return Err(changed(StoreError::Changed, "match group"));
    }
    let note = group_changes(&before.group, &group);
    let stored = StoredGroup {
        group,
        revision: Revision {
            version: version + 1,
            updated_at: deps.now(),
            updated_by: actor.email.to_string(),
        },
    };
    seed(&deps).await?;
    deps.store
        .put_group(
            &stored,
            &entry(&deps, &actor, Action::CalendarChanged, note),
        )
        .await
        .map_err(|e| changed(e, "match group"))?;
    Ok(Json(stored))
}

fn group_changes(a: &calendar::MatchGroup, b: &calendar::MatchGroup) -> String {
    let mut out = Vec::new();
    if a.name != b.name {
        out.push(format!("name to {}", b.name));
    }
    if a.summary != b.summary {
        out.push("summary".to_string());
    }
    for ((what, before), (_, after)) in a.key_dates().iter().zip(b.key_dates().iter()) {
        if before != after {
            out.push(format!("{} from {before} to {after}", what.slug()));
        }
    }
    if out.is_empty() {
        "saved without changes".into()
    } else {
        format!("changed {}", out.join(", "))
    }
}

/// The match group an event form names, if it exists: one read, not the
/// whole calendar (the form says whether the group is known).
async fn group_named(deps: &Deps, form: &EventForm) -> Result<Vec<calendar::MatchGroup>, ApiError> {
    let Some(id) = form.group.given().and_then(|g| CalendarId::parse(g).ok()) else {
        return Ok(Vec::new());
    };
    Ok(store_calendar::group(deps, &id)
        .await?
        .map(|g| vec![g.group])
        .unwrap_or_default())
}

/// `POST /api/admin/calendar/events`: add an event.
#[utoipa::path(post, path = "/api/admin/calendar/events", operation_id = "add_calendar_event", tag = "calendar",
    request_body = EventForm, security(("session" = [])),
    responses(
        (status = 201, description = "Added", body = StoredEvent),
        (status = 403, description = "Not a program administrator"),
        (status = 422, description = "Fields need attention"),
    ))]
#[tracing::instrument(skip_all)]
pub async fn add_event(
    State(deps): State<Deps>,
    Caller(actor): Caller,
    Form(body): Form<EventForm>,
) -> Result<(StatusCode, Json<StoredEvent>), ApiError> {
    program_admin(&actor, WHAT)?;
    let groups = group_named(&deps, &body).await?;
    let bytes = moments_adapters::http::random_bytes::<5>()?;
    let suffix: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    let id =
        CalendarId::parse(&format!("ev-{suffix}")).map_err(|e| ApiError::Internal(e.into()))?;
    let event = body.read(id, None, &groups, program_today(deps.now()))?;
    let stored = StoredEvent {
        revision: Revision {
            version: 1,
            updated_at: deps.now(),
            updated_by: actor.email.to_string(),
        },
        sequence: 0,
        registered: 0,
        waitlisted: 0,
        event,
    };
    let note = format!("added {} on {}", stored.event.title, stored.event.date);
    seed(&deps).await?;
    deps.store
        .put_event(&stored, &entry(&deps, &actor, Action::CalendarAdded, note))
        .await
        .map_err(|e| changed(e, "event"))?;
    Ok((StatusCode::CREATED, Json(stored)))
}

/// `PUT /api/admin/calendar/events/{id}`: change an event.
#[utoipa::path(put, path = "/api/admin/calendar/events/{id}", operation_id = "change_calendar_event", tag = "calendar",
    request_body = EventForm, security(("session" = [])),
    params(("id" = String, Path, description = "Event id")),
    responses(
        (status = 200, description = "Changed", body = StoredEvent),
        (status = 403, description = "Not a program administrator"),
        (status = 404, description = "No such event"),
        (status = 409, description = "Someone else changed it first, or it is cancelled"),
        (status = 422, description = "Fields need attention"),
    ))]
#[tracing::instrument(skip_all)]
pub async fn change_event(
    State(deps): State<Deps>,
    Caller(actor): Caller,
    Path(id): Path<String>,
    Form(body): Form<EventForm>,
) -> Result<Json<StoredEvent>, ApiError> {
    program_admin(&actor, WHAT)?;
    let id = calendar_id(&id, "event")?;
    let version = version_of(&body.version)?;
    let Some(before) = store_calendar::event(&deps, &id).await? else {
        return Err(ApiError::NotFound("event"));
    };
    let groups = group_named(&deps, &body).await?;
    let event = body.read(id, Some(&before.event), &groups, program_today(deps.now()))?;
    if before.revision.version != version {
        return Err(changed(StoreError::Changed, "event"));
    }
    if before.event.cancelled {
        return Err(ApiError::Conflict(
            "This event is cancelled; add a new one instead.".into(),
        ));
    }
    if let Some(capacity) = event.capacity
        && before.registered > capacity
    {
        return Err(FieldErrors::single(
            "capacity",
            format!(
                "{n} people have a place; the event cannot have fewer places than that. Keep {n} or more, or ask some to cancel first.",
                n = before.registered
            ),
        )
        .into());
    }
    let moved = (before.event.date, before.event.start, before.event.end)
        != (event.date, event.start, event.end)
        || before.event.place != event.place
        || before.event.link != event.link
        || before.event.title != event.title;
    let note = event_changes(&before.event, &event);
    let stored = StoredEvent {
        event,
        revision: Revision {
            version: version + 1,
            updated_at: deps.now(),
            updated_by: actor.email.to_string(),
        },
        sequence: before.sequence + 1,
        registered: before.registered,
        waitlisted: before.waitlisted,
    };
    seed(&deps).await?;
    deps.store
        .put_event(
            &stored,
            &entry(&deps, &actor, Action::CalendarChanged, note),
        )
        .await
        .map_err(|e| changed(e, "event"))?;
    if moved {
        tell_registrants(&deps, &stored, false).await?;
        if stored.registered > 0 {
            schedule_reminder(&deps, &stored.event).await;
        }
    }
    // More places (or none limited): those waiting take them, in order.
    if stored.waitlisted > 0 && stored.event.capacity.is_none_or(|c| c > before.registered) {
        promote_waiting(&deps, &stored).await?;
    }
    Ok(Json(stored))
}

fn event_changes(a: &calendar::Event, b: &calendar::Event) -> String {
    let mut out = Vec::new();
    for (what, x, y) in [
        ("date", a.date.to_string(), b.date.to_string()),
        ("start", a.start.to_string(), b.start.to_string()),
        ("end", a.end.to_string(), b.end.to_string()),
        (
            "capacity",
            format!("{:?}", a.capacity),
            format!("{:?}", b.capacity),
        ),
    ] {
        if x != y {
            out.push(format!("{what} from {x} to {y}"));
        }
    }
    for (what, same) in [
        ("title", a.title == b.title),
        ("details", a.details == b.details),
        ("place", a.place == b.place),
        ("link", a.link == b.link),
        ("group", a.group == b.group),
        ("kind", a.kind == b.kind),
        ("audience", a.audience == b.audience),
        ("registration", a.registration_open == b.registration_open),
    ] {
        if !same {
            out.push(what.to_string());
        }
    }
    if out.is_empty() {
        "saved without changes".into()
    } else {
        format!("changed {}", out.join(", "))
    }
}

/// The version an administrator read, to cancel from.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct VersionForm {
    #[schema(value_type = u64)]
    pub version: Count,
}

/// `POST /api/admin/calendar/events/{id}/cancel`: call an event off. It
/// stays on the calendar, marked, and calendar apps remove it.
#[utoipa::path(post, path = "/api/admin/calendar/events/{id}/cancel", operation_id = "cancel_calendar_event", tag = "calendar",
    request_body = VersionForm, security(("session" = [])),
    params(("id" = String, Path, description = "Event id")),
    responses(
        (status = 200, description = "Cancelled", body = StoredEvent),
        (status = 403, description = "Not a program administrator"),
        (status = 404, description = "No such event"),
        (status = 409, description = "Someone else changed it first, or it was cancelled already"),
        (status = 422, description = "Fields need attention"),
    ))]
#[tracing::instrument(skip_all)]
pub async fn cancel_event(
    State(deps): State<Deps>,
    Caller(actor): Caller,
    Path(id): Path<String>,
    Form(body): Form<VersionForm>,
) -> Result<Json<StoredEvent>, ApiError> {
    program_admin(&actor, WHAT)?;
    let id = calendar_id(&id, "event")?;
    let version = version_of(&body.version)?;
    let Some(before) = store_calendar::event(&deps, &id).await? else {
        return Err(ApiError::NotFound("event"));
    };
    if before.revision.version != version {
        return Err(changed(StoreError::Changed, "event"));
    }
    if before.event.cancelled {
        return Err(ApiError::Conflict(
            "This event is cancelled already.".into(),
        ));
    }
    let mut event = before.event.clone();
    event.cancelled = true;
    let stored = StoredEvent {
        event,
        revision: Revision {
            version: version + 1,
            updated_at: deps.now(),
            updated_by: actor.email.to_string(),
        },
        sequence: before.sequence + 1,
        registered: before.registered,
        waitlisted: before.waitlisted,
    };
    let note = format!("cancelled {} on {}", stored.event.title, stored.event.date);
    seed(&deps).await?;
    deps.store
        .put_event(
            &stored,
            &entry(&deps, &actor, Action::CalendarCancelled, note),
        )
        .await
        .map_err(|e| changed(e, "event"))?;
    tell_registrants(&deps, &stored, true).await?;
    Ok(Json(stored))
}
