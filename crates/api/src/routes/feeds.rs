//! RSS 2.0 and Atom feeds of public bookmarks and entries:
//! `/{username}/bookmarks.rss|atom` (`?tag=` to narrow),
//! `/{username}/feed.rss|atom` (the bookmarks of whom they follow), `/t/{tag}.rss|atom`,
//! `/site/{domain}.rss|atom`, `/hot.rss|atom`, `/new.rss|atom`, the same
//! of one category (`/hot/{category}.rss|atom`, `/new/{category}.rss|atom`)
//! and `/search.rss|atom?q=…`.
//! Feeds show public bookmarks only, whoever asks: they carry no credentials.

use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use bukuma_db::bookmarks::{self, UserFilter};
use bukuma_db::models::{BookmarkView, EntryView};
use bukuma_db::{entries, follows, users};
use bukuma_domain::text::is_xml_char;
use bukuma_domain::{normalize_domain, TagName};
use chrono::{DateTime, FixedOffset};
use serde::Deserialize;

use crate::error::{ApiError, Fields};
use crate::extract::Query;
use crate::state::AppState;
use crate::views::ts;

/// Items in a feed.
pub const FEED_ITEMS: usize = 50;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FeedFormat {
    Rss,
    Atom,
}

impl FeedFormat {
    fn parse(ext: &str) -> Result<Self, ApiError> {
        match ext {
            "rss" => Ok(FeedFormat::Rss),
            "atom" => Ok(FeedFormat::Atom),
            _ => Err(ApiError::not_found("feed")),
        }
    }
}

struct Item {
    title: String,
    link: String,
    id: String,
    summary: String,
    tags: Vec<String>,
    /// Microseconds since the epoch.
    published: i64,
    author: Option<String>,
}

struct Feed {
    title: String,
    /// The page the feed belongs to.
    link: String,
    /// The feed's own URL.
    self_url: String,
    description: String,
    items: Vec<Item>,
}

/// The server's public address: `BUKUMA_PUBLIC_URL`, else the request's
/// (forwarded by a trusted proxy, or this connection's own).
pub(super) fn base_url(state: &AppState, req: &HttpRequest) -> String {
    state
        .config
        .public_url
        .clone()
        .unwrap_or_else(|| state.proxies.origin(req))
}

pub(super) fn time(micros: i64) -> DateTime<FixedOffset> {
    ts(micros).fixed_offset()
}

/// `s` without the characters XML 1.0 forbids. Stored text holds none (the
/// domain strips them on the way in); this keeps rows stored before that rule,
/// or by any other path, from making a whole feed ill-formed.
pub(super) fn xml_safe(s: String) -> String {
    if s.chars().all(is_xml_char) {
        s
    } else {
        s.chars().filter(|&c| is_xml_char(c)).collect()
    }
}

impl Feed {
    fn xml_safe(self) -> Feed {
        Feed {
            title: xml_safe(self.title),
            link: xml_safe(self.link),
            self_url: xml_safe(self.self_url),
            description: xml_safe(self.description),
            items: self
                .items
                .into_iter()
                .map(|i| Item {
                    title: xml_safe(i.title),
                    link: xml_safe(i.link),
                    id: xml_safe(i.id),
                    summary: xml_safe(i.summary),
                    tags: i.tags.into_iter().map(xml_safe).collect(),
                    published: i.published,
                    author: i.author.map(xml_safe),
                })
                .collect(),
        }
    }
}

/// Plain text as HTML: RSS readers render `<description>` as HTML, so a
/// comment or page summary is escaped to show as the text it is.
pub(super) fn html_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn render(feed: Feed, format: FeedFormat) -> Result<HttpResponse, ApiError> {
    let feed = feed.xml_safe();
    let (content_type, body) = match format {
        FeedFormat::Rss => ("application/rss+xml; charset=utf-8", rss(feed)?),
        FeedFormat::Atom => ("application/atom+xml; charset=utf-8", atom(feed)?),
    };
    Ok(HttpResponse::Ok()
        .content_type(content_type)
        .insert_header((header::CACHE_CONTROL, "public, max-age=300"))
        .body(body))
}

