//! Private bookmarks stay private.

use bukuma_db::bookmarks::{self, UserFilter};
use bukuma_db::both_backends;
use bukuma_db::stars::CommentSort;
use bukuma_db::{entries, now_micros, stars, tags, users, Db};

use bukuma_db::bookmarks::BookmarkInput;

use crate::common::{assert_consistent, mark, opts, user, Mark};

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

/// Saves `user_id`'s bookmark of `url` with `title`, outside a transaction
/// (as the JSON API does) or inside one (as imports do).
fn save_titled(
    db: &Db,
    user_id: bukuma_domain::UserId,
    url: &str,
    title: &'static str,
    private: bool,
    in_tx: bool,
) {
    let b = bukuma_db::testing::builders::BookmarkBuilder::new(user_id, url)
        .title(title)
        .is_private(private);
    if in_tx {
        db.write(move |c| b.save(c)).expect("save");
    } else {
        db.write_autocommit(move |c| b.save(c)).expect("save");
    }
}

fn a_private_bookmarks_title_never_becomes_the_entrys(db: &Db) {
    let alice = user(db, "alice");
    let bob = user(db, "bob");
    for (i, in_tx) in [false, true].into_iter().enumerate() {
        let url = format!("https://private-title.example/{i}");
        // Created by the private bookmark, then bookmarked publicly without a title.
        save_titled(db, alice, &url, "my secret title", true, in_tx);
        save_titled(db, bob, &url, "", false, in_tx);
        let entry = db
            .read(|c| entries::find_public_by_url(c, &url))
            .expect("read")
            .expect("public entry");
        assert_eq!(entry.entry.title, "", "{url}");
        // The private owner typing it again, still privately, changes nothing.
        save_titled(db, alice, &url, "my secret title", true, in_tx);
        let entry = db
            .read(|c| entries::find_public_by_url(c, &url))
            .expect("read")
            .expect("public entry");
        assert_eq!(entry.entry.title, "", "{url}");
        // A public bookmark's title is the fallback.
        save_titled(db, bob, &url, "Bob's public title", false, in_tx);
        let entry = db
            .read(|c| entries::find_public_by_url(c, &url))
            .expect("read")
            .expect("public entry");
        assert_eq!(entry.entry.title, "Bob's public title", "{url}");
    }
    // Only its private bookmarker sees an entry nobody bookmarked publicly:
    // it keeps their title, until someone else's bookmark of it turns public.
    let url = "https://private-title.example/switched";
    save_titled(db, alice, url, "alice's private title", true, false);
    let carol = user(db, "carol");
    let (carols, _) = db
        .write(|c| {
            bukuma_db::testing::builders::BookmarkBuilder::new(carol, url)
                .private()
                .save(c)
        })
        .expect("save");
    assert_eq!(carols.entry.title, "alice's private title");
    let made_public = BookmarkInput {
        is_private: Some(false),
        ..Default::default()
    };
    db.write(|c| {
        bookmarks::update(
            c,
            carols.bookmark.user_id,
            carols.bookmark.id,
            &made_public,
            opts(),
        )
    })
    .expect("made public");
    let entry = db
        .read(|c| entries::find_public_by_url(c, url))
        .expect("read")
        .expect("public entry");
    assert_eq!(entry.entry.title, "");

    // An entry whose public bookmark came first keeps that title.
    let url = "https://private-title.example/public-first";
    save_titled(db, bob, url, "Public first", false, false);
    save_titled(db, alice, url, "private later", true, false);
    let entry = db
        .read(|c| entries::find_public_by_url(c, url))
        .expect("read")
        .expect("public entry");
    assert_eq!(entry.entry.title, "Public first");
    assert_consistent(db);
}
both_backends!(a_private_bookmarks_title_never_becomes_the_entrys);
