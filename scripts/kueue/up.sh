#!/usr/bin/env bash
# Starts a real Kueue (the manager of the release pinned in lib.sh, built by build.sh) against a
# running control plane of scripts/cluster/up.sh, the way envtest runs webhooks: outside the
# cluster, its webhooks served on 127.0.0.1 and registered by URL with a self-signed certificate.
#
#  1. Kueue's CRDs (server-side apply) and the namespace kueue-system.
#  2. A self-signed certificate (ECDSA P-256, subjectAltName IP:127.0.0.1) and the manager's
#     Configuration: no leader election, no internal certificate management, the batch/job
#     integration only, webhooks and health probes on loopback ports derived from the cluster's
#     API server port (lib.sh: kueue_ports), the metrics server and the visibility server off.
#  3. The manager. With internal certificate management off, v0.17 reads two fixed paths at start:
#     /etc/kueue/metrics/certs/tls.{crt,key} (the metrics server's certificate watcher, created
#     even when the metrics server is off) and /visibility/tls.{crt,key} (the visibility server).
#     Two managers on one machine (two clusters) must not share or overwrite those, and the
#     machine's /etc must not change under another manager's feet: the visibility server is
#     switched off (feature gate VisibilityOnDemand=false; nothing here reads it), and the manager
#     runs in a mount namespace of its own where this cluster's certificate is bind-mounted on
#     /etc/kueue/metrics/certs. Only the empty mount point is created on the machine, once.
#  4. The webhook configurations (webhooks.js), then waits until the webhook really answers:
#     a server-side dry-run create of a queued Job comes back with spec.suspend true.
#
# Usage: scripts/kueue/up.sh   (JOB_PATTERNS_CLUSTER_DIR and the port variables as for
#        scripts/cluster/up.sh, whose cluster must run)
# State: $JOB_PATTERNS_CLUSTER_DIR/kueue/ (config.yaml, certs/, webhooks.json); the manager's log
#        and pid file in the cluster's logs/ and pids/. Stop with scripts/kueue/down.sh
#        (scripts/cluster/down.sh calls it).
# Idempotent: when the manager runs and its webhook answers, only says so.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib.sh
. "$here/lib.sh"
load_env
kueue_ports
start_time=$SECONDS

# The private mount namespace (step 3) needs root, as the real node does; CI runs as root.
[ "$(id -u)" = 0 ] || { klog "scripts/kueue/up.sh needs root: the manager runs in a mount namespace of its own (see the top of this file)"; exit 1; }
kubeconfig="$CLUSTER_DIR/kubeconfig"
[ -f "$kubeconfig" ] && [ -n "${CLUSTER_VERSION:-}" ] || { klog "no control plane in $CLUSTER_DIR: start it with scripts/cluster/up.sh"; exit 1; }
kubectl_bin="$CACHE_DIR/k8s/v$CLUSTER_VERSION/bin/kubectl"
[ -x "$kubectl_bin" ] || { klog "missing $kubectl_bin (scripts/cluster/build.sh builds it)"; exit 1; }
k() { "$kubectl_bin" --kubeconfig="$kubeconfig" --request-timeout=30s "$@"; }
cache="$("$here/build.sh" | tail -1)"

# webhook_answers: Kueue's mutating webhook suspends a Job that names a LocalQueue (the queue need
# not exist for that), so a dry-run create answered with suspend true proves the whole path:
# registration, URL, certificate and the manager's handler.
webhook_answers() {
  [ "$(k create --dry-run=server -o jsonpath='{.spec.suspend}' -f - <<'JSON' 2>/dev/null
{"apiVersion": "batch/v1", "kind": "Job",
 "metadata": {"name": "kueue-webhook-probe", "namespace": "default", "labels": {"kueue.x-k8s.io/queue-name": "probe"}},
 "spec": {"template": {"spec": {"restartPolicy": "Never", "containers": [{"name": "c", "image": "busybox:1.36.1",
   "resources": {"requests": {"cpu": "1m"}}}]}}}}
JSON
)" = true ]
}

if pid_alive kueue-manager && webhook_answers; then
  klog "kueue $KUEUE_VERSION already runs for $CLUSTER_DIR (webhook on 127.0.0.1:$KUEUE_WEBHOOK_PORT)"
  exit 0
fi
if pid_alive kueue-manager || [ -f "$CLUSTER_DIR/pids/kueue-manager.pid" ]; then
  klog "found a stale or unanswering manager for $CLUSTER_DIR; stopping it first"
  bash "$here/down.sh"
fi
for p in "$KUEUE_WEBHOOK_PORT" "$KUEUE_HEALTH_PORT"; do
  if ss -Hltn "sport = :$p" | grep -q .; then
    klog "port 127.0.0.1:$p is already in use:"; ss -Hltnp "sport = :$p" >&2 || true
    klog "stop whatever uses it, or choose other ports (JOB_PATTERNS_KUEUE_WEBHOOK_PORT, JOB_PATTERNS_KUEUE_HEALTH_PORT)"
    exit 1
  fi
done

on_exit() {
  local rc=$?
  if [ "$rc" != 0 ]; then
    klog "up.sh failed; stopping what it started (log kept in $CLUSTER_DIR/logs/kueue-manager.log)"
    bash "$here/down.sh" || true
  fi
}
trap on_exit EXIT

