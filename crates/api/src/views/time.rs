//! Timestamps as the API shows them.

use chrono::{DateTime, Utc};

/// Microseconds since the epoch, as stored, as a UTC timestamp.
pub fn ts(micros: i64) -> DateTime<Utc> {
    DateTime::from_timestamp_micros(micros).unwrap_or_default()
}
