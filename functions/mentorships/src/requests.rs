//! "Select as Mentor" requests: sending, reading, accepting, declining,
//! withdrawing; closing the ones a new match leaves without room.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use moments_adapters::deps::Deps;
use moments_adapters::http::limits::{self, REQUESTS_PER_MENTEE};
use moments_adapters::http::views::{MenteeCard, MentorshipView, RequestView};
use moments_adapters::http::{ApiError, Caller, Form, Path, ResultExt, random_bytes};
use moments_adapters::store::{MentorshipRecord, RequestSides, StoreError};
use moments_domain::application::{Application, ApplicationId, Role};
use moments_domain::audit::Action;
use moments_domain::fields::{EmailAddress, Note};
use moments_domain::form::{FormReader, Text};
use moments_domain::mentorship::{
    CLOSED_MENTEE_FULL, CLOSED_MENTOR_FULL, MAX_ACTIVE, Mentorship, MentorshipId,
    MentorshipRequest, RequestId, RequestStatus, RespondRefused, SelectRefused, Sides, select,
};
use moments_domain::notify::{self, Who};
use moments_domain::reminders::{request_jobs, withdrawal_job};
use serde::{Deserialize, Serialize};

use moments_domain::departments::StoredDepartments;

use crate::{entry, landed, own, sides, until_written};

/// A request that is no longer pending needs no reminder nor expiry.
pub(crate) async fn cancel_request_jobs(deps: &Deps, r: &MentorshipRequest) {
    for (job, _) in request_jobs(r) {
        deps.cancel(&job.name()).await;
    }
}

/// Applications by id, each read once, and the departments' names, for
/// showing requests.
pub(crate) struct Apps<'a> {
    deps: &'a Deps,
    seen: HashMap<ApplicationId, Application>,
    departments: Option<StoredDepartments>,
}

impl<'a> Apps<'a> {
    pub(crate) fn new(deps: &'a Deps) -> Self {
        Apps {
            deps,
            seen: HashMap::new(),
            departments: None,
        }
    }
    pub(crate) async fn get(&mut self, id: &ApplicationId) -> Result<Application, ApiError> {
        if let Some(app) = self.seen.get(id) {
            return Ok(app.clone());
        }
        let app = self.deps.store.application(id).await?.ok_or_else(|| {
            ApiError::Internal(format!("application {id} referred to but missing").into())
        })?;
        self.seen.insert(id.clone(), app.clone());
        Ok(app)
    }
    async fn view(&mut self, r: &MentorshipRequest) -> Result<RequestView, ApiError> {
        let mentee = self.get(&r.mentee_application).await?;
        let mentor = self.get(&r.mentor_application).await?;
        let departments = match self.departments.take() {
            Some(d) => d,
            None => self.deps.store.departments().await?,
        };
        let view = RequestView::of(r, &mentee, &mentor, &departments);
        self.departments = Some(departments);
        Ok(view)
    }
}

/// "Select as Mentor".
#[derive(Deserialize, utoipa::ToSchema)]
pub struct RequestForm {
    /// The mentor's application id.
    #[schema(value_type = String)]
    mentor: Text,
    /// A note to the mentor.
    #[schema(value_type = String, required = false)]
    message: Text,
}

/// Why the mentor declines, if they say.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct DeclineForm {
    #[schema(value_type = String, required = false)]
    reason: Text,
}

/// Requests to and from the caller.
#[derive(Serialize, utoipa::ToSchema)]
pub struct RequestLists {
    /// To the caller as mentor, newest first.
    incoming: Vec<RequestView>,
    /// From the caller as mentee, newest first.
    outgoing: Vec<RequestView>,
}

/// A request accepted, and the mentorship it started.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Accepted {
    request: RequestView,
    mentorship: MentorshipView,
}

/// "Select as Mentor": ask a mentor; they are emailed.
#[utoipa::path(post, path = "/api/requests", operation_id = "create_request", tag = "mentorships", request_body = RequestForm,
    security(("session" = [])),
    responses(
        (status = 201, description = "Sent", body = RequestView),
        (status = 404, description = "No such mentor"),
        (status = 409, description = "Refused; `detail` says why"),
        (status = 422, description = "Fields need attention"),
        (status = 429, description = "The day's requests are used up"),
    ))]
