//! Finding a mentor: search over the listing, profiles, availability.

use axum::Json;
use axum::extract::State;
use moments_adapters::http::openapi::{Named, SkillView};
use moments_adapters::http::views::ApplicationView;
use moments_adapters::http::{ApiError, Caller, Deps, JsonBody, Path, Query};
use moments_adapters::store::Listing;
use moments_domain::application::{ApplicationId, FieldErrors, Role, Status};
use moments_domain::audit::Action;
use moments_domain::catalogue::Catalogue;
use moments_domain::fields::{DepartmentId, SkillRanking, WorkingHours};
use moments_domain::fit::{Fit, fit};
use moments_domain::mentorship::{MentorshipStatus, Sides, is_listed, may_select};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::{entry, own};

/// Results per page.
pub const PAGE_SIZE: usize = 20;

/// The search filters as the query string carries them; all optional.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct SearchParams {
    /// A department id.
    #[param(required = false)]
    pub department: String,
    /// Skill ids, comma-separated; a mentor matches with any of them.
    #[param(required = false)]
    pub skills: String,
    /// `daytime`, `evening` or `overnight`.
    #[param(required = false)]
    pub hours: String,
    /// Part of the mentor's name.
    #[param(required = false)]
    pub name: String,
    /// From 1; 20 mentors a page.
    #[param(required = false)]
    pub page: String,
}

/// A listed mentor as search shows them.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
pub struct MentorCard {
    /// The mentor's application id.
    id: String,
    first_name: String,
    last_name: String,
    job_title: String,
    department: Named,
    working_hours: Named,
    skills: Vec<SkillView>,
    bio: String,
    /// Fit to the caller's mentee application, if they have one.
    fit: Option<u32>,
    reason: Option<String>,
}

#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
pub struct SearchPage {
    mentors: Vec<MentorCard>,
    page: u32,
    pages: u32,
    total: u32,
}

#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
pub struct Contact {
    email: String,
    phone: Option<String>,
}

/// A mentor's profile.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
pub struct MentorProfile {
    id: String,
    first_name: String,
    last_name: String,
    job_title: String,
    department: Named,
    working_hours: Named,
    work_location: String,
    skills: Vec<SkillView>,
    bio: String,
    fit: Option<u32>,
    reason: Option<String>,
    /// Searchable now: approved, available, room for a mentee.
    listed: bool,
    can_request: bool,
    cannot_request_because: Option<String>,
    /// Only while the caller and this mentor are in an active mentorship.
    contact: Option<Contact>,
}

#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
pub struct Suggestion {
    mentor_application_id: String,
    first_name: String,
    last_name: String,
    job_title: String,
    department: Named,
    working_hours: Named,
    score: u32,
    reason: String,
    /// Whether the mentor can still be asked.
    listed: bool,
}

/// The caller's suggested mentors from the latest quarterly run (`run`
/// null before any).
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
pub struct Suggestions {
    run: Option<String>,
    #[schema(required = false)]
    published_at: Option<String>,
    /// Left without suggestions in the previous run.
    #[schema(required = false)]
    priority: Option<bool>,
    suggestions: Vec<Suggestion>,
}

#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
pub struct Availability {
    available: bool,
    listed: bool,
    active_mentees: u32,
}

#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
pub struct AvailabilitySet {
    available: bool,
    listed: bool,
}

#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
pub struct AvailabilityForm {
    available: bool,
}

/// The search filters, parsed; bad ones are named like form fields.
#[derive(Debug, Default)]
pub struct Filters {
    pub department: Option<DepartmentId>,
    pub skills: Vec<String>,
    pub hours: Option<WorkingHours>,
    pub name: Option<String>,
    pub page: usize,
}

impl Filters {
    pub fn parse(p: &SearchParams) -> Result<Filters, FieldErrors> {
        let mut errors = FieldErrors::default();
        let department = match p.department.trim() {
            "" => None,
            d => DepartmentId::parse(d)
                .map_err(|e| errors.add("department", e))
                .ok(),
        };
        let skills: Vec<String> = p
            .skills
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect();
        if let Some(unknown) = skills.iter().find(|s| Catalogue::get().skill(s).is_none()) {
            errors.add(
                "skills",
                format!(
                    "\"{}\" is not a skill in the program's list.",
                    unknown.chars().take(40).collect::<String>()
                ),
            );
        }
        let hours = match p.hours.trim() {
            "" => None,
            h => WorkingHours::parse(h)
                .map_err(|e| errors.add("hours", e))
                .ok(),
        };
        let name = p.name.trim();
        if name.chars().count() > 100 {
            errors.add("name", "Search for a name of at most 100 characters.");
        }
        let page = match p.page.trim() {
            "" => 1,
            n => match n.parse::<usize>() {
                Ok(n) if n >= 1 => n,
                _ => {
                    errors.add("page", "The page must be a whole number from 1.");
                    1
                }
            },
        };
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(Filters {
            department,
            skills,
            hours,
            name: (!name.is_empty()).then(|| name.to_lowercase()),
            page,
        })
    }

