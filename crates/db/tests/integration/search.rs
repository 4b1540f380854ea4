//! The search outbox, the document loaders and the visibility re-check.

use bukuma_db::bookmarks::{self, BookmarkInput, IfExists};
use bukuma_db::entries::{self, PageMetadata};
use bukuma_db::models::UserChanges;
use bukuma_db::search::{self, OutboxCursor, OutboxKind};
use bukuma_db::testing::builders::BookmarkBuilder;
use bukuma_db::{both_backends, now_micros, tags, users, Db, DbError};
use bukuma_domain::{BookmarkId, EntryId, NormalizedUrl, TagName, UserId};

use crate::common::{mark, opts, public, user, Mark};

/// The outbox rows written after row `after`, as (kind, target) in the order written.
fn written_after(db: &Db, after: i64) -> Vec<(String, i64)> {
    use bukuma_db::schema::search_outbox as o;
    use diesel::prelude::*;
    db.read(|c| {
        Ok(o::table
            .filter(o::id.gt(after))
            .order(o::id)
            .select((o::kind, o::target_id))
            .load(c)?)
    })
    .expect("outbox")
}

fn last_row(db: &Db) -> i64 {
    use bukuma_db::schema::search_outbox as o;
    use diesel::dsl::max;
    use diesel::prelude::*;
    db.read(|c| Ok(o::table.select(max(o::id)).first::<Option<i64>>(c)?))
        .expect("max id")
        .unwrap_or(0)
}

fn b(id: BookmarkId) -> (String, i64) {
    ("bookmark".into(), id.0)
}

fn e(id: EntryId) -> (String, i64) {
    ("entry".into(), id.0)
}

fn text(id: EntryId) -> (String, i64) {
    ("entry_text".into(), id.0)
}

fn private(url: &str) -> Mark<'_> {
    Mark {
        url,
        comment: "",
        tags: &[],
        private: true,
    }
}

fn bookmark_writes_add_rows_for_the_bookmark_and_its_public_entry(db: &Db) {
    let a = user(db, "alice");
    let start = last_row(db);
    // Created outside a transaction (PostgreSQL's two-statement path).
    let (one, _) = mark(db, a, public("https://s.example/1", "first", &["x"]));
    assert_eq!(written_after(db, start), [b(one.id), e(one.entry_id)]);
    // Created inside a transaction, private: no entry document changes.
    let at = last_row(db);
    let hidden = db
        .write(|c| {
            BookmarkBuilder::new(a, "https://s.example/2")
                .private()
                .insert(c)
        })
        .expect("save")
        .bookmark;
    assert_eq!(written_after(db, at), [b(hidden.id)]);
    // Updated through save, then by id, then made public.
    let at = last_row(db);
    mark(db, a, public("https://s.example/1", "edited", &["x"]));
    db.write(|c| {
        let input = BookmarkInput {
            comment: Some("by id"),
            ..Default::default()
        };
        bookmarks::update(c, a, one.id, &input, opts())
    })
    .expect("update");
    db.write(|c| {
        let input = BookmarkInput {
            is_private: Some(false),
            ..Default::default()
        };
        bookmarks::update(c, a, hidden.id, &input, opts())
    })
    .expect("publish");
    assert_eq!(
        written_after(db, at),
        [
            b(one.id),
            e(one.entry_id),
            b(one.id),
            e(one.entry_id),
            b(hidden.id),
            e(hidden.entry_id)
        ]
    );
    // Deleted.
    let at = last_row(db);
    db.write(|c| bookmarks::delete(c, a, one.id, opts()))
        .expect("delete");
    assert_eq!(written_after(db, at), [b(one.id), e(one.entry_id)]);
}
both_backends!(bookmark_writes_add_rows_for_the_bookmark_and_its_public_entry);

fn batched_saves_add_rows_as_imports_write_them(db: &Db) {
    let a = user(db, "importer");
    let at = last_row(db);
    let view = db
        .write_batched(move |c| {
            let url = NormalizedUrl::parse("https://s.example/imported").expect("url");
            let input = BookmarkInput {
                title: Some("Imported"),
                ..Default::default()
            };
            bookmarks::save(c, a, &url, &input, opts(), IfExists::UpdateIfChanged)
        })
        .expect("save")
        .0;
    assert_eq!(
        written_after(db, at),
        [b(view.bookmark.id), e(view.entry.id)]
    );
}
both_backends!(batched_saves_add_rows_as_imports_write_them);

