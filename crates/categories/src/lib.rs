//! Chooses an entry's category from what is known of it.
//!
//! A multinomial naive-Bayes model (smartcore's [`MultinomialNB`]) over the
//! weighted terms of [`features`]: the search tokenizer's terms of the title
//! and summary (so Japanese is segmented exactly as search does), `domain:`
//! terms and `tag:` terms. The vocabulary is every term seen in at least
//! [`MIN_DOCUMENT_FREQUENCY`] training documents, at most
//! [`MAX_VOCABULARY`] of them; other terms are ignored.
//!
//! A multinomial model depends on a category's documents only through their
//! summed term counts and their number, so it is fitted on one summed row
//! per category with the categories' shares of documents as priors: the
//! same model as fitting every document, in 8 × vocabulary memory however
//! many corrections there are. Classifying reads the fitted log-likelihoods
//! of the document's own terms only.

mod data;
mod eval;
pub mod features;

use std::sync::OnceLock;

use bukuma_domain::Category;
use rustc_hash::{FxHashMap, FxHashSet};
use smartcore::linalg::basic::matrix::DenseMatrix;
use smartcore::naive_bayes::multinomial::{MultinomialNB, MultinomialNBParameters};

pub use data::{parse, ParseError, EVALUATION_TSV, TRAINING_TSV};
pub use eval::{evaluate, Evaluation, MIN_ACCURACY};

/// A term must occur in this many training documents to be counted.
pub const MIN_DOCUMENT_FREQUENCY: u32 = 2;
/// The most terms the model keeps (the most frequent ones).
pub const MAX_VOCABULARY: usize = 1 << 15;
/// Additive smoothing of the per-category term counts.
const ALPHA: f64 = 0.3;

/// The library's model as fitted here: term counts and category codes.
type Model = MultinomialNB<u32, u32, DenseMatrix<u32>, Vec<u32>>;

/// What the classifier reads of an entry.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Document {
    pub title: String,
    pub summary: String,
    pub domain: String,
    /// The crowd's tags, most used first.
    pub tags: Vec<String>,
}

/// A trained model.
pub struct Classifier {
    /// Term → its number in the model.
    vocabulary: FxHashMap<Box<str>, u32>,
    /// ln P(term | category), term-major: `[term * 8 + category code]`.
    log_likelihoods: Vec<f64>,
    /// ln P(category); −∞ for a category without training documents.
    log_priors: [f64; 8],
}

impl Classifier {
    /// The model trained from the labelled set committed to the repository.
    pub fn builtin() -> &'static Classifier {
        static BUILTIN: OnceLock<Classifier> = OnceLock::new();
        BUILTIN.get_or_init(|| Classifier::train(&training_set(), &[]))
    }

    /// A model trained from the committed set plus `extra` labelled
    /// documents (users' and admins' corrections). A correction counts as
    /// much as a committed row.
    pub fn train_with(extra: &[(Document, Category)]) -> Classifier {
        Classifier::train(&training_set(), extra)
    }

    fn train(set: &[(Document, Category)], extra: &[(Document, Category)]) -> Classifier {
        let (classifier, _) = fit(set, extra);
        classifier
    }

    pub fn classify(&self, doc: &Document) -> Category {
        let scores = self.scores(doc);
        let mut best = 0;
        for (i, s) in scores.iter().enumerate() {
            if *s > scores[best] {
                best = i;
            }
        }
        Category::ALL[best]
    }

    /// The model's probability of each category, in the order of
    /// [`Category::ALL`].
    pub fn probabilities(&self, doc: &Document) -> [f64; 8] {
        let scores = self.scores(doc);
        let max = scores.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        if max == f64::NEG_INFINITY {
            return [1.0 / 8.0; 8];
        }
        let mut p = scores.map(|s| (s - max).exp());
        let sum: f64 = p.iter().sum();
        for x in &mut p {
            *x /= sum;
        }
        p
    }

    /// ln P(category) + Σ count × ln P(term | category), per category: the
    /// library's own joint log-likelihood, summed in the same order (by term
    /// number) over the document's terms alone.
    fn scores(&self, doc: &Document) -> [f64; 8] {
        let mut columns: Vec<(u32, u32)> = Vec::with_capacity(64);
        features::for_each_term(doc, |term, weight| {
            if let Some(&i) = self.vocabulary.get(term) {
                columns.push((i, weight));
            }
        });
        columns.sort_unstable_by_key(|&(i, _)| i);
        let mut sums = [0.0; 8];
        let mut k = 0;
        while k < columns.len() {
            let (term, mut count) = columns[k];
            k += 1;
            while k < columns.len() && columns[k].0 == term {
                count += columns[k].1;
                k += 1;
            }
            let start = term as usize * 8;
            for (sum, l) in sums.iter_mut().zip(&self.log_likelihoods[start..start + 8]) {
                *sum += f64::from(count) * l;
            }
        }
        let mut scores = self.log_priors;
        for (s, sum) in scores.iter_mut().zip(sums) {
            *s += sum;
        }
        scores
    }

    /// How many terms the model counts.
    pub fn vocabulary_size(&self) -> usize {
        self.vocabulary.len()
    }
}

