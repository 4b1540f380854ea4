//! Errors as RFC 9457 problem documents, mapped to HTTP in this one place.

use actix_web::http::{header, StatusCode};
use actix_web::{HttpResponse, ResponseError};
use bukuma_db::DbError;
use serde::Serialize;
use utoipa::ToSchema;

/// One invalid field of a request.
#[derive(Debug, Clone, Serialize, ToSchema, PartialEq, Eq)]
pub struct FieldError {
    /// The field's name in the request (`tags[2]` for an item of a list).
    pub field: String,
    pub message: String,
}

/// An RFC 9457 problem document.
#[derive(Debug, Serialize, ToSchema)]
pub struct Problem {
    /// A stable identifier of the kind of problem, e.g. `/problems/validation`.
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    /// Per-field errors of a validation problem.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub errors: Option<Vec<FieldError>>,
}

#[derive(Debug, Clone, thiserror::Error)]
pub enum ApiError {
    #[error("{}", summarize(.0))]
    Validation(Vec<FieldError>),
    #[error("{0}")]
    BadRequest(String),
    #[error("{0}")]
    Unauthorized(String),
    /// The account is suspended: a 401 of its own kind, so that clients
    /// can tell it from bad credentials.
    #[error("{0}")]
    Suspended(String),
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    MethodNotAllowed(String),
    #[error("{0}")]
    Conflict(String),
    /// A well-formed request that breaks a rule (following oneself, a limit).
    #[error("{0}")]
    Unprocessable(String),
    #[error("{0}")]
    PayloadTooLarge(String),
    #[error("{0}")]
    UnsupportedMediaType(String),
    #[error("{0}")]
    Unavailable(String),
    /// The request body stopped arriving.
    #[error("{0}")]
    RequestTimeout(String),
    /// A limit was reached; the caller may try again in `retry_after_secs`.
    #[error("{detail}")]
    TooManyRequests {
        detail: String,
        retry_after_secs: u64,
    },
    #[error("internal error: {0}")]
    Internal(String),
}

fn summarize(errors: &[FieldError]) -> String {
    let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
    format!("invalid fields: {}", fields.join(", "))
}

impl ApiError {
    pub fn field(field: impl Into<String>, message: impl std::fmt::Display) -> Self {
        ApiError::Validation(vec![FieldError {
            field: field.into(),
            message: message.to_string(),
        }])
    }

    pub fn not_found(what: &str) -> Self {
        ApiError::NotFound(format!("{what} not found"))
    }

    fn kind(&self) -> (&'static str, &'static str) {
        match self {
            ApiError::Validation(_) => ("validation", "Invalid request"),
            ApiError::BadRequest(_) => ("bad-request", "Bad request"),
            ApiError::Unauthorized(_) => ("unauthorized", "Authentication required"),
            ApiError::Suspended(_) => ("suspended", "Account suspended"),
            ApiError::Forbidden(_) => ("forbidden", "Forbidden"),
            ApiError::NotFound(_) => ("not-found", "Not found"),
            ApiError::MethodNotAllowed(_) => ("method-not-allowed", "Method not allowed"),
            ApiError::Conflict(_) => ("conflict", "Conflict"),
            ApiError::Unprocessable(_) => ("unprocessable", "Request cannot be carried out"),
            ApiError::PayloadTooLarge(_) => ("payload-too-large", "Payload too large"),
            ApiError::UnsupportedMediaType(_) => {
                ("unsupported-media-type", "Unsupported media type")
            }
            ApiError::Unavailable(_) => ("unavailable", "Service unavailable"),
            ApiError::RequestTimeout(_) => ("request-timeout", "Request timeout"),
            ApiError::TooManyRequests { .. } => ("rate-limited", "Too many requests"),
            ApiError::Internal(_) => ("internal", "Internal server error"),
        }
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            ApiError::Validation(_) | ApiError::BadRequest(_) => StatusCode::BAD_REQUEST,
            ApiError::Unauthorized(_) | ApiError::Suspended(_) => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden(_) => StatusCode::FORBIDDEN,
            ApiError::NotFound(_) => StatusCode::NOT_FOUND,
            ApiError::MethodNotAllowed(_) => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::Conflict(_) => StatusCode::CONFLICT,
            ApiError::Unprocessable(_) => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::PayloadTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::RequestTimeout(_) => StatusCode::REQUEST_TIMEOUT,
            ApiError::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        let status = self.status_code();
        let (kind, title) = self.kind();
        let detail = match self {
            ApiError::Internal(cause) => {
                tracing::error!(%cause, "request failed");
                "the server could not complete the request".to_owned()
            }
            ApiError::Unavailable(cause) => {
                tracing::warn!(%cause, "service unavailable");
                cause.clone()
            }
            other => other.to_string(),
        };
        let problem = Problem {
            kind: format!("/problems/{kind}"),
            title: title.to_owned(),
            status: status.as_u16(),
            detail,
            errors: match self {
                ApiError::Validation(e) => Some(e.clone()),
                _ => None,
            },
        };
        let mut res = HttpResponse::build(status);
        res.content_type("application/problem+json");
        if status == StatusCode::UNAUTHORIZED {
            res.insert_header((header::WWW_AUTHENTICATE, "Bearer"));
        }
        match self {
            ApiError::TooManyRequests {
                retry_after_secs, ..
            } => {
                res.insert_header((header::RETRY_AFTER, (*retry_after_secs).max(1)));
            }
            ApiError::Unavailable(_) => {
                res.insert_header((header::RETRY_AFTER, UNAVAILABLE_RETRY_SECS));
            }
            _ => {}
        }
        res.json(problem)
    }
}

