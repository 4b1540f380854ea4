#!/usr/bin/env bash
# Starts `bukuma serve`, seeds bookmarks over the API with curl (one of them
# private), then fetches every feed and parses it with Python's feedparser
# (scripts/feeds_check.py), checking titles, links, dates and that nothing
# private appears. Prints "N passed, M failed"; exits non-zero on a failure.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/venv.sh
python_venv feeds-venv 'feedparser>=6,<7'
export BUKUMA_NEW_ENTRY_THRESHOLD=1 BUKUMA_HOT_INTERVAL_SECS=1
. scripts/serve-temp.sh
api="$BASE/api/v1"
json() { python3 -c "import json,sys; print(json.load(sys.stdin)[\"$1\"])"; }
register() {
  curl -sf -XPOST "$api/auth/register" -H 'content-type: application/json' \
    -d "{\"username\":\"$1\",\"password\":\"feeds-check-password\"}" | json access_token
}
mark() {
  curl -sf -XPOST "$api/bookmarks" -H "authorization: Bearer $1" -H 'content-type: application/json' \
    -d "$2" >/dev/null
}
alice=$(register alice)
bob=$(register bob)
mark "$alice" '{"url":"https://blog.example.com/post","title":"A public post","comment":"worth it","tags":["rust","db"]}'
mark "$alice" '{"url":"https://blog.example.com/second","title":"Second & <last>","comment":"also good","tags":["rust"]}'
mark "$alice" '{"url":"https://secret.example.org/hidden","title":"secret title","comment":"secret comment","note":"secret note","tags":["rust","secrettag"],"private":true}'
mark "$bob" '{"url":"https://blog.example.com/post","comment":"agreed","tags":["rust"]}'
# Wait for a hot-score recomputation (every second here) to list both entries.
for _ in $(seq 100); do
  [ "$(curl -sf "$api/entries/hot" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["items"]))')" -ge 2 ] && break
  sleep 0.1
done
"$VENV/bin/python" scripts/feeds_check.py "$BASE"
