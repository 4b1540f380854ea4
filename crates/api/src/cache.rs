//! Serialized responses of public reads, kept in memory with the data versions
//! they were read at (`bukuma_db::versions`): a write through this process
//! moves the versions of what it changed, so its writer, and every viewer once
//! the lag (`BUKUMA_READ_LAG_MS`) has passed, gets a response read after it. Responses also
//! expire after `BUKUMA_READ_CACHE_MS`, which bounds how late figures they
//! show of other scopes appear (the bookmark count of an entry in a user's
//! list) and writes of other processes. Only responses that are the same for
//! every viewer are kept; owners and signed-in viewers of comments (their
//! stars) always query.
//!
//! Within the lag, viewers who have not written lately may get the response of
//! before a write: each response is then read again at most once per lag
//! however often its scope is written (the busiest users and the most
//! bookmarked entries are written to many times a second and read far more
//! often).
//!
//! Responses up to [`COMPRESS_UP_TO`] bytes are kept LZ4-compressed and weighed
//! compressed: JSON lists repeat their field names and users, so the same
//! memory holds several times as many, for a few microseconds of
//! decompression per hit. Larger ones (the full tag clouds of the busiest
//! users, who are also the most visited) are kept as they are, since
//! decompressing them on every hit would cost as much as the rest of it.

use std::future::Future;
use std::time::{Duration, Instant};

use actix_web::web::Bytes;
use bukuma_db::versions::{user_list_scope, Scope, Versions};
use bukuma_domain::{EntryId, UserId};
use moka::future::Cache;
use moka::ops::compute::{CompResult, Op};

use crate::error::ApiError;

/// What a response is the response to.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Key {
    Entry(EntryId),
    /// An entry's comments; `query` is the request's query string.
    Comments {
        entry: EntryId,
        query: Box<str>,
    },
    /// An entry's related entries.
    Related(EntryId),
    /// A user's public bookmarks; `query` is the request's query string,
    /// `tag` the key of the first tag it filters by.
    UserBookmarks {
        user: UserId,
        tag: Option<Box<str>>,
        query: Box<str>,
    },
    UserTags(UserId),
    UserSites(UserId),
    /// A search: the request's query string, the search index's state it
    /// ran on, and the signed-in searcher of `scope=mine`.
    Search {
        query: Box<str>,
        index: u64,
        mine: Option<UserId>,
    },
    /// A signed-in viewer's feed or hot entries (`query` is the path and
    /// query string): they show the public bookmarks of `followees`.
    Following {
        viewer: UserId,
        query: Box<str>,
        followees: std::sync::Arc<[UserId]>,
    },
    /// A signed-in viewer's unread notification count.
    Unread(UserId),
}

impl Key {
    /// The version of what the response shows. A list filtered by tags shows
    /// only bookmarks carrying the first of them, and every write of such a
    /// bookmark touches that tag's scope.
    fn version(&self, versions: &Versions) -> u64 {
        self.sum_over_scopes(|s| versions.get(s))
    }

    /// How often something the response shows was withdrawn from public view.
    fn withdrawn(&self, versions: &Versions) -> u64 {
        self.sum_over_scopes(|s| versions.get_withdrawn(s))
    }

    /// The sum of `get` over the scopes the response depends on.
    fn sum_over_scopes(&self, get: impl Fn(Scope) -> u64) -> u64 {
        let both = |a, b| get(a).wrapping_add(get(b));
        match self {
            Key::Entry(id) | Key::Comments { entry: id, .. } | Key::Related(id) => {
                get(Scope::Entry(*id))
            }
            Key::UserBookmarks { user, tag, .. } => {
                both(Scope::User(*user), user_list_scope(*user, tag.as_deref()))
            }
            Key::UserTags(id) | Key::UserSites(id) => {
                both(Scope::User(*id), user_list_scope(*id, None))
            }
            Key::Search { .. } => get(Scope::Search),
            Key::Following {
                viewer, followees, ..
            } => followees
                .iter()
                .fold(get(Scope::Social(*viewer)), |sum, f| {
                    sum.wrapping_add(get(Scope::UserLists(*f)))
                }),
            Key::Unread(viewer) => get(Scope::Notifications(*viewer)),
        }
    }

    /// Whether a response outdated by a write may still be served within
    /// the lag. Not the unread count: it is one key read to make again, and
    /// a tab that polls it every 30 s would otherwise miss a change by a poll.
    fn lenient(&self) -> bool {
        !matches!(self, Key::Unread(_))
    }

