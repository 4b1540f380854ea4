#!/usr/bin/env python3
"""Abuse check: mass registration from one address.

Registers accounts with random names from one client address as fast as
it can for a few seconds and counts how many are created. Fails when more
than a handful are, when a 429 lacks Retry-After, or when another address
can no longer register.

Env: BASE_URL (a fresh server, open registration), SERVER_PID (optional).
Each run uses loopback source addresses of its own (127.x.y.z) when the
server is on loopback, so its flood does not throttle other checks.
"""

import random
import string
import sys
import threading
import time

from _client import LOOPBACK, new_source, request, rss_mb


def register(source):
    username = "flood" + "".join(random.choices(string.ascii_lowercase + string.digits, k=12))
    return request(
        source,
        "POST",
        "/api/v1/auth/register",
        {"username": username, "password": "correct horse battery"},
    )

FLOOD_SECS = 5.0
THREADS = 4
# Accounts one address may create in FLOOD_SECS (the default burst is 5).
MAX_CREATED = 8


def fail(msg):
    print(f"registration_flood: FAIL: {msg}")
    sys.exit(1)


def main():
    source = new_source()
    counts = {}
    missing_retry_after = 0
    lock = threading.Lock()
    deadline = time.monotonic() + FLOOD_SECS

    def worker():
        nonlocal missing_retry_after
        while time.monotonic() < deadline:
            status, retry, _ = register(source)
            with lock:
                counts[status] = counts.get(status, 0) + 1
                if status == 429 and not (retry and retry.isdigit() and int(retry) >= 1):
                    missing_retry_after += 1

    threads = [threading.Thread(target=worker) for _ in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    created = counts.get(201, 0)
    other_status, _, other_body = register(new_source())
    print(
        f"registration_flood: {created} accounts created from one address in {FLOOD_SECS:.0f} s "
        f"({created / FLOOD_SECS:.1f}/s), {counts.get(429, 0)} refused with 429; "
        f"another address: {other_status}; server RSS {rss_mb():.0f} MB"
    )
    problems = []
    if created > MAX_CREATED:
        problems.append(f"{created} accounts from one address in {FLOOD_SECS:.0f} s (max {MAX_CREATED})")
    if missing_retry_after:
        problems.append(f"{missing_retry_after} 429 answers without Retry-After")
    odd = {k: v for k, v in counts.items() if k not in (201, 429)}
    if odd:
        problems.append(f"unexpected answers {odd}")
    if other_status != 201 and LOOPBACK:
        problems.append(f"another address could not register: {other_status} {other_body[:200]!r}")
    if problems:
        fail("; ".join(problems))


if __name__ == "__main__":
    main()
