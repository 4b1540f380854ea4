#!/usr/bin/env python3
"""Side by side: python3 bench/compare.py A.json B.json (results of bench/bench.py)."""
import json
import sys


def load(path):
    with open(path) as f:
        return json.load(f)


def seconds(s):
    return "–" if s is None else f"{s:.2f} s"


def main():
    if len(sys.argv) != 3:
        print(__doc__)
        return 2
    a, b = load(sys.argv[1]), load(sys.argv[2])
    print(f"A: {a['meta']['commit']} {a['meta']['date']} ({a['meta']['profile']})")
    print(f"B: {b['meta']['commit']} {b['meta']['date']} ({b['meta']['profile']})")
    for backend in a["results"]:
        if backend not in b["results"]:
            continue
        ra, rb = a["results"][backend], b["results"][backend]
        print(f"\n{backend}: /healthz {ra['healthz_rps']:.0f} → {rb['healthz_rps']:.0f} req/s, "
              f"peak RSS {ra['memory_kb'].get('VmHWM', 0) // 1024} → {rb['memory_kb'].get('VmHWM', 0) // 1024} MB")
        print(f"{'scenario':<14} {'req/s A':>9} {'req/s B':>9} {'ratio A':>8} {'ratio B':>8} "
              f"{'p99 A':>8} {'p99 B':>8} {'err A':>6} {'err B':>6}")
        for key, sa in ra["scenarios"].items():
            sb = rb["scenarios"].get(key)
            if not sb:
                continue
            print(f"{key:<14} {sa['rps']:>9.0f} {sb['rps']:>9.0f} "
                  f"{sa['rps'] / ra['healthz_rps']:>8.1%} {sb['rps'] / rb['healthz_rps']:>8.1%} "
                  f"{sa['latency_us']['p99'] / 1000:>7.1f}ms {sb['latency_us']['p99'] / 1000:>7.1f}ms "
                  f"{sa['error_count']:>6} {sb['error_count']:>6}")
        # Runs made before search was in the bench have neither.
        if "search_lag" in ra and "search_lag" in rb:
            la, lb = ra["search_lag"], rb["search_lag"]
            print(f"search lag during writes: p99 {seconds(la['p99_s'])} → {seconds(lb['p99_s'])}, "
                  f"max {seconds(la['max_s'])} → {seconds(lb['max_s'])}, "
                  f"not found {la['lost']} → {lb['lost']}")
        if "search_index" in ra and "search_index" in rb:
            ia, ib = ra["search_index"], rb["search_index"]
            print(f"search reindex: {ia['seconds']:.1f} → {ib['seconds']:.1f} s, "
                  f"{ia['bytes'] / 1e6:.1f} → {ib['bytes'] / 1e6:.1f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