rm -rf "$KUEUE_DIR"
mkdir -p "$KUEUE_DIR/certs"

# 1. CRDs and namespace.
k apply --server-side --force-conflicts --field-manager=job-patterns -f "$cache/crds/" >/dev/null
for crd in "$cache"/crds/*.yaml; do
  name="$(basename "$crd" .yaml)"; name="${name#*_}.kueue.x-k8s.io"
  deadline=$((SECONDS + TIMEOUT))
  until [ "$(k get crd "$name" -o jsonpath='{.status.conditions[?(@.type=="Established")].status}' 2>/dev/null)" = True ]; do
    [ "$SECONDS" -lt "$deadline" ] || { klog "ERROR: CRD $name not Established within ${TIMEOUT}s"; exit 1; }
    sleep 0.2
  done
done
k apply --server-side --field-manager=job-patterns -f - >/dev/null <<'YAML'
apiVersion: v1
kind: Namespace
metadata:
  name: kueue-system
YAML

# 2. Certificate and configuration.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 3650 -subj "/CN=job-patterns-kueue-webhook" \
  -keyout "$KUEUE_DIR/certs/tls.key" -out "$KUEUE_DIR/certs/tls.crt" \
  -addext "subjectAltName=IP:127.0.0.1" -addext "keyUsage=critical,digitalSignature,keyCertSign" \
  -addext "extendedKeyUsage=serverAuth" 2>/dev/null
chmod 600 "$KUEUE_DIR/certs/tls.key"
cat > "$KUEUE_DIR/config.yaml" <<YAML
apiVersion: config.kueue.x-k8s.io/v1beta2
kind: Configuration
namespace: kueue-system
leaderElection:
  leaderElect: false
internalCertManagement:
  enable: false
webhook:
  host: 127.0.0.1
  port: $KUEUE_WEBHOOK_PORT
  certDir: $KUEUE_DIR/certs
health:
  healthProbeBindAddress: 127.0.0.1:$KUEUE_HEALTH_PORT
metrics:
  bindAddress: "0"
featureGates:
  VisibilityOnDemand: false
integrations:
  frameworks:
  - batch/job
YAML

# 3. The manager, in a mount namespace of its own (see the top of this file).
metrics_certs=/etc/kueue/metrics/certs
mkdir -p "$metrics_certs"
klog "starting kueue-manager $KUEUE_VERSION (webhook 127.0.0.1:$KUEUE_WEBHOOK_PORT, health 127.0.0.1:$KUEUE_HEALTH_PORT)"
# unshare and sh exec the manager in the same process: the recorded PID is the manager's.
(exec 9>&-; setsid unshare --mount --propagation private sh -c 'mount --bind "$1" "$2" && shift 2 && exec "$@"' sh \
  "$KUEUE_DIR/certs" "$metrics_certs" "$cache/bin/kueue-manager" --config="$KUEUE_DIR/config.yaml" --kubeconfig="$kubeconfig" \
  </dev/null >"$CLUSTER_DIR/logs/kueue-manager.log" 2>&1 & echo $! > "$CLUSTER_DIR/pids/kueue-manager.pid")

# wait_until WHAT CHECK...: poll CHECK; fail with the log's end if the manager dies or TIMEOUT passes.
wait_until() {
  local what="$1" deadline=$((SECONDS + TIMEOUT)) pid; shift
  pid="$(cat "$CLUSTER_DIR/pids/kueue-manager.pid")"
  until "$@" >/dev/null 2>&1; do
    # (Until sh has exec'd the manager, the process is unshare or sh: alive, not yet ours.)
    if [ ! -d "/proc/$pid" ] || grep -q '^State:.*Z' "/proc/$pid/status" 2>/dev/null || [ "$SECONDS" -ge "$deadline" ]; then
      klog "ERROR: kueue-manager did not reach '$what' within ${TIMEOUT}s; the end of $CLUSTER_DIR/logs/kueue-manager.log:"
      tail -n 30 "$CLUSTER_DIR/logs/kueue-manager.log" >&2 || true
      exit 1
    fi
    sleep 0.2
  done
  klog "kueue-manager: $what ($((SECONDS - start_time)) s since start)"
}
ready() { [ "$(curl -s --max-time 2 "http://127.0.0.1:$KUEUE_HEALTH_PORT/readyz")" = ok ]; }
wait_until "/readyz ok" ready
pid_alive kueue-manager || { klog "ERROR: the process in $CLUSTER_DIR/pids/kueue-manager.pid is not the manager"; exit 1; }

# 4. Webhooks, registered by URL, and the proof that they answer.
node "$here/webhooks.js" "$cache/webhook/manifests.yaml" "https://127.0.0.1:$KUEUE_WEBHOOK_PORT" "$KUEUE_DIR/certs/tls.crt" > "$KUEUE_DIR/webhooks.json"
k apply --server-side --force-conflicts --field-manager=job-patterns -f "$KUEUE_DIR/webhooks.json" >/dev/null
wait_until "webhook suspends a queued Job (dry run)" webhook_answers
klog "kueue $KUEUE_VERSION up in $((SECONDS - start_time)) s; log: $CLUSTER_DIR/logs/kueue-manager.log"
