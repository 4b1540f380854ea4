//! Follows (Hatena's お気に入り): one-way, no approval, and what they feed.
//!
//! - [`follow`] and [`unfollow`] keep `users.following_count` and
//!   `users.follower_count` equal to the rows in the same transaction.
//! - [`following`], [`followers`] and [`is_following`] read them (`lists`).
//! - [`feed`], [`my_hot`] and [`entry_bookmarks`] show the public bookmarks
//!   of the people someone follows (`feed`).

mod feed;
mod lists;
mod write;

pub use feed::{entry_bookmarks, feed, my_hot, MY_HOT_PER_FOLLOWEE, MY_HOT_SHOWN, MY_HOT_WINDOW};
pub use lists::{followee_ids, followers, following, is_following};
pub use write::{follow, unfollow, MAX_FOLLOWING};
