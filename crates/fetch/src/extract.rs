//! Metadata extraction from an HTML body: pure, no I/O.

use encoding_rs::{Encoding, UTF_8, WINDOWS_1252};
use scraper::{ElementRef, Html, Node};
use url::Url;

/// The longest title kept, in characters (Unicode scalar values).
pub const MAX_TITLE_CHARS: usize = 500;
/// The longest summary kept, in characters, including the trailing "…".
pub const MAX_SUMMARY_CHARS: usize = 200;
/// The longest URL kept, in bytes (the domain's URL limit).
pub const MAX_URL_BYTES: usize = 2048;
/// How much of the body is searched for a `<meta>` charset declaration.
const CHARSET_SNIFF_BYTES: usize = 1024;

const HTML_NS: &str = "http://www.w3.org/1999/xhtml";

/// What a page says about itself.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PageMetadata {
    /// The URL the page was finally served from (after redirects).
    pub final_url: String,
    /// `og:title`, else `<title>`; whitespace collapsed, ≤ 500 characters.
    pub title: Option<String>,
    /// `og:description`, else `<meta name="description">`, else the first
    /// non-empty `<p>`; whitespace collapsed, ≤ 200 characters ("…" when cut).
    pub summary: Option<String>,
    /// `og:image` (else `twitter:image`), absolute http(s), ≤ 2048 bytes.
    pub thumbnail_url: Option<String>,
    /// `<link rel="icon" | "shortcut icon" | "apple-touch-icon">`, else
    /// `/favicon.ico` of the page's origin; absolute http(s), ≤ 2048 bytes.
    pub favicon_url: Option<String>,
}

/// Extracts the metadata of an HTML page.
///
/// `content_type` is the response's `Content-Type` header (for its charset);
/// `base` is the page's URL, used for `final_url` and to resolve relative
/// links. The character set is taken from a byte-order mark if there is one
/// (as browsers do), else the header's `charset`, else a `<meta charset>` or
/// `<meta http-equiv="Content-Type">` in the first 1 KiB, else UTF-8. Bytes
/// that are invalid in that encoding become U+FFFD.
pub fn extract(body: &[u8], content_type: Option<&str>, base: &Url) -> PageMetadata {
    let encoding = content_type
        .and_then(charset_from_content_type)
        .or_else(|| sniff_meta_charset(body))
        .unwrap_or(UTF_8);
    // `decode` lets a BOM override the chosen encoding and strips it.
    let (text, _, _) = encoding.decode(body);
    let doc = Html::parse_document(&text);
    extract_from_document(&doc, base)
}

fn extract_from_document(doc: &Html, page_url: &Url) -> PageMetadata {
    let mut og_title = None;
    let mut og_description = None;
    let mut meta_description = None;
    let mut og_image = None;
    let mut twitter_image = None;
    let mut title = None;
    let mut base_href = None;
    let mut icon = None;
    let mut touch_icon = None;
    let mut first_paragraph = None;

    for el in doc.root_element().descendent_elements() {
        let v = el.value();
        if &*v.name.ns != HTML_NS {
            continue;
        }
        match v.name() {
            "meta" => {
                let Some(content) = v.attr("content") else {
                    continue;
                };
                let key = v.attr("property").or_else(|| v.attr("name"));
                let Some(key) = key.map(|k| k.trim().to_ascii_lowercase()) else {
                    continue;
                };
                let slot = match key.as_str() {
                    "og:title" => &mut og_title,
                    "og:description" => &mut og_description,
                    "description" => &mut meta_description,
                    "og:image" | "og:image:url" => &mut og_image,
                    "twitter:image" | "twitter:image:src" => &mut twitter_image,
                    _ => continue,
                };
                if slot.is_none() && !content.trim().is_empty() {
                    *slot = Some(content.to_owned());
                }
            }
            "title" if title.is_none() => {
                let t = collapse_whitespace(&el.text().collect::<String>());
                if !t.is_empty() {
                    title = Some(t);
                }
            }
            "base" if base_href.is_none() => {
                base_href = v
                    .attr("href")
                    .and_then(|h| resolve_url(page_url, h))
                    .and_then(|s| Url::parse(&s).ok());
            }
            "link" => {
                let (Some(rel), Some(href)) = (v.attr("rel"), v.attr("href")) else {
                    continue;
                };
                let rel = rel.to_ascii_lowercase();
                let tokens: Vec<&str> = rel.split_ascii_whitespace().collect();
                if icon.is_none() && tokens.contains(&"icon") {
                    icon = Some(href.to_owned());
                } else if touch_icon.is_none()
                    && tokens
                        .iter()
                        .any(|t| *t == "apple-touch-icon" || *t == "apple-touch-icon-precomposed")
                {
                    touch_icon = Some(href.to_owned());
                }
            }
            "p" if first_paragraph.is_none() => {
                let mut raw = String::new();
                visible_text(el, &mut raw);
                let t = collapse_whitespace(&raw);
                if !t.is_empty() {
                    first_paragraph = Some(t);
                }
            }
            _ => {}
        }
    }

    let link_base = base_href.as_ref().unwrap_or(page_url);
    let title = og_title
        .map(|t| collapse_whitespace(&t))
        .filter(|t| !t.is_empty())
        .or(title)
        .map(|t| truncate_chars(&t, MAX_TITLE_CHARS));
    let summary = og_description
        .or(meta_description)
        .map(|s| collapse_whitespace(&s))
        .filter(|s| !s.is_empty())
        .or(first_paragraph)
        .map(|s| truncate_chars(&s, MAX_SUMMARY_CHARS));
    let thumbnail_url = og_image
        .and_then(|u| resolve_url(link_base, &u))
        .or_else(|| twitter_image.and_then(|u| resolve_url(link_base, &u)));
    let favicon_url = icon
        .and_then(|u| resolve_url(link_base, &u))
        .or_else(|| touch_icon.and_then(|u| resolve_url(link_base, &u)))
        .or_else(|| resolve_url(page_url, "/favicon.ico"));

    PageMetadata {
        final_url: page_url.to_string(),
        title,
        summary,
        thumbnail_url,
        favicon_url,
    }
}

