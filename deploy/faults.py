#!/usr/bin/env python3
"""Faults injected under load (`make cluster-faults`), 127.0.0.1 only.

Against the cluster of deploy/cluster.sh, through haproxy, each phase runs
60 s of mixed load (reads, bookmark saves and deletes from several signed-in
clients) and injects one fault 20 s in:

  kill      kill -9 one `bukuma serve`, start it again 10 s later
  replica   stop the streaming replica, start it again 20 s later
  primary   stop the PostgreSQL primary, start it again 5 s later

Then, with no cluster, on the SQLite default:

  sqlite    kill -9 the single `bukuma serve` under write load, start it again

Every acknowledged write is recorded: a save answered 200/201 (its bookmark
id), a delete answered 204. Clients behave as documented for the API: a 503
is tried again after its Retry-After; a save or delete whose answer was lost
(502, 504, a dropped connection) is sent again, which is safe because saving
a URL again updates the same bookmark. After each phase the database is
checked: every acknowledged save is there unless its delete was acknowledged
too, every acknowledged delete is gone, and `bukuma audit` finds every stored
counter equal to a recount.

A phase fails on a lost write, a 500, a request that took longer than 10 s,
a 503 without Retry-After, a read error the client saw in the kill and
replica phases, no recovery after the fault, or a counter that differs.
Standard library only; prints a Markdown table of the results.
"""

import argparse
import collections
import http.client
import json
import os
import random
import socket
import sqlite3
import subprocess
import sys
import threading
import time

HOST = "127.0.0.1"
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PASSWORD = "cluster-faults-password"
SLOW_S = 10.0


def log(msg):
    print(f"faults: {msg}", file=sys.stderr, flush=True)


class Outcome:
    """What one worker saw; merged over the workers at the end of a phase."""

    def __init__(self):
        self.statuses = collections.Counter()  # "read 200", "write 503", "read conn", ...
        self.saved = {}  # bookmark id -> url, acknowledged saves
        self.deleted = set()  # acknowledged deletes
        self.unsure = set()  # deletes sent but never answered: either state is right
        self.resent = 0  # writes sent again after a lost answer
        self.max_s = 0.0
        self.slow = 0
        self.no_retry_after = 0
        self.per_second = collections.defaultdict(collections.Counter)

    def merge(self, other):
        self.statuses.update(other.statuses)
        self.saved.update(other.saved)
        self.deleted |= other.deleted
        self.unsure |= other.unsure
        self.resent += other.resent
        self.max_s = max(self.max_s, other.max_s)
        self.slow += other.slow
        self.no_retry_after += other.no_retry_after
        for s, c in other.per_second.items():
            self.per_second[s].update(c)


