//! Sample targets for load generators, taken from a generated dataset and
//! written as plain text files.

use std::collections::{HashMap, HashSet};
use std::io::Write as _;
use std::path::Path;

use bukuma_domain::{Cursor, EntryId};

use crate::generate::Dataset;
use crate::SeedError;
use rustc_hash::{FxHashMap, FxHashSet};

/// Sample targets for the benchmark scripts, most popular first.
#[derive(Debug, Clone, Default)]
pub struct Manifest {
    /// Usernames by public bookmark count.
    pub users: Vec<String>,
    /// Publicly bookmarked entry ids by public bookmark count.
    pub entries: Vec<EntryId>,
    /// URLs of the most bookmarked entries (for re-bookmarking).
    pub popular_urls: Vec<String>,
    /// (username, percent-encoded tag, cursor of a deep page or "").
    pub user_tags: Vec<(String, String, String)>,
}

/// How many users and entries a [`Manifest`] lists, at most.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ManifestSize {
    /// The most active users.
    pub users: usize,
    /// The most bookmarked entries.
    pub entries: usize,
}

impl Default for ManifestSize {
    /// Samples of the busiest users and most bookmarked entries, as the
    /// `make bench` scenarios read them.
    fn default() -> Self {
        ManifestSize {
            users: 2_000,
            entries: 20_000,
        }
    }
}

/// Writes the manifest as plain text files in `dir` (one item per line,
/// tab-separated fields), easy to read from a wrk Lua script.
pub fn write_manifest(manifest: &Manifest, dir: &Path) -> Result<(), SeedError> {
    std::fs::create_dir_all(dir)?;
    let write = |name: &str, lines: &mut dyn Iterator<Item = String>| -> std::io::Result<()> {
        let mut f = std::io::BufWriter::new(std::fs::File::create(dir.join(name))?);
        for line in lines {
            writeln!(f, "{line}")?;
        }
        f.flush()
    };
    write("users.txt", &mut manifest.users.iter().cloned())?;
    write(
        "entries.txt",
        &mut manifest.entries.iter().map(EntryId::to_string),
    )?;
    write(
        "popular_urls.txt",
        &mut manifest.popular_urls.iter().cloned(),
    )?;
    write(
        "user_tags.txt",
        &mut manifest
            .user_tags
            .iter()
            .map(|(u, t, c)| format!("{u}\t{t}\t{c}")),
    )?;
    Ok(())
}

/// The sample targets of a generated dataset.
pub(crate) fn from_dataset(data: &Dataset, size: ManifestSize) -> Manifest {
    let mut by_activity: Vec<usize> = (0..data.totals.users.len())
        .filter(|&u| data.totals.users[u].public_count > 0)
        .collect();
    by_activity.sort_by_key(|&u| (std::cmp::Reverse(data.totals.users[u].public_count), u));
    by_activity.truncate(size.users);
    let users: Vec<String> = by_activity
        .iter()
        .map(|&u| data.totals.users[u].username.clone())
        .collect();

    let mut by_popularity: Vec<usize> = (0..data.totals.entries.len())
        .filter(|&e| data.totals.entries[e].public_count > 0)
        .collect();
    by_popularity.sort_by_key(|&e| (std::cmp::Reverse(data.totals.entries[e].public_count), e));
    by_popularity.truncate(size.entries);
    let entries: Vec<EntryId> = by_popularity
        .iter()
        .map(|&e| EntryId(e as i64 + 1))
        .collect();
    let popular_urls: Vec<String> = by_popularity
        .iter()
        .take(2_000)
        .map(|&e| data.totals.entries[e].url.clone())
        .collect();

    // The busiest users' most used public tags, each with the cursor of
    // page 6 (20 per page) when the list is that long, else of its middle.
    let top: Vec<usize> = by_activity.iter().copied().take(500).collect();
    let wanted: HashSet<u32> = top.iter().map(|&u| u as u32).collect();
    let mut lists: FxHashMap<(u32, u16), Vec<(i64, i64)>> = FxHashMap::default();
    let mut best: HashMap<u32, Vec<(i64, u16)>> = HashMap::new();
    for ((u, t), c) in &data.totals.user_tags {
        if wanted.contains(u) && c.public_count > 0 {
            best.entry(*u).or_default().push((c.public_count, *t));
        }
    }
    let mut chosen: FxHashSet<(u32, u16)> = FxHashSet::default();
    for (u, list) in best.iter_mut() {
        list.sort_by_key(|&(c, t)| (std::cmp::Reverse(c), t));
        for &(_, t) in list.iter().take(5) {
            chosen.insert((*u, t));
        }
    }
    for (bi, b) in data.bookmarks() {
        if b.is_private {
            continue;
        }
        for &t in b.tag_ids() {
            if chosen.contains(&(b.user, t)) {
                lists
                    .entry((b.user, t))
                    .or_default()
                    .push((b.created_at, bi as i64 + 1));
            }
        }
    }
    let mut user_tags = Vec::new();
    for &u in &top {
        let Some(list) = best.get(&(u as u32)) else {
            continue;
        };
        for &(_, t) in list.iter().take(5) {
            let mut items = lists.remove(&(u as u32, t)).unwrap_or_default();
            items.sort_unstable_by(|a, b| b.cmp(a));
            let cursor = match items.len() {
                0 | 1 => String::new(),
                len => {
                    let at = if len > 120 { 99 } else { len / 2 };
                    Cursor::new(vec![items[at].0, items[at].1]).encode()
                }
            };
            user_tags.push((
                data.totals.users[u].username.clone(),
                percent_encode(data.vocab.tag(t)),
                cursor,
            ));
        }
    }
    Manifest {
        users,
        entries,
        popular_urls,
        user_tags,
    }
}

fn percent_encode(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}
