//! `bukuma categories`: classify entries at once, and check the built-in
//! model on the committed evaluation set.

use bukuma_api::categorizer::{self, Categorizer};
use bukuma_api::Config;
use bukuma_categories::{eval_set, evaluate, Classifier, MIN_ACCURACY};

use super::{open_db, AnyError};

/// Classifies every entry that is due, a batch at a time, after retraining
/// with the corrections made so far.
pub fn backfill() -> Result<(), AnyError> {
    let config = Config::from_env()?;
    let db = open_db(&config)?;
    let categorizer = Categorizer::builtin();
    let started = std::time::Instant::now();
    // Corrections made so far count for the backfill too.
    categorizer::retrain(&db, &categorizer)?;
    let mut total = 0;
    loop {
        let n = categorizer::categorize_due(&db, &categorizer, 100)?;
        total += n;
        if n == 0 {
            break;
        }
        eprintln!("{total} entries classified");
    }
    eprintln!(
        "{total} entries classified in {:.1}s",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

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
