//! The dataset model and its generator: bookmarks drawn in time order,
//! with the counters the write path would have left.

use std::sync::Arc;

use bukuma_domain::hot::{bookmark_weight, stored_score, HORIZON_SECONDS};
use rand::Rng;
use rand_chacha::ChaCha8Rng;

use crate::sample::{pick, Zipf};
use crate::words::{Vocabulary, EN_COMMENTS, EN_TITLE_ADJ, JA_COMMENTS, JA_TITLE_TAIL, NAME_PARTS};
use crate::SeedConfig;
use rustc_hash::{FxHashMap, FxHashSet};

const MICROS_PER_DAY: i64 = 86_400_000_000;
const YEARS: i64 = 4;

/// A generated user, with the counts of its bookmarks.
pub(crate) struct GenUser {
    pub(crate) username: String,
    pub(crate) display_name: String,
    pub(crate) created_at: i64,
    pub(crate) count: i64,
    pub(crate) public_count: i64,
}

/// A generated entry, with its counters; `domain` is a domain id of the
/// [`Vocabulary`].
pub(crate) struct GenEntry {
    pub(crate) domain: u32,
    pub(crate) url: String,
    pub(crate) title: String,
    pub(crate) summary: String,
    pub(crate) created_at: i64,
    pub(crate) public_count: i64,
    pub(crate) first_public: Option<i64>,
    pub(crate) listed_at: Option<i64>,
    /// Decayed while the bookmarks are drawn, then stored (see
    /// `bukuma_domain::hot::stored_score`).
    pub(crate) hot: f64,
}

/// A generated bookmark; users and entries are by index (id - 1).
pub(crate) struct GenBookmark {
    pub(crate) user: u32,
    pub(crate) entry: u32,
    /// The entry's domain id.
    pub(crate) domain: u32,
    pub(crate) created_at: i64,
    pub(crate) is_private: bool,
    pub(crate) read_later: bool,
    pub(crate) comment: String,
    pub(crate) tags: [u16; 5],
    pub(crate) ntags: u8,
    pub(crate) star_count: i64,
}

impl GenBookmark {
    pub(crate) fn tag_ids(&self) -> &[u16] {
        &self.tags[..usize::from(self.ntags)]
    }
}

/// The counts of a `user_tags` or `user_sites` row.
pub(crate) struct Counter {
    pub(crate) count: i64,
    pub(crate) public_count: i64,
}

/// Rows per prepared multi-row `INSERT` (13 columns at most: 1 664 binds,
/// well under SQLite's 32 766 and PostgreSQL's 65 535).
pub(crate) const ROWS_PER_STATEMENT: usize = 128;

/// Bookmarks per [`Batch`]: a multiple of [`ROWS_PER_STATEMENT`], so only
/// the last batch ends in a shorter statement.
const BATCH: usize = 128 * ROWS_PER_STATEMENT;

/// Consecutive bookmarks as the generator hands them over, with their stars.
pub(crate) struct Batch {
    /// Index of the first bookmark.
    pub(crate) first: usize,
    pub(crate) bookmarks: Vec<GenBookmark>,
    /// (bookmark index, user index, time), sorted by bookmark then user.
    pub(crate) stars: Vec<(u32, u32, i64)>,
}

impl Batch {
    /// Bookmarks drawn up to the end of this batch.
    pub(crate) fn end(&self) -> u64 {
        (self.first + self.bookmarks.len()) as u64
    }
}

/// What is known only once every bookmark is drawn: users, entries and
/// the counter tables.
pub(crate) struct Totals {
    pub(crate) users: Vec<GenUser>,
    pub(crate) entries: Vec<GenEntry>,
    /// (user index, tag id) → counts, sorted by key.
    pub(crate) user_tags: Vec<((u32, u16), Counter)>,
    /// (user index, domain id) → counts, sorted by key.
    pub(crate) user_sites: Vec<((u32, u32), Counter)>,
    /// (entry index, tag id) → (public count, first public time), sorted by key.
    pub(crate) entry_tags: Vec<((u32, u16), (i64, i64))>,
}

