//! Renaming and deleting tags.

use bukuma_db::both_backends;
use bukuma_db::{bookmarks, entries, schema, tags, Db};
use bukuma_domain::bookmark::tag_key;
use bukuma_domain::TagName;
use diesel::prelude::*;

use crate::common::{assert_consistent, mark, opts, private, public, user};

fn renaming_a_tag_merges_and_deleting_removes(db: &Db) {
    let a = user(db, "alice");
    mark(db, a, public("https://e.com/1", "", &["js", "javascript"]));
    mark(db, a, public("https://e.com/2", "", &["js"]));
    let (from, to) = (
        TagName::parse("js").expect("t"),
        TagName::parse("JavaScript").expect("t"),
    );
    let changed = db
        .write(|c| tags::rename(c, a, &from, &to, opts()))
        .expect("rename");
    assert_eq!(changed, 2);
    let cloud = db.read(|c| tags::user_tags(c, a, true)).expect("tags");
    assert_eq!(cloud.len(), 1);
    assert_eq!(cloud[0].count, 2);
    assert_consistent(db);
    let gone = TagName::parse("javascript").expect("t");
    db.write(|c| tags::delete(c, a, &gone, opts()))
        .expect("delete");
    assert!(db
        .read(|c| tags::user_tags(c, a, true))
        .expect("tags")
        .is_empty());
    assert_consistent(db);
}
both_backends!(renaming_a_tag_merges_and_deleting_removes);

/// Counts of the user's tag cloud by spelling-insensitive key.
fn cloud(db: &Db, user_id: bukuma_domain::UserId) -> Vec<(String, i64)> {
    let mut out: Vec<(String, i64)> = db
        .read(|c| tags::user_tags(c, user_id, true))
        .expect("tags")
        .into_iter()
        .map(|t| (tag_key(&t.name), t.count))
        .collect();
    out.sort();
    out
}

/// Tags written when keys were only lowercased (`ＲＵＳＴ` apart from
/// `rust`) are re-keyed and merged by the fixup their migration lists.
fn legacy_tag_keys_are_merged_by_the_migration(db: &Db) {
    let a = user(db, "alice");
    let b = user(db, "bob");
    let (a1, _) = mark(db, a, public("https://e.com/1", "", &["ＲＵＳＴ"]));
    let (a2, _) = mark(db, a, public("https://e.com/2", "", &["rust", "web"]));
    let (a3, _) = mark(db, a, private("https://e.com/3", "", &["ｶﾀｶﾅ", "カタカナ"]));
    let (b1, _) = mark(db, b, public("https://e.com/1", "", &["Rust"]));
    let (b2, _) = mark(db, b, public("https://e.com/4", "", &["straße"]));
    // Back to the old state: b2 listing two spellings, every key lowercased.
    db.write(|c| {
        diesel::update(schema::bookmarks::table.find(b2.id))
            .set(schema::bookmarks::tags.eq("straße STRASSE"))
            .execute(c)?;
        for id in [a1.id, a2.id, a3.id, b1.id, b2.id] {
            bookmarks::rekey_tags(c, id, tag_key, |t| t.to_lowercase(), 1)?;
        }
        Ok(())
    })
    .expect("old keys");
    let rust_keys = || {
        db.read(|c| bookmarks::ids_with_tag(c, a, "rust"))
            .expect("ids")
            .len()
    };
    assert_eq!(rust_keys(), 1, "ＲＵＳＴ was a tag of its own");
    assert_eq!(cloud(db, b).len(), 3, "straße and STRASSE were two tags");

    db.write(|c| {
        diesel::insert_into(schema::pending_fixups::table)
            .values(schema::pending_fixups::name.eq("tag_keys_casefold"))
            .execute(c)?;
        Ok(())
    })
    .expect("flag");
    db.migrate().expect("migrate");

    assert_eq!(rust_keys(), 2);
    assert_eq!(
        cloud(db, a),
        [
            ("rust".to_owned(), 2),
            ("web".to_owned(), 1),
            ("カタカナ".to_owned(), 1)
        ]
    );
    assert_eq!(
        cloud(db, b),
        [("rust".to_owned(), 1), ("strasse".to_owned(), 1)]
    );
    let b2 = db
        .read(|c| bookmarks::find(c, b2.id))
        .expect("find")
        .expect("b2");
    assert_eq!(b2.tag_list(), ["straße"], "the first spelling stays");
    let a3 = db
        .read(|c| bookmarks::find(c, a3.id))
        .expect("find")
        .expect("a3");
    assert_eq!(a3.tag_list(), ["ｶﾀｶﾅ"]);
    let tagged = db
        .read(|c| entries::tagged(c, "rust", None, 10))
        .expect("tagged");
    assert_eq!(tagged.items.len(), 2);
    assert_consistent(db);
    let pending: i64 = db
        .read(|c| Ok(schema::pending_fixups::table.count().get_result(c)?))
        .expect("count");
    assert_eq!(pending, 0);
    // A second run finds nothing left to do.
    db.migrate().expect("migrate again");
    assert_consistent(db);
}
both_backends!(legacy_tag_keys_are_merged_by_the_migration);
