//! Writing the generated rows: multi-row `INSERT`s per table, kept
//! prepared, in large transactions.

use std::marker::PhantomData;

use bukuma_db::stmt::{values_sql, Arg, ArgBackend, Stmt};
use bukuma_db::{per_backend, DbConnection};
use diesel::prelude::*;
use diesel::query_builder::{AstPass, QueryFragment, QueryId};

use crate::generate::{Batch, GenBookmark, Totals, ROWS_PER_STATEMENT};
use crate::words::Vocabulary;
use crate::{SeedConfig, SeedError};

/// Rows written per transaction.
const ROWS_PER_TX: usize = 200_000;

/// A multi-row `INSERT` of [`ROWS_PER_STATEMENT`] rows into one table,
/// kept prepared by diesel under the type `M`, which names the table: a
/// statement with a static id is looked up by that id, so its text (some
/// 10 KB of placeholders) is neither rebuilt nor hashed on each execution,
/// as a [`Stmt`]'s is. Every `M` must stand for one table and column list.
struct FullInsert<'a, M> {
    /// `INSERT INTO table (columns)`
    head: &'a str,
    columns: usize,
    args: &'a [Arg<'a>],
    table: PhantomData<M>,
}

impl<M: 'static> QueryId for FullInsert<'_, M> {
    type QueryId = M;
    const HAS_STATIC_QUERY_ID: bool = true;
}

impl<DB: ArgBackend, M> QueryFragment<DB> for FullInsert<'_, M> {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        out.push_sql(self.head);
        for (i, row) in self.args.chunks(self.columns).enumerate() {
            out.push_sql(if i == 0 { " VALUES (" } else { "), (" });
            for (j, arg) in row.iter().enumerate() {
                if j > 0 {
                    out.push_sql(", ");
                }
                DB::push_arg(&mut out, arg)?;
            }
        }
        out.push_sql(")");
        Ok(())
    }
}

impl<Conn, M> RunQueryDsl<Conn> for FullInsert<'_, M> {}

/// Writes `rows` into `table` in transactions of about [`ROWS_PER_TX`] rows,
/// through multi-row statements of [`ROWS_PER_STATEMENT`] rows, prepared
/// once under the marker type `M` (one per table) and then only bound and
/// stepped. `fill` pushes one row's values, in the order of `columns`;
/// `report` hears the rows of each committed transaction.
fn write_rows<'a, M: 'static, T>(
    conn: &mut DbConnection,
    table: &str,
    columns: &[&str],
    rows: &'a [T],
    report: &mut dyn FnMut(u64),
    mut fill: impl FnMut(usize, &'a T, &mut Vec<Arg<'a>>),
) -> Result<(), SeedError> {
    let head = format!("INSERT INTO {table} ({})", columns.join(", "));
    let mut args: Vec<Arg<'a>> = Vec::with_capacity(ROWS_PER_STATEMENT * columns.len());
    for (t, tx_rows) in rows.chunks(ROWS_PER_TX).enumerate() {
        conn.transaction(|c| {
            for (k, chunk) in tx_rows.chunks(ROWS_PER_STATEMENT).enumerate() {
                args.clear();
                let offset = t * ROWS_PER_TX + k * ROWS_PER_STATEMENT;
                for (i, row) in chunk.iter().enumerate() {
                    fill(offset + i, row, &mut args);
                }
                if chunk.len() == ROWS_PER_STATEMENT {
                    let insert = FullInsert::<M> {
                        head: &head,
                        columns: columns.len(),
                        args: &args,
                        table: PhantomData,
                    };
                    per_backend!(&mut *c, |c| RunQueryDsl::execute(insert, c))?;
                } else {
                    let rest = format!("{head} VALUES {}", values_sql(columns.len(), chunk.len()));
                    Stmt::new(&rest, &args).execute(c)?;
                }
            }
            Ok::<_, SeedError>(())
        })?;
        report(tx_rows.len() as u64);
    }
    Ok(())
}

fn tag_string(vocab: &Vocabulary, b: &GenBookmark) -> String {
    let mut s = String::new();
    for (i, &t) in b.tag_ids().iter().enumerate() {
        if i > 0 {
            s.push(' ');
        }
        s.push_str(vocab.tag(t));
    }
    s
}

