#!/usr/bin/env bash
# The deploy/ topology on one machine, for testing: a PostgreSQL primary, a
# streaming replica made with pg_basebackup, three `bukuma serve` processes
# and haproxy in front of them, all on 127.0.0.1 (see deploy/README.md).
#
#   deploy/cluster.sh up       start everything (and create what is missing)
#   deploy/cluster.sh down     stop everything it started
#   deploy/cluster.sh status   what runs
#   deploy/cluster.sh purge    stop, then delete the state directory
#   deploy/cluster.sh stop-replica | start-replica   (for failover tests)
#   deploy/cluster.sh kill-server N      kill -9 bukuma N (1-3)
#   deploy/cluster.sh start-servers      start the servers that are not running
#   deploy/cluster.sh restart-primary [S]  stop the primary, start it S s later
#
# Everything lives in the state directory (default target/cluster): the two
# PostgreSQL data directories (owned by the `postgres` user when run as
# root), each server's data directory, logs and pid files. The machine's own
# PostgreSQL server (port 5432) is never touched.
#
# Environment:
#   BUKUMA_BIN               the binary (default target/debug/bukuma)
#   BUKUMA_CLUSTER_DIR       the state directory (default target/cluster)
#   CLUSTER_PRIMARY_PORT     default 5433
#   CLUSTER_REPLICA_PORT     default 5434
#   CLUSTER_REPLICA_DELAY    the replica's recovery_min_apply_delay, e.g.
#                            500ms, to see replication lag (default 0)
#   CLUSTER_USE_REPLICA      0: the servers get no DATABASE_REPLICA_URL
#   RUST_LOG                 the servers' log filter (default info)
# Other BUKUMA_* variables set by the caller reach the servers unchanged.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
state=${BUKUMA_CLUSTER_DIR:-$root/target/cluster}
bin=${BUKUMA_BIN:-$root/target/debug/bukuma}
pgbin=${PG_BIN:-/usr/lib/postgresql/15/bin}
primary_port=${CLUSTER_PRIMARY_PORT:-5433}
replica_port=${CLUSTER_REPLICA_PORT:-5434}
replica_delay=${CLUSTER_REPLICA_DELAY:-0}
use_replica=${CLUSTER_USE_REPLICA:-1}
nodes=(8091 8092 8093)
front=8090
db=bukuma

say() { echo "cluster: $*"; }
die() { echo "cluster: error: $*" >&2; exit 1; }

# PostgreSQL refuses to run as root: its commands run as `postgres` then.
as_pg() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

pg_running() { as_pg "$pgbin/pg_ctl" status -D "$1" >/dev/null 2>&1; }

pg_start() { # data dir, port, log
  local dir=$1 port=$2 log=$3
  pg_running "$dir" && return 0
  as_pg "$pgbin/pg_ctl" start -w -t 60 -D "$dir" -l "$log" \
    -o "-c port=$port -c listen_addresses=127.0.0.1 -c unix_socket_directories=$state/pg" >/dev/null
}

pg_stop() {
  local dir=$1
  pg_running "$dir" || return 0
  as_pg "$pgbin/pg_ctl" stop -w -t 60 -m fast -D "$dir" >/dev/null
}

psql_primary() { as_pg "$pgbin/psql" -X -q -h 127.0.0.1 -p "$primary_port" -U postgres "$@"; }

wait_http() { # url, what, seconds
  local url=$1 what=$2 tries=$(( $3 * 5 ))
  for _ in $(seq "$tries"); do
    if curl -fsS -o /dev/null --max-time 2 "$url" 2>/dev/null; then return 0; fi
    sleep 0.2
  done
  die "$what did not answer $url (see the logs in $state)"
}

ensure_haproxy() {
  command -v haproxy >/dev/null && return 0
  [ "$(id -u)" = 0 ] || die "haproxy is missing; install it (apt-get install -y haproxy)"
  say "installing haproxy with apt"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q haproxy >/dev/null \
    || { apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q haproxy >/dev/null; }
}

make_primary() {
  local dir=$state/pg/primary
  if [ -f "$dir/PG_VERSION" ]; then return 0; fi
  say "creating the primary cluster in $dir (port $primary_port)"
  mkdir -p "$dir"
  chmod 700 "$dir"
  if [ "$(id -u)" = 0 ]; then chown -R postgres: "$state/pg"; fi
  as_pg "$pgbin/initdb" -D "$dir" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
  cat >>"$dir/postgresql.conf" <<CONF
# deploy/cluster.sh
listen_addresses = '127.0.0.1'
port = $primary_port
unix_socket_directories = '$state/pg'
max_connections = 200
wal_level = replica
max_wal_senders = 5
wal_keep_size = 256MB
hot_standby = on
CONF
}

