#!/usr/bin/env python3
"""Abuse check: password guessing against one account.

Floods POST /api/v1/auth/login and the Pinboard API's HTTP Basic auth with
wrong passwords for a few seconds each and counts how many the server
checks (401) rather than refuses (429 with Retry-After). Fails when more
than a few get through, when a 429 lacks Retry-After, or when the owner
cannot sign in from another address after the wait the server asks for.

Env: BASE_URL (a fresh server, open registration), SERVER_PID (optional).
Each run uses loopback source addresses of its own (127.x.y.z) when the
server is on loopback, so its flood does not throttle other checks.
"""

import base64
import random
import string
import sys
import threading
import time

from _client import new_source, request, rss_mb

FLOOD_SECS = 10.0
BASIC_SECS = 5.0
THREADS = 4
# Wrong passwords the server may check per account in FLOOD_SECS: the
# policy lets 5 through at once and then waits 1, 2, 4 s between them.
MAX_CHECKED = 12
MAX_OWNER_WAIT = 15


def fail(msg):
    print(f"brute_force: FAIL: {msg}")
    sys.exit(1)


def name(prefix):
    return prefix + "".join(random.choices(string.ascii_lowercase + string.digits, k=10))


PASSWORD = "correct horse battery staple"


def register(source, username):
    status, _, body = request(
        source, "POST", "/api/v1/auth/register", {"username": username, "password": PASSWORD}
    )
    if status != 201:
        fail(f"could not register {username}: {status} {body[:200]!r}")


def flood(seconds, attempt):
    """Runs `attempt()` from THREADS threads for `seconds`; counts statuses."""
    counts = {}
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def worker():
        while time.monotonic() < deadline:
            status, retry_after = attempt()
            if status == 429 and not (retry_after and retry_after.isdigit() and int(retry_after) >= 1):
                with lock:
                    counts["429 without Retry-After"] = counts.get("429 without Retry-After", 0) + 1
            with lock:
                counts[status] = counts.get(status, 0) + 1

    threads = [threading.Thread(target=worker) for _ in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return counts


def main():
    attacker, owner_source, basic_source = new_source(), new_source(), new_source()
    victim, basic_victim = name("victim"), name("basic")
    register(attacker, victim)
    register(basic_source, basic_victim)
    rss_before = rss_mb()

    def json_guess():
        guess = "".join(random.choices(string.ascii_letters, k=12))
        status, retry, _ = request(
            attacker, "POST", "/api/v1/auth/login", {"username": victim, "password": guess}
        )
        return status, retry

    login = flood(FLOOD_SECS, json_guess)

    def basic_guess():
        guess = "".join(random.choices(string.ascii_letters, k=12))
        cred = base64.b64encode(f"{basic_victim}:{guess}".encode()).decode()
        status, retry, _ = request(
            basic_source,
            "GET",
            "/api/pinboard/v1/posts/recent?format=json",
            headers={"authorization": f"Basic {cred}"},
        )
        return status, retry

    basic = flood(BASIC_SECS, basic_guess)

    # The owner, from an address of their own, after the wait asked for.
    waited = 0
    status, retry, body = request(
        owner_source, "POST", "/api/v1/auth/login", {"username": victim, "password": PASSWORD}
    )
    if status == 429:
        waited = int(retry or 0)
        if not 1 <= waited <= MAX_OWNER_WAIT:
            fail(f"the owner is asked to wait {retry!r} s after a {FLOOD_SECS:.0f} s flood")
        time.sleep(waited)
        status, retry, body = request(
            owner_source, "POST", "/api/v1/auth/login", {"username": victim, "password": PASSWORD}
        )
    owner_ok = status == 200

    checked, basic_checked = login.get(401, 0), basic.get(401, 0)
    print(
        f"brute_force: login {checked / FLOOD_SECS:.1f} wrong passwords/s per account checked "
        f"({checked} in {FLOOD_SECS:.0f} s, {login.get(429, 0)} refused with 429); "
        f"basic auth {basic_checked / BASIC_SECS:.1f}/s ({basic_checked} in {BASIC_SECS:.0f} s, "
        f"{basic.get(429, 0)} refused); owner signed in after {waited} s: {owner_ok}; "
        f"server RSS {rss_before:.0f} -> {rss_mb():.0f} MB"
    )
    problems = []
    if checked > MAX_CHECKED:
        problems.append(f"{checked} wrong login passwords checked in {FLOOD_SECS:.0f} s (max {MAX_CHECKED})")
    if basic_checked > MAX_CHECKED:
        problems.append(f"{basic_checked} wrong Basic passwords checked in {BASIC_SECS:.0f} s (max {MAX_CHECKED})")
    for what, counts in (("login", login), ("basic", basic)):
        if counts.get("429 without Retry-After"):
            problems.append(f"{what}: 429 without Retry-After")
        odd = {k: v for k, v in counts.items() if k not in (401, 429, "429 without Retry-After")}
        if odd:
            problems.append(f"{what}: unexpected answers {odd}")
    if not owner_ok:
        problems.append(f"the owner could not sign in from another address: {status} {body[:200]!r}")
    if problems:
        fail("; ".join(problems))


if __name__ == "__main__":
    main()
