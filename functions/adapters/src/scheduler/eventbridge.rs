//! EventBridge Scheduler: each job is a one-time `at(...)` schedule in the
//! program's schedule group, targeting the reminders function, with a retry
//! policy and a dead-letter queue, deleted by the service once it has run.

use async_trait::async_trait;
use aws_sdk_scheduler::Client;
use aws_sdk_scheduler::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_scheduler::types::{
    ActionAfterCompletion, DeadLetterConfig, FlexibleTimeWindow, FlexibleTimeWindowMode,
    RetryPolicy, Target,
};
use jiff::Timestamp;
use serde_json::Value;

use super::{Scheduler, SchedulerError, check_name};

/// Where jobs go, from the deployment (see template.yaml).
#[derive(Debug, Clone)]
pub struct JobTarget {
    pub group: String,
    /// The reminders function's ARN.
    pub function_arn: String,
    /// The role EventBridge Scheduler assumes to invoke it.
    pub role_arn: String,
    /// Where jobs that still fail after the retries go.
    pub dead_letter_arn: String,
}

pub struct EventBridgeScheduler {
    client: Client,
    target: JobTarget,
}

impl EventBridgeScheduler {
    pub fn new(client: Client, target: JobTarget) -> Self {
        EventBridgeScheduler { client, target }
    }
}

/// How often EventBridge retries a failed invocation before the dead-letter queue.
const RETRIES: i32 = 5;

fn classify<E: ProvideErrorMetadata, R>(e: SdkError<E, R>) -> SchedulerError {
    match &e {
        SdkError::TimeoutError(_) | SdkError::DispatchFailure(_) | SdkError::ResponseError(_) => {
            SchedulerError::Unavailable(e.to_string())
        }
        SdkError::ServiceError(s) => {
            let code = s.err().code().unwrap_or("Unknown").to_string();
            let message = s.err().message().unwrap_or_default().to_string();
            if matches!(
                code.as_str(),
                "ThrottlingException" | "InternalServerException" | "ServiceQuotaExceededException"
            ) {
                SchedulerError::Unavailable(format!("{code}: {message}"))
            } else {
                SchedulerError::Refused(format!("{code}: {message}"))
            }
        }
        _ => SchedulerError::Refused(e.to_string()),
    }
}

fn build<T, E: std::fmt::Display>(r: Result<T, E>) -> Result<T, SchedulerError> {
    r.map_err(|e| SchedulerError::Refused(e.to_string()))
}

#[async_trait]
impl Scheduler for EventBridgeScheduler {
    async fn schedule(
        &self,
        name: &str,
        at: Timestamp,
        payload: &Value,
    ) -> Result<(), SchedulerError> {
        check_name(name)?;
        // `at()` takes a local date-time without offset, read in the given zone.
        let when = jiff::tz::TimeZone::UTC
            .to_datetime(at)
            .strftime("%Y-%m-%dT%H:%M:%S")
            .to_string();
        let target = build(
            Target::builder()
                .arn(&self.target.function_arn)
                .role_arn(&self.target.role_arn)
                .input(payload.to_string())
                .retry_policy(
                    RetryPolicy::builder()
                        .maximum_retry_attempts(RETRIES)
                        .build(),
                )
                .dead_letter_config(
                    DeadLetterConfig::builder()
                        .arn(&self.target.dead_letter_arn)
                        .build(),
                )
                .build(),
        )?;
        let window = build(
            FlexibleTimeWindow::builder()
                .mode(FlexibleTimeWindowMode::Off)
                .build(),
        )?;
        // Replace an earlier job of the same name, so scheduling is idempotent.
        self.cancel(name).await?;
        self.client
            .create_schedule()
            .name(name)
            .group_name(&self.target.group)
            .schedule_expression(format!("at({when})"))
            .schedule_expression_timezone("UTC")
            .flexible_time_window(window)
            .target(target)
            .action_after_completion(ActionAfterCompletion::Delete)
            .send()
            .await
            .map_err(classify)?;
        Ok(())
    }

    async fn cancel(&self, name: &str) -> Result<(), SchedulerError> {
        check_name(name)?;
        match self
            .client
            .delete_schedule()
            .name(name)
            .group_name(&self.target.group)
            .send()
            .await
        {
            Ok(_) => Ok(()),
            Err(SdkError::ServiceError(s))
                if s.err().code() == Some("ResourceNotFoundException") =>
            {
                Ok(())
            }
            Err(e) => Err(classify(e)),
        }
    }
}
