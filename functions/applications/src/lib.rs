//! The `applications` function: submit, read, edit, and reroute mentee and
//! mentor applications; the catalogue the forms are built from.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use moments_adapters::deps::Deps;
use moments_adapters::http::limits::{
    self, APPLICATION_CHANGES_PER_PERSON, REVIEW_MAILS_PER_PERSON,
};
use moments_adapters::http::views::ApplicationView;
use moments_adapters::http::{ApiError, Caller, Form, Path, ResultExt, random_bytes};
use moments_domain::access::Actor;
use moments_domain::application::{
    Application, ApplicationForm, ApplicationId, ChangeRefused, CorrectionForm, Details,
    EditEffect, Role, Statements, Supervisor, SupervisorForm, corrected_fields,
};
use moments_domain::audit::{Action, AuditEntry};
use moments_domain::calendar::{CalendarId, group_applying, program_today};
use moments_domain::catalogue::{Catalogue, Entry, Lists, SkillKind};
use moments_domain::departments::{DepartmentEntry, StoredDepartments};
use moments_domain::fields::LongText;
use moments_domain::form::{FieldErrors, FormReader};
use moments_domain::notify;
use serde::Serialize;

moments_adapters::http_api! {
    read_catalogue;
    mine, submit;
    check;
    read, edit;
    reroute;
    correct;
}

/// The match group an application sent now joins (its figures count there):
/// read from the calendar's upcoming dates, a bounded read.
async fn joined_group(deps: &Deps) -> Result<Option<CalendarId>, ApiError> {
    let today = program_today(deps.now());
    let (groups, _) = moments_usecases::calendar::calendar_from(deps, today).await?;
    let groups: Vec<_> = groups.into_iter().map(|g| g.group).collect();
    Ok(group_applying(&groups, today).map(|g| g.id.clone()))
}

/// The signed-in person's applications.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Applications {
    /// At most one per role.
    applications: Vec<ApplicationView>,
}

/// The skills, departments and working hours the forms offer: the skills,
/// departments and divisions as the program team keeps them now, retired
/// ones left out.
#[derive(Serialize, utoipa::ToSchema)]
pub struct CatalogueView {
    career_skills: Vec<Entry>,
    soft_skills: Vec<Entry>,
    /// Each with its divisions, empty where it has none.
    departments: Vec<DepartmentEntry>,
    working_hours: Vec<Entry>,
    /// Skills no longer offered, by their names now: a search filter or an
    /// application may still name them.
    retired_skills: Vec<Entry>,
    /// Departments no longer offered, by their names now.
    retired_departments: Vec<Entry>,
    /// The skills' version: 0 while they are still the seed.
    skills_version: u64,
    /// The departments' version: 0 while they are still the seed.
    departments_version: u64,
}

#[utoipa::path(get, path = "/api/catalogue", tag = "applications",
    responses((status = 200, description = "The catalogue", body = CatalogueView)))]
async fn read_catalogue(State(deps): State<Deps>) -> Result<Json<CatalogueView>, ApiError> {
    let Lists {
        skills,
        departments,
    } = deps.store.lists().await?;
    Ok(Json(CatalogueView {
        career_skills: skills.open(SkillKind::Career),
        soft_skills: skills.open(SkillKind::Soft),
        departments: departments.open(),
        working_hours: Catalogue::get().working_hours.clone(),
        retired_skills: skills.retired(),
        retired_departments: departments.retired(),
        skills_version: skills.version(),
        departments_version: departments.version(),
    }))
}

/// Load an application the caller may see; others' are refused without
/// saying more.
pub async fn load_visible(deps: &Deps, actor: &Actor, id: &str) -> Result<Application, ApiError> {
    let id = ApplicationId::parse(id).map_err(|_| ApiError::NotFound("application"))?;
    let app = deps
        .store
        .application(&id)
        .await?
        .ok_or(ApiError::NotFound("application"))?;
    if app.visible_to(actor) {
        Ok(app)
    } else {
        Err(ApiError::Forbidden(
            "Only the applicant, their supervisor and program administrators can see this application.".into(),
        ))
    }
}

/// Load the caller's own application: others (even its supervisor) are
/// refused before their input is looked at.
async fn load_own(deps: &Deps, actor: &Actor, id: &str) -> Result<Application, ApiError> {
    let app = load_visible(deps, actor, id).await?;
    if app.applicant == actor.email {
        Ok(app)
    } else {
        Err(ChangeRefused::NotApplicant.into())
    }
}

fn entry(actor: &Actor, app: &Application, action: Action, note: Option<String>) -> AuditEntry {
    AuditEntry {
        at: app.updated_at,
        actor: actor.email.clone(),
        action,
        on_behalf_of: None,
        note,
    }
}

