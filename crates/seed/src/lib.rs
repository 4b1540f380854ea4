//! A deterministic synthetic dataset shaped like a real bookmarking service,
//! for benchmarks (`bukuma seed`).
//!
//! Bookmarks are drawn in time order — so that counters, first-bookmark
//! dates, new-entry listing times and hot scores come out exactly as the
//! write path would have left them — and written with multi-row `INSERT`s
//! inside transactions. Secondary indexes of the loaded tables are dropped
//! for the load and rebuilt from their own stored definitions afterwards,
//! which is much faster than maintaining them row by row and keeps no
//! second copy of the schema here. On a SQLite file the rows are written
//! while they are drawn: a generator thread hands batches of bookmarks to
//! this connection and to a second one, which loads and indexes the tag
//! and star tables in a file of their own; those then move over by record
//! copy (see `load::load_split`), so both cores work throughout.
//!
//! Shape of the data:
//! - user activity follows a power law (a few users with thousands of
//!   bookmarks, many with a handful);
//! - URL popularity follows from preferential attachment (each bookmark
//!   either saves a new URL or re-bookmarks the URL of an earlier bookmark,
//!   mostly a recent one), which yields a power law: a few entries with
//!   thousands of bookmarks, a long tail with one;
//! - times span four years, denser towards now, with a burst in the last
//!   week and the last day (so hot entries exist);
//! - 1–5 tags per bookmark from a Zipf-distributed English and Japanese
//!   vocabulary of about 3 000 tags, users reusing their own tags;
//! - ~40 % of bookmarks carry a comment (English or Japanese, ≤ 100
//!   characters), ~5 % are private, ~5 % are marked read-later;
//! - a quarter of public comments get stars (a heavy-tailed number);
//! - the 2 000 busiest users follow 200 people each, half of the rest up
//!   to 20, drawn by activity.

mod follows;
mod generate;
mod load;
mod manifest;
mod sample;
mod words;
mod write;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

use bukuma_db::schema::{entries, users};
use bukuma_db::{DbConnection, DbError};
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use thiserror::Error;

use crate::generate::{generate, Dataset};
use crate::load::{load_serial, load_split, main_file, secondary_indexes, SQLITE_LOAD_SETTINGS};
use crate::words::Vocabulary;

pub use crate::manifest::{write_manifest, Manifest, ManifestSize};

/// Bumped whenever the generated data (or the state it is left in) changes,
/// so cached datasets are rebuilt. 2: PostgreSQL datasets are vacuumed.
/// 3: stars are drawn with each bookmark. 4: follows. 5: hot scores in
/// their stored form, with the hot job's progress.
pub const GENERATOR_VERSION: u32 = 5;

