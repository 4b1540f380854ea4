#!/usr/bin/env python3
"""Drive `bukuma serve` with wrk on SQLite and PostgreSQL; see bench/README.md.

Seeds (or reuses) a dataset per backend, starts the server on a copy of it,
runs every scenario against it next to the /healthz ceiling, records the
server's peak RSS and writes bench/results/<timestamp>.json and .md.
Standard library only.
"""

import argparse
import concurrent.futures
import datetime
import fcntl
import hashlib
import json
import os
import platform
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BENCH = os.path.join(ROOT, "bench")
DATA = os.path.join(BENCH, "data")
RESULTS = os.path.join(BENCH, "results")
# The search index of the working copy of a dataset.
RUN_SEARCH_DIR = os.path.join(DATA, "run.search")

# Bump with bukuma_seed::GENERATOR_VERSION, or when the preparation of a
# cached dataset changes, so cached datasets are rebuilt.
DATASET_VERSION = 6
PASSWORD = "bench-password"

PROFILES = {
    # users, bookmarks, seconds per scenario, seconds of mixed load, seconds of /healthz
    "full": dict(users=10_000, bookmarks=1_000_000, duration=20, mixed=60, healthz=10, logins=200),
    # Search and list growth at ten times the full size (issue 25); not in `make bench`.
    "10m": dict(users=100_000, bookmarks=10_000_000, duration=20, mixed=60, healthz=10, logins=200),
    # Hatena Bookmark's size in 2009 (issue 28); not in `make bench`. The
    # manifest lists every active user and the million most bookmarked
    # entries, so the Zipf-chosen targets spread over the whole dataset.
    # Runs on the dataset itself, not a copy: the disk holds one (see
    # bench/README.md).
    "hatena": dict(users=300_000, bookmarks=47_000_000, duration=20, mixed=60, healthz=10, logins=200,
                   manifest_users=300_000, manifest_entries=1_000_000, copy=False, rss_mb=1024,
                   reindex_s=None),
    "quick": dict(users=2_000, bookmarks=100_000, duration=10, mixed=20, healthz=5, logins=100),
    "smoke": dict(users=50, bookmarks=1_000, duration=1, mixed=2, healthz=1, logins=10),
}

READS = [
    ("hot", "1. GET /entries/hot"),
    ("entry", "2. entry + popular comments"),
    ("user_tag", "3. user bookmarks by tag (first/deep page)"),
    ("user_lists", "4. user tags / sites"),
]
# Search scenarios (issue 25): key, title, p99 target in ms. Numbered
# after the older scenarios so their numbers stay; run before the writes,
# on the index as `bukuma search reindex` left it.
SEARCHES = [
    ("search_common", "7. search, common 2-char word, top 20", 20),
    ("search_rare", "8. search, rare 2-char word", 5),
    ("search_en", "9. search, English word, top 20", 20),
    ("search_mine", "10. search my bookmarks (signed in)", 20),
]
# Social scenarios (issue 26), as the busiest users, who follow 200 people
# each: read targets as scenarios 1–4.
SOCIAL = [
    ("feed", "11. GET /me/feed (following 200)"),
    ("my_hot", "12. GET /me/hot (following 200)"),
    ("unread", "13. GET /me/notifications/unread-count"),
]
# Related entries (read targets as scenarios 1–4), of the RELATED_TOP most
# bookmarked entries, whose lists `bukuma recompute-related` computes first.
RELATED = [
    ("related", "14. GET /entries/{id}/related"),
]
RELATED_TOP = 2_000
# Category scenarios (entry categories): read targets as scenarios 1–4.
CATEGORIES = [
    ("category_hot", "15. GET /entries/hot?category= (one of the eight)"),
]
THREADS, CONNECTIONS = 2, 32

# Milestone targets (issue 4), checked on every run and meant for the 1M dataset.
READ_RATIO, READ_P99_MS = 0.25, 20
WRITE_RPS, WRITE_P99_MS = 2_000, 50
MIXED_READ_P99_MS = 25
SEED_RATE = 100_000  # bookmarks/s, SQLite
RSS_MB = 300
SEARCH_RATIO = 0.25
REINDEX_SECONDS = 60
SEARCH_LAG_S = 2.0
# How often the lag probe writes a marker and looks for the ones not found yet.
LAG_PROBE_INTERVAL = 0.1
# How long the probe keeps looking for its markers after the writes stop.
LAG_PROBE_DRAIN_S = 30

# What the search index is built from: a cached index is rebuilt when one
# of these files changes (tokenizer, schema, documents).
SEARCH_SOURCES = ["crates/search/src", "crates/api/src/indexer.rs", "crates/db/src/queries/search.rs"]


def log(msg):
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", flush=True)


def run(cmd, **kw):
    return subprocess.run(cmd, check=True, **kw)


def pg_admin_url():
    return os.environ.get("BUKUMA_BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/postgres")


def pg_url(db):
    # Over loopback TLS only costs CPU (libpq would negotiate it by default).
    base = pg_admin_url().rsplit("/", 1)[0]
    return f"{base}/{db}?sslmode=disable"


def psql(sql):
    out = run(["psql", pg_admin_url(), "-v", "ON_ERROR_STOP=1", "-tAc", sql],
              capture_output=True, text=True)
    return out.stdout.strip()


