//! Reports and moderation: what can be reported, why, what an admin may do
//! about it, and the limits on reporting.

/// Longest note a reporter may add, in characters.
pub const MAX_REPORT_NOTE: usize = 1000;
/// Longest note an admin may add to an action, in characters.
pub const MAX_MODERATION_NOTE: usize = 1000;
/// Reports one user may file per [`REPORT_WINDOW_SECS`].
pub const MAX_REPORTS_PER_WINDOW: i64 = 20;
/// The window of the report limit.
pub const REPORT_WINDOW_SECS: i64 = 3600;

macro_rules! string_enum {
    ($(#[$m:meta])* $name:ident { $($(#[$vm:meta])* $variant:ident = $s:literal),* $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name {
            $($(#[$vm])* $variant),*
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),*];

            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $s),*
                }
            }

            /// Parses the stored form; unknown values are `None`.
            pub fn from_db(s: &str) -> Option<Self> {
                match s {
                    $($s => Some($name::$variant),)*
                    _ => None,
                }
            }
        }
    };
}

string_enum!(
    /// What a report is about.
    TargetKind {
        /// A comment, named by its bookmark's id.
        Comment = "comment",
        Entry = "entry",
        User = "user",
    }
);

string_enum!(
    /// Why something was reported.
    ReportReason {
        Spam = "spam",
        Harassment = "harassment",
        Illegal = "illegal",
        Other = "other",
    }
);

string_enum!(
    /// What an admin did. The first four resolve a case; the others undo
    /// an earlier action.
    ModerationAction {
        Dismiss = "dismiss",
        HideComment = "hide_comment",
        HideEntry = "hide_entry",
        SuspendUser = "suspend_user",
        UnsuspendUser = "unsuspend_user",
        UnhideComment = "unhide_comment",
    }
);

impl ModerationAction {
    /// Whether the action can resolve a report of a target of `kind`: a
    /// comment's author can be suspended, a comment hidden, an entry
    /// hidden, a user suspended; anything can be dismissed.
    pub fn applies_to(self, kind: TargetKind) -> bool {
        use ModerationAction::*;
        match self {
            Dismiss => true,
            HideComment => kind == TargetKind::Comment,
            HideEntry => matches!(kind, TargetKind::Entry | TargetKind::Comment),
            SuspendUser => matches!(kind, TargetKind::User | TargetKind::Comment),
            UnsuspendUser | UnhideComment => false,
        }
    }
}

/// A note of at most `max` characters (Unicode scalar values).
pub fn check_note(note: &str, max: usize) -> Result<(), String> {
    if note.chars().count() > max {
        Err(format!("at most {max} characters"))
    } else {
        Ok(())
    }
}

/// Seconds until a reporter at the limit may report again, given the time
/// of the oldest report in the window (microseconds).
pub fn retry_after_secs(oldest_in_window: i64, now: i64) -> i64 {
    let free_at = oldest_in_window + REPORT_WINDOW_SECS * 1_000_000;
    ((free_at - now).max(0) + 999_999) / 1_000_000
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_forms_round_trip() {
        for k in TargetKind::ALL {
            assert_eq!(TargetKind::from_db(k.as_str()), Some(*k));
        }
        for r in ReportReason::ALL {
            assert_eq!(ReportReason::from_db(r.as_str()), Some(*r));
        }
        for a in ModerationAction::ALL {
            assert_eq!(ModerationAction::from_db(a.as_str()), Some(*a));
        }
        assert_eq!(ReportReason::from_db("rude"), None);
    }

    #[test]
    fn actions_fit_their_targets() {
        assert!(ModerationAction::HideComment.applies_to(TargetKind::Comment));
        assert!(!ModerationAction::HideComment.applies_to(TargetKind::User));
        assert!(!ModerationAction::HideEntry.applies_to(TargetKind::User));
        assert!(ModerationAction::SuspendUser.applies_to(TargetKind::Comment));
        assert!(ModerationAction::Dismiss.applies_to(TargetKind::Entry));
        assert!(!ModerationAction::UnhideComment.applies_to(TargetKind::Comment));
    }

    #[test]
    fn notes_are_counted_in_characters_and_retry_rounds_up() {
        assert!(check_note(&"あ".repeat(1000), 1000).is_ok());
        assert!(check_note(&"あ".repeat(1001), 1000).is_err());
        assert_eq!(retry_after_secs(0, 3_599_000_001), 1);
        assert_eq!(retry_after_secs(0, 0), 3600);
        assert_eq!(retry_after_secs(0, 4_000_000_000), 0);
    }
}
