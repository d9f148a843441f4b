#!/usr/bin/env bash
# Starts a real Argo CD beside the local control plane: the application controller and the repo
# server (one multi-call binary built by build.sh), Redis (Debian redis-server) and a git daemon
# serving the repositories under $JOB_PATTERNS_ARGOCD_DIR/git, all on 127.0.0.1. Starts the control
# plane first with scripts/cluster/up.sh (a no-op when it already runs), then installs Argo CD's
# CRDs, the namespace `argocd`, the ConfigMap `argocd-cm` and the AppProject `default`.
#
# The controller runs outside the cluster with ARGOCD_FAKE_IN_CLUSTER=true: the destination
# https://kubernetes.default.svc is the kubeconfig's cluster (no cluster Secret needed).
#
# Usage: scripts/argocd/up.sh [K8S_VERSION]   (Argo CD version: $ARGOCD_VERSION, default 3.6.1)
# State: $JOB_PATTERNS_ARGOCD_DIR (default $JOB_PATTERNS_CLUSTER_DIR-argocd): env, logs/, pids/,
#        git/ (bare repositories, served as git://127.0.0.1:$GIT_PORT/<name>), redis/, tmp/.
# Output: the control plane's admin kubeconfig path, as the last line of stdout. Logs go to stderr.
# Idempotent: starts only the components that do not run (so killing the controller and running
# up.sh again restarts it).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib.sh
. "$here/lib.sh"
start_time=$SECONDS

kubeconfig="$("$here/../cluster/up.sh" "$@" | tail -1)"
load_env   # the running cluster's version and ports
bin_dir="$("$here/build.sh" "$ARGOCD_VERSION" | tail -1)"
kubectl_bin="$CACHE_DIR/k8s/v$CLUSTER_VERSION/bin/kubectl"
[ -x "$kubectl_bin" ] || { alog "missing $kubectl_bin (scripts/cluster/build.sh builds it)"; exit 1; }
k() { "$kubectl_bin" --kubeconfig="$kubeconfig" --request-timeout=30s "$@"; }

mkdir -p "$ARGOCD_DIR"/{logs,pids,git,redis,tmp,bin}
exec 8>"$ARGOCD_DIR.lock"
flock -w 600 8 || { alog "timed out waiting for the lock $ARGOCD_DIR.lock"; exit 1; }
cat > "$ARGOCD_DIR/env" <<ENV
ARGOCD_VERSION=$ARGOCD_VERSION
ARGOCD_NAMESPACE=$ARGOCD_NAMESPACE
KUBECONFIG=$kubeconfig
REDIS_PORT=$REDIS_PORT
REPO_SERVER_PORT=$REPO_SERVER_PORT
REPO_SERVER_METRICS_PORT=$REPO_SERVER_METRICS_PORT
CONTROLLER_METRICS_PORT=$CONTROLLER_METRICS_PORT
GIT_PORT=$GIT_PORT
GIT_URL=git://127.0.0.1:$GIT_PORT
ENV
# The multi-call binary picks its component from the name it is run as.
for c in argocd-repo-server argocd-application-controller; do ln -sfn "$bin_dir/bin/argocd" "$ARGOCD_DIR/bin/$c"; done

# ---------------------------------------------------------------------------------------------
# CRDs, namespace, settings, project (server-side apply: the ApplicationSet CRD is 1.5 MB, too
# big for the last-applied annotation of a client-side apply).
# ---------------------------------------------------------------------------------------------
k apply --server-side --force-conflicts --field-manager=job-patterns -f "$bin_dir/crds/" >/dev/null
established() {
  [ "$(k get crd "$1" -o jsonpath='{.status.conditions[?(@.type=="Established")].status}')" = True ]
}
for crd in applications.argoproj.io appprojects.argoproj.io; do
  deadline=$((SECONDS + TIMEOUT))
  until established "$crd" 2>/dev/null; do
    [ "$SECONDS" -lt "$deadline" ] || { alog "ERROR: CRD $crd not Established within ${TIMEOUT}s"; exit 1; }
    sleep 0.2
  done
done
k apply --server-side --force-conflicts --field-manager=job-patterns -f - >/dev/null <<YAML
apiVersion: v1
kind: Namespace
metadata:
  name: $ARGOCD_NAMESPACE
---
# Without it the controller exits "configmap argocd-cm not found"; empty data = Argo CD's defaults.
apiVersion: v1
kind: ConfigMap
metadata:
  name: argocd-cm
  namespace: $ARGOCD_NAMESPACE
  labels:
    app.kubernetes.io/name: argocd-cm
    app.kubernetes.io/part-of: argocd
---
# argocd-server normally creates it; the Applications use it.
apiVersion: argoproj.io/v1alpha1
kind: AppProject
metadata:
  name: default
  namespace: $ARGOCD_NAMESPACE
spec:
  sourceRepos: ['*']
  destinations: [{ server: '*', namespace: '*' }]
  clusterResourceWhitelist: [{ group: '*', kind: '*' }]
YAML