class Worker(threading.Thread):
    def __init__(self, index, port, token, username, run, started, deadline):
        super().__init__(daemon=True)
        self.index = index
        self.port = port
        self.token = token
        self.username = username
        self.run_id = run
        self.started = started
        self.deadline = deadline
        self.out = Outcome()
        self.rng = random.Random(index)
        self.conn = None
        self.mine = []  # acknowledged, not deleted: (id, entry id)
        self.n = 0

    def request(self, kind, method, path, body=None):
        """One attempt: (status or 'conn', parsed body, headers)."""
        t0 = time.monotonic()
        headers = {"Accept": "application/json", "Authorization": "Bearer " + self.token}
        data = None
        if body is not None:
            headers["Content-Type"] = "application/json"
            data = json.dumps(body)
        try:
            if self.conn is None:
                self.conn = http.client.HTTPConnection(HOST, self.port, timeout=30)
            self.conn.request(method, path, data, headers)
            res = self.conn.getresponse()
            raw = res.read()
            status = res.status
            hdrs = res.headers
            if res.will_close:
                self.conn.close()
                self.conn = None
        except (OSError, http.client.HTTPException):
            if self.conn is not None:
                self.conn.close()
            self.conn = None
            status, raw, hdrs = "conn", b"", {}
        took = time.monotonic() - t0
        self.out.max_s = max(self.out.max_s, took)
        if took > SLOW_S:
            self.out.slow += 1
        self.out.statuses[f"{kind} {status}"] += 1
        self.out.per_second[int(time.monotonic() - self.started)][
            "ok" if status in (200, 201, 204) else str(status)] += 1
        if status == 503 and not hdrs.get("Retry-After"):
            self.out.no_retry_after += 1
        try:
            parsed = json.loads(raw) if raw else None
        except ValueError:
            parsed = None
        return status, parsed, hdrs

    def attempt(self, kind, method, path, body=None, done=(200, 201, 204)):
        """Sends until answered or the phase ends: (status, body), or None."""
        resend = False
        while time.monotonic() < self.deadline + 15:
            if resend:
                self.out.resent += 1
            status, parsed, hdrs = self.request(kind, method, path, body)
            if status in done or (isinstance(status, int) and status < 500):
                return status, parsed
            if status == 503:
                wait = hdrs.get("Retry-After", "1")
                time.sleep(min(float(wait) if wait.isdigit() else 1.0, 2.0))
            else:
                # 500, 502, 504 or a dropped connection: the write may or may
                # not have happened; sending it again is safe.
                time.sleep(0.2)
            if kind == "read" and time.monotonic() >= self.deadline:
                return None
            resend = kind == "write"
        return None

    def save(self):
        self.n += 1
        url = f"https://faults.example/{self.run_id}/{self.index}/{self.n}"
        r = self.attempt("write", "POST", "/api/v1/bookmarks",
                         {"url": url, "comment": f"fault run {self.n}", "tags": ["faults", f"w{self.index}"]})
        if r and r[0] in (200, 201):
            self.out.saved[r[1]["id"]] = url
            self.mine.append((r[1]["id"], r[1]["entry"]["id"]))

    def delete(self):
        bid, _ = self.mine.pop(self.rng.randrange(len(self.mine)))
        r = self.attempt("write", "DELETE", f"/api/v1/bookmarks/{bid}", done=(204, 404))
        # A 404 after a lost answer: the first attempt deleted it.
        if r and r[0] in (204, 404):
            self.out.deleted.add(bid)
        else:
            self.out.unsure.add(bid)

    def read(self):
        roll = self.rng.random()
        if roll < 0.4 or not self.mine:
            self.attempt("read", "GET", "/api/v1/entries/hot?limit=20")
        elif roll < 0.7:
            self.attempt("read", "GET", f"/api/v1/users/{self.username}/bookmarks?limit=20")
        else:
            _, entry = self.rng.choice(self.mine)
            self.attempt("read", "GET", f"/api/v1/entries/{entry}")

    def run(self):
        while time.monotonic() < self.deadline:
            roll = self.rng.random()
            if roll < 0.2:
                self.save()
            elif roll < 0.25 and self.mine:
                self.delete()
            else:
                self.read()
        if self.conn is not None:
            self.conn.close()


def haproxy_stats(state):
    """Retries and redispatches of the backend so far (the stats socket)."""
    path = os.path.join(state, "haproxy.sock")
    try:
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(5)
        s.connect(path)
        s.sendall(b"show stat\n")
        data = b""
        while chunk := s.recv(65536):
            data += chunk
        s.close()
    except OSError:
        return {"wretr": 0, "wredis": 0}
    lines = data.decode().splitlines()
    head = lines[0].lstrip("# ").split(",")
    for line in lines[1:]:
        row = dict(zip(head, line.split(",")))
        if row.get("pxname") == "bukuma_servers" and row.get("svname") == "BACKEND":
            return {k: int(row.get(k) or 0) for k in ("wretr", "wredis")}
    return {"wretr": 0, "wredis": 0}


