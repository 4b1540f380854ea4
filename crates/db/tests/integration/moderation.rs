//! Reports, report cases, moderation actions and their log.

use bukuma_db::moderation::{self, Refusal, ReportOutcome};
use bukuma_db::stars::CommentSort;
use bukuma_db::stmt::{Arg, Stmt};
use bukuma_db::{both_backends, now_micros, stars, Db, DbError};
use bukuma_domain::moderation::{ModerationAction, ReportReason, TargetKind};

use crate::common::{mark, public, user};

fn report(
    db: &Db,
    who: bukuma_domain::UserId,
    kind: TargetKind,
    id: i64,
    now: i64,
) -> ReportOutcome {
    db.write(|c| moderation::report(c, who, kind, id, ReportReason::Spam, "", now))
        .expect("report")
}

fn reports_group_per_target_and_a_resolution_closes_them_all(db: &Db) {
    let (a, b, c) = (user(db, "alice"), user(db, "bob"), user(db, "carol"));
    let (comment, _) = mark(db, a, public("https://e.com/p", "spam spam", &[]));
    let now = now_micros();
    let ReportOutcome::Created(first) = report(db, b, TargetKind::Comment, comment.id.0, now)
    else {
        panic!("a first report is created");
    };
    let ReportOutcome::Existing(again) = report(db, b, TargetKind::Comment, comment.id.0, now)
    else {
        panic!("a second report of the same target returns the first");
    };
    assert_eq!(again.report.id, first.report.id);
    assert!(matches!(
        report(db, c, TargetKind::Comment, comment.id.0, now + 1),
        ReportOutcome::Created(_)
    ));
    let open = db
        .read(|x| moderation::cases(x, "open", None, 10))
        .expect("queue");
    assert_eq!(open.items.len(), 1, "one case per target");
    let case = &open.items[0];
    assert_eq!((case.case.open_count, case.case.report_count), (2, 2));
    assert_eq!(case.recent.len(), 2);
    let case_id = case.case.id;
    let resolved = db
        .write(|x| moderation::resolve(x, a, case_id, ModerationAction::HideComment, "spam", now))
        .expect("resolve")
        .expect("applies");
    assert_eq!(resolved.case.case.status, "resolved");
    assert!(resolved.case.target.comment_hidden);
    let visible = db
        .read(|x| stars::list(x, comment.entry_id, CommentSort::Recent, None, None, 10))
        .expect("comments");
    assert!(visible.items.is_empty(), "a hidden comment leaves the list");
    assert_eq!(
        db.write(|x| moderation::resolve(x, a, case_id, ModerationAction::Dismiss, "", now))
            .expect("resolve"),
        Err(Refusal::AlreadyResolved)
    );
    assert!(db
        .read(|x| moderation::cases(x, "open", None, 10))
        .expect("queue")
        .items
        .is_empty());
    let log = db.read(|x| moderation::log_page(x, None, 10)).expect("log");
    assert_eq!(log.items.len(), 1);
    assert_eq!(log.items[0].row.action, "hide_comment");
    assert_eq!(log.items[0].row.note, "spam");
}
both_backends!(reports_group_per_target_and_a_resolution_closes_them_all);

fn the_report_limit_counts_the_last_hour_in_the_database(db: &Db) {
    let (a, b) = (user(db, "alice"), user(db, "bob"));
    let now = now_micros();
    let mut targets = Vec::new();
    for i in 0..21 {
        let (bm, _) = mark(db, a, public(&format!("https://e.com/{i}"), "hello", &[]));
        targets.push(bm.id.0);
    }
    // 20 reports, the first an hour minus ten seconds ago.
    for (i, t) in targets.iter().take(20).enumerate() {
        let at = now - 3_590_000_000 + i as i64;
        assert!(matches!(
            report(db, b, TargetKind::Comment, *t, at),
            ReportOutcome::Created(_)
        ));
    }
    match report(db, b, TargetKind::Comment, targets[20], now) {
        ReportOutcome::Limited { retry_after_secs } => {
            assert!((9..=11).contains(&retry_after_secs))
        }
        other => panic!("expected the limit, got {other:?}"),
    }
    // A duplicate is still answered at the limit.
    assert!(matches!(
        report(db, b, TargetKind::Comment, targets[0], now),
        ReportOutcome::Existing(_)
    ));
    assert!(matches!(
        report(db, b, TargetKind::Comment, targets[20], now + 11_000_000),
        ReportOutcome::Created(_)
    ));
}
both_backends!(the_report_limit_counts_the_last_hour_in_the_database);

fn unknown_or_private_targets_cannot_be_reported(db: &Db) {
    let b = user(db, "bob");
    for kind in [TargetKind::Comment, TargetKind::Entry, TargetKind::User] {
        assert!(matches!(
            db.write(|c| moderation::report(c, b, kind, 999_999, ReportReason::Other, "", 0)),
            Err(DbError::NotFound)
        ));
    }
}
both_backends!(unknown_or_private_targets_cannot_be_reported);

fn the_moderation_log_is_append_only(db: &Db) {
    let (a, b) = (user(db, "alice"), user(db, "bob"));
    let now = now_micros();
    report(db, b, TargetKind::User, a.0, now);
    let case_id = db
        .read(|x| moderation::cases(x, "open", None, 1))
        .expect("queue")
        .items[0]
        .case
        .id;
    db.write(|x| moderation::resolve(x, b, case_id, ModerationAction::SuspendUser, "", now))
        .expect("resolve")
        .expect("applies");
    assert!(db
        .read(|x| moderation::suspended_at(x, a))
        .expect("read")
        .is_some());
    db.write(|x| moderation::unsuspend(x, b, a, "appeal", now))
        .expect("unsuspend")
        .expect("was suspended");
    assert!(db
        .read(|x| moderation::suspended_at(x, a))
        .expect("read")
        .is_none());
    for sql in [
        "UPDATE moderation_log SET note = ?",
        "DELETE FROM moderation_log WHERE note <> ?",
    ] {
        let changed = db.write(|c| Stmt::new(sql, &[Arg::Text("x")]).execute(c));
        assert!(changed.is_err(), "{sql} is refused");
    }
    let log = db.read(|x| moderation::log_page(x, None, 1)).expect("log");
    assert_eq!(log.items[0].row.action, "unsuspend_user");
    let rest = db
        .read(|x| moderation::log_page(x, log.next.as_ref().map(|k| k[0]), 10))
        .expect("log");
    assert_eq!(rest.items.len(), 1);
    assert_eq!(rest.items[0].row.action, "suspend_user");
}
both_backends!(the_moderation_log_is_append_only);
