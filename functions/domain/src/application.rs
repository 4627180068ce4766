//! Applications: the form, its parsing, and the lifecycle
//! pending → approved / denied, with supervisor reroute and later edits.

use std::fmt;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::access::Actor;
use crate::calendar::CalendarId;
use crate::catalogue::Lists;
use crate::departments::StoredDepartments;
use crate::fields::{
    Bio, DecisionMessage, DepartmentId, DivisionId, EmailAddress, Goals, JobTitle, LongText,
    PersonName, Phone, Problem, ProgramDomains, SkillRanking, WorkLocation, WorkingHours,
};
use crate::form::{FieldErrors, Flag, FormReader, Text, Texts};
use crate::kind::KindPreference;

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

/// An application form (POST creates it, PUT replaces its editable fields).
/// The applicant's email is the signed-in address, never a field.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct ApplicationForm {
    /// `mentee` or `mentor`; cannot change on PUT.
    #[schema(value_type = String)]
    pub role: Text,
    #[schema(value_type = String)]
    pub first_name: Text,
    #[schema(value_type = String)]
    pub last_name: Text,
    #[schema(value_type = String, required = false)]
    pub phone: Text,
    /// A department id from the catalogue.
    #[schema(value_type = String)]
    pub department: Text,
    /// A division id of that department: required when it has divisions,
    /// left out when it has none.
    #[schema(value_type = String, required = false)]
    pub division: Text,
    #[schema(value_type = String)]
    pub job_title: Text,
    #[schema(value_type = String)]
    pub work_location: Text,
    #[schema(value_type = String)]
    pub supervisor_first_name: Text,
    #[schema(value_type = String)]
    pub supervisor_last_name: Text,
    #[schema(value_type = String)]
    pub supervisor_email: Text,
    /// `daytime`, `evening` or `overnight`.
    #[schema(value_type = String)]
    pub working_hours: Text,
    #[schema(value_type = String)]
    pub bio: Text,
    /// 3 to 6 skill ids from the catalogue, most important first, no repeats.
    #[schema(value_type = Vec<String>)]
    pub skills: Texts,
    /// Mentees only, required for them.
    #[schema(value_type = String, required = false)]
    pub goals: Text,
    /// Mentors only: people already mentored outside the platform.
    #[schema(value_type = Vec<String>, required = false)]
    pub prior_mentees: Texts,
    /// The kind of mentorship wanted: `committed`, `flash` or `either`;
    /// empty for no stated preference (taken as either).
    #[schema(value_type = String, required = false)]
    pub mentorship_kind: Text,
    #[schema(value_type = bool)]
    pub full_time: Flag,
    #[schema(value_type = bool)]
    pub not_at_risk: Flag,
    #[schema(value_type = bool)]
    pub no_disciplinary_action: Flag,
    #[schema(value_type = bool)]
    pub agreement: Flag,
}

impl ApplicationForm {
    pub fn supervisor(&self) -> SupervisorForm {
        SupervisorForm {
            supervisor_first_name: self.supervisor_first_name.clone(),
            supervisor_last_name: self.supervisor_last_name.clone(),
            supervisor_email: self.supervisor_email.clone(),
        }
    }
}

