//! Mutes (Hatena's 非表示): the users, words and sites I no longer want to
//! see. Only their owner can read or change them.

use actix_web::{web, HttpResponse};
use bukuma_db::models::MuteOutcome;
use bukuma_db::mutes::{self, Target};
use bukuma_db::now_micros;
use bukuma_domain::mute::{self as rules, MAX_MUTED_SITES, MAX_MUTED_USERS, MAX_MUTED_WORDS};
use bukuma_domain::{MuteWord, UserId};

use crate::error::{ApiError, Problem};
use crate::extract::{SignedIn, ValidJson, Writer};
use crate::state::AppState;
use crate::views::{ts, MuteLists, MuteSiteRequest, MuteWordRequest, MutedSite, MutedWord};

#[utoipa::path(
    get, path = "/api/v1/me/mutes", tag = "mutes", operation_id = "list_mutes",
    responses((status = 200, description = "Everything I muted", body = MuteLists)),
    security(("bearer" = []))
)]
pub async fn list(state: web::Data<AppState>, me: SignedIn) -> Result<HttpResponse, ApiError> {
    let user = me.user_id;
    let lists = state.read(move |c| mutes::list(c, user)).await?;
    Ok(HttpResponse::Ok().json(MuteLists::from(lists)))
}

/// Runs a mute or unmute for `user` and forgets their cached mutes.
async fn change<T: Send + 'static>(
    state: &AppState,
    user: UserId,
    f: impl FnMut(&mut bukuma_db::DbConnection) -> Result<T, bukuma_db::DbError> + Send + 'static,
) -> Result<T, ApiError> {
    let out = state.write(f).await;
    state.mutes.forget(user).await;
    out
}

fn limit_reached(what: &str, max: i64) -> ApiError {
    ApiError::Unprocessable(format!("you muted {max} {what}, the most anyone may"))
}

