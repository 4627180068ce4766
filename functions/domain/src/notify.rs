//! The emails the program sends, in plain text; links are built from the
//! configured site address.
//!
//! The program's address is trusted, so its mail must not carry words a
//! participant chose where a reader takes them for the program's own.
//! Subjects are the program's words only: no names, titles or notes. In
//! bodies, what a person wrote is set apart and labelled as theirs: notes are
//! quoted under "in their words", and the details a supervisor is asked to
//! vouch for are listed as "as written on the application". Names, titles
//! and places cannot hold web or email addresses (`fields`).

use crate::application::{Application, Outcome, Role};
use crate::departments::StoredDepartments;
use crate::mail::Message;

pub const SIGNATURE: &str =
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
        unsubscribe: None,
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
        unsubscribe: None,
    }
}

/// The link in mail that asks a person to act.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskLink {
    pub url: String,
    /// Whether it signs them in for the task (once, for days); `false`: the
    /// page's plain address, for people who sign in through their own link.
    pub signs_in: bool,
}

impl TaskLink {
    /// The line under the link that says what it does.
    fn note(&self, to: &str, what: &str) -> String {
        if self.signs_in {
            format!(
                "The link signs you in as {to} and opens the {what}. It works once, within a \
                 week; after that, sign in on the site as usual.\n\n"
            )
        } else {
            String::new()
        }
    }
}

/// What a supervisor's task link is for, as the page it opens says it.
pub fn review_task(app: &Application) -> String {
    format!(
        "review {}'s {} application",
        app.details.full_name(),
        role_phrase(app.role)
    )
}

/// What a mentor's task link is for.
pub fn request_task(mentee: &Application) -> String {
    format!(
        "answer {}'s request to have you as their mentor",
        mentee.details.full_name()
    )
}

/// What a survey invitation's task link is for.
pub fn survey_task(partner_name: &str) -> String {
    format!("answer the survey about your mentorship with {partner_name}")
}

/// To the supervisor: review this application (with the supervisors' links
/// the program team keeps).
pub fn review_requested(
    app: &Application,
    link: &TaskLink,
    links: &crate::resources::StoredLinks,
    departments: &StoredDepartments,
) -> Message {
    let d = &app.details;
    Message {
        to: app.supervisor().to_string(),
        subject: format!(
            "A MOments {} application is waiting for your review",
            role_phrase(app.role)
        ),
        text: format!(
            "Hello,\n\nA team member has applied to be a {role} in MOments, the statewide employee \
             mentoring program, and named you ({to}) as their direct supervisor.\n\n{written}\n\
             If you are not their supervisor, do not approve: deny it and say so in the message.\n\n\
             Please confirm they are eligible — employed full-time, not rated at risk in their most recent \
             ENGAGE evaluation, and not on a performance improvement plan or other disciplinary action — \
             and approve or deny the application here:\n\n{url}\n\n{link_note}\
             If you deny it, you can add a personal message; we send it to {first} with the decision.\n{links}\n{SIGNATURE}\n",
            links = crate::resources::email_block(
                &links.for_audience(crate::resources::Audience::Supervisors)
            ),
            to = app.supervisor(),
            url = link.url,
            link_note = link.note(app.supervisor().as_str(), "application"),
            written = as_written(d, departments),
            role = role_phrase(app.role),
            first = d.first_name,
        ),
        unsubscribe: None,
    }
}

