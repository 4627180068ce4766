//! A pair's next meeting: proposed by either side, accepted (or answered
//! with another time) by the other, cancelled by either, logged in one
//! click once it has started; in both calendars from a file whose address
//! carries a random key, so a calendar app opens it without signing in.

use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use moments_adapters::deps::Deps;
use moments_adapters::http::views::MeetingView;
use moments_adapters::http::{ApiError, Caller, Form, Path, Query, random_bytes};
use moments_adapters::store::{MentorshipRecord, StoreError};
use moments_domain::application::Application;
use moments_domain::calendar::ClockTime;
use moments_domain::fields::{EmailAddress, parse_date};
use moments_domain::form::{Count, FormReader, Text};
use moments_domain::mail::Message;
use moments_domain::mentorship::{MAX_MEETING_MINUTES, MeetingDraft, MeetingId, Mentorship};
use moments_domain::next_meeting::{self as plan, NextMeeting, Place, PlanDraft, PlanStatus};
use moments_domain::notify::SIGNATURE;
use moments_domain::reminders::connect_job;
use serde::{Deserialize, Serialize};

use crate::pairs::load;
use crate::sides;

/// The next meeting as one of the pair sees it.
#[derive(Serialize, utoipa::ToSchema)]
pub struct NextMeetingView {
    /// `proposed`, `accepted`, `cancelled` or `logged`.
    status: PlanStatus,
    /// `YYYY-MM-DD`, program time.
    date: String,
    /// `HH:MM`, program time.
    start: String,
    minutes: u32,
    place: Option<String>,
    /// Whether the caller proposed the time now shown.
    proposed_by_you: bool,
    /// The other side's name.
    with: String,
    /// The calendar file (accepted or cancelled meetings): opens in a
    /// calendar app without signing in.
    calendar: Option<String>,
    /// Whether it has started, so it can be logged (accepted ones).
    started: bool,
    /// The version a change names.
    version: u64,
}

/// The pair's next meeting, if any.
#[derive(Serialize, utoipa::ToSchema)]
pub struct NextMeetingAnswer {
    next_meeting: Option<NextMeetingView>,
}

fn calendar_url(deps: &Deps, p: &NextMeeting) -> String {
    format!(
        "{}/api/mentorships/{}/next-meeting.ics?key={}",
        deps.config.base_url, p.mentorship, p.key
    )
}

fn page_url(deps: &Deps, m: &Mentorship) -> String {
    format!("{}/mentorships/?id={}", deps.config.base_url, m.id)
}

fn view(deps: &Deps, p: &NextMeeting, me: &EmailAddress, with: String) -> NextMeetingView {
    NextMeetingView {
        status: p.status,
        date: p.date.to_string(),
        start: p.start.to_string(),
        minutes: p.minutes,
        place: p.place.as_ref().map(ToString::to_string),
        proposed_by_you: p.proposed_by == *me,
        with,
        calendar: matches!(p.status, PlanStatus::Accepted | PlanStatus::Cancelled)
            .then(|| calendar_url(deps, p)),
        started: p.span().is_some_and(|(start, _)| start <= deps.now()),
        version: p.version,
    }
}

/// The caller's and the partner's applications.
async fn people(
    deps: &Deps,
    m: &Mentorship,
    me: &EmailAddress,
) -> Result<(Application, Application), ApiError> {
    let both = sides(deps, &m.mentee_application, &m.mentor_application).await?;
    Ok(if *me == m.mentee {
        (both.mentee, both.mentor)
    } else {
        (both.mentor, both.mentee)
    })
}

/// The pair's next meeting.
#[utoipa::path(get, path = "/api/mentorships/{id}/next-meeting", tag = "mentorships",
    security(("session" = [])),
    params(("id" = String, Path, description = "Mentorship id")),
    responses(
        (status = 200, description = "The next meeting, or none", body = NextMeetingAnswer),
        (status = 403, description = "Not one of its two people"),
        (status = 404, description = "No such mentorship"),
    ))]
