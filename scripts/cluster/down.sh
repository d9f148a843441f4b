#!/usr/bin/env bash
# Stops every process up.sh started (SIGTERM, then SIGKILL after a bound) and removes the
# state dir unless KEEP=1.
#
# Usage: [KEEP=1] scripts/cluster/down.sh
# State: $JOB_PATTERNS_CLUSTER_DIR (default /tmp/job-patterns-cluster)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib.sh
. "$here/lib.sh"

grace="${JOB_PATTERNS_STOP_TIMEOUT:-10}"   # seconds to wait after SIGTERM
start_time=$SECONDS

lock_cluster
if [ ! -d "$CLUSTER_DIR" ]; then
  log "nothing to stop: $CLUSTER_DIR does not exist"
  exit 0
fi

# Kueue (scripts/kueue/up.sh) first: its webhook configurations go while the API server answers,
# and its manager must not outlive the cluster.
if [ -d "$CLUSTER_DIR/kueue" ]; then
  bash "$here/../kueue/down.sh" || log "scripts/kueue/down.sh failed; stopping the control plane anyway"
fi

# A real node (scripts/node/up.sh) first, while the API server still answers: a suite that
# crashed must not leave its containerd and kubelet running.
if [ -d "$CLUSTER_DIR/node" ]; then
  bash "$here/../node/down.sh" || log "scripts/node/down.sh failed; stopping the control plane anyway"
fi

# PIDs of processes whose command line mentions the state dir: a safety net for processes
# whose pid file is missing (e.g. up.sh killed half-way). Matches the exact dir, nothing broader.
stray_pids() {
  local p cmd
  for p in /proc/[0-9]*; do
    p="${p#/proc/}"
    [ "$p" = "$$" ] && continue
    cmd="$(tr '\0' ' ' < "/proc/$p/cmdline" 2>/dev/null || true)"
    case "$cmd" in
      *"$CLUSTER_DIR/"*)
        case "$(basename "$(readlink "/proc/$p/exe" 2>/dev/null || true)")" in
          etcd|kube-apiserver|kube-controller-manager|kube-scheduler|kwok|kueue-manager) echo "$p" ;;
        esac ;;
    esac
  done
}

# stop PID...: SIGTERM, wait up to $grace s, then SIGKILL whatever is left.
stop() {
  local pids=("$@") p deadline=$((SECONDS + grace)) left
  [ "${#pids[@]}" -gt 0 ] || return 0
  kill -TERM "${pids[@]}" 2>/dev/null || true
  while :; do
    left=()
    for p in "${pids[@]}"; do [ -d "/proc/$p" ] && ! grep -q '^State:.*Z' "/proc/$p/status" 2>/dev/null && left+=("$p"); done
    [ "${#left[@]}" -eq 0 ] && return 0
    if [ "$SECONDS" -ge "$deadline" ]; then
      log "still running after ${grace}s, sending SIGKILL: ${left[*]}"
      kill -KILL "${left[@]}" 2>/dev/null || true
      sleep 0.2
      return 0
    fi
    sleep 0.1
  done
}

stopped=()
# Clients first, then the apiserver, then etcd (so the apiserver can shut down cleanly).
for group in "kwok kube-scheduler kube-controller-manager" "kube-apiserver" "etcd"; do
  pids=()
  for name in $group; do
    if pid_alive "$name"; then
      pids+=("$(cat "$CLUSTER_DIR/pids/$name.pid")")
      log "stopping $name (pid ${pids[-1]})"
    fi
    rm -f "$CLUSTER_DIR/pids/$name.pid"
  done
  stop "${pids[@]}"
  stopped+=("${pids[@]}")
done

mapfile -t strays < <(stray_pids)
if [ "${#strays[@]}" -gt 0 ]; then
  log "stopping stray processes using $CLUSTER_DIR: ${strays[*]}"
  stop "${strays[@]}"
fi

# Dead processes stay zombies until their parent (init, once up.sh has exited) reaps them;
# give it a moment so that pgrep shows nothing afterwards.
for _ in $(seq 20); do
  left=0; for p in "${stopped[@]}" "${strays[@]}"; do [ -d "/proc/$p" ] && left=1; done
  [ "$left" = 0 ] && break; sleep 0.1
done

if [ "${KEEP:-0}" = 1 ]; then
  rm -f "$CLUSTER_DIR/env"
  log "stopped in $((SECONDS - start_time)) s; kept $CLUSTER_DIR"
else
  rm -rf "$CLUSTER_DIR"
  log "stopped in $((SECONDS - start_time)) s; removed $CLUSTER_DIR"
fi
