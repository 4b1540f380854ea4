"""Drives bukuma's Pinboard-compatible API with the `pinboard` client library.

Usage: pinboard_client_test.py BASE_URL USER:TOKEN
BASE_URL is the API root with a trailing slash, e.g. http://127.0.0.1:8080/api/pinboard/v1/
"""

import datetime
import hashlib
import sys
import time
import traceback
import urllib.error

import pinboard

# The library has no setting for its endpoint: it formats every call from
# this module constant, so point it at bukuma.
sys.modules["pinboard.pinboard"].PINBOARD_API_ENDPOINT = sys.argv[1]
pb = pinboard.Pinboard(sys.argv[2])

URL = "https://www.rust-lang.org/learn"
WHEN = datetime.datetime(2024, 5, 6, 7, 8, 9)
CHECKS = []


def check(fn):
    CHECKS.append(fn)
    return fn


def expect_error(code, call, **kwargs):
    try:
        call(**kwargs)
    except pinboard.PinboardError as e:
        assert str(e) == code, f"expected {code!r}, got {e!r}"
    else:
        raise AssertionError(f"expected the error {code!r}")


def politely(call, **kwargs):
    """Calls again after Retry-After when bukuma answers 429, as Pinboard asks clients to."""
    try:
        return call(**kwargs)
    except urllib.error.HTTPError as e:
        if e.code != 429:
            raise
        wait = int(e.headers["Retry-After"])
        assert 1 <= wait <= 3, wait
        time.sleep(wait)
        return call(**kwargs)


@check
def add():
    assert pb.posts.add(
        url=URL,
        description="Learn Rust",
        extended="The book and more",
        tags=["rust", "learning"],
        shared=False,
        toread=True,
        dt=WHEN,
    ) is True
    assert pb.posts.add(url="https://example.com/other", description="Other", tags=["misc"]) is True
    expect_error("item already exists", pb.posts.add, url=URL, description="again", replace=False)
    expect_error("extended too long: bukuma allows at most 100 characters",
                 pb.posts.add, url="https://example.com/long", description="x", extended="x" * 101)


@check
def get():
    answer = pb.posts.get(url=URL)
    assert len(answer["posts"]) == 1, answer
    b = answer["posts"][0]
    assert b.url == URL, b.url
    assert b.description == "Learn Rust", b.description
    assert b.extended == "The book and more", b.extended
    assert b.tags == ["rust", "learning"], b.tags
    assert b.shared is False and b.toread is True
    assert b.time == WHEN, b.time
    assert b.hash == hashlib.md5(URL.encode()).hexdigest(), b.hash
    assert len(b.meta) == 32
    by_day = pb.posts.get(dt=WHEN.date())
    assert [p.url for p in by_day["posts"]] == [URL], by_day


@check
def recent():
    answer = pb.posts.recent(count=5)
    urls = [b.url for b in answer["posts"]]
    assert urls == ["https://example.com/other", URL], urls
    assert isinstance(answer["date"], datetime.datetime)
    tagged = pb.posts.recent(tag=["rust"])
    assert [b.url for b in tagged["posts"]] == [URL]


@check
def all_posts():
    # posts/all is the expensive call: two at once, then one every 3 seconds.
    everything = politely(pb.posts.all)
    assert sorted(b.url for b in everything) == sorted([URL, "https://example.com/other"])
    tagged = politely(pb.posts.all, tag=["learning"], start=0, results=10)
    assert [b.url for b in tagged] == [URL], tagged
    window = politely(pb.posts.all, fromdt=WHEN, todt=WHEN)
    assert [b.url for b in window] == [URL], window


@check
def dates_and_update():
    dates = pb.posts.dates()
    assert dates["dates"][WHEN.date()] == 1, dates
    assert isinstance(pb.posts.update(), datetime.datetime)


@check
def tags_get():
    tags = {t.name: t.count for t in pb.tags.get()}
    assert tags == {"learning": 1, "misc": 1, "rust": 1}, tags


@check
def tags_rename():
    assert pb.tags.rename(old="rust", new="rustlang") == {"result": "done"}
    tags = {t.name: t.count for t in pb.tags.get()}
    assert tags == {"learning": 1, "misc": 1, "rustlang": 1}, tags
    b = pb.posts.get(url=URL)["posts"][0]
    assert b.tags == ["rustlang", "learning"], b.tags


@check
def delete():
    assert pb.posts.delete(url=URL) is True
    assert pb.posts.get(url=URL)["posts"] == []
    expect_error("item not found", pb.posts.delete, url=URL)


@check
def bad_token_is_refused():
    bad = pinboard.Pinboard(sys.argv[2].split(":")[0] + ":bkm_wrong")
    try:
        bad.posts.recent()
    except pinboard.PinboardAuthenticationError:
        pass
    else:
        raise AssertionError("a wrong token was accepted")


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
