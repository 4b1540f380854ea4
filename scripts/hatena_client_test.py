"""Drives bukuma's Hatena-compatible APIs as Hatena's Python clients do:
`requests` with `requests-oauthlib` (OAuth 1.0a, HMAC-SHA1) for the REST
API, `feedparser` for the search feed, and the shapes Hatena documents.

Usage: hatena_client_test.py BASE_URL USER WRITE_APP_JSON READ_APP_JSON
BASE_URL is the server's root, e.g. http://127.0.0.1:8080; the two JSON
documents are the answers of POST /api/v1/me/hatena-apps (with secrets).
"""

import json
import re
import sys
import time
import traceback

import feedparser
import requests
from oauthlib.oauth1 import Client
from requests_oauthlib import OAuth1

BASE, USER = sys.argv[1], sys.argv[2]
WRITE_APP, READ_APP = json.loads(sys.argv[3]), json.loads(sys.argv[4])
REST = BASE + "/rest/1"
TIMEOUT = 10

URL = "https://www.rust-lang.org/learn"
SECRET_URL = "https://secret.example/notes"
UNKNOWN = "https://nobody.example/page"
CHECKS = []
SAVED = {}


def keys(app):
    return dict(
        client_key=app["consumer_key"],
        client_secret=app["consumer_secret"],
        resource_owner_key=app["access_token"],
        resource_owner_secret=app["access_token_secret"],
    )


WRITER = OAuth1(**keys(WRITE_APP))
READER = OAuth1(**keys(READ_APP))


def check(fn):
    CHECKS.append(fn)
    return fn


def call(method, path, auth=WRITER, expect=200, **kwargs):
    res = requests.request(method, REST + path, auth=auth, timeout=TIMEOUT, **kwargs)
    assert res.status_code == expect, f"{method} {path}: {res.status_code} {res.text}"
    return res


def public(path, expect=200, **kwargs):
    res = requests.get(BASE + path, timeout=TIMEOUT, **kwargs)
    assert res.status_code == expect, f"GET {path}: {res.status_code} {res.text}"
    return res


def is_eid(v):
    return isinstance(v, str) and v.isdigit()


def check_bookmark(b, comment, tags, private):
    """The fields and types of Hatena's bookmark object."""
    assert set(b) >= {"comment", "comment_raw", "created_datetime", "created_epoch", "user",
                      "permalink", "private", "tags", "eid"}, b
    assert b["comment"] == comment, b
    assert b["comment_raw"] == "".join(f"[{t}]" for t in tags) + comment, b
    assert b["tags"] == tags, b
    assert b["private"] is private, b
    assert b["user"] == USER, b
    assert is_eid(b["eid"]), b
    assert isinstance(b["created_epoch"], int) and abs(b["created_epoch"] - time.time()) < 300, b
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+09:00", b["created_datetime"]), b
    assert isinstance(b["permalink"], str) and b["permalink"].startswith(BASE), b


@check
def post_bookmark():
    # Tags in the comment and repeated `tags` parameters, a non-ASCII
    # comment, and `private` spelled both ways Hatena clients spell it.
    b = call("POST", "/my/bookmark", data=[
        ("url", URL), ("comment", "[web]読む価値あり rust"), ("tags", "rust"), ("tags", "later"),
        ("private", "0"),
    ]).json()
    check_bookmark(b, "読む価値あり rust", ["web", "rust", "later"], False)
    SAVED["eid"] = b["eid"]
    s = call("POST", "/my/bookmark", data={"url": SECRET_URL, "comment": "[hidden]mine",
                                           "private": "true"}).json()
    check_bookmark(s, "mine", ["hidden"], True)


@check
def get_bookmark():
    b = call("GET", "/my/bookmark", params={"url": URL}).json()
    check_bookmark(b, "読む価値あり rust", ["web", "rust", "later"], False)
    assert b["eid"] == SAVED["eid"], b
    call("GET", "/my/bookmark", params={"url": UNKNOWN}, expect=404)


@check
def entry():
    e = call("GET", "/entry", params={"url": URL}).json()
    assert e["count"] == 1 and e["url"] == URL and e["eid"] == SAVED["eid"], e
    assert isinstance(e["entry_url"], str) and e["entry_url"].startswith(BASE), e
    for field in ["title", "favicon_url", "root_url"]:
        assert isinstance(e[field], str), (field, e)
    assert e["is_invalid_url"] is False and e["has_asin"] is False, e
    unknown = call("GET", "/entry", params={"url": UNKNOWN}, expect=404).json()
    assert set(unknown) == {"message", "title", "favicon_url", "url"}, unknown
    assert unknown["url"] == UNKNOWN, unknown


@check
def my_tags():
    answer = call("GET", "/my/tags").json()
    assert set(answer) == {"tags"}, answer
    for t in answer["tags"]:
        assert set(t) == {"tag", "count"} and isinstance(t["count"], int), t
    counts = {t["tag"]: t["count"] for t in answer["tags"]}
    assert {k: counts.get(k) for k in ["web", "rust", "later"]} == {"web": 1, "rust": 1, "later": 1}, counts
    # Signed in the query string instead of the header: the same answer.
    in_query = OAuth1(**keys(WRITE_APP), signature_type="query")
    assert call("GET", "/my/tags", auth=in_query).json() == answer


