//! The pool every request draws its connection from, the write paths and
//! the migrations.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use diesel::Connection;
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};

use crate::connection::{Backend, ConnectionManager, DbConnection, DbTarget};
use crate::error::DbError;
use crate::per_backend;
use crate::replica::{RecentWriters, Replica, ReplicaStats};
use crate::sqlite::batch::Batcher;
use crate::versions::Versions;

pub const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("../../migrations/sqlite");
pub const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("../../migrations/postgres");

/// The database handle shared by the server: a pool plus the write paths.
///
/// Reads take a pooled connection through [`Db::read`]. A write picks one
/// of three paths; each runs `f` again when PostgreSQL aborted it for a
/// concurrent transaction, and publishes the [`versions`](crate::versions)
/// it touched once it has ended:
///
/// | path | SQLite | PostgreSQL | use it for |
/// |---|---|---|---|
/// | [`write_batched`](Db::write_batched) | a savepoint in the writer thread's next batch | a transaction | a request's write (`f` is `Send + 'static`) |
/// | [`write_autocommit`](Db::write_autocommit) | as `write_batched` | no transaction: each statement commits alone | a write whose every statement leaves the data consistent: [`bookmarks::save`](crate::bookmarks::save) |
/// | [`write`](Db::write) | a transaction of its own, on the calling thread, under the writer lock | a transaction | jobs, commands and imports: long writes, or `f` borrowing local data |
///
/// They stay three because each runs different statements: batching wraps
/// `f` in a savepoint of a shared transaction where `write` opens its own
/// (and needs no `'static` closure), and `write_autocommit` sends no
/// `BEGIN` and `COMMIT` on PostgreSQL.
#[derive(Clone)]
pub struct Db {
    pool: r2d2::Pool<ConnectionManager>,
    /// Opens the replacement of a pooled connection whose server hung up.
    manager: ConnectionManager,
    backend: Backend,
    /// SQLite admits one writer at a time; taking this lock first makes
    /// writers of this process queue here instead of failing with `SQLITE_BUSY`.
    writer: Arc<Mutex<()>>,
    versions: Arc<Versions>,
    /// SQLite's group-commit queue for [`Db::write_batched`].
    batcher: Option<Arc<Batcher>>,
    /// Writes run again after a serialisation failure or deadlock.
    retried: Arc<AtomicU64>,
    /// A PostgreSQL streaming replica for [`Db::read_replica`], if configured.
    replica: Option<Arc<Replica>>,
    /// Who wrote lately, through this process or another.
    writers: Arc<RecentWriters>,
}

impl std::fmt::Debug for Db {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Db")
            .field("backend", &self.backend)
            .finish()
    }
}

/// Creates the SQLite file readable by its owner only (its `-wal` and
/// `-shm` files take the same mode from it), as SQLite itself would
/// create it readable by everyone; an existing file is left as it is.
fn create_private(path: &std::path::Path) -> Result<(), DbError> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    match options.open(path) {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(DbError::Config(format!(
            "cannot create {}: {e}",
            path.display()
        ))),
    }
}