    fn matches(&self, l: &Listing) -> bool {
        self.department.as_ref().is_none_or(|d| &l.department == d)
            && (self.skills.is_empty() || l.skills.ids().iter().any(|s| self.skills.contains(s)))
            && self.name.as_ref().is_none_or(|n| {
                format!("{} {}", l.first_name, l.last_name)
                    .to_lowercase()
                    .contains(n.as_str())
            })
    }
}

/// A result: the listing and its fit to the person searching.
pub struct Hit {
    pub listing: Listing,
    pub fit: Option<Fit>,
}

/// Filter, score and order the listed mentors: best fit first, then by name.
/// `mentee` is the searcher's ranked skills and hours, when they have a mentee application.
pub fn rank(
    listings: Vec<Listing>,
    filters: &Filters,
    searcher: &str,
    mentee: Option<(&SkillRanking, WorkingHours)>,
) -> Vec<Hit> {
    let mut hits: Vec<Hit> = listings
        .into_iter()
        .filter(|l| l.email.as_str() != searcher && filters.matches(l))
        .map(|listing| {
            let fit = mentee
                .map(|(skills, hours)| fit(skills, hours, &listing.skills, listing.working_hours));
            Hit { listing, fit }
        })
        .collect();
    hits.sort_by(|a, b| {
        let score = |h: &Hit| h.fit.as_ref().map_or(0, |f| f.score);
        score(b)
            .cmp(&score(a))
            .then_with(|| a.listing.last_name.cmp(&b.listing.last_name))
            .then_with(|| a.listing.first_name.cmp(&b.listing.first_name))
            .then_with(|| a.listing.email.cmp(&b.listing.email))
    });
    hits
}

fn card(hit: &Hit) -> Value {
    let l = &hit.listing;
    json!({
        "id": l.application_id.as_str(),
        "first_name": l.first_name,
        "last_name": l.last_name,
        "job_title": l.job_title,
        "department": {"id": l.department.as_str(), "name": l.department.name()},
        "working_hours": {"id": l.working_hours.id(), "name": l.working_hours.name()},
        "skills": l.skills.skills(),
        "bio": l.bio,
        "fit": hit.fit.as_ref().map(|f| f.score),
        "reason": hit.fit.as_ref().map(|f| f.reason.as_str()),
    })
}

/// Search the listed mentors, best fit first.
#[utoipa::path(get, path = "/api/mentors", operation_id = "search_mentors", tag = "mentorships", params(SearchParams),
    security(("session" = [])),
    responses(
        (status = 200, description = "A page of mentors", body = SearchPage),
        (status = 422, description = "A filter is not valid"),
    ))]
#[tracing::instrument(skip_all)]
pub async fn search(
    State(deps): State<Deps>,
    Caller(actor): Caller,
    Query(params): Query<SearchParams>,
) -> Result<Json<Value>, ApiError> {
    let filters = Filters::parse(&params).map_err(ApiError::Invalid)?;
    let mentee = deps
        .store
        .application_for_role(&actor.email, Role::Mentee)
        .await?;
    let (listings, read) = deps.store.listed_mentors(filters.hours).await?;
    let hits = rank(
        listings,
        &filters,
        actor.email.as_str(),
        mentee
            .as_ref()
            .map(|m| (&m.details.skills, m.details.working_hours)),
    );
    tracing::info!(items_read = read, results = hits.len(), "mentor search");
    let total = hits.len();
    let pages = total.div_ceil(PAGE_SIZE).max(1);
    let cards: Vec<Value> = hits
        .iter()
        .skip((filters.page - 1) * PAGE_SIZE)
        .take(PAGE_SIZE)
        .map(card)
        .collect();
    Ok(Json(
        json!({"mentors": cards, "page": filters.page, "pages": pages, "total": total}),
    ))
}

/// An approved mentor's profile, and whether the caller may ask them.
#[utoipa::path(get, path = "/api/mentors/{id}", operation_id = "mentor_profile", tag = "mentorships", security(("session" = [])),
    params(("id" = String, Path, description = "The mentor's application id")),
    responses(
        (status = 200, description = "The profile", body = MentorProfile),
        (status = 404, description = "No such approved mentor"),
    ))]
