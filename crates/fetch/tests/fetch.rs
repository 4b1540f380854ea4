//! End-to-end tests of `Fetcher`: each starts its own HTTP server on
//! 127.0.0.0/8 and proves one rule. Nothing is ever sent elsewhere: refused
//! addresses are refused before any connection is made.

mod support;

use std::time::{Duration, Instant};

use bukuma_fetch::{FetchConfig, FetchError, Fetcher, IpNet};
use encoding_rs::{EUC_JP, SHIFT_JIS};
use support::{serve, serve_on, serve_silence, Reply};

fn net(s: &str) -> IpNet {
    s.parse().expect("test network parses")
}

/// A fetcher allowed to reach the loopback test servers.
fn local_fetcher() -> Fetcher {
    fetcher_with(FetchConfig {
        allow_private: vec![net("127.0.0.0/8"), net("::1/128")],
        ..FetchConfig::default()
    })
}

fn fetcher_with(config: FetchConfig) -> Fetcher {
    Fetcher::new(config).expect("fetcher builds")
}

const OG_PAGE: &str = r#"<!DOCTYPE html>
<html lang="en"><head>
<meta charset="utf-8">
<title>Plain title | Example</title>
<meta property="og:title" content="An OpenGraph title">
<meta property="og:description" content="What the page is about.">
<meta property="og:image" content="/images/card.png">
<link rel="icon" href="/static/favicon.svg">
</head><body><p>Body text.</p></body></html>"#;

#[tokio::test]
async fn utf8_page_with_og_tags_is_extracted() {
    let server = serve(|_| Reply::html(OG_PAGE)).await;
    let meta = local_fetcher()
        .fetch(&server.url("/article?id=1"))
        .await
        .expect("fetch succeeds");
    assert_eq!(meta.final_url, server.url("/article?id=1"));
    assert_eq!(meta.title.as_deref(), Some("An OpenGraph title"));
    assert_eq!(meta.summary.as_deref(), Some("What the page is about."));
    assert_eq!(meta.thumbnail_url, Some(server.url("/images/card.png")));
    assert_eq!(meta.favicon_url, Some(server.url("/static/favicon.svg")));
}

#[tokio::test]
async fn requests_carry_the_user_agent_and_accept_header() {
    let server = serve(|_| Reply::html(OG_PAGE)).await;
    local_fetcher()
        .fetch(&server.url("/"))
        .await
        .expect("fetch succeeds");
    let head = server.requests().join("\n").to_ascii_lowercase();
    assert!(
        head.contains("user-agent: bukuma/0.1 (+https://github.com/bukuma; page metadata)"),
        "{head}"
    );
    assert!(
        head.contains("accept: text/html,application/xhtml+xml"),
        "{head}"
    );
}

#[tokio::test]
async fn shift_jis_page_with_charset_only_in_meta_is_decoded() {
    let html =
        "<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=Shift_JIS\">\
        <title>ブックマーク　日本語のページ</title>\
        <meta name=\"description\" content=\"シフトJISで書かれた説明文です。\"></head>\
        <body><p>本文</p></body></html>";
    let (bytes, _, unmappable) = SHIFT_JIS.encode(html);
    assert!(!unmappable);
    let body = bytes.into_owned();
    let server = serve(move |_| Reply::with_type("text/html", body.clone())).await;
    let meta = local_fetcher()
        .fetch(&server.url("/sjis"))
        .await
        .expect("fetch succeeds");
    // U+3000 (ideographic space) is whitespace and collapses to one space.
    assert_eq!(meta.title.as_deref(), Some("ブックマーク 日本語のページ"));
    assert_eq!(
        meta.summary.as_deref(),
        Some("シフトJISで書かれた説明文です。")
    );
}

#[tokio::test]
async fn euc_jp_page_with_charset_only_in_header_is_decoded() {
    let html = "<html><head><title>EUC-JPのページ</title></head>\
        <body><p>最初の段落は要約になります。</p></body></html>";
    let (bytes, _, unmappable) = EUC_JP.encode(html);
    assert!(!unmappable);
    let body = bytes.into_owned();
    let server = serve(move |_| Reply::with_type("text/html; charset=EUC-JP", body.clone())).await;
    let meta = local_fetcher()
        .fetch(&server.url("/euc"))
        .await
        .expect("fetch succeeds");
    assert_eq!(meta.title.as_deref(), Some("EUC-JPのページ"));
    assert_eq!(
        meta.summary.as_deref(),
        Some("最初の段落は要約になります。")
    );
}

