//! Deleting a user's account with everything that is theirs, moving every
//! counter their rows were counted in, in the caller's transaction.

use bukuma_domain::{BookmarkId, EntryId, UserId};
use diesel::prelude::*;

use crate::connection::DbConnection;
use crate::error::DbError;
use crate::queries::notifications::{self as notify, Subject};
use crate::queries::write_options::WriteOptions;
use crate::queries::{bookmarks as bookmark_writes, follows as follow_writes};
use crate::schema::{
    api_tokens, bookmarks, follows, hatena_apps, notification_actors, notification_counts,
    notifications, refresh_tokens, report_cases, reports, site_mutes, stars, user_mutes,
    user_sites, user_tags, users, word_mutes,
};

/// What deleting an account removed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Deleted {
    pub bookmarks: usize,
    pub stars_given: usize,
    pub follows: usize,
    pub reports: usize,
}

/// Deletes user `id` and all their data: bookmarks (through
/// [`bookmark_writes::delete`], which moves entry, tag and site counts and
/// adds the search outbox rows that drop them from the index), the stars
/// they gave and the notifications those made, follows both ways, mutes
/// both ways, their notifications, reports and tokens. Run it in a
/// transaction. `NotFound` when there is no such user.
pub fn delete_account(
    conn: &mut DbConnection,
    id: UserId,
    opts: WriteOptions,
) -> Result<Deleted, DbError> {
    bookmark_writes::lock_owner(conn, id)?;
    if users::table
        .find(id)
        .select(users::id)
        .first::<UserId>(conn)
        .optional()?
        .is_none()
    {
        return Err(DbError::NotFound);
    }
    let mut done = Deleted::default();

    let own: Vec<BookmarkId> = bookmarks::table
        .filter(bookmarks::user_id.eq(id))
        .select(bookmarks::id)
        .load(conn)?;
    for bookmark in &own {
        bookmark_writes::delete(conn, id, *bookmark, opts)?;
    }
    done.bookmarks = own.len();

    // Stars on others' comments: their counts fall and the owners'
    // notifications lose this actor.
    let given: Vec<(BookmarkId, UserId, EntryId)> = stars::table
        .inner_join(bookmarks::table)
        .filter(stars::user_id.eq(id))
        .select((bookmarks::id, bookmarks::user_id, bookmarks::entry_id))
        .load(conn)?;
    for (bookmark, owner, entry) in &given {
        // The comment's row first, as a star locks it.
        diesel::update(bookmarks::table.find(*bookmark))
            .set(bookmarks::star_count.eq(bookmarks::star_count - 1))
            .execute(conn)?;
        diesel::delete(stars::table.find((*bookmark, id))).execute(conn)?;
        let subject = Subject::Star {
            bookmark: *bookmark,
            entry: *entry,
        };
        notify::remove_actor(conn, *owner, subject, id)?;
        crate::versions::touch(crate::versions::Scope::Entry(*entry));
    }
    done.stars_given = given.len();

    let followees: Vec<UserId> = follows::table
        .filter(follows::follower_id.eq(id))
        .select(follows::followee_id)
        .load(conn)?;
    for other in &followees {
        follow_writes::unfollow(conn, id, *other)?;
    }
    let followers: Vec<UserId> = follows::table
        .filter(follows::followee_id.eq(id))
        .select(follows::follower_id)
        .load(conn)?;
    for other in &followers {
        follow_writes::unfollow(conn, *other, id)?;
    }
    done.follows = followees.len() + followers.len();

    // Any notification of someone else still naming this user.
    let recipients: Vec<UserId> = notification_actors::table
        .inner_join(notifications::table)
        .filter(notification_actors::actor_id.eq(id))
        .select(notifications::user_id)
        .distinct()
        .load(conn)?;
    for recipient in recipients {
        notify::remove_actor_everywhere(conn, recipient, id)?;
    }
    let mine = notifications::table
        .filter(notifications::user_id.eq(id))
        .select(notifications::id);
    diesel::delete(
        notification_actors::table.filter(notification_actors::notification_id.eq_any(mine)),
    )
    .execute(conn)?;
    diesel::delete(notifications::table.filter(notifications::user_id.eq(id))).execute(conn)?;
    diesel::delete(notification_counts::table.find(id)).execute(conn)?;

    done.reports = delete_reports(conn, id)?;

    diesel::delete(
        user_mutes::table.filter(user_mutes::user_id.eq(id).or(user_mutes::muted_id.eq(id))),
    )
    .execute(conn)?;
    diesel::delete(word_mutes::table.filter(word_mutes::user_id.eq(id))).execute(conn)?;
    diesel::delete(site_mutes::table.filter(site_mutes::user_id.eq(id))).execute(conn)?;
    diesel::delete(api_tokens::table.filter(api_tokens::user_id.eq(id))).execute(conn)?;
    diesel::delete(hatena_apps::table.filter(hatena_apps::user_id.eq(id))).execute(conn)?;
    diesel::delete(refresh_tokens::table.filter(refresh_tokens::user_id.eq(id))).execute(conn)?;
    // Empty by now (their counts fell to zero with the bookmarks); deleted
    // so that no row can outlive the user.
    diesel::delete(user_tags::table.filter(user_tags::user_id.eq(id))).execute(conn)?;
    diesel::delete(user_sites::table.filter(user_sites::user_id.eq(id))).execute(conn)?;
    diesel::delete(users::table.find(id)).execute(conn)?;
    // The name and display name showed in many lists.
    crate::versions::touch_all();
    Ok(done)
}

/// Deletes the user's reports, taking them out of their cases' counts. A
/// case left without reports that was never resolved goes too; one whose
/// open reports were all theirs is closed again as it was resolved before.
fn delete_reports(conn: &mut DbConnection, id: UserId) -> Result<usize, DbError> {
    let filed: Vec<(i64, i64, Option<i64>)> = reports::table
        .filter(reports::reporter_id.eq(id))
        .select((reports::id, reports::case_id, reports::resolved_at))
        .load(conn)?;
    for (report, case, resolved_at) in &filed {
        let open = i64::from(resolved_at.is_none());
        diesel::update(report_cases::table.find(*case))
            .set((
                report_cases::report_count.eq(report_cases::report_count - 1),
                report_cases::open_count.eq(report_cases::open_count - open),
            ))
            .execute(conn)?;
        diesel::delete(reports::table.find(*report)).execute(conn)?;
        let left: Option<(i64, i64, Option<i64>)> = report_cases::table
            .find(*case)
            .select((
                report_cases::report_count,
                report_cases::open_count,
                report_cases::resolved_at,
            ))
            .first(conn)
            .optional()?;
        match left {
            Some((0, _, None)) => {
                diesel::delete(report_cases::table.find(*case)).execute(conn)?;
            }
            Some((_, 0, Some(_))) => {
                diesel::update(report_cases::table.find(*case))
                    .set(report_cases::status.eq("resolved"))
                    .execute(conn)?;
            }
            _ => {}
        }
    }
    Ok(filed.len())
}
