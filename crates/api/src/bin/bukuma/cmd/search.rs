//! `bukuma search reindex|verify`: rebuild the search index beside running
//! servers, or compare a sample of it with the database.

use std::time::Instant;

use bukuma_api::indexer::{self, Progress, Search};
use bukuma_api::Config;
use indicatif::{ProgressBar, ProgressStyle};

use super::{open_db, AnyError};

/// A progress bar per phase on standard error.
pub struct Bar(pub ProgressBar);

impl Bar {
    pub fn new() -> Result<Self, AnyError> {
        let bar = ProgressBar::new(0).with_style(
            ProgressStyle::with_template(
                "{msg:>22} [{bar:40}] {pos}/{len} ({per_sec}, {elapsed})",
            )?
            .progress_chars("=> "),
        );
        Ok(Bar(bar))
    }
}

impl Progress for Bar {
    fn phase(&self, name: &str, total: Option<u64>) {
        self.0.reset();
        self.0.set_message(name.to_owned());
        self.0.set_length(total.unwrap_or(0));
    }

    fn advance(&self, n: u64) {
        if self
            .0
            .length()
            .is_some_and(|len| self.0.position() + n > len)
        {
            self.0.set_length(self.0.position() + n);
        }
        self.0.inc(n);
    }
}

pub fn reindex() -> Result<(), AnyError> {
    let config = Config::from_env()?;
    let db = open_db(&config)?;
    let bar = Bar::new()?;
    let started = Instant::now();
    let (dir, entries, bookmarks) = indexer::rebuild(&db, &config.search_dir, &bar)?;
    bar.0.finish_and_clear();
    let size = dir_size(&dir);
    eprintln!(
        "search index rebuilt in {:.1} s: {entries} entries, {bookmarks} bookmarks, {:.1} MB in {}",
        started.elapsed().as_secs_f64(),
        size as f64 / 1e6,
        dir.display()
    );
    Ok(())
}

pub fn verify(sample: usize) -> Result<(), AnyError> {
    let config = Config::from_env()?;
    let db = open_db(&config)?;
    let search = Search::open(&config.search_dir)?;
    let bar = Bar::new()?;
    let report = indexer::verify(&db, &search, sample, &bar)?;
    bar.0.finish_and_clear();
    for m in &report.mismatches {
        println!("{m}");
    }
    eprintln!(
        "checked {} entry ids and {} bookmark ids: {} differ",
        report.entries,
        report.bookmarks,
        report.mismatches.len()
    );
    if report.mismatches.is_empty() {
        Ok(())
    } else {
        Err("the index differs from the database; run `bukuma search reindex`".into())
    }
}

fn dir_size(dir: &std::path::Path) -> u64 {
    let Ok(read) = std::fs::read_dir(dir) else {
        return 0;
    };
    read.flatten()
        .map(|e| match e.metadata() {
            Ok(m) if m.is_dir() => dir_size(&e.path()),
            Ok(m) => m.len(),
            Err(_) => 0,
        })
        .sum()
}
