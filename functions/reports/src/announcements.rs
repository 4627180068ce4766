//! Announcements: program administrators write to a group of people (a
//! department administrator, to their own department's), see how many it
//! reaches and how it arrives, and send it now or at a time; the mail
//! queue then sends it at SES's rate, and the page follows its progress.
//! Anyone who gets one can stop them from the link it carries.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use jiff::Timestamp;
use moments_adapters::deps::Deps;
use moments_adapters::http::{ApiError, Caller, Form, Path};
use moments_adapters::store::matching_runs::is_run_id;
use moments_domain::access::Actor;
use moments_domain::announcement::{self, Audience, Body, Group, Subject};
use moments_domain::audit::Action;
use moments_domain::calendar::CalendarId;
use moments_domain::fields::EmailAddress;
use moments_domain::form::{FieldErrors, Flag, FormReader, Text};
use moments_usecases::announcements::{self as usecase, AnnouncementView, Draft};
use serde::{Deserialize, Serialize};

/// Who may write announcements, and to whom: program administrators to
/// anyone, department administrators to their own departments' people.
fn writer(actor: &Actor) -> Result<(), ApiError> {
    if actor.program_admin || !actor.departments.is_empty() {
        Ok(())
    } else {
        Err(ApiError::Forbidden(
            "Only program and department administrators can send announcements.".into(),
        ))
    }
}

/// An announcement as written on the page.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct AnnouncementForm {
    /// Up to 150 characters, one line.
    #[schema(value_type = String)]
    subject: Text,
    /// Plain text or Markdown, up to 10,000 characters, no HTML.
    #[schema(value_type = String)]
    body: Text,
    /// `everyone`, `mentees_without_mentor`, `mentors_with_room`,
    /// `supervisors_waiting`, `registrants` or `match_group`.
    #[schema(value_type = String)]
    group: Text,
    /// A department's id: only its people. Required of department
    /// administrators (one of theirs).
    #[schema(value_type = String, required = false)]
    department: Text,
    /// The event's id (for `registrants`) or the match group's (for `match_group`).
    #[schema(value_type = String, required = false)]
    of: Text,
    /// `YYYY-MM-DDTHH:MM`, program time (America/Chicago); empty: now.
    #[schema(value_type = String, required = false)]
    send_at: Text,
}

/// A checked form, and the audience in words.
struct Checked {
    draft: Draft,
    audience_name: String,
}

/// Every field checked at once, each error under its name; what the
/// caller may not send to is refused as a field error too.
async fn check(
    deps: &Deps,
    actor: &Actor,
    form: &AnnouncementForm,
    now: Timestamp,
) -> Result<Checked, ApiError> {
    let mut f = FormReader::new();
    let subject = f.parsed("subject", &form.subject, Subject::parse);
    let body = f.parsed("body", &form.body, Body::parse);
    let group = f.parsed("group", &form.group, Group::parse);
    let list = deps.store.departments().await?;
    let department = f.optional("department", &form.department, |raw| list.known(raw));
    let of = f.optional("of", &form.of, CalendarId::parse);
    let send_at = f.optional("send_at", &form.send_at, |raw| {
        announcement::send_time(raw, now)
    });
    let mut errors = match f.finish(Some(())) {
        Ok(()) => FieldErrors::default(),
        Err(e) => e,
    };
    if !actor.program_admin {
        match &department {
            None if !errors.has("department") => errors.add(
                "department",
                "Choose one of your departments: department administrators write to their own department's people.",
            ),
            Some(d) if !actor.departments.contains(d) => errors.add(
                "department",
                "You can only write to the people of a department you administer.",
            ),
            _ => {}
        }
        if group == Some(Group::Registrants) {
            errors.add(
                "group",
                "Only program administrators can write to an event's registrants.",
            );
        }
    }
    let mut of_name = None;
    match (group, &of) {
        (Some(Group::Registrants), Some(id)) => {
            match moments_usecases::calendar::event(deps, id).await? {
                Some(e) => of_name = Some(e.event.title.to_string()),
                None => errors.add("of", format!("No event has the id {id}.")),
            }
        }
        (Some(Group::MatchGroup), Some(id)) => {
            match moments_usecases::calendar::group(deps, id).await? {
                Some(g) => of_name = Some(g.group.name.to_string()),
                None => errors.add("of", format!("No match group has the id {id}.")),
            }
        }
        (Some(Group::Registrants), None) if !errors.has("of") => {
            errors.add("of", "Choose the event whose registrants it is for.")
        }
        (Some(Group::MatchGroup), None) if !errors.has("of") => {
            errors.add("of", "Choose the match group it is for.")
        }
        _ => {}
    }
    let (Some(subject), Some(body), Some(group), true) = (subject, body, group, errors.is_empty())
    else {
        return Err(ApiError::Invalid(errors));
    };
    let of = matches!(group, Group::Registrants | Group::MatchGroup)
        .then_some(of)
        .flatten();
    let audience = Audience {
        group,
        department,
        of,
    };
    let audience_name = usecase::audience_name(&audience, of_name.as_deref(), &list);
    Ok(Checked {
        draft: Draft {
            subject,
            body,
            audience,
            send_at,
        },
        audience_name,
    })
}