def hold_machine_lock():
    """Waits until no other bench run on this machine holds the lock, then
    holds it until this process exits. Runs of every checkout share the
    PostgreSQL server and its database names (`bukuma_bench_run`), so a
    second run would drop the first one's database under its server, and
    two runs would load each other's measurements anyway."""
    path = os.environ.get("BUKUMA_BENCH_LOCK", os.path.join(tempfile.gettempdir(), "bukuma-bench.lock"))
    f = open(path, "a+")
    try:
        fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        f.seek(0)
        holder = f.read().strip() or "another process"
        log(f"waiting for another bench run to finish ({holder}; lock {path})")
        fcntl.flock(f, fcntl.LOCK_EX)
    f.seek(0)
    f.truncate()
    f.write(f"pid {os.getpid()} in {ROOT}\n")
    f.flush()
    return f


def pg_exists(db):
    return psql(f"SELECT 1 FROM pg_database WHERE datname = '{db}'") == "1"


def seed(binary, url, prof, manifest, seed_value):
    log(f"seeding {prof['users']} users / {prof['bookmarks']} bookmarks into {url}")
    if os.path.isdir(manifest):
        shutil.rmtree(manifest)
    env = dict(os.environ, DATABASE_URL=url, RUST_LOG="warn",
               BUKUMA_DATA_DIR=os.path.join(DATA, "state"))
    sizes = []
    if "manifest_users" in prof:
        sizes = ["--manifest-users", str(prof["manifest_users"]),
                 "--manifest-entries", str(prof["manifest_entries"])]
    out = run([binary, "seed", "--users", str(prof["users"]), "--bookmarks",
               str(prof["bookmarks"]), "--seed", str(seed_value), "--manifest", manifest, *sizes],
              env=env, stderr=subprocess.PIPE, text=True)
    lines = [l for l in out.stderr.splitlines() if l.startswith(("seeded", "time:"))]
    for l in lines:
        log(l)
    with open(os.path.join(manifest, "seed.txt"), "w") as f:
        f.write("\n".join(lines) + "\n")


def prepare_dataset(backend, binary, prof, args):
    """Returns (DATABASE_URL of a fresh working copy, manifest dir, cleanup);
    of the dataset itself for a profile without `copy`."""
    name = f"{prof['users']}u-{prof['bookmarks']}b-s{args.seed}-v{DATASET_VERSION}"
    os.makedirs(DATA, exist_ok=True)
    fresh = args.profile == "smoke" or args.reseed
    if backend == "sqlite":
        pristine = os.path.join(DATA, f"sqlite-{name}.sqlite3")
        manifest = os.path.join(DATA, f"sqlite-{name}.manifest")
        ok = os.path.join(manifest, "categorized.json")
        if fresh or not (os.path.exists(pristine) and os.path.exists(ok)):
            for suffix in ("", "-wal", "-shm"):
                if os.path.exists(pristine + suffix):
                    os.remove(pristine + suffix)
            seed(binary, f"sqlite://{pristine}", prof, manifest, args.seed)
            categorized = categorize(binary, f"sqlite://{pristine}", backend)
            # The copy below takes the main file alone: everything out of the WAL.
            with sqlite3.connect(pristine) as conn:
                conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            keep_categorized(manifest, categorized)
        else:
            log(f"reusing {os.path.relpath(pristine, ROOT)}")
        if not prof.get("copy", True):
            return f"sqlite://{pristine}", manifest, lambda: None
        work = os.path.join(DATA, "run.sqlite3")
        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(work + suffix):
                os.remove(work + suffix)
        shutil.copyfile(pristine, work)

        def cleanup():
            for suffix in ("", "-wal", "-shm"):
                if os.path.exists(work + suffix):
                    os.remove(work + suffix)
        return f"sqlite://{work}", manifest, cleanup
    db = "bukuma_bench_" + name.replace("-", "_")
    manifest = os.path.join(DATA, f"pg-{name}.manifest")
    ok = os.path.join(manifest, "categorized.json")
    if fresh or not (pg_exists(db) and os.path.exists(ok)):
        psql(f"DROP DATABASE IF EXISTS {db} WITH (FORCE)")
        psql(f"CREATE DATABASE {db}")
        seed(binary, pg_url(db), prof, manifest, args.seed)
        categorized = categorize(binary, pg_url(db), backend)
        # The backfill rewrote every entry row: vacuumed now rather than by
        # autovacuum during the scenarios.
        run(["psql", pg_url(db).split("?")[0], "-v", "ON_ERROR_STOP=1", "-qc", "VACUUM ANALYZE"])
        keep_categorized(manifest, categorized)
    else:
        log(f"reusing PostgreSQL database {db}")
    if not prof.get("copy", True):
        return pg_url(db), manifest, lambda: None
    work = "bukuma_bench_run"
    psql(f"DROP DATABASE IF EXISTS {work} WITH (FORCE)")
    psql(f"CREATE DATABASE {work} TEMPLATE {db}")
    # The copy went through the WAL (PostgreSQL 15's default strategy): a
    # checkpoint now rather than one forced by it during the scenarios.
    psql("CHECKPOINT")

    def cleanup():
        psql(f"DROP DATABASE IF EXISTS {work} WITH (FORCE)")
        if args.profile == "smoke":
            psql(f"DROP DATABASE IF EXISTS {db} WITH (FORCE)")
    return pg_url(work), manifest, cleanup


