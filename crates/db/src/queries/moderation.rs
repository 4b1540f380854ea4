//! Reports, the admin queue of report cases, the moderation actions and
//! their append-only log.
//!
//! - [`report`] files a user's report: one per user and target, at most
//!   [`MAX_REPORTS_PER_WINDOW`] an hour (counted here, so the limit holds
//!   across server processes).
//! - [`resolve`] applies an admin's action to a case's target and closes
//!   every open report of it; [`unsuspend`] and [`unhide_comment`] undo.
//!   Each writes a [`moderation_log`] row, enqueues the search documents
//!   it changes and touches every cached scope (`versions::touch_all`):
//!   hidden and suspended content shows in many lists at once.
//! - What a hidden comment, hidden entry or suspended user means to the
//!   lists is decided by the list queries themselves (`hidden_at`,
//!   `suspended_at`; see [`VISIBLE_COMMENT`]).

use std::collections::HashMap;

use bukuma_domain::moderation::{
    ModerationAction, ReportReason, TargetKind, MAX_REPORTS_PER_WINDOW, REPORT_WINDOW_SECS,
};
use bukuma_domain::{BookmarkId, EntryId, UserId};
use diesel::dsl::{count_star, min};
use diesel::prelude::*;
use diesel::sql_types::BigInt;

use crate::connection::DbConnection;
use crate::error::DbError;
use crate::models::{
    CaseView, LogRow, LogView, Page, Report, ReportCase, ReportView, TargetSummary, UserRef,
};
use crate::queries::bookmarks::lock_owner;
use crate::queries::search::{self, OutboxKind};
use crate::queries::stmt::{Arg, Stmt};
use crate::schema::{bookmarks, entries, moderation_log, report_cases, reports, users};
use crate::versions::touch_all;

/// Comments no admin hid: the predicate of the partial indexes of the
/// comment lists, spelled as they spell it. Lists also leave out comments
/// of suspended users (`users.suspended_at IS NULL` on the joined row).
pub const VISIBLE_COMMENT: &str = "NOT bookmarks.is_private AND bookmarks.comment <> '' \
     AND bookmarks.hidden_at IS NULL";

/// Reports of one case shown in the admin queue.
pub const RECENT_REPORTS: i64 = 5;

/// What filing a report did.
#[derive(Debug, Clone, PartialEq)]
pub enum ReportOutcome {
    Created(ReportView),
    /// The reporter had reported this target before.
    Existing(ReportView),
    /// The reporter is at the limit; they may report again in this many seconds.
    Limited {
        retry_after_secs: i64,
    },
}

/// The id of a reported target, checked to exist and to be something
/// anyone may see (a comment that is public, an entry that is public, any
/// user), or `NotFound`.
fn check_target(conn: &mut DbConnection, kind: TargetKind, id: i64) -> Result<(), DbError> {
    let found = match kind {
        TargetKind::Comment => bookmarks::table
            .find(BookmarkId(id))
            .filter(bookmarks::is_private.eq(false))
            .filter(bookmarks::comment.ne(""))
            .select(bookmarks::id)
            .first::<BookmarkId>(conn)
            .optional()?
            .is_some(),
        TargetKind::Entry => entries::table
            .find(EntryId(id))
            .filter(entries::bookmark_count.gt(0))
            .select(entries::id)
            .first::<EntryId>(conn)
            .optional()?
            .is_some(),
        TargetKind::User => users::table
            .find(UserId(id))
            .select(users::id)
            .first::<UserId>(conn)
            .optional()?
            .is_some(),
    };
    if found {
        Ok(())
    } else {
        Err(DbError::NotFound)
    }
}

fn case_of(
    conn: &mut DbConnection,
    kind: TargetKind,
    id: i64,
) -> Result<Option<ReportCase>, DbError> {
    Ok(report_cases::table
        .filter(report_cases::target_kind.eq(kind.as_str()))
        .filter(report_cases::target_id.eq(id))
        .select(ReportCase::as_select())
        .first(conn)
        .optional()?)
}

fn view(report: Report, case: &ReportCase) -> ReportView {
    ReportView {
        target_kind: case.target_kind.clone(),
        target_id: case.target_id,
        status: if report.resolved_at.is_none() {
            "open".into()
        } else {
            "resolved".into()
        },
        report,
    }
}

