//! Invite codes for `BUKUMA_REGISTRATION=invite`, made by admins through
//! the API or the `bukuma invite` command. The code is shown once, when it
//! is made; only its hash is stored.

use bukuma_db::invites::{self, Redeem};
use bukuma_db::models::Invite;
use bukuma_db::{DbConnection, DbError};
use bukuma_domain::UserId;
use rand::RngCore;

use crate::auth::hash_secret;
use crate::views::InviteStatus;

/// Prefix of invite codes.
pub const PREFIX: &str = "inv_";
/// Most registrations one invite may be good for.
pub const MAX_USES: i64 = 10_000;
/// Longest an invite may stay valid.
pub const MAX_EXPIRES_DAYS: i64 = 3650;
/// Longest invite code considered at registration.
pub const MAX_CODE_LEN: usize = 64;

/// A new random code: 120 bits, short enough to read out or paste.
pub fn new_code() -> String {
    let mut bytes = [0u8; 15];
    rand::rng().fill_bytes(&mut bytes);
    use base64::Engine;
    format!(
        "{PREFIX}{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
    )
}

/// Checks the uses and lifetime asked for; the error names the field.
pub fn check(max_uses: i64, expires_days: Option<i64>) -> Result<(), (&'static str, String)> {
    if !(1..=MAX_USES).contains(&max_uses) {
        return Err(("max_uses", format!("must be between 1 and {MAX_USES}")));
    }
    if expires_days.is_some_and(|d| !(1..=MAX_EXPIRES_DAYS).contains(&d)) {
        return Err((
            "expires_days",
            format!("must be between 1 and {MAX_EXPIRES_DAYS}"),
        ));
    }
    Ok(())
}

/// Makes an invite; returns its code (shown this once) and the stored row.
pub fn create(
    conn: &mut DbConnection,
    code: &str,
    created_by: Option<UserId>,
    max_uses: i64,
    expires_days: Option<i64>,
    now: i64,
) -> Result<Invite, DbError> {
    let expires_at = expires_days.map(|d| now + d * 86_400_000_000);
    invites::create(
        conn,
        &hash_secret(code),
        created_by,
        max_uses,
        now,
        expires_at,
    )
}

/// Counts a use of `code` in the registration's transaction; `Err` says
/// why it cannot be used.
pub fn redeem(
    conn: &mut DbConnection,
    code: &str,
    now: i64,
) -> Result<Result<(), &'static str>, DbError> {
    Ok(match invites::redeem(conn, &hash_secret(code), now)? {
        Redeem::Redeemed(_) => Ok(()),
        Redeem::Unknown => Err("this invite code is not valid"),
        Redeem::Revoked => Err("this invite code was revoked"),
        Redeem::Expired => Err("this invite code has expired"),
        Redeem::UsedUp => Err("this invite code has been used up"),
    })
}

/// What an invite is good for now.
pub fn status(invite: &Invite, now: i64) -> InviteStatus {
    if invite.revoked_at.is_some() {
        InviteStatus::Revoked
    } else if invite.expires_at.is_some_and(|e| e <= now) {
        InviteStatus::Expired
    } else if invite.uses >= invite.max_uses {
        InviteStatus::UsedUp
    } else {
        InviteStatus::Active
    }
}
