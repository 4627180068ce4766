//! Mentorships: the pair's page, the agreement, the meeting log, ending.

use axum::Json;
use axum::extract::State;
use moments_adapters::deps::Deps;
use moments_adapters::http::views::{MeetingView, MentorshipView, hours};
use moments_adapters::http::{ApiError, Caller, Form, Path, ResultExt};
use moments_adapters::store::{MentorshipRecord, RequestSides};
use moments_domain::audit::{Action, AuditEntry};
use moments_domain::fields::{EmailAddress, LongText, Note, parse_date};
use moments_domain::form::{Count, FieldErrors, FormReader, Text};
use moments_domain::goals::{GoalMark, GoalStatus};
use moments_domain::kind::MentorshipKind;
use moments_domain::mentorship::{
    AgreementDraft, Mentorship, MentorshipId, MentorshipRefused, MentorshipStatus,
};
use moments_domain::notify::{self, Who};
use moments_domain::reminders::{connect_job, ended_job, survey_job};
use serde::{Deserialize, Serialize};

use crate::{end_mentorship, entry, sides};

/// A mentorship the caller is part of.
pub(crate) async fn load(
    deps: &Deps,
    actor: &EmailAddress,
    id: &str,
) -> Result<MentorshipRecord, ApiError> {
    let id = MentorshipId::parse(id).map_err(|_| ApiError::NotFound("mentorship"))?;
    let record = deps
        .store
        .mentorship(&id)
        .await?
        .ok_or(ApiError::NotFound("mentorship"))?;
    if record.mentorship.role_of(actor).is_none() {
        return Err(MentorshipRefused::NotInIt.into());
    }
    Ok(record)
}

/// The mentorship as its two people see it.
pub async fn view(
    deps: &Deps,
    record: &MentorshipRecord,
    viewer: &EmailAddress,
) -> Result<MentorshipView, ApiError> {
    let m = &record.mentorship;
    let (both, departments) = tokio::try_join!(
        sides(deps, &m.mentee_application, &m.mentor_application),
        async { Ok(deps.store.departments().await?) },
    )?;
    let mut v = MentorshipView::of(record, viewer, &both.mentee, &both.mentor, &departments);
    v.survey_answered = Some(deps.store.survey_of(&m.id, viewer).await?.is_some());
    Ok(v)
}

/// Training-credit hours logged.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Hours {
    as_mentee: f64,
    as_mentor: f64,
}

/// The caller's mentorships.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Mentorships {
    mentorships: Vec<MentorshipView>,
    /// Training-credit hours logged.
    hours: Hours,
}

/// The mentorship agreement as written.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct AgreementForm {
    /// `committed` or `flash`.
    #[schema(value_type = String)]
    kind: Text,
    #[schema(value_type = String)]
    goals: Text,
    #[schema(value_type = String, required = false)]
    steps: Text,
    #[schema(value_type = String, required = false)]
    schedule: Text,
    /// `YYYY-MM-DD`, or empty.
    #[schema(value_type = String, required = false)]
    end_date: Text,
    #[schema(value_type = String, required = false)]
    off_limits: Text,
}

/// Which version of the agreement is confirmed.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct ConfirmForm {
    /// The agreement version being confirmed.
    #[schema(value_type = u32)]
    version: Count,
}

/// Where one goal of the agreement stands.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct GoalForm {
    /// The agreement version read: goal numbers belong to one version.
    #[schema(value_type = u32)]
    version: Count,
    /// `not_started`, `progressing` or `met`.
    #[schema(value_type = String)]
    status: Text,
    /// What moved, or what is in the way (optional, up to 500 characters).
    #[schema(value_type = String, required = false)]
    note: Text,
}

/// How and why the mentorship ends.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct EndForm {
    /// `completed` or `discontinued`.
    #[schema(value_type = String)]
    outcome: Text,
    #[schema(value_type = String)]
    reason: Text,
}

/// The caller's mentorships and hours.
#[utoipa::path(get, path = "/api/mentorships", operation_id = "list_mentorships", tag = "mentorships", security(("session" = [])),
    responses((status = 200, description = "Mentorships", body = Mentorships)))]
