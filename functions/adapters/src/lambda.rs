//! Start-up of a function in AWS: logging, config from the environment, and
//! the SDK clients, built once per execution environment, never per request.
//!
//! The DynamoDB client, which nearly every request uses first, is built
//! before the function asks for work. The SES and Scheduler clients are
//! used only after at least one DynamoDB call, so they are built at the same
//! time on a thread of their own (`BuiltAside`): a start no longer waits
//! for them, and the first request to need one finds it built (see
//! docs/deploy.md, "Cold start").

use std::sync::{Arc, LazyLock};

use async_trait::async_trait;
use aws_config::SdkConfig;
use jiff::Timestamp;
use moments_domain::mail::Message;
use serde_json::Value;

use crate::config::{ConfigError, MailConfig, ProgramConfig};
use crate::deps::Deps;
use crate::mail::ses::SesMailer;
use crate::mail::{MailError, Mailer};
use crate::scheduler::eventbridge::EventBridgeScheduler;
use crate::scheduler::{Scheduler, SchedulerError};
use crate::store::Store;
use crate::table::dynamo::DynamoTable;

/// JSON logs for CloudWatch, filtered by `RUST_LOG` (default `info`). Plain
/// targets and levels (`debug`, `info,moments_auth=debug`) rather than
/// EnvFilter, whose regular expressions would double the bootstrap's size.
pub fn init_tracing() {
    use tracing_subscriber::filter::Targets;
    use tracing_subscriber::prelude::*;
    let filter = std::env::var("RUST_LOG")
        .ok()
        .and_then(|v| v.parse::<Targets>().ok())
        .unwrap_or_else(|| Targets::new().with_default(tracing::Level::INFO));
    tracing_subscriber::registry()
        .with(
            tracing_subscriber::fmt::layer()
                .json()
                .with_current_span(false)
                .without_time(), // CloudWatch stamps each line
        )
        .with(filter)
        .init();
}

/// Everything a function that sends email needs: DynamoDB and SES.
pub async fn deps_from_env() -> Result<Deps, ConfigError> {
    let sdk = crate::aws::lambda_config()?;
    let mailer = ses_mailer(&sdk)?;
    build_aside(vec![mailer.build_job()]);
    deps(&sdk, Some(Arc::new(mailer)))
}

/// What the `auth` function needs: DynamoDB, SES, and the state's identity
/// provider when one is configured (its client secret read from Secrets
/// Manager at the first sign-in that needs it, not at start-up).
pub async fn auth_deps_from_env() -> Result<Deps, ConfigError> {
    let sdk = crate::aws::lambda_config()?;
    let deps = {
        let mailer = ses_mailer(&sdk)?;
        build_aside(vec![mailer.build_job()]);
        deps(&sdk, Some(Arc::new(mailer)))?
    };
    let Some(settings) = crate::oidc::OidcSettings::from_env()? else {
        return Ok(deps);
    };
    let secrets = matches!(
        settings.secret,
        crate::oidc::ClientSecretSource::SecretsManager(_)
    )
    .then(|| aws_sdk_secretsmanager::Client::new(&sdk));
    let oidc = crate::oidc::Oidc::new(settings, &deps.config.base_url, secrets)?;
    Ok(deps.with_oidc(Arc::new(oidc)))
}

/// The same, plus EventBridge Scheduler, for functions that create or
/// cancel reminder jobs.
pub async fn deps_with_scheduler_from_env() -> Result<Deps, ConfigError> {
    let sdk = crate::aws::lambda_config()?;
    let mailer = ses_mailer(&sdk)?;
    let target = crate::config::job_target_from_env()?;
    let scheduler = BuiltAside::new({
        let sdk = sdk.clone();
        move || EventBridgeScheduler::new(aws_sdk_scheduler::Client::new(&sdk), target)
    });
    build_aside(vec![mailer.build_job(), scheduler.build_job()]);
    let rate = MailConfig::from_env()?.per_second;
    Ok(deps(&sdk, Some(Arc::new(mailer)))?
        .with_scheduler(Arc::new(scheduler))
        .with_mail_rate(rate))
}

