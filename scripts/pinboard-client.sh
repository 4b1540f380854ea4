#!/usr/bin/env bash
# Drives the Pinboard-compatible API with an existing client library, the
# `pinboard` package from PyPI: starts `bukuma serve` on a fresh SQLite
# database, registers a user and a personal API token, and runs
# scripts/pinboard_client_test.py against it. The venv lives in target/.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/venv.sh
python_venv pinboard-venv pinboard==2.1.9

. scripts/serve-temp.sh

json_field() { "$VENV/bin/python" -c "import json, sys; print(json.load(sys.stdin)['$1'])"; }
B=$BASE/api/v1
ACCESS=$(curl -sf -X POST "$B/auth/register" -H 'content-type: application/json' \
  -d '{"username":"pinboarder","password":"correct horse battery"}' | json_field access_token)
TOKEN=$(curl -sf -X POST "$B/me/tokens" -H "authorization: Bearer $ACCESS" \
  -H 'content-type: application/json' -d '{"name":"pinboard client","scope":"write"}' | json_field token)

"$VENV/bin/python" scripts/pinboard_client_test.py "$BASE/api/pinboard/v1/" "pinboarder:$TOKEN"
