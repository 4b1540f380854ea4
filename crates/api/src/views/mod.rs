//! Request and response bodies of the JSON API, grouped by resource.

mod bookmarks;
mod categories;
mod comments;
mod entries;
mod follows;
mod hatena;
mod import_export;
mod moderation;
mod mutes;
mod notifications;
mod page;
mod related;
mod search;
mod time;
mod users;

pub use bookmarks::*;
pub use categories::*;
pub use comments::*;
pub use entries::*;
pub use follows::*;
pub use hatena::*;
pub use import_export::*;
pub use moderation::*;
pub use mutes::*;
pub use notifications::*;
pub use page::*;
pub use related::*;
pub use search::*;
pub use time::ts;
pub use users::*;
