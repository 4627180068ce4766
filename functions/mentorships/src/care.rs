//! Program administrators take care of people and pairs: revoke an
//! approval, record that someone left state service, end a mentorship,
//! match two people by hand and move a mentee to another mentor.
//!
//! Each action is checked by the domain against the records as read and
//! written under the same conditions as the participants' own actions (so
//! two administrators, or an administrator and a mentor, acting at once
//! cannot break the two-places rule); each writes an audit entry with its
//! author and reason. Whoever it concerns is emailed.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use moments_adapters::deps::Deps;
use moments_adapters::http::views::ApplicationView;
use moments_adapters::http::{
    ApiError, Caller, Form, Path, ResultExt, program_admin, random_bytes,
};
use moments_adapters::security::{SecurityEvent, SecurityKind};
use moments_adapters::store::{Repair, RequestSides, StoreError};
use moments_domain::access::Actor;
use moments_domain::application::{Application, ApplicationId, Role, Status};
use moments_domain::audit::{Action, AuditEntry};
use moments_domain::fields::{EmailAddress, LongText};
use moments_domain::form::{FieldErrors, Flag, FormReader, Text};
use moments_domain::mentorship::{
    Capacity, MatchRefused, Mentorship, MentorshipId, MentorshipRequest, MentorshipStatus,
    RequestId, RequestStatus, match_by_hand,
};
use moments_domain::notify::{self, Who};
use serde::{Deserialize, Serialize};

use crate::requests::{Apps, cancel_request_jobs, tell_matched};
use crate::{end_mentorship, entry, landed, sides, until_written};

/// Why a request was closed when one side stopped taking part.
pub const CLOSED_BY_PROGRAM: &str =
    "The program team closed this request: one of you is no longer taking part.";
/// Why a request was closed when one side withdrew their application.
pub const CLOSED_WITHDRAWN: &str = "Closed: one of you withdrew from the program.";

/// Who closes a person's pending requests, and so who is told what.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Closing {
    /// The program team: both sides are told it closed, the person only
    /// when `tell_person` (not someone who left state service).
    Program { tell_person: bool },
    /// The person withdrew: the other side is told, as on a withdrawal.
    Withdrawn,
}

fn noted(actor: &Actor, action: Action, reason: &LongText, at: jiff::Timestamp) -> AuditEntry {
    AuditEntry {
        note: Some(reason.as_str().to_string()),
        ..entry(&actor.email, at, action)
    }
}

/// A mentorship as an administrator sees it after acting on it.
#[derive(Serialize, utoipa::ToSchema)]
pub struct CaredMentorship {
    id: String,
    mentee: String,
    mentor: String,
    /// `active`, `completed` or `discontinued`.
    #[schema(value_type = String)]
    status: &'static str,
    started_at: String,
}

impl From<&Mentorship> for CaredMentorship {
    fn from(m: &Mentorship) -> Self {
        CaredMentorship {
            id: m.id.to_string(),
            mentee: m.mentee.to_string(),
            mentor: m.mentor.to_string(),
            status: m.status.as_str(),
            started_at: m.started_at.to_string(),
        }
    }
}

/// Pair a mentee with a mentor by hand.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct MatchForm {
    /// The work email of a person with an approved mentee application.
    #[schema(value_type = String)]
    mentee: Text,
    /// The work email of a person with an approved mentor application.
    #[schema(value_type = String)]
    mentor: Text,
    /// Why the team pairs them (kept in the audit trail).
    #[schema(value_type = String)]
    reason: Text,
}

/// End a mentorship, or revoke, with the team's reason.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct ReasonForm {
    /// Kept in the record and its audit trail; not sent to the pair.
    #[schema(value_type = String)]
    reason: Text,
}

/// Move the mentee of a mentorship to another mentor.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct RepairForm {
    /// The work email of the new mentor (an approved mentor with room).
    #[schema(value_type = String)]
    mentor: Text,
    #[schema(value_type = String)]
    reason: Text,
}

/// Revoke an approval.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct RevokeForm {
    /// Sent to the person, and kept in the record.
    #[schema(value_type = String)]
    reason: Text,
    /// Also end the person's active mentorships in this role.
    #[schema(value_type = bool, required = false)]
    end_mentorships: Flag,
}

/// Record that someone has left state service.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct LeftForm {
    /// Their work email.
    #[schema(value_type = String)]
    email: Text,
    #[schema(value_type = String)]
    reason: Text,
}

