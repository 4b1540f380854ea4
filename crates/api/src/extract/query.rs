//! Query strings, where repeated keys (`?tag=a&tag=b`) fill lists.

use std::future::{ready, Ready};

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest};
use serde::de::DeserializeOwned;

use crate::error::ApiError;

/// The query string parsed as `T`; keys `T` does not name are ignored.
pub struct Query<T>(pub T);

impl<T: DeserializeOwned> FromRequest for Query<T> {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(parse(req.query_string()).map(Query))
    }
}

pub(crate) fn parse<T: DeserializeOwned>(query: &str) -> Result<T, ApiError> {
    serde_html_form::from_str(query)
        .map_err(|e| ApiError::BadRequest(format!("invalid query string: {e}")))
}
