//! Hot score: a time-decayed count of public bookmarks.
//!
//! Each public bookmark weighs `exp(-age / TAU)`; an entry's score is the sum.

use chrono::{DateTime, Utc};

/// Decay time constant: 9 hours.
pub const TAU_SECONDS: f64 = 9.0 * 3600.0;

/// Bookmarks older than this weigh less than 1e-8 and are ignored.
pub const HORIZON_SECONDS: i64 = 7 * 24 * 3600;

/// Weight of one bookmark made `age_seconds` ago (future times weigh 1).
pub fn bookmark_weight(age_seconds: f64) -> f64 {
    let _ = age_seconds;
    todo!()
}

/// Sum of weights of bookmarks made at `times`, seen at `now`.
pub fn hot_score<I>(now: DateTime<Utc>, times: I) -> f64
where
    I: IntoIterator<Item = DateTime<Utc>>,
{
    let _ = (now, times);
    todo!()
}
