//! Hatena's search URLs, `/search/{text|title|tag}?q=&sort=&users=&
//! date_begin=&date_end=&of=`. With `mode=rss` they answer an RSS 2.0 feed
//! of 40 entries from offset `of`, each with Hatena's
//! `hatena:bookmarkcount`, `hatena:bookmarkCommentListPageUrl` and
//! `hatena:imageurl`, so feed readers subscribed to a Hatena search keep
//! working. Without it the address is a person's: they are sent to the
//! web app's search page with the same query (`/search?q=&target=…`),
//! which is where bukuma's search lives.

use std::collections::BTreeMap;

use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use bukuma_db::models::EntryView;
use chrono::NaiveDate;
use rss::extension::{Extension, ExtensionMap};
use serde::Deserialize;

use super::entry_url;
use crate::error::{ApiError, Fields};
use crate::extract::Query;
use crate::routes::feeds::{base_url, html_text, time, xml_safe};
use crate::routes::search::{find_entries, SearchRequest, MAX_OFFSET};
use crate::state::AppState;
use crate::views::{SearchParams, SearchScope, SearchSort, SearchTarget};

/// Entries in one page of the feed, as on Hatena.
pub const PAGE_ITEMS: usize = 40;

/// Hatena's XML namespace.
pub const HATENA_NS: &str = "http://www.hatena.ne.jp/info/xmlns#";

#[derive(Debug, Deserialize)]
pub struct HatenaSearchParams {
    #[serde(default)]
    q: String,
    mode: Option<String>,
    sort: Option<String>,
    users: Option<String>,
    date_begin: Option<String>,
    date_end: Option<String>,
    of: Option<String>,
}

fn target(kind: &str) -> Option<SearchTarget> {
    match kind {
        "text" => Some(SearchTarget::All),
        "title" => Some(SearchTarget::Title),
        "tag" => Some(SearchTarget::Tag),
        _ => None,
    }
}

fn day(fields: &mut Fields, name: &str, raw: Option<&str>) -> Option<NaiveDate> {
    let raw = raw.map(str::trim).filter(|d| !d.is_empty())?;
    fields.check(
        name,
        NaiveDate::parse_from_str(raw, "%Y-%m-%d").map_err(|_| "must be a day, YYYY-MM-DD"),
    )
}

/// The query as the JSON API's search takes it, and the offset.
fn check(kind: SearchTarget, p: &HatenaSearchParams) -> Result<(SearchParams, usize), ApiError> {
    let mut fields = Fields::default();
    let sort = match p.sort.as_deref().map(str::trim) {
        None | Some("") | Some("recent") => SearchSort::Recent,
        Some("popular") => SearchSort::Popular,
        Some("relevance") => SearchSort::Relevance,
        Some(_) => {
            fields.push("sort", "must be recent, popular or relevance");
            SearchSort::Recent
        }
    };
    let users = match p.users.as_deref().map(str::trim).filter(|u| !u.is_empty()) {
        None => None,
        Some(u) => fields.check(
            "users",
            u.parse::<u32>()
                .ok()
                .filter(|n| *n <= 1_000_000)
                .ok_or("must be a number between 0 and 1000000"),
        ),
    };
    let offset = match p.of.as_deref().map(str::trim).filter(|o| !o.is_empty()) {
        None => 0,
        Some(o) => fields
            .check(
                "of",
                o.parse::<usize>()
                    .ok()
                    .filter(|n| *n <= MAX_OFFSET)
                    .ok_or(format!("must be a number between 0 and {MAX_OFFSET}")),
            )
            .unwrap_or(0),
    };
    let date_begin = day(&mut fields, "date_begin", p.date_begin.as_deref());
    let date_end = day(&mut fields, "date_end", p.date_end.as_deref());
    fields.finish()?;
    Ok((
        SearchParams {
            q: p.q.clone(),
            scope: Some(SearchScope::All),
            target: Some(kind),
            sort: Some(sort),
            users,
            date_begin,
            date_end,
            site: None,
            user: None,
        },
        offset,
    ))
}

