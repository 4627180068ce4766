//! The quarterly suggested matches, run by the `matching` function on its
//! schedule and by program administrators on demand. Every approved
//! mentee with room for a mentor (none yet, or one of the two a mentee may
//! have; not paused) gets up to five suggested mentors, chosen
//! for all mentees together (`moments_domain::matching`), never themself,
//! their supervisor, a current or past partner, a mentor they already asked
//! or who declined them. `compute` changes nothing (a program administrator's
//! dry run shows it); `publish` stores each list and emails the mentee once
//! per match group. Mentees left without suggestions carry priority into the
//! next run.
//!
//! The schedule runs [`scheduled`] every morning: on the suggested-matches
//! day of a match group (wherever the program team has moved it) it
//! publishes that group's suggestions, unless an administrator published
//! them already; on other days it does nothing. Either way a group is
//! published once, and nobody is emailed twice for it.

use std::collections::{HashMap, HashSet};

use futures_util::stream::{self, StreamExt, TryStreamExt};

use jiff::{SignedDuration, Timestamp};
use moments_adapters::deps::Deps;
use moments_adapters::http::ApiError;
use moments_adapters::store::{Listing, StoreError};
use moments_domain::application::{Application, Role};
use moments_domain::calendar::{next_matching, program_today};
use moments_domain::catalogue::{Catalogue, Entry};
use moments_domain::fields::{DepartmentId, EmailAddress};
use moments_domain::matching::{
    Mentee, Mentor, SUGGESTIONS_PER_MENTEE, Suggestion, suggest_with_eligible,
};
use moments_domain::notify::{self, Who};
use moments_domain::suggestions::{PublishedList, StoredSuggestion, Suggested};
use serde::Serialize;

#[derive(Debug, thiserror::Error)]
pub enum MatchingError {
    #[error("store: {0}")]
    Store(#[from] StoreError),
    #[error("calendar: {0}")]
    Calendar(#[from] crate::calendar::CalendarError),
    #[error("{0} suggestion email(s) could not be sent; the next retry sends them")]
    NotSent(usize),
}

impl From<MatchingError> for ApiError {
    fn from(e: MatchingError) -> Self {
        match e {
            MatchingError::Store(s) => s.into(),
            MatchingError::Calendar(c) => c.into(),
            // The lists are stored; publishing again sends only the emails
            // that did not go (each is claimed once per run).
            not_sent @ MatchingError::NotSent(_) => ApiError::Unavailable(Box::new(not_sent)),
        }
    }
}

/// One mentee's suggested mentors.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct MenteeList {
    pub email: String,
    pub name: String,
    pub application_id: String,
    /// Left without suggestions in the previous run.
    pub priority: bool,
    /// They have one active mentor: the suggestions are for a second.
    pub second_mentor: bool,
    /// Why the list holds fewer than five mentors, in words for the mentee;
    /// absent for a full list.
    pub short_reason: Option<String>,
    pub suggestions: Vec<Suggested>,
}

/// The figures of a run, shown with its lists and after publishing.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Figures {
    /// The run's date, `YYYY-MM-DD`.
    pub run: String,
    /// The match group whose suggestions these are: the next whose
    /// suggested-matches day is today or later; none when the calendar
    /// has no such group.
    pub group: Option<String>,
    pub computed_at: String,
    /// Approved mentees looking for a mentor: with none, or with one of two.
    pub mentees: usize,
    /// Of them, those with one mentor, looking for a second.
    pub second_mentor: usize,
    pub with_suggestions: usize,
    pub mentors_listed: usize,
    pub total_fit: u64,
    pub largest_lists_per_mentor: usize,
}

/// What a run would publish.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Proposal {
    #[serde(flatten)]
    pub figures: Figures,
    pub lists: Vec<MenteeList>,
}

/// How many mentees' partners and requests are read at once.
const PARALLEL_READS: usize = 16;

const KEEP_CLAIMS: SignedDuration = SignedDuration::from_hours(400 * 24);

/// Mentors a mentee must never be suggested.
async fn exclusions(
    deps: &Deps,
    mentee: &Application,
) -> Result<HashSet<EmailAddress>, StoreError> {
    let mut out = HashSet::from([mentee.applicant.clone(), mentee.supervisor().clone()]);
    let (mentorships, requests) = tokio::try_join!(
        deps.store.mentorships_of(&mentee.applicant),
        deps.store.requests_from(&mentee.applicant),
    )?;
    for record in mentorships {
        if let Some(partner) = record.mentorship.partner_of(&mentee.applicant) {
            out.insert(partner.clone());
        }
    }
    // Anyone already asked (pending, accepted) or who declined.
    for r in requests {
        out.insert(r.mentor);
    }
    Ok(out)
}

