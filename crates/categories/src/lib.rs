//! Chooses an entry's category from what is known of it.

use bukuma_domain::Category;

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
pub struct Classifier {}

impl Classifier {
    /// The model trained from the labelled set committed to the repository.
    pub fn builtin() -> &'static Classifier {
        todo!("interface only")
    }

    /// A model trained from the committed set plus `extra` labelled
    /// documents (users' and admins' corrections).
    pub fn train_with(extra: &[(Document, Category)]) -> Classifier {
        let _ = extra;
        todo!("interface only")
    }

    pub fn classify(&self, doc: &Document) -> Category {
        let _ = doc;
        todo!("interface only")
    }
}
