//! Reports, the cases they are grouped into, and the moderation log.

use bukuma_domain::UserId;
use diesel::prelude::*;

use super::user::UserRef;
use crate::schema::{moderation_log, report_cases, reports};

/// One user's report of a target.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable)]
#[diesel(table_name = reports)]
pub struct Report {
    pub id: i64,
    pub case_id: i64,
    pub reporter_id: UserId,
    pub reason: String,
    pub note: String,
    pub created_at: i64,
    pub resolved_at: Option<i64>,
}

/// Every report of one target, open or resolved.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable)]
#[diesel(table_name = report_cases)]
pub struct ReportCase {
    pub id: i64,
    pub target_kind: String,
    pub target_id: i64,
    /// `open` or `resolved`.
    pub status: String,
    /// Reports not resolved yet.
    pub open_count: i64,
    /// Every report ever filed about the target.
    pub report_count: i64,
    pub last_reported_at: i64,
    pub resolved_at: Option<i64>,
    pub resolved_by: Option<UserId>,
    /// The action of the last resolution.
    pub resolution: Option<String>,
    pub created_at: i64,
}

/// A report with the target it names, as its reporter sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportView {
    pub report: Report,
    pub target_kind: String,
    pub target_id: i64,
    pub status: String,
}

/// What a reported target is, for an admin deciding about it; `None`
/// fields when the target no longer exists.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct TargetSummary {
    /// The user of a `user` target, or the author of a comment.
    pub user: Option<UserRef>,
    pub suspended: bool,
    /// The entry of an `entry` target, or of a comment: (id, url, title).
    pub entry: Option<(i64, String, String)>,
    pub entry_hidden: bool,
    /// The text of a comment.
    pub comment: Option<String>,
    pub comment_hidden: bool,
}

/// A case in the admin queue, with its most recent reports.
#[derive(Debug, Clone, PartialEq)]
pub struct CaseView {
    pub case: ReportCase,
    pub target: TargetSummary,
    /// The newest reports (reporter, report), at most a few.
    pub recent: Vec<(UserRef, Report)>,
}

/// One line of the moderation log.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable)]
#[diesel(table_name = moderation_log)]
pub struct LogRow {
    pub id: i64,
    pub actor_id: UserId,
    pub action: String,
    pub target_kind: String,
    pub target_id: i64,
    pub case_id: Option<i64>,
    pub note: String,
    pub created_at: i64,
}

/// A log line with its actor's name (`None` when the actor is gone) and,
/// for a user target, that user's name.
#[derive(Debug, Clone, PartialEq)]
pub struct LogView {
    pub row: LogRow,
    pub actor: Option<UserRef>,
    pub target_user: Option<UserRef>,
}