    fn weight(&self) -> usize {
        std::mem::size_of::<Self>()
            + match self {
                Key::Comments { query, .. } => query.len(),
                Key::UserBookmarks { query, tag, .. } => {
                    query.len() + tag.as_deref().map_or(0, str::len)
                }
                Key::Search { query, .. } => query.len(),
                Key::Following {
                    query, followees, ..
                } => query.len() + std::mem::size_of_val(&**followees),
                _ => 0,
            }
    }
}

/// Most usernames whose ids are kept (usernames never change hands).
const MAX_USER_IDS: u64 = 200_000;

/// Largest response kept compressed.
pub const COMPRESS_UP_TO: usize = 32 * 1024;

/// A cached response.
#[derive(Clone)]
enum CachedBody {
    Plain(Bytes),
    /// An LZ4 block with its uncompressed size prepended.
    Lz4(Bytes),
}

impl CachedBody {
    fn new(body: Bytes) -> Self {
        if body.len() > COMPRESS_UP_TO {
            return CachedBody::Plain(body);
        }
        let mut block = lz4_flex::block::compress_prepend_size(&body);
        // Cached for long: no more allocation than it needs.
        block.shrink_to_fit();
        CachedBody::Lz4(Bytes::from(block))
    }

    fn weight(&self) -> usize {
        match self {
            CachedBody::Plain(b) | CachedBody::Lz4(b) => b.len(),
        }
    }

    fn body(&self) -> Result<Bytes, ApiError> {
        match self {
            CachedBody::Plain(b) => Ok(b.clone()),
            CachedBody::Lz4(block) => lz4_flex::block::decompress_size_prepended(block)
                .map(Bytes::from)
                .map_err(|e| {
                    ApiError::Internal(format!("a cached response does not decompress: {e}"))
                }),
        }
    }
}

/// A response with the version of its scope it was read at.
#[derive(Clone)]
struct Slot {
    version: u64,
    /// [`Key::withdrawn`] before its load began: within the lag, a slot is
    /// only served while nothing it showed was withdrawn since.
    withdrawn: u64,
    /// The [`ReadCache::clear`]s before its load began: a slot loaded
    /// before a clear is never served after it.
    epoch: u64,
    body: CachedBody,
    at: Instant,
}

/// Most users remembered as having written lately.
const MAX_WRITERS: u64 = 100_000;

pub struct ReadCache {
    responses: Option<Cache<Key, Slot>>,
    /// Moves on every [`ReadCache::clear`].
    epoch: std::sync::atomic::AtomicU64,
    /// How long a response outdated by a write may still go to viewers who
    /// did not write within it.
    lag: Duration,
    /// Users who wrote within `lag`.
    writers: Option<Cache<UserId, ()>>,
    /// Lowercase username → user id, for users that exist.
    user_ids: Option<Cache<Box<str>, UserId>>,
}

impl ReadCache {
    /// A cache keeping responses for `ttl` in about `max_bytes`, serving responses
    /// outdated by writes for up to `lag` to viewers who did not write; a zero
    /// `ttl` keeps nothing.
    pub fn new(ttl: Duration, max_bytes: u64, lag: Duration) -> Self {
        if ttl.is_zero() {
            return ReadCache {
                responses: None,
                epoch: Default::default(),
                lag: Duration::ZERO,
                writers: None,
                user_ids: None,
            };
        }
        let lag = lag.min(ttl);
        let responses = Cache::builder()
            .max_capacity(max_bytes)
            .weigher(|k: &Key, v: &Slot| {
                u32::try_from(k.weight() + std::mem::size_of::<Slot>() + v.body.weight())
                    .unwrap_or(u32::MAX)
            })
            .time_to_live(ttl)
            .build();
        let writers = (!lag.is_zero()).then(|| {
            Cache::builder()
                .max_capacity(MAX_WRITERS)
                .time_to_live(lag)
                .build()
        });
        ReadCache {
            responses: Some(responses),
            epoch: Default::default(),
            lag,
            writers,
            user_ids: Some(Cache::new(MAX_USER_IDS)),
        }
    }

    /// Notes that `user_id` has just written: for the next read lag they
    /// get responses read after their writes.
    pub async fn wrote(&self, user_id: UserId) {
        if let Some(writers) = &self.writers {
            writers.insert(user_id, ()).await;
        }
    }

