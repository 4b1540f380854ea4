//! `user/api_token`.

use bukuma_db::tokens;
use bukuma_domain::Scope;

use super::auth::Caller;
use super::failure::Failure;
use super::render::Reply;
use crate::auth::{hash_secret, new_secret, API_TOKEN_PREFIX};
use crate::state::AppState;

/// Name of the tokens `user/api_token` creates.
pub const API_TOKEN_NAME: &str = "Pinboard API (user/api_token)";

/// `user/api_token` returns the secret part of an `auth_token` (clients put
/// `username:` in front of it, as with Pinboard's).
///
/// bukuma stores only hashes of token secrets, so it cannot show an existing
/// token again. Called with an `auth_token`, it returns the secret the caller
/// sent, which the caller holds already. Called with a password (HTTP Basic),
/// it creates a new `write` token named [`API_TOKEN_NAME`] and returns it;
/// earlier ones keep working and are listed and revoked with the other
/// personal tokens (`/api/v1/me/tokens`).
pub(super) async fn api_token(state: &AppState, caller: &Caller) -> Result<Reply, Failure> {
    if let Some(secret) = &caller.secret {
        return Ok(Reply::Token(secret.clone()));
    }
    let secret = new_secret(API_TOKEN_PREFIX);
    let hash = hash_secret(&secret);
    let user_id = caller.user_id;
    state
        .write(move |c| {
            tokens::create_api_token(
                c,
                user_id,
                API_TOKEN_NAME,
                Scope::Write.as_str(),
                &hash,
                bukuma_db::now_micros(),
            )
        })
        .await?;
    Ok(Reply::Token(secret))
}