def search_fingerprint():
    """A digest of the sources the index is built by (SEARCH_SOURCES)."""
    h = hashlib.sha256()
    for rel in SEARCH_SOURCES:
        path = os.path.join(ROOT, rel)
        files = [path] if os.path.isfile(path) else sorted(
            os.path.join(d, f) for d, _, fs in os.walk(path) for f in fs)
        for f in files:
            h.update(os.path.relpath(f, ROOT).encode() + b"\0")
            with open(f, "rb") as fh:
                h.update(fh.read())
    return h.hexdigest()[:16]


def dir_bytes(path):
    return sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(path) for f in fs)


def server_env(url, search_dir, extra_env=(), port=None):
    """The environment of `bukuma serve`, also used for `bukuma search
    reindex` so that both see the same database and index directory."""
    env = dict(os.environ, DATABASE_URL=url, BUKUMA_DATA_DIR=os.path.join(DATA, "state"),
               BUKUMA_SEARCH_DIR=search_dir, BUKUMA_FETCH_METADATA="false",
               BUKUMA_ACCESS_TOKEN_SECS="86400", RUST_LOG=os.environ.get("BENCH_RUST_LOG", "warn"))
    if port is not None:
        env["BUKUMA_BIND"] = f"127.0.0.1:{port}"
    env.update(dict(kv.split("=", 1) for kv in extra_env))
    return env


def reindex(binary, url, search_dir, backend, extra_env):
    """Runs `bukuma search reindex` into an empty `search_dir`; what it took."""
    shutil.rmtree(search_dir, ignore_errors=True)
    os.makedirs(os.path.join(DATA, "state"), exist_ok=True)
    log(f"{backend}: bukuma search reindex")
    started = time.time()
    out = run([binary, "search", "reindex"], env=server_env(url, search_dir, extra_env),
              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    wall = time.time() - started
    line = next((l.strip() for l in reversed(out.stderr.splitlines())
                 if l.strip().startswith("search index rebuilt")), "")
    m = re.search(r"rebuilt in ([\d.]+) s: (\d+) entries, (\d+) bookmarks", line)
    if not m:
        raise RuntimeError(f"bukuma search reindex said: {out.stderr.strip()[-500:]}")
    info = {"seconds": float(m.group(1)), "wall_seconds": round(wall, 1),
            "entries": int(m.group(2)), "bookmarks": int(m.group(3)),
            "bytes": dir_bytes(search_dir), "line": line}
    log(f"{backend}: {line} (command: {wall:.1f} s)")
    return info


def prepare_search(backend, binary, url, manifest, extra_env=(), copy=True):
    """Gives the working copy `url` a copy of the dataset's cached search
    index, building that with `bukuma search reindex` when it is missing,
    the dataset was reseeded or the index's sources changed. Returns the
    index directory for the server and what the reindex took (`cached`
    when an earlier run built it). Without `copy`, the server uses the
    cached index itself, as it does the dataset."""
    cache = manifest[:-len(".manifest")] + ".search"
    stamp = os.path.join(manifest, "search.json")
    fingerprint = search_fingerprint()
    info = None
    if os.path.exists(stamp) and os.path.isdir(cache):
        with open(stamp) as f:
            info = json.load(f)
        if info.get("fingerprint") != fingerprint:
            log(f"{backend}: the search index's sources changed since the cached index was built")
            info = None
    if info is None:
        if os.path.exists(stamp):
            os.remove(stamp)
        info = dict(reindex(binary, url, cache, backend, extra_env), fingerprint=fingerprint)
        with open(stamp, "w") as f:
            json.dump(info, f, indent=2, ensure_ascii=False)
        info["cached"] = False
    else:
        log(f"{backend}: reusing the search index {os.path.relpath(cache, ROOT)}")
        info["cached"] = True
    if not copy:
        return cache, info
    shutil.rmtree(RUN_SEARCH_DIR, ignore_errors=True)
    shutil.copytree(cache, RUN_SEARCH_DIR)
    return RUN_SEARCH_DIR, info


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http(method, url, body=None, token=None, timeout=30):
    headers = {"content-type": "application/json"} if body is not None else {}
    if token:
        headers["authorization"] = f"Bearer {token}"
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, headers=headers, method=method)
    with urllib.request.urlopen(req, timeout=timeout) as r:
        return r.status, json.loads(r.read() or b"null")


class Server:
    def __init__(self, binary, url, backend, search_dir, extra_env=()):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        os.makedirs(os.path.join(DATA, "state"), exist_ok=True)
        self.log_path = os.path.join(DATA, f"server-{backend}.log")
        env = server_env(url, search_dir, extra_env, port=self.port)
        self.logf = open(self.log_path, "w")
        self.proc = subprocess.Popen([binary, "serve"], env=env, stdout=self.logf,
                                     stderr=subprocess.STDOUT)
        deadline = time.time() + 300
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited with {self.proc.returncode}; see {self.log_path}")
            try:
                if http("GET", self.base + "/readyz", timeout=2)[0] == 200:
                    break
            except (urllib.error.URLError, ConnectionError, OSError):
                pass
            if time.time() > deadline:
                raise RuntimeError(f"server not ready after 300 s; see {self.log_path}")
            time.sleep(0.2)

    def memory_kb(self):
        out = {}
        with open(f"/proc/{self.proc.pid}/status") as f:
            for line in f:
                if line.startswith(("VmHWM", "VmRSS", "RssAnon", "RssFile")):
                    k, v = line.split(":")
                    out[k] = int(v.split()[0])
        return out

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.logf.close()


