//! Builders for the rows a test starts from: each has the defaults a test
//! does not care about, setters for what it does, and writes through the
//! same query functions the application uses.
//!
//! ```ignore
//! let alice = db.write(|c| UserBuilder::new("alice").admin().insert(c))?;
//! let view = db.write(|c| {
//!     BookmarkBuilder::new(alice.id, "https://example.com/")
//!         .comment("a comment")
//!         .tags(&["rust"])
//!         .private()
//!         .insert(c)
//! })?;
//! ```

use bukuma_domain::{NormalizedUrl, Role, Tags, UserId};

use crate::bookmarks::{self, BookmarkInput, IfExists, SaveOutcome, WriteOptions};
use crate::models::{BookmarkView, Entry, NewUser, User};
use crate::{now_micros, users, DbConnection, DbError};

/// Public bookmarks an entry needs to appear among new entries, as the
/// application's default configuration has it.
pub const NEW_ENTRY_THRESHOLD: i64 = 3;

/// Write options at the current time with the default threshold.
pub fn write_options() -> WriteOptions {
    WriteOptions {
        now: now_micros(),
        new_entry_threshold: NEW_ENTRY_THRESHOLD,
    }
}

/// A user: role `user`, display name the username, empty bio, password hash
/// `x` (which no password matches) and created now.
#[derive(Debug, Clone)]
pub struct UserBuilder<'a> {
    username: &'a str,
    display_name: Option<&'a str>,
    bio: &'a str,
    role: Role,
    password_hash: &'a str,
    created_at: Option<i64>,
}

impl<'a> UserBuilder<'a> {
    pub fn new(username: &'a str) -> Self {
        UserBuilder {
            username,
            display_name: None,
            bio: "",
            role: Role::User,
            password_hash: "x",
            created_at: None,
        }
    }

    pub fn display_name(mut self, display_name: &'a str) -> Self {
        self.display_name = Some(display_name);
        self
    }

    pub fn bio(mut self, bio: &'a str) -> Self {
        self.bio = bio;
        self
    }

    pub fn admin(mut self) -> Self {
        self.role = Role::Admin;
        self
    }

    pub fn password_hash(mut self, hash: &'a str) -> Self {
        self.password_hash = hash;
        self
    }

    /// Creation and update time, in microseconds since the epoch.
    pub fn created_at(mut self, micros: i64) -> Self {
        self.created_at = Some(micros);
        self
    }

    pub fn insert(self, conn: &mut DbConnection) -> Result<User, DbError> {
        let at = self.created_at.unwrap_or_else(now_micros);
        users::create(
            conn,
            &NewUser {
                username: self.username,
                username_lower: &self.username.to_lowercase(),
                display_name: self.display_name.unwrap_or(self.username),
                bio: self.bio,
                role: self.role,
                password_hash: self.password_hash,
                created_at: at,
                updated_at: at,
            },
        )
    }
}

/// A bookmark of `url` by `user_id`, saved through `bookmarks::save` as the
/// JSON API saves it. Unset fields are left out of the input: a new
/// bookmark takes their defaults (public, no title, comment or tags), an
/// existing one keeps its values.
#[derive(Debug, Clone)]
pub struct BookmarkBuilder<'a> {
    user_id: UserId,
    url: NormalizedUrl,
    title: Option<&'a str>,
    comment: Option<&'a str>,
    note: Option<&'a str>,
    tags: Option<Tags>,
    private: Option<bool>,
    read_later: Option<bool>,
    created_at: Option<i64>,
    options: Option<WriteOptions>,
}

impl<'a> BookmarkBuilder<'a> {
    /// Panics when `url` is not a valid bookmark URL.
    pub fn new(user_id: UserId, url: &str) -> Self {
        BookmarkBuilder {
            user_id,
            url: NormalizedUrl::parse(url).unwrap_or_else(|e| panic!("invalid URL {url:?}: {e:?}")),
            title: None,
            comment: None,
            note: None,
            tags: None,
            private: None,
            read_later: None,
            created_at: None,
            options: None,
        }
    }

    pub fn title(mut self, title: &'a str) -> Self {
        self.title = Some(title);
        self
    }

    pub fn comment(mut self, comment: &'a str) -> Self {
        self.comment = Some(comment);
        self
    }

    pub fn note(mut self, note: &'a str) -> Self {
        self.note = Some(note);
        self
    }

    /// Panics when a tag is invalid.
    pub fn tags<S: AsRef<str> + std::fmt::Debug>(mut self, tags: &[S]) -> Self {
        self.tags =
            Some(Tags::parse(tags).unwrap_or_else(|e| panic!("invalid tags {tags:?}: {e:?}")));
        self
    }

    pub fn private(self) -> Self {
        self.is_private(true)
    }

    pub fn is_private(mut self, private: bool) -> Self {
        self.private = Some(private);
        self
    }

    pub fn read_later(mut self) -> Self {
        self.read_later = Some(true);
        self
    }

    /// Original bookmarking time, as an import gives it.
    pub fn created_at(mut self, micros: i64) -> Self {
        self.created_at = Some(micros);
        self
    }

    /// Write options other than [`write_options`].
    pub fn options(mut self, options: WriteOptions) -> Self {
        self.options = Some(options);
        self
    }

    /// Saves the bookmark (updating the user's bookmark of the URL if there
    /// is one); returns it and what the save did.
    pub fn save(&self, conn: &mut DbConnection) -> Result<(BookmarkView, SaveOutcome), DbError> {
        let input = BookmarkInput {
            title: self.title,
            comment: self.comment,
            note: self.note,
            tags: self.tags.as_ref(),
            is_private: self.private,
            read_later: self.read_later,
            created_at: self.created_at,
        };
        let options = self.options.unwrap_or_else(write_options);
        bookmarks::save(
            conn,
            self.user_id,
            &self.url,
            &input,
            options,
            IfExists::Update,
        )
    }

    /// Saves the bookmark and returns it.
    pub fn insert(&self, conn: &mut DbConnection) -> Result<BookmarkView, DbError> {
        self.save(conn).map(|(view, _)| view)
    }
}

/// An entry, made as entries are: by a public bookmark of its URL, here
/// by `username` (created when missing).
#[derive(Debug, Clone)]
pub struct EntryBuilder<'a> {
    url: &'a str,
    title: &'a str,
    username: &'a str,
}

impl<'a> EntryBuilder<'a> {
    pub fn new(url: &'a str) -> Self {
        EntryBuilder {
            url,
            title: "",
            username: "reader",
        }
    }

    /// The title the entry falls back on when its page gives none.
    pub fn title(mut self, title: &'a str) -> Self {
        self.title = title;
        self
    }

    /// Who bookmarks it (default `reader`).
    pub fn bookmarked_by(mut self, username: &'a str) -> Self {
        self.username = username;
        self
    }

    pub fn insert(self, conn: &mut DbConnection) -> Result<Entry, DbError> {
        let user = match users::find_by_name(conn, self.username)? {
            Some(user) => user,
            None => UserBuilder::new(self.username).created_at(0).insert(conn)?,
        };
        BookmarkBuilder::new(user.id, self.url)
            .title(self.title)
            .insert(conn)
            .map(|view| view.entry)
    }
}