/// Another supervisor for a pending application.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct SupervisorForm {
    #[schema(value_type = String)]
    pub supervisor_first_name: Text,
    #[schema(value_type = String)]
    pub supervisor_last_name: Text,
    #[schema(value_type = String)]
    pub supervisor_email: Text,
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
        form: &mut FormReader,
        fields: &SupervisorForm,
        applicant: &EmailAddress,
        domains: &ProgramDomains,
    ) -> Option<Supervisor> {
        let first_name = form.parsed(
            "supervisor_first_name",
            &fields.supervisor_first_name,
            PersonName::parse,
        );
        let last_name = form.parsed(
            "supervisor_last_name",
            &fields.supervisor_last_name,
            PersonName::parse,
        );
        let email = form.parsed("supervisor_email", &fields.supervisor_email, |raw| {
            let email = EmailAddress::parse(raw)?;
            if !domains.admits(&email) {
                Err(format!(
                    "Enter your supervisor's work email address ({}).",
                    domains.describe()
                ))
            } else if &email == applicant && EmailAddress::had_tag(raw) {
                Err(format!(
                    "Mail to that address reaches your own mailbox ({email}). Name your direct \
                     supervisor; you cannot review your own application."
                ))
            } else if &email == applicant {
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
    /// Where the department has divisions, the one the applicant is in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub division: Option<DivisionId>,
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
    /// The kind of mentorship wanted; none on applications sent before
    /// it was asked, and taken as either.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mentorship_kind: Option<KindPreference>,
}

/// How many earlier mentees a mentor can list.
pub const MAX_PRIOR_MENTEES: usize = 20;

/// Whether a form must make the eligibility statements and agree to the
/// program's expectations again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Statements {
    /// A new application, or one sent for a new review after a denial.
    Asked,
    /// An edit of a pending or approved application: the statements made
    /// when it was sent stand (someone no longer eligible withdraws), so
    /// the person is asked only for what they change.
    Standing,
}

impl Statements {
    /// What an edit of an application in `status` asks.
    pub fn for_edit(status: Status) -> Statements {
        match status {
            Status::Pending | Status::Approved => Statements::Standing,
            _ => Statements::Asked,
        }
    }
}

impl Details {
    /// Parse a new application's form for `role`. Every problem is
    /// reported, each under its field's name.
    pub fn parse(
        form: &ApplicationForm,
        role: Role,
        applicant: &EmailAddress,
        domains: &ProgramDomains,
        lists: &Lists,
    ) -> Result<Details, FieldErrors> {
        Self::parse_with(form, role, applicant, domains, lists, Statements::Asked)
    }

    /// [`Details::parse`], asking for the eligibility statements only when
    /// `statements` says so.
    pub fn parse_with(
        form: &ApplicationForm,
        role: Role,
        applicant: &EmailAddress,
        domains: &ProgramDomains,
        lists: &Lists,
        statements: Statements,
    ) -> Result<Details, FieldErrors> {
        let mut f = FormReader::new();
        let first_name = f.parsed("first_name", &form.first_name, PersonName::parse);
        let last_name = f.parsed("last_name", &form.last_name, PersonName::parse);
        let phone = f.optional("phone", &form.phone, Phone::parse);
        let (department, division) =
            read_department(&mut f, &form.department, &form.division, &lists.departments);
        let job_title = f.parsed("job_title", &form.job_title, JobTitle::parse);
        let work_location = f.parsed("work_location", &form.work_location, WorkLocation::parse);
        let supervisor = Supervisor::read(&mut f, &form.supervisor(), applicant, domains);
        let working_hours = f.parsed("working_hours", &form.working_hours, WorkingHours::parse);
        let bio = f.parsed("bio", &form.bio, Bio::parse);
        let raw_skills = f.list("skills", &form.skills);
        let skills = if f.errors.has("skills") {
            None
        } else {
            SkillRanking::parse(&raw_skills, &lists.skills)
                .map_err(|p| f.errors.add("skills", p))
                .ok()
        };
        let goals = match role {
            Role::Mentee => f.parsed("goals", &form.goals, Goals::parse).map(Some),
            Role::Mentor => Some(None),
        };
        let prior_mentees = match role {
            Role::Mentor => read_prior_mentees(&mut f, &form.prior_mentees, applicant),
            Role::Mentee => Some(Vec::new()),
        };
        let mentorship_kind = f.optional(
            "mentorship_kind",
            &form.mentorship_kind,
            KindPreference::parse,
        );
        if statements == Statements::Asked {
            f.confirmed(
                "full_time",
                &form.full_time,
                "Only full-time team members can take part; confirm that you are.",
            );
            f.confirmed(
                "not_at_risk",
                &form.not_at_risk,
                "Confirm that your most recent ENGAGE evaluation did not rate you at risk.",
            );
            f.confirmed(
                "no_disciplinary_action",
                &form.no_disciplinary_action,
                "Confirm that you are not on a performance improvement plan or other disciplinary action.",
            );
            f.confirmed(
                "agreement",
                &form.agreement,
                "Tick the box to agree to the program's guidelines and expectations.",
            );
        }
        let details = (|| {
            Some(Details {
                first_name: first_name?,
                last_name: last_name?,
                phone,
                department: department?,
                division: division?,
                job_title: job_title?,
                work_location: work_location?,
                supervisor: supervisor?,
                working_hours: working_hours?,
                bio: bio?,
                skills: skills?,
                goals: goals?,
                prior_mentees: prior_mentees?,
                mentorship_kind,
            })
        })();
        f.finish(details)
    }

    pub fn full_name(&self) -> String {
        format!("{} {}", self.first_name, self.last_name)
    }
}

fn read_prior_mentees(
    f: &mut FormReader,
    field: &Texts,
    applicant: &EmailAddress,
) -> Option<Vec<EmailAddress>> {
    let raw = f.list("prior_mentees", field);
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
    /// Taken back by a program administrator: the person is out of search,
    /// matching and requests until they apply again.
    Revoked,
    /// Withdrawn by the applicant: the same, by their own choice.
    Withdrawn,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pending => "pending",
            Status::Approved => "approved",
            Status::Denied => "denied",
            Status::Revoked => "revoked",
            Status::Withdrawn => "withdrawn",
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

/// A program administrator took an application back, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Revocation {
    pub by: EmailAddress,
    pub at: Timestamp,
    pub reason: LongText,
    /// The person had left state service.
    #[serde(default)]
    pub left_service: bool,
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
    /// Set once a program administrator revoked it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revoked: Option<Revocation>,
    pub submitted_at: Timestamp,
    pub updated_at: Timestamp,
    /// The match group it joined when it was sent (see
    /// [`crate::calendar::group_applying`]); its figures count there, and so
    /// do a mentee's mentorships. It never changes, so moving a group's dates
    /// later moves no counts. `None` when no group was announced, and for
    /// applications sent before groups were recorded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub match_group: Option<CalendarId>,
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

/// How long the person who decided has to take it back: the applicant's
/// email waits this long.
pub const UNDO_WITHIN: jiff::SignedDuration = jiff::SignedDuration::from_secs(10);

/// Why a decision cannot be taken back.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UndoRefused {
    #[error("Only the person who recorded the decision can undo it.")]
    NotTheDecider,
    #[error("This application has no decision to undo; it is {0}.")]
    NothingToUndo(&'static str),
    #[error(
        "A decision can be undone for 10 seconds after it is recorded; the applicant has been told of this one. To change it now, ask a program administrator."
    )]
    TooLate,
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
    /// Only pending and approved applications can be withdrawn.
    #[error("This application has been {0}; there is nothing to withdraw.")]
    NotWithdrawable(&'static str),
    /// Rerouting to the address it already goes to would email no one.
    #[error(
        "Your application already goes to this address. Enter the address of the supervisor who should review it instead; to correct your supervisor's name, edit your application."
    )]
    SameSupervisor,
}

