//! Import and export of a user's bookmarks, shared by the `bukuma import` /
//! `bukuma export` commands and the `/api/v1/me/import|export` endpoints.
//! The formats themselves are in the `bukuma-portability` crate.

use bukuma_db::bookmarks::{self, BookmarkInput, IfExists, SaveOutcome, UserFilter, WriteOptions};
use bukuma_db::models::BookmarkView;
use bukuma_db::{Db, DbError};
use bukuma_domain::UserId;
use bukuma_portability::{netscape, pinboard, ExportItem, ImportItem, ImportOptions};

use crate::views::{ImportError, ImportReport};

/// Bookmarks stored per transaction.
pub const BATCH: usize = 500;
/// Errors listed in a report; the rest are only counted.
pub const MAX_LISTED_ERRORS: usize = 1000;
/// Bookmarks read per page while exporting.
pub const EXPORT_PAGE: usize = 500;

/// The users with an import running: each may run one at a time, so that
/// nobody holds more than one file and one batch in memory at once.
#[derive(Debug, Default, Clone)]
pub struct RunningImports(std::sync::Arc<std::sync::Mutex<std::collections::HashSet<UserId>>>);

impl RunningImports {
    /// A slot for `user_id`'s import, or `None` while another one runs.
    pub fn start(&self, user_id: UserId) -> Option<ImportSlot> {
        let mut running = self.0.lock().unwrap_or_else(|e| e.into_inner());
        running.insert(user_id).then(|| ImportSlot {
            running: self.clone(),
            user_id,
        })
    }
}

/// A running import; the user may start another once it is dropped.
#[derive(Debug)]
pub struct ImportSlot {
    running: RunningImports,
    user_id: UserId,
}

impl Drop for ImportSlot {
    fn drop(&mut self) {
        let mut running = self.running.0.lock().unwrap_or_else(|e| e.into_inner());
        running.remove(&self.user_id);
    }
}

/// A rough count of the bookmarks in a file (its `href`s), for progress bars.
pub fn estimate_count(input: &str) -> usize {
    input
        .as_bytes()
        .windows(4)
        .filter(|w| w.eq_ignore_ascii_case(b"href"))
        .count()
}

/// Imports `input` (any supported format) into `user_id`'s bookmarks in
/// transactions of [`BATCH`] bookmarks. `progress` is told how many
/// bookmarks of the file were handled so far. Bookmarks the file states
/// badly are listed in the report; a database failure stops the import
/// (the batches before it stay stored; importing again resumes, since
/// importing is idempotent).
pub fn import(
    db: &Db,
    user_id: UserId,
    input: &str,
    opts: ImportOptions,
    new_entry_threshold: i64,
    mut progress: impl FnMut(usize),
) -> Result<ImportReport, ImportFailure> {
    let reader = bukuma_portability::read(input, opts).map_err(ImportFailure::Format)?;
    let mut report = ImportReport {
        format: reader.format().name().to_owned(),
        imported: 0,
        updated: 0,
        skipped: 0,
        errors: Vec::new(),
        errors_omitted: 0,
    };
    let mut batch: Vec<ImportItem> = Vec::with_capacity(BATCH);
    let mut handled = 0;
    for result in reader {
        handled += 1;
        match result {
            Ok(item) => batch.push(item),
            Err(e) => report.error(e.line, e.reason),
        }
        if batch.len() >= BATCH {
            store(db, user_id, &batch, new_entry_threshold, &mut report)?;
            batch.clear();
            progress(handled);
        }
    }
    store(db, user_id, &batch, new_entry_threshold, &mut report)?;
    progress(handled);
    Ok(report)
}

fn store(
    db: &Db,
    user_id: UserId,
    batch: &[ImportItem],
    new_entry_threshold: i64,
    report: &mut ImportReport,
) -> Result<(), ImportFailure> {
    if batch.is_empty() {
        return Ok(());
    }
    let outcomes = db
        .write(|c| {
            let opts = WriteOptions {
                now: bukuma_db::now_micros(),
                new_entry_threshold,
            };
            batch
                .iter()
                .map(|item| {
                    let input = BookmarkInput {
                        title: Some(item.title.as_str()),
                        comment: Some(item.comment.as_str()),
                        note: Some(item.note.as_str()),
                        tags: Some(&item.tags),
                        is_private: Some(item.private),
                        read_later: Some(item.read_later),
                        created_at: item.created_at,
                    };
                    bookmarks::save(
                        c,
                        user_id,
                        &item.url,
                        &input,
                        opts,
                        IfExists::UpdateIfChanged,
                    )
                    .map(|(_, outcome)| outcome)
                })
                .collect::<Result<Vec<_>, DbError>>()
        })
        .map_err(ImportFailure::Db)?;
    for outcome in outcomes {
        match outcome {
            SaveOutcome::Created => report.imported += 1,
            SaveOutcome::Updated => report.updated += 1,
            SaveOutcome::Unchanged => report.skipped += 1,
        }
    }
    Ok(())
}

