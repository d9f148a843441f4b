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
# never taken for ours.
argocd_alive() {
  local pidfile="$ARGOCD_DIR/pids/$1.pid" pid
  [ -f "$pidfile" ] || return 1
  pid="$(cat "$pidfile")"
  [ -n "$pid" ] && [ -d "/proc/$pid" ] || return 1
  grep -q '^State:.*Z' "/proc/$pid/status" 2>/dev/null && return 1
  tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null | grep -qF "$ARGOCD_DIR/"
}
