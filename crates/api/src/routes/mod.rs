//! The route table: every path of the JSON API in one place.

pub mod auth;
pub mod bookmarks;
pub mod comments;
pub mod entries;
pub mod feeds;
pub mod health;
pub mod me;
pub mod pinboard;
pub mod portability;
pub mod tags;
pub mod users;

use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse, Resource};
use serde::de::DeserializeOwned;

use crate::error::ApiError;

/// Largest JSON request body accepted (a 10 000-character note fits, escaped).
pub const MAX_JSON_BYTES: usize = 128 * 1024;

/// A resource whose unsupported methods answer 405 as a problem document.
fn resource(path: &str) -> Resource {
    web::resource(path).default_service(web::to(method_not_allowed))
}

async fn method_not_allowed(req: HttpRequest) -> Result<HttpResponse, ApiError> {
    Err(ApiError::MethodNotAllowed(format!(
        "{} is not allowed here",
        req.method()
    )))
}

/// Parses a JSON request body: `application/json` only, unknown fields and
/// wrong types rejected with the parser's explanation.
pub fn json_body<T: DeserializeOwned>(req: &HttpRequest, body: &[u8]) -> Result<T, ApiError> {
    let content_type = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let essence = content_type.split(';').next().unwrap_or("").trim();
    if !essence.eq_ignore_ascii_case("application/json") {
        return Err(ApiError::UnsupportedMediaType(
            "send the body as application/json".into(),
        ));
    }
    let mut de = serde_json::Deserializer::from_slice(body);
    let value = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        if inner.is_syntax() || inner.is_eof() || path == "." {
            ApiError::BadRequest(format!("invalid JSON body: {inner}"))
        } else {
            ApiError::field(path, inner)
        }
    })?;
    de.end()
        .map_err(|e| ApiError::BadRequest(format!("invalid JSON body: {e}")))?;
    Ok(value)
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.configure(pinboard::configure);
    cfg.service(resource("/healthz").route(web::get().to(health::healthz)))
        .service(resource("/readyz").route(web::get().to(health::readyz)))
        // Feeds, before the SPA's catch-all.
        .service(resource("/hot.{format:rss|atom}").route(web::get().to(feeds::hot)))
        .service(resource("/new.{format:rss|atom}").route(web::get().to(feeds::newest)))
        .service(resource("/t/{tag}.{format:rss|atom}").route(web::get().to(feeds::tag)))
        .service(resource("/site/{domain}.{format:rss|atom}").route(web::get().to(feeds::site)))
        .service(
            resource("/{username}/bookmarks.{format:rss|atom}").route(web::get().to(feeds::user)),
        )
        .service(
            web::scope("/api/v1")
                .service(resource("/auth/register").route(web::post().to(auth::register)))
                .service(resource("/auth/login").route(web::post().to(auth::login)))
                .service(resource("/auth/refresh").route(web::post().to(auth::refresh)))
                .service(resource("/auth/logout").route(web::post().to(auth::logout)))
                .service(
                    resource("/me")
                        .route(web::get().to(me::get_me))
                        .route(web::patch().to(me::patch_me)),
                )
                .service(
                    resource("/me/tokens")
                        .route(web::get().to(me::list_tokens))
                        .route(web::post().to(me::create_token)),
                )
                .service(resource("/me/tokens/{id}").route(web::delete().to(me::delete_token)))
                .service(resource("/me/import").route(web::post().to(portability::import)))
                .service(resource("/me/export").route(web::get().to(portability::export)))
                .service(resource("/me/bookmark").route(web::get().to(bookmarks::mine_by_url)))
                .service(resource("/me/tags/rename").route(web::post().to(tags::rename)))
                .service(resource("/me/tags/{tag}").route(web::delete().to(tags::delete)))
                .service(resource("/bookmarks").route(web::post().to(bookmarks::create)))
                .service(
                    resource("/bookmarks/{id}")
                        .route(web::get().to(bookmarks::get))
                        .route(web::patch().to(bookmarks::patch))
                        .route(web::delete().to(bookmarks::delete)),
                )
                .service(resource("/users/{username}").route(web::get().to(users::profile)))
                .service(
                    resource("/users/{username}/bookmarks").route(web::get().to(users::bookmarks)),
                )
                .service(resource("/users/{username}/tags").route(web::get().to(users::user_tags)))
                .service(
                    resource("/users/{username}/sites").route(web::get().to(users::user_sites)),
                )
                .service(resource("/entries/hot").route(web::get().to(entries::hot)))
                .service(resource("/entries/new").route(web::get().to(entries::newest)))
                .service(resource("/entries/lookup").route(web::get().to(entries::lookup)))
                .service(resource("/entries/counts").route(web::get().to(entries::counts)))
                .service(resource("/entries/{id}").route(web::get().to(entries::get)))
                .service(resource("/entries/{id}/comments").route(web::get().to(entries::comments)))
                .service(resource("/sites/{domain}/entries").route(web::get().to(entries::site)))
                .service(resource("/tags/{tag}/entries").route(web::get().to(entries::tagged)))
                .service(
                    resource("/comments/{id}/star")
                        .route(web::put().to(comments::star))
                        .route(web::delete().to(comments::unstar)),
                ),
        );
}
