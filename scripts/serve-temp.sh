#!/usr/bin/env bash
# Sourced helper: starts `bukuma serve` on a fresh SQLite database and a free
# port, waits for /healthz, and sets BASE and SERVER_PID. Stops it on exit.
set -euo pipefail
: "${BUKUMA_BIN:=target/debug/bukuma}"
tmp=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
BASE="http://127.0.0.1:$port"
BUKUMA_DATA_DIR="$tmp" BUKUMA_BIND="127.0.0.1:$port" BUKUMA_STATIC_DIR="$tmp/none" BUKUMA_FETCH_METADATA=false RUST_LOG=warn \
  "$BUKUMA_BIN" serve >"$tmp/server.log" 2>&1 &
SERVER_PID=$!
trap 'kill $SERVER_PID 2>/dev/null; wait $SERVER_PID 2>/dev/null; rm -rf "$tmp"' EXIT
for _ in $(seq 200); do
  curl -sf "$BASE/healthz" >/dev/null && break
  kill -0 $SERVER_PID 2>/dev/null || { cat "$tmp/server.log" >&2; exit 1; }
  sleep 0.05
done