#[tokio::test]
async fn html_entities_are_decoded() {
    let html = "<title>Q&amp;A &#8212; caf&eacute; &lt;tips&gt; &#x3042;</title>\
        <meta property=\"og:description\" content=\"&quot;Fish &amp; Chips&quot; &copy; 2024\">";
    let server = serve(move |_| Reply::html(html)).await;
    let meta = local_fetcher()
        .fetch(&server.url("/"))
        .await
        .expect("fetch succeeds");
    assert_eq!(meta.title.as_deref(), Some("Q&A \u{2014} café <tips> あ"));
    assert_eq!(meta.summary.as_deref(), Some("\"Fish & Chips\" © 2024"));
}

#[tokio::test]
async fn first_paragraph_is_the_summary_and_is_cut_at_200_chars() {
    let long = "とても長い段落です。".repeat(40); // 400 characters
    let html = format!(
        "<html><head><title>t</title></head><body>\
         <p>  </p><p>{long}</p><p>second</p></body></html>"
    );
    let server = serve(move |_| Reply::html(html.clone())).await;
    let meta = local_fetcher()
        .fetch(&server.url("/"))
        .await
        .expect("fetch succeeds");
    let summary = meta.summary.expect("summary from first paragraph");
    assert_eq!(summary.chars().count(), 200);
    assert!(summary.ends_with('…'));
    assert!(long.starts_with(summary.trim_end_matches('…')));
}

#[tokio::test]
async fn redirect_chain_is_followed_to_the_final_url() {
    let server = serve(|path| match path {
        "/a" => Reply::redirect(301, "/b"),
        "/b" => Reply::redirect(302, "c?x=1"),
        "/c?x=1" => Reply::redirect(307, "/final"),
        "/final" => Reply::html("<title>Arrived</title>"),
        _ => Reply::status(404),
    })
    .await;
    let meta = local_fetcher()
        .fetch(&server.url("/a"))
        .await
        .expect("fetch succeeds");
    assert_eq!(meta.title.as_deref(), Some("Arrived"));
    assert_eq!(meta.final_url, server.url("/final"));
    assert_eq!(meta.favicon_url, Some(server.url("/favicon.ico")));
}

/// `/hop/N` redirects to `/hop/N-1`; `/hop/0` is the page.
fn hops(path: &str) -> Reply {
    match path
        .strip_prefix("/hop/")
        .and_then(|n| n.parse::<u32>().ok())
    {
        Some(0) => Reply::html("<title>end</title>"),
        Some(n) => Reply::redirect(302, &format!("/hop/{}", n - 1)),
        None => Reply::status(404),
    }
}

#[tokio::test]
async fn exactly_max_redirects_are_followed() {
    let server = serve(hops).await;
    let meta = local_fetcher()
        .fetch(&server.url("/hop/5"))
        .await
        .expect("5 redirects are allowed");
    assert_eq!(meta.title.as_deref(), Some("end"));
}

#[tokio::test]
async fn more_than_max_redirects_are_refused() {
    let server = serve(hops).await;
    let err = local_fetcher()
        .fetch(&server.url("/hop/6"))
        .await
        .expect_err("6 redirects are too many");
    assert!(matches!(err, FetchError::TooManyRedirects(5)), "{err:?}");
    assert!(err.is_permanent());
    // The 6th redirect target was never requested.
    assert_eq!(server.hits(), 6);
}

#[tokio::test]
async fn redirect_into_a_private_address_outside_the_allow_list_is_refused() {
    // A second server on 127.0.0.2 stands for "the internal service"; it must
    // never be contacted. Only loopback targets are used, so that even a
    // broken guard could not send a packet off this machine; the other
    // ranges (10/8, 169.254/16, …) are covered by the classifier's tests.
    let internal = serve_on("127.0.0.2", |_| Reply::html("<title>secret</title>")).await;
    let port = internal.addr.port();
    let server = serve(move |path| match path {
        "/plain" => Reply::redirect(302, &format!("http://127.0.0.2:{port}/admin")),
        "/mapped" => Reply::redirect(301, &format!("http://[::ffff:127.0.0.2]:{port}/admin")),
        "/decimal" => Reply::redirect(307, &format!("http://2130706434:{port}/admin")),
        "/chain" => Reply::redirect(302, "/plain"),
        _ => Reply::status(404),
    })
    .await;
    let fetcher = fetcher_with(FetchConfig {
        allow_private: vec![net("127.0.0.1/32")],
        ..FetchConfig::default()
    });
    for (path, blocked) in [
        ("/plain", "127.0.0.2"),
        ("/mapped", "::ffff:127.0.0.2"),
        ("/decimal", "127.0.0.2"),
        ("/chain", "127.0.0.2"),
    ] {
        let err = fetcher
            .fetch(&server.url(path))
            .await
            .expect_err("redirect target is refused");
        match &err {
            FetchError::BlockedAddress { addr, .. } => assert_eq!(addr.to_string(), blocked),
            other => panic!("{path}: expected BlockedAddress, got {other:?}"),
        }
        assert!(err.is_permanent());
    }
    assert_eq!(internal.hits(), 0, "the internal server was contacted");
}

