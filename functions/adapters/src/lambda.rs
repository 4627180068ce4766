//! Start-up of a function in AWS: logging, config from the environment, and
//! the SDK clients, built once per execution environment, never per request.

use std::sync::Arc;

use aws_config::SdkConfig;

use crate::config::{ConfigError, MailConfig, ProgramConfig};
use crate::http::Deps;
use crate::mail::ses::SesMailer;
use crate::scheduler::eventbridge::EventBridgeScheduler;
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
    with_mail(&sdk)
}

/// The same, plus EventBridge Scheduler, for functions that create or
/// cancel reminder jobs.
pub async fn deps_with_scheduler_from_env() -> Result<Deps, ConfigError> {
    let sdk = crate::aws::lambda_config()?;
    let target = crate::config::job_target_from_env()?;
    let scheduler = EventBridgeScheduler::new(aws_sdk_scheduler::Client::new(&sdk), target);
    Ok(with_mail(&sdk)?.with_scheduler(Arc::new(scheduler)))
}

/// DynamoDB only, for functions that send no email: each start builds one
/// SDK client fewer (about a fifth of a millisecond each, see
/// docs/deploy.md), and the function holds no email client it may not use.
pub async fn deps_without_mail_from_env() -> Result<Deps, ConfigError> {
    let sdk = crate::aws::lambda_config()?;
    Ok(Deps::without_mail(
        store_on(&sdk)?,
        ProgramConfig::from_env()?,
    ))
}

fn with_mail(sdk: &SdkConfig) -> Result<Deps, ConfigError> {
    let mail = MailConfig::from_env()?;
    let mailer = SesMailer::new(
        aws_sdk_sesv2::Client::new(sdk),
        mail.mail_from,
        mail.ses_configuration_set,
    );
    Ok(Deps::new(
        store_on(sdk)?,
        Arc::new(mailer),
        ProgramConfig::from_env()?,
    ))
}

fn store_on(sdk: &SdkConfig) -> Result<Store, ConfigError> {
    let table = DynamoTable::new(
        aws_sdk_dynamodb::Client::new(sdk),
        crate::config::table_name_from_env()?,
    );
    Ok(Store::new(Arc::new(table)))
}
