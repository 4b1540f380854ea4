//! A deterministic synthetic dataset shaped like a real bookmarking service,
//! for benchmarks (`bukuma seed`).
//!
//! Bookmarks are drawn in time order — so that counters, first-bookmark
//! dates, new-entry listing times and hot scores come out exactly as the
//! write path would have left them — and written with multi-row `INSERT`s
//! inside transactions. Secondary indexes of the loaded tables are dropped
//! for the load and rebuilt from their own stored definitions afterwards,
//! which is much faster than maintaining them row by row and keeps no
//! second copy of the schema here. On a SQLite file the rows are written
//! while they are drawn: a generator thread hands batches of bookmarks to
//! this connection and to a second one, which loads and indexes the tag
//! and star tables in a file of their own; those then move over by record
//! copy (see [`load_split`]), so both cores work throughout.
//!
//! Shape of the data:
//! - user activity follows a power law (a few users with thousands of
//!   bookmarks, many with a handful);
//! - URL popularity follows from preferential attachment (each bookmark
//!   either saves a new URL or re-bookmarks the URL of an earlier bookmark,
//!   mostly a recent one), which yields a power law: a few entries with
//!   thousands of bookmarks, a long tail with one;
//! - times span four years, denser towards now, with a burst in the last
//!   week and the last day (so hot entries exist);
//! - 1–5 tags per bookmark from a Zipf-distributed English and Japanese
//!   vocabulary of about 3 000 tags, users reusing their own tags;
//! - ~40 % of bookmarks carry a comment (English or Japanese, ≤ 100
//!   characters), ~5 % are private, ~5 % are marked read-later;
//! - a quarter of public comments get stars (a heavy-tailed number).

use std::collections::{HashMap, HashSet};
use std::io::Write as _;
use std::marker::PhantomData;
use std::path::{Path, PathBuf};
use std::sync::{mpsc, Arc};
use std::time::Instant;

use bukuma_domain::hot::{bookmark_weight, HORIZON_SECONDS};
use bukuma_domain::Cursor;
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::query_builder::{AstPass, QueryFragment, QueryId};
use diesel::sql_types::Text;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use thiserror::Error;

use crate::schema::{entries, users};
use crate::stmt::{values_sql, Arg, ArgBackend, Stmt};
use crate::{per_backend, DbConnection, DbError};

/// Bumped whenever the generated data (or the state it is left in) changes,
/// so cached datasets are rebuilt. 2: PostgreSQL datasets are vacuumed.
/// 3: stars are drawn with each bookmark.
pub const GENERATOR_VERSION: u32 = 3;

/// Rows per prepared multi-row `INSERT` (13 columns at most: 1 664 binds,
/// well under SQLite's 32 766 and PostgreSQL's 65 535).
const ROWS_PER_STATEMENT: usize = 128;
/// Rows written per transaction.
const ROWS_PER_TX: usize = 200_000;

const MICROS_PER_DAY: i64 = 86_400_000_000;
const YEARS: i64 = 4;

