//! Taking part on one's own terms: a participant pauses (a mentee's search
//! for a mentor, a mentor's taking new mentees) and resumes, or withdraws
//! an application, ending what hangs on it.

use axum::Json;
use axum::extract::State;
use moments_adapters::deps::Deps;
use moments_adapters::http::views::ApplicationView;
use moments_adapters::http::{ApiError, Caller, Form, Path};
use moments_domain::access::Actor;
use moments_domain::application::{Application, ApplicationId, ChangeRefused, Role, Status};
use moments_domain::audit::Action;
use moments_domain::fields::LongText;
use moments_domain::form::{Flag, FormReader};
use moments_domain::mentorship::{Capacity, MentorshipId, MentorshipStatus};
use serde::{Deserialize, Serialize};

use crate::care::{Closing, active_mentorships, close_requests_of, hangs_on};
use crate::pairs::tell_ended;
use crate::{end_mentorship, entry, landed, until_written};

/// Pause, or resume.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct PauseForm {
    /// `true` to pause, `false` to resume.
    #[schema(value_type = bool)]
    paused: Flag,
}

/// Withdraw an application.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct WithdrawForm {
    /// Confirms that the caller's active mentorships in this role end too;
    /// without it, a withdrawal that would end one is refused, naming them.
    #[schema(value_type = bool, required = false)]
    end_mentorships: Flag,
}

/// The application as it now stands, and what changed.
#[derive(Serialize, utoipa::ToSchema)]
pub struct TakingPart {
    application: ApplicationView,
    requests_closed: usize,
    mentorships_ended: usize,
    message: String,
}

/// The caller's own application with its capacity, or why not.
async fn own_application(
    deps: &Deps,
    actor: &Actor,
    id: &str,
) -> Result<(Application, Capacity), ApiError> {
    let id = ApplicationId::parse(id).map_err(|_| ApiError::NotFound("application"))?;
    let (app, capacity) = deps
        .store
        .application_with_capacity(&id)
        .await?
        .ok_or(ApiError::NotFound("application"))?;
    if app.applicant == actor.email {
        Ok((app, capacity))
    } else {
        Err(ChangeRefused::NotApplicant.into())
    }
}

/// `PUT /api/applications/{id}/pause`: an approved mentee pauses their
/// search (no suggestions, no requests sent, not matched by hand) or an
/// approved mentor stops taking new mentees; `false` resumes. Active
/// mentorships go on.
#[utoipa::path(put, path = "/api/applications/{id}/pause", operation_id = "pause_application", tag = "mentorships",
    request_body = PauseForm, security(("session" = [])),
    params(("id" = String, Path, description = "Application id")),
    responses(
        (status = 200, description = "Saved", body = TakingPart),
        (status = 403, description = "Not the caller's application"),
        (status = 404, description = "No such application"),
        (status = 409, description = "Not approved, or changed meanwhile"),
        (status = 422, description = "`paused` is not true or false"),
    ))]
#[tracing::instrument(skip_all)]
pub async fn pause(
    State(deps): State<Deps>,
    Caller(actor): Caller,
    Path(id): Path<String>,
    Form(body): Form<PauseForm>,
) -> Result<Json<TakingPart>, ApiError> {
    let (app, read) = own_application(&deps, &actor, &id).await?;
    let mut form = FormReader::new();
    let paused = form.answer(
        "paused",
        &body.paused,
        "Say whether to pause: true or false.",
    );
    let paused = form.finish(paused)?;
    if app.status != Status::Approved {
        return Err(ApiError::Conflict(format!(
            "Only an approved application can be paused; this one is {}.",
            app.status.as_str()
        )));
    }
    let action = if paused {
        Action::Paused
    } else {
        Action::Resumed
    };
    let after = deps
        .store
        .set_availability(
            &app,
            read,
            !paused,
            &entry(&actor.email, deps.now(), action),
        )
        .await?;
    let mut application = ApplicationView::of(&app, &actor, &deps.store.lists().await?);
    application.paused = Some(!after.available);
    let message = match (app.role, paused) {
        (Role::Mentee, true) => {
            "Your search for a mentor is paused: you get no suggested matches and cannot send requests until you resume it. Your mentorships go on."
        }
        (Role::Mentee, false) => {
            "Your search for a mentor is on again: you can send requests, and the next suggested matches include you."
        }
        (Role::Mentor, true) => {
            "You are not taking new mentees for now: you are out of search and suggestions. Your mentorships go on."
        }
        (Role::Mentor, false) => "You are taking new mentees again and can be found in search.",
    };
    Ok(Json(TakingPart {
        application,
        requests_closed: 0,
        mentorships_ended: 0,
        message: message.into(),
    }))
}

