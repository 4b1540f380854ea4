//! Users.

use bukuma_db::both_backends;
use bukuma_db::testing::builders::UserBuilder;
use bukuma_db::{users, Db, DbError};

use crate::common::user;

fn usernames_are_unique_case_insensitively(db: &Db) {
    user(db, "Alice");
    let err = db.write(|c| {
        UserBuilder::new("alice")
            .display_name("x")
            .created_at(0)
            .insert(c)
    });
    assert!(matches!(err, Err(DbError::Conflict(_))));
    assert_eq!(
        db.read(|c| users::find_by_name(c, "ALICE"))
            .expect("find")
            .map(|u| u.username),
        Some("Alice".into())
    );
}
both_backends!(usernames_are_unique_case_insensitively);
