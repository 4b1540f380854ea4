//! `bukuma import` and `bukuma export`: one user's bookmarks from and to a file.

use bukuma_api::import_export::{self, ExportFormat};
use bukuma_api::Config;

use super::{find_user, open_db, AnyError};

pub fn import(user: String, public: bool, file: std::path::PathBuf) -> Result<(), AnyError> {
    let config = Config::from_env()?;
    let db = open_db(&config)?;
    let user_id = find_user(&db, &user)?;
    let text = std::fs::read_to_string(&file).map_err(|e| format!("{}: {e}", file.display()))?;
    let bar = indicatif::ProgressBar::new(import_export::estimate_count(&text) as u64);
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "{bar:40} {pos}/{len} bookmarks ({per_sec}, {eta} left)",
        )
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    let opts = bukuma_portability::ImportOptions {
        private_by_default: !public,
    };
    let report =
        import_export::import(&db, user_id, &text, opts, config.new_entry_threshold, |n| {
            if n as u64 > bar.length().unwrap_or(0) {
                bar.set_length(n as u64);
            }
            bar.set_position(n as u64);
        })?;
    bar.finish_and_clear();
    for e in &report.errors {
        eprintln!("line {}: {}", e.line, e.reason);
    }
    if report.errors_omitted > 0 {
        eprintln!("… and {} more errors", report.errors_omitted);
    }
    eprintln!(
        "{} file: {} imported, {} updated, {} unchanged, {} not imported",
        report.format,
        report.imported,
        report.updated,
        report.skipped,
        report.errors.len() as u64 + report.errors_omitted
    );
    Ok(())
}

pub fn export(user: String, format: ExportFormat) -> Result<(), AnyError> {
    let config = Config::from_env()?;
    let db = open_db(&config)?;
    let user_id = find_user(&db, &user)?;
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let n = import_export::export(&db, user_id, format, &mut out)?;
    eprintln!("exported {n} bookmarks");
    Ok(())
}
