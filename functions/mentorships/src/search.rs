//! Finding a mentor: search over the listing, profiles, availability.

use axum::Json;
use axum::extract::State;
use moments_adapters::deps::Deps;
use moments_adapters::http::views::{ApplicationView, Named, Skill};
use moments_adapters::http::{ApiError, Caller, Form, Path, Query};
use moments_adapters::store::Listing;
use moments_domain::application::{ApplicationId, Role, Status};
use moments_domain::audit::Action;
use moments_domain::catalogue::Lists;
use moments_domain::fields::{DepartmentId, DivisionId, SkillRanking, WorkingHours};
use moments_domain::fit::{Fit, fit, score};
use moments_domain::form::{FieldErrors, Flag, FormReader};
use moments_domain::kind::{KindPreference, MentorshipKind};
use moments_domain::mentorship::{MentorshipStatus, Sides, is_listed, may_select};
use moments_domain::suggestions::Suggested;
use serde::{Deserialize, Serialize};

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
    /// A division id of that department (with `department` only).
    #[param(required = false)]
    pub division: String,
    /// Skill ids, comma-separated; a mentor matches with any of them.
    #[param(required = false)]
    pub skills: String,
    /// `daytime`, `evening` or `overnight`.
    #[param(required = false)]
    pub hours: String,
    /// `committed` or `flash`: mentors open to that kind of mentorship
    /// (those who would like it, or either, or did not say).
    #[param(required = false)]
    pub kind: String,
    /// Part of the mentor's name.
    #[param(required = false)]
    pub name: String,
    /// From 1; 20 mentors a page.
    #[param(required = false)]
    pub page: String,
}

/// A listed mentor as search shows them.
#[derive(Serialize, utoipa::ToSchema)]
pub struct MentorCard {
    /// The mentor's application id.
    id: String,
    first_name: String,
    last_name: String,
    job_title: String,
    department: Named,
    /// The division within the department, where it has divisions.
    division: Option<Named>,
    working_hours: Named,
    /// The kind of mentorship the mentor would like, if they said.
    mentorship_kind: Option<Named>,
    skills: Vec<Skill>,
    bio: String,
    /// Fit to the caller's mentee application, if they have one.
    fit: Option<u32>,
    reason: Option<String>,
}

impl MentorCard {
    fn of(l: &Listing, fit: Option<Fit>, lists: &Lists) -> Self {
        MentorCard {
            id: l.application_id.to_string(),
            first_name: l.first_name.clone(),
            last_name: l.last_name.clone(),
            job_title: l.job_title.clone(),
            department: lists.departments.entry(&l.department),
            division: l
                .division
                .as_ref()
                .map(|v| lists.departments.division_entry(&l.department, v)),
            working_hours: Named::from(l.working_hours),
            mentorship_kind: l.mentorship_kind.map(Named::from),
            skills: l.skills.skills(&lists.skills),
            bio: l.bio.clone(),
            fit: fit.as_ref().map(|f| f.score),
            reason: fit.map(|f| f.reason),
        }
    }
}

/// A page of search results.
#[derive(Serialize, utoipa::ToSchema)]
pub struct SearchPage {
    mentors: Vec<MentorCard>,
    page: usize,
    pages: usize,
    total: usize,
}

/// How to reach a mentor one is matched with.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Contact {
    email: String,
    phone: Option<String>,
}

/// A mentor's profile.
#[derive(Serialize, utoipa::ToSchema)]
pub struct MentorProfile {
    id: String,
    first_name: String,
    last_name: String,
    job_title: String,
    department: Named,
    division: Option<Named>,
    working_hours: Named,
    mentorship_kind: Option<Named>,
    work_location: String,
    skills: Vec<Skill>,
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

/// A suggested mentor, and whether they can still be asked.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Suggestion {
    #[serde(flatten)]
    suggested: Suggested,
    /// Whether the mentor can still be asked.
    listed: bool,
}

/// The caller's suggested mentors from the latest quarterly run (`run`
/// null before any).
#[derive(Serialize, utoipa::ToSchema)]
pub struct Suggestions {
    run: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(required = false)]
    published_at: Option<String>,
    /// Left without suggestions in the previous run.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(required = false)]
    priority: Option<bool>,
    /// The caller had one mentor when the list was made: it is for a second.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(required = false)]
    second_mentor: Option<bool>,
    /// Why the list holds fewer than five mentors; absent for a full list.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(required = false)]
    short_reason: Option<String>,
    suggestions: Vec<Suggestion>,
}

/// The caller's availability as a mentor.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Availability {
    available: bool,
    listed: bool,
    active_mentees: u32,
}

/// Availability as saved.
#[derive(Serialize, utoipa::ToSchema)]
pub struct AvailabilitySet {
    available: bool,
    listed: bool,
}

/// Take new mentees, or stop for now.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct AvailabilityForm {
    #[schema(value_type = bool)]
    available: Flag,
}

