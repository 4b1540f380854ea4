#!/usr/bin/env python3
"""The bench's read scenarios against one `bukuma serve` and through haproxy
in front of three (deploy/cluster.sh), side by side, on one PostgreSQL
primary with its streaming replica; see bench/README.md.

Seeds the cluster's primary once (kept in bench/data/cluster, reused by
later runs), then for each scenario runs wrk against server 1 directly and
then against haproxy, so that both see the same machine at the same time.
Only reads: the dataset stays as seeded. Writes
bench/results/<timestamp>-cluster-<profile>.json and .md. Standard library only.
"""

import argparse
import datetime
import json
import os
import re
import subprocess
import sys
import time
import urllib.request

import bench as b

STATE = os.path.join(b.DATA, "cluster")
PRIMARY_PORT, REPLICA_PORT = 5433, 5434
DB_URL = f"postgres://postgres@127.0.0.1:{PRIMARY_PORT}/bukuma?sslmode=disable"
ONE = "http://127.0.0.1:8091"
HAPROXY = "http://127.0.0.1:8090"
SCENARIOS = b.READS + b.RELATED + b.CATEGORIES + [(k, t) for k, t, _ in b.SEARCHES]


def cluster_env(binary):
    return dict(os.environ, BUKUMA_BIN=binary, BUKUMA_CLUSTER_DIR=STATE, RUST_LOG="warn",
                BUKUMA_METRICS="true", BUKUMA_ACCESS_TOKEN_SECS="86400", CLUSTER_REPLICA_DELAY="0")


def cluster(binary, *cmd):
    b.run(["bash", os.path.join(b.ROOT, "deploy", "cluster.sh"), *cmd], env=cluster_env(binary),
          stdout=subprocess.DEVNULL)


def primary_sql(sql):
    cmd = ["psql", "-X", "-q", "-h", "127.0.0.1", "-p", str(PRIMARY_PORT), "-U", "postgres", "-d", "bukuma",
           "-v", "ON_ERROR_STOP=1", "-tAc", sql]
    if os.geteuid() == 0:
        cmd = ["runuser", "-u", "postgres", "--"] + cmd
    return b.run(cmd, capture_output=True, text=True).stdout.strip()