#[tracing::instrument(skip_all)]
pub async fn read(
    State(deps): State<Deps>,
    Caller(actor): Caller,
    Path(id): Path<String>,
) -> Result<Json<NextMeetingAnswer>, ApiError> {
    let record = load(&deps, &actor.email, &id).await?;
    let m = &record.mentorship;
    let Some(p) = deps.store.next_meeting(&m.id).await? else {
        return Ok(Json(NextMeetingAnswer { next_meeting: None }));
    };
    let (_, partner) = people(&deps, m, &actor.email).await?;
    Ok(Json(NextMeetingAnswer {
        next_meeting: Some(view(&deps, &p, &actor.email, partner.details.full_name())),
    }))
}

/// A time to propose.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct ProposalForm {
    /// `YYYY-MM-DD`, program time.
    #[schema(value_type = String)]
    date: Text,
    /// `HH:MM`, program time.
    #[schema(value_type = String)]
    start: Text,
    /// From 1 to 480.
    #[schema(value_type = u32)]
    minutes: Count,
    /// A room, a building or a meeting link; up to 300 characters.
    #[schema(value_type = String, required = false)]
    place: Text,
    /// The version of the next meeting as read (0 when there was none).
    #[schema(value_type = u64)]
    version: Count,
}

/// Which version of the next meeting a change is made to.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct VersionForm {
    #[schema(value_type = u64)]
    version: Count,
}

fn version_of(f: &mut FormReader, raw: &Count) -> Option<u64> {
    f.count(
        "version",
        raw,
        0..=u64::MAX,
        "Give the version of the next meeting as read.",
    )
}

/// The plan as read, if it is still at `version`; 409 if it changed.
async fn current(
    deps: &Deps,
    record: &MentorshipRecord,
    version: u64,
) -> Result<Option<NextMeeting>, ApiError> {
    let p = deps.store.next_meeting(&record.mentorship.id).await?;
    if p.as_ref().map_or(0, |p| p.version) != version {
        return Err(changed());
    }
    Ok(p)
}

fn changed() -> ApiError {
    ApiError::Conflict(
        "The next meeting changed meanwhile (the other side may have answered); the page shows it as it is now.".into(),
    )
}

/// Save a new state of the plan; 409 if someone changed it meanwhile or
/// the mentorship ended.
async fn save(deps: &Deps, p: &NextMeeting) -> Result<(), ApiError> {
    match deps.store.save_next_meeting(p).await {
        Ok(()) => Ok(()),
        Err(StoreError::Changed) => Err(changed()),
        Err(e) => Err(e.into()),
    }
}

/// The caller's open meetings with their other partners, with the names.
async fn others(
    deps: &Deps,
    me: &EmailAddress,
    this: &Mentorship,
) -> Result<Vec<(NextMeeting, String)>, ApiError> {
    let mut out = Vec::new();
    for r in deps.store.mentorships_of(me).await? {
        let other = &r.mentorship;
        if other.id == this.id || other.role_of(me).is_none() {
            continue;
        }
        if let Some(p) = deps
            .store
            .next_meeting(&other.id)
            .await?
            .filter(NextMeeting::open)
        {
            let (_, partner) = people(deps, other, me).await?;
            out.push((p, partner.details.full_name()));
        }
    }
    Ok(out)
}

fn mail(to: &Application, subject: String, text: String) -> Message {
    Message {
        to: to.applicant.to_string(),
        subject,
        text: format!(
            "Hello {},\n\n{text}\n\n{SIGNATURE}\n",
            to.details.first_name
        ),
        unsubscribe: None,
    }
}

