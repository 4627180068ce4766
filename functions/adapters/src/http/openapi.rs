//! The OpenAPI document of the HTTP API, generated from the code. Each
//! function registers its routes with their documentation (`api()`, an
//! `OpenApiRouter` filled by `routes!`), naming each operation's specific
//! answers; the answers' and bodies' types are the ones the handlers use.
//! This module completes what the functions give: the problems every
//! operation can answer, the session cookie, the document's title.
//!
//! `moments_api::document` puts every function's part together;
//! `docs/openapi.json` is that document, committed, checked by a test, and
//! served at `/api/openapi.json`. Schemathesis (run by the test command)
//! checks the running platform against it.

use utoipa::PartialSchema;
use utoipa::openapi::path::Operation;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, SecurityScheme};
use utoipa::openapi::{
    ContentBuilder, HeaderBuilder, OpenApi, Ref, RefOr, Response, ResponseBuilder,
};

use super::{Problem, SESSION_COOKIE};

/// The name of the session cookie's security scheme in the document.
pub const SESSION: &str = "session";

/// Complete an operation's answers: every error status it names gets the
/// problem body (and 429 its `Retry-After`), and it gets the problems every
/// operation can give: 401 when it needs a session; 400 when it has path or
/// query parameters (one repeated, or not UTF-8); 400, 403 (another origin)
/// and 413 when it can change something; 503 always.
fn complete(method: &str, op: &mut Operation) {
    let secured = op.security.as_ref().is_some_and(|s| !s.is_empty());
    let parameters = op.parameters.as_ref().is_some_and(|p| !p.is_empty());
    let responses = &mut op.responses.responses;
    for (status, response) in responses.iter_mut() {
        if let RefOr::T(response) = response
            && status.as_str() >= "400"
            && response.content.is_empty()
        {
            response.content.insert(
                "application/problem+json".into(),
                RefOr::T(
                    ContentBuilder::new()
                        .schema(Some(RefOr::Ref(Ref::from_schema_name("Problem"))))
                        .build(),
                ),
            );
            if status == "429" {
                response.headers.insert(
                    "Retry-After".into(),
                    RefOr::T(
                        HeaderBuilder::new()
                            .schema(Some(u64::schema()))
                            .description(Some("Seconds until the limit lets this through again."))
                            .build(),
                    ),
                );
            }
        }
    }
    let mut add = |code: &str| {
        responses
            .entry(code.to_string())
            .or_insert_with(|| RefOr::Ref(Ref::from_response_name("Problem")));
    };
    if secured {
        add("401");
    }
    if parameters {
        add("400");
    }
    if !matches!(method, "get" | "head" | "options") {
        add("400");
        add("403");
        add("413");
    }
    add("503");
}

fn problem_response() -> Response {
    ResponseBuilder::new()
        .description("A problem (RFC 9457); `type` says which.")
        .content(
            "application/problem+json",
            ContentBuilder::new()
                .schema(Some(RefOr::Ref(Ref::from_schema_name("Problem"))))
                .build(),
        )
        .build()
}

/// The whole document from the functions' operations.
pub fn document(parts: impl IntoIterator<Item = OpenApi>) -> OpenApi {
    let mut doc = OpenApi::new(
        utoipa::openapi::InfoBuilder::new()
            .title("MOments API")
            .version(env!("CARGO_PKG_VERSION"))
            .description(Some(
                "The HTTP API of MOments, the statewide employee mentoring program \
                 (docs/api.md explains it). Every change must come from the site's \
                 own origin (docs/security.md).",
            ))
            .build(),
        utoipa::openapi::Paths::new(),
    );
    for part in parts {
        doc.merge(part);
    }
    let components = doc.components.get_or_insert_with(Default::default);
    components.add_security_scheme(
        SESSION,
        SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
            SESSION_COOKIE,
            "The session cookie set by POST /api/auth/session: a random id the server \
             keeps by its hash (`moments_session` where the site is served over plain http).",
        ))),
    );
    components
        .schemas
        .insert("Problem".into(), Problem::schema());
    components
        .responses
        .insert("Problem".into(), RefOr::T(problem_response()));
    for item in doc.paths.paths.values_mut() {
        let operations = [
            ("get", &mut item.get),
            ("put", &mut item.put),
            ("post", &mut item.post),
            ("delete", &mut item.delete),
            ("patch", &mut item.patch),
        ];
        for (method, op) in operations {
            if let Some(op) = op {
                complete(method, op);
            }
        }
    }
    doc
}