/// Where a person who opens a Hatena search address is sent: the web
/// app's search page with the same query.
fn spa_search(kind: SearchTarget, p: &HatenaSearchParams) -> String {
    let mut q = url::form_urlencoded::Serializer::new(String::new());
    q.append_pair("q", &p.q);
    let target = match kind {
        SearchTarget::All | SearchTarget::Comment => "all",
        SearchTarget::Title => "title",
        SearchTarget::Tag => "tag",
    };
    q.append_pair("target", target);
    for (name, value) in [
        ("sort", &p.sort),
        ("users", &p.users),
        ("date_begin", &p.date_begin),
        ("date_end", &p.date_end),
    ] {
        if let Some(v) = value.as_deref().filter(|v| !v.is_empty()) {
            q.append_pair(name, v);
        }
    }
    format!("/search?{}", q.finish())
}

fn hatena_element(name: &str, value: String) -> (String, Vec<Extension>) {
    (
        name.to_owned(),
        vec![Extension {
            name: format!("hatena:{name}"),
            value: Some(xml_safe(value)),
            attrs: BTreeMap::new(),
            children: BTreeMap::new(),
        }],
    )
}

fn item(base: &str, v: EntryView) -> rss::Item {
    let e = v.entry;
    let mut item = rss::Item::default();
    let title = if e.title.is_empty() {
        e.url.clone()
    } else {
        e.title.clone()
    };
    item.set_title(Some(xml_safe(title)));
    item.set_link(Some(xml_safe(e.url.clone())));
    if !e.summary.is_empty() {
        item.set_description(Some(html_text(&xml_safe(e.summary.clone()))));
    }
    let mut guid = rss::Guid::default();
    guid.set_value(entry_url(base, e.id));
    guid.set_permalink(true);
    item.set_guid(Some(guid));
    let published = e.first_bookmarked_at.unwrap_or(e.created_at);
    item.set_pub_date(Some(time(published).to_rfc2822()));
    item.set_categories(
        v.tags
            .into_iter()
            .map(|t| {
                let mut c = rss::Category::default();
                c.set_name(xml_safe(t));
                c
            })
            .collect::<Vec<_>>(),
    );
    let mut hatena: BTreeMap<String, Vec<Extension>> = BTreeMap::from([
        hatena_element("bookmarkcount", e.bookmark_count.to_string()),
        hatena_element("bookmarkCommentListPageUrl", entry_url(base, e.id)),
    ]);
    if let Some(image) = e.thumbnail_url.filter(|i| !i.is_empty()) {
        let (name, list) = hatena_element("imageurl", image);
        hatena.insert(name, list);
    }
    let mut extensions = ExtensionMap::new();
    extensions.insert("hatena".to_owned(), hatena);
    item.set_extensions(extensions);
    item
}

/// `GET /search/{text|title|tag}`: RSS with `mode=rss`, else a redirect
/// to the web app's search page.
pub async fn search(
    state: web::Data<AppState>,
    req: HttpRequest,
    kind: web::Path<String>,
    Query(p): Query<HatenaSearchParams>,
) -> Result<HttpResponse, ApiError> {
    let kind = target(&kind).ok_or_else(|| ApiError::not_found("search kind"))?;
    let wants_rss = match p.mode.as_deref() {
        None | Some("") => false,
        Some("rss") => true,
        Some(_) => return Err(ApiError::field("mode", "must be rss")),
    };
    if !wants_rss {
        return Ok(HttpResponse::Found()
            .insert_header((header::LOCATION, spa_search(kind, &p)))
            .finish());
    }
    let (params, offset) = check(kind, &p)?;
    let q = params.q.clone();
    let r = SearchRequest::check(params, offset, PAGE_ITEMS)?;
    let found = if r.matches_nothing() {
        Vec::new()
    } else {
        find_entries(&state, &r).await?.0
    };
    let base = base_url(&state, &req);
    let mut channel = rss::Channel::default();
    channel.set_namespaces(BTreeMap::from([(
        "hatena".to_owned(),
        HATENA_NS.to_owned(),
    )]));
    channel.set_title(xml_safe(format!("bukuma: search for {q}")));
    channel.set_link(xml_safe(format!("{base}{}", spa_search(kind, &p))));
    channel.set_description(xml_safe(format!("Entries matching {q}")));
    channel.set_generator(Some("bukuma".to_owned()));
    channel.set_items(
        found
            .into_iter()
            .map(|v| item(&base, v))
            .collect::<Vec<_>>(),
    );
    let body = channel
        .write_to(Vec::new())
        .map_err(|e| ApiError::Internal(format!("writing RSS: {e}")))?;
    Ok(HttpResponse::Ok()
        .content_type("application/rss+xml; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "public, max-age=300"))
        .body(body))
}
