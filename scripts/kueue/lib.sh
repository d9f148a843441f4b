# Shared settings for scripts/kueue/{build,up,down}.sh (sourced, not executed). Kueue runs beside
# the control plane of scripts/cluster (same JOB_PATTERNS_CLUSTER_DIR and port variables); the
# release is pinned here and nowhere else.

# shellcheck source=../cluster/lib.sh
. "$(cd "$(dirname "${BASH_SOURCE[0]}")/../cluster" && pwd)/lib.sh"

KUEUE_VERSION="${KUEUE_VERSION:-v0.17.0}"
KUEUE_CACHE="$CACHE_DIR/kueue/$KUEUE_VERSION"
# Kueue's state: config, certificates, webhook configurations. Its log and pid file are the
# cluster's other components' neighbours: logs/kueue-manager.log, pids/kueue-manager.pid (so
# pid_alive kueue-manager tells whether it runs).
KUEUE_DIR="$CLUSTER_DIR/kueue"

# kueue_ports: the manager's ports, derived from the running cluster's API server port (load_env
# first), so the managers of two clusters never collide. The real node takes +3 and +4.
kueue_ports() {
  KUEUE_WEBHOOK_PORT="${JOB_PATTERNS_KUEUE_WEBHOOK_PORT:-$((APISERVER_PORT + 5))}"
  KUEUE_HEALTH_PORT="${JOB_PATTERNS_KUEUE_HEALTH_PORT:-$((APISERVER_PORT + 6))}"
}

# The webhook configurations up.sh registers (down.sh deletes them before stopping the manager:
# with failurePolicy Fail, a registered webhook whose server is gone refuses every Job create).
KUEUE_WEBHOOKS=(mutatingwebhookconfiguration/job-patterns-kueue-mutating validatingwebhookconfiguration/job-patterns-kueue-validating)

klog() { printf '[kueue %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
