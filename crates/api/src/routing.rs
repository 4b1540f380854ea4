//! Which database a request's reads go to when a PostgreSQL replica is
//! configured (`DATABASE_REPLICA_URL`).
//!
//! - Requests that write (any method but GET, HEAD, OPTIONS and TRACE), and
//!   the rest of any request once it wrote, read on the primary: they read
//!   back what they wrote.
//! - Responses kept in memory (the read cache, the hot pages) are loaded on
//!   the primary: they are served many times, and one read on a replica
//!   that has not replayed the write that outdated the last one would be
//!   kept until the next write or its expiry.
//! - Every other read goes to the replica, once the replica has replayed the
//!   reader's last write: the one this process or another noted for the
//!   signed-in viewer ([`bukuma_db::replica::RecentWriters`], shared through
//!   `NOTIFY`), or the one named by the client's `bukuma_rw` cookie. The
//!   cookie is set on the response to a write, signed with the server key
//!   all processes share: a browser's next request carries it to whichever
//!   process haproxy picks, before any notification could arrive there.
//!
//! Outside a request (jobs, commands) reads go to the primary.

use std::cell::Cell;
use std::future::Future;
use std::rc::Rc;

use actix_web::cookie::{time::Duration as CookieDuration, Cookie, SameSite};
use actix_web::HttpRequest;
use bukuma_db::replica::RecentWriters;
use bukuma_domain::UserId;
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// The cookie that carries the log position of a client's last write.
pub const COOKIE: &str = "bukuma_rw";

tokio::task_local! {
    static ROUTE: Rc<Route>;
}

/// What decides where one request's reads go.
#[derive(Debug, Default)]
pub struct Route {
    /// The request writes or wrote.
    writes: Cell<bool>,
    /// Loads of kept responses under way.
    loads: Cell<u32>,
    /// The signed-in viewer, once known.
    viewer: Cell<Option<UserId>>,
    /// The position the client's cookie names, when signed by us and not expired.
    cookie_lsn: Option<i64>,
}

/// Where a read goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    Primary,
    /// The replica, once it has replayed this position (if any).
    Replica(Option<i64>),
}

impl Route {
    /// The route of `req`: a write, or a read with the client's cookie
    /// checked under `key`.
    pub fn of(req: &HttpRequest, key: &[u8]) -> Self {
        let now = chrono::Utc::now().timestamp();
        Route {
            writes: Cell::new(!req.method().is_safe()),
            cookie_lsn: req.cookie(COOKIE).and_then(|c| verify(key, c.value(), now)),
            ..Route::default()
        }
    }

    /// Whether the request writes or wrote.
    pub fn writes(&self) -> bool {
        self.writes.get()
    }
}

/// Runs `f` (a request's handling) with `route`.
pub async fn scope<F: Future>(route: Rc<Route>, f: F) -> F::Output {
    ROUTE.scope(route, f).await
}

/// Notes the signed-in viewer of the current request.
pub fn set_viewer(id: UserId) {
    let _ = ROUTE.try_with(|r| r.viewer.set(Some(id)));
}

/// Sends the rest of the current request's reads to the primary: it wrote.
pub fn wrote() {
    let _ = ROUTE.try_with(|r| r.writes.set(true));
}

/// While alive, the current request's reads go to the primary: a kept
/// response is being loaded.
pub struct PrimaryLoad(());

impl PrimaryLoad {
    pub fn start() -> Self {
        let _ = ROUTE.try_with(|r| r.loads.set(r.loads.get() + 1));
        PrimaryLoad(())
    }
}

impl Drop for PrimaryLoad {
    fn drop(&mut self) {
        let _ = ROUTE.try_with(|r| r.loads.set(r.loads.get().saturating_sub(1)));
    }
}

/// Where the current request's next read goes.
pub fn target(writers: &RecentWriters) -> Target {
    ROUTE
        .try_with(|r| {
            if r.writes.get() || r.loads.get() > 0 {
                return Target::Primary;
            }
            let noted = r.viewer.get().and_then(|v| writers.must_see(v.0));
            Target::Replica(noted.max(r.cookie_lsn))
        })
        .unwrap_or(Target::Primary)
}

fn signature(key: &[u8], lsn: i64, expires: i64) -> String {
    let mut mac =
        <Hmac<Sha256> as Mac>::new_from_slice(key).expect("HMAC takes keys of any length");
    mac.update(b"bukuma read-your-writes\0");
    mac.update(format!("{lsn}.{expires}").as_bytes());
    hex::encode(&mac.finalize().into_bytes()[..16])
}

/// The cookie that sends its client's reads to the primary until the
/// replica has replayed `lsn`, for at most `keep_secs`.
pub fn cookie(key: &[u8], lsn: i64, keep_secs: i64, secure: bool) -> Cookie<'static> {
    let expires = chrono::Utc::now().timestamp() + keep_secs;
    let value = format!("{lsn}.{expires}.{}", signature(key, lsn, expires));
    Cookie::build(COOKIE, value)
        .path("/")
        .http_only(true)
        .secure(secure)
        .same_site(SameSite::Lax)
        .max_age(CookieDuration::seconds(keep_secs))
        .finish()
}

/// The position a cookie value names, if we signed it and it has not expired at `now`.
fn verify(key: &[u8], value: &str, now: i64) -> Option<i64> {
    let mut parts = value.splitn(3, '.');
    let lsn: i64 = parts.next()?.parse().ok()?;
    let expires: i64 = parts.next()?.parse().ok()?;
    let sig = parts.next()?;
    let expected = signature(key, lsn, expires);
    let same: bool = subtle::ConstantTimeEq::ct_eq(sig.as_bytes(), expected.as_bytes()).into();
    (same && expires > now).then_some(lsn)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookies_name_their_position_until_they_expire_and_only_when_signed() {
        let key = b"0123456789abcdef0123456789abcdef";
        let c = cookie(key, 4242, 10, false);
        let now = chrono::Utc::now().timestamp();
        assert_eq!(verify(key, c.value(), now), Some(4242));
        assert_eq!(verify(key, c.value(), now + 11), None);
        assert_eq!(
            verify(b"another key, just as long as it", c.value(), now),
            None
        );
        let forged = c.value().replacen("4242", "4243", 1);
        assert_eq!(verify(key, &forged, now), None);
        assert_eq!(verify(key, "garbage", now), None);
    }

    #[actix_web::test]
    async fn writes_and_loads_read_on_the_primary_and_writers_wait_for_the_replica() {
        let writers = RecentWriters::default();
        // Outside a request: the primary.
        assert_eq!(target(&writers), Target::Primary);
        let reading = Rc::new(Route::default());
        scope(reading.clone(), async {
            assert_eq!(target(&writers), Target::Replica(None));
            set_viewer(UserId(7));
            writers.wrote(7, 100);
            assert_eq!(target(&writers), Target::Replica(Some(100)));
            {
                let _load = PrimaryLoad::start();
                assert_eq!(target(&writers), Target::Primary);
            }
            assert_eq!(target(&writers), Target::Replica(Some(100)));
            assert!(!reading.writes());
            wrote();
            assert_eq!(target(&writers), Target::Primary);
        })
        .await;
        assert!(reading.writes());
        let with_cookie = Rc::new(Route {
            cookie_lsn: Some(500),
            ..Route::default()
        });
        scope(with_cookie, async {
            assert_eq!(target(&writers), Target::Replica(Some(500)));
            set_viewer(UserId(7));
            assert_eq!(target(&writers), Target::Replica(Some(500)));
        })
        .await;
    }
}
