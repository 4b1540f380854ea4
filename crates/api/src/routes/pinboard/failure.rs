//! Why a Pinboard API call failed, and the response each failure gets.

use std::time::Duration;

use actix_web::http::{header, StatusCode};
use actix_web::HttpResponse;

use super::render::{render, Format, Reply};
use crate::error::ApiError;

#[derive(Debug)]
pub(super) enum Failure {
    /// A Pinboard result code, sent with HTTP 200 as Pinboard does.
    Code(String),
    BadRequest(&'static str),
    Unauthorized,
    /// The account is suspended by an admin.
    Suspended,
    ReadOnly,
    RateLimited {
        wait: Duration,
    },
    TooLarge,
    UnknownMethod,
    MethodNotAllowed,
    Unavailable(String),
    Internal(String),
}

impl Failure {
    pub(super) fn code(message: impl Into<String>) -> Self {
        Failure::Code(message.into())
    }

    fn status(&self) -> StatusCode {
        match self {
            Failure::Code(_) => StatusCode::OK,
            Failure::BadRequest(_) => StatusCode::BAD_REQUEST,
            Failure::Unauthorized | Failure::Suspended => StatusCode::UNAUTHORIZED,
            Failure::ReadOnly => StatusCode::FORBIDDEN,
            Failure::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
            Failure::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Failure::UnknownMethod => StatusCode::NOT_FOUND,
            Failure::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            Failure::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            Failure::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn message(&self) -> String {
        match self {
            Failure::Code(m) => m.clone(),
            Failure::BadRequest(m) => (*m).to_owned(),
            Failure::Unauthorized => "authentication failed".into(),
            Failure::Suspended => "account suspended".into(),
            Failure::ReadOnly => "forbidden: this API token is read-only".into(),
            Failure::RateLimited { .. } => "too many requests".into(),
            Failure::TooLarge => "request body too large".into(),
            Failure::UnknownMethod => "unknown method".into(),
            Failure::MethodNotAllowed => "method not allowed: use GET or POST".into(),
            Failure::Unavailable(_) | Failure::Internal(_) => "something went wrong".into(),
        }
    }

    pub(super) fn respond(&self, format: Format) -> HttpResponse {
        // `parent: None`: the request's span holds the URL, and with it the
        // auth_token, which must not reach the logs.
        match self {
            Failure::Internal(cause) => {
                tracing::error!(parent: None, %cause, "Pinboard API request failed");
            }
            Failure::Unavailable(cause) => {
                tracing::warn!(parent: None, %cause, "Pinboard API request failed");
            }
            _ => {}
        }
        let mut res = render(format, self.status(), &Reply::Code(self.message()));
        let headers = res.headers_mut();
        match self {
            Failure::Unauthorized => {
                headers.insert(
                    header::WWW_AUTHENTICATE,
                    header::HeaderValue::from_static("Basic realm=\"API\""),
                );
            }
            Failure::RateLimited { wait } => {
                let secs = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
                headers.insert(header::RETRY_AFTER, secs.max(1).into());
            }
            Failure::Unavailable(_) => {
                headers.insert(
                    header::RETRY_AFTER,
                    crate::error::UNAVAILABLE_RETRY_SECS.into(),
                );
            }
            _ => {}
        }
        res
    }
}

impl From<ApiError> for Failure {
    fn from(e: ApiError) -> Self {
        match e {
            ApiError::Unauthorized(_) => Failure::Unauthorized,
            ApiError::Suspended(_) => Failure::Suspended,
            ApiError::NotFound(_) => Failure::code("item not found"),
            ApiError::Unavailable(cause) => Failure::Unavailable(cause),
            ApiError::Internal(cause) => Failure::Internal(cause),
            other => Failure::Code(other.to_string()),
        }
    }
}