#[tracing::instrument(skip_all)]
pub async fn create(
    State(deps): State<Deps>,
    Caller(actor): Caller,
    Form(body): Form<RequestForm>,
) -> Result<(StatusCode, Json<RequestView>), ApiError> {
    let mut form = FormReader::new();
    let mentor_id = form.parsed("mentor", &body.mentor, |s| {
        ApplicationId::parse(s.trim()).map_err(|_| "Choose a mentor from the search.".to_string())
    });
    let message = form.optional("message", &body.message, Note::parse);
    let mentor_id = form.finish(mentor_id)?;

    let counted = AtomicBool::new(false);
    let (deps, caller, mentor_id, message, counted) =
        (&deps, &actor.email, &mentor_id, &message, &counted);
    let (request, both) = until_written(|| async move {
        let (request, both) = selected(deps, caller, mentor_id, message.clone()).await?;
        // Counted once the request is one the mentee may send, so refusals
        // (a full mentor, a repeat) do not use up the day's requests.
        if !counted.swap(true, Ordering::Relaxed) {
            deps.within_limits(&[(
                REQUESTS_PER_MENTEE,
                caller.as_str(),
                limits::requests_message,
            )])
            .await?;
        }
        let write = deps
            .store
            .create_request(
                &request,
                &both,
                &entry(caller, request.created_at, Action::RequestSent),
            )
            .await;
        let landed = landed(write).on_exists(|| SelectRefused::AlreadyPaired.into())?;
        Ok(landed.then_some((request, both)))
    })
    .await?;
    for (job, at) in request_jobs(&request) {
        deps.schedule_job(&job, at).await;
    }
    // The link signs the mentor in and opens the request: accepting takes
    // the link, "Sign in", "Accept".
    let link = deps
        .task_link(
            &both.mentor.applicant,
            &format!("/requests/?id={}", request.id),
            notify::request_task(&both.mentee),
        )
        .await;
    let departments = deps.store.departments().await?;
    deps.notify(notify::request_received(
        &Who::of(&both.mentor),
        &both.mentee,
        request.message.as_ref().map(|m| m.as_str()),
        &link,
        &departments,
    ))
    .await;
    Ok((
        StatusCode::CREATED,
        Json(RequestView::of(
            &request,
            &both.mentee,
            &both.mentor,
            &departments,
        )),
    ))
}

/// The request the caller would send to this mentor now, with both sides
/// as read, or why it may not be sent.
async fn selected(
    deps: &Deps,
    caller: &EmailAddress,
    mentor_id: &ApplicationId,
    message: Option<Note>,
) -> Result<(MentorshipRequest, RequestSides), ApiError> {
    let (mentor, mentor_capacity) = deps
        .store
        .application_with_capacity(mentor_id)
        .await?
        .ok_or(ApiError::NotFound("mentor"))?;
    if mentor.role != Role::Mentor {
        return Err(ApiError::NotFound("mentor"));
    }
    let mine = own(deps, caller, Role::Mentee).await?;
    let paired = deps.store.is_paired(caller, &mentor.applicant).await?;
    let sides = Sides {
        mentee: mine.as_ref().map(|(a, c)| (a, *c)),
        mentor: (&mentor, mentor_capacity),
    };
    let id = RequestId::from_random(random_bytes()?);
    let request = select(caller, &sides, paired, id, message, deps.now())?;
    let Some((mentee, mentee_capacity)) = mine else {
        return Err(SelectRefused::MenteeNotApproved.into());
    };
    Ok((
        request,
        RequestSides {
            mentee,
            mentee_capacity,
            mentor,
            mentor_capacity,
        },
    ))
}

/// Requests to and from the caller.
#[utoipa::path(get, path = "/api/requests", operation_id = "list_requests", tag = "mentorships", security(("session" = [])),
    responses((status = 200, description = "Incoming and outgoing", body = RequestLists)))]
#[tracing::instrument(skip_all)]
pub async fn list(
    State(deps): State<Deps>,
    Caller(actor): Caller,
) -> Result<Json<RequestLists>, ApiError> {
    let mut apps = Apps::new(&deps);
    let mut incoming = Vec::new();
    for r in deps.store.requests_to(&actor.email).await? {
        incoming.push(apps.view(&r).await?);
    }
    let mut outgoing = Vec::new();
    for r in deps.store.requests_from(&actor.email).await? {
        outgoing.push(apps.view(&r).await?);
    }
    Ok(Json(RequestLists { incoming, outgoing }))
}

