//! Prometheus metrics. Any module counts through the `metrics` facade
//! (`metrics::counter!("bukuma_…_total").increment(1)`); when metrics are
//! on, [`install`] puts a Prometheus recorder behind it and `/metrics`
//! renders what it holds. When they are off nothing is recorded.

use std::sync::OnceLock;
use std::time::{Duration, Instant};

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::{web, HttpResponse};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};

use crate::error::ApiError;
use crate::state::AppState;

/// Histogram buckets of request latencies, in seconds.
const LATENCY_BUCKETS: &[f64] = &[
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

static HANDLE: OnceLock<Option<PrometheusHandle>> = OnceLock::new();

/// Installs the process's recorder (once; later calls return the same
/// handle); `None` when another recorder was installed first.
pub fn install() -> Option<&'static PrometheusHandle> {
    HANDLE
        .get_or_init(|| {
            let handle = PrometheusBuilder::new()
                .set_buckets_for_metric(Matcher::Suffix("_seconds".into()), LATENCY_BUCKETS)
                .and_then(PrometheusBuilder::install_recorder);
            match handle {
                Ok(handle) => {
                    let upkept = handle.clone();
                    // Histograms keep samples until upkeep folds them in.
                    let started = std::thread::Builder::new()
                        .name("metrics-upkeep".into())
                        .spawn(move || loop {
                            std::thread::sleep(Duration::from_secs(5));
                            upkept.run_upkeep();
                        });
                    if let Err(e) = started {
                        tracing::warn!(error = %e, "metrics upkeep thread not started");
                    }
                    Some(handle)
                }
                Err(e) => {
                    tracing::warn!(error = %e, "metrics recorder not installed");
                    None
                }
            }
        })
        .as_ref()
}

/// Middleware: counts every request by method, route template (never the
/// raw path, which would make a series per bookmark) and status, and
/// records its latency.
pub async fn track<B: MessageBody>(
    req: ServiceRequest,
    next: Next<B>,
) -> Result<ServiceResponse<B>, actix_web::Error> {
    let started = Instant::now();
    let method = method_label(req.method());
    let res = next.call(req).await;
    let (route, status) = match &res {
        Ok(res) => (
            res.request().match_pattern(),
            res.status().as_u16().to_string(),
        ),
        Err(e) => (
            None,
            e.as_response_error().status_code().as_u16().to_string(),
        ),
    };
    let route = route.unwrap_or_else(|| "unmatched".to_owned());
    metrics::counter!(
        "bukuma_http_requests_total",
        "method" => method, "route" => route.clone(), "status" => status
    )
    .increment(1);
    metrics::histogram!(
        "bukuma_http_request_duration_seconds",
        "method" => method, "route" => route
    )
    .record(started.elapsed().as_secs_f64());
    res
}

/// The method as a label of few values.
fn method_label(m: &actix_web::http::Method) -> &'static str {
    use actix_web::http::Method;
    match *m {
        Method::GET => "GET",
        Method::HEAD => "HEAD",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::PATCH => "PATCH",
        Method::DELETE => "DELETE",
        Method::OPTIONS => "OPTIONS",
        _ => "OTHER",
    }
}

/// `GET /metrics` on the main port: 404 unless `BUKUMA_METRICS` is on.
pub async fn scrape(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    if !state.config.metrics {
        return Err(ApiError::NotFound("no such resource: /metrics".into()));
    }
    render(&state)
}

/// `GET /metrics` on the listener of `BUKUMA_METRICS_BIND`.
pub async fn scrape_own_listener(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    render(&state)
}

/// The text format, with the gauges read now from the pool and the queues.
fn render(state: &AppState) -> Result<HttpResponse, ApiError> {
    let handle =
        install().ok_or_else(|| ApiError::Unavailable("no metrics recorder installed".into()))?;
    let pool = state.db.pool_state();
    metrics::gauge!("bukuma_db_pool_connections").set(f64::from(pool.connections));
    metrics::gauge!("bukuma_db_pool_in_use")
        .set(f64::from(pool.connections - pool.idle_connections));
    metrics::gauge!("bukuma_db_pool_max").set(f64::from(state.config.pool_size));
    metrics::gauge!("bukuma_db_write_queue_depth").set(state.db.write_queue_depth() as f64);
    metrics::gauge!("bukuma_db_readers_waiting").set(state.readers_waiting() as f64);
    if let Some(replica) = state.db.replica_stats() {
        // Counters kept by the pool; exported as they stand now.
        metrics::gauge!("bukuma_db_replica_reads").set(replica.reads as f64);
        metrics::gauge!("bukuma_db_replica_fallbacks").set(replica.fallbacks as f64);
    }
    Ok(HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4; charset=utf-8")
        .insert_header(("Cache-Control", "no-store"))
        .body(handle.render()))
}
