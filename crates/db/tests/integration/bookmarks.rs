//! Saving, updating, listing and deleting bookmarks.

use bukuma_db::bookmarks::{self, BookmarkInput, IfExists, SaveOutcome, UserFilter, WriteOptions};
use bukuma_db::both_backends;
use bukuma_db::{entries, stars, tags, Db, DbError};
use bukuma_domain::{BookmarkId, NormalizedUrl, Tags, UserId};

use crate::common::{assert_consistent, mark, opts, public, user};

fn bookmarking_twice_updates_instead_of_duplicating(db: &Db) {
    let a = user(db, "alice");
    let (first, created) = mark(
        db,
        a,
        public("https://example.com/a?utm_source=x", "first", &["rust"]),
    );
    assert!(created);
    let (second, created) = mark(
        db,
        a,
        public("https://EXAMPLE.com/a#frag", "second", &["Rust", "web"]),
    );
    assert!(!created);
    assert_eq!(first.id, second.id);
    assert_eq!(second.comment, "second");
    assert_eq!(second.tag_list(), vec!["Rust", "web"]);
    let entry = db
        .read(|c| entries::find(c, first.entry_id))
        .expect("read")
        .expect("entry");
    assert_eq!(entry.bookmark_count, 1);
    assert_eq!(entry.url, "https://example.com/a");
    assert_eq!(entry.title, "A title");
    assert_consistent(db);
}
both_backends!(bookmarking_twice_updates_instead_of_duplicating);

fn a_bookmark_answers_its_entry_and_owner_as_stored(db: &Db) {
    // Threshold 1: a first public bookmark lists its entry at once.
    let opts = WriteOptions {
        now: 1_700_000_000_000_000,
        new_entry_threshold: 1,
    };
    let (a, b) = (user(db, "alice"), user(db, "bob"));
    let write = |me: UserId, url: &str, private: bool| {
        let url = NormalizedUrl::parse(url).expect("url");
        let input = BookmarkInput {
            title: Some("Typed title"),
            is_private: Some(private),
            ..Default::default()
        };
        let (view, _) = db
            .write(|c| bookmarks::save(c, me, &url, &input, opts, IfExists::Update))
            .expect("upsert");
        let stored = db
            .read(|c| bookmarks::find_view(c, view.bookmark.id, Some(me)))
            .expect("read")
            .expect("stored");
        assert_eq!(view, stored, "the answer is the stored bookmark");
        view
    };

    let first = write(a, "https://new.example/public", false);
    assert_eq!(first.user.username, "alice");
    assert_eq!(first.entry.title, "Typed title");
    assert_eq!(first.entry.bookmark_count, 1);
    assert_eq!(first.entry.first_bookmarked_at, Some(opts.now));
    assert_eq!(first.entry.listed_at, Some(opts.now));

    let hidden = write(a, "https://new.example/private", true);
    assert_eq!(hidden.entry.bookmark_count, 0);
    assert_eq!(hidden.entry.first_bookmarked_at, None);
    assert_eq!(hidden.entry.listed_at, None);

    // Existing entries move their counts: a second public bookmark, and
    // a first public one on an entry only a private bookmark made.
    let second = write(b, "https://new.example/public", false);
    assert_eq!(second.entry.bookmark_count, 2);
    assert_eq!(second.entry.first_bookmarked_at, Some(opts.now));
    let shown = write(b, "https://new.example/private", false);
    assert_eq!(shown.entry.bookmark_count, 1);
    assert_eq!(shown.entry.first_bookmarked_at, Some(opts.now));
    assert_eq!(shown.entry.listed_at, Some(opts.now));
    // Bookmarking again updates, and answers the same way.
    let again = write(a, "https://new.example/public", true);
    assert_eq!(again.bookmark.id, first.bookmark.id);
    assert_eq!(again.entry.bookmark_count, 1);
    assert_consistent(db);
}
both_backends!(a_bookmark_answers_its_entry_and_owner_as_stored);