#[tracing::instrument(skip_all)]
pub async fn list(
    State(deps): State<Deps>,
    Caller(actor): Caller,
) -> Result<Json<Mentorships>, ApiError> {
    let records = deps.store.mentorships_of(&actor.email).await?;
    let mut out = Vec::new();
    let (mut as_mentee, mut as_mentor) = (0, 0);
    for record in &records {
        if record.mentorship.mentee == actor.email {
            as_mentee += record.minutes;
        } else {
            as_mentor += record.minutes;
        }
        out.push(view(&deps, record, &actor.email).await?);
    }
    Ok(Json(Mentorships {
        mentorships: out,
        hours: Hours {
            as_mentee: hours(as_mentee),
            as_mentor: hours(as_mentor),
        },
    }))
}

/// One mentorship with its meetings, for its two people.
#[utoipa::path(get, path = "/api/mentorships/{id}", operation_id = "read_mentorship", tag = "mentorships", security(("session" = [])),
    params(("id" = String, Path, description = "Mentorship id")),
    responses(
        (status = 200, description = "The mentorship", body = MentorshipView),
        (status = 403, description = "Not one of its two people"),
        (status = 404, description = "No such mentorship"),
    ))]
#[tracing::instrument(skip_all)]
pub async fn read(
    State(deps): State<Deps>,
    Caller(actor): Caller,
    Path(id): Path<String>,
) -> Result<Json<MentorshipView>, ApiError> {
    let record = load(&deps, &actor.email, &id).await?;
    let mut v = view(&deps, &record, &actor.email).await?;
    let meetings = deps.store.meetings_of(&record.mentorship.id).await?;
    v.meetings = Some(meetings.iter().map(MeetingView::from).collect());
    Ok(Json(v))
}

fn agreement_draft(form: &AgreementForm) -> Result<AgreementDraft, FieldErrors> {
    let mut f = FormReader::new();
    let kind = f.parsed("kind", &form.kind, MentorshipKind::parse);
    let goals = f.parsed("goals", &form.goals, LongText::parse);
    let steps = f.optional("steps", &form.steps, LongText::parse);
    let schedule = f.optional("schedule", &form.schedule, LongText::parse);
    let end_date = f.optional("end_date", &form.end_date, parse_date);
    let off_limits = f.optional("off_limits", &form.off_limits, LongText::parse);
    let draft = kind.zip(goals).map(|(kind, goals)| AgreementDraft {
        kind,
        goals,
        steps,
        schedule,
        end_date,
        off_limits,
    });
    f.finish(draft)
}

/// Save a change to a mentorship made from what was just read; a change
/// that lost a race is reported, not retried: the person should see the new state.
async fn save(
    deps: &Deps,
    actor: &EmailAddress,
    before: &MentorshipRecord,
    after: Mentorship,
    entry: AuditEntry,
) -> Result<Json<MentorshipView>, ApiError> {
    deps.store
        .save_mentorship(&before.mentorship, &after, &entry)
        .await
        .on_changed(|| {
            ApiError::Conflict(
                "The mentorship changed while you were editing it. Reload it and try again.".into(),
            )
        })?;
    let record = MentorshipRecord {
        mentorship: after,
        ..before.clone()
    };
    Ok(Json(view(deps, &record, actor).await?))
}

/// Save the agreement; the other side is emailed to confirm it.
#[utoipa::path(put, path = "/api/mentorships/{id}/agreement", tag = "mentorships",
    request_body = AgreementForm, security(("session" = [])),
    params(("id" = String, Path, description = "Mentorship id")),
    responses(
        (status = 200, description = "Saved", body = MentorshipView),
        (status = 403, description = "Not one of its two people"),
        (status = 404, description = "No such mentorship"),
        (status = 409, description = "Ended, or changed meanwhile"),
        (status = 422, description = "Fields need attention"),
    ))]
#[tracing::instrument(skip_all)]
pub async fn save_agreement(
    State(deps): State<Deps>,
    Caller(actor): Caller,
    Path(id): Path<String>,
    Form(body): Form<AgreementForm>,
) -> Result<Json<MentorshipView>, ApiError> {
    let before = load(&deps, &actor.email, &id).await?;
    let draft = agreement_draft(&body)?;
    let after = before
        .mentorship
        .set_agreement(&actor.email, draft, deps.now())?;
    let changed = before.mentorship.agreement.is_some();
    let saved = save(
        &deps,
        &actor.email,
        &before,
        after.clone(),
        entry(&actor.email, deps.now(), Action::AgreementSaved),
    )
    .await?;
    ask_to_confirm(&deps, &after, &actor.email, changed).await?;
    Ok(saved)
}

