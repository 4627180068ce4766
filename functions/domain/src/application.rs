//! Applications: the form, its parsing, and the lifecycle
//! pending → approved / denied, with supervisor reroute and later edits.

use std::collections::BTreeMap;
use std::fmt;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::access::Actor;
use crate::fields::{
    Bio, DecisionMessage, DepartmentId, EmailAddress, Goals, JobTitle, PersonName, Phone, Problem,
    ProgramDomains, SkillRanking, WorkLocation, WorkingHours,
};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Mentee,
    Mentor,
}

impl Role {
    pub fn parse(raw: &str) -> Result<Role, Problem> {
        match raw.trim() {
            "mentee" => Ok(Role::Mentee),
            "mentor" => Ok(Role::Mentor),
            "" => Err("Choose mentee or mentor.".into()),
            _ => Err("Role must be mentee or mentor.".into()),
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Mentee => "mentee",
            Role::Mentor => "mentor",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Per-field messages, keyed by the request body's field names.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct FieldErrors(pub BTreeMap<String, String>);

impl FieldErrors {
    pub fn add(&mut self, field: &str, message: impl Into<String>) {
        self.0
            .entry(field.to_string())
            .or_insert_with(|| message.into());
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    pub fn len(&self) -> usize {
        self.0.len()
    }
    pub fn fields(&self) -> impl Iterator<Item = &str> {
        self.0.keys().map(String::as_str)
    }
    pub fn single(field: &str, message: impl Into<String>) -> Self {
        let mut e = FieldErrors::default();
        e.add(field, message);
        e
    }
}

/// Reads named fields out of a JSON body, remembering every problem so the
/// person sees all of them at once.
pub struct FormReader<'a> {
    body: &'a Map<String, Value>,
    pub errors: FieldErrors,
}

impl<'a> FormReader<'a> {
    pub fn new(body: &'a Map<String, Value>) -> Self {
        FormReader {
            body,
            errors: FieldErrors::default(),
        }
    }

    /// A text field; absent and null read as empty.
    pub fn text(&mut self, field: &str) -> String {
        match self.body.get(field) {
            None | Some(Value::Null) => String::new(),
            Some(Value::String(s)) => s.clone(),
            Some(_) => {
                self.errors.add(field, "This must be text.");
                String::new()
            }
        }
    }

    pub fn parsed<T>(
        &mut self,
        field: &str,
        parse: impl FnOnce(&str) -> Result<T, Problem>,
    ) -> Option<T> {
        let raw = self.text(field);
        if self.errors.0.contains_key(field) {
            return None;
        }
        match parse(&raw) {
            Ok(v) => Some(v),
            Err(p) => {
                self.errors.add(field, p);
                None
            }
        }
    }

    /// Optional text: empty means absent.
    pub fn optional<T>(
        &mut self,
        field: &str,
        parse: impl FnOnce(&str) -> Result<T, Problem>,
    ) -> Option<T> {
        if self.text(field).trim().is_empty() {
            return None;
        }
        self.parsed(field, parse)
    }

    pub fn list(&mut self, field: &str) -> Vec<String> {
        match self.body.get(field) {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Array(items)) => {
                let texts: Option<Vec<String>> = items
                    .iter()
                    .map(|v| v.as_str().map(str::to_string))
                    .collect();
                texts.unwrap_or_else(|| {
                    self.errors
                        .add(field, "This must be a list of text values.");
                    Vec::new()
                })
            }
            Some(_) => {
                self.errors.add(field, "This must be a list.");
                Vec::new()
            }
        }
    }

    /// A checkbox that must be ticked.
    pub fn confirmed(&mut self, field: &str, message: &str) -> bool {
        match self.body.get(field) {
            Some(Value::Bool(true)) => true,
            None | Some(Value::Null) | Some(Value::Bool(false)) => {
                self.errors.add(field, message);
                false
            }
            Some(_) => {
                self.errors.add(field, "This must be true or false.");
                false
            }
        }
    }

    pub fn finish<T>(self, value: Option<T>) -> Result<T, FieldErrors> {
        match value {
            Some(v) if self.errors.is_empty() => Ok(v),
            _ => Err(self.errors),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Supervisor {
    pub first_name: PersonName,
    pub last_name: PersonName,
    pub email: EmailAddress,
}

impl Supervisor {
    /// The supervisor fields of a form; the applicant cannot name themself.
    pub fn read(
        form: &mut FormReader<'_>,
        applicant: &EmailAddress,
        domains: &ProgramDomains,
    ) -> Option<Supervisor> {
        let first_name = form.parsed("supervisor_first_name", PersonName::parse);
        let last_name = form.parsed("supervisor_last_name", PersonName::parse);
        let email = form.parsed("supervisor_email", |raw| {
            let email = domains.work_email(raw)?;
            if &email == applicant {
                Err("Name your direct supervisor; you cannot review your own application.".into())
            } else {
                Ok(email)
            }
        });
        Some(Supervisor {
            first_name: first_name?,
            last_name: last_name?,
            email: email?,
        })
    }

    pub fn full_name(&self) -> String {
        format!("{} {}", self.first_name, self.last_name)
    }
}

/// Everything the applicant writes on an application.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Details {
    pub first_name: PersonName,
    pub last_name: PersonName,
    pub phone: Option<Phone>,
    pub department: DepartmentId,
    pub job_title: JobTitle,
    pub work_location: WorkLocation,
    pub supervisor: Supervisor,
    pub working_hours: WorkingHours,
    pub bio: Bio,
    pub skills: SkillRanking,
    /// Mentees: what they hope to achieve.
    pub goals: Option<Goals>,
    /// Mentors: mentees already served outside the platform. Never shown
    /// publicly; counted in the program's metrics.
    #[serde(default)]
    pub prior_mentees: Vec<EmailAddress>,
}

/// How many earlier mentees a mentor can list.
pub const MAX_PRIOR_MENTEES: usize = 20;

impl Details {
    /// Parse an application body for `role`. Every problem is reported, each
    /// under its field's name.
    pub fn parse(
        body: &Map<String, Value>,
        role: Role,
        applicant: &EmailAddress,
        domains: &ProgramDomains,
    ) -> Result<Details, FieldErrors> {
        let mut f = FormReader::new(body);
        let first_name = f.parsed("first_name", PersonName::parse);
        let last_name = f.parsed("last_name", PersonName::parse);
        let phone = f.optional("phone", Phone::parse);
        let department = f.parsed("department", DepartmentId::parse);
        let job_title = f.parsed("job_title", JobTitle::parse);
        let work_location = f.parsed("work_location", WorkLocation::parse);
        let supervisor = Supervisor::read(&mut f, applicant, domains);
        let working_hours = f.parsed("working_hours", WorkingHours::parse);
        let bio = f.parsed("bio", Bio::parse);
        let raw_skills = f.list("skills");
        let skills = if f.errors.0.contains_key("skills") {
            None
        } else {
            SkillRanking::parse(&raw_skills)
                .map_err(|p| f.errors.add("skills", p))
                .ok()
        };
        let goals = match role {
            Role::Mentee => f.parsed("goals", Goals::parse).map(Some),
            Role::Mentor => Some(None),
        };
        let prior_mentees = match role {
            Role::Mentor => read_prior_mentees(&mut f, applicant),
            Role::Mentee => Some(Vec::new()),
        };
        f.confirmed(
            "full_time",
            "Only full-time team members can take part; confirm that you are.",
        );
        f.confirmed(
            "not_at_risk",
            "Confirm that your most recent ENGAGE evaluation did not rate you at risk.",
        );
        f.confirmed(
            "no_disciplinary_action",
            "Confirm that you are not on a performance improvement plan or other disciplinary action.",
        );
        f.confirmed(
            "agreement",
            "Tick the box to agree to the program's guidelines and expectations.",
        );
        let details = (|| {
            Some(Details {
                first_name: first_name?,
                last_name: last_name?,
                phone,
                department: department?,
                job_title: job_title?,
                work_location: work_location?,
                supervisor: supervisor?,
                working_hours: working_hours?,
                bio: bio?,
                skills: skills?,
                goals: goals?,
                prior_mentees: prior_mentees?,
            })
        })();
        f.finish(details)
    }

    pub fn full_name(&self) -> String {
        format!("{} {}", self.first_name, self.last_name)
    }
}

fn read_prior_mentees(
    f: &mut FormReader<'_>,
    applicant: &EmailAddress,
) -> Option<Vec<EmailAddress>> {
    let raw = f.list("prior_mentees");
    let entries: Vec<&str> = raw
        .iter()
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
        .collect();
    if entries.len() > MAX_PRIOR_MENTEES {
        f.errors.add(
            "prior_mentees",
            format!("List at most {MAX_PRIOR_MENTEES} earlier mentees."),
        );
        return None;
    }
    let mut out: Vec<EmailAddress> = Vec::new();
    for entry in entries {
        match EmailAddress::parse(entry) {
            Ok(e) if &e == applicant => {
                f.errors.add(
                    "prior_mentees",
                    "List the people you mentored, not yourself.",
                );
                return None;
            }
            Ok(e) => {
                if !out.contains(&e) {
                    out.push(e);
                }
            }
            Err(_) => {
                let shown: String = entry.chars().take(60).collect();
                f.errors.add(
                    "prior_mentees",
                    format!("\"{shown}\" is not an email address; list one address per line."),
                );
                return None;
            }
        }
    }
    Some(out)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Pending,
    Approved,
    Denied,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pending => "pending",
            Status::Approved => "approved",
            Status::Denied => "denied",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    Approved,
    Denied,
}

impl Outcome {
    pub fn parse(raw: &str) -> Result<Outcome, Problem> {
        match raw.trim() {
            "approve" | "approved" => Ok(Outcome::Approved),
            "deny" | "denied" => Ok(Outcome::Denied),
            _ => Err("Choose approve or deny.".into()),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Decision {
    pub outcome: Outcome,
    pub decided_by: EmailAddress,
    /// Set when a department administrator decided in the supervisor's place.
    pub on_behalf_of: Option<EmailAddress>,
    pub message: Option<DecisionMessage>,
    pub decided_at: Timestamp,
}

crate::ids::hex_id!(
    /// An application id.
    ApplicationId,
    "application"
);

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Application {
    pub id: ApplicationId,
    pub role: Role,
    pub applicant: EmailAddress,
    pub details: Details,
    pub status: Status,
    pub decision: Option<Decision>,
    pub submitted_at: Timestamp,
    pub updated_at: Timestamp,
    /// Bumped by every change; stores write only if it is still what was read,
    /// so two concurrent edits cannot silently overwrite each other.
    pub version: u64,
}

/// Why a decision was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecisionRefused {
    #[error("You cannot decide on your own application.")]
    OwnApplication,
    #[error(
        "Only the applicant's supervisor or an administrator of the applicant's department can decide on this application."
    )]
    NoAuthority,
    #[error("This application has already been {0}.")]
    AlreadyDecided(&'static str),
}

/// Why an applicant's change was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChangeRefused {
    #[error("Only the applicant can change an application.")]
    NotApplicant,
    #[error(
        "The application has already been {0}; the review can no longer be sent to another supervisor."
    )]
    NotPending(&'static str),
}

/// What an edit did, so the caller knows whom to tell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EditEffect {
    /// Details changed; the status stays as it was.
    Updated,
    /// A pending application now waits for a different supervisor.
    Rerouted { from: EmailAddress },
    /// A denied application was changed and goes back for review.
    Resubmitted,
}

impl Application {
    pub fn submit(
        id: ApplicationId,
        role: Role,
        applicant: EmailAddress,
        details: Details,
        now: Timestamp,
    ) -> Application {
        Application {
            id,
            role,
            applicant,
            details,
            status: Status::Pending,
            decision: None,
            submitted_at: now,
            updated_at: now,
            version: 1,
        }
    }

    pub fn supervisor(&self) -> &EmailAddress {
        &self.details.supervisor.email
    }

    pub fn decide(
        &self,
        actor: &Actor,
        outcome: Outcome,
        message: Option<DecisionMessage>,
        now: Timestamp,
    ) -> Result<Application, DecisionRefused> {
        if actor.email == self.applicant {
            return Err(DecisionRefused::OwnApplication);
        }
        let on_behalf_of = if &actor.email == self.supervisor() {
            None
        } else if actor.administers(&self.details.department) {
            Some(self.supervisor().clone())
        } else {
            return Err(DecisionRefused::NoAuthority);
        };
        if self.status != Status::Pending {
            return Err(DecisionRefused::AlreadyDecided(self.status.as_str()));
        }
        let status = match outcome {
            Outcome::Approved => Status::Approved,
            Outcome::Denied => Status::Denied,
        };
        Ok(Application {
            status,
            decision: Some(Decision {
                outcome,
                decided_by: actor.email.clone(),
                on_behalf_of,
                message,
                decided_at: now,
            }),
            updated_at: now,
            version: self.version + 1,
            ..self.clone()
        })
    }

    /// The applicant replaces what they wrote. Approved stays approved; a
    /// denied application is resubmitted; a pending one whose supervisor
    /// changed is rerouted.
    pub fn edit(
        &self,
        actor: &EmailAddress,
        details: Details,
        now: Timestamp,
    ) -> Result<(Application, EditEffect), ChangeRefused> {
        if actor != &self.applicant {
            return Err(ChangeRefused::NotApplicant);
        }
        let (status, decision, effect) = match self.status {
            Status::Denied => (Status::Pending, None, EditEffect::Resubmitted),
            Status::Pending if details.supervisor.email != *self.supervisor() => (
                Status::Pending,
                None,
                EditEffect::Rerouted {
                    from: self.supervisor().clone(),
                },
            ),
            status => (status, self.decision.clone(), EditEffect::Updated),
        };
        let submitted_at = if effect == EditEffect::Resubmitted {
            now
        } else {
            self.submitted_at
        };
        Ok((
            Application {
                details,
                status,
                decision,
                submitted_at,
                updated_at: now,
                version: self.version + 1,
                ..self.clone()
            },
            effect,
        ))
    }

    /// The supervisor is away: the pending review goes to someone else.
    pub fn reroute(
        &self,
        actor: &EmailAddress,
        supervisor: Supervisor,
        now: Timestamp,
    ) -> Result<(Application, EditEffect), ChangeRefused> {
        if actor != &self.applicant {
            return Err(ChangeRefused::NotApplicant);
        }
        if self.status != Status::Pending {
            return Err(ChangeRefused::NotPending(self.status.as_str()));
        }
        let from = self.supervisor().clone();
        let mut details = self.details.clone();
        details.supervisor = supervisor;
        let effect = if details.supervisor.email == from {
            EditEffect::Updated
        } else {
            EditEffect::Rerouted { from }
        };
        Ok((
            Application {
                details,
                updated_at: now,
                version: self.version + 1,
                ..self.clone()
            },
            effect,
        ))
    }
}
