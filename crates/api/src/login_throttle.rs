//! Throttling of password guesses, checked before a password is looked up
//! or hashed, so a refused guess costs the server next to nothing.
//!
//! Every attempt counts as a failure for its account and its client
//! address until it succeeds (so concurrent guesses cannot all slip in
//! before the first one fails). Past a few free failures a key must wait
//! before its next attempt: a delay that doubles with each further failure
//! up to a cap. The account's cap is short, so a flood against one account
//! from many addresses costs its owner a short wait at most; the address's
//! cap is long, since one address guessing at many accounts is an attacker.
//! A successful login clears its account and takes its own attempt off the
//! address (but no more, so logging into one's own account does not buy
//! guesses at others). Keys are forgotten after a while without attempts,
//! and at most [`MAX_KEYS`] of each kind are kept. IPv6 clients are
//! counted per /64 ([`crate::client::subscriber`]).

use std::collections::HashMap;
use std::hash::Hash;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Keys of each kind kept at most; the stalest are dropped beyond it.
pub const MAX_KEYS: usize = 100_000;

/// How one kind of key (accounts, addresses) is throttled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backoff {
    /// Failures allowed before any wait.
    pub free: u32,
    /// The first wait; each further failure doubles it.
    pub first: Duration,
    /// The longest wait.
    pub max: Duration,
    /// Failures are forgotten this long after the last attempt.
    pub forget: Duration,
}

impl Backoff {
    /// How long after the last attempt the next one may be made.
    fn delay(&self, failures: u32) -> Duration {
        if failures < self.free || self.first.is_zero() {
            return Duration::ZERO;
        }
        let doublings = (failures - self.free).min(30);
        self.first.saturating_mul(1 << doublings).min(self.max)
    }
}

/// The policy of both kinds of key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Policy {
    pub account: Backoff,
    pub address: Backoff,
}

impl Default for Policy {
    /// Per account: 5 free failures, then 1 s doubling to at most 30 s,
    /// forgotten after 15 minutes. Per address: 5 free failures, then 1 s
    /// doubling to at most 15 minutes, forgotten after an hour.
    fn default() -> Self {
        Policy {
            account: Backoff {
                free: 5,
                first: Duration::from_secs(1),
                max: Duration::from_secs(30),
                forget: Duration::from_secs(15 * 60),
            },
            address: Backoff {
                free: 5,
                first: Duration::from_secs(1),
                max: Duration::from_secs(15 * 60),
                forget: Duration::from_secs(60 * 60),
            },
        }
    }
}

#[derive(Debug, Clone, Copy)]
struct Record {
    failures: u32,
    last: Instant,
}

#[derive(Debug)]
struct Tracker<K> {
    records: Mutex<HashMap<K, Record>>,
}

impl<K> Default for Tracker<K> {
    fn default() -> Self {
        Tracker {
            records: Mutex::default(),
        }
    }
}

impl<K: Eq + Hash + Clone> Tracker<K> {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<K, Record>> {
        self.records.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// How long `key` must still wait, forgetting it when its time is up.
fn wait<K: Eq + Hash>(
    records: &mut HashMap<K, Record>,
    key: &K,
    b: &Backoff,
    now: Instant,
) -> Duration {
    let Some(r) = records.get(key) else {
        return Duration::ZERO;
    };
    let since = now.saturating_duration_since(r.last);
    if since >= b.forget {
        records.remove(key);
        return Duration::ZERO;
    }
    b.delay(r.failures).saturating_sub(since)
}

/// Counts an attempt for `key`, making room when the map is full.
fn count<K: Eq + Hash + Clone>(
    records: &mut HashMap<K, Record>,
    key: K,
    b: &Backoff,
    now: Instant,
) {
    if records.len() >= MAX_KEYS && !records.contains_key(&key) {
        records.retain(|_, r| now.saturating_duration_since(r.last) < b.forget);
        if records.len() >= MAX_KEYS {
            let mut lasts: Vec<Instant> = records.values().map(|r| r.last).collect();
            lasts.sort_unstable();
            let cut = lasts[lasts.len() / 2];
            records.retain(|_, r| r.last > cut);
        }
    }
    let r = records.entry(key).or_insert(Record {
        failures: 0,
        last: now,
    });
    r.failures = r.failures.saturating_add(1);
    r.last = now;
}

/// An attempt let through: report its success with [`LoginThrottle::succeeded`].
#[derive(Debug)]
#[must_use]
pub struct Attempt {
    account: String,
    address: Option<IpAddr>,
}

/// Failed logins by account and by client address, in this process.
#[derive(Debug, Default)]
pub struct LoginThrottle {
    policy: Policy,
    accounts: Tracker<String>,
    addresses: Tracker<Option<IpAddr>>,
}

/// The account a username names: matched as logins match it, and no
/// longer than any username can be.
fn account_key(username: &str) -> String {
    username.chars().take(64).collect::<String>().to_lowercase()
}

impl LoginThrottle {
    pub fn new(policy: Policy) -> Self {
        LoginThrottle {
            policy,
            ..LoginThrottle::default()
        }
    }

    /// Lets an attempt at `username` from `client` through, counted as a
    /// failure until it succeeds, or says how long to wait first.
    pub fn begin(
        &self,
        username: &str,
        client: Option<IpAddr>,
        now: Instant,
    ) -> Result<Attempt, Duration> {
        let account = account_key(username);
        let address = crate::client::subscriber(client);
        // Always accounts before addresses, so the two locks never deadlock.
        let mut accounts = self.accounts.lock();
        let mut addresses = self.addresses.lock();
        let waits = wait(&mut accounts, &account, &self.policy.account, now).max(wait(
            &mut addresses,
            &address,
            &self.policy.address,
            now,
        ));
        if !waits.is_zero() {
            return Err(waits);
        }
        count(&mut accounts, account.clone(), &self.policy.account, now);
        count(&mut addresses, address, &self.policy.address, now);
        Ok(Attempt { account, address })
    }

