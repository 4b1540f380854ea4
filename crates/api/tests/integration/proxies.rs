//! Forwarding headers (`Forwarded`, `X-Forwarded-*`) are believed only from
//! `BUKUMA_TRUSTED_PROXIES`: from anyone else they change no feed link (and,
//! in `routes::login_throttle`, no throttle).

use actix_web::http::Method;

use crate::harness::{both_backends, Backend, TestApp};

/// The links of the hot feeds fetched from `peer` with forged headers.
async fn hot_links(app: &TestApp, peer: &str) -> (String, String) {
    let forged = |path: &str| {
        app.request(Method::GET, path, None)
            .peer_addr(peer.parse().expect("peer"))
            .insert_header(("host", "bukuma.example"))
            .insert_header(("x-forwarded-host", "evil.example"))
            .insert_header(("x-forwarded-proto", "https"))
            .insert_header(("forwarded", "host=evil.example;proto=https"))
    };
    let rss = app.send(forged("/hot.rss")).await;
    assert_eq!(rss.status.as_u16(), 200);
    let channel = rss::Channel::read_from(&rss.body[..]).expect("RSS");
    let atom = app.send(forged("/hot.atom")).await;
    assert_eq!(atom.status.as_u16(), 200);
    let feed = atom_syndication::Feed::read_from(&atom.body[..]).expect("Atom");
    let self_link = feed
        .links()
        .iter()
        .find(|l| l.rel() == "self")
        .map(|l| l.href().to_owned())
        .unwrap_or_default();
    (channel.link().to_owned(), self_link)
}

async fn forged_forwarding_headers_do_not_change_feed_links(app: TestApp) {
    let (link, self_link) = hot_links(&app, "203.0.113.50:1234").await;
    assert!(link.starts_with("http://bukuma.example/"), "{link}");
    assert!(
        self_link.starts_with("http://bukuma.example/"),
        "{self_link}"
    );
}
both_backends!(async forged_forwarding_headers_do_not_change_feed_links);

async fn a_trusted_proxy_sets_the_feed_links(backend: Backend) {
    let app = TestApp::configured(backend, |c| {
        c.trusted_proxies = bukuma_fetch::parse_allow_list("10.0.0.0/8").expect("cidr");
    })
    .await;
    let (link, _) = hot_links(&app, "10.1.2.3:1234").await;
    assert!(link.starts_with("https://evil.example/"), "{link}");
    let (link, _) = hot_links(&app, "203.0.113.50:1234").await;
    assert!(link.starts_with("http://bukuma.example/"), "{link}");
}
both_backends!(async a_trusted_proxy_sets_the_feed_links);