/// The search filters, parsed; bad ones are named like form fields.
#[derive(Debug, Default)]
pub struct Filters {
    pub department: Option<DepartmentId>,
    pub division: Option<DivisionId>,
    pub skills: Vec<String>,
    pub hours: Option<WorkingHours>,
    pub kind: Option<MentorshipKind>,
    pub name: Option<String>,
    pub page: usize,
}

/// A filter left empty is none; a bad one is named under its field.
fn optional<T>(
    errors: &mut FieldErrors,
    field: &str,
    raw: &str,
    parse: impl FnOnce(&str) -> Result<T, String>,
) -> Option<T> {
    match raw.trim() {
        "" => None,
        given => parse(given).map_err(|e| errors.add(field, e)).ok(),
    }
}

impl Filters {
    /// `lists` are the program's skills and departments now; a retired
    /// one still finds the mentors who have it.
    pub fn parse(p: &SearchParams, lists: &Lists) -> Result<Filters, FieldErrors> {
        let mut errors = FieldErrors::default();
        let list = &lists.skills;
        let department = optional(&mut errors, "department", &p.department, |raw| {
            lists.departments.known(raw)
        });
        let division = match &department {
            Some(d) => optional(&mut errors, "division", &p.division, |raw| {
                lists.departments.known_division(d, raw)
            }),
            None if !p.division.trim().is_empty() && !errors.has("department") => {
                errors.add("division", "Choose a department before a division.");
                None
            }
            None => None,
        };
        let skills: Vec<String> = p
            .skills
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect();
        if let Some(unknown) = skills.iter().find(|s| list.skill(s).is_none()) {
            errors.add(
                "skills",
                format!(
                    "\"{}\" is not a skill in the program's list.",
                    unknown.chars().take(40).collect::<String>()
                ),
            );
        }
        let hours = optional(&mut errors, "hours", &p.hours, WorkingHours::parse);
        let kind = optional(&mut errors, "kind", &p.kind, MentorshipKind::parse);
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
            division,
            skills,
            hours,
            kind,
            name: (!name.is_empty()).then(|| name.to_lowercase()),
            page,
        })
    }

    fn matches(&self, l: &Listing) -> bool {
        self.department.as_ref().is_none_or(|d| &l.department == d)
            && self
                .division
                .as_ref()
                .is_none_or(|v| l.division.as_ref() == Some(v))
            && (self.skills.is_empty() || l.skills.ids().iter().any(|s| self.skills.contains(s)))
            && self
                .kind
                .is_none_or(|k| KindPreference::open_to(l.mentorship_kind, k))
            && self.name.as_ref().is_none_or(|n| {
                format!("{} {}", l.first_name, l.last_name)
                    .to_lowercase()
                    .contains(n.as_str())
            })
    }
}

/// Filter, score and order listed mentors: best fit first, then by name;
/// how many match, and the `page` (from 1) of them in order. Only scores
/// are worked out here, and only the pages up to `page` are put in order;
/// the words of a reason are written for the page shown.
pub fn rank<'a>(
    listings: &mut dyn Iterator<Item = &'a Listing>,
    filters: &Filters,
    searcher: &str,
    mentee: Option<(&SkillRanking, WorkingHours)>,
    page: usize,
) -> (usize, Vec<(u32, &'a Listing)>) {
    let mut hits: Vec<(u32, &Listing)> = listings
        .filter(|l| {
            l.email.as_str() != searcher
                && filters.hours.is_none_or(|h| h == l.working_hours)
                && filters.matches(l)
        })
        .map(|l| {
            let score = mentee.map_or(0, |(skills, hours)| {
                score(skills, hours, &l.skills, l.working_hours)
            });
            (score, l)
        })
        .collect();
    let total = hits.len();
    let order = |(sa, a): &(u32, &Listing), (sb, b): &(u32, &Listing)| {
        sb.cmp(sa)
            .then_with(|| a.last_name.cmp(&b.last_name))
            .then_with(|| a.first_name.cmp(&b.first_name))
            .then_with(|| a.email.cmp(&b.email))
    };
    // The first `upto` in order, without ordering the rest.
    let upto = page.saturating_mul(PAGE_SIZE).min(total);
    if upto < total {
        hits.select_nth_unstable_by(upto, order);
        hits.truncate(upto);
    }
    hits.sort_unstable_by(order);
    let shown = hits
        .into_iter()
        .skip(page.saturating_sub(1).saturating_mul(PAGE_SIZE))
        .collect();
    (total, shown)
}

/// Search the listed mentors, best fit first.
///
/// The listing is ranked whole from this function's copy of it (brought up
/// to date first); only the page shown is read from the table and explained.
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
) -> Result<Json<SearchPage>, ApiError> {
    // The searcher's own application, the skills' names and the copy's
    // catch-up, side by side.
    let (mentee, read, lists) = tokio::try_join!(
        deps.store.application_for_role(&actor.email, Role::Mentee),
        deps.store.update_listing_copy(),
        deps.store.lists(),
    )?;
    let filters = Filters::parse(&params, &lists)?;
    let mentee = mentee
        .as_ref()
        .map(|m| (&m.details.skills, m.details.working_hours));
    let (total, shown) = deps.store.with_listing_copy(|listings| {
        let (total, page) = rank(
            listings,
            &filters,
            actor.email.as_str(),
            mentee,
            filters.page,
        );
        let shown: Vec<_> = page
            .iter()
            .map(|(_, l)| (l.working_hours, l.email.clone()))
            .collect();
        (total, shown)
    });
    let page = if shown.is_empty() {
        Vec::new()
    } else {
        deps.store.listings_now(&shown).await?
    };
    tracing::info!(items_read = read, results = total, "mentor search");
    let pages = total.div_ceil(PAGE_SIZE).max(1);
    let mentors = page
        .iter()
        .map(|l| {
            let fit = mentee.map(|(skills, hours)| {
                fit(skills, hours, &l.skills, l.working_hours, &lists.skills)
            });
            MentorCard::of(l, fit, &lists)
        })
        .collect();
    Ok(Json(SearchPage {
        mentors,
        page: filters.page,
        pages,
        total,
    }))
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
) -> Result<Json<MentorProfile>, ApiError> {
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
    let lists = deps.store.lists().await?;
    let fit = mine.as_ref().map(|(m, _)| {
        fit(
            &m.details.skills,
            m.details.working_hours,
            &d.skills,
            d.working_hours,
            &lists.skills,
        )
    });
    let view = ApplicationView::of(&mentor, &actor, &lists);
    Ok(Json(MentorProfile {
        id: view.id,
        first_name: view.first_name,
        last_name: view.last_name,
        job_title: view.job_title,
        department: view.department,
        division: view.division,
        working_hours: view.working_hours,
        mentorship_kind: view.mentorship_kind,
        work_location: view.work_location,
        skills: view.skills,
        bio: view.bio,
        fit: fit.as_ref().map(|f| f.score),
        reason: fit.map(|f| f.reason),
        listed: is_listed(&mentor, capacity),
        can_request: refusal.is_none(),
        cannot_request_because: refusal.map(|r| r.to_string()),
        contact: matched.then_some(Contact {
            email: view.email,
            phone: view.phone,
        }),
    }))
}

