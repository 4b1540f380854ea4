//! Data versions: a counter per scope (an entry, a user) that moves after
//! every committed write that may change what the scope shows, so a cache
//! can key what it keeps by the versions it was read at.
//!
//! Write functions call [`touch`] for each scope they change; [`crate::Db::write`]
//! collects those of its transaction and bumps them once it has ended. A
//! reader takes the versions *before* it queries: a write that commits after
//! that moves them on, so whatever the reader kept under the old versions is
//! never served again. Counters live in a fixed table indexed by a hash of the
//! scope; two scopes sharing a slot only invalidate each other more often.
//!
//! A write that takes something away from public view (a bookmark made
//! private or deleted, hidden content, a suspension) also [`withdraw`]s it:
//! a second set of counters, which caches never serve across, not even
//! within the read lag that they allow for other writes.

use std::cell::RefCell;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Condvar, Mutex};
use std::time::{Duration, Instant};

use bukuma_domain::{EntryId, UserId};

/// Something a cached response depends on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scope {
    /// An entry: its row, tags, bookmarks, comments and their stars.
    Entry(EntryId),
    /// Everything a user shows: their profile, bookmarks, tags and sites.
    User(UserId),
    /// A user's unfiltered list of bookmarks, their tags and sites: every
    /// write of one of their bookmarks changes it.
    UserLists(UserId),
    /// A user's bookmarks with one tag ([`tag_hash`] of its key): only writes
    /// of bookmarks that carry the tag, before or after, change it.
    UserTag(UserId, u64),
    /// Search results: every write that the search index follows (each one
    /// adds an outbox row) changes them.
    Search,
    /// A signed-in user's own view of others: whom they follow and what
    /// they muted (their feed and hot entries depend on it).
    Social(UserId),
    /// A user's notifications and their unread count.
    Notifications(UserId),
    /// The hot list, as far as a bookmark leaving it goes: every write that
    /// makes a public bookmark private or deletes one moves it.
    HotList,
}

/// What a response about user `user` depends on besides `Scope::User`: the
/// list of their bookmarks filtered by `tag` (a key), or everything else.
pub fn user_list_scope(user: UserId, tag: Option<&str>) -> Scope {
    match tag {
        Some(key) => Scope::UserTag(user, tag_hash(key)),
        None => Scope::UserLists(user),
    }
}

/// A hash of a tag key, for [`Scope::UserTag`]: the same throughout the
/// process, which is all versions live for.
pub fn tag_hash(key: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::hash::DefaultHasher::new();
    key.hash(&mut h);
    h.finish()
}

/// Records that the running write changes a bookmark of `user` that
/// carries (before or after) the tags with these keys.
pub fn touch_bookmark<'a>(user: UserId, tag_keys: impl IntoIterator<Item = &'a str>) {
    touch(Scope::UserLists(user));
    for key in tag_keys {
        touch(user_list_scope(user, Some(key)));
    }
}

const SLOTS: usize = 1 << 14;
/// Scopes one transaction records before it stops listing them and bumps everything.
const MAX_TOUCHED: usize = 4096;

pub struct Versions {
    /// Moves on writes that touched more scopes than are worth listing.
    all: AtomicU64,
    slots: Box<[AtomicU64]>,
    /// Moves when something a scope showed was withdrawn from public view.
    withdrawn: Box<[AtomicU64]>,
    /// Whether other processes hear of the bumps ([`crate::cache_sync`]).
    sharing: AtomicBool,
    outbox: Mutex<Outbox>,
    /// Signals both a new publish in the outbox and one sent.
    outbox_changed: Condvar,
}

/// Slots bumped by this process's writes that other processes have yet to
/// hear about.
#[derive(Debug, Default)]
struct Outbox {
    slots: Vec<u16>,
    all: bool,
    /// Publishes put in the outbox so far, and how many of them went out.
    queued: u64,
    sent: u64,
}

/// What [`Versions::take_outgoing`] hands the sender: the slots to bump
/// elsewhere (`None`: every one), up to publish number `upto`.
#[derive(Debug)]
pub(crate) struct Outgoing {
    pub(crate) slots: Option<Vec<u16>>,
    pub(crate) upto: u64,
}

