//! The `reminders` function: runs one-time jobs made when a request is sent
//! or a pair is matched. Each job looks at the record as it is now and does
//! nothing if it no longer applies, and a notice is claimed before it is
//! sent, so a retried or repeated job never sends twice. Failures are
//! returned as errors so the scheduler's retries and dead-letter queue work.
//! A recurring schedule also has it send the mail queued after failed
//! sends, and create the reminder jobs the scheduler did not take.

use jiff::SignedDuration;
use moments_adapters::deps::Deps;
use moments_adapters::store::StoreError;
use moments_domain::application::{Application, ApplicationId, UNDO_WITHIN};
use moments_domain::audit::{Action, AuditEntry};
use moments_domain::calendar::registration::{self, RegistrationStatus};
use moments_domain::checkin::{CheckIn, last_sign_of_life, quiet_on, utc_date};
use moments_domain::mail;
use moments_domain::mentorship::{
    MentorshipId, MentorshipRequest, MentorshipStatus, RequestId, RequestStatus,
};
use moments_domain::notify::{self, CheckInLinks, Who};
use moments_domain::reminders::{self, EXPIRED, Job, quiet_job};
use std::collections::HashSet;

use futures_util::{StreamExt, TryStreamExt, stream};
use moments_usecases::{announcements, matching};

