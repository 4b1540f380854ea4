//! State shared by every request.

use std::sync::Arc;

use actix_web::web;
use bukuma_db::bookmarks::WriteOptions;
use bukuma_db::{Db, DbConnection, DbError};
use bukuma_domain::UserId;

use crate::auth::JwtKeys;
use crate::cache::{self, PageCache, ReadCache};
use crate::config::Config;
use crate::error::ApiError;
use crate::rate_limit::Limiter;

pub struct AppState {
    pub db: Db,
    pub config: Arc<Config>,
    pub jwt: JwtKeys,
    /// Per-user rate limits of the Pinboard-compatible API.
    pub pinboard: Limiter,
    /// Password guesses by account and client address.
    pub logins: crate::login_throttle::LoginThrottle,
    /// Registrations by client address.
    pub registrations: crate::rate_limit::RateLimiter<Option<std::net::IpAddr>>,
    /// Which forwarding headers to believe.
    pub proxies: crate::client::Proxies,
    /// First pages of the hot list, the same for every viewer.
    pub hot_pages: PageCache,
    /// First pages of each category's hot list, by `Category::code`.
    pub category_hot_pages: [PageCache; 8],
    /// The model that chooses entries' categories (see [`crate::categorizer`]).
    pub categories: Arc<crate::categorizer::Categorizer>,
    /// Responses of public reads, replaced when a write changes them.
    pub reads: ReadCache,
    /// Which signed-in users are suspended, checked on every request.
    pub suspensions: crate::suspension::Suspensions,
    /// What signed-in viewers muted, to filter the lists they read.
    pub mutes: crate::mutes::MuteCache,
    /// Whom signed-in viewers follow, for their cached feeds.
    pub followees: crate::followees::FolloweeCache,
    /// Whose imports are running: one at a time per user.
    pub imports: crate::import_export::RunningImports,
    /// The search index, when this server searches.
    pub search: Option<Arc<crate::indexer::Search>>,
    /// Related lists readers found never computed, for the related job.
    pub related: Arc<crate::related::RelatedQueue>,
    /// One permit per pooled connection: reads wait here, on the event
    /// loop, rather than each on a blocking thread of its own waiting for a
    /// connection (threads that only wait cost memory and wake-ups).
    readers: tokio::sync::Semaphore,
    /// Reads waiting for a permit now, for `/metrics`.
    readers_waiting: std::sync::atomic::AtomicUsize,
}

/// Counts a waiting read for as long as it waits, even when cancelled.
struct Waiting<'a>(&'a std::sync::atomic::AtomicUsize);

impl<'a> Waiting<'a> {
    fn new(count: &'a std::sync::atomic::AtomicUsize) -> Self {
        count.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        Waiting(count)
    }
}

impl Drop for Waiting<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, std::sync::atomic::Ordering::Relaxed);
    }
}

impl AppState {
    pub fn new(db: Db, config: Config) -> Self {
        AppState {
            jwt: JwtKeys::new(&config.jwt_secret),
            pinboard: Limiter::default(),
            logins: crate::login_throttle::LoginThrottle::new(config.login_policy),
            registrations: crate::rate_limit::RateLimiter::default(),
            proxies: crate::client::Proxies::new(config.trusted_proxies.clone()),
            hot_pages: PageCache::new(std::time::Duration::from_millis(config.hot_cache_ms)),
            category_hot_pages: std::array::from_fn(|_| {
                PageCache::new(std::time::Duration::from_millis(config.hot_cache_ms))
            }),
            categories: Arc::new(crate::categorizer::Categorizer::builtin()),
            reads: ReadCache::new(
                std::time::Duration::from_millis(config.read_cache_ms),
                config.read_cache_mb * 1024 * 1024,
                std::time::Duration::from_millis(config.read_lag_ms),
            ),
            readers: tokio::sync::Semaphore::new(config.pool_size.max(1) as usize),
            readers_waiting: std::sync::atomic::AtomicUsize::new(0),
            search: None,
            related: Arc::default(),
            imports: Default::default(),
            suspensions: crate::suspension::Suspensions::default(),
            mutes: crate::mutes::MuteCache::default(),
            followees: crate::followees::FolloweeCache::default(),
            config: Arc::new(config),
            db,
        }
    }

    /// Reads waiting for a pooled connection now.
    pub fn readers_waiting(&self) -> usize {
        self.readers_waiting
            .load(std::sync::atomic::Ordering::Relaxed)
    }

    /// The state with a search index.
    pub fn with_search(mut self, search: Arc<crate::indexer::Search>) -> Self {
        self.search = Some(search);
        self
    }

    /// The state with `categorizer` choosing categories (shared with the
    /// categories job).
    pub fn with_categorizer(mut self, categorizer: Arc<crate::categorizer::Categorizer>) -> Self {
        self.categories = categorizer;
        self
    }

    /// Forgets every cached first page of the hot lists.
    pub fn clear_hot_pages(&self) {
        self.hot_pages.clear();
        for pages in &self.category_hot_pages {
            pages.clear();
        }
    }

    /// The client's address (see [`crate::client`]).
    pub fn client_ip(&self, req: &actix_web::HttpRequest) -> Option<std::net::IpAddr> {
        self.proxies.client_ip_of(req)
    }

