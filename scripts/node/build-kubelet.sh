#!/usr/bin/env bash
# Builds (once) and caches the kubelet of a Kubernetes version, from the same wrapper module as
# scripts/cluster/build.sh (k8s.io/kubernetes through the Go module proxy, staging modules pinned
# to v0.<minor>.<patch>, the same Go toolchain and version stamp), so the real node runs the
# kubelet of the control plane's version.
#
# Usage: scripts/node/build-kubelet.sh [K8S_VERSION]   (default: $K8S_VERSION or 1.28.15)
# Cache: ${JOB_PATTERNS_CACHE:-$HOME/.cache/cdk8s-job-patterns}/k8s/v<version>/bin/kubelet
# A warm cache makes this a no-op.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=../cluster/lib.sh
. "$here/../cluster/lib.sh"

version="${1:-${K8S_VERSION:-1.28.15}}"
version="${version#v}"
minor="$(echo "$version" | cut -d. -f2)"
out="$CACHE_DIR/k8s/v$version/bin"
# As scripts/cluster/build.sh: the Go each release was built with (a newer Go needs -checklinkname=0).
go_toolchain="${K8S_GO_TOOLCHAIN:-go1.21.13}"
[ "$minor" -ge 31 ] && go_toolchain="${K8S_GO_TOOLCHAIN:-go1.22.12}"
[ "$minor" -ge 33 ] && go_toolchain="${K8S_GO_TOOLCHAIN:-go1.24.6}"
[ "$minor" -ge 37 ] && go_toolchain="${K8S_GO_TOOLCHAIN:-local}"

log() { printf '[node:build %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

if [ -x "$out/kubelet" ]; then log "kubelet v$version: cached in $out"; exit 0; fi

staging_modules() {
  local mods="api apiextensions-apiserver apimachinery apiserver cli-runtime client-go cloud-provider
    cluster-bootstrap code-generator component-base component-helpers controller-manager cri-api
    csi-translation-lib dynamic-resource-allocation endpointslice kms kube-aggregator
    kube-controller-manager kube-proxy kube-scheduler kubectl kubelet metrics mount-utils
    pod-security-admission sample-apiserver"
  if [ "$minor" -le 30 ]; then mods="$mods legacy-cloud-providers"; fi
  if [ "$minor" -ge 31 ]; then mods="$mods cri-client"; fi
  if [ "$minor" -ge 32 ]; then mods="$mods externaljwt"; fi
  if [ "$minor" -ge 37 ]; then mods="$mods streaming cri-streaming"; fi
  echo $mods
}

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
staging=0.$minor.${version##*.}
kgo="$(GOTOOLCHAIN=local go mod download -json "k8s.io/kubernetes@v$version" | sed -n 's/.*"GoMod": "\(.*\)".*/\1/p')"
gover="$(sed -n 's/^go \([0-9.]*\).*/\1/p' "$kgo" | head -1)"
{
  echo "module local/k8s-build"
  echo
  echo "go $gover"
  echo
  echo "require k8s.io/kubernetes v$version"
  echo
  echo "replace ("
  for m in $(staging_modules); do echo "  k8s.io/$m => k8s.io/$m v$staging"; done
  echo ")"
} > "$work/go.mod"
ldflags="-s -w"
for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
  ldflags="$ldflags -X $pkg.gitVersion=v$version -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor -X $pkg.gitTreeState=clean"
done
(cd "$work" && GOTOOLCHAIN="$go_toolchain" GOFLAGS=-mod=mod go mod download k8s.io/kubernetes >&2)
mkdir -p "$out"
log "kubelet v$version: building (toolchain $go_toolchain; minutes on 2 cores)"
start=$SECONDS
# Static, like the release's kubelet (it needs no cgo on Linux).
(cd "$work" && CGO_ENABLED=0 GOTOOLCHAIN="$go_toolchain" GOFLAGS=-mod=mod \
  go build -trimpath -ldflags "$ldflags" -o "$out/.kubelet.tmp.$$" k8s.io/kubernetes/cmd/kubelet >&2)
mv -f "$out/.kubelet.tmp.$$" "$out/kubelet"
log "kubelet v$version: built in $((SECONDS - start)) s"