/// Propose the next meeting, another time for the one proposed, or a
/// change to the one accepted: the other side is asked by email.
#[utoipa::path(put, path = "/api/mentorships/{id}/next-meeting", tag = "mentorships",
    request_body = ProposalForm, security(("session" = [])),
    params(("id" = String, Path, description = "Mentorship id")),
    responses(
        (status = 200, description = "Proposed; the other side is asked", body = NextMeetingView),
        (status = 403, description = "Not one of its two people"),
        (status = 404, description = "No such mentorship"),
        (status = 409, description = "The mentorship has ended, or the next meeting changed meanwhile"),
        (status = 422, description = "Fields need attention: a time past or over a year ahead, a length outside 1 to 480 minutes, or a time overlapping the caller's other meeting"),
    ))]
#[tracing::instrument(skip_all)]
pub async fn propose(
    State(deps): State<Deps>,
    Caller(actor): Caller,
    Path(id): Path<String>,
    Form(body): Form<ProposalForm>,
) -> Result<Json<NextMeetingView>, ApiError> {
    let record = load(&deps, &actor.email, &id).await?;
    let m = &record.mentorship;
    m.active_member(&actor.email)?;
    let mut f = FormReader::new();
    let date = f.parsed("date", &body.date, parse_date);
    let start = f.parsed("start", &body.start, ClockTime::parse);
    let minutes = f
        .count(
            "minutes",
            &body.minutes,
            1..=u64::from(MAX_MEETING_MINUTES),
            &format!("Enter the meeting's length in minutes, from 1 to {MAX_MEETING_MINUTES}."),
        )
        .and_then(|m| u32::try_from(m).ok());
    let place = f.optional("place", &body.place, Place::parse);
    let version = version_of(&mut f, &body.version);
    let (((date, start), minutes), version) =
        f.finish(date.zip(start).zip(minutes).zip(version))?;
    let before = current(&deps, &record, version).await?;
    let others = others(&deps, &actor.email, m).await?;
    let key: String = random_bytes::<16>()?
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let draft = PlanDraft {
        date,
        start,
        minutes,
        place,
    };
    let p = plan::propose(
        &m.id,
        before.as_ref(),
        &actor.email,
        draft,
        &others,
        key,
        deps.now(),
    )?;
    save(&deps, &p).await?;
    let (me, partner) = people(&deps, m, &actor.email).await?;
    let name = me.details.full_name();
    let again = before.as_ref().is_some_and(NextMeeting::open);
    deps.notify(mail(
        &partner,
        format!("{name} proposes a mentoring meeting"),
        format!(
            "{name} {} your next MOments meeting for {p}{}.\n\nAccept it, or propose another time, on your mentorship page:\n{}",
            if again { "proposes a new time for" } else { "proposes" },
            p.place.as_ref().map(|pl| format!(", at {pl}")).unwrap_or_default(),
            page_url(&deps, m),
        ),
    ))
    .await;
    Ok(Json(view(
        &deps,
        &p,
        &actor.email,
        partner.details.full_name(),
    )))
}

/// Accept the time the other side proposed: both are emailed the
/// calendar file.
#[utoipa::path(post, path = "/api/mentorships/{id}/next-meeting/accept", tag = "mentorships",
    request_body = VersionForm, security(("session" = [])),
    params(("id" = String, Path, description = "Mentorship id")),
    responses(
        (status = 200, description = "Accepted; both are emailed the calendar file", body = NextMeetingView),
        (status = 403, description = "Not one of its two people"),
        (status = 404, description = "No such mentorship"),
        (status = 409, description = "Nothing proposed, the caller's own proposal, the mentorship has ended, or it changed meanwhile"),
        (status = 422, description = "Fields need attention, or the time has passed"),
    ))]