make_replica() {
  local dir=$state/pg/replica
  if [ -f "$dir/PG_VERSION" ]; then return 0; fi
  say "creating the replica with pg_basebackup from the primary (port $replica_port)"
  as_pg "$pgbin/pg_basebackup" -h 127.0.0.1 -p "$primary_port" -U postgres \
    -D "$dir" -R -X stream -c fast
  # The primary's settings came along; only the port differs.
  echo "port = $replica_port" | as_pg tee -a "$dir/postgresql.conf" >/dev/null
}

start_servers() {
  local secret_file=$state/jwt-secret
  if [ ! -s "$secret_file" ]; then
    (umask 077; head -c 48 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$secret_file")
  fi
  local primary_url="postgres://postgres@127.0.0.1:$primary_port/$db?sslmode=disable"
  local replica_url="postgres://postgres@127.0.0.1:$replica_port/$db?sslmode=disable"
  say "migrating the database"
  DATABASE_URL=$primary_url BUKUMA_DATA_DIR=$state/migrate BUKUMA_JWT_SECRET=$(cat "$secret_file") \
    RUST_LOG=warn "$bin" migrate >>"$state/migrate.log" 2>&1 || die "migration failed: see $state/migrate.log"
  mkdir -p "$state/search"
  local i=0
  for port in "${nodes[@]}"; do
    i=$((i + 1))
    local pidf=$state/bukuma$i.pid
    if alive "$pidf"; then continue; fi
    mkdir -p "$state/bukuma$i"
    (
      export DATABASE_URL=$primary_url
      if [ "$use_replica" = 1 ]; then export DATABASE_REPLICA_URL=$replica_url; else unset DATABASE_REPLICA_URL; fi
      export BUKUMA_BIND=127.0.0.1:$port
      export BUKUMA_DATA_DIR=$state/bukuma$i
      # One search index per host, shared by the processes on it.
      export BUKUMA_SEARCH_DIR=$state/search
      # One key for the three: a token one signs, the others accept.
      BUKUMA_JWT_SECRET=$(cat "$secret_file")
      export BUKUMA_JWT_SECRET
      # Client addresses come from haproxy's X-Forwarded-For.
      export BUKUMA_TRUSTED_PROXIES=${BUKUMA_TRUSTED_PROXIES:-127.0.0.1/32}
      export BUKUMA_FETCH_METADATA=${BUKUMA_FETCH_METADATA:-false}
      export BUKUMA_DB_POOL_SIZE=${BUKUMA_DB_POOL_SIZE:-12}
      export RUST_LOG=${RUST_LOG:-info}
      exec "$bin" serve
    ) >>"$state/bukuma$i.log" 2>&1 &
    echo $! >"$pidf"
    say "bukuma$i serving on 127.0.0.1:$port (pid $!)"
  done
  for port in "${nodes[@]}"; do wait_http "http://127.0.0.1:$port/readyz" "bukuma on $port" 120; done
}

start_haproxy() {
  local pidf=$state/haproxy.pid
  if alive "$pidf"; then return 0; fi
  ensure_haproxy
  BUKUMA_CLUSTER_STATE=$state haproxy -c -q -f "$root/deploy/haproxy.cfg" || die "haproxy.cfg does not check"
  BUKUMA_CLUSTER_STATE=$state nohup haproxy -f "$root/deploy/haproxy.cfg" >>"$state/haproxy.log" 2>&1 &
  echo $! >"$pidf"
  say "haproxy on 127.0.0.1:$front (pid $!), status page http://127.0.0.1:8099/"
  wait_http "http://127.0.0.1:$front/readyz" "haproxy" 30
}

stop_pid() { # pid file, name
  local pidf=$1 name=$2
  if alive "$pidf"; then
    local pid
    pid=$(cat "$pidf")
    kill -TERM "$pid"
    for _ in $(seq 125); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    if kill -0 "$pid" 2>/dev/null; then kill -KILL "$pid"; fi
    say "stopped $name"
  fi
  rm -f "$pidf"
}

up() {
  [ -x "$bin" ] || die "no binary at $bin (cargo build -p bukuma-api, or set BUKUMA_BIN)"
  [ -x "$pgbin/initdb" ] || die "PostgreSQL 15 server binaries are missing in $pgbin (apt-get install -y postgresql-15)"
  command -v curl >/dev/null || die "curl is missing"
  for port in "$primary_port" "$replica_port"; do
    [ "$port" != 5432 ] || die "port 5432 belongs to the machine's own PostgreSQL"
  done
  mkdir -p "$state/pg"
  if [ "$(id -u)" = 0 ]; then chown postgres: "$state/pg"; fi
  make_primary
  pg_start "$state/pg/primary" "$primary_port" "$state/pg/primary.log"
  if ! psql_primary -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$db'" | grep -q 1; then
    psql_primary -d postgres -c "CREATE DATABASE $db"
  fi
  make_replica
  start_replica
  start_servers
  start_haproxy
  status
}

start_replica() {
  local dir=$state/pg/replica
  as_pg sed -i '/^recovery_min_apply_delay/d' "$dir/postgresql.conf"
  echo "recovery_min_apply_delay = '$replica_delay'" | as_pg tee -a "$dir/postgresql.conf" >/dev/null
  if pg_running "$dir"; then
    as_pg "$pgbin/pg_ctl" reload -D "$dir" >/dev/null
  else
    pg_start "$dir" "$replica_port" "$state/pg/replica.log"
  fi
}

down() {
  stop_pid "$state/haproxy.pid" haproxy
  local i=0
  for _ in "${nodes[@]}"; do
    i=$((i + 1))
    stop_pid "$state/bukuma$i.pid" "bukuma$i" &
  done
  wait
  if [ -d "$state/pg/replica" ]; then pg_stop "$state/pg/replica" && say "stopped the replica"; fi
  if [ -d "$state/pg/primary" ]; then pg_stop "$state/pg/primary" && say "stopped the primary"; fi
}

status() {
  local i=0
  for port in "${nodes[@]}"; do
    i=$((i + 1))
    if alive "$state/bukuma$i.pid"; then
      local ready
      ready=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://127.0.0.1:$port/readyz" || true)
      echo "bukuma$i   127.0.0.1:$port  pid $(cat "$state/bukuma$i.pid")  /readyz $ready"
    else
      echo "bukuma$i   127.0.0.1:$port  stopped"
    fi
  done
  if alive "$state/haproxy.pid"; then
    echo "haproxy   127.0.0.1:$front  pid $(cat "$state/haproxy.pid")  /readyz $(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://127.0.0.1:$front/readyz" || true)"
  else
    echo "haproxy   127.0.0.1:$front  stopped"
  fi
  for role in primary replica; do
    local dir=$state/pg/$role port=$primary_port
    [ "$role" = replica ] && port=$replica_port
    if [ -d "$dir" ] && pg_running "$dir"; then
      local rec
      rec=$(as_pg "$pgbin/psql" -X -h 127.0.0.1 -p "$port" -U postgres -d postgres -tAc "SELECT pg_is_in_recovery()" 2>/dev/null || echo "?")
      echo "$role   127.0.0.1:$port  running (in recovery: $rec)"
    else
      echo "$role   127.0.0.1:$port  stopped"
    fi
  done
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  status) status ;;
  purge)
    down
    rm -rf "$state"
    say "deleted $state"
    ;;
  stop-replica) pg_stop "$state/pg/replica" && say "stopped the replica" ;;
  start-replica) start_replica && say "started the replica" ;;
  kill-server)
    n=${2:?usage: $0 kill-server 1|2|3}
    alive "$state/bukuma$n.pid" || die "bukuma$n is not running"
    kill -KILL "$(cat "$state/bukuma$n.pid")"
    say "killed bukuma$n (SIGKILL)"
    ;;
  start-servers) start_servers ;;
  restart-primary)
    away=${2:-0}
    pg_stop "$state/pg/primary"
    say "stopped the primary; starting it again in ${away} s"
    sleep "$away"
    pg_start "$state/pg/primary" "$primary_port" "$state/pg/primary.log"
    say "started the primary"
    ;;
  *)
    echo "usage: $0 up|down|status|purge|stop-replica|start-replica|kill-server N|start-servers|restart-primary [SECONDS]" >&2
    exit 2
    ;;
esac