/// The text of an element, leaving out scripts, styles and templates.
fn visible_text(el: ElementRef<'_>, out: &mut String) {
    for child in el.children() {
        match child.value() {
            Node::Text(t) => out.push_str(t),
            Node::Element(e)
                if matches!(e.name(), "script" | "style" | "template" | "noscript") => {}
            Node::Element(_) => {
                if let Some(child_el) = ElementRef::wrap(child) {
                    // Block-ish boundaries (e.g. <br>) still separate words.
                    out.push(' ');
                    visible_text(child_el, out);
                    out.push(' ');
                }
            }
            _ => {}
        }
    }
}

/// Resolves `href` against `base`; keeps it only if it is http(s) and at most
/// [`MAX_URL_BYTES`] long.
fn resolve_url(base: &Url, href: &str) -> Option<String> {
    let href = href.trim();
    if href.is_empty() {
        return None;
    }
    let url = base.join(href).ok()?;
    if !matches!(url.scheme(), "http" | "https") || url.host().is_none() {
        return None;
    }
    let s = String::from(url);
    (s.len() <= MAX_URL_BYTES).then_some(s)
}

/// Trims and turns every run of whitespace (including NBSP and U+3000
/// ideographic space) into one ASCII space.
fn collapse_whitespace(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for word in s.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// Cuts `s` to at most `max` characters; a cut string ends in "…" (which
/// counts towards `max`).
fn truncate_chars(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_owned();
    }
    let mut out: String = s.chars().take(max.saturating_sub(1)).collect();
    out.truncate(out.trim_end().len());
    out.push('…');
    out
}

/// The encoding named by a `Content-Type` value's `charset` parameter.
fn charset_from_content_type(content_type: &str) -> Option<&'static Encoding> {
    content_type.split(';').skip(1).find_map(|param| {
        let (name, value) = param.split_once('=')?;
        if !name.trim().eq_ignore_ascii_case("charset") {
            return None;
        }
        let value = value.trim().trim_matches(|c| c == '"' || c == '\'');
        Encoding::for_label(value.as_bytes())
    })
}

/// The encoding declared by a `<meta charset>` or `<meta http-equiv
/// content="…; charset=…">` in the first [`CHARSET_SNIFF_BYTES`] of `body`.
fn sniff_meta_charset(body: &[u8]) -> Option<&'static Encoding> {
    let head = &body[..body.len().min(CHARSET_SNIFF_BYTES)];
    let lower = head.to_ascii_lowercase();
    let mut pos = 0;
    while let Some(start) = find(&lower[pos..], b"<meta").map(|i| i + pos) {
        let tag_end = find(&lower[start..], b">").map_or(lower.len(), |i| i + start);
        let tag = &lower[start..tag_end];
        if let Some(enc) = charset_in_tag(tag) {
            // Per the HTML standard a <meta> can't switch to UTF-16 (the
            // bytes were readable as ASCII), and x-user-defined means 1252.
            return Some(match enc.name() {
                "UTF-16LE" | "UTF-16BE" => UTF_8,
                "x-user-defined" => WINDOWS_1252,
                _ => enc,
            });
        }
        pos = tag_end;
    }
    None
}

