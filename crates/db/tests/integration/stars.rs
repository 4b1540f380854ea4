//! Stars on comments.

use bukuma_db::both_backends;
use bukuma_db::stars::CommentSort;
use bukuma_db::{now_micros, stars, Db, DbError};
use bukuma_domain::BookmarkId;

use crate::common::{assert_consistent, mark, public, user, Mark};

fn comments_sort_by_stars_and_stars_are_idempotent(db: &Db) {
    let (a, b, c) = (user(db, "alice"), user(db, "bob"), user(db, "carol"));
    let (ba, _) = mark(db, a, public("https://e.com/p", "alice says", &[]));
    let (bb, _) = mark(db, b, public("https://e.com/p", "bob says", &[]));
    mark(db, c, public("https://e.com/p", "", &[]));
    for _ in 0..2 {
        db.write(|x| stars::star(x, c, ba.id, now_micros()))
            .expect("star");
    }
    assert_eq!(
        db.write(|x| stars::star(x, b, ba.id, now_micros()))
            .expect("star"),
        2
    );
    let popular = db
        .read(|x| stars::list(x, ba.entry_id, CommentSort::Popular, None, Some(c), 10))
        .expect("list");
    assert_eq!(popular.items.len(), 2, "empty comments are not comments");
    assert_eq!(popular.items[0].id, ba.id);
    assert_eq!(popular.items[0].star_count, 2);
    assert!(popular.items[0].starred_by_me);
    let recent = db
        .read(|x| stars::list(x, ba.entry_id, CommentSort::Recent, None, None, 10))
        .expect("list");
    assert_eq!(recent.items[0].id, bb.id);
    assert_eq!(db.write(|x| stars::unstar(x, c, ba.id)).expect("unstar"), 1);
    assert_eq!(db.write(|x| stars::unstar(x, c, ba.id)).expect("unstar"), 1);
    assert_consistent(db);
}
both_backends!(comments_sort_by_stars_and_stars_are_idempotent);

fn private_or_missing_comments_cannot_be_starred(db: &Db) {
    let (a, b) = (user(db, "alice"), user(db, "bob"));
    let (p, _) = mark(
        db,
        a,
        Mark {
            url: "https://e.com/",
            comment: "psst",
            tags: &[],
            private: true,
        },
    );
    assert!(matches!(
        db.write(|x| stars::star(x, b, p.id, 0)),
        Err(DbError::NotFound)
    ));
    assert!(matches!(
        db.write(|x| stars::star(x, b, BookmarkId(999_999), 0)),
        Err(DbError::NotFound)
    ));
}
both_backends!(private_or_missing_comments_cannot_be_starred);
