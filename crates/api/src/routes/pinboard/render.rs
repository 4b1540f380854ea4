//! What a Pinboard API call responds with, written as Pinboard's XML or JSON.

use std::collections::BTreeMap;

use actix_web::http::{header, StatusCode};
use actix_web::HttpResponse;
use bukuma_db::models::BookmarkView;
use md5::{Digest, Md5};
use quick_xml::events::{BytesDecl, BytesText, Event};
use quick_xml::Writer;
use serde::Serialize;
use serde_json::{json, Value};

use crate::error::OwnErrorFormat;
use crate::views::ts;

/// The response format: Pinboard's XML unless `format=json`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Format {
    Xml,
    Json,
}

impl Format {
    pub(super) fn of(value: Option<&str>) -> Self {
        match value {
            Some(v) if v.eq_ignore_ascii_case("json") => Format::Json,
            _ => Format::Xml,
        }
    }

    /// The format asked for, when the parameters as a whole cannot be read.
    pub(super) fn of_query(query: &str) -> Self {
        let json = query
            .split('&')
            .any(|kv| kv.eq_ignore_ascii_case("format=json"));
        if json {
            Format::Json
        } else {
            Format::Xml
        }
    }
}

/// One bookmark as Pinboard shows it (JSON field order as Pinboard's).
#[derive(Debug, Serialize)]
pub(super) struct Post {
    href: String,
    description: String,
    extended: String,
    meta: String,
    hash: String,
    time: String,
    shared: &'static str,
    toread: &'static str,
    tags: String,
}

impl Post {
    pub(super) fn of(v: &BookmarkView) -> Self {
        let (b, e) = (&v.bookmark, &v.entry);
        let tags = b.tag_list().join(" ");
        let description = if e.title.is_empty() {
            e.url.clone()
        } else {
            e.title.clone()
        };
        let meta = md5_hex(&format!(
            "{description}\n{}\n{tags}\n{}\n{}\n{}\n{}",
            b.comment, b.is_private, b.read_later, b.created_at, b.updated_at
        ));
        Post {
            hash: md5_hex(&e.url),
            href: e.url.clone(),
            description,
            extended: b.comment.clone(),
            meta,
            time: pin_time(b.created_at),
            shared: if b.is_private { "no" } else { "yes" },
            toread: if b.read_later { "yes" } else { "no" },
            tags,
        }
    }
}

/// The body of a response, before it is written in one format or the other.
pub(super) enum Reply {
    /// `<result code="done"/>`
    Done,
    /// `<result code="item not found"/>`: a failure.
    Code(String),
    /// `<result>done</result>`: what `tags/delete` and `tags/rename` respond with.
    TagsDone,
    /// `posts/get` and `posts/recent`: `dt` for XML, `date` for JSON.
    Posts {
        user: String,
        tag: String,
        dt: String,
        date: String,
        posts: Vec<Post>,
    },
    /// `posts/all`: a bare list in JSON.
    All {
        user: String,
        tag: String,
        posts: Vec<Post>,
    },
    Dates {
        user: String,
        tag: String,
        dates: BTreeMap<String, i64>,
    },
    Tags(Vec<(String, i64)>),
    Suggest {
        popular: Vec<String>,
        recommended: Vec<String>,
    },
    Update(String),
    Token(String),
}

impl Reply {
    pub(super) fn respond(&self, format: Format) -> HttpResponse {
        render(format, StatusCode::OK, self)
    }

    fn json(&self) -> Value {
        match self {
            Reply::Done => json!({ "result_code": "done" }),
            Reply::Code(code) => json!({ "result_code": code }),
            Reply::TagsDone => json!({ "result": "done" }),
            Reply::Posts {
                user, date, posts, ..
            } => json!({ "date": date, "user": user, "posts": posts }),
            Reply::All { posts, .. } => json!(posts),
            Reply::Dates { user, tag, dates } => {
                json!({ "user": user, "tag": tag, "dates": dates })
            }
            Reply::Tags(list) => Value::Object(
                list.iter()
                    .map(|(tag, count)| (tag.clone(), json!(count)))
                    .collect(),
            ),
            Reply::Suggest {
                popular,
                recommended,
            } => json!([{ "popular": popular }, { "recommended": recommended }]),
            Reply::Update(time) => json!({ "update_time": time }),
            Reply::Token(token) => json!({ "result": token }),
        }
    }

