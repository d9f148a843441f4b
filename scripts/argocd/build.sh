#!/usr/bin/env bash
# Builds (once) and caches a real Argo CD: the multi-call `argocd` binary (application controller,
# repo server, ... chosen by the name it is run as) from the Go module github.com/argoproj/argo-cd/v3
# through the Go module proxy, plus what the local instance needs from the same module zip: the
# CRDs and the git/gpg wrapper scripts the repo server runs. Also installs redis-server and git
# from Debian when missing.
#
# Argo CD's go.mod replaces its gitops-engine module with a local directory that is not in the
# module zip, so `go install` refuses it. A wrapper module is derived AT BUILD TIME from Argo CD's
# own go.mod (same go line, requires and replace lines, minus that one local replace) plus a
# require of Argo CD itself; gitops-engine then comes from the proxy at the same version.
#
# Usage: scripts/argocd/build.sh [ARGOCD_VERSION]   (default: $ARGOCD_VERSION or 3.6.1)
# Cache: ${JOB_PATTERNS_CACHE:-$HOME/.cache/cdk8s-job-patterns}/argocd/v<version>/{bin,crds,hack}
# Output: the cache dir of the version, as the last line of stdout. Logs go to stderr.
# A warm cache makes this a no-op that returns in milliseconds.
set -euo pipefail

version="${1:-${ARGOCD_VERSION:-3.6.1}}"
version="${version#v}"
cache="${JOB_PATTERNS_CACHE:-$HOME/.cache/cdk8s-job-patterns}"
out="$cache/argocd/v$version"
# Argo CD 3.6's go.mod says `go 1.27.0`: the go command fetches this toolchain from the proxy.
export GOTOOLCHAIN="${ARGOCD_GO_TOOLCHAIN:-go1.27.3}"
module=github.com/argoproj/argo-cd/v3

log() { printf '[argocd:build %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

ensure_debian_packages() {
  local missing=()
  command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
  command -v git >/dev/null 2>&1 || missing+=(git)
  [ "${#missing[@]}" = 0 ] && return
  log "installing ${missing[*]} from Debian"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
  # The Debian package starts a system Redis on :6379; we run our own on other ports.
  if [[ " ${missing[*]} " == *" redis-server "* ]]; then
    (systemctl disable --now redis-server 2>/dev/null || service redis-server stop 2>/dev/null || true) >/dev/null 2>&1
  fi
}

build_argocd() {
  if [ -x "$out/bin/argocd" ] && [ -f "$out/crds/application-crd.yaml" ] && [ -x "$out/hack/git-verify-wrapper.sh" ]; then
    log "argo cd v$version: cached in $out"; return
  fi
  local start=$SECONDS
  local work; work="$(mktemp -d)"
  trap 'rm -rf "$work"' RETURN
  log "argo cd v$version: downloading the module (toolchain $GOTOOLCHAIN)"
  local json; json="$(cd "$work" && go mod download -json "$module@v$version")"
  local dir gomod
  dir="$(printf '%s\n' "$json" | sed -n 's/.*"Dir": "\(.*\)".*/\1/p')"
  gomod="$(printf '%s\n' "$json" | sed -n 's/.*"GoMod": "\(.*\)".*/\1/p')"
  [ -d "$dir" ] && [ -f "$gomod" ] || { log "go mod download gave no module dir: $json"; exit 1; }

  # The wrapper: Argo CD's go.mod under another module path, without the replace of gitops-engine
  # by ./gitops-engine (absent from the zip), requiring Argo CD itself.
  grep -q "^replace github.com/argoproj/argo-cd/gitops-engine/v3 => ./gitops-engine" "$gomod" || {
    log "Argo CD v$version's go.mod no longer replaces gitops-engine with ./gitops-engine; check the wrapper"; exit 1; }
  sed -e "s|^module $module\$|module local/argocd-build|" \
    -e '\|^replace github.com/argoproj/argo-cd/gitops-engine/v3 => ./gitops-engine|d' "$gomod" > "$work/go.mod"
  printf '\nrequire %s v%s\n' "$module" "$version" >> "$work/go.mod"

  mkdir -p "$out/bin" "$out/crds" "$out/hack"
  local ldflags="-s -w -X $module/common.version=$version -X $module/common.gitTreeState=clean"
  log "argo cd v$version: building (a cold build takes about 6 minutes on 2 cores, peak RSS ~2.5 GB)"
  (cd "$work" && CGO_ENABLED=0 GOFLAGS=-mod=mod \
    nice -n 10 go build -trimpath -ldflags "$ldflags" -o "$out/bin/.argocd.tmp.$$" "$module/cmd" >&2)
  mv -f "$out/bin/.argocd.tmp.$$" "$out/bin/argocd"

  cp "$dir"/manifests/crds/{application,appproject,applicationset}-crd.yaml "$out/crds/"
  cp "$dir"/hack/{git-verify-wrapper.sh,gpg-wrapper.sh} "$out/hack/"
  chmod 644 "$out"/crds/*.yaml
  chmod 755 "$out"/hack/*.sh
  log "argo cd v$version: built in $((SECONDS - start)) s"
}

ensure_debian_packages
build_argocd
echo "$out"