    /// The cached response to `key`, or the one `load` makes (kept if it succeeds).
    /// `viewer` is the signed-in viewer, if any. Concurrent misses of one key
    /// wait for a single `load`.
    pub async fn get_or_load<F, Fut>(
        &self,
        versions: &Versions,
        key: Key,
        viewer: Option<UserId>,
        load: F,
    ) -> Result<Bytes, ApiError>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<Bytes, ApiError>>,
    {
        let Some(responses) = &self.responses else {
            return load().await;
        };
        // Read the version before querying: see `bukuma_db::versions`.
        let version = key.version(versions);
        let withdrawn = key.withdrawn(versions);
        let lenient = key.lenient();
        let epoch = self.epoch.load(std::sync::atomic::Ordering::Acquire);
        let wrote_lately = match (&self.writers, viewer) {
            (Some(writers), Some(id)) => writers.contains_key(&id),
            (Some(_), None) => false,
            (None, _) => true,
        };
        let usable = |slot: &Slot| {
            slot.epoch == self.epoch.load(std::sync::atomic::Ordering::Acquire)
                && (slot.version >= version
                    || (lenient
                        && !wrote_lately
                        && slot.withdrawn >= withdrawn
                        && slot.at.elapsed() < self.lag))
        };
        if let Some(slot) = responses.get(&key).await {
            if usable(&slot) {
                metrics::counter!("bukuma_read_cache_total", "cache" => "reads", "result" => "hit")
                    .increment(1);
                return slot.body.body();
            }
        }
        // Calls on one key run one at a time: the first loads, those waiting
        // behind it find its response.
        let done = responses
            .entry(key)
            .and_try_compute_with(|cached| async move {
                if cached.is_some_and(|e| usable(e.value())) {
                    metrics::counter!("bukuma_read_cache_total", "cache" => "reads", "result" => "hit")
                        .increment(1);
                    return Ok(Op::Nop);
                }
                metrics::counter!("bukuma_read_cache_total", "cache" => "reads", "result" => "miss")
                    .increment(1);
                let body = load().await?;
                Ok::<_, ApiError>(Op::Put(Slot {
                    version,
                    withdrawn,
                    epoch,
                    body: CachedBody::new(body),
                    at: Instant::now(),
                }))
            })
            .await?;
        match done {
            CompResult::Unchanged(e) | CompResult::Inserted(e) | CompResult::ReplacedWith(e) => {
                e.into_value().body.body()
            }
            CompResult::StillNone(_) | CompResult::Removed(_) => Err(ApiError::Internal(
                "a read response was neither cached nor made".into(),
            )),
        }
    }

    /// Forgets every response and user id, for a change that may alter
    /// many responses and must show at once even within the lag: a
    /// moderation action (hidden content must not be served again).
    pub fn clear(&self) {
        self.epoch.fetch_add(1, std::sync::atomic::Ordering::AcqRel);
        if let Some(responses) = &self.responses {
            responses.invalidate_all();
        }
        if let Some(ids) = &self.user_ids {
            ids.invalidate_all();
        }
    }

    /// The id of the user called `name` (any letter case), or `None`.
    pub async fn user_id<F, Fut>(&self, name: &str, load: F) -> Result<Option<UserId>, ApiError>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<Option<UserId>, ApiError>>,
    {
        let Some(ids) = &self.user_ids else {
            return load().await;
        };
        let key: Box<str> = name.to_ascii_lowercase().into();
        if let Some(id) = ids.get(&key).await {
            return Ok(Some(id));
        }
        let id = load().await?;
        if let Some(id) = id {
            ids.insert(key, id).await;
        }
        Ok(id)
    }
}

/// `value` as a JSON body.
pub fn json_bytes<T: serde::Serialize>(value: &T) -> Result<Bytes, ApiError> {
    let mut body = serde_json::to_vec(value)
        .map_err(|e| ApiError::Internal(format!("serializing a response: {e}")))?;
    // Large responses are kept as they are: no more allocation than they need.
    body.shrink_to_fit();
    Ok(Bytes::from(body))
}

/// A 200 response whose body is JSON serialized already.
pub fn json_response(body: Bytes) -> actix_web::HttpResponse {
    actix_web::HttpResponse::Ok()
        .content_type("application/json")
        .body(body)
}