fn charset_in_tag(tag: &[u8]) -> Option<&'static Encoding> {
    let mut pos = 0;
    while let Some(i) = find(&tag[pos..], b"charset").map(|i| i + pos) {
        let mut j = i + b"charset".len();
        while tag.get(j).is_some_and(u8::is_ascii_whitespace) {
            j += 1;
        }
        if tag.get(j) == Some(&b'=') {
            j += 1;
            while tag
                .get(j)
                .is_some_and(|b| b.is_ascii_whitespace() || *b == b'"' || *b == b'\'')
            {
                j += 1;
            }
            let end = tag[j..]
                .iter()
                .position(|b| {
                    !(b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b':'))
                })
                .map_or(tag.len(), |k| j + k);
            if let Some(enc) = Encoding::for_label(&tag[j..end]) {
                return Some(enc);
            }
        }
        pos = i + 1;
    }
    None
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;
    use encoding_rs::{EUC_JP, ISO_2022_JP, SHIFT_JIS};

    fn base() -> Url {
        Url::parse("https://example.com/articles/1?x=y").expect("base URL parses")
    }

    #[test]
    fn og_tags_win_over_title_and_description() {
        let html = br#"<!doctype html><html><head>
            <title>Plain title</title>
            <meta property="og:title" content="  OG   title ">
            <meta name="description" content="meta description">
            <meta property="og:description" content="OG description">
            <meta property="og:image" content="/img/card.png">
            <link rel="icon" href="/static/icon.svg">
            </head><body><p>first</p></body></html>"#;
        let m = extract(html, Some("text/html; charset=utf-8"), &base());
        assert_eq!(m.final_url, "https://example.com/articles/1?x=y");
        assert_eq!(m.title.as_deref(), Some("OG title"));
        assert_eq!(m.summary.as_deref(), Some("OG description"));
        assert_eq!(
            m.thumbnail_url.as_deref(),
            Some("https://example.com/img/card.png")
        );
        assert_eq!(
            m.favicon_url.as_deref(),
            Some("https://example.com/static/icon.svg")
        );
    }

    #[test]
    fn title_element_and_meta_description_are_fallbacks() {
        let html =
            b"<title>\n  Hello\t\tworld \n</title><meta name=Description content='desc here'>";
        let m = extract(html, None, &base());
        assert_eq!(m.title.as_deref(), Some("Hello world"));
        assert_eq!(m.summary.as_deref(), Some("desc here"));
        assert_eq!(m.thumbnail_url, None);
        assert_eq!(
            m.favicon_url.as_deref(),
            Some("https://example.com/favicon.ico")
        );
    }

    #[test]
    fn entities_are_decoded_in_text_and_attributes() {
        let html = b"<title>Tom &amp; Jerry &#x2014; &lt;b&gt; &quot;q&quot; &#12354;</title>\
            <meta property=og:description content=\"caf&eacute; &amp; bar&nbsp;&hellip;\">";
        let m = extract(html, None, &base());
        assert_eq!(
            m.title.as_deref(),
            Some("Tom & Jerry \u{2014} <b> \"q\" \u{3042}")
        );
        assert_eq!(m.summary.as_deref(), Some("caf\u{e9} & bar \u{2026}"));
    }

    #[test]
    fn first_non_empty_paragraph_is_the_summary_fallback() {
        let html = b"<body><p>   </p><p><script>var x=1;</script>First <b>real</b>\n paragraph.</p><p>Second</p></body>";
        let m = extract(html, None, &base());
        assert_eq!(m.summary.as_deref(), Some("First real paragraph."));
    }

    #[test]
    fn long_summary_is_cut_to_200_chars_with_ellipsis() {
        let text = "\u{3042}".repeat(300);
        let html = format!("<p>{text}</p>");
        let m = extract(html.as_bytes(), None, &base());
        let s = m.summary.expect("summary present");
        assert_eq!(s.chars().count(), 200);
        assert!(s.ends_with('…'));
        assert!(s.starts_with("\u{3042}\u{3042}"));
    }

    #[test]
    fn summary_of_exactly_200_chars_is_not_cut() {
        let text = "a".repeat(200);
        let m = extract(format!("<p>{text}</p>").as_bytes(), None, &base());
        assert_eq!(m.summary.as_deref(), Some(text.as_str()));
    }

    #[test]
    fn long_title_is_cut_to_500_chars() {
        let html = format!("<title>{}</title>", "t".repeat(800));
        let m = extract(html.as_bytes(), None, &base());
        assert_eq!(m.title.expect("title").chars().count(), 500);
    }

    #[test]
    fn relative_urls_resolve_against_page_and_base_element() {
        let html = br#"<base href="https://cdn.example.net/assets/">
            <meta property="og:image" content="card.jpg">
            <link rel="shortcut icon" href="fav.ico">"#;
        let m = extract(html, None, &base());
        assert_eq!(
            m.thumbnail_url.as_deref(),
            Some("https://cdn.example.net/assets/card.jpg")
        );
        assert_eq!(
            m.favicon_url.as_deref(),
            Some("https://cdn.example.net/assets/fav.ico")
        );
    }

    #[test]
    fn non_http_and_overlong_urls_are_dropped() {
        let long = format!("https://example.com/{}", "a".repeat(3000));
        let html = format!(
            r#"<meta property="og:image" content="javascript:alert(1)">
            <meta name="twitter:image" content="{long}">
            <link rel="icon" href="data:image/png;base64,AAAA">"#
        );
        let m = extract(html.as_bytes(), None, &base());
        assert_eq!(m.thumbnail_url, None);
        assert_eq!(
            m.favicon_url.as_deref(),
            Some("https://example.com/favicon.ico")
        );
    }

    #[test]
    fn apple_touch_icon_is_used_when_no_icon() {
        let html = br#"<link rel="apple-touch-icon" href="/apple.png">"#;
        let m = extract(html, None, &base());
        assert_eq!(
            m.favicon_url.as_deref(),
            Some("https://example.com/apple.png")
        );
    }

    #[test]
    fn svg_title_is_not_the_page_title() {
        let html = b"<body><svg><title>icon</title></svg><p>x</p></body>";
        let m = extract(html, None, &base());
        assert_eq!(m.title, None);
    }

    #[test]
    fn charset_comes_from_header_then_meta_then_utf8() {
        let (sjis, _, _) = SHIFT_JIS.encode("<title>日本語</title>");
        // header wins
        let m = extract(&sjis, Some("text/html; charset=\"Shift_JIS\""), &base());
        assert_eq!(m.title.as_deref(), Some("日本語"));
        // meta http-equiv
        let mut page =
            b"<meta http-equiv=\"Content-Type\" content=\"text/html; charset=shift_jis\">".to_vec();
        page.extend_from_slice(&sjis);
        let m = extract(&page, Some("text/html"), &base());
        assert_eq!(m.title.as_deref(), Some("日本語"));
        // default UTF-8, lossy
        let m = extract("<title>日本語</title>".as_bytes(), None, &base());
        assert_eq!(m.title.as_deref(), Some("日本語"));
    }

    #[test]
    fn euc_jp_and_iso_2022_jp_decode() {
        for enc in [EUC_JP, ISO_2022_JP] {
            let (bytes, _, _) = enc.encode("<title>こんにちは 世界</title>");
            let ct = format!("text/html; charset={}", enc.name());
            let m = extract(&bytes, Some(&ct), &base());
            assert_eq!(
                m.title.as_deref(),
                Some("こんにちは 世界"),
                "{}",
                enc.name()
            );
        }
    }

    #[test]
    fn bom_overrides_declared_charset() {
        let mut page = vec![0xEF, 0xBB, 0xBF];
        page.extend_from_slice("<title>ユニコード</title>".as_bytes());
        let m = extract(&page, Some("text/html; charset=shift_jis"), &base());
        assert_eq!(m.title.as_deref(), Some("ユニコード"));
    }

    #[test]
    fn meta_charset_beyond_first_kilobyte_is_ignored() {
        let padding = " ".repeat(1100);
        let (sjis, _, _) = SHIFT_JIS.encode("<title>日本語</title>");
        let mut page = format!("<!--{padding}--><meta charset=shift_jis>").into_bytes();
        page.extend_from_slice(&sjis);
        let m = extract(&page, None, &base());
        assert_ne!(m.title.as_deref(), Some("日本語"));
    }

    #[test]
    fn invalid_bytes_are_replaced_not_fatal() {
        let m = extract(b"<title>ok \xff\xfe</title>", None, &base());
        assert_eq!(m.title.as_deref(), Some("ok \u{fffd}\u{fffd}"));
    }
}