fn rss(feed: Feed) -> Result<Vec<u8>, ApiError> {
    let mut channel = rss::Channel::default();
    channel.set_title(feed.title);
    channel.set_link(feed.link);
    channel.set_description(feed.description);
    channel.set_generator(Some("bukuma".to_owned()));
    if let Some(newest) = feed.items.iter().map(|i| i.published).max() {
        channel.set_last_build_date(Some(time(newest).to_rfc2822()));
    }
    let items: Vec<rss::Item> = feed
        .items
        .into_iter()
        .map(|i| {
            let mut item = rss::Item::default();
            item.set_title(Some(i.title));
            item.set_link(Some(i.link));
            if !i.summary.is_empty() {
                item.set_description(Some(html_text(&i.summary)));
            }
            let mut guid = rss::Guid::default();
            guid.set_value(i.id);
            guid.set_permalink(false);
            item.set_guid(Some(guid));
            item.set_pub_date(Some(time(i.published).to_rfc2822()));
            item.set_categories(
                i.tags
                    .into_iter()
                    .map(|t| {
                        let mut c = rss::Category::default();
                        c.set_name(t);
                        c
                    })
                    .collect::<Vec<_>>(),
            );
            item
        })
        .collect();
    channel.set_items(items);
    channel
        .write_to(Vec::new())
        .map_err(|e| ApiError::Internal(format!("writing RSS: {e}")))
}

fn link(href: String, rel: &str) -> atom_syndication::Link {
    let mut l = atom_syndication::Link::default();
    l.set_href(href);
    l.set_rel(rel.to_owned());
    l
}

fn atom(feed: Feed) -> Result<Vec<u8>, ApiError> {
    let mut doc = atom_syndication::Feed::default();
    doc.set_title(atom_syndication::Text::plain(feed.title));
    doc.set_id(feed.self_url.clone());
    doc.set_subtitle(Some(atom_syndication::Text::plain(feed.description)));
    doc.set_links(vec![
        link(feed.link, "alternate"),
        link(feed.self_url, "self"),
    ]);
    let updated = feed
        .items
        .iter()
        .map(|i| i.published)
        .max()
        .unwrap_or_else(bukuma_db::now_micros);
    doc.set_updated(time(updated));
    let entries: Vec<atom_syndication::Entry> = feed
        .items
        .into_iter()
        .map(|i| {
            let mut e = atom_syndication::Entry::default();
            e.set_title(atom_syndication::Text::plain(i.title));
            e.set_id(i.id);
            e.set_links(vec![link(i.link, "alternate")]);
            e.set_updated(time(i.published));
            e.set_published(Some(time(i.published)));
            if !i.summary.is_empty() {
                e.set_summary(Some(atom_syndication::Text::plain(i.summary)));
            }
            let mut author = atom_syndication::Person::default();
            author.set_name(i.author.unwrap_or_else(|| "bukuma".to_owned()));
            e.set_authors(vec![author]);
            e.set_categories(
                i.tags
                    .into_iter()
                    .map(|t| {
                        let mut c = atom_syndication::Category::default();
                        c.set_term(t);
                        c
                    })
                    .collect::<Vec<_>>(),
            );
            e
        })
        .collect();
    doc.set_entries(entries);
    doc.write_to(Vec::new())
        .map_err(|e| ApiError::Internal(format!("writing Atom: {e}")))
}

fn entry_items(base: &str, list: Vec<EntryView>, newest: bool) -> Vec<Item> {
    list.into_iter()
        .map(|v| {
            let e = v.entry;
            let published = if newest { e.listed_at } else { None }
                .or(e.first_bookmarked_at)
                .unwrap_or(e.created_at);
            Item {
                title: if e.title.is_empty() {
                    e.url.clone()
                } else {
                    e.title
                },
                id: format!("{base}/api/v1/entries/{}", e.id),
                link: e.url,
                summary: e.summary,
                tags: v.tags,
                published,
                author: None,
            }
        })
        .collect()
}

/// Bookmarks as feed items, each by its owner.
fn bookmark_items(base: &str, list: Vec<BookmarkView>) -> Vec<Item> {
    list.into_iter()
        .map(|v| Item {
            title: if v.entry.title.is_empty() {
                v.entry.url.clone()
            } else {
                v.entry.title.clone()
            },
            link: v.entry.url.clone(),
            id: format!("{base}/api/v1/bookmarks/{}", v.bookmark.id),
            summary: v.bookmark.comment.clone(),
            tags: v.bookmark.tag_list(),
            published: v.bookmark.created_at,
            author: Some(v.user.display_name.clone()),
        })
        .collect()
}

/// Percent-encodes a path segment.
fn segment(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes())
        .collect::<String>()
        .replace('+', "%20")
}

#[derive(Debug, Deserialize)]
pub struct UserFeedParams {
    #[serde(default)]
    tag: Vec<String>,
}