#[derive(Debug, thiserror::Error)]
pub enum ImportFailure {
    #[error("{0}")]
    Format(bukuma_portability::FormatError),
    #[error("{0}")]
    Db(DbError),
}

impl ImportReport {
    fn error(&mut self, line: usize, reason: String) {
        if self.errors.len() < MAX_LISTED_ERRORS {
            self.errors.push(ImportError { line, reason });
        } else {
            self.errors_omitted += 1;
        }
    }
}

/// The export formats.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize, utoipa::ToSchema, clap::ValueEnum,
)]
#[serde(rename_all = "lowercase")]
pub enum ExportFormat {
    /// Netscape bookmark file (HTML), what browsers import.
    Netscape,
    /// Pinboard's JSON export, with bukuma's `note` added.
    Json,
}

impl ExportFormat {
    pub fn content_type(self) -> &'static str {
        match self {
            ExportFormat::Netscape => "text/html; charset=utf-8",
            ExportFormat::Json => "application/json",
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            ExportFormat::Netscape => "html",
            ExportFormat::Json => "json",
        }
    }

    pub fn header(self) -> &'static str {
        match self {
            ExportFormat::Netscape => netscape::header(),
            ExportFormat::Json => pinboard::header(),
        }
    }

    pub fn footer(self) -> &'static str {
        match self {
            ExportFormat::Netscape => netscape::footer(),
            ExportFormat::Json => pinboard::footer(),
        }
    }

    /// Renders a page of bookmarks; `first` says whether nothing was written yet.
    pub fn render(self, page: &[BookmarkView], first: bool) -> String {
        let mut out = String::with_capacity(page.len() * 256);
        for (i, view) in page.iter().enumerate() {
            let tags = view.bookmark.tag_list();
            let item = ExportItem {
                url: &view.entry.url,
                title: &view.entry.title,
                comment: &view.bookmark.comment,
                note: &view.bookmark.note,
                tags: &tags,
                private: view.bookmark.is_private,
                read_later: view.bookmark.read_later,
                created_at: view.bookmark.created_at,
            };
            match self {
                ExportFormat::Netscape => netscape::write_item(&item, &mut out),
                ExportFormat::Json => pinboard::write_item(&item, first && i == 0, &mut out),
            }
        }
        out
    }
}

/// Where a page of a user's bookmarks ends: (created_at, id).
pub type Keyset = (i64, i64);

/// One page of `user_id`'s bookmarks (private ones included), newest first,
/// after the keyset `after`.
pub fn export_page(
    db: &Db,
    user_id: UserId,
    after: Option<Keyset>,
) -> Result<(Vec<BookmarkView>, Option<Keyset>), DbError> {
    let page = db.read(|c| {
        bookmarks::list_for_user(c, user_id, true, &UserFilter::default(), after, EXPORT_PAGE)
    })?;
    let next = page.next.and_then(|k| Some((*k.first()?, *k.get(1)?)));
    Ok((page.items, next))
}

/// Writes all of `user_id`'s bookmarks to `out`, page by page.
pub fn export(
    db: &Db,
    user_id: UserId,
    format: ExportFormat,
    out: &mut impl std::io::Write,
) -> Result<usize, Box<dyn std::error::Error + Send + Sync>> {
    out.write_all(format.header().as_bytes())?;
    let mut after = None;
    let mut count = 0;
    loop {
        let (items, next) = export_page(db, user_id, after)?;
        out.write_all(format.render(&items, count == 0).as_bytes())?;
        count += items.len();
        match next {
            Some(n) => after = Some(n),
            None => break,
        }
    }
    out.write_all(format.footer().as_bytes())?;
    out.flush()?;
    Ok(count)
}
