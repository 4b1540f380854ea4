//! `bukuma backup <file>` and `bukuma restore <file>` (see
//! `bukuma_api::backup`).

use std::path::Path;
use std::time::Instant;

use bukuma_api::Config;

use super::search::Bar;
use super::AnyError;

pub fn backup(file: &Path) -> Result<(), AnyError> {
    let config = Config::from_env()?;
    let started = Instant::now();
    bukuma_api::backup::backup(&config, file)?;
    let size = std::fs::metadata(file).map(|m| m.len()).unwrap_or(0);
    eprintln!(
        "backup written to {} ({:.1} MB in {:.1} s)",
        file.display(),
        size as f64 / 1e6,
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

pub fn restore(file: &Path, force: bool) -> Result<(), AnyError> {
    let config = Config::from_env()?;
    let bar = Bar::new()?;
    let restored = bukuma_api::backup::restore(&config, file, force, &bar)?;
    bar.0.finish_and_clear();
    eprintln!(
        "restored {} ({} migrations applied); search index rebuilt: {} entries, {} bookmarks",
        file.display(),
        restored.migrated,
        restored.entries,
        restored.bookmarks
    );
    Ok(())
}