/// Files `reporter`'s report of a target (a comment's bookmark id, an
/// entry id or a user id). `NotFound` when the target does not exist or
/// is not public.
pub fn report(
    conn: &mut DbConnection,
    reporter: UserId,
    kind: TargetKind,
    target_id: i64,
    reason: ReportReason,
    note: &str,
    now: i64,
) -> Result<ReportOutcome, DbError> {
    check_target(conn, kind, target_id)?;
    // One report of a reporter at a time: the count below stays exact.
    lock_owner(conn, reporter)?;
    if let Some(case) = case_of(conn, kind, target_id)? {
        let existing = reports::table
            .filter(reports::reporter_id.eq(reporter))
            .filter(reports::case_id.eq(case.id))
            .select(Report::as_select())
            .first(conn)
            .optional()?;
        if let Some(r) = existing {
            return Ok(ReportOutcome::Existing(view(r, &case)));
        }
    }
    let since = now - REPORT_WINDOW_SECS * 1_000_000;
    let (recent, oldest): (i64, Option<i64>) = reports::table
        .filter(reports::reporter_id.eq(reporter))
        .filter(reports::created_at.gt(since))
        .select((count_star(), min(reports::created_at)))
        .first(conn)?;
    if recent >= MAX_REPORTS_PER_WINDOW {
        let oldest = oldest.unwrap_or(now);
        return Ok(ReportOutcome::Limited {
            retry_after_secs: bukuma_domain::moderation::retry_after_secs(oldest, now).max(1),
        });
    }
    #[derive(QueryableByName)]
    struct Id {
        #[diesel(sql_type = BigInt)]
        id: i64,
    }
    // Two reporters of one new target may race: the upsert makes one case.
    let case_id = Stmt::new(
        "INSERT INTO report_cases (target_kind, target_id, status, open_count, report_count, \
         last_reported_at, created_at) VALUES (?, ?, 'open', 1, 1, ?, ?) \
         ON CONFLICT (target_kind, target_id) DO UPDATE SET status = 'open', \
         open_count = report_cases.open_count + 1, report_count = report_cases.report_count + 1, \
         last_reported_at = excluded.last_reported_at RETURNING id",
        &[
            Arg::Text(kind.as_str()),
            Arg::Int(target_id),
            Arg::Int(now),
            Arg::Int(now),
        ],
    )
    .load::<Id>(conn)?
    .pop()
    .ok_or(DbError::NotFound)?
    .id;
    let id: i64 = diesel::insert_into(reports::table)
        .values((
            reports::case_id.eq(case_id),
            reports::reporter_id.eq(reporter),
            reports::reason.eq(reason.as_str()),
            reports::note.eq(note),
            reports::created_at.eq(now),
        ))
        .returning(reports::id)
        .get_result(conn)?;
    let report = reports::table
        .find(id)
        .select(Report::as_select())
        .first(conn)?;
    let case = find_case(conn, case_id)?.ok_or(DbError::NotFound)?;
    Ok(ReportOutcome::Created(view(report, &case)))
}

pub fn find_case(conn: &mut DbConnection, id: i64) -> Result<Option<ReportCase>, DbError> {
    Ok(report_cases::table
        .find(id)
        .select(ReportCase::as_select())
        .first(conn)
        .optional()?)
}

/// Cases with `status` (`open` or `resolved`), most recently reported
/// first, keyed by (last_reported_at, id) on the queue index.
pub fn cases(
    conn: &mut DbConnection,
    status: &str,
    after: Option<(i64, i64)>,
    limit: usize,
) -> Result<Page<CaseView>, DbError> {
    let mut q = report_cases::table
        .filter(report_cases::status.eq(status.to_owned()))
        .into_boxed();
    if let Some((t, id)) = after {
        q = q.filter(
            report_cases::last_reported_at.le(t).and(
                report_cases::last_reported_at
                    .lt(t)
                    .or(report_cases::id.lt(id)),
            ),
        );
    }
    let rows: Vec<ReportCase> = q
        .order((
            report_cases::last_reported_at.desc(),
            report_cases::id.desc(),
        ))
        .limit(i64::try_from(limit).unwrap_or(100) + 1)
        .select(ReportCase::as_select())
        .load(conn)?;
    let page = Page::from_rows(rows, limit, |c| vec![c.last_reported_at, c.id]);
    let items = page
        .items
        .into_iter()
        .map(|case| with_details(conn, case))
        .collect::<Result<_, _>>()?;
    Ok(Page {
        items,
        next: page.next,
    })
}

/// Case `id` as the queue shows it.
pub fn case_view(conn: &mut DbConnection, id: i64) -> Result<Option<CaseView>, DbError> {
    find_case(conn, id)?
        .map(|case| with_details(conn, case))
        .transpose()
}

