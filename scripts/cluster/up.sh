#!/usr/bin/env bash
# Starts a real local Kubernetes control plane (etcd, kube-apiserver, kube-controller-manager,
# kube-scheduler) plus kwok faking kubelets on annotated fake nodes. No Docker needed.
#
# Usage: scripts/cluster/up.sh [K8S_VERSION]        (default: $K8S_VERSION or 1.28.15)
# State: $JOB_PATTERNS_CLUSTER_DIR (default /tmp/job-patterns-cluster): pki/, logs/, pids/, etcd/
# Output: the path of the admin kubeconfig, as the last line of stdout. Logs go to stderr.
# Idempotent: if a healthy cluster already runs from the same dir, only prints the path.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib.sh
. "$here/lib.sh"

version="${1:-${K8S_VERSION:-1.28.15}}"
version="${version#v}"
# Feature gates are left at the version's defaults unless JOB_PATTERNS_FEATURE_GATES is set
# (e.g. "JobBackoffLimitPerIndex=true"); passed to apiserver, controller-manager and scheduler.
FEATURE_GATES="${JOB_PATTERNS_FEATURE_GATES:-}"
start_time=$SECONDS
lock_cluster

# ---------------------------------------------------------------------------------------------
# Already running?
# ---------------------------------------------------------------------------------------------
cluster_healthy() {
  local c
  for c in "${COMPONENTS[@]}"; do pid_alive "$c" || return 1; done
  [ "$(api /readyz 2>/dev/null)" = "ok" ]
}

if [ -f "$CLUSTER_DIR/env" ]; then
  load_env
  if cluster_healthy; then
    if [ "${CLUSTER_VERSION:-}" != "$version" ] || [ "${CLUSTER_FEATURE_GATES:-}" != "$FEATURE_GATES" ]; then
      log "a v${CLUSTER_VERSION:-?} cluster (feature gates '${CLUSTER_FEATURE_GATES:-}') already runs from $CLUSTER_DIR; run scripts/cluster/down.sh first"
      exit 1
    fi
    log "cluster v$version already running from $CLUSTER_DIR"
    echo "$CLUSTER_DIR/kubeconfig"
    exit 0
  fi
  log "found a stale or partial cluster in $CLUSTER_DIR; stopping it and starting afresh"
  JOB_PATTERNS_CLUSTER_DIR="$CLUSTER_DIR" "$here/down.sh" >&2
  . "$here/lib.sh"   # back to the requested ports (load_env set the old cluster's)
fi

# ---------------------------------------------------------------------------------------------
# Binaries (build.sh is a no-op when cached) and free ports.
# ---------------------------------------------------------------------------------------------
bin="$("$here/build.sh" "$version" | tail -1)"
kwok_bin="$CACHE_DIR/kwok/$KWOK_VERSION/bin/kwok"
etcd_bin="$(etcd_for_minor "$(echo "$version" | cut -d. -f2)")"
for b in "$bin/kube-apiserver" "$bin/kube-controller-manager" "$bin/kube-scheduler" "$kwok_bin" "$etcd_bin"; do
  [ -x "$b" ] || { log "missing binary $b (see scripts/cluster/build.sh)"; exit 1; }
done

for p in "$ETCD_PORT" "$ETCD_PEER_PORT" "$APISERVER_PORT" "$KCM_PORT" "$SCHEDULER_PORT" "$KWOK_PORT"; do
  if ss -Hltn "sport = :$p" | grep -q .; then
    log "port 127.0.0.1:$p is already in use:"; ss -Hltnp "sport = :$p" >&2 || true
    log "stop whatever uses it, or choose other ports (JOB_PATTERNS_*_PORT, see scripts/cluster/lib.sh)"
    exit 1
  fi
done

rm -rf "$CLUSTER_DIR"
mkdir -p "$CLUSTER_DIR"/{pki,logs,pids,etcd,config}
chmod 700 "$CLUSTER_DIR/etcd"
pki="$CLUSTER_DIR/pki"
cat > "$CLUSTER_DIR/env" <<EOF
CLUSTER_VERSION=$version
CLUSTER_FEATURE_GATES='$FEATURE_GATES'
ETCD_PORT=$ETCD_PORT
ETCD_PEER_PORT=$ETCD_PEER_PORT
APISERVER_PORT=$APISERVER_PORT
KCM_PORT=$KCM_PORT
SCHEDULER_PORT=$SCHEDULER_PORT
KWOK_PORT=$KWOK_PORT
EOF

