//! Loading a generated dataset: secondary indexes dropped for the load and
//! rebuilt after it; on a SQLite file, rows written by two connections
//! while they are drawn.

use std::path::Path;
use std::sync::{mpsc, Arc};
use std::time::Instant;

use bukuma_db::{per_backend, DbConnection};
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::sql_types::Text;
use rand_chacha::ChaCha8Rng;

use crate::generate::{generate, Batch, Dataset, Totals};
use crate::words::Vocabulary;
use crate::write::{
    write_bookmarks, write_entry_tags, write_tags_and_stars, write_user_counters,
    write_users_and_entries,
};
use crate::{Phase, SeedConfig, SeedError};

#[derive(QueryableByName)]
pub(crate) struct IndexDef {
    #[diesel(sql_type = Text)]
    pub(crate) name: String,
    #[diesel(sql_type = Text)]
    tbl: String,
    #[diesel(sql_type = Text)]
    sql: String,
}

const LOADED_TABLES: &str =
    "'entries','bookmarks','bookmark_tags','user_tags','user_sites','entry_tags','stars'";

/// Secondary indexes of the loaded tables (not those behind keys and
/// unique constraints), as their stored `CREATE INDEX` statements.
pub(crate) fn secondary_indexes(conn: &mut DbConnection) -> Result<Vec<IndexDef>, SeedError> {
    let q = match conn {
        DbConnection::Sqlite(_) => format!(
            "SELECT name, tbl_name AS tbl, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL \
             AND tbl_name IN ({LOADED_TABLES}) ORDER BY name"
        ),
        DbConnection::Pg(_) => format!(
            "SELECT indexname AS name, tablename AS tbl, indexdef AS sql FROM pg_indexes \
             WHERE schemaname = current_schema() AND tablename IN ({LOADED_TABLES}) \
             AND indexname NOT IN (SELECT conname FROM pg_constraint) ORDER BY indexname"
        ),
    };
    Ok(per_backend!(&mut *conn, |c| diesel::sql_query(&q).load::<IndexDef>(c))?)
}

/// Tables that, on SQLite, a second connection loads into a file of its
/// own while the main connection loads the others (see [`load_split`]).
pub(crate) const SIDE_TABLES: [&str; 3] = ["bookmark_tags", "entry_tags", "stars"];

/// Rows of the tables written from [`Totals`].
fn totals_rows(t: &Totals) -> u64 {
    (t.users.len() + t.entries.len() + t.user_tags.len() + t.user_sites.len() + t.entry_tags.len())
        as u64
}

/// Rows of the tables written from a [`Batch`].
fn batch_rows(b: &Batch) -> u64 {
    (b.bookmarks.len()
        + b.bookmarks.iter().map(|b| b.tag_ids().len()).sum::<usize>()
        + b.stars.len()) as u64
}

/// Settings for writing rows on SQLite: durability is pointless while
/// loading from scratch (the caller restores it), foreign keys hold by
/// construction, and a large page cache keeps the B-trees being filled in
/// memory.
pub(crate) const SQLITE_LOAD_SETTINGS: &str =
    "PRAGMA synchronous = OFF; PRAGMA foreign_keys = OFF; \
     PRAGMA cache_size = -262144; PRAGMA threads = 4;";

/// Settings for `CREATE INDEX` on SQLite: it sorts in chunks the size of
/// the page cache, spilled to temporary files unless temp_store is MEMORY;
/// small chunks, sorted by worker threads and merged, build the indexes
/// about twice as fast as one large in-memory sort. The table scans behind
/// each index then read pages through a memory map rather than copies into
/// that small cache.
const SQLITE_INDEX_SETTINGS: &str =
    "PRAGMA temp_store = DEFAULT; PRAGMA cache_size = -2000; PRAGMA mmap_size = 4294967296";

/// Builds `indexes` from their stored statements; `built` hears each one.
fn build_indexes<'a>(
    conn: &mut DbConnection,
    indexes: impl IntoIterator<Item = &'a IndexDef>,
    built: &mut dyn FnMut(),
) -> Result<(), SeedError> {
    for ix in indexes {
        conn.batch_execute(&ix.sql)?;
        built();
    }
    Ok(())
}

/// The file behind the main database of a SQLite connection; `None` for
/// one in memory.
pub(crate) fn main_file(conn: &mut DbConnection) -> Result<Option<String>, SeedError> {
    #[derive(QueryableByName)]
    struct Database {
        #[diesel(sql_type = Text)]
        name: String,
        #[diesel(sql_type = Text)]
        file: String,
    }
    let list = per_backend!(&mut *conn, |c| diesel::sql_query("PRAGMA database_list")
        .load::<Database>(c))?;
    Ok(list
        .into_iter()
        .find(|d| d.name == "main")
        .map(|d| d.file)
        .filter(|f| !f.is_empty()))
}

