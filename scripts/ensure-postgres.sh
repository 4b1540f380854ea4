#!/usr/bin/env bash
# Makes sure a PostgreSQL server answers for the storage tests: uses
# BUKUMA_TEST_PG_URL's server or 127.0.0.1:5432, starting a local Debian
# cluster if one is installed but stopped. Fails with instructions otherwise.
set -euo pipefail
host=127.0.0.1 port=5432
if [ -n "${BUKUMA_TEST_PG_URL:-}" ]; then
  hostport=$(sed -E 's#^[a-z]+://([^@/]*@)?([^/:?]+)(:([0-9]+))?.*#\2 \4#' <<<"$BUKUMA_TEST_PG_URL")
  read -r host p <<<"$hostport"; port=${p:-5432}
fi
answers() { if command -v pg_isready >/dev/null; then pg_isready -q -h "$host" -p "$port"; else (exec 3<>"/dev/tcp/$host/$port") 2>/dev/null; fi; }
if answers; then echo "PostgreSQL answers at $host:$port"; exit 0; fi
if command -v pg_ctlcluster >/dev/null && [ -d /etc/postgresql ]; then
  for v in $(ls /etc/postgresql); do
    echo "starting PostgreSQL $v cluster 'main'"
    pg_ctlcluster --skip-systemctl-redirect "$v" main start || true
  done
  for _ in $(seq 50); do answers && { echo "PostgreSQL answers at $host:$port"; exit 0; }; sleep 0.2; done
fi
cat >&2 <<MSG
error: the tests need a PostgreSQL server and none answers at $host:$port.
  Install and start one (Debian: apt-get install -y postgresql && pg_ctlcluster 15 main start),
  with trust auth for user 'postgres' on 127.0.0.1, or point BUKUMA_TEST_PG_URL at a server
  where that user may create databases, e.g. postgres://postgres@127.0.0.1:5432/postgres.
MSG
exit 1