fn rolled_back_writes_add_no_rows(db: &Db) {
    let a = user(db, "alice");
    let (one, _) = mark(db, a, public("https://s.example/1", "", &["x"]));
    let at = last_row(db);
    let failed = db.write(|c| {
        BookmarkBuilder::new(a, "https://s.example/2").insert(c)?;
        bookmarks::delete(c, a, one.id, opts())?;
        Err::<(), _>(DbError::Conflict("rolled back"))
    });
    assert!(failed.is_err());
    // A batched write that fails rolls back its own savepoint alone.
    let failed = db.write_batched(move |c| {
        BookmarkBuilder::new(a, "https://s.example/3").insert(c)?;
        Err::<(), _>(DbError::Conflict("rolled back"))
    });
    assert!(failed.is_err());
    assert_eq!(written_after(db, at), []);
}
both_backends!(rolled_back_writes_add_no_rows);

fn tag_renames_and_deletions_add_rows_for_every_tagged_bookmark(db: &Db) {
    let a = user(db, "alice");
    let (one, _) = mark(db, a, public("https://s.example/1", "", &["js", "web"]));
    let (two, _) = mark(
        db,
        a,
        Mark {
            tags: &["js"],
            ..private("https://s.example/2")
        },
    );
    mark(db, a, public("https://s.example/3", "", &["other"]));
    let at = last_row(db);
    let (from, to) = (
        TagName::parse("js").expect("tag"),
        TagName::parse("JavaScript").expect("tag"),
    );
    db.write(|c| tags::rename(c, a, &from, &to, opts()))
        .expect("rename");
    let mut written = written_after(db, at);
    written.sort();
    let mut expected = vec![b(one.id), b(two.id), e(one.entry_id)];
    expected.sort();
    assert_eq!(written, expected);

    let at = last_row(db);
    db.write(|c| tags::delete(c, a, &to, opts()))
        .expect("delete tag");
    let mut written = written_after(db, at);
    written.sort();
    assert_eq!(written, expected);
}
both_backends!(tag_renames_and_deletions_add_rows_for_every_tagged_bookmark);

fn fetched_metadata_and_fallback_titles_add_entry_rows_and_profiles_none(db: &Db) {
    let a = user(db, "alice");
    let entry = db
        .write(|c| BookmarkBuilder::new(a, "https://s.example/page").insert(c))
        .expect("save")
        .entry;
    let at = last_row(db);
    // A second bookmarker's title fills in the empty one.
    let other = user(db, "bob");
    db.write(|c| {
        BookmarkBuilder::new(other, "https://s.example/page")
            .title("Typed")
            .insert(c)
    })
    .expect("save");
    let written = written_after(db, at);
    assert!(written.contains(&text(entry.id)), "{written:?}");
    let at = last_row(db);
    let meta = PageMetadata {
        title: Some("Fetched".into()),
        ..Default::default()
    };
    db.write(|c| entries::record_fetch_success(c, entry.id, &meta, now_micros()))
        .expect("fetched");
    assert_eq!(written_after(db, at), [text(entry.id)]);
    // The index shows usernames alone, which never change.
    let at = last_row(db);
    db.write(|c| {
        let changes = UserChanges {
            display_name: Some("Alice A.".into()),
            ..Default::default()
        };
        users::update(c, a, &changes)
    })
    .expect("profile");
    assert_eq!(written_after(db, at), []);
}
both_backends!(fetched_metadata_and_fallback_titles_add_entry_rows_and_profiles_none);

/// Reads the whole outbox from `after` in pages, as the indexer does.
fn read_all(db: &Db, mut after: OutboxCursor) -> Vec<search::OutboxRow> {
    let mut out = Vec::new();
    loop {
        let page = db
            .read(|c| search::read_outbox(c, after, 2))
            .expect("read outbox");
        let Some(last) = page.last() else {
            return out;
        };
        assert!(last.cursor > after);
        after = last.cursor;
        out.extend(page);
    }
}

