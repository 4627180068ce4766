//! The skills people rank on their applications, kept by program
//! administrators: added, renamed, retired (still shown where chosen, no
//! longer offered), restored and moved; each change audited.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use moments_adapters::deps::Deps;
use moments_adapters::http::{ApiError, Caller, Form, Path};
use moments_domain::application::Role;
use moments_domain::audit::Action;
use moments_domain::catalogue::SkillKind;
use moments_domain::form::{Count, Flag, FormReader, Text};
use moments_domain::metrics::counter;
use moments_domain::skills::{KeptSkill, SkillName, StoredSkills, parse_kind};
use serde::{Deserialize, Serialize};

use crate::{list_change, program_admin, update_kept};

const WHAT: &str = "keep the program's skills";
const WHICH: &str = "the skills";

/// One skill of the list.
#[derive(Serialize, utoipa::ToSchema)]
pub struct SkillView {
    id: String,
    name: String,
    #[schema(inline)]
    kind: SkillKind,
    /// Shown on the applications that have it; no longer offered.
    retired: bool,
    /// Approved mentee applications ranking it, in every quarter.
    mentees: i64,
    /// Approved mentor applications ranking it.
    mentors: i64,
}

/// Every skill, retired ones included, in the forms' order.
#[derive(Serialize, utoipa::ToSchema)]
pub struct SkillList {
    skills: Vec<SkillView>,
    /// Goes up with every change; 0 while the list is still the seed.
    version: u64,
}

impl SkillList {
    /// The list with how many approved applications rank each skill, from
    /// the metrics counters (one Query).
    async fn of(deps: &Deps, stored: &StoredSkills) -> Result<SkillList, ApiError> {
        let (buckets, _) = deps.store.metric_buckets(None).await?;
        let ranking = |role: Role, s: &KeptSkill| -> i64 {
            let name = counter::ranks(role, &s.id);
            buckets.iter().filter_map(|(_, c)| c.get(&name)).sum()
        };
        Ok(SkillList {
            skills: stored
                .skills
                .iter()
                .map(|s| SkillView {
                    id: s.id.clone(),
                    name: s.name.to_string(),
                    kind: s.kind,
                    retired: s.retired,
                    mentees: ranking(Role::Mentee, s),
                    mentors: ranking(Role::Mentor, s),
                })
                .collect(),
            version: stored.version(),
        })
    }
}

/// `GET /api/admin/skills`: the whole list, for program administrators.
#[utoipa::path(get, path = "/api/admin/skills", operation_id = "admin_skills", tag = "reports",
    security(("session" = [])),
    responses(
        (status = 200, description = "Every skill, retired ones included", body = SkillList),
        (status = 403, description = "Not a program administrator"),
    ))]
#[tracing::instrument(skip_all)]
pub async fn list(
    State(deps): State<Deps>,
    Caller(actor): Caller,
) -> Result<Json<SkillList>, ApiError> {
    program_admin(&actor, WHAT)?;
    let stored = deps.store.skills().await?;
    Ok(Json(SkillList::of(&deps, &stored).await?))
}

/// A skill as a program administrator adds it.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct NewSkill {
    /// `career` or `soft`.
    #[schema(value_type = String)]
    kind: Text,
    /// Its name as the forms show it, up to 60 characters.
    #[schema(value_type = String)]
    name: Text,
}

/// `POST /api/admin/skills`: add a skill at the end of its kind's list; it
/// can be chosen at once. Audited.
#[utoipa::path(post, path = "/api/admin/skills", operation_id = "add_skill", tag = "reports",
    request_body = NewSkill, security(("session" = [])),
    responses(
        (status = 201, description = "Added; every skill", body = SkillList),
        (status = 403, description = "Not a program administrator"),
        (status = 409, description = "The list is full, or others changed it at the same moment"),
        (status = 422, description = "Fields need attention, or the name is in use"),
    ))]
#[tracing::instrument(skip_all)]
pub async fn add(
    State(deps): State<Deps>,
    Caller(actor): Caller,
    Form(body): Form<NewSkill>,
) -> Result<(StatusCode, Json<SkillList>), ApiError> {
    program_admin(&actor, WHAT)?;
    let mut f = FormReader::new();
    let kind = f.parsed("kind", &body.kind, parse_kind);
    let name = f.parsed("name", &body.name, SkillName::parse);
    let (kind, name) = f.finish(kind.zip(name))?;
    let stored = update_kept(
        &deps,
        WHICH,
        &actor.email,
        Action::SkillAdded,
        |list: &mut StoredSkills| {
            let id = list.add(kind, name.clone())?;
            Ok(Some(format!("{name} ({id}), a {} skill", kind_word(kind))))
        },
    )
    .await?;
    Ok((
        StatusCode::CREATED,
        Json(SkillList::of(&deps, &stored).await?),
    ))
}

fn kind_word(kind: SkillKind) -> &'static str {
    match kind {
        SkillKind::Career => "career",
        SkillKind::Soft => "soft",
    }
}

/// A change to one skill; what is left out stays as it is.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct SkillChange {
    /// A new name, up to 60 characters.
    #[schema(value_type = String, required = false)]
    name: Text,
    /// `true` to retire it (still shown where chosen, no longer offered),
    /// `false` to offer it again.
    #[schema(value_type = bool, required = false)]
    retired: Flag,
    /// Its place among the skills of its kind, 1 for first; past the end
    /// means last.
    #[schema(value_type = u64, required = false)]
    position: Count,
}

/// `PUT /api/admin/skills/{id}`: rename, retire, restore or move a skill.
/// Audited.
#[utoipa::path(put, path = "/api/admin/skills/{id}", operation_id = "change_skill", tag = "reports",
    request_body = SkillChange, security(("session" = [])),
    params(("id" = String, Path, description = "The skill's id")),
    responses(
        (status = 200, description = "Changed; every skill", body = SkillList),
        (status = 403, description = "Not a program administrator"),
        (status = 404, description = "No such skill"),
        (status = 409, description = "Retiring it would leave too few skills to choose, or others changed the list at the same moment"),
        (status = 422, description = "Fields need attention, or the name is in use"),
    ))]
#[tracing::instrument(skip_all)]
pub async fn change(
    State(deps): State<Deps>,
    Caller(actor): Caller,
    Path(id): Path<String>,
    Form(body): Form<SkillChange>,
) -> Result<Json<SkillList>, ApiError> {
    program_admin(&actor, WHAT)?;
    let mut f = FormReader::new();
    let (name, retired, position) = list_change(
        &mut f,
        &body.name,
        &body.retired,
        &body.position,
        SkillName::parse,
    );
    f.finish(Some(()))?;
    let stored = update_kept(
        &deps,
        WHICH,
        &actor.email,
        Action::SkillChanged,
        |list: &mut StoredSkills| list.change(&id, name.clone(), retired, position),
    )
    .await?;
    Ok(Json(SkillList::of(&deps, &stored).await?))
}