#[derive(Debug, Error)]
pub enum SeedError {
    #[error("the database is not empty ({0} users, {1} entries): seed an empty one")]
    NotEmpty(i64, i64),
    #[error("{0}")]
    Invalid(String),
    #[error(transparent)]
    Db(#[from] DbError),
    #[error("seeding query failed: {0}")]
    Query(#[from] diesel::result::Error),
    #[error("cannot open the side database: {0}")]
    Connect(#[from] diesel::ConnectionError),
    #[error("cannot write the manifest: {0}")]
    Io(#[from] std::io::Error),
}

/// What to generate.
#[derive(Debug, Clone)]
pub struct SeedConfig {
    pub users: u32,
    pub bookmarks: u32,
    pub seed: u64,
    /// The dataset's "now" (microseconds): the newest bookmark is just before it.
    pub now: i64,
    /// One argon2 hash shared by every generated user.
    pub password_hash: String,
    /// Public bookmarks an entry needs to be listed among new entries.
    pub new_entry_threshold: i64,
    /// The caller holds the only connection to the database, so SQLite may
    /// switch its journal off while loading (faster; back to WAL at the end).
    pub exclusive: bool,
}

/// Phases reported to the progress callback, with rows done out of a total.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    Generate,
    Write,
    Index,
}

/// Counts of what was written, and where time went.
#[derive(Debug, Clone, Default)]
pub struct SeedReport {
    pub users: usize,
    pub entries: usize,
    pub bookmarks: usize,
    pub private_bookmarks: usize,
    pub comments: usize,
    pub bookmark_tags: usize,
    pub user_tags: usize,
    pub user_sites: usize,
    pub entry_tags: usize,
    pub stars: usize,
    pub max_entry_bookmarks: i64,
    pub generate_secs: f64,
    /// Writing the rows and building the indexes, beyond generation (on a
    /// SQLite file, rows are written while they are generated).
    pub load_secs: f64,
    /// `ANALYZE` (on PostgreSQL `VACUUM ANALYZE`) and restoring the
    /// connection's settings.
    pub analyze_secs: f64,
    /// Sample targets for load generators (see [`write_manifest`]).
    pub manifest: Manifest,
}

impl SeedReport {
    pub fn total_secs(&self) -> f64 {
        self.generate_secs + self.load_secs + self.analyze_secs
    }
}

/// Sample targets for the benchmark scripts, most popular first.
#[derive(Debug, Clone, Default)]
pub struct Manifest {
    /// Usernames by public bookmark count.
    pub users: Vec<String>,
    /// Publicly bookmarked entry ids by public bookmark count.
    pub entries: Vec<i64>,
    /// URLs of the most bookmarked entries (for re-bookmarking).
    pub popular_urls: Vec<String>,
    /// (username, percent-encoded tag, cursor of a deep page or "").
    pub user_tags: Vec<(String, String, String)>,
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
        &mut manifest.entries.iter().map(i64::to_string),
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

// ---------------------------------------------------------------------------
// Vocabulary

#[rustfmt::skip]
const EN_WORDS: &[&str] = &[
    "programming", "rust", "javascript", "python", "go", "typescript", "linux", "security",
    "design", "database", "postgresql", "sqlite", "web", "frontend", "backend", "css", "html",
    "react", "vue", "ai", "machinelearning", "llm", "science", "history", "politics",
    "economics", "business", "startup", "career", "productivity", "book", "books", "music",
    "movie", "game", "games", "cooking", "recipe", "travel", "health", "sports", "football",
    "baseball", "math", "physics", "space", "climate", "energy", "privacy", "opensource",
    "github", "git", "docker", "kubernetes", "aws", "cloud", "devops", "testing", "performance",
    "architecture", "api", "http", "network", "dns", "unix", "shell", "vim", "emacs", "editor",
    "tools", "tutorial", "reference", "howto", "tips", "news", "blog", "essay", "interview",
    "culture", "art", "photography", "education", "learning", "writing", "language", "japan",
    "english", "finance", "investing", "crypto", "hardware", "apple", "android", "iphone",
    "mobile", "ux", "accessibility", "typography", "font", "compiler", "algorithm",
    "datastructure", "concurrency", "async", "wasm", "browser", "chrome", "firefox", "search",
    "seo", "marketing", "management", "leadership", "team", "remote", "work", "life", "family",
    "parenting", "psychology", "philosophy", "medicine", "biology", "chemistry", "robotics",
    "electronics", "keyboard", "diy", "maker", "3dprinting", "retro", "anime", "manga", "novel",
    "podcast", "video", "youtube", "twitter", "social", "media", "journalism", "law", "policy",
    "government", "election", "war", "society", "urban", "transport", "car", "bicycle", "train",
    "food", "coffee", "beer", "wine", "fitness", "running", "sleep", "mentalhealth",
    "statistics", "data", "visualization", "excel", "spreadsheet", "notion", "obsidian",
    "markdown", "latex", "java", "kotlin", "swift", "csharp", "cpp", "c", "haskell", "ocaml",
    "elixir", "erlang", "ruby", "rails", "php", "perl", "lisp", "clojure", "scala", "zig",
    "nim", "lua", "bash", "regex", "unicode", "encoding", "crypto-engineering", "tls", "auth",
    "oauth", "jwt", "microservices", "monolith", "ddd", "tdd", "refactoring", "legacy",
    "debugging", "logging",
];

#[rustfmt::skip]
const JA_WORDS: &[&str] = &[
    "あとで読む", "プログラミング", "技術", "開発", "設計", "政治", "経済", "社会", "料理", "レシピ", "健康", "仕事", "生活",
    "ライフハック", "ネタ", "おもしろ", "これはすごい", "これはひどい", "あとで", "考え方", "教育", "子育て", "歴史", "科学", "宇宙",
    "医療", "マンガ", "アニメ", "ゲーム", "音楽", "映画", "本", "書評", "読書", "旅行", "写真", "デザイン", "ウェブ", "セキュリティ",
    "データベース", "インフラ", "クラウド", "機械学習", "人工知能", "数学", "物理", "統計", "英語", "日本語", "言語", "文化", "芸術",
    "法律", "労働", "転職", "キャリア", "働き方", "マネジメント", "組織", "スタートアップ", "起業", "投資", "お金", "節約", "買い物",
    "ガジェット", "スマホ", "パソコン", "自作", "電子工作", "鉄道", "車", "自転車", "地図", "東京", "大阪", "京都", "北海道", "沖縄",
    "地方", "食べ物", "ラーメン", "カレー", "お菓子", "コーヒー", "酒", "スポーツ", "野球", "サッカー", "将棋", "囲碁", "はてな",
    "ブログ", "はてなブログ", "増田", "ニュース", "メディア", "ネット", "炎上", "SNS", "ツイッター", "動画", "配信", "VTuber",
    "声優", "小説", "エッセイ", "まとめ", "議論", "思想", "哲学", "心理", "メンタル", "睡眠", "ダイエット", "筋トレ", "家事", "掃除",
    "育児", "介護", "年金", "税金", "選挙", "国際", "中国", "韓国", "アメリカ", "ヨーロッパ", "災害", "地震", "天気", "環境",
    "エネルギー", "農業", "建築", "不動産", "ファッション", "美容", "恋愛", "結婚", "人生", "雑記", "日記", "資料", "入門", "解説",
    "チュートリアル", "便利", "ツール", "ライブラリ", "フレームワーク", "言語処理", "検索",
];

/// Famous sites first (most bookmarked), then a long tail of blogs.
const SITES: &[(&str, bool)] = &[
    ("anond.hatelabo.jp", true),
    ("github.com", false),
    ("qiita.com", true),
    ("zenn.dev", true),
    ("note.com", true),
    ("www.youtube.com", false),
    ("news.yahoo.co.jp", true),
    ("www.nikkei.com", true),
    ("www3.nhk.or.jp", true),
    ("www.itmedia.co.jp", true),
    ("gigazine.net", true),
    ("togetter.com", true),
    ("www.asahi.com", true),
    ("mainichi.jp", true),
    ("www.yomiuri.co.jp", true),
    ("jp.reuters.com", true),
    ("www.publickey1.jp", true),
    ("gihyo.jp", true),
    ("speakerdeck.com", true),
    ("developers.cyberagent.co.jp", true),
    ("engineering.mercari.com", true),
    ("tech.smarthr.jp", true),
    ("www.nytimes.com", false),
    ("www.theguardian.com", false),
    ("www.bbc.com", false),
    ("arstechnica.com", false),
    ("www.theverge.com", false),
    ("news.ycombinator.com", false),
    ("en.wikipedia.org", false),
    ("ja.wikipedia.org", true),
    ("stackoverflow.com", false),
    ("medium.com", false),
    ("dev.to", false),
    ("blog.rust-lang.org", false),
    ("lwn.net", false),
    ("www.economist.com", false),
    ("www.wired.com", false),
    ("techcrunch.com", false),
    ("www.bloomberg.com", false),
    ("xkcd.com", false),
    ("www.lifehacker.jp", true),
    ("dailyportalz.jp", true),
    ("nlab.itmedia.co.jp", true),
    ("automaton-media.com", true),
    ("www.4gamer.net", true),
    ("www.cookpad.com", true),
    ("toyokeizai.net", true),
    ("president.jp", true),
    ("diamond.jp", true),
    ("bunshun.jp", true),
];

const BLOG_HOSTS: &[(&str, bool)] = &[
    ("hatenablog.com", true),
    ("hateblo.jp", true),
    ("hatenadiary.jp", true),
    ("hatenablog.jp", true),
    ("github.io", false),
    ("substack.com", false),
    ("blogspot.com", false),
    ("wordpress.com", false),
];

#[rustfmt::skip]
const NAME_PARTS: &[&str] = &[
    "taro", "hanako", "ken", "yuki", "haru", "sora", "mio", "riku", "aoi", "kaito", "mei",
    "sho", "nao", "rin", "daichi", "akira", "jun", "kei", "tomo", "yu", "alice", "bob", "carol",
    "dave", "erin", "frank", "grace", "heidi", "ivan", "judy", "mallory", "oscar", "peggy",
    "trent", "victor", "walter", "neko", "inu", "tori", "kuma", "usagi", "kitsune", "tanuki",
    "sakura", "momiji", "yama", "kawa", "umi", "hoshi", "tsuki",
];

const EN_COMMENTS: &[&str] = &[
    "Great read.",
    "Interesting.",
    "This is exactly what I needed.",
    "Bookmarking for later.",
    "TIL.",
    "Worth reading.",
    "I disagree with the conclusion.",
    "Useful reference.",
    "Saving this.",
    "Finally someone said it.",
    "The comments are better than the article.",
    "Hmm.",
    "Well written.",
    "Nice write-up.",
    "Clear explanation.",
    "Not sure about this one.",
    "Classic.",
    "Good overview of",
    "More people should know about",
    "Old but still relevant.",
    "Solid advice.",
    "Wow.",
];

const JA_COMMENTS: &[&str] = &[
    "あとで読む",
    "これは良い",
    "なるほど",
    "わかる",
    "参考になる",
    "これはひどい",
    "興味深い",
    "すごい",
    "ブクマしておく",
    "よくまとまっている",
    "読んだ",
    "同意",
    "たしかに",
    "ほんとこれ",
    "知らなかった",
    "面白い",
    "勉強になる",
    "うーん",
    "いい話だ",
    "これは便利",
    "わかりやすい",
    "そうなんだ",
    "の話",
    "について考えさせられる",
];

const EN_TITLE_ADJ: &[&str] = &[
    "A practical guide to",
    "Why I stopped using",
    "The hidden cost of",
    "Understanding",
    "Notes on",
    "Lessons learned from",
    "How we scaled",
    "An introduction to",
    "The case against",
    "Ten years of",
    "What nobody tells you about",
    "Rethinking",
];

const JA_TITLE_TAIL: &[&str] = &[
    "について調べてみた",
    "を始めて一年が経った",
    "入門",
    "の話",
    "で失敗した話",
    "のまとめ",
    "を徹底解説",
    "を考える",
    "はなぜ難しいのか",
    "を使ってみた",
    "の現状と課題",
    "に関するメモ",
];

/// Tags by popularity rank (index = tag id): base words, then compounds.
fn vocabulary(rng: &mut ChaCha8Rng) -> Vec<String> {
    let mut tags: Vec<String> = Vec::with_capacity(3_000);
    let mut seen: HashSet<String> = HashSet::new();
    // Interleave languages so both appear among the popular tags.
    let (mut en, mut ja) = (EN_WORDS.iter(), JA_WORDS.iter());
    loop {
        let a = en.next();
        let b = ja.next();
        if a.is_none() && b.is_none() {
            break;
        }
        for w in [a, b].into_iter().flatten() {
            if seen.insert(w.to_lowercase()) {
                tags.push((*w).to_owned());
            }
        }
    }
    while tags.len() < 3_000 {
        let t = if rng.random_bool(0.5) {
            let a = EN_WORDS[rng.random_range(0..EN_WORDS.len())];
            let b = EN_WORDS[rng.random_range(0..EN_WORDS.len())];
            format!("{a}-{b}")
        } else {
            let a = JA_WORDS[rng.random_range(0..JA_WORDS.len())];
            let b = JA_WORDS[rng.random_range(0..JA_WORDS.len())];
            format!("{a}{b}")
        };
        if t.chars().count() <= 32 && seen.insert(t.to_lowercase()) {
            tags.push(t);
        }
    }
    tags
}

/// Site domains by popularity rank, with whether they are Japanese-language.
fn domains(rng: &mut ChaCha8Rng, count: usize) -> Vec<(String, bool)> {
    let mut out: Vec<(String, bool)> = SITES.iter().map(|(d, ja)| ((*d).to_owned(), *ja)).collect();
    let mut seen: HashSet<String> = out.iter().map(|(d, _)| d.clone()).collect();
    while out.len() < count {
        let name = format!(
            "{}{}",
            NAME_PARTS[rng.random_range(0..NAME_PARTS.len())],
            EN_WORDS[rng.random_range(0..EN_WORDS.len())].replace('-', "")
        );
        let d = match rng.random_range(0..10) {
            0..=6 => {
                let (host, ja) = BLOG_HOSTS[rng.random_range(0..BLOG_HOSTS.len())];
                (format!("{name}.{host}"), ja)
            }
            7 => (format!("blog.{name}.com"), false),
            8 => (format!("www.{name}.co.jp"), true),
            _ => (format!("{name}.dev"), false),
        };
        if seen.insert(d.0.clone()) {
            out.push(d);
        }
    }
    out
}

// ---------------------------------------------------------------------------
// Sampling

/// FxHash (rustc's): much faster than SipHash for the integer keys of the
/// counters, and deterministic. No input here comes from outside.
#[derive(Default, Clone, Copy)]
struct FxHasher(u64);

impl std::hash::Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u64(u64::from(b));
        }
    }
    fn write_u8(&mut self, i: u8) {
        self.write_u64(u64::from(i));
    }
    fn write_u16(&mut self, i: u16) {
        self.write_u64(u64::from(i));
    }
    fn write_u32(&mut self, i: u32) {
        self.write_u64(u64::from(i));
    }
    fn write_u64(&mut self, i: u64) {
        self.0 = (self.0.rotate_left(5) ^ i).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
    fn write_usize(&mut self, i: usize) {
        self.write_u64(i as u64);
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

type FastMap<K, V> = HashMap<K, V, std::hash::BuildHasherDefault<FxHasher>>;
type FastSet<K> = HashSet<K, std::hash::BuildHasherDefault<FxHasher>>;

/// Samples ranks 0..n with probability ∝ 1 / (rank + 1)^s.
struct Zipf {
    cdf: Vec<f64>,
}

impl Zipf {
    fn new(n: usize, s: f64) -> Self {
        let mut acc = 0.0;
        let cdf = (0..n.max(1))
            .map(|k| {
                acc += 1.0 / ((k + 1) as f64).powf(s);
                acc
            })
            .collect();
        Zipf { cdf }
    }

    fn sample(&self, rng: &mut ChaCha8Rng) -> usize {
        let total = self.cdf.last().copied().unwrap_or(1.0);
        let x = rng.random::<f64>() * total;
        self.cdf.partition_point(|&c| c < x).min(self.cdf.len() - 1)
    }
}

fn pick<'a>(rng: &mut ChaCha8Rng, list: &[&'a str]) -> &'a str {
    list[rng.random_range(0..list.len())]
}

fn truncate_chars(s: &str, max: usize) -> String {
    s.chars().take(max).collect()
}

fn percent_encode(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

// ---------------------------------------------------------------------------
// The generated dataset

struct GenUser {
    username: String,
    display_name: String,
    created_at: i64,
    count: i64,
    public_count: i64,
}

struct GenEntry {
    domain: u32,
    url: String,
    title: String,
    summary: String,
    created_at: i64,
    public_count: i64,
    first_public: Option<i64>,
    listed_at: Option<i64>,
    hot: f64,
}

struct GenBookmark {
    user: u32,
    entry: u32,
    /// The entry's domain id.
    domain: u32,
    created_at: i64,
    is_private: bool,
    read_later: bool,
    comment: String,
    tags: [u16; 5],
    ntags: u8,
    star_count: i64,
}

impl GenBookmark {
    fn tag_ids(&self) -> &[u16] {
        &self.tags[..usize::from(self.ntags)]
    }
}

struct Counter {
    count: i64,
    public_count: i64,
}

/// What bookmarks are drawn from, fixed before the first one.
struct Vocabulary {
    tags: Vec<String>,
    tag_keys: Vec<String>,
    domains: Vec<(String, bool)>,
}

impl Vocabulary {
    fn draw(rng: &mut ChaCha8Rng) -> Self {
        let tags = vocabulary(rng);
        let tag_keys = tags.iter().map(|t| t.to_lowercase()).collect();
        let domains = domains(rng, 2_000);
        Vocabulary {
            tags,
            tag_keys,
            domains,
        }
    }

    fn tag(&self, t: u16) -> &str {
        &self.tags[usize::from(t)]
    }

    fn tag_key(&self, t: u16) -> &str {
        &self.tag_keys[usize::from(t)]
    }

    fn domain(&self, d: u32) -> &str {
        &self.domains[d as usize].0
    }
}

/// Bookmarks per [`Batch`]: a multiple of [`ROWS_PER_STATEMENT`], so only
/// the last batch ends in a shorter statement.
const BATCH: usize = 128 * ROWS_PER_STATEMENT;

/// Consecutive bookmarks as the generator hands them over, with their stars.
struct Batch {
    /// Index of the first bookmark.
    first: usize,
    bookmarks: Vec<GenBookmark>,
    /// (bookmark index, user index, time), sorted by bookmark then user.
    stars: Vec<(u32, u32, i64)>,
}

impl Batch {
    /// Bookmarks drawn up to the end of this batch.
    fn end(&self) -> u64 {
        (self.first + self.bookmarks.len()) as u64
    }
}

/// What is known only once every bookmark is drawn: users, entries and
/// the counter tables.
struct Totals {
    users: Vec<GenUser>,
    entries: Vec<GenEntry>,
    /// (user index, tag id) → counts, sorted by key.
    user_tags: Vec<((u32, u16), Counter)>,
    /// (user index, domain id) → counts, sorted by key.
    user_sites: Vec<((u32, u32), Counter)>,
    /// (entry index, tag id) → (public count, first public time), sorted by key.
    entry_tags: Vec<((u32, u16), (i64, i64))>,
}

struct Dataset<'v> {
    vocab: &'v Vocabulary,
    batches: Vec<Arc<Batch>>,
    totals: Arc<Totals>,
}

impl Dataset<'_> {
    /// Every bookmark with its index, in id order.
    fn bookmarks(&self) -> impl Iterator<Item = (usize, &GenBookmark)> {
        self.batches
            .iter()
            .flat_map(|b| (b.first..).zip(&b.bookmarks))
    }
}