#[derive(Debug, Error)]
pub enum SeedError {
    #[error("the database is not empty ({0} users, {1} entries): seed an empty one")]
    NotEmpty(i64, i64),
    #[error("{0}")]
    Invalid(String),
    #[error(transparent)]
    Db(#[from] DbError),
    #[error("seeding query failed: {0}")]
    Query(#[from] diesel::result::Error),
    #[error("cannot open the side database: {0}")]
    Connect(#[from] diesel::ConnectionError),
    #[error("cannot write the manifest: {0}")]
    Io(#[from] std::io::Error),
}

/// What to generate.
#[derive(Debug, Clone)]
pub struct SeedConfig {
    pub users: u32,
    pub bookmarks: u32,
    pub seed: u64,
    /// The dataset's "now" (microseconds): the newest bookmark is just before it.
    pub now: i64,
    /// One argon2 hash shared by every generated user.
    pub password_hash: String,
    /// Public bookmarks an entry needs to be listed among new entries.
    pub new_entry_threshold: i64,
    /// The caller holds the only connection to the database, so SQLite may
    /// switch its journal off while loading (faster; back to WAL at the end).
    pub exclusive: bool,
    /// How many users and entries the manifest lists.
    pub manifest: ManifestSize,
}

/// Phases reported to the progress callback, with rows done out of a total.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    Generate,
    Write,
    Index,
}

/// Counts of what was written, and where time went.
#[derive(Debug, Clone, Default)]
pub struct SeedReport {
    pub users: usize,
    pub entries: usize,
    pub bookmarks: usize,
    pub private_bookmarks: usize,
    pub comments: usize,
    pub bookmark_tags: usize,
    pub user_tags: usize,
    pub user_sites: usize,
    pub entry_tags: usize,
    pub stars: usize,
    pub follows: usize,
    pub max_entry_bookmarks: i64,
    pub generate_secs: f64,
    /// Writing the rows and building the indexes, beyond generation (on a
    /// SQLite file, rows are written while they are generated).
    pub load_secs: f64,
    /// `ANALYZE` (on PostgreSQL `VACUUM ANALYZE`) and restoring the
    /// connection's settings.
    pub analyze_secs: f64,
    /// Sample targets for load generators (see [`write_manifest`]).
    pub manifest: Manifest,
}

impl SeedReport {
    pub fn total_secs(&self) -> f64 {
        self.generate_secs + self.load_secs + self.analyze_secs
    }
}

/// Generates the dataset described by `cfg` and writes it into the empty
/// database behind `conn`. `progress` hears (phase, done, total).
pub fn seed(
    conn: &mut DbConnection,
    cfg: &SeedConfig,
    progress: &mut dyn FnMut(Phase, u64, u64),
) -> Result<SeedReport, SeedError> {
    if cfg.users == 0 && cfg.bookmarks > 0 {
        return Err(SeedError::Invalid(
            "bookmarks need at least one user".into(),
        ));
    }
    let n_users: i64 = users::table.count().get_result(conn)?;
    let n_entries: i64 = entries::table.count().get_result(conn)?;
    if n_users > 0 || n_entries > 0 {
        return Err(SeedError::NotEmpty(n_users, n_entries));
    }

    let started = Instant::now();
    let mut rng = ChaCha8Rng::seed_from_u64(cfg.seed);
    let vocab = Vocabulary::draw(&mut rng);
    let sqlite = matches!(conn, DbConnection::Sqlite(_));
    if sqlite {
        // Durability is pointless while loading from scratch; restored below.
        if cfg.exclusive {
            conn.batch_execute("PRAGMA journal_mode = OFF")?;
        }
        conn.batch_execute(SQLITE_LOAD_SETTINGS)?;
    } else {
        // Foreign keys hold by construction; skip their per-row triggers when allowed.
        let _ = conn.batch_execute("SET session_replication_role = replica");
    }
    let indexes = secondary_indexes(conn)?;
    for ix in &indexes {
        conn.batch_execute(&format!("DROP INDEX {}", ix.name))?;
    }
    let side_file = match sqlite {
        true => main_file(conn)?.map(|f| PathBuf::from(format!("{f}.seed-side"))),
        false => None,
    };
    let (data, generate_secs) = match &side_file {
        Some(path) => load_split(conn, cfg, rng, &vocab, &indexes, path, progress)?,
        None => {
            let n = u64::from(cfg.bookmarks);
            let generating = Instant::now();
            let mut batches = Vec::new();
            let totals = Arc::new(generate(cfg, rng, &vocab, &mut |b| {
                progress(Phase::Generate, b.end(), n);
                batches.push(Arc::new(b));
            }));
            let generate_secs = generating.elapsed().as_secs_f64();
            let data = Dataset {
                vocab: &vocab,
                batches,
                totals,
            };
            load_serial(conn, cfg, &data, &indexes, progress)?;
            (data, generate_secs)
        }
    };
    // Drawn apart from the bookmarks, so that adding them changed no bookmark.
    let mut follow_rng = ChaCha8Rng::seed_from_u64(cfg.seed ^ 0x666f_6c6c_6f77);
    let follows = follows::draw(&data.totals, cfg.now, &mut follow_rng);
    write::write_follows(conn, &follows)?;
    // The seeded hot scores are those of `cfg.now`: the server's hot job
    // follows changes from there.
    bukuma_db::entries::save_hot_progress(
        conn,
        bukuma_db::entries::HotProgress {
            outbox: Default::default(),
            window_start: bukuma_db::entries::hot_window_start(cfg.now),
        },
    )?;
    let load_secs = started.elapsed().as_secs_f64() - generate_secs;

    let started = Instant::now();
    if sqlite {
        conn.batch_execute(
            "PRAGMA analysis_limit = 1000; ANALYZE; PRAGMA journal_mode = WAL; \
             PRAGMA wal_checkpoint(TRUNCATE); PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON; PRAGMA cache_size = -8000; \
             PRAGMA temp_store = MEMORY; PRAGMA threads = 0; PRAGMA mmap_size = 0;",
        )?;
    } else {
        // Rows came with explicit ids: move the identity sequences past them.
        conn.batch_execute(
            "SET session_replication_role = DEFAULT; \
             SELECT setval(pg_get_serial_sequence('users', 'id'), GREATEST((SELECT max(id) FROM users), 1)); \
             SELECT setval(pg_get_serial_sequence('entries', 'id'), GREATEST((SELECT max(id) FROM entries), 1)); \
             SELECT setval(pg_get_serial_sequence('bookmarks', 'id'), GREATEST((SELECT max(id) FROM bookmarks), 1));",
        )?;
        // As autovacuum leaves a running server's tables: the visibility map
        // set (index-only scans need no heap visits) and hint bits written
        // (the first reads of each row do not dirty its page). VACUUM runs
        // outside any transaction, so on its own.
        conn.batch_execute("VACUUM ANALYZE")?;
    }
    let analyze_secs = started.elapsed().as_secs_f64();

    let totals = &data.totals;
    Ok(SeedReport {
        users: totals.users.len(),
        entries: totals.entries.len(),
        bookmarks: data.bookmarks().count(),
        private_bookmarks: data.bookmarks().filter(|(_, b)| b.is_private).count(),
        comments: data
            .bookmarks()
            .filter(|(_, b)| !b.comment.is_empty())
            .count(),
        bookmark_tags: data.bookmarks().map(|(_, b)| b.tag_ids().len()).sum(),
        user_tags: totals.user_tags.len(),
        user_sites: totals.user_sites.len(),
        entry_tags: totals.entry_tags.len(),
        stars: data.batches.iter().map(|b| b.stars.len()).sum(),
        follows: follows.len(),
        max_entry_bookmarks: totals
            .entries
            .iter()
            .map(|e| e.public_count)
            .max()
            .unwrap_or(0),
        generate_secs,
        load_secs,
        analyze_secs,
        manifest: manifest::from_dataset(&data, cfg.manifest),
    })
}
