//! `tags/*`: the caller's tags.

use bukuma_db::tags;

use super::auth::Caller;
use super::failure::Failure;
use super::params::{TagsDelete, TagsRename};
use super::render::Reply;
use crate::state::AppState;

/// `tags/get`: every tag of the caller with its count.
pub(super) async fn get(state: &AppState, caller: &Caller) -> Result<Reply, Failure> {
    let user_id = caller.user_id;
    let list = state
        .read(move |c| tags::user_tags(c, user_id, true))
        .await?;
    Ok(Reply::Tags(
        list.into_iter().map(|t| (t.name, t.count)).collect(),
    ))
}

/// `tags/delete`: takes the tag off every bookmark of the caller.
pub(super) async fn delete(
    state: &AppState,
    caller: &Caller,
    p: TagsDelete,
) -> Result<Reply, Failure> {
    let Some(tag) = p.tag else {
        return Ok(Reply::TagsDone);
    };
    let user_id = caller.user_id;
    let opts = state.write_options();
    state
        .write(move |c| tags::delete(c, user_id, &tag, opts))
        .await?;
    Ok(Reply::TagsDone)
}

/// `tags/rename`: renames a tag on every bookmark of the caller, merging it
/// into `new` where a bookmark has both.
pub(super) async fn rename(
    state: &AppState,
    caller: &Caller,
    p: TagsRename,
) -> Result<Reply, Failure> {
    let TagsRename { old, new } = p;
    let Some(old) = old else {
        return Ok(Reply::TagsDone);
    };
    let user_id = caller.user_id;
    let opts = state.write_options();
    state
        .write(move |c| tags::rename(c, user_id, &old, &new, opts))
        .await?;
    Ok(Reply::TagsDone)
}
