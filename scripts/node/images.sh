#!/usr/bin/env bash
# Builds (once) the images the real node runs, as OCI image layouts, from Debian's busybox-static
# (no registry is reachable here), and imports them into the node's containerd:
#   docker.io/library/busybox:1.36.1   busybox and its applets in /bin; what the examples and tests run
#   localhost/job-patterns/pause:1     the pod sandbox (containerd's sandbox_image): busybox sleeping
# The layouts are cached under $CACHE_DIR/images/ by the busybox-static package's version.
#
# Usage: scripts/node/images.sh build            (writes the tarballs; prints their paths)
#        scripts/node/images.sh import SOCKET     (builds if needed, imports into containerd at SOCKET)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=../cluster/lib.sh
. "$here/../cluster/lib.sh"

log() { printf '[node:images %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

busybox_version="$(dpkg-query -W -f='${Version}' busybox-static)"
out="$CACHE_DIR/images/busybox-static-${busybox_version//:/_}"
BUSYBOX_REF="docker.io/library/busybox:1.36.1"
PAUSE_REF="localhost/job-patterns/pause:1"

sha() { sha256sum "$1" | cut -d' ' -f1; }

# layout NAME REF CONFIG_JSON_EXTRA: an OCI layout tarball $out/NAME.tar with the busybox layer.
layout() {
  local name="$1" ref="$2" config="$3" dir; dir="$(mktemp -d)"
  mkdir -p "$dir/blobs/sha256"
  cp "$out/layer.tar" "$dir/blobs/sha256/$layer_sha"
  printf '%s' "$config" > "$dir/config.json"
  local config_sha; config_sha="$(sha "$dir/config.json")"
  mv "$dir/config.json" "$dir/blobs/sha256/$config_sha"
  printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:%s","size":%s},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":"sha256:%s","size":%s}]}' \
    "$config_sha" "$(stat -c %s "$dir/blobs/sha256/$config_sha")" "$layer_sha" "$(stat -c %s "$out/layer.tar")" > "$dir/manifest.json"
  local manifest_sha; manifest_sha="$(sha "$dir/manifest.json")"
  local manifest_size; manifest_size="$(stat -c %s "$dir/manifest.json")"
  mv "$dir/manifest.json" "$dir/blobs/sha256/$manifest_sha"
  printf '{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%s","size":%s,"annotations":{"io.containerd.image.name":"%s","org.opencontainers.image.ref.name":"%s"}}]}' \
    "$manifest_sha" "$manifest_size" "$ref" "${ref##*:}" > "$dir/index.json"
  printf '{"imageLayoutVersion":"1.0.0"}' > "$dir/oci-layout"
  tar -C "$dir" -cf "$out/.$name.tar.$$" oci-layout index.json blobs
  mv -f "$out/.$name.tar.$$" "$out/$name.tar"
  rm -rf "$dir"
}

build() {
  if [ -f "$out/busybox.tar" ] && [ -f "$out/pause.tar" ]; then return; fi
  log "building the busybox and pause images from busybox-static $busybox_version"
  mkdir -p "$out"
  local root; root="$(mktemp -d)"
  mkdir -p "$root/bin" "$root/tmp" "$root/etc" "$root/root" "$root/proc" "$root/sys" "$root/dev"
  chmod 1777 "$root/tmp"
  cp /bin/busybox "$root/bin/busybox"
  for applet in $(/bin/busybox --list); do
    [ "$applet" = busybox ] || ln -sf busybox "$root/bin/$applet"
  done
  printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\nnonroot:x:65532:65532:nonroot:/:/bin/false\n' > "$root/etc/passwd"
  printf 'root:x:0:\nnobody:x:65534:\nnonroot:x:65532:\n' > "$root/etc/group"
  # Fixed times and owners: the same package gives the same layer digest.
  tar --sort=name --mtime='2024-01-01 00:00:00' --owner=0 --group=0 --numeric-owner -C "$root" -cf "$out/layer.tar" .
  rm -rf "$root"
  layer_sha="$(sha "$out/layer.tar")"
  local rootfs="{\"type\":\"layers\",\"diff_ids\":[\"sha256:$layer_sha\"]}"
  local env='["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"]'
  layout busybox "$BUSYBOX_REF" "{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{\"Env\":$env,\"Cmd\":[\"sh\"]},\"rootfs\":$rootfs}"
  # The sandbox only holds the pod's namespaces: it sleeps until containerd kills it.
  layout pause "$PAUSE_REF" "{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{\"Env\":$env,\"Entrypoint\":[\"/bin/sleep\",\"2147483647\"]},\"rootfs\":$rootfs}"
  log "images in $out"
}

case "${1:-build}" in
  build) build; echo "$out/busybox.tar"; echo "$out/pause.tar" ;;
  import)
    sock="${2:?usage: images.sh import SOCKET}"
    build
    for t in busybox pause; do
      ctr --address "$sock" -n k8s.io images import "$out/$t.tar" >&2
    done
    log "imported $BUSYBOX_REF and $PAUSE_REF"
    ;;
  *) echo "usage: $0 build | import SOCKET" >&2; exit 3 ;;
esac
