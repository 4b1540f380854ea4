#!/usr/bin/env bash
# Drives the Hatena-compatible APIs as Hatena's Python clients do, with
# `requests`, `requests-oauthlib` (OAuth 1.0a, HMAC-SHA1) and `feedparser`
# from PyPI: starts `bukuma serve` on a fresh SQLite database, registers a
# user and two Hatena-compatible apps (write and read scope), and runs
# scripts/hatena_client_test.py against it. The venv lives in target/.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/venv.sh
python_venv hatena-venv requests==2.32.5 requests-oauthlib==2.0.0 oauthlib==3.3.1 feedparser==6.0.12

. scripts/serve-temp.sh

json_field() { "$VENV/bin/python" -c "import json, sys; print(json.load(sys.stdin)['$1'])"; }
B=$BASE/api/v1
ACCESS=$(curl -sf -X POST "$B/auth/register" -H 'content-type: application/json' \
  -d '{"username":"hatenaclient","password":"correct horse battery"}' | json_field access_token)
app() {
  curl -sf -X POST "$B/me/hatena-apps" -H "authorization: Bearer $ACCESS" \
    -H 'content-type: application/json' -d "{\"name\":\"$1 client\",\"scope\":\"$1\"}"
}
WRITE_APP=$(app write)
READ_APP=$(app read)

timeout 300 "$VENV/bin/python" scripts/hatena_client_test.py "$BASE" hatenaclient "$WRITE_APP" "$READ_APP"
