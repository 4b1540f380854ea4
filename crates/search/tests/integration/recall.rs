//! What the tokenizer makes findable, through the whole index.

use bukuma_search::{EntryDoc, Target};

use crate::support::{entry, entry_opts, Fixture};

#[test]
fn mixed_scripts_and_widths_find_the_same_entry() {
    let mut fx = Fixture::new();
    fx.entries(&[entry(1, "Rustで設計するWebサービス"), entry(2, "Goの入門")]);
    for q in [
        "rust 設計",
        "RUST",
        "ｒｕｓｔ",
        "Rustで設計",
        "ｒｕｓｔで設計",
    ] {
        assert_eq!(fx.find(q), [1], "{q}");
    }
}

#[test]
fn full_width_and_ascii_letters_are_the_same() {
    let mut fx = Fixture::new();
    fx.entries(&[entry(1, "ＡＷＳの監視"), entry(2, "aws cost")]);
    assert_eq!(fx.find_set("aws"), [1, 2]);
    assert_eq!(fx.find_set("ＡＷＳ"), [1, 2]);
}

#[test]
fn half_width_katakana_matches_full_width() {
    let mut fx = Fixture::new();
    fx.entries(&[entry(1, "ｶﾀｶﾅ表記"), entry(2, "カタカナ語辞典")]);
    assert_eq!(fx.find_set("カタカナ"), [1, 2]);
    assert_eq!(fx.find_set("ｶﾀｶﾅ"), [1, 2]);
}

#[test]
fn two_character_word_is_found_inside_compounds() {
    let mut fx = Fixture::new();
    fx.entries(&[
        entry(1, "死活監視の基本"),
        entry(2, "監視基盤を作る"),
        entry(3, "監査ログ"),
        entry(4, "障害対応の手順"),
        entry(5, "再設計のすすめ"),
    ]);
    assert_eq!(fx.find_set("監視"), [1, 2]);
    assert_eq!(fx.find_set("障害"), [4]);
    assert_eq!(fx.find_set("設計"), [5]);
}

#[test]
fn three_character_word_must_be_contiguous() {
    let mut fx = Fixture::new();
    fx.entries(&[entry(1, "障害対応の手順"), entry(2, "障害の対応")]);
    assert_eq!(fx.find("障害対応"), [1]);
    assert_eq!(fx.find_set("障害 対応"), [1, 2]);
}

#[test]
fn one_character_word_is_found_inside_runs() {
    let mut fx = Fixture::new();
    fx.entries(&[entry(1, "子猫の写真"), entry(2, "猫"), entry(3, "犬の写真")]);
    assert_eq!(fx.find_set("猫"), [1, 2]);
    assert_eq!(fx.find_set("の"), [1, 3]);
}

#[test]
fn quoted_text_is_one_phrase() {
    let mut fx = Fixture::new();
    fx.entries(&[entry(1, "Rustで設計"), entry(2, "rust の 設計")]);
    assert_eq!(fx.find("\"Rustで設計\""), [1]);
    assert_eq!(fx.find_set("Rustで 設計"), [1]);
    assert_eq!(fx.find_set("rust 設計"), [1, 2]);
}

#[test]
fn summary_comments_and_tags_are_searched() {
    let mut fx = Fixture::new();
    fx.entries(&[
        EntryDoc {
            summary: "分散トレーシングの解説".into(),
            ..entry(1, "記事A")
        },
        EntryDoc {
            comments: vec!["あとで読む".into(), "とても参考になった".into()],
            ..entry(2, "記事B")
        },
        EntryDoc {
            tags: vec!["Kubernetes".into()],
            ..entry(3, "記事C")
        },
    ]);
    assert_eq!(fx.find("トレーシング"), [1]);
    assert_eq!(fx.find("参考"), [2]);
    assert_eq!(fx.find("kubernetes"), [3]);
}

#[test]
fn field_prefixes_and_targets_restrict_where_words_match() {
    let mut fx = Fixture::new();
    fx.entries(&[
        EntryDoc {
            summary: "rust".into(),
            ..entry(1, "summary only")
        },
        entry(2, "rust in the title"),
        EntryDoc {
            comments: vec!["rust is nice".into()],
            ..entry(3, "comment only")
        },
        EntryDoc {
            tags: vec!["Rust".into()],
            ..entry(4, "tag only")
        },
        EntryDoc {
            tags: vec!["rustacean".into()],
            ..entry(5, "another tag")
        },
    ]);
    assert_eq!(fx.find_set("rust"), [1, 2, 3, 4]);
    assert_eq!(fx.find_set("title:rust"), [2]);
    assert_eq!(fx.find_set("comment:rust"), [3]);
    assert_eq!(fx.find_set("tag:RUST"), [4]);
    let by = |target| {
        let mut ids = fx.find_with(
            "rust",
            &bukuma_search::EntrySearch {
                target,
                ..entry_opts()
            },
        );
        ids.sort_unstable();
        ids
    };
    assert_eq!(by(Target::Title), [2]);
    assert_eq!(by(Target::Comment), [3]);
    assert_eq!(by(Target::Tag), [4]);
}

#[test]
fn or_and_exclusion_combine() {
    let mut fx = Fixture::new();
    fx.entries(&[
        entry(1, "rust web"),
        entry(2, "go web"),
        entry(3, "java web"),
        entry(4, "rust and java"),
    ]);
    assert_eq!(fx.find_set("rust OR go"), [1, 2, 4]);
    assert_eq!(fx.find_set("rust OR go -java"), [1, 2]);
    assert_eq!(fx.find_set("web -java"), [1, 2]);
    assert_eq!(fx.find_set("-java"), [1, 2]);
}

#[test]
fn odd_queries_search_without_failing() {
    let mut fx = Fixture::new();
    fx.entries(&[entry(1, "rust 設計")]);
    for q in [
        "\"rust",
        "OR",
        "-",
        "title:",
        "rust OR",
        "rust -",
        "\u{0}rust",
        "after:nonsense rust",
    ] {
        let _ = fx.find(q);
    }
    assert_eq!(fx.find("\"rust"), [1]);
    let thousand = vec!["rust"; 1000].join(" ");
    assert_eq!(fx.find(&thousand), [1]);
}
