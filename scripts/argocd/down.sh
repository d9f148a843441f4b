#!/usr/bin/env bash
# Stops what scripts/argocd/up.sh started (controller, repo server, git daemon, Redis: SIGTERM,
# then SIGKILL after a bound), then the control plane (scripts/cluster/down.sh), and removes
# Argo CD's state dir unless KEEP=1.
#
# Usage: [KEEP=1] scripts/argocd/down.sh
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib.sh
. "$here/lib.sh"
grace="${JOB_PATTERNS_STOP_TIMEOUT:-10}"

if [ -d "$ARGOCD_DIR" ]; then
  exec 8>"$ARGOCD_DIR.lock"
  flock -w 600 8 || { alog "timed out waiting for the lock $ARGOCD_DIR.lock"; exit 1; }
  for ((i = ${#ARGOCD_COMPONENTS[@]} - 1; i >= 0; i--)); do
    name="${ARGOCD_COMPONENTS[$i]}"
    if argocd_alive "$name"; then
      pid="$(cat "$ARGOCD_DIR/pids/$name.pid")"
      alog "stopping $name (pid $pid)"
      kill -TERM "$pid" 2>/dev/null || true
      deadline=$((SECONDS + grace))
      while argocd_alive "$name" && [ "$SECONDS" -lt "$deadline" ]; do sleep 0.1; done
      if argocd_alive "$name"; then alog "$name still runs after ${grace}s: SIGKILL"; kill -KILL "$pid" 2>/dev/null || true; fi
    fi
    rm -f "$ARGOCD_DIR/pids/$name.pid"
  done
  if [ "${KEEP:-0}" = 1 ]; then
    rm -f "$ARGOCD_DIR/env"; alog "stopped; kept $ARGOCD_DIR"
  else
    rm -rf "$ARGOCD_DIR"; alog "stopped; removed $ARGOCD_DIR"
  fi
fi
"$here/../cluster/down.sh"