/// One mentorship ended and the one that replaces it.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Repaired {
    ended: CaredMentorship,
    started: CaredMentorship,
}

/// An application revoked, and what went with it.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Revoked {
    application: ApplicationView,
    requests_closed: usize,
    mentorships_ended: usize,
    message: String,
}

/// What recording a departure did.
#[derive(Serialize, utoipa::ToSchema)]
pub struct LeftService {
    email: String,
    applications_revoked: usize,
    requests_closed: usize,
    mentorships_ended: usize,
    sessions_ended: usize,
    message: String,
}

fn reason_of(f: &mut FormReader, field: &Text) -> Option<LongText> {
    f.parsed("reason", field, LongText::parse)
}

fn address(f: &mut FormReader, name: &str, field: &Text) -> Option<EmailAddress> {
    f.parsed(name, field, EmailAddress::parse)
}

/// A person's application for `role` with its capacity, or a field error
/// naming `field` when they have none.
async fn applicant(
    deps: &Deps,
    email: &EmailAddress,
    role: Role,
    field: &str,
) -> Result<(Application, Capacity), ApiError> {
    let found = match deps.store.application_for_role(email, role).await? {
        Some(app) => deps.store.application_with_capacity(&app.id).await?,
        None => None,
    };
    found.ok_or_else(|| {
        FieldErrors::single(field, format!("{email} has no {role} application.")).into()
    })
}

/// `POST /api/admin/mentorships`: pair an approved mentee with an approved
/// mentor who has room, under the program's rules; both are emailed each
/// other's details as on any match.
#[utoipa::path(post, path = "/api/admin/mentorships", operation_id = "match_by_hand", tag = "care",
    request_body = MatchForm, security(("session" = [])),
    responses(
        (status = 201, description = "Matched", body = CaredMentorship),
        (status = 403, description = "Not a program administrator"),
        (status = 409, description = "A rule refuses the pair; `detail` says which"),
        (status = 422, description = "Fields need attention"),
    ))]
#[tracing::instrument(skip_all)]
pub async fn create(
    State(deps): State<Deps>,
    Caller(actor): Caller,
    Form(body): Form<MatchForm>,
) -> Result<(StatusCode, Json<CaredMentorship>), ApiError> {
    program_admin(&actor, "match people by hand")?;
    let mut f = FormReader::new();
    let mentee = address(&mut f, "mentee", &body.mentee);
    let mentor = address(&mut f, "mentor", &body.mentor);
    let reason = reason_of(&mut f, &body.reason);
    let ((mentee, mentor), reason) = f.finish(mentee.zip(mentor).zip(reason))?;
    let (deps, actor, reason) = (&deps, &actor, &reason);
    let (mentee, mentor) = (&mentee, &mentor);
    let (mentorship, both) = until_written(|| async move {
        let (mentee, mentee_capacity) = applicant(deps, mentee, Role::Mentee, "mentee").await?;
        let (mentor, mentor_capacity) = applicant(deps, mentor, Role::Mentor, "mentor").await?;
        let paired = deps
            .store
            .is_paired(&mentee.applicant, &mentor.applicant)
            .await?;
        let (request, mentorship) = match_by_hand(
            actor,
            (&mentee, mentee_capacity),
            (&mentor, mentor_capacity),
            paired,
            new_ids()?,
            deps.now(),
        )?;
        let both = RequestSides {
            mentee,
            mentee_capacity,
            mentor,
            mentor_capacity,
        };
        let entry = noted(actor, Action::MatchedByAdmin, reason, mentorship.started_at);
        let write = deps
            .store
            .create_match(&request, &mentorship, &both, &entry)
            .await;
        let landed = landed(write).on_exists(|| MatchRefused::AlreadyPaired.into())?;
        Ok(landed.then_some((mentorship, both)))
    })
    .await?;
    started(deps, &mentorship, &both).await;
    Ok((
        StatusCode::CREATED,
        Json(CaredMentorship::from(&mentorship)),
    ))
}

fn new_ids() -> Result<(RequestId, MentorshipId), ApiError> {
    Ok((
        RequestId::from_random(random_bytes()?),
        MentorshipId::from_random(random_bytes()?),
    ))
}

