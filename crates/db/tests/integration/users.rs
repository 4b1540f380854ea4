//! Users.

use bukuma_db::both_backends;
use bukuma_db::testing::builders::UserBuilder;
use bukuma_db::{users, Db, DbError};
use bukuma_domain::{Role, UserId};

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

fn roles_are_stored_as_their_names_and_unknown_ones_read_as_user(db: &Db) {
    use bukuma_db::schema::users as t;
    use diesel::prelude::*;

    // The column as text, read past the mapping to `Role`.
    let stored = |id: UserId| {
        db.read(|c| Ok(t::table.find(id).select(t::role).first::<String>(c)?))
            .expect("stored role")
    };
    let admin = db
        .write(|c| UserBuilder::new("root").admin().insert(c))
        .expect("admin");
    assert_eq!(admin.role, Role::Admin);
    assert_eq!(stored(admin.id), "admin");

    let id = user(db, "bob");
    assert_eq!(stored(id), "user");
    db.write(|c| users::set_role(c, id, Role::Admin))
        .expect("set role");
    assert_eq!(stored(id), "admin");

    db.write(|c| {
        Ok(diesel::update(t::table.find(id))
            .set(t::role.eq("owner"))
            .execute(c)?)
    })
    .expect("unknown role");
    let found = db.read(|c| users::find(c, id)).expect("find");
    assert_eq!(found.map(|u| u.role), Some(Role::User));
}
both_backends!(roles_are_stored_as_their_names_and_unknown_ones_read_as_user);

fn a_name_with_a_nul_finds_nobody_on_either_backend(db: &Db) {
    user(db, "alice");
    for name in ["a\0b", "alice\0", "\0"] {
        let found = db.read(|c| users::find_by_name(c, name)).expect("no error");
        assert!(found.is_none(), "{name:?}");
    }
}
both_backends!(a_name_with_a_nul_finds_nobody_on_either_backend);