def login(port, username):
    conn = http.client.HTTPConnection(HOST, port, timeout=30)
    conn.request("POST", "/api/v1/auth/login", json.dumps({"username": username, "password": PASSWORD}),
                 {"Content-Type": "application/json"})
    res = conn.getresponse()
    body = json.loads(res.read() or b"null")
    conn.close()
    if res.status != 200:
        sys.exit(f"login of {username} answered {res.status}: {body}")
    return body["access_token"]


def create_users(binary, env, names):
    for name in names:
        p = subprocess.run([binary, "user", "create", name], input=PASSWORD + "\n", text=True,
                           env=env, capture_output=True)
        if p.returncode != 0:
            sys.exit(f"bukuma user create {name} failed: {p.stderr.strip()}")


def wait_ready(port, seconds):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        try:
            conn = http.client.HTTPConnection(HOST, port, timeout=2)
            conn.request("GET", "/readyz")
            if conn.getresponse().status == 200:
                return True
        except OSError:
            pass
        time.sleep(0.2)
    return False


def load(port, users, seconds, faults, run):
    """Runs the workers for `seconds`; `faults` is [(second, what, fn)]."""
    started = time.monotonic()
    deadline = started + seconds
    workers = [Worker(i, port, tok, name, run, started, deadline) for i, (name, tok) in enumerate(users)]
    for w in workers:
        w.start()
    for at, what, fn in faults:
        time.sleep(max(0.0, started + at - time.monotonic()))
        log(f"  {time.monotonic() - started:5.1f} s: {what}")
        fn()
    for w in workers:
        w.join()
    out = Outcome()
    for w in workers:
        out.merge(w.out)
    return out


def missing_writes(out, present_ids):
    """(acknowledged saves missing, acknowledged deletes still there)."""
    lost = [i for i in out.saved if i not in out.deleted and i not in out.unsure and i not in present_ids]
    undeleted = [i for i in out.deleted if i in present_ids]
    return lost, undeleted


def pg_ids(port, ids):
    if not ids:
        return set()
    sql = f"SELECT id FROM bookmarks WHERE id IN ({','.join(str(int(i)) for i in ids)})"
    cmd = ["psql", "-X", "-q", "-h", HOST, "-p", str(port), "-U", "postgres", "-d", "bukuma", "-tAc", sql]
    if os.geteuid() == 0:
        cmd = ["runuser", "-u", "postgres", "--"] + cmd
    p = subprocess.run(cmd, capture_output=True, text=True, check=True)
    return {int(x) for x in p.stdout.split()}


def audit(binary, env):
    p = subprocess.run([binary, "audit"], env=env, capture_output=True, text=True)
    lines = (p.stdout + p.stderr).strip().splitlines()
    return p.returncode == 0, lines[-1] if lines else ""


def recovered(out, seconds):
    """Writes and reads succeeded in the last 10 s, with no error in the last 5 s."""
    last = [out.per_second.get(s, collections.Counter()) for s in range(seconds - 10, seconds)]
    ok = sum(c["ok"] for c in last)
    errors = sum(v for c in last[5:] for k, v in c.items() if k != "ok")
    return ok > 0 and errors == 0


