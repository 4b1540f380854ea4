//! HTTP hardening of the whole app: the request-body inactivity timeout,
//! security headers, and which routes answer browsers of other origins.

use std::cell::Cell;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};
use std::time::Duration;

use actix_cors::Cors;
use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::error::PayloadError;
use actix_web::http::header::{self, HeaderValue};
use actix_web::http::ConnectionType;
use actix_web::middleware::{DefaultHeaders, Next};
use actix_web::{web, HttpMessage, ResponseError};
use futures_util::Stream;

use crate::error::ApiError;
use crate::state::AppState;

/// The policy of the web app's HTML: its own scripts, styles and API only;
/// images from anywhere (entries show the favicons and thumbnails of the
/// pages they link to), and never framed.
pub const SPA_CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; \
    img-src 'self' data: https: http:; connect-src 'self'; font-src 'self'; \
    object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// Headers of every response (a response that sets one itself keeps its
/// own, as the web app's HTML does with its stricter policy).
pub fn security_headers(https: bool) -> DefaultHeaders {
    let headers = DefaultHeaders::new()
        .add((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .add((header::REFERRER_POLICY, "strict-origin-when-cross-origin"))
        .add((header::X_FRAME_OPTIONS, "DENY"))
        .add((header::CONTENT_SECURITY_POLICY, "frame-ancestors 'none'"));
    if https {
        headers.add((header::STRICT_TRANSPORT_SECURITY, "max-age=31536000"))
    } else {
        headers
    }
}

/// Middleware: a request body that sends no byte for the configured time
/// ends with an error to whoever reads it and a 408 that closes the
/// connection, instead of holding a worker's connection for as long as the
/// client likes. Covers every reader of the payload: JSON, forms, multipart.
pub async fn body_timeout<B: MessageBody>(
    mut req: ServiceRequest,
    next: Next<B>,
) -> Result<ServiceResponse<EitherBody<B>>, actix_web::Error> {
    let timeout = req
        .app_data::<web::Data<AppState>>()
        .map_or(Duration::from_secs(15), |s| {
            Duration::from_secs(s.config.body_timeout_secs)
        });
    let fired = Rc::new(Cell::new(false));
    let payload = req.take_payload();
    if matches!(payload, Payload::None) {
        req.set_payload(payload);
    } else {
        let idle = IdleTimeout {
            inner: payload,
            timeout,
            deadline: Box::pin(tokio::time::sleep(timeout)),
            fired: fired.clone(),
        };
        req.set_payload(Payload::Stream {
            payload: Box::pin(idle),
        });
    }
    let res = next.call(req).await?;
    if !fired.get() {
        return Ok(res.map_into_left_body());
    }
    let (req, _) = res.into_parts();
    let mut timed_out = ApiError::RequestTimeout(format!(
        "the request body sent nothing for {} s",
        timeout.as_secs()
    ))
    .error_response();
    timed_out
        .head_mut()
        .set_connection_type(ConnectionType::Close);
    Ok(ServiceResponse::new(req, timed_out).map_into_right_body())
}

/// A request body that fails once no chunk arrived for `timeout`.
struct IdleTimeout {
    inner: Payload,
    timeout: Duration,
    deadline: Pin<Box<tokio::time::Sleep>>,
    fired: Rc<Cell<bool>>,
}

impl Stream for IdleTimeout {
    type Item = Result<web::Bytes, PayloadError>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        match Pin::new(&mut this.inner).poll_next(cx) {
            Poll::Ready(item) => {
                let next = tokio::time::Instant::now() + this.timeout;
                this.deadline.as_mut().reset(next);
                Poll::Ready(item)
            }
            Poll::Pending => match this.deadline.as_mut().poll(cx) {
                Poll::Ready(()) => {
                    this.fired.set(true);
                    Poll::Ready(Some(Err(PayloadError::Io(std::io::Error::new(
                        std::io::ErrorKind::TimedOut,
                        "request body timed out",
                    )))))
                }
                Poll::Pending => Poll::Pending,
            },
        }
    }
}

/// Paths that set or use the refresh cookie: every route under
/// `/api/v1/auth/`. They never answer other origins (no CORS headers), and
/// refuse a request a browser marks as coming from one.
pub fn is_cookie_route(path: &str) -> bool {
    path.starts_with("/api/v1/auth/")
}

/// Whether browsers of other origins may call `path`: the bearer-token API
/// (JSON and Pinboard-compatible), but not its cookie routes.
pub fn allows_other_origins(path: &str) -> bool {
    (path.starts_with("/api/v1/") || path.starts_with("/api/pinboard/")) && !is_cookie_route(path)
}

/// CORS of the bearer-token API: any origin, any method and header, but
/// never credentials (`Access-Control-Allow-Origin: *`), so a browser never
/// sends the refresh cookie along.
pub fn api_cors() -> Cors {
    Cors::default()
        .allow_any_origin()
        .send_wildcard()
        .allow_any_method()
        .allow_any_header()
        .expose_headers([header::RETRY_AFTER, header::LOCATION, header::LINK])
        .max_age(3600)
}

/// CORS of the public read-only endpoints (Hatena-compatible counts and
/// entry data, the bookmark button's script): any origin may `GET` them,
/// never with credentials, so any page can show its bookmark counts.
pub fn public_read_cors() -> Cors {
    Cors::default()
        .allow_any_origin()
        .send_wildcard()
        .allowed_methods(["GET"])
        .max_age(86_400)
}

/// Middleware of the cookie routes: a 403 for a request whose `Origin` is
/// not this server's own (a page elsewhere posting with the user's cookie).
pub async fn same_origin_only<B: MessageBody>(
    req: ServiceRequest,
    next: Next<B>,
) -> Result<ServiceResponse<EitherBody<B>>, actix_web::Error> {
    let own = match req.headers().get(header::ORIGIN) {
        None => true,
        Some(origin) => is_own_origin(&req, origin),
    };
    if own {
        return Ok(next.call(req).await?.map_into_left_body());
    }
    let refused = ApiError::Forbidden("this route answers only the web app's own origin".into())
        .error_response();
    Ok(req.into_response(refused).map_into_right_body())
}

/// Whether `origin` names the host the request was sent to (or the
/// configured public URL).
fn is_own_origin(req: &ServiceRequest, origin: &HeaderValue) -> bool {
    let Ok(origin) = origin.to_str() else {
        return false;
    };
    if let Some(public) = req
        .app_data::<web::Data<AppState>>()
        .and_then(|s| s.config.public_url.clone())
    {
        if url::Url::parse(&public).is_ok_and(|u| u.origin().ascii_serialization() == origin) {
            return true;
        }
    }
    let Some(authority) = origin
        .strip_prefix("https://")
        .or_else(|| origin.strip_prefix("http://"))
    else {
        return false;
    };
    req.headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .is_some_and(|host| host.eq_ignore_ascii_case(authority))
}

#[cfg(test)]
mod tests {
    use super::{allows_other_origins, is_cookie_route};

    #[test]
    fn only_the_bearer_api_answers_other_origins() {
        assert!(allows_other_origins("/api/v1/bookmarks"));
        assert!(allows_other_origins("/api/pinboard/v1/posts/all"));
        assert!(!allows_other_origins("/api/v1/auth/refresh"));
        assert!(!allows_other_origins("/api/v1/auth/logout"));
        assert!(!allows_other_origins("/hot.rss"));
        assert!(is_cookie_route("/api/v1/auth/login"));
    }
}