/// Draws the bookmarks in time order and hands them to `emit` in batches
/// as it goes (so that they can be written meanwhile), each bookmark with
/// its stars; then returns the totals.
fn generate(
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
    let mut seen: FastSet<u64> = FastSet::with_capacity_and_hasher(n, Default::default());
    let mut user_history: Vec<Vec<u16>> = vec![Vec::new(); n_users];
    let mut user_tags: FastMap<(u32, u16), Counter> = FastMap::default();
    let mut user_sites: FastMap<(u32, u32), Counter> = FastMap::default();
    let mut entry_tags: FastMap<(u32, u16), (i64, i64)> = FastMap::default();

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

fn manifest(data: &Dataset) -> Manifest {
    let mut by_activity: Vec<usize> = (0..data.totals.users.len())
        .filter(|&u| data.totals.users[u].public_count > 0)
        .collect();
    by_activity.sort_by_key(|&u| (std::cmp::Reverse(data.totals.users[u].public_count), u));
    by_activity.truncate(2_000);
    let users: Vec<String> = by_activity
        .iter()
        .map(|&u| data.totals.users[u].username.clone())
        .collect();

    let mut by_popularity: Vec<usize> = (0..data.totals.entries.len())
        .filter(|&e| data.totals.entries[e].public_count > 0)
        .collect();
    by_popularity.sort_by_key(|&e| (std::cmp::Reverse(data.totals.entries[e].public_count), e));
    by_popularity.truncate(20_000);
    let entries: Vec<i64> = by_popularity.iter().map(|&e| e as i64 + 1).collect();
    let popular_urls: Vec<String> = by_popularity
        .iter()
        .take(2_000)
        .map(|&e| data.totals.entries[e].url.clone())
        .collect();

    // The busiest users' most used public tags, each with the cursor of
    // page 6 (20 per page) when the list is that long, else of its middle.
    let top: Vec<usize> = by_activity.iter().copied().take(500).collect();
    let wanted: HashSet<u32> = top.iter().map(|&u| u as u32).collect();
    let mut lists: FastMap<(u32, u16), Vec<(i64, i64)>> = FastMap::default();
    let mut best: HashMap<u32, Vec<(i64, u16)>> = HashMap::new();
    for ((u, t), c) in &data.totals.user_tags {
        if wanted.contains(u) && c.public_count > 0 {
            best.entry(*u).or_default().push((c.public_count, *t));
        }
    }
    let mut chosen: FastSet<(u32, u16)> = FastSet::default();
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

// ---------------------------------------------------------------------------
// Writing

#[derive(QueryableByName)]
struct IndexDef {
    #[diesel(sql_type = Text)]
    name: String,
    #[diesel(sql_type = Text)]
    tbl: String,
    #[diesel(sql_type = Text)]
    sql: String,
}

const LOADED_TABLES: &str =
    "'entries','bookmarks','bookmark_tags','user_tags','user_sites','entry_tags','stars'";

/// Secondary indexes of the loaded tables (not those behind keys and
/// unique constraints), as their stored `CREATE INDEX` statements.
fn secondary_indexes(conn: &mut DbConnection) -> Result<Vec<IndexDef>, SeedError> {
    let q = match conn {
        DbConnection::Sqlite(_) => format!(
            "SELECT name, tbl_name AS tbl, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL \
             AND tbl_name IN ({LOADED_TABLES}) ORDER BY name"
        ),
        DbConnection::Pg(_) => format!(
            "SELECT indexname AS name, tablename AS tbl, indexdef AS sql FROM pg_indexes \
             WHERE schemaname = current_schema() AND tablename IN ({LOADED_TABLES}) \
             AND indexname NOT IN (SELECT conname FROM pg_constraint) ORDER BY indexname"
        ),
    };
    Ok(per_backend!(&mut *conn, |c| diesel::sql_query(&q).load::<IndexDef>(c))?)
}

/// A multi-row `INSERT` of [`ROWS_PER_STATEMENT`] rows into one table,
/// kept prepared by diesel under the type `M`, which names the table: a
/// statement with a static id is looked up by that id, so its text (some
/// 10 KB of placeholders) is neither rebuilt nor hashed on each execution,
/// as a [`Stmt`]'s is. Every `M` must stand for one table and column list.
struct FullInsert<'a, M> {
    /// `INSERT INTO table (columns)`
    head: &'a str,
    columns: usize,
    args: &'a [Arg<'a>],
    table: PhantomData<M>,
}