    /// The attempt's password was right: its account starts afresh and its
    /// address no longer counts it.
    pub fn succeeded(&self, attempt: Attempt) {
        self.accounts.lock().remove(&attempt.account);
        if let Some(r) = self.addresses.lock().get_mut(&attempt.address) {
            r.failures = r.failures.saturating_sub(1);
        }
    }
}

/// A wait in whole seconds, rounded up, at least 1: for `Retry-After`.
pub fn whole_secs(wait: Duration) -> u64 {
    (wait.as_secs() + u64::from(wait.subsec_nanos() > 0)).max(1)
}

/// Logs a wrong password: the name tried (never the password) and the
/// client, both escaped, since they come from the caller.
pub fn log_failed(via: &'static str, username: &str, client: Option<IpAddr>) {
    let client = client.map(|c| c.to_string()).unwrap_or_default();
    tracing::warn!(via, username = ?username, %client, "failed sign-in");
    metrics::counter!("bukuma_sign_ins_total", "via" => via, "result" => "failed").increment(1);
}

/// Logs an attempt refused by the throttle.
pub fn log_throttled(via: &'static str, username: &str, client: Option<IpAddr>) {
    let client = client.map(|c| c.to_string()).unwrap_or_default();
    tracing::info!(via, username = ?username, %client, "sign-in throttled");
    metrics::counter!("bukuma_sign_ins_total", "via" => via, "result" => "throttled").increment(1);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> Option<IpAddr> {
        Some(s.parse().expect("ip"))
    }

    fn secs(n: u64) -> Duration {
        Duration::from_secs(n)
    }

    #[test]
    fn free_failures_then_doubling_waits_up_to_the_cap() {
        let t = LoginThrottle::default();
        let now = Instant::now();
        for _ in 0..5 {
            let _ = t.begin("alice", ip("192.0.2.1"), now).expect("free");
        }
        assert_eq!(t.begin("alice", ip("192.0.2.1"), now).err(), Some(secs(1)));
        let _ = t
            .begin("alice", ip("192.0.2.1"), now + secs(1))
            .expect("after 1 s");
        assert_eq!(
            t.begin("alice", ip("192.0.2.1"), now + secs(1)).err(),
            Some(secs(2))
        );
        let b = Policy::default().account;
        assert_eq!(b.delay(5 + 10), secs(30), "the account's wait is capped");
        assert_eq!(Policy::default().address.delay(5 + 20), secs(900));
    }

    #[test]
    fn a_flood_from_many_addresses_costs_the_owner_a_short_wait() {
        let t = LoginThrottle::default();
        let start = Instant::now();
        let mut now = start;
        // Attackers at fresh addresses take every slot the account offers.
        for i in 0..200u32 {
            let from = Some(IpAddr::from([198, 51, (i / 250) as u8, (i % 250) as u8]));
            if let Err(w) = t.begin("alice", from, now) {
                now += w;
                let _ = t.begin("alice", from, now).expect("after the wait");
            }
        }
        let wait = t
            .begin("alice", ip("203.0.113.5"), now)
            .err()
            .unwrap_or_default();
        assert!(wait <= secs(30), "{wait:?}");
        let attempt = t
            .begin("alice", ip("203.0.113.5"), now + wait)
            .expect("owner");
        t.succeeded(attempt);
        let _ = t
            .begin("alice", ip("203.0.113.5"), now + wait)
            .expect("a success starts the account afresh");
    }

    #[test]
    fn a_success_takes_only_its_own_attempt_off_the_address() {
        let t = LoginThrottle::default();
        let now = Instant::now();
        for i in 0..5 {
            let _ = t
                .begin(&format!("victim{i}"), ip("192.0.2.9"), now)
                .expect("free");
        }
        let own = t
            .begin("me", ip("192.0.2.9"), now + secs(1))
            .expect("after 1 s");
        t.succeeded(own);
        assert!(t.begin("victim9", ip("192.0.2.9"), now + secs(1)).is_err());
    }

    #[test]
    fn failures_are_forgotten_and_ipv6_counts_by_64() {
        let t = LoginThrottle::default();
        let now = Instant::now();
        for i in 0..5u16 {
            let from = Some(IpAddr::from([0x2001, 0xdb8, 0, 1, 0, 0, 0, i]));
            let _ = t.begin(&format!("u{i}"), from, now).expect("free");
        }
        assert!(t.begin("x", ip("2001:db8:0:1::ffff"), now).is_err());
        assert!(t.begin("x", ip("2001:db8:0:2::1"), now).is_ok());
        assert!(t
            .begin("y", ip("2001:db8:0:1::1"), now + secs(3600))
            .is_ok());
    }

    #[test]
    fn the_number_of_keys_is_bounded() {
        let t = LoginThrottle::default();
        let now = Instant::now();
        for i in 0..(MAX_KEYS as u32 + 10) {
            let from = Some(IpAddr::from(i.to_be_bytes()));
            let _ = t.begin(
                &format!("u{i}"),
                from,
                now + Duration::from_micros(i.into()),
            );
        }
        assert!(t.accounts.lock().len() <= MAX_KEYS);
        assert!(t.addresses.lock().len() <= MAX_KEYS);
        assert!(
            t.accounts
                .lock()
                .contains_key(&format!("u{}", MAX_KEYS + 9)),
            "the newest keys are kept"
        );
    }
}
