#!/usr/bin/env bash
# Builds (once) the images the real node runs, as OCI image layouts, from Debian packages (no
# registry is reachable here), and imports them into the node's containerd under the names the
# examples use. Every image has the busybox layer (sh, nc, seq, rev, ... in /bin) at the bottom;
# those that need more get a second layer with Debian's packages and their dependencies:
#
#   docker.io/library/busybox:1.36.1          busybox-static (Debian's BusyBox 1.35)
#   docker.io/library/alpine:3.20.3           the same busybox layer: the examples use alpine's sh and nc
#   docker.io/library/perl:5.34.0             + perl (Debian's 5.36) and libmath-bigint-perl
#   docker.io/library/python:3.12.7-alpine    + python3 (Debian's 3.11)
#   docker.io/library/python:3.12.7           the same (the docs' success-policy example)
#   docker.io/library/redis:7.2.5             + redis-server and redis-tools (Debian's 7.0)
#   localhost/job-patterns/pause:1            the pod sandbox (containerd's sandbox_image): busybox sleeping
#
# Named by what the examples ask for, not by what they hold (docs/maintainers/real-node.md says which versions
# run). Layers are cached under $CACHE_DIR/images/<package>-<version>/ (layer.tar, packages.txt)
# and the image tarballs beside the busybox layer; a warm cache builds nothing.
#
# Usage: scripts/node/images.sh build            (writes the tarballs; prints their paths)
#        scripts/node/images.sh import SOCKET     (builds if needed, imports into containerd at SOCKET)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=../cluster/lib.sh
. "$here/../cluster/lib.sh"

