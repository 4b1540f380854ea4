//! An admin caller: signed in, with the role `admin`.

use std::future::Future;
use std::pin::Pin;

use actix_web::{web, FromRequest, HttpRequest};
use bukuma_domain::Role;

use super::viewer::{Principal, Viewer};
use crate::error::ApiError;
use crate::state::AppState;

/// A signed-in admin; anonymous callers get a 401, everyone else a 403.
/// The role is read from the database on every request, so a changed role
/// holds at once.
#[derive(Debug, Clone, Copy)]
pub struct Admin(pub Principal);

impl std::ops::Deref for Admin {
    type Target = Principal;
    fn deref(&self) -> &Principal {
        &self.0
    }
}

impl Admin {
    /// The admin, whose credentials must allow writing.
    pub fn require_write(&self) -> Result<Principal, ApiError> {
        if self.0.scope.can_write() {
            Ok(self.0)
        } else {
            Err(ApiError::Forbidden("this token is read-only".into()))
        }
    }
}

impl FromRequest for Admin {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Admin, ApiError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut actix_web::dev::Payload) -> Self::Future {
        let viewer = Viewer::from_request(req, payload);
        let state = req.app_data::<web::Data<AppState>>().cloned();
        Box::pin(async move {
            let principal = viewer.await?.require()?;
            let state = state.ok_or_else(|| ApiError::Internal("no app state".into()))?;
            let id = principal.user_id;
            let role = state
                .read(move |c| Ok(bukuma_db::users::find(c, id)?.map(|u| u.role)))
                .await?;
            if role == Some(Role::Admin) {
                Ok(Admin(principal))
            } else {
                Err(ApiError::Forbidden("only admins may do this".into()))
            }
        })
    }
}