/// The caller's suggested mentors from the latest quarterly run, each marked
/// with whether that mentor can still be asked (they may have filled up since).
#[utoipa::path(get, path = "/api/suggestions", tag = "mentorships", security(("session" = [])),
    responses((status = 200, description = "The caller's suggested mentors", body = Suggestions)))]
#[tracing::instrument(skip_all)]
pub async fn suggestions(
    State(deps): State<Deps>,
    Caller(actor): Caller,
) -> Result<Json<Suggestions>, ApiError> {
    // A mentee who paused their search, or has the two mentors a mentee
    // may have, is suggested no one meanwhile (read only when there is a
    // list to withhold).
    let stored = match deps.store.suggestions_of(&actor.email).await? {
        Some(stored) => match own(&deps, &actor.email, Role::Mentee).await? {
            Some((_, capacity)) if !capacity.available || !capacity.has_room() => None,
            _ => Some(stored),
        },
        None => None,
    };
    let Some(stored) = stored else {
        return Ok(Json(Suggestions {
            run: None,
            published_at: None,
            priority: None,
            second_mentor: None,
            short_reason: None,
            suggestions: Vec::new(),
        }));
    };
    // Each mentor as their application is now: a mentor whose data was
    // removed, or whose application is gone, is left out.
    let departments = deps.store.departments().await?;
    let mut suggestions = Vec::with_capacity(stored.suggestions.len());
    for stored in stored.suggestions.iter() {
        let Ok(id) = ApplicationId::parse(&stored.mentor_application_id) else {
            continue;
        };
        let Some((app, capacity)) = deps.store.application_with_capacity(&id).await? else {
            continue;
        };
        if let Some(suggested) = stored.shown(&app, &departments) {
            let listed = is_listed(&app, capacity);
            suggestions.push(Suggestion { suggested, listed });
        }
    }
    Ok(Json(Suggestions {
        run: Some(stored.run),
        published_at: Some(stored.published_at),
        priority: Some(stored.priority),
        second_mentor: Some(stored.second_mentor),
        short_reason: stored.short_reason,
        suggestions,
    }))
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
) -> Result<Json<Availability>, ApiError> {
    let (app, capacity) = own(&deps, &actor.email, Role::Mentor)
        .await?
        .ok_or(ApiError::NotFound("mentor application"))?;
    Ok(Json(Availability {
        available: capacity.available,
        listed: is_listed(&app, capacity),
        active_mentees: capacity.active,
    }))
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
    Form(body): Form<AvailabilityForm>,
) -> Result<Json<AvailabilitySet>, ApiError> {
    let mut form = FormReader::new();
    let available = form.answer(
        "available",
        &body.available,
        "Say whether you are available: true or false.",
    );
    let available = form.finish(available)?;
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
    Ok(Json(AvailabilitySet {
        available: after.available,
        listed: is_listed(&app, after),
    }))
}
