//! Serves the built single-page app: files from the static directory, and
//! `index.html` for every other path so that deep links and reloads work.

use std::path::{Component, Path, PathBuf};

use actix_files::NamedFile;
use actix_web::http::header::{CacheControl, CacheDirective};
use actix_web::{web, HttpRequest, HttpResponse};

use crate::error::ApiError;
use crate::state::AppState;

fn safe_join(root: &Path, request_path: &str) -> Option<PathBuf> {
    let mut out = root.to_path_buf();
    for part in Path::new(request_path.trim_start_matches('/')).components() {
        match part {
            Component::Normal(p) => out.push(p),
            Component::CurDir => {}
            _ => return None,
        }
    }
    Some(out)
}

pub async fn serve(req: HttpRequest, state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let path = req.path();
    if path == "/api" || path.starts_with("/api/") {
        return Err(ApiError::NotFound(format!("no API endpoint at {path}")));
    }
    let root = &state.config.static_dir;
    let file = match safe_join(root, path) {
        Some(p) if tokio::fs::metadata(&p).await.is_ok_and(|m| m.is_file()) => Some(p),
        _ => None,
    };
    if let Some(file) = file {
        let immutable = path.starts_with("/assets/");
        let named = NamedFile::open_async(&file)
            .await
            .map_err(|e| ApiError::Internal(format!("reading {}: {e}", file.display())))?;
        let mut res = named.into_response(&req);
        if immutable {
            res.headers_mut().insert(
                actix_web::http::header::CACHE_CONTROL,
                actix_web::http::header::HeaderValue::from_static(
                    "public, max-age=31536000, immutable",
                ),
            );
        }
        return Ok(res);
    }
    let index = root.join("index.html");
    match tokio::fs::read(&index).await {
        Ok(html) => Ok(HttpResponse::Ok()
            .content_type("text/html; charset=utf-8")
            .insert_header(CacheControl(vec![CacheDirective::NoCache]))
            .body(html)),
        Err(_) => Err(ApiError::NotFound(format!(
            "the web app is not built ({} is missing); run `make run`",
            index.display()
        ))),
    }
}
