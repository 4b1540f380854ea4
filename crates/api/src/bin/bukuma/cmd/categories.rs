//! `bukuma categories eval`: how the built-in category model does on the
//! committed evaluation set.

use bukuma_categories::{eval_set, evaluate, Classifier, MIN_ACCURACY};

use super::AnyError;

/// Prints the confusion table and accuracy; fails below [`MIN_ACCURACY`].
pub fn eval() -> Result<(), AnyError> {
    let set = eval_set();
    let model = Classifier::builtin();
    let evaluation = evaluate(model, &set);
    println!("{evaluation}");
    eprintln!(
        "{} evaluation documents, {} terms in the model",
        set.len(),
        model.vocabulary_size()
    );
    if evaluation.accuracy() < MIN_ACCURACY {
        return Err(format!(
            "accuracy {:.1}% is below {:.0}%",
            evaluation.accuracy() * 100.0,
            MIN_ACCURACY * 100.0
        )
        .into());
    }
    Ok(())
}
