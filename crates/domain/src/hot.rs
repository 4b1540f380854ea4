//! Hot score: a time-decayed count of public bookmarks.
//!
//! Each public bookmark weighs `exp(-age / TAU)`; an entry's score is the sum.
//! The database stores it as [`stored_score`], which does not change as time
//! passes: every score decays by the same factor, so ordering by the stored
//! form is ordering by the decayed one, and only a bookmark's arrival or
//! departure rewrites an entry.

use chrono::{DateTime, Utc};

/// Decay time constant: 9 hours.
pub const TAU_SECONDS: f64 = 9.0 * 3600.0;

/// Bookmarks older than this weigh less than 1e-8 and are ignored.
pub const HORIZON_SECONDS: i64 = 7 * 24 * 3600;

/// Weight of one bookmark made `age_seconds` ago (future times weigh 1).
pub fn bookmark_weight(age_seconds: f64) -> f64 {
    // `f64::max` also maps a NaN age to 0 (weight 1) rather than poisoning a sum.
    (-age_seconds.max(0.0) / TAU_SECONDS).exp()
}

/// Sum of weights of bookmarks made at `times`, seen at `now`.
pub fn hot_score<I>(now: DateTime<Utc>, times: I) -> f64
where
    I: IntoIterator<Item = DateTime<Utc>>,
{
    const HORIZON_MILLIS: i64 = HORIZON_SECONDS * 1000;
    times
        .into_iter()
        .filter_map(|time| {
            let age_millis = now.signed_duration_since(time).num_milliseconds();
            (age_millis <= HORIZON_MILLIS).then(|| bookmark_weight(age_millis as f64 / 1000.0))
        })
        .sum()
}

/// Added to the stored form so that it stays positive (0 means "not hot")
/// for any bookmark time after 1970, however light its weight.
const STORED_OFFSET: f64 = 64.0;

/// The stored form of a score `decayed` as seen at `now_micros`:
/// `ln Σ exp(t/TAU)` over the bookmark times `t` (seconds since the Unix
/// epoch), plus [`STORED_OFFSET`]; 0 for no score. It is the same whenever
/// it is computed.
pub fn stored_score(decayed: f64, now_micros: i64) -> f64 {
    if decayed > 0.0 && decayed.is_finite() {
        decayed.ln() + now_micros as f64 / 1e6 / TAU_SECONDS + STORED_OFFSET
    } else {
        0.0
    }
}