def login_all(base, users, n):
    def one(u):
        _, body = http("POST", base + "/api/v1/auth/login", {"username": u, "password": PASSWORD})
        return body["access_token"]
    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        return list(pool.map(one, users[:n]))


def wrk(base, script, seconds, env, threads=THREADS, connections=CONNECTIONS, args=()):
    cmd = ["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{seconds}s",
           "--timeout", "2s", "-s", os.path.join(BENCH, "lua", script), base]
    if args:
        cmd += ["--", *map(str, args)]
    return subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def collect(proc, name):
    out, err = proc.communicate()
    if proc.returncode != 0:
        raise RuntimeError(f"wrk failed for {name}: {err.strip()} {out.strip()}")
    for line in out.splitlines():
        if line.startswith("BENCH_JSON "):
            r = json.loads(line[len("BENCH_JSON "):])
            r["rps"] = r["requests"] / (r["duration_us"] / 1e6) if r["duration_us"] else 0.0
            r["error_count"] = sum(r["errors"][k] for k in ("connect", "read", "write", "timeout")) \
                + max(r["errors"]["status"], r["errors"]["http_4xx_5xx"])
            return r
    raise RuntimeError(f"no summary from wrk for {name}: {out} {err}")


def measure(base, script, seconds, env, **kw):
    return collect(wrk(base, script, seconds, env, **kw), script)


def mixed(base, seconds, env, write_rate):
    """Scenario 6: reads on 28 connections, writes on 4 paced at about
    `write_rate` per second; the two results."""
    write_conns = 4
    pause_ms = max(0, int(write_conns * 1000 / write_rate))
    rp = wrk(base, "mixed_reads.lua", seconds, env, threads=2,
             connections=CONNECTIONS - write_conns)
    wp = wrk(base, "mixed_writes.lua", seconds, env, threads=1,
             connections=write_conns, args=[pause_ms])
    return collect(rp, "mixed reads"), collect(wp, "mixed writes")


def letters(n):
    """`n` written with the letters a–p: one word to the search tokenizer,
    which splits letters from digits."""
    return "".join(chr(ord("a") + int(d, 16)) for d in f"{n:x}")


class LagProbe(threading.Thread):
    """Measures how late writes show up in search while the write scenario
    runs: every LAG_PROBE_INTERVAL it bookmarks a new URL with a unique
    marker word in the comment, and searches for the oldest markers not
    found yet. A marker's lag is the time from the write's response to the
    response of the first search that finds it, so it errs high by up to
    one interval. The indexer consumes the outbox in order, so markers
    become searchable in the order they were written, and looking for the
    oldest ones first is enough."""

    def __init__(self, base, token):
        super().__init__(daemon=True)
        self.base, self.token = base, token
        self.stopping = threading.Event()
        self.lags, self.pending = [], []
        self.errors, self.first_error = 0, ""
        self.nonce = letters(int.from_bytes(os.urandom(5), "big"))
        self.exc = None

    def fail(self, what, e):
        self.errors += 1
        if not self.first_error:
            self.first_error = f"{what}: {e}"

    def write(self, seq):
        word = f"lagprobe{self.nonce}q{letters(seq)}"
        body = {"url": f"https://lag-probe.example.com/{self.nonce}/{seq}",
                "comment": f"bench lag probe {word}", "tags": ["bench"]}
        try:
            http("POST", self.base + "/api/v1/bookmarks", body, token=self.token, timeout=10)
        except (urllib.error.URLError, OSError) as e:
            self.fail("POST /bookmarks", e)
            return
        self.pending.append((word, time.monotonic()))

    def look(self):
        while self.pending:
            word, written = self.pending[0]
            try:
                _, page = http("GET", f"{self.base}/api/v1/search?q={word}&limit=1", timeout=10)
            except (urllib.error.URLError, OSError) as e:
                self.fail("GET /search", e)
                return
            if not page["entries"]:
                return
            self.lags.append(time.monotonic() - written)
            self.pending.pop(0)

    def run(self):
        try:
            seq, tick, drain_until = 0, time.monotonic(), None
            while True:
                if drain_until is None and self.stopping.is_set():
                    drain_until = time.monotonic() + LAG_PROBE_DRAIN_S
                if drain_until is None:
                    seq += 1
                    self.write(seq)
                self.look()
                if drain_until is not None and (not self.pending or time.monotonic() > drain_until):
                    return
                tick += LAG_PROBE_INTERVAL
                time.sleep(max(0.0, tick - time.monotonic()))
        except Exception as e:  # reported by result()
            self.exc = e

    def result(self):
        """Stops writing, waits for the markers still pending, and sums up."""
        self.stopping.set()
        self.join()
        if self.exc:
            raise RuntimeError(f"lag probe failed: {self.exc}")
        lags = sorted(self.lags)

        def pct(p):
            return lags[min(len(lags) - 1, int(p / 100 * len(lags)))] if lags else None
        return {"markers": len(lags) + len(self.pending), "found": len(lags),
                "lost": len(self.pending), "errors": self.errors, "first_error": self.first_error,
                "interval_s": LAG_PROBE_INTERVAL, "p50_s": pct(50), "p99_s": pct(99),
                "max_s": lags[-1] if lags else None,
                "mean_s": sum(lags) / len(lags) if lags else None}