/// Serialized first pages of a list, by page size, each kept for a short
/// time. The hot list changes only when scores are recomputed, so a page a
/// second or two old is as good as a fresh one and costs no query; but a
/// page read before a bookmark stopped being public (the version of
/// `Scope::HotList` it was read at) is never served again.
pub struct PageCache {
    ttl: std::time::Duration,
    /// Moves on every [`PageCache::clear`]: a page filled across one is not kept.
    generation: std::sync::atomic::AtomicU64,
    /// Page size → (filled at, version of `Scope::HotList` read at, body).
    pages: std::sync::Mutex<std::collections::HashMap<usize, (std::time::Instant, u64, Bytes)>>,
}

impl PageCache {
    pub fn new(ttl: std::time::Duration) -> Self {
        PageCache {
            ttl,
            generation: Default::default(),
            pages: std::sync::Mutex::default(),
        }
    }

    /// Forgets every page.
    pub fn clear(&self) {
        if let Ok(mut pages) = self.pages.lock() {
            self.generation
                .fetch_add(1, std::sync::atomic::Ordering::AcqRel);
            pages.clear();
        }
    }

    /// The cached page of `limit` items, or a new one from `fill`.
    pub async fn get_or_fill<F, Fut>(
        &self,
        versions: &Versions,
        limit: usize,
        fill: F,
    ) -> Result<Bytes, ApiError>
    where
        F: FnOnce() -> Fut,
        Fut: std::future::Future<Output = Result<Bytes, ApiError>>,
    {
        if self.ttl.is_zero() {
            return fill().await;
        }
        let now = std::time::Instant::now();
        // Taken before the read: a write that commits after it moves it on.
        let version = versions.get(Scope::HotList);
        if let Ok(pages) = self.pages.lock() {
            if let Some((at, read_at, body)) = pages.get(&limit) {
                if now.duration_since(*at) < self.ttl && *read_at == version {
                    metrics::counter!("bukuma_read_cache_total", "cache" => "hot", "result" => "hit")
                        .increment(1);
                    return Ok(body.clone());
                }
            }
        }
        metrics::counter!("bukuma_read_cache_total", "cache" => "hot", "result" => "miss")
            .increment(1);
        let generation = self.generation.load(std::sync::atomic::Ordering::Acquire);
        let body = fill().await?;
        if let Ok(mut pages) = self.pages.lock() {
            if self.generation.load(std::sync::atomic::Ordering::Acquire) == generation {
                pages.insert(limit, (now, version, body.clone()));
            }
        }
        Ok(body)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A page of bookmarks as JSON: repetitive, like the real ones.
    fn page(n: usize) -> Bytes {
        let items: Vec<String> = (0..20)
            .map(|i| {
                format!(
                    r#"{{"id":{},"user":{{"username":"user{n}","display_name":"User {n}"}},"entry":{{"id":{},"url":"https://example.com/{n}/{i}","title":"Notes {i}"}},"tags":["rust","web"],"private":false}}"#,
                    n * 100 + i,
                    n * 1000 + i
                )
            })
            .collect();
        Bytes::from(format!(r#"{{"items":[{}]}}"#, items.join(",")))
    }

    #[test]
    fn large_responses_are_cached_uncompressed() {
        let large = Bytes::from(vec![b'x'; COMPRESS_UP_TO + 1]);
        let cached = CachedBody::new(large.clone());
        assert!(matches!(cached, CachedBody::Plain(_)));
        assert_eq!(cached.body().expect("body"), large);
        let small = Bytes::from(vec![b'x'; COMPRESS_UP_TO]);
        let cached = CachedBody::new(small.clone());
        assert!(matches!(cached, CachedBody::Lz4(_)) && cached.weight() < small.len() / 10);
        assert_eq!(cached.body().expect("body"), small);
    }

    #[actix_web::test]
    async fn cached_responses_come_back_whole_and_weigh_compressed() {
        let responses: Vec<Bytes> = (0..40).map(page).collect();
        let total: usize = responses.iter().map(Bytes::len).sum();
        // Room for half of the responses uncompressed.
        let cache = ReadCache::new(Duration::from_secs(60), (total / 2) as u64, Duration::ZERO);
        let versions = Versions::default();
        for (n, body) in responses.iter().enumerate() {
            let body = body.clone();
            let got = cache
                .get_or_load(&versions, Key::UserTags(UserId(n as i64)), None, || async {
                    Ok(body)
                })
                .await
                .expect("load");
            assert_eq!(got, responses[n]);
        }
        if let Some(a) = &cache.responses {
            a.run_pending_tasks().await;
        }
        for (n, body) in responses.iter().enumerate() {
            let got = cache
                .get_or_load(&versions, Key::UserTags(UserId(n as i64)), None, || async {
                    Err(ApiError::Internal(format!("response {n} was not cached")))
                })
                .await
                .expect("every response cached");
            assert_eq!(&got, body);
        }
    }

    /// What `cache` returns to `viewer` for user 1's tags when a load would say `fresh`.
    async fn tags_of_1(cache: &ReadCache, versions: &Versions, viewer: Option<UserId>) -> Bytes {
        cache
            .get_or_load(versions, Key::UserTags(UserId(1)), viewer, || async {
                Ok(Bytes::from_static(b"fresh"))
            })
            .await
            .expect("response")
    }

    /// Keeps `body` as user 1's tags.
    async fn keep(cache: &ReadCache, versions: &Versions, body: &'static [u8]) {
        let got = cache
            .get_or_load(versions, Key::UserTags(UserId(1)), None, || async {
                Ok(Bytes::from_static(body))
            })
            .await
            .expect("load");
        assert_eq!(got, body);
    }

    #[actix_web::test]
    async fn within_the_lag_only_writers_get_responses_read_after_a_write() {
        let hour = Duration::from_secs(3600);
        let cache = ReadCache::new(hour, 1 << 20, hour);
        let versions = Versions::default();
        keep(&cache, &versions, b"old").await;
        // User 7 writes something of user 1's.
        versions.bump(Scope::User(UserId(1)));
        cache.wrote(UserId(7)).await;
        assert_eq!(tags_of_1(&cache, &versions, None).await, "old");
        assert_eq!(tags_of_1(&cache, &versions, Some(UserId(8))).await, "old");
        assert_eq!(tags_of_1(&cache, &versions, Some(UserId(7))).await, "fresh");
        // The writer's response is kept for everyone.
        assert_eq!(tags_of_1(&cache, &versions, None).await, "fresh");
    }

    #[actix_web::test]
    async fn within_the_lag_nothing_withdrawn_from_view_is_served() {
        let hour = Duration::from_secs(3600);
        let cache = ReadCache::new(hour, 1 << 20, hour);
        let versions = Versions::default();
        keep(&cache, &versions, b"old").await;
        // A write of user 1's and a withdrawal elsewhere: the lag holds.
        versions.bump(Scope::User(UserId(1)));
        versions.bump_withdrawn(user_list_scope(UserId(2), None));
        assert_eq!(tags_of_1(&cache, &versions, None).await, "old");
        // A bookmark of user 1's went private: no one gets the old list.
        versions.bump_withdrawn(user_list_scope(UserId(1), None));
        assert_eq!(tags_of_1(&cache, &versions, Some(UserId(8))).await, "fresh");
    }

    #[actix_web::test]
    async fn without_a_lag_every_write_replaces_what_it_changed() {
        let cache = ReadCache::new(Duration::from_secs(3600), 1 << 20, Duration::ZERO);
        let versions = Versions::default();
        keep(&cache, &versions, b"old").await;
        assert_eq!(tags_of_1(&cache, &versions, None).await, "old");
        versions.bump(Scope::User(UserId(2)));
        assert_eq!(tags_of_1(&cache, &versions, None).await, "old");
        versions.bump(Scope::User(UserId(1)));
        assert_eq!(tags_of_1(&cache, &versions, None).await, "fresh");
    }

    #[actix_web::test]
    async fn an_unread_count_outdated_by_a_write_is_never_served() {
        let cache = ReadCache::new(Duration::from_secs(60), 1 << 20, Duration::from_secs(60));
        let versions = Versions::default();
        let me = UserId(7);
        let count = |body: &'static [u8]| {
            let (cache, versions) = (&cache, &versions);
            async move {
                cache
                    .get_or_load(versions, Key::Unread(me), Some(me), || async {
                        Ok(Bytes::from_static(body))
                    })
                    .await
                    .expect("count")
            }
        };
        assert_eq!(count(b"0").await, "0");
        assert_eq!(count(b"unused").await, "0", "kept while nothing changes");
        versions.bump(Scope::Notifications(me));
        assert_eq!(count(b"1").await, "1", "not within the read lag either");
        // A public list within the lag is still served as it was.
        keep(&cache, &versions, b"old").await;
        versions.bump(Scope::User(UserId(1)));
        assert_eq!(tags_of_1(&cache, &versions, None).await, "old");
    }
}