# ---------------------------------------------------------------------------------------------
# Processes
# ---------------------------------------------------------------------------------------------
astart() {
  local name="$1"; shift
  alog "starting $name"
  setsid "$@" </dev/null >"$ARGOCD_DIR/logs/$name.log" 2>&1 8>&- 9>&- &
  local pid=$!
  echo "$pid" > "$ARGOCD_DIR/pids/$name.pid"
  # Until the forked shell has exec'd the component, its command line is this script's, which
  # argocd_alive does not take for ours: wait for the exec (or the end of the process), so that
  # await never reports a component that is still starting as exited (seen once in CI).
  local i
  for i in $(seq 50); do
    [ -d "/proc/$pid" ] || break
    tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null | grep -qF "$ARGOCD_DIR/" && break
    sleep 0.1
  done
}

await() { # await NAME DESCRIPTION CHECK...
  local name="$1" what="$2"; shift 2
  local deadline=$((SECONDS + TIMEOUT))
  until "$@" >/dev/null 2>&1; do
    if ! argocd_alive "$name"; then
      alog "ERROR: $name exited before $what; last 30 lines of $ARGOCD_DIR/logs/$name.log:"
      tail -n 30 "$ARGOCD_DIR/logs/$name.log" >&2 || true; exit 1
    fi
    if [ "$SECONDS" -ge "$deadline" ]; then
      alog "ERROR: $name did not reach '$what' within ${TIMEOUT}s; last 30 lines of $ARGOCD_DIR/logs/$name.log:"
      tail -n 30 "$ARGOCD_DIR/logs/$name.log" >&2 || true; exit 1
    fi
    sleep 0.2
  done
  alog "$name: $what ($((SECONDS - start_time)) s since start)"
}

port_free() {
  if ss -Hltn "sport = :$1" | grep -q .; then
    alog "port 127.0.0.1:$1 is already in use:"; ss -Hltnp "sport = :$1" >&2 || true
    alog "stop whatever uses it, or choose other ports (JOB_PATTERNS_*_PORT, see scripts/argocd/lib.sh)"
    exit 1
  fi
}
listening() { ss -Hltn "sport = :$1" | grep -q .; }
healthz() { [ "$(curl -s --max-time 2 "http://127.0.0.1:$1/healthz")" = "ok" ]; }

if ! argocd_alive redis; then
  port_free "$REDIS_PORT"
  astart redis redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --save '' --appendonly no \
    --dir "$ARGOCD_DIR/redis" --protected-mode yes --set-proc-title no
  await redis "PONG" sh -c "redis-cli -h 127.0.0.1 -p $REDIS_PORT ping | grep -q PONG"
fi

if ! argocd_alive git-daemon; then
  port_free "$GIT_PORT"
  astart git-daemon git daemon --reuseaddr --listen=127.0.0.1 --port="$GIT_PORT" --export-all \
    --informative-errors --base-path="$ARGOCD_DIR/git"
  await git-daemon "listening on $GIT_PORT" listening "$GIT_PORT"
fi

if ! argocd_alive argocd-repo-server; then
  port_free "$REPO_SERVER_PORT"; port_free "$REPO_SERVER_METRICS_PORT"
  # It runs hack/git-verify-wrapper.sh even with GPG off; its checkouts go to $TMPDIR and its
  # ask-pass socket to a fixed /tmp path unless ARGOCD_ASK_PASS_SOCK says otherwise.
  # A failed manifest generation is cached in Redis: flush it when the repo server restarts.
  redis-cli -h 127.0.0.1 -p "$REDIS_PORT" flushall >/dev/null
  astart argocd-repo-server env PATH="$bin_dir/hack:$PATH" TMPDIR="$ARGOCD_DIR/tmp" \
    ARGOCD_ASK_PASS_SOCK="$ARGOCD_DIR/tmp/reposerver-ask-pass.sock" ARGOCD_GPG_ENABLED=false \
    "$ARGOCD_DIR/bin/argocd-repo-server" \
    --address=127.0.0.1 --port="$REPO_SERVER_PORT" \
    --metrics-address=127.0.0.1 --metrics-port="$REPO_SERVER_METRICS_PORT" \
    --redis="127.0.0.1:$REDIS_PORT" --disable-tls --client-ca-path= --logformat=text
  await argocd-repo-server "/healthz ok" healthz "$REPO_SERVER_METRICS_PORT"
fi

if ! argocd_alive argocd-application-controller; then
  port_free "$CONTROLLER_METRICS_PORT"
  astart argocd-application-controller env KUBECONFIG="$kubeconfig" ARGOCD_FAKE_IN_CLUSTER=true \
    "$ARGOCD_DIR/bin/argocd-application-controller" \
    --namespace="$ARGOCD_NAMESPACE" \
    --repo-server="127.0.0.1:$REPO_SERVER_PORT" --repo-server-plaintext \
    --redis="127.0.0.1:$REDIS_PORT" --metrics-port="$CONTROLLER_METRICS_PORT" --logformat=text \
    ${JOB_PATTERNS_ARGOCD_CONTROLLER_ARGS:-}
  await argocd-application-controller "/healthz ok" healthz "$CONTROLLER_METRICS_PORT"
fi

alog "argo cd v$ARGOCD_VERSION up in $((SECONDS - start_time)) s (repositories: git://127.0.0.1:$GIT_PORT/<name> = $ARGOCD_DIR/git/<name>)"
echo "$kubeconfig"
