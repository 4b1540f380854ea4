#!/usr/bin/env bash
# Fuzzes a live `bukuma serve` with schemathesis against the spec it serves,
# signed in with a write token, for a bounded time. Fails on any 5xx or any
# response that is off the spec (status, content type, schema).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/venv.sh
python_venv venv 'schemathesis>=4.3,<5'
. scripts/serve-temp.sh
api="$BASE/api/v1"
access=$(curl -sf -XPOST "$api/auth/register" -H 'content-type: application/json' \
  -d '{"username":"fuzzer","password":"fuzzer-password"}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')
token=$(curl -sf -XPOST "$api/me/tokens" -H "authorization: Bearer $access" -H 'content-type: application/json' \
  -d '{"name":"schemathesis","scope":"write"}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
# Some data so that lists, entries and comments have something to return.
for i in 1 2 3; do
  curl -sf -XPOST "$api/bookmarks" -H "authorization: Bearer $token" -H 'content-type: application/json' \
    -d "{\"url\":\"https://example.com/$i\",\"comment\":\"seed $i\",\"tags\":[\"seed\",\"t$i\"]}" >/dev/null
done
"$VENV/bin/schemathesis" run "$BASE/api/openapi.json" \
  --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance \
  --header "Authorization: Bearer $token" \
  --max-time "${SCHEMATHESIS_SECONDS:-120}" \
  --workers 2 \
  --exclude-path /api/v1/auth/logout \
  --suppress-health-check all \
  --warnings off
