//! The `matching` Lambda: invoked every morning by its schedule; on a match
//! group's suggested-matches day it computes and publishes the group's
//! suggestions (once: not if an administrator published them already). An
//! error makes the scheduler retry.

use lambda_runtime::{Error, LambdaEvent, run, service_fn};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Error> {
    moments_adapters::lambda::init_tracing();
    let deps = moments_adapters::lambda::deps_from_env().await?;
    let deps = &deps;
    run(service_fn(
        move |_: LambdaEvent<serde_json::Value>| async move {
            let outcome = moments_usecases::matching::scheduled(deps, deps.now()).await?;
            Ok::<_, Error>(format!("{outcome:?}"))
        },
    ))
    .await
}
