//! A function's routes, declared once with `http_api!`, in two forms: with
//! their documentation for the OpenAPI document (`api()`), and as a plain
//! Router for the Lambda (`router()`). Building the documentation takes
//! 0.1 to 0.9 ms of a cold start (measured with `infra/coldstart.sh`), so
//! no Lambda builds it: the document is made by `moments_api` at test time
//! and served from `docs/openapi.json`.

/// The routes of an HTTP function, each group the handlers of one path,
/// every handler annotated with `#[utoipa::path]`:
///
/// ```ignore
/// moments_adapters::http_api! {
///     mine, submit;          // GET and POST /api/applications
///     read, edit;            // GET and PUT /api/applications/{id}
///     search::profile;
/// }
/// ```
///
/// makes `pub fn api() -> OpenApiRouter<Deps>` (utoipa-axum's `routes!`,
/// documentation included) and `pub fn router() -> Router<Deps>`, the same
/// routes by each handler's declared path and methods only.
#[macro_export]
macro_rules! http_api {
    ($( $( $($seg:ident)::+ ),+ );+ $(;)?) => {
        /// The routes of this function with their documentation: its part
        /// of the OpenAPI document.
        pub fn api() -> $crate::http::api::OpenApiRouter<$crate::deps::Deps> {
            $crate::http::api::OpenApiRouter::new()
                $( .routes($crate::http::api::routes!($( $($seg)::+ ),+)) )+
        }

        /// The routes of this function, as its Lambda serves them: those of
        /// `api()`, without building their documentation.
        pub fn router() -> ::axum::Router<$crate::deps::Deps> {
            let router = ::axum::Router::new();
            $( let router = $crate::__route!(router; $( [$($seg)::+] [$($seg)+] ),+); )+
            router
        }
    };
}

pub use utoipa_axum::router::OpenApiRouter;
pub use utoipa_axum::routes;

#[doc(hidden)]
pub use pastey::paste;

/// The type `#[utoipa::path]` makes beside a handler (`a::b` → `a::__path_b`).
#[doc(hidden)]
#[macro_export]
macro_rules! __path_type {
    (@split [$($prefix:ident)*] $last:ident) => {
        $crate::http::api::paste! { $($prefix::)* [<__path_ $last>] }
    };
    (@split [$($prefix:ident)*] $head:ident $($rest:ident)+) => {
        $crate::__path_type!(@split [$($prefix)* $head] $($rest)+)
    };
}

/// One path's handlers added to `router`, each on the methods it declares.
#[doc(hidden)]
#[macro_export]
macro_rules! __route {
    ($router:ident; [$($first:tt)*] [$($first_seg:ident)+] $(, [$($handler:tt)*] [$($seg:ident)+])*) => {{
        use ::utoipa::Path as _;
        use $crate::http::api::PathItemExt as _;
        let path = <$crate::__path_type!(@split [] $($first_seg)+)>::path();
        let mut methods = ::axum::routing::MethodRouter::new();
        for method in <$crate::__path_type!(@split [] $($first_seg)+)>::methods() {
            methods = methods.on(method.to_method_filter(), $($first)*);
        }
        $(
            for method in <$crate::__path_type!(@split [] $($seg)+)>::methods() {
                methods = methods.on(method.to_method_filter(), $($handler)*);
            }
        )*
        $router.route(&path, methods)
    }};
}

#[doc(hidden)]
pub use utoipa_axum::PathItemExt;