impl<M: 'static> QueryId for FullInsert<'_, M> {
    type QueryId = M;
    const HAS_STATIC_QUERY_ID: bool = true;
}

impl<DB: ArgBackend, M> QueryFragment<DB> for FullInsert<'_, M> {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        out.push_sql(self.head);
        for (i, row) in self.args.chunks(self.columns).enumerate() {
            out.push_sql(if i == 0 { " VALUES (" } else { "), (" });
            for (j, arg) in row.iter().enumerate() {
                if j > 0 {
                    out.push_sql(", ");
                }
                DB::push_arg(&mut out, arg)?;
            }
        }
        out.push_sql(")");
        Ok(())
    }
}

impl<Conn, M> RunQueryDsl<Conn> for FullInsert<'_, M> {}

/// Writes `rows` into `table` in transactions of about [`ROWS_PER_TX`] rows,
/// through multi-row statements of [`ROWS_PER_STATEMENT`] rows, prepared
/// once under the marker type `M` (one per table) and then only bound and
/// stepped. `fill` pushes one row's values, in the order of `columns`;
/// `report` hears the rows of each committed transaction.
fn write_rows<'a, M: 'static, T>(
    conn: &mut DbConnection,
    table: &str,
    columns: &[&str],
    rows: &'a [T],
    report: &mut dyn FnMut(u64),
    mut fill: impl FnMut(usize, &'a T, &mut Vec<Arg<'a>>),
) -> Result<(), SeedError> {
    let head = format!("INSERT INTO {table} ({})", columns.join(", "));
    let mut args: Vec<Arg<'a>> = Vec::with_capacity(ROWS_PER_STATEMENT * columns.len());
    for (t, tx_rows) in rows.chunks(ROWS_PER_TX).enumerate() {
        conn.transaction(|c| {
            for (k, chunk) in tx_rows.chunks(ROWS_PER_STATEMENT).enumerate() {
                args.clear();
                let offset = t * ROWS_PER_TX + k * ROWS_PER_STATEMENT;
                for (i, row) in chunk.iter().enumerate() {
                    fill(offset + i, row, &mut args);
                }
                if chunk.len() == ROWS_PER_STATEMENT {
                    let insert = FullInsert::<M> {
                        head: &head,
                        columns: columns.len(),
                        args: &args,
                        table: PhantomData,
                    };
                    per_backend!(&mut *c, |c| RunQueryDsl::execute(insert, c))?;
                } else {
                    let rest = format!("{head} VALUES {}", values_sql(columns.len(), chunk.len()));
                    Stmt::new(&rest, &args).execute(c)?;
                }
            }
            Ok::<_, SeedError>(())
        })?;
        report(tx_rows.len() as u64);
    }
    Ok(())
}

