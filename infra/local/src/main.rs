//! `cargo run -p moments-local`: the whole platform on one port, no AWS.
//! `cargo run -p moments-local -- --render-to DIR`: only the site, written
//! into DIR as the platform serves it, to compare with `zola build`.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use moments_local::site::Site;
use moments_local::{LocalConfig, build};

const USAGE: &str = "usage: moments-local [--render-to DIR]
  (no argument)     serve the site and the API on 127.0.0.1 ($PORT, default 8080)
  --render-to DIR   write the site as it is served into DIR (missing or empty) and exit";

enum Command {
    Serve,
    RenderTo(PathBuf),
    Help,
}

fn parse(mut args: impl Iterator<Item = OsString>) -> Result<Command, String> {
    let command = match args.next() {
        None => return Ok(Command::Serve),
        Some(flag) if flag == "--render-to" => match args.next() {
            Some(dir) => Command::RenderTo(PathBuf::from(dir)),
            None => return Err("--render-to needs a directory".into()),
        },
        Some(flag) if flag == "--help" || flag == "-h" => Command::Help,
        Some(other) => return Err(format!("unknown argument {}", other.to_string_lossy())),
    };
    match args.next() {
        None => Ok(command),
        Some(extra) => Err(format!("unexpected argument {}", extra.to_string_lossy())),
    }
}

fn main() -> ExitCode {
    match parse(std::env::args_os().skip(1)) {
        Ok(Command::Serve) => serve(),
        Ok(Command::RenderTo(dir)) => render_to(&dir),
        Ok(Command::Help) => {
            println!("{USAGE}");
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("{message}\n{USAGE}");
            ExitCode::from(2)
        }
    }
}

/// Renders without the store, the runtime or the data directory: only what
/// the platform would serve under `/`.
fn render_to(dir: &Path) -> ExitCode {
    let written = Site::render(&moments_local::site_dir()).and_then(|site| {
        site.write_to(dir)?;
        Ok(site.paths().count())
    });
    match written {
        Ok(count) => {
            println!("wrote {count} files of the site to {}", dir.display());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("cannot render the site: {e}");
            ExitCode::FAILURE
        }
    }
}

#[tokio::main]
async fn serve() -> ExitCode {
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
    let config = match LocalConfig::from_env(base_url.clone()) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("cannot start the local platform: {e}");
            return ExitCode::FAILURE;
        }
    };
    let platform = match build(&config).await {
        Ok(p) => p,
        Err(e) => {
            eprintln!("cannot start the local platform: {e}");
            return ExitCode::FAILURE;
        }
    };
    platform.jobs.clone().run_watched_jobs_when_due();
    print_welcome(&config, &base_url);
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

fn print_welcome(config: &LocalConfig, base_url: &str) {
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
    if let Some(oidc) = &config.oidc {
        println!(
            "  sign-in also through the identity provider at {}{}",
            oidc.issuer,
            if config.admins_use_provider {
                " (administrators must use it)"
            } else {
                ""
            }
        );
    }
    if config.demo {
        println!(
            "  demo data loaded: supervisor {}, department administrator {}",
            moments_local::demo::SUPERVISOR,
            moments_local::demo::DEPARTMENT_ADMIN
        );
    }
    println!("Press Ctrl-C to stop.");
}