fn with_details(conn: &mut DbConnection, case: ReportCase) -> Result<CaseView, DbError> {
    let target = summary(conn, &case)?;
    let recent: Vec<(Report, UserRef)> = reports::table
        .inner_join(users::table.on(users::id.eq(reports::reporter_id)))
        .filter(reports::case_id.eq(case.id))
        .order(reports::id.desc())
        .limit(RECENT_REPORTS)
        .select((Report::as_select(), (users::username, users::display_name)))
        .load(conn)?;
    Ok(CaseView {
        case,
        target,
        recent: recent.into_iter().map(|(r, u)| (u, r)).collect(),
    })
}

/// What the target of `case` is now.
fn summary(conn: &mut DbConnection, case: &ReportCase) -> Result<TargetSummary, DbError> {
    let mut s = TargetSummary::default();
    let kind = TargetKind::from_db(&case.target_kind);
    let (user_id, entry_id) = match kind {
        Some(TargetKind::Comment) => {
            let b: Option<(UserId, EntryId, String, Option<i64>)> = bookmarks::table
                .find(BookmarkId(case.target_id))
                .select((
                    bookmarks::user_id,
                    bookmarks::entry_id,
                    bookmarks::comment,
                    bookmarks::hidden_at,
                ))
                .first(conn)
                .optional()?;
            match b {
                Some((u, e, comment, hidden)) => {
                    s.comment = Some(comment);
                    s.comment_hidden = hidden.is_some();
                    (Some(u), Some(e))
                }
                None => (None, None),
            }
        }
        Some(TargetKind::Entry) => (None, Some(EntryId(case.target_id))),
        Some(TargetKind::User) => (Some(UserId(case.target_id)), None),
        None => (None, None),
    };
    if let Some(u) = user_id {
        let row: Option<(String, String, Option<i64>)> = users::table
            .find(u)
            .select((users::username, users::display_name, users::suspended_at))
            .first(conn)
            .optional()?;
        if let Some((username, display_name, suspended)) = row {
            s.user = Some(UserRef {
                username,
                display_name,
            });
            s.suspended = suspended.is_some();
        }
    }
    if let Some(e) = entry_id {
        let row: Option<(EntryId, String, String, Option<i64>)> = entries::table
            .find(e)
            .select((
                entries::id,
                entries::url,
                entries::title,
                entries::hidden_at,
            ))
            .first(conn)
            .optional()?;
        if let Some((id, url, title, hidden)) = row {
            s.entry = Some((id.0, url, title));
            s.entry_hidden = hidden.is_some();
        }
    }
    Ok(s)
}

