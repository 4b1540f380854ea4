//! Mutes as their owner lists them.

use super::user::UserRef;

/// A muted user, word or site and when it was muted.
#[derive(Debug, Clone, PartialEq)]
pub struct Muted<T> {
    pub value: T,
    pub muted_at: i64,
}

/// Everything a user muted, most recent first in each list.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MuteList {
    pub users: Vec<Muted<UserRef>>,
    pub words: Vec<Muted<String>>,
    pub sites: Vec<Muted<String>>,
}

/// The state of a mute after a mute request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MuteOutcome {
    /// The mute exists (made now when `created`), since `muted_at`.
    Muted { muted_at: i64, created: bool },
    /// The user muted as many of this kind as anyone may.
    LimitReached,
}
