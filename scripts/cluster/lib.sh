# Shared settings and helpers for up.sh / down.sh / smoke.sh (sourced, not executed).
# Everything is bound to 127.0.0.1 on non-default ports so it never clashes with a real
# cluster (2379/6443/10257/10259) on the same machine.

CLUSTER_DIR="${JOB_PATTERNS_CLUSTER_DIR:-/tmp/job-patterns-cluster}"
CLUSTER_DIR="${CLUSTER_DIR%/}"
CACHE_DIR="${JOB_PATTERNS_CACHE:-$HOME/.cache/cdk8s-job-patterns}"
KWOK_VERSION="${KWOK_VERSION:-v0.7.0}"
ETCD_VERSION="${JOB_PATTERNS_ETCD_VERSION:-v3.6.16}"

# etcd_for_minor MINOR: the etcd a Kubernetes minor runs with. Debian's etcd-server (3.4.23) serves
# 1.28-1.30; 1.31 and later need etcd >= 3.5.11, so build.sh builds $ETCD_VERSION into the cache.
etcd_for_minor() {
  if [ "$1" -ge 31 ]; then echo "$CACHE_DIR/etcd/$ETCD_VERSION/bin/etcd"; else command -v etcd || echo /usr/bin/etcd; fi
}

ETCD_PORT="${JOB_PATTERNS_ETCD_PORT:-23790}"
ETCD_PEER_PORT="${JOB_PATTERNS_ETCD_PEER_PORT:-23800}"
APISERVER_PORT="${JOB_PATTERNS_APISERVER_PORT:-16443}"
KCM_PORT="${JOB_PATTERNS_KCM_PORT:-16257}"
SCHEDULER_PORT="${JOB_PATTERNS_SCHEDULER_PORT:-16259}"
KWOK_PORT="${JOB_PATTERNS_KWOK_PORT:-16247}"

# Seconds each component may take to become healthy before up.sh gives up.
TIMEOUT="${JOB_PATTERNS_CLUSTER_TIMEOUT:-90}"

# Start order; down.sh stops in reverse order.
COMPONENTS=(etcd kube-apiserver kube-controller-manager kube-scheduler kwok)

log() { printf '[cluster %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

# The ports of a running cluster are recorded in $CLUSTER_DIR/env; prefer them.
load_env() {
  if [ -f "$CLUSTER_DIR/env" ]; then
    # shellcheck disable=SC1091
    . "$CLUSTER_DIR/env"
  fi
}

# pid_alive NAME: true if the recorded PID of NAME runs the binary we started.
pid_alive() {
  local name="$1" pidfile="$CLUSTER_DIR/pids/$1.pid" pid exe
  [ -f "$pidfile" ] || return 1
  pid="$(cat "$pidfile")"
  [ -n "$pid" ] && [ -d "/proc/$pid" ] || return 1
  # Guard against PID reuse: the executable must be the component's binary.
  exe="$(readlink "/proc/$pid/exe" 2>/dev/null || true)"
  [ "$(basename "${exe% (deleted)}")" = "$name" ]
}

# api PATH [curl args...]: request to the apiserver as cluster admin.
api() {
  local path="$1"; shift
  curl -sS --max-time 10 --cacert "$CLUSTER_DIR/pki/ca.crt" \
    --cert "$CLUSTER_DIR/pki/admin.crt" --key "$CLUSTER_DIR/pki/admin.key" \
    "https://127.0.0.1:$APISERVER_PORT$path" "$@"
}

# Serialise up.sh/down.sh on the same dir (e.g. parallel test workers). The lock is fd 9;
# started components must not inherit it (up.sh closes it for them).
lock_cluster() {
  [ "${JOB_PATTERNS_LOCK_HELD:-}" = "$CLUSTER_DIR" ] && return 0
  exec 9>"$CLUSTER_DIR.lock"
  if ! flock -w "${JOB_PATTERNS_LOCK_TIMEOUT:-600}" 9; then
    log "timed out waiting for the lock $CLUSTER_DIR.lock"; exit 1
  fi
  export JOB_PATTERNS_LOCK_HELD="$CLUSTER_DIR"
}
