//! Users: names, passwords, profiles, roles and token scopes.

use serde::{Deserialize, Serialize};
use thiserror::Error;

/// Top-level SPA and server routes; user pages live at `/{username}`, so
/// these can never be usernames (compared case-insensitively).
pub const RESERVED_USERNAMES: &[&str] = &[
    "about", "add", "admin", "api", "assets", "bookmarklet", "docs", "entry", "entries", "explore",
    "favicon.ico", "feed", "healthz", "help", "hot", "login", "logout", "me", "metrics", "new",
    "notifications", "readyz", "register", "robots.txt", "search", "settings", "signup", "site",
    "static", "t", "tag", "tags", "user", "users",
];

pub const USERNAME_MIN: usize = 3;
pub const USERNAME_MAX: usize = 32;
pub const PASSWORD_MIN: usize = 8;
pub const PASSWORD_MAX: usize = 256;
pub const DISPLAY_NAME_MAX: usize = 64;
pub const BIO_MAX: usize = 500;

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum UsernameError {
    #[error("must be 3 to 32 characters long")]
    Length,
    #[error("may contain only letters A-Z, digits, '_' and '-'")]
    Characters,
    #[error("this name is reserved")]
    Reserved,
}

/// 3–32 of `[A-Za-z0-9_-]`, not reserved. Case is preserved; uniqueness is
/// case-insensitive (see [`Username::lower`]).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Username(String);

impl Username {
    pub fn parse(input: &str) -> Result<Self, UsernameError> {
        todo!("{input}")
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
    /// The case-folded key that must be unique.
    pub fn lower(&self) -> String {
        self.0.to_ascii_lowercase()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum PasswordError {
    #[error("must be 8 to 256 characters long")]
    Length,
}

/// A password as typed: 8–256 characters (Unicode scalar values). Debug never shows it.
#[derive(Clone)]
pub struct Password(String);

impl Password {
    pub fn parse(input: &str) -> Result<Self, PasswordError> {
        todo!("{input}")
    }
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Password(***)")
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ProfileError {
    #[error("must be at most {0} characters long")]
    TooLong(usize),
    #[error("must not contain control characters")]
    ControlCharacters,
    #[error("must not be empty")]
    Empty,
}

/// Display name: trimmed, 1–64 characters, no control characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DisplayName(String);

impl DisplayName {
    pub fn parse(input: &str) -> Result<Self, ProfileError> {
        todo!("{input}")
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
    pub fn into_string(self) -> String {
        self.0
    }
}

/// Bio: trimmed, 0–500 characters; newlines and tabs allowed, other control characters not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bio(String);

impl Bio {
    pub fn parse(input: &str) -> Result<Self, ProfileError> {
        todo!("{input}")
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
    pub fn into_string(self) -> String {
        self.0
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    User,
    Admin,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::User => "user",
            Role::Admin => "admin",
        }
    }
    /// Parses the stored form; unknown values are `None`.
    pub fn from_db(s: &str) -> Option<Self> {
        match s {
            "user" => Some(Role::User),
            "admin" => Some(Role::Admin),
            _ => None,
        }
    }
}

/// What a personal API token may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Scope {
    Read,
    Write,
}

impl Scope {
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Read => "read",
            Scope::Write => "write",
        }
    }
    pub fn from_db(s: &str) -> Option<Self> {
        match s {
            "read" => Some(Scope::Read),
            "write" => Some(Scope::Write),
            _ => None,
        }
    }
    pub fn can_write(self) -> bool {
        matches!(self, Scope::Write)
    }
}