/// What the run would suggest now; changes nothing.
#[tracing::instrument(skip(deps))]
pub async fn compute(deps: &Deps, now: Timestamp) -> Result<Proposal, MatchingError> {
    let groups = crate::calendar::match_groups(deps).await?;
    let group = next_matching(&groups, program_today(now)).map(|g| g.id.to_string());
    let (listings, _) = deps.store.listed_mentors(None).await?;
    let mentees = needing_a_mentor(deps).await?;
    let mentor_index: HashMap<&EmailAddress, usize> = listings
        .iter()
        .enumerate()
        .map(|(i, l)| (&l.email, i))
        .collect();
    // What each mentee was suggested last time, a batch read per hundred;
    // their partners and requests, a few mentees at a time.
    let emails: Vec<&EmailAddress> = mentees.iter().map(|(app, _)| &app.applicant).collect();
    let previous = deps.store.suggestions_of_many(&emails).await?;
    let lookups: Vec<_> = mentees
        .iter()
        .map(|(app, _)| exclusions(deps, app))
        .collect();
    let histories: Vec<HashSet<EmailAddress>> = stream::iter(lookups)
        .buffered(PARALLEL_READS)
        .try_collect()
        .await?;
    let mut excluded: HashSet<(usize, usize)> = HashSet::new();
    let mut inputs = Vec::with_capacity(mentees.len());
    for (i, ((app, _), never)) in mentees.iter().zip(histories).enumerate() {
        for email in never {
            if let Some(&j) = mentor_index.get(&email) {
                excluded.insert((i, j));
            }
        }
        let priority = previous
            .get(app.applicant.as_str())
            .is_some_and(|list| list.priority);
        inputs.push(Mentee {
            skills: app.details.skills.clone(),
            hours: app.details.working_hours,
            priority,
        });
    }
    let mentors: Vec<Mentor> = listings
        .iter()
        .map(|l| Mentor {
            skills: l.skills.clone(),
            hours: l.working_hours,
            open_places: l.open_places,
        })
        .collect();
    let (lists, eligible) =
        suggest_with_eligible(&inputs, &mentors, &|i, j| excluded.contains(&(i, j)));
    let mut proposal = proposal(now, &listings, &mentees, &inputs, &eligible, lists);
    proposal.figures.group = group;
    Ok(proposal)
}

/// Approved mentees with room for a mentor (none yet, or one of the two a
/// mentee may have) who have not paused their search, each with how many
/// mentors they have; those who applied first first.
async fn needing_a_mentor(deps: &Deps) -> Result<Vec<(Application, u32)>, StoreError> {
    let mut mentees: Vec<(Application, u32)> = Vec::new();
    for entry in &Catalogue::get().departments {
        let Ok(dept) = DepartmentId::parse(&entry.id) else {
            continue;
        };
        for (app, capacity) in deps.store.approved_in_department(&dept).await? {
            // A mentee who paused their search, or has two mentors, is left out.
            if app.role == Role::Mentee && capacity.has_room() && capacity.available {
                mentees.push((app, capacity.active));
            }
        }
    }
    mentees.sort_by(|(a, _), (b, _)| {
        a.submitted_at
            .cmp(&b.submitted_at)
            .then_with(|| a.id.cmp(&b.id))
    });
    Ok(mentees)
}

/// The lists as shown and stored, with the run's figures.
fn proposal(
    now: Timestamp,
    listings: &[Listing],
    mentees: &[(Application, u32)],
    inputs: &[Mentee],
    eligible: &[usize],
    lists: Vec<Vec<Suggestion>>,
) -> Proposal {
    let mut per_mentor = vec![0usize; listings.len()];
    let mut total_fit = 0u64;
    let out: Vec<MenteeList> = mentees
        .iter()
        .zip(lists)
        .zip(inputs)
        .zip(eligible)
        .map(|((((app, active), list), input), &eligible)| MenteeList {
            email: app.applicant.to_string(),
            name: app.details.full_name(),
            application_id: app.id.to_string(),
            priority: input.priority,
            second_mentor: *active > 0,
            short_reason: short_reason(list.len(), eligible),
            suggestions: list
                .iter()
                .map(|s| {
                    per_mentor[s.mentor] += 1;
                    total_fit += u64::from(s.score);
                    shown(&listings[s.mentor], s.score, &s.reason)
                })
                .collect(),
        })
        .collect();
    Proposal {
        figures: Figures {
            run: format!("{}", jiff::tz::TimeZone::UTC.to_datetime(now).date()),
            group: None,
            computed_at: now.to_string(),
            mentees: out.len(),
            second_mentor: out.iter().filter(|l| l.second_mentor).count(),
            with_suggestions: out.iter().filter(|l| !l.suggestions.is_empty()).count(),
            mentors_listed: listings.len(),
            total_fit,
            largest_lists_per_mentor: per_mentor.into_iter().max().unwrap_or(0),
        },
        lists: out,
    }
}

/// Why a list of `len` mentors is shorter than five, when `eligible`
/// mentors could have been suggested at all (sharing a ranked skill, not
/// excluded, with an open place): a list is short rather than padded with
/// mentors who share nothing with the mentee.
fn short_reason(len: usize, eligible: usize) -> Option<String> {
    if len >= SUGGESTIONS_PER_MENTEE {
        return None;
    }
    Some(match eligible {
        0 => "No mentor with an open place shares one of the skills you ranked yet, so no one is suggested this time. You are served first next time, and you can search for mentors yourself.".to_string(),
        n if n <= len => format!(
            "Only {n} mentor{s} with an open place share{v} one of the skills you ranked, so the list is short rather than padded with mentors who share none.",
            s = if n == 1 { "" } else { "s" },
            v = if n == 1 { "s" } else { "" },
        ),
        _ => "The other mentors who share your skills are already suggested to as many mentees as their open places allow.".to_string(),
    })
}