fn id(index: usize) -> i64 {
    index as i64 + 1
}

// One statement type per table (see `FullInsert`).
struct Users;
struct Entries;
struct Bookmarks;
struct BookmarkTags;
struct UserTags;
struct UserSites;
struct EntryTags;
struct Stars;
struct Follows;

/// Writes a batch's rows of `bookmarks`.
pub(crate) fn write_bookmarks(
    conn: &mut DbConnection,
    vocab: &Vocabulary,
    batch: &Batch,
    report: &mut dyn FnMut(u64),
) -> Result<(), SeedError> {
    let tag_strings: Vec<String> = batch
        .bookmarks
        .iter()
        .map(|b| tag_string(vocab, b))
        .collect();
    write_rows::<Bookmarks, _>(
        conn,
        "bookmarks",
        &[
            "id",
            "user_id",
            "entry_id",
            "domain",
            "comment",
            "tags",
            "is_private",
            "read_later",
            "star_count",
            "created_at",
            "updated_at",
        ],
        &batch.bookmarks,
        report,
        |i, b, a| {
            a.extend([
                Arg::Int(id(batch.first + i)),
                Arg::Int(id(b.user as usize)),
                Arg::Int(id(b.entry as usize)),
                Arg::Text(vocab.domain(b.domain)),
                Arg::Text(&b.comment),
                Arg::Text(&tag_strings[i]),
                Arg::Bool(b.is_private),
                Arg::Bool(b.read_later),
                Arg::Int(b.star_count),
                Arg::Int(b.created_at),
                Arg::Int(b.created_at),
            ])
        },
    )
}

/// Writes a batch's rows of `bookmark_tags` and `stars` (two of the [`SIDE_TABLES`](crate::load::SIDE_TABLES)).
pub(crate) fn write_tags_and_stars(
    conn: &mut DbConnection,
    vocab: &Vocabulary,
    batch: &Batch,
    report: &mut dyn FnMut(u64),
) -> Result<(), SeedError> {
    let tag_rows: Vec<(usize, u16)> = batch
        .bookmarks
        .iter()
        .enumerate()
        .flat_map(|(i, b)| b.tag_ids().iter().map(move |&t| (i, t)))
        .collect();
    write_rows::<BookmarkTags, _>(
        conn,
        "bookmark_tags",
        &[
            "bookmark_id",
            "tag_key",
            "user_id",
            "is_private",
            "created_at",
        ],
        &tag_rows,
        report,
        |_, &(i, t), a| {
            let b = &batch.bookmarks[i];
            a.extend([
                Arg::Int(id(batch.first + i)),
                Arg::Text(vocab.tag_key(t)),
                Arg::Int(id(b.user as usize)),
                Arg::Bool(b.is_private),
                Arg::Int(b.created_at),
            ])
        },
    )?;
    write_rows::<Stars, _>(
        conn,
        "stars",
        &["bookmark_id", "user_id", "created_at"],
        &batch.stars,
        report,
        |_, &(b, u, at), a| {
            a.extend([
                Arg::Int(id(b as usize)),
                Arg::Int(id(u as usize)),
                Arg::Int(at),
            ])
        },
    )
}

