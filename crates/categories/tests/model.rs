//! The built-in model on the committed sets, and the classifier's contract.

use std::collections::HashSet;

use bukuma_categories::{
    eval_set, evaluate, parse, training_set, Classifier, Document, EVALUATION_TSV, MIN_ACCURACY,
    TRAINING_TSV,
};
use bukuma_domain::Category;
use bukuma_search::tokenizer::{normalize_exact, tokens};

fn doc(title: &str, summary: &str, domain: &str, tags: &[&str]) -> Document {
    Document {
        title: title.into(),
        summary: summary.into(),
        domain: domain.into(),
        tags: tags.iter().map(|t| (*t).to_owned()).collect(),
    }
}

fn per_category(set: &[(Document, Category)]) -> [usize; 8] {
    let mut counts = [0; 8];
    for (_, c) in set {
        counts[c.code() as usize] += 1;
    }
    counts
}

#[test]
fn committed_sets_parse() {
    if let Err(e) = parse(TRAINING_TSV) {
        panic!("data/training.tsv {e}");
    }
    if let Err(e) = parse(EVALUATION_TSV) {
        panic!("data/evaluation.tsv {e}");
    }
}

#[test]
fn evaluation_set_has_at_least_50_rows_per_category_and_400_in_all() {
    let set = eval_set();
    assert!(set.len() >= 400, "{} evaluation rows", set.len());
    for (c, n) in Category::ALL.iter().zip(per_category(&set)) {
        assert!(n >= 50, "{n} evaluation rows for {}", c.slug());
    }
    for (c, n) in Category::ALL.iter().zip(per_category(&training_set())) {
        assert!(n >= 50, "{n} training rows for {}", c.slug());
    }
}

#[test]
fn no_title_is_in_both_sets_or_twice_in_one() {
    let mut training = HashSet::new();
    for (d, _) in training_set() {
        let title = normalize_exact(&d.title);
        assert!(training.insert(title), "training title twice: {}", d.title);
    }
    let mut evaluation = HashSet::new();
    for (d, _) in eval_set() {
        let title = normalize_exact(&d.title);
        assert!(
            !training.contains(&title),
            "title in both sets: {}",
            d.title
        );
        assert!(
            evaluation.insert(title),
            "evaluation title twice: {}",
            d.title
        );
    }
}

/// Term sets of titles; an evaluation title sharing most of its terms with
/// a training title would measure memory rather than generalisation.
#[test]
fn no_evaluation_title_is_a_near_copy_of_a_training_title() {
    let terms =
        |title: &str| -> HashSet<String> { tokens(title).into_iter().map(|t| t.text).collect() };
    let training: Vec<(String, HashSet<String>)> = training_set()
        .into_iter()
        .map(|(d, _)| {
            let t = terms(&d.title);
            (d.title, t)
        })
        .collect();
    for (d, _) in eval_set() {
        let e = terms(&d.title);
        for (title, t) in &training {
            let shared = e.intersection(t).count();
            let union = e.union(t).count().max(1);
            let similarity = shared as f64 / union as f64;
            assert!(
                similarity < 0.6,
                "near copies ({similarity:.2}):\n  {}\n  {title}",
                d.title
            );
        }
    }
}

#[test]
fn builtin_model_reaches_the_minimum_accuracy_on_the_evaluation_set() {
    let evaluation = evaluate(Classifier::builtin(), &eval_set());
    println!("{evaluation}");
    assert!(
        evaluation.accuracy() >= MIN_ACCURACY,
        "accuracy {:.1}% is below {:.0}%\n{evaluation}",
        evaluation.accuracy() * 100.0,
        MIN_ACCURACY * 100.0
    );
}

#[test]
fn a_programming_title_is_technology() {
    let d = doc("Rustで始めるWebAssembly入門", "", "", &[]);
    assert_eq!(Classifier::builtin().classify(&d), Category::It);
}

#[test]
fn an_anime_and_game_title_is_anime_and_games() {
    let d = doc(
        "TVアニメ『葬送のフリーレン』第2期の放送日が決定、新作ゲームも発表",
        "",
        "",
        &[],
    );
    assert_eq!(Classifier::builtin().classify(&d), Category::Game);
}

#[test]
fn a_known_site_and_tags_decide_without_words() {
    let d = doc("", "", "www.4gamer.net", &["ゲーム"]);
    assert_eq!(Classifier::builtin().classify(&d), Category::Game);
}

#[test]
fn an_empty_document_gets_a_category() {
    let c = Classifier::builtin().classify(&Document::default());
    assert!(Category::ALL.contains(&c));
    let p = Classifier::builtin().probabilities(&Document::default());
    assert!((p.iter().sum::<f64>() - 1.0).abs() < 1e-9, "{p:?}");
}

#[test]
fn classifying_the_same_document_twice_gives_the_same_answer() {
    // The reused row must be clean after each call.
    let a = doc("円安が進行、日銀の金融政策に注目", "", "nikkei.com", &[]);
    let b = doc("新作RPGの体験版が配信開始", "", "4gamer.net", &[]);
    let model = Classifier::builtin();
    let first = (model.probabilities(&a), model.probabilities(&b));
    assert_eq!((model.probabilities(&a), model.probabilities(&b)), first);
}

#[test]
fn corrections_move_a_borderline_document_to_their_category() {
    let d = doc(
        "AIに猫の写真を判定させてみたら思わぬ結果に",
        "週末に試した小さな実験の記録",
        "note.com",
        &["ネタ", "機械学習"],
    );
    let builtin = Classifier::builtin();
    let before = builtin.classify(&d);
    // The runner-up: where a borderline document goes when corrected.
    let p = builtin.probabilities(&d);
    let runner_up = Category::ALL
        .into_iter()
        .filter(|c| *c != before)
        .max_by(|a, b| p[a.code() as usize].total_cmp(&p[b.code() as usize]))
        .expect("eight categories");
    let corrections = vec![(d.clone(), runner_up); 3];
    let corrected = Classifier::train_with(&corrections);
    assert_eq!(corrected.classify(&d), runner_up, "{p:?}");
    // Without corrections, training again gives the built-in answer.
    assert_eq!(Classifier::train_with(&[]).classify(&d), before);
}

#[test]
fn the_classifier_can_be_shared_between_threads() {
    fn shareable<T: Send + Sync>() {}
    shareable::<Classifier>();
}
