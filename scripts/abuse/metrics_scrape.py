#!/usr/bin/env python3
"""Check: /metrics parses with the Prometheus client library's own parser.

Registers a user, reads a page, fails one sign-in, then scrapes /metrics
(the runner starts the server with BUKUMA_METRICS=true) and parses it with
prometheus_client's text parser. Fails when the text does not parse, when a
raw path shows up as a route label, or when a family the operators' guide
names is missing. Env: BASE_URL, SERVER_PID (unused).
"""

import json
import os
import secrets
import sys
import urllib.error
import urllib.request

from prometheus_client.parser import text_string_to_metric_families

BASE_URL = os.environ.get("BASE_URL", "http://127.0.0.1:8080").rstrip("/")
WANTED = [
    "bukuma_http_requests",
    "bukuma_http_request_duration_seconds",
    "bukuma_db_pool_in_use",
    "bukuma_db_write_queue_depth",
    "bukuma_read_cache",
    "bukuma_sign_ins",
]


def fail(message):
    print(f"metrics_scrape: FAIL: {message}")
    sys.exit(1)


def call(method, path, body=None, token=None):
    headers = {"content-type": "application/json"}
    if token:
        headers["authorization"] = f"Bearer {token}"
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(BASE_URL + path, data=data, headers=headers, method=method)
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def main():
    name = "metrics" + secrets.token_hex(4)
    status, body = call("POST", "/api/v1/auth/register",
                        {"username": name, "password": "metrics-check-password"})
    if status != 201 and status != 200:
        fail(f"register answered {status}: {body[:200]!r}")
    token = json.loads(body)["access_token"]
    call("GET", f"/api/v1/users/{name}", token=token)
    for _ in range(2):  # cached public reads: a miss, then a hit
        call("GET", "/api/v1/entries/hot")
        call("GET", f"/api/v1/users/{name}")
    status, _ = call("POST", "/api/v1/auth/login", {"username": name, "password": "wrong password"})
    if status != 401:
        fail(f"a wrong password answered {status}")
    status, text = call("GET", "/metrics")
    if status != 200:
        fail(f"/metrics answered {status}")
    try:
        families = list(text_string_to_metric_families(text.decode()))
    except Exception as e:  # the parser raises ValueError and others on bad text
        fail(f"/metrics does not parse: {e}")
    names = {f.name for f in families}
    missing = [w for w in WANTED if w not in names]
    if missing:
        fail(f"missing families {missing}; have {sorted(names)}")
    routes = {s.labels.get("route") for f in families if f.name == "bukuma_http_requests"
              for s in f.samples}
    if f"/api/v1/users/{name}" in routes:
        fail("a raw path became a route label")
    if "/api/v1/users/{username}" not in routes:
        fail(f"no series for the route template; routes {sorted(r for r in routes if r)}")
    failed = sum(s.value for f in families if f.name == "bukuma_sign_ins" for s in f.samples
                 if s.labels.get("result") == "failed")
    if failed < 1:
        fail("the failed sign-in was not counted")
    samples = sum(len(f.samples) for f in families)
    print(f"metrics_scrape: {len(families)} families, {samples} samples parsed by prometheus_client")


main()