#[tracing::instrument(skip_all)]
pub async fn accept(
    State(deps): State<Deps>,
    Caller(actor): Caller,
    Path(id): Path<String>,
    Form(body): Form<VersionForm>,
) -> Result<Json<NextMeetingView>, ApiError> {
    let record = load(&deps, &actor.email, &id).await?;
    let m = &record.mentorship;
    m.active_member(&actor.email)?;
    let mut f = FormReader::new();
    let version = version_of(&mut f, &body.version);
    let version = f.finish(version)?;
    let before = current(&deps, &record, version).await?;
    let p = plan::accept(before.as_ref(), &actor.email, deps.now())?;
    save(&deps, &p).await?;
    let (me, partner) = people(&deps, m, &actor.email).await?;
    for (to, with) in [(&me, &partner), (&partner, &me)] {
        let with = with.details.full_name();
        deps.notify(mail(
            to,
            format!("Mentoring with {with}: {}", p.date.strftime("%B %-d")),
            format!(
                "Your next MOments meeting with {with} is agreed: {p}{}.\n\nAdd it to your calendar (Outlook and other calendar apps open this file in one click):\n{}\n\nAfterwards, log it on your mentorship page for training credit:\n{}",
                p.place.as_ref().map(|pl| format!(", at {pl}")).unwrap_or_default(),
                calendar_url(&deps, &p),
                page_url(&deps, m),
            ),
        ))
        .await;
    }
    Ok(Json(view(
        &deps,
        &p,
        &actor.email,
        partner.details.full_name(),
    )))
}

/// Cancel the next meeting: the other side is emailed, and the calendar
/// file now removes it.
#[utoipa::path(post, path = "/api/mentorships/{id}/next-meeting/cancel", tag = "mentorships",
    request_body = VersionForm, security(("session" = [])),
    params(("id" = String, Path, description = "Mentorship id")),
    responses(
        (status = 200, description = "Cancelled", body = NextMeetingView),
        (status = 403, description = "Not one of its two people"),
        (status = 404, description = "No such mentorship"),
        (status = 409, description = "No meeting to cancel, the mentorship has ended, or it changed meanwhile"),
        (status = 422, description = "Fields need attention"),
    ))]
#[tracing::instrument(skip_all)]
pub async fn cancel(
    State(deps): State<Deps>,
    Caller(actor): Caller,
    Path(id): Path<String>,
    Form(body): Form<VersionForm>,
) -> Result<Json<NextMeetingView>, ApiError> {
    let record = load(&deps, &actor.email, &id).await?;
    let m = &record.mentorship;
    m.active_member(&actor.email)?;
    let mut f = FormReader::new();
    let version = version_of(&mut f, &body.version);
    let version = f.finish(version)?;
    let before = current(&deps, &record, version).await?;
    let was_accepted = before
        .as_ref()
        .is_some_and(|b| b.status == PlanStatus::Accepted);
    let p = plan::cancel(before.as_ref(), deps.now())?;
    save(&deps, &p).await?;
    let (me, partner) = people(&deps, m, &actor.email).await?;
    let name = me.details.full_name();
    let calendar = if was_accepted {
        format!(
            "\n\nTo take it out of your calendar, open this file:\n{}",
            calendar_url(&deps, &p)
        )
    } else {
        String::new()
    };
    deps.notify(mail(
        &partner,
        format!("{name} cancelled your mentoring meeting"),
        format!(
            "{name} cancelled your MOments meeting of {p}.{calendar}\n\nPropose another time on your mentorship page:\n{}",
            page_url(&deps, m),
        ),
    ))
    .await;
    Ok(Json(view(
        &deps,
        &p,
        &actor.email,
        partner.details.full_name(),
    )))
}

/// Log the accepted meeting, once it has started, with its date and
/// length: one click for the training credit.
#[utoipa::path(post, path = "/api/mentorships/{id}/next-meeting/log", tag = "mentorships",
    request_body = VersionForm, security(("session" = [])),
    params(("id" = String, Path, description = "Mentorship id")),
    responses(
        (status = 201, description = "Logged", body = MeetingView),
        (status = 403, description = "Not one of its two people"),
        (status = 404, description = "No such mentorship"),
        (status = 409, description = "Not accepted, not started yet, logged already, the mentorship has ended, or it changed meanwhile"),
        (status = 422, description = "Fields need attention, or the date's 8 hours are used up"),
    ))]
