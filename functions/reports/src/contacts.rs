//! Who to ask: the program team's address (and phone, if set), kept by
//! program administrators, and each department's administrators, for the
//! public contact page.

use axum::Json;
use axum::extract::State;
use axum::response::Response;
use moments_adapters::deps::Deps;
use moments_adapters::http::views::Named;
use moments_adapters::http::{ApiError, Caller, Form};
use moments_adapters::store::StoreError;
use moments_domain::audit::{Action, AuditEntry};
use moments_domain::calendar::Revision;
use moments_domain::contact::{ProgramContact, StoredContact};
use moments_domain::fields::{DepartmentId, EmailAddress, Phone};
use moments_domain::form::{Count, FormReader, Text};
use serde::{Deserialize, Serialize};

use crate::calendar::public;
use crate::program_admin;

/// The program team's contact details.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ProgramContactView {
    /// Null until a program administrator sets it.
    email: Option<String>,
    phone: Option<String>,
    /// The version a change names; 0 before the first.
    version: u64,
    /// When they were last changed; null before the first change.
    updated_at: Option<String>,
}

impl From<&StoredContact> for ProgramContactView {
    fn from(stored: &StoredContact) -> Self {
        ProgramContactView {
            email: stored.contact.email.as_ref().map(ToString::to_string),
            phone: stored
                .contact
                .phone
                .as_ref()
                .map(|p| p.as_str().to_string()),
            version: stored.version(),
            updated_at: stored.revision.as_ref().map(|r| r.updated_at.to_string()),
        }
    }
}

/// One department's administrators.
#[derive(Serialize, utoipa::ToSchema)]
pub struct DepartmentContacts {
    department: Named,
    /// Their work addresses; empty when the department has none yet.
    admins: Vec<String>,
}

/// Who to ask about the program.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Contacts {
    program: ProgramContactView,
    /// Every department, in the catalogue's order.
    departments: Vec<DepartmentContacts>,
}

/// `GET /api/contacts`: the program team and every department's
/// administrators, for everyone. One GetItem and one small Query per
/// department, read at once; browsers and CloudFront keep the answer a
/// minute.
#[utoipa::path(get, path = "/api/contacts", operation_id = "program_contacts", tag = "reports",
    responses((status = 200, description = "The program team and each department's administrators", body = Contacts)))]
#[tracing::instrument(skip_all)]
pub async fn contacts(State(deps): State<Deps>) -> Result<Response, ApiError> {
    let list = deps.store.departments().await?;
    // The departments people can choose now; a retired one is not listed.
    let departments: Vec<DepartmentId> = list
        .open()
        .iter()
        .filter_map(|d| DepartmentId::parse(&d.id).ok())
        .collect();
    // The departments' queries run at once, not one after another.
    let mut reads = tokio::task::JoinSet::new();
    for (n, dept) in departments.iter().enumerate() {
        let (deps, dept) = (deps.clone(), dept.clone());
        reads.spawn(async move { (n, deps.store.department_admins(&dept).await) });
    }
    let program = deps.store.program_contact().await?;
    let mut admins = vec![Vec::new(); departments.len()];
    while let Some(read) = reads.join_next().await {
        let (n, found) = read.map_err(|e| ApiError::Internal(Box::new(e)))?;
        admins[n] = found?;
    }
    let departments = departments
        .iter()
        .zip(admins)
        .map(|(dept, mut admins)| {
            admins.sort();
            DepartmentContacts {
                department: list.entry(dept),
                admins: admins.iter().map(ToString::to_string).collect(),
            }
        })
        .collect();
    Ok(public(Json(Contacts {
        program: ProgramContactView::from(&program),
        departments,
    })))
}

/// The program team's contact details as a program administrator writes them.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct ContactForm {
    /// The address people write to, e.g. the team's shared mailbox.
    #[schema(value_type = String)]
    email: Text,
    /// Optional.
    #[schema(value_type = String, required = false)]
    phone: Text,
    /// The `version` as read (0 before the first change).
    #[schema(value_type = u64)]
    version: Count,
}

/// `PUT /api/admin/contact`: change the program team's contact details,
/// from the version read; audited.
#[utoipa::path(put, path = "/api/admin/contact", operation_id = "change_program_contact", tag = "reports",
    request_body = ContactForm, security(("session" = [])),
    responses(
        (status = 200, description = "Changed", body = ProgramContactView),
        (status = 403, description = "Not a program administrator"),
        (status = 409, description = "Someone else changed them first"),
        (status = 422, description = "Fields need attention"),
    ))]
#[tracing::instrument(skip_all)]
pub async fn change(
    State(deps): State<Deps>,
    Caller(actor): Caller,
    Form(body): Form<ContactForm>,
) -> Result<Json<ProgramContactView>, ApiError> {
    program_admin(&actor, "change the program's contact details")?;
    let mut form = FormReader::new();
    let email = form.parsed("email", &body.email, |raw| {
        EmailAddress::parse(raw)
            .map_err(|_| "Enter the address people should write to, like mentoring@mo.gov.".into())
    });
    let phone = form.optional("phone", &body.phone, Phone::parse);
    let version = form.count(
        "version",
        &body.version,
        0..=u64::MAX,
        "Give the version you read; reload the page and try again.",
    );
    let (email, version) = form.finish(email.zip(version))?;
    let before = deps.store.program_contact().await?;
    let stale = || {
        ApiError::Conflict(
            "Someone else changed the contact details since you opened them. Reload to see their change, then make yours again."
                .into(),
        )
    };
    if before.version() != version {
        return Err(stale());
    }
    let contact = ProgramContact {
        email: Some(email),
        phone,
    };
    let note = changes(&before.contact, &contact);
    let stored = StoredContact {
        contact,
        revision: Some(Revision {
            version: version + 1,
            updated_at: deps.now(),
            updated_by: actor.email.to_string(),
        }),
    };
    let entry = AuditEntry {
        at: deps.now(),
        actor: actor.email.clone(),
        action: Action::ContactChanged,
        on_behalf_of: None,
        note: Some(note),
    };
    match deps.store.save_program_contact(&stored, &entry).await {
        Ok(()) => Ok(Json(ProgramContactView::from(&stored))),
        Err(StoreError::Changed) => Err(stale()),
        Err(e) => Err(e.into()),
    }
}

/// What a change did, for the audit trail: "email to a@mo.gov; phone removed".
fn changes(before: &ProgramContact, after: &ProgramContact) -> String {
    let mut out = Vec::new();
    if before.email != after.email
        && let Some(email) = &after.email
    {
        out.push(format!("email to {email}"));
    }
    match (&before.phone, &after.phone) {
        (a, b) if a == b => {}
        (_, Some(p)) => out.push(format!("phone to {}", p.as_str())),
        (Some(_), None) => out.push("phone removed".to_string()),
        (None, None) => {}
    }
    if out.is_empty() {
        "saved unchanged".to_string()
    } else {
        out.join("; ")
    }
}
