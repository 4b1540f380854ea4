//! Rate limits kept in memory by each process: token buckets by key, and the
//! per-user limits of the Pinboard-compatible API built on them.
//!
//! Nothing here knows the rest of the app, so `AppState` can hold a limiter
//! without depending on the routes that use it.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use bukuma_domain::UserId;

/// A token bucket: one call per `every`, with up to `burst` calls saved up.
#[derive(Debug, Clone, Copy)]
pub struct Rate {
    pub burst: u32,
    pub every: Duration,
}

/// Buckets kept before full ones are forgotten.
const MAX_BUCKETS: usize = 10_000;

/// Token buckets by key, each filled at the rate its caller passes.
#[derive(Debug)]
pub struct RateLimiter<K> {
    buckets: Mutex<HashMap<K, (f64, Instant)>>,
}

impl<K> Default for RateLimiter<K> {
    fn default() -> Self {
        RateLimiter {
            buckets: Mutex::default(),
        }
    }
}

impl<K: Eq + Hash> RateLimiter<K> {
    /// Takes one call from `key`'s bucket, or says how long to wait.
    pub fn take(&self, key: K, rate: Rate, now: Instant) -> Result<(), Duration> {
        if rate.every.is_zero() {
            return Ok(());
        }
        let burst = f64::from(rate.burst.max(1));
        let every = rate.every.as_secs_f64();
        let mut buckets = self.buckets.lock().unwrap_or_else(|p| p.into_inner());
        if buckets.len() >= MAX_BUCKETS {
            let full_after = rate.every.saturating_mul(rate.burst.max(1));
            buckets.retain(|_, (_, at)| now.saturating_duration_since(*at) < full_after);
            if buckets.len() >= MAX_BUCKETS {
                // Still full of busy keys: the older half starts afresh, so
                // memory stays bounded whatever the number of callers.
                let mut ats: Vec<Instant> = buckets.values().map(|(_, at)| *at).collect();
                ats.sort_unstable();
                let cut = ats[ats.len() / 2];
                buckets.retain(|_, (_, at)| *at > cut);
            }
        }
        let (tokens, at) = buckets.entry(key).or_insert((burst, now));
        let refilled = now.saturating_duration_since(*at).as_secs_f64() / every;
        *tokens = (*tokens + refilled).min(burst);
        *at = now;
        if *tokens >= 1.0 {
            *tokens -= 1.0;
            Ok(())
        } else {
            Err(Duration::from_secs_f64((1.0 - *tokens) * every))
        }
    }
}

/// Which of a user's Pinboard API buckets a call is taken from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Bucket {
    General,
    PostsAll,
}

/// Calls per user. Pinboard asks clients for one call every 3 seconds (and
/// `posts/all` far less often); bukuma is kinder to ordinary calls and holds
/// `posts/all`, which reads every bookmark of the user, near Pinboard's pace.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Every method but `posts/all`: default 60 at once, then one per second.
    pub general: Rate,
    /// `posts/all`: default 2 at once, then one every 3 seconds.
    pub posts_all: Rate,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            general: Rate {
                burst: 60,
                every: Duration::from_secs(1),
            },
            posts_all: Rate {
                burst: 2,
                every: Duration::from_secs(3),
            },
        }
    }
}

/// Per-user rate limits of the Pinboard API.
#[derive(Debug, Default)]
pub struct Limiter {
    limits: Limits,
    buckets: RateLimiter<(UserId, Bucket)>,
}

impl Limiter {
    pub fn new(limits: Limits) -> Self {
        Limiter {
            limits,
            buckets: RateLimiter::default(),
        }
    }

    /// Takes one call from `user_id`'s bucket, or says how long to wait.
    pub fn take(&self, user_id: UserId, bucket: Bucket, now: Instant) -> Result<(), Duration> {
        let rate = match bucket {
            Bucket::General => self.limits.general,
            Bucket::PostsAll => self.limits.posts_all,
        };
        self.buckets.take((user_id, bucket), rate, now)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const RATE: Rate = Rate {
        burst: 2,
        every: Duration::from_secs(3),
    };

    #[test]
    fn a_burst_is_allowed_then_the_caller_waits_for_a_refill() {
        let limiter = RateLimiter::default();
        let now = Instant::now();
        assert_eq!(limiter.take("a", RATE, now), Ok(()));
        assert_eq!(limiter.take("a", RATE, now), Ok(()));
        assert_eq!(limiter.take("a", RATE, now), Err(Duration::from_secs(3)));
        assert_eq!(
            limiter.take("a", RATE, now + Duration::from_secs(3)),
            Ok(())
        );
    }

    #[test]
    fn keys_have_buckets_of_their_own() {
        let limiter = RateLimiter::default();
        let now = Instant::now();
        let one = Rate { burst: 1, ..RATE };
        assert_eq!(limiter.take(1, one, now), Ok(()));
        assert!(limiter.take(1, one, now).is_err());
        assert_eq!(limiter.take(2, one, now), Ok(()));
    }

    #[test]
    fn the_number_of_buckets_is_bounded() {
        let limiter = RateLimiter::default();
        let now = Instant::now();
        let slow = Rate {
            burst: 1,
            every: Duration::from_secs(3600),
        };
        for i in 0..(MAX_BUCKETS as u64 + 10) {
            let _ = limiter.take(i, slow, now + Duration::from_micros(i));
        }
        let buckets = limiter.buckets.lock().map(|b| b.len()).unwrap_or(0);
        assert!(buckets <= MAX_BUCKETS, "{buckets}");
    }

    #[test]
    fn a_zero_interval_never_limits() {
        let limiter = RateLimiter::default();
        let free = Rate {
            burst: 0,
            every: Duration::ZERO,
        };
        let now = Instant::now();
        for _ in 0..100 {
            assert_eq!(limiter.take((), free, now), Ok(()));
        }
    }
}
