//! The caller of a request, from its `Authorization: Bearer` header.

use std::future::Future;
use std::pin::Pin;

use actix_web::http::header;
use actix_web::{web, FromRequest, HttpMessage, HttpRequest};
use bukuma_domain::{Scope, UserId};

use crate::auth::{hash_secret, API_TOKEN_PREFIX};
use crate::error::ApiError;
use crate::state::AppState;

/// Longest `Authorization` value considered.
const MAX_CREDENTIAL_LEN: usize = 2048;

/// Who is calling: an authenticated user with a scope.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Principal {
    pub user_id: UserId,
    pub scope: Scope,
}

/// The caller of a request, if they presented credentials. Bad credentials
/// are rejected (401) even where anonymous access would be allowed, so every
/// API handler takes a `Viewer`, also those that do not use it.
#[derive(Debug, Clone, Copy)]
pub struct Viewer(pub Option<Principal>);

impl Viewer {
    pub fn user_id(&self) -> Option<UserId> {
        self.0.map(|p| p.user_id)
    }

    /// The caller, who must be authenticated.
    pub fn require(&self) -> Result<Principal, ApiError> {
        self.0
            .ok_or_else(|| ApiError::Unauthorized("sign in or send a Bearer token".into()))
    }

    /// The caller, who must be authenticated with a token that may write.
    pub fn require_write(&self) -> Result<Principal, ApiError> {
        let p = self.require()?;
        if p.scope.can_write() {
            Ok(p)
        } else {
            Err(ApiError::Forbidden("this token is read-only".into()))
        }
    }
}

impl FromRequest for Viewer {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Viewer, ApiError>>>>;

    fn from_request(req: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        let credential = bearer(req);
        let state = req.app_data::<web::Data<AppState>>().cloned();
        let req = req.clone();
        Box::pin(async move {
            let viewer = Self::resolve(credential, state).await?;
            // For `note_writers`, and for the replica's reads.
            if let Some(p) = viewer.0 {
                req.extensions_mut().insert(p);
                crate::routing::set_viewer(p.user_id);
            }
            Ok(viewer)
        })
    }
}

/// A signed-in caller; anyone else gets a 401.
#[derive(Debug, Clone, Copy)]
pub struct SignedIn(pub Principal);

/// A signed-in caller whose credentials may write; anyone else gets a 401
/// or, with a read-only token, a 403.
#[derive(Debug, Clone, Copy)]
pub struct Writer(pub Principal);

impl std::ops::Deref for SignedIn {
    type Target = Principal;
    fn deref(&self) -> &Principal {
        &self.0
    }
}

impl std::ops::Deref for Writer {
    type Target = Principal;
    fn deref(&self) -> &Principal {
        &self.0
    }
}

impl FromRequest for SignedIn {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<SignedIn, ApiError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut actix_web::dev::Payload) -> Self::Future {
        let viewer = Viewer::from_request(req, payload);
        Box::pin(async move { viewer.await?.require().map(SignedIn) })
    }
}

impl FromRequest for Writer {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Writer, ApiError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut actix_web::dev::Payload) -> Self::Future {
        let viewer = Viewer::from_request(req, payload);
        Box::pin(async move { viewer.await?.require_write().map(Writer) })
    }
}

impl Viewer {
    /// The caller the credential names, if any.
    async fn resolve(
        credential: Result<Option<String>, ApiError>,
        state: Option<web::Data<AppState>>,
    ) -> Result<Viewer, ApiError> {
        let Some(token) = credential? else {
            return Ok(Viewer(None));
        };
        let state = state.ok_or_else(|| ApiError::Internal("no app state".into()))?;
        if token.starts_with(API_TOKEN_PREFIX) {
            let hash = hash_secret(&token);
            let db = state.db.clone();
            let found = web::block(move || {
                let t = db.read(|c| {
                    let Some(t) = bukuma_db::tokens::find_api_token(c, &hash)? else {
                        return Ok(None);
                    };
                    let suspended = bukuma_db::moderation::suspended_at(c, t.user_id)?.is_some();
                    Ok(Some((t, suspended)))
                })?;
                let now = bukuma_db::now_micros();
                if let Some((t, _)) = t
                    .as_ref()
                    .filter(|(t, suspended)| !suspended && bukuma_db::tokens::needs_touch(t, now))
                {
                    db.write(|c| bukuma_db::tokens::touch_api_token(c, t.id, now))?;
                }
                Ok::<_, bukuma_db::DbError>(t)
            })
            .await??;
            let (t, suspended) =
                found.ok_or_else(|| ApiError::Unauthorized("invalid API token".into()))?;
            if suspended {
                return Err(ApiError::Suspended(crate::routes::auth::SUSPENDED.into()));
            }
            let scope = Scope::from_db(&t.scope).unwrap_or(Scope::Read);
            Ok(Viewer(Some(Principal {
                user_id: t.user_id,
                scope,
            })))
        } else {
            let claims = state.jwt.verify_claims(&token)?;
            let user_id = claims.user_id;
            match state.suspensions.session(&state, user_id).await? {
                None => return Err(ApiError::Unauthorized("invalid access token".into())),
                Some((true, _)) => {
                    return Err(ApiError::Suspended(crate::routes::auth::SUSPENDED.into()))
                }
                Some((false, gen)) if claims.gen < gen => {
                    return Err(ApiError::Unauthorized(
                        "this session was signed out; sign in again".into(),
                    ))
                }
                Some(_) => {}
            }
            Ok(Viewer(Some(Principal {
                user_id,
                scope: Scope::Write,
            })))
        }
    }
}

/// The Bearer credential of a request: `Ok(None)` without an `Authorization`
/// header, an error when it is present but malformed.
pub(crate) fn bearer(req: &HttpRequest) -> Result<Option<String>, ApiError> {
    let Some(value) = req.headers().get(header::AUTHORIZATION) else {
        return Ok(None);
    };
    let bad = || {
        ApiError::Unauthorized("malformed Authorization header; expected `Bearer <token>`".into())
    };
    let value = value.to_str().map_err(|_| bad())?;
    if value.len() > MAX_CREDENTIAL_LEN {
        return Err(bad());
    }
    let (scheme, token) = value.trim().split_once(' ').ok_or_else(bad)?;
    let token = token.trim();
    if !scheme.eq_ignore_ascii_case("bearer") || token.is_empty() {
        return Err(bad());
    }
    Ok(Some(token.to_owned()))
}
