#!/usr/bin/env bash
# Builds (once) and caches the binaries of a local Kubernetes control plane:
# kube-apiserver, kube-controller-manager, kube-scheduler from the Go module k8s.io/kubernetes
# (through the Go module proxy) and kwok (node simulator). etcd: Debian's etcd-server (3.4.23)
# for Kubernetes 1.28-1.30; from 1.31, which needs etcd >= 3.5.11, etcd $ETCD_VERSION built from
# the Go module go.etcd.io/etcd/server/v3 (see etcd_for_minor in lib.sh).
# Also kubectl of the same version (same module, same flags): a client of the server's minor
# version, for the benchmarks (bench/) to compare the verifier with `kubectl wait`.
#
# Usage: scripts/cluster/build.sh [K8S_VERSION]   (default: $K8S_VERSION or 1.28.15)
# Cache: ${JOB_PATTERNS_CACHE:-$HOME/.cache/cdk8s-job-patterns}/k8s/v<version>/bin,
#        .../kwok/<version>/bin, .../etcd/<version>/bin. Versions are cached side by side.
# A warm cache makes this a no-op that returns in milliseconds.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib.sh
. "$here/lib.sh"

version="${1:-${K8S_VERSION:-1.28.15}}"
version="${version#v}"
minor="$(echo "$version" | cut -d. -f2)"
kwok_version="$KWOK_VERSION"
cache="$CACHE_DIR"
out="$cache/k8s/v$version/bin"
kwok_out="$cache/kwok/$kwok_version/bin"
# Kubernetes 1.28-1.30 were released with Go 1.20-1.22; a newer Go needs -checklinkname=0.
# 1.37 declares go 1.26.0: the machine's own Go (1.26.8) builds it.
go_toolchain="${K8S_GO_TOOLCHAIN:-go1.21.13}"
[ "$minor" -ge 31 ] && go_toolchain="${K8S_GO_TOOLCHAIN:-go1.22.12}"
[ "$minor" -ge 33 ] && go_toolchain="${K8S_GO_TOOLCHAIN:-go1.24.6}"
[ "$minor" -ge 37 ] && go_toolchain="${K8S_GO_TOOLCHAIN:-local}"

