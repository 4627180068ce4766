//! The `matching` Lambda: invoked by the quarterly schedule; computes and
//! publishes the suggested matches. An error makes the scheduler retry.

use lambda_runtime::{Error, LambdaEvent, run, service_fn};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Error> {
    moments_adapters::lambda::init_tracing();
    let deps = moments_adapters::lambda::deps_from_env().await?;
    let deps = &deps;
    run(service_fn(
        move |_: LambdaEvent<serde_json::Value>| async move {
            let now = deps.now();
            let proposal = moments_usecases::matching::compute(deps, now).await?;
            let sent = moments_usecases::matching::publish(deps, &proposal, now).await?;
            Ok::<_, Error>(format!(
                "{} mentees, {} with suggestions, {sent} emailed",
                proposal.figures.mentees, proposal.figures.with_suggestions
            ))
        },
    ))
    .await
}