fn the_outbox_reads_in_order_from_a_cursor_and_the_horizon(db: &Db) {
    let a = user(db, "alice");
    let (one, _) = mark(db, a, public("https://s.example/1", "", &[]));
    // PostgreSQL: rows of other tests' transactions on the same server may
    // hold the readable part back until they end.
    let all = wait_for(db, OutboxCursor::default(), 2);
    assert_eq!(all.len(), 2);
    assert_eq!(
        all.iter()
            .map(|r| (r.kind, r.target_id))
            .collect::<Vec<_>>(),
        [
            (OutboxKind::Bookmark, one.id.0),
            (OutboxKind::Entry, one.entry_id.0)
        ]
    );
    assert!(all.windows(2).all(|w| w[0].cursor < w[1].cursor));
    let cursor: OutboxCursor = all[1].cursor.to_string().parse().expect("cursor");
    assert_eq!(read_all(db, cursor), []);

    // Every change after the horizon reads after it.
    let horizon = db.read(search::outbox_horizon).expect("horizon");
    let (two, _) = mark(db, a, public("https://s.example/2", "", &[]));
    let after = wait_for(db, horizon, 2);
    assert!(after.iter().all(|r| r.cursor > horizon));
    let named: Vec<(OutboxKind, i64)> = after.iter().map(|r| (r.kind, r.target_id)).collect();
    assert!(named.contains(&(OutboxKind::Bookmark, two.id.0)));
    assert!(named.contains(&(OutboxKind::Entry, two.entry_id.0)));
    if db.backend() == bukuma_db::Backend::Sqlite {
        // On PostgreSQL rows of transactions that ended before the horizon
        // may read after it too (replaying them is harmless); SQLite's is exact.
        assert_eq!(named.len(), 2);
    }

    // Purging drops the old rows; new ones still read after any cursor.
    let last = after.last().expect("rows").cursor;
    let purged = db
        .write(|c| search::purge_outbox(c, now_micros() + 1))
        .expect("purge");
    assert_eq!(purged, 4);
    assert_eq!(read_all(db, OutboxCursor::default()), []);
    let (three, _) = mark(db, a, public("https://s.example/3", "", &[]));
    let rows = wait_for(db, last, 2);
    assert_eq!(
        rows.iter().map(|r| r.target_id).collect::<Vec<_>>(),
        [three.id.0, three.entry_id.0]
    );
}
both_backends!(the_outbox_reads_in_order_from_a_cursor_and_the_horizon);