fn tag_string(vocab: &Vocabulary, b: &GenBookmark) -> String {
    let mut s = String::new();
    for (i, &t) in b.tag_ids().iter().enumerate() {
        if i > 0 {
            s.push(' ');
        }
        s.push_str(vocab.tag(t));
    }
    s
}

fn id(index: usize) -> i64 {
    index as i64 + 1
}

// One statement type per table (see `FullInsert`).
struct Users;
struct Entries;
struct Bookmarks;
struct BookmarkTags;
struct UserTags;
struct UserSites;
struct EntryTags;
struct Stars;

/// Tables that, on SQLite, a second connection loads into a file of its
/// own while the main connection loads the others (see [`load_split`]).
const SIDE_TABLES: [&str; 3] = ["bookmark_tags", "entry_tags", "stars"];

/// Rows of the tables written from [`Totals`].
fn totals_rows(t: &Totals) -> u64 {
    (t.users.len() + t.entries.len() + t.user_tags.len() + t.user_sites.len() + t.entry_tags.len())
        as u64
}

/// Rows of the tables written from a [`Batch`].
fn batch_rows(b: &Batch) -> u64 {
    (b.bookmarks.len()
        + b.bookmarks.iter().map(|b| b.tag_ids().len()).sum::<usize>()
        + b.stars.len()) as u64
}

/// Writes a batch's rows of `bookmarks`.
fn write_bookmarks(
    conn: &mut DbConnection,
    vocab: &Vocabulary,
    batch: &Batch,
    report: &mut dyn FnMut(u64),
) -> Result<(), SeedError> {
    let tag_strings: Vec<String> = batch
        .bookmarks
        .iter()
        .map(|b| tag_string(vocab, b))
        .collect();
    write_rows::<Bookmarks, _>(
        conn,
        "bookmarks",
        &[
            "id",
            "user_id",
            "entry_id",
            "domain",
            "comment",
            "tags",
            "is_private",
            "read_later",
            "star_count",
            "created_at",
            "updated_at",
        ],
        &batch.bookmarks,
        report,
        |i, b, a| {
            a.extend([
                Arg::Int(id(batch.first + i)),
                Arg::Int(id(b.user as usize)),
                Arg::Int(id(b.entry as usize)),
                Arg::Text(vocab.domain(b.domain)),
                Arg::Text(&b.comment),
                Arg::Text(&tag_strings[i]),
                Arg::Bool(b.is_private),
                Arg::Bool(b.read_later),
                Arg::Int(b.star_count),
                Arg::Int(b.created_at),
                Arg::Int(b.created_at),
            ])
        },
    )
}

/// Writes a batch's rows of `bookmark_tags` and `stars` (two [`SIDE_TABLES`]).
fn write_tags_and_stars(
    conn: &mut DbConnection,
    vocab: &Vocabulary,
    batch: &Batch,
    report: &mut dyn FnMut(u64),
) -> Result<(), SeedError> {
    let tag_rows: Vec<(usize, u16)> = batch
        .bookmarks
        .iter()
        .enumerate()
        .flat_map(|(i, b)| b.tag_ids().iter().map(move |&t| (i, t)))
        .collect();
    write_rows::<BookmarkTags, _>(
        conn,
        "bookmark_tags",
        &[
            "bookmark_id",
            "tag_key",
            "user_id",
            "is_private",
            "created_at",
        ],
        &tag_rows,
        report,
        |_, &(i, t), a| {
            let b = &batch.bookmarks[i];
            a.extend([
                Arg::Int(id(batch.first + i)),
                Arg::Text(vocab.tag_key(t)),
                Arg::Int(id(b.user as usize)),
                Arg::Bool(b.is_private),
                Arg::Int(b.created_at),
            ])
        },
    )?;
    write_rows::<Stars, _>(
        conn,
        "stars",
        &["bookmark_id", "user_id", "created_at"],
        &batch.stars,
        report,
        |_, &(b, u, at), a| {
            a.extend([
                Arg::Int(id(b as usize)),
                Arg::Int(id(u as usize)),
                Arg::Int(at),
            ])
        },
    )
}

