//! What every function's work uses, built once at start-up: the store, the
//! mailer and scheduler it may use, the program's settings and the clock.
//! HTTP handlers and scheduled jobs share it.

use std::sync::Arc;

use jiff::Timestamp;
use moments_domain::fields::EmailAddress;
use moments_domain::mail::Message;

use crate::config::ProgramConfig;
use crate::mail::{MailError, Mailer};
use crate::oidc::Oidc;
use crate::scheduler::{Scheduler, SchedulerError};
use crate::store::{ProgramAdmin, Store, StoreError};

/// Everything a function's work uses, built once at start-up.
#[derive(Clone)]
pub struct Deps {
    pub store: Store,
    mailer: Option<Arc<dyn Mailer>>,
    pub config: Arc<ProgramConfig>,
    scheduler: Option<Arc<dyn Scheduler>>,
    /// The state's identity provider, where sign-in may use it (`auth` only).
    pub oidc: Option<Arc<Oidc>>,
    clock: Clock,
    /// Messages a second the mail queue is sent at (SES's sending rate).
    mail_rate: u32,
}

/// SES's sending rate when no other is configured: 14 messages a second,
/// an account's first production quota.
pub const DEFAULT_MAIL_RATE: u32 = 14;

/// The time source: the real clock, or a fixed instant in tests of expiry.
#[derive(Clone)]
pub enum Clock {
    System,
    Fixed(Arc<std::sync::Mutex<Timestamp>>),
}

impl Clock {
    pub fn now(&self) -> Timestamp {
        match self {
            Clock::System => Timestamp::now(),
            Clock::Fixed(t) => *t.lock().unwrap_or_else(|p| p.into_inner()),
        }
    }
}

impl Deps {
    pub fn new(store: Store, mailer: Arc<dyn Mailer>, config: ProgramConfig) -> Deps {
        Deps {
            mailer: Some(mailer),
            ..Deps::without_mail(store, config)
        }
    }

    /// For a function that sends no email (and may not): it starts without
    /// an email client. A message it did try to send would be queued by
    /// `notify` for the mail retry job, not lost.
    pub fn without_mail(store: Store, config: ProgramConfig) -> Deps {
        Deps {
            store,
            mailer: None,
            config: Arc::new(config),
            scheduler: None,
            oidc: None,
            clock: Clock::System,
            mail_rate: DEFAULT_MAIL_RATE,
        }
    }

    /// Send the mail queue at `per_second` messages a second (at least one).
    pub fn with_mail_rate(mut self, per_second: u32) -> Deps {
        self.mail_rate = per_second.max(1);
        self
    }

    pub fn mail_rate(&self) -> u32 {
        self.mail_rate
    }

    pub fn with_oidc(mut self, oidc: Arc<Oidc>) -> Deps {
        self.oidc = Some(oidc);
        self
    }

    pub fn with_scheduler(mut self, scheduler: Arc<dyn Scheduler>) -> Deps {
        self.scheduler = Some(scheduler);
        self
    }

    /// Create (or replace) a one-time job after a change has been committed.
    /// One the scheduler does not take is queued and created later by the
    /// reminders function's retry run (every 15 minutes), never dropped.
    pub async fn schedule(&self, name: &str, at: Timestamp, payload: &serde_json::Value) {
        let Err(e) = self.try_schedule(name, at, payload).await else {
            return;
        };
        let due = self.now() + moments_domain::mail::retry_delay(1);
        match self
            .store
            .queue_job(name, at, payload, &e.to_string(), due)
            .await
        {
            Ok(_) => {
                tracing::warn!(error = %e, job = name, "job not scheduled; queued for a retry")
            }
            Err(store) => tracing::error!(
                error = %e, store = %store, job = name,
                "job not scheduled and could not be queued"
            ),
        }
    }

    /// Create (or replace) the reminder job `job` (its payload is the job
    /// itself), as `schedule` does.
    pub async fn schedule_job(&self, job: &moments_domain::reminders::Job, at: Timestamp) {
        match serde_json::to_value(job) {
            Ok(payload) => self.schedule(&job.name(), at, &payload).await,
            Err(e) => tracing::error!(error = %e, "job payload"),
        }
    }