/// After a pair starts: the nudge to connect, both emailed, and the
/// pending requests of a side that is now full closed.
async fn started(deps: &Deps, mentorship: &Mentorship, both: &RequestSides) {
    crate::schedule_start(deps, mentorship).await;
    tell_matched(deps, mentorship, both).await;
    crate::requests::close_full_sides(deps, both).await;
}

/// An active mentorship by id, whoever is in it.
async fn mentorship(deps: &Deps, id: &str) -> Result<Mentorship, ApiError> {
    let id = MentorshipId::parse(id).map_err(|_| ApiError::NotFound("mentorship"))?;
    Ok(deps
        .store
        .mentorship(&id)
        .await?
        .ok_or(ApiError::NotFound("mentorship"))?
        .mentorship)
}

/// End `id` as discontinued by an administrator, retrying a lost race from
/// a fresh read; both are emailed.
async fn end_one(
    deps: &Deps,
    actor: &Actor,
    id: &MentorshipId,
    action: Action,
    reason: &LongText,
) -> Result<Mentorship, ApiError> {
    let now = deps.now();
    let (_, after, both) = end_mentorship(
        deps,
        id,
        |m| m.end_by_admin(actor, reason.clone(), now),
        &noted(actor, action, reason, now),
    )
    .await?;
    for (to, partner) in [(&both.mentee, &both.mentor), (&both.mentor, &both.mentee)] {
        tell_ended_by_program(deps, &after, to, partner).await;
    }
    Ok(after)
}

/// One side of a mentorship the program ended is told, and invited to the
/// survey; not someone who left state service.
async fn tell_ended_by_program(
    deps: &Deps,
    after: &Mentorship,
    to: &Application,
    partner: &Application,
) {
    if to.revoked.as_ref().is_some_and(|r| r.left_service) {
        return;
    }
    let partner = partner.details.full_name();
    let link = deps
        .task_link(
            &to.applicant,
            &format!("/survey/?mentorship={}", after.id),
            notify::survey_task(&partner),
        )
        .await;
    deps.notify(notify::mentorship_ended_by_program(
        &Who::of(to),
        &partner,
        &link,
    ))
    .await;
}

/// `POST /api/admin/mentorships/{id}/end`: end an active mentorship as
/// discontinued, with the team's reason; both are told.
#[utoipa::path(post, path = "/api/admin/mentorships/{id}/end", operation_id = "end_mentorship_by_admin", tag = "care",
    request_body = ReasonForm, security(("session" = [])),
    params(("id" = String, Path, description = "Mentorship id")),
    responses(
        (status = 200, description = "Ended", body = CaredMentorship),
        (status = 403, description = "Not a program administrator"),
        (status = 404, description = "No such mentorship"),
        (status = 409, description = "It has already ended"),
        (status = 422, description = "Fields need attention"),
    ))]
#[tracing::instrument(skip_all)]
pub async fn end(
    State(deps): State<Deps>,
    Caller(actor): Caller,
    Path(id): Path<String>,
    Form(body): Form<ReasonForm>,
) -> Result<Json<CaredMentorship>, ApiError> {
    program_admin(&actor, "end other people's mentorships")?;
    let id = MentorshipId::parse(&id).map_err(|_| ApiError::NotFound("mentorship"))?;
    let mut f = FormReader::new();
    let reason = reason_of(&mut f, &body.reason);
    let reason = f.finish(reason)?;
    let after = end_one(&deps, &actor, &id, Action::EndedByAdmin, &reason).await?;
    Ok(Json(CaredMentorship::from(&after)))
}

/// `POST /api/admin/mentorships/{id}/repair`: end an active mentorship and
/// pair its mentee with another mentor, in one transaction.
#[utoipa::path(post, path = "/api/admin/mentorships/{id}/repair", operation_id = "repair_mentorship", tag = "care",
    request_body = RepairForm, security(("session" = [])),
    params(("id" = String, Path, description = "Mentorship id")),
    responses(
        (status = 200, description = "The mentee has a new mentor", body = Repaired),
        (status = 403, description = "Not a program administrator"),
        (status = 404, description = "No such mentorship"),
        (status = 409, description = "It has ended, or a rule refuses the new pair"),
        (status = 422, description = "Fields need attention"),
    ))]
