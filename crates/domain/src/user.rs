//! Users: names, passwords, profiles, roles and token scopes.

use serde::{Deserialize, Serialize};
use thiserror::Error;

/// Top-level SPA and server routes; user pages live at `/{username}`, so
/// these can never be usernames (compared case-insensitively).
pub const RESERVED_USERNAMES: &[&str] = &[
    "about",
    "add",
    "admin",
    "api",
    "assets",
    "bookmarklet",
    "docs",
    "entry",
    "entries",
    "explore",
    "favicon.ico",
    "feed",
    "healthz",
    "help",
    "hot",
    "login",
    "logout",
    "me",
    "metrics",
    "new",
    "notifications",
    "readyz",
    "register",
    "robots.txt",
    "search",
    "settings",
    "signup",
    "site",
    "static",
    "t",
    "tag",
    "tags",
    "user",
    "users",
    // Hatena-compatible endpoints and the paths their clients expect.
    "apps",
    "atom",
    "bookmark",
    "bookmarks",
    "button",
    "button.js",
    "categories",
    "category",
    "count",
    "oauth",
    "rest",
    "rss",
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
        let len = input.chars().count();
        if !(USERNAME_MIN..=USERNAME_MAX).contains(&len) {
            return Err(UsernameError::Length);
        }
        if !input
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        {
            return Err(UsernameError::Characters);
        }
        if RESERVED_USERNAMES
            .iter()
            .any(|reserved| reserved.eq_ignore_ascii_case(input))
        {
            return Err(UsernameError::Reserved);
        }
        Ok(Username(input.to_owned()))
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
        let len = input.chars().count();
        if !(PASSWORD_MIN..=PASSWORD_MAX).contains(&len) {
            return Err(PasswordError::Length);
        }
        Ok(Password(input.to_owned()))
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
        if input.trim().chars().any(char::is_control) {
            return Err(ProfileError::ControlCharacters);
        }
        let input = crate::text::strip_forbidden(input);
        let name = input.trim();
        if name.is_empty() {
            return Err(ProfileError::Empty);
        }
        if name.chars().count() > DISPLAY_NAME_MAX {
            return Err(ProfileError::TooLong(DISPLAY_NAME_MAX));
        }
        if name.chars().any(char::is_control) {
            return Err(ProfileError::ControlCharacters);
        }
        Ok(DisplayName(name.to_owned()))
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
        if crate::bookmark::has_control_besides_whitespace(input) {
            return Err(ProfileError::ControlCharacters);
        }
        let input = crate::text::strip_forbidden(input);
        let bio = input.trim();
        if bio.chars().count() > BIO_MAX {
            return Err(ProfileError::TooLong(BIO_MAX));
        }
        if bio
            .chars()
            .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
        {
            return Err(ProfileError::ControlCharacters);
        }
        Ok(Bio(bio.to_owned()))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
    pub fn into_string(self) -> String {
        self.0
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(
    feature = "diesel",
    derive(diesel::AsExpression, diesel::FromSqlRow),
    diesel(sql_type = diesel::sql_types::Text)
)]
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

#[cfg(test)]
mod tests {
    use super::*;

    // --- Username ---

    #[test]
    fn username_accepts_letters_digits_underscore_and_hyphen() {
        for name in ["abc", "Alice_01", "a-b", "___", "---", "ABC", "x1y2z3"] {
            let parsed = Username::parse(name).expect("username should be valid");
            assert_eq!(parsed.as_str(), name);
        }
    }

    #[test]
    fn username_length_is_3_to_32() {
        assert_eq!(Username::parse(""), Err(UsernameError::Length));
        assert_eq!(Username::parse("ab"), Err(UsernameError::Length));
        assert!(Username::parse("abc").is_ok());
        assert!(Username::parse(&"a".repeat(32)).is_ok());
        assert_eq!(Username::parse(&"a".repeat(33)), Err(UsernameError::Length));
    }

    #[test]
    fn username_length_counts_characters_and_is_checked_before_characters() {
        // Two non-ASCII characters: too short, even though they are 6 bytes.
        assert_eq!(Username::parse("日本"), Err(UsernameError::Length));
        // Three non-ASCII characters: right length, wrong characters.
        assert_eq!(Username::parse("日本語"), Err(UsernameError::Characters));
        assert_eq!(Username::parse("a!"), Err(UsernameError::Length));
        assert_eq!(
            Username::parse(&format!("{}!", "a".repeat(32))),
            Err(UsernameError::Length)
        );
    }

    #[test]
    fn username_rejects_other_characters() {
        for name in [
            "a.b.c",
            "a b c",
            "abc ",
            " abc",
            "ab@c",
            "ab/c",
            "ab:c",
            "ábc",
            "abc\n",
            "ａｂｃ",
        ] {
            assert_eq!(
                Username::parse(name),
                Err(UsernameError::Characters),
                "{name:?}"
            );
        }
    }

    #[test]
    fn hatena_compatible_paths_are_not_usernames() {
        for name in [
            "count",
            "Count",
            "entry",
            "rest",
            "search",
            "hot",
            "new",
            "categories",
            "oauth",
            "button",
        ] {
            assert_eq!(
                Username::parse(name),
                Err(UsernameError::Reserved),
                "{name}"
            );
        }
        // `button.js` cannot be a username anyway: '.' is not allowed.
        assert_eq!(Username::parse("button.js"), Err(UsernameError::Characters));
    }

    #[test]
    fn username_rejects_reserved_names_case_insensitively() {
        for name in [
            "admin",
            "ADMIN",
            "Admin",
            "api",
            "Settings",
            "notifications",
            "users",
        ] {
            assert_eq!(
                Username::parse(name),
                Err(UsernameError::Reserved),
                "{name}"
            );
        }
    }

    #[test]
    fn username_reserved_check_comes_after_length_and_characters() {
        // "me" and "t" are reserved but too short anyway.
        assert_eq!(Username::parse("me"), Err(UsernameError::Length));
        assert_eq!(Username::parse("t"), Err(UsernameError::Length));
        // "robots.txt" is reserved but has an invalid character.
        assert_eq!(
            Username::parse("robots.txt"),
            Err(UsernameError::Characters)
        );
    }

    #[test]
    fn username_allows_names_that_only_contain_reserved_words() {
        for name in ["admin2", "the-admin", "apis", "my_settings"] {
            assert!(Username::parse(name).is_ok(), "{name}");
        }
    }

    #[test]
    fn every_reserved_username_is_lowercase() {
        for reserved in RESERVED_USERNAMES {
            assert_eq!(*reserved, reserved.to_ascii_lowercase());
        }
    }

    #[test]
    fn username_preserves_case_and_lower_folds_it() {
        let name = Username::parse("Alice_Bob").expect("username should be valid");
        assert_eq!(name.as_str(), "Alice_Bob");
        assert_eq!(name.lower(), "alice_bob");
        let other = Username::parse("alice_bob").expect("username should be valid");
        assert_ne!(name, other);
        assert_eq!(name.lower(), other.lower());
    }

    // --- Password ---

    fn password_error(input: &str) -> Option<PasswordError> {
        Password::parse(input).err()
    }

    #[test]
    fn password_length_is_8_to_256_characters() {
        assert_eq!(password_error(""), Some(PasswordError::Length));
        assert_eq!(password_error("1234567"), Some(PasswordError::Length));
        assert_eq!(password_error("12345678"), None);
        assert_eq!(password_error(&"x".repeat(256)), None);
        assert_eq!(
            password_error(&"x".repeat(257)),
            Some(PasswordError::Length)
        );
    }

    #[test]
    fn password_length_counts_unicode_scalar_values_not_bytes() {
        // 7 characters but 21 bytes: too short.
        assert_eq!(
            password_error("パスワードです"),
            Some(PasswordError::Length)
        );
        // 8 characters: fine.
        assert_eq!(password_error("パスワードですよ"), None);
        // 256 three-byte characters (768 bytes): still fine.
        assert_eq!(password_error(&"語".repeat(256)), None);
        assert_eq!(
            password_error(&"語".repeat(257)),
            Some(PasswordError::Length)
        );
    }

    #[test]
    fn password_is_not_trimmed() {
        let password = Password::parse("  secret  ").expect("password should be valid");
        assert_eq!(password.expose(), "  secret  ");
        // Spaces count towards the length.
        assert!(Password::parse(" abcdef ").is_ok());
    }

    #[test]
    fn password_debug_never_shows_the_secret() {
        let password = Password::parse("hunter2hunter2").expect("password should be valid");
        let shown = format!("{password:?}");
        assert!(!shown.contains("hunter2"));
        assert_eq!(shown, "Password(***)");
    }

    // --- DisplayName ---

    #[test]
    fn display_name_is_trimmed() {
        let name = DisplayName::parse("  Alice Liddell \t").expect("name should be valid");
        assert_eq!(name.as_str(), "Alice Liddell");
        assert_eq!(name.into_string(), "Alice Liddell");
    }

    #[test]
    fn display_name_must_not_be_empty() {
        assert_eq!(DisplayName::parse(""), Err(ProfileError::Empty));
        assert_eq!(
            DisplayName::parse(" \n\t\u{3000} "),
            Err(ProfileError::Empty)
        );
    }

    #[test]
    fn display_name_is_at_most_64_characters() {
        assert!(DisplayName::parse(&"あ".repeat(64)).is_ok());
        assert_eq!(
            DisplayName::parse(&"あ".repeat(65)),
            Err(ProfileError::TooLong(64))
        );
        // Surrounding whitespace does not count.
        assert!(DisplayName::parse(&format!("  {}  ", "a".repeat(64))).is_ok());
    }

    #[test]
    fn display_name_rejects_control_characters_including_newlines_and_tabs() {
        for input in [
            "a\nb",
            "a\tb",
            "a\rb",
            "a\u{0}b",
            "a\u{1b}[31mb",
            "a\u{7f}b",
            "a\u{85}b",
        ] {
            assert_eq!(
                DisplayName::parse(input),
                Err(ProfileError::ControlCharacters),
                "{input:?}"
            );
        }
    }

    #[test]
    fn display_name_allows_unicode_and_inner_spaces() {
        let name = DisplayName::parse("はてな 太郎 🎉").expect("name should be valid");
        assert_eq!(name.as_str(), "はてな 太郎 🎉");
    }

    // --- Bio ---

    #[test]
    fn bio_is_trimmed_and_may_be_empty() {
        assert_eq!(Bio::parse("").map(Bio::into_string), Ok(String::new()));
        assert_eq!(Bio::parse("  \n ").map(Bio::into_string), Ok(String::new()));
        assert_eq!(
            Bio::parse("\n  Hello  \n").map(Bio::into_string),
            Ok("Hello".to_owned())
        );
    }

    #[test]
    fn bio_is_at_most_500_characters() {
        assert!(Bio::parse(&"語".repeat(500)).is_ok());
        assert_eq!(
            Bio::parse(&"語".repeat(501)),
            Err(ProfileError::TooLong(500))
        );
    }

    #[test]
    fn bio_keeps_newlines_and_tabs_inside() {
        let bio = Bio::parse("line one\r\nline two\n\tindented").expect("bio should be valid");
        assert_eq!(bio.as_str(), "line one\r\nline two\n\tindented");
    }

    #[test]
    fn bio_rejects_other_control_characters() {
        for input in [
            "a\u{0}b", "a\u{7}b", "a\u{1b}b", "a\u{7f}b", "a\u{9f}b", "a\u{b}b",
        ] {
            assert_eq!(
                Bio::parse(input),
                Err(ProfileError::ControlCharacters),
                "{input:?}"
            );
        }
    }

    // --- Role and Scope ---

    #[test]
    fn role_roundtrips_through_its_stored_form() {
        for role in [Role::User, Role::Admin] {
            assert_eq!(Role::from_db(role.as_str()), Some(role));
        }
        assert_eq!(Role::from_db("Admin"), None);
        assert_eq!(Role::from_db("root"), None);
    }

    #[test]
    fn scope_roundtrips_and_only_write_can_write() {
        for scope in [Scope::Read, Scope::Write] {
            assert_eq!(Scope::from_db(scope.as_str()), Some(scope));
        }
        assert_eq!(Scope::from_db("admin"), None);
        assert!(Scope::Write.can_write());
        assert!(!Scope::Read.can_write());
    }

    #[test]
    fn display_name_and_bio_lose_noncharacters() {
        assert_eq!(
            DisplayName::parse("Al\u{FFFE}ice\u{FFFF}").map(DisplayName::into_string),
            Ok("Alice".to_owned())
        );
        assert_eq!(
            Bio::parse("line\u{FFFF}\nnext").map(Bio::into_string),
            Ok("line\nnext".to_owned())
        );
        assert_eq!(DisplayName::parse("\u{FFFF}"), Err(ProfileError::Empty));
        assert_eq!(
            DisplayName::parse("a\u{1}b"),
            Err(ProfileError::ControlCharacters)
        );
    }
}
