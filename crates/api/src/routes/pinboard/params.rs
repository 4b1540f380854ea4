//! A call's parameters: read from the query string and form body, then
//! checked into what each method needs. A parameter bukuma cannot accept
//! becomes a Pinboard result code that says which rule it broke.

use actix_web::http::Method as HttpMethod;
use actix_web::{web, HttpRequest};
use bukuma_domain::bookmark::tag_key;
use bukuma_domain::{
    Comment, CommentError, NormalizedUrl, TagError, TagName, Tags, TagsError, Title,
};
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};

use super::failure::Failure;
use super::render::Format;
use crate::extract::MAX_JSON_BYTES;

/// Most tags `posts/get`, `posts/recent`, `posts/dates` and `posts/all` filter by.
const MAX_FILTER_TAGS: usize = 3;
const DEFAULT_RECENT: i64 = 15;
const MAX_RECENT: i64 = 100;
/// How far ahead of the server's clock a `dt` may be before it is set to now.
const DT_SLACK_MICROS: i64 = 10 * 60 * 1_000_000;
pub(super) const DAY_MICROS: i64 = 86_400 * 1_000_000;

/// The query string, then the form body of a POST; the first value of a
/// name counts.
pub(super) struct Params(Vec<(String, String)>);

impl Params {
    pub(super) async fn read(req: &HttpRequest, payload: web::Payload) -> Result<Self, Failure> {
        let mut pairs: Vec<(String, String)> = serde_html_form::from_str(req.query_string())
            .map_err(|_| Failure::BadRequest("invalid query string"))?;
        if req.method() == HttpMethod::POST {
            let body = match payload.to_bytes_limited(MAX_JSON_BYTES).await {
                Ok(Ok(body)) => body,
                Ok(Err(_)) => return Err(Failure::BadRequest("could not read the request body")),
                Err(_) => return Err(Failure::TooLarge),
            };
            if !body.is_empty() {
                let form = std::str::from_utf8(&body)
                    .ok()
                    .and_then(|b| serde_html_form::from_str::<Vec<(String, String)>>(b).ok())
                    .ok_or(Failure::BadRequest(
                        "send the parameters in the query string or as a form",
                    ))?;
                pairs.extend(form);
            }
        }
        Ok(Params(pairs))
    }

    pub(super) fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    fn non_empty(&self, name: &str) -> Option<&str> {
        self.get(name).filter(|v| !v.trim().is_empty())
    }

    /// A parameter the method cannot do without: `missing url`.
    fn required(&self, name: &str) -> Result<&str, Failure> {
        self.non_empty(name)
            .ok_or_else(|| Failure::code(format!("missing {name}")))
    }

    /// `yes`/`no` (also `true`/`false`, `1`/`0`).
    fn flag(&self, name: &str) -> Result<Option<bool>, Failure> {
        let Some(v) = self.non_empty(name) else {
            return Ok(None);
        };
        match v.trim().to_ascii_lowercase().as_str() {
            "yes" | "true" | "1" | "on" => Ok(Some(true)),
            "no" | "false" | "0" | "off" => Ok(Some(false)),
            _ => Err(Failure::code(format!("invalid {name}: use yes or no"))),
        }
    }

    fn number(&self, name: &str) -> Result<Option<i64>, Failure> {
        self.non_empty(name)
            .map(|v| {
                v.trim()
                    .parse::<i64>()
                    .map_err(|_| Failure::code(format!("invalid {name}: not a number")))
            })
            .transpose()
    }

    /// A time parameter, if sent, as microseconds since the epoch.
    fn time(&self, name: &str) -> Result<Option<i64>, Failure> {
        self.non_empty(name)
            .map(|d| parse_time(name, d))
            .transpose()
    }

    pub(super) fn format(&self) -> Format {
        Format::of(self.get("format"))
    }
}

/// The `tag` parameter of the listing methods: up to three tags, all required.
pub(super) struct TagFilter {
    /// The tags as sent, joined by spaces, for the response.
    pub(super) raw: String,
    /// The tags' keys, to match bookmarks by.
    pub(super) keys: Vec<String>,
}

impl TagFilter {
    pub(super) fn parse(p: &Params) -> Result<Self, Failure> {
        let words = split_tags(p.get("tag").unwrap_or(""));
        if words.len() > MAX_FILTER_TAGS {
            return Err(Failure::code("too many tags: filter by at most 3"));
        }
        Ok(TagFilter {
            raw: words.join(" "),
            keys: words
                .iter()
                .map(|w| TagName::parse(w).map_or_else(|_| tag_key(w), |t| t.key()))
                .collect(),
        })
    }
}