/// DynamoDB and EventBridge Scheduler, for a function that sends no email
/// itself but leaves it to a reminder job (the `decisions` function: the
/// applicant's email waits until the decision can no longer be undone).
pub async fn deps_with_scheduler_without_mail_from_env() -> Result<Deps, ConfigError> {
    let sdk = crate::aws::lambda_config()?;
    let target = crate::config::job_target_from_env()?;
    let scheduler = BuiltAside::new({
        let sdk = sdk.clone();
        move || EventBridgeScheduler::new(aws_sdk_scheduler::Client::new(&sdk), target)
    });
    build_aside(vec![scheduler.build_job()]);
    Ok(deps(&sdk, None)?.with_scheduler(Arc::new(scheduler)))
}

/// DynamoDB only, for functions that send no email: the function holds no
/// email client it may not use, and starts no thread to build one.
pub async fn deps_without_mail_from_env() -> Result<Deps, ConfigError> {
    let sdk = crate::aws::lambda_config()?;
    deps(&sdk, None)
}

fn ses_mailer(sdk: &SdkConfig) -> Result<BuiltAside<SesMailer>, ConfigError> {
    let mail = MailConfig::from_env()?;
    let sdk = sdk.clone();
    Ok(BuiltAside::new(move || {
        SesMailer::new(
            aws_sdk_sesv2::Client::new(&sdk),
            mail.mail_from,
            mail.ses_configuration_set,
        )
    }))
}

fn deps(sdk: &SdkConfig, mailer: Option<Arc<dyn Mailer>>) -> Result<Deps, ConfigError> {
    let table = DynamoTable::new(
        aws_sdk_dynamodb::Client::new(sdk),
        crate::config::table_name_from_env()?,
    );
    let store = Store::new(Arc::new(table));
    let config = ProgramConfig::from_env()?;
    Ok(match mailer {
        Some(mailer) => Deps::new(store, mailer, config),
        None => Deps::without_mail(store, config),
    })
}

/// How an adapter is built once, by whichever comes first: the start-up
/// thread (`build_aside`) or its first use, which otherwise waits for that
/// thread to finish it (a fraction of a millisecond, at most once).
type Once<T> = Arc<LazyLock<T, Box<dyn FnOnce() -> T + Send>>>;

/// An adapter whose AWS client is built beside the start-up.
struct BuiltAside<T>(Once<T>);

impl<T: Send + Sync + 'static> BuiltAside<T> {
    fn new(build: impl FnOnce() -> T + Send + 'static) -> Self {
        BuiltAside(Arc::new(LazyLock::new(Box::new(build))))
    }

    fn build_job(&self) -> Box<dyn FnOnce() + Send> {
        let once = Arc::clone(&self.0);
        Box::new(move || {
            LazyLock::force(&once);
        })
    }
}

/// Runs the jobs on one thread while the start-up goes on. Should the thread
/// not start, each adapter is simply built at its first use.
fn build_aside(jobs: Vec<Box<dyn FnOnce() + Send>>) {
    let started = std::thread::Builder::new()
        .name("aws-clients".into())
        .spawn(move || jobs.into_iter().for_each(|job| job()));
    if let Err(e) = started {
        tracing::warn!(error = %e, "AWS clients will be built at their first use");
    }
}

#[async_trait]
impl<M: Mailer> Mailer for BuiltAside<M> {
    async fn send(&self, message: &Message) -> Result<(), MailError> {
        self.0.send(message).await
    }
}

#[async_trait]
impl<S: Scheduler> Scheduler for BuiltAside<S> {
    async fn schedule(
        &self,
        name: &str,
        at: Timestamp,
        payload: &Value,
    ) -> Result<(), SchedulerError> {
        self.0.schedule(name, at, payload).await
    }

    async fn cancel(&self, name: &str) -> Result<(), SchedulerError> {
        self.0.cancel(name).await
    }
}