async fn load(deps: &Deps, id: &str) -> Result<MentorshipRequest, ApiError> {
    let id = RequestId::parse(id).map_err(|_| ApiError::NotFound("request"))?;
    deps.store
        .request(&id)
        .await?
        .ok_or(ApiError::NotFound("request"))
}

fn only_the_two(r: &MentorshipRequest, email: &EmailAddress) -> Result<(), ApiError> {
    if email == &r.mentee || email == &r.mentor {
        Ok(())
    } else {
        Err(ApiError::Forbidden(
            "Only the mentee and the mentor of this request can see it.".into(),
        ))
    }
}

/// One request, for its mentee or mentor. While it waits for an answer
/// (and once accepted) the mentor also gets the mentee's card: what helps
/// to decide, not their phone, supervisor or work location.
#[utoipa::path(get, path = "/api/requests/{id}", operation_id = "read_request", tag = "mentorships", security(("session" = [])),
    params(("id" = String, Path, description = "Request id")),
    responses(
        (status = 200, description = "The request", body = RequestView),
        (status = 403, description = "Not one of its two people"),
        (status = 404, description = "No such request"),
    ))]
#[tracing::instrument(skip_all)]
pub async fn read(
    State(deps): State<Deps>,
    Caller(actor): Caller,
    Path(id): Path<String>,
) -> Result<Json<RequestView>, ApiError> {
    let r = load(&deps, &id).await?;
    only_the_two(&r, &actor.email)?;
    let mut apps = Apps::new(&deps);
    let mut view = apps.view(&r).await?;
    let deciding = matches!(r.status, RequestStatus::Pending | RequestStatus::Accepted);
    if actor.email == r.mentor && deciding {
        let mentee = apps.get(&r.mentee_application).await?;
        let lists = deps.store.lists().await?;
        view.mentee_card = Some(MenteeCard::of(&mentee, &lists));
    }
    Ok(Json(view))
}

/// The mentor accepts: a mentorship starts.
#[utoipa::path(post, path = "/api/requests/{id}/accept", operation_id = "accept_request", tag = "mentorships", security(("session" = [])),
    params(("id" = String, Path, description = "Request id")),
    responses(
        (status = 200, description = "Matched", body = Accepted),
        (status = 403, description = "Not the mentor"),
        (status = 404, description = "No such request"),
        (status = 409, description = "No longer pending, or a side is full"),
    ))]
#[tracing::instrument(skip_all)]
pub async fn accept(
    State(deps): State<Deps>,
    Caller(actor): Caller,
    Path(id): Path<String>,
) -> Result<Json<Accepted>, ApiError> {
    let (deps, caller, id) = (&deps, &actor.email, &id);
    let (after, mentorship, both) = until_written(|| async move {
        let before = load(deps, id).await?;
        only_the_two(&before, caller)?;
        let both = sides(deps, &before.mentee_application, &before.mentor_application).await?;
        let mentorship_id = MentorshipId::from_random(random_bytes()?);
        let (after, mentorship) = before.accept(
            caller,
            both.mentor_capacity,
            both.mentee_capacity,
            mentorship_id,
            deps.now(),
        )?;
        let write = deps
            .store
            .accept_request(
                &before,
                &after,
                &mentorship,
                &both,
                &entry(caller, after.updated_at, Action::RequestAccepted),
            )
            .await;
        Ok(landed(write)?.then_some((after, mentorship, both)))
    })
    .await?;
    cancel_request_jobs(deps, &after).await;
    crate::schedule_start(deps, &mentorship).await;
    tell_matched(deps, &mentorship, &both).await;
    close_full_sides(deps, &both).await;
    let record = MentorshipRecord {
        mentorship,
        meeting_count: 0,
        minutes: 0,
    };
    let departments = deps.store.departments().await?;
    Ok(Json(Accepted {
        request: RequestView::of(&after, &both.mentee, &both.mentor, &departments),
        mentorship: MentorshipView::of(
            &record,
            &actor.email,
            &both.mentee,
            &both.mentor,
            &departments,
        ),
    }))
}

