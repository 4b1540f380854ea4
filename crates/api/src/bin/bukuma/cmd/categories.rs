//! `bukuma categories backfill`: classifies every entry due at once.

use bukuma_api::categorizer::{self, Categorizer};
use bukuma_api::Config;

use super::{open_db, AnyError};

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
