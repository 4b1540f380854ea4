//! Serves the built single-page app: its files, and `index.html` for every
//! other path so that deep links and reloads work. The files come from
//! `BUKUMA_STATIC_DIR` when it is set (development), else from the copy
//! built into the binary, so that `bukuma serve` works from any directory.

use std::path::{Component, Path, PathBuf};

use actix_files::NamedFile;
use actix_web::http::header::{self, CacheControl, CacheDirective, HeaderValue};
use actix_web::{web, HttpRequest, HttpResponse};

use crate::error::ApiError;
use crate::hardening::SPA_CSP;
use crate::state::AppState;

/// `frontend/dist`: inside the release binary; read from the source tree
/// at run time by debug builds.
#[derive(rust_embed::RustEmbed)]
#[folder = "../../frontend/dist"]
#[allow_missing = true]
struct Built;

/// The relative path of a request, or `None` when it leaves the root.
fn relative(request_path: &str) -> Option<PathBuf> {
    let mut out = PathBuf::new();
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
    let mut res = match &state.config.static_dir {
        Some(root) => from_dir(&req, root).await?,
        None => from_binary(&req)?,
    };
    if path.starts_with("/assets/") && res.status().is_success() {
        res.headers_mut().insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static("public, max-age=31536000, immutable"),
        );
    }
    let html = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if html {
        res.headers_mut().insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(SPA_CSP),
        );
    }
    Ok(res)
}

fn index_response(html: impl Into<web::Bytes>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .insert_header(CacheControl(vec![CacheDirective::NoCache]))
        .body(html.into())
}

fn not_built(where_: &str) -> ApiError {
    ApiError::NotFound(format!(
        "the web app is not built ({where_} has no index.html); run `make run`"
    ))
}

async fn from_dir(req: &HttpRequest, root: &Path) -> Result<HttpResponse, ApiError> {
    let file = match relative(req.path()).map(|p| root.join(p)) {
        Some(p) if tokio::fs::metadata(&p).await.is_ok_and(|m| m.is_file()) => Some(p),
        _ => None,
    };
    if let Some(file) = file {
        let named = NamedFile::open_async(&file)
            .await
            .map_err(|e| ApiError::Internal(format!("reading {}: {e}", file.display())))?;
        return Ok(named.into_response(req));
    }
    match tokio::fs::read(root.join("index.html")).await {
        Ok(html) => Ok(index_response(html)),
        Err(_) => Err(not_built(&root.display().to_string())),
    }
}

fn from_binary(req: &HttpRequest) -> Result<HttpResponse, ApiError> {
    let name = relative(req.path())
        .and_then(|p| p.to_str().map(|s| s.replace('\\', "/")))
        .filter(|s| !s.is_empty());
    if let Some(file) = name.as_deref().and_then(Built::get) {
        let etag = format!("\"{}\"", hex::encode(&file.metadata.sha256_hash()[..16]));
        let fresh = req
            .headers()
            .get(header::IF_NONE_MATCH)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.split(',').any(|t| t.trim() == etag));
        let mut res = if fresh {
            HttpResponse::NotModified()
        } else {
            HttpResponse::Ok()
        };
        res.content_type(file.metadata.mimetype())
            .insert_header((header::ETAG, etag));
        return Ok(if fresh {
            res.finish()
        } else {
            res.body(file.data.into_owned())
        });
    }
    match Built::get("index.html") {
        Some(index) => Ok(index_response(index.data.into_owned())),
        None => Err(not_built("the binary")),
    }
}
