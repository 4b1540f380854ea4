#!/usr/bin/env python3
"""Abuse check: characters XML 1.0 forbids must never break a feed.

Three users bookmark one URL with U+FFFE, U+FFFF and other non-characters
(and, in titles, C0 controls) in the title, comment, tags and display
name, over the JSON API and the Pinboard API; markup in a comment must
reach RSS readers as text. Then every feed of the URL's site, tag, user,
new and hot entries, RSS and Atom, is parsed strictly with xml.etree.

Env: BASE_URL (a fresh server with open registration), SERVER_PID (unused).
Prints one line of figures; exits non-zero on a regression.
"""

import base64
import json
import os
import secrets
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET

DEADLINE = time.monotonic() + 28
HOSTILE = "\ufffe\uffff\ufdd0\U0001fffe"
MARKUP = "<img src=x onerror=alert(1)>"


def fail(message):
    print(f"feeds_hostile: FAIL: {message}")
    sys.exit(1)


def request(method, url, body=None, headers=None):
    timeout = max(1.0, DEADLINE - time.monotonic())
    req = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as res:
            return res.status, res.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()
    except (urllib.error.URLError, TimeoutError, ConnectionError) as e:
        fail(f"{method} {url}: {e}")


def call_json(method, url, token, payload, expect):
    headers = {"content-type": "application/json"}
    if token:
        headers["authorization"] = f"Bearer {token}"
    status, data = request(method, url, json.dumps(payload).encode(), headers)
    if status not in expect:
        fail(f"{method} {url} answered {status}: {data[:300]!r}")
    return json.loads(data) if data else None


def main():
    base = os.environ.get("BASE_URL", "").rstrip("/")
    if not base:
        fail("set BASE_URL")
    api = f"{base}/api/v1"
    run = secrets.token_hex(4)
    domain = f"hostile-{run}.example.com"
    url = f"https://{domain}/post"
    tag = f"tag{run}"
    users = []
    for i in range(3):
        name = f"hostile{run}{i}"
        password = "feeds-hostile-" + secrets.token_hex(8)
        token = call_json(
            "POST", f"{api}/auth/register", None, {"username": name, "password": password}, {201}
        )["access_token"]
        call_json("PATCH", f"{api}/me", token, {"display_name": f"Name{HOSTILE}{i}"}, {200})
        users.append((name, password, token))
    # JSON API: non-characters everywhere, C0 controls in the title.
    for name, _, token in users[:2]:
        call_json(
            "POST",
            f"{api}/bookmarks",
            token,
            {
                "url": url,
                "title": f"Hostile\x01\x08{HOSTILE} title {run}",
                "comment": f"{MARKUP}{HOSTILE}",
                "tags": [f"{tag}{HOSTILE}", f"x{HOSTILE}y"],
            },
            {200, 201},
        )
    # The Pinboard API, with HTTP Basic.
    name, password, _ = users[2]
    query = urllib.parse.urlencode(
        {
            "url": url,
            "description": f"Hostile{HOSTILE} title {run}",
            "extended": f"{MARKUP}{HOSTILE}",
            "tags": f"{tag}{HOSTILE} z{HOSTILE}",
            "format": "json",
        }
    )
    basic = base64.b64encode(f"{name}:{password}".encode()).decode()
    status, data = request(
        "GET", f"{base}/api/pinboard/v1/posts/add?{query}", headers={"authorization": f"Basic {basic}"}
    )
    if status != 200:
        fail(f"Pinboard posts/add answered {status}: {data[:300]!r}")

    feeds = {
        f"/{users[0][0]}/bookmarks": True,
        f"/t/{tag}": True,
        f"/site/{domain}": True,
        "/new": True,
        "/hot": False,  # hot scores may not have been recomputed yet
    }
    checked = 0
    for path, must_show in feeds.items():
        for ext in ("rss", "atom"):
            uri = f"{base}{path}.{ext}"
            status, body = request("GET", uri)
            if status != 200:
                fail(f"{uri} answered {status}: {body[:300]!r}")
            try:
                root = ET.fromstring(body)  # expat: strict XML 1.0
            except ET.ParseError as e:
                fail(f"{uri} is not well-formed XML: {e}")
            text = body.decode("utf-8")
            if must_show and f"title {run}" not in text:
                fail(f"{uri} does not show the bookmarked entry")
            if ext == "rss":
                for d in root.iter("description"):
                    if d.text and "<img" in d.text:
                        fail(f"{uri} carries markup to feed readers: {d.text!r}")
            checked += 1
    print(f"feeds_hostile: {checked} feeds (site, tag, user, new, hot; RSS and Atom) well-formed with hostile input")


if __name__ == "__main__":
    main()
