#!/usr/bin/env bash
# Starts a real node beside the kwok nodes of a running control plane (scripts/cluster/up.sh):
# containerd (Debian's, with its own root, state and socket under the cluster dir), the busybox
# and pause images imported, a bridge CNI that reaches nothing beyond this machine (no
# masquerade), and the kubelet of the cluster's version, registered as a Node named by its
# address (10.x.y.1) with the label and the taint job-patterns.cdk8s.io/real-node=true
# (NoSchedule): only pods that tolerate it run here, so the kwok tests are unaffected.
#
# Usage: scripts/node/up.sh   (K8S_VERSION, JOB_PATTERNS_CLUSTER_DIR and the port variables as for
#        scripts/cluster/up.sh; JOB_PATTERNS_KUBELET_PORT, default APISERVER_PORT + 3)
# State: $CLUSTER_DIR/node/ (containerd/, kubelet/, cni/, logs/, pids/). Stop with scripts/node/down.sh.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=../cluster/lib.sh
. "$here/../cluster/lib.sh"
load_env

version="${K8S_VERSION:-1.28.15}"
version="${version#v}"
minor="$(echo "$version" | cut -d. -f2)"
KUBELET_PORT="${JOB_PATTERNS_KUBELET_PORT:-$((APISERVER_PORT + 3))}"
KUBELET_HEALTHZ_PORT="$((KUBELET_PORT + 1))"
node="$CLUSTER_DIR/node"
sock="$node/containerd/containerd.sock"
# One bridge and subnet per cluster dir: two nodes on one machine must not share them.
tag="$(printf '%s' "$CLUSTER_DIR" | sha256sum | cut -c1-6)"
bridge="jp${tag}"
subnet="10.$((16#${tag:0:2} % 64 + 128)).$((16#${tag:2:2})).0/24"
# The node's own address, added to the loopback interface: the kubelet refuses a loopback (127/8)
# node IP, and the API server must reach the kubelet (logs, exec); nothing outside this machine
# sees it.
node_ip="10.$((16#${tag:0:2} % 64 + 192)).$((16#${tag:2:2})).1"
# Named by that address: the API server dials a kubelet at its Hostname address first
# (--kubelet-preferred-address-types' default), and no resolver here knows another name.
NODE_NAME="$node_ip"

log() { printf '[node %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

[ -f "$CLUSTER_DIR/kubeconfig" ] || { log "no control plane in $CLUSTER_DIR: start it with scripts/cluster/up.sh"; exit 1; }
start=$SECONDS
bash "$here/install.sh"
bash "$here/build-kubelet.sh" "$version"
kubelet="$CACHE_DIR/k8s/v$version/bin/kubelet"
mkdir -p "$node"/{containerd,kubelet,cni/net.d,cni/ipam,logs,pids,config}

alive() { local f="$node/pids/$1.pid"; [ -f "$f" ] && kill -0 "$(cat "$f")" 2>/dev/null; }
wait_for() { # NAME SECONDS COMMAND...
  local name="$1" limit="$2"; shift 2
  for _ in $(seq "$limit"); do "$@" >/dev/null 2>&1 && return 0; alive "$name" || break; sleep 1; done
  log "$name did not become ready; the end of $node/logs/$name.log:"; tail -20 "$node/logs/$name.log" >&2; return 1
}

cat > "$node/cni/net.d/10-job-patterns.conflist" <<JSON
{
  "cniVersion": "0.4.0",
  "name": "job-patterns",
  "plugins": [
    { "type": "bridge", "bridge": "$bridge", "isGateway": true, "ipMasq": false,
      "ipam": { "type": "host-local", "ranges": [[{ "subnet": "$subnet" }]], "routes": [{ "dst": "0.0.0.0/0" }],
                "dataDir": "$node/cni/ipam" } }
  ]
}
JSON

cat > "$node/config/containerd.toml" <<TOML
version = 2
root = "$node/containerd/root"
state = "$node/containerd/state"
[grpc]
  address = "$sock"
[ttrpc]
  address = "$sock.ttrpc"
[metrics]
  address = ""
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "localhost/job-patterns/pause:1"
  # This machine refuses to lower a process's oom_score_adj (the sandbox's -998: "failed to update
  # /proc/self/oom_score_adj: Permission denied" from runc): no score below containerd's own.
  restrict_oom_score_adj = true
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "/usr/lib/cni"
    conf_dir = "$node/cni/net.d"
TOML

# (Not `ip ... | grep -q` under pipefail: grep's early exit fails the pipe once lo has a few addresses.)
case "$(ip -4 addr show dev lo)" in *" $node_ip/32 "*) ;; *) ip addr add "$node_ip/32" dev lo ;; esac
# The API server as pods find it, https://kubernetes.default.svc (a controller pod's driver): no
# kube-proxy runs here, so one rule does its work for the kubernetes Service alone, from this
# node's pods to the API server on 127.0.0.1 (the pods get the name from their hostAliases, set by
# the tests). The bridge exists before the first pod, so that it may route to 127.0.0.1.
api_ip="$(api /api/v1/namespaces/default/services/kubernetes | sed -n 's/.*"clusterIP": "\(.*\)".*/\1/p' | head -1)"
ip link show "$bridge" >/dev/null 2>&1 || ip link add "$bridge" type bridge
ip link set "$bridge" up
sysctl -qw "net.ipv4.conf.$bridge.route_localnet=1"
api_rule=(PREROUTING -s "$subnet" -d "$api_ip" -p tcp --dport 443 -j DNAT --to-destination "127.0.0.1:$APISERVER_PORT" -m comment --comment "job-patterns $CLUSTER_DIR")
iptables -t nat -C "${api_rule[@]}" 2>/dev/null || iptables -t nat -A "${api_rule[@]}"
# The pods' cgroups under a root of this node's own: a kubelet removes the pod cgroups it does not
# know under its root, so two nodes on one machine (two clusters) must not share /kubepods. The
# kubelet wants the root to exist in every cgroup v1 hierarchy.
cgroup_root="/job-patterns-$tag"
for h in /sys/fs/cgroup/*/; do
  case "$h" in */unified/) continue ;; esac
  mkdir -p "$h${cgroup_root#/}"
