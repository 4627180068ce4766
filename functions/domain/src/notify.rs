//! The emails the program sends, in plain text. Everything a person typed is
//! quoted as text; links are built from the configured site address.

use crate::application::{Application, Outcome, Role};
use crate::mail::Message;

const SIGNATURE: &str =
    "MOments — to teach, to learn, to connect.\nThe statewide employee mentoring program.";

fn role_phrase(role: Role) -> &'static str {
    match role {
        Role::Mentee => "mentee",
        Role::Mentor => "mentor",
    }
}

pub fn sign_in_link(to: &str, link: &str) -> Message {
    Message {
        to: to.to_string(),
        subject: "Your MOments sign-in link".into(),
        text: format!(
            "Hello,\n\nSomeone (we hope you) asked to sign in to MOments with this address. \
             Open the link below and press \"Sign in\" on the page it shows:\n\n{link}\n\n\
             The link works once and expires in 10 minutes. If you did not ask for it, \
             you can ignore this email; nobody can sign in without it.\n\n{SIGNATURE}\n"
        ),
    }
}

pub fn application_received(app: &Application, base_url: &str) -> Message {
    let d = &app.details;
    Message {
        to: app.applicant.to_string(),
        subject: format!(
            "We received your MOments {} application",
            role_phrase(app.role)
        ),
        text: format!(
            "Hello {first},\n\nThank you for applying to be a {role} in MOments. \
             Your application is now with your supervisor, {sup}, for review. \
             You will get an email as soon as it has been approved or denied; \
             questions about the review are best taken to your supervisor.\n\n\
             You can see or change your application at any time:\n{base_url}/my/applications/\n\n{SIGNATURE}\n",
            first = d.first_name,
            role = role_phrase(app.role),
            sup = d.supervisor.full_name(),
        ),
    }
}

pub fn review_requested(app: &Application, base_url: &str) -> Message {
    let d = &app.details;
    Message {
        to: app.supervisor().to_string(),
        subject: format!(
            "Please review {}'s MOments {} application",
            d.full_name(),
            role_phrase(app.role)
        ),
        text: format!(
            "Hello {sup_first},\n\n{name} ({title}, {dept}) has applied to be a {role} in MOments, \
             the statewide employee mentoring program, and named you as their direct supervisor.\n\n\
             Please confirm they are eligible — employed full-time, not rated at risk in their most recent \
             ENGAGE evaluation, and not on a performance improvement plan or other disciplinary action — \
             and approve or deny the application here:\n\n{base_url}/review/?application={id}\n\n\
             If you deny it, you can add a personal message; we send it to {first} with the decision.\n\n{SIGNATURE}\n",
            sup_first = d.supervisor.first_name,
            name = d.full_name(),
            title = d.job_title,
            dept = d.department.name(),
            role = role_phrase(app.role),
            id = app.id,
            first = d.first_name,
        ),
    }
}

/// The decision, sent to the applicant. `app` is the decided application.
pub fn decided(app: &Application, base_url: &str) -> Option<Message> {
    let decision = app.decision.as_ref()?;
    let d = &app.details;
    let who = match &decision.on_behalf_of {
        None => format!("your supervisor, {}", d.supervisor.full_name()),
        Some(_) => format!(
            "a MOments administrator for {} (on behalf of {})",
            d.department.name(),
            d.supervisor.full_name()
        ),
    };
    let message = decision
        .message
        .as_ref()
        .map(|m| format!("\nTheir message to you:\n\n{}\n", quote(m.as_str())))
        .unwrap_or_default();
    let (subject, body) = match (decision.outcome, app.role) {
        (Outcome::Approved, Role::Mentee) => (
            "Your MOments mentee application is approved",
            format!(
                "Good news: {who} approved your application to be a mentee.\n{message}\n\
                 Next, find a mentor — you will not be assigned one. Search for mentors by department, \
                 skills and working hours, and press \"Select as Mentor\" on a profile to send a request. \
                 You can have up to two active mentors. If you applied during a quarterly application \
                 window, you will also receive a list of suggested mentors.\n\n{base_url}/my/applications/\n"
            ),
        ),
        (Outcome::Approved, Role::Mentor) => (
            "Your MOments mentor application is approved",
            format!(
                "Good news: {who} approved your application to be a mentor, and your profile is now \
                 visible to mentees looking for a mentor.\n{message}\n\
                 When a mentee selects you, we will email you; you can read their application and accept \
                 or decline. You can mentor up to two mentees at a time, and you can mark yourself \
                 unavailable whenever you need to.\n\n{base_url}/my/applications/\n"
            ),
        ),
        (Outcome::Denied, role) => (
            if role == Role::Mentee {
                "Your MOments mentee application was not approved"
            } else {
                "Your MOments mentor application was not approved"
            },
            format!(
                "{who_cap} did not approve your application to be a {role} at this time.\n{message}\n\
                 If you have questions, please talk with your supervisor. You can update your \
                 application and send it for review again whenever you are ready:\n\n{base_url}/my/applications/\n",
                who_cap = capitalise(&who),
                role = role_phrase(role),
            ),
        ),
    };
    Some(Message {
        to: app.applicant.to_string(),
        subject: subject.to_string(),
        text: format!("Hello {},\n\n{body}\n{SIGNATURE}\n", d.first_name),
    })
}

fn quote(text: &str) -> String {
    text.lines()
        .map(|l| format!("> {l}"))
        .collect::<Vec<_>>()
        .join("\n")
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(first) => first.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}
