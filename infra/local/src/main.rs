//! `cargo run -p moments-local`: the whole platform on one port, no AWS.

use std::process::ExitCode;

use moments_local::{LocalConfig, build};

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .init();
    let port: u16 = match std::env::var("PORT").map(|p| p.parse()) {
        Err(_) => 8080,
        Ok(Ok(port)) => port,
        Ok(Err(_)) => {
            eprintln!("PORT must be a port number (e.g. 8080)");
            return ExitCode::FAILURE;
        }
    };
    // Loopback only: this is a development stand-in with demo sign-ins.
    let listener = match tokio::net::TcpListener::bind(("127.0.0.1", port)).await {
        Ok(l) => l,
        Err(e) => {
            eprintln!("cannot listen on 127.0.0.1:{port}: {e} (set PORT to use another port)");
            return ExitCode::FAILURE;
        }
    };
    let port = listener.local_addr().map(|a| a.port()).unwrap_or(port);
    let base_url = format!("http://127.0.0.1:{port}");
    let config = LocalConfig::from_env(base_url.clone());
    let platform = match build(&config).await {
        Ok(p) => p,
        Err(e) => {
            eprintln!("cannot start the local platform: {e}");
            return ExitCode::FAILURE;
        }
    };
    println!("MOments is running at {base_url}/");
    println!("  sent emails (the outbox): {base_url}/_local/outbox");
    println!("  timed jobs (reminders; run them now): {base_url}/_local/jobs");
    println!(
        "  data: {}  (delete it to start afresh)",
        config.data_dir.display()
    );
    println!(
        "  sign-in domains: {}; program administrators: {}",
        config.domains, config.program_admins
    );
    if config.demo {
        println!(
            "  demo data loaded: supervisor {}, department administrator {}",
            moments_local::demo::SUPERVISOR,
            moments_local::demo::DEPARTMENT_ADMIN
        );
    }
    println!("Press Ctrl-C to stop.");
    let shutdown = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    // The peer's address is the source that sign-in limits count by.
    let service = platform
        .router
        .into_make_service_with_connect_info::<std::net::SocketAddr>();
    match axum::serve(listener, service)
        .with_graceful_shutdown(shutdown)
        .await
    {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("server stopped: {e}");
            ExitCode::FAILURE
        }
    }
}
