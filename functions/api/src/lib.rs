//! The HTTP API as a whole. [`HTTP_FUNCTIONS`] is the one list of the
//! Lambda functions behind `/api/`: the local platform mounts their routes
//! from it, the deployment check matches it against template.yaml, and the
//! OpenAPI document is made from it. Adding a function: a crate with an
//! `api()` (see docs/deploy.md, "Adding a function"), and one line here.

use moments_adapters::deps::{Deps, as_function};
use moments_adapters::http::openapi;
use utoipa::openapi::OpenApi;
use utoipa_axum::router::OpenApiRouter;

/// An HTTP function: its binary (the package name, as template.yaml names
/// it), its routes with their documentation, and the same routes as its
/// Lambda serves them (both made by its `moments_adapters::http_api!`).
pub struct HttpFunction {
    pub name: &'static str,
    pub api: fn() -> OpenApiRouter<Deps>,
    pub router: fn() -> axum::Router<Deps>,
}

pub const HTTP_FUNCTIONS: &[HttpFunction] = &[
    HttpFunction {
        name: "moments-auth",
        api: moments_auth::api,
        router: moments_auth::router,
    },
    HttpFunction {
        name: "moments-applications",
        api: moments_applications::api,
        router: moments_applications::router,
    },
    HttpFunction {
        name: "moments-decisions",
        api: moments_decisions::api,
        router: moments_decisions::router,
    },
    HttpFunction {
        name: "moments-mentorships",
        api: moments_mentorships::api,
        router: moments_mentorships::router,
    },
    HttpFunction {
        name: "moments-surveys",
        api: moments_surveys::api,
        router: moments_surveys::router,
    },
    HttpFunction {
        name: "moments-reports",
        api: moments_reports::api,
        router: moments_reports::router,
    },
];

/// Every function's routes on one router, as their Lambdas serve them: the
/// local platform mounts this. Each request is handled as its function
/// (`moments_adapters::deps::as_function`), so what one process does can be
/// told apart by function, as the Lambdas are.
pub fn routes() -> axum::Router<Deps> {
    HTTP_FUNCTIONS.iter().fold(axum::Router::new(), |all, f| {
        let name = f.name;
        all.merge((f.router)().layer(axum::middleware::from_fn(
            move |request: axum::extract::Request, next: axum::middleware::Next| {
                as_function(name, next.run(request))
            },
        )))
    })
}

/// The OpenAPI document of the whole API.
pub fn document() -> OpenApi {
    openapi::document(HTTP_FUNCTIONS.iter().map(|f| (f.api)().into_openapi()))
}

/// The document as `docs/openapi.json` holds it: pretty-printed, with a
/// final newline.
pub fn document_json() -> String {
    let mut json = serde_json::to_string_pretty(&document())
        .unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    json.push('\n');
    json
}
