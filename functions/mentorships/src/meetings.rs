//! The meeting log: training credit, at most a working day per date and
//! pair, and each side's say on the other's entries.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use moments_adapters::deps::Deps;
use moments_adapters::http::views::MeetingView;
use moments_adapters::http::{ApiError, Caller, Form, Path, ResultExt, random_bytes};
use moments_adapters::store::StoreError;
use moments_domain::audit::{Action, AuditEntry};
use moments_domain::fields::{Note, parse_date};
use moments_domain::form::{Count, Flag, FormReader, Text};
use moments_domain::mentorship::{
    MAX_DAY_MINUTES, MAX_MEETING_MINUTES, MeetingDraft, MeetingId, MeetingRefused,
    MentorshipRefused, MentorshipStatus, day_full_message,
};
use moments_domain::reminders::connect_job;
use serde::Deserialize;

use crate::pairs::load;

/// A meeting to log.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct MeetingForm {
    /// `YYYY-MM-DD`, not in the future nor before the match.
    #[schema(value_type = String)]
    date: Text,
    /// At most 480, and at most what is left of the date's 8 hours.
    #[schema(value_type = u32)]
    minutes: Count,
    #[schema(value_type = String, required = false)]
    topic: Text,
}

/// Log a meeting (training credit).
#[utoipa::path(post, path = "/api/mentorships/{id}/meetings", tag = "mentorships",
    request_body = MeetingForm, security(("session" = [])),
    params(("id" = String, Path, description = "Mentorship id")),
    responses(
        (status = 201, description = "Logged", body = MeetingView),
        (status = 403, description = "Not one of its two people"),
        (status = 404, description = "No such mentorship"),
        (status = 409, description = "The mentorship has ended"),
        (status = 422, description = "Fields need attention, or the date's 8 hours are used up"),
    ))]
#[tracing::instrument(skip_all)]
pub async fn log_meeting(
    State(deps): State<Deps>,
    Caller(actor): Caller,
    Path(id): Path<String>,
    Form(body): Form<MeetingForm>,
) -> Result<(StatusCode, Json<MeetingView>), ApiError> {
    let record = load(&deps, &actor.email, &id).await?;
    let mut f = FormReader::new();
    let date = f.parsed("date", &body.date, parse_date);
    // The same range, in the same words, as the domain's check, so that a
    // bad length is named beside a bad date, in one answer.
    let minutes = f
        .count(
            "minutes",
            &body.minutes,
            1..=u64::from(MAX_MEETING_MINUTES),
            &format!("Enter the meeting's length in minutes, from 1 to {MAX_MEETING_MINUTES}."),
        )
        .and_then(|m| u32::try_from(m).ok());
    let topic = f.optional("topic", &body.topic, Note::parse);
    let (date, minutes) = f.finish(date.zip(minutes))?;
    let m = &record.mentorship;
    let logged = deps.store.minutes_logged_on(&m.id, date).await?;
    let now = deps.now();
    let today = jiff::tz::TimeZone::UTC.to_datetime(now).date();
    let draft = MeetingDraft {
        date,
        minutes,
        topic,
    };
    let id = MeetingId::from_random(random_bytes()?);
    let meeting = m.log_meeting(&actor.email, id, draft, logged, now, today)?;
    match deps.store.log_meeting(m, &meeting).await {
        Ok(()) => {}
        // Ended meanwhile, or the other side filled the day meanwhile.
        Err(StoreError::Changed) => {
            let again = load(&deps, &actor.email, m.id.as_str()).await?;
            if again.mentorship.status != MentorshipStatus::Active {
                return Err(MentorshipRefused::Ended.into());
            }
            let logged = deps.store.minutes_logged_on(&m.id, date).await?;
            let room = MAX_DAY_MINUTES.saturating_sub(logged);
            return Err(MeetingRefused::Minutes(day_full_message(date, room)).into());
        }
        Err(e) => return Err(e.into()),
    }
    // They have connected: no nudge needed.
    deps.cancel(&connect_job(m).0.name()).await;
    Ok((StatusCode::CREATED, Json(MeetingView::from(&meeting))))
}

/// Whether the caller disputes a meeting the other side logged.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct DisputeForm {
    /// `true` to dispute the entry, `false` to take the dispute back.
    #[schema(value_type = bool)]
    disputed: Flag,
}

/// Dispute a meeting the other side logged (or take it back): the entry
/// stays, marked, in both sides' view and in the hours export.
#[utoipa::path(put, path = "/api/mentorships/{id}/meetings/{meeting}/dispute", tag = "mentorships",
    request_body = DisputeForm, security(("session" = [])),
    params(
        ("id" = String, Path, description = "Mentorship id"),
        ("meeting" = String, Path, description = "Meeting id"),
    ),
    responses(
        (status = 200, description = "Saved", body = MeetingView),
        (status = 403, description = "Not one of its two people, or the caller logged it"),
        (status = 404, description = "No such mentorship or meeting"),
        (status = 422, description = "Fields need attention"),
    ))]
#[tracing::instrument(skip_all)]
pub async fn dispute(
    State(deps): State<Deps>,
    Caller(actor): Caller,
    Path((id, meeting)): Path<(String, String)>,
    Form(body): Form<DisputeForm>,
) -> Result<Json<MeetingView>, ApiError> {
    let record = load(&deps, &actor.email, &id).await?;
    let m = &record.mentorship;
    let mut f = FormReader::new();
    let disputed = f.answer(
        "disputed",
        &body.disputed,
        "Say whether you dispute this meeting: true or false.",
    );
    let disputed = f.finish(disputed)?;
    let meeting = MeetingId::parse(&meeting).map_err(|_| ApiError::NotFound("meeting"))?;
    let before = deps
        .store
        .meeting(&m.id, &meeting)
        .await?
        .ok_or(ApiError::NotFound("meeting"))?;
    let now = deps.now();
    let after = m.dispute(&actor.email, &before, disputed, now)?;
    if after != before {
        let entry = AuditEntry {
            at: now,
            actor: actor.email.clone(),
            action: if disputed {
                Action::MeetingDisputed
            } else {
                Action::MeetingDisputeWithdrawn
            },
            on_behalf_of: None,
            note: Some(format!("meeting of {}", after.date)),
        };
        deps.store
            .save_dispute(m, &after, &entry)
            .await
            .on_changed(|| ApiError::NotFound("meeting"))?;
    }
    Ok(Json(MeetingView::from(&after)))
}