/// Writes `users` and `entries`.
fn write_users_and_entries(
    conn: &mut DbConnection,
    cfg: &SeedConfig,
    vocab: &Vocabulary,
    totals: &Totals,
    report: &mut dyn FnMut(u64),
) -> Result<(), SeedError> {
    let hash = cfg.password_hash.as_str();
    let lower_names: Vec<String> = totals
        .users
        .iter()
        .map(|u| u.username.to_ascii_lowercase())
        .collect();
    write_rows::<Users, _>(
        conn,
        "users",
        &[
            "id",
            "username",
            "username_lower",
            "display_name",
            "bio",
            "role",
            "password_hash",
            "bookmark_count",
            "public_bookmark_count",
            "created_at",
            "updated_at",
        ],
        &totals.users,
        report,
        |i, u, a| {
            a.extend([
                Arg::Int(id(i)),
                Arg::Text(&u.username),
                Arg::Text(&lower_names[i]),
                Arg::Text(&u.display_name),
                Arg::Text(""),
                Arg::Text("user"),
                Arg::Text(hash),
                Arg::Int(u.count),
                Arg::Int(u.public_count),
                Arg::Int(u.created_at),
                Arg::Int(u.created_at),
            ])
        },
    )?;

    write_rows::<Entries, _>(
        conn,
        "entries",
        &[
            "id",
            "url",
            "domain",
            "title",
            "summary",
            "bookmark_count",
            "first_bookmarked_at",
            "listed_at",
            "hot_score",
            "created_at",
            "fetch_status",
            "fetch_attempts",
            "fetched_at",
        ],
        &totals.entries,
        report,
        |i, e, a| {
            a.extend([
                Arg::Int(id(i)),
                Arg::Text(&e.url),
                Arg::Text(vocab.domain(e.domain)),
                Arg::Text(&e.title),
                Arg::Text(&e.summary),
                Arg::Int(e.public_count),
                Arg::OptInt(e.first_public),
                Arg::OptInt(e.listed_at),
                Arg::Float(e.hot),
                Arg::Int(e.created_at),
                Arg::Text("done"),
                Arg::Int(0),
                Arg::OptInt(Some(e.created_at)),
            ])
        },
    )
}

/// Writes `user_tags` and `user_sites`.
fn write_user_counters(
    conn: &mut DbConnection,
    vocab: &Vocabulary,
    totals: &Totals,
    report: &mut dyn FnMut(u64),
) -> Result<(), SeedError> {
    write_rows::<UserTags, _>(
        conn,
        "user_tags",
        &["user_id", "tag_key", "tag", "count", "public_count"],
        &totals.user_tags,
        report,
        |_, ((u, t), n), a| {
            a.extend([
                Arg::Int(id(*u as usize)),
                Arg::Text(vocab.tag_key(*t)),
                Arg::Text(vocab.tag(*t)),
                Arg::Int(n.count),
                Arg::Int(n.public_count),
            ])
        },
    )?;
    write_rows::<UserSites, _>(
        conn,
        "user_sites",
        &["user_id", "domain", "count", "public_count"],
        &totals.user_sites,
        report,
        |_, ((u, d), n), a| {
            a.extend([
                Arg::Int(id(*u as usize)),
                Arg::Text(vocab.domain(*d)),
                Arg::Int(n.count),
                Arg::Int(n.public_count),
            ])
        },
    )
}

/// Writes `entry_tags` (one of the [`SIDE_TABLES`]).
fn write_entry_tags(
    conn: &mut DbConnection,
    vocab: &Vocabulary,
    totals: &Totals,
    report: &mut dyn FnMut(u64),
) -> Result<(), SeedError> {
    write_rows::<EntryTags, _>(
        conn,
        "entry_tags",
        &["entry_id", "tag_key", "tag", "count", "first_at"],
        &totals.entry_tags,
        report,
        |_, ((e, t), (count, first_at)), a| {
            a.extend([
                Arg::Int(id(*e as usize)),
                Arg::Text(vocab.tag_key(*t)),
                Arg::Text(vocab.tag(*t)),
                Arg::Int(*count),
                Arg::Int(*first_at),
            ])
        },
    )
}

/// Settings for writing rows on SQLite: durability is pointless while
/// loading from scratch (the caller restores it), foreign keys hold by
/// construction, and a large page cache keeps the B-trees being filled in
/// memory.
const SQLITE_LOAD_SETTINGS: &str = "PRAGMA synchronous = OFF; PRAGMA foreign_keys = OFF; \
     PRAGMA cache_size = -262144; PRAGMA threads = 4;";

/// Settings for `CREATE INDEX` on SQLite: it sorts in chunks the size of
/// the page cache, spilled to temporary files unless temp_store is MEMORY;
/// small chunks, sorted by worker threads and merged, build the indexes
/// about twice as fast as one large in-memory sort. The table scans behind
/// each index then read pages through a memory map rather than copies into
/// that small cache.
const SQLITE_INDEX_SETTINGS: &str =
    "PRAGMA temp_store = DEFAULT; PRAGMA cache_size = -2000; PRAGMA mmap_size = 4294967296";

/// Builds `indexes` from their stored statements; `built` hears each one.
fn build_indexes<'a>(
    conn: &mut DbConnection,
    indexes: impl IntoIterator<Item = &'a IndexDef>,
    built: &mut dyn FnMut(),
) -> Result<(), SeedError> {
    for ix in indexes {
        conn.batch_execute(&ix.sql)?;
        built();
    }
    Ok(())
}

/// The file behind the main database of a SQLite connection; `None` for
/// one in memory.
fn main_file(conn: &mut DbConnection) -> Result<Option<String>, SeedError> {
    #[derive(QueryableByName)]
    struct Database {
        #[diesel(sql_type = Text)]
        name: String,
        #[diesel(sql_type = Text)]
        file: String,
    }
    let list = per_backend!(&mut *conn, |c| diesel::sql_query("PRAGMA database_list")
        .load::<Database>(c))?;
    Ok(list
        .into_iter()
        .find(|d| d.name == "main")
        .map(|d| d.file)
        .filter(|f| !f.is_empty()))
}