/// The decision, sent to the applicant. `app` is the decided application.
/// `links` are the program team's: an approved applicant gets their role's.
pub fn decided(
    app: &Application,
    base_url: &str,
    links: &crate::resources::StoredLinks,
    departments: &StoredDepartments,
) -> Option<Message> {
    use crate::resources::{Audience, email_block};
    let decision = app.decision.as_ref()?;
    let d = &app.details;
    let who = match &decision.on_behalf_of {
        None => format!("your supervisor, {},", d.supervisor.full_name()),
        Some(_) => format!(
            "a MOments administrator for the {} (on behalf of {})",
            departments.name(&d.department),
            d.supervisor.full_name()
        ),
    };
    let message = decision
        .message
        .as_ref()
        .map(|m| {
            format!(
                "\nTheir message to you, in their words:\n\n{}\n",
                quote(m.as_str())
            )
        })
        .unwrap_or_default();
    let (subject, body) = match (decision.outcome, app.role) {
        (Outcome::Approved, Role::Mentee) => (
            "Your MOments mentee application is approved",
            format!(
                "Good news: {who} approved your application to be a mentee.\n{message}\n\
                 Next, find a mentor — you will not be assigned one. Search for mentors by department, \
                 skills and working hours, and press \"Select as Mentor\" on a profile to send a request. \
                 You can have up to two active mentors. While you have room for one, the matching in the \
                 first month of each quarter also emails you a list of suggested mentors.\n\n\
                 {base_url}/my/applications/\n{}",
                email_block(&links.for_audience(Audience::Mentees)),
            ),
        ),
        (Outcome::Approved, Role::Mentor) => (
            "Your MOments mentor application is approved",
            format!(
                "Good news: {who} approved your application to be a mentor, and your profile is now \
                 visible to mentees looking for a mentor.\n{message}\n\
                 When a mentee selects you, we will email you; you can read their application and accept \
                 or decline. You can mentor up to two mentees at a time, and you can mark yourself \
                 unavailable whenever you need to.\n\n{base_url}/my/applications/\n{}",
                email_block(&links.for_audience(Audience::Mentors)),
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
        unsubscribe: None,
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

/// Someone the emails name: their address and how to greet them.
pub struct Who<'a> {
    pub email: &'a str,
    pub first_name: &'a str,
    pub full_name: String,
}

impl<'a> Who<'a> {
    pub fn of(app: &'a Application) -> Who<'a> {
        Who {
            email: app.applicant.as_str(),
            first_name: app.details.first_name.as_str(),
            full_name: app.details.full_name(),
        }
    }
}

/// To the mentor: a mentee selected them.
pub fn request_received(
    mentor: &Who<'_>,
    mentee: &Application,
    message: Option<&str>,
    link: &TaskLink,
    departments: &StoredDepartments,
) -> Message {
    let note = message
        .map(|m| format!("\nTheir note to you, in their words:\n\n{}\n", quote(m)))
        .unwrap_or_default();
    let d = &mentee.details;
    Message {
        to: mentor.email.to_string(),
        subject: "A mentee would like you as their MOments mentor".to_string(),
        text: format!(
            "Hello {first},\n\nA mentee selected you as their mentor in MOments.\n\n{written}{note}\n\
             Read their application and accept or decline the request here:\n\n{url}\n\n{link_note}\
             If you accept, you will both get each other's contact details, and the mentee will reach out \
             within 48 hours to set up a first meeting.\n\n{SIGNATURE}\n",
            first = mentor.first_name,
            url = link.url,
            link_note = link.note(mentor.email, "request"),
            written = as_written(d, departments),
        ),
        unsubscribe: None,
    }
}

/// To the mentee: the mentor declined, or the request closed.
pub fn request_not_accepted(
    mentee: &Who<'_>,
    mentor_name: &str,
    reason: Option<&str>,
    closed_by_program: bool,
    base_url: &str,
) -> Message {
    let why = reason
        .map(|r| format!("\nTheir reason, in their words:\n\n{}\n", quote(r)))
        .unwrap_or_default();
    let what = if closed_by_program {
        format!("Your request to {mentor_name} has been closed.")
    } else {
        format!("{mentor_name} is not able to take you on as a mentee this time.")
    };
    Message {
        to: mentee.email.to_string(),
        subject: "An answer to your MOments mentor request".to_string(),
        text: format!(
            "Hello {first},\n\n{what}\n{why}\nThis happens, and it says nothing about you: mentors have limited room. \
             Search for another mentor here:\n\n{base_url}/mentors/\n\n{SIGNATURE}\n",
            first = mentee.first_name,
        ),
        unsubscribe: None,
    }
}

/// To the mentor: the mentee withdrew their request (or no longer needs it).
pub fn request_withdrawn(mentor: &Who<'_>, mentee_name: &str, base_url: &str) -> Message {
    Message {
        to: mentor.email.to_string(),
        subject: "A MOments request to you was withdrawn".to_string(),
        text: format!(
            "Hello {first},\n\n{mentee_name} withdrew their request for you to be their mentor, so there is \
             nothing for you to answer. Your dashboard shows any other requests:\n\n{base_url}/dashboard/\n\n{SIGNATURE}\n",
            first = mentor.first_name,
        ),
        unsubscribe: None,
    }
}

/// What an applicant wrote about themself, set apart and labelled.
fn as_written(d: &crate::application::Details, departments: &StoredDepartments) -> String {
    let dept = departments.workplace(&d.department, &d.division);
    format!(
        "As written on their application (not checked by MOments):\n  \
         Name: {name}\n  Job title: {title}\n  Department: {dept}\n  Work location: {place}\n",
        name = d.full_name(),
        title = d.job_title,
        dept = dept,
        place = d.work_location,
    )
}

/// To each side of a new pair: the other's contact details and the 48-hour advice.
pub fn matched(
    to: &Who<'_>,
    partner: &Who<'_>,
    partner_phone: Option<&str>,
    to_is_mentee: bool,
    mentorship_id: &str,
    base_url: &str,
) -> Message {
    let phone = partner_phone
        .map(|p| format!("\nPhone: {p}"))
        .unwrap_or_default();
    let (headline, next) = if to_is_mentee {
        (
            format!(
                "{} accepted your request: you are now matched.",
                partner.full_name
            ),
            "Please reach out to your mentor within 48 hours to set up your first meeting. Mentees drive the \
             mentorship: bring your goals, and agree together how often and how long you will meet.",
        )
    } else {
        (
            format!(
                "You accepted {}'s request: you are now matched.",
                partner.full_name
            ),
            "Your mentee will reach out within 48 hours to set up your first meeting. If you have not heard from \
             them by then, feel free to write first.",
        )
    };
    Message {
        to: to.email.to_string(),
        subject: "You are matched in MOments: your partner's contact details".to_string(),
        text: format!(
            "Hello {first},\n\n{headline}\n\nContact details:\n{name}\nEmail: {email}{phone}\n\n{next}\n\n\
             The program suggests meeting about once a month for an hour, during working hours, for up to a year; \
             an optional mentorship agreement helps you set goals together. Your mentorship page:\n\n\
             {base_url}/mentorships/?id={mentorship_id}\n\n{SIGNATURE}\n",
            first = to.first_name,
            name = partner.full_name,
            email = partner.email,
        ),
        unsubscribe: None,
    }
}

/// To each side when a mentorship ends: thanks, and the survey.
pub fn mentorship_ended(
    to: &Who<'_>,
    partner_name: &str,
    completed: bool,
    link: &TaskLink,
) -> Message {
    let how = if completed {
        "is complete"
    } else {
        "has ended"
    };
    Message {
        to: to.email.to_string(),
        subject: "Your MOments mentorship has ended: a short survey".to_string(),
        text: format!(
            "Hello {first},\n\nYour mentorship with {partner_name} {how}. Thank you for the time you gave it.\n\n\
             Please take a few minutes to answer the post-mentorship survey. Your answers help the program \
             improve for everyone who comes after you:\n\n{url}\n\n{link_note}\
             Remember to record your meeting hours as training credit if you have not yet.\n\n{SIGNATURE}\n",
            first = to.first_name,
            url = link.url,
            link_note = link.note(to.email, "survey"),
        ),
        unsubscribe: None,
    }
}

/// To the mentor: a request has waited a week.
pub fn request_reminder(
    mentor: &Who<'_>,
    mentee_name: &str,
    request_id: &str,
    base_url: &str,
) -> Message {
    Message {
        to: mentor.email.to_string(),
        subject: "Reminder: a MOments mentee is waiting for your answer".to_string(),
        text: format!(
            "Hello {first},\n\n{mentee_name} asked you to be their mentor a week ago and is waiting for your \
             answer. Accepting or declining takes a minute, and a quick answer helps them either way:\n\n\
             {base_url}/requests/?id={request_id}\n\nIf there is no answer within another week, the request \
             closes by itself.\n\n{SIGNATURE}\n",
            first = mentor.first_name,
        ),
        unsubscribe: None,
    }
}

/// To each side of a pair with no meeting logged 48 hours after the match.
pub fn connect_nudge(
    to: &Who<'_>,
    partner_name: &str,
    to_is_mentee: bool,
    mentorship_id: &str,
    base_url: &str,
) -> Message {
    let ask = if to_is_mentee {
        format!(
            "If you have not yet, now is a good time to write to {partner_name} and set up your first meeting."
        )
    } else {
        format!(
            "If you have not heard from {partner_name} yet, a short hello from you can get things started."
        )
    };
    Message {
        to: to.email.to_string(),
        subject: "Have you connected with your MOments partner?".to_string(),
        text: format!(
            "Hello {first},\n\nYou and {partner_name} were matched two days ago. {ask}\n\n\
             Once you have met, log the meeting on your mentorship page; the time counts as training credit:\n\n\
             {base_url}/mentorships/?id={mentorship_id}\n\n{SIGNATURE}\n",
            first = to.first_name,
        ),
        unsubscribe: None,
    }
}

/// To a mentee: the quarterly run has suggested mentors for them.
pub fn suggestions_ready(to: &Who<'_>, count: usize, second: bool, base_url: &str) -> Message {
    let (subject, what) = if second {
        (
            "Suggested MOments mentors for a second mentorship",
            "You have one mentor, and the program lets you have two at a time. This quarter's matching \
             has picked",
        )
    } else {
        (
            "Your suggested MOments mentors are ready",
            "This quarter's matching has picked",
        )
    };
    Message {
        to: to.email.to_string(),
        subject: subject.to_string(),
        text: format!(
            "Hello {first},\n\n{what} {count} mentor{s} whose skills fit the ones you \
             ranked in your application. You will find them, each with the reason it was suggested, on your \
             dashboard:\n\n{base_url}/dashboard/\n\nSuggestions are a starting point: press \"Select as Mentor\" \
             on a profile to send a request, or search for someone else at {base_url}/mentors/.\n\n{SIGNATURE}\n",
            first = to.first_name,
            s = if count == 1 { "" } else { "s" },
        ),
        unsubscribe: None,
    }
}

/// To a program administrator: someone asked for their data to be removed.
pub fn erasure_requested(admin: &str, person: &str, base_url: &str) -> Message {
    Message {
        to: admin.to_string(),
        subject: "A MOments participant asked for their data to be removed".into(),
        text: format!(
            "Hello,\n\n{person} asked for the data MOments holds about them to be removed. \
             The request waits on the program administration page, which says whether anything \
             (an active mentorship, a request waiting for an answer) has to end first:\n\n\
             {base_url}/admin/#erasures\n\n{SIGNATURE}\n"
        ),
        unsubscribe: None,
    }
}

/// To the person whose data was removed: the last email to that address.
pub fn erasure_done(person: &str) -> Message {
    Message {
        to: person.to_string(),
        subject: "Your MOments data has been removed".into(),
        text: "Hello,\n\nAs you asked, MOments no longer holds your applications, requests or \
               survey answers, and your name and address have been taken out of the mentorships \
               you were in; your former partners keep their own record of the meetings. The \
               program's figures (how many people took part, hours met) keep counting you, \
               without your name.\n\nYou are welcome to apply again at any time.\n\n"
            .to_string()
            + SIGNATURE
            + "\n",
        unsubscribe: None,
    }
}

/// To a person whose application a program administrator revoked, with the
/// team's reason.
pub fn revoked(to: &Who<'_>, role: Role, reason: &str, base_url: &str) -> Message {
    Message {
        to: to.email.to_string(),
        subject: "Your MOments application has been withdrawn by the program team".to_string(),
        text: format!(
            "Hello {first},\n\nThe MOments program team has withdrawn the approval of your {role} \
             application, so you no longer appear in mentor search or in suggested matches, and any \
             requests waiting for an answer have been closed.\n\nThe program team's reason, in their \
             words:\n\n{reason}\n\nIf you think this is a mistake, or your situation changes, you can \
             edit your application and send it for review again:\n\n{base_url}/my/\n\n{SIGNATURE}\n",
            first = to.first_name,
            role = role_phrase(role),
            reason = quote(reason),
        ),
        unsubscribe: None,
    }
}

/// To one side of a pending request the program team closed because the
/// other side no longer takes part.
pub fn request_closed_by_program(to: &Who<'_>, other_name: &str, base_url: &str) -> Message {
    Message {
        to: to.email.to_string(),
        subject: "A MOments request has been closed".to_string(),
        text: format!(
            "Hello {first},\n\nThe program team has closed the request between you and {other_name}, \
             so there is nothing for either of you to answer. Your dashboard shows your requests and \
             mentorships:\n\n{base_url}/dashboard/\n\n{SIGNATURE}\n",
            first = to.first_name,
        ),
        unsubscribe: None,
    }
}

/// To each side of a mentorship a program administrator ended, with the
/// survey; the administrator's reason stays in the record.
pub fn mentorship_ended_by_program(to: &Who<'_>, partner_name: &str, link: &TaskLink) -> Message {
    Message {
        to: to.email.to_string(),
        subject: "Your MOments mentorship has been ended by the program team".to_string(),
        text: format!(
            "Hello {first},\n\nThe program team has ended your mentorship with {partner_name}. Your \
             place is free again, so you can be matched with someone else.\n\nIf you have a moment, \
             please answer the short post-mentorship survey about the time you had:\n\n{url}\n\n\
             {link_note}Remember to record your meeting hours as training credit if you have not \
             yet.\n\n{SIGNATURE}\n",
            first = to.first_name,
            url = link.url,
            link_note = link.note(to.email, "survey"),
        ),
        unsubscribe: None,
    }
}

/// To a person whose application an administrator corrected: what changed,
/// by whom, and why; and whether it now waits for a review again.
pub fn corrected(
    app: &Application,
    admin: &str,
    changed: &[&str],
    note: &str,
    reviewed_again: bool,
    base_url: &str,
) -> Message {
    let again = if reviewed_again {
        format!(
            "\nBecause your supervisor or department changed, your application now waits for a review by {} ({}).\n",
            app.details.supervisor.full_name(),
            app.supervisor()
        )
    } else {
        String::new()
    };
    Message {
        to: app.applicant.to_string(),
        subject: "The MOments program team corrected your application".to_string(),
        text: format!(
            "Hello {first},\n\n{admin} of the MOments program team corrected your {role} application: \
             they changed your {fields}.\n\nTheir note, in their words:\n\n{note}\n{again}\n\
             You can check your application, and change it if something is not right, here:\n\n\
             {base_url}/my/applications/\n\n{SIGNATURE}\n",
            first = app.details.first_name,
            role = role_phrase(app.role),
            fields = changed.join(", "),
            note = quote(note),
        ),
        unsubscribe: None,
    }
}

/// What a check-in's task links are for.
pub fn check_in_task(partner_name: &str) -> String {
    format!("answer how your mentorship with {partner_name} is going")
}

/// A check-in's three answers, each a link that opens the check-in page
/// with that answer chosen.
pub struct CheckInLinks {
    pub meeting: TaskLink,
    pub need_help: TaskLink,
    pub finished: TaskLink,
}

/// To each side of a pair with no meeting logged for `weeks` weeks: how is
/// it going? One answer from either of them is enough.
pub fn check_in(
    to: &Who<'_>,
    partner_name: &str,
    since: jiff::civil::Date,
    weeks: u8,
    links: &CheckInLinks,
) -> Message {
    use crate::checkin::CheckInAnswer as A;
    Message {
        to: to.email.to_string(),
        subject: "How is your MOments mentorship going?".to_string(),
        text: format!(
            "Hello {first},\n\nYou and {partner_name} have not logged a meeting since {since}, \
             {weeks} weeks or more. Every pair finds its own rhythm, so this may be nothing; we \
             would just like to know how things stand. Choose the answer that fits (one answer \
             from either of you is enough):\n\n\
             {meeting}:\n{meeting_url}\n\n\
             {help} (the program team will get in touch):\n{help_url}\n\n\
             {finished} (this ends the mentorship; you will both get the short survey):\n{finished_url}\n\n\
             {link_note}If you are meeting, remember to log your meetings on your mentorship page: \
             the time counts as training credit.\n\n{SIGNATURE}\n",
            first = to.first_name,
            meeting = A::Meeting.label(),
            meeting_url = links.meeting.url,
            help = A::NeedHelp.label(),
            help_url = links.need_help.url,
            finished = A::Finished.label(),
            finished_url = links.finished.url,
            link_note = links.meeting.note(
                to.email,
                "check-in with that answer chosen; nothing is sent until you press its button"
            ),
        ),
        unsubscribe: None,
    }
}

/// To the program team: a pair answered a check-in asking for help.
pub fn pair_needs_help(
    team: &str,
    mentee_name: &str,
    mentor_name: &str,
    answered_by: Role,
    since: jiff::civil::Date,
    base_url: &str,
) -> Message {
    Message {
        to: team.to_string(),
        subject: "A MOments pair has asked for help".to_string(),
        text: format!(
            "Hello,\n\nThe {who} of a mentorship answered its check-in with \"We need help\".\n\n\
             Mentee: {mentee_name}\nMentor: {mentor_name}\nNo meeting logged since: {since}\n\n\
             Please get in touch with them. The quiet pairs and their answers are listed \
             here:\n\n{base_url}/admin/quiet/\n\n{SIGNATURE}\n",
            who = role_phrase(answered_by),
        ),
        unsubscribe: None,
    }
}

/// To one side of an ended mentorship who has not answered its survey a
/// week on: asked once more.
pub fn survey_reminder(to: &Who<'_>, partner_name: &str, link: &TaskLink) -> Message {
    Message {
        to: to.email.to_string(),
        subject: "A reminder: the short MOments survey".to_string(),
        text: format!(
            "Hello {first},\n\nA week ago your mentorship with {partner_name} ended, and we asked \
             you for a few minutes of feedback. If you have not had the chance yet, the survey is \
             still open:\n\n{url}\n\n{link_note}This is the only reminder we send.\n\n{SIGNATURE}\n",
            first = to.first_name,
            url = link.url,
            link_note = link.note(to.email, "survey"),
        ),
        unsubscribe: None,
    }
}

/// What an agreement's task link is for.
pub fn agreement_task(partner_name: &str) -> String {
    format!("read and confirm the mentorship agreement {partner_name} saved")
}

/// To the other side when one side saves the agreement: read it and
/// confirm it (the agreement's words stay on the page, not in the mail).
pub fn agreement_to_confirm(
    to: &Who<'_>,
    partner_name: &str,
    changed: bool,
    version: u32,
    link: &TaskLink,
) -> Message {
    let what = if changed {
        format!("changed your mentorship agreement (it is now version {version})")
    } else {
        "written your mentorship agreement".to_string()
    };
    Message {
        to: to.email.to_string(),
        subject: "Your MOments mentorship agreement is waiting for you to confirm it".to_string(),
        text: format!(
            "Hello {first},\n\n{partner_name} has {what}. Please read it on your mentorship page, \
             and confirm it if it says what you agreed, or change it there and {partner_name} will \
             be asked to confirm your version:\n\n{url}\n\n{link_note}{SIGNATURE}\n",
            first = to.first_name,
            url = link.url,
            link_note = link.note(to.email, "mentorship page"),
        ),
        unsubscribe: None,
    }
}
