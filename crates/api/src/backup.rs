//! `bukuma backup` and `bukuma restore`.
//!
//! - SQLite: a backup is `VACUUM INTO` a new file (one consistent snapshot,
//!   taken while writers go on); a restore checks the copy
//!   ([`bukuma_db::backup::check_sqlite_copy`]), and replaces the database
//!   file only while no server has it open: every `bukuma serve` holds a
//!   shared lock on `<database>.lock` ([`ServerLock`]), a restore takes it
//!   exclusively.
//! - PostgreSQL: `pg_dump --format=custom` and `pg_restore --clean
//!   --if-exists`. Servers there are told by the background-job leases they
//!   hold in the database.
//!
//! After a restore the search index no longer matches the database: it is
//! rebuilt at once ([`indexer::rebuild`], as `bukuma search reindex` does).

use std::fs::{File, OpenOptions};
use std::path::{Path, PathBuf};
use std::process::Command;

use bukuma_db::backup::CopyError;
use bukuma_db::{Db, DbError, DbTarget};

use crate::config::Config;
use crate::indexer::{self, IndexError, Progress};

#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error(transparent)]
    Db(#[from] DbError),
    #[error(transparent)]
    Index(#[from] IndexError),
    #[error("{0}: {1}")]
    Io(PathBuf, std::io::Error),
    #[error("{0} cannot be restored: {1}")]
    NotABackup(PathBuf, String),
    #[error("{0} exists already; choose a new file")]
    Exists(PathBuf),
    #[error("a bukuma server is running on {0}; stop it before restoring")]
    ServerRunning(String),
    #[error("a restore of {0} is under way; try again when it is done")]
    RestoreRunning(PathBuf),
    #[error("`{0}` is not on PATH; install the PostgreSQL client tools (e.g. apt-get install postgresql-client)")]
    ToolMissing(&'static str),
    #[error("`{0}` failed: {1}")]
    ToolFailed(&'static str, String),
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> BackupError + '_ {
    move |e| BackupError::Io(path.to_path_buf(), e)
}

/// The lock file beside a SQLite database.
fn lock_path(db: &Path) -> PathBuf {
    let mut name = db.as_os_str().to_owned();
    name.push(".lock");
    PathBuf::from(name)
}

/// An advisory lock on `<database>.lock`: shared by every server on a
/// SQLite database, exclusive for a restore. The operating system drops it
/// when the process ends, however it ends.
#[derive(Debug)]
pub struct ServerLock {
    _file: File,
}

impl ServerLock {
    fn open(db: &Path) -> Result<(PathBuf, File), BackupError> {
        let path = lock_path(db);
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(io(dir))?;
        }
        let file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(io(&path))?;
        Ok((path, file))
    }

    /// The lock a server holds while it runs on `config`'s database; `None`
    /// on PostgreSQL. Fails while a restore holds it.
    pub fn for_server(config: &Config) -> Result<Option<ServerLock>, BackupError> {
        let DbTarget::Sqlite(db) = DbTarget::parse(&config.database_url)? else {
            return Ok(None);
        };
        let (path, file) = Self::open(&db)?;
        match file.try_lock_shared() {
            Ok(()) => Ok(Some(ServerLock { _file: file })),
            Err(std::fs::TryLockError::WouldBlock) => Err(BackupError::RestoreRunning(db)),
            Err(std::fs::TryLockError::Error(e)) => Err(BackupError::Io(path, e)),
        }
    }

    /// The lock of a restore of the SQLite database `db`: refused while
    /// any server holds it.
    pub fn for_restore(db: &Path) -> Result<ServerLock, BackupError> {
        let (path, file) = Self::open(db)?;
        match file.try_lock() {
            Ok(()) => Ok(ServerLock { _file: file }),
            Err(std::fs::TryLockError::WouldBlock) => {
                Err(BackupError::ServerRunning(db.display().to_string()))
            }
            Err(std::fs::TryLockError::Error(e)) => Err(BackupError::Io(path, e)),
        }
    }
}

/// A file beside `dest` to write first and rename into place.
fn partial(dest: &Path, what: &str) -> PathBuf {
    let mut name = dest.as_os_str().to_owned();
    name.push(format!(".{what}-{}", std::process::id()));
    PathBuf::from(name)
}

/// Only the owner may read a copy: it holds password hashes and tokens.
fn owner_only(path: &Path) -> Result<(), BackupError> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600)).map_err(io(path))?;
    }
    Ok(())
}

/// Runs a PostgreSQL client tool; a clear error when it is missing or fails.
fn run_tool(tool: &'static str, args: &[&std::ffi::OsStr]) -> Result<(), BackupError> {
    let out = Command::new(tool).args(args).output().map_err(|e| {
        if e.kind() == std::io::ErrorKind::NotFound {
            BackupError::ToolMissing(tool)
        } else {
            BackupError::ToolFailed(tool, e.to_string())
        }
    })?;
    if out.status.success() {
        Ok(())
    } else {
        let stderr = String::from_utf8_lossy(&out.stderr);
        Err(BackupError::ToolFailed(
            tool,
            format!("{}: {}", out.status, stderr.trim()),
        ))
    }
}