/// Writes every table and builds its indexes on the one connection
/// (PostgreSQL, and SQLite in memory), tables in the order of their
/// foreign keys (PostgreSQL checks them unless the role may skip them).
/// The indexes are rebuilt even when writing failed, so the schema is
/// whole again either way.
pub(crate) fn load_serial(
    conn: &mut DbConnection,
    cfg: &SeedConfig,
    data: &Dataset,
    indexes: &[IndexDef],
    progress: &mut dyn FnMut(Phase, u64, u64),
) -> Result<(), SeedError> {
    let (vocab, totals) = (data.vocab, &*data.totals);
    let total = totals_rows(totals) + data.batches.iter().map(|b| batch_rows(b)).sum::<u64>();
    let mut done = 0;
    let mut report = |n| {
        done += n;
        progress(Phase::Write, done, total);
    };
    let mut write = || -> Result<(), SeedError> {
        write_users_and_entries(conn, cfg, vocab, totals, &mut report)?;
        for b in &data.batches {
            write_bookmarks(conn, vocab, b, &mut report)?;
        }
        write_user_counters(conn, vocab, totals, &mut report)?;
        for b in &data.batches {
            write_tags_and_stars(conn, vocab, b, &mut report)?;
        }
        write_entry_tags(conn, vocab, totals, &mut report)
    };
    let written = write();
    if matches!(conn, DbConnection::Sqlite(_)) {
        conn.batch_execute(SQLITE_INDEX_SETTINGS)?;
    }
    let mut built = 0;
    progress(Phase::Index, 0, indexes.len() as u64);
    build_indexes(conn, indexes, &mut || {
        built += 1;
        progress(Phase::Index, built, indexes.len() as u64);
    })?;
    written
}

/// Progress of the side loader, sent to the thread that reports it.
enum Tick {
    Rows(u64),
    Index,
}

/// What the generator hands to a loading connection.
enum Feed {
    Batch(Arc<Batch>),
    Done(Arc<Totals>),
}

