//! The `reminders` Lambda: EventBridge Scheduler invokes it with a job as
//! the event; an error makes the scheduler retry, then dead-letter it.

use lambda_runtime::{Error, LambdaEvent, run, service_fn};
use moments_domain::reminders::Job;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Error> {
    moments_adapters::lambda::init_tracing();
    let deps = moments_adapters::lambda::deps_with_scheduler_from_env().await?;
    let deps = &deps;
    run(service_fn(move |event: LambdaEvent<Job>| async move {
        moments_reminders::run(deps, &event.payload)
            .await
            .map(|o| format!("{o:?}"))
            .map_err(Error::from)
    }))
    .await
}
