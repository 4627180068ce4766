//! Announcements: written by an administrator (the reports function),
//! queued at their time by a job (the reminders function), then sent by
//! the mail queue at SES's sending rate.
//!
//! Recipients are found when the announcement is queued, not when it is
//! written, so it reaches the audience as it is at its time; an opt-out is
//! honoured then, and again when each copy leaves the queue.

use std::collections::BTreeSet;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use futures_util::{StreamExt, TryStreamExt, stream};
use jiff::Timestamp;
use moments_adapters::deps::Deps;
use moments_adapters::http::{ApiError, token_hash};
use moments_adapters::store::StoreError;
use moments_adapters::store::announcements::{Delivery, Recipient};
use moments_domain::announcement::{
    self, Announcement, Audience, Body, Group, MOST_RECIPIENTS, Stage, Subject,
};
use moments_domain::audit::{Action, AuditEntry};
use moments_domain::departments::StoredDepartments;
use moments_domain::fields::{DepartmentId, EmailAddress};
use moments_domain::form::FieldErrors;
use moments_domain::reminders::Job;
use moments_domain::retention::is_stand_in;
use serde::Serialize;

#[derive(Debug, thiserror::Error)]
pub enum AnnouncementError {
    #[error("store: {0}")]
    Store(#[from] StoreError),
    #[error("invalid input")]
    Invalid(FieldErrors),
    #[error("no such announcement")]
    Unknown,
    #[error("{0}")]
    Refused(String),
    #[error("no randomness for an opt-out token")]
    NoRandomness,
}

impl From<AnnouncementError> for ApiError {
    fn from(e: AnnouncementError) -> Self {
        match e {
            AnnouncementError::Store(s) => s.into(),
            AnnouncementError::Invalid(errors) => ApiError::Invalid(errors),
            AnnouncementError::Unknown => ApiError::NotFound("announcement"),
            AnnouncementError::Refused(why) => ApiError::Conflict(why),
            AnnouncementError::NoRandomness => {
                ApiError::Internal("no randomness for an opt-out token".into())
            }
        }
    }
}

/// People queued in one batch (side by side); progress is saved after each.
pub const BATCH: usize = 500;
/// Department partitions read side by side.
const PARALLEL_READS: usize = 8;

/// An announcement as written, checked, before it is saved.
pub struct Draft {
    pub subject: Subject,
    pub body: Body,
    pub audience: Audience,
    /// `None`: send now.
    pub send_at: Option<Timestamp>,
}

/// Everyone in `audience` now, by address (canonical, each once), in
/// address order; none who was erased.
pub async fn recipients(deps: &Deps, audience: &Audience) -> Result<Vec<String>, StoreError> {
    let mut found = BTreeSet::new();
    match audience.group {
        Group::Registrants => {
            if let Some(event) = &audience.of {
                for r in deps.store.registrations_for(event).await? {
                    found.insert(r.email.to_string());
                }
            }
        }
        _ => {
            let departments: Vec<DepartmentId> = match &audience.department {
                Some(d) => vec![d.clone()],
                None => deps.store.departments().await?.all(),
            };
            let reads: Vec<_> = departments
                .iter()
                .map(|d| deps.store.live_in_department(d))
                .collect();
            let all: Vec<_> = stream::iter(reads)
                .buffer_unordered(PARALLEL_READS)
                .try_collect()
                .await?;
            for (app, capacity) in all.iter().flatten() {
                if audience.takes_applicant(app, *capacity) && !is_stand_in(&app.applicant) {
                    found.insert(app.applicant.to_string());
                }
                if audience.takes_supervisor_of(app) {
                    found.insert(app.supervisor().to_string());
                }
            }
        }
    }
    Ok(found.into_iter().collect())
}

/// "Approved mentees without a mentor, in Revenue" / "… for the event
/// Mentor training".
pub fn audience_name(
    audience: &Audience,
    of_name: Option<&str>,
    departments: &StoredDepartments,
) -> String {
    let mut name = audience.group.to_string();
    if let Some(of) = of_name {
        name.push_str(&format!(": {of}"));
    }
    if let Some(d) = &audience.department {
        let dept = departments.name(d);
        name.push_str(&format!(", in {dept}"));
    }
    name
}

/// Save a new announcement (nobody is emailed yet) with its audit entry;
/// the caller schedules [`queue_job`] at its time. An audience with nobody
/// in it now is refused.
pub async fn write(
    deps: &Deps,
    by: &EmailAddress,
    draft: Draft,
    audience_name: String,
    now: Timestamp,
) -> Result<Announcement, AnnouncementError> {
    let reach = recipients(deps, &draft.audience).await?.len();
    if reach == 0 {
        return Err(AnnouncementError::Invalid(FieldErrors::single(
            "group",
            "Nobody is in this audience just now, so the announcement would reach no one.",
        )));
    }
    let id = moments_adapters::store::matching_runs::new_run_id(now)?;
    let send_at = draft.send_at.filter(|at| *at > now).unwrap_or(now);
    let a = Announcement {
        id,
        subject: draft.subject,
        body: draft.body,
        audience: draft.audience,
        audience_name,
        written_by: by.to_string(),
        written_at: now,
        send_at,
        stage: Stage::Scheduled,
        found: 0,
        opted_out: 0,
        queued: 0,
        version: 1,
    };
    let entry = AuditEntry {
        at: now,
        actor: by.clone(),
        action: Action::AnnouncementWritten,
        on_behalf_of: None,
        note: Some(format!(
            "to {} ({reach} people now), sending {}",
            a.audience_name,
            if send_at > now {
                format!("at {send_at}")
            } else {
                "now".into()
            }
        )),
    };
    deps.store.save_announcement(&a, Some(&entry)).await?;
    Ok(a)
}

/// The job that queues announcement `id` at its time.
pub fn queue_job(a: &Announcement) -> Job {
    Job::Announcement { id: a.id.clone() }
}

/// The job that sends the mail queue, round `round` of announcement `id`.
pub fn send_job(id: &str, round: u32) -> Job {
    Job::AnnouncementMail {
        id: id.to_string(),
        round,
    }
}

/// Cancel a scheduled announcement (the caller cancels its job too);
/// one already queued or sent cannot be.
pub async fn cancel(
    deps: &Deps,
    by: &EmailAddress,
    id: &str,
) -> Result<Announcement, AnnouncementError> {
    let (mut a, _) = deps
        .store
        .announcement(id)
        .await?
        .ok_or(AnnouncementError::Unknown)?;
    if a.stage != Stage::Scheduled {
        return Err(AnnouncementError::Refused(
            "This announcement is being sent or was sent already, so it cannot be cancelled."
                .into(),
        ));
    }
    let now = deps.now();
    a.stage = Stage::Cancelled;
    a.version += 1;
    let entry = AuditEntry {
        at: now,
        actor: by.clone(),
        action: Action::AnnouncementCancelled,
        on_behalf_of: None,
        note: None,
    };
    deps.store
        .save_announcement(&a, Some(&entry))
        .await
        .map_err(|e| match e {
            StoreError::Changed => AnnouncementError::Refused(
                "The announcement started sending at that moment, so it cannot be cancelled."
                    .into(),
            ),
            other => other.into(),
        })?;
    Ok(a)
}

/// The job: find the audience as it is now, leave out whoever opted out,
/// and queue one copy for each of the rest, in batches, saving progress
/// after each. A run that is retried (or repeated) queues nobody twice.
/// Batches of `batch` people ([`BATCH`] in the job); `limit`: at most
/// that many batches (tests stop a run half-way). Returns the job that
/// sends the queue, once everyone is queued.
pub async fn queue(
    deps: &Deps,
    id: &str,
    batch: usize,
    limit: Option<usize>,
) -> Result<Option<Job>, AnnouncementError> {
    let Some((mut a, _)) = deps.store.announcement(id).await? else {
        return Ok(None);
    };
    if a.stage == Stage::Cancelled || a.stage == Stage::Sending {
        return Ok(None);
    }
    let everyone = recipients(deps, &a.audience).await?;
    let everyone = &everyone[..everyone.len().min(MOST_RECIPIENTS)];
    a.found = everyone.len();
    a.stage = Stage::Queueing;
    a.opted_out = 0;
    a.queued = 0;
    a.version += 1;
    deps.store.save_announcement(&a, None).await?;
    let now = deps.now();
    for (n, batch) in everyone.chunks(batch.max(1)).enumerate() {
        if limit.is_some_and(|l| n >= l) {
            return Ok(None);
        }
        let refs: Vec<&str> = batch.iter().map(String::as_str).collect();
        let out: BTreeSet<String> = deps.store.opted_out_of(&refs).await?.into_iter().collect();
        let mut copies = Vec::with_capacity(batch.len());
        for email in batch.iter().filter(|e| !out.contains(*e)) {
            let token = URL_SAFE_NO_PAD.encode(random_token()?);
            let (base, to) = (&deps.config.base_url, urlencode(email));
            let link = format!("{base}/announcements/#a={}&to={to}&t={token}", a.id);
            let one_click = format!("{base}/api/announcements/{}/unsubscribe/{to}/{token}", a.id);
            copies.push(Recipient {
                email: email.clone(),
                message: announcement::message(&a, email, &link, &one_click),
                token_hash: token_hash(&token),
            });
        }
        let done = deps.store.queue_announcement(&a.id, copies, now).await?;
        a.opted_out += out.len();
        a.queued += done.new + done.before;
        a.version += 1;
        deps.store.save_announcement(&a, None).await?;
    }
    a.stage = Stage::Sending;
    a.version += 1;
    deps.store.save_announcement(&a, None).await?;
    Ok(Some(send_job(&a.id, 0)))
}

fn random_token() -> Result<[u8; 32], AnnouncementError> {
    moments_adapters::http::random_bytes::<32>().map_err(|_| AnnouncementError::NoRandomness)
}

/// An address as it may stand in a link's fragment or a path segment.
pub fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'.' | b'-' | b'_' | b'@' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// An announcement as administrators see it, with its delivery so far.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AnnouncementView {
    pub id: String,
    pub subject: String,
    /// As written.
    pub body: String,
    /// As it arrives (plain text), without the footer.
    pub text: String,
    /// `everyone`, `mentees_without_mentor`, `mentors_with_room`,
    /// `supervisors_waiting`, `registrants` or `match_group`.
    pub group: String,
    pub department: Option<String>,
    /// The event or match group.
    pub of: Option<String>,
    pub audience: String,
    pub written_by: String,
    pub written_at: String,
    pub send_at: String,
    /// `scheduled`, `queueing`, `sending`, `sent` or `cancelled`.
    pub status: String,
    /// People in the audience when it was queued.
    pub found: usize,
    pub opted_out: usize,
    /// Copies in the mail queue (each person once).
    pub queued: usize,
    /// Accepted by SES.
    pub sent: u64,
    /// Refused once or more, waiting to be tried again.
    pub retrying: u64,
    /// Set aside after every retry failed.
    pub failed: u64,
    /// Not sent: opted out after being queued.
    pub skipped: u64,
    /// Queued and not yet sent.
    pub waiting: u64,
}

