//! The actix application: middleware, the route table, the API docs and the SPA.

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::middleware::{Compress, ErrorHandlers};
use actix_web::{web, App};
use utoipa_swagger_ui::SwaggerUi;

use crate::error::{problem_middleware, ApiError};
use crate::extract::MAX_JSON_BYTES;
use crate::state::AppState;
use crate::{hardening, logging, metrics, middleware, openapi, routes, spa};

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
    let config = &state.config;
    if config.metrics || config.metrics_bind.is_some() {
        metrics::install();
    }
    let https = config
        .public_url
        .as_deref()
        .is_some_and(|u| u.starts_with("https://"));
    App::new()
        .app_data(state)
        .app_data(web::PayloadConfig::new(MAX_JSON_BYTES))
        .app_data(
            web::PathConfig::default()
                .error_handler(|e, _| ApiError::NotFound(format!("no such resource: {e}")).into()),
        )
        .wrap(actix_web::middleware::from_fn(middleware::note_writers))
        .wrap(actix_web::middleware::from_fn(middleware::reject_nul))
        .wrap(actix_web::middleware::from_fn(hardening::body_timeout))
        .wrap(ErrorHandlers::new().default_handler(problem_middleware))
        .wrap(hardening::security_headers(https))
        .wrap(Compress::default())
        .wrap(actix_web::middleware::from_fn(metrics::track))
        .wrap(tracing_actix_web::TracingLogger::<logging::RequestSpan>::new())
        .configure(routes::configure)
        .service(web::resource("/metrics").route(web::get().to(metrics::scrape)))
        .service(web::redirect("/api/docs", "/api/docs/"))
        .service(SwaggerUi::new("/api/docs/{_:.*}").url("/api/openapi.json", openapi::document()))
        .default_service(web::to(spa::serve))
}