#[tracing::instrument(skip_all)]
pub async fn repair(
    State(deps): State<Deps>,
    Caller(actor): Caller,
    Path(id): Path<String>,
    Form(body): Form<RepairForm>,
) -> Result<Json<Repaired>, ApiError> {
    program_admin(&actor, "move a mentee to another mentor")?;
    let id = MentorshipId::parse(&id).map_err(|_| ApiError::NotFound("mentorship"))?;
    let mut f = FormReader::new();
    let mentor = address(&mut f, "mentor", &body.mentor);
    let reason = reason_of(&mut f, &body.reason);
    let (mentor, reason) = f.finish(mentor.zip(reason))?;
    let (deps, actor, id, mentor, reason) = (&deps, &actor, &id, &mentor, &reason);
    let (ended, old, started_now, new) = until_written(|| async move {
        let before = mentorship(deps, id.as_str()).await?;
        if &before.mentor == mentor {
            return Err(FieldErrors::single(
                "mentor",
                "This is the mentee's mentor now; name another mentor.",
            )
            .into());
        }
        let ended = before.end_by_admin(actor, reason.clone(), deps.now())?;
        let old = sides(deps, &before.mentee_application, &before.mentor_application).await?;
        let (new_mentor, new_capacity) = applicant(deps, mentor, Role::Mentor, "mentor").await?;
        let paired = deps.store.is_paired(&before.mentee, mentor).await?;
        // The mentee's place in the old pair passes to the new one.
        let freed = Capacity {
            active: old.mentee_capacity.active.saturating_sub(1),
            ..old.mentee_capacity
        };
        let (request, started) = match_by_hand(
            actor,
            (&old.mentee, freed),
            (&new_mentor, new_capacity),
            paired,
            new_ids()?,
            deps.now(),
        )?;
        let new = RequestSides {
            mentee: old.mentee.clone(),
            mentee_capacity: freed,
            mentor: new_mentor,
            mentor_capacity: new_capacity,
        };
        let entry = noted(actor, Action::MatchedByAdmin, reason, deps.now());
        let write = deps
            .store
            .repair(
                &Repair {
                    before: &before,
                    ended: &ended,
                    old: &old,
                    request: &request,
                    started: &started,
                    new: &new,
                },
                &entry,
            )
            .await;
        let landed = landed(write).on_exists(|| MatchRefused::AlreadyPaired.into())?;
        Ok(landed.then_some((ended, old, started, new)))
    })
    .await?;
    crate::after_end(deps, &ended).await;
    // The old mentor is told the pair ended; the mentee hears of the new
    // mentor in the match email, which says all they need.
    tell_ended_by_program(deps, &ended, &old.mentor, &old.mentee).await;
    started(deps, &started_now, &new).await;
    Ok(Json(Repaired {
        ended: CaredMentorship::from(&ended),
        started: CaredMentorship::from(&started_now),
    }))
}

/// Close the pending requests in which `app` is a side, emailing both
/// sides (or only the other one, when the person left). How many closed.
pub(crate) async fn close_requests_of(
    deps: &Deps,
    app: &Application,
    entry: &AuditEntry,
    closing: Closing,
) -> Result<usize, ApiError> {
    let reason = match closing {
        Closing::Program { .. } => CLOSED_BY_PROGRAM,
        Closing::Withdrawn => CLOSED_WITHDRAWN,
    };
    let requests = match app.role {
        Role::Mentee => deps.store.requests_from(&app.applicant).await?,
        Role::Mentor => deps.store.requests_to(&app.applicant).await?,
    };
    let mut apps = Apps::new(deps);
    let mut closed = 0;
    for before in requests.into_iter().filter(|r| {
        r.status == RequestStatus::Pending
            && (r.mentee_application == app.id || r.mentor_application == app.id)
    }) {
        let Ok(after) = before.close(reason, deps.now()) else {
            continue;
        };
        let entry = AuditEntry {
            at: after.updated_at,
            ..entry.clone()
        };
        match deps.store.answer_request(&before, &after, &entry).await {
            Ok(()) => cancel_request_jobs(deps, &after).await,
            // Answered meanwhile: it is no longer pending.
            Err(StoreError::Changed) => continue,
            Err(e) => return Err(e.into()),
        }
        closed += 1;
        tell_closed(deps, &mut apps, &after, &app.applicant, closing).await?;
    }
    Ok(closed)
}

