#!/usr/bin/env python3
"""Abuse check: sessions and account controls against a live server.

A refresh token replayed within the grace period must not fork the session
(the same successor comes back, and the chain stays one); a password change
must end every other session at once; "sign out everywhere" must end all of
them; a NUL byte in a path or query must be a 4xx, never a 500; deleting the
account must take the user and their bookmarks away.

Env: BASE_URL (a fresh server, open registration), SERVER_PID (unused here).
Prints one line of figures; exits non-zero with a message on a regression.
"""

import json
import os
import secrets
import sys
import time
import urllib.error
import urllib.request

BASE = os.environ.get("BASE_URL", "http://127.0.0.1:8080").rstrip("/")
PASSWORD = "correct horse battery"
DEADLINE = time.monotonic() + 30


def call(method, path, body=None, token=None):
    if time.monotonic() > DEADLINE:
        fail("took longer than 30 s")
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(BASE + path, data=data, method=method)
    if data is not None:
        req.add_header("Content-Type", "application/json")
    if token:
        req.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            raw = r.read()
            return r.status, (json.loads(raw) if raw else None)
    except urllib.error.HTTPError as e:
        raw = e.read()
        try:
            return e.code, json.loads(raw)
        except ValueError:
            return e.code, raw.decode("utf-8", "replace")


def fail(msg):
    print(f"sessions: FAIL: {msg}")
    sys.exit(1)


def expect(what, got, want):
    status = got[0]
    ok = status in want if isinstance(want, tuple) else status == want
    if not ok:
        fail(f"{what}: expected {want}, got {status} {got[1]!r:.300}")
    return got[1]


def main():
    name = "ab" + secrets.token_hex(6)
    reg = expect("register", call("POST", "/api/v1/auth/register",
                                  {"username": name, "password": PASSWORD}), 201)
    other = expect("login", call("POST", "/api/v1/auth/login",
                                 {"username": name, "password": PASSWORD}), 200)

    # A replay within the grace period gets the same successor: no fork.
    first = expect("refresh", call("POST", "/api/v1/auth/refresh",
                                   {"refresh_token": reg["refresh_token"]}), 200)
    replay = expect("refresh replayed within the grace period",
                    call("POST", "/api/v1/auth/refresh",
                         {"refresh_token": reg["refresh_token"]}), 200)
    if first["refresh_token"] != replay["refresh_token"]:
        fail("a refresh token replayed within the grace period forked the session "
             "(two different successors)")
    successors = 2 - (first["refresh_token"] == replay["refresh_token"])

    # NUL bytes never reach the database as a 500.
    nul_paths = [f"/api/v1/users/a%00b", f"/api/v1/users/{name}/bookmarks?tag=a%00b",
                 "/api/v1/search?q=a%00b", "/t/a%00b.rss", "/api/v1/tags/a%00b/entries"]
    for p in nul_paths:
        status = call("GET", p)[0]
        if not 400 <= status < 500:
            fail(f"GET {p}: expected a 4xx, got {status}")

    # A password change ends the other session at once; this one goes on.
    access = replay["access_token"]
    changed = expect("change password", call(
        "POST", "/api/v1/me/password",
        {"current_password": PASSWORD, "new_password": PASSWORD + "!"}, access), 200)
    expect("the other session after a password change",
           call("GET", "/api/v1/me", token=other["access_token"]), 401)
    expect("the other session's refresh after a password change",
           call("POST", "/api/v1/auth/refresh", {"refresh_token": other["refresh_token"]}), 401)
    access = changed["access_token"]
    expect("this session after a password change", call("GET", "/api/v1/me", token=access), 200)

    # Sign out everywhere ends this session too.
    expect("logout-all", call("POST", "/api/v1/auth/logout-all", {}, access), 204)
    expect("access after logout-all", call("GET", "/api/v1/me", token=access), 401)
    expect("refresh after logout-all",
           call("POST", "/api/v1/auth/refresh", {"refresh_token": replay["refresh_token"]}), 401)

    # Delete the account: the user and their bookmarks are gone.
    again = expect("login with the new password", call(
        "POST", "/api/v1/auth/login", {"username": name, "password": PASSWORD + "!"}), 200)
    access = again["access_token"]
    bookmarks = 5
    for i in range(bookmarks):
        expect("bookmark", call("POST", "/api/v1/bookmarks",
                                {"url": f"https://{name}.example/{i}", "comment": "hi",
                                 "tags": ["t"]}, access), (200, 201))
    req = urllib.request.Request(BASE + "/api/v1/me", method="DELETE",
                                 data=json.dumps({"password": "wrong one"}).encode(),
                                 headers={"Content-Type": "application/json",
                                          "Authorization": f"Bearer {access}"})
    try:
        urllib.request.urlopen(req, timeout=10)
        fail("account deleted with a wrong password")
    except urllib.error.HTTPError as e:
        if e.code != 403:
            fail(f"delete with a wrong password: expected 403, got {e.code}")
    req = urllib.request.Request(BASE + "/api/v1/me", method="DELETE",
                                 data=json.dumps({"password": PASSWORD + "!"}).encode(),
                                 headers={"Content-Type": "application/json",
                                          "Authorization": f"Bearer {access}"})
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            if r.status != 204:
                fail(f"delete account: expected 204, got {r.status}")
    except urllib.error.HTTPError as e:
        fail(f"delete account: expected 204, got {e.code}")
    expect("the deleted user's profile", call("GET", f"/api/v1/users/{name}"), 404)
    expect("the deleted user's token", call("GET", "/api/v1/me", token=access), 401)
    status, found = call("GET", f"/api/v1/entries/lookup?url=https://{name}.example/0")
    if status == 200 and found.get("bookmark_count", 0) != 0:
        fail(f"a deleted user's bookmark still counts: {found}")

    print(f"sessions: ok; successors per replayed refresh {successors}, "
          f"nul paths 4xx {len(nul_paths)}/{len(nul_paths)}, "
          f"bookmarks removed with the account {bookmarks}")


if __name__ == "__main__":
    main()
