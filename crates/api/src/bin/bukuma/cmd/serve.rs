//! `bukuma serve`: the HTTP server and its background jobs.

use std::sync::Arc;
use std::time::Duration;

use actix_web::{web, HttpServer};
use bukuma_api::indexer::{self, Search};
use bukuma_api::{jobs, AppState, Config};

use super::{open_db, AnyError};

#[actix_web::main]
pub async fn serve() -> Result<(), AnyError> {
    let config = Config::from_env()?;
    // Held until the process ends: `bukuma restore` refuses while it is.
    let _lock = bukuma_api::backup::ServerLock::for_server(&config)?;
    let db = {
        let config = config.clone();
        web::block(move || open_db(&config))
            .await
            .map_err(|e| e.to_string())??
    };
    // Other `bukuma serve` processes on the same PostgreSQL database hear
    // of this one's writes, so every read cache drops what they change.
    let _cache_sync = db.start_cache_sync()?;
    tracing::info!(backend = db.backend().name(), bind = %config.bind, "bukuma serving");
    jobs::spawn(db.clone(), Duration::from_secs(config.hot_interval_secs));
    let categorizer = Arc::new(bukuma_api::categorizer::Categorizer::builtin());
    bukuma_api::categorizer::spawn(db.clone(), categorizer.clone());
    if config.fetch_metadata {
        let fetcher = bukuma_fetch::Fetcher::new(bukuma_fetch::FetchConfig {
            allow_private: config.fetch_allow.clone(),
            ..bukuma_fetch::FetchConfig::default()
        })?;
        jobs::spawn_fetcher(db.clone(), fetcher);
    }
    let search = Arc::new(Search::open(&config.search_dir)?);
    {
        let (db, search) = (db.clone(), search.clone());
        std::thread::Builder::new()
            .name("search-indexer".into())
            .spawn(move || indexer::run(db, search))?;
    }
    let bind = config.bind.clone();
    let metrics_bind = config.metrics_bind.clone();
    let state = web::Data::new(
        AppState::new(db, config)
            .with_search(search)
            .with_categorizer(categorizer),
    );
    bukuma_api::related::spawn(state.db.clone(), state.related.clone());
    let app_state = state.clone();
    let server = HttpServer::new(move || bukuma_api::app(app_state.clone()))
        .bind(&bind)?
        .shutdown_timeout(20)
        .run();
    match metrics_bind {
        None => server.await?,
        Some(metrics_bind) => {
            // A listener of its own, to be reached from the monitoring
            // network only; it stops with the server on the same signals.
            tracing::info!(bind = %metrics_bind, "metrics served");
            let metrics = HttpServer::new(move || {
                actix_web::App::new().app_data(state.clone()).route(
                    "/metrics",
                    web::get().to(bukuma_api::metrics::scrape_own_listener),
                )
            })
            .workers(1)
            .bind(&metrics_bind)?
            .run();
            tokio::try_join!(server, metrics)?;
        }
    }
    tracing::info!("bukuma stopped");
    Ok(())
}
