//! Writing: replacing, deleting, the commit payload and the writer lock.

use bukuma_search::{BookmarkDoc, SearchIndex};

use crate::support::{bookmark, bookmark_opts, entry, Fixture};

#[test]
fn upsert_replaces_the_old_version() {
    let mut fx = Fixture::new();
    fx.entries(&[entry(1, "old title")]);
    fx.entries(&[entry(1, "new title")]);
    assert!(fx.find("old").is_empty());
    assert_eq!(fx.find("new"), [1]);
    assert_eq!(fx.index.num_docs().0, 1);
}

#[test]
fn deleted_entries_and_bookmarks_vanish() {
    let mut fx = Fixture::new();
    fx.entries(&[entry(1, "rust"), entry(2, "rust")]);
    fx.bookmarks(&[bookmark(1, "rust"), bookmark(2, "rust")]);
    fx.writer.delete_entry(1);
    fx.writer.delete_bookmark(2);
    fx.writer.commit("after delete").expect("commit");
    assert_eq!(fx.find("rust"), [2]);
    assert_eq!(fx.find_bookmarks("rust", &bookmark_opts()), [1]);
}

#[test]
fn deleting_a_users_bookmarks_leaves_the_others() {
    let mut fx = Fixture::new();
    fx.bookmarks(&[
        bookmark(1, "rust"),
        BookmarkDoc {
            user_id: 2,
            ..bookmark(2, "rust")
        },
        BookmarkDoc {
            entry_id: 9,
            user_id: 2,
            ..bookmark(3, "rust")
        },
    ]);
    fx.writer.delete_bookmarks_of_user(1);
    fx.writer.delete_bookmarks_of_entry(9);
    fx.writer.commit("c").expect("commit");
    assert_eq!(fx.find_bookmarks("rust", &bookmark_opts()), [2]);
}

#[test]
fn the_commit_payload_round_trips_and_survives_reopening() {
    let mut fx = Fixture::new();
    assert_eq!(fx.index.committed_payload().expect("payload"), None);
    fx.entries(&[entry(1, "rust")]);
    fx.writer.commit("cursor:42").expect("commit");
    assert_eq!(
        fx.index.committed_payload().expect("payload").as_deref(),
        Some("cursor:42")
    );
    let reopened = SearchIndex::open_or_create(fx.dir.path()).expect("reopen");
    assert_eq!(
        reopened.committed_payload().expect("payload").as_deref(),
        Some("cursor:42")
    );
    assert_eq!(reopened.num_docs().0, 1);
}

#[test]
fn a_second_writer_waits_until_the_first_is_gone() {
    let fx = Fixture::new();
    let other = SearchIndex::open_or_create(fx.dir.path()).expect("open again");
    assert!(other.try_writer(20_000_000).expect("try").is_none());
    let Fixture { dir, index, writer } = fx;
    drop(writer);
    let mut taken = other
        .try_writer(20_000_000)
        .expect("try")
        .expect("lock is free once the first writer is dropped");
    taken.upsert_entry(&entry(1, "rust")).expect("upsert");
    taken.commit("by the second").expect("commit");
    index.reload().expect("reload");
    assert_eq!(index.num_docs().0, 1);
    drop(dir);
}

#[test]
fn another_process_commit_becomes_visible_on_reload() {
    let fx = Fixture::new();
    let reader = SearchIndex::open_or_create(fx.dir.path()).expect("open reader");
    let Fixture { writer: mut w, .. } = fx;
    w.upsert_entry(&entry(1, "監視")).expect("upsert");
    w.commit("1").expect("commit");
    reader.reload().expect("reload");
    let hits = reader
        .search_entries(&bukuma_search::parse("監視"), &crate::support::entry_opts())
        .expect("search");
    assert_eq!(hits.items, [1]);
}

#[test]
fn the_index_and_its_writer_can_be_shared_across_threads() {
    fn shareable<T: Send + Sync>() {}
    shareable::<SearchIndex>();
    shareable::<bukuma_search::IndexWriterHandle>();
}