/// After a match between `both` (capacities as read before it): close the
/// pending requests of a side that is now full, telling the other side.
/// The match is made: tidying up must not turn it into an error. Any left
/// pending cannot be accepted (capacity is checked) and expire on their own.
pub(crate) async fn close_full_sides(deps: &Deps, both: &RequestSides) {
    if both.mentor_capacity.active + 1 >= MAX_ACTIVE {
        let requests = deps.store.requests_to(&both.mentor.applicant).await;
        tidy(close_pending(deps, requests, CLOSED_MENTOR_FULL).await);
    }
    if both.mentee_capacity.active + 1 >= MAX_ACTIVE {
        let requests = deps.store.requests_from(&both.mentee.applicant).await;
        tidy(close_pending(deps, requests, CLOSED_MENTEE_FULL).await);
    }
}

/// Both are emailed each other's details and asked to connect.
pub(crate) async fn tell_matched(deps: &Deps, mentorship: &Mentorship, both: &RequestSides) {
    let (mentee, mentor) = (&both.mentee, &both.mentor);
    let link = mentorship.id.as_str();
    let base = &deps.config.base_url;
    let phone = |a: &Application| a.details.phone.as_ref().map(|p| p.as_str().to_string());
    deps.notify(notify::matched(
        &Who::of(mentee),
        &Who::of(mentor),
        phone(mentor).as_deref(),
        true,
        link,
        base,
    ))
    .await;
    deps.notify(notify::matched(
        &Who::of(mentor),
        &Who::of(mentee),
        phone(mentee).as_deref(),
        false,
        link,
        base,
    ))
    .await;
}

fn tidy(result: Result<(), ApiError>) {
    if let Err(e) = result {
        tracing::error!(error = %e, "pending requests of a full side not closed");
    }
}

/// Close the still-pending requests of someone who has just reached two
/// mentorships, telling the other side. One that changed meanwhile is left
/// as it is: it was answered.
async fn close_pending(
    deps: &Deps,
    requests: Result<Vec<MentorshipRequest>, StoreError>,
    reason: &str,
) -> Result<(), ApiError> {
    let requests = requests?;
    let mut apps = Apps::new(deps);
    for before in requests
        .into_iter()
        .filter(|r| r.status == RequestStatus::Pending)
    {
        let Ok(after) = before.close(reason, deps.now()) else {
            continue;
        };
        let system = if reason == CLOSED_MENTOR_FULL {
            &before.mentor
        } else {
            &before.mentee
        };
        match deps
            .store
            .answer_request(
                &before,
                &after,
                &entry(system, after.updated_at, Action::RequestClosed),
            )
            .await
        {
            Ok(()) => cancel_request_jobs(deps, &after).await,
            Err(StoreError::Changed) => continue,
            Err(e) => return Err(e.into()),
        }
        let mentee = apps.get(&before.mentee_application).await?;
        let mentor = apps.get(&before.mentor_application).await?;
        let message = if reason == CLOSED_MENTOR_FULL {
            notify::request_not_accepted(
                &Who::of(&mentee),
                &mentor.details.full_name(),
                Some(reason),
                true,
                &deps.config.base_url,
            )
        } else {
            notify::request_withdrawn(
                &Who::of(&mentor),
                &mentee.details.full_name(),
                &deps.config.base_url,
            )
        };
        deps.notify(message).await;
    }
    Ok(())
}

/// Decline or withdraw: the common path of an answer that ends a request.
async fn answer(
    deps: &Deps,
    actor: &EmailAddress,
    id: &str,
    decide: impl Fn(&MentorshipRequest) -> Result<MentorshipRequest, RespondRefused>,
    action: Action,
) -> Result<(MentorshipRequest, Application, Application), ApiError> {
    let decide = &decide;
    let after = until_written(|| async move {
        let before = load(deps, id).await?;
        only_the_two(&before, actor)?;
        let after = decide(&before)?;
        let write = deps
            .store
            .answer_request(&before, &after, &entry(actor, after.updated_at, action))
            .await;
        Ok(landed(write)?.then_some(after))
    })
    .await?;
    cancel_request_jobs(deps, &after).await;
    let mut apps = Apps::new(deps);
    let mentee = apps.get(&after.mentee_application).await?;
    let mentor = apps.get(&after.mentor_application).await?;
    Ok((after, mentee, mentor))
}

/// The mentor declines.
#[utoipa::path(post, path = "/api/requests/{id}/decline", operation_id = "decline_request", tag = "mentorships", request_body = DeclineForm,
    security(("session" = [])),
    params(("id" = String, Path, description = "Request id")),
    responses(
        (status = 200, description = "Declined", body = RequestView),
        (status = 403, description = "Not the mentor"),
        (status = 404, description = "No such request"),
        (status = 409, description = "No longer pending"),
        (status = 422, description = "Fields need attention"),
    ))]