/// A listed mentor as their suggestion shows them.
fn shown(l: &Listing, score: u32, reason: &str) -> Suggested {
    Suggested {
        mentor_application_id: l.application_id.to_string(),
        first_name: l.first_name.clone(),
        last_name: l.last_name.clone(),
        job_title: l.job_title.clone(),
        department: Entry::from(&l.department),
        working_hours: Entry::from(l.working_hours),
        score,
        reason: reason.to_string(),
    }
}

/// Store every list and email each mentee who has suggestions, once per run.
#[tracing::instrument(skip(deps, proposal), fields(run = %proposal.figures.run))]
pub async fn publish(
    deps: &Deps,
    proposal: &Proposal,
    now: Timestamp,
) -> Result<usize, MatchingError> {
    let mut failed = 0;
    let mut sent = 0;
    for list in &proposal.lists {
        let Ok(email) = EmailAddress::parse(&list.email) else {
            continue;
        };
        let stored = PublishedList {
            run: proposal.figures.run.clone(),
            published_at: now.to_string(),
            priority: list.suggestions.is_empty(),
            second_mentor: list.second_mentor,
            short_reason: list.short_reason.clone(),
            suggestions: list
                .suggestions
                .iter()
                .map(StoredSuggestion::from)
                .collect(),
        };
        deps.store.put_suggestions(&email, &stored).await?;
        if list.suggestions.is_empty() {
            continue;
        }
        // Once per match group (or per day, without one): a publish by an
        // administrator and the schedule's run the same quarter email once.
        let round = proposal
            .figures
            .group
            .as_deref()
            .unwrap_or(&proposal.figures.run);
        let notice = format!("matching-{round}-{}", list.email);
        if !deps.store.claim_notice(&notice, now, KEEP_CLAIMS).await? {
            continue;
        }
        let first = list.name.split(' ').next().unwrap_or_default().to_string();
        let who = Who {
            email: &list.email,
            first_name: &first,
            full_name: list.name.clone(),
        };
        match deps
            .send(&notify::suggestions_ready(
                &who,
                list.suggestions.len(),
                list.second_mentor,
                &deps.config.base_url,
            ))
            .await
        {
            Ok(()) => sent += 1,
            Err(e) => {
                tracing::error!(error = %e, to = %list.email, "suggestions email not sent");
                deps.store.release_notice(&notice).await?;
                failed += 1;
            }
        }
    }
    if failed > 0 {
        return Err(MatchingError::NotSent(failed));
    }
    if let Some(group) = &proposal.figures.group {
        // The schedule sees this and leaves the group alone.
        deps.store
            .claim_notice(&published_notice(group), now, KEEP_CLAIMS)
            .await?;
    }
    Ok(sent)
}

const PUBLISHED: &str = "matching-published-";

/// The notice that marks a match group's suggestions as published.
pub fn published_notice(group: &str) -> String {
    format!("{PUBLISHED}{group}")
}

/// What the morning's scheduled run did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scheduled {
    /// No match group's suggestions go out today.
    NotToday,
    /// Today is the group's day, but its suggestions were published before.
    AlreadyPublished { group: String },
    /// Published: how many mentees, how many with suggestions, how many emailed.
    Published {
        group: String,
        mentees: usize,
        with_suggestions: usize,
        emailed: usize,
    },
}

/// The scheduled run: publish the suggestions of the match group whose
/// suggested-matches day is today (program time), once.
#[tracing::instrument(skip(deps))]
pub async fn scheduled(deps: &Deps, now: Timestamp) -> Result<Scheduled, MatchingError> {
    let groups = crate::calendar::match_groups(deps).await?;
    let today = program_today(now);
    let Some(group) = groups.iter().find(|g| g.matches_on == today) else {
        return Ok(Scheduled::NotToday);
    };
    let mark = published_notice(group.id.as_str());
    if !deps.store.claim_notice(&mark, now, KEEP_CLAIMS).await? {
        return Ok(Scheduled::AlreadyPublished {
            group: group.id.to_string(),
        });
    }
    let outcome = async {
        let proposal = compute(deps, now).await?;
        let emailed = publish(deps, &proposal, now).await?;
        Ok::<_, MatchingError>((proposal, emailed))
    }
    .await;
    match outcome {
        Ok((proposal, emailed)) => Ok(Scheduled::Published {
            group: group.id.to_string(),
            mentees: proposal.figures.mentees,
            with_suggestions: proposal.figures.with_suggestions,
            emailed,
        }),
        Err(e) => {
            // The retry publishes again; emails already sent are not repeated.
            deps.store.release_notice(&mark).await?;
            Err(e)
        }
    }
}