/// Writes `users` and `entries`.
pub(crate) fn write_users_and_entries(
    conn: &mut DbConnection,
    cfg: &SeedConfig,
    vocab: &Vocabulary,
    totals: &Totals,
    report: &mut dyn FnMut(u64),
) -> Result<(), SeedError> {
    let hash = cfg.password_hash.as_str();
    let lower_names: Vec<String> = totals
        .users
        .iter()
        .map(|u| u.username.to_ascii_lowercase())
        .collect();
    write_rows::<Users, _>(
        conn,
        "users",
        &[
            "id",
            "username",
            "username_lower",
            "display_name",
            "bio",
            "role",
            "password_hash",
            "bookmark_count",
            "public_bookmark_count",
            "created_at",
            "updated_at",
        ],
        &totals.users,
        report,
        |i, u, a| {
            a.extend([
                Arg::Int(id(i)),
                Arg::Text(&u.username),
                Arg::Text(&lower_names[i]),
                Arg::Text(&u.display_name),
                Arg::Text(""),
                Arg::Text("user"),
                Arg::Text(hash),
                Arg::Int(u.count),
                Arg::Int(u.public_count),
                Arg::Int(u.created_at),
                Arg::Int(u.created_at),
            ])
        },
    )?;

    write_rows::<Entries, _>(
        conn,
        "entries",
        &[
            "id",
            "url",
            "domain",
            "title",
            "summary",
            "bookmark_count",
            "first_bookmarked_at",
            "listed_at",
            "hot_score",
            "created_at",
            "fetch_status",
            "fetch_attempts",
            "fetched_at",
        ],
        &totals.entries,
        report,
        |i, e, a| {
            a.extend([
                Arg::Int(id(i)),
                Arg::Text(&e.url),
                Arg::Text(vocab.domain(e.domain)),
                Arg::Text(&e.title),
                Arg::Text(&e.summary),
                Arg::Int(e.public_count),
                Arg::OptInt(e.first_public),
                Arg::OptInt(e.listed_at),
                Arg::Float(e.hot),
                Arg::Int(e.created_at),
                Arg::Text("done"),
                Arg::Int(0),
                Arg::OptInt(Some(e.created_at)),
            ])
        },
    )
}

/// Writes `user_tags` and `user_sites`.
pub(crate) fn write_user_counters(
    conn: &mut DbConnection,
    vocab: &Vocabulary,
    totals: &Totals,
    report: &mut dyn FnMut(u64),
) -> Result<(), SeedError> {
    write_rows::<UserTags, _>(
        conn,
        "user_tags",
        &["user_id", "tag_key", "tag", "count", "public_count"],
        &totals.user_tags,
        report,
        |_, ((u, t), n), a| {
            a.extend([
                Arg::Int(id(*u as usize)),
                Arg::Text(vocab.tag_key(*t)),
                Arg::Text(vocab.tag(*t)),
                Arg::Int(n.count),
                Arg::Int(n.public_count),
            ])
        },
    )?;
    write_rows::<UserSites, _>(
        conn,
        "user_sites",
        &["user_id", "domain", "count", "public_count"],
        &totals.user_sites,
        report,
        |_, ((u, d), n), a| {
            a.extend([
                Arg::Int(id(*u as usize)),
                Arg::Text(vocab.domain(*d)),
                Arg::Int(n.count),
                Arg::Int(n.public_count),
            ])
        },
    )
}

/// Writes `entry_tags` (one of the [`SIDE_TABLES`](crate::load::SIDE_TABLES)).
pub(crate) fn write_entry_tags(
    conn: &mut DbConnection,
    vocab: &Vocabulary,
    totals: &Totals,
    report: &mut dyn FnMut(u64),
) -> Result<(), SeedError> {
    write_rows::<EntryTags, _>(
        conn,
        "entry_tags",
        &["entry_id", "tag_key", "tag", "count", "first_at"],
        &totals.entry_tags,
        report,
        |_, ((e, t), (count, first_at)), a| {
            a.extend([
                Arg::Int(id(*e as usize)),
                Arg::Text(vocab.tag_key(*t)),
                Arg::Text(vocab.tag(*t)),
                Arg::Int(*count),
                Arg::Int(*first_at),
            ])
        },
    )
}

/// Writes `follows` and sets both users' follow counters from them.
pub(crate) fn write_follows(
    conn: &mut DbConnection,
    follows: &[(u32, u32, i64)],
) -> Result<(), SeedError> {
    use diesel::connection::SimpleConnection;
    write_rows::<Follows, _>(
        conn,
        "follows",
        &["follower_id", "followee_id", "created_at"],
        follows,
        &mut |_| {},
        |_, (a, b, at), args| {
            args.extend([
                Arg::Int(id(*a as usize)),
                Arg::Int(id(*b as usize)),
                Arg::Int(*at),
            ])
        },
    )?;
    conn.batch_execute(
        "UPDATE users SET \
         following_count = (SELECT count(*) FROM follows f WHERE f.follower_id = users.id), \
         follower_count = (SELECT count(*) FROM follows f WHERE f.followee_id = users.id)",
    )?;
    Ok(())
}
