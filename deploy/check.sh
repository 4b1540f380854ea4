#!/usr/bin/env bash
# Read-your-writes across the cluster of deploy/cluster.sh: starts it with a
# replica that applies the primary's changes late on purpose
# (CLUSTER_REPLICA_DELAY, default 300ms), runs deploy/check.py through
# haproxy (writes read back at once by their writer, with the replica
# stopped half-way through one pass), then stops the cluster unless
# CHECK_KEEP=1. 127.0.0.1 only; bounded to 10 minutes.
set -euo pipefail
cd "$(dirname "$0")/.."
export CLUSTER_REPLICA_DELAY=${CLUSTER_REPLICA_DELAY:-300ms}
# The check reads the servers' replica counters from /metrics.
export BUKUMA_METRICS=true
# A delayed replica is reconfigured if it already runs.
bash deploy/cluster.sh up
status=0
timeout 600 python3 deploy/check.py --rounds "${CHECK_ROUNDS:-150}" || status=$?
if [ "${CHECK_KEEP:-0}" != 1 ]; then bash deploy/cluster.sh down; fi
exit "$status"