/// How an announcement would arrive, and how many it would reach now.
#[derive(Serialize, utoipa::ToSchema)]
pub struct AnnouncementPreview {
    /// People in the audience now, before any opt-out.
    reach: usize,
    audience: String,
    subject: String,
    /// The whole email as it arrives (plain text), with an example link
    /// in place of each person's own.
    text: String,
}

/// See how an announcement arrives and how many people it reaches now,
/// without saving or sending anything.
#[utoipa::path(post, path = "/api/admin/announcements/preview", operation_id = "preview_announcement", tag = "reports",
    request_body = AnnouncementForm, security(("session" = [])),
    responses(
        (status = 200, description = "The email as it arrives, and its reach", body = AnnouncementPreview),
        (status = 403, description = "Not a program or department administrator"),
        (status = 422, description = "Fields need attention"),
    ))]
#[tracing::instrument(skip_all)]
pub async fn preview(
    State(deps): State<Deps>,
    Caller(actor): Caller,
    Form(form): Form<AnnouncementForm>,
) -> Result<Json<AnnouncementPreview>, ApiError> {
    writer(&actor)?;
    let now = deps.now();
    let checked = check(&deps, &actor, &form, now).await?;
    let reach = usecase::reach(&deps, &checked.draft.audience).await?;
    let sample = announcement::Announcement {
        id: String::new(),
        subject: checked.draft.subject.clone(),
        body: checked.draft.body.clone(),
        audience: checked.draft.audience.clone(),
        audience_name: checked.audience_name.clone(),
        written_by: actor.email.to_string(),
        written_at: now,
        send_at: now,
        stage: announcement::Stage::Scheduled,
        found: 0,
        opted_out: 0,
        queued: 0,
        version: 0,
    };
    let link = format!(
        "{}/announcements/#(each person's own link)",
        deps.config.base_url
    );
    let message = announcement::message(&sample, "", &link, "");
    Ok(Json(AnnouncementPreview {
        reach,
        audience: checked.audience_name,
        subject: message.subject,
        text: message.text,
    }))
}

/// Save an announcement and send it now or at its time: a job finds the
/// audience then and queues one copy for each person who has not opted out.
#[utoipa::path(post, path = "/api/admin/announcements", operation_id = "send_announcement", tag = "reports",
    request_body = AnnouncementForm, security(("session" = [])),
    responses(
        (status = 202, description = "Saved; queued at its time, follow it at its address", body = AnnouncementView),
        (status = 403, description = "Not a program or department administrator"),
        (status = 422, description = "Fields need attention, or nobody is in the audience"),
    ))]
#[tracing::instrument(skip_all)]
pub async fn send(
    State(deps): State<Deps>,
    Caller(actor): Caller,
    Form(form): Form<AnnouncementForm>,
) -> Result<(StatusCode, Json<AnnouncementView>), ApiError> {
    writer(&actor)?;
    let now = deps.now();
    let checked = check(&deps, &actor, &form, now).await?;
    let a = usecase::write(
        &deps,
        &actor.email,
        checked.draft,
        checked.audience_name,
        now,
    )
    .await?;
    deps.schedule_job(&usecase::queue_job(&a), a.send_at).await;
    Ok((
        StatusCode::ACCEPTED,
        Json(AnnouncementView::of(&a, Default::default())),
    ))
}

/// The latest announcements, newest first.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Announcements {
    announcements: Vec<AnnouncementView>,
}

/// The latest announcements (twenty), newest first; a department
/// administrator sees those to their departments.
#[utoipa::path(get, path = "/api/admin/announcements", operation_id = "announcements", tag = "reports",
    security(("session" = [])),
    responses(
        (status = 200, description = "The latest announcements", body = Announcements),
        (status = 403, description = "Not a program or department administrator"),
    ))]
