//! Configuration, read once at start-up from the environment.

use std::path::{Path, PathBuf};
use std::time::Duration;

use rand::RngCore;

/// Every setting of a running server.
#[derive(Debug, Clone)]
pub struct Config {
    /// `DATABASE_URL`; default `sqlite://<data dir>/bukuma.sqlite3`.
    pub database_url: String,
    /// `DATABASE_REPLICA_URL`: a PostgreSQL streaming replica of
    /// `DATABASE_URL` that takes reads off it (see [`crate::routing`]);
    /// default none. Refused with SQLite.
    pub replica_url: Option<String>,
    /// `BUKUMA_REPLICA_PIN_MS`: how long after a write the writer's reads
    /// wait for the replica to replay it, going to the primary until then;
    /// default 10000. A replica further behind than that shows them the data
    /// of before their write.
    pub replica_pin_ms: u64,
    /// `BUKUMA_BIND`; default `127.0.0.1:8080`.
    pub bind: String,
    /// `BUKUMA_DATA_DIR`; default `data`.
    pub data_dir: PathBuf,
    /// `BUKUMA_SEARCH_DIR`: the search index of this host, shared by the
    /// server processes on it; default `<data dir>/search`.
    pub search_dir: PathBuf,
    /// `BUKUMA_STATIC_DIR`: serve the built SPA from this directory (for
    /// development); default: the copy built into the binary.
    pub static_dir: Option<PathBuf>,
    /// `BUKUMA_COOKIE_SECURE`: mark the refresh cookie `Secure` even over plain HTTP.
    pub cookie_secure: bool,
    /// `BUKUMA_NEW_ENTRY_THRESHOLD`: public bookmarks that make an entry "new"; default 3.
    pub new_entry_threshold: i64,
    /// `BUKUMA_HOT_INTERVAL_SECS`: how often hot scores are recomputed; default 60.
    pub hot_interval_secs: u64,
    /// `BUKUMA_HOT_CACHE_MS`: how long the first pages of the hot list are
    /// served from memory; default 2000, 0 turns the cache off.
    pub hot_cache_ms: u64,
    /// `BUKUMA_READ_CACHE_MS`: how long responses of public reads (an entry, its
    /// comments, a user's bookmarks, tags and sites) are kept in memory; a
    /// write through this process replaces those it changes at once, so the
    /// time only bounds how late other figures shown with them (another
    /// user's bookmark count of a listed entry) and writes through other
    /// processes appear. Default 60000, 0 turns the cache off.
    pub read_cache_ms: u64,
    /// `BUKUMA_READ_CACHE_MB`: memory for those responses; default 16.
    pub read_cache_mb: u64,
    /// `BUKUMA_READ_LAG_MS`: how long viewers who did not write themselves
    /// may still get a cached response that a write has outdated, so that a
    /// response written to many times a second is read again at most once in
    /// that time; the writer always gets responses read after their writes.
    /// Default 1000, 0 replaces responses at every write.
    pub read_lag_ms: u64,
    /// `BUKUMA_DB_POOL_SIZE`: pooled connections for reads and PostgreSQL
    /// writes; default 16 on PostgreSQL, 4 on SQLite (its reads are CPU
    /// work on this process's cores, writes have a connection of their own,
    /// and every connection keeps its own page cache).
    pub pool_size: u32,
    /// `BUKUMA_ACCESS_TOKEN_SECS`; default 900 (15 minutes).
    pub access_token_secs: i64,
    /// `BUKUMA_REFRESH_TOKEN_DAYS`; default 30.
    pub refresh_token_days: i64,
    /// `BUKUMA_REFRESH_REUSE_GRACE_SECS`: a refresh token presented again this
    /// soon after its first use rotates again instead of revoking the session
    /// (a response lost to a closed tab or a navigation); default 30, 0 = strict.
    pub refresh_reuse_grace_secs: i64,
    /// `BUKUMA_FETCH_METADATA`: fetch the pages of new entries for their metadata; default true.
    pub fetch_metadata: bool,
    /// `BUKUMA_FETCH_ALLOW`: private networks (CIDRs) the page fetcher may reach,
    /// e.g. `10.0.0.0/8` for an intranet install; none by default.
    pub fetch_allow: Vec<bukuma_fetch::IpNet>,
    /// `BUKUMA_PUBLIC_URL`: the address people reach this server at, e.g.
    /// `https://bukuma.example`, for absolute links in feeds. Default: taken
    /// from each request (its `Host` and scheme, as a proxy forwards them).
    pub public_url: Option<String>,
    /// `BUKUMA_TRUSTED_PROXIES`: proxies (CIDRs) whose `Forwarded` and
    /// `X-Forwarded-*` headers are believed; none by default.
    pub trusted_proxies: Vec<bukuma_fetch::IpNet>,
    /// `BUKUMA_REGISTRATION`: `open` (default), `closed` or `invite`.
    pub registration: RegistrationMode,
    /// Registrations per client address: `BUKUMA_REGISTER_BURST` at once
    /// (default 5), then one every `BUKUMA_REGISTER_INTERVAL_SECS` (default
    /// 600; 0 turns the limit off).
    pub register_rate: crate::rate_limit::Rate,
    /// Password guessing: `BUKUMA_LOGIN_ACCOUNT_FREE_FAILURES` and
    /// `BUKUMA_LOGIN_ADDRESS_FREE_FAILURES` (default 5 each) before waits
    /// that double up to `BUKUMA_LOGIN_ACCOUNT_MAX_WAIT_SECS` (default 30)
    /// and `BUKUMA_LOGIN_ADDRESS_MAX_WAIT_SECS` (default 900).
    pub login_policy: crate::login_throttle::Policy,
    /// `BUKUMA_BODY_TIMEOUT_SECS`: a request body that sends no byte for this
    /// long is cut off with a 408, so that stalled uploads do not hold
    /// connections; default 15.
    pub body_timeout_secs: u64,
    /// `BUKUMA_MIN_FREE_MB`: `/readyz` answers 503 when the data directory's
    /// file system has less free space than this; default 64, 0 = no check.
    pub min_free_mb: u64,
    /// `BUKUMA_METRICS`: serve `/metrics` on the main port; default false.
    pub metrics: bool,
    /// `BUKUMA_METRICS_BIND`: serve `/metrics` on a listener of its own at
    /// this address (e.g. `127.0.0.1:9090`) instead; default none.
    pub metrics_bind: Option<String>,
    /// HS256 key: `BUKUMA_JWT_SECRET`, else a key generated once and kept in
    /// `<data dir>/jwt-secret`.
    pub jwt_secret: Vec<u8>,
}

