//! The whole platform in one process: every function's Router, the built
//! site, the embedded store and the outbox, on one port.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, LazyLock, Mutex};

use axum::Router;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderValue, Method, StatusCode, Uri, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;
use moments_adapters::config::{ConfigError, ProgramConfig, admins_use_provider_from_env};
use moments_adapters::deps::{Clock, Deps};
use moments_adapters::http::{ApiError, app};
use moments_adapters::mail::Mailer;
use moments_adapters::mail::outbox::Outbox;
use moments_adapters::oidc::{Oidc, OidcSettings};
use moments_adapters::scheduler::Scheduler;
use moments_adapters::scheduler::local::LocalScheduler;
use moments_adapters::store::Store;
use moments_adapters::table::Table;
use moments_adapters::table::embedded::EmbeddedTable;

use crate::jobs_page::{self, Jobs};
use crate::site::Site;
use crate::{demo, outbox_page};

#[derive(Debug, thiserror::Error)]
pub enum LocalError {
    #[error("data directory {0}: {1}")]
    DataDir(PathBuf, std::io::Error),
    #[error("store: {0}")]
    Store(#[from] moments_adapters::table::TableError),
    #[error("site: {0}")]
    Site(#[from] crate::site::SiteError),
    #[error("configuration: {0}")]
    Config(#[from] moments_adapters::config::ConfigError),
    #[error("demo data: {0}")]
    Demo(#[from] demo::DemoError),
}

/// How to run the local platform.
#[derive(Debug, Clone)]
pub struct LocalConfig {
    /// Where the embedded store keeps its file.
    pub data_dir: PathBuf,
    /// The Zola site's directory.
    pub site_dir: PathBuf,
    /// The address people open, e.g. `http://127.0.0.1:8080`.
    pub base_url: String,
    /// Comma-separated email domains of the program.
    pub domains: String,
    /// Comma-separated first program administrators.
    pub program_admins: String,
    /// Seed demo data at start.
    pub demo: bool,
    /// Sign-in through an OpenID Connect provider beside the emailed link
    /// (`MOMENTS_OIDC_ISSUER`, `_CLIENT_ID`, `_CLIENT_SECRET`, `_LABEL`);
    /// the test command runs one on loopback.
    pub oidc: Option<OidcSettings>,
    /// Administrators administer only from sessions started with it
    /// (`MOMENTS_ADMINS_USE_PROVIDER=true`).
    pub admins_use_provider: bool,
}

impl LocalConfig {
    /// The settings a newcomer gets, overridable from the environment
    /// (`MOMENTS_DATA_DIR`, `MOMENTS_EMAIL_DOMAINS`, `MOMENTS_PROGRAM_ADMINS`,
    /// `MOMENTS_DEMO`, and the `MOMENTS_OIDC_*` settings).
    pub fn from_env(base_url: String) -> Result<LocalConfig, ConfigError> {
        let env =
            |name: &str, default: &str| std::env::var(name).unwrap_or_else(|_| default.to_string());
        let root = workspace_root();
        Ok(LocalConfig {
            data_dir: std::env::var_os("MOMENTS_DATA_DIR")
                .map(PathBuf::from)
                .unwrap_or_else(|| root.join(".moments")),
            site_dir: site_dir(),
            base_url,
            domains: env("MOMENTS_EMAIL_DOMAINS", "mo.gov"),
            program_admins: env("MOMENTS_PROGRAM_ADMINS", "admin@mo.gov"),
            demo: matches!(env("MOMENTS_DEMO", "").as_str(), "1" | "true" | "yes"),
            oidc: OidcSettings::from_env()?,
            admins_use_provider: admins_use_provider_from_env()?,
        })
    }
}

/// The repository root, found from this crate's location at build time.
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .nth(2)
        .map(Path::to_path_buf)
        .unwrap_or_default()
}

/// The Zola site the platform serves: `site/` in the repository.
pub fn site_dir() -> PathBuf {
    workspace_root().join("site")
}

/// The running platform's parts, for the binary and for tests.
pub struct Platform {
    pub router: Router,
    pub store: Store,
    pub outbox: Arc<Outbox>,
    pub deps: Deps,
    /// The timed jobs waiting in the local scheduler.
    pub jobs: Jobs,
}

pub async fn build(config: &LocalConfig) -> Result<Platform, LocalError> {
    build_with_clock(config, Clock::System).await
}

pub async fn build_with_clock(config: &LocalConfig, clock: Clock) -> Result<Platform, LocalError> {
    std::fs::create_dir_all(&config.data_dir)
        .map_err(|e| LocalError::DataDir(config.data_dir.clone(), e))?;
    let table: Arc<dyn Table> =
        Arc::new(EmbeddedTable::open(&config.data_dir.join("moments.redb"))?);
    build_on(config, clock, table).await
}

/// The platform on a given table: the embedded one normally, or DynamoDB
/// (in moto) when tests run the same scenarios against it.
pub async fn build_on(
    config: &LocalConfig,
    clock: Clock,
    table: Arc<dyn Table>,
) -> Result<Platform, LocalError> {
    build_with(config, clock, table, None).await
}

/// Mail and timed jobs through other adapters than the outbox and the local
/// scheduler: tests run scenarios through SES and EventBridge Scheduler (in
/// moto) this way. The outbox and jobs pages then show nothing.
pub struct Adapters {
    pub mailer: Arc<dyn Mailer>,
    pub scheduler: Arc<dyn Scheduler>,
}

/// The site in `dir`, rendered once per process. The local platform builds
/// one platform, but the tests build hundreds on the same site, and a
/// render takes a few hundred milliseconds in a debug build; the rendered
/// pages never change once made.
fn rendered(dir: &Path) -> Result<Arc<Site>, LocalError> {
    static RENDERED: LazyLock<Mutex<HashMap<PathBuf, Arc<Site>>>> = LazyLock::new(Default::default);
    let mut sites = RENDERED
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Some(site) = sites.get(dir) {
        return Ok(site.clone());
    }
    let site = Arc::new(Site::render(dir)?);
    sites.insert(dir.to_path_buf(), site.clone());
    Ok(site)
}

pub async fn build_with(
    config: &LocalConfig,
    clock: Clock,
    table: Arc<dyn Table>,
    adapters: Option<Adapters>,
) -> Result<Platform, LocalError> {
    std::fs::create_dir_all(&config.data_dir)
        .map_err(|e| LocalError::DataDir(config.data_dir.clone(), e))?;
    let store = Store::new(table.clone());
    let outbox = Arc::new(Outbox::new(table.clone()));
    let program = ProgramConfig::new(&config.base_url, &config.domains, &config.program_admins)?
        .with_admins_using_provider(config.admins_use_provider, config.oidc.is_some())?;
    if config.demo {
        demo::seed(&store, &program, clock.now()).await?;
    }
    let scheduler = Arc::new(LocalScheduler::new(table.clone()));
    let (mailer, jobs_scheduler): (Arc<dyn Mailer>, Arc<dyn Scheduler>) = match adapters {
        Some(a) => (a.mailer, a.scheduler),
        None => (outbox.clone(), scheduler.clone()),
    };
    let mut deps = Deps::new(store.clone(), mailer, program)
        .with_clock(clock)
        .with_scheduler(jobs_scheduler);
    if let Some(settings) = &config.oidc {
        let oidc = Oidc::new(settings.clone(), &config.base_url, None)?;
        deps = deps.with_oidc(Arc::new(oidc));
    }
    let jobs = Jobs {
        scheduler,
        deps: deps.clone(),
    };
    let site = rendered(&config.site_dir)?;

    let api = moments_api::routes();
    let local = Router::new()
        .route("/_local/outbox", get(outbox_html))
        .route("/_local/outbox.json", get(outbox_json))
        .with_state(outbox.clone());
    let router = app(api, deps.clone())
        .merge(local)
        .merge(jobs_page::router(jobs.clone()))
        .route(
            "/api/{*rest}",
            axum::routing::any(|| async { ApiError::NotFound("API route") }),
        )
        .fallback(move |method: Method, uri: Uri| serve_site(site.clone(), method, uri));
    Ok(Platform {
        router,
        store,
        outbox,
        deps,
        jobs,
    })
}

async fn outbox_html(State(outbox): State<Arc<Outbox>>) -> Response {
    match outbox.list(200).await {
        Ok(messages) => match outbox_page::render(&messages) {
            Ok(page) => Html(page).into_response(),
            Err(e) => ApiError::Internal(Box::new(e)).into_response(),
        },
        Err(e) => ApiError::Internal(Box::new(e)).into_response(),
    }
}

async fn outbox_json(State(outbox): State<Arc<Outbox>>) -> Response {
    match outbox.list(500).await {
        Ok(messages) => axum::Json(messages).into_response(),
        Err(e) => ApiError::Internal(Box::new(e)).into_response(),
    }
}

/// Serve the built site like CloudFront in front of the site bucket:
/// `/x/` → `/x/index.html`, `/x` → redirect to `/x/` when that is a page.
async fn serve_site(site: Arc<Site>, method: Method, uri: Uri) -> Response {
    if method != Method::GET && method != Method::HEAD {
        return StatusCode::METHOD_NOT_ALLOWED.into_response();
    }
    let path = uri.path();
    if let Some((content_type, bytes)) = site.get(path) {
        let is_page = !path.contains('.') || path.ends_with(".html");
        if is_page && !path.ends_with('/') && !path.ends_with(".html") {
            let query = uri.query().map(|q| format!("?{q}")).unwrap_or_default();
            return Redirect::permanent(&format!("{path}/{query}")).into_response();
        }
        let mut response = Response::new(Body::from(bytes.to_vec()));
        if let Ok(value) = HeaderValue::from_str(content_type) {
            response.headers_mut().insert(header::CONTENT_TYPE, value);
        }
        return response;
    }
    let not_found = site
        .get("/404.html")
        .map(|(_, b)| b.to_vec())
        .unwrap_or_else(|| b"Not found".to_vec());
    (
        StatusCode::NOT_FOUND,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        not_found,
    )
        .into_response()
}
