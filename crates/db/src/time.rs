//! The clock of the stored timestamps.

/// Current time in microseconds since the Unix epoch, the unit of every `*_at` column.
pub fn now_micros() -> i64 {
    chrono::Utc::now().timestamp_micros()
}