/// Appends a line to the moderation log.
fn log(
    conn: &mut DbConnection,
    actor: UserId,
    action: ModerationAction,
    target: (TargetKind, i64),
    case_id: Option<i64>,
    note: &str,
    now: i64,
) -> Result<(), DbError> {
    diesel::insert_into(moderation_log::table)
        .values((
            moderation_log::actor_id.eq(actor),
            moderation_log::action.eq(action.as_str()),
            moderation_log::target_kind.eq(target.0.as_str()),
            moderation_log::target_id.eq(target.1),
            moderation_log::case_id.eq(case_id),
            moderation_log::note.eq(note),
            moderation_log::created_at.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}

/// Why a moderation action could not be applied.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// The case has no open report.
    AlreadyResolved,
    /// The action does not fit the kind of target.
    NotApplicable,
    /// The target (or the comment's author or entry) no longer exists.
    TargetGone,
    /// Unsuspending a user who is not suspended, unhiding a comment that
    /// is not hidden.
    NothingToUndo,
}

/// Hides comment `id`; `false` when there is no such bookmark.
fn hide_comment(conn: &mut DbConnection, id: BookmarkId, now: i64) -> Result<bool, DbError> {
    let entry: Option<EntryId> = bookmarks::table
        .find(id)
        .select(bookmarks::entry_id)
        .first(conn)
        .optional()?;
    let Some(entry) = entry else {
        return Ok(false);
    };
    diesel::update(
        bookmarks::table
            .find(id)
            .filter(bookmarks::hidden_at.is_null()),
    )
    .set(bookmarks::hidden_at.eq(Some(now)))
    .execute(conn)?;
    search::enqueue(conn, OutboxKind::Bookmark, id.0)?;
    search::enqueue(conn, OutboxKind::Entry, entry.0)?;
    touch_all();
    Ok(true)
}

fn hide_entry(conn: &mut DbConnection, id: EntryId, now: i64) -> Result<bool, DbError> {
    let exists = entries::table
        .find(id)
        .select(entries::id)
        .first::<EntryId>(conn)
        .optional()?
        .is_some();
    if !exists {
        return Ok(false);
    }
    diesel::update(entries::table.find(id).filter(entries::hidden_at.is_null()))
        .set(entries::hidden_at.eq(Some(now)))
        .execute(conn)?;
    // The entry's document and those of its bookmarks, which carry it.
    search::enqueue(conn, OutboxKind::EntryText, id.0)?;
    touch_all();
    Ok(true)
}

fn suspend(conn: &mut DbConnection, id: UserId, now: i64) -> Result<bool, DbError> {
    let exists = users::table
        .find(id)
        .select(users::id)
        .first::<UserId>(conn)
        .optional()?
        .is_some();
    if !exists {
        return Ok(false);
    }
    diesel::update(users::table.find(id).filter(users::suspended_at.is_null()))
        .set(users::suspended_at.eq(Some(now)))
        .execute(conn)?;
    search::enqueue(conn, OutboxKind::User, id.0)?;
    touch_all();
    Ok(true)
}

/// A resolved case, and the user it suspended, if any.
#[derive(Debug, Clone, PartialEq)]
pub struct Resolved {
    pub case: CaseView,
    pub suspended: Option<UserId>,
}

/// Resolves case `case_id` with `action` on its target: every open report
/// of the case is closed and the action logged. A `comment` case may also
/// be resolved by hiding its entry or suspending its author.
pub fn resolve(
    conn: &mut DbConnection,
    admin: UserId,
    case_id: i64,
    action: ModerationAction,
    note: &str,
    now: i64,
) -> Result<Result<Resolved, Refusal>, DbError> {
    // Locks the case row (PostgreSQL) or takes the writer (SQLite) before reading it.
    let locked = diesel::update(report_cases::table.find(case_id))
        .set(report_cases::id.eq(report_cases::id))
        .execute(conn)?;
    if locked == 0 {
        return Err(DbError::NotFound);
    }
    let case = find_case(conn, case_id)?.ok_or(DbError::NotFound)?;
    if case.status != "open" {
        return Ok(Err(Refusal::AlreadyResolved));
    }
    let Some(kind) = TargetKind::from_db(&case.target_kind) else {
        return Ok(Err(Refusal::NotApplicable));
    };
    if !action.applies_to(kind) {
        return Ok(Err(Refusal::NotApplicable));
    }
    // The target the action acts on: a comment case's entry or author.
    let comment = |conn: &mut DbConnection| -> Result<Option<(UserId, EntryId)>, DbError> {
        Ok(bookmarks::table
            .find(BookmarkId(case.target_id))
            .select((bookmarks::user_id, bookmarks::entry_id))
            .first(conn)
            .optional()?)
    };
    let (acted, target) = match (action, kind) {
        (ModerationAction::Dismiss, _) => (true, (kind, case.target_id)),
        (ModerationAction::HideComment, _) => (
            hide_comment(conn, BookmarkId(case.target_id), now)?,
            (kind, case.target_id),
        ),
        (ModerationAction::HideEntry, TargetKind::Comment) => match comment(conn)? {
            Some((_, entry)) => (hide_entry(conn, entry, now)?, (TargetKind::Entry, entry.0)),
            None => (false, (kind, case.target_id)),
        },
        (ModerationAction::HideEntry, _) => (
            hide_entry(conn, EntryId(case.target_id), now)?,
            (kind, case.target_id),
        ),
        (ModerationAction::SuspendUser, TargetKind::Comment) => match comment(conn)? {
            Some((user, _)) => (suspend(conn, user, now)?, (TargetKind::User, user.0)),
            None => (false, (kind, case.target_id)),
        },
        (ModerationAction::SuspendUser, _) => (
            suspend(conn, UserId(case.target_id), now)?,
            (kind, case.target_id),
        ),
        (ModerationAction::UnsuspendUser | ModerationAction::UnhideComment, _) => {
            return Ok(Err(Refusal::NotApplicable))
        }
    };
    if !acted {
        return Ok(Err(Refusal::TargetGone));
    }
    diesel::update(report_cases::table.find(case_id))
        .set((
            report_cases::status.eq("resolved"),
            report_cases::open_count.eq(0),
            report_cases::resolved_at.eq(Some(now)),
            report_cases::resolved_by.eq(Some(admin)),
            report_cases::resolution.eq(Some(action.as_str())),
        ))
        .execute(conn)?;
    diesel::update(
        reports::table
            .filter(reports::case_id.eq(case_id))
            .filter(reports::resolved_at.is_null()),
    )
    .set(reports::resolved_at.eq(Some(now)))
    .execute(conn)?;
    log(conn, admin, action, target, Some(case_id), note, now)?;
    let suspended = (action == ModerationAction::SuspendUser).then_some(UserId(target.1));
    Ok(Ok(Resolved {
        case: case_view(conn, case_id)?.ok_or(DbError::NotFound)?,
        suspended,
    }))
}

/// Lifts the suspension of user `id`.
pub fn unsuspend(
    conn: &mut DbConnection,
    admin: UserId,
    id: UserId,
    note: &str,
    now: i64,
) -> Result<Result<(), Refusal>, DbError> {
    let n = diesel::update(
        users::table
            .find(id)
            .filter(users::suspended_at.is_not_null()),
    )
    .set(users::suspended_at.eq(None::<i64>))
    .execute(conn)?;
    if n == 0 {
        return Ok(Err(Refusal::NothingToUndo));
    }
    search::enqueue(conn, OutboxKind::User, id.0)?;
    touch_all();
    log(
        conn,
        admin,
        ModerationAction::UnsuspendUser,
        (TargetKind::User, id.0),
        None,
        note,
        now,
    )?;
    Ok(Ok(()))
}

/// Shows hidden comment `id` again. `NotFound` when there is no such bookmark.
pub fn unhide_comment(
    conn: &mut DbConnection,
    admin: UserId,
    id: BookmarkId,
    note: &str,
    now: i64,
) -> Result<Result<(), Refusal>, DbError> {
    let entry: EntryId = bookmarks::table
        .find(id)
        .select(bookmarks::entry_id)
        .first(conn)
        .optional()?
        .ok_or(DbError::NotFound)?;
    let n = diesel::update(
        bookmarks::table
            .find(id)
            .filter(bookmarks::hidden_at.is_not_null()),
    )
    .set(bookmarks::hidden_at.eq(None::<i64>))
    .execute(conn)?;
    if n == 0 {
        return Ok(Err(Refusal::NothingToUndo));
    }
    search::enqueue(conn, OutboxKind::Bookmark, id.0)?;
    search::enqueue(conn, OutboxKind::Entry, entry.0)?;
    touch_all();
    log(
        conn,
        admin,
        ModerationAction::UnhideComment,
        (TargetKind::Comment, id.0),
        None,
        note,
        now,
    )?;
    Ok(Ok(()))
}

/// The moderation log, newest first, keyed by id.
pub fn log_page(
    conn: &mut DbConnection,
    after: Option<i64>,
    limit: usize,
) -> Result<Page<LogView>, DbError> {
    let mut q = moderation_log::table.into_boxed();
    if let Some(id) = after {
        q = q.filter(moderation_log::id.lt(id));
    }
    let rows: Vec<LogRow> = q
        .order(moderation_log::id.desc())
        .limit(i64::try_from(limit).unwrap_or(100) + 1)
        .select(LogRow::as_select())
        .load(conn)?;
    let page = Page::from_rows(rows, limit, |r| vec![r.id]);
    let is_user = |r: &LogRow| r.target_kind == TargetKind::User.as_str();
    let mut user_ids: Vec<UserId> = page
        .items
        .iter()
        .flat_map(|r| [Some(r.actor_id), is_user(r).then_some(UserId(r.target_id))])
        .flatten()
        .collect();
    user_ids.sort_unstable_by_key(|u| u.0);
    user_ids.dedup();
    let names: HashMap<UserId, UserRef> = users::table
        .filter(users::id.eq_any(&user_ids))
        .select((users::id, (users::username, users::display_name)))
        .load::<(UserId, UserRef)>(conn)?
        .into_iter()
        .collect();
    Ok(page.map(|row| LogView {
        actor: names.get(&row.actor_id).cloned(),
        target_user: if is_user(&row) {
            names.get(&UserId(row.target_id)).cloned()
        } else {
            None
        },
        row,
    }))
}

/// When user `id` was suspended, if they are.
pub fn suspended_at(conn: &mut DbConnection, id: UserId) -> Result<Option<i64>, DbError> {
    Ok(users::table
        .find(id)
        .select(users::suspended_at)
        .first::<Option<i64>>(conn)
        .optional()?
        .flatten())
}