/// `posts/add`: fields left out are `None` and keep their current value.
pub(super) struct PostsAdd {
    pub(super) url: NormalizedUrl,
    pub(super) title: Option<Title>,
    pub(super) comment: Option<Comment>,
    pub(super) tags: Option<Tags>,
    pub(super) created_at: Option<i64>,
    /// `replace=no`: leave an existing bookmark of the URL alone.
    pub(super) replace: bool,
    pub(super) shared: Option<bool>,
    pub(super) toread: Option<bool>,
}

impl PostsAdd {
    pub(super) fn parse(p: &Params) -> Result<Self, Failure> {
        let url = p.required("url")?;
        let url =
            NormalizedUrl::parse(url).map_err(|e| Failure::code(format!("invalid url: {e}")))?;
        let title = p
            .get("description")
            .map(|d| {
                Title::parse(d).map_err(|_| {
                    Failure::code("description too long: bukuma allows at most 500 characters")
                })
            })
            .transpose()?;
        let comment = p.get("extended").map(parse_extended).transpose()?;
        let tags = p.get("tags").map(parse_tags).transpose()?;
        let now = bukuma_db::now_micros();
        let created_at = p
            .time("dt")?
            .map(|t| if t > now + DT_SLACK_MICROS { now } else { t });
        Ok(PostsAdd {
            url,
            title,
            comment,
            tags,
            created_at,
            replace: p.flag("replace")?.unwrap_or(true),
            shared: p.flag("shared")?,
            toread: p.flag("toread")?,
        })
    }
}

/// `posts/delete`.
pub(super) struct PostsDelete {
    /// `None` when the URL cannot be normalized: no bookmark has it.
    pub(super) url: Option<NormalizedUrl>,
}

impl PostsDelete {
    pub(super) fn parse(p: &Params) -> Result<Self, Failure> {
        let url = p.required("url")?;
        Ok(PostsDelete {
            url: NormalizedUrl::parse(url).ok(),
        })
    }
}

/// `posts/get`: one bookmark by URL, or one day's bookmarks.
pub(super) struct PostsGet {
    pub(super) filter: TagFilter,
    pub(super) by: GetBy,
}

pub(super) enum GetBy {
    /// `url`: `None` when it cannot be normalized, so no bookmark has it.
    Url(Option<NormalizedUrl>),
    /// The start of the day `dt` falls on; `None` for the day of the newest
    /// bookmark.
    Day(Option<i64>),
}

impl PostsGet {
    pub(super) fn parse(p: &Params) -> Result<Self, Failure> {
        let filter = TagFilter::parse(p)?;
        let by = match p.non_empty("url") {
            Some(url) => GetBy::Url(NormalizedUrl::parse(url).ok()),
            None => GetBy::Day(p.time("dt")?.map(day_start)),
        };
        Ok(PostsGet { filter, by })
    }
}

/// `posts/recent`.
pub(super) struct PostsRecent {
    pub(super) filter: TagFilter,
    pub(super) count: i64,
}

impl PostsRecent {
    pub(super) fn parse(p: &Params) -> Result<Self, Failure> {
        let filter = TagFilter::parse(p)?;
        let count = p
            .number("count")?
            .unwrap_or(DEFAULT_RECENT)
            .clamp(1, MAX_RECENT);
        Ok(PostsRecent { filter, count })
    }
}

/// `posts/all`.
pub(super) struct PostsAll {
    pub(super) filter: TagFilter,
    pub(super) start: i64,
    pub(super) results: Option<i64>,
    pub(super) from: Option<i64>,
    /// Exclusive: the end of the second `todt` names.
    pub(super) until: Option<i64>,
}

impl PostsAll {
    pub(super) fn parse(p: &Params) -> Result<Self, Failure> {
        let filter = TagFilter::parse(p)?;
        let start = p.number("start")?.unwrap_or(0);
        let results = p.number("results")?;
        if start < 0 {
            return Err(Failure::code("invalid start: must not be negative"));
        }
        if results.is_some_and(|r| r < 0) {
            return Err(Failure::code("invalid results: must not be negative"));
        }
        let from = p.time("fromdt")?;
        let until = p
            .time("todt")?
            // Inclusive to the end of that second: Pinboard's times have no fractions.
            .map(|t| (t - t.rem_euclid(1_000_000)).saturating_add(1_000_000));
        Ok(PostsAll {
            filter,
            start,
            results,
            from,
            until,
        })
    }
}