async fn tell_closed(
    deps: &Deps,
    apps: &mut Apps<'_>,
    r: &MentorshipRequest,
    person: &EmailAddress,
    closing: Closing,
) -> Result<(), ApiError> {
    let mentee = apps.get(&r.mentee_application).await?;
    let mentor = apps.get(&r.mentor_application).await?;
    let base = &deps.config.base_url;
    for (to, other) in [(&mentee, &mentor), (&mentor, &mentee)] {
        let name = other.details.full_name();
        let message = match closing {
            Closing::Program { tell_person } if &to.applicant != person || tell_person => {
                notify::request_closed_by_program(&Who::of(to), &name, base)
            }
            Closing::Withdrawn if &to.applicant != person => {
                if to.applicant == r.mentor {
                    notify::request_withdrawn(&Who::of(to), &name, base)
                } else {
                    notify::request_not_accepted(&Who::of(to), &name, None, true, base)
                }
            }
            _ => continue,
        };
        deps.notify(message).await;
    }
    Ok(())
}

/// A person's active mentorships, in both roles.
pub(crate) async fn active_mentorships(
    deps: &Deps,
    person: &EmailAddress,
) -> Result<Vec<Mentorship>, ApiError> {
    Ok(deps
        .store
        .mentorships_of(person)
        .await?
        .into_iter()
        .map(|r| r.mentorship)
        .filter(|m| m.status == MentorshipStatus::Active)
        .collect())
}

/// Whether `m` hangs on the application `app`.
pub(crate) fn hangs_on(m: &Mentorship, app: &Application) -> bool {
    m.mentee_application == app.id || m.mentor_application == app.id
}

/// Revoke one application from a fresh read (a lost race is read again).
async fn revoke_one(
    deps: &Deps,
    actor: &Actor,
    id: &ApplicationId,
    reason: &LongText,
    left_service: bool,
) -> Result<Application, ApiError> {
    until_written(|| async move {
        let before = deps
            .store
            .application(id)
            .await?
            .ok_or(ApiError::NotFound("application"))?;
        let after = before.revoke(actor, reason.clone(), left_service, deps.now())?;
        let action = if left_service {
            Action::LeftService
        } else {
            Action::Revoked
        };
        let write = deps
            .store
            .save_application(
                before.version,
                false,
                &after,
                &noted(actor, action, reason, after.updated_at),
            )
            .await;
        Ok(landed(write)?.then_some(after))
    })
    .await
}

/// `POST /api/admin/applications/{id}/revoke`: take back a pending or
/// approved application. The person leaves search and matching, their
/// pending requests close (both sides emailed), and they are told why.
/// Their mentorships go on unless `end_mentorships`.
#[utoipa::path(post, path = "/api/admin/applications/{id}/revoke", operation_id = "revoke_application", tag = "care",
    request_body = RevokeForm, security(("session" = [])),
    params(("id" = String, Path, description = "Application id")),
    responses(
        (status = 200, description = "Revoked", body = Revoked),
        (status = 403, description = "Not a program administrator, or their own application"),
        (status = 404, description = "No such application"),
        (status = 409, description = "Already denied or revoked"),
        (status = 422, description = "Fields need attention"),
    ))]
#[tracing::instrument(skip_all)]
pub async fn revoke(
    State(deps): State<Deps>,
    Caller(actor): Caller,
    Path(id): Path<String>,
    Form(body): Form<RevokeForm>,
) -> Result<Json<Revoked>, ApiError> {
    program_admin(&actor, "revoke applications")?;
    let id = ApplicationId::parse(&id).map_err(|_| ApiError::NotFound("application"))?;
    let mut f = FormReader::new();
    let reason = reason_of(&mut f, &body.reason);
    let end_mentorships = f.flag("end_mentorships", &body.end_mentorships);
    let reason = f.finish(reason)?;
    let after = revoke_one(&deps, &actor, &id, &reason, false).await?;
    let entry = noted(&actor, Action::Revoked, &reason, deps.now());
    let requests_closed = close_requests_of(
        &deps,
        &after,
        &entry,
        Closing::Program { tell_person: true },
    )
    .await?;
    let mut mentorships_ended = 0;
    if end_mentorships {
        let active = active_mentorships(&deps, &after.applicant).await?;
        for m in active.iter().filter(|m| hangs_on(m, &after)) {
            match end_one(&deps, &actor, &m.id, Action::EndedByAdmin, &reason).await {
                Ok(_) => mentorships_ended += 1,
                // Ended by its pair meanwhile.
                Err(ApiError::Conflict(_)) => {}
                Err(e) => return Err(e),
            }
        }
    }
    deps.notify(notify::revoked(
        &Who::of(&after),
        after.role,
        reason.as_str(),
        &deps.config.base_url,
    ))
    .await;
    let name = after.details.full_name();
    let message = format!(
        "{name}'s {role} application is revoked; {requests_closed} pending {r} closed, \
         {mentorships_ended} {m} ended. {name} has been emailed the reason.",
        role = after.role,
        r = plural(requests_closed, "request", "requests"),
        m = plural(mentorships_ended, "mentorship", "mentorships"),
    );
    Ok(Json(Revoked {
        application: ApplicationView::of(&after, &actor, &deps.store.lists().await?),
        requests_closed,
        mentorships_ended,
        message,
    }))
}