/// `Retry-After` of a 503: a database restart or failover takes seconds.
pub const UNAVAILABLE_RETRY_SECS: u64 = 1;

impl From<DbError> for ApiError {
    fn from(e: DbError) -> Self {
        match e {
            DbError::NotFound => ApiError::NotFound("not found".into()),
            DbError::Conflict(msg) => ApiError::Conflict(msg.into()),
            // The server restarting or unreachable, the pool exhausted, or
            // (DbError::Batch) another write of the batch or the commit
            // failed: the request may be sent again.
            e if e.is_unavailable() => ApiError::Unavailable(format!("database unavailable: {e}")),
            other => ApiError::Internal(other.to_string()),
        }
    }
}

impl From<actix_web::error::BlockingError> for ApiError {
    fn from(e: actix_web::error::BlockingError) -> Self {
        ApiError::Internal(e.to_string())
    }
}

/// Collects field errors of one request before reporting all of them at once.
#[derive(Default)]
pub struct Fields(Vec<FieldError>);

impl Fields {
    /// Records `result`'s error under `field` and returns its value.
    pub fn check<T, E: std::fmt::Display>(
        &mut self,
        field: &str,
        result: Result<T, E>,
    ) -> Option<T> {
        match result {
            Ok(v) => Some(v),
            Err(e) => {
                self.0.push(FieldError {
                    field: field.to_owned(),
                    message: e.to_string(),
                });
                None
            }
        }
    }

    pub fn push(&mut self, field: &str, message: impl std::fmt::Display) {
        self.0.push(FieldError {
            field: field.to_owned(),
            message: message.to_string(),
        });
    }

    pub fn finish(self) -> Result<(), ApiError> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(ApiError::Validation(self.0))
        }
    }
}

/// Marks an error response that already has its final body: the
/// Pinboard-compatible API responses in Pinboard's formats, not problem documents.
#[derive(Debug, Clone, Copy)]
pub struct OwnErrorFormat;

/// Turns error responses that are not problem documents yet (from actix's
/// own extractors and guards) into problem documents with the same status.
pub fn problem_middleware<B: actix_web::body::MessageBody + 'static>(
    res: actix_web::dev::ServiceResponse<B>,
) -> actix_web::Result<actix_web::middleware::ErrorHandlerResponse<B>> {
    use actix_web::middleware::ErrorHandlerResponse;
    let is_problem = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/problem+json"));
    if is_problem || res.response().extensions().contains::<OwnErrorFormat>() {
        return Ok(ErrorHandlerResponse::Response(res.map_into_left_body()));
    }
    let status = res.status();
    let error = match status {
        StatusCode::PAYLOAD_TOO_LARGE => ApiError::PayloadTooLarge("request body too large".into()),
        StatusCode::UNSUPPORTED_MEDIA_TYPE => {
            ApiError::UnsupportedMediaType("unsupported media type".into())
        }
        StatusCode::NOT_FOUND => ApiError::NotFound("not found".into()),
        StatusCode::METHOD_NOT_ALLOWED => ApiError::MethodNotAllowed("method not allowed".into()),
        StatusCode::UNAUTHORIZED => ApiError::Unauthorized("authentication required".into()),
        StatusCode::FORBIDDEN => ApiError::Forbidden("forbidden".into()),
        s if s.is_client_error() => {
            ApiError::BadRequest(s.canonical_reason().unwrap_or("bad request").to_lowercase())
        }
        s if s == StatusCode::SERVICE_UNAVAILABLE => {
            ApiError::Unavailable("service unavailable".into())
        }
        _ => ApiError::Internal(format!("unhandled error response {status}")),
    };
    let mut new = error.error_response();
    *new.status_mut() = status;
    let (req, _) = res.into_parts();
    Ok(ErrorHandlerResponse::Response(
        actix_web::dev::ServiceResponse::new(req, new).map_into_right_body(),
    ))
}
