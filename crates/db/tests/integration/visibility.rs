//! Private bookmarks stay private.

use bukuma_db::bookmarks::{self, UserFilter};
use bukuma_db::both_backends;
use bukuma_db::stars::CommentSort;
use bukuma_db::{entries, now_micros, stars, tags, users, Db};

use crate::common::{assert_consistent, mark, user, Mark};

fn private_bookmarks_are_invisible_to_others(db: &Db) {
    let a = user(db, "alice");
    let (b, _) = mark(
        db,
        a,
        Mark {
            url: "https://secret.example/x",
            comment: "hidden",
            tags: &["secret"],
            private: true,
        },
    );
    db.write(|c| entries::recompute_hot(c, now_micros()))
        .expect("hot");
    db.read(|c| {
        assert!(entries::find_public(c, b.entry_id)?.is_none());
        assert!(entries::find_public_by_url(c, "https://secret.example/x")?.is_none());
        assert_eq!(
            entries::counts(c, &["https://secret.example/x".into()])?
                .get("https://secret.example/x"),
            Some(&0)
        );
        assert!(entries::hot(c, None, None, 20)?.items.is_empty());
        assert!(entries::newest(c, None, 20)?.items.is_empty());
        assert!(entries::site_newest(c, "secret.example", None, 20)?
            .items
            .is_empty());
        assert!(entries::tagged(c, "secret", None, 20)?.items.is_empty());
        assert!(
            stars::list(c, b.entry_id, CommentSort::Recent, None, None, 20)?
                .items
                .is_empty()
        );
        let others = bookmarks::list_for_user(c, a, false, &UserFilter::default(), None, 20)?;
        assert!(others.items.is_empty());
        let tagged = UserFilter {
            tags: vec!["secret".into()],
            ..Default::default()
        };
        assert!(bookmarks::list_for_user(c, a, false, &tagged, None, 20)?
            .items
            .is_empty());
        assert!(tags::user_tags(c, a, false)?.is_empty());
        assert!(tags::user_sites(c, a, false)?.is_empty());
        assert!(bookmarks::find_view(c, b.id, None)?.is_none());
        // The owner sees it everywhere of theirs.
        assert_eq!(
            bookmarks::list_for_user(c, a, true, &tagged, None, 20)?
                .items
                .len(),
            1
        );
        assert_eq!(tags::user_tags(c, a, true)?.len(), 1);
        assert_eq!(tags::user_sites(c, a, true)?[0].name, "secret.example");
        assert!(bookmarks::find_view(c, b.id, Some(a))?.is_some());
        Ok(())
    })
    .expect("reads");
    assert_eq!(
        db.read(|c| users::find(c, a))
            .expect("u")
            .map(|u| (u.bookmark_count, u.public_bookmark_count)),
        Some((1, 0))
    );
    assert_consistent(db);
}
both_backends!(private_bookmarks_are_invisible_to_others);
