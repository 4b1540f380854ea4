//! Entry categories: Hatena Bookmark's eight, each entry in exactly one.

use serde::{Deserialize, Serialize};

/// One of the eight categories; "総合" (all) is the absence of a filter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Category {
    Social,
    Economics,
    Life,
    Knowledge,
    It,
    Fun,
    Entertainment,
    Game,
}

impl Category {
    /// Every category, in the order Hatena shows them.
    pub const ALL: [Category; 8] = [
        Category::Social,
        Category::Economics,
        Category::Life,
        Category::Knowledge,
        Category::It,
        Category::Fun,
        Category::Entertainment,
        Category::Game,
    ];

    pub fn slug(self) -> &'static str {
        match self {
            Category::Social => "social",
            Category::Economics => "economics",
            Category::Life => "life",
            Category::Knowledge => "knowledge",
            Category::It => "it",
            Category::Fun => "fun",
            Category::Entertainment => "entertainment",
            Category::Game => "game",
        }
    }

    pub fn name_ja(self) -> &'static str {
        match self {
            Category::Social => "世の中",
            Category::Economics => "政治と経済",
            Category::Life => "暮らし",
            Category::Knowledge => "学び",
            Category::It => "テクノロジー",
            Category::Fun => "おもしろ",
            Category::Entertainment => "エンタメ",
            Category::Game => "アニメとゲーム",
        }
    }

    pub fn name_en(self) -> &'static str {
        match self {
            Category::Social => "Society",
            Category::Economics => "Politics & Economy",
            Category::Life => "Life",
            Category::Knowledge => "Knowledge",
            Category::It => "Technology",
            Category::Fun => "Fun",
            Category::Entertainment => "Entertainment",
            Category::Game => "Anime & Games",
        }
    }

    pub fn from_slug(slug: &str) -> Option<Category> {
        Category::ALL.into_iter().find(|c| c.slug() == slug)
    }

    /// A small stable number for storage (0–7, the order of [`Category::ALL`]).
    pub fn code(self) -> i16 {
        Category::ALL
            .iter()
            .position(|c| *c == self)
            .map_or(0, |i| i as i16)
    }

    pub fn from_code(code: i16) -> Option<Category> {
        usize::try_from(code)
            .ok()
            .and_then(|i| Category::ALL.get(i).copied())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_and_codes_round_trip() {
        for c in Category::ALL {
            assert_eq!(Category::from_slug(c.slug()), Some(c));
            assert_eq!(Category::from_code(c.code()), Some(c));
        }
        assert_eq!(Category::from_slug("all"), None);
        assert_eq!(Category::from_code(8), None);
        assert_eq!(Category::It.name_ja(), "テクノロジー");
    }
}
