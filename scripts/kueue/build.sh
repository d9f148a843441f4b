#!/usr/bin/env bash
# Builds (once) and caches a real Kueue: the manager binary from the Go module sigs.k8s.io/kueue
# through the Go module proxy (a wrapper module requiring it, as for etcd: `go install ...@version`
# refuses a module whose go.mod has replace directives), plus what scripts/kueue/up.sh installs from
# the same module zip: the CRDs and the webhook configurations.
#
# Usage: scripts/kueue/build.sh
# Cache: ${JOB_PATTERNS_CACHE:-$HOME/.cache/cdk8s-job-patterns}/kueue/<version>/{bin/kueue-manager,crds,webhook}
# Output: the cache dir, as the last line of stdout. Logs go to stderr.
# A warm cache makes this a no-op that returns in milliseconds.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib.sh
. "$here/lib.sh"

module=sigs.k8s.io/kueue

if [ -x "$KUEUE_CACHE/bin/kueue-manager" ] && [ -f "$KUEUE_CACHE/webhook/manifests.yaml" ] && ls "$KUEUE_CACHE"/crds/*.yaml >/dev/null 2>&1; then
  klog "kueue $KUEUE_VERSION: cached in $KUEUE_CACHE"
  echo "$KUEUE_CACHE"
  exit 0
fi

start=$SECONDS
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# Kueue v0.17's go.mod says `go 1.25.0`: the machine's Go (1.26) builds it.
printf 'module local/kueue-build\n\ngo 1.25.0\n\nrequire %s %s\n' "$module" "$KUEUE_VERSION" > "$work/go.mod"
klog "kueue $KUEUE_VERSION: downloading the module"
dir="$(cd "$work" && GOTOOLCHAIN=local GOFLAGS=-mod=mod go mod download -json "$module@$KUEUE_VERSION" | sed -n 's/.*"Dir": "\(.*\)".*/\1/p')"
[ -d "$dir" ] || { klog "go mod download gave no module dir for $module@$KUEUE_VERSION"; exit 1; }

mkdir -p "$KUEUE_CACHE/bin" "$KUEUE_CACHE/crds" "$KUEUE_CACHE/webhook"
klog "kueue $KUEUE_VERSION: building the manager (about 4 minutes cold on 2 cores)"
(cd "$work" && CGO_ENABLED=0 GOTOOLCHAIN=local GOFLAGS=-mod=mod \
  nice -n 10 go build -trimpath -ldflags "-s -w -X $module/pkg/version.GitVersion=$KUEUE_VERSION" \
  -o "$KUEUE_CACHE/bin/.kueue-manager.tmp.$$" "$module/cmd/kueue" >&2)
cp "$dir"/config/components/crd/bases/*.yaml "$KUEUE_CACHE/crds/"
cp "$dir"/config/components/webhook/manifests.yaml "$KUEUE_CACHE/webhook/"
chmod 644 "$KUEUE_CACHE"/crds/*.yaml "$KUEUE_CACHE"/webhook/*.yaml
# The binary last: its presence (with the files above) is what a warm cache checks.
mv -f "$KUEUE_CACHE/bin/.kueue-manager.tmp.$$" "$KUEUE_CACHE/bin/kueue-manager"
klog "kueue $KUEUE_VERSION: built in $((SECONDS - start)) s"
echo "$KUEUE_CACHE"
