//! `bukuma invite`: invite codes for `BUKUMA_REGISTRATION=invite`.

use bukuma_api::{invites, views::ts, Config};
use bukuma_db::{invites as stored, now_micros};

use super::{open_db, AnyError};

/// Makes an invite and prints its code (the only time it is shown).
pub fn create(uses: i64, expires_days: Option<i64>) -> Result<(), AnyError> {
    invites::check(uses, expires_days).map_err(|(field, m)| {
        format!(
            "--{}: {m}",
            if field == "max_uses" {
                "uses"
            } else {
                "expires-days"
            }
        )
    })?;
    let db = open_db(&Config::from_env()?)?;
    let code = invites::new_code();
    let invite = db.write(|c| invites::create(c, &code, None, uses, expires_days, now_micros()))?;
    println!("{code}");
    eprintln!(
        "invite {} made: good for {} registration(s){}",
        invite.id,
        invite.max_uses,
        invite
            .expires_at
            .map(|e| format!(", until {}", ts(e).to_rfc3339()))
            .unwrap_or_default()
    );
    Ok(())
}

/// Lists every invite, newest first.
pub fn list() -> Result<(), AnyError> {
    let db = open_db(&Config::from_env()?)?;
    let rows = db.read(stored::list)?;
    let now = now_micros();
    println!("id\tstatus\tuses\tcreated\texpires");
    for i in rows {
        let status = serde_json::to_value(invites::status(&i, now))?;
        println!(
            "{}\t{}\t{}/{}\t{}\t{}",
            i.id,
            status.as_str().unwrap_or(""),
            i.uses,
            i.max_uses,
            ts(i.created_at).to_rfc3339(),
            i.expires_at
                .map(|e| ts(e).to_rfc3339())
                .unwrap_or_else(|| "never".into()),
        );
    }
    Ok(())
}

/// Revokes an invite: its code no longer works.
pub fn revoke(id: i64) -> Result<(), AnyError> {
    let db = open_db(&Config::from_env()?)?;
    db.write(|c| stored::revoke(c, id, now_micros()))
        .map_err(|e| match e {
            bukuma_db::DbError::NotFound => format!("no invite with id {id}").into(),
            other => AnyError::from(other),
        })?;
    eprintln!("invite {id} revoked");
    Ok(())
}
