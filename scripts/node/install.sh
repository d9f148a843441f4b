#!/usr/bin/env bash
# Installs (once) what the real node runs besides the kubelet, from Debian: containerd, runc, the
# CNI plugins (bridge, host-local, loopback in /usr/lib/cni) and busybox-static (the image's
# root file system). Idempotent: nothing is done when all are installed; `apt-get update` once.
#
# Usage: scripts/node/install.sh
set -euo pipefail

log() { printf '[node:install %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

missing=()
for pkg in containerd runc containernetworking-plugins busybox-static; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done
if [ "${#missing[@]}" = 0 ]; then log "containerd, runc, CNI plugins, busybox-static: installed"; exit 0; fi

log "installing ${missing[*]} from Debian"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >&2
# The packages' own service is not used: scripts/node/up.sh starts containerd with its own
# root, state and socket under the cluster dir.
apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
(systemctl disable --now containerd 2>/dev/null || service containerd stop 2>/dev/null || true) >/dev/null 2>&1
log "installed: $(containerd --version | head -1); $(runc --version | head -1)"