done

if ! alive containerd; then
  log "starting containerd ($sock)"
  (exec 9>&-; setsid containerd --config "$node/config/containerd.toml" > "$node/logs/containerd.log" 2>&1 & echo $! > "$node/pids/containerd.pid")
  wait_for containerd 30 ctr --address "$sock" version
fi
bash "$here/images.sh" import "$sock"

# The kubelet: the admin identity (system:masters) for its API calls, so no bootstrap or Node
# authorizer is needed; its own API (logs, exec) served on the node's address to anyone (the API
# server does not present a client certificate here).
cat > "$node/config/kubelet.yaml" <<YAML
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
address: $node_ip
port: $KUBELET_PORT
readOnlyPort: 0
healthzBindAddress: 127.0.0.1
healthzPort: $KUBELET_HEALTHZ_PORT
authentication:
  anonymous: { enabled: true }
  webhook: { enabled: false }
authorization:
  mode: AlwaysAllow
containerRuntimeEndpoint: unix://$sock
cgroupDriver: cgroupfs
cgroupRoot: $cgroup_root
failSwapOn: false
resolvConf: ""
staticPodPath: ""
registerWithTaints:
- { key: job-patterns.cdk8s.io/real-node, value: "true", effect: NoSchedule }
# A shared machine's disk: no eviction or image garbage collection for its usage (the imported
# images cannot be pulled again).
evictionHard: { memory.available: "100Mi", nodefs.available: "1%", imagefs.available: "1%", nodefs.inodesFree: "1%" }
imageGCHighThresholdPercent: 100
imageGCLowThresholdPercent: 99
$( [ "$minor" -ge 35 ] && echo 'failCgroupV1: false' )
# The pods' logs in this node's own directory (1.29 and later): a kubelet removes the directories
# of pods it does not know from its log directory, so two nodes on one machine (the e2e clusters of
# two versions) must not share /var/log/pods. A 1.28 kubelet always writes there.
$( [ "$minor" -ge 29 ] && echo "podLogsDir: $node/logs/pods" )
YAML

if ! alive kubelet; then
  log "starting kubelet v$version as node $NODE_NAME (port $KUBELET_PORT)"
  (exec 9>&-; setsid "$kubelet" --config="$node/config/kubelet.yaml" --kubeconfig="$CLUSTER_DIR/kubeconfig" \
    --root-dir="$node/kubelet" --cert-dir="$node/kubelet/pki" --hostname-override="$NODE_NAME" --node-ip="$node_ip" \
    --node-labels=job-patterns.cdk8s.io/real-node=true \
    > "$node/logs/kubelet.log" 2>&1 & echo $! > "$node/pids/kubelet.pid")
fi
node_ready() { api "/api/v1/nodes/$NODE_NAME" | grep -q '"type": "Ready",[^}]*"status": "True"' || api "/api/v1/nodes/$NODE_NAME" | tr -d ' \n' | grep -q '"type":"Ready","status":"True"'; }
wait_for kubelet 90 node_ready
log "node $NODE_NAME Ready in $((SECONDS - start)) s"
