//! How well a model does on a labelled set: accuracy and the confusion table.

use std::fmt;

use bukuma_domain::Category;

use crate::{Classifier, Document};

/// Below this accuracy on the evaluation set the model is not good enough
/// to ship (the eval command and the crate's test fail).
pub const MIN_ACCURACY: f64 = 0.75;

/// Counts of (true, predicted) categories over a labelled set.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Evaluation {
    /// `confusion[t][p]`: documents of category `t` (by [`Category::code`])
    /// that the model put in `p`.
    pub confusion: [[u32; 8]; 8],
}

/// Classifies every document of `set` and compares with its label.
pub fn evaluate(classifier: &Classifier, set: &[(Document, Category)]) -> Evaluation {
    let mut evaluation = Evaluation::default();
    for (doc, truth) in set {
        let predicted = classifier.classify(doc);
        evaluation.confusion[index(*truth)][index(predicted)] += 1;
    }
    evaluation
}

fn index(category: Category) -> usize {
    usize::try_from(category.code()).unwrap_or(0)
}

impl Evaluation {
    pub fn total(&self) -> u32 {
        self.confusion.iter().flatten().sum()
    }

    pub fn correct(&self) -> u32 {
        (0..8).map(|i| self.confusion[i][i]).sum()
    }

    /// The share of documents put in their own category (0 for an empty set).
    pub fn accuracy(&self) -> f64 {
        match self.total() {
            0 => 0.0,
            total => f64::from(self.correct()) / f64::from(total),
        }
    }

    /// The share of `category`'s documents the model found, if it has any.
    pub fn recall(&self, category: Category) -> Option<f64> {
        let row = &self.confusion[index(category)];
        let total: u32 = row.iter().sum();
        (total > 0).then(|| f64::from(row[index(category)]) / f64::from(total))
    }
}

/// Column headings short enough for an 80-column table.
fn short(category: Category) -> &'static str {
    match category {
        Category::Social => "soc",
        Category::Economics => "eco",
        Category::Life => "life",
        Category::Knowledge => "know",
        Category::It => "it",
        Category::Fun => "fun",
        Category::Entertainment => "ent",
        Category::Game => "game",
    }
}

/// Rows are true categories, columns predicted ones, then each row's recall
/// and a last line with the accuracy.
impl fmt::Display for Evaluation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:<14}", "true\\predicted")?;
        for c in Category::ALL {
            write!(f, "{:>6}", short(c))?;
        }
        writeln!(f, "{:>8}", "recall")?;
        for t in Category::ALL {
            write!(f, "{:<14}", t.slug())?;
            for n in self.confusion[index(t)] {
                write!(f, "{n:>6}")?;
            }
            match self.recall(t) {
                Some(r) => writeln!(f, "{:>7.1}%", r * 100.0)?,
                None => writeln!(f, "{:>8}", "-")?,
            }
        }
        write!(
            f,
            "accuracy {:.1}% ({}/{})",
            self.accuracy() * 100.0,
            self.correct(),
            self.total()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accuracy_and_recall_come_from_the_table() {
        let mut e = Evaluation::default();
        e.confusion[index(Category::It)][index(Category::It)] = 3;
        e.confusion[index(Category::It)][index(Category::Game)] = 1;
        assert_eq!(e.total(), 4);
        assert_eq!(e.correct(), 3);
        assert_eq!(e.accuracy(), 0.75);
        assert_eq!(e.recall(Category::It), Some(0.75));
        assert_eq!(e.recall(Category::Fun), None);
        let table = e.to_string();
        assert!(table
            .contains("it                 0     0     0     0     3     0     0     1   75.0%"));
        assert!(table.ends_with("accuracy 75.0% (3/4)"));
    }

    #[test]
    fn an_empty_set_has_no_accuracy() {
        assert_eq!(Evaluation::default().accuracy(), 0.0);
    }
}