fn omitted_fields_keep_their_values_on_update(db: &Db) {
    let a = user(db, "alice");
    mark(db, a, public("https://example.com/", "kept", &["t1"]));
    let url = NormalizedUrl::parse("https://example.com/").expect("url");
    let (b, _) = db
        .write(|c| {
            bookmarks::save(
                c,
                a,
                &url,
                &BookmarkInput {
                    read_later: Some(true),
                    ..Default::default()
                },
                opts(),
                IfExists::Update,
            )
        })
        .expect("upsert");
    let b = b.bookmark;
    assert_eq!(b.comment, "kept");
    assert_eq!(b.tag_list(), vec!["t1"]);
    assert!(b.read_later);
}
both_backends!(omitted_fields_keep_their_values_on_update);

fn user_list_filters_by_tags_and_site_with_keyset_pages(db: &Db) {
    let a = user(db, "alice");
    for i in 0..7 {
        let tags: &[&str] = if i % 2 == 0 {
            &["rust", "db"]
        } else {
            &["rust"]
        };
        let host = if i < 4 {
            "blog.example.com"
        } else {
            "other.example"
        };
        mark(db, a, public(&format!("https://{host}/{i}"), "", tags));
    }
    db.read(|c| {
        let all = UserFilter::default();
        let mut seen = Vec::new();
        let mut after = None;
        loop {
            let page = bookmarks::list_for_user(c, a, true, &all, after, 3)?;
            seen.extend(page.items.iter().map(|v| v.bookmark.id));
            match page.next {
                Some(k) => after = Some((k[0], k[1])),
                None => break,
            }
        }
        assert_eq!(seen.len(), 7);
        let mut sorted = seen.clone();
        sorted.sort_by(|x, y| y.cmp(x));
        assert_eq!(seen, sorted, "newest first, no duplicates");

        let both = UserFilter {
            tags: vec!["rust".into(), "db".into()],
            ..Default::default()
        };
        assert_eq!(
            bookmarks::list_for_user(c, a, true, &both, None, 50)?
                .items
                .len(),
            4
        );
        let paged = bookmarks::list_for_user(c, a, true, &both, None, 3)?;
        let k = paged.next.expect("more");
        assert_eq!(
            bookmarks::list_for_user(c, a, true, &both, Some((k[0], k[1])), 3)?
                .items
                .len(),
            1
        );
        let site = UserFilter {
            site: Some("blog.example.com".into()),
            ..Default::default()
        };
        assert_eq!(
            bookmarks::list_for_user(c, a, true, &site, None, 50)?
                .items
                .len(),
            4
        );
        let tag_site = UserFilter {
            tags: vec!["db".into()],
            site: Some("other.example".into()),
            ..Default::default()
        };
        assert_eq!(
            bookmarks::list_for_user(c, a, true, &tag_site, None, 50)?
                .items
                .len(),
            2
        );
        let cloud = tags::user_tags(c, a, false)?;
        assert_eq!((cloud[0].name.as_str(), cloud[0].count), ("rust", 7));
        assert_eq!((cloud[1].name.as_str(), cloud[1].count), ("db", 4));
        let sites = tags::user_sites(c, a, false)?;
        assert_eq!(
            (sites[0].name.as_str(), sites[0].count),
            ("blog.example.com", 4)
        );
        Ok(())
    })
    .expect("reads");
}
both_backends!(user_list_filters_by_tags_and_site_with_keyset_pages);

fn deleting_a_bookmark_updates_every_counter(db: &Db) {
    let (a, b) = (user(db, "alice"), user(db, "bob"));
    let (ba, _) = mark(db, a, public("https://e.com/x", "hello", &["t"]));
    mark(db, b, public("https://e.com/x", "", &["t"]));
    db.write(|c| stars::star(c, b, ba.id, 0)).expect("star");
    db.write(|c| bookmarks::delete(c, a, ba.id, opts()))
        .expect("delete");
    assert!(matches!(
        db.write(|c| bookmarks::delete(c, a, ba.id, opts())),
        Err(DbError::NotFound)
    ));
    assert!(matches!(
        db.write(|c| bookmarks::delete(c, b, ba.id, opts())),
        Err(DbError::NotFound)
    ));
    let e = db
        .read(|c| entries::find(c, ba.entry_id))
        .expect("e")
        .expect("entry");
    assert_eq!(e.bookmark_count, 1);
    assert_consistent(db);
}
both_backends!(deleting_a_bookmark_updates_every_counter);

