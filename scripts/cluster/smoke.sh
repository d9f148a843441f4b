#!/usr/bin/env bash
# Smoke test of a cluster started by up.sh: PodSecurity "restricted" admission, Job success,
# Job failure (BackoffLimitExceeded), TTL deletion, and each simulated outcome of the kwok stages.
#
# Usage: scripts/cluster/smoke.sh [KUBECONFIG]   (default: $JOB_PATTERNS_CLUSTER_DIR/kubeconfig)
# Needs kubectl on PATH (any recent client). Leaves nothing behind (deletes its namespace).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib.sh
. "$here/lib.sh"

export KUBECONFIG="${1:-$CLUSTER_DIR/kubeconfig}"
ns="smoke-$(date +%s)"
k() { kubectl --request-timeout=20s -n "$ns" "$@"; }
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }
failures=0
check() { # check DESCRIPTION CONDITION...
  local what="$1"; shift
  if "$@"; then log "PASS $what"; else log "FAIL $what"; failures=$((failures + 1)); fi
}
cleanup() { kubectl delete namespace "$ns" --wait=false >/dev/null 2>&1 || true; }
trap cleanup EXIT

# job NAME RESTART_POLICY BACKOFF_LIMIT ANNOTATIONS_JSON [EXTRA_SPEC_JSON]: a Job whose pod
# template passes the "restricted" Pod Security Standard.
job() {
  local name="$1" restart="$2" backoff="$3" annotations="$4" extra="${5:-}"
  [ -n "$extra" ] || extra='{}'
  jq -n --arg name "$name" --arg restart "$restart" --argjson backoff "$backoff" \
    --argjson annotations "$annotations" --argjson extra "$extra" '{
    apiVersion: "batch/v1", kind: "Job",
    metadata: {name: $name},
    spec: ({backoffLimit: $backoff, template: {
      metadata: {annotations: $annotations},
      spec: {
        restartPolicy: $restart,
        securityContext: {runAsNonRoot: true, runAsUser: 65532, seccompProfile: {type: "RuntimeDefault"}},
        containers: [{
          name: "main", image: "busybox:1.36", command: ["true"],
          securityContext: {allowPrivilegeEscalation: false, capabilities: {drop: ["ALL"]}}
        }]
      }}} + $extra)
  }' | k apply -f - >/dev/null
}
# wait_job NAME CONDITION: waits (bounded) for the Job condition.
wait_job() {
  k wait --for="condition=$2" --timeout=90s "job/$1" >/dev/null
}

t0="$(now)"
log "namespace $ns (pod-security.kubernetes.io/enforce=restricted)"
kubectl create namespace "$ns" >/dev/null
kubectl label namespace "$ns" pod-security.kubernetes.io/enforce=restricted \
  pod-security.kubernetes.io/enforce-version=latest >/dev/null
# The namespace's default ServiceAccount must appear before pods can be created.
for _ in $(seq 50); do k get serviceaccount default >/dev/null 2>&1 && break; sleep 0.2; done

# PodSecurity admission is on: a pod without the restricted securityContext is rejected.
out="$(k run bad --image=busybox:1.36 --restart=Never 2>&1 || true)"
check "restricted namespace rejects a non-compliant pod" grep -q 'violates PodSecurity' <<<"$out"

# Start every scenario at once, then wait for each.
declare -A started
start() { started[$1]="$(now)"; }
start ok;          job ok Never 6 '{}'
start fail;        job fail Never 1 '{"job-patterns.test/exit-code": "3"}'
start ttl;         job ttl Never 6 '{}' '{"ttlSecondsAfterFinished": 5}'
start duration;    job duration Never 6 '{"job-patterns.test/duration": "5s"}'
start attempts;    job attempts OnFailure 6 '{"job-patterns.test/fail-attempts": "2"}'
start until;       job until Never 6 "{\"job-patterns.test/fail-until\": \"$(date -u -d '+5 sec' +%Y-%m-%dT%H:%M:%SZ)\"}"
start deploy
jq -n '{apiVersion: "apps/v1", kind: "Deployment", metadata: {name: "queue"},
  spec: {replicas: 1, selector: {matchLabels: {app: "queue"}}, template: {
    metadata: {labels: {app: "queue"}},
    spec: {securityContext: {runAsNonRoot: true, runAsUser: 65532, seccompProfile: {type: "RuntimeDefault"}},
      containers: [{name: "redis", image: "redis:7",
        securityContext: {allowPrivilegeEscalation: false, capabilities: {drop: ["ALL"]}}}]}}}}' \
  | k apply -f - >/dev/null

jobfield() { k get job "$1" -o jsonpath="$2"; }
# job_secs NAME CONDITION: seconds from the Job's creation to its terminal condition (API
# timestamps have 1 s resolution).
job_secs() {
  k get job "$1" -o json | jq -r --arg c "$2" '
    ((.status.conditions[] | select(.type == $c) | .lastTransitionTime | fromdate)
      - (.metadata.creationTimestamp | fromdate))'
}

wait_job ok complete
log "ok: Complete $(job_secs ok Complete) s after creation"
check "ok: succeeded=1" [ "$(jobfield ok '{.status.succeeded}')" = 1 ]

k wait --for=delete --timeout=90s job/ttl >/dev/null
log "ttl: Job deleted $(since "${started[ttl]}") s after creation (ttlSecondsAfterFinished: 5)"
for _ in $(seq 50); do [ -z "$(k get pods -l job-name=ttl -o name)" ] && break; sleep 0.2; done
check "ttl: its pods are gone too" [ -z "$(k get pods -l job-name=ttl -o name)" ]

wait_job duration complete
d="$(job_secs duration Complete)"
log "duration: Complete $d s after creation"
check "duration: ran for at least 5 s" [ "$d" -ge 5 ]

wait_job attempts complete
log "attempts: Complete $(job_secs attempts Complete) s after creation"
check "attempts: one pod, restartCount=2" \
  [ "$(k get pods -l job-name=attempts -o jsonpath='{.items[*].status.containerStatuses[0].restartCount}')" = 2 ]

check "deployment pod still Running" \
  [ "$(k get pods -l app=queue -o jsonpath='{.items[*].status.phase}')" = Running ]

wait_job until complete
log "until: Complete $(job_secs until Complete) s after creation"
check "until: failed=1 succeeded=1" [ "$(jobfield until '{.status.failed} {.status.succeeded}')" = "1 1" ]

wait_job fail failed
log "fail: Failed $(job_secs fail Failed) s after creation"
check "fail: reason BackoffLimitExceeded" \
  [ "$(jobfield fail '{.status.conditions[?(@.type=="Failed")].reason}')" = BackoffLimitExceeded ]
check "fail: failed=2" [ "$(jobfield fail '{.status.failed}')" = 2 ]
codes="$(k get pods -l job-name=fail -o jsonpath='{range .items[*]}{.status.containerStatuses[0].state.terminated.exitCode}{" "}{end}')"
check "fail: pods exited with code 3 ($codes)" [ "$codes" = "3 3 " ]

log "smoke test finished in $(since "$t0") s with $failures failure(s)"
[ "$failures" = 0 ]
