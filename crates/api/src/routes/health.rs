//! Liveness and readiness probes.

use actix_web::{web, HttpResponse};
use diesel::connection::SimpleConnection;
use serde::Serialize;
use utoipa::ToSchema;

use crate::error::ApiError;
use crate::state::AppState;

#[derive(Serialize, ToSchema)]
pub struct Health {
    /// `ok`
    pub status: String,
}

#[utoipa::path(
    get, path = "/healthz", tag = "operations",
    responses((status = 200, description = "The process is up (no database work)", body = Health))
)]
pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(Health {
        status: "ok".into(),
    })
}

#[utoipa::path(
    get, path = "/readyz", tag = "operations",
    responses(
        (status = 200, description = "The database answers", body = Health),
        (status = 503, description = "The database does not answer, or the data directory's disk is nearly full", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn readyz(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    check_free_space(&state).await?;
    // The primary: a server that cannot write is not ready, whatever the replica.
    state
        .read_primary(|c| {
            c.batch_execute("SELECT 1")
                .map_err(bukuma_db::DbError::from)
        })
        .await
        .map_err(|e| ApiError::Unavailable(format!("database not ready: {e}")))?;
    Ok(HttpResponse::Ok().json(Health {
        status: "ok".into(),
    }))
}

/// A 503 when the data directory's file system has less free space than
/// `BUKUMA_MIN_FREE_MB`: writes would fail there, so a balancer should send
/// traffic elsewhere. A directory that cannot be examined is not a reason
/// to stop traffic (the database check decides then).
async fn check_free_space(state: &AppState) -> Result<(), ApiError> {
    let min_mb = state.config.min_free_mb;
    if min_mb == 0 {
        return Ok(());
    }
    let dir = state.config.data_dir.clone();
    let free = web::block(move || fs4::available_space(&dir))
        .await
        .map_err(|e| ApiError::Internal(format!("free space check: {e}")))?;
    match free {
        Ok(bytes) if bytes < min_mb.saturating_mul(1024 * 1024) => {
            Err(ApiError::Unavailable(format!(
                "disk nearly full: {} MB free in the data directory, {min_mb} MB needed",
                bytes / (1024 * 1024)
            )))
        }
        Ok(_) => Ok(()),
        Err(e) => {
            tracing::warn!(error = %e, dir = %state.config.data_dir.display(), "cannot read free space");
            Ok(())
        }
    }
}
