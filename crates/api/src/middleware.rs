//! Middleware of the whole app.

use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::{web, HttpMessage};

use crate::error::ApiError;
use crate::extract::Principal;
use crate::state::AppState;

/// Middleware: turns away a request whose path or query string holds an
/// encoded NUL (`%00`) with a 400, before any handler runs. No name, tag,
/// domain or search term contains one, and PostgreSQL refuses text with
/// NUL outright, which would otherwise surface as a 500. The
/// Pinboard-compatible API is left to answer in its own format (it checks
/// its parameters itself).
pub async fn reject_nul<B>(
    req: ServiceRequest,
    next: Next<B>,
) -> Result<ServiceResponse<EitherBody<B>>, actix_web::Error>
where
    B: MessageBody,
{
    let uri = req.uri();
    let has_nul = |s: &str| s.as_bytes().windows(3).any(|w| w == b"%00");
    let pinboard = uri.path().starts_with("/api/pinboard/");
    if !pinboard && (has_nul(uri.path()) || uri.query().is_some_and(has_nul)) {
        let error = ApiError::BadRequest("the URL must not contain NUL characters (%00)".into());
        let res = actix_web::ResponseError::error_response(&error);
        return Ok(req.into_response(res).map_into_right_body());
    }
    Ok(next.call(req).await?.map_into_left_body())
}

/// Middleware: decides where the request's reads go when there is a
/// replica ([`crate::routing`]); after a request that wrote (any method but
/// `GET`, `HEAD`, `OPTIONS` and `TRACE`, or one whose handler wrote) by a
/// signed-in caller, tells the read cache that they wrote, so their next
/// reads see what they wrote, and with a replica notes the write for every
/// process and in the response's `bukuma_rw` cookie.
pub async fn note_writers<B>(
    req: ServiceRequest,
    next: Next<B>,
) -> Result<ServiceResponse<B>, actix_web::Error>
where
    B: MessageBody,
{
    let state = req.app_data::<web::Data<AppState>>().cloned();
    let replica = state.as_ref().is_some_and(|s| s.db.has_replica());
    let route = std::rc::Rc::new(match &state {
        Some(state) if replica => {
            crate::routing::Route::of(req.request(), &state.config.jwt_secret)
        }
        _ => crate::routing::Route::default(),
    });
    let writes = !req.method().is_safe();
    let mut res = crate::routing::scope(route.clone(), next.call(req)).await?;
    if writes || (replica && route.writes()) {
        let writer = res
            .request()
            .extensions()
            .get::<Principal>()
            .map(|p| p.user_id);
        if let (Some(id), Some(state)) = (writer, state) {
            if let Some(lsn) = state.wrote(id).await {
                let secure = state.config.cookie_secure || state.proxies.is_https(res.request());
                let cookie = crate::routing::cookie(
                    &state.config.jwt_secret,
                    lsn,
                    i64::try_from(state.config.replica_pin_ms.div_ceil(1000)).unwrap_or(60),
                    secure,
                );
                let _ = res.response_mut().add_cookie(&cookie);
            }
        }
    }
    Ok(res)
}
