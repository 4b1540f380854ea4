//! Extractors: each request input checked once, before the handler runs,
//! so a handler body holds only its action.

mod admin;
mod json;
mod page;
mod query;
mod viewer;

pub use admin::Admin;
pub use json::{OptionalJson, ValidJson, MAX_JSON_BYTES};
pub use page::{next_cursor, Page, PageParams};
pub use query::Query;
pub(crate) use viewer::bearer;
pub use viewer::{Principal, SignedIn, Viewer, Writer};
