#!/usr/bin/env python3
"""Two binaries side by side on one scenario; see bench/README.md.

    python3 bench/ab.py --bins OLD,NEW --scenario write --backend postgres \
        [--profile full] [--rounds 3] [--seconds 15] [--write-rate 600] \
        [--env-old NAME=VALUE] [--env-new NAME=VALUE]

`--bins` may name one binary twice to compare server settings alone: the
`--env-*` options (repeatable) set the environment of OLD's or NEW's server.

`--scenario search_*` runs a search scenario on a copy of the dataset's
cached search index (bench.py builds it with the binary given first when it
is missing or its sources changed, so both binaries must read that index);
the other scenarios give the server an empty index.

`--scenario mixed` runs scenario 6 (reads, plus writes paced at
`--write-rate`) and compares the reads; it also logs the writes.

Each round runs every binary in turn on a fresh copy of the same cached
dataset (bench.py seeds it with the first binary when it is missing), with
hot scores brought up to now, 200 users logged in and a short unrecorded
warm-up, then prints requests/s, p50/p99 and errors per run and the median
ratio NEW/OLD. Alternating the binaries spreads the machine's drift over
both. Standard library only.
"""

import argparse
import os
import shutil
import statistics
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench  # noqa: E402


def one_run(binary, backend, prof, args, scenario, seconds, server_env=()):
    url, manifest, cleanup = bench.prepare_dataset(backend, binary, prof, args)
    server = None
    search_dir = None
    try:
        if scenario.startswith("search"):
            search_dir, _ = bench.prepare_search(backend, binary, url, manifest, server_env)
        else:
            # An empty index: the other scenarios do not search, and binaries
            # older than search could not build one.
            search_dir = bench.RUN_SEARCH_DIR
            shutil.rmtree(search_dir, ignore_errors=True)
        bench.recompute_hot(binary, url, backend)
        server = bench.Server(binary, url, backend, search_dir, server_env)
        with open(os.path.join(manifest, "users.txt")) as f:
            users = [l.strip() for l in f if l.strip()]
        tokens = bench.login_all(server.base, users, prof["logins"])
        tokens_path = os.path.join(bench.DATA, f"tokens-{backend}.txt")
        with open(tokens_path, "w") as f:
            f.write("\n".join(tokens) + "\n")
        env = dict(os.environ, BENCH_DIR=bench.BENCH, BENCH_MANIFEST=manifest,
                   BENCH_TOKENS=tokens_path)
        bench.measure(server.base, "mixed_reads.lua", 3, env)
        if scenario == "mixed":
            # Reads are what the mixed scenario's target is about.
            reads, writes = bench.mixed(server.base, seconds, env, args.write_rate)
            bench.log(f"  mixed writes: {writes['rps']:.0f}/s, p99 {bench.ms(writes['latency_us']['p99'])} ms, "
                      f"p99.9 {bench.ms(writes['latency_us']['p999'])} ms, errors {writes['error_count']}")
            return reads
        return bench.measure(server.base, f"{scenario}.lua", seconds, env)
    finally:
        if server:
            server.stop()
        if search_dir:
            shutil.rmtree(search_dir, ignore_errors=True)
        cleanup()


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--bins", required=True, help="OLD,NEW: two bukuma binaries")
    p.add_argument("--scenario", default="write",
                   choices=[k for k, _ in bench.READS + bench.CATEGORIES] + [k for k, _, _ in bench.SEARCHES]
                   + ["write", "healthz", "mixed"])
    p.add_argument("--write-rate", type=float, default=600,
                   help="mixed: writes per second on top of the reads")
    p.add_argument("--backend", choices=["sqlite", "postgres"], default="sqlite")
    p.add_argument("--profile", choices=["full", "quick"], default="full")
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--seconds", type=int, default=15)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--env-old", action="append", default=[], metavar="NAME=VALUE",
                   type=bench.assignment, help="server environment of OLD's runs")
    p.add_argument("--env-new", action="append", default=[], metavar="NAME=VALUE",
                   type=bench.assignment, help="server environment of NEW's runs")
    args = p.parse_args()
    args.reseed = False
    if not shutil.which("wrk"):
        p.error("wrk is not installed (apt-get install -y wrk; bench/run.sh installs it)")
    bins = [b for b in args.bins.split(",") if b]
    if len(bins) != 2:
        p.error("--bins takes two binaries")
    lock = bench.hold_machine_lock()  # noqa: F841 (held until exit)
    prof = bench.PROFILES[args.profile]
    runs = [("old", bins[0], args.env_old), ("new", bins[1], args.env_new)]
    rps = {name: [] for name, _, _ in runs}
    for r in range(args.rounds):
        for name, b, env in runs if r % 2 == 0 else reversed(runs):
            res = one_run(b, args.backend, prof, args, args.scenario, args.seconds, env)
            rps[name].append(res["rps"])
            label = " ".join([b] + env)
            bench.log(f"round {r + 1} {label}: {res['rps']:.0f} req/s, p50 "
                      f"{bench.ms(res['latency_us']['p50'])} ms, p99 {bench.ms(res['latency_us']['p99'])} ms, "
                      f"p99.9 {bench.ms(res['latency_us']['p999'])} ms, "
                      f"errors {res['error_count']}")
    old, new = (statistics.median(rps[name]) for name in ("old", "new"))
    print(f"{args.backend} {args.scenario}: median {old:.0f} → {new:.0f} req/s "
          f"({new / old:.2f}×) over {args.rounds} rounds")
    return 0


if __name__ == "__main__":
    sys.exit(main())