log() { printf '[cluster:build %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

ensure_debian_etcd() {
  if command -v etcd >/dev/null 2>&1; then return; fi
  log "installing etcd-server from Debian"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq --no-install-recommends etcd-server >&2
  # The Debian package starts a system etcd on :2379; we run our own on other ports.
  (systemctl disable --now etcd 2>/dev/null || service etcd stop 2>/dev/null || pkill -x etcd || true) >/dev/null 2>&1
}

# Staging modules that k8s.io/kubernetes replaces with local paths; we pin each to v0.<minor>.<patch>.
staging_modules() {
  local mods="api apiextensions-apiserver apimachinery apiserver cli-runtime client-go cloud-provider
    cluster-bootstrap code-generator component-base component-helpers controller-manager cri-api
    csi-translation-lib dynamic-resource-allocation endpointslice kms kube-aggregator
    kube-controller-manager kube-proxy kube-scheduler kubectl kubelet metrics mount-utils
    pod-security-admission sample-apiserver"
  if [ "$minor" -le 30 ]; then mods="$mods legacy-cloud-providers"; fi
  if [ "$minor" -ge 31 ]; then mods="$mods cri-client"; fi
  if [ "$minor" -ge 32 ]; then mods="$mods externaljwt"; fi
  # Without it the build asks the proxy for k8s.io/streaming@v0.0.0 and fails.
  if [ "$minor" -ge 37 ]; then mods="$mods streaming"; fi
  echo $mods
}

build_kubernetes() {
  local bins=(kube-apiserver kube-controller-manager kube-scheduler kubectl)
  local missing=()
  for b in "${bins[@]}"; do [ -x "$out/$b" ] || missing+=("$b"); done
  if [ "${#missing[@]}" = 0 ]; then log "kubernetes v$version: cached in $out"; return; fi

  local work; work="$(mktemp -d)"
  trap 'rm -rf "$work"' RETURN
  local staging=0.$minor.${version##*.}
  local kgo; kgo="$(GOTOOLCHAIN=local go mod download -json "k8s.io/kubernetes@v$version" | sed -n 's/.*"GoMod": "\(.*\)".*/\1/p')"
  local gover; gover="$(sed -n 's/^go \([0-9.]*\).*/\1/p' "$kgo" | head -1)"
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
  log "kubernetes v$version: resolving modules (go $gover, toolchain $go_toolchain)"
  # The version is stamped where the servers (component-base) and kubectl (client-go) read it.
  local ldflags="-s -w"
  for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    ldflags="$ldflags -X $pkg.gitVersion=v$version -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor -X $pkg.gitTreeState=clean"
  done
  (cd "$work" && GOTOOLCHAIN="$go_toolchain" GOFLAGS=-mod=mod go mod download k8s.io/kubernetes >&2)
  # Only the missing binaries are built (a cache from before kubectl was added keeps its servers),
  # each to a temporary name in the cache dir first and then renamed, so a half-built file is never
  # seen under the real name.
  mkdir -p "$out"
  for b in "${missing[@]}"; do
    log "kubernetes v$version: building $b (a cold build takes minutes on 2 cores)"
    local start=$SECONDS
    (cd "$work" && CGO_ENABLED=0 GOTOOLCHAIN="$go_toolchain" GOFLAGS=-mod=mod \
      go build -trimpath -ldflags "$ldflags" -o "$out/.$b.tmp.$$" "k8s.io/kubernetes/cmd/$b" >&2)
    mv -f "$out/.$b.tmp.$$" "$out/$b"
    log "kubernetes v$version: built $b in $((SECONDS - start)) s"
  done
}

build_kwok() {
  if [ -x "$kwok_out/kwok" ]; then log "kwok $kwok_version: cached in $kwok_out"; return; fi
  log "kwok $kwok_version: building"
  mkdir -p "$kwok_out"
  local start=$SECONDS
  CGO_ENABLED=0 GOTOOLCHAIN=auto GOBIN="$kwok_out" go install -trimpath -ldflags "-s -w" "sigs.k8s.io/kwok/cmd/kwok@$kwok_version" >&2
  log "kwok $kwok_version: built in $((SECONDS - start)) s"
}

# etcd $ETCD_VERSION from the Go module proxy, through a wrapper module: `go install ...@version`
# refuses go.etcd.io/etcd/server/v3 because its go.mod has replace directives. About 35 s cold.
build_etcd() {
  local etcd_out; etcd_out="$(dirname "$(etcd_for_minor "$minor")")"
  if [ -x "$etcd_out/etcd" ]; then log "etcd $ETCD_VERSION: cached in $etcd_out"; return; fi
  local work; work="$(mktemp -d)"
  trap 'rm -rf "$work"' RETURN
  printf 'module local/etcd-build\n\ngo 1.24\n\nrequire go.etcd.io/etcd/server/v3 %s\n' "$ETCD_VERSION" > "$work/go.mod"
  log "etcd $ETCD_VERSION: building"
  mkdir -p "$etcd_out"
  local start=$SECONDS
  (cd "$work" && CGO_ENABLED=0 GOTOOLCHAIN=local GOFLAGS=-mod=mod \
    go build -trimpath -ldflags "-s -w" -o "$etcd_out/.etcd.tmp.$$" go.etcd.io/etcd/server/v3 >&2)
  mv -f "$etcd_out/.etcd.tmp.$$" "$etcd_out/etcd"
  log "etcd $ETCD_VERSION: built in $((SECONDS - start)) s"
}

if [ "$minor" -ge 31 ]; then build_etcd; else ensure_debian_etcd; fi
build_kubernetes
build_kwok
echo "$out"