/// Who may create an account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RegistrationMode {
    #[default]
    Open,
    Closed,
    /// Only with an invite code an admin made.
    Invite,
}

impl RegistrationMode {
    pub fn as_str(self) -> &'static str {
        match self {
            RegistrationMode::Open => "open",
            RegistrationMode::Closed => "closed",
            RegistrationMode::Invite => "invite",
        }
    }
}

impl std::str::FromStr for RegistrationMode {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.to_ascii_lowercase().as_str() {
            "open" => Ok(RegistrationMode::Open),
            "closed" => Ok(RegistrationMode::Closed),
            "invite" => Ok(RegistrationMode::Invite),
            _ => Err("expected open, closed or invite".into()),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{name}: {problem}")]
    Invalid { name: &'static str, problem: String },
    #[error("cannot keep the JWT secret in {path}: {source}")]
    Secret {
        path: PathBuf,
        source: std::io::Error,
    },
}

fn var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

fn parsed<T: std::str::FromStr>(name: &'static str, default: T) -> Result<T, ConfigError>
where
    T::Err: std::fmt::Display,
{
    match var(name) {
        None => Ok(default),
        Some(v) => v.trim().parse().map_err(|e: T::Err| ConfigError::Invalid {
            name,
            problem: format!("{v:?}: {e}"),
        }),
    }
}

impl Config {
    pub fn from_env() -> Result<Self, ConfigError> {
        let data_dir = PathBuf::from(var("BUKUMA_DATA_DIR").unwrap_or_else(|| "data".into()));
        let database_url = var("DATABASE_URL")
            .unwrap_or_else(|| format!("sqlite://{}", data_dir.join("bukuma.sqlite3").display()));
        let jwt_secret = match var("BUKUMA_JWT_SECRET") {
            Some(s) if s.len() >= 32 => s.into_bytes(),
            Some(_) => {
                return Err(ConfigError::Invalid {
                    name: "BUKUMA_JWT_SECRET",
                    problem: "must be at least 32 characters".into(),
                })
            }
            None => load_or_create_secret(&data_dir)?,
        };
        let threshold: i64 = parsed("BUKUMA_NEW_ENTRY_THRESHOLD", 3)?;
        if threshold < 1 {
            return Err(ConfigError::Invalid {
                name: "BUKUMA_NEW_ENTRY_THRESHOLD",
                problem: "must be at least 1".into(),
            });
        }
        let default_pool = if database_url.starts_with("postgres") {
            16u32
        } else {
            4
        };
        Ok(Config {
            database_url,
            replica_url: var("DATABASE_REPLICA_URL"),
            replica_pin_ms: parsed("BUKUMA_REPLICA_PIN_MS", 10_000u64)?.clamp(100, 600_000),
            bind: var("BUKUMA_BIND").unwrap_or_else(|| "127.0.0.1:8080".into()),
            static_dir: var("BUKUMA_STATIC_DIR").map(PathBuf::from),
            cookie_secure: parsed("BUKUMA_COOKIE_SECURE", false)?,
            new_entry_threshold: threshold,
            hot_interval_secs: parsed("BUKUMA_HOT_INTERVAL_SECS", 60u64)?.max(1),
            hot_cache_ms: parsed("BUKUMA_HOT_CACHE_MS", 2000u64)?.min(60_000),
            read_cache_ms: parsed("BUKUMA_READ_CACHE_MS", 60_000u64)?.min(3_600_000),
            read_cache_mb: parsed("BUKUMA_READ_CACHE_MB", 16u64)?.clamp(1, 65_536),
            read_lag_ms: parsed("BUKUMA_READ_LAG_MS", 1000u64)?.min(60_000),
            pool_size: parsed("BUKUMA_DB_POOL_SIZE", default_pool)?.max(1),
            access_token_secs: parsed("BUKUMA_ACCESS_TOKEN_SECS", 900i64)?.max(10),
            refresh_token_days: parsed("BUKUMA_REFRESH_TOKEN_DAYS", 30i64)?.max(1),
            refresh_reuse_grace_secs: parsed("BUKUMA_REFRESH_REUSE_GRACE_SECS", 30i64)?
                .clamp(0, 300),
            fetch_metadata: parsed("BUKUMA_FETCH_METADATA", true)?,
            fetch_allow: match var("BUKUMA_FETCH_ALLOW") {
                None => Vec::new(),
                Some(v) => {
                    bukuma_fetch::parse_allow_list(&v).map_err(|problem| ConfigError::Invalid {
                        name: "BUKUMA_FETCH_ALLOW",
                        problem,
                    })?
                }
            },
            public_url: match var("BUKUMA_PUBLIC_URL") {
                None => None,
                Some(v) => Some(
                    parse_public_url(&v).map_err(|problem| ConfigError::Invalid {
                        name: "BUKUMA_PUBLIC_URL",
                        problem,
                    })?,
                ),
            },
            trusted_proxies: match var("BUKUMA_TRUSTED_PROXIES") {
                None => Vec::new(),
                Some(v) => {
                    bukuma_fetch::parse_allow_list(&v).map_err(|problem| ConfigError::Invalid {
                        name: "BUKUMA_TRUSTED_PROXIES",
                        problem,
                    })?
                }
            },
            registration: parsed("BUKUMA_REGISTRATION", RegistrationMode::Open)?,
            register_rate: crate::rate_limit::Rate {
                burst: parsed("BUKUMA_REGISTER_BURST", 5u32)?.max(1),
                every: Duration::from_secs(parsed("BUKUMA_REGISTER_INTERVAL_SECS", 600u64)?),
            },
            login_policy: login_policy()?,
            body_timeout_secs: parsed("BUKUMA_BODY_TIMEOUT_SECS", 15u64)?.clamp(1, 3600),
            min_free_mb: parsed("BUKUMA_MIN_FREE_MB", 64u64)?,
            metrics: parsed("BUKUMA_METRICS", false)?,
            metrics_bind: var("BUKUMA_METRICS_BIND"),
            search_dir: var("BUKUMA_SEARCH_DIR")
                .map(PathBuf::from)
                .unwrap_or_else(|| data_dir.join("search")),
            data_dir,
            jwt_secret,
        })
    }

    /// A configuration for tests: the given database, a random secret.
    pub fn for_tests(database_url: &str) -> Self {
        let mut secret = vec![0u8; 32];
        rand::rng().fill_bytes(&mut secret);
        Config {
            database_url: database_url.to_owned(),
            replica_url: None,
            replica_pin_ms: 10_000,
            bind: "127.0.0.1:0".into(),
            data_dir: std::env::temp_dir(),
            // Tests that search give each app a directory of its own.
            search_dir: std::env::temp_dir().join("bukuma-search-unused"),
            static_dir: None,
            cookie_secure: false,
            new_entry_threshold: 3,
            hot_interval_secs: 60,
            hot_cache_ms: 0,
            // On, and long: every read-after-write of the HTTP tests then
            // checks that writes replace the responses they change.
            read_cache_ms: 3_600_000,
            read_cache_mb: 8,
            // Every viewer gets responses read after every write.
            read_lag_ms: 0,
            pool_size: 8,
            access_token_secs: 900,
            refresh_token_days: 30,
            refresh_reuse_grace_secs: 0,
            fetch_metadata: false,
            fetch_allow: Vec::new(),
            public_url: None,
            trusted_proxies: Vec::new(),
            registration: RegistrationMode::Open,
            // Off: every test registers its users from the same (unknown)
            // address; the tests of the limit turn it on.
            register_rate: crate::rate_limit::Rate {
                burst: 5,
                every: Duration::ZERO,
            },
            login_policy: crate::login_throttle::Policy::default(),
            body_timeout_secs: 15,
            min_free_mb: 0,
            metrics: false,
            metrics_bind: None,
            jwt_secret: secret,
        }
    }
}

fn login_policy() -> Result<crate::login_throttle::Policy, ConfigError> {
    let mut p = crate::login_throttle::Policy::default();
    p.account.free = parsed("BUKUMA_LOGIN_ACCOUNT_FREE_FAILURES", p.account.free)?;
    p.address.free = parsed("BUKUMA_LOGIN_ADDRESS_FREE_FAILURES", p.address.free)?;
    p.account.max = Duration::from_secs(parsed(
        "BUKUMA_LOGIN_ACCOUNT_MAX_WAIT_SECS",
        p.account.max.as_secs(),
    )?);
    p.address.max = Duration::from_secs(parsed(
        "BUKUMA_LOGIN_ADDRESS_MAX_WAIT_SECS",
        p.address.max.as_secs(),
    )?);
    Ok(p)
}

/// An http(s) URL without query or fragment; returned without a trailing `/`.
fn parse_public_url(v: &str) -> Result<String, String> {
    let url = url::Url::parse(v.trim()).map_err(|e| format!("{v:?}: {e}"))?;
    if !matches!(url.scheme(), "http" | "https") || url.host().is_none() {
        return Err(format!(
            "{v:?}: expected an http(s) URL such as https://bukuma.example"
        ));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(format!("{v:?}: must not have a query or fragment"));
    }
    Ok(url.as_str().trim_end_matches('/').to_owned())
}

fn load_or_create_secret(data_dir: &Path) -> Result<Vec<u8>, ConfigError> {
    let path = data_dir.join("jwt-secret");
    let err = |source| ConfigError::Secret {
        path: path.clone(),
        source,
    };
    match std::fs::read_to_string(&path) {
        Ok(s) if s.trim().len() >= 32 => return Ok(s.trim().as_bytes().to_vec()),
        Ok(_) => {
            return Err(err(std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                "file holds fewer than 32 characters",
            )))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(err(e)),
    }
    std::fs::create_dir_all(data_dir).map_err(err)?;
    let mut bytes = [0u8; 48];
    rand::rng().fill_bytes(&mut bytes);
    let secret = hex::encode(bytes);
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    use std::io::Write;
    match options.open(&path) {
        Ok(mut f) => f.write_all(secret.as_bytes()).map_err(err)?,
        // Another process created it first: use theirs.
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            return load_or_create_secret(data_dir)
        }
        Err(e) => return Err(err(e)),
    }
    Ok(secret.into_bytes())
}

#[cfg(test)]
mod tests {
    use super::parse_public_url;

    #[test]
    fn public_url_is_an_http_url_kept_without_trailing_slash() {
        assert_eq!(
            parse_public_url("https://bukuma.example/"),
            Ok("https://bukuma.example".to_owned())
        );
        assert_eq!(
            parse_public_url("http://h.example:8080/bukuma/"),
            Ok("http://h.example:8080/bukuma".to_owned())
        );
        assert!(parse_public_url("ftp://h.example/").is_err());
        assert!(parse_public_url("bukuma.example").is_err());
        assert!(parse_public_url("https://h.example/?a=1").is_err());
    }
}