impl Default for Versions {
    fn default() -> Self {
        Versions {
            all: AtomicU64::new(0),
            slots: (0..SLOTS).map(|_| AtomicU64::new(0)).collect(),
            withdrawn: (0..SLOTS).map(|_| AtomicU64::new(0)).collect(),
            sharing: AtomicBool::new(false),
            outbox: Mutex::default(),
            outbox_changed: Condvar::new(),
        }
    }
}

impl std::fmt::Debug for Versions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Versions").finish_non_exhaustive()
    }
}

fn slot(scope: Scope) -> usize {
    let (kind, id) = match scope {
        Scope::Entry(id) => (0x9e37_79b9_7f4a_7c15u64, id.0 as u64),
        Scope::User(id) => (0xc2b2_ae3d_27d4_eb4fu64, id.0 as u64),
        Scope::UserLists(id) => (0x1656_67b1_9e37_79f9u64, id.0 as u64),
        Scope::UserTag(id, tag) => (
            0x27d4_eb2f_1656_67c5u64 ^ tag,
            (id.0 as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15),
        ),
        Scope::Search => (0x85eb_ca77_c2b2_ae63u64, 0),
        Scope::HotList => (0x3c6e_f372_fe94_f82bu64, 0),
        Scope::Social(id) => (0x6a09_e667_f3bc_c909u64, id.0 as u64),
        Scope::Notifications(id) => (0xbb67_ae85_84ca_a73bu64, id.0 as u64),
    };
    // SplitMix64 finaliser: spreads consecutive ids over the table.
    let mut x = id ^ kind;
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^= x >> 31;
    (x as usize) & (SLOTS - 1)
}

impl Versions {
    /// The version of `scope`: equal values mean no write of it ended in between.
    pub fn get(&self, scope: Scope) -> u64 {
        // Acquire pairs with the Release of `bump`, which follows the commit.
        // Both counters only grow, so their sum moves when either does.
        let all = self.all.load(Ordering::Acquire);
        let own = self.slots[slot(scope)].load(Ordering::Acquire);
        all.wrapping_add(own)
    }

    /// How often something `scope` showed was withdrawn from public view
    /// (a write that touched every scope counts too).
    pub fn get_withdrawn(&self, scope: Scope) -> u64 {
        let all = self.all.load(Ordering::Acquire);
        let own = self.withdrawn[slot(scope)].load(Ordering::Acquire);
        all.wrapping_add(own)
    }

    /// The version of a response that depends on both scopes.
    pub fn get_both(&self, a: Scope, b: Scope) -> u64 {
        self.get(a).wrapping_add(self.get(b))
    }

    /// The version of a response that depends on every one of `scopes`.
    pub fn get_all(&self, scopes: impl IntoIterator<Item = Scope>) -> u64 {
        scopes
            .into_iter()
            .fold(0u64, |sum, s| sum.wrapping_add(self.get(s)))
    }

    pub fn bump(&self, scope: Scope) {
        self.slots[slot(scope)].fetch_add(1, Ordering::Release);
    }

    /// Bumps `scope` as a write that withdraws something it showed.
    pub fn bump_withdrawn(&self, scope: Scope) {
        self.bump(scope);
        self.withdrawn[slot(scope)].fetch_add(1, Ordering::Release);
    }

    pub fn bump_all(&self) {
        self.all.fetch_add(1, Ordering::Release);
    }

    /// Runs a write on this thread, then bumps the scopes it touched (after
    /// its commit, or its rollback, where a bump costs only a cache miss).
    /// When other processes share the versions, a write that withdrew
    /// something (or touched too much to list) returns once they have been
    /// told (or after [`SHARE_WAIT`] when the sender is stuck); the others
    /// go out with the sender's next message, milliseconds later, which the
    /// read lag of other processes covers anyway.
    pub(crate) fn publish_after<T>(&self, write: impl FnOnce() -> T) -> T {
        discard_touched();
        let out = write();
        if let Some(ticket) = self.publish_touched() {
            self.wait_sent(ticket, SHARE_WAIT);
        }
        out
    }