/// What an administrator may correct on someone's application: the facts
/// about their post, not what they wrote about themselves (bio, skills,
/// goals) nor their eligibility statements.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct CorrectionForm {
    #[schema(value_type = String)]
    pub first_name: Text,
    #[schema(value_type = String)]
    pub last_name: Text,
    #[schema(value_type = String, required = false)]
    pub phone: Text,
    /// A department id from the catalogue.
    #[schema(value_type = String)]
    pub department: Text,
    /// A division id of that department, as on an application.
    #[schema(value_type = String, required = false)]
    pub division: Text,
    #[schema(value_type = String)]
    pub job_title: Text,
    #[schema(value_type = String)]
    pub work_location: Text,
    #[schema(value_type = String)]
    pub supervisor_first_name: Text,
    #[schema(value_type = String)]
    pub supervisor_last_name: Text,
    #[schema(value_type = String)]
    pub supervisor_email: Text,
    /// `daytime`, `evening` or `overnight`.
    #[schema(value_type = String)]
    pub working_hours: Text,
    /// Why: told to the person and kept in the audit trail.
    #[schema(value_type = String)]
    pub note: Text,
    /// The application's `version` as read; a correction of a changed
    /// application is refused.
    #[schema(value_type = u64)]
    pub version: crate::form::Count,
}

impl CorrectionForm {
    /// The corrected details: `current` with these fields replaced. Every
    /// problem is reported under its field's name.
    pub fn details(
        &self,
        current: &Details,
        applicant: &EmailAddress,
        domains: &ProgramDomains,
        departments: &StoredDepartments,
    ) -> Result<Details, FieldErrors> {
        let mut f = FormReader::new();
        let first_name = f.parsed("first_name", &self.first_name, PersonName::parse);
        let last_name = f.parsed("last_name", &self.last_name, PersonName::parse);
        let phone = f.optional("phone", &self.phone, Phone::parse);
        // A record keeps the department and division it has, even retired
        // since: a correction of another field must not force a move.
        let unchanged = self.department.given().map(|d| d.trim())
            == Some(current.department.as_str())
            && self.division.given().map_or("", |d| d.trim())
                == current.division.as_ref().map_or("", |d| d.as_str());
        let (department, division) = if unchanged {
            (
                Some(current.department.clone()),
                Some(current.division.clone()),
            )
        } else {
            read_department(&mut f, &self.department, &self.division, departments)
        };
        let job_title = f.parsed("job_title", &self.job_title, JobTitle::parse);
        let work_location = f.parsed("work_location", &self.work_location, WorkLocation::parse);
        let supervisor = Supervisor::read(
            &mut f,
            &SupervisorForm {
                supervisor_first_name: self.supervisor_first_name.clone(),
                supervisor_last_name: self.supervisor_last_name.clone(),
                supervisor_email: self.supervisor_email.clone(),
            },
            applicant,
            domains,
        );
        let working_hours = f.parsed("working_hours", &self.working_hours, WorkingHours::parse);
        let details = (|| {
            Some(Details {
                first_name: first_name?,
                last_name: last_name?,
                phone,
                department: department?,
                division: division?,
                job_title: job_title?,
                work_location: work_location?,
                supervisor: supervisor?,
                working_hours: working_hours?,
                ..current.clone()
            })
        })();
        f.finish(details)
    }
}

