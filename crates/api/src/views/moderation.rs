//! Reports, the admin report queue and the moderation log.

use bukuma_db::models;
use bukuma_domain::moderation::{ModerationAction, ReportReason, TargetKind};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::time::ts;
use super::users::UserRef;

/// What a report is about.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum ReportTargetKind {
    /// A comment, named by its bookmark's id.
    Comment,
    Entry,
    User,
}

impl From<ReportTargetKind> for TargetKind {
    fn from(k: ReportTargetKind) -> Self {
        match k {
            ReportTargetKind::Comment => TargetKind::Comment,
            ReportTargetKind::Entry => TargetKind::Entry,
            ReportTargetKind::User => TargetKind::User,
        }
    }
}

impl ReportTargetKind {
    fn from_db(s: &str) -> Self {
        match TargetKind::from_db(s) {
            Some(TargetKind::Comment) => ReportTargetKind::Comment,
            Some(TargetKind::Entry) => ReportTargetKind::Entry,
            _ => ReportTargetKind::User,
        }
    }
}

/// A target's id as sent: a number, or for a user their username.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(untagged)]
pub enum TargetIdInput {
    Id(i64),
    /// A username (`user` targets only), 1–32 characters.
    Username(String),
}

/// The target of a new report. `id` is a comment's bookmark id, an entry
/// id, or a user's numeric id or username.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReportTargetInput {
    pub kind: ReportTargetKind,
    pub id: TargetIdInput,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum ReportReasonView {
    Spam,
    Harassment,
    Illegal,
    Other,
}

impl From<ReportReasonView> for ReportReason {
    fn from(r: ReportReasonView) -> Self {
        match r {
            ReportReasonView::Spam => ReportReason::Spam,
            ReportReasonView::Harassment => ReportReason::Harassment,
            ReportReasonView::Illegal => ReportReason::Illegal,
            ReportReasonView::Other => ReportReason::Other,
        }
    }
}

impl ReportReasonView {
    fn from_db(s: &str) -> Self {
        match ReportReason::from_db(s) {
            Some(ReportReason::Spam) => ReportReasonView::Spam,
            Some(ReportReason::Harassment) => ReportReasonView::Harassment,
            Some(ReportReason::Illegal) => ReportReasonView::Illegal,
            _ => ReportReasonView::Other,
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReportRequest {
    pub target: ReportTargetInput,
    pub reason: ReportReasonView,
    /// What the reporter wants the admins to know: at most 1000 characters.
    #[schema(max_length = 1000)]
    pub note: Option<String>,
}

/// A reported target.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReportTarget {
    pub kind: ReportTargetKind,
    /// The comment's bookmark id, the entry id or the user id.
    pub id: i64,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema, Default, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum ReportStatus {
    #[default]
    Open,
    Resolved,
}

impl ReportStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ReportStatus::Open => "open",
            ReportStatus::Resolved => "resolved",
        }
    }

    fn from_db(s: &str) -> Self {
        if s == "open" {
            ReportStatus::Open
        } else {
            ReportStatus::Resolved
        }
    }
}

/// A report as its reporter sees it.
#[derive(Debug, Serialize, ToSchema)]
pub struct Report {
    pub id: i64,
    pub target: ReportTarget,
    pub reason: ReportReasonView,
    pub note: String,
    pub status: ReportStatus,
    pub created_at: DateTime<Utc>,
}

impl From<models::ReportView> for Report {
    fn from(v: models::ReportView) -> Self {
        Report {
            id: v.report.id,
            target: ReportTarget {
                kind: ReportTargetKind::from_db(&v.target_kind),
                id: v.target_id,
            },
            reason: ReportReasonView::from_db(&v.report.reason),
            note: v.report.note,
            status: ReportStatus::from_db(&v.status),
            created_at: ts(v.report.created_at),
        }
    }
}

/// An action an admin resolves a case with.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ResolveAction {
    /// Nothing to do: the reports are closed.
    Dismiss,
    /// Hide the reported comment from everyone but its author.
    HideComment,
    /// Hide the reported entry (or the entry of the reported comment).
    HideEntry,
    /// Suspend the reported user (or the author of the reported comment).
    SuspendUser,
}