def prepare(binary, prof, args):
    """Starts the cluster on a seeded dataset; returns its manifest dir."""
    name = f"{prof['users']}u-{prof['bookmarks']}b-s{args.seed}-v{b.DATASET_VERSION}"
    manifest = os.path.join(b.DATA, f"cluster-{name}.manifest")
    done = os.path.join(manifest, "categorized.json")
    if args.reseed or not (os.path.exists(done) and os.path.isdir(os.path.join(STATE, "pg", "primary"))):
        b.log("cluster: a new cluster for the dataset")
        cluster(binary, "purge")
        cluster(binary, "up")
        b.seed(binary, DB_URL, prof, manifest, args.seed)
        categorized = b.categorize(binary, DB_URL, "cluster")
        primary_sql("VACUUM ANALYZE")
        env = dict(os.environ, DATABASE_URL=DB_URL, BUKUMA_DATA_DIR=os.path.join(b.DATA, "state"),
                   BUKUMA_SEARCH_DIR=os.path.join(STATE, "search"), RUST_LOG="warn")
        b.log("cluster: bukuma search reindex (the servers switch to the new index)")
        b.run([binary, "search", "reindex"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        b.keep_categorized(manifest, categorized)
    else:
        b.log(f"cluster: reusing {os.path.relpath(STATE, b.ROOT)}")
        cluster(binary, "up")
    b.recompute_hot(binary, DB_URL, "cluster")
    b.recompute_related(binary, DB_URL, "cluster")
    # The replica has replayed everything before the scenarios start.
    deadline = time.time() + 300
    while primary_sql("SELECT count(*) FROM pg_stat_replication "
                      "WHERE replay_lsn >= pg_current_wal_lsn()") != "1":
        if time.time() > deadline:
            raise RuntimeError("the replica did not catch up within 300 s")
        time.sleep(0.5)
    return manifest


def replica_reads():
    """Reads the replica served, summed over the three servers (/metrics)."""
    total = 0.0
    for port in (8091, 8092, 8093):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as r:
                text = r.read().decode()
        except OSError:
            continue
        m = re.search(r"^bukuma_db_replica_reads(?:\{[^}]*\})? ([0-9.e+]+)$", text, re.M)
        if m:
            total += float(m.group(1))
    return total


def markdown(meta, res):
    lines = [f"# bukuma bench — one server and three through haproxy, {meta['profile']} ({meta['date']})", "",
             f"- commit: `{meta['commit']}`",
             f"- machine: {meta['machine']}",
             f"- load: wrk, {b.THREADS} threads, {b.CONNECTIONS} connections, {meta['duration']} s per "
             f"scenario and target, one after the other; release build; PostgreSQL primary and streaming "
             f"replica (deploy/cluster.sh) on the same machine",
             "", "```", res["dataset"], "```", "",
             "| scenario | one server req/s | p50 ms | p99 ms | haproxy + 3 servers req/s | p50 ms | p99 ms | ratio |",
             "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for key, title in [("healthz", "/healthz")] + SCENARIOS:
        one, three = res["one"][key], res["haproxy"][key]
        lines.append(f"| {title} | {one['rps']:.0f} | {b.ms(one['latency_us']['p50'])} | "
                     f"{b.ms(one['latency_us']['p99'])} | {three['rps']:.0f} | "
                     f"{b.ms(three['latency_us']['p50'])} | {b.ms(three['latency_us']['p99'])} | "
                     f"{three['rps'] / max(one['rps'], 1):.2f} |")
    errors = {f"{t}/{k}": s["error_count"] for t in ("one", "haproxy") for k, s in res[t].items() if s["error_count"]}
    lines += ["", f"Reads the replica served during the run: {res['replica_reads']:.0f}.",
              f"Errors: {errors or 'none'}.", ""]
    return "\n".join(lines)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--profile", choices=b.PROFILES, default="full")
    p.add_argument("--bin", default=os.path.join(b.ROOT, "target", "release", "bukuma"))
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--reseed", action="store_true", help="seed the cluster again")
    p.add_argument("--label", default="")
    p.add_argument("--keep", action="store_true", help="leave the cluster running")
    args = p.parse_args()
    lock = b.hold_machine_lock()  # noqa: F841 (held until exit)
    prof = b.PROFILES[args.profile]
    commit = subprocess.run(["git", "-C", b.ROOT, "describe", "--always", "--dirty"],
                            capture_output=True, text=True).stdout.strip() or "unknown"
    now = datetime.datetime.now(datetime.timezone.utc)
    meta = {"profile": args.profile, "date": now.strftime("%Y-%m-%d %H:%M UTC"), "commit": commit,
            "machine": b.machine(), **prof}
    try:
        manifest = prepare(args.bin, prof, args)
        with open(os.path.join(manifest, "users.txt")) as f:
            users = [l.strip() for l in f if l.strip()]
        tokens = b.login_all(HAPROXY, users, prof["logins"])
        tokens_path = os.path.join(b.DATA, "tokens-cluster.txt")
        with open(tokens_path, "w") as f:
            f.write("\n".join(tokens) + "\n")
        env = dict(os.environ, BENCH_DIR=b.BENCH, BENCH_MANIFEST=manifest, BENCH_TOKENS=tokens_path,
                   BENCH_RELATED_TOP=str(b.RELATED_TOP))
        d = prof["duration"]
        res = {"dataset": open(os.path.join(manifest, "seed.txt")).read().strip(), "one": {}, "haproxy": {}}
        for base in (ONE, HAPROXY):
            b.measure(base, "mixed_reads.lua", max(1, d // 2), env)  # warm every server's caches
        replica_before = replica_reads()
        for key, title in [("healthz", "/healthz")] + SCENARIOS:
            for target, base in (("one", ONE), ("haproxy", HAPROXY)):
                b.log(f"cluster: {title} — {target}")
                seconds = prof["healthz"] if key == "healthz" else d
                res[target][key] = b.measure(base, f"{key}.lua", seconds, env)
        res["replica_reads"] = replica_reads() - replica_before
    finally:
        if not args.keep:
            cluster(args.bin, "down")
    stamp = now.strftime("%Y%m%dT%H%M%SZ") + (f"-{args.label}" if args.label else "")
    base = os.path.join(b.RESULTS, f"{stamp}-cluster-{args.profile}")
    with open(base + ".json", "w") as f:
        json.dump({"meta": meta, "results": res}, f, indent=2, ensure_ascii=False)
    md = markdown(meta, res)
    with open(base + ".md", "w") as f:
        f.write(md)
    b.log(f"wrote {os.path.relpath(base, b.ROOT)}.json and .md")
    print(md)
    failed = any(s["error_count"] or not s["requests"] for t in ("one", "haproxy") for s in res[t].values())
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
