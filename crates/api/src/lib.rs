//! The bukuma HTTP API: routes, authentication, OpenAPI, SPA serving and
//! background jobs. The `bukuma` binary is in `main.rs`.

pub mod auth;
pub mod cache;
pub mod config;
pub mod error;
pub mod import_export;
pub mod jobs;
pub mod logging;
pub mod openapi;
pub mod rate_limit;
pub mod routes;
pub mod spa;
pub mod state;
pub mod types;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::middleware::{Compress, ErrorHandlers};
use actix_web::{web, App};
use utoipa::OpenApi;
use utoipa_swagger_ui::SwaggerUi;

pub use config::Config;
pub use state::AppState;

/// The whole application: API, docs, probes and the SPA.
pub fn app(
    state: web::Data<AppState>,
) -> App<
    impl ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<impl MessageBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    App::new()
        .app_data(state)
        .app_data(web::PayloadConfig::new(routes::MAX_JSON_BYTES))
        .app_data(web::PathConfig::default().error_handler(|e, _| {
            error::ApiError::NotFound(format!("no such resource: {e}")).into()
        }))
        .wrap(actix_web::middleware::from_fn(auth::note_writers))
        .wrap(ErrorHandlers::new().default_handler(error::problem_middleware))
        .wrap(Compress::default())
        .wrap(tracing_actix_web::TracingLogger::<logging::RequestSpan>::new())
        .configure(routes::configure)
        .service(
            SwaggerUi::new("/api/docs/{_:.*}").url("/api/openapi.json", openapi::ApiDoc::openapi()),
        )
        .default_service(web::to(spa::serve))
}
