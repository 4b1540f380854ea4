//! Related entries of an entry, as the background job last computed them.

use actix_web::{web, HttpResponse};
use bukuma_db::{entries, related};
use bukuma_domain::EntryId;

use crate::cache::{json_bytes, json_response, Key};
use crate::error::ApiError;
use crate::extract::Viewer;
use crate::state::AppState;
use crate::views::{Entry, RelatedEntries};

#[utoipa::path(
    get, path = "/api/v1/entries/{id}/related", tag = "entries", operation_id = "related_entries",
    params(("id" = i64, Path, description = "Entry id")),
    responses(
        (status = 200, description = "Entries related to this one, best first; empty until first computed", body = RelatedEntries),
        (status = 404, description = "No publicly bookmarked entry has this id", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list(
    state: web::Data<AppState>,
    viewer: Viewer,
    id: web::Path<EntryId>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let mutes = state.mutes.of(&state, viewer.user_id()).await?;
    let load = || async {
        let (computed, list) = state
            .read(move |c| {
                // A hidden entry shows no related entries either.
                if !entries::is_public(c, id)? {
                    return Ok(None);
                }
                let computed = related::computed_at(c, id)?.is_some();
                Ok(Some((
                    computed,
                    related::related_for(c, id, related::RELATED_MAX)?,
                )))
            })
            .await?
            .ok_or_else(|| ApiError::not_found("entry"))?;
        if !computed {
            // Empty for now; the job's next round computes it.
            state.related.request(id);
        }
        Ok::<_, ApiError>(RelatedEntries {
            items: list.into_iter().map(Entry::from).collect(),
        })
    };
    if !mutes.sites.is_empty() {
        // The shared cached answer shows every site; this viewer's is read anew.
        let mut page = load().await?;
        page.items.retain(|e| !mutes.hides_site(&e.domain));
        return Ok(HttpResponse::Ok().json(page));
    }
    let body = state
        .cached(Key::Related(id), viewer.user_id(), || async {
            json_bytes(&load().await?)
        })
        .await?;
    Ok(json_response(body))
}