/// The score a stored one (see [`stored_score`]) stands for at `now_micros`.
pub fn decayed_score(stored: f64, now_micros: i64) -> f64 {
    if stored > 0.0 {
        (stored - STORED_OFFSET - now_micros as f64 / 1e6 / TAU_SECONDS).exp()
    } else {
        0.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{TimeDelta, TimeZone};

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2024, 6, 1, 12, 0, 0)
            .single()
            .expect("valid timestamp")
    }

    fn ago(seconds: i64) -> DateTime<Utc> {
        now() - TimeDelta::try_seconds(seconds).expect("in range")
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-12
    }

    #[test]
    fn tau_is_between_six_and_twelve_hours() {
        assert!((6.0 * 3600.0..=12.0 * 3600.0).contains(&TAU_SECONDS));
    }

    #[test]
    fn a_bookmark_made_now_weighs_one() {
        assert_eq!(bookmark_weight(0.0), 1.0);
    }

    #[test]
    fn future_bookmarks_weigh_one() {
        assert_eq!(bookmark_weight(-1.0), 1.0);
        assert_eq!(bookmark_weight(-1e9), 1.0);
        assert_eq!(bookmark_weight(f64::NEG_INFINITY), 1.0);
    }

    #[test]
    fn weight_after_one_tau_is_one_over_e() {
        assert!(close(bookmark_weight(TAU_SECONDS), (-1.0f64).exp()));
        assert!(close(bookmark_weight(2.0 * TAU_SECONDS), (-2.0f64).exp()));
    }

    #[test]
    fn weight_decays_monotonically_with_age() {
        let ages = [
            0.0,
            1.0,
            60.0,
            3600.0,
            TAU_SECONDS,
            86_400.0,
            3.0 * 86_400.0,
        ];
        for pair in ages.windows(2) {
            let (younger, older) = (pair[0], pair[1]);
            assert!(
                bookmark_weight(younger) > bookmark_weight(older),
                "{younger} vs {older}"
            );
        }
        let mut previous = bookmark_weight(0.0);
        for hour in 1..=(HORIZON_SECONDS / 3600) {
            let weight = bookmark_weight((hour * 3600) as f64);
            assert!(weight < previous && weight > 0.0, "hour {hour}");
            previous = weight;
        }
    }

    #[test]
    fn weight_never_exceeds_one_or_goes_negative() {
        for age in [0.0, 1e-9, 1.0, 1e6, 1e12, f64::INFINITY] {
            let weight = bookmark_weight(age);
            assert!((0.0..=1.0).contains(&weight), "{age}: {weight}");
        }
    }

    #[test]
    fn weight_at_horizon_is_negligible() {
        let weight = bookmark_weight(HORIZON_SECONDS as f64);
        assert!(weight < 1e-8, "{weight}");
        assert!(weight > 0.0);
    }

    #[test]
    fn score_of_no_bookmarks_is_zero() {
        assert_eq!(hot_score(now(), Vec::new()), 0.0);
    }

    #[test]
    fn score_is_the_sum_of_weights() {
        let times = [ago(0), ago(3600), ago(TAU_SECONDS as i64)];
        let expected = 1.0 + bookmark_weight(3600.0) + bookmark_weight(TAU_SECONDS);
        assert!(close(hot_score(now(), times), expected));
    }

    #[test]
    fn score_counts_each_bookmark_made_now_as_one() {
        assert!(close(hot_score(now(), vec![now(); 5]), 5.0));
    }

    #[test]
    fn score_uses_sub_second_precision() {
        let half_second_ago = now() - TimeDelta::milliseconds(500);
        assert!(close(
            hot_score(now(), [half_second_ago]),
            bookmark_weight(0.5)
        ));
    }

    #[test]
    fn score_counts_future_bookmarks_as_one() {
        let future = now() + TimeDelta::try_hours(1).expect("in range");
        assert!(close(hot_score(now(), [future]), 1.0));
    }

    #[test]
    fn score_ignores_bookmarks_older_than_the_horizon() {
        assert_eq!(hot_score(now(), [ago(HORIZON_SECONDS + 1)]), 0.0);
        let last_month = (0..10_000).map(|i| ago(30 * 86_400 + i));
        assert_eq!(hot_score(now(), last_month), 0.0);
        // Exactly at the horizon still counts (with a negligible weight).
        assert!(hot_score(now(), [ago(HORIZON_SECONDS)]) > 0.0);
    }

    #[test]
    fn recent_burst_outranks_many_old_bookmarks() {
        // 10 bookmarks in the last hour...
        let burst: Vec<_> = (0..10).map(|i| ago(i * 360)).collect();
        // ...against 200 bookmarks spread over two to six days ago.
        let old: Vec<_> = (0..200).map(|i| ago(2 * 86_400 + i * 1728)).collect();
        let burst_score = hot_score(now(), burst);
        let old_score = hot_score(now(), old);
        assert!(burst_score > old_score, "{burst_score} vs {old_score}");
    }

    #[test]
    fn the_same_bookmarks_cool_down_over_time() {
        let times: Vec<_> = (0..20).map(|i| ago(i * 60)).collect();
        let fresh = hot_score(now(), times.iter().copied());
        let later = now() + TimeDelta::try_hours(12).expect("in range");
        let cooled = hot_score(later, times.iter().copied());
        assert!(cooled < fresh);
        assert!(cooled > 0.0);
    }

    #[test]
    fn stored_scores_do_not_change_with_time() {
        let times: Vec<_> = (0..20).map(|i| ago(i * 600)).collect();
        let micros = |t: DateTime<Utc>| t.timestamp_micros();
        let stored = stored_score(hot_score(now(), times.iter().copied()), micros(now()));
        let later = now() + TimeDelta::try_hours(30).expect("in range");
        let again = stored_score(hot_score(later, times.iter().copied()), micros(later));
        assert!((stored - again).abs() < 1e-9, "{stored} vs {again}");
        // Within the stored form's rounding (about 1e-11 at its size).
        let decayed = decayed_score(stored, micros(later));
        let want = hot_score(later, times.iter().copied());
        assert!((decayed / want - 1.0).abs() < 1e-9, "{decayed} vs {want}");
    }

    #[test]
    fn stored_scores_order_as_the_decayed_ones() {
        let burst: Vec<_> = (0..10).map(|i| ago(i * 360)).collect();
        let old: Vec<_> = (0..200).map(|i| ago(2 * 86_400 + i * 1728)).collect();
        let at = now().timestamp_micros();
        let (b, o) = (hot_score(now(), burst), hot_score(now(), old));
        assert!(b > o);
        assert!(stored_score(b, at) > stored_score(o, at));
    }

    #[test]
    fn stored_scores_are_positive_and_zero_means_none() {
        assert_eq!(stored_score(0.0, 0), 0.0);
        assert_eq!(stored_score(f64::NAN, 0), 0.0);
        assert_eq!(decayed_score(0.0, 1_000_000), 0.0);
        // The lightest weight counted, a week after a bookmark in 1970.
        let lightest = bookmark_weight(HORIZON_SECONDS as f64);
        assert!(stored_score(lightest, HORIZON_SECONDS * 1_000_000) > 0.0);
    }
}