/// Reads the outbox from `after` until it holds at least `n` rows. On PostgreSQL
/// the readable part ends below the oldest transaction running on the
/// server, which other tests' databases share; their transactions are
/// short, so this waits at most for them to end.
fn wait_for(db: &Db, after: OutboxCursor, n: usize) -> Vec<search::OutboxRow> {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    loop {
        let rows = read_all(db, after);
        if rows.len() >= n {
            return rows;
        }
        assert!(std::time::Instant::now() < deadline, "{rows:?}");
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

/// A transaction that wrote its outbox row first but commits last must
/// not be skipped: the reader stops below it until it ends, then reads
/// both rows in (txid, id) order from where it stood.
#[test]
fn postgres_outbox_waits_for_transactions_that_commit_out_of_order() {
    use diesel::connection::SimpleConnection;
    use diesel::{Connection, PgConnection};

    #[derive(diesel::QueryableByName)]
    struct Txid {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        txid: i64,
    }
    let t = bukuma_db::testing::TestDb::postgres();
    let db = &t.db;
    let open = || bukuma_db::DbConnection::Pg(PgConnection::establish(&t.url).expect("connect"));
    let (mut first, mut second) = (open(), open());
    let start = read_all(db, OutboxCursor::default());
    assert_eq!(start, []);

    first.batch_execute("BEGIN").expect("begin");
    search::enqueue(&mut first, OutboxKind::Entry, 1).expect("first row");
    let bukuma_db::DbConnection::Pg(pg) = &mut first else {
        unreachable!()
    };
    let first_txid = diesel::RunQueryDsl::get_result::<Txid>(
        diesel::sql_query("SELECT pg_current_xact_id()::text::bigint AS txid"),
        pg,
    )
    .expect("txid")
    .txid;
    second
        .transaction(|c| search::enqueue(c, OutboxKind::Entry, 2))
        .expect("second row");

    // The second row is committed, but the first transaction may still
    // write before it in (txid, id) order: nothing from it on is read.
    let seen = read_all(db, OutboxCursor::default());
    assert!(seen.iter().all(|r| r.cursor.txid < first_txid), "{seen:?}");
    assert_eq!(seen, []);
    let cursor = OutboxCursor::default();

    first.batch_execute("COMMIT").expect("commit");
    let rows = wait_for(db, cursor, 2);
    assert_eq!(rows.iter().map(|r| r.target_id).collect::<Vec<_>>(), [1, 2]);
    assert_eq!(rows[0].cursor.txid, first_txid);
    assert!(rows[1].cursor.txid > first_txid);
}

fn entry_documents_hold_public_data_as_it_is_now(db: &Db) {
    let (a, b_, c_) = (user(db, "alice"), user(db, "bob"), user(db, "carol"));
    let url = "https://s.example/doc";
    let at = |t: i64| BookmarkBuilder::new(a, url).created_at(t);
    let first = db
        .write(|c| {
            at(100)
                .comment("alice says")
                .tags(&["Rust", "db"])
                .insert(c)
        })
        .expect("a")
        .bookmark;
    let second = db
        .write(|c| {
            BookmarkBuilder::new(b_, url)
                .created_at(300)
                .comment("bob says")
                .tags(&["rust"])
                .insert(c)
        })
        .expect("b")
        .bookmark;
    db.write(|c| {
        BookmarkBuilder::new(c_, url)
            .created_at(500)
            .comment("secret")
            .tags(&["hidden"])
            .private()
            .insert(c)
    })
    .expect("c");
    let only_private = db
        .write(|c| {
            BookmarkBuilder::new(c_, "https://s.example/private")
                .private()
                .insert(c)
        })
        .expect("private")
        .entry;
    let entry = first.entry_id;
    let docs = db
        .read(|c| search::entry_docs(c, &[only_private.id, entry, EntryId(999_999)]))
        .expect("docs");
    assert_eq!(docs.len(), 1, "{docs:?}");
    let doc = &docs[0];
    assert_eq!(doc.id, entry);
    assert_eq!(doc.domain, "s.example");
    assert_eq!(doc.public_users, 2);
    assert_eq!((doc.first_at, doc.last_at), (100, 300));
    assert_eq!(doc.public_comments, ["bob says", "alice says"]);
    let mut tags: Vec<String> = doc.public_tags.iter().map(|t| t.to_lowercase()).collect();
    tags.sort();
    assert_eq!(tags, ["db", "rust"]);
    assert_eq!(doc.public_tags[0].to_lowercase(), "rust");

    // The first bookmark goes private, the second is deleted: no public
    // bookmark is left, so the entry has no document.
    db.write(|c| {
        let input = BookmarkInput {
            is_private: Some(true),
            ..Default::default()
        };
        bookmarks::update(c, a, first.id, &input, opts())
    })
    .expect("hide");
    let docs = db.read(|c| search::entry_docs(c, &[entry])).expect("docs");
    assert_eq!(docs[0].public_users, 1);
    assert_eq!(docs[0].public_comments, ["bob says"]);
    assert_eq!((docs[0].first_at, docs[0].last_at), (300, 300));
    db.write(|c| bookmarks::delete(c, b_, second.id, opts()))
        .expect("delete");
    assert_eq!(
        db.read(|c| search::entry_docs(c, &[entry])).expect("docs"),
        []
    );
}
both_backends!(entry_documents_hold_public_data_as_it_is_now);

fn bookmark_documents_hold_the_owners_data_and_deleted_ones_vanish(db: &Db) {
    let a = user(db, "alice");
    let view = db
        .write(|c| {
            BookmarkBuilder::new(a, "https://s.example/mine")
                .title("Title")
                .comment("note to all")
                .note("note to self")
                .tags(&["Rust", "db"])
                .private()
                .insert(c)
        })
        .expect("save");
    let id = view.bookmark.id;
    let docs = db
        .read(|c| search::bookmark_docs(c, &[id, BookmarkId(999_999)]))
        .expect("docs");
    assert_eq!(docs.len(), 1);
    let d = &docs[0];
    assert_eq!(
        (d.id, d.entry_id, d.user_id, d.username.as_str()),
        (id, view.entry.id, a, "alice")
    );
    assert_eq!(
        (d.title.as_str(), d.comment.as_str()),
        ("Title", "note to all")
    );
    assert_eq!(d.note, "note to self");
    assert_eq!(d.tags, ["Rust", "db"]);
    assert_eq!(d.domain, "s.example");
    assert!(d.is_private);
    db.write(|c| bookmarks::delete(c, a, id, opts()))
        .expect("delete");
    assert_eq!(
        db.read(|c| search::bookmark_docs(c, &[id])).expect("docs"),
        []
    );
}
both_backends!(bookmark_documents_hold_the_owners_data_and_deleted_ones_vanish);

fn rebuild_batches_cover_every_document_once(db: &Db) {
    let users: Vec<UserId> = (0..3).map(|i| user(db, &format!("u{i}"))).collect();
    for (n, u) in users.iter().enumerate() {
        for i in 0..5 {
            let url = format!("https://s.example/{i}");
            let m = Mark {
                url: &url,
                comment: "c",
                tags: &["t"],
                private: (n + i) % 4 == 0,
            };
            mark(db, *u, m);
        }
    }
    let mut entries_seen = Vec::new();
    let mut after = EntryId(0);
    loop {
        let batch = db
            .read(|c| search::entry_docs_after(c, after, 2))
            .expect("batch");
        entries_seen.extend(batch.docs.iter().map(|d| d.id));
        match batch.next {
            Some(next) => after = next,
            None => break,
        }
    }
    let all_entries: Vec<EntryId> = entries_seen.clone();
    let direct = db
        .read(|c| search::entry_docs(c, &all_entries))
        .expect("docs");
    assert_eq!(entries_seen.len(), 5);
    let mut after = EntryId(0);
    let mut batched = Vec::new();
    while let Some(next) = {
        let batch = db
            .read(|c| search::entry_docs_after(c, after, 3))
            .expect("batch");
        batched.extend(batch.docs);
        batch.next
    } {
        after = next;
    }
    assert_eq!(batched, direct);

    let mut bookmarks_seen = Vec::new();
    let mut after = BookmarkId(0);
    loop {
        let batch = db
            .read(|c| search::bookmark_docs_after(c, after, 4))
            .expect("batch");
        bookmarks_seen.extend(batch.docs);
        match batch.next {
            Some(next) => after = next,
            None => break,
        }
    }
    assert_eq!(bookmarks_seen.len(), 15);
    let ids: Vec<BookmarkId> = bookmarks_seen.iter().map(|d| d.id).collect();
    assert_eq!(
        db.read(|c| search::bookmark_docs(c, &ids)).expect("docs"),
        bookmarks_seen
    );

    // Fan-out: an entry's bookmarks (private too) and a user's, keyset.
    let entry = bookmarks_seen[0].entry_id;
    let of_entry: Vec<BookmarkId> = bookmarks_seen
        .iter()
        .filter(|d| d.entry_id == entry)
        .map(|d| d.id)
        .collect();
    let first = db
        .read(|c| search::bookmark_ids_of_entry(c, entry, None, 2))
        .expect("ids");
    let rest = db
        .read(|c| search::bookmark_ids_of_entry(c, entry, first.last().copied(), 10))
        .expect("ids");
    assert_eq!([first, rest].concat(), of_entry);
    let of_user: Vec<BookmarkId> = bookmarks_seen
        .iter()
        .filter(|d| d.user_id == users[1])
        .map(|d| d.id)
        .collect();
    assert_eq!(
        db.read(|c| search::bookmark_ids_of_user(c, users[1], None, 10))
            .expect("ids"),
        of_user
    );
}
both_backends!(rebuild_batches_cover_every_document_once);

fn results_are_rechecked_in_their_order(db: &Db) {
    let (a, other) = (user(db, "alice"), user(db, "bob"));
    let (one, _) = mark(db, a, public("https://s.example/1", "", &["x"]));
    let (two, _) = mark(db, a, public("https://s.example/2", "", &[]));
    let (hidden, _) = mark(db, a, private("https://s.example/3"));
    let (gone, _) = mark(db, a, public("https://s.example/4", "", &[]));
    db.write(|c| bookmarks::delete(c, a, gone.id, opts()))
        .expect("delete");

    let order = [two.entry_id, hidden.entry_id, gone.entry_id, one.entry_id];
    let shown = db
        .read(|c| search::visible_entries(c, &order))
        .expect("entries");
    assert_eq!(
        shown.iter().map(|v| v.entry.id).collect::<Vec<_>>(),
        [two.entry_id, one.entry_id]
    );
    assert_eq!(shown[1].tags, ["x"]);

    let order = [hidden.id, two.id, gone.id, one.id];
    let to_owner = db
        .read(|c| search::visible_bookmarks(c, Some(a), &order))
        .expect("mine");
    assert_eq!(
        to_owner.iter().map(|v| v.bookmark.id).collect::<Vec<_>>(),
        [hidden.id, two.id, one.id]
    );
    assert_eq!(to_owner[0].user.username, "alice");
    for viewer in [Some(other), None] {
        let shown = db
            .read(|c| search::visible_bookmarks(c, viewer, &order))
            .expect("theirs");
        assert_eq!(
            shown.iter().map(|v| v.bookmark.id).collect::<Vec<_>>(),
            [two.id, one.id]
        );
    }
}
both_backends!(results_are_rechecked_in_their_order);