/// Apply as mentee or mentor; the supervisor is emailed to review it.
#[utoipa::path(post, path = "/api/applications", operation_id = "submit_application", tag = "applications", request_body = ApplicationForm,
    security(("session" = [])),
    responses(
        (status = 201, description = "Submitted", body = ApplicationView),
        (status = 409, description = "The caller already has an application for that role"),
        (status = 422, description = "Fields need attention"),
        (status = 429, description = "The day's application changes or review emails are used up"),
    ))]
#[tracing::instrument(skip_all)]
async fn submit(
    State(deps): State<Deps>,
    Caller(actor): Caller,
    Form(body): Form<ApplicationForm>,
) -> Result<(StatusCode, Json<ApplicationView>), ApiError> {
    let lists = deps.store.lists().await?;
    let (role, details) = parse_new(&deps, &actor, &body, &lists)?;
    // A second application for the role is refused before it counts
    // against the day's limits; the write below still settles a race.
    let already = |role: Role| {
        ApiError::Conflict(format!(
            "You already have a {role} application. Edit it from My applications instead of applying again."
        ))
    };
    if deps
        .store
        .applications_of(&actor.email)
        .await?
        .iter()
        .any(|a| a.role == role)
    {
        return Err(already(role));
    }
    counted(&deps, &actor, &EditEffect::Resubmitted).await?;
    let id = ApplicationId::from_random(random_bytes()?);
    let app = Application::submit(id, role, actor.email.clone(), details, deps.now())
        .in_group(joined_group(&deps).await?);
    deps.store
        .create_application(&app, &entry(&actor, &app, Action::Submitted, None))
        .await
        .on_exists(|| already(role))?;
    deps.notify(notify::application_received(&app, &deps.config.base_url))
        .await;
    review_requested(&deps, &app, &lists.departments).await;
    Ok((
        StatusCode::CREATED,
        Json(ApplicationView::of(&app, &actor, &lists)),
    ))
}

/// A new application's role and answers, or every field that needs
/// attention.
fn parse_new(
    deps: &Deps,
    actor: &Actor,
    body: &ApplicationForm,
    lists: &Lists,
) -> Result<(Role, Details), FieldErrors> {
    let mut form = FormReader::new();
    let role = form.parsed("role", &body.role, Role::parse);
    let details = Details::parse(
        body,
        role.unwrap_or(Role::Mentee),
        &actor.email,
        &deps.config.domains,
        lists,
    );
    match (role, details) {
        (Some(role), Ok(details)) if form.errors.is_empty() => Ok((role, details)),
        (_, result) => {
            let mut errors = form.errors;
            if let Err(more) = result {
                errors.extend(more);
            }
            Err(errors)
        }
    }
}

/// Check an application's answers as applying would, and do nothing else:
/// nothing is stored, sent or counted. The guided application asks after
/// each of its pages, so a page says what needs attention in the API's own
/// words before the next one is shown.
#[utoipa::path(post, path = "/api/applications/check", operation_id = "check_application", tag = "applications", request_body = ApplicationForm,
    security(("session" = [])),
    responses(
        (status = 204, description = "Every answer could be sent as it is"),
        (status = 422, description = "Fields need attention"),
    ))]
#[tracing::instrument(skip_all)]
async fn check(
    State(deps): State<Deps>,
    Caller(actor): Caller,
    Form(body): Form<ApplicationForm>,
) -> Result<StatusCode, ApiError> {
    let lists = deps.store.lists().await?;
    parse_new(&deps, &actor, &body, &lists)?;
    Ok(StatusCode::NO_CONTENT)
}

/// The signed-in person's applications.
#[utoipa::path(get, path = "/api/applications", operation_id = "my_applications", tag = "applications", security(("session" = [])),
    responses((status = 200, description = "At most one per role", body = Applications)))]
async fn mine(
    State(deps): State<Deps>,
    Caller(actor): Caller,
) -> Result<Json<Applications>, ApiError> {
    let apps = deps
        .store
        .applications_with_capacity_of(&actor.email)
        .await?;
    let lists = deps.store.lists().await?;
    let applications = apps
        .iter()
        .map(|(app, capacity)| ApplicationView {
            paused: Some(!capacity.available),
            ..ApplicationView::of(app, &actor, &lists)
        })
        .collect();
    Ok(Json(Applications { applications }))
}

