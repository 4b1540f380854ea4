//! Fetches a web page without becoming a way into the private network, and
//! extracts its title, summary, thumbnail and favicon.
//!
//! ```no_run
//! # async fn demo() -> Result<(), bukuma_fetch::FetchError> {
//! use bukuma_fetch::{FetchConfig, Fetcher};
//! let fetcher = Fetcher::new(FetchConfig::default())?;
//! let meta = fetcher.fetch("https://example.com/").await?;
//! println!("{:?} {:?}", meta.title, meta.summary);
//! # Ok(()) }
//! ```
//!
//! The SSRF rules (see [`Fetcher::fetch`]): only http and https; every host
//! is resolved by this crate and refused if any of its addresses is not
//! public (unless allowed by [`FetchConfig::allow_private`]), and the
//! connection goes only to the vetted addresses; redirects are followed by
//! hand and checked again at every hop; body size, redirect count and total
//! time are bounded.

mod config;
mod error;
mod extract;
mod fetcher;
mod guard;

pub use config::{parse_allow_list, FetchConfig, DEFAULT_USER_AGENT};
pub use error::FetchError;
pub use extract::{extract, PageMetadata, MAX_SUMMARY_CHARS, MAX_TITLE_CHARS, MAX_URL_BYTES};
pub use fetcher::Fetcher;
pub use guard::is_public_address;
pub use ipnet::IpNet;
pub use url::Url;