#[tokio::test]
async fn loopback_is_refused_by_default() {
    let server = serve(|_| Reply::html(OG_PAGE)).await;
    let fetcher = fetcher_with(FetchConfig::default());
    let err = fetcher
        .fetch(&server.url("/"))
        .await
        .expect_err("loopback refused");
    assert!(
        matches!(err, FetchError::BlockedAddress { ref host, .. } if host == "127.0.0.1"),
        "{err:?}"
    );
    assert_eq!(server.hits(), 0);
}

#[tokio::test]
async fn names_resolving_to_loopback_are_refused_by_default() {
    // "localhost" goes through the guarded resolver, not the literal check.
    let server = serve(|_| Reply::html(OG_PAGE)).await;
    let url = format!("http://localhost:{}/", server.addr.port());
    let err = fetcher_with(FetchConfig::default())
        .fetch(&url)
        .await
        .expect_err("localhost refused");
    assert!(
        matches!(err, FetchError::BlockedAddress { ref host, .. } if host == "localhost"),
        "{err:?}"
    );
    assert_eq!(server.hits(), 0);
}

#[tokio::test]
async fn names_resolving_to_allowed_addresses_are_fetched() {
    let server = serve(|_| Reply::html(OG_PAGE)).await;
    let url = format!("http://localhost:{}/", server.addr.port());
    let meta = local_fetcher().fetch(&url).await.expect("fetch succeeds");
    assert_eq!(meta.title.as_deref(), Some("An OpenGraph title"));
}

#[tokio::test]
async fn other_spellings_of_loopback_are_refused() {
    let fetcher = fetcher_with(FetchConfig::default());
    for url in [
        "http://[::ffff:127.0.0.1]/",
        "http://[::ffff:7f00:1]:8080/",
        "http://[::1]/",
        "http://2130706433/",
        "http://0x7f.1/",
        "http://127.1/",
        "http://0.0.0.0/",
        "http://[::]/",
    ] {
        let err = fetcher.fetch(url).await.expect_err("refused");
        assert!(
            matches!(err, FetchError::BlockedAddress { .. }),
            "{url}: {err:?}"
        );
    }
}

#[tokio::test]
async fn ipv4_mapped_ipv6_literal_is_refused() {
    let server = serve(|_| Reply::html(OG_PAGE)).await;
    let url = format!("http://[::ffff:127.0.0.1]:{}/", server.addr.port());
    let err = fetcher_with(FetchConfig::default())
        .fetch(&url)
        .await
        .expect_err("mapped loopback refused");
    match err {
        FetchError::BlockedAddress { addr, .. } => assert_eq!(addr.to_string(), "::ffff:127.0.0.1"),
        other => panic!("expected BlockedAddress, got {other:?}"),
    }
    assert_eq!(server.hits(), 0);
}

#[tokio::test]
async fn oversized_body_is_truncated_and_parsed() {
    let html = format!(
        "<html><head><title>Big page</title></head><body><p>{}</p></body></html>",
        "x".repeat(100_000)
    );
    let server = serve(move |_| Reply::html(html.clone())).await;
    let fetcher = fetcher_with(FetchConfig {
        max_bytes: 4096,
        allow_private: vec![net("127.0.0.0/8")],
        ..FetchConfig::default()
    });
    let meta = fetcher
        .fetch(&server.url("/"))
        .await
        .expect("fetch succeeds");
    assert_eq!(meta.title.as_deref(), Some("Big page"));
    let summary = meta.summary.expect("summary from the truncated paragraph");
    assert_eq!(summary.chars().count(), 200);
}