/// One application: its applicant, their supervisor, administrators of its
/// department, program administrators.
#[utoipa::path(get, path = "/api/applications/{id}", operation_id = "read_application", tag = "applications", security(("session" = [])),
    params(("id" = String, Path, description = "Application id")),
    responses(
        (status = 200, description = "The application", body = ApplicationView),
        (status = 403, description = "Not the caller's to see"),
        (status = 404, description = "No such application"),
    ))]
async fn read(
    State(deps): State<Deps>,
    Caller(actor): Caller,
    Path(id): Path<String>,
) -> Result<Json<ApplicationView>, ApiError> {
    let app = load_visible(&deps, &actor, &id).await?;
    let lists = deps.store.lists().await?;
    Ok(Json(ApplicationView::of(&app, &actor, &lists)))
}

/// Count a change by the applicant against their daily limits; one that
/// mails a supervisor counts against the review mails too.
async fn counted(deps: &Deps, actor: &Actor, effect: &EditEffect) -> Result<(), ApiError> {
    let who = actor.email.as_str();
    let mut uses = vec![(
        APPLICATION_CHANGES_PER_PERSON,
        who,
        limits::application_changes_message as limits::Message,
    )];
    if *effect != EditEffect::Updated {
        uses.push((REVIEW_MAILS_PER_PERSON, who, limits::review_mails_message));
    }
    deps.within_limits(&uses).await
}

/// Save a change made by the applicant and tell whoever must now act.
async fn save_change(
    deps: &Deps,
    actor: &Actor,
    before: &Application,
    after: Application,
    effect: EditEffect,
    require_pending: bool,
    lists: &Lists,
) -> Result<Json<ApplicationView>, ApiError> {
    counted(deps, actor, &effect).await?;
    let (action, note) = match &effect {
        EditEffect::Updated => (Action::Edited, None),
        EditEffect::Resubmitted => (Action::Resubmitted, None),
        EditEffect::Rerouted { from } => (
            Action::Rerouted,
            Some(format!("from {from} to {}", after.supervisor())),
        ),
    };
    deps.store
        .save_application(
            before.version,
            require_pending,
            &after,
            &entry(actor, &after, action, note),
        )
        .await?;
    match effect {
        EditEffect::Updated => {}
        EditEffect::Rerouted { .. } | EditEffect::Resubmitted => {
            review_requested(deps, &after, &lists.departments).await;
        }
    }
    Ok(Json(ApplicationView::of(&after, actor, lists)))
}

/// Edit one's own application; a denied one goes back to review.
#[utoipa::path(put, path = "/api/applications/{id}", operation_id = "edit_application", tag = "applications", request_body = ApplicationForm,
    security(("session" = [])),
    params(("id" = String, Path, description = "Application id")),
    responses(
        (status = 200, description = "Saved", body = ApplicationView),
        (status = 403, description = "Not the caller's application"),
        (status = 404, description = "No such application"),
        (status = 409, description = "It changed meanwhile"),
        (status = 422, description = "Fields need attention"),
        (status = 429, description = "The day's application changes or review emails are used up"),
    ))]
#[tracing::instrument(skip_all)]
async fn edit(
    State(deps): State<Deps>,
    Caller(actor): Caller,
    Path(id): Path<String>,
    Form(body): Form<ApplicationForm>,
) -> Result<Json<ApplicationView>, ApiError> {
    let app = load_own(&deps, &actor, &id).await?;
    if let Some(role) = body.role.given()
        && role != app.role.as_str()
    {
        return Err(FieldErrors::single(
            "role",
            "The role of an application cannot change; apply separately for the other role.",
        )
        .into());
    }
    let lists = deps.store.lists().await?;
    // Edits of a pending or approved application leave the eligibility
    // statements made when it was sent standing.
    let details = Details::parse_with(
        &body,
        app.role,
        &actor.email,
        &deps.config.domains,
        &lists,
        Statements::for_edit(app.status),
    )?;
    let (after, effect) = app.edit(&actor.email, details, deps.now())?;
    // A pending application must still be pending when the edit lands, or a
    // decision made meanwhile would be overwritten; the version check covers it.
    save_change(&deps, &actor, &app, after, effect, false, &lists).await
}

/// Name another supervisor for a pending application (reroutes its review).
#[utoipa::path(put, path = "/api/applications/{id}/supervisor", tag = "applications",
    request_body = SupervisorForm, security(("session" = [])),
    params(("id" = String, Path, description = "Application id")),
    responses(
        (status = 200, description = "Rerouted", body = ApplicationView),
        (status = 403, description = "Not the caller's application"),
        (status = 404, description = "No such application"),
        (status = 409, description = "No longer pending"),
        (status = 422, description = "Fields need attention"),
        (status = 429, description = "The day's application changes or review emails are used up"),
    ))]