impl AnnouncementView {
    pub fn of(a: &Announcement, d: Delivery) -> AnnouncementView {
        let done = d.sent + d.failed + d.skipped;
        let waiting = (a.queued as u64).saturating_sub(done);
        let status = match a.stage {
            Stage::Sending if waiting == 0 => "sent",
            Stage::Scheduled => "scheduled",
            Stage::Queueing => "queueing",
            Stage::Sending => "sending",
            Stage::Cancelled => "cancelled",
        };
        AnnouncementView {
            id: a.id.clone(),
            subject: a.subject.to_string(),
            body: a.body.as_str().to_string(),
            text: a.body.plain_text(),
            group: a.audience.group.as_str().to_string(),
            department: a
                .audience
                .department
                .as_ref()
                .map(|d| d.as_str().to_string()),
            of: a.audience.of.as_ref().map(ToString::to_string),
            audience: a.audience_name.clone(),
            written_by: a.written_by.clone(),
            written_at: a.written_at.to_string(),
            send_at: a.send_at.to_string(),
            status: status.to_string(),
            found: a.found,
            opted_out: a.opted_out,
            queued: a.queued,
            sent: d.sent,
            retrying: d.retrying,
            failed: d.failed,
            skipped: d.skipped,
            waiting,
        }
    }
}