    /// Create (or replace) a one-time job now; the caller decides what a
    /// failure means.
    pub async fn try_schedule(
        &self,
        name: &str,
        at: Timestamp,
        payload: &serde_json::Value,
    ) -> Result<(), SchedulerError> {
        match &self.scheduler {
            Some(s) => s.schedule(name, at, payload).await,
            None => Err(SchedulerError::Refused(
                "this function has no scheduler configured".into(),
            )),
        }
    }

    /// Cancel a one-time job that is no longer needed (absent is fine).
    pub async fn cancel(&self, name: &str) {
        let result = match &self.scheduler {
            Some(s) => s.cancel(name).await,
            None => Err(SchedulerError::Refused(
                "this function has no scheduler configured".into(),
            )),
        };
        if let Err(e) = result {
            tracing::error!(error = %e, job = name, "job not cancelled");
        }
    }

    pub fn with_clock(mut self, clock: Clock) -> Deps {
        self.clock = clock;
        self
    }

    pub fn now(&self) -> Timestamp {
        self.clock.now()
    }

    /// Send a message now; the caller decides what a failure means.
    pub async fn send(&self, message: &Message) -> Result<(), MailError> {
        match &self.mailer {
            Some(mailer) => mailer.send(message).await,
            None => Err(MailError::Unavailable(
                "this function has no email client".into(),
            )),
        }
    }

    /// Send a message after a change has been committed. One that fails is
    /// queued and sent later by the mail retry job (the reminders function,
    /// every 15 minutes), never dropped; it is logged with its recipient and
    /// subject, not the body.
    pub async fn notify(&self, message: Message) {
        let Err(e) = self.send(&message).await else {
            return;
        };
        let now = self.now();
        let due = now + moments_domain::mail::retry_delay(1);
        match self
            .store
            .queue_mail(&message, &e.to_string(), now, due)
            .await
        {
            Ok(q) => tracing::warn!(
                error = %e, to = %message.to, subject = %message.subject, queued = %q.id,
                "email not sent; queued for a retry"
            ),
            Err(store) => tracing::error!(
                error = %e, store = %store, to = %message.to, subject = %message.subject,
                "email not sent and could not be queued"
            ),
        }
    }
}

/// Program administrators are kept in the table. The deploy parameter
/// (`MOMENTS_PROGRAM_ADMINS`) only seeds the first roster, the first time
/// a program administrator opens the roster; until then it is read as the
/// roster, so a new installation works before anyone has.
impl Deps {
    /// Whether this person is a program administrator now: one read of the
    /// table (and, for an address of the deploy parameter, one more per
    /// warm function until the roster is seeded).
    pub async fn is_program_admin(&self, email: &EmailAddress) -> Result<bool, StoreError> {
        if self.store.is_program_admin(email).await? {
            return Ok(true);
        }
        Ok(self.config.program_admins.contains(email)
            && !self.store.program_admins_seeded().await?)
    }

    /// Seed the roster from the deploy parameter if this table never had
    /// one; every change to the roster starts from here.
    pub async fn seed_program_admins(&self) -> Result<(), StoreError> {
        self.store
            .seed_program_admins(&self.config.program_admins, self.now())
            .await
            .map(drop)
    }

    /// The roster, for managing it: seeded first if need be.
    pub async fn program_admin_roster(&self) -> Result<Vec<ProgramAdmin>, StoreError> {
        self.seed_program_admins().await?;
        self.store.program_admins().await
    }

    /// Every program administrator's address, to write to them; writes
    /// nothing (the deploy parameter's, until the roster is seeded).
    pub async fn program_admin_addresses(&self) -> Result<Vec<EmailAddress>, StoreError> {
        if self.store.program_admins_seeded().await? {
            Ok(self
                .store
                .program_admins()
                .await?
                .into_iter()
                .map(|a| a.email)
                .collect())
        } else {
            Ok(self.config.program_admins.clone())
        }
    }
}

tokio::task_local! {
    /// The function at work, where one process runs several (the local
    /// platform): a request to a function's routes, or a scheduled run.
    static FUNCTION: &'static str;
}

/// Run `work` as the function `name` (its binary, e.g. `moments-surveys`).
/// In a Lambda there is only one function and nothing needs saying.
pub async fn as_function<F: std::future::Future>(name: &'static str, work: F) -> F::Output {
    FUNCTION.scope(name, work).await
}

/// The function at work, when the process said which (`as_function`).
pub fn current_function() -> Option<&'static str> {
    FUNCTION.try_with(|name| *name).ok()
}