    pub fn write_options(&self) -> WriteOptions {
        WriteOptions {
            now: bukuma_db::now_micros(),
            new_entry_threshold: self.config.new_entry_threshold,
        }
    }

    /// Runs read-only queries on a blocking thread.
    pub async fn read<T: Send + 'static>(
        &self,
        f: impl FnMut(&mut DbConnection) -> Result<T, DbError> + Send + 'static,
    ) -> Result<T, ApiError> {
        let _permit = match self.readers.try_acquire() {
            Ok(permit) => permit,
            Err(tokio::sync::TryAcquireError::Closed) => {
                return Err(ApiError::Unavailable("shutting down".into()))
            }
            Err(tokio::sync::TryAcquireError::NoPermits) => {
                metrics::counter!("bukuma_db_pool_waits_total").increment(1);
                let started = std::time::Instant::now();
                let waiting = Waiting::new(&self.readers_waiting);
                let permit = self.readers.acquire().await;
                drop(waiting);
                metrics::histogram!("bukuma_db_pool_wait_seconds")
                    .record(started.elapsed().as_secs_f64());
                permit.map_err(|_| ApiError::Unavailable("shutting down".into()))?
            }
        };
        let db = self.db.clone();
        if !db.has_replica() {
            return Ok(web::block(move || db.read(f)).await??);
        }
        match crate::routing::target(db.recent_writers()) {
            crate::routing::Target::Primary => Ok(web::block(move || db.read(f)).await??),
            crate::routing::Target::Replica(after) => {
                Ok(web::block(move || db.read_replica(after, f)).await??)
            }
        }
    }

    /// Notes that `user` has just written: the read cache serves them what
    /// was read after it and, with a replica, their reads through any
    /// process wait for the replica to replay it. Returns the primary's log
    /// position their reads must see (`None` without a replica, or when it
    /// could not be read: the cache's note then bounds what they miss).
    pub async fn wrote(&self, user: UserId) -> Option<i64> {
        self.reads.wrote(user).await;
        if !self.db.has_replica() {
            return None;
        }
        let db = self.db.clone();
        let noted = web::block(move || db.note_write(user.0))
            .await
            .map_err(|e| e.to_string())
            .and_then(|r| r.map_err(|e| e.to_string()));
        match noted {
            Ok(lsn) => {
                // For a client that keeps no cookie (an API client), the note
                // reaches the other processes meanwhile.
                actix_web::rt::time::sleep(bukuma_db::replica::NOTE_DELIVERY).await;
                lsn
            }
            Err(e) => {
                tracing::warn!(error = %e, "could not note a write for the replica's readers");
                None
            }
        }
    }

    /// Runs read-only queries on the primary, whatever the request.
    pub async fn read_primary<T: Send + 'static>(
        &self,
        f: impl FnMut(&mut DbConnection) -> Result<T, DbError> + Send + 'static,
    ) -> Result<T, ApiError> {
        let _primary = crate::routing::PrimaryLoad::start();
        self.read(f).await
    }

    /// The cached response to a public read for `viewer` (signed in or not), or
    /// the one `load` makes.
    pub async fn cached<F, Fut>(
        &self,
        key: cache::Key,
        viewer: Option<UserId>,
        load: F,
    ) -> Result<web::Bytes, ApiError>
    where
        F: FnOnce() -> Fut,
        Fut: std::future::Future<Output = Result<web::Bytes, ApiError>>,
    {
        // Kept responses are read on the primary (see `crate::routing`).
        let _primary = crate::routing::PrimaryLoad::start();
        self.reads
            .get_or_load(self.db.versions(), key, viewer, load)
            .await
    }

    /// The id of the user called `name`, or 404. A name no user can have
    /// is a 404 without a query.
    pub async fn user_id(&self, name: String) -> Result<UserId, ApiError> {
        if !could_be_username(&name) {
            return Err(ApiError::not_found("user"));
        }
        let load = {
            let name = name.clone();
            || async move {
                self.read(move |c| Ok(bukuma_db::users::find_by_name(c, &name)?.map(|u| u.id)))
                    .await
            }
        };
        self.reads
            .user_id(&name, load)
            .await?
            .ok_or_else(|| ApiError::not_found("user"))
    }

    /// Runs a write transaction on a blocking thread.
    pub async fn write<T: Send + 'static>(
        &self,
        f: impl FnMut(&mut DbConnection) -> Result<T, DbError> + Send + 'static,
    ) -> Result<T, ApiError> {
        crate::routing::wrote();
        let db = self.db.clone();
        Ok(web::block(move || db.write_batched(f)).await??)
    }

    /// Runs a write on a blocking thread, on PostgreSQL outside a
    /// transaction (see [`bukuma_db::Db::write_autocommit`]).
    pub async fn write_autocommit<T: Send + 'static>(
        &self,
        f: impl FnMut(&mut DbConnection) -> Result<T, DbError> + Send + 'static,
    ) -> Result<T, ApiError> {
        crate::routing::wrote();
        let db = self.db.clone();
        Ok(web::block(move || db.write_autocommit(f)).await??)
    }
}

/// Whether `name` has the shape of a username (`[A-Za-z0-9_-]`, at most
/// 64 bytes: the rules of registration, with room for names made before
/// them), so that other strings never reach a query.
pub fn could_be_username(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 64
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}