/// A department people can choose now and, where it has divisions, one of
/// them: each problem under its own field.
fn read_department(
    f: &mut FormReader,
    department: &Text,
    division: &Text,
    list: &StoredDepartments,
) -> (Option<DepartmentId>, Option<Option<DivisionId>>) {
    let department = f.parsed("department", department, |raw| list.choosable(raw));
    let division = department
        .as_ref()
        .and_then(|d| f.parsed("division", division, |raw| list.choosable_division(d, raw)));
    (department, division)
}

/// The fields of a correction that differ, in the words the email uses.
pub fn corrected_fields(before: &Details, after: &Details) -> Vec<&'static str> {
    let mut out = Vec::new();
    let mut differs = |changed: bool, name: &'static str| {
        if changed {
            out.push(name);
        }
    };
    differs(
        before.first_name != after.first_name || before.last_name != after.last_name,
        "name",
    );
    differs(before.phone != after.phone, "phone");
    differs(
        before.department != after.department || before.division != after.division,
        "department",
    );
    differs(before.job_title != after.job_title, "job title");
    differs(before.work_location != after.work_location, "work location");
    differs(before.supervisor != after.supervisor, "supervisor");
    differs(before.working_hours != after.working_hours, "working hours");
    out
}

/// Why revoking an application was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RevokeRefused {
    #[error("Only program administrators can revoke an application.")]
    NotProgramAdmin,
    #[error("You cannot revoke your own application.")]
    OwnApplication,
    #[error(
        "This application has been {0}; only pending and approved applications can be revoked."
    )]
    NotRevocable(&'static str),
}

