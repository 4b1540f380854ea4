//! Comments and stars.

use bukuma_db::models;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::time::ts;
use super::users::UserRef;

/// A public bookmark with a comment, as shown on an entry page.
#[derive(Debug, Serialize, ToSchema)]
pub struct Comment {
    /// The bookmark's id.
    pub id: i64,
    pub user: UserRef,
    pub comment: String,
    pub tags: Vec<String>,
    pub created_at: DateTime<Utc>,
    pub star_count: i64,
    pub starred_by_me: bool,
}

impl From<models::CommentView> for Comment {
    fn from(c: models::CommentView) -> Self {
        Comment {
            id: c.id.0,
            user: c.user.into(),
            comment: c.comment,
            tags: c.tags,
            created_at: ts(c.created_at),
            star_count: c.star_count,
            starred_by_me: c.starred_by_me,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct StarState {
    pub star_count: i64,
    pub starred_by_me: bool,
}

#[derive(Debug, Clone, Copy, Deserialize, ToSchema, Default)]
#[serde(rename_all = "lowercase")]
pub enum CommentOrder {
    /// Newest first.
    #[default]
    Recent,
    /// Most starred first.
    Popular,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CommentParams {
    pub sort: Option<CommentOrder>,
}