def judge(name, out, lost, undeleted, audit_ok, audit_line, retries, seconds, strict_reads):
    st = out.statuses
    reads_ok = st["read 200"]
    writes_ok = len(out.saved) + len(out.deleted)
    read_errors = sum(v for k, v in st.items() if k.startswith("read ") and not k.endswith(" 200"))
    write_errors = sum(v for k, v in st.items() if k.startswith("write ") and k.split()[1] not in ("200", "201", "204", "404"))
    s500 = sum(v for k, v in st.items() if k.endswith(" 500"))
    s503 = sum(v for k, v in st.items() if k.endswith(" 503"))
    problems = []
    if lost:
        problems.append(f"{len(lost)} acknowledged saves lost")
    if undeleted:
        problems.append(f"{len(undeleted)} acknowledged deletes undone")
    if s500:
        problems.append(f"{s500} answers 500")
    if out.slow:
        problems.append(f"{out.slow} requests took over {SLOW_S:.0f} s")
    if out.no_retry_after:
        problems.append(f"{out.no_retry_after} 503s without Retry-After")
    if strict_reads and read_errors:
        problems.append(f"{read_errors} reads failed")
    if not audit_ok:
        problems.append(f"audit: {audit_line}")
    if seconds and not recovered(out, seconds):
        problems.append("no recovery in the last 10 s")
    errors = ", ".join(f"{k}: {v}" for k, v in sorted(st.items())
                       if not k.endswith((" 200", " 201", " 204", " 404"))) or "none"
    row = {"phase": name, "reads": reads_ok, "writes": writes_ok, "read_errors": read_errors,
           "write_errors": write_errors, "status_503": s503, "resent": out.resent,
           "haproxy_retries": retries, "lost": len(lost) + len(undeleted),
           "max_s": round(out.max_s, 2), "audit": "exact" if audit_ok else "DIFFERS",
           "errors": errors, "ok": not problems, "problems": problems}
    log(f"{name}: {reads_ok} reads and {writes_ok} acknowledged writes; client-visible: {errors}; "
        f"{out.resent} writes resent; haproxy retries {retries}; lost {row['lost']}; "
        f"slowest {out.max_s:.2f} s; audit {row['audit']}" + (f"; FAILED: {'; '.join(problems)}" if problems else ""))
    return row


def cluster_phase(name, args, env, users, faults, strict_reads):
    run = f"{name}-{int(time.time())}"
    before = haproxy_stats(args.state)
    log(f"{name}: {args.seconds} s of mixed load through haproxy")
    out = load(args.port, users, args.seconds, faults, run)
    after = haproxy_stats(args.state)
    retries = (after["wretr"] - before["wretr"]) + (after["wredis"] - before["wredis"])
    if not wait_ready(args.port, 60):
        log(f"{name}: the cluster did not come back")
    present = pg_ids(args.primary_port, list(out.saved) + list(out.deleted))
    lost, undeleted = missing_writes(out, present)
    ok, line = audit(args.bin, env)
    return judge(name, out, lost, undeleted, ok, line, retries, args.seconds, strict_reads)


def cluster(args, rows):
    sh = os.path.join(ROOT, "deploy", "cluster.sh")
    secret = open(os.path.join(args.state, "jwt-secret")).read().strip()
    env = dict(os.environ, DATABASE_URL=f"postgres://postgres@127.0.0.1:{args.primary_port}/bukuma?sslmode=disable",
               BUKUMA_DATA_DIR=os.path.join(args.state, "cli"), BUKUMA_JWT_SECRET=secret, RUST_LOG="warn")
    env.pop("DATABASE_REPLICA_URL", None)
    names = [f"fault{int(time.time()) % 100000}x{i}" for i in range(args.workers)]
    create_users(args.bin, env, names)
    users = [(n, login(args.port, n)) for n in names]

    def sh_run(*a):
        subprocess.run(["bash", sh, *a], check=True, stdout=subprocess.DEVNULL)

    phases = {
        "kill": ([(20, "kill -9 bukuma2", lambda: sh_run("kill-server", "2")),
                  (30, "start bukuma2 again", lambda: sh_run("start-servers"))], True),
        "replica": ([(20, "stop the replica", lambda: sh_run("stop-replica")),
                     (40, "start the replica", lambda: sh_run("start-replica"))], True),
        "primary": ([(20, "stop the primary for 5 s, then start it", lambda: sh_run("restart-primary", "5"))], False),
    }
    for name in args.phases:
        if name in phases:
            faults, strict = phases[name]
            rows.append(cluster_phase(name, args, env, users, faults, strict))