// On PostgreSQL the insert of a new bookmark, its counters and the entry's
// count update go as one statement, and the answer is built from what that
// statement returned: it must be exactly what storage then holds.
fn a_saved_bookmark_is_answered_as_stored(db: &Db) {
    let a = user(db, "alice");
    let b = user(db, "bob");
    let save = |user_id: UserId, url: &str, private: bool| {
        let url = NormalizedUrl::parse(url).expect("url");
        let tags = Tags::parse(&["Rust", "db"]).expect("tags");
        db.write_autocommit(move |c| {
            bookmarks::save(
                c,
                user_id,
                &url,
                &BookmarkInput {
                    title: Some("Typed title"),
                    comment: Some("a comment"),
                    note: Some("a note"),
                    tags: Some(&tags),
                    is_private: Some(private),
                    read_later: Some(true),
                    ..Default::default()
                },
                opts(),
                IfExists::Update,
            )
        })
        .expect("save")
    };
    let mut last_id = BookmarkId(0);
    for (user_id, url, private) in [
        (a, "https://example.com/new", false),  // creates the entry
        (b, "https://example.com/new", false),  // moves its counts
        (b, "https://example.com/priv", true),  // creates it privately
        (a, "https://example.com/priv", true),  // moves nothing of the entry
        (a, "https://example.com/other", true), // a new entry, private
        (b, "https://example.com/other", false),
    ] {
        let (view, created) = save(user_id, url, private);
        assert_eq!(created, SaveOutcome::Created, "{url}");
        assert!(view.bookmark.id > last_id, "ids grow");
        last_id = view.bookmark.id;
        let stored = db
            .read(|c| bookmarks::find_view(c, view.bookmark.id, Some(user_id)))
            .expect("find")
            .expect("stored");
        assert_eq!(view, stored, "{url}");
        let entry = db
            .read(|c| entries::find(c, view.entry.id))
            .expect("entry")
            .expect("stored entry");
        assert_eq!(view.entry, entry, "{url}");
    }
    // A private save that types a title for an entry without one: the
    // entry's counts stay, and so does its empty title (only public
    // bookmarks give an entry its title), answered as stored.
    let untitled = NormalizedUrl::parse("https://example.com/untitled").expect("url");
    db.write(|c| {
        bookmarks::save(
            c,
            a,
            &untitled,
            &BookmarkInput::default(),
            opts(),
            IfExists::Update,
        )
    })
    .expect("untitled");
    let (view, _) = db
        .write(|c| {
            bookmarks::save(
                c,
                b,
                &untitled,
                &BookmarkInput {
                    title: Some("Typed later"),
                    is_private: Some(true),
                    ..Default::default()
                },
                opts(),
                IfExists::Update,
            )
        })
        .expect("titled");
    assert_eq!(view.entry.title, "");
    let entry = db
        .read(|c| entries::find(c, view.entry.id))
        .expect("entry")
        .expect("stored entry");
    assert_eq!(view.entry, entry);
    // Saving again updates: the id drawn for it (PostgreSQL) is skipped.
    let (again, created) = save(a, "https://example.com/new", false);
    assert_eq!(created, SaveOutcome::Updated);
    let (next, _) = save(a, "https://example.com/next", false);
    assert!(next.bookmark.id > again.bookmark.id);
    // An update that keeps a tag, drops one, adds one, hides the bookmark
    // and dates it back answers as stored too, its tag rows following.
    let url = NormalizedUrl::parse("https://example.com/new").expect("url");
    let tags = Tags::parse(&["rust", "web"]).expect("tags");
    let input = BookmarkInput {
        tags: Some(&tags),
        is_private: Some(true),
        created_at: Some(1_600_000_000_000_000),
        ..Default::default()
    };
    let (moved, created) = db
        .write(|c| bookmarks::save(c, a, &url, &input, opts(), IfExists::Update))
        .expect("update");
    assert_eq!(created, SaveOutcome::Updated);
    assert_eq!(moved.bookmark.tag_list(), ["rust", "web"]);
    let stored = db
        .read(|c| bookmarks::find_view(c, moved.bookmark.id, Some(a)))
        .expect("find")
        .expect("stored");
    assert_eq!(moved, stored);
    assert_consistent(db);
}
both_backends!(a_saved_bookmark_is_answered_as_stored);