/// Writes every table and builds its indexes on the one connection
/// (PostgreSQL, and SQLite in memory), tables in the order of their
/// foreign keys (PostgreSQL checks them unless the role may skip them).
/// The indexes are rebuilt even when writing failed, so the schema is
/// whole again either way.
fn load_serial(
    conn: &mut DbConnection,
    cfg: &SeedConfig,
    data: &Dataset,
    indexes: &[IndexDef],
    progress: &mut dyn FnMut(Phase, u64, u64),
) -> Result<(), SeedError> {
    let (vocab, totals) = (data.vocab, &*data.totals);
    let total = totals_rows(totals) + data.batches.iter().map(|b| batch_rows(b)).sum::<u64>();
    let mut done = 0;
    let mut report = |n| {
        done += n;
        progress(Phase::Write, done, total);
    };
    let mut write = || -> Result<(), SeedError> {
        write_users_and_entries(conn, cfg, vocab, totals, &mut report)?;
        for b in &data.batches {
            write_bookmarks(conn, vocab, b, &mut report)?;
        }
        write_user_counters(conn, vocab, totals, &mut report)?;
        for b in &data.batches {
            write_tags_and_stars(conn, vocab, b, &mut report)?;
        }
        write_entry_tags(conn, vocab, totals, &mut report)
    };
    let written = write();
    if matches!(conn, DbConnection::Sqlite(_)) {
        conn.batch_execute(SQLITE_INDEX_SETTINGS)?;
    }
    let mut built = 0;
    progress(Phase::Index, 0, indexes.len() as u64);
    build_indexes(conn, indexes, &mut || {
        built += 1;
        progress(Phase::Index, built, indexes.len() as u64);
    })?;
    written
}

/// Progress of the side loader, sent to the thread that reports it.
enum Tick {
    Rows(u64),
    Index,
}

/// What the generator hands to a loading connection.
enum Feed {
    Batch(Arc<Batch>),
    Done(Arc<Totals>),
}

/// Generates and loads a SQLite database on two cores. A generator thread
/// hands each batch of bookmarks, as it is drawn, to this connection
/// (`bookmarks`) and to a second thread, which writes the
/// [`SIDE_TABLES`] into a file of their own (`side`, removed afterwards)
/// and builds their indexes there. Once every bookmark is drawn, this
/// connection writes and indexes the other tables. The side tables then
/// move over with `INSERT INTO t SELECT * FROM side.t`, which SQLite
/// carries out as a copy of the records of the table and of each index
/// (the transfer optimization: identical schemas, an empty destination,
/// foreign keys off), much cheaper than writing and sorting them again.
/// Returns the dataset and the seconds its generation took.
#[allow(clippy::too_many_arguments)]
fn load_split<'v>(
    conn: &mut DbConnection,
    cfg: &SeedConfig,
    rng: ChaCha8Rng,
    vocab: &'v Vocabulary,
    indexes: &[IndexDef],
    side: &Path,
    progress: &mut dyn FnMut(Phase, u64, u64),
) -> Result<(Dataset<'v>, f64), SeedError> {
    #[derive(QueryableByName)]
    struct TableDef {
        #[diesel(sql_type = Text)]
        sql: String,
    }
    struct Remove<'a>(&'a Path);
    impl Drop for Remove<'_> {
        fn drop(&mut self) {
            let _ = std::fs::remove_file(self.0);
        }
    }
    let side_path = side
        .to_str()
        .ok_or_else(|| SeedError::Invalid(format!("{} is not UTF-8", side.display())))?;
    let _ = std::fs::remove_file(side);
    let _remove = Remove(side);
    let tables: Vec<TableDef> = per_backend!(&mut *conn, |c| diesel::sql_query(format!(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name IN ('{}')",
        SIDE_TABLES.join("', '")
    ))
    .load(c))?;
    let (main_indexes, side_indexes): (Vec<&IndexDef>, Vec<&IndexDef>) = indexes
        .iter()
        .partition(|ix| !SIDE_TABLES.contains(&ix.tbl.as_str()));
    let n_indexes = indexes.len() as u64;
    let n = u64::from(cfg.bookmarks);
    let (main_tx, main_rx) = mpsc::channel::<Feed>();
    let (side_tx, side_rx) = mpsc::channel::<Feed>();
    let (tick_tx, tick_rx) = mpsc::channel::<Tick>();

    let (generated, main_loaded, side_loaded) = std::thread::scope(|scope| {
        let generator = scope.spawn(move || {
            let started = Instant::now();
            let mut batches = Vec::new();
            let totals = Arc::new(generate(cfg, rng, vocab, &mut |b| {
                let b = Arc::new(b);
                // A loader that failed has hung up; its error is reported below.
                let _ = main_tx.send(Feed::Batch(b.clone()));
                let _ = side_tx.send(Feed::Batch(b.clone()));
                batches.push(b);
            }));
            let _ = main_tx.send(Feed::Done(totals.clone()));
            let _ = side_tx.send(Feed::Done(totals.clone()));
            (batches, totals, started.elapsed().as_secs_f64())
        });

        let side_indexes = &side_indexes;
        let tables = &tables;
        let loader = scope.spawn(move || -> Result<(), SeedError> {
            let mut c = DbConnection::Sqlite(SqliteConnection::establish(side_path)?);
            // A file of this load's own: no journal at all.
            c.batch_execute("PRAGMA journal_mode = OFF")?;
            c.batch_execute(SQLITE_LOAD_SETTINGS)?;
            for t in tables {
                c.batch_execute(&t.sql)?;
            }
            let mut report = |n| {
                let _ = tick_tx.send(Tick::Rows(n));
            };
            for feed in side_rx {
                match feed {
                    Feed::Batch(b) => write_tags_and_stars(&mut c, vocab, &b, &mut report)?,
                    Feed::Done(t) => {
                        write_entry_tags(&mut c, vocab, &t, &mut report)?;
                        break;
                    }
                }
            }
            c.batch_execute(SQLITE_INDEX_SETTINGS)?;
            build_indexes(&mut c, side_indexes.iter().copied(), &mut || {
                let _ = tick_tx.send(Tick::Index);
            })
        });

        let (mut rows, mut built, mut batch_total) = (0, 0, 0);
        let heard = |rows: &mut u64, built: &mut u64, tick| match tick {
            Tick::Rows(n) => *rows += n,
            Tick::Index => *built += 1,
        };
        let mut written = Ok(());
        let mut totals = None;
        for feed in main_rx.iter() {
            match feed {
                Feed::Batch(b) => {
                    batch_total += batch_rows(&b);
                    written = write_bookmarks(conn, vocab, &b, &mut |n| rows += n);
                    for t in tick_rx.try_iter() {
                        heard(&mut rows, &mut built, t);
                    }
                    progress(Phase::Generate, b.end(), n);
                    if written.is_err() {
                        break;
                    }
                }
                Feed::Done(t) => {
                    totals = Some(t);
                    break;
                }
            }
        }
        if let (Ok(()), Some(t)) = (&written, &totals) {
            let total = batch_total + totals_rows(t);
            let mut report = |n| {
                rows += n;
                for t in tick_rx.try_iter() {
                    heard(&mut rows, &mut built, t);
                }
                progress(Phase::Write, rows, total);
            };
            written = write_users_and_entries(conn, cfg, vocab, t, &mut report)
                .and_then(|()| write_user_counters(conn, vocab, t, &mut report));
        }
        // Indexes are rebuilt even when writing failed (see `load_serial`).
        let indexed = conn
            .batch_execute(SQLITE_INDEX_SETTINGS)
            .map_err(SeedError::from)
            .and_then(|()| {
                build_indexes(conn, main_indexes.iter().copied(), &mut || {
                    built += 1;
                    progress(Phase::Index, built, n_indexes);
                })
            });
        for t in tick_rx.iter() {
            heard(&mut rows, &mut built, t);
            progress(Phase::Index, built, n_indexes);
        }
        let side = loader
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        let generated = generator
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (generated, written.and(indexed), side)
    });
    // The side tables' indexes exist on the main database before the
    // transfer (so their records move over with it), and also after a
    // failure, so the schema is whole again either way.
    build_indexes(conn, side_indexes.iter().copied(), &mut || {})?;
    main_loaded?;
    side_loaded?;

    // Back from the index builds' small cache for the transfer.
    conn.batch_execute(SQLITE_LOAD_SETTINGS)?;
    diesel::sql_query("ATTACH DATABASE ? AS seed_side")
        .bind::<Text, _>(side_path)
        .execute(match conn {
            DbConnection::Sqlite(c) => c,
            DbConnection::Pg(_) => unreachable!("load_split runs on SQLite"),
        })?;
    let moved = conn.transaction(|c| {
        for t in SIDE_TABLES {
            c.batch_execute(&format!("INSERT INTO main.{t} SELECT * FROM seed_side.{t}"))?;
        }
        Ok::<_, SeedError>(())
    });
    conn.batch_execute("DETACH DATABASE seed_side")?;
    moved?;
    let (batches, totals, generate_secs) = generated;
    Ok((
        Dataset {
            vocab,
            batches,
            totals,
        },
        generate_secs,
    ))
}

