//! Fixtures shared by the storage tests.

use bukuma_db::bookmarks::{SaveOutcome, WriteOptions};
use bukuma_db::models::Bookmark;
use bukuma_db::testing::audit;
use bukuma_db::testing::builders::{write_options, BookmarkBuilder, UserBuilder};
use bukuma_db::Db;
use bukuma_domain::UserId;

pub fn opts() -> WriteOptions {
    write_options()
}

/// Creates a user named `name`; returns its id.
pub fn user(db: &Db, name: &str) -> UserId {
    db.write(|c| UserBuilder::new(name).insert(c))
        .expect("create user")
        .id
}

pub struct Mark<'a> {
    pub url: &'a str,
    pub comment: &'a str,
    pub tags: &'a [&'a str],
    pub private: bool,
}

/// Saves `m` for `user_id` outside a transaction, as the JSON API does;
/// returns the bookmark and whether it was created.
pub fn mark(db: &Db, user_id: UserId, m: Mark<'_>) -> (Bookmark, bool) {
    let comment = m.comment.to_owned();
    let bookmark = BookmarkBuilder::new(user_id, m.url)
        .title("A title")
        .tags(m.tags)
        .is_private(m.private);
    db.write_autocommit(move |c| bookmark.clone().comment(&comment).save(c))
        .map(|(view, outcome)| (view.bookmark, outcome == SaveOutcome::Created))
        .expect("save")
}

pub fn public<'a>(url: &'a str, comment: &'a str, tags: &'a [&'a str]) -> Mark<'a> {
    Mark {
        url,
        comment,
        tags,
        private: false,
    }
}

pub fn private<'a>(url: &'a str, comment: &'a str, tags: &'a [&'a str]) -> Mark<'a> {
    Mark {
        private: true,
        ..public(url, comment, tags)
    }
}

pub fn assert_consistent(db: &Db) {
    let problems = db.read(audit::check_counters).expect("audit");
    assert!(problems.is_empty(), "counters differ: {problems:#?}");
}