def check_searches(base, token):
    """Runs each search scenario's query once; fails when a common word
    finds nothing: an empty or stale index would answer fast and empty,
    and pass for a fast search. (The rare word may miss in a small
    dataset of another seed.)"""
    words = {}
    with open(os.path.join(BENCH, "lua", "common.lua")) as f:
        for key, word in re.findall(r'^\s+(common|rare|en) = "([^"]+)"', f.read(), re.M):
            words[key] = word
    found = {}
    for key, word, scope in [("search_common", words["common"], "all"),
                             ("search_rare", words["rare"], "all"),
                             ("search_en", words["en"], "all"),
                             ("search_mine", words["common"], "mine")]:
        q = urllib.parse.quote(word)
        _, page = http("GET", f"{base}/api/v1/search?q={q}&scope={scope}&limit=20",
                       token=token if scope == "mine" else None)
        hits = len(page["entries"] if scope == "all" else page["bookmarks"])
        found[key] = {"word": word, "first_page": hits, "more": page.get("next_cursor") is not None}
        if hits == 0 and key == "search_rare":
            log(f"warning: the rare word {word!r} finds nothing in this dataset")
        elif hits == 0:
            raise RuntimeError(f"search for {word!r} (scope={scope}) found nothing: is the index built?")
    return found


def check_social(base, token):
    """Reads the feed and my hot entries once as a signed-in user; fails
    when the feed is empty (a user who follows nobody would be fast for
    no reason). Returns how many people they follow and what each showed."""
    _, me = http("GET", f"{base}/api/v1/me", token=token)
    _, profile = http("GET", f"{base}/api/v1/users/{me['username']}")
    started = time.time()
    _, feed = http("GET", f"{base}/api/v1/me/feed", token=token)
    feed_ms = (time.time() - started) * 1000
    started = time.time()
    _, hot = http("GET", f"{base}/api/v1/me/hot", token=token)
    hot_ms = (time.time() - started) * 1000
    if not feed["items"]:
        raise RuntimeError(f"the feed of {me['username']} is empty: does the dataset have follows?")
    return {"following": profile["following_count"], "feed": len(feed["items"]),
            "my_hot": len(hot["items"]), "feed_first_ms": round(feed_ms, 1),
            "my_hot_first_ms": round(hot_ms, 1)}


def recompute_hot(binary, url, backend):
    """Brings the copy's hot scores up to now, as a server that has been
    running would have them: entries whose bookmarks left the week since
    the dataset was seeded are scored again, which the server's first job
    run would otherwise do during the scenarios."""
    started = time.time()
    env = dict(os.environ, DATABASE_URL=url, RUST_LOG="warn",
               BUKUMA_DATA_DIR=os.path.join(DATA, "state"))
    run([binary, "recompute-hot"], env=env, stderr=subprocess.PIPE, text=True)
    log(f"{backend}: hot scores brought up to now in {time.time() - started:.1f}s")


def recompute_related(binary, url, backend):
    """Computes the related lists of the entries the related scenario
    reads, as a server's job would have by the time they are read."""
    started = time.time()
    env = dict(os.environ, DATABASE_URL=url, RUST_LOG="warn",
               BUKUMA_DATA_DIR=os.path.join(DATA, "state"))
    run([binary, "recompute-related", "--top", str(RELATED_TOP)], env=env,
        stderr=subprocess.PIPE, text=True)
    log(f"{backend}: related entries of the top {RELATED_TOP} entries computed "
        f"in {time.time() - started:.1f}s")


def check_related(base, manifest):
    """Reads the most bookmarked entry's related entries once; fails when
    there are none (an uncomputed list would answer fast and empty)."""
    with open(os.path.join(manifest, "entries.txt")) as f:
        top = f.readline().strip()
    _, page = http("GET", f"{base}/api/v1/entries/{top}/related")
    if not page["items"]:
        raise RuntimeError(f"entry {top} has no related entries: were they computed?")
    return {"entry": int(top), "items": len(page["items"])}


def categorize(binary, url, backend):
    """Classifies a freshly seeded dataset's entries, as a server that has
    been running would have them (`bukuma categories backfill`), so that
    the server's categories job has nothing left to do during the
    scenarios. Without a usable category model it says so and goes on: the
    category lists are then empty."""
    started = time.time()
    env = dict(os.environ, DATABASE_URL=url, RUST_LOG="warn",
               BUKUMA_DATA_DIR=os.path.join(DATA, "state"))
    done = subprocess.run([binary, "categories", "backfill"], env=env, stderr=subprocess.PIPE,
                          text=True)
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["no output"])[-1]
        log(f"{backend}: WARNING: categories backfill failed ({last}); category lists are empty")
        return {"ok": False, "seconds": time.time() - started, "error": last[:300]}
    log(f"{backend}: entries categorized in {time.time() - started:.1f}s")
    return {"ok": True, "seconds": time.time() - started, "error": ""}


def keep_categorized(manifest, categorized):
    """Records how a cached dataset's classification went; written last, so
    a dataset without it is rebuilt."""
    with open(os.path.join(manifest, "categorized.json"), "w") as f:
        json.dump(categorized, f)


def categorized_of(manifest):
    with open(os.path.join(manifest, "categorized.json")) as f:
        return json.load(f)


def log_memory(server, backend, key, res):
    """Keeps the server's memory after a scenario, to tell which one raised
    the peak: anonymous memory (heap) apart from mapped files."""
    mem = server.memory_kb()
    res.setdefault("memory_after", {})[key] = mem
    log(f"{backend}: memory after {key}: RSS {mem.get('VmRSS', 0) // 1024} MB "
        f"(heap {mem.get('RssAnon', 0) // 1024}, files {mem.get('RssFile', 0) // 1024}), "
        f"peak {mem.get('VmHWM', 0) // 1024} MB")


