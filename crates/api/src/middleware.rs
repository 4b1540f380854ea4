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

/// Middleware: after a request that may write (any method but `GET`,
/// `HEAD`, `OPTIONS` and `TRACE`) by a signed-in caller, tells the read cache
/// that they wrote, so their next reads see what they wrote.
pub async fn note_writers<B>(
    req: ServiceRequest,
    next: Next<B>,
) -> Result<ServiceResponse<B>, actix_web::Error>
where
    B: MessageBody,
{
    let writes = !req.method().is_safe();
    let res = next.call(req).await?;
    if writes {
        let writer = res
            .request()
            .extensions()
            .get::<Principal>()
            .map(|p| p.user_id);
        if let (Some(id), Some(state)) = (writer, res.request().app_data::<web::Data<AppState>>()) {
            state.reads.wrote(id).await;
        }
    }
    Ok(res)
}
