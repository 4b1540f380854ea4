//! Credentials: password hashes, access tokens (JWT), and refresh and API
//! token secrets. Turning a request's credentials into a caller is the
//! [`crate::extract::Viewer`] extractor's job.

mod jwt;
pub mod oauth1;
mod password;
mod secrets;

pub use jwt::{AccessClaims, JwtKeys};
pub use password::{dummy_hash, hash_password, on_password_thread, verify_password};
pub use secrets::{
    hash_secret, hatena_app_secrets, new_identifier, new_secret, successor_secret,
    API_TOKEN_PREFIX, REFRESH_TOKEN_PREFIX,
};
