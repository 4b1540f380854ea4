#!/usr/bin/env bash
# Usage: bench/scaling.sh RESULT.md... — the scaling table and
# bench/results/scaling.svg (bench/scaling.py), with matplotlib from PyPI
# in target/plot-venv.
set -euo pipefail
cd "$(dirname "$0")/.."
venv=target/plot-venv
if ! "$venv/bin/python" -c 'import matplotlib' >/dev/null 2>&1; then
  python3 -m venv "$venv"
  "$venv/bin/python" -m pip install -q 'matplotlib>=3.8,<4'
fi
exec "$venv/bin/python" bench/scaling.py "$@"