#[tracing::instrument(skip_all)]
pub async fn list(
    State(deps): State<Deps>,
    Caller(actor): Caller,
) -> Result<Json<Announcements>, ApiError> {
    writer(&actor)?;
    let departments = (!actor.program_admin).then_some(actor.departments.as_slice());
    Ok(Json(Announcements {
        announcements: usecase::latest(&deps, departments).await?,
    }))
}

/// One change to an announcement.
#[derive(Serialize, utoipa::ToSchema)]
pub struct AnnouncementChange {
    at: String,
    by: String,
    #[schema(value_type = String)]
    action: Action,
    note: Option<String>,
}

/// An announcement, its delivery so far, and who wrote or cancelled it.
#[derive(Serialize, utoipa::ToSchema)]
pub struct AnnouncementDetail {
    announcement: AnnouncementView,
    /// Oldest first.
    history: Vec<AnnouncementChange>,
}

/// The announcement's id as a key, or 404.
fn announcement_id(id: &str) -> Result<&str, ApiError> {
    if is_run_id(id) {
        Ok(id)
    } else {
        Err(ApiError::NotFound("announcement"))
    }
}

/// The announcement, if the caller may see it.
async fn visible(
    deps: &Deps,
    actor: &Actor,
    id: &str,
) -> Result<announcement::Announcement, ApiError> {
    writer(actor)?;
    let (a, _) = deps
        .store
        .announcement(announcement_id(id)?)
        .await?
        .ok_or(ApiError::NotFound("announcement"))?;
    let theirs = actor.program_admin
        || a.audience
            .department
            .as_ref()
            .is_some_and(|d| actor.departments.contains(d));
    if theirs {
        Ok(a)
    } else {
        Err(ApiError::NotFound("announcement"))
    }
}

/// One announcement: how far its sending has got, and its history.
#[utoipa::path(get, path = "/api/admin/announcements/{id}", operation_id = "announcement", tag = "reports",
    security(("session" = [])),
    params(("id" = String, Path, description = "The announcement's id")),
    responses(
        (status = 200, description = "The announcement", body = AnnouncementDetail),
        (status = 403, description = "Not a program or department administrator"),
        (status = 404, description = "No such announcement (or not one of your departments')"),
    ))]
#[tracing::instrument(skip_all)]
pub async fn one(
    State(deps): State<Deps>,
    Caller(actor): Caller,
    Path(id): Path<String>,
) -> Result<Json<AnnouncementDetail>, ApiError> {
    let a = visible(&deps, &actor, &id).await?;
    let (a, delivery) = deps
        .store
        .announcement(&a.id)
        .await?
        .ok_or(ApiError::NotFound("announcement"))?;
    let history = deps
        .store
        .announcement_audit(&a.id)
        .await?
        .into_iter()
        .map(|e| AnnouncementChange {
            at: e.at.to_string(),
            by: e.actor.to_string(),
            action: e.action,
            note: e.note,
        })
        .collect();
    Ok(Json(AnnouncementDetail {
        announcement: AnnouncementView::of(&a, delivery),
        history,
    }))
}

/// Cancel an announcement that is waiting for its time.
#[utoipa::path(post, path = "/api/admin/announcements/{id}/cancel", operation_id = "cancel_announcement", tag = "reports",
    security(("session" = [])),
    params(("id" = String, Path, description = "The announcement's id")),
    responses(
        (status = 200, description = "Cancelled; nobody gets it", body = AnnouncementView),
        (status = 403, description = "Not a program or department administrator"),
        (status = 404, description = "No such announcement (or not one of your departments')"),
        (status = 409, description = "It is being sent or was sent already"),
    ))]
#[tracing::instrument(skip_all)]
pub async fn cancel(
    State(deps): State<Deps>,
    Caller(actor): Caller,
    Path(id): Path<String>,
) -> Result<Json<AnnouncementView>, ApiError> {
    let a = visible(&deps, &actor, &id).await?;
    let a = usecase::cancel(&deps, &actor.email, &a.id).await?;
    deps.cancel(&usecase::queue_job(&a).name()).await;
    Ok(Json(AnnouncementView::of(&a, Default::default())))
}

/// Stop (or start again) getting announcements, from the link in one.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct PreferenceForm {
    /// The id of the announcement the link came with.
    #[schema(value_type = String)]
    announcement: Text,
    /// The address it was sent to.
    #[schema(value_type = String)]
    email: Text,
    /// The token from the link.
    #[schema(value_type = String)]
    token: Text,
    /// `false` to stop getting announcements, `true` to get them again.
    #[schema(value_type = bool)]
    receive: Flag,
}

