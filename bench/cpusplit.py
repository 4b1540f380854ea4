#!/usr/bin/env python3
"""Where the CPU goes during a run: cores used per program over a window.

    python3 bench/cpusplit.py DELAY SECONDS

Waits DELAY seconds, then samples /proc over SECONDS and prints the cores
each program used (all `postgres` backends count as one program; a bukuma
binary counts under its file name). Start it beside a load, e.g. with
DELAY past bench/ab.py's setup and warm-up. Standard library only.
"""

import os
import sys
import time


def snapshot():
    """pid -> (program, CPU ticks used so far)."""
    out = {}
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/stat") as f:
                stat = f.read()
        except OSError:
            continue
        name = stat[stat.index("(") + 1:stat.rindex(")")]
        fields = stat[stat.rindex(")") + 2:].split()
        out[pid] = (name, int(fields[11]) + int(fields[12]))  # utime + stime
    return out


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    delay, seconds = float(sys.argv[1]), float(sys.argv[2])
    ticks = os.sysconf("SC_CLK_TCK")
    time.sleep(delay)
    before, start = snapshot(), time.monotonic()
    time.sleep(seconds)
    after, elapsed = snapshot(), time.monotonic() - start
    used = {}
    for pid, (name, t) in after.items():
        delta = t - before[pid][1] if pid in before else t
        used[name] = used.get(name, 0) + delta / ticks
    total = sum(used.values()) or 1
    for name, cpu in sorted(used.items(), key=lambda kv: -kv[1])[:6]:
        print(f"{name:16s} {cpu / elapsed:5.2f} cores {100 * cpu / total:4.0f} %")


if __name__ == "__main__":
    main()