    /// Bumps what the current thread's transaction touched, and forgets it.
    /// Returns the publish number to wait for when the bumps are shared and
    /// withdraw something.
    pub(crate) fn publish_touched(&self) -> Option<u64> {
        let touched = TOUCHED.with(|t| std::mem::take(&mut *t.borrow_mut()));
        if touched.overflowed {
            self.bump_all();
        }
        for scope in &touched.scopes {
            self.bump(*scope);
        }
        for scope in &touched.withdrawn {
            self.bump_withdrawn(*scope);
        }
        if !self.sharing.load(Ordering::Acquire)
            || (touched.scopes.is_empty() && !touched.overflowed)
        {
            return None;
        }
        let mut outbox = self.outbox.lock().unwrap_or_else(|p| p.into_inner());
        if touched.overflowed {
            outbox.all = true;
        } else if !outbox.all {
            // Withdrawn slots travel as their number plus `SLOTS`.
            let touched_slots = touched.scopes.iter().map(|s| slot(*s));
            let withdrawn = touched.withdrawn.iter().map(|s| slot(*s) + SLOTS);
            outbox
                .slots
                .extend(touched_slots.chain(withdrawn).map(|s| s as u16));
        }
        outbox.queued += 1;
        let ticket = outbox.queued;
        self.outbox_changed.notify_all();
        (touched.overflowed || !touched.withdrawn.is_empty()).then_some(ticket)
    }

    /// Starts or stops putting bumps in the outbox for other processes.
    pub(crate) fn set_sharing(&self, on: bool) {
        self.sharing.store(on, Ordering::Release);
        if !on {
            let mut outbox = self.outbox.lock().unwrap_or_else(|p| p.into_inner());
            outbox.slots.clear();
            outbox.all = false;
            outbox.sent = outbox.queued;
            self.outbox_changed.notify_all();
        }
    }

    /// Waits until publish number `ticket` was sent, at most `limit`.
    fn wait_sent(&self, ticket: u64, limit: Duration) {
        let deadline = Instant::now() + limit;
        let mut outbox = self.outbox.lock().unwrap_or_else(|p| p.into_inner());
        while outbox.sent < ticket {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return;
            }
            outbox = self
                .outbox_changed
                .wait_timeout(outbox, left)
                .unwrap_or_else(|p| p.into_inner())
                .0;
        }
    }

    /// Takes what the outbox holds, waiting at most `limit` for something.
    pub(crate) fn take_outgoing(&self, limit: Duration) -> Option<Outgoing> {
        let mut outbox = self.outbox.lock().unwrap_or_else(|p| p.into_inner());
        if outbox.queued == outbox.sent {
            outbox = self
                .outbox_changed
                .wait_timeout(outbox, limit)
                .unwrap_or_else(|p| p.into_inner())
                .0;
        }
        if outbox.queued == outbox.sent {
            return None;
        }
        let mut slots = std::mem::take(&mut outbox.slots);
        let all = std::mem::take(&mut outbox.all);
        slots.sort_unstable();
        slots.dedup();
        Some(Outgoing {
            slots: (!all).then_some(slots),
            upto: outbox.queued,
        })
    }

    /// Records that publishes up to number `upto` went out (or were given
    /// up on), releasing the writes that wait for them.
    pub(crate) fn mark_sent(&self, upto: u64) {
        let mut outbox = self.outbox.lock().unwrap_or_else(|p| p.into_inner());
        outbox.sent = outbox.sent.max(upto);
        self.outbox_changed.notify_all();
    }

    #[cfg(test)]
    pub(crate) fn slot_value(&self, slot: usize) -> u64 {
        match slot.checked_sub(SLOTS) {
            None => self.slots[slot].load(Ordering::Acquire),
            Some(w) => self.withdrawn[w].load(Ordering::Acquire),
        }
    }

    /// Bumps one slot as another process's write did: `slot` as sent, a
    /// withdrawn one numbered from `SLOTS` on.
    pub(crate) fn bump_slot(&self, slot: usize) {
        let counter = match slot.checked_sub(SLOTS) {
            None => self.slots.get(slot),
            Some(w) => self.withdrawn.get(w),
        };
        if let Some(c) = counter {
            c.fetch_add(1, Ordering::Release);
        }
    }
}

/// How long a write waits for its bumps to reach other processes before it
/// answers anyway.
const SHARE_WAIT: Duration = Duration::from_secs(1);

/// The number of slots other processes may send (withdrawn ones included).
pub(crate) const SLOT_COUNT: usize = 2 * SLOTS;

#[derive(Default)]
struct Touched {
    scopes: Vec<Scope>,
    withdrawn: Vec<Scope>,
    overflowed: bool,
}

