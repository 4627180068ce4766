//! A mentorship has ended: both sides are told, each invited to the survey
//! by a link that signs them in for it. Sent at once when the program or a
//! check-in ends it; when a side ends it, once the seconds to undo have
//! passed (the reminders function's job).

use moments_adapters::deps::Deps;
use moments_domain::application::Application;
use moments_domain::mentorship::{Mentorship, MentorshipStatus};
use moments_domain::notify::{self, Who};

/// Tell both sides of `after` (ended) that it ended.
pub async fn tell(deps: &Deps, after: &Mentorship, mentee: &Application, mentor: &Application) {
    for message in messages(deps, after, mentee, mentor).await {
        deps.notify(message).await;
    }
}

/// The two emails, each with its survey link.
pub async fn messages(
    deps: &Deps,
    after: &Mentorship,
    mentee: &Application,
    mentor: &Application,
) -> Vec<moments_domain::mail::Message> {
    let completed = after.status == MentorshipStatus::Completed;
    let page = format!("/survey/?mentorship={}", after.id);
    let (mentee_who, mentor_who) = (Who::of(mentee), Who::of(mentor));
    let mut out = Vec::with_capacity(2);
    for (to, email, partner) in [
        (&mentee_who, &mentee.applicant, &mentor_who.full_name),
        (&mentor_who, &mentor.applicant, &mentee_who.full_name),
    ] {
        let link = deps
            .task_link(email, &page, notify::survey_task(partner))
            .await;
        out.push(notify::mentorship_ended(to, partner, completed, &link));
    }
    out
}