/// Generates and loads a SQLite database on two cores. A generator thread
/// hands each batch of bookmarks, as it is drawn, to this connection
/// (`bookmarks`) and to a second thread, which writes the
/// [`SIDE_TABLES`] into a file of their own (`side`, removed afterwards)
/// and builds their indexes there. Once every bookmark is drawn, this
/// connection writes and indexes the other tables. The side tables then
/// move over with `INSERT INTO t SELECT * FROM side.t`, which SQLite
/// carries out as a copy of the records of the table and of each index
/// (the transfer optimization: identical schemas, an empty destination,
/// foreign keys off), much cheaper than writing and sorting them again.
/// Returns the dataset and the seconds its generation took.
pub(crate) fn load_split<'v>(
    conn: &mut DbConnection,
    cfg: &SeedConfig,
    rng: ChaCha8Rng,
    vocab: &'v Vocabulary,
    indexes: &[IndexDef],
    side: &Path,
    progress: &mut dyn FnMut(Phase, u64, u64),
) -> Result<(Dataset<'v>, f64), SeedError> {
    #[derive(QueryableByName)]
    struct TableDef {
        #[diesel(sql_type = Text)]
        sql: String,
    }
    struct Remove<'a>(&'a Path);
    impl Drop for Remove<'_> {
        fn drop(&mut self) {
            let _ = std::fs::remove_file(self.0);
        }
    }
    let side_path = side
        .to_str()
        .ok_or_else(|| SeedError::Invalid(format!("{} is not UTF-8", side.display())))?;
    let _ = std::fs::remove_file(side);
    let _remove = Remove(side);
    let tables: Vec<TableDef> = per_backend!(&mut *conn, |c| diesel::sql_query(format!(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name IN ('{}')",
        SIDE_TABLES.join("', '")
    ))
    .load(c))?;
    let (main_indexes, side_indexes): (Vec<&IndexDef>, Vec<&IndexDef>) = indexes
        .iter()
        .partition(|ix| !SIDE_TABLES.contains(&ix.tbl.as_str()));
    let n_indexes = indexes.len() as u64;
    let n = u64::from(cfg.bookmarks);
    let (main_tx, main_rx) = mpsc::channel::<Feed>();
    let (side_tx, side_rx) = mpsc::channel::<Feed>();
    let (tick_tx, tick_rx) = mpsc::channel::<Tick>();

    let (generated, main_loaded, side_loaded) = std::thread::scope(|scope| {
        let generator = scope.spawn(move || {
            let started = Instant::now();
            let mut batches = Vec::new();
            let totals = Arc::new(generate(cfg, rng, vocab, &mut |b| {
                let b = Arc::new(b);
                // A loader that failed has hung up; its error is reported below.
                let _ = main_tx.send(Feed::Batch(b.clone()));
                let _ = side_tx.send(Feed::Batch(b.clone()));
                batches.push(b);
            }));
            let _ = main_tx.send(Feed::Done(totals.clone()));
            let _ = side_tx.send(Feed::Done(totals.clone()));
            (batches, totals, started.elapsed().as_secs_f64())
        });

        let side_indexes = &side_indexes;
        let tables = &tables;
        let loader = scope.spawn(move || -> Result<(), SeedError> {
            let mut c = DbConnection::Sqlite(SqliteConnection::establish(side_path)?);
            // A file of this load's own: no journal at all.
            c.batch_execute("PRAGMA journal_mode = OFF")?;
            c.batch_execute(SQLITE_LOAD_SETTINGS)?;
            for t in tables {
                c.batch_execute(&t.sql)?;
            }
            let mut report = |n| {
                let _ = tick_tx.send(Tick::Rows(n));
            };
            for feed in side_rx {
                match feed {
                    Feed::Batch(b) => write_tags_and_stars(&mut c, vocab, &b, &mut report)?,
                    Feed::Done(t) => {
                        write_entry_tags(&mut c, vocab, &t, &mut report)?;
                        break;
                    }
                }
            }
            c.batch_execute(SQLITE_INDEX_SETTINGS)?;
            build_indexes(&mut c, side_indexes.iter().copied(), &mut || {
                let _ = tick_tx.send(Tick::Index);
            })
        });

        let (mut rows, mut built, mut batch_total) = (0, 0, 0);
        let heard = |rows: &mut u64, built: &mut u64, tick| match tick {
            Tick::Rows(n) => *rows += n,
            Tick::Index => *built += 1,
        };
        let mut written = Ok(());
        let mut totals = None;
        for feed in main_rx.iter() {
            match feed {
                Feed::Batch(b) => {
                    batch_total += batch_rows(&b);
                    written = write_bookmarks(conn, vocab, &b, &mut |n| rows += n);
                    for t in tick_rx.try_iter() {
                        heard(&mut rows, &mut built, t);
                    }
                    progress(Phase::Generate, b.end(), n);
                    if written.is_err() {
                        break;
                    }
                }
                Feed::Done(t) => {
                    totals = Some(t);
                    break;
                }
            }
        }
        if let (Ok(()), Some(t)) = (&written, &totals) {
            let total = batch_total + totals_rows(t);
            let mut report = |n| {
                rows += n;
                for t in tick_rx.try_iter() {
                    heard(&mut rows, &mut built, t);
                }
                progress(Phase::Write, rows, total);
            };
            written = write_users_and_entries(conn, cfg, vocab, t, &mut report)
                .and_then(|()| write_user_counters(conn, vocab, t, &mut report));
        }
        // Indexes are rebuilt even when writing failed (see `load_serial`).
        let indexed = conn
            .batch_execute(SQLITE_INDEX_SETTINGS)
            .map_err(SeedError::from)
            .and_then(|()| {
                build_indexes(conn, main_indexes.iter().copied(), &mut || {
                    built += 1;
                    progress(Phase::Index, built, n_indexes);
                })
            });
        for t in tick_rx.iter() {
            heard(&mut rows, &mut built, t);
            progress(Phase::Index, built, n_indexes);
        }
        let side = loader
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        let generated = generator
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (generated, written.and(indexed), side)
    });
    // The side tables' indexes exist on the main database before the
    // transfer (so their records move over with it), and also after a
    // failure, so the schema is whole again either way.
    build_indexes(conn, side_indexes.iter().copied(), &mut || {})?;
    main_loaded?;
    side_loaded?;

    // Back from the index builds' small cache for the transfer.
    conn.batch_execute(SQLITE_LOAD_SETTINGS)?;
    diesel::sql_query("ATTACH DATABASE ? AS seed_side")
        .bind::<Text, _>(side_path)
        .execute(match conn {
            DbConnection::Sqlite(c) => c,
            DbConnection::Pg(_) => unreachable!("load_split runs on SQLite"),
        })?;
    let moved = conn.transaction(|c| {
        for t in SIDE_TABLES {
            c.batch_execute(&format!("INSERT INTO main.{t} SELECT * FROM seed_side.{t}"))?;
        }
        Ok::<_, SeedError>(())
    });
    conn.batch_execute("DETACH DATABASE seed_side")?;
    moved?;
    let (batches, totals, generate_secs) = generated;
    Ok((
        Dataset {
            vocab,
            batches,
            totals,
        },
        generate_secs,
    ))
}
