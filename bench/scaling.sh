#!/usr/bin/env bash
# Usage: bench/scaling.sh RESULT.md... — the scaling table and
# bench/results/scaling.svg (bench/scaling.py), with matplotlib from PyPI
# in target/plot-venv.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/venv.sh
python_venv plot-venv 'matplotlib>=3.8,<4'
exec "$VENV/bin/python" bench/scaling.py "$@"
