//! The `retention` Lambda: invoked by the weekly schedule; an error makes
//! the scheduler retry, then dead-letter the run.

use lambda_runtime::{Error, LambdaEvent, run, service_fn};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Error> {
    moments_adapters::lambda::init_tracing();
    let deps = moments_adapters::lambda::deps_without_mail_from_env().await?;
    let deps = &deps;
    run(service_fn(
        move |_: LambdaEvent<serde_json::Value>| async move {
            moments_retention::run(deps, deps.now())
                .await
                .map(|s| format!("{s:?}"))
                .map_err(Error::from)
        },
    ))
    .await
}
