//! Versions that tell caches what changed.

use bukuma_db::both_backends;
use bukuma_db::Db;

use crate::common::{mark, user, Mark};

/// A committed write moves the versions of what it touched, and only those.
fn writes_move_the_versions_of_what_they_touch(db: &Db) {
    use bukuma_db::versions::{user_list_scope, Scope};
    let a = user(db, "versioned");
    let b = user(db, "bystander");
    let (first, _) = mark(
        db,
        a,
        Mark {
            url: "https://versions.example/1",
            comment: "",
            tags: &[],
            private: false,
        },
    );
    let before = |s| db.versions().get(s);
    let (va, vb, ve) = (
        before(user_list_scope(a, None)),
        before(user_list_scope(b, None)),
        before(Scope::Entry(first.entry_id)),
    );
    mark(
        db,
        a,
        Mark {
            url: "https://versions.example/1",
            comment: "changed",
            tags: &[],
            private: false,
        },
    );
    assert_ne!(db.versions().get(user_list_scope(a, None)), va);
    assert_ne!(db.versions().get(Scope::Entry(first.entry_id)), ve);
    assert_eq!(db.versions().get(user_list_scope(b, None)), vb);
}

both_backends!(writes_move_the_versions_of_what_they_touch);