/// `POST /api/applications/{id}/withdraw`: the applicant withdraws a
/// pending or approved application. Its pending requests close (the other
/// side is told), and, once confirmed with `end_mentorships`, its active
/// mentorships end as discontinued (both told, with the survey).
#[utoipa::path(post, path = "/api/applications/{id}/withdraw", operation_id = "withdraw_application", tag = "mentorships",
    request_body = WithdrawForm, security(("session" = [])),
    params(("id" = String, Path, description = "Application id")),
    responses(
        (status = 200, description = "Withdrawn", body = TakingPart),
        (status = 403, description = "Not the caller's application"),
        (status = 404, description = "No such application"),
        (status = 409, description = "Nothing to withdraw, or active mentorships not confirmed to end"),
        (status = 422, description = "`end_mentorships` is not true or false"),
    ))]
#[tracing::instrument(skip_all)]
pub async fn withdraw(
    State(deps): State<Deps>,
    Caller(actor): Caller,
    Path(id): Path<String>,
    Form(body): Form<WithdrawForm>,
) -> Result<Json<TakingPart>, ApiError> {
    let (app, _) = own_application(&deps, &actor, &id).await?;
    let mut form = FormReader::new();
    let end_mentorships = form.flag("end_mentorships", &body.end_mentorships);
    form.finish(Some(()))?;
    // Refused before anything changes.
    app.withdraw(&actor.email, deps.now())?;
    let active: Vec<_> = active_mentorships(&deps, &actor.email)
        .await?
        .into_iter()
        .filter(|m| hangs_on(m, &app))
        .collect();
    if !active.is_empty() && !end_mentorships {
        let partners: Vec<String> = active
            .iter()
            .filter_map(|m| m.partner_of(&actor.email))
            .map(ToString::to_string)
            .collect();
        return Err(ApiError::Conflict(format!(
            "Withdrawing ends your active mentorship with {}. Confirm that it should end too.",
            partners.join(" and ")
        )));
    }
    let (deps, caller, app_id) = (&deps, &actor.email, &app.id);
    let after = until_written(|| async move {
        let before = deps
            .store
            .application(app_id)
            .await?
            .ok_or(ApiError::NotFound("application"))?;
        let after = before.withdraw(caller, deps.now())?;
        let write = deps
            .store
            .save_application(
                before.version,
                false,
                &after,
                &entry(caller, after.updated_at, Action::Withdrawn),
            )
            .await;
        Ok(landed(write)?.then_some(after))
    })
    .await?;
    let closed = entry(caller, deps.now(), Action::RequestClosed);
    let requests_closed = close_requests_of(deps, &after, &closed, Closing::Withdrawn).await?;
    let mut mentorships_ended = 0;
    for m in active {
        match end_own(deps, caller, &m.id).await {
            Ok(()) => mentorships_ended += 1,
            // Ended by the other side meanwhile.
            Err(ApiError::Conflict(_)) => {}
            Err(e) => return Err(e),
        }
    }
    let message = format!(
        "Your {role} application is withdrawn{requests}{mentorships}. You can change it and send it again at any time.",
        role = after.role,
        requests = match requests_closed {
            0 => String::new(),
            1 => ", 1 pending request is closed".into(),
            n => format!(", {n} pending requests are closed"),
        },
        mentorships = match mentorships_ended {
            0 => String::new(),
            1 => " and your mentorship has ended".into(),
            n => format!(" and your {n} mentorships have ended"),
        },
    );
    Ok(Json(TakingPart {
        application: ApplicationView::of(&after, &actor, &deps.store.lists().await?),
        requests_closed,
        mentorships_ended,
        message,
    }))
}

/// End one of the caller's mentorships because they withdrew; both are told.
async fn end_own(
    deps: &Deps,
    caller: &moments_domain::fields::EmailAddress,
    id: &MentorshipId,
) -> Result<(), ApiError> {
    let reason = LongText::parse("Ended when they withdrew their application from the program.")
        .map_err(|e| ApiError::Internal(e.into()))?;
    let now = deps.now();
    let (_, after, both) = end_mentorship(
        deps,
        id,
        |m| m.end(caller, MentorshipStatus::Discontinued, reason.clone(), now),
        &entry(caller, now, Action::MentorshipEnded),
    )
    .await?;
    tell_ended(deps, &after, &both).await;
    Ok(())
}