/// Generates the dataset described by `cfg` and writes it into the empty
/// database behind `conn`. `progress` hears (phase, done, total).
pub fn seed(
    conn: &mut DbConnection,
    cfg: &SeedConfig,
    progress: &mut dyn FnMut(Phase, u64, u64),
) -> Result<SeedReport, SeedError> {
    if cfg.users == 0 && cfg.bookmarks > 0 {
        return Err(SeedError::Invalid(
            "bookmarks need at least one user".into(),
        ));
    }
    let n_users: i64 = users::table.count().get_result(conn)?;
    let n_entries: i64 = entries::table.count().get_result(conn)?;
    if n_users > 0 || n_entries > 0 {
        return Err(SeedError::NotEmpty(n_users, n_entries));
    }

    let started = Instant::now();
    let mut rng = ChaCha8Rng::seed_from_u64(cfg.seed);
    let vocab = Vocabulary::draw(&mut rng);
    let sqlite = matches!(conn, DbConnection::Sqlite(_));
    if sqlite {
        // Durability is pointless while loading from scratch; restored below.
        if cfg.exclusive {
            conn.batch_execute("PRAGMA journal_mode = OFF")?;
        }
        conn.batch_execute(SQLITE_LOAD_SETTINGS)?;
    } else {
        // Foreign keys hold by construction; skip their per-row triggers when allowed.
        let _ = conn.batch_execute("SET session_replication_role = replica");
    }
    let indexes = secondary_indexes(conn)?;
    for ix in &indexes {
        conn.batch_execute(&format!("DROP INDEX {}", ix.name))?;
    }
    let side_file = match sqlite {
        true => main_file(conn)?.map(|f| PathBuf::from(format!("{f}.seed-side"))),
        false => None,
    };
    let (data, generate_secs) = match &side_file {
        Some(path) => load_split(conn, cfg, rng, &vocab, &indexes, path, progress)?,
        None => {
            let n = u64::from(cfg.bookmarks);
            let generating = Instant::now();
            let mut batches = Vec::new();
            let totals = Arc::new(generate(cfg, rng, &vocab, &mut |b| {
                progress(Phase::Generate, b.end(), n);
                batches.push(Arc::new(b));
            }));
            let generate_secs = generating.elapsed().as_secs_f64();
            let data = Dataset {
                vocab: &vocab,
                batches,
                totals,
            };
            load_serial(conn, cfg, &data, &indexes, progress)?;
            (data, generate_secs)
        }
    };
    let load_secs = started.elapsed().as_secs_f64() - generate_secs;

    let started = Instant::now();
    if sqlite {
        conn.batch_execute(
            "PRAGMA analysis_limit = 1000; ANALYZE; PRAGMA journal_mode = WAL; \
             PRAGMA wal_checkpoint(TRUNCATE); PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON; PRAGMA cache_size = -8000; \
             PRAGMA temp_store = MEMORY; PRAGMA threads = 0; PRAGMA mmap_size = 0;",
        )?;
    } else {
        // Rows came with explicit ids: move the identity sequences past them.
        conn.batch_execute(
            "SET session_replication_role = DEFAULT; \
             SELECT setval(pg_get_serial_sequence('users', 'id'), GREATEST((SELECT max(id) FROM users), 1)); \
             SELECT setval(pg_get_serial_sequence('entries', 'id'), GREATEST((SELECT max(id) FROM entries), 1)); \
             SELECT setval(pg_get_serial_sequence('bookmarks', 'id'), GREATEST((SELECT max(id) FROM bookmarks), 1));",
        )?;
        // As autovacuum leaves a running server's tables: the visibility map
        // set (index-only scans need no heap visits) and hint bits written
        // (the first reads of each row do not dirty its page). VACUUM runs
        // outside any transaction, so on its own.
        conn.batch_execute("VACUUM ANALYZE")?;
    }
    let analyze_secs = started.elapsed().as_secs_f64();

    let totals = &data.totals;
    Ok(SeedReport {
        users: totals.users.len(),
        entries: totals.entries.len(),
        bookmarks: data.bookmarks().count(),
        private_bookmarks: data.bookmarks().filter(|(_, b)| b.is_private).count(),
        comments: data
            .bookmarks()
            .filter(|(_, b)| !b.comment.is_empty())
            .count(),
        bookmark_tags: data.bookmarks().map(|(_, b)| b.tag_ids().len()).sum(),
        user_tags: totals.user_tags.len(),
        user_sites: totals.user_sites.len(),
        entry_tags: totals.entry_tags.len(),
        stars: data.batches.iter().map(|b| b.stars.len()).sum(),
        max_entry_bookmarks: totals
            .entries
            .iter()
            .map(|e| e.public_count)
            .max()
            .unwrap_or(0),
        generate_secs,
        load_secs,
        analyze_secs,
        manifest: manifest(&data),
    })
}