/// The other side is asked, by a link that signs them in, to read the
/// agreement just saved and confirm it.
async fn ask_to_confirm(
    deps: &Deps,
    m: &Mentorship,
    saved_by: &EmailAddress,
    changed: bool,
) -> Result<(), ApiError> {
    let Some(agreement) = &m.agreement else {
        return Ok(());
    };
    let both = sides(deps, &m.mentee_application, &m.mentor_application).await?;
    let (to, from) = if *saved_by == m.mentee {
        (&both.mentor, &both.mentee)
    } else {
        (&both.mentee, &both.mentor)
    };
    let partner = from.details.full_name();
    let link = deps
        .task_link(
            &to.applicant,
            &format!("/mentorships/?id={}", m.id),
            notify::agreement_task(&partner),
        )
        .await;
    deps.notify(notify::agreement_to_confirm(
        &Who::of(to),
        &partner,
        changed,
        agreement.version,
        &link,
    ))
    .await;
    Ok(())
}

/// Confirm a version of the agreement.
#[utoipa::path(post, path = "/api/mentorships/{id}/agreement/confirm", tag = "mentorships",
    request_body = ConfirmForm, security(("session" = [])),
    params(("id" = String, Path, description = "Mentorship id")),
    responses(
        (status = 200, description = "Confirmed", body = MentorshipView),
        (status = 403, description = "Not one of its two people"),
        (status = 404, description = "No such mentorship"),
        (status = 409, description = "The agreement changed since, or there is none"),
        (status = 422, description = "No version"),
    ))]
#[tracing::instrument(skip_all)]
pub async fn confirm_agreement(
    State(deps): State<Deps>,
    Caller(actor): Caller,
    Path(id): Path<String>,
    Form(body): Form<ConfirmForm>,
) -> Result<Json<MentorshipView>, ApiError> {
    let before = load(&deps, &actor.email, &id).await?;
    let mut form = FormReader::new();
    let version = form.count(
        "version",
        &body.version,
        0..=u64::from(u32::MAX),
        "Say which version of the agreement you confirm.",
    );
    let version = u32::try_from(form.finish(version)?).unwrap_or(u32::MAX);
    let after = before.mentorship.confirm_agreement(&actor.email, version)?;
    save(
        &deps,
        &actor.email,
        &before,
        after,
        entry(&actor.email, deps.now(), Action::AgreementConfirmed),
    )
    .await
}

/// Mark one goal of the agreement not started, progressing or met.
#[utoipa::path(put, path = "/api/mentorships/{id}/goals/{n}", operation_id = "mark_goal", tag = "mentorships",
    request_body = GoalForm, security(("session" = [])),
    params(
        ("id" = String, Path, description = "Mentorship id"),
        ("n" = String, Path, description = "The goal's number, from 1"),
    ),
    responses(
        (status = 200, description = "Marked", body = MentorshipView),
        (status = 403, description = "Not one of its two people"),
        (status = 404, description = "No such mentorship or goal"),
        (status = 409, description = "Ended, no agreement, or the agreement changed since"),
        (status = 422, description = "Fields need attention"),
    ))]
#[tracing::instrument(skip_all)]
pub async fn mark_goal(
    State(deps): State<Deps>,
    Caller(actor): Caller,
    Path((id, n)): Path<(String, String)>,
    Form(body): Form<GoalForm>,
) -> Result<Json<MentorshipView>, ApiError> {
    let before = load(&deps, &actor.email, &id).await?;
    let number = n.parse::<usize>().map_err(|_| ApiError::NotFound("goal"))?;
    let mut f = FormReader::new();
    let version = f.count(
        "version",
        &body.version,
        0..=u64::from(u32::MAX),
        "Say which version of the agreement you read.",
    );
    let status = f.parsed("status", &body.status, GoalStatus::parse);
    let note = f.optional("note", &body.note, Note::parse);
    let (version, status) = f.finish(version.zip(status))?;
    let mark = GoalMark {
        version: u32::try_from(version).unwrap_or(u32::MAX),
        number,
        status,
        note,
    };
    let audit = AuditEntry {
        note: Some(format!("goal {number}: {}", status.as_str())),
        ..entry(&actor.email, deps.now(), Action::GoalMarked)
    };
    let after = before
        .mentorship
        .mark_goal(&actor.email, mark, deps.now())?;
    save(&deps, &actor.email, &before, after, audit).await
}