#[tracing::instrument(skip_all)]
pub async fn log(
    State(deps): State<Deps>,
    Caller(actor): Caller,
    Path(id): Path<String>,
    Form(body): Form<VersionForm>,
) -> Result<(StatusCode, Json<MeetingView>), ApiError> {
    let record = load(&deps, &actor.email, &id).await?;
    let m = &record.mentorship;
    let mut f = FormReader::new();
    let version = version_of(&mut f, &body.version);
    let version = f.finish(version)?;
    let before = current(&deps, &record, version).await?;
    let now = deps.now();
    let p = plan::logged(before.as_ref(), now)?;
    let logged = deps.store.minutes_logged_on(&m.id, p.date).await?;
    let today = jiff::tz::TimeZone::UTC.to_datetime(now).date();
    let draft = MeetingDraft {
        date: p.date,
        minutes: p.minutes,
        topic: None,
    };
    let meeting = m.log_meeting(
        &actor.email,
        MeetingId::from_random(random_bytes()?),
        draft,
        logged,
        now,
        today.max(p.date),
    )?;
    match deps.store.log_planned_meeting(m, &meeting, &p).await {
        Ok(()) => {}
        Err(StoreError::Changed) => return Err(changed()),
        Err(e) => return Err(e.into()),
    }
    deps.cancel(&connect_job(m).0.name()).await;
    Ok((StatusCode::CREATED, Json(MeetingView::from(&meeting))))
}

/// The calendar file's key.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct KeyParams {
    /// The key from the calendar file's address.
    #[param(required = false)]
    key: String,
}

/// The next meeting as a calendar file (iCalendar), for the address in the
/// emails: no sign-in, the random key stands for it.
#[utoipa::path(get, path = "/api/mentorships/{id}/next-meeting.ics", tag = "mentorships",
    params(("id" = String, Path, description = "Mentorship id"), KeyParams),
    responses(
        (status = 200, description = "The meeting (cancelled ones too, so apps remove it)", content_type = "text/calendar", body = String),
        (status = 404, description = "No such meeting, or not that key"),
    ))]
#[tracing::instrument(skip_all)]
pub async fn invitation(
    State(deps): State<Deps>,
    Path(id): Path<String>,
    Query(params): Query<KeyParams>,
) -> Result<Response, ApiError> {
    let id = moments_domain::mentorship::MentorshipId::parse(&id)
        .map_err(|_| ApiError::NotFound("meeting"))?;
    let p = deps
        .store
        .next_meeting(&id)
        .await?
        .filter(|p| {
            !params.key.is_empty()
                && p.key.len() == params.key.len()
                && p.key
                    .bytes()
                    .zip(params.key.bytes())
                    .fold(0u8, |acc, (a, b)| acc | (a ^ b))
                    == 0
                && matches!(
                    p.status,
                    PlanStatus::Accepted | PlanStatus::Cancelled | PlanStatus::Logged
                )
        })
        .ok_or(ApiError::NotFound("meeting"))?;
    let record = deps
        .store
        .mentorship(&id)
        .await?
        .ok_or(ApiError::NotFound("meeting"))?;
    let m = &record.mentorship;
    let both = sides(&deps, &m.mentee_application, &m.mentor_application).await?;
    let with = format!(
        "{} and {}",
        both.mentee.details.full_name(),
        both.mentor.details.full_name()
    );
    let host = deps
        .config
        .base_url
        .split("://")
        .nth(1)
        .unwrap_or("moments")
        .split(['/', ':'])
        .next()
        .unwrap_or("moments")
        .to_string();
    let text = plan::invitation(&p, &with, &page_url(&deps, m), &host);
    Ok((
        [
            (header::CONTENT_TYPE, "text/calendar; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"mentoring-meeting.ics\"",
            ),
            (header::CACHE_CONTROL, "no-store"),
        ],
        text,
    )
        .into_response())
}
