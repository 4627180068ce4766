//! The quarterly suggested matches, run by the `matching` function on its
//! schedule and by program administrators on demand. Every approved
//! mentee with room for a mentor (none yet, or one of the two a mentee may
//! have; not paused) gets up to five suggested mentors, chosen
//! for all mentees together (`moments_domain::matching`), never themself,
//! their supervisor, a current or past partner, a mentor they already asked
//! or who declined them. Mentees left without suggestions carry priority
//! into the next run.
//!
//! A program administrator's run is a sequence of jobs, so it never waits
//! on one web request however many mentees there are: [`start`] records
//! the run and schedules the job ([`work_out`]) that works out every list
//! and keeps them in pages of a hundred (nothing is shown to mentees yet);
//! the administrator looks through the pages ([`lists_page`]) and
//! [`publish`]es, and publishing jobs ([`publish_pages`]) store each
//! mentee's list and email them once per match group, ten pages per job,
//! saving their progress after each page. The functions that start jobs
//! schedule them ([`work_out_job`], [`publish_job`]): only they have the
//! scheduler's client.
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
use moments_adapters::store::matching_runs::new_run_id;
use moments_adapters::store::{Listing, MentorshipRecord, StoreError};
use moments_domain::application::{Application, ApplicationId, Role, Status};
use moments_domain::calendar::{next_matching, program_today};
use moments_domain::fields::EmailAddress;
use moments_domain::fit;
use moments_domain::matching::{
    Mentee, Mentor, SUGGESTIONS_PER_MENTEE, Suggestion, suggest_with_eligible,
};
use moments_domain::mentorship::{Capacity, MentorshipRequest};
use moments_domain::metrics::Quarter;
use moments_domain::notify::{self, Who};
use moments_domain::reminders::Job;
use moments_domain::retention::is_stand_in;
use moments_domain::skills::StoredSkills;
use moments_domain::suggestions::{PublishedList, StoredSuggestion, Suggested};
use serde::{Deserialize, Serialize};

#[derive(Debug, thiserror::Error)]
pub enum MatchingError {
    #[error("store: {0}")]
    Store(#[from] StoreError),
    #[error("calendar: {0}")]
    Calendar(#[from] crate::calendar::CalendarError),
    #[error("no such matching run")]
    UnknownRun,
    #[error("no such list on that page of the run")]
    UnknownList,
    #[error("invalid input")]
    Invalid(moments_domain::form::FieldErrors),
    #[error("{0}")]
    NotPublishable(String),
}

impl From<MatchingError> for ApiError {
    fn from(e: MatchingError) -> Self {
        match e {
            MatchingError::Store(s) => s.into(),
            MatchingError::Calendar(c) => c.into(),
            MatchingError::UnknownRun => ApiError::NotFound("matching run"),
            MatchingError::UnknownList => ApiError::NotFound("list of suggestions"),
            MatchingError::Invalid(errors) => ApiError::Invalid(errors),
            MatchingError::NotPublishable(why) => ApiError::Conflict(why),
        }
    }
}

/// One mentee's suggested mentors, as shown to a program administrator:
/// names are read from the applications when shown.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct MenteeList {
    pub name: String,
    pub application_id: String,
    /// Left without suggestions in the previous run.
    pub priority: bool,
    /// They have one active mentor: the suggestions are for a second.
    pub second_mentor: bool,
    /// Why the list holds fewer than five mentors, in words for the mentee;
    /// absent for a full list.
    pub short_reason: Option<String>,
    pub suggestions: Vec<Checked>,
    /// Held back by an administrator: not published, not emailed.
    pub held: bool,
    /// Suggestions an administrator removed.
    pub removed: Vec<Checked>,
}

/// A suggestion as an administrator checks it: what the mentee would see,
/// and its fit worked out term by term.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Checked {
    #[serde(flatten)]
    pub suggested: Suggested,
    /// "Leadership 6 × 6 = 36 + same hours 9 = 45".
    pub fit_explained: String,
}

