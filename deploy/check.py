#!/usr/bin/env python3
"""Read-your-writes through haproxy against the cluster of deploy/cluster.sh.

Each round saves a bookmark, reads it back at once, changes its comment and
reads it again, every request on a new connection, so that haproxy spreads
them over the three servers. A read that misses the write just made is
stale. Three passes:

  browser   keeps cookies (the `bukuma_rw` cookie carries the write's log
            position to whichever server reads next)
  api       keeps no cookies: only the note the servers share by NOTIFY
  failover  as browser, with the replica stopped half-way (reads fall back
            to the primary) and started again

Anonymous reads of the same bookmark right after each write are counted too:
they may be stale (the replica lags), which shows the replica is in use.
Prints a summary; exits 1 on any stale read of a writer or any error.
Standard library only.
"""

import argparse
import http.client
import json
import os
import re
import secrets
import subprocess
import sys
import time

HOST = "127.0.0.1"


class Client:
    def __init__(self, port, token=None, keep_cookies=True):
        self.port = port
        self.token = token
        self.keep_cookies = keep_cookies
        self.cookies = {}

    def request(self, method, path, body=None, anonymous=False, port=None):
        conn = http.client.HTTPConnection(HOST, port or self.port, timeout=30)
        headers = {"Accept": "application/json"}
        if body is not None:
            headers["Content-Type"] = "application/json"
        if self.token and not anonymous:
            headers["Authorization"] = "Bearer " + self.token
        if self.cookies and not anonymous:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        try:
            conn.request(method, path, None if body is None else json.dumps(body), headers)
            res = conn.getresponse()
            data = res.read()
            if self.keep_cookies and not anonymous:
                for v in res.headers.get_all("Set-Cookie") or []:
                    name, _, rest = v.partition("=")
                    self.cookies[name] = rest.split(";", 1)[0]
            try:
                parsed = json.loads(data) if data else None
            except ValueError:
                parsed = None
            return res.status, parsed
        finally:
            conn.close()


def metrics(ports):
    """Replica reads and fallbacks summed over the servers."""
    totals = {"bukuma_db_replica_reads": 0.0, "bukuma_db_replica_fallbacks": 0.0}
    for port in ports:
        conn = http.client.HTTPConnection(HOST, port, timeout=5)
        try:
            conn.request("GET", "/metrics")
            text = conn.getresponse().read().decode()
        except OSError:
            continue
        finally:
            conn.close()
        for name in totals:
            m = re.search(rf"^{name}(?:{{[^}}]*}})? ([0-9.e+]+)$", text, re.M)
            if m:
                totals[name] += float(m.group(1))
    return totals


def run_pass(name, client, rounds, counts, on_half=None):
    stale = errors = anon_stale = 0
    for i in range(rounds):
        if on_half and i == rounds // 2:
            on_half()
        url = f"https://check.example/{name}/{secrets.token_hex(6)}"
        status, saved = client.request("POST", "/api/v1/bookmarks", {"url": url, "comment": f"{name}-{i}"})
        if status != 201:
            errors += 1
            print(f"  {name} {i}: save answered {status}: {saved}", file=sys.stderr)
            continue
        path = f"/api/v1/bookmarks/{saved['id']}"
        status, got = client.request("GET", path)
        if status == 404 or (status == 200 and got.get("comment") != f"{name}-{i}"):
            stale += 1
        elif status != 200:
            errors += 1
            print(f"  {name} {i}: read answered {status}", file=sys.stderr)
        status, got = client.request("GET", path, anonymous=True)
        if status == 404 or (status == 200 and got.get("comment") != f"{name}-{i}"):
            anon_stale += 1
        status, _ = client.request("PATCH", path, {"comment": f"{name}-{i}-changed"})
        if status != 200:
            errors += 1
            print(f"  {name} {i}: update answered {status}", file=sys.stderr)
            continue
        status, got = client.request("GET", path)
        if status == 200 and got.get("comment") != f"{name}-{i}-changed":
            stale += 1
        elif status != 200:
            errors += 1
            print(f"  {name} {i}: read answered {status}", file=sys.stderr)
    counts[name] = {"rounds": rounds, "stale": stale, "errors": errors, "anonymous_stale": anon_stale}
    print(f"{name:9} {rounds} rounds: {stale} stale reads of the writer, {errors} errors, "
          f"{anon_stale} anonymous reads right after a write saw the replica behind")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, default=8090)
    ap.add_argument("--servers", default="8091,8092,8093")
    ap.add_argument("--rounds", type=int, default=150)
    ap.add_argument("--cluster", default=os.path.join(os.path.dirname(__file__), "cluster.sh"))
    args = ap.parse_args()
    servers = [int(p) for p in args.servers.split(",")]

    name = "check_" + secrets.token_hex(4)
    status, body = Client(args.port).request(
        "POST", "/api/v1/auth/register", {"username": name, "password": "cluster-check-password"})
    if status != 201:
        sys.exit(f"register answered {status}: {body}")
    token = body["access_token"]

    before = metrics(servers)
    counts = {}
    run_pass("browser", Client(args.port, token, keep_cookies=True), args.rounds, counts)
    run_pass("api", Client(args.port, token, keep_cookies=False), args.rounds, counts)

    def stop_replica():
        subprocess.run(["bash", args.cluster, "stop-replica"], check=True)

    run_pass("failover", Client(args.port, token, keep_cookies=True), args.rounds, counts, stop_replica)
    subprocess.run(["bash", args.cluster, "start-replica"], check=True)
    # Back in use within a few seconds.
    time.sleep(3)
    back = metrics(servers)
    run_pass("recovered", Client(args.port, token, keep_cookies=True), max(args.rounds // 3, 10), counts)
    after = metrics(servers)

    reads = after["bukuma_db_replica_reads"] - before["bukuma_db_replica_reads"]
    fallbacks = after["bukuma_db_replica_fallbacks"] - before["bukuma_db_replica_fallbacks"]
    recovered = after["bukuma_db_replica_reads"] - back["bukuma_db_replica_reads"]
    print(f"replica: {reads:.0f} reads served, {fallbacks:.0f} sent to the primary "
          f"(behind the writer, busy or down); {recovered:.0f} served after it came back")
    failed = [k for k, c in counts.items() if c["stale"] or c["errors"]]
    if reads <= 0 or recovered <= 0:
        failed.append("the replica served no reads")
    if failed:
        print("FAILED: " + ", ".join(failed))
        sys.exit(1)
    print("ok: every writer read their writes, with and without the replica")


if __name__ == "__main__":
    main()