/// Writes a backup of `config`'s database to `dest` (a new file) while the
/// database stays in use.
pub fn backup(config: &Config, dest: &Path) -> Result<(), BackupError> {
    if dest.exists() {
        return Err(BackupError::Exists(dest.to_path_buf()));
    }
    let tmp = partial(dest, "partial");
    let result = match DbTarget::parse(&config.database_url)? {
        DbTarget::Sqlite(db) => {
            if !db.is_file() {
                return Err(BackupError::Io(
                    db,
                    std::io::Error::new(std::io::ErrorKind::NotFound, "no database here"),
                ));
            }
            let db = Db::connect(&config.database_url, 1)?;
            bukuma_db::backup::sqlite_copy(&db, &tmp).map_err(BackupError::from)
        }
        DbTarget::Postgres(url) => run_tool(
            "pg_dump",
            &[
                "--format=custom".as_ref(),
                "--no-owner".as_ref(),
                "--file".as_ref(),
                tmp.as_os_str(),
                "--dbname".as_ref(),
                url.as_ref(),
            ],
        ),
    };
    let finish = result
        .and_then(|()| owner_only(&tmp))
        .and_then(|()| {
            File::open(&tmp)
                .and_then(|f| f.sync_all())
                .map_err(io(&tmp))
        })
        .and_then(|()| std::fs::rename(&tmp, dest).map_err(io(dest)));
    if finish.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    finish
}

/// What a restore did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Restored {
    /// Migrations the backup lacked, applied after restoring it.
    pub migrated: usize,
    /// Documents of the rebuilt search index.
    pub entries: u64,
    pub bookmarks: u64,
}

/// Puts the backup `src` in the place of `config`'s database and rebuilds
/// the search index. On SQLite it refuses while a server runs on the
/// database, and checks the copy before anything is replaced. On
/// PostgreSQL it refuses while a server holds a job lease, unless `force`.
pub fn restore(
    config: &Config,
    src: &Path,
    force: bool,
    progress: &dyn Progress,
) -> Result<Restored, BackupError> {
    if !src.is_file() {
        return Err(BackupError::Io(
            src.to_path_buf(),
            std::io::Error::new(std::io::ErrorKind::NotFound, "no such backup file"),
        ));
    }
    let (migrated, _lock) = match DbTarget::parse(&config.database_url)? {
        DbTarget::Sqlite(db) => {
            let lock = ServerLock::for_restore(&db)?;
            (restore_sqlite(&db, src)?, Some(lock))
        }
        DbTarget::Postgres(url) => {
            if !force {
                refuse_while_serving(config)?;
            }
            run_tool(
                "pg_restore",
                &[
                    "--clean".as_ref(),
                    "--if-exists".as_ref(),
                    "--no-owner".as_ref(),
                    "--single-transaction".as_ref(),
                    "--dbname".as_ref(),
                    url.as_ref(),
                    src.as_os_str(),
                ],
            )?;
            (0, None)
        }
    };
    let db = Db::connect(&config.database_url, 2)?;
    db.migrate()?;
    let (_, entries, bookmarks) = indexer::rebuild(&db, &config.search_dir, progress)?;
    Ok(Restored {
        migrated,
        entries,
        bookmarks,
    })
}

/// Copies `src` beside `db`, checks and migrates the copy, then swaps it in
/// (with the old database's WAL files gone, which belong to the old one).
fn restore_sqlite(db: &Path, src: &Path) -> Result<usize, BackupError> {
    if let Some(dir) = db.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(io(dir))?;
    }
    let tmp = partial(db, "restoring");
    let staged = (|| {
        std::fs::copy(src, &tmp).map_err(io(&tmp))?;
        owner_only(&tmp)?;
        let checked = bukuma_db::backup::check_sqlite_copy(&tmp).map_err(|e| match e {
            CopyError::Unusable(why) => BackupError::NotABackup(src.to_path_buf(), why),
            CopyError::Db(e) => BackupError::Db(e),
        })?;
        // The check's connection may have left a journal; none is left open.
        for suffix in ["-wal", "-shm", "-journal"] {
            let mut side = tmp.as_os_str().to_owned();
            side.push(suffix);
            let _ = std::fs::remove_file(PathBuf::from(side));
        }
        File::open(&tmp)
            .and_then(|f| f.sync_all())
            .map_err(io(&tmp))?;
        Ok::<_, BackupError>(checked.migrated)
    })();
    let migrated = match staged {
        Ok(n) => n,
        Err(e) => {
            let _ = std::fs::remove_file(&tmp);
            return Err(e);
        }
    };
    for suffix in ["-wal", "-shm"] {
        let mut side = db.as_os_str().to_owned();
        side.push(suffix);
        let side = PathBuf::from(side);
        match std::fs::remove_file(&side) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(io(&side)(e)),
            _ => {}
        }
    }
    std::fs::rename(&tmp, db).map_err(io(db))?;
    if let Some(dir) = db.parent().filter(|d| !d.as_os_str().is_empty()) {
        let _ = File::open(dir).and_then(|d| d.sync_all());
    }
    Ok(migrated)
}

/// On PostgreSQL a running server renews its background-job leases; an
/// unexpired one means a server may be running.
fn refuse_while_serving(config: &Config) -> Result<(), BackupError> {
    let db = Db::connect(&config.database_url, 1)?;
    let now = bukuma_db::now_micros();
    let held = db.read(|c| bukuma_db::leases::held(c, now));
    match held {
        Ok(names) if !names.is_empty() => Err(BackupError::ServerRunning(format!(
            "the PostgreSQL database (job leases held: {}; stop the servers, wait for the \
             leases to expire or pass --force)",
            names.join(", ")
        ))),
        // A database without bukuma's tables has no server either.
        _ => Ok(()),
    }
}