/// An administrator's change to one mentee's list in a run.
#[derive(Debug, Clone)]
pub struct ListChange {
    /// The page (from 0) the mentee's list is on.
    pub page: u32,
    /// The mentee's application id.
    pub mentee: String,
    pub held: bool,
    /// Application ids of the suggested mentors to leave out.
    pub removed: Vec<String>,
}

/// One mentee's list as a run keeps it: ids, fits and reasons, no names.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct KeptList {
    pub mentee: String,
    pub priority: bool,
    pub second_mentor: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub short_reason: Option<String>,
    pub suggestions: Vec<StoredSuggestion>,
    /// An administrator held the mentee back: publishing leaves their
    /// list as it was, and does not email them.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub held: bool,
    /// Suggestions an administrator removed (they can put them back).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub removed: Vec<StoredSuggestion>,
}

/// The figures of a run.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
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

/// What a run works out: its figures and every mentee's list.
#[derive(Debug, Clone)]
pub struct Computed {
    pub figures: Figures,
    pub lists: Vec<KeptList>,
}

/// Where a matching run has got to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RunStatus {
    /// Waiting for its job, or working out the lists.
    Computing,
    /// The lists are ready to look through; nothing is stored for the
    /// mentees and no one is emailed until it is published.
    Ready,
    /// Storing each mentee's list and emailing them, a page at a time.
    Publishing,
    Published,
    /// It could not finish; `problem` says why. Start another.
    Failed,
}

impl RunStatus {
    /// As the API and the store spell it.
    pub fn as_str(self) -> &'static str {
        match self {
            RunStatus::Computing => "computing",
            RunStatus::Ready => "ready",
            RunStatus::Publishing => "publishing",
            RunStatus::Published => "published",
            RunStatus::Failed => "failed",
        }
    }
}

/// How far publishing has got.
#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Publishing {
    /// The next page of lists to publish.
    pub next_page: u32,
    /// Mentees whose list is published.
    pub published: usize,
    /// Mentees emailed their suggestions by this run (each once per match
    /// group; a mail the service refused is queued and sent later).
    pub emailed: usize,
    /// Mentees left out because they no longer need a mentor (matched,
    /// paused or withdrawn since the run).
    pub left_out: usize,
    /// Suggestions dropped because the mentor filled their places or left
    /// the listing since the run.
    pub dropped: usize,
    /// Mentees an administrator held back.
    #[serde(default)]
    pub held_back: usize,
}

/// A matching run, as administrators follow it.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Run {
    pub id: String,
    pub status: RunStatus,
    /// The program administrator who started it; none for the morning
    /// schedule.
    pub started_by: Option<String>,
    #[schema(value_type = String)]
    pub started_at: Timestamp,
    /// Its figures, once the lists are worked out.
    pub figures: Option<Figures>,
    /// Pages of lists, a hundred mentees each.
    pub pages: u32,
    pub published_by: Option<String>,
    /// Set once publishing starts.
    pub publishing: Option<Publishing>,
    /// Why it failed.
    pub problem: Option<String>,
    pub version: u64,
}

/// One page of a run's lists.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ListsPage {
    pub page: u32,
    pub pages: u32,
    pub lists: Vec<MenteeList>,
}

/// Mentees in a page of a run's lists.
pub const PAGE_SIZE: usize = 100;

/// Pages one publishing job works through (a thousand mentees, their
/// emails well inside a function's time); the next job goes on.
pub const PAGES_PER_JOB: u32 = 10;

/// A run is published within a day of being worked out, or worked out again.
const FRESH_FOR: SignedDuration = SignedDuration::from_hours(24);

/// How many reads (quarters, pages of lists) are made at once.
const PARALLEL_READS: usize = 16;

const KEEP_CLAIMS: SignedDuration = SignedDuration::from_hours(400 * 24);