# On any failure: stop what was started, keep the dir (logs) for inspection.
on_exit() {
  local rc=$?
  if [ "$rc" != 0 ]; then
    log "up.sh failed; stopping the components it started (logs kept in $CLUSTER_DIR/logs)"
    KEEP=1 JOB_PATTERNS_CLUSTER_DIR="$CLUSTER_DIR" "$here/down.sh" >&2 || true
  fi
}
trap on_exit EXIT

# ---------------------------------------------------------------------------------------------
# PKI: a CA, the apiserver serving cert, client certs, the service-account key pair.
# ECDSA P-256 keys: as good as RSA here, and generated in milliseconds instead of ~1 s.
# ---------------------------------------------------------------------------------------------
log "generating certificates in $pki"
openssl_quiet() { openssl "$@" 2>/dev/null; }
ec=(-newkey ec -pkeyopt ec_paramgen_curve:prime256v1)
openssl_quiet req -x509 "${ec[@]}" -nodes -days 3650 -subj "/CN=job-patterns-ca" \
  -keyout "$pki/ca.key" -out "$pki/ca.crt" \
  -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign,digitalSignature"

# issue NAME SUBJECT EXTENSIONS: key + cert signed by the CA.
issue() {
  local name="$1" subj="$2" ext="$3"
  openssl_quiet req -new "${ec[@]}" -nodes -subj "$subj" -keyout "$pki/$name.key" -out "$pki/$name.csr"
  printf '%s\n' "$ext" > "$pki/$name.ext"
  openssl_quiet x509 -req -in "$pki/$name.csr" -CA "$pki/ca.crt" -CAkey "$pki/ca.key" -CAcreateserial \
    -days 3650 -sha256 -extfile "$pki/$name.ext" -out "$pki/$name.crt"
  rm -f "$pki/$name.csr" "$pki/$name.ext"
}
client_ext=$'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth'
issue apiserver "/CN=kube-apiserver" $'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\nsubjectAltName=IP:127.0.0.1,IP:10.0.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local'
issue admin "/O=system:masters/CN=kubernetes-admin" "$client_ext"
issue controller-manager "/CN=system:kube-controller-manager" "$client_ext"
issue scheduler "/CN=system:kube-scheduler" "$client_ext"
openssl_quiet genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$pki/sa.key"
openssl_quiet pkey -in "$pki/sa.key" -pubout -out "$pki/sa.pub"
chmod 600 "$pki"/*.key

# kubeconfig FILE CERTNAME: a kubeconfig with embedded certificates.
kubeconfig() {
  local file="$1" name="$2"
  cat > "$file" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: job-patterns
  cluster:
    server: https://127.0.0.1:$APISERVER_PORT
    certificate-authority-data: $(base64 -w0 < "$pki/ca.crt")
users:
- name: $name
  user:
    client-certificate-data: $(base64 -w0 < "$pki/$name.crt")
    client-key-data: $(base64 -w0 < "$pki/$name.key")
contexts:
- name: job-patterns
  context:
    cluster: job-patterns
    user: $name
current-context: job-patterns
EOF
  chmod 600 "$file"
}
kubeconfig "$CLUSTER_DIR/kubeconfig" admin
kubeconfig "$CLUSTER_DIR/config/controller-manager.kubeconfig" controller-manager
kubeconfig "$CLUSTER_DIR/config/scheduler.kubeconfig" scheduler

# ---------------------------------------------------------------------------------------------
# Process helpers.
# ---------------------------------------------------------------------------------------------
# start NAME CMD...: run in its own session (so the caller's Ctrl-C/process group does not hit
# it), stdin/stdout/stderr detached from the caller, PID recorded in pids/NAME.pid.
start() {
  local name="$1"; shift
  log "starting $name"
  setsid "$@" </dev/null >"$CLUSTER_DIR/logs/$name.log" 2>&1 9>&- &
  local pid=$!
  echo "$pid" > "$CLUSTER_DIR/pids/$name.pid"
  # setsid execs the component in the same process. Until it has, /proc/PID/exe is setsid and
  # pid_alive would call a component that is still starting dead (seen on a loaded machine).
  local _
  for _ in $(seq 50); do
    [ "$(basename "$(readlink "/proc/$pid/exe" 2>/dev/null)")" = setsid ] || break
    sleep 0.1
  done
}

fail() {
  local name="$1" why="$2"
  log "ERROR: $name $why"
  log "last 30 lines of $CLUSTER_DIR/logs/$name.log:"
  tail -n 30 "$CLUSTER_DIR/logs/$name.log" >&2 || true
  exit 1
}

# wait_for NAME DESCRIPTION CHECK...: poll CHECK until it succeeds; fail if NAME dies or the
# bound passes.
wait_for() {
  local name="$1" what="$2"; shift 2
  local deadline=$((SECONDS + TIMEOUT))
  until "$@" >/dev/null 2>&1; do
    pid_alive "$name" || fail "$name" "exited before $what"
    [ "$SECONDS" -lt "$deadline" ] || fail "$name" "did not reach '$what' within ${TIMEOUT}s"
    sleep 0.2
  done
  log "$name: $what ($((SECONDS - start_time)) s since start)"
}

# ---------------------------------------------------------------------------------------------
# etcd
# ---------------------------------------------------------------------------------------------
start etcd "$etcd_bin" \
  --name=job-patterns \
  --data-dir="$CLUSTER_DIR/etcd" \
  --listen-client-urls="http://127.0.0.1:$ETCD_PORT" \
  --advertise-client-urls="http://127.0.0.1:$ETCD_PORT" \
  --listen-peer-urls="http://127.0.0.1:$ETCD_PEER_PORT" \
  --initial-advertise-peer-urls="http://127.0.0.1:$ETCD_PEER_PORT" \
  --initial-cluster="job-patterns=http://127.0.0.1:$ETCD_PEER_PORT" \
  --logger=zap --log-outputs=stderr
etcd_healthy() { curl -sf --max-time 2 "http://127.0.0.1:$ETCD_PORT/health" | grep -q '"health":"true"'; }
wait_for etcd "healthy" etcd_healthy

# ---------------------------------------------------------------------------------------------
# kube-apiserver: real TLS, client certs, RBAC + Node authorizer, default admission plugins
# (PodSecurity included), default feature gates.
# ---------------------------------------------------------------------------------------------
start kube-apiserver "$bin/kube-apiserver" \
  --etcd-servers="http://127.0.0.1:$ETCD_PORT" \
  --bind-address=127.0.0.1 \
  --advertise-address=127.0.0.1 \
  --secure-port="$APISERVER_PORT" \
  --tls-cert-file="$pki/apiserver.crt" \
  --tls-private-key-file="$pki/apiserver.key" \
  --client-ca-file="$pki/ca.crt" \
  --service-account-issuer=https://kubernetes.default.svc.cluster.local \
  --service-account-key-file="$pki/sa.pub" \
  --service-account-signing-key-file="$pki/sa.key" \
  --service-cluster-ip-range=10.0.0.0/24 \
  --authorization-mode=Node,RBAC \
  --allow-privileged=true \
  --endpoint-reconciler-type=none \
  ${FEATURE_GATES:+--feature-gates="$FEATURE_GATES"}
apiserver_ready() { [ "$(api /readyz)" = "ok" ]; }
wait_for kube-apiserver "/readyz ok" apiserver_ready

# ---------------------------------------------------------------------------------------------
# kube-controller-manager, kube-scheduler, kwok
# ---------------------------------------------------------------------------------------------
kcm_kubeconfig="$CLUSTER_DIR/config/controller-manager.kubeconfig"
start kube-controller-manager "$bin/kube-controller-manager" \
  --kubeconfig="$kcm_kubeconfig" \
  --authentication-kubeconfig="$kcm_kubeconfig" \
  --authorization-kubeconfig="$kcm_kubeconfig" \
  --bind-address=127.0.0.1 \
  --secure-port="$KCM_PORT" \
  --leader-elect=false \
  --service-account-private-key-file="$pki/sa.key" \
  --root-ca-file="$pki/ca.crt" \
  --use-service-account-credentials=true \
  --cluster-signing-cert-file="$pki/ca.crt" \
  --cluster-signing-key-file="$pki/ca.key" \
  ${FEATURE_GATES:+--feature-gates="$FEATURE_GATES"}

sched_kubeconfig="$CLUSTER_DIR/config/scheduler.kubeconfig"
start kube-scheduler "$bin/kube-scheduler" \
  --kubeconfig="$sched_kubeconfig" \
  --authentication-kubeconfig="$sched_kubeconfig" \
  --authorization-kubeconfig="$sched_kubeconfig" \
  --bind-address=127.0.0.1 \
  --secure-port="$SCHEDULER_PORT" \
  --leader-elect=false \
  ${FEATURE_GATES:+--feature-gates="$FEATURE_GATES"}

# kwok: pod stages from scripts/cluster/stages (simulated outcomes); node stages are kwok's
# built-in defaults. --node-lease-duration-seconds makes kwok renew a node Lease: without it kwok
# only patches node status every 45 s, past the controller-manager's 40 s grace period, so nodes
# flap NotReady and their pods (e.g. a work queue's Deployment) lose readiness for good.
kwok_config=()
for f in "$here"/stages/*.yaml; do kwok_config+=("--config=$f"); done
start kwok "$kwok_bin" \
  --kubeconfig="$CLUSTER_DIR/kubeconfig" \
  --manage-all-nodes=false \
  --manage-nodes-with-annotation-selector=kwok.x-k8s.io/node=fake \
  --server-address="127.0.0.1:$KWOK_PORT" \
  --cidr=10.244.0.1/16 \
  --node-ip=10.240.0.1 \
  --node-lease-duration-seconds=40 \
  "${kwok_config[@]}"

healthz() { [ "$(curl -sk --max-time 2 "https://127.0.0.1:$1/healthz")" = "ok" ]; }
wait_for kube-controller-manager "/healthz ok" healthz "$KCM_PORT"
wait_for kube-scheduler "/healthz ok" healthz "$SCHEDULER_PORT"

# ---------------------------------------------------------------------------------------------
# Fake nodes: managed by kwok (annotation), generous allocatable, no taints of ours.
# ---------------------------------------------------------------------------------------------
for i in $(seq 0 $((${JOB_PATTERNS_FAKE_NODES:-2} - 1))); do
  node="kwok-node-$i"
  code="$(api /api/v1/nodes -o /dev/null -w '%{http_code}' -X POST -H 'Content-Type: application/json' -d @- <<EOF
{
  "apiVersion": "v1",
  "kind": "Node",
  "metadata": {
    "name": "$node",
    "annotations": {"kwok.x-k8s.io/node": "fake", "node.alpha.kubernetes.io/ttl": "0"},
    "labels": {"kubernetes.io/hostname": "$node", "kubernetes.io/os": "linux", "kubernetes.io/arch": "amd64", "type": "kwok"}
  },
  "status": {
    "capacity": {"cpu": "32", "memory": "256Gi", "pods": "110", "ephemeral-storage": "1Ti"},
    "allocatable": {"cpu": "32", "memory": "256Gi", "pods": "110", "ephemeral-storage": "1Ti"}
  }
}
EOF
)"
  case "$code" in
    201|409) ;;
    *) fail kube-apiserver "refused to create Node $node (HTTP $code)" ;;
  esac
  # Ready (kwok's node stage) and untainted (node-lifecycle controller removes not-ready taint).
  node_ready() {
    api "/api/v1/nodes/$1" | jq -e '
      ([.status.conditions[]? | select(.type == "Ready") | .status] == ["True"])
      and ((.spec.taints // []) | length == 0)' >/dev/null
  }
  wait_for kwok "node $node Ready and untainted" node_ready "$node"
done

# The serviceaccount controller must have created the default ServiceAccount.
default_sa() { api /api/v1/namespaces/default/serviceaccounts/default -f -o /dev/null; }
wait_for kube-controller-manager "ServiceAccount default/default exists" default_sa

log "cluster v$version up in $((SECONDS - start_time)) s; kubeconfig: $CLUSTER_DIR/kubeconfig"
echo "$CLUSTER_DIR/kubeconfig"
