#!/usr/bin/env bash
# Stops the Kueue of scripts/kueue/up.sh: first deletes its webhook configurations (with
# failurePolicy Fail, a registered webhook whose server is gone refuses every Job create and
# update), then stops the manager (SIGTERM, SIGKILL after 10 s). Kueue's CRDs, namespace and
# objects stay in the cluster, and its files (logs/kueue-manager.log) in the cluster dir.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib.sh
. "$here/lib.sh"
load_env

kubectl_bin="$CACHE_DIR/k8s/v${CLUSTER_VERSION:-}/bin/kubectl"
if [ -f "$CLUSTER_DIR/kubeconfig" ] && [ -x "$kubectl_bin" ] && api /healthz >/dev/null 2>&1; then
  "$kubectl_bin" --kubeconfig="$CLUSTER_DIR/kubeconfig" --request-timeout=30s delete --ignore-not-found "${KUEUE_WEBHOOKS[@]}" >/dev/null ||
    klog "could not delete the webhook configurations ${KUEUE_WEBHOOKS[*]}; Job writes will fail until they are gone"
fi

if pid_alive kueue-manager; then
  pid="$(cat "$CLUSTER_DIR/pids/kueue-manager.pid")"
  klog "stopping kueue-manager (pid $pid)"
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 100); do pid_alive kueue-manager || break; sleep 0.1; done
  if pid_alive kueue-manager; then
    klog "kueue-manager still running after 10 s, sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
  fi
fi
rm -f "$CLUSTER_DIR/pids/kueue-manager.pid"
klog "kueue stopped"