/// One quarter's requests and mentorships (gsi3, with their pages).
async fn quarter_history(
    deps: &Deps,
    quarter: Quarter,
) -> Result<(Vec<MentorshipRequest>, Vec<MentorshipRecord>), StoreError> {
    tokio::try_join!(
        deps.store.requests_in_quarter(quarter),
        deps.store.mentorships_in_quarter(quarter),
    )
}

/// Whom each person has asked (pending, accepted, declined or closed) or
/// been paired with, either way round: every quarter's requests and
/// mentorships, two index Queries (and their pages) per quarter, side by
/// side, however many mentees there are.
async fn histories(
    deps: &Deps,
) -> Result<HashMap<EmailAddress, HashSet<EmailAddress>>, StoreError> {
    let quarters = deps.store.counted_quarters().await?;
    let reads: Vec<_> = quarters
        .into_iter()
        .map(|q| quarter_history(deps, q))
        .collect();
    let per_quarter: Vec<_> = stream::iter(reads)
        .buffer_unordered(PARALLEL_READS)
        .try_collect()
        .await?;
    let mut out: HashMap<EmailAddress, HashSet<EmailAddress>> = HashMap::new();
    for (requests, mentorships) in per_quarter {
        for r in requests {
            out.entry(r.mentee).or_default().insert(r.mentor);
        }
        for record in mentorships {
            let m = record.mentorship;
            out.entry(m.mentee.clone())
                .or_default()
                .insert(m.mentor.clone());
            out.entry(m.mentor).or_default().insert(m.mentee);
        }
    }
    Ok(out)
}