#[tokio::test]
async fn oversized_body_without_length_is_truncated_while_streaming() {
    let html = format!("<title>Streamed</title><p>{}</p>", "y".repeat(500_000));
    let server = serve(move |_| Reply {
        no_length: true,
        ..Reply::html(html.clone())
    })
    .await;
    let fetcher = fetcher_with(FetchConfig {
        max_bytes: 8192,
        allow_private: vec![net("127.0.0.0/8")],
        ..FetchConfig::default()
    });
    let meta = fetcher
        .fetch(&server.url("/"))
        .await
        .expect("fetch succeeds");
    assert_eq!(meta.title.as_deref(), Some("Streamed"));
}

#[tokio::test]
async fn oversized_body_is_an_error_when_truncation_is_off() {
    let html = format!("<title>Big</title><p>{}</p>", "z".repeat(100_000));
    for no_length in [false, true] {
        let body = html.clone();
        let server = serve(move |_| Reply {
            no_length,
            ..Reply::html(body.clone())
        })
        .await;
        let fetcher = fetcher_with(FetchConfig {
            max_bytes: 4096,
            truncate_oversized: false,
            allow_private: vec![net("127.0.0.0/8")],
            ..FetchConfig::default()
        });
        let err = fetcher
            .fetch(&server.url("/"))
            .await
            .expect_err("too large");
        assert!(matches!(err, FetchError::TooLarge(4096)), "{err:?}");
    }
}