log() { printf '[node:images %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

busybox_version="$(dpkg-query -W -f='${Version}' busybox-static)"
# (-2: the layer's second layout, with /etc/nsswitch.conf.)
base="$CACHE_DIR/images/busybox-static-${busybox_version//:/_}-2"
PAUSE_REF="localhost/job-patterns/pause:1"
ENV='["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"]'

# The images: tarball name, reference, Debian packages of the second layer (none: busybox only).
IMAGES=(
  "busybox|docker.io/library/busybox:1.36.1|"
  "alpine|docker.io/library/alpine:3.20.3|"
  # Debian's perl 5.36 has Math::BigInt 1.999830, whose bpi(2000) dies ("Can't use an undefined
  # value as an ARRAY reference", Math/BigInt/Calc.pm): the pi examples need the packaged 1.999838.
  "perl|docker.io/library/perl:5.34.0|perl libmath-bigint-perl"
  "python|docker.io/library/python:3.12.7-alpine|python3"
  "python-3.12.7|docker.io/library/python:3.12.7|python3"
  "redis|docker.io/library/redis:7.2.5|redis-server redis-tools"
)
# Never needed to run one program in a container, and each pulls in more (maintainer scripts'
# tools, debconf, perl through mailcap): dependencies stop here.
EXCLUDE=" dpkg tar install-info debconf cdebconf adduser passwd init-system-helpers lsb-base sysvinit-utils
  usr-is-merged usrmerge mailcap mime-support media-types libfile-find-rule-perl readline-common libpam0g
  libpam-modules libpam-modules-bin tzdata "

sha() { sha256sum "$1" | cut -d' ' -f1; }

# closure PKG...: the packages and, recursively, their Depends and Pre-Depends (the first of
# alternatives), minus EXCLUDE; one "name=version" a line, sorted.
closure() {
  local -A seen=()
  local level=("$@") next p d
  while [ "${#level[@]}" -gt 0 ]; do
    next=()
    for p in "${level[@]}"; do
      [ -z "${seen[$p]:-}" ] || continue
      [[ " ${EXCLUDE//$'\n'/ } " != *" $p "* ]] || continue
      seen[$p]=1
      next+=("$p")
    done
    [ "${#next[@]}" -gt 0 ] || break
    # One apt-cache call per level: its output is each package's name, then its relations.
    level=()
    while read -r d; do level+=("$d"); done < <(apt-cache depends --no-recommends --no-suggests --no-conflicts \
      --no-breaks --no-replaces --no-enhances "${next[@]}" \
      | awk '/^[^ ]/ { skip = 0; next } /^ *\|?(Pre)?Depends:/ { if (!skip) print $2; skip = ($1 ~ /^\|/) }' | grep -v '^<' | sort -u || true)
  done
  # Each package's candidate version, from one apt-cache call.
  apt-cache policy "${!seen[@]}" | awk '/^[^ ]/ { sub(":$", "", $1); p = $1 } /^ *Candidate:/ { print p "=" $2 }' | sort
}

# debs_layer PACKAGES DIR: the layer of Debian packages (with their dependencies) cached in
# DIR/layer.tar (DIR is $CACHE_DIR/images/<first package>-<its version>).
debs_layer() {
  local first="${1%% *}" dir="$2"
  [ -f "$dir/layer.tar" ] && return
  local work; work="$(mktemp -d)"
  # shellcheck disable=SC2086
  closure $1 > "$work/packages.txt"
  log "$first: $(wc -l < "$work/packages.txt") packages from Debian ($(tr '\n' ' ' < "$work/packages.txt"))"
  mkdir -p "$work/debs" "$work/root"
  # shellcheck disable=SC2046
  (cd "$work/debs" && apt-get download -qq $(cat "$work/packages.txt") 2>&1 | grep -v "unsandboxed as root" >&2 || true)
  for deb in "$work"/debs/*.deb; do dpkg-deb -x "$deb" "$work/root"; done
  # What no program reads at run time; and the loader's cache, so the libraries are found.
  rm -rf "$work/root/usr/share/doc" "$work/root/usr/share/man" "$work/root/usr/share/info" \
    "$work/root/usr/share/locale" "$work/root/usr/share/lintian" "$work/root/etc/init.d" "$work/root/lib/systemd"
  find "$work/root" -name __pycache__ -type d -prune -exec rm -rf {} +
  mkdir -p "$work/root/etc"
  ldconfig -r "$work/root" 2>/dev/null || true
  mkdir -p "$dir"
  tar --sort=name --mtime='2024-01-01 00:00:00' --owner=0 --group=0 --numeric-owner -C "$work/root" -cf "$dir/.layer.tar.$$" .
  mv "$work/packages.txt" "$dir/packages.txt"
  mv -f "$dir/.layer.tar.$$" "$dir/layer.tar"
  rm -rf "$work"
  log "$first: layer of $(du -m "$dir/layer.tar" | cut -f1) MiB in $dir"
}

# busybox_layer: busybox and its applets in /bin, the users root, nobody and nonroot (65532).
busybox_layer() {
  [ -f "$base/layer.tar" ] && return
  mkdir -p "$base"
  local root; root="$(mktemp -d)"
  mkdir -p "$root/bin" "$root/tmp" "$root/etc" "$root/root" "$root/proc" "$root/sys" "$root/dev"
  chmod 1777 "$root/tmp"
  cp /bin/busybox "$root/bin/busybox"
  for applet in $(/bin/busybox --list); do
    [ "$applet" = busybox ] || ln -sf busybox "$root/bin/$applet"
  done
  printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\nnonroot:x:65532:65532:nonroot:/:/bin/false\n' > "$root/etc/passwd"
  printf 'root:x:0:\nnobody:x:65534:\nnonroot:x:65532:\n' > "$root/etc/group"
  # Host names from /etc/hosts first (the pods' hostAliases; there is no cluster DNS here).
  printf 'hosts: files dns\n' > "$root/etc/nsswitch.conf"
  # Fixed times and owners: the same package gives the same layer digest.
  tar --sort=name --mtime='2024-01-01 00:00:00' --owner=0 --group=0 --numeric-owner -C "$root" -cf "$base/.layer.tar.$$" .
  mv -f "$base/.layer.tar.$$" "$base/layer.tar"
  rm -rf "$root"
}

# layout TARBALL REF CONFIG LAYER...: an OCI layout tarball of the layers (bottom first) and the
# image config CONFIG (its "config" object).
layout() {
  local tarball="$1" ref="$2" config="$3"; shift 3
  local dir layers="" diff_ids="" l l_sha
  dir="$(mktemp -d)"
  mkdir -p "$dir/blobs/sha256"
  for l in "$@"; do
    l_sha="$(sha "$l")"
    cp "$l" "$dir/blobs/sha256/$l_sha"
    layers="$layers${layers:+,}{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar\",\"digest\":\"sha256:$l_sha\",\"size\":$(stat -c %s "$l")}"
    diff_ids="$diff_ids${diff_ids:+,}\"sha256:$l_sha\""
  done
  printf '{"architecture":"amd64","os":"linux","config":%s,"rootfs":{"type":"layers","diff_ids":[%s]}}' "$config" "$diff_ids" > "$dir/config.json"
  local config_sha; config_sha="$(sha "$dir/config.json")"
  mv "$dir/config.json" "$dir/blobs/sha256/$config_sha"
  printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:%s","size":%s},"layers":[%s]}' \
    "$config_sha" "$(stat -c %s "$dir/blobs/sha256/$config_sha")" "$layers" > "$dir/manifest.json"
  local manifest_sha; manifest_sha="$(sha "$dir/manifest.json")"
  local manifest_size; manifest_size="$(stat -c %s "$dir/manifest.json")"
  mv "$dir/manifest.json" "$dir/blobs/sha256/$manifest_sha"
  printf '{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%s","size":%s,"annotations":{"io.containerd.image.name":"%s","org.opencontainers.image.ref.name":"%s"}}]}' \
    "$manifest_sha" "$manifest_size" "$ref" "${ref##*:}" > "$dir/index.json"
  printf '{"imageLayoutVersion":"1.0.0"}' > "$dir/oci-layout"
  tar -C "$dir" -cf "$tarball.tmp.$$" oci-layout index.json blobs
  mv -f "$tarball.tmp.$$" "$tarball"
  rm -rf "$dir"
}

# build: every image's tarball (printed, one a line), built when missing.
build() {
  busybox_layer
  local entry name ref packages tarball dir firsts=()
  for entry in "${IMAGES[@]}"; do
    IFS='|' read -r name ref packages <<< "$entry"
    [ -z "$packages" ] || firsts+=("${packages%% *}")
  done
  # The first packages' candidate versions name the cached layers (one apt-cache call: each takes
  # a second or more on a busy machine).
  local -A version=()
  candidates() { apt-cache policy "${firsts[@]}" | awk '/^[^ ]/ { sub(":$", "", $1); p = $1 } /^ *Candidate:/ && $2 != "(none)" { print p, $2 }'; }
  while read -r p v; do version[$p]="$v"; done < <(candidates)
  if [ "${#version[@]}" != "${#firsts[@]}" ]; then
    log "no package lists for ${firsts[*]}: apt-get update"
    apt-get update -qq >&2
    while read -r p v; do version[$p]="$v"; done < <(candidates)
  fi
  for entry in "${IMAGES[@]}"; do
    IFS='|' read -r name ref packages <<< "$entry"
    if [ -z "$packages" ]; then
      tarball="$base/$name.tar"
      [ -f "$tarball" ] || layout "$tarball" "$ref" "{\"Env\":$ENV,\"Cmd\":[\"sh\"]}" "$base/layer.tar"
    else
      dir="$CACHE_DIR/images/${packages%% *}-${version[${packages%% *}]//:/_}"
      debs_layer "$packages" "$dir"
      # The tarball is cached with the Debian layer, named by the busybox layer under it.
      tarball="$dir/$name-on-$(basename "$base").tar"
      [ -f "$tarball" ] || layout "$tarball" "$ref" "{\"Env\":$ENV,\"Cmd\":[\"sh\"]}" "$base/layer.tar" "$dir/layer.tar"
    fi
    echo "$tarball"
  done
  # The sandbox only holds the pod's namespaces: it sleeps until containerd kills it.
  [ -f "$base/pause.tar" ] || layout "$base/pause.tar" "$PAUSE_REF" "{\"Env\":$ENV,\"Entrypoint\":[\"/bin/sleep\",\"2147483647\"]}" "$base/layer.tar"
  echo "$base/pause.tar"
}

case "${1:-build}" in
  build) build ;;
  import)
    sock="${2:?usage: images.sh import SOCKET}"
    started=$SECONDS
    # What this containerd imported last (next to its socket): the same tarballs are not imported again.
    stamp="$(dirname "$sock")/imported-images"
    tarballs="$(build)"
    if [ "$(cat "$stamp" 2>/dev/null)" = "$tarballs" ]; then log "images imported before"; exit 0; fi
    for tarball in $tarballs; do
      ctr --address "$sock" -n k8s.io images import "$tarball" >/dev/null
    done
    echo "$tarballs" > "$stamp"
    log "imported $(for e in "${IMAGES[@]}"; do printf '%s ' "$(echo "$e" | cut -d'|' -f2)"; done)and $PAUSE_REF in $((SECONDS - started)) s"
    ;;
  *) echo "usage: $0 build | import SOCKET" >&2; exit 3 ;;
esac
