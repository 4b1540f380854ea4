//! Data changes that SQL alone cannot make (they need the domain's Unicode
//! rules): a migration lists them in `pending_fixups`, and [`run_pending`]
//! carries each out after the migrations and then deletes its row. Each
//! is idempotent, so one interrupted halfway is simply run again.

use bukuma_domain::bookmark::tag_key;
use bukuma_domain::BookmarkId;
use diesel::dsl::sql;
use diesel::prelude::*;
use diesel::sql_types::Bool;

use crate::connection::Backend;
use crate::error::DbError;
use crate::pool::Db;
use crate::queries::bookmarks;
use crate::schema::{bookmarks as bookmarks_t, pending_fixups};

/// Bookmarks re-keyed per transaction.
const BATCH: i64 = 500;

/// Runs every fixup still listed, in name order.
pub(crate) fn run_pending(db: &Db) -> Result<(), DbError> {
    let pending: Vec<String> = db.read(|c| {
        Ok(pending_fixups::table
            .select(pending_fixups::name)
            .order(pending_fixups::name)
            .load(c)?)
    })?;
    for name in pending {
        match name.as_str() {
            "tag_keys_casefold" => {
                let n = rekey_tags(db)?;
                tracing::info!(bookmarks = n, "tags re-keyed with NFKC and case folding");
            }
            other => return Err(DbError::Migration(format!("unknown data fixup {other:?}"))),
        }
        db.write(|c| {
            diesel::delete(pending_fixups::table.filter(pending_fixups::name.eq(&name)))
                .execute(c)?;
            Ok(())
        })?;
    }
    Ok(())
}

/// Re-keys the tags of every bookmark with a non-ASCII tag (only those can
/// have a key that changed: on ASCII both rules are plain lowercasing).
/// Returns how many bookmarks changed.
fn rekey_tags(db: &Db) -> Result<usize, DbError> {
    let non_ascii = match db.backend() {
        Backend::Sqlite => "length(tags) <> length(CAST(tags AS BLOB))",
        Backend::Postgres => "octet_length(tags) <> char_length(tags)",
    };
    let mut after = 0i64;
    let mut changed = 0;
    loop {
        let ids: Vec<BookmarkId> = db.read(|c| {
            Ok(bookmarks_t::table
                .select(bookmarks_t::id)
                .filter(bookmarks_t::id.gt(BookmarkId(after)))
                .filter(sql::<Bool>(non_ascii))
                .order(bookmarks_t::id)
                .limit(BATCH)
                .load(c)?)
        })?;
        let Some(last) = ids.last() else {
            return Ok(changed);
        };
        after = last.0;
        changed += db.write(|c| {
            let mut n = 0;
            for id in &ids {
                n += usize::from(bookmarks::rekey_tags(
                    c,
                    *id,
                    |t| t.to_lowercase(),
                    tag_key,
                    crate::now_micros(),
                )?);
            }
            Ok(n)
        })?;
    }
}