#[tracing::instrument(skip_all)]
pub async fn decline(
    State(deps): State<Deps>,
    Caller(actor): Caller,
    Path(id): Path<String>,
    Form(body): Form<DeclineForm>,
) -> Result<Json<RequestView>, ApiError> {
    let mut form = FormReader::new();
    let reason = form.optional("reason", &body.reason, Note::parse);
    form.finish(Some(()))?;
    let now = deps.now();
    let (after, mentee, mentor) = answer(
        &deps,
        &actor.email,
        &id,
        |r| r.decline(&actor.email, reason.clone(), now),
        Action::RequestDeclined,
    )
    .await?;
    deps.notify(notify::request_not_accepted(
        &Who::of(&mentee),
        &mentor.details.full_name(),
        after.reason.as_deref(),
        false,
        &deps.config.base_url,
    ))
    .await;
    let departments = deps.store.departments().await?;
    Ok(Json(RequestView::of(
        &after,
        &mentee,
        &mentor,
        &departments,
    )))
}

/// The mentee withdraws.
#[utoipa::path(post, path = "/api/requests/{id}/withdraw", operation_id = "withdraw_request", tag = "mentorships", security(("session" = [])),
    params(("id" = String, Path, description = "Request id")),
    responses(
        (status = 200, description = "Withdrawn", body = RequestView),
        (status = 403, description = "Not the mentee"),
        (status = 404, description = "No such request"),
        (status = 409, description = "No longer pending"),
    ))]
#[tracing::instrument(skip_all)]
pub async fn withdraw(
    State(deps): State<Deps>,
    Caller(actor): Caller,
    Path(id): Path<String>,
) -> Result<Json<RequestView>, ApiError> {
    let now = deps.now();
    let (after, mentee, mentor) = answer(
        &deps,
        &actor.email,
        &id,
        |r| r.withdraw(&actor.email, now),
        Action::RequestWithdrawn,
    )
    .await?;
    // The mentor hears of it once it can no longer be undone.
    let held = withdrawal_job(&after);
    deps.schedule_job(&held.job, held.due).await;
    let departments = deps.store.departments().await?;
    let mut view = RequestView::of(&after, &mentee, &mentor, &departments);
    view.undo_until = Some(held.due.to_string());
    Ok(Json(view))
}

/// The mentee takes back a withdrawal within 10 seconds (`undo_until` in
/// the withdrawal's answer), before the mentor is told: the request waits
/// for an answer again, with its reminder and expiry as before.
#[utoipa::path(delete, path = "/api/requests/{id}/withdrawal", operation_id = "undo_withdraw_request", tag = "mentorships",
    security(("session" = [])),
    params(("id" = String, Path, description = "Request id")),
    responses(
        (status = 200, description = "Undone: the request is pending again", body = RequestView),
        (status = 403, description = "Not the mentee"),
        (status = 404, description = "No such request"),
        (status = 409, description = "Not withdrawn, too late, or the pair or a side changed since"),
    ))]
#[tracing::instrument(skip_all)]
pub async fn undo_withdraw(
    State(deps): State<Deps>,
    Caller(actor): Caller,
    Path(id): Path<String>,
) -> Result<Json<RequestView>, ApiError> {
    let before = load(&deps, &id).await?;
    only_the_two(&before, &actor.email)?;
    let after = before.undo_withdraw(&actor.email, deps.now())?;
    let held = withdrawal_job(&before);
    deps.store
        .restore_request(
            &before,
            &after,
            &held.notice,
            &entry(&actor.email, after.updated_at, Action::WithdrawalUndone),
        )
        .await
        .on_exists_or_changed(
            || RespondRefused::TooLateToUndo.into(),
            || {
                ApiError::Conflict(
                    "The request can no longer be restored: you or the mentor changed since (a new request, a new mentorship, or an application no longer approved). Send a new request instead."
                        .into(),
                )
            },
        )?;
    deps.cancel(&held.job.name()).await;
    for (job, at) in request_jobs(&after) {
        deps.schedule_job(&job, at).await;
    }
    let mut apps = Apps::new(&deps);
    let mentee = apps.get(&after.mentee_application).await?;
    let mentor = apps.get(&after.mentor_application).await?;
    let departments = deps.store.departments().await?;
    Ok(Json(RequestView::of(
        &after,
        &mentee,
        &mentor,
        &departments,
    )))
}