#[tracing::instrument(skip_all)]
async fn reroute(
    State(deps): State<Deps>,
    Caller(actor): Caller,
    Path(id): Path<String>,
    Form(body): Form<SupervisorForm>,
) -> Result<Json<ApplicationView>, ApiError> {
    let app = load_own(&deps, &actor, &id).await?;
    let mut form = FormReader::new();
    let supervisor = Supervisor::read(&mut form, &body, &actor.email, &deps.config.domains);
    let supervisor = form.finish(supervisor)?;
    let (after, effect) = app.reroute(&actor.email, supervisor, deps.now())?;
    let lists = deps.store.lists().await?;
    save_change(&deps, &actor, &app, after, effect, true, &lists).await
}

/// `PUT /api/admin/applications/{id}`: an administrator corrects the facts
/// of someone's application (name, phone, department, post, supervisor,
/// working hours) with a note; the person is told what changed and by
/// whom. A new supervisor or department goes back for review.
#[utoipa::path(put, path = "/api/admin/applications/{id}", operation_id = "correct_application", tag = "care",
    request_body = CorrectionForm, security(("session" = [])),
    params(("id" = String, Path, description = "Application id")),
    responses(
        (status = 200, description = "Corrected", body = ApplicationView),
        (status = 403, description = "Not a program administrator nor one of its department's"),
        (status = 404, description = "No such application"),
        (status = 409, description = "It changed since it was read, or nothing differs"),
        (status = 422, description = "Fields need attention"),
    ))]
#[tracing::instrument(skip_all)]
async fn correct(
    State(deps): State<Deps>,
    Caller(actor): Caller,
    Path(id): Path<String>,
    Form(body): Form<CorrectionForm>,
) -> Result<Json<ApplicationView>, ApiError> {
    if !actor.program_admin && actor.departments.is_empty() {
        return Err(ApiError::Forbidden(
            "Only program administrators and department administrators can correct applications."
                .into(),
        ));
    }
    let id = ApplicationId::parse(&id).map_err(|_| ApiError::NotFound("application"))?;
    let before = deps
        .store
        .application(&id)
        .await?
        .ok_or(ApiError::NotFound("application"))?;
    let mut form = FormReader::new();
    let note = form.parsed("note", &body.note, LongText::parse);
    let version = form.count(
        "version",
        &body.version,
        0..=u64::MAX,
        "Say which version of the application you corrected.",
    );
    let lists = deps.store.lists().await?;
    let details = body.details(
        &before.details,
        &before.applicant,
        &deps.config.domains,
        &lists.departments,
    );
    let (note, version, details) = match (note, version, details) {
        (Some(note), Some(version), Ok(details)) if form.errors.is_empty() => {
            (note, version, details)
        }
        (_, _, result) => {
            let mut errors = form.errors;
            if let Err(more) = result {
                errors.extend(more);
            }
            return Err(errors.into());
        }
    };
    if version != before.version {
        return Err(ApiError::Conflict(
            "The application changed since you read it. Reload the person's records and correct it again.".into(),
        ));
    }
    let (after, effect) = before.correct(&actor, details, deps.now())?;
    let entry = AuditEntry {
        at: after.updated_at,
        actor: actor.email.clone(),
        action: Action::Corrected,
        on_behalf_of: None,
        note: Some(note.as_str().to_string()),
    };
    deps.store
        .save_application(before.version, false, &after, &entry)
        .await
        .on_changed(|| {
            ApiError::Conflict(
                "The application changed at the same moment. Reload the person's records and correct it again.".into(),
            )
        })?;
    let changed = corrected_fields(&before.details, &after.details);
    let reviewed_again = effect != EditEffect::Updated;
    deps.notify(notify::corrected(
        &after,
        actor.email.as_str(),
        &changed,
        note.as_str(),
        reviewed_again,
        &deps.config.base_url,
    ))
    .await;
    if reviewed_again {
        review_requested(&deps, &after, &lists.departments).await;
    }
    Ok(Json(ApplicationView::of(&after, &actor, &lists)))
}

/// Ask the supervisor to review: the email's link signs them in and opens
/// the application, so approving takes the link, "Sign in", "Approve".
/// `departments` is the list the request already read.
async fn review_requested(deps: &Deps, app: &Application, departments: &StoredDepartments) {
    let page = format!("/review/?application={}", app.id);
    let link = deps
        .task_link(app.supervisor(), &page, notify::review_task(app))
        .await;
    let links = deps.store.resource_links().await.unwrap_or_else(|e| {
        tracing::error!(error = %e, "links not read; the review email goes without them");
        Default::default()
    });
    deps.notify(notify::review_requested(app, &link, &links, departments))
        .await;
}