/// `/{username}/bookmarks.rss|atom[?tag=…]`: a user's public bookmarks.
pub async fn user(
    state: web::Data<AppState>,
    Query(params): Query<UserFeedParams>,
    req: HttpRequest,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (name, ext) = path.into_inner();
    let format = FeedFormat::parse(&ext)?;
    let mut fields = Fields::default();
    if params.tag.len() > 10 {
        fields.push("tag", "at most 10 tags");
    }
    let tags: Vec<TagName> = params
        .tag
        .iter()
        .enumerate()
        .filter_map(|(i, t)| fields.check(&format!("tag[{i}]"), TagName::parse(t)))
        .collect();
    fields.finish()?;
    let user = state
        .read(move |c| users::find_by_name(c, &name))
        .await?
        .filter(|u| u.suspended_at.is_none())
        .ok_or_else(|| ApiError::not_found("user"))?;
    let filter = UserFilter {
        tags: tags.iter().map(TagName::key).collect(),
        ..UserFilter::default()
    };
    let owner = user.id;
    // Never the owner's view: feeds are public.
    let page = state
        .read(move |c| bookmarks::list_for_user(c, owner, false, &filter, None, FEED_ITEMS))
        .await?;
    let base = base_url(&state, &req);
    let username = user.username;
    let tag_names: Vec<&str> = tags.iter().map(TagName::as_str).collect();
    let query: String = tag_names
        .iter()
        .map(|t| format!("tag={}", segment(t)))
        .collect::<Vec<_>>()
        .join("&");
    let suffix = if query.is_empty() {
        String::new()
    } else {
        format!("?{query}")
    };
    let items = bookmark_items(&base, page.items);
    let title = if tag_names.is_empty() {
        format!("{}'s bookmarks", user.display_name)
    } else {
        format!(
            "{}'s bookmarks tagged {}",
            user.display_name,
            tag_names.join(", ")
        )
    };
    render(
        Feed {
            title,
            link: format!("{base}/{username}{suffix}"),
            self_url: format!("{base}/{username}/bookmarks.{ext}{suffix}"),
            description: format!("Public bookmarks of {username} on bukuma"),
            items,
        },
        format,
    )
}

/// `/{username}/feed.rss|atom`: the public bookmarks of the people a user
/// follows (Hatena's public favorites feed), newest first.
pub async fn following(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (name, ext) = path.into_inner();
    let format = FeedFormat::parse(&ext)?;
    let user = state
        .read(move |c| users::find_by_name(c, &name))
        .await?
        .ok_or_else(|| ApiError::not_found("user"))?;
    let id = user.id;
    let page = state
        .read(move |c| follows::feed(c, id, None, None, FEED_ITEMS))
        .await?;
    let base = base_url(&state, &req);
    let username = user.username;
    let items = bookmark_items(&base, page.items);
    render(
        Feed {
            title: format!("Bookmarks of the people {} follows", user.display_name),
            link: format!("{base}/{username}"),
            self_url: format!("{base}/{username}/feed.{ext}"),
            description: format!("Public bookmarks of the people {username} follows on bukuma"),
            items,
        },
        format,
    )
}

/// `/t/{tag}.rss|atom`: entries people tagged with a tag.
pub async fn tag(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (tag, ext) = path.into_inner();
    let format = FeedFormat::parse(&ext)?;
    let tag = TagName::parse(&tag).map_err(|e| ApiError::field("tag", e))?;
    let key = tag.key();
    let page = state
        .read(move |c| entries::tagged(c, &key, None, FEED_ITEMS))
        .await?;
    let base = base_url(&state, &req);
    let name = tag.as_str();
    render(
        Feed {
            title: format!("Entries tagged {name}"),
            link: format!("{base}/t/{}", segment(name)),
            self_url: format!("{base}/t/{}.{ext}", segment(name)),
            description: format!("Entries people tagged {name} on bukuma"),
            items: entry_items(&base, page.items, false),
        },
        format,
    )
}

/// `/site/{domain}.rss|atom`: new entries of a site.
pub async fn site(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (domain, ext) = path.into_inner();
    let format = FeedFormat::parse(&ext)?;
    let domain = normalize_domain(&domain).map_err(|e| ApiError::field("domain", e))?;
    let d = domain.clone();
    let page = state
        .read(move |c| entries::site_newest(c, &d, None, FEED_ITEMS))
        .await?;
    let base = base_url(&state, &req);
    render(
        Feed {
            title: format!("New entries of {domain}"),
            link: format!("{base}/site/{domain}"),
            self_url: format!("{base}/site/{domain}.{ext}"),
            description: format!("Entries of {domain} newly bookmarked on bukuma"),
            items: entry_items(&base, page.items, false),
        },
        format,
    )
}

