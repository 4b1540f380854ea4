//! Importing a bookmark file and exporting all of my bookmarks.

use actix_multipart::Multipart;
use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use bukuma_portability::ImportOptions;
use futures_util::StreamExt;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use crate::error::ApiError;
use crate::extract::{Query, SignedIn, Writer};
use crate::import_export::{self, ExportFormat, ImportFailure};
use crate::state::AppState;
use crate::views::ImportReport;

/// Largest bookmark file accepted by the import endpoint.
pub const MAX_IMPORT_BYTES: usize = 50 * 1024 * 1024;

/// The multipart form of an import.
#[derive(ToSchema)]
#[allow(
    dead_code,
    reason = "documents the multipart body; actix-multipart reads it"
)]
pub struct ImportUpload {
    /// The bookmark file (UTF-8, at most 50 MB): a Netscape bookmark file
    /// (HTML) or Pinboard's JSON export; the format is recognized from the content.
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ImportParams {
    /// Whether Netscape bookmarks without a `PRIVATE` attribute (browsers
    /// write none) become private. Default true.
    pub private_by_default: Option<bool>,
}

#[utoipa::path(
    post, path = "/api/v1/me/import", tag = "me",
    params(ImportParams),
    request_body(content = ImportUpload, content_type = "multipart/form-data"),
    responses(
        (status = 200, description = "What was imported; bookmarks the file states badly are listed in `errors` with their line", body = ImportReport),
        (status = 409, description = "Another import of mine is running", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 413, description = "The file is larger than 50 MB", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 415, description = "The body is not multipart/form-data", body = crate::error::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
/// Imports a Netscape bookmark file or Pinboard JSON export into my
/// bookmarks. Folders become tags, `ADD_DATE` the bookmark time,
/// `PRIVATE`/`TOREAD` are honoured; a description of at most 100
/// characters on one line becomes the comment, a longer one the note.
/// Bookmarks of URLs I have already are updated; importing the same file
/// twice changes nothing. Only the 5 outermost folders become tags, each cut
/// to 32 characters. One import runs at a time per user.
pub async fn import(
    state: web::Data<AppState>,
    me: Writer,
    Query(params): Query<ImportParams>,
    req: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let is_multipart = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.trim_start()
                .to_ascii_lowercase()
                .starts_with("multipart/form-data")
        });
    if !is_multipart {
        return Err(ApiError::UnsupportedMediaType(
            "send the file as multipart/form-data in the field `file`".into(),
        ));
    }
    // Held until the import ends, even if the client goes away first.
    let slot = state.imports.start(me.user_id).ok_or_else(|| {
        ApiError::Conflict("an import of yours is running; try again once it has finished".into())
    })?;
    let mut form = Multipart::new(req.headers(), payload);
    let mut file: Option<Vec<u8>> = None;
    while let Some(field) = form.next().await {
        let mut field =
            field.map_err(|e| ApiError::BadRequest(format!("invalid multipart body: {e}")))?;
        let is_file = field.name() == Some("file");
        let mut data = Vec::new();
        while let Some(chunk) = field.next().await {
            let chunk =
                chunk.map_err(|e| ApiError::BadRequest(format!("invalid multipart body: {e}")))?;
            if !is_file {
                continue;
            }
            if data.len() + chunk.len() > MAX_IMPORT_BYTES {
                return Err(ApiError::PayloadTooLarge(
                    "the file is larger than 50 MB".into(),
                ));
            }
            data.extend_from_slice(&chunk);
        }
        if is_file && file.is_none() {
            file = Some(data);
        }
    }
    let file = file.ok_or_else(|| ApiError::field("file", "is required"))?;
    let text =
        String::from_utf8(file).map_err(|_| ApiError::field("file", "must be UTF-8 text"))?;
    let opts = ImportOptions {
        private_by_default: params.private_by_default.unwrap_or(true),
    };
    let db = state.db.clone();
    let threshold = state.config.new_entry_threshold;
    let report = web::block(move || {
        let _slot = slot;
        import_export::import(&db, me.user_id, &text, opts, threshold, |_| {})
    })
    .await?
    .map_err(|e| match e {
        ImportFailure::Format(e) => ApiError::field("file", e),
        ImportFailure::Db(e) => ApiError::from(e),
    })?;
    Ok(HttpResponse::Ok().json(report))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ExportParams {
    /// `netscape` (HTML, the default) or `json` (Pinboard's shape plus `note`).
    pub format: Option<ExportFormat>,
}

#[utoipa::path(
    get, path = "/api/v1/me/export", tag = "me",
    params(ExportParams),
    responses(
        (status = 200, description = "All my bookmarks, private ones included, newest first, streamed as a download. Every field survives export and import: url, title, comment, note, tags, private, read later, time.",
         content((String = "text/html"), (Vec<crate::views::ExportedPost> = "application/json"))),
    ),
    security(("bearer" = []))
)]
pub async fn export(
    state: web::Data<AppState>,
    me: SignedIn,
    Query(params): Query<ExportParams>,
) -> Result<HttpResponse, ApiError> {
    let format = params.format.unwrap_or(ExportFormat::Netscape);
    let db = state.db.clone();
    // (next keyset, pages written, done)
    let pages = futures_util::stream::unfold(
        (None::<(i64, i64)>, 0usize, false),
        move |(after, written, done)| {
            let db = db.clone();
            async move {
                if done {
                    return None;
                }
                let result = web::block(move || import_export::export_page(&db, me.user_id, after))
                    .await
                    .map_err(ApiError::from)
                    .and_then(|r| r.map_err(ApiError::from));
                Some(match result {
                    Ok((items, next)) => {
                        let mut chunk = String::new();
                        if written == 0 {
                            chunk.push_str(format.header());
                        }
                        chunk.push_str(&format.render(&items, written == 0));
                        let count = written + items.len();
                        if next.is_none() {
                            chunk.push_str(format.footer());
                        }
                        (
                            Ok::<_, ApiError>(web::Bytes::from(chunk)),
                            (next, count.max(1), next.is_none()),
                        )
                    }
                    Err(e) => (Err(e), (None, written, true)),
                })
            }
        },
    );
    let filename = format!(
        "bukuma-{}.{}",
        chrono::Utc::now().format("%Y-%m-%d"),
        format.extension()
    );
    Ok(HttpResponse::Ok()
        .content_type(format.content_type())
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{filename}\""),
        ))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .streaming(pages))
}