#[derive(Debug, thiserror::Error)]
pub enum ReminderError {
    #[error("store: {0}")]
    Store(#[from] StoreError),
    #[error("record missing: {0}")]
    Missing(String),
    #[error("email not sent: {0}")]
    Mail(#[from] moments_adapters::mail::MailError),
    /// Queued mail failed again; it stays queued. An error, so the
    /// function's error alarm tells the program team.
    #[error("{0} queued emails failed again")]
    MailStillFailing(usize),
    #[error("matching run: {0}")]
    Matching(#[from] matching::MatchingError),
    #[error("announcement: {0}")]
    Announcement(#[from] announcements::AnnouncementError),
    /// Queued reminder jobs failed again; they stay queued. An error too.
    #[error("{0} queued reminder jobs failed again")]
    JobsStillFailing(usize),
}

/// What a job did, for the log and the local platform's page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Sent(usize),
    Expired,
    /// The retry run: queued emails sent, queued reminder jobs created or run.
    Retried {
        mail: usize,
        jobs: usize,
    },
    NothingToDo(&'static str),
    /// An announcement's copies queued (each person once).
    Queued(usize),
    /// A matching run's job: where the run got to, and its pages worked out
    /// or published.
    Matching {
        status: matching::RunStatus,
        pages: u32,
    },
}

/// Queued emails read at a time, soonest due first.
const QUEUE_PAGE: u32 = 100;
/// Emails in flight at once; the pace is set by the sending rate.
const IN_FLIGHT: usize = 8;
/// How long one run sends before handing over to the next: the function
/// has 15 minutes.
pub const SENDING_BUDGET: std::time::Duration = std::time::Duration::from_secs(10 * 60);
/// A round of an announcement's sending waits this long when another run
/// holds the queue.
const HELD_WAIT: SignedDuration = SignedDuration::from_mins(1);
/// Most rounds of sending one announcement schedules (each up to the budget).
const MOST_ROUNDS: u32 = 200;

/// What one run of the mail queue did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Drained {
    pub sent: usize,
    pub failed: usize,
    /// Announcement copies of people who opted out since they were queued.
    pub skipped: usize,
    /// Mail still due when the budget ran out.
    pub more: bool,
    /// Another run is sending the queue; this one sent nothing.
    pub held: bool,
}

/// Send the queued mail that is due, at most `deps.mail_rate()` messages a
/// second, for up to `budget`. One run at a time holds the queue (a
/// lease), so two runs never send the same message. Each message is
/// deleted only once sent; one that fails moves to its next time, or after
/// `MAIL_ATTEMPTS` is set aside for the program team. An announcement's
/// copy to someone who opted out since it was queued is dropped unsent.
pub async fn send_queue(
    deps: &Deps,
    budget: std::time::Duration,
) -> Result<Drained, ReminderError> {
    let holder = lease_holder();
    let now = deps.now();
    let until = now + SignedDuration::try_from(budget).unwrap_or(SignedDuration::MAX) + HELD_WAIT;
    if !deps.store.take_mail_lease(&holder, now, until).await? {
        return Ok(Drained {
            held: true,
            ..Drained::default()
        });
    }
    let drained = send_leased(deps, budget).await;
    // An error leaves the lease to run out on its own.
    deps.store.release_mail_lease(&holder).await?;
    drained
}

fn lease_holder() -> String {
    let bytes = moments_adapters::http::random_bytes::<8>().unwrap_or_default();
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

async fn send_leased(deps: &Deps, budget: std::time::Duration) -> Result<Drained, ReminderError> {
    let started = tokio::time::Instant::now();
    let gap = std::time::Duration::from_secs(1) / deps.mail_rate().max(1);
    let mut drained = Drained::default();
    let mut slot: u32 = 0;
    loop {
        if started.elapsed() >= budget {
            drained.more = !deps.store.due_mail(deps.now(), 1).await?.is_empty();
            return Ok(drained);
        }
        let now = deps.now();
        let batch = deps.store.due_mail(now, QUEUE_PAGE).await?;
        if batch.is_empty() {
            return Ok(drained);
        }
        let copies: Vec<&str> = batch
            .iter()
            .filter(|q| q.announcement.is_some())
            .map(|q| q.message.to.as_str())
            .collect();
        let out: HashSet<String> = if copies.is_empty() {
            HashSet::new()
        } else {
            deps.store
                .opted_out_of(&copies)
                .await?
                .into_iter()
                .collect()
        };
        let sends: Vec<_> = batch
            .into_iter()
            .map(|queued| {
                let skip = queued.announcement.is_some() && out.contains(&queued.message.to);
                // Each send has its moment, one gap after the last: the pace
                // holds however many are in flight.
                let at = started + gap * slot;
                if !skip {
                    slot += 1;
                }
                async move {
                    if skip {
                        deps.store.mail_skipped(&queued).await?;
                        return Ok::<_, ReminderError>(Fate::Skipped);
                    }
                    tokio::time::sleep_until(at).await;
                    send_one(deps, now, queued).await
                }
            })
            .collect();
        let outcomes: Vec<Fate> = stream::iter(sends)
            .buffer_unordered(IN_FLIGHT)
            .try_collect()
            .await?;
        for o in outcomes {
            match o {
                Fate::Sent => drained.sent += 1,
                Fate::Failed => drained.failed += 1,
                Fate::Skipped => drained.skipped += 1,
                Fate::Gone => {}
            }
        }
    }
}

/// What became of one queued message.
enum Fate {
    Sent,
    Failed,
    Skipped,
    /// Another run sent it first.
    Gone,
}

async fn send_one(
    deps: &Deps,
    now: jiff::Timestamp,
    queued: moments_adapters::store::QueuedMail,
) -> Result<Fate, ReminderError> {
    match deps.send(&queued.message).await {
        Ok(()) => Ok(if deps.store.mail_sent(&queued).await? {
            Fate::Sent
        } else {
            Fate::Gone
        }),
        Err(e) => {
            let next = (queued.attempts + 1 < mail::MAIL_ATTEMPTS)
                .then(|| now + mail::retry_delay(queued.attempts + 1));
            tracing::error!(
                error = %e, to = %queued.message.to, subject = %queued.message.subject,
                attempts = queued.attempts + 1, set_aside = next.is_none(),
                "queued email failed"
            );
            deps.store
                .mail_failed(&queued, &e.to_string(), next)
                .await?;
            Ok(Fate::Failed)
        }
    }
}

/// The retry run's part for mail: send what is due (see [`send_queue`]);
/// an error if any failed again, so the function's error alarm tells the
/// program team.
pub async fn retry_mail(deps: &Deps) -> Result<Outcome, ReminderError> {
    let drained = send_queue(deps, SENDING_BUDGET).await?;
    if drained.failed > 0 {
        return Err(ReminderError::MailStillFailing(drained.failed));
    }
    Ok(if drained.sent == 0 {
        Outcome::NothingToDo("no queued mail is due")
    } else {
        Outcome::Sent(drained.sent)
    })
}

/// Queue an announcement's copies, then have the queue sent.
async fn queue_announcement(deps: &Deps, id: &str) -> Result<Outcome, ReminderError> {
    match announcements::queue(deps, id, announcements::BATCH, None).await? {
        Some(next) => {
            deps.schedule_job(&next, deps.now()).await;
            let queued = deps
                .store
                .announcement(id)
                .await?
                .map_or(0, |(a, _)| a.queued);
            Ok(Outcome::Queued(queued))
        }
        None => Ok(Outcome::NothingToDo(
            "the announcement was cancelled, or is queued already",
        )),
    }
}

/// A round of sending the queue after an announcement; the next round
/// follows while mail is still due.
async fn send_announcement(deps: &Deps, id: &str, round: u32) -> Result<Outcome, ReminderError> {
    let drained = send_queue(deps, SENDING_BUDGET).await?;
    if (drained.more || drained.held) && round < MOST_ROUNDS {
        let at = if drained.held {
            deps.now() + HELD_WAIT
        } else {
            deps.now()
        };
        deps.schedule_job(&announcements::send_job(id, round + 1), at)
            .await;
    }
    // Copies that failed wait in the queue for their retry; the job is done.
    Ok(if drained.held {
        Outcome::NothingToDo("another run is sending the mail queue")
    } else {
        Outcome::Sent(drained.sent)
    })
}

/// At most this many queued reminder jobs per run; the rest wait for the next.
const JOB_RETRIES_PER_RUN: usize = 100;

/// The retry run, every 15 minutes: the queued mail, then the queued
/// reminder jobs; the jobs are tried even when mail fails again.
pub async fn retry_queued(deps: &Deps) -> Result<Outcome, ReminderError> {
    let mail = retry_mail(deps).await;
    let jobs = retry_jobs(deps).await;
    let (mail, jobs) = match (mail, jobs) {
        (Ok(mail), Ok(jobs)) => (mail, jobs),
        (Err(e), jobs) => {
            if let Err(j) = jobs {
                tracing::error!(error = %j, "queued jobs failed too");
            }
            return Err(e);
        }
        (Ok(_), Err(e)) => return Err(e),
    };
    let mail = match mail {
        Outcome::Sent(n) => n,
        _ => 0,
    };
    Ok(if mail == 0 && jobs == 0 {
        Outcome::NothingToDo("nothing queued is due")
    } else {
        Outcome::Retried { mail, jobs }
    })
}

/// Create the queued reminder jobs that are due (see
/// `moments_adapters::store::QueuedJob`), or run at once those whose time
/// has come. Each is forgotten only once created or run; one that fails
/// again is tried later, backing off as mail does. Returns how many were
/// done.
pub async fn retry_jobs(deps: &Deps) -> Result<usize, ReminderError> {
    let now = deps.now();
    let mut done = 0;
    let mut failed = 0;
    for queued in deps.store.due_jobs(now, JOB_RETRIES_PER_RUN).await? {
        let result = if queued.at <= now {
            match serde_json::from_value::<Job>(queued.payload.clone()) {
                Ok(job) => one_time(deps, &job)
                    .await
                    .map(drop)
                    .map_err(|e| e.to_string()),
                Err(e) => Err(format!("unreadable job: {e}")),
            }
        } else {
            deps.try_schedule(&queued.name, queued.at, &queued.payload)
                .await
                .map_err(|e| e.to_string())
        };
        match result {
            Ok(()) => {
                if deps.store.job_done(&queued).await? {
                    done += 1;
                }
            }
            Err(e) => {
                failed += 1;
                tracing::error!(
                    error = %e, job = %queued.name, attempts = queued.attempts + 1,
                    "queued job failed again"
                );
                let next = now + mail::retry_delay(queued.attempts + 1);
                deps.store.job_failed(&queued, &e, next).await?;
            }
        }
    }
    if failed > 0 {
        return Err(ReminderError::JobsStillFailing(failed));
    }
    Ok(done)
}

/// How long a sent-notice claim is kept: far beyond any retry.
const KEEP_CLAIMS: SignedDuration = SignedDuration::from_hours(60 * 24);

async fn application(deps: &Deps, id: &ApplicationId) -> Result<Application, ReminderError> {
    deps.store
        .application(id)
        .await?
        .ok_or_else(|| ReminderError::Missing(format!("application {id}")))
}

/// Send `messages` once for the notice `name`; on failure give the claim back.
async fn send_once(
    deps: &Deps,
    name: &str,
    messages: Vec<moments_domain::mail::Message>,
) -> Result<Outcome, ReminderError> {
    if !deps
        .store
        .claim_notice(name, deps.now(), KEEP_CLAIMS)
        .await?
    {
        return Ok(Outcome::NothingToDo("already sent"));
    }
    let n = messages.len();
    for m in &messages {
        if let Err(e) = deps.send(m).await {
            deps.store.release_notice(name).await?;
            return Err(e.into());
        }
    }
    Ok(Outcome::Sent(n))
}

/// Tell the applicant of the decision made at `decided_at`, unless it was
/// undone. The notice is claimed before the application is read, so an
/// undo either lands first (and this finds no such decision) or finds the
/// claim and is refused.
async fn decision_mail(
    deps: &Deps,
    job: &Job,
    id: &ApplicationId,
    decided_at: jiff::Timestamp,
) -> Result<Outcome, ReminderError> {
    let notice = reminders::held_notice(job, decided_at);
    if !claim(deps, &notice, decided_at).await? {
        return Ok(Outcome::NothingToDo("already sent"));
    }
    let app = application(deps, id).await?;
    if app.decision.as_ref().map(|d| d.decided_at) != Some(decided_at) {
        return Ok(Outcome::NothingToDo("the decision was undone"));
    }
    // The decision stands; without the links, the email still goes.
    let links = deps.store.resource_links().await.unwrap_or_else(|e| {
        tracing::error!(error = %e, "links not read; the decision email goes without them");
        Default::default()
    });
    let lists = deps.store.lists().await?;
    let Some(message) = notify::decided(&app, &deps.config.base_url, &links, &lists.departments)
    else {
        return Ok(Outcome::NothingToDo("no decision to tell"));
    };
    if let Err(e) = deps.send(&message).await {
        deps.store.release_notice(&notice).await?;
        return Err(e.into());
    }
    Ok(Outcome::Sent(1))
}

/// Tell the mentor that the request withdrawn at `withdrawn_at` was
/// withdrawn, unless the mentee undid it (claimed first, as a decision's).
async fn withdrawal_mail(
    deps: &Deps,
    job: &Job,
    id: &RequestId,
    withdrawn_at: jiff::Timestamp,
) -> Result<Outcome, ReminderError> {
    let notice = reminders::held_notice(job, withdrawn_at);
    if !claim(deps, &notice, withdrawn_at).await? {
        return Ok(Outcome::NothingToDo("already sent"));
    }
    let r = deps
        .store
        .request(id)
        .await?
        .ok_or_else(|| ReminderError::Missing(format!("request {id}")))?;
    if r.status != RequestStatus::Withdrawn || r.updated_at != withdrawn_at {
        return Ok(Outcome::NothingToDo("the withdrawal was undone"));
    }
    let mentee = application(deps, &r.mentee_application).await?;
    let mentor = application(deps, &r.mentor_application).await?;
    let message = notify::request_withdrawn(
        &Who::of(&mentor),
        &mentee.details.full_name(),
        &deps.config.base_url,
    );
    deps.notify(message).await;
    Ok(Outcome::Sent(1))
}

/// Tell both sides that the mentorship ended at `ended_at` ended, unless
/// the side who ended it undid that (claimed first, as a decision's).
async fn ended_mail(
    deps: &Deps,
    job: &Job,
    id: &MentorshipId,
    ended_at: jiff::Timestamp,
) -> Result<Outcome, ReminderError> {
    let notice = reminders::held_notice(job, ended_at);
    if !claim(deps, &notice, ended_at).await? {
        return Ok(Outcome::NothingToDo("already sent"));
    }
    let m = deps
        .store
        .mentorship(id)
        .await?
        .ok_or_else(|| ReminderError::Missing(format!("mentorship {id}")))?
        .mentorship;
    if m.ended.as_ref().map(|e| e.at) != Some(ended_at) {
        return Ok(Outcome::NothingToDo("the ending was undone"));
    }
    let mentee = application(deps, &m.mentee_application).await?;
    let mentor = application(deps, &m.mentor_application).await?;
    moments_usecases::ended::tell(deps, &m, &mentee, &mentor).await;
    Ok(Outcome::Sent(2))
}

/// Claim the notice of a change made at `changed_at`, before the record it
/// is about is read: an undo, which checks that the claim is not there,
/// then either lands first or fails. Once claimed, the mail goes through
/// `Deps::notify`, queued if it fails, so it is neither lost nor sent
/// twice.
///
/// EventBridge Scheduler starts a job within the minute of its time, so
/// possibly a few seconds before it (never before the job was made, at the
/// change): a job that starts before the seconds to undo have passed waits
/// them out first, at most those 10 seconds, so no email leaves while the
/// Undo button still shows.
async fn claim(
    deps: &Deps,
    notice: &str,
    changed_at: jiff::Timestamp,
) -> Result<bool, ReminderError> {
    let early = (changed_at + UNDO_WITHIN).duration_since(deps.now());
    if early.is_positive() {
        let wait = early.min(UNDO_WITHIN).unsigned_abs();
        tracing::info!(
            notice,
            ?wait,
            "started before the undo seconds passed; waiting"
        );
        tokio::time::sleep(wait).await;
    }
    Ok(deps
        .store
        .claim_notice(notice, deps.now(), KEEP_CLAIMS)
        .await?)
}

async fn pending_request(
    deps: &Deps,
    job: &Job,
) -> Result<Option<MentorshipRequest>, ReminderError> {
    let (Job::RequestReminder { request } | Job::RequestExpiry { request }) = job else {
        return Ok(None);
    };
    Ok(deps
        .store
        .request(request)
        .await?
        .filter(|r| r.status == RequestStatus::Pending))
}

#[tracing::instrument(skip(deps), fields(job = %job.name()))]
pub async fn run(deps: &Deps, job: &Job) -> Result<Outcome, ReminderError> {
    let outcome = match job {
        Job::RetryMail => retry_queued(deps).await?,
        _ => one_time(deps, job).await?,
    };
    tracing::info!(?outcome, "job done");
    Ok(outcome)
}

/// A reminder, an expiry or a connect check.
async fn one_time(deps: &Deps, job: &Job) -> Result<Outcome, ReminderError> {
    let base = &deps.config.base_url;
    Ok(match job {
        Job::RequestReminder { .. } => {
            let Some(r) = pending_request(deps, job).await? else {
                return Ok(Outcome::NothingToDo("the request was answered"));
            };
            let mentee = application(deps, &r.mentee_application).await?;
            let mentor = application(deps, &r.mentor_application).await?;
            let m = notify::request_reminder(
                &Who::of(&mentor),
                &mentee.details.full_name(),
                r.id.as_str(),
                base,
            );
            send_once(deps, &job.name(), vec![m]).await?
        }
        Job::RequestExpiry { .. } => {
            let Some(before) = pending_request(deps, job).await? else {
                return Ok(Outcome::NothingToDo("the request was answered"));
            };
            let Ok(after) = before.close(EXPIRED, deps.now()) else {
                return Ok(Outcome::NothingToDo("the request was answered"));
            };
            let entry = AuditEntry {
                at: after.updated_at,
                actor: before.mentor.clone(),
                action: Action::RequestClosed,
                on_behalf_of: None,
                note: Some("expired".into()),
            };
            match deps.store.answer_request(&before, &after, &entry).await {
                Ok(()) => {}
                // Answered at the last moment: nothing to expire.
                Err(StoreError::Changed) => {
                    return Ok(Outcome::NothingToDo("the request was answered"));
                }
                Err(e) => return Err(e.into()),
            }
            deps.cancel(
                &Job::RequestReminder {
                    request: before.id.clone(),
                }
                .name(),
            )
            .await;
            let mentee = application(deps, &before.mentee_application).await?;
            let mentor = application(deps, &before.mentor_application).await?;
            let m = notify::request_not_accepted(
                &Who::of(&mentee),
                &mentor.details.full_name(),
                Some(EXPIRED),
                true,
                base,
            );
            send_once(deps, &job.name(), vec![m]).await?;
            Outcome::Expired
        }
        Job::ConnectCheck { mentorship } => {
            let Some(record) = deps.store.mentorship(mentorship).await? else {
                return Err(ReminderError::Missing(format!("mentorship {mentorship}")));
            };
            if record.mentorship.status != MentorshipStatus::Active || record.meeting_count > 0 {
                return Ok(Outcome::NothingToDo(
                    "they have met, or the mentorship ended",
                ));
            }
            let m = &record.mentorship;
            let mentee = application(deps, &m.mentee_application).await?;
            let mentor = application(deps, &m.mentor_application).await?;
            let (a, b) = (Who::of(&mentee), Who::of(&mentor));
            let messages = vec![
                notify::connect_nudge(&a, &b.full_name, true, m.id.as_str(), base),
                notify::connect_nudge(&b, &a.full_name, false, m.id.as_str(), base),
            ];
            send_once(deps, &job.name(), messages).await?
        }
        Job::QuietCheck { mentorship, .. } => quiet_check(deps, mentorship).await?,
        Job::SurveyReminder { mentorship } => survey_reminder(deps, job, mentorship).await?,
        Job::EventReminder { event, date } => {
            let Some(stored) = deps.store.calendar_event(event).await? else {
                return Ok(Outcome::NothingToDo("the event is gone"));
            };
            let e = &stored.event;
            if e.cancelled || e.date != *date {
                return Ok(Outcome::NothingToDo("the event was cancelled or moved"));
            }
            let mut sent = 0;
            for r in deps.store.registrations_for(event).await? {
                if r.status != RegistrationStatus::Registered {
                    continue;
                }
                // Claimed per person: a retried run reminds nobody twice.
                let name = format!("{}-{}", job.name(), r.email);
                sent += send_once(deps, &name, vec![registration::reminder(&r, e, base)])
                    .await
                    .map(|o| usize::from(matches!(o, Outcome::Sent(_))))?;
            }
            Outcome::Sent(sent)
        }
        Job::MatchingRun { run } => match matching::work_out(deps, run).await? {
            Some(run) => Outcome::Matching {
                status: run.status,
                pages: run.pages,
            },
            None => Outcome::NothingToDo("the run is not waiting to be worked out"),
        },
        Job::MatchingPublish { run, page } => {
            match matching::publish_pages(deps, run, *page, Some(matching::PAGES_PER_JOB)).await? {
                Some(run) => {
                    // Pages left: the next job goes on where this one stopped.
                    if let Some(next) = matching::publish_job(&run) {
                        deps.schedule_job(&next, deps.now()).await;
                    }
                    Outcome::Matching {
                        status: run.status,
                        pages: run.publishing.map_or(0, |p| p.next_page),
                    }
                }
                None => Outcome::NothingToDo("the run is not being published"),
            }
        }
        Job::Announcement { id } => queue_announcement(deps, id).await?,
        Job::AnnouncementMail { id, round } => send_announcement(deps, id, *round).await?,
        Job::DecisionMail {
            application,
            decided_at,
        } => decision_mail(deps, job, application, *decided_at).await?,
        Job::WithdrawalMail {
            request,
            withdrawn_at,
        } => withdrawal_mail(deps, job, request, *withdrawn_at).await?,
        Job::EndedMail {
            mentorship,
            ended_at,
        } => ended_mail(deps, job, mentorship, *ended_at).await?,
        Job::RetryMail => Outcome::NothingToDo("the retry run has a schedule of its own"),
    })
}

/// Whether an active pair has gone quiet: no meeting logged, nor "we're
/// meeting" answered, for the program's set weeks. If so, both are asked
/// how it is going, once per quiet spell (the check-in is made before the
/// mail, and a repeated run finds it made). Either way the next check is
/// made, at the end of the next spell.
async fn quiet_check(deps: &Deps, id: &MentorshipId) -> Result<Outcome, ReminderError> {
    let Some(record) = deps.store.mentorship(id).await? else {
        return Ok(Outcome::NothingToDo("the mentorship is gone"));
    };
    let m = &record.mentorship;
    if m.status != MentorshipStatus::Active {
        return Ok(Outcome::NothingToDo("the mentorship ended"));
    }
    let weeks = deps.store.program_settings().await?.settings.quiet_weeks;
    let last_meeting = deps.store.last_meeting_date(id).await?;
    let latest = deps.store.latest_check_in(id).await?;
    let since = last_sign_of_life(m.started_at, last_meeting, latest.as_ref());
    let now = deps.now();
    let today = utc_date(now);
    if quiet_on(since, weeks) > today {
        let (next, at) = quiet_job(id, since, weeks);
        deps.schedule_job(&next, at).await;
        return Ok(Outcome::NothingToDo("the pair is not quiet"));
    }
    let check = CheckIn {
        mentorship: id.clone(),
        since,
        sent_at: now,
        answered: None,
    };
    let sent = if deps.store.open_check_in(&check).await? {
        let mentee = application(deps, &m.mentee_application).await?;
        let mentor = application(deps, &m.mentor_application).await?;
        for (to, partner) in [(&mentee, &mentor), (&mentor, &mentee)] {
            let partner = partner.details.full_name();
            let links = check_in_links(deps, &to.applicant, &check, &partner).await;
            deps.notify(notify::check_in(
                &Who::of(to),
                &partner,
                since,
                weeks,
                &links,
            ))
            .await;
        }
        Outcome::Sent(2)
    } else {
        Outcome::NothingToDo("already sent")
    };
    let (next, at) = quiet_job(id, today, weeks);
    deps.schedule_job(&next, at).await;
    Ok(sent)
}

/// The three answers of a check-in, as links that sign `to` in and open
/// the check-in page with that answer chosen.
async fn check_in_links(
    deps: &Deps,
    to: &moments_domain::fields::EmailAddress,
    check: &CheckIn,
    partner: &str,
) -> CheckInLinks {
    let page = |answer: &str| {
        format!(
            "/check-in/?mentorship={}&since={}&answer={answer}",
            check.mentorship, check.since
        )
    };
    let task = || notify::check_in_task(partner);
    CheckInLinks {
        meeting: deps.task_link(to, &page("meeting"), task()).await,
        need_help: deps.task_link(to, &page("need_help"), task()).await,
        finished: deps.task_link(to, &page("finished"), task()).await,
    }
}

/// A week after the end: the survey asked for once more of each side that
/// has not answered it (not of someone who left state service), each
/// claimed once.
async fn survey_reminder(
    deps: &Deps,
    job: &Job,
    id: &MentorshipId,
) -> Result<Outcome, ReminderError> {
    let Some(record) = deps.store.mentorship(id).await? else {
        return Ok(Outcome::NothingToDo("the mentorship is gone"));
    };
    let m = &record.mentorship;
    if m.status == MentorshipStatus::Active {
        return Ok(Outcome::NothingToDo("the mentorship has not ended"));
    }
    let mentee = application(deps, &m.mentee_application).await?;
    let mentor = application(deps, &m.mentor_application).await?;
    let mut sent = 0;
    for (to, partner) in [(&mentee, &mentor), (&mentor, &mentee)] {
        let email = &to.applicant;
        if to.revoked.as_ref().is_some_and(|r| r.left_service)
            || deps.store.survey_of(&m.id, email).await?.is_some()
        {
            continue;
        }
        let partner = partner.details.full_name();
        let link = deps
            .task_link(
                email,
                &format!("/survey/?mentorship={}", m.id),
                notify::survey_task(&partner),
            )
            .await;
        let name = format!("{}-{}", job.name(), to.role.as_str());
        let message = notify::survey_reminder(&Who::of(to), &partner, &link);
        if matches!(
            send_once(deps, &name, vec![message]).await?,
            Outcome::Sent(_)
        ) {
            sent += 1;
        }
    }
    Ok(if sent == 0 {
        Outcome::NothingToDo("both have answered, or were reminded")
    } else {
        Outcome::Sent(sent)
    })
}
