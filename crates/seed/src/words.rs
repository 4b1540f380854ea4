//! What bookmarks are drawn from: English and Japanese words for tags,
//! comments and titles, site domains and the parts of user names.

use std::collections::HashSet;

use bukuma_domain::bookmark::tag_key;
use rand::Rng;
use rand_chacha::ChaCha8Rng;

/// What bookmarks are drawn from, fixed before the first one.
pub(crate) struct Vocabulary {
    /// Tags by popularity rank (index = tag id).
    pub(crate) tags: Vec<String>,
    tag_keys: Vec<String>,
    /// Site domains by popularity rank, with whether they are Japanese-language.
    pub(crate) domains: Vec<(String, bool)>,
}

impl Vocabulary {
    pub(crate) fn draw(rng: &mut ChaCha8Rng) -> Self {
        let tags = vocabulary(rng);
        let tag_keys = tags.iter().map(|t| tag_key(t)).collect();
        let domains = domains(rng, 2_000);
        Vocabulary {
            tags,
            tag_keys,
            domains,
        }
    }

    pub(crate) fn tag(&self, t: u16) -> &str {
        &self.tags[usize::from(t)]
    }

    pub(crate) fn tag_key(&self, t: u16) -> &str {
        &self.tag_keys[usize::from(t)]
    }

    pub(crate) fn domain(&self, d: u32) -> &str {
        &self.domains[d as usize].0
    }
}

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
pub(crate) const NAME_PARTS: &[&str] = &[
    "taro", "hanako", "ken", "yuki", "haru", "sora", "mio", "riku", "aoi", "kaito", "mei",
    "sho", "nao", "rin", "daichi", "akira", "jun", "kei", "tomo", "yu", "alice", "bob", "carol",
    "dave", "erin", "frank", "grace", "heidi", "ivan", "judy", "mallory", "oscar", "peggy",
    "trent", "victor", "walter", "neko", "inu", "tori", "kuma", "usagi", "kitsune", "tanuki",
    "sakura", "momiji", "yama", "kawa", "umi", "hoshi", "tsuki",
];

pub(crate) const EN_COMMENTS: &[&str] = &[
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

pub(crate) const JA_COMMENTS: &[&str] = &[
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

pub(crate) const EN_TITLE_ADJ: &[&str] = &[
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

pub(crate) const JA_TITLE_TAIL: &[&str] = &[
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
            if seen.insert(tag_key(w)) {
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
        if t.chars().count() <= 32 && seen.insert(tag_key(&t)) {
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
