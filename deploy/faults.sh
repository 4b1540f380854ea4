#!/usr/bin/env bash
# Faults under load (deploy/faults.py): starts the cluster of
# deploy/cluster.sh, runs the kill, replica, primary and SQLite phases, and
# stops the cluster unless FAULTS_KEEP=1. 127.0.0.1 only; bounded to 15
# minutes. Extra arguments go to faults.py (e.g. --phases kill,sqlite).
set -euo pipefail
cd "$(dirname "$0")/.."
bash deploy/cluster.sh up
status=0
timeout 900 python3 deploy/faults.py --bin "${BUKUMA_BIN:-target/debug/bukuma}" "$@" || status=$?
if [ "${FAULTS_KEEP:-0}" != 1 ]; then bash deploy/cluster.sh down; fi
exit "$status"
