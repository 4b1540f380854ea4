#!/usr/bin/env bash
# Prints the query plan of every list query in bench/sql/list-queries.sql.
# Usage: bench/explain.sh sqlite path/to/db.sqlite3 | bench/explain.sh postgres postgres://…/db
# :user, :entry and :tag are bound to the busiest user (who follows 200
# people), the most bookmarked entry and that user's most used tag; a
# statement after `-- only: sqlite|postgres` runs on that backend alone.
set -euo pipefail
backend=$1 target=$2
sql_file="$(dirname "$0")/sql/list-queries.sql"
q() { if [ "$backend" = sqlite ]; then sqlite3 "$target" "$1"; else psql "$target" -tAc "$1"; fi; }
user=$(q "SELECT id FROM users ORDER BY public_bookmark_count DESC, id LIMIT 1")
entry=$(q "SELECT id FROM entries ORDER BY bookmark_count DESC, id LIMIT 1")
tag=$(q "SELECT tag_key FROM user_tags WHERE user_id = $user ORDER BY public_count DESC, tag_key LIMIT 1")
week_ago=$(q "SELECT max(created_at) - 604800000000 FROM bookmarks")
name="" only=""
while IFS= read -r line; do
  case "$line" in
    "-- name: "*) name=${line#-- name: }; only="" ;;
    "-- only: "*) only=${line#-- only: } ;;
    SELECT*|WITH*)
      [ -n "$only" ] && [ "$only" != "$backend" ] && continue
      stmt=${line//:user/$user}; stmt=${stmt//:entry/$entry}; stmt=${stmt//:tag/\'$tag\'}
      stmt=${stmt//:week_ago/$week_ago}
      echo "### $name"; echo; echo '```'
      if [ "$backend" = sqlite ]; then
        sqlite3 "$target" "EXPLAIN QUERY PLAN $stmt"
      else
        psql "$target" -tAc "EXPLAIN $stmt"
      fi
      echo '```'; echo ;;
  esac
done < "$sql_file"