thread_local! {
    static TOUCHED: RefCell<Touched> = RefCell::default();
}

/// Records that the running write changes what `scope` shows.
pub fn touch(scope: Scope) {
    TOUCHED.with(|t| {
        let mut t = t.borrow_mut();
        if t.overflowed || t.scopes.contains(&scope) {
            return;
        }
        if t.scopes.len() >= MAX_TOUCHED {
            t.overflowed = true;
            t.scopes = Vec::new();
        } else {
            t.scopes.push(scope);
        }
    });
}

/// Records that the running write takes something `scope` shows away from
/// public view: caches never serve what they read before it.
pub fn withdraw(scope: Scope) {
    touch(scope);
    TOUCHED.with(|t| {
        let mut t = t.borrow_mut();
        if !t.overflowed && !t.withdrawn.contains(&scope) {
            t.withdrawn.push(scope);
        }
    });
}

/// Records that the running write may change what any scope shows, and
/// withdraw anything from public view.
pub fn touch_all() {
    TOUCHED.with(|t| {
        let mut t = t.borrow_mut();
        t.overflowed = true;
        t.scopes = Vec::new();
    });
}

/// Forgets scopes recorded outside [`crate::Db::write`] on this thread.
fn discard_touched() {
    TOUCHED.with(|t| *t.borrow_mut() = Touched::default());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bump_moves_only_its_scope_and_bump_all_moves_every_scope() {
        let v = Versions::default();
        let (e, u) = (Scope::Entry(EntryId(7)), Scope::User(UserId(7)));
        let (e0, u0) = (v.get(e), v.get(u));
        v.bump(e);
        assert_ne!(v.get(e), e0);
        assert_eq!(v.get(u), u0);
        let u1 = v.get(u);
        v.bump_all();
        assert_ne!(v.get(u), u1);
    }

    #[test]
    fn a_bookmark_write_moves_its_tags_lists_and_no_other_tag() {
        let v = Versions::default();
        let scopes = [
            user_list_scope(UserId(1), Some("rust")),
            user_list_scope(UserId(1), Some("go")),
            user_list_scope(UserId(1), None),
            user_list_scope(UserId(2), Some("rust")),
            Scope::User(UserId(1)),
        ];
        let before = scopes.map(|s| v.get(s));
        touch_bookmark(UserId(1), ["rust"]);
        v.publish_touched();
        let after = scopes.map(|s| v.get(s));
        let moved: Vec<bool> = before.iter().zip(&after).map(|(b, a)| a != b).collect();
        assert_eq!(moved, [true, false, true, false, false]);
    }

    #[test]
    fn touched_scopes_are_published_once_then_forgotten() {
        let v = Versions::default();
        let s = Scope::User(UserId(42));
        let before = v.get(s);
        touch(s);
        touch(s);
        v.publish_touched();
        let after = v.get(s);
        assert_eq!(after, before + 1);
        v.publish_touched();
        assert_eq!(v.get(s), after);
    }

    #[test]
    fn too_many_touched_scopes_bump_everything() {
        let v = Versions::default();
        let other = Scope::Entry(EntryId(-1));
        let before = v.get(other);
        for id in 0..=(MAX_TOUCHED as i64) {
            touch(Scope::User(UserId(id)));
        }
        v.publish_touched();
        assert_ne!(v.get(other), before);
    }

    #[test]
    fn only_shared_writes_that_withdraw_wait_for_the_sender() {
        let v = Versions::default();
        touch(Scope::User(UserId(1)));
        assert_eq!(v.publish_touched(), None, "nothing is shared yet");
        v.set_sharing(true);
        touch(Scope::User(UserId(1)));
        assert_eq!(v.publish_touched(), None, "an ordinary write goes on");
        withdraw(Scope::Entry(EntryId(1)));
        assert_eq!(v.publish_touched(), Some(2), "a withdrawal waits");
        for id in 0..=(MAX_TOUCHED as i64) {
            touch(Scope::User(UserId(id)));
        }
        assert_eq!(
            v.publish_touched(),
            Some(3),
            "so does a write of everything"
        );
        let out = v.take_outgoing(Duration::ZERO).expect("queued");
        assert_eq!((out.slots, out.upto), (None, 3));
    }
}
