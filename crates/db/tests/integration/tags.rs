//! Renaming and deleting tags.

use bukuma_db::both_backends;
use bukuma_db::{tags, Db};
use bukuma_domain::TagName;

use crate::common::{assert_consistent, mark, opts, public, user};

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