/// Whether the address gets announcements now.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Preference {
    email: String,
    receive: bool,
}

/// Stop getting announcements, or get them again, with the link an
/// announcement carried: no sign-in, and only for the address it was sent
/// to. Mail about a person's own applications and mentorships is not affected.
#[utoipa::path(post, path = "/api/announcements/preference", operation_id = "announcement_preference", tag = "reports",
    request_body = PreferenceForm,
    responses(
        (status = 200, description = "Saved", body = Preference),
        (status = 404, description = "The link does not match an announcement sent to that address"),
        (status = 422, description = "Fields need attention"),
    ))]
#[tracing::instrument(skip_all)]
pub async fn preference(
    State(deps): State<Deps>,
    Form(form): Form<PreferenceForm>,
) -> Result<Json<Preference>, ApiError> {
    let mut f = FormReader::new();
    let id = f.text("announcement", &form.announcement);
    let email = f.parsed("email", &form.email, EmailAddress::parse);
    let token = f.text("token", &form.token);
    let receive = f.answer(
        "receive",
        &form.receive,
        "Say whether to get announcements (true) or not (false).",
    );
    let (email, receive) = f.finish(email.zip(receive))?;
    let matched = is_run_id(&id)
        && !token.is_empty()
        && usecase::set_preference(&deps, &id, &email, &token, !receive).await?;
    if !matched {
        return Err(ApiError::NotFound("announcement sent to that address"));
    }
    Ok(Json(Preference {
        email: email.to_string(),
        receive,
    }))
}

/// A mail client's one-click "Unsubscribe" (RFC 8058): it posts
/// `List-Unsubscribe=One-Click` to the address in the announcement's
/// `List-Unsubscribe` header, from its own servers, so this is the one
/// change taken without our pages' origin (the token in the address is the
/// proof). The body is not read.
#[utoipa::path(post, path = "/api/announcements/{id}/unsubscribe/{to}/{token}", operation_id = "unsubscribe_one_click", tag = "reports",
    params(
        ("id" = String, Path, description = "The announcement"),
        ("to" = String, Path, description = "The address it was sent to"),
        ("token" = String, Path, description = "The token sent with that copy"),
    ),
    responses(
        (status = 200, description = "No more announcements go to that address", body = Preference),
        (status = 404, description = "The address does not match an announcement sent to that address"),
    ))]
#[tracing::instrument(skip_all)]
pub async fn one_click(
    State(deps): State<Deps>,
    Path((id, to, token)): Path<(String, String, String)>,
) -> Result<Json<Preference>, ApiError> {
    let unknown = || ApiError::NotFound("announcement sent to that address");
    let email = EmailAddress::parse(&to).map_err(|_| unknown())?;
    let matched = is_run_id(&id)
        && !token.is_empty()
        && usecase::set_preference(&deps, &id, &email, &token, true).await?;
    if !matched {
        return Err(unknown());
    }
    Ok(Json(Preference {
        email: email.to_string(),
        receive: false,
    }))
}

/// The same address opened in a browser (a mail client without one-click
/// support, or a person pasting it): nothing changes on a GET, which mail
/// scanners follow; it leads to the page that asks first.
#[utoipa::path(get, path = "/api/announcements/{id}/unsubscribe/{to}/{token}", operation_id = "unsubscribe_page", tag = "reports",
    params(
        ("id" = String, Path, description = "The announcement"),
        ("to" = String, Path, description = "The address it was sent to"),
        ("token" = String, Path, description = "The token sent with that copy"),
    ),
    responses((status = 303, description = "To the page that stops announcements, with the link's details")))]
#[tracing::instrument(skip_all)]
pub async fn unsubscribe_page(
    State(deps): State<Deps>,
    Path((id, to, token)): Path<(String, String, String)>,
) -> Response {
    // An id and a token are letters, digits, `-` and `_`: anything else
    // in them is not carried into the page's address.
    let keep = |s: &str| -> String {
        s.chars()
            .filter(|c| c.is_ascii_alphanumeric() || "-_".contains(*c))
            .collect()
    };
    let page = format!(
        "{}/announcements/#a={}&to={}&t={}",
        deps.config.base_url,
        keep(&id),
        usecase::urlencode(&to),
        keep(&token)
    );
    Redirect::to(&page).into_response()
}
