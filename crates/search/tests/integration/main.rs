//! The search crate against real on-disk indexes in temporary directories.

mod bookmarks;
mod ranking;
mod recall;
mod support;
mod writer;