/// A whole generated dataset: every bookmark, in batches, and the totals.
pub(crate) struct Dataset<'v> {
    pub(crate) vocab: &'v Vocabulary,
    pub(crate) batches: Vec<Arc<Batch>>,
    pub(crate) totals: Arc<Totals>,
}

impl Dataset<'_> {
    /// Every bookmark with its index, in id order.
    pub(crate) fn bookmarks(&self) -> impl Iterator<Item = (usize, &GenBookmark)> {
        self.batches
            .iter()
            .flat_map(|b| (b.first..).zip(&b.bookmarks))
    }
}

/// Draws the bookmarks in time order and hands them to `emit` in batches
/// as it goes (so that they can be written meanwhile), each bookmark with
/// its stars; then returns the totals.
pub(crate) fn generate(
    cfg: &SeedConfig,
    mut rng: ChaCha8Rng,
    vocab: &Vocabulary,
    emit: &mut dyn FnMut(Batch),
) -> Totals {
    let n = cfg.bookmarks as usize;
    let n_users = cfg.users.max(1) as usize;
    let now = cfg.now;
    let tags = &vocab.tags;
    let domains = &vocab.domains;
    let tag_zipf = Zipf::new(tags.len(), 1.0);
    let domain_zipf = Zipf::new(domains.len(), 1.1);
    let user_zipf = Zipf::new(n_users, 0.8);

    // Activity rank → user index, so the busiest user is not always the first.
    let mut rank_to_user: Vec<u32> = (0..n_users as u32).collect();
    for i in (1..rank_to_user.len()).rev() {
        let j = rng.random_range(0..=i);
        rank_to_user.swap(i, j);
    }
    // Japanese-speaking users comment in Japanese.
    let user_ja: Vec<bool> = (0..n_users).map(|_| rng.random_bool(0.6)).collect();
    let mut users: Vec<GenUser> = (0..n_users)
        .map(|i| {
            let a = NAME_PARTS[rng.random_range(0..NAME_PARTS.len())];
            let b = NAME_PARTS[rng.random_range(0..NAME_PARTS.len())];
            let sep = ["_", "-", ""][rng.random_range(0..3)];
            GenUser {
                username: format!("{a}{sep}{b}{}", i + 1),
                display_name: format!("{}{} {}", a[..1].to_uppercase(), &a[1..], b),
                created_at: 0,
                count: 0,
                public_count: 0,
            }
        })
        .collect();

    // Times: four years, denser towards now, 12 % in the last week, 3 % in the last day.
    let span = YEARS * 365 * MICROS_PER_DAY;
    let start = now - span;
    let mut times: Vec<i64> = (0..n)
        .map(|_| {
            let r = rng.random::<f64>();
            let t = if r < 0.03 {
                now - (rng.random::<f64>() * MICROS_PER_DAY as f64) as i64
            } else if r < 0.15 {
                now - (rng.random::<f64>() * 7.0 * MICROS_PER_DAY as f64) as i64
            } else {
                start + (rng.random::<f64>().sqrt() * span as f64) as i64
            };
            t.min(now - 1)
        })
        .collect();
    times.sort_unstable();

    let horizon = now - HORIZON_SECONDS * 1_000_000;
    let window = (n / 50).max(1_000);
    let mut entries: Vec<GenEntry> = Vec::with_capacity(n / 2);
    // The entry of each bookmark drawn so far, for re-bookmarking.
    let mut entry_of: Vec<u32> = Vec::with_capacity(n);
    let mut batch: Vec<GenBookmark> = Vec::with_capacity(BATCH.min(n));
    let mut star_rows: Vec<(u32, u32, i64)> = Vec::new();
    let mut first_seen: Vec<Option<i64>> = vec![None; n_users];
    let mut seen: FxHashSet<u64> = FxHashSet::with_capacity_and_hasher(n, Default::default());
    let mut user_history: Vec<Vec<u16>> = vec![Vec::new(); n_users];
    let mut user_tags: FxHashMap<(u32, u16), Counter> = FxHashMap::default();
    let mut user_sites: FxHashMap<(u32, u32), Counter> = FxHashMap::default();
    let mut entry_tags: FxHashMap<(u32, u16), (i64, i64)> = FxHashMap::default();

    for (i, &created_at) in times.iter().enumerate() {
        let user = rank_to_user[user_zipf.sample(&mut rng)];
        let uidx = user as usize;
        // Re-bookmark an earlier bookmark's URL (mostly a recent one), or save a new URL.
        let mut entry = None;
        if i > 0 && rng.random::<f64>() >= 0.35 {
            for _ in 0..4 {
                let j = if rng.random_bool(0.6) {
                    i - 1 - rng.random_range(0..i.min(window))
                } else {
                    rng.random_range(0..i)
                };
                let e = entry_of[j];
                if !seen.contains(&(u64::from(user) << 32 | u64::from(e))) {
                    entry = Some(e);
                    break;
                }
            }
        }
        let entry = entry.unwrap_or_else(|| {
            let id = entries.len() as u32;
            let d = domain_zipf.sample(&mut rng);
            let (domain, ja) = &domains[d];
            let topic = &tags[tag_zipf.sample(&mut rng)];
            let title = if *ja {
                format!("{topic}{}", pick(&mut rng, JA_TITLE_TAIL))
            } else {
                format!("{} {topic}", pick(&mut rng, EN_TITLE_ADJ))
            };
            let when = chrono::DateTime::from_timestamp_micros(created_at)
                .unwrap_or_default()
                .format("%Y/%m/%d");
            let url = match d % 4 {
                0 => format!("https://{domain}/entry/{when}/{:06}", id + 1),
                1 => format!(
                    "https://{domain}/articles/{:x}{:08x}",
                    id + 1,
                    rng.random::<u32>()
                ),
                2 => format!(
                    "https://{domain}/{}/items/{:x}",
                    id % 97,
                    u64::from(id + 1) * 7_919
                ),
                _ => format!(
                    "https://{domain}/p/{}?id={}",
                    id + 1,
                    rng.random_range(1..1000)
                ),
            };
            let summary = if rng.random_bool(0.5) {
                if *ja {
                    format!("{title}。{}について、具体例を交えて紹介します。", topic)
                } else {
                    format!("{title}: what we learned, with examples and a few numbers.")
                }
            } else {
                String::new()
            };
            entries.push(GenEntry {
                domain: d as u32,
                url,
                title: truncate_chars(&title, 200),
                summary,
                created_at,
                public_count: 0,
                first_public: None,
                listed_at: None,
                hot: 0.0,
            });
            id
        });
        seen.insert(u64::from(user) << 32 | u64::from(entry));
        entry_of.push(entry);
        first_seen[uidx].get_or_insert(created_at);

        let is_private = rng.random_bool(0.05);
        let read_later = rng.random_bool(0.05);
        let comment = if rng.random_bool(0.4) {
            let parts = rng.random_range(1..=3);
            let mut s = String::new();
            for k in 0..parts {
                if user_ja[uidx] {
                    s.push_str(pick(&mut rng, JA_COMMENTS));
                    s.push(if k + 1 < parts { '。' } else { ' ' });
                } else {
                    s.push_str(pick(&mut rng, EN_COMMENTS));
                    s.push(' ');
                }
            }
            if rng.random_bool(0.3) {
                s.push_str(&tags[tag_zipf.sample(&mut rng)]);
            }
            truncate_chars(s.trim(), 100)
        } else {
            String::new()
        };

        // 1–5 tags; users mostly reuse their own.
        let want = match rng.random_range(0..100) {
            0..=29 => 1,
            30..=59 => 2,
            60..=79 => 3,
            80..=91 => 4,
            _ => 5,
        };
        let mut btags = [0u16; 5];
        let mut ntags = 0usize;
        for _ in 0..want * 3 {
            if ntags == want {
                break;
            }
            let history = &user_history[uidx];
            let t = if !history.is_empty() && rng.random_bool(0.6) {
                history[rng.random_range(0..history.len())]
            } else {
                tag_zipf.sample(&mut rng) as u16
            };
            if !btags[..ntags].contains(&t) {
                btags[ntags] = t;
                ntags += 1;
            }
        }
        user_history[uidx].extend_from_slice(&btags[..ntags]);

        // Stars on a quarter of public comments, heavy-tailed.
        let mut star_count = 0;
        if n_users > 1 && !is_private && !comment.is_empty() && rng.random_bool(0.25) {
            let k = (rng.random::<f64>().max(1e-9).powf(-1.0 / 1.5) as usize).clamp(1, 200);
            let k = k.min(n_users - 1);
            let mut by: Vec<u32> = Vec::with_capacity(k);
            while by.len() < k {
                let u = rng.random_range(0..n_users as u32);
                if u != user && !by.contains(&u) {
                    by.push(u);
                }
            }
            by.sort_unstable();
            let room = (now - created_at).clamp(1, 7 * MICROS_PER_DAY);
            for u in by {
                star_rows.push((i as u32, u, created_at + rng.random_range(0..room)));
            }
            star_count = k as i64;
        }

        // Counters, as the write path moves them.
        let public = i64::from(!is_private);
        let u = &mut users[uidx];
        u.count += 1;
        u.public_count += public;
        let e = &mut entries[entry as usize];
        let site = user_sites.entry((user, e.domain)).or_insert(Counter {
            count: 0,
            public_count: 0,
        });
        site.count += 1;
        site.public_count += public;
        for &t in &btags[..ntags] {
            let c = user_tags.entry((user, t)).or_insert(Counter {
                count: 0,
                public_count: 0,
            });
            c.count += 1;
            c.public_count += public;
            if !is_private {
                entry_tags.entry((entry, t)).or_insert((0, created_at)).0 += 1;
            }
        }
        if !is_private {
            e.public_count += 1;
            e.first_public.get_or_insert(created_at);
            if e.listed_at.is_none() && e.public_count >= cfg.new_entry_threshold {
                e.listed_at = Some(created_at);
            }
            if created_at > horizon {
                e.hot += bookmark_weight((now - created_at) as f64 / 1e6);
            }
        }
        batch.push(GenBookmark {
            user,
            entry,
            domain: e.domain,
            created_at,
            is_private,
            read_later,
            comment,
            tags: btags,
            ntags: ntags as u8,
            star_count,
        });
        if batch.len() == BATCH || i + 1 == n {
            emit(Batch {
                first: i + 1 - batch.len(),
                bookmarks: std::mem::replace(&mut batch, Vec::with_capacity(BATCH.min(n - i))),
                stars: std::mem::take(&mut star_rows),
            });
        }
    }

    // Users join a little before their first bookmark.
    for (u, first) in users.iter_mut().zip(first_seen) {
        let before = rng.random_range(0..30 * MICROS_PER_DAY);
        u.created_at = first.unwrap_or_else(|| now - rng.random_range(0..span)) - before;
    }

    // Hot scores as the database stores them.
    for e in &mut entries {
        e.hot = stored_score(e.hot, now);
    }

    let mut user_tags: Vec<_> = user_tags.into_iter().collect();
    user_tags.sort_unstable_by_key(|(k, _)| *k);
    let mut user_sites: Vec<_> = user_sites.into_iter().collect();
    user_sites.sort_unstable_by_key(|(k, _)| *k);
    let mut entry_tags: Vec<_> = entry_tags.into_iter().collect();
    entry_tags.sort_unstable_by_key(|(k, _)| *k);
    Totals {
        users,
        entries,
        user_tags,
        user_sites,
        entry_tags,
    }
}

fn truncate_chars(s: &str, max: usize) -> String {
    s.chars().take(max).collect()
}