impl From<ResolveAction> for ModerationAction {
    fn from(a: ResolveAction) -> Self {
        match a {
            ResolveAction::Dismiss => ModerationAction::Dismiss,
            ResolveAction::HideComment => ModerationAction::HideComment,
            ResolveAction::HideEntry => ModerationAction::HideEntry,
            ResolveAction::SuspendUser => ModerationAction::SuspendUser,
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResolveRequest {
    pub action: ResolveAction,
    /// Why, for the moderation log: at most 1000 characters.
    #[schema(max_length = 1000)]
    pub note: Option<String>,
}

/// An optional note for the moderation log.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ModerationNote {
    /// At most 1000 characters.
    #[schema(max_length = 1000)]
    pub note: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CaseParams {
    /// `open` (the default) or `resolved`.
    pub status: Option<ReportStatus>,
}

/// A reported user, as an admin sees them.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReportedUser {
    pub username: String,
    pub display_name: String,
    pub suspended: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReportedEntry {
    pub id: i64,
    pub url: String,
    pub title: String,
    pub hidden: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReportedComment {
    pub comment: String,
    pub hidden: bool,
}

/// What a reported target is now; parts are absent when they do not apply
/// or no longer exist (a comment shows its author and entry too).
#[derive(Debug, Serialize, ToSchema)]
pub struct ReportSubject {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user: Option<ReportedUser>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub entry: Option<ReportedEntry>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub comment: Option<ReportedComment>,
}

/// One report inside a case.
#[derive(Debug, Serialize, ToSchema)]
pub struct CaseReport {
    pub id: i64,
    pub reporter: UserRef,
    pub reason: ReportReasonView,
    pub note: String,
    pub created_at: DateTime<Utc>,
    pub resolved: bool,
}

/// Every report of one target: an item of the admin queue. Resolve it
/// with `POST /api/v1/admin/reports/{id}/resolve`, this `id`.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReportCase {
    pub id: i64,
    pub target: ReportTarget,
    pub subject: ReportSubject,
    pub status: ReportStatus,
    /// Reports not resolved yet.
    pub open_count: i64,
    /// Every report ever filed about the target.
    pub report_count: i64,
    pub last_reported_at: DateTime<Utc>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resolved_at: Option<DateTime<Utc>>,
    /// The action of the last resolution.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resolution: Option<String>,
    /// The newest reports, at most 5.
    pub recent_reports: Vec<CaseReport>,
}

impl From<models::CaseView> for ReportCase {
    fn from(v: models::CaseView) -> Self {
        let c = v.case;
        let t = v.target;
        ReportCase {
            id: c.id,
            target: ReportTarget {
                kind: ReportTargetKind::from_db(&c.target_kind),
                id: c.target_id,
            },
            subject: ReportSubject {
                user: t.user.map(|u| ReportedUser {
                    username: u.username,
                    display_name: u.display_name,
                    suspended: t.suspended,
                }),
                entry: t.entry.map(|(id, url, title)| ReportedEntry {
                    id,
                    url,
                    title,
                    hidden: t.entry_hidden,
                }),
                comment: t.comment.map(|comment| ReportedComment {
                    comment,
                    hidden: t.comment_hidden,
                }),
            },
            status: ReportStatus::from_db(&c.status),
            open_count: c.open_count,
            report_count: c.report_count,
            last_reported_at: ts(c.last_reported_at),
            resolved_at: c.resolved_at.map(ts),
            resolution: c.resolution,
            recent_reports: v
                .recent
                .into_iter()
                .map(|(u, r)| CaseReport {
                    id: r.id,
                    reporter: u.into(),
                    reason: ReportReasonView::from_db(&r.reason),
                    note: r.note,
                    created_at: ts(r.created_at),
                    resolved: r.resolved_at.is_some(),
                })
                .collect(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReportCasePage {
    pub items: Vec<ReportCase>,
    pub next_cursor: Option<String>,
}

/// A moderation action taken.
#[derive(Debug, Serialize, ToSchema)]
pub struct ModerationLogItem {
    pub id: i64,
    /// The admin who acted (absent if their account is gone).
    pub actor: Option<UserRef>,
    /// `dismiss`, `hide_comment`, `hide_entry`, `suspend_user`,
    /// `unsuspend_user` or `unhide_comment`.
    pub action: String,
    /// What the action acted on (a comment case suspends a user, say).
    pub target: ReportTarget,
    /// For a `user` target, who that is (absent if their account is gone),
    /// to name them and to unsuspend them by name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user: Option<UserRef>,
    /// The case it resolved, if any.
    pub case_id: Option<i64>,
    pub note: String,
    pub created_at: DateTime<Utc>,
}

impl From<models::LogView> for ModerationLogItem {
    fn from(v: models::LogView) -> Self {
        let r = v.row;
        ModerationLogItem {
            id: r.id,
            actor: v.actor.map(Into::into),
            action: r.action,
            target: ReportTarget {
                kind: ReportTargetKind::from_db(&r.target_kind),
                id: r.target_id,
            },
            user: v.target_user.map(Into::into),
            case_id: r.case_id,
            note: r.note,
            created_at: ts(r.created_at),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ModerationLogPage {
    pub items: Vec<ModerationLogItem>,
    pub next_cursor: Option<String>,
}