def bench_backend(backend, binary, prof, args):
    url, manifest, cleanup = prepare_dataset(backend, binary, prof, args)
    server = None
    search_dir = None
    try:
        search_dir, search_index = prepare_search(backend, binary, url, manifest, args.server_env,
                                                  copy=prof.get("copy", True))
        recompute_hot(binary, url, backend)
        recompute_related(binary, url, backend)
        categorized = categorized_of(manifest)
        log(f"{backend}: starting the server")
        server = Server(binary, url, backend, search_dir, args.server_env)
        with open(os.path.join(manifest, "users.txt")) as f:
            users = [l.strip() for l in f if l.strip()]
        started = time.time()
        tokens = login_all(server.base, users, prof["logins"])
        log(f"{backend}: logged in {len(tokens)} users in {time.time() - started:.1f}s")
        tokens_path = os.path.join(DATA, f"tokens-{backend}.txt")
        with open(tokens_path, "w") as f:
            f.write("\n".join(tokens) + "\n")
        env = dict(os.environ, BENCH_DIR=BENCH, BENCH_MANIFEST=manifest, BENCH_TOKENS=tokens_path,
                   BENCH_RELATED_TOP=str(RELATED_TOP))
        d = prof["duration"]
        res = {"dataset": open(os.path.join(manifest, "seed.txt")).read().strip(), "scenarios": {},
               "search_index": search_index, "categorized": categorized}
        # Warm the caches, unrecorded.
        measure(server.base, "mixed_reads.lua", max(1, d // 2), env)
        log(f"{backend}: /healthz ceiling")
        res["healthz_before"] = measure(server.base, "healthz.lua", prof["healthz"], env)
        for key, title in READS:
            log(f"{backend}: {title}")
            res["scenarios"][key] = measure(server.base, f"{key}.lua", d, env)
            log_memory(server, backend, key, res)
        res["social"] = check_social(server.base, tokens[0])
        for key, title in SOCIAL:
            # Each signed-in user's page is computed once, unrecorded, as
            # their earlier visits would have: the scenario measures pages
            # as returning users get them (check_social times a first one).
            measure(server.base, f"{key}.lua", max(1, d // 4), env)
            log(f"{backend}: {title}")
            res["scenarios"][key] = measure(server.base, f"{key}.lua", d, env)
            log_memory(server, backend, key, res)
        res["related"] = check_related(server.base, manifest)
        for key, title in RELATED:
            log(f"{backend}: {title}")
            res["scenarios"][key] = measure(server.base, f"{key}.lua", d, env)
            log_memory(server, backend, key, res)
        for key, title in CATEGORIES:
            log(f"{backend}: {title}")
            res["scenarios"][key] = measure(server.base, f"{key}.lua", d, env)
            log_memory(server, backend, key, res)
        res["search_queries"] = check_searches(server.base, tokens[0])
        for key, title, _ in SEARCHES:
            log(f"{backend}: {title}")
            res["scenarios"][key] = measure(server.base, f"{key}.lua", d, env)
            log_memory(server, backend, key, res)
        log(f"{backend}: 5. writes, with the search lag probe")
        probe = LagProbe(server.base, tokens[0])
        probe.start()
        res["scenarios"]["write"] = measure(server.base, "write.lua", d, env)
        res["search_lag"] = probe.result()
        log_memory(server, backend, "write", res)
        lag = res["search_lag"]
        log(f"{backend}: search lag p99 {fmt_s(lag['p99_s'])}, max {fmt_s(lag['max_s'])} "
            f"over {lag['found']} markers, {lag['lost']} not found, {lag['errors']} errors")
        # Writes paced to ~10 % of requests.
        read_rps = sum(res["scenarios"][k]["rps"] for k, _ in READS) / len(READS)
        write_rate = max(read_rps / 9.0, 1.0)
        log(f"{backend}: 6. mixed load for {prof['mixed']}s (writes paced at ~{write_rate:.0f}/s)")
        reads, writes = mixed(server.base, prof["mixed"], env, write_rate)
        res["scenarios"]["mixed_reads"] = reads
        res["scenarios"]["mixed_writes"] = writes
        log_memory(server, backend, "mixed", res)
        log(f"{backend}: /healthz ceiling again")
        res["healthz_after"] = measure(server.base, "healthz.lua", prof["healthz"], env)
        res["healthz_rps"] = (res["healthz_before"]["rps"] + res["healthz_after"]["rps"]) / 2
        res["memory_kb"] = server.memory_kb()
        return res
    finally:
        if server:
            server.stop()
        if search_dir == RUN_SEARCH_DIR:
            shutil.rmtree(search_dir, ignore_errors=True)
        cleanup()


def ms(us):
    return f"{us / 1000:.1f}"


def fmt_s(seconds):
    return "–" if seconds is None else f"{seconds:.2f} s"


def verdicts(backend, r, prof):
    """(target, met?) pairs for one backend."""
    out = []
    ceiling = r["healthz_rps"]
    for key, title in READS + SOCIAL + CATEGORIES:
        s = r["scenarios"][key]
        ok = s["rps"] >= READ_RATIO * ceiling and s["latency_us"]["p99"] <= READ_P99_MS * 1000 \
            and s["error_count"] == 0
        out.append((f"{title}: ≥{READ_RATIO:.0%} of /healthz, p99 ≤ {READ_P99_MS} ms, no errors", ok))
    for key, title in RELATED:
        s = r["scenarios"][key]
        ok = s["rps"] >= READ_RATIO * ceiling and s["latency_us"]["p99"] <= READ_P99_MS * 1000 \
            and s["error_count"] == 0
        out.append((f"{title}: ≥{READ_RATIO:.0%} of /healthz, p99 ≤ {READ_P99_MS} ms, no errors", ok))
    w = r["scenarios"]["write"]
    ok = w["rps"] >= WRITE_RPS and w["error_count"] == 0
    if backend == "sqlite":
        ok = ok and w["latency_us"]["p99"] <= WRITE_P99_MS * 1000
        out.append((f"5. writes: ≥ {WRITE_RPS}/s, p99 ≤ {WRITE_P99_MS} ms, no errors", ok))
    else:
        out.append((f"5. writes: ≥ {WRITE_RPS}/s, no errors", ok))
    mr, mw = r["scenarios"]["mixed_reads"], r["scenarios"]["mixed_writes"]
    ok = mr["error_count"] == 0 and mw["error_count"] == 0 \
        and mr["latency_us"]["p99"] <= MIXED_READ_P99_MS * 1000
    out.append((f"6. mixed: no errors, read p99 ≤ {MIXED_READ_P99_MS} ms", ok))
    for key, title, p99_ms in SEARCHES:
        s = r["scenarios"][key]
        ok = s["rps"] >= SEARCH_RATIO * ceiling and s["latency_us"]["p99"] <= p99_ms * 1000 \
            and s["error_count"] == 0
        out.append((f"{title}: ≥{SEARCH_RATIO:.0%} of /healthz, p99 ≤ {p99_ms} ms, no errors", ok))
    lag = r["search_lag"]
    ok = lag["found"] > 0 and lag["lost"] == 0 and lag["errors"] == 0 and lag["max_s"] < SEARCH_LAG_S
    out.append((f"search lag during writes (5): every marker found, max < {SEARCH_LAG_S:g} s", ok))
    # The time of whichever run built the cached index (see above).
    reindex_s = prof.get("reindex_s", REINDEX_SECONDS)
    if reindex_s is not None:
        out.append((f"search reindex < {reindex_s} s", r["search_index"]["seconds"] < reindex_s))
    rss_mb = prof.get("rss_mb", RSS_MB)
    out.append((f"peak RSS ≤ {rss_mb} MB", r["memory_kb"].get("VmHWM", 0) <= rss_mb * 1024))
    seeded = re.search(r"= (\d+) bookmarks/s", r["dataset"])
    if backend == "sqlite" and seeded:
        # The rate of whichever run seeded the dataset (see its `time:` line above).
        out.append((f"seeding ≥ {SEED_RATE} bookmarks/s", int(seeded.group(1)) >= SEED_RATE))
    return out


def markdown(meta, results):
    lines = [f"# bukuma bench — {meta['profile']} ({meta['date']})", "",
             f"- commit: `{meta['commit']}`",
             f"- machine: {meta['machine']}",
             f"- load: wrk, {THREADS} threads, {CONNECTIONS} connections, "
             f"{meta['duration']} s per scenario, {meta['mixed']} s mixed; server log level `warn`"
             + (f"; server environment `{' '.join(meta['server_env'])}`" if meta.get("server_env") else ""),
             ""]
    for backend, r in results.items():
        ceiling = r["healthz_rps"]
        lines += [f"## {backend}", "", "```", r["dataset"], "```", "",
                  f"/healthz ceiling: {r['healthz_before']['rps']:.0f} and "
                  f"{r['healthz_after']['rps']:.0f} req/s (before/after; mean {ceiling:.0f}). "
                  f"Server peak RSS: {r['memory_kb'].get('VmHWM', 0) / 1024:.0f} MB.", "",
                  "| scenario | req/s | of /healthz | p50 ms | p99 ms | p99.9 ms | errors |",
                  "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"]
        rows = [(title, r["scenarios"][k]) for k, title in READS]
        rows += [("5. POST /bookmarks (authenticated)", r["scenarios"]["write"]),
                 ("6. mixed — reads", r["scenarios"]["mixed_reads"]),
                 ("6. mixed — writes", r["scenarios"]["mixed_writes"])]
        rows += [(title, r["scenarios"][k]) for k, title, _ in SEARCHES]
        rows += [(title, r["scenarios"][k]) for k, title in SOCIAL]
        rows += [(title, r["scenarios"][k]) for k, title in RELATED]
        rows += [(title, r["scenarios"][k]) for k, title in CATEGORIES]
        for title, s in rows:
            lat = s["latency_us"]
            lines.append(f"| {title} | {s['rps']:.0f} | {s['rps'] / ceiling:.0%} | {ms(lat['p50'])} "
                         f"| {ms(lat['p99'])} | {ms(lat['p999'])} | {s['error_count']} |")
        mr, mw = r["scenarios"]["mixed_reads"], r["scenarios"]["mixed_writes"]
        share = mw["requests"] / max(1, mr["requests"] + mw["requests"])
        lines += ["", f"Mixed load: writes were {share:.1%} of requests.", ""]
        si, lag = r["search_index"], r["search_lag"]
        lines.append(f"Search index: `bukuma search reindex` took {si['seconds']:.1f} s "
                     f"(the whole command {si['wall_seconds']:.1f} s) for {si['entries']} entries and "
                     f"{si['bookmarks']} bookmarks, {si['bytes'] / 1e6:.1f} MB on disk"
                     + (" (cached: built by an earlier run)" if si.get("cached") else "") + ".")
        queries = ", ".join(f"{k.removeprefix('search_')} `{q['word']}` ({q['first_page']}"
                            f"{'+' if q['more'] else ''} on the first page)"
                            for k, q in r["search_queries"].items())
        soc = r["social"]
        cat = r.get("categorized", {"ok": True, "seconds": 0, "error": ""})
        lines += ["", f"Categories (14): `bukuma categories backfill` took {cat['seconds']:.1f} s"
                  + ("" if cat["ok"] else f" and failed (`{cat['error'][:200]}`): the category lists were empty")
                  + "."]
        lines += ["", f"Social (11–13): the first signed-in user follows {soc['following']}; "
                  f"their feed's first page held {soc['feed']} bookmarks, my hot entries {soc['my_hot']}; "
                  f"computed the first time (not cached) in {soc.get('feed_first_ms', 0):.1f} and "
                  f"{soc.get('my_hot_first_ms', 0):.1f} ms.",
                  "", f"Search queries: {queries}.", "",
                  f"Search lag during writes (5), {lag['found']} markers probed every "
                  f"{lag['interval_s'] * 1000:.0f} ms at {r['scenarios']['write']['rps']:.0f} writes/s: "
                  f"p50 {fmt_s(lag['p50_s'])}, p99 {fmt_s(lag['p99_s'])}, max {fmt_s(lag['max_s'])}; "
                  f"{lag['lost']} not found, {lag['errors']} probe errors"
                  + (f" (first: `{lag['first_error'][:200]}`)" if lag["first_error"] else "") + ".", ""]
        for s in [*r["scenarios"].values(), r["healthz_before"], r["healthz_after"]]:
            if s["first_error"]:
                lines.append(f"- first error seen: `{s['first_error'][:200]}`")
        lines += ["", "Targets (defined for the 1M dataset):", ""]
        for target, ok in verdicts(backend, r, PROFILES[meta["profile"]]):
            lines.append(f"- {'✅' if ok else '❌'} {target}")
        lines.append("")
    return "\n".join(lines)


def machine():
    cpu = "unknown CPU"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    mem = ""
    try:
        with open("/proc/meminfo") as f:
            mem = f"{int(f.readline().split()[1]) / 1024 / 1024:.0f} GB RAM"
    except OSError:
        pass
    return f"{platform.system()} {platform.release()}, {os.cpu_count()} × {cpu}, {mem}"


def assignment(s):
    """An argparse type: NAME=VALUE."""
    if "=" not in s or s.startswith("="):
        raise argparse.ArgumentTypeError(f"expected NAME=VALUE, got {s!r}")
    return s


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--profile", choices=PROFILES, default="quick")
    p.add_argument("--backends", default="sqlite,postgres")
    p.add_argument("--bin", default=os.path.join(ROOT, "target", "release", "bukuma"))
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--reseed", action="store_true", help="rebuild cached datasets")
    p.add_argument("--label", default="", help="suffix of the result file names")
    p.add_argument("--server-env", action="append", default=[], metavar="NAME=VALUE", type=assignment,
                   help="an environment variable for the server, e.g. BUKUMA_READ_CACHE_MS=0")
    args = p.parse_args()
    lock = hold_machine_lock()  # noqa: F841 (held until exit)
    prof = PROFILES[args.profile]
    commit = subprocess.run(["git", "-C", ROOT, "describe", "--always", "--dirty"],
                            capture_output=True, text=True).stdout.strip() or "unknown"
    now = datetime.datetime.now(datetime.timezone.utc)
    meta = {"profile": args.profile, "date": now.strftime("%Y-%m-%d %H:%M UTC"), "commit": commit,
            "machine": machine(), "server_env": args.server_env, **prof}
    results = {}
    for backend in [b.strip() for b in args.backends.split(",") if b.strip()]:
        results[backend] = bench_backend(backend, args.bin, prof, args)
    os.makedirs(RESULTS, exist_ok=True)
    stamp = now.strftime("%Y%m%dT%H%M%SZ") + (f"-{args.label}" if args.label else "")
    base = os.path.join(RESULTS, f"{stamp}-{args.profile}")
    with open(base + ".json", "w") as f:
        json.dump({"meta": meta, "results": results}, f, indent=2, ensure_ascii=False)
    md = markdown(meta, results)
    if args.profile != "smoke":
        with open(base + ".md", "w") as f:
            f.write(md)
        log(f"wrote {os.path.relpath(base, ROOT)}.json and .md")
    print(md)
    runs = {b: dict(r["scenarios"], healthz_before=r["healthz_before"],
                    healthz_after=r["healthz_after"]) for b, r in results.items()}
    errors = {f"{b}/{k}": s["error_count"] for b, r in runs.items()
              for k, s in r.items() if s["error_count"]}
    errors.update({f"{b}/search_lag": "{errors} errors, {lost} not found, {found} found".format(**r["search_lag"])
                   for b, r in results.items()
                   if r["search_lag"]["errors"] or r["search_lag"]["lost"] or not r["search_lag"]["found"]})
    empty = [f"{b}/{k}" for b, r in runs.items() for k, s in r.items() if s["requests"] == 0]
    if errors or empty:
        log(f"FAILED: errors {errors}, scenarios without requests {empty}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