/// Trains on `set` and `extra`: the classifier and the library's model it
/// was read from.
fn fit(set: &[(Document, Category)], extra: &[(Document, Category)]) -> (Classifier, Model) {
    let rows = || set.iter().chain(extra);
    let vocabulary = vocabulary(rows().map(|(d, _)| d));
    let width = vocabulary.len();

    // One summed row per category, and how many documents it has.
    let mut totals = vec![0u32; 8 * width];
    let mut documents = [0u64; 8];
    for (doc, category) in rows() {
        let c = code(*category);
        documents[c] += 1;
        let row = &mut totals[c * width..(c + 1) * width];
        features::for_each_term(doc, |term, weight| {
            if let Some(&i) = vocabulary.get(term) {
                row[i as usize] += weight;
            }
        });
    }
    let present: Vec<usize> = (0..8).filter(|&c| documents[c] > 0).collect();
    let all: u64 = documents.iter().sum();
    let mut values = Vec::with_capacity(present.len() * width);
    for &c in &present {
        values.extend_from_slice(&totals[c * width..(c + 1) * width]);
    }
    let labels: Vec<u32> = present.iter().map(|&c| c as u32).collect();
    let priors: Vec<f64> = present
        .iter()
        .map(|&c| documents[c] as f64 / all as f64)
        .collect();
    let x = DenseMatrix::new(present.len(), width, values, false)
        .expect("the matrix has rows × width values");
    let model = Model::fit(
        &x,
        &labels,
        MultinomialNBParameters::default()
            .with_alpha(ALPHA)
            .with_priors(priors.clone()),
    )
    .expect("the committed training set has documents in every category");

    let mut log_likelihoods = vec![0.0; width * 8];
    let mut log_priors = [f64::NEG_INFINITY; 8];
    for ((label, per_term), prior) in model
        .classes()
        .iter()
        .zip(model.feature_log_prob())
        .zip(&priors)
    {
        let c = *label as usize;
        log_priors[c] = prior.ln();
        for (term, l) in per_term.iter().enumerate() {
            log_likelihoods[term * 8 + c] = *l;
        }
    }
    let classifier = Classifier {
        vocabulary,
        log_likelihoods,
        log_priors,
    };
    (classifier, model)
}

fn code(category: Category) -> usize {
    usize::try_from(category.code()).unwrap_or(0)
}

/// The terms in at least [`MIN_DOCUMENT_FREQUENCY`] documents, the most
/// frequent [`MAX_VOCABULARY`] of them, numbered in a stable order.
fn vocabulary<'a>(docs: impl Iterator<Item = &'a Document>) -> FxHashMap<Box<str>, u32> {
    let mut frequency: FxHashMap<Box<str>, u32> = FxHashMap::default();
    let mut seen: FxHashSet<String> = FxHashSet::default();
    for doc in docs {
        seen.clear();
        features::for_each_term(doc, |term, _| {
            if !seen.contains(term) {
                seen.insert(term.to_owned());
            }
        });
        for term in seen.drain() {
            *frequency.entry(term.into_boxed_str()).or_default() += 1;
        }
    }
    let mut terms: Vec<(Box<str>, u32)> = frequency
        .into_iter()
        .filter(|(_, n)| *n >= MIN_DOCUMENT_FREQUENCY)
        .collect();
    terms.sort_unstable_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    terms.truncate(MAX_VOCABULARY);
    terms
        .into_iter()
        .zip(0u32..)
        .map(|((t, _), i)| (t, i))
        .collect()
}

/// The committed training rows.
pub fn training_set() -> Vec<(Document, Category)> {
    parse(TRAINING_TSV).expect("data/training.tsv is a valid labelled set (checked by a test)")
}

/// The committed evaluation rows, kept apart from training.
pub fn eval_set() -> Vec<(Document, Category)> {
    parse(EVALUATION_TSV).expect("data/evaluation.tsv is a valid labelled set (checked by a test)")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The sparse scores choose what the library's own `predict` chooses on
    /// the document's full row.
    #[test]
    fn classify_agrees_with_the_library_prediction() {
        let (classifier, model) = fit(&training_set(), &[]);
        let set = eval_set();
        let width = classifier.vocabulary_size();
        let mut values = vec![0u32; set.len() * width];
        for (row, (doc, _)) in values.chunks_mut(width).zip(&set) {
            features::for_each_term(doc, |term, weight| {
                if let Some(&i) = classifier.vocabulary.get(term) {
                    row[i as usize] += weight;
                }
            });
        }
        let x = DenseMatrix::new(set.len(), width, values, false).expect("shape");
        let predicted = model.predict(&x).expect("a fitted model predicts");
        for ((doc, _), label) in set.iter().zip(predicted) {
            assert_eq!(
                classifier.classify(doc).code(),
                label as i16,
                "{}",
                doc.title
            );
        }
    }

    #[test]
    fn categories_without_documents_are_never_chosen() {
        let only_it = vec![(
            Document {
                title: "Rust".into(),
                ..Document::default()
            },
            Category::It,
        )];
        let classifier = Classifier::train(&only_it, &only_it);
        assert_eq!(classifier.classify(&Document::default()), Category::It);
        let p = classifier.probabilities(&Document::default());
        assert_eq!(p[code(Category::It)], 1.0);
    }
}
