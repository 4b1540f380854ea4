//! Middleware of the whole app.

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::{web, HttpMessage};

use crate::extract::Principal;
use crate::state::AppState;

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
