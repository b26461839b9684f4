//! The whole route table in one place, with the fallback (static files / 404) and the
//! middleware stack. See `../shared/spec/README.md` (endpoint index).

use axum::Router;
use axum::middleware::from_fn_with_state;
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post, put};
use http::StatusCode;

use super::middleware::{front, headers};
use super::{hook_routes, static_files};
use crate::api;
use crate::app::App;

/// The application router with its state. The middleware wraps the whole router (not each
/// route), so preflights are answered before routing and unknown paths get the same headers.
pub fn router(app: App) -> Router {
    let routes = Router::new()
        .route("/api/health", get(api::health::health))
        .route("/api/collections/{collection}/auth-methods", get(api::auth::methods::auth_methods))
        .route(
            "/api/collections/{collection}/auth-with-password",
            post(api::auth::with_password::auth_with_password),
        )
        .route("/api/collections/{collection}/auth-refresh", post(api::auth::refresh::auth_refresh))
        .route(
            "/api/collections",
            get(api::collections::list::list).post(api::collections::create::create),
        )
        .route("/api/collections/import", put(api::collections::import::import))
        .route("/api/collections/meta/scaffolds", get(api::collections::scaffolds::scaffolds))
        .route(
            "/api/collections/meta/dry-run-view",
            post(api::collections::dry_run_view::dry_run_view),
        )
        .route(
            "/api/collections/{collection}",
            get(api::collections::view::view)
                .patch(api::collections::update::update)
                .delete(api::collections::delete::delete),
        )
        .route(
            "/api/collections/{collection}/truncate",
            delete(api::collections::truncate::truncate),
        )
        .route(
            "/api/collections/{collection}/records",
            get(api::records::list::list).post(api::records::create::create),
        )
        .route(
            "/api/collections/{collection}/records/{id}",
            get(api::records::view::view)
                .patch(api::records::update::update)
                .delete(api::records::delete::delete),
        )
        .route("/api/batch", post(api::batch::batch))
        .route(
            "/api/realtime",
            get(api::realtime::connect::connect).post(api::realtime::subscribe::subscribe),
        )
        .route("/api/files/token", post(api::files::token::token))
        .route("/api/files/{collection}/{record}/{filename}", get(api::files::download::download))
        .route("/api/settings", get(api::settings::view::view).patch(api::settings::update::update))
        .route("/api/hooks", get(api::hooks::status::status))
        .route("/api/hooks/reload", post(api::hooks::reload::reload))
        .route("/_", get(admin_redirect))
        // Routes of hook modules come after every core route, then the static files.
        .fallback(hook_routes::fallback)
        .method_not_allowed_fallback(hook_routes::fallback)
        .with_state(app.clone());
    Router::new().fallback_service(routes).layer(from_fn_with_state(app, front::front))
}

/// `/_` → `/_/` (the dashboard), without security headers, as PocketBase answers it.
async fn admin_redirect() -> Response {
    let mut response = static_files::redirect(StatusCode::TEMPORARY_REDIRECT, "/_/");
    response.extensions_mut().insert(headers::SkipSecurityHeaders::All);
    response.into_response()
}
