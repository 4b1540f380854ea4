#!/usr/bin/env bash
# Usage: bench/run.sh full|10m|hatena|quick|smoke [bench.py options, e.g. --backends sqlite]
#        bench/run.sh cluster [bench/cluster.py options, e.g. --profile quick]
# Builds the server, makes sure wrk is there, and runs bench/bench.py.
# full/quick use a release build; smoke (part of `make test`) the debug build.
set -euo pipefail
cd "$(dirname "$0")/.."
profile=${1:-quick}
shift || true
if ! command -v wrk >/dev/null; then
  echo "bench: installing wrk" >&2
  apt-get install -y wrk >/dev/null 2>&1 || { apt-get update >/dev/null && apt-get install -y wrk >/dev/null; }
fi
if [ "$profile" = cluster ]; then
  # One server against haproxy and three (deploy/cluster.sh): bench/cluster.py.
  cargo build -q --release -p bukuma-api
  exec python3 bench/cluster.py --bin target/release/bukuma "$@"
fi
if [ "$profile" = smoke ]; then
  cargo build -q -p bukuma-api
  bin=target/debug/bukuma
else
  cargo build -q --release -p bukuma-api
  bin=target/release/bukuma
fi
exec python3 bench/bench.py --profile "$profile" --bin "$bin" "$@"