#[tracing::instrument(skip_all)]
pub async fn profile(
    State(deps): State<Deps>,
    Caller(actor): Caller,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let id = ApplicationId::parse(&id).map_err(|_| ApiError::NotFound("mentor"))?;
    let (mentor, capacity) = deps
        .store
        .application_with_capacity(&id)
        .await?
        .ok_or(ApiError::NotFound("mentor"))?;
    if mentor.role != Role::Mentor || mentor.status != Status::Approved {
        return Err(ApiError::NotFound("mentor"));
    }
    let mine = own(&deps, &actor.email, Role::Mentee).await?;
    let paired = deps
        .store
        .is_paired(&actor.email, &mentor.applicant)
        .await?;
    let sides = Sides {
        mentee: mine.as_ref().map(|(a, c)| (a, *c)),
        mentor: (&mentor, capacity),
    };
    let refusal = may_select(&actor.email, &sides, paired).err();
    let matched = actor.email == mentor.applicant
        || deps
            .store
            .mentorships_of(&actor.email)
            .await?
            .iter()
            .any(|r| {
                r.mentorship.status == MentorshipStatus::Active
                    && r.mentorship.mentor == mentor.applicant
            });
    let d = &mentor.details;
    let fit = mine.as_ref().map(|(m, _)| {
        fit(
            &m.details.skills,
            m.details.working_hours,
            &d.skills,
            d.working_hours,
        )
    });
    let view = ApplicationView::of(&mentor, &actor);
    Ok(Json(json!({
        "id": mentor.id.as_str(),
        "first_name": view.first_name,
        "last_name": view.last_name,
        "job_title": view.job_title,
        "department": view.department,
        "working_hours": view.working_hours,
        "work_location": view.work_location,
        "skills": view.skills,
        "bio": view.bio,
        "fit": fit.as_ref().map(|f| f.score),
        "reason": fit.as_ref().map(|f| f.reason.as_str()),
        "listed": is_listed(&mentor, capacity),
        "can_request": refusal.is_none(),
        "cannot_request_because": refusal.map(|r| r.to_string()),
        "contact": matched.then(|| json!({"email": mentor.applicant.as_str(), "phone": view.phone})),
    })))
}

/// The caller's suggested mentors from the latest quarterly run, each marked
/// with whether that mentor can still be asked (they may have filled up since).
#[utoipa::path(get, path = "/api/suggestions", tag = "mentorships", security(("session" = [])),
    responses((status = 200, description = "The caller's suggested mentors", body = Suggestions)))]
#[tracing::instrument(skip_all)]
pub async fn suggestions(
    State(deps): State<Deps>,
    Caller(actor): Caller,
) -> Result<Json<Value>, ApiError> {
    let Some(mut stored) = deps.store.suggestions_of(&actor.email).await? else {
        return Ok(Json(json!({"run": null, "suggestions": []})));
    };
    if let Some(list) = stored.get_mut("suggestions").and_then(Value::as_array_mut) {
        for s in list.iter_mut() {
            let listed = match s
                .get("mentor_application_id")
                .and_then(Value::as_str)
                .map(ApplicationId::parse)
            {
                Some(Ok(id)) => deps
                    .store
                    .application_with_capacity(&id)
                    .await?
                    .is_some_and(|(a, c)| is_listed(&a, c)),
                _ => false,
            };
            s["listed"] = json!(listed);
        }
    }
    Ok(Json(stored))
}

/// The caller's availability as a mentor.
#[utoipa::path(get, path = "/api/availability", operation_id = "read_availability", tag = "mentorships", security(("session" = [])),
    responses(
        (status = 200, description = "Availability", body = Availability),
        (status = 404, description = "The caller has no mentor application"),
    ))]
#[tracing::instrument(skip_all)]
pub async fn availability(
    State(deps): State<Deps>,
    Caller(actor): Caller,
) -> Result<Json<Value>, ApiError> {
    let (app, capacity) = own(&deps, &actor.email, Role::Mentor)
        .await?
        .ok_or(ApiError::NotFound("mentor application"))?;
    Ok(Json(json!({
        "available": capacity.available,
        "listed": is_listed(&app, capacity),
        "active_mentees": capacity.active,
    })))
}

/// Take new mentees, or stop for now.
#[utoipa::path(put, path = "/api/availability", tag = "mentorships", request_body = AvailabilityForm,
    security(("session" = [])),
    responses(
        (status = 200, description = "Saved", body = AvailabilitySet),
        (status = 404, description = "The caller has no mentor application"),
        (status = 409, description = "It changed meanwhile"),
        (status = 422, description = "`available` is not true or false"),
    ))]
#[tracing::instrument(skip_all)]
pub async fn set_availability(
    State(deps): State<Deps>,
    Caller(actor): Caller,
    JsonBody(body): JsonBody,
) -> Result<Json<Value>, ApiError> {
    let available = match body.get("available") {
        Some(Value::Bool(b)) => *b,
        _ => {
            return Err(ApiError::Invalid(FieldErrors::single(
                "available",
                "Say whether you are available: true or false.",
            )));
        }
    };
    let (app, read) = own(&deps, &actor.email, Role::Mentor)
        .await?
        .ok_or(ApiError::NotFound("mentor application"))?;
    let after = deps
        .store
        .set_availability(
            &app,
            read,
            available,
            &entry(&actor.email, deps.now(), Action::AvailabilityChanged),
        )
        .await?;
    Ok(Json(
        json!({"available": after.available, "listed": is_listed(&app, after)}),
    ))
}