/// Why an administrator's correction was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CorrectionRefused {
    #[error(
        "Only program administrators and administrators of the applicant's department can correct an application."
    )]
    NoAuthority,
    #[error(
        "You cannot correct your own application as an administrator; edit it from My applications."
    )]
    OwnApplication,
    #[error("Nothing differs from the application as it is; change a field, or cancel.")]
    NothingChanged,
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
            revoked: None,
            submitted_at: now,
            updated_at: now,
            match_group: None,
            version: 1,
        }
    }

    /// The same application, counted in match group `group`.
    pub fn in_group(self, group: Option<CalendarId>) -> Application {
        Application {
            match_group: group,
            ..self
        }
    }

    /// Its applicant, supervisor, administrators of its department and
    /// program administrators may see it.
    pub fn visible_to(&self, actor: &Actor) -> bool {
        actor.email == self.applicant
            || &actor.email == self.supervisor()
            || actor.administers(&self.details.department)
            || actor.program_admin
    }

    /// Prior mentees are never public: only the applicant and administrators see them.
    pub fn private_fields_visible_to(&self, actor: &Actor) -> bool {
        actor.email == self.applicant
            || actor.program_admin
            || actor.administers(&self.details.department)
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

    /// The person who decided takes the decision back within
    /// [`UNDO_WITHIN`]: the application waits for a decision again, as if
    /// none had been made (the audit trail keeps both).
    pub fn undo_decision(&self, actor: &Actor, now: Timestamp) -> Result<Application, UndoRefused> {
        let decision = match (&self.status, &self.decision) {
            (Status::Approved | Status::Denied, Some(d)) => d,
            // Only those who could decide learn that there is nothing to undo.
            _ if &actor.email == self.supervisor()
                || actor.administers(&self.details.department) =>
            {
                return Err(UndoRefused::NothingToUndo(self.status.as_str()));
            }
            _ => return Err(UndoRefused::NotTheDecider),
        };
        if decision.decided_by != actor.email {
            return Err(UndoRefused::NotTheDecider);
        }
        if now > decision.decided_at + UNDO_WITHIN {
            return Err(UndoRefused::TooLate);
        }
        Ok(Application {
            status: Status::Pending,
            decision: None,
            updated_at: now,
            version: self.version + 1,
            ..self.clone()
        })
    }

    /// The applicant replaces what they wrote. A denied application is
    /// resubmitted; a pending one whose supervisor changed is rerouted. An
    /// approved one stays approved unless what the approval vouched for
    /// changed, the department or the supervisor: then nobody in the new
    /// department or no new supervisor approved it, and it goes back for
    /// review. Bio, skills, title and place keep it approved.
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
            Status::Denied | Status::Revoked | Status::Withdrawn => {
                (Status::Pending, None, EditEffect::Resubmitted)
            }
            Status::Approved
                if details.supervisor.email != *self.supervisor()
                    || details.department != self.details.department =>
            {
                (Status::Pending, None, EditEffect::Resubmitted)
            }
            Status::Pending if details.supervisor.email != *self.supervisor() => (
                Status::Pending,
                None,
                EditEffect::Rerouted {
                    from: self.supervisor().clone(),
                },
            ),
            status => (status, self.decision.clone(), EditEffect::Updated),
        };
        let (submitted_at, revoked) = if effect == EditEffect::Resubmitted {
            (now, None)
        } else {
            (self.submitted_at, self.revoked.clone())
        };
        Ok((
            Application {
                details,
                status,
                decision,
                revoked,
                submitted_at,
                updated_at: now,
                version: self.version + 1,
                ..self.clone()
            },
            effect,
        ))
    }

    /// An administrator (a program administrator, or one of the
    /// application's department) corrects its facts on the person's behalf.
    /// A new supervisor or department goes back for review, as when the
    /// person changes them: a pending one is sent to the (new) supervisor,
    /// an approved one becomes pending. Otherwise the status stays.
    pub fn correct(
        &self,
        admin: &Actor,
        details: Details,
        now: Timestamp,
    ) -> Result<(Application, EditEffect), CorrectionRefused> {
        if !admin.program_admin && !admin.administers(&self.details.department) {
            return Err(CorrectionRefused::NoAuthority);
        }
        if admin.email == self.applicant {
            return Err(CorrectionRefused::OwnApplication);
        }
        if corrected_fields(&self.details, &details).is_empty() {
            return Err(CorrectionRefused::NothingChanged);
        }
        let review_again = details.supervisor.email != *self.supervisor()
            || details.department != self.details.department;
        let (status, decision, effect) = match self.status {
            Status::Approved if review_again => (Status::Pending, None, EditEffect::Resubmitted),
            Status::Pending if review_again => (
                Status::Pending,
                None,
                EditEffect::Rerouted {
                    from: self.supervisor().clone(),
                },
            ),
            status => (status, self.decision.clone(), EditEffect::Updated),
        };
        Ok((
            Application {
                details,
                status,
                decision,
                updated_at: now,
                version: self.version + 1,
                ..self.clone()
            },
            effect,
        ))
    }

    /// A program administrator takes a pending or approved application
    /// back: the person leaves search, matching and requests. Their
    /// mentorships are not touched here.
    pub fn revoke(
        &self,
        actor: &Actor,
        reason: LongText,
        left_service: bool,
        now: Timestamp,
    ) -> Result<Application, RevokeRefused> {
        if !actor.program_admin {
            return Err(RevokeRefused::NotProgramAdmin);
        }
        if actor.email == self.applicant {
            return Err(RevokeRefused::OwnApplication);
        }
        if !matches!(self.status, Status::Pending | Status::Approved) {
            return Err(RevokeRefused::NotRevocable(self.status.as_str()));
        }
        Ok(Application {
            status: Status::Revoked,
            revoked: Some(Revocation {
                by: actor.email.clone(),
                at: now,
                reason,
                left_service,
            }),
            updated_at: now,
            version: self.version + 1,
            ..self.clone()
        })
    }

    /// The applicant withdraws a pending or approved application: they
    /// leave search, matching and requests. Their mentorships are the
    /// caller's to end.
    pub fn withdraw(
        &self,
        actor: &EmailAddress,
        now: Timestamp,
    ) -> Result<Application, ChangeRefused> {
        if actor != &self.applicant {
            return Err(ChangeRefused::NotApplicant);
        }
        if !matches!(self.status, Status::Pending | Status::Approved) {
            return Err(ChangeRefused::NotWithdrawable(self.status.as_str()));
        }
        Ok(Application {
            status: Status::Withdrawn,
            updated_at: now,
            version: self.version + 1,
            ..self.clone()
        })
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
        if supervisor.email == from {
            return Err(ChangeRefused::SameSupervisor);
        }
        let mut details = self.details.clone();
        details.supervisor = supervisor;
        let effect = EditEffect::Rerouted { from };
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