/// `posts/suggest`.
pub(super) struct PostsSuggest {
    pub(super) url: NormalizedUrl,
    /// The URL as sent, to match tags against when bukuma knows no page there.
    pub(super) raw_url: String,
}

impl PostsSuggest {
    pub(super) fn parse(p: &Params) -> Result<Self, Failure> {
        let raw_url = p.required("url")?;
        let url = NormalizedUrl::parse(raw_url)
            .map_err(|e| Failure::code(format!("invalid url: {e}")))?;
        Ok(PostsSuggest {
            url,
            raw_url: raw_url.to_owned(),
        })
    }
}

/// `tags/delete`.
pub(super) struct TagsDelete {
    /// `None` for a name bukuma would not accept: it is on no bookmark.
    pub(super) tag: Option<TagName>,
}

impl TagsDelete {
    pub(super) fn parse(p: &Params) -> Result<Self, Failure> {
        let tag = p.required("tag")?;
        Ok(TagsDelete {
            tag: TagName::parse(tag).ok(),
        })
    }
}

/// `tags/rename`.
pub(super) struct TagsRename {
    /// `None` for a name bukuma would not accept: it is on no bookmark.
    pub(super) old: Option<TagName>,
    pub(super) new: TagName,
}

impl TagsRename {
    pub(super) fn parse(p: &Params) -> Result<Self, Failure> {
        let old = p.required("old")?;
        let new = p.required("new")?;
        let new = TagName::parse(new).map_err(|e| Failure::code(tag_error("new", &e)))?;
        Ok(TagsRename {
            old: TagName::parse(old).ok(),
            new,
        })
    }
}

fn split_tags(raw: &str) -> Vec<&str> {
    raw.split(|c: char| c.is_whitespace() || c == ',')
        .filter(|t| !t.is_empty())
        .collect()
}

fn parse_extended(raw: &str) -> Result<Comment, Failure> {
    Comment::parse(raw).map_err(|e| match e {
        CommentError::TooLong => {
            Failure::code("extended too long: bukuma allows at most 100 characters")
        }
        CommentError::ControlCharacters => {
            Failure::code("extended must not contain control characters")
        }
    })
}

fn parse_tags(raw: &str) -> Result<Tags, Failure> {
    Tags::parse(&split_tags(raw)).map_err(|e| match e {
        TagsError::TooMany => Failure::code("too many tags: bukuma allows at most 10"),
        TagsError::Invalid { error, .. } => Failure::code(tag_error("tag", &error)),
    })
}

fn tag_error(what: &str, e: &TagError) -> String {
    match e {
        TagError::TooLong => format!("{what} too long: bukuma allows at most 32 characters"),
        TagError::Empty => format!("missing {what}"),
        TagError::Separator => format!("{what} must not contain whitespace or commas"),
        TagError::ControlCharacters => format!("{what} must not contain control characters"),
    }
}

/// A Pinboard time (`2026-01-02T03:04:05Z`, any RFC 3339 time,
/// `2026-01-02 03:04:05` or a date) as microseconds since the epoch.
fn parse_time(name: &str, raw: &str) -> Result<i64, Failure> {
    let raw = raw.trim();
    let parsed = DateTime::parse_from_rfc3339(raw)
        .map(|t| t.with_timezone(&Utc))
        .ok()
        .or_else(|| {
            ["%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S"]
                .iter()
                .find_map(|f| NaiveDateTime::parse_from_str(raw, f).ok())
                .map(|t| t.and_utc())
        })
        .or_else(|| {
            NaiveDate::parse_from_str(raw, "%Y-%m-%d")
                .ok()
                .and_then(|d| d.and_hms_opt(0, 0, 0))
                .map(|t| t.and_utc())
        })
        .filter(|t| (1..=9999).contains(&chrono::Datelike::year(t)));
    parsed.map(|t| t.timestamp_micros()).ok_or_else(|| {
        Failure::code(format!(
            "invalid {name}: use a time like 2026-01-02T03:04:05Z"
        ))
    })
}

/// The start (UTC midnight) of the day `micros` falls on.
pub(super) fn day_start(micros: i64) -> i64 {
    micros - micros.rem_euclid(DAY_MICROS)
}