def sqlite_phase(args, rows):
    state = os.path.join(args.state, "sqlite")
    os.makedirs(state, exist_ok=True)
    path = os.path.join(state, "faults.sqlite3")
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(path + suffix):
            os.remove(path + suffix)
    env = dict(os.environ, DATABASE_URL=f"sqlite://{path}", BUKUMA_DATA_DIR=state,
               BUKUMA_BIND=f"127.0.0.1:{args.sqlite_port}", BUKUMA_JWT_SECRET="faults-" + "x" * 40,
               BUKUMA_FETCH_METADATA="false", RUST_LOG="warn")
    for k in ("DATABASE_REPLICA_URL", "BUKUMA_SEARCH_DIR"):
        env.pop(k, None)
    names = [f"lite{i}" for i in range(args.workers)]
    create_users(args.bin, env, names)
    logf = open(os.path.join(state, "serve.log"), "a")
    procs = []

    def start():
        procs.append(subprocess.Popen([args.bin, "serve"], env=env, stdout=logf, stderr=logf))
        if not wait_ready(args.sqlite_port, 60):
            sys.exit("the SQLite server did not become ready (see its serve.log)")

    def kill():
        procs[-1].kill()
        procs[-1].wait()

    def restart():
        kill()
        start()

    start()
    try:
        users = [(n, login(args.sqlite_port, n)) for n in names]
        log(f"sqlite: {args.sqlite_seconds} s of load on one process, kill -9 at 10 s")
        run = f"sqlite-{int(time.time())}"
        out = load(args.sqlite_port, users, args.sqlite_seconds, [(10, "kill -9 bukuma, start it again", restart)], run)
        with sqlite3.connect(path) as db:
            ids = list(out.saved) + list(out.deleted)
            present = {r[0] for r in db.execute(
                f"SELECT id FROM bookmarks WHERE id IN ({','.join(str(int(i)) for i in ids) or 'NULL'})")}
        lost, undeleted = missing_writes(out, present)
        ok, line = audit(args.bin, env)
        rows.append(judge("sqlite", out, lost, undeleted, ok, line, 0, args.sqlite_seconds, False))
    finally:
        for p in procs:
            if p.poll() is None:
                p.terminate()
                p.wait(30)


def markdown(rows):
    out = ["| phase | reads ok | writes acked | client-visible errors | writes resent | haproxy retries "
           "| acked writes lost | slowest | counter audit |",
           "| --- | ---: | ---: | --- | ---: | ---: | ---: | ---: | --- |"]
    for r in rows:
        out.append(f"| {r['phase']} | {r['reads']} | {r['writes']} | {r['errors']} | {r['resent']} "
                   f"| {r['haproxy_retries']} | {r['lost']} | {r['max_s']} s | {r['audit']} |")
    return "\n".join(out)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--bin", default=os.path.join(ROOT, "target", "debug", "bukuma"))
    ap.add_argument("--state", default=os.environ.get("BUKUMA_CLUSTER_DIR", os.path.join(ROOT, "target", "cluster")))
    ap.add_argument("--port", type=int, default=8090)
    ap.add_argument("--primary-port", type=int, default=int(os.environ.get("CLUSTER_PRIMARY_PORT", 5433)))
    ap.add_argument("--sqlite-port", type=int, default=8095)
    ap.add_argument("--phases", default="kill,replica,primary,sqlite")
    ap.add_argument("--seconds", type=int, default=60)
    ap.add_argument("--sqlite-seconds", type=int, default=30)
    ap.add_argument("--workers", type=int, default=8)
    ap.add_argument("--json", help="also write the results here")
    args = ap.parse_args()
    args.phases = [p.strip() for p in args.phases.split(",") if p.strip()]
    rows = []
    if any(p in ("kill", "replica", "primary") for p in args.phases):
        cluster(args, rows)
    if "sqlite" in args.phases:
        sqlite_phase(args, rows)
    print(markdown(rows))
    if args.json:
        with open(args.json, "w") as f:
            json.dump(rows, f, indent=2)
    failed = [r["phase"] for r in rows if not r["ok"]]
    if failed:
        for r in rows:
            for p in r["problems"]:
                print(f"FAILED {r['phase']}: {p}")
        sys.exit(1)
    print("ok: no acknowledged write lost, no 500, nothing slower than 10 s, counters exact")


if __name__ == "__main__":
    main()
