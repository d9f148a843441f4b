# Shared settings and helpers for scripts/argocd/{up,down}.sh (sourced, not executed).
# Argo CD runs against the control plane of scripts/cluster (same JOB_PATTERNS_CLUSTER_DIR and
# JOB_PATTERNS_*_PORT variables); everything listens on 127.0.0.1 on non-default ports.

# shellcheck source=../cluster/lib.sh
. "$(cd "$(dirname "${BASH_SOURCE[0]}")/../cluster" && pwd)/lib.sh"

ARGOCD_VERSION="${ARGOCD_VERSION:-3.6.1}"
ARGOCD_VERSION="${ARGOCD_VERSION#v}"
ARGOCD_DIR="${JOB_PATTERNS_ARGOCD_DIR:-$CLUSTER_DIR-argocd}"
ARGOCD_DIR="${ARGOCD_DIR%/}"
# The namespace Argo CD runs in and reads its Applications, settings and projects from.
ARGOCD_NAMESPACE=argocd

REDIS_PORT="${JOB_PATTERNS_REDIS_PORT:-16379}"
REPO_SERVER_PORT="${JOB_PATTERNS_REPO_SERVER_PORT:-18081}"
REPO_SERVER_METRICS_PORT="${JOB_PATTERNS_REPO_SERVER_METRICS_PORT:-18084}"
CONTROLLER_METRICS_PORT="${JOB_PATTERNS_CONTROLLER_METRICS_PORT:-18082}"
GIT_PORT="${JOB_PATTERNS_GIT_PORT:-19418}"

# Start order; down.sh stops in reverse order.
ARGOCD_COMPONENTS=(redis git-daemon argocd-repo-server argocd-application-controller)

alog() { printf '[argocd %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

# argocd_alive NAME: true if the recorded PID of NAME still runs with our state dir on its
# command line (every component gets a path under $ARGOCD_DIR as an argument), so a reused PID is
# never taken for ours. A running process whose command line is not ours is asked again for a
# quarter of a second before it is called gone: a component starts through setsid and env, and for
# an instant while a process execs, its command line reads empty or still the one before (up.sh's
# await once called a starting argocd-repo-server exited, which down.sh found running a moment later).
argocd_alive() {
  local pidfile="$ARGOCD_DIR/pids/$1.pid" pid cmd _
  [ -f "$pidfile" ] || return 1
  pid="$(cat "$pidfile")"
  [ -n "$pid" ] || return 1
  for _ in 1 2 3 4 5 6; do
    [ -d "/proc/$pid" ] || return 1
    grep -q '^State:.*Z' "/proc/$pid/status" 2>/dev/null && return 1
    # Read whole, then matched: no pipe whose writer a quitting `grep -q` could cut (pipefail).
    cmd="$(tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null || true)"
    case "$cmd" in *"$ARGOCD_DIR/"*) return 0 ;; esac
    sleep 0.05
  done
  return 1
}
