#!/usr/bin/env python3
"""Side by side: python3 bench/compare.py A.json B.json (results of bench/bench.py)."""
import json
import sys


def load(path):
    with open(path) as f:
        return json.load(f)


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
    return 0


if __name__ == "__main__":
    sys.exit(main())