/// Opt `email` out of announcements (or back in), with the token from
/// their copy of announcement `id`: no sign-in needed, and no other
/// address can be changed. `false` if the token does not match.
pub async fn set_preference(
    deps: &Deps,
    id: &str,
    email: &EmailAddress,
    token: &str,
    out: bool,
) -> Result<bool, AnnouncementError> {
    let Some(kept) = deps.store.announcement_token(id, email).await? else {
        return Ok(false);
    };
    let given = token_hash(token);
    // Both are hex digests of the same length: compare every byte.
    let same = kept.len() == given.len()
        && kept
            .bytes()
            .zip(given.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0;
    if !same {
        return Ok(false);
    }
    deps.store.set_opted_out(email, out, deps.now()).await?;
    Ok(true)
}

/// How many of each group a department has, for the page's counts.
pub async fn reach(deps: &Deps, audience: &Audience) -> Result<usize, StoreError> {
    Ok(recipients(deps, audience).await?.len())
}

/// The latest announcements, newest first, those of `departments` only
/// when given.
pub async fn latest(
    deps: &Deps,
    departments: Option<&[DepartmentId]>,
) -> Result<Vec<AnnouncementView>, StoreError> {
    let all = deps.store.latest_announcements(50).await?;
    Ok(all
        .into_iter()
        .filter(|(a, _)| {
            departments.is_none_or(|ds| {
                a.audience
                    .department
                    .as_ref()
                    .is_some_and(|d| ds.contains(d))
            })
        })
        .take(20)
        .map(|(a, d)| AnnouncementView::of(&a, d))
        .collect())
}
