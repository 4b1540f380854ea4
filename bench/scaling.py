#!/usr/bin/env python3
"""How cost grows with the dataset: reads bench result files (the .md that
bench/bench.py writes) of several sizes, prints a Markdown table of req/s,
p50 and p99 per scenario, backend and size, and draws them with matplotlib
into an SVG (default bench/results/scaling.svg). See bench/README.md.

    bench/scaling.sh bench/results/<quick>.md bench/results/<full>.md bench/results/<10m>.md
"""

import argparse
import collections
import os
import re
import sys

ROW = re.compile(r"^\| (?P<title>[^|]+?) \| (?P<rps>\d+) \| [^|]+ \| (?P<p50>[\d.]+) \| (?P<p99>[\d.]+) \|")
SEEDED = re.compile(r"seeded (\d+) users, (\d+) entries .*?, (\d+) bookmarks")


def parse(path):
    """{backend: (bookmarks, {scenario: (rps, p50, p99)})} of one result file."""
    out, backend, size, rows = {}, None, None, {}
    with open(path) as f:
        for line in f:
            line = line.rstrip("\n")
            if line.startswith("## "):
                if backend and size:
                    out[backend] = (size, rows)
                backend, size, rows = line[3:].strip(), None, {}
                continue
            m = SEEDED.search(line)
            if m and backend:
                size = int(m.group(3))
                continue
            m = ROW.match(line)
            if m and backend:
                rows[m.group("title").strip()] = (float(m.group("rps")), float(m.group("p50")),
                                                  float(m.group("p99")))
    if backend and size:
        out[backend] = (size, rows)
    return out


def label(n):
    return f"{n / 1e6:g}M" if n >= 1e6 else f"{n / 1e3:g}k"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("files", nargs="+", help="bench result .md files, one per dataset size")
    ap.add_argument("--svg", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "results", "scaling.svg"))
    args = ap.parse_args()
    # data[backend][scenario][size] = (rps, p50, p99)
    data = collections.defaultdict(lambda: collections.defaultdict(dict))
    sizes = set()
    for path in args.files:
        for backend, (size, rows) in parse(path).items():
            sizes.add(size)
            for title, v in rows.items():
                data[backend][title][size] = v
    if not data:
        sys.exit("no results found in the files given")
    sizes = sorted(sizes)
    print("| backend | scenario | " + " | ".join(f"{label(s)} req/s · p50 · p99 ms" for s in sizes) + " |")
    print("| --- | --- | " + " | ".join("---:" for _ in sizes) + " |")
    for backend in sorted(data):
        for title in sorted(data[backend], key=lambda t: (int(t.split(".")[0]) if t[0].isdigit() else 99, t)):
            cells = []
            for s in sizes:
                v = data[backend][title].get(s)
                cells.append(f"{v[0]:.0f} · {v[1]:.1f} · {v[2]:.1f}" if v else "–")
            print(f"| {backend} | {title} | " + " | ".join(cells) + " |")

    import matplotlib
    matplotlib.use("svg")
    import matplotlib.pyplot as plt

    backends = sorted(data)
    metrics = [(0, "requests/s"), (1, "p50 latency (ms)"), (2, "p99 latency (ms)")]
    fig, axes = plt.subplots(len(metrics), len(backends), figsize=(7 * len(backends), 13), squeeze=False)
    titles = sorted({t for b in backends for t in data[b]},
                    key=lambda t: (int(t.split(".")[0]) if t[0].isdigit() else 99, t))
    colors = plt.get_cmap("tab20")
    for col, backend in enumerate(backends):
        for row, (i, name) in enumerate(metrics):
            ax = axes[row][col]
            for k, title in enumerate(titles):
                pts = sorted((s, v[i]) for s, v in data[backend].get(title, {}).items())
                if len(pts) < 1:
                    continue
                ax.plot([p[0] for p in pts], [p[1] for p in pts], marker="o", color=colors(k % 20),
                        label=title if (row, col) == (0, 0) else None)
            ax.set_xscale("log")
            ax.set_yscale("log")
            ax.set_xticks(sizes, [label(s) for s in sizes])
            ax.minorticks_off()
            ax.set_xlabel("bookmarks in the dataset")
            ax.set_ylabel(name)
            ax.set_title(f"{backend}: {name}")
            ax.grid(True, which="major", alpha=0.3)
    fig.legend(loc="lower center", ncol=3, fontsize=8, frameon=False)
    fig.tight_layout(rect=(0, 0.09, 1, 1))
    fig.savefig(args.svg)
    print(f"\nwrote {args.svg}", file=sys.stderr)


if __name__ == "__main__":
    main()