fn plural(n: usize, one: &'static str, many: &'static str) -> &'static str {
    if n == 1 { one } else { many }
}

/// `POST /api/admin/people/left`: someone has left state service. Their
/// applications are revoked, their pending requests closed and their
/// mentorships ended as discontinued (each partner emailed, their place
/// freed), and their sessions end. Their records then leave by the
/// retention rules, as the privacy notice says. Nothing is sent to them.
#[utoipa::path(post, path = "/api/admin/people/left", operation_id = "left_state_service", tag = "care",
    request_body = LeftForm, security(("session" = [])),
    responses(
        (status = 200, description = "Recorded", body = LeftService),
        (status = 403, description = "Not a program administrator, or about themself"),
        (status = 409, description = "Nothing is left to end: no pending or approved application"),
        (status = 422, description = "Fields need attention"),
    ))]
#[tracing::instrument(skip_all)]
pub async fn left_service(
    State(deps): State<Deps>,
    Caller(actor): Caller,
    Form(body): Form<LeftForm>,
) -> Result<Json<LeftService>, ApiError> {
    program_admin(&actor, "record that someone left state service")?;
    let mut f = FormReader::new();
    let email = address(&mut f, "email", &body.email);
    let reason = reason_of(&mut f, &body.reason);
    let (email, reason) = f.finish(email.zip(reason))?;
    if email == actor.email {
        return Err(ApiError::Forbidden(
            "You cannot record your own departure; ask another program administrator.".into(),
        ));
    }
    let applications = deps.store.applications_of(&email).await?;
    let open: Vec<&Application> = applications
        .iter()
        .filter(|a| matches!(a.status, Status::Pending | Status::Approved))
        .collect();
    let mentorships = active_mentorships(&deps, &email).await?;
    if open.is_empty() && mentorships.is_empty() {
        return Err(ApiError::Conflict(format!(
            "{email} has no pending or approved application and no active mentorship; there is nothing to end."
        )));
    }
    let (mut applications_revoked, mut requests_closed, mut mentorships_ended) = (0, 0, 0);
    for app in open {
        let after = revoke_one(&deps, &actor, &app.id, &reason, true).await?;
        applications_revoked += 1;
        let entry = noted(&actor, Action::LeftService, &reason, deps.now());
        requests_closed += close_requests_of(
            &deps,
            &after,
            &entry,
            Closing::Program { tell_person: false },
        )
        .await?;
    }
    for m in mentorships {
        match end_one(&deps, &actor, &m.id, Action::LeftService, &reason).await {
            Ok(_) => mentorships_ended += 1,
            Err(ApiError::Conflict(_)) => {}
            Err(e) => return Err(e),
        }
    }
    let sessions_ended = deps.store.end_sessions_of(&email).await?;
    deps.store.void_sign_in_links_of(&email).await?;
    deps.security(SecurityEvent::by(
        SecurityKind::SessionEnded,
        &actor.email,
        format!("recorded that {email} left state service: {sessions_ended} sessions ended"),
    ))
    .await;
    let message = format!(
        "{email} is recorded as having left state service: {applications_revoked} {a} revoked, \
         {requests_closed} pending {r} closed, {mentorships_ended} {m} ended (each partner has \
         been emailed), signed out everywhere.",
        a = plural(applications_revoked, "application", "applications"),
        r = plural(requests_closed, "request", "requests"),
        m = plural(mentorships_ended, "mentorship", "mentorships"),
    );
    Ok(Json(LeftService {
        email: email.to_string(),
        applications_revoked,
        requests_closed,
        mentorships_ended,
        sessions_ended,
        message,
    }))
}
