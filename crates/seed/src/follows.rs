//! Who follows whom: the busiest users (the manifest's, whom benchmarks
//! sign in as) each follow [`BUSY_FOLLOWS`] people, everyone else a few or
//! none; people to follow are drawn by activity, so active users gather
//! many followers.

use rand::Rng;
use rand_chacha::ChaCha8Rng;

use crate::generate::Totals;
use crate::sample::Zipf;
use rustc_hash::FxHashSet;

/// Users who follow [`BUSY_FOLLOWS`] people: the most active ones.
pub(crate) const BUSY_USERS: usize = 2_000;
/// How many people each of the busiest users follows.
pub(crate) const BUSY_FOLLOWS: usize = 200;
/// Most people anyone else follows.
const OTHER_FOLLOWS: usize = 20;

/// (follower index, followee index, time) rows, sorted by follower then
/// followee, each after both users joined and before `now`.
pub(crate) fn draw(totals: &Totals, now: i64, rng: &mut ChaCha8Rng) -> Vec<(u32, u32, i64)> {
    let n = totals.users.len();
    if n < 2 {
        return Vec::new();
    }
    let mut by_activity: Vec<usize> = (0..n).collect();
    by_activity.sort_by_key(|&u| (std::cmp::Reverse(totals.users[u].public_count), u));
    let zipf = Zipf::new(n, 0.8);
    let mut rows = Vec::new();
    let mut chosen = FxHashSet::default();
    for (rank, &u) in by_activity.iter().enumerate() {
        let want = if rank < BUSY_USERS {
            BUSY_FOLLOWS
        } else if rng.random_bool(0.5) {
            rng.random_range(1..=OTHER_FOLLOWS)
        } else {
            0
        };
        let want = want.min(n - 1);
        chosen.clear();
        // Bounded: with few users, the draws may not find `want` distinct ones.
        for _ in 0..want * 20 {
            if chosen.len() == want {
                break;
            }
            let f = by_activity[zipf.sample(rng)];
            if f != u {
                chosen.insert(f as u32);
            }
        }
        let mut followees: Vec<u32> = chosen.iter().copied().collect();
        followees.sort_unstable();
        for f in followees {
            let joined = totals.users[u]
                .created_at
                .max(totals.users[f as usize].created_at);
            let at = joined + rng.random_range(0..(now - joined).max(1));
            rows.push((u as u32, f, at));
        }
    }
    rows
}
