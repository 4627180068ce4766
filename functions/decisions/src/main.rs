//! The `decisions` Lambda: config and clients built once, then the Router serves
//! API Gateway events.

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), lambda_http::Error> {
    moments_adapters::lambda::init_tracing();
    let deps = moments_adapters::lambda::deps_with_scheduler_without_mail_from_env().await?;
    lambda_http::run(moments_adapters::http::app(
        moments_decisions::router(),
        deps,
    ))
    .await
}
