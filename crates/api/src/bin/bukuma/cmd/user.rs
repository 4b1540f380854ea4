//! `bukuma user create`: an account made from the command line.

use std::io::Read;

use bukuma_api::{auth, Config};
use bukuma_db::models::NewUser;
use bukuma_db::{now_micros, users};
use bukuma_domain::{Password, Role, Username};

use super::{open_db, AnyError};

pub fn create(username: String, admin: bool, display_name: Option<String>) -> Result<(), AnyError> {
    let config = Config::from_env()?;
    let db = open_db(&config)?;
    let username = Username::parse(&username).map_err(|e| format!("username: {e}"))?;
    let password = read_password()?;
    let password = Password::parse(&password).map_err(|e| format!("password: {e}"))?;
    let hash = auth::hash_password(password.expose()).map_err(|e| e.to_string())?;
    let display = display_name.unwrap_or_else(|| username.as_str().to_owned());
    let display =
        bukuma_domain::DisplayName::parse(&display).map_err(|e| format!("display name: {e}"))?;
    let role = if admin { Role::Admin } else { Role::User };
    let user = db.write(|c| {
        let now = now_micros();
        users::create(
            c,
            &NewUser {
                username: username.as_str(),
                username_lower: &username.lower(),
                display_name: display.as_str(),
                bio: "",
                role,
                password_hash: &hash,
                created_at: now,
                updated_at: now,
            },
        )
    })?;
    eprintln!("created {} ({})", user.username, user.role.as_str());
    Ok(())
}

/// The password from a terminal prompt, or the first line of standard input.
fn read_password() -> Result<String, AnyError> {
    use std::io::IsTerminal;
    if std::io::stdin().is_terminal() {
        let first = rpassword::prompt_password("Password: ")?;
        let again = rpassword::prompt_password("Again: ")?;
        if first != again {
            return Err("passwords differ".into());
        }
        Ok(first)
    } else {
        let mut s = String::new();
        std::io::stdin().take(4096).read_to_string(&mut s)?;
        Ok(s.lines().next().unwrap_or("").to_owned())
    }
}
