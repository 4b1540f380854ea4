#!/usr/bin/env bash
# A short abuse run against live servers: every scripts/abuse/*.py gets a
# fresh `bukuma serve` (SQLite, open registration) so that one check's load
# or memory never shows in another's figures. Each script reads BASE_URL and
# SERVER_PID, prints its figures and exits non-zero on a regression.
set -euo pipefail
cd "$(dirname "$0")/.."
# The metrics check parses /metrics with the Prometheus client library.
. scripts/venv.sh
python_venv abuse-venv 'prometheus_client>=0.20,<1'
# Short limits so that the slow-body check finishes in seconds.
export BUKUMA_BODY_TIMEOUT_SECS=3 BUKUMA_METRICS=true
shopt -s nullglob
checks=(scripts/abuse/[!_]*.py)
[ ${#checks[@]} -gt 0 ] || { echo "abuse: no checks in scripts/abuse" >&2; exit 1; }
failed=()
for check in "${checks[@]}"; do
  name=$(basename "$check" .py)
  if (
    . scripts/serve-temp.sh
    BASE_URL="$BASE" SERVER_PID="$SERVER_PID" timeout 60 "$VENV/bin/python" "$check"
  ); then
    echo "abuse: $name passed"
  else
    echo "abuse: $name FAILED" >&2
    failed+=("$name")
  fi
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "abuse: ${#failed[@]} failed: ${failed[*]}" >&2
  exit 1
fi
echo "abuse: all checks passed"