/// `/hot.rss|atom`: hot entries.
pub async fn hot(
    state: web::Data<AppState>,
    req: HttpRequest,
    ext: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let ext = ext.into_inner();
    let format = FeedFormat::parse(&ext)?;
    let page = state
        .read(move |c| entries::hot(c, None, None, FEED_ITEMS))
        .await?;
    let base = base_url(&state, &req);
    render(
        Feed {
            title: "bukuma: hot entries".into(),
            link: format!("{base}/"),
            self_url: format!("{base}/hot.{ext}"),
            description: "Entries people are bookmarking now".into(),
            items: entry_items(&base, page.items, false),
        },
        format,
    )
}

/// `/search.rss|atom?q=…`: the first page of an entries search, so people
/// can subscribe to a query (the parameters of `GET /api/v1/search`).
pub async fn search(
    state: web::Data<AppState>,
    req: HttpRequest,
    ext: web::Path<String>,
    Query(p): Query<crate::views::SearchParams>,
) -> Result<HttpResponse, ApiError> {
    let ext = ext.into_inner();
    let format = FeedFormat::parse(&ext)?;
    let q = p.q.clone();
    let r = super::search::SearchRequest::check(p, 0, FEED_ITEMS)?;
    if r.scope != crate::views::SearchScope::All {
        return Err(ApiError::field("scope", "feeds search everyone's entries"));
    }
    let entries = if r.matches_nothing() {
        Vec::new()
    } else {
        super::search::find_entries(&state, &r).await?.0
    };
    let base = base_url(&state, &req);
    let query = req.query_string();
    render(
        Feed {
            title: format!("bukuma: search for {q}"),
            link: format!("{base}/search?{query}"),
            self_url: format!("{base}/search.{ext}?{query}"),
            description: format!("Entries matching {q}"),
            items: entry_items(&base, entries, false),
        },
        format,
    )
}

/// `/new.rss|atom`: new entries.
pub async fn newest(
    state: web::Data<AppState>,
    req: HttpRequest,
    ext: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let ext = ext.into_inner();
    let format = FeedFormat::parse(&ext)?;
    let page = state
        .read(move |c| entries::newest(c, None, FEED_ITEMS))
        .await?;
    let base = base_url(&state, &req);
    render(
        Feed {
            title: "bukuma: new entries".into(),
            link: format!("{base}/new"),
            self_url: format!("{base}/new.{ext}"),
            description: "Entries that recently reached a few bookmarks".into(),
            items: entry_items(&base, page.items, true),
        },
        format,
    )
}

/// The category a feed path names, or 404.
fn feed_category(slug: &str) -> Result<bukuma_domain::Category, ApiError> {
    bukuma_domain::Category::from_slug(slug).ok_or_else(|| ApiError::not_found("category"))
}

/// `/hot/{category}.rss|atom`: hot entries of one category.
pub async fn category_hot(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    category_feed(state, req, path, false).await
}

/// `/new/{category}.rss|atom`: new entries of one category.
pub async fn category_newest(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    category_feed(state, req, path, true).await
}

/// The hot list (`new` false) or the new list of the category the path names.
async fn category_feed(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<(String, String)>,
    new: bool,
) -> Result<HttpResponse, ApiError> {
    let (slug, ext) = path.into_inner();
    let format = FeedFormat::parse(&ext)?;
    let category = feed_category(&slug)?;
    let page = state
        .read(move |c| {
            if new {
                entries::category_newest(c, category, None, FEED_ITEMS)
            } else {
                entries::category_hot(c, category, None, FEED_ITEMS)
            }
        })
        .await?;
    let base = base_url(&state, &req);
    let slug = category.slug();
    let (list, what) = if new {
        ("new", "that recently reached a few bookmarks")
    } else {
        ("hot", "people are bookmarking now")
    };
    render(
        Feed {
            title: format!("bukuma: {list} entries – {}", category.name_en()),
            link: format!("{base}/{list}/{slug}"),
            self_url: format!("{base}/{list}/{slug}.{ext}"),
            description: format!(
                "Entries of {} ({}) {what}",
                category.name_en(),
                category.name_ja()
            ),
            items: entry_items(&base, page.items, new),
        },
        format,
    )
}
