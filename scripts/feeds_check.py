"""Fetches every bukuma feed from a running server seeded by feeds-check.sh
and checks it with feedparser: well-formed, the right titles, absolute links,
parseable dates, and nothing of the private bookmark. Prints "N passed, M failed"."""

import sys
import urllib.error
import urllib.request

import feedparser

BASE = sys.argv[1].rstrip("/")
PUBLIC = "https://blog.example.com/post"
SECOND = "https://blog.example.com/second"
SECRETS = ["secret title", "secret comment", "secret note", "hidden", "secrettag"]

passed = 0
failed = 0


def check(name, condition, detail=""):
    global passed, failed
    if condition:
        passed += 1
    else:
        failed += 1
        print(f"FAIL {name} {detail}")


def fetch(path):
    try:
        with urllib.request.urlopen(BASE + path) as res:
            return res.status, res.headers.get("content-type", ""), res.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers.get("content-type", ""), e.read()


# (path, feed title contains, channel link, expected item links in order or as a set)
FEEDS = [
    ("/alice/bookmarks", "alice's bookmarks", "/alice", [SECOND, PUBLIC]),
    ("/alice/bookmarks?tag=db", "tagged db", "/alice?tag=db", [PUBLIC]),
    ("/bob/bookmarks", "bob's bookmarks", "/bob", [PUBLIC]),
    ("/t/rust", "Entries tagged rust", "/t/rust", {PUBLIC, SECOND}),
    ("/site/blog.example.com", "blog.example.com", "/site/blog.example.com", {PUBLIC, SECOND}),
    ("/hot", "hot entries", "/", {PUBLIC, SECOND}),
    ("/new", "new entries", "/new", {PUBLIC, SECOND}),
]

for path, title, link, expected in FEEDS:
    for ext, ctype_prefix, version_prefix in [("rss", "application/rss+xml", "rss"), ("atom", "application/atom+xml", "atom")]:
        base_path, _, query = path.partition("?")
        url = f"{base_path}.{ext}" + (f"?{query}" if query else "")
        name = url
        status, ctype, body = fetch(url)
        check(f"{name} status", status == 200, status)
        check(f"{name} content type", ctype.startswith(ctype_prefix), ctype)
        feed = feedparser.parse(body)
        check(f"{name} well-formed", not feed.bozo, getattr(feed, "bozo_exception", ""))
        check(f"{name} version", feed.version.startswith(version_prefix), feed.version)
        check(f"{name} title", title in feed.feed.get("title", ""), feed.feed.get("title"))
        check(f"{name} link", feed.feed.get("link") == BASE + link, feed.feed.get("link"))
        links = [e.get("link") for e in feed.entries]
        if isinstance(expected, set):
            check(f"{name} items", set(links) == expected, links)
        else:
            check(f"{name} items", links == expected, links)
        for e in feed.entries:
            check(f"{name} item title", bool(e.get("title")), e)
            check(f"{name} item date", e.get("published_parsed") is not None, e.get("published"))
            check(f"{name} item id", (e.get("id") or "").startswith(BASE + "/"), e.get("id"))
        titles = {e.get("link"): e.get("title") for e in feed.entries}
        if PUBLIC in titles:
            check(f"{name} entity decoding", titles.get(SECOND) in (None, "Second & <last>"), titles)
        text = body.decode("utf-8")
        for secret in SECRETS:
            if secret in path:
                continue
            check(f"{name} hides {secret!r}", secret not in text)

for path in ["/t/secrettag.rss", "/site/secret.example.org.atom"]:
    status, _, body = fetch(path)
    feed = feedparser.parse(body)
    check(f"{path} status", status == 200, status)
    check(f"{path} is empty", len(feed.entries) == 0, [e.get("link") for e in feed.entries])
    check(f"{path} hides the private bookmark", b"secret title" not in body and b"hidden" not in body)

status, ctype, _ = fetch("/nobody/bookmarks.rss")
check("unknown user is a 404 problem", status == 404 and ctype.startswith("application/problem+json"), (status, ctype))

print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