#[utoipa::path(
    put, path = "/api/v1/me/mutes/users/{username}", tag = "mutes",
    params(("username" = String, Path)),
    responses(
        (status = 204, description = "Muted (idempotent): their bookmarks, comments and notifications no longer show for me"),
        (status = 404, description = "No such user", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Muting oneself, or more than 1 000 users", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn mute_user(
    state: web::Data<AppState>,
    me: Writer,
    name: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let other = state.user_id(name.into_inner()).await?;
    let user = me.user_id;
    if other == user {
        return Err(ApiError::Unprocessable("you cannot mute yourself".into()));
    }
    let outcome = change(&state, user, move |c| {
        mutes::mute(c, user, Target::User(other), now_micros())
    })
    .await?;
    match outcome {
        MuteOutcome::Muted { .. } => Ok(HttpResponse::NoContent().finish()),
        MuteOutcome::LimitReached => Err(limit_reached("users", MAX_MUTED_USERS)),
    }
}

#[utoipa::path(
    delete, path = "/api/v1/me/mutes/users/{username}", tag = "mutes",
    params(("username" = String, Path)),
    responses(
        (status = 204, description = "Not muted (idempotent)"),
        (status = 404, description = "No such user", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn unmute_user(
    state: web::Data<AppState>,
    me: Writer,
    name: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let other = state.user_id(name.into_inner()).await?;
    let user = me.user_id;
    change(&state, user, move |c| {
        mutes::unmute(c, user, Target::User(other))
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Word and site mutes, both kept as (normalized) text.
#[derive(Debug, Clone, Copy)]
enum TextMute {
    Word,
    Site,
}

impl TextMute {
    fn target(self, value: &str) -> Target<'_> {
        match self {
            TextMute::Word => Target::Word(value),
            TextMute::Site => Target::Site(value),
        }
    }

    fn limit_reached(self) -> ApiError {
        match self {
            TextMute::Word => limit_reached("words", MAX_MUTED_WORDS),
            TextMute::Site => limit_reached("sites", MAX_MUTED_SITES),
        }
    }
}

/// Mutes the normalized word or site `value` for `user`: 201 with `body`
/// when new, 200 when muted before, 422 when the list is full.
async fn mute_text<T: serde::Serialize>(
    state: &AppState,
    user: UserId,
    kind: TextMute,
    value: String,
    body: impl FnOnce(String, i64) -> T,
) -> Result<HttpResponse, ApiError> {
    let stored = value.clone();
    let outcome = change(state, user, move |c| {
        mutes::mute(c, user, kind.target(&stored), now_micros())
    })
    .await?;
    match outcome {
        MuteOutcome::Muted {
            muted_at,
            created: true,
        } => Ok(HttpResponse::Created().json(body(value, muted_at))),
        MuteOutcome::Muted { muted_at, .. } => Ok(HttpResponse::Ok().json(body(value, muted_at))),
        MuteOutcome::LimitReached => Err(kind.limit_reached()),
    }
}

/// Unmutes the normalized word or site `value` for `user` (idempotent).
async fn unmute_text(
    state: &AppState,
    user: UserId,
    kind: TextMute,
    value: String,
) -> Result<HttpResponse, ApiError> {
    change(state, user, move |c| {
        mutes::unmute(c, user, kind.target(&value))
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

#[utoipa::path(
    post, path = "/api/v1/me/mutes/words", tag = "mutes",
    request_body = MuteWordRequest,
    responses(
        (status = 201, description = "Muted: comments containing the word no longer show for me", body = MutedWord),
        (status = 200, description = "Muted before", body = MutedWord),
        (status = 400, description = "An empty or too long word", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "More than 200 words", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn mute_word(
    state: web::Data<AppState>,
    me: Writer,
    ValidJson(body): ValidJson<MuteWordRequest>,
) -> Result<HttpResponse, ApiError> {
    let word = MuteWord::parse(&body.word).map_err(|e| ApiError::field("word", e))?;
    mute_text(
        &state,
        me.user_id,
        TextMute::Word,
        word.as_str().to_owned(),
        |word, at| MutedWord {
            word,
            muted_at: ts(at),
        },
    )
    .await
}

#[utoipa::path(
    delete, path = "/api/v1/me/mutes/words/{word}", tag = "mutes",
    params(("word" = String, Path, description = "The word, in any letter case or width")),
    responses(
        (status = 204, description = "Not muted (idempotent)"),
        (status = 400, description = "Not a word that could be muted", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn unmute_word(
    state: web::Data<AppState>,
    me: Writer,
    word: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let word = MuteWord::parse(&word.into_inner()).map_err(|e| ApiError::field("word", e))?;
    unmute_text(&state, me.user_id, TextMute::Word, word.as_str().to_owned()).await
}

#[utoipa::path(
    post, path = "/api/v1/me/mutes/sites", tag = "mutes",
    request_body = MuteSiteRequest,
    responses(
        (status = 201, description = "Muted: entries of the site and its subdomains leave my hot, new, tag and my-hot lists", body = MutedSite),
        (status = 200, description = "Muted before", body = MutedSite),
        (status = 400, description = "Not a host name", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "More than 200 sites", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn mute_site(
    state: web::Data<AppState>,
    me: Writer,
    ValidJson(body): ValidJson<MuteSiteRequest>,
) -> Result<HttpResponse, ApiError> {
    let domain = rules::mute_site(&body.domain).map_err(|e| ApiError::field("domain", e))?;
    mute_text(&state, me.user_id, TextMute::Site, domain, |domain, at| {
        MutedSite {
            domain,
            muted_at: ts(at),
        }
    })
    .await
}

#[utoipa::path(
    delete, path = "/api/v1/me/mutes/sites/{domain}", tag = "mutes",
    params(("domain" = String, Path, description = "A host name")),
    responses(
        (status = 204, description = "Not muted (idempotent)"),
        (status = 400, description = "Not a host name", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn unmute_site(
    state: web::Data<AppState>,
    me: Writer,
    domain: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let domain =
        rules::mute_site(&domain.into_inner()).map_err(|e| ApiError::field("domain", e))?;
    let user = me.user_id;
    change(&state, user, move |c| {
        mutes::unmute(c, user, Target::Site(&domain))
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}
