#!/usr/bin/env bash
# Stops the real node of scripts/node/up.sh: the kubelet, then containerd (its containers' shims),
# deletes the Node, and removes the node's bridge. Keeps nothing running; the state dir stays.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=../cluster/lib.sh
. "$here/../cluster/lib.sh"
load_env
node="$CLUSTER_DIR/node"
sock="$node/containerd/containerd.sock"
tag="$(printf '%s' "$CLUSTER_DIR" | sha256sum | cut -c1-6)"

log() { printf '[node %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

stop() { # NAME: TERM, then KILL after 10 s, the process recorded in its pid file
  local f="$node/pids/$1.pid" pid
  [ -f "$f" ] || return 0
  pid="$(cat "$f")"
  if kill -0 "$pid" 2>/dev/null; then
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 10); do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
    kill -9 "$pid" 2>/dev/null || true
  fi
  rm -f "$f"
}

stop kubelet
# The pods' containers and sandboxes, through containerd, before it stops (their shims outlive it).
if [ -S "$sock" ]; then
  for task in $(ctr --address "$sock" -n k8s.io tasks ls -q 2>/dev/null); do
    ctr --address "$sock" -n k8s.io tasks kill -s SIGKILL "$task" >/dev/null 2>&1 || true
  done
  sleep 1
  for c in $(ctr --address "$sock" -n k8s.io containers ls -q 2>/dev/null); do
    ctr --address "$sock" -n k8s.io tasks delete -f "$c" >/dev/null 2>&1 || true
    ctr --address "$sock" -n k8s.io containers delete "$c" >/dev/null 2>&1 || true
  done
fi
stop containerd
# Mounts left by the kubelet and containerd (pod volumes, overlay snapshots, netns).
grep -o " $node/[^ ]*" /proc/mounts 2>/dev/null | sort -r | while read -r m; do umount -l "$m" 2>/dev/null || true; done
ip link del "jp${tag}" 2>/dev/null || true
# up.sh's rule for the kubernetes Service (any clusterIP it had: found by its comment).
iptables -t nat -S PREROUTING 2>/dev/null | grep -F -- "--comment \"job-patterns $CLUSTER_DIR\"" | sed 's/^-A //' \
  | while read -r rule; do eval "iptables -t nat -D $rule" || true; done
node_ip="10.$((16#${tag:0:2} % 64 + 192)).$((16#${tag:2:2})).1"
NODE_NAME="$node_ip"
ip addr del "$node_ip/32" dev lo 2>/dev/null || true
# The node's cgroup root, once its pods' cgroups are gone (depth first; a busy one stays).
for h in /sys/fs/cgroup/*/; do
  [ -d "${h}job-patterns-$tag" ] && find "${h}job-patterns-$tag" -depth -type d -exec rmdir {} \; 2>/dev/null || true
done
if [ -f "$CLUSTER_DIR/kubeconfig" ] && api /healthz >/dev/null 2>&1; then
  api "/api/v1/nodes/$NODE_NAME" -X DELETE >/dev/null 2>&1 || true
fi
log "node stopped"