    fn xml(&self) -> std::io::Result<Vec<u8>> {
        let mut w = Writer::new(Vec::new());
        w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
        match self {
            Reply::Done => {
                w.create_element("result")
                    .with_attribute(("code", "done"))
                    .write_empty()?;
            }
            Reply::Code(code) => {
                w.create_element("result")
                    .with_attribute(("code", code.as_str()))
                    .write_empty()?;
            }
            Reply::TagsDone => {
                w.create_element("result")
                    .write_text_content(BytesText::new("done"))?;
            }
            Reply::Posts {
                user,
                tag,
                dt,
                posts,
                ..
            } => {
                w.create_element("posts")
                    .with_attributes([("dt", dt.as_str()), ("tag", tag), ("user", user)])
                    .write_inner_content(|w| write_posts(w, posts))?;
            }
            Reply::All { user, tag, posts } => {
                w.create_element("posts")
                    .with_attributes([("user", user.as_str()), ("tag", tag)])
                    .write_inner_content(|w| write_posts(w, posts))?;
            }
            Reply::Dates { user, tag, dates } => {
                w.create_element("dates")
                    .with_attributes([("user", user.as_str()), ("tag", tag)])
                    .write_inner_content(|w| {
                        for (date, count) in dates.iter().rev() {
                            w.create_element("date")
                                .with_attributes([
                                    ("count", count.to_string().as_str()),
                                    ("date", date),
                                ])
                                .write_empty()?;
                        }
                        Ok(())
                    })?;
            }
            Reply::Tags(list) => {
                w.create_element("tags").write_inner_content(|w| {
                    for (tag, count) in list {
                        w.create_element("tag")
                            .with_attributes([("count", count.to_string().as_str()), ("tag", tag)])
                            .write_empty()?;
                    }
                    Ok(())
                })?;
            }
            Reply::Suggest {
                popular,
                recommended,
            } => {
                w.create_element("suggested").write_inner_content(|w| {
                    for (name, tags) in [("popular", popular), ("recommended", recommended)] {
                        for tag in tags {
                            w.create_element(name)
                                .write_text_content(BytesText::new(tag))?;
                        }
                    }
                    Ok(())
                })?;
            }
            Reply::Update(time) => {
                w.create_element("update")
                    .with_attribute(("time", time.as_str()))
                    .write_empty()?;
            }
            Reply::Token(token) => {
                w.create_element("result")
                    .write_text_content(BytesText::new(token))?;
            }
        }
        Ok(w.into_inner())
    }
}

fn write_posts(w: &mut Writer<Vec<u8>>, posts: &[Post]) -> std::io::Result<()> {
    for p in posts {
        // Pinboard's XML names the tags `tag` (after del.icio.us); `tags`,
        // the JSON name, is written too for clients that expect it.
        w.create_element("post")
            .with_attributes([
                ("href", p.href.as_str()),
                ("time", &p.time),
                ("description", &p.description),
                ("extended", &p.extended),
                ("tag", &p.tags),
                ("tags", &p.tags),
                ("hash", &p.hash),
                ("meta", &p.meta),
                ("shared", p.shared),
                ("toread", p.toread),
            ])
            .write_empty()?;
    }
    Ok(())
}

/// `reply` in `format` with `status`, never cached, and left alone by the
/// JSON API's problem middleware.
pub(super) fn render(format: Format, status: StatusCode, reply: &Reply) -> HttpResponse {
    let (body, content_type) = match format {
        Format::Json => (
            serde_json::to_vec(&reply.json()).map_err(std::io::Error::other),
            "application/json",
        ),
        Format::Xml => (reply.xml(), "text/xml; charset=utf-8"),
    };
    let mut res = match body {
        Ok(body) => HttpResponse::build(status)
            .content_type(content_type)
            .insert_header((header::CACHE_CONTROL, "no-store"))
            .body(body),
        Err(e) => {
            tracing::error!(parent: None, error = %e, "writing a Pinboard API reply");
            HttpResponse::InternalServerError()
                .content_type("text/plain; charset=utf-8")
                .body("something went wrong")
        }
    };
    res.extensions_mut().insert(OwnErrorFormat);
    res
}

/// A time as Pinboard writes it: `2026-01-02T03:04:05Z`.
pub(super) fn pin_time(micros: i64) -> String {
    ts(micros).format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// A day as Pinboard writes it: `2026-01-02`.
pub(super) fn pin_date(micros: i64) -> String {
    ts(micros).format("%Y-%m-%d").to_string()
}

fn md5_hex(data: &str) -> String {
    hex::encode(Md5::digest(data.as_bytes()))
}