/// What the run would suggest now; changes nothing.
#[tracing::instrument(skip(deps))]
pub async fn compute(deps: &Deps, now: Timestamp) -> Result<Computed, MatchingError> {
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
    // everyone's partners and requests, by quarter.
    let emails: Vec<&EmailAddress> = mentees.iter().map(|(app, _)| &app.applicant).collect();
    let (previous, histories, skills) = tokio::try_join!(
        deps.store.suggestions_of_many(&emails),
        histories(deps),
        deps.store.skills()
    )?;
    let mut excluded: HashSet<(usize, usize)> = HashSet::new();
    let mut inputs = Vec::with_capacity(mentees.len());
    for (i, (app, _)) in mentees.iter().enumerate() {
        // Never themself or their supervisor, nor anyone they asked or
        // were paired with.
        let never = [&app.applicant, app.supervisor()]
            .into_iter()
            .chain(histories.get(&app.applicant).into_iter().flatten());
        for email in never {
            if let Some(&j) = mentor_index.get(email) {
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
    let mut computed = computed(now, &listings, &mentees, &inputs, &eligible, lists, &skills);
    computed.figures.group = group;
    Ok(computed)
}

/// Approved mentees with room for a mentor (none yet, or one of the two a
/// mentee may have) who have not paused their search, each with how many
/// mentors they have; those who applied first first.
async fn needing_a_mentor(deps: &Deps) -> Result<Vec<(Application, u32)>, StoreError> {
    let mut mentees: Vec<(Application, u32)> = Vec::new();
    // Retired departments too: their people's applications stand.
    for dept in deps.store.departments().await?.all() {
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

/// The lists as kept, with the run's figures.
fn computed(
    now: Timestamp,
    listings: &[Listing],
    mentees: &[(Application, u32)],
    inputs: &[Mentee],
    eligible: &[usize],
    lists: Vec<Vec<Suggestion>>,
    skills: &StoredSkills,
) -> Computed {
    let mut per_mentor = vec![0usize; listings.len()];
    let mut total_fit = 0u64;
    let out: Vec<KeptList> = mentees
        .iter()
        .zip(lists)
        .zip(inputs)
        .zip(eligible)
        .map(|((((app, active), list), input), &eligible)| KeptList {
            mentee: app.id.to_string(),
            priority: input.priority,
            second_mentor: *active > 0,
            short_reason: short_reason(list.len(), eligible),
            suggestions: list
                .iter()
                .map(|s| {
                    per_mentor[s.mentor] += 1;
                    total_fit += u64::from(s.score);
                    let mentor = &listings[s.mentor];
                    let fit = fit::fit(
                        &input.skills,
                        input.hours,
                        &mentor.skills,
                        mentor.working_hours,
                        skills,
                    );
                    StoredSuggestion {
                        mentor_application_id: mentor.application_id.to_string(),
                        score: s.score,
                        reason: fit.reason,
                    }
                })
                .collect(),
            held: false,
            removed: Vec::new(),
        })
        .collect();
    Computed {
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

/// Why a list lost suggestions between the run and publishing.
const FILLED_SINCE: &str = "Some of the mentors first suggested to you filled their places since the suggestions were worked out, so the list is shorter.";

/// Save `run` at its next version; `Changed` if someone saved it since.
async fn save(deps: &Deps, run: &mut Run) -> Result<(), StoreError> {
    run.version += 1;
    deps.store
        .save_matching_run(
            &run.id,
            run.version,
            run.status.as_str(),
            run,
            run.started_at,
        )
        .await
}

fn new_run(by: Option<&EmailAddress>, now: Timestamp) -> Result<Run, StoreError> {
    Ok(Run {
        id: new_run_id(now)?,
        status: RunStatus::Computing,
        started_by: by.map(ToString::to_string),
        started_at: now,
        figures: None,
        pages: 0,
        published_by: None,
        publishing: None,
        problem: None,
        version: 0,
    })
}

/// A program administrator starts a run; the caller schedules the job
/// that works out its lists ([`work_out_job`]), so the run never waits on
/// one web request.
#[tracing::instrument(skip(deps))]
pub async fn start(deps: &Deps, by: &EmailAddress, now: Timestamp) -> Result<Run, MatchingError> {
    let mut run = new_run(Some(by), now)?;
    save(deps, &mut run).await?;
    Ok(run)
}

/// The job that works out a run's lists and keeps them in pages. A run
/// that is not waiting for this (done, or failed) is left alone, so a
/// repeated delivery does nothing.
#[tracing::instrument(skip(deps))]
pub async fn work_out(deps: &Deps, id: &str) -> Result<Option<Run>, MatchingError> {
    let Some(mut run) = deps.store.matching_run::<Run>(id).await? else {
        return Ok(None);
    };
    if run.status != RunStatus::Computing {
        return Ok(None);
    }
    let outcome = async {
        let computed = compute(deps, deps.now()).await?;
        let pages = keep(deps, &run, &computed.lists).await?;
        Ok::<_, MatchingError>((computed.figures, pages))
    }
    .await;
    match outcome {
        Ok((figures, pages)) => {
            run.status = RunStatus::Ready;
            run.figures = Some(figures);
            run.pages = pages;
        }
        Err(e) => {
            tracing::error!(error = %e, run = %run.id, "matching run failed");
            run.status = RunStatus::Failed;
            run.problem = Some(format!(
                "The lists could not be worked out ({e}). Start another run."
            ));
        }
    }
    save(deps, &mut run).await?;
    Ok(Some(run))
}

/// Keep a run's lists, a page per hundred mentees, a few pages at a time.
async fn keep(deps: &Deps, run: &Run, lists: &[KeptList]) -> Result<u32, StoreError> {
    let pages: Vec<&[KeptList]> = lists.chunks(PAGE_SIZE).collect();
    let count = u32::try_from(pages.len()).unwrap_or(u32::MAX);
    // Made first, then run a few at a time: a closure inside the stream
    // would keep its future from being `Send` for every lifetime.
    let writes: Vec<_> = pages
        .into_iter()
        .zip(0u32..)
        .map(|(lists, n)| {
            deps.store
                .put_matching_page(&run.id, n, lists, run.started_at)
        })
        .collect();
    stream::iter(writes)
        .buffer_unordered(PARALLEL_READS)
        .try_collect::<Vec<()>>()
        .await?;
    Ok(count)
}

/// A program administrator publishes a run whose lists are ready; the
/// caller schedules the job ([`publish_job`]) that stores each mentee's
/// list and emails them, a page at a time.
#[tracing::instrument(skip(deps))]
pub async fn publish(
    deps: &Deps,
    by: &EmailAddress,
    id: &str,
    now: Timestamp,
) -> Result<Run, MatchingError> {
    let mut run = deps
        .store
        .matching_run::<Run>(id)
        .await?
        .ok_or(MatchingError::UnknownRun)?;
    let refused = match run.status {
        RunStatus::Ready => None,
        RunStatus::Computing => {
            Some("This run's lists are still being worked out; publish them once they are ready.")
        }
        RunStatus::Publishing | RunStatus::Published => Some("This run is published already."),
        RunStatus::Failed => {
            Some("This run failed, so there is nothing to publish; start another.")
        }
    };
    if let Some(why) = refused {
        return Err(MatchingError::NotPublishable(why.into()));
    }
    let computed = run
        .figures
        .as_ref()
        .and_then(|f| f.computed_at.parse::<Timestamp>().ok())
        .unwrap_or(run.started_at);
    if now.duration_since(computed) > FRESH_FOR {
        return Err(MatchingError::NotPublishable(
            "These lists were worked out more than a day ago and may be out of date; start a new run and publish that."
                .into(),
        ));
    }
    run.status = RunStatus::Publishing;
    run.published_by = Some(by.to_string());
    run.publishing = Some(Publishing::default());
    save(deps, &mut run).await?;
    Ok(run)
}

/// The job that works out a run's lists.
pub fn work_out_job(run: &Run) -> Job {
    Job::MatchingRun {
        run: run.id.clone(),
    }
}

/// The publishing job that goes on with a run from where it has got to;
/// `None` once it is not being published.
pub fn publish_job(run: &Run) -> Option<Job> {
    (run.status == RunStatus::Publishing).then(|| Job::MatchingPublish {
        run: run.id.clone(),
        page: run.publishing.as_ref().map_or(0, |p| p.next_page),
    })
}

/// The job that publishes a run's pages from `from` on, at most `limit`
/// of them (all when `None`), saving its progress after each page; when
/// pages remain the run is still publishing, and the caller schedules the
/// next job ([`publish_job`]). A retried job starts after the
/// last page it saved; emails are claimed once per mentee and group, so
/// nobody is emailed twice.
#[tracing::instrument(skip(deps))]
pub async fn publish_pages(
    deps: &Deps,
    id: &str,
    from: u32,
    limit: Option<u32>,
) -> Result<Option<Run>, MatchingError> {
    let Some(mut run) = deps.store.matching_run::<Run>(id).await? else {
        return Ok(None);
    };
    let (RunStatus::Publishing, Some(figures)) = (run.status, run.figures.clone()) else {
        return Ok(None);
    };
    let now = deps.now();
    let mut progress = run.publishing.clone().unwrap_or_default();
    let mut page = progress.next_page.max(from);
    let end = limit.map_or(run.pages, |l| run.pages.min(page.saturating_add(l)));
    // Once per match group (or per day, without one): an administrator's
    // publish and the schedule's run the same quarter email once.
    let round = figures.group.clone().unwrap_or_else(|| figures.run.clone());
    // The mentors listed now, read once per job (a Query per working hours).
    let (listings, _) = deps.store.listed_mentors(None).await?;
    let to = Publication {
        deps,
        run: &figures.run,
        round: &round,
        now,
        listed: listings
            .iter()
            .map(|l| l.application_id.to_string())
            .collect(),
    };
    while page < end {
        let lists: Vec<KeptList> = deps
            .store
            .matching_page(&run.id, page)
            .await?
            .unwrap_or_default();
        let done = publish_page(&to, &lists).await?;
        progress.published += done.published;
        progress.emailed += done.emailed;
        progress.left_out += done.left_out;
        progress.dropped += done.dropped;
        progress.held_back += done.held_back;
        page += 1;
        progress.next_page = page;
        run.publishing = Some(progress.clone());
        save(deps, &mut run).await?;
    }
    if page < run.pages {
        // Still publishing: the caller schedules the next job.
        return Ok(Some(run));
    }
    if let Some(group) = &figures.group {
        // The schedule sees this and leaves the group alone.
        deps.store
            .claim_notice(&published_notice(group), now, KEEP_CLAIMS)
            .await?;
    }
    run.status = RunStatus::Published;
    save(deps, &mut run).await?;
    Ok(Some(run))
}

/// What publishing one mentee's list did.
enum Done {
    LeftOut,
    HeldBack,
    Published { emailed: bool, dropped: usize },
}

/// What publishing a page did.
#[derive(Default)]
struct PageDone {
    held_back: usize,
    published: usize,
    emailed: usize,
    left_out: usize,
    dropped: usize,
}

/// What publishing a run's pages needs besides the lists.
struct Publication<'a> {
    deps: &'a Deps,
    /// The run's date, stored with each list.
    run: &'a str,
    /// The match group (or date) each email is claimed for.
    round: &'a str,
    now: Timestamp,
    /// Application ids of the mentors listed when the job started.
    listed: HashSet<String>,
}

/// Publish one page of lists, as the mentees and mentors are now: a mentee
/// who no longer needs a mentor is left out, a mentor who is no longer
/// listed is dropped from the list. One batch read of the page's mentees,
/// then the lists a few at a time.
async fn publish_page(to: &Publication<'_>, lists: &[KeptList]) -> Result<PageDone, StoreError> {
    let ids: Vec<ApplicationId> = lists
        .iter()
        .filter_map(|l| ApplicationId::parse(&l.mentee).ok())
        .collect();
    let refs: Vec<&ApplicationId> = ids.iter().collect();
    let mentees = to.deps.store.applications_by_id(&refs).await?;
    let mentees = &mentees;
    let each: Vec<_> = lists
        .iter()
        .map(|list| publish_one(to, mentees, list))
        .collect();
    let outcomes: Vec<Done> = stream::iter(each)
        .buffer_unordered(PARALLEL_READS)
        .try_collect()
        .await?;
    let mut done = PageDone::default();
    for outcome in outcomes {
        match outcome {
            Done::LeftOut => done.left_out += 1,
            Done::HeldBack => done.held_back += 1,
            Done::Published { emailed, dropped } => {
                done.published += 1;
                done.emailed += usize::from(emailed);
                done.dropped += dropped;
            }
        }
    }
    Ok(done)
}

/// Publish one mentee's list, unless they no longer need a mentor, without
/// the mentors no longer listed; email them once per match group.
async fn publish_one(
    to: &Publication<'_>,
    mentees: &HashMap<String, (Application, Capacity)>,
    list: &KeptList,
) -> Result<Done, StoreError> {
    let Publication {
        deps,
        run,
        round,
        now,
        ..
    } = *to;
    if list.held {
        return Ok(Done::HeldBack);
    }
    let still_looking = mentees.get(&list.mentee).filter(|(app, capacity)| {
        app.role == Role::Mentee
            && app.status == Status::Approved
            && capacity.has_room()
            && capacity.available
            && !is_stand_in(&app.applicant)
    });
    let Some((mentee, capacity)) = still_looking else {
        return Ok(Done::LeftOut);
    };
    let suggestions: Vec<StoredSuggestion> = list
        .suggestions
        .iter()
        .filter(|s| to.listed.contains(&s.mentor_application_id))
        .cloned()
        .collect();
    let dropped = list.suggestions.len() - suggestions.len();
    let stored = PublishedList {
        run: run.to_string(),
        published_at: now.to_string(),
        priority: suggestions.is_empty(),
        second_mentor: capacity.active > 0,
        short_reason: if dropped > 0 {
            Some(FILLED_SINCE.to_string())
        } else {
            list.short_reason.clone()
        },
        suggestions,
    };
    deps.store
        .put_suggestions(&mentee.applicant, &stored)
        .await?;
    if stored.suggestions.is_empty() {
        return Ok(Done::Published {
            emailed: false,
            dropped,
        });
    }
    let notice = format!("matching-{round}-{}", mentee.applicant);
    if !deps.store.claim_notice(&notice, now, KEEP_CLAIMS).await? {
        return Ok(Done::Published {
            emailed: false,
            dropped,
        });
    }
    // A mail the service refuses is queued and sent by the retry run.
    deps.notify(notify::suggestions_ready(
        &Who::of(mentee),
        stored.suggestions.len(),
        stored.second_mentor,
        &deps.config.base_url,
    ))
    .await;
    Ok(Done::Published {
        emailed: true,
        dropped,
    })
}

/// A run, or `None` for an unknown id.
pub async fn run_of(deps: &Deps, id: &str) -> Result<Option<Run>, MatchingError> {
    Ok(deps.store.matching_run(id).await?)
}

/// Runs shown on the admin page.
const RUNS_SHOWN: u32 = 5;

/// The latest runs, newest first.
pub async fn latest(deps: &Deps) -> Result<Vec<Run>, MatchingError> {
    Ok(deps.store.latest_matching_runs(RUNS_SHOWN).await?)
}

/// One page of a run's lists as administrators see them, names read from
/// the applications now (a mentee or mentor whose data was removed is not
/// shown); `None` for an unknown run or page.
pub async fn lists_page(
    deps: &Deps,
    id: &str,
    page: u32,
) -> Result<Option<ListsPage>, MatchingError> {
    let Some(run) = deps.store.matching_run::<Run>(id).await? else {
        return Ok(None);
    };
    if page >= run.pages.max(1) || run.figures.is_none() {
        return Ok(None);
    }
    let lists: Vec<KeptList> = deps
        .store
        .matching_page(id, page)
        .await?
        .unwrap_or_default();
    Ok(Some(ListsPage {
        page,
        pages: run.pages,
        lists: shown_lists(deps, lists).await?,
    }))
}

/// Lists as administrators see them: names read from the applications now
/// (a mentee or mentor whose data was removed is not shown), each fit
/// worked out term by term. A batch read per hundred people.
async fn shown_lists(deps: &Deps, lists: Vec<KeptList>) -> Result<Vec<MenteeList>, StoreError> {
    let ids: Vec<ApplicationId> = lists
        .iter()
        .flat_map(|l| {
            std::iter::once(l.mentee.as_str()).chain(
                l.suggestions
                    .iter()
                    .chain(&l.removed)
                    .map(|s| s.mentor_application_id.as_str()),
            )
        })
        .filter_map(|id| ApplicationId::parse(id).ok())
        .collect();
    let refs: Vec<&ApplicationId> = ids.iter().collect();
    let (apps, kept) = tokio::try_join!(deps.store.applications_by_id(&refs), deps.store.lists())?;
    Ok(lists
        .into_iter()
        .filter_map(|list| {
            let (mentee, _) = apps
                .get(&list.mentee)
                .filter(|(a, _)| !is_stand_in(&a.applicant))?;
            let checked = |all: &[StoredSuggestion]| -> Vec<Checked> {
                all.iter()
                    .filter_map(|s| {
                        let (mentor, _) = apps.get(&s.mentor_application_id)?;
                        let m = &mentor.details;
                        Some(Checked {
                            suggested: s.shown(mentor, &kept.departments)?,
                            fit_explained: fit::explained(
                                &mentee.details.skills,
                                mentee.details.working_hours,
                                &m.skills,
                                m.working_hours,
                                &kept.skills,
                            ),
                        })
                    })
                    .collect()
            };
            Some(MenteeList {
                name: mentee.details.full_name(),
                application_id: list.mentee.clone(),
                priority: list.priority,
                second_mentor: list.second_mentor,
                short_reason: list.short_reason.clone(),
                suggestions: checked(&list.suggestions),
                held: list.held,
                removed: checked(&list.removed),
            })
        })
        .collect())
}

/// An administrator holds a mentee back or removes suggestions from their
/// list, while the run is ready and not yet published: the list as it is
/// then. The removed suggestions are those named (others named before
/// come back), in order of fit.
#[tracing::instrument(skip(deps))]
pub async fn change_list(
    deps: &Deps,
    id: &str,
    change: ListChange,
) -> Result<MenteeList, MatchingError> {
    let run = deps
        .store
        .matching_run::<Run>(id)
        .await?
        .ok_or(MatchingError::UnknownRun)?;
    if run.status != RunStatus::Ready {
        return Err(MatchingError::NotPublishable(
            "This run's lists can be changed only while it is ready and not yet published.".into(),
        ));
    }
    let (mut lists, version): (Vec<KeptList>, u64) = deps
        .store
        .matching_page_at(id, change.page)
        .await?
        .ok_or(MatchingError::UnknownList)?;
    let list = lists
        .iter_mut()
        .find(|l| l.mentee == change.mentee)
        .ok_or(MatchingError::UnknownList)?;
    let mut all: Vec<StoredSuggestion> = list
        .suggestions
        .drain(..)
        .chain(list.removed.drain(..))
        .collect();
    if let Some(stranger) = change
        .removed
        .iter()
        .find(|r| !all.iter().any(|s| &s.mentor_application_id == *r))
    {
        return Err(MatchingError::Invalid(
            moments_domain::form::FieldErrors::single(
                "removed",
                format!("{stranger} is not one of this mentee's suggested mentors."),
            ),
        ));
    }
    all.sort_by_key(|s| std::cmp::Reverse(s.score));
    (list.removed, list.suggestions) = all
        .into_iter()
        .partition(|s| change.removed.contains(&s.mentor_application_id));
    list.held = change.held;
    let changed = list.clone();
    deps.store
        .change_matching_page(id, change.page, &lists, run.started_at, version + 1)
        .await?;
    shown_lists(deps, vec![changed])
        .await?
        .pop()
        .ok_or(MatchingError::UnknownList)
}

/// Work out a run and publish it at once, in this function: the morning
/// schedule's run (which has a quarter of an hour), and the local
/// platform's button.
pub async fn run_and_publish(
    deps: &Deps,
    by: Option<&EmailAddress>,
    now: Timestamp,
) -> Result<Run, MatchingError> {
    let mut run = new_run(by, now)?;
    save(deps, &mut run).await?;
    let computed = compute(deps, now).await?;
    run.pages = keep(deps, &run, &computed.lists).await?;
    run.figures = Some(computed.figures);
    run.status = RunStatus::Publishing;
    run.published_by = by.map(ToString::to_string);
    run.publishing = Some(Publishing::default());
    save(deps, &mut run).await?;
    Ok(publish_pages(deps, &run.id, 0, None).await?.unwrap_or(run))
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
    match run_and_publish(deps, None, now).await {
        Ok(run) => {
            let (mentees, with_suggestions) = run
                .figures
                .as_ref()
                .map_or((0, 0), |f| (f.mentees, f.with_suggestions));
            Ok(Scheduled::Published {
                group: group.id.to_string(),
                mentees,
                with_suggestions,
                emailed: run.publishing.map_or(0, |p| p.emailed),
            })
        }
        Err(e) => {
            // The retry publishes again; emails already sent are not repeated.
            deps.store.release_notice(&mark).await?;
            Err(e)
        }
    }
}