impl Db {
    /// Opens a pool for `url`, creating the SQLite file's directory if needed.
    pub fn connect(url: &str, max_size: u32) -> Result<Self, DbError> {
        let target = DbTarget::parse(url)?;
        if let DbTarget::Sqlite(path) = &target {
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir).map_err(|e| {
                    DbError::Config(format!("cannot create {}: {e}", dir.display()))
                })?;
            }
            create_private(path)?;
        }
        let backend = target.backend();
        let manager = ConnectionManager::new(target);
        if backend == Backend::Sqlite {
            // One connection switches a new file to WAL (a setting the file
            // keeps) before the pool opens its connections all at once, which
            // would otherwise contend for that switch and fail with "database
            // is locked" (r2d2 retries and logs each failure as an error).
            r2d2::ManageConnection::connect(&manager)?;
        }
        let pool = r2d2::Pool::builder()
            .max_size(max_size.max(1))
            // A request waits this long for a connection before it gets a
            // 503: within the 10 s a client or proxy waits, and short while
            // the database restarts and no connection can be made.
            .connection_timeout(Duration::from_secs(5))
            // Testing each connection on checkout would cost PostgreSQL a
            // round trip per request; one
            // whose server hung up is replaced when it fails instead, see
            // `Db::read` and `Db::write`. A SQLite connection cannot die so.
            .test_on_check_out(false)
            .build(manager.clone())?;
        let writer = Arc::new(Mutex::new(()));
        let versions: Arc<Versions> = Arc::default();
        let batcher = match backend {
            Backend::Sqlite => Some(Arc::new(Batcher::start(
                manager.clone(),
                writer.clone(),
                versions.clone(),
            )?)),
            Backend::Postgres => None,
        };
        Ok(Db {
            pool,
            manager,
            backend,
            writer,
            versions,
            batcher,
            retried: Arc::default(),
            replica: None,
            writers: Arc::default(),
        })
    }

    /// [`Db::connect`] with a streaming replica of the PostgreSQL primary
    /// at `replica_url` (`DATABASE_REPLICA_URL`) for [`Db::read_replica`];
    /// a writer's note is kept `keep` (see [`RecentWriters`]). The replica
    /// need not be up yet. SQLite has no replica: one is refused.
    pub fn connect_with_replica(
        url: &str,
        replica_url: Option<&str>,
        max_size: u32,
        keep: Duration,
    ) -> Result<Self, DbError> {
        let replica = match replica_url {
            None => None,
            Some(r) => match (DbTarget::parse(url)?, DbTarget::parse(r)) {
                (DbTarget::Postgres(_), Ok(target @ DbTarget::Postgres(_))) => Some(target),
                _ => {
                    return Err(DbError::Config(
                        "DATABASE_REPLICA_URL needs PostgreSQL: both it and DATABASE_URL \
                         must be postgres://… URLs (SQLite has no replicas; unset it)"
                            .to_owned(),
                    ))
                }
            },
        };
        let mut db = Db::connect(url, max_size)?;
        db.writers = Arc::new(RecentWriters::new(keep));
        db.replica =
            replica.map(|target| Arc::new(Replica::new(ConnectionManager::new(target), max_size)));
        Ok(db)
    }

    /// Whether reads may go to a replica.
    pub fn has_replica(&self) -> bool {
        self.replica.is_some()
    }

    /// Reads that ran on the replica and those sent to the primary instead.
    pub fn replica_stats(&self) -> Option<ReplicaStats> {
        self.replica.as_ref().map(|r| r.stats())
    }

    /// Who wrote lately (see [`RecentWriters`]).
    pub fn recent_writers(&self) -> &RecentWriters {
        &self.writers
    }

    /// Runs read-only work as [`Db::read`] does, on the replica when there
    /// is one that is up and has replayed the log position `after` (a
    /// reader's last write, see [`Db::note_write`]); on the primary
    /// otherwise, also when the replica fails the read for a reason of its
    /// own (gone, or a conflict with its replay).
    pub fn read_replica<T>(
        &self,
        after: Option<i64>,
        mut f: impl FnMut(&mut DbConnection) -> Result<T, DbError>,
    ) -> Result<T, DbError> {
        if let Some(replica) = &self.replica {
            if let Some(result) = replica.try_read(after, &mut f) {
                return result;
            }
        }
        self.read(f)
    }

    /// After a write of `user` has committed: notes the primary's log
    /// position, which `user`'s reads must see, here and (by `NOTIFY`) in
    /// every other process on the database; returns it. `None` without a
    /// replica, where every read sees every write.
    pub fn note_write(&self, user: i64) -> Result<Option<i64>, DbError> {
        if self.replica.is_none() {
            return Ok(None);
        }
        let lsn = self.read(|c| crate::replica::note_write(c, user))?;
        self.writers.wrote(user, lsn);
        Ok(Some(lsn))
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// On PostgreSQL, starts sharing data versions with the other processes
    /// on the database ([`crate::cache_sync`]), so that their read caches
    /// drop what this one's writes change and the other way round; the
    /// sharing lasts as long as the returned handle. `None` on SQLite,
    /// which one process serves.
    pub fn start_cache_sync(&self) -> Result<Option<crate::CacheSync>, DbError> {
        match self.backend {
            Backend::Sqlite => Ok(None),
            Backend::Postgres => crate::cache_sync::start(
                self.manager.clone(),
                self.versions.clone(),
                self.writers.clone(),
            )
            .map(Some),
        }
    }

    /// How many writes ran again after a PostgreSQL serialisation failure
    /// or deadlock, since this pool was opened.
    pub fn retried_writes(&self) -> u64 {
        self.retried.load(Ordering::Relaxed)
    }

    /// Connections the pool holds and how many of them are idle.
    pub fn pool_state(&self) -> r2d2::State {
        self.pool.state()
    }

    /// SQLite writes queued for the writing thread or in its current batch
    /// (0 on PostgreSQL, whose writes take pooled connections).
    pub fn write_queue_depth(&self) -> usize {
        self.batcher.as_ref().map_or(0, |b| b.depth())
    }

    /// Versions of the data this process wrote, for caches of what it reads.
    pub fn versions(&self) -> &Versions {
        &self.versions
    }

    pub fn conn(&self) -> Result<r2d2::PooledConnection<ConnectionManager>, DbError> {
        Ok(self.pool.get()?)
    }

    /// Applies pending migrations of this backend, then the data fixups
    /// they listed.
    pub fn migrate(&self) -> Result<(), DbError> {
        {
            let _guard = self.lock_writer();
            let mut conn = self.conn()?;
            let result = per_backend!(&mut *conn, |c| c
                .run_pending_migrations(match self.backend {
                    Backend::Sqlite => SQLITE_MIGRATIONS,
                    Backend::Postgres => POSTGRES_MIGRATIONS,
                })
                .map(|_| ()));
            result.map_err(|e| DbError::Migration(e.to_string()))?;
        }
        crate::fixups::run_pending(self)
    }

    /// Runs read-only work on a pooled connection; once more on a new one
    /// when the server behind the first had hung up.
    pub fn read<T>(
        &self,
        mut f: impl FnMut(&mut DbConnection) -> Result<T, DbError>,
    ) -> Result<T, DbError> {
        let mut conn = self.conn()?;
        match f(&mut conn) {
            Err(e) if e.is_disconnect() => {
                self.reconnect(&mut conn)?;
                f(&mut conn)
            }
            other => other,
        }
    }

    /// Puts a new connection in the place of a dead pooled one, so that the
    /// pool does not hand the dead one out again.
    fn reconnect(&self, conn: &mut DbConnection) -> Result<(), DbError> {
        *conn = r2d2::ManageConnection::connect(&self.manager)?;
        Ok(())
    }

    /// Runs `f` in a transaction; on PostgreSQL it is retried a few times when
    /// a concurrent transaction forced an abort.
    pub fn write<T>(
        &self,
        mut f: impl FnMut(&mut DbConnection) -> Result<T, DbError>,
    ) -> Result<T, DbError> {
        // Queue for the writer lock before taking a connection, so that
        // writers waiting on SQLite do not drain the pool the readers need.
        let _guard = self.lock_writer();
        let mut conn = self.conn()?;
        self.retrying(&mut conn, |c| c.transaction(|c| f(c)))
    }

    /// Runs `run` on `conn` and publishes the versions it touched; again,
    /// a few times, when PostgreSQL aborted it for a concurrent write.
    fn retrying<T>(
        &self,
        conn: &mut DbConnection,
        mut run: impl FnMut(&mut DbConnection) -> Result<T, DbError>,
    ) -> Result<T, DbError> {
        self.versions.publish_after(|| {
            let mut attempt = 0;
            loop {
                match run(conn) {
                    Err(e) if e.is_transient() && attempt < 5 => {
                        attempt += 1;
                        self.retried.fetch_add(1, Ordering::Relaxed);
                        tracing::warn!(attempt, error = %e, "write ran again after a conflict");
                    }
                    Err(e) if e.is_disconnect() => {
                        // Whether a lost COMMIT (or autocommitted
                        // statement) took effect is unknown, so the write is
                        // not repeated; the next one gets a new connection.
                        let _ = self.reconnect(conn);
                        return Err(e);
                    }
                    other => return other,
                }
            }
        })
    }

    /// Runs `f` as [`Db::write_batched`] does, except that on PostgreSQL it
    /// gets its connection outside a transaction: each statement `f` runs
    /// commits on its own unless `f` opens a transaction itself. For
    /// writes that take one statement, or whose statements each leave the
    /// data consistent (see [`bookmarks::save`](crate::bookmarks::save)): no `BEGIN` and `COMMIT`
    /// round trips. Retried as [`Db::write`] retries.
    pub fn write_autocommit<T, F>(&self, f: F) -> Result<T, DbError>
    where
        T: Send + 'static,
        F: FnMut(&mut DbConnection) -> Result<T, DbError> + Send + 'static,
    {
        if self.batcher.is_some() {
            return self.write_batched(f);
        }
        let mut conn = self.conn()?;
        self.retrying(&mut conn, f)
    }

    /// Runs `f` in a transaction as [`Db::write`] does; on SQLite it joins
    /// the writes queued meanwhile, committed together (each in a savepoint,
    /// so one that fails rolls back alone). It returns after the commit.
    pub fn write_batched<T, F>(&self, f: F) -> Result<T, DbError>
    where
        T: Send + 'static,
        F: FnMut(&mut DbConnection) -> Result<T, DbError> + Send + 'static,
    {
        match &self.batcher {
            Some(batcher) => batcher.write(f),
            None => self.write(f),
        }
    }

    fn lock_writer(&self) -> Option<std::sync::MutexGuard<'_, ()>> {
        match self.backend {
            // A poisoned lock only means another writer panicked; the
            // database itself rolled that transaction back.
            Backend::Sqlite => Some(self.writer.lock().unwrap_or_else(|p| p.into_inner())),
            Backend::Postgres => None,
        }
    }
}
