//! Keyset pagination parameters: `limit` and `cursor`.

use std::future::{ready, Ready};

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest};
use bukuma_domain::Cursor;
use serde::Deserialize;
use utoipa::IntoParams;

use crate::error::ApiError;

pub const DEFAULT_LIMIT: u32 = 20;
pub const MAX_LIMIT: u32 = 100;

/// The page a list request asks for: its size and where the previous page
/// ended. Checked here, so handlers get a valid size and a well-formed cursor.
#[derive(Debug, Clone)]
pub struct Page {
    /// Items per page: 1–100, default 20.
    pub limit: usize,
    cursor: Option<Cursor>,
}

/// The query parameters of a page, as documented.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageParams {
    /// Items per page, 1–100 (default 20).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page.
    #[param(max_length = 64)]
    pub cursor: Option<String>,
}

impl Page {
    /// The sort keys of the previous page's last item; a cursor made for a
    /// list with another number of keys is a field error.
    pub fn after<const N: usize>(&self) -> Result<Option<[i64; N]>, ApiError> {
        self.cursor
            .as_ref()
            .map(|c| <[i64; N]>::try_from(c.keys()).map_err(|_| malformed()))
            .transpose()
    }

    /// [`Page::after`] for lists whose number of keys depends on the request.
    pub fn after_keys(&self, keys: usize) -> Result<Option<Vec<i64>>, ApiError> {
        match &self.cursor {
            Some(c) if c.keys().len() != keys => Err(malformed()),
            c => Ok(c.as_ref().map(|c| c.keys().to_vec())),
        }
    }
}

fn malformed() -> ApiError {
    ApiError::field("cursor", bukuma_domain::CursorError::Malformed)
}

/// The cursor to send for the page after one that ended with `keys`.
pub fn next_cursor(keys: Option<Vec<i64>>) -> Option<String> {
    keys.map(|k| Cursor::new(k).encode())
}

impl TryFrom<PageParams> for Page {
    type Error = ApiError;

    fn try_from(p: PageParams) -> Result<Self, ApiError> {
        let limit = match p.limit {
            None => DEFAULT_LIMIT as usize,
            Some(n) if (1..=MAX_LIMIT).contains(&n) => n as usize,
            Some(_) => return Err(ApiError::field("limit", "must be between 1 and 100")),
        };
        let cursor = p
            .cursor
            .map(|c| Cursor::decode_any(&c).map_err(|e| ApiError::field("cursor", e)))
            .transpose()?;
        Ok(Page { limit, cursor })
    }
}

impl FromRequest for Page {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(super::query::parse::<PageParams>(req.query_string()).and_then(Page::try_from))
    }
}
