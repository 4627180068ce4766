//! Start-up of a function in AWS: logging, config from the environment, and
//! the SDK clients, built once per execution environment, never per request.

use std::sync::Arc;

use crate::config::{AwsConfig, ConfigError, ProgramConfig};
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

/// Everything an HTTP function needs, on DynamoDB and SES.
pub async fn deps_from_env() -> Result<Deps, ConfigError> {
    let sdk = crate::aws::lambda_config().await?;
    deps_on(&sdk)
}

/// The same, plus EventBridge Scheduler for functions that create reminder jobs.
pub async fn deps_with_scheduler_from_env() -> Result<Deps, ConfigError> {
    let sdk = crate::aws::lambda_config().await?;
    let target = crate::config::job_target_from_env()?;
    let scheduler = EventBridgeScheduler::new(aws_sdk_scheduler::Client::new(&sdk), target);
    Ok(deps_on(&sdk)?.with_scheduler(Arc::new(scheduler)))
}

fn deps_on(sdk: &aws_config::SdkConfig) -> Result<Deps, ConfigError> {
    let program = ProgramConfig::from_env()?;
    let aws = AwsConfig::from_env()?;
    let sdk = sdk.clone();
    let table = DynamoTable::new(aws_sdk_dynamodb::Client::new(&sdk), aws.table_name);
    let mailer = SesMailer::new(
        aws_sdk_sesv2::Client::new(&sdk),
        aws.mail_from,
        aws.ses_configuration_set,
    );
    Ok(Deps::new(
        Store::new(Arc::new(table)),
        Arc::new(mailer),
        program,
    ))
}
