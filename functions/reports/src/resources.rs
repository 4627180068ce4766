//! The links the program team keeps for mentees, mentors and supervisors:
//! read by everyone (the resources pages), added and removed by program
//! administrators, each change audited.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use moments_adapters::deps::Deps;
use moments_adapters::http::{ApiError, Caller, Form, Path};
use moments_adapters::store::StoreError;
use moments_domain::audit::Action;
use moments_domain::fields::EmailAddress;
use moments_domain::form::{FieldErrors, FormReader, Text};
use moments_domain::resources::{
    Audience, LinkNote, LinkTitle, LinkUrl, MOST_LINKS, ResourceLink, StoredLinks,
};
use serde::{Deserialize, Serialize};

use crate::calendar::public;
use crate::{program_admin, retried, revised};

const WHAT: &str = "keep the program's links";

/// One link.
#[derive(Serialize, utoipa::ToSchema)]
pub struct LinkView {
    id: String,
    /// `mentees`, `mentors` or `supervisors`.
    audience: &'static str,
    title: String,
    url: String,
    note: Option<String>,
}

impl From<&ResourceLink> for LinkView {
    fn from(l: &ResourceLink) -> Self {
        LinkView {
            id: l.id.clone(),
            audience: l.audience.as_str(),
            title: l.title.to_string(),
            url: l.url.as_str().to_string(),
            note: l.note.as_ref().map(ToString::to_string),
        }
    }
}

/// Every link, in the order added.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Links {
    links: Vec<LinkView>,
    /// The version a change names; 0 before the first.
    version: u64,
}

impl From<&StoredLinks> for Links {
    fn from(stored: &StoredLinks) -> Self {
        Links {
            links: stored.links.iter().map(LinkView::from).collect(),
            version: stored.version(),
        }
    }
}

/// `GET /api/resources`: the links, for everyone; browsers and CloudFront
/// keep the answer a minute.
#[utoipa::path(get, path = "/api/resources", operation_id = "resource_links", tag = "reports",
    responses((status = 200, description = "The links for mentees, mentors and supervisors", body = Links)))]
#[tracing::instrument(skip_all)]
pub async fn links(State(deps): State<Deps>) -> Result<Response, ApiError> {
    let stored = deps.store.resource_links().await?;
    Ok(public(Json(Links::from(&stored))))
}

/// A link as a program administrator adds it.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct LinkForm {
    /// `mentees`, `mentors` or `supervisors`.
    #[schema(value_type = String)]
    audience: Text,
    /// Its name as people read it, up to 100 characters.
    #[schema(value_type = String)]
    title: Text,
    /// An `https://` address.
    #[schema(value_type = String)]
    url: Text,
    /// Optional: what it is for, or the steps to take there; up to 300 characters.
    #[schema(value_type = String, required = false)]
    note: Text,
}

fn link_of(form: &LinkForm, id: String) -> Result<ResourceLink, FieldErrors> {
    let mut f = FormReader::new();
    let audience = f.parsed("audience", &form.audience, Audience::parse);
    let title = f.parsed("title", &form.title, LinkTitle::parse);
    let url = f.parsed("url", &form.url, LinkUrl::parse);
    let note = f.optional("note", &form.note, LinkNote::parse);
    let link = (|| {
        Some(ResourceLink {
            id,
            audience: audience?,
            title: title?,
            url: url?,
            note,
        })
    })();
    f.finish(link)
}

/// Change the links from a fresh read, as `change` says, saved with an
/// audit entry noting `note`; a change that lost a race to another is made
/// again on what that one saved.
async fn update(
    deps: &Deps,
    actor: &EmailAddress,
    action: Action,
    change: impl Fn(&mut Vec<ResourceLink>) -> Result<String, ApiError>,
) -> Result<StoredLinks, ApiError> {
    retried("the links", || async {
        let before = deps.store.resource_links().await?;
        let mut links = before.links.clone();
        let note = change(&mut links)?;
        let (revision, entry) = revised(before.version(), actor, action, note, deps.now());
        let stored = StoredLinks {
            links,
            revision: Some(revision),
        };
        match deps.store.save_resource_links(&stored, &entry).await {
            Ok(()) => Ok(Some(stored)),
            Err(StoreError::Changed) => Ok(None),
            Err(e) => Err(e.into()),
        }
    })
    .await
}

/// `POST /api/admin/resources`: add a link; audited.
#[utoipa::path(post, path = "/api/admin/resources", operation_id = "add_resource_link", tag = "reports",
    request_body = LinkForm, security(("session" = [])),
    responses(
        (status = 201, description = "Added; every link", body = Links),
        (status = 403, description = "Not a program administrator"),
        (status = 409, description = "There are already 40 links, or others changed them at the same moment"),
        (status = 422, description = "Fields need attention"),
    ))]
#[tracing::instrument(skip_all)]
pub async fn add(
    State(deps): State<Deps>,
    Caller(actor): Caller,
    Form(body): Form<LinkForm>,
) -> Result<(StatusCode, Json<Links>), ApiError> {
    program_admin(&actor, WHAT)?;
    let bytes = moments_adapters::http::random_bytes::<5>()?;
    let id: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    let link = link_of(&body, format!("ln-{id}"))?;
    let stored = update(&deps, &actor.email, Action::LinkAdded, |links| {
        if links.len() >= MOST_LINKS {
            return Err(ApiError::Conflict(format!(
                "There are already {MOST_LINKS} links; remove one you no longer need first."
            )));
        }
        links.push(link.clone());
        Ok(format!(
            "{} for {}: {}",
            link.title,
            link.audience.as_str(),
            link.url.as_str()
        ))
    })
    .await?;
    Ok((StatusCode::CREATED, Json(Links::from(&stored))))
}

/// `DELETE /api/admin/resources/{id}`: remove a link; audited.
#[utoipa::path(delete, path = "/api/admin/resources/{id}", operation_id = "remove_resource_link", tag = "reports",
    security(("session" = [])),
    params(("id" = String, Path, description = "The link's id")),
    responses(
        (status = 200, description = "Removed; every link left", body = Links),
        (status = 403, description = "Not a program administrator"),
        (status = 404, description = "No such link"),
        (status = 409, description = "Others changed the links at the same moment"),
    ))]
#[tracing::instrument(skip_all)]
pub async fn remove(
    State(deps): State<Deps>,
    Caller(actor): Caller,
    Path(id): Path<String>,
) -> Result<Json<Links>, ApiError> {
    program_admin(&actor, WHAT)?;
    let stored = update(&deps, &actor.email, Action::LinkRemoved, |links| {
        let at = links
            .iter()
            .position(|l| l.id == id)
            .ok_or(ApiError::NotFound("link"))?;
        let gone = links.remove(at);
        Ok(format!(
            "{} for {}: {}",
            gone.title,
            gone.audience.as_str(),
            gone.url.as_str()
        ))
    })
    .await?;
    Ok(Json(Links::from(&stored)))
}