/// End the mentorship; both are invited to the survey.
#[utoipa::path(post, path = "/api/mentorships/{id}/end", operation_id = "end_mentorship", tag = "mentorships",
    request_body = EndForm, security(("session" = [])),
    params(("id" = String, Path, description = "Mentorship id")),
    responses(
        (status = 200, description = "Ended", body = MentorshipView),
        (status = 403, description = "Not one of its two people"),
        (status = 404, description = "No such mentorship"),
        (status = 409, description = "Already ended"),
        (status = 422, description = "Fields need attention"),
    ))]
#[tracing::instrument(skip_all)]
pub async fn end(
    State(deps): State<Deps>,
    Caller(actor): Caller,
    Path(id): Path<String>,
    Form(body): Form<EndForm>,
) -> Result<Json<MentorshipView>, ApiError> {
    let mut f = FormReader::new();
    let outcome = f.parsed("outcome", &body.outcome, MentorshipStatus::parse_outcome);
    let reason = f.parsed("reason", &body.reason, LongText::parse);
    let (outcome, reason) = f.finish(outcome.zip(reason))?;
    let id = MentorshipId::parse(&id).map_err(|_| ApiError::NotFound("mentorship"))?;
    let (caller, now) = (&actor.email, deps.now());
    let (before, after, _) = end_mentorship(
        &deps,
        &id,
        |m| m.end(caller, outcome, reason.clone(), now),
        &entry(caller, now, Action::MentorshipEnded),
    )
    .await?;
    // Both hear of it once it can no longer be undone.
    let held = ended_job(&after);
    if let Some(held) = &held {
        deps.schedule_job(&held.job, held.due).await;
    }
    let record = MentorshipRecord {
        mentorship: after,
        ..before
    };
    let mut answer = view(&deps, &record, &actor.email).await?;
    answer.undo_until = held.map(|h| h.due.to_string());
    Ok(Json(answer))
}

/// The side who ended the mentorship takes that back within 10 seconds
/// (`undo_until` in the ending's answer), before either is told: it goes on
/// as before, if both still have room and neither answered the survey.
#[utoipa::path(delete, path = "/api/mentorships/{id}/ending", operation_id = "undo_end_mentorship", tag = "mentorships",
    security(("session" = [])),
    params(("id" = String, Path, description = "Mentorship id")),
    responses(
        (status = 200, description = "Undone: the mentorship is active again", body = MentorshipView),
        (status = 403, description = "Not the side who ended it"),
        (status = 404, description = "No such mentorship"),
        (status = 409, description = "Not ended, too late, or a side changed since"),
    ))]
#[tracing::instrument(skip_all)]
pub async fn undo_end(
    State(deps): State<Deps>,
    Caller(actor): Caller,
    Path(id): Path<String>,
) -> Result<Json<MentorshipView>, ApiError> {
    let id = MentorshipId::parse(&id).map_err(|_| ApiError::NotFound("mentorship"))?;
    let before = deps
        .store
        .mentorship(&id)
        .await?
        .ok_or(ApiError::NotFound("mentorship"))?;
    let m = &before.mentorship;
    let after = m.undo_end(&actor.email, deps.now())?;
    let Some(held) = ended_job(m) else {
        return Err(MentorshipRefused::NotEnded.into());
    };
    let both = sides(&deps, &m.mentee_application, &m.mentor_application).await?;
    deps
        .store
        .resume_mentorship(
            m,
            &after,
            &both,
            &held.notice,
            &entry(&actor.email, deps.now(), Action::EndingUndone),
        )
        .await
        .on_exists_or_changed(
            || MentorshipRefused::TooLateToUndo.into(),
            || {
                ApiError::Conflict(
                    "The mentorship can no longer go on: one of you has answered the survey, or taken another mentorship or request in its place since. Ask a program administrator to pair you again."
                        .into(),
                )
            },
        )?;
    deps.cancel(&held.job.name()).await;
    if let Some((survey, _)) = survey_job(m) {
        deps.cancel(&survey.name()).await;
    }
    // The nudge to connect, if its time has not come.
    let (connect, at) = connect_job(&after);
    if at > deps.now() {
        deps.schedule_job(&connect, at).await;
    }
    let record = MentorshipRecord {
        mentorship: after,
        ..before
    };
    Ok(Json(view(&deps, &record, &actor.email).await?))
}

/// Both are told, and invited to the survey (see
/// [`moments_usecases::ended::tell`]).
pub(crate) async fn tell_ended(deps: &Deps, after: &Mentorship, both: &RequestSides) {
    moments_usecases::ended::tell(deps, after, &both.mentee, &both.mentor).await;
}