@check
def my():
    me = call("GET", "/my").json()
    assert me["name"] == USER, me
    assert isinstance(me["plususer"], bool), me


@check
def replay_and_bad_signatures_are_refused():
    # One signed request, sent twice: the nonce and timestamp are spent.
    client = Client(**keys(WRITE_APP))
    uri, headers, _ = client.sign(REST + "/my", http_method="GET")
    assert requests.get(uri, headers=headers, timeout=TIMEOUT).status_code == 200
    again = requests.get(uri, headers=headers, timeout=TIMEOUT)
    assert again.status_code == 401, again.text
    wrong = dict(keys(WRITE_APP), resource_owner_secret="wrong")
    call("GET", "/my", auth=OAuth1(**wrong), expect=401)
    stale = Client(**keys(WRITE_APP), timestamp=str(int(time.time()) - 3600))
    uri, headers, _ = stale.sign(REST + "/my", http_method="GET")
    assert requests.get(uri, headers=headers, timeout=TIMEOUT).status_code == 401
    # A signature over other parameters than those sent.
    uri, headers, _ = client.sign(REST + "/my/bookmark?url=" + requests.utils.quote(URL, safe=""),
                                  http_method="GET")
    tampered = uri.replace("rust-lang", "rust-lang.example")
    assert requests.get(tampered, headers=headers, timeout=TIMEOUT).status_code == 401
    assert requests.get(REST + "/my", timeout=TIMEOUT).status_code == 401


@check
def read_scope_cannot_write():
    assert call("GET", "/my", auth=READER).json()["name"] == USER
    call("POST", "/my/bookmark", auth=READER, data={"url": "https://example.com/ro"}, expect=403)
    call("DELETE", "/my/bookmark", auth=READER, params={"url": URL}, expect=403)


@check
def entry_json():
    for path in ["/entry/jsonlite/", "/entry/json/"]:
        e = public(path, params={"url": URL}).json()
        assert is_eid(e["eid"]) and e["eid"] == SAVED["eid"], e
        assert e["count"] == 1 and e["url"] == URL and isinstance(e["title"], str), e
        assert isinstance(e["entry_url"], str) and isinstance(e["screenshot"], str), e
        [b] = e["bookmarks"]
        assert b["user"] == USER and b["tags"] == ["web", "rust", "later"], b
        assert b["comment"] == "読む価値あり rust", b
        assert re.fullmatch(r"\d{4}/\d\d/\d\d \d\d:\d\d", b["timestamp"]), b
        if path == "/entry/json/":
            assert isinstance(e["related"], list), e
        nobody = public(path, params={"url": UNKNOWN})
        assert nobody.text.strip() == "null" and nobody.json() is None, nobody.text
        # The private bookmark's entry shows nothing.
        assert public(path, params={"url": SECRET_URL}).json() is None
        jsonp = public(path, params={"url": URL, "callback": "foo"})
        assert jsonp.headers["content-type"].startswith("application/javascript"), jsonp.headers
        m = re.fullmatch(r"(?:/\*\*/)?foo\((.*)\);?", jsonp.text.strip(), re.S)
        assert m and json.loads(m.group(1))["eid"] == SAVED["eid"], jsonp.text
        public(path, params={"url": URL, "callback": "alert(1)"}, expect=400)


@check
def counts():
    assert public("/count/entry", params={"url": URL}).text.strip() == "1"
    assert public("/count/entry", params={"url": UNKNOWN}).json() == 0
    both = public("/count/entries", params=[("url", URL), ("url", UNKNOWN)]).json()
    assert both == {URL: 1, UNKNOWN: 0}, both


@check
def search_feed():
    # The search index catches up within seconds of a write.
    deadline = time.time() + 30
    while True:
        res = public("/search/text", params={"q": "rust", "mode": "rss"})
        feed = feedparser.parse(res.content)
        if feed.entries or time.time() > deadline:
            break
        time.sleep(0.5)
    assert not feed.bozo, feed.bozo_exception
    assert feed.namespaces.get("hatena") == "http://www.hatena.ne.jp/info/xmlns#", feed.namespaces
    assert [e.link for e in feed.entries] == [URL], feed.entries
    assert feed.entries[0]["hatena_bookmarkcount"] == "1", feed.entries[0]


@check
def delete_bookmark():
    call("DELETE", "/my/bookmark", params={"url": URL}, expect=204)
    call("GET", "/my/bookmark", params={"url": URL}, expect=404)
    call("DELETE", "/my/bookmark", params={"url": URL}, expect=404)
    assert public("/count/entry", params={"url": URL}).json() == 0


passed = failed = 0
for fn in CHECKS:
    try:
        fn()
    except Exception:
        failed += 1
        print(f"FAIL {fn.__name__}")
        traceback.print_exc()
    else:
        passed += 1
        print(f"ok   {fn.__name__}")
print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