#[tokio::test]
async fn silent_server_times_out() {
    let addr = serve_silence().await;
    let fetcher = fetcher_with(FetchConfig {
        timeout: Duration::from_millis(300),
        allow_private: vec![net("127.0.0.0/8")],
        ..FetchConfig::default()
    });
    let started = Instant::now();
    let err = fetcher
        .fetch(&format!("http://{addr}/"))
        .await
        .expect_err("times out");
    assert!(matches!(err, FetchError::Timeout), "{err:?}");
    assert!(!err.is_permanent());
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[tokio::test]
async fn non_html_content_is_refused() {
    let server = serve(|path| match path {
        "/img" => Reply::with_type("image/png", b"\x89PNG\r\n\x1a\n".to_vec()),
        "/json" => Reply::with_type("application/json", "{\"title\":\"no\"}"),
        "/untyped-binary" => Reply::untyped(b"\x00\x01\x02".to_vec()),
        _ => Reply::status(404),
    })
    .await;
    let fetcher = local_fetcher();
    for path in ["/img", "/json", "/untyped-binary"] {
        let err = fetcher
            .fetch(&server.url(path))
            .await
            .expect_err("not HTML");
        assert!(matches!(err, FetchError::NotHtml(_)), "{path}: {err:?}");
        assert!(err.is_permanent());
    }
}

#[tokio::test]
async fn xhtml_and_untyped_markup_are_accepted() {
    let server = serve(|path| match path {
        "/xhtml" => Reply::with_type("application/xhtml+xml", "<title>X</title>"),
        _ => Reply::untyped("  <!doctype html><title>U</title>"),
    })
    .await;
    let fetcher = local_fetcher();
    let x = fetcher.fetch(&server.url("/xhtml")).await.expect("xhtml");
    assert_eq!(x.title.as_deref(), Some("X"));
    let u = fetcher
        .fetch(&server.url("/untyped"))
        .await
        .expect("untyped");
    assert_eq!(u.title.as_deref(), Some("U"));
}

#[tokio::test]
async fn non_http_schemes_are_refused() {
    let fetcher = local_fetcher();
    for url in [
        "ftp://example.com/file",
        "file:///etc/passwd",
        "gopher://127.0.0.1:70/",
        "javascript:alert(1)",
        "data:text/html,<title>x</title>",
    ] {
        let err = fetcher.fetch(url).await.expect_err("refused");
        assert!(matches!(err, FetchError::BadScheme(_)), "{url}: {err:?}");
        assert!(err.is_permanent());
    }
}

#[tokio::test]
async fn redirect_to_a_non_http_scheme_is_refused() {
    let server = serve(|_| Reply::redirect(302, "file:///etc/passwd")).await;
    let err = local_fetcher()
        .fetch(&server.url("/"))
        .await
        .expect_err("refused");
    assert!(
        matches!(err, FetchError::BadScheme(ref s) if s == "file"),
        "{err:?}"
    );
}

#[tokio::test]
async fn invalid_urls_are_refused() {
    let fetcher = local_fetcher();
    for url in ["", "not a url", "http://", "/relative/path"] {
        let err = fetcher.fetch(url).await.expect_err("invalid");
        assert!(matches!(err, FetchError::InvalidUrl(_)), "{url:?}: {err:?}");
    }
}

#[tokio::test]
async fn http_errors_are_classified_for_retry() {
    let server = serve(|path| match path {
        "/gone" => Reply::status(410),
        "/missing" => Reply::status(404),
        "/busy" => Reply::status(503),
        "/slow-down" => Reply::status(429),
        "/no-location" => Reply::status(302),
        _ => Reply::status(500),
    })
    .await;
    let fetcher = local_fetcher();
    for (path, status, permanent) in [
        ("/gone", 410, true),
        ("/missing", 404, true),
        ("/busy", 503, false),
        ("/slow-down", 429, false),
        ("/no-location", 302, true),
    ] {
        let err = fetcher
            .fetch(&server.url(path))
            .await
            .expect_err("error status");
        assert!(
            matches!(err, FetchError::Http(s) if s == status),
            "{path}: {err:?}"
        );
        assert_eq!(err.is_permanent(), permanent, "{path}");
    }
}

#[tokio::test]
async fn connection_refused_is_a_retryable_network_error() {
    // Bind and drop to get a port nobody listens on.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("free port")
        .port();
    let err = local_fetcher()
        .fetch(&format!("http://127.0.0.1:{port}/"))
        .await
        .expect_err("refused");
    assert!(matches!(err, FetchError::Network(_)), "{err:?}");
    assert!(!err.is_permanent());
}

#[tokio::test]
async fn fetcher_clones_share_one_client() {
    let server = serve(|_| Reply::html(OG_PAGE)).await;
    let a = local_fetcher();
    let b = a.clone();
    let (u1, u2) = (server.url("/1"), server.url("/2"));
    let (ra, rb) = tokio::join!(a.fetch(&u1), b.fetch(&u2));
    assert_eq!(ra.expect("a").title, rb.expect("b").title);
}

#[tokio::test]
async fn fetch_can_run_on_a_spawned_task() {
    // The worker spawns fetches: the future must be Send + 'static-able.
    let server = serve(|_| Reply::html(OG_PAGE)).await;
    let fetcher = local_fetcher();
    let url = server.url("/");
    let meta = tokio::spawn(async move { fetcher.fetch(&url).await })
        .await
        .expect("task joins")
        .expect("fetch succeeds");
    assert_eq!(meta.title.as_deref(), Some("An OpenGraph title"));
}

fn gzip(data: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    enc.write_all(data).expect("gzip write");
    enc.finish().expect("gzip finish")
}

#[tokio::test]
async fn gzip_bodies_are_decoded_and_bounded_after_decompression() {
    // 10 MB of HTML compresses to a few KB: the limit must apply to what it
    // decompresses to, not to the bytes on the wire.
    let html = format!(
        "<title>Compressed</title><p>{}</p>",
        " a".repeat(5 * 1024 * 1024)
    );
    let compressed = gzip(html.as_bytes());
    assert!(compressed.len() < 64 * 1024);
    let server = serve(move |_| {
        let mut reply = Reply::html(compressed.clone());
        reply
            .headers
            .push(("Content-Encoding".into(), "gzip".into()));
        reply
    })
    .await;
    let fetcher = fetcher_with(FetchConfig {
        max_bytes: 64 * 1024,
        allow_private: vec![net("127.0.0.0/8")],
        ..FetchConfig::default()
    });
    let meta = fetcher
        .fetch(&server.url("/"))
        .await
        .expect("fetch succeeds");
    assert_eq!(meta.title.as_deref(), Some("Compressed"));
    let head = server.requests().join("\n").to_ascii_lowercase();
    assert!(head.contains("accept-encoding: gzip"), "{head}");

    let strict = fetcher_with(FetchConfig {
        max_bytes: 64 * 1024,
        truncate_oversized: false,
        allow_private: vec![net("127.0.0.0/8")],
        ..FetchConfig::default()
    });
    let err = strict
        .fetch(&server.url("/"))
        .await
        .expect_err("decompressed size is over the limit");
    assert!(matches!(err, FetchError::TooLarge(_)), "{err:?}");
}
