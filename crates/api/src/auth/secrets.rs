//! Opaque secrets: refresh tokens and personal API tokens, stored hashed.

use base64::Engine;
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::{Digest, Sha256};

/// Prefix of personal API tokens, so they are told apart from JWTs at a glance.
pub const API_TOKEN_PREFIX: &str = "bkm_";
/// Prefix of refresh tokens.
pub const REFRESH_TOKEN_PREFIX: &str = "bkr_";

/// A new random secret with `prefix`, 256 bits of entropy.
pub fn new_secret(prefix: &str) -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    format!(
        "{prefix}{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
    )
}

/// How token secrets are stored: SHA-256, hex. (They are random, so a slow hash adds nothing.)
pub fn hash_secret(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// The refresh token that replaces `presented` when it is rotated: derived
/// from it under the server's key, so that a client presenting the same
/// token again within the grace period gets the same successor (one chain,
/// never a fork) while only hashes are stored.
pub fn successor_secret(key: &[u8], presented: &str) -> String {
    let mut mac =
        <Hmac<Sha256> as Mac>::new_from_slice(key).expect("HMAC takes keys of any length");
    mac.update(b"bukuma refresh successor\0");
    mac.update(presented.as_bytes());
    format!(
        "{REFRESH_TOKEN_PREFIX}{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
    )
}

/// The consumer secret and access token secret of a Hatena-compatible app:
/// derived from the app's stored random seed under the server's key, so
/// that the server can sign as the client does while the database holds
/// neither secret (a copy of it alone cannot forge requests).
pub fn hatena_app_secrets(key: &[u8], seed: &str) -> (String, String) {
    let derive = |label: &[u8]| {
        let mut mac =
            <Hmac<Sha256> as Mac>::new_from_slice(key).expect("HMAC takes keys of any length");
        mac.update(b"bukuma hatena app\0");
        mac.update(label);
        mac.update(b"\0");
        mac.update(seed.as_bytes());
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
    };
    (derive(b"consumer secret"), derive(b"token secret"))
}

/// A random public identifier (an app's consumer key or access token):
/// 128 bits, URL-safe.
pub fn new_identifier() -> String {
    let mut bytes = [0u8; 16];
    rand::rng().fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}
