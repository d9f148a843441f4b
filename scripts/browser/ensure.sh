#!/usr/bin/env bash
# Makes sure a Chromium is installed for the browser tests of the verifier's HTML report
# (test/e2e/html-report.test.ts drives it with playwright-core, which never downloads a browser).
# Installs Debian's `chromium` when missing (needs root and apt). Prints the executable's path.
#
# Usage: scripts/browser/ensure.sh   (JOB_PATTERNS_CHROMIUM=/path/to/chrome skips the install)
set -euo pipefail

log() { printf '[browser:ensure %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

if [ -n "${JOB_PATTERNS_CHROMIUM:-}" ]; then
  [ -x "$JOB_PATTERNS_CHROMIUM" ] || { log "JOB_PATTERNS_CHROMIUM=$JOB_PATTERNS_CHROMIUM is not an executable"; exit 1; }
  echo "$JOB_PATTERNS_CHROMIUM"
  exit 0
fi

if [ ! -x /usr/bin/chromium ]; then
  log "installing Debian's chromium (about 1 minute)"
  export DEBIAN_FRONTEND=noninteractive
  out="$(mktemp)"
  # Another apt run (another agent, unattended upgrades) may hold the lock: wait for it.
  if ! { apt-get -o DPkg::Lock::Timeout=600 update -qq && \
         apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends chromium fonts-dejavu-core; } >"$out" 2>&1; then
    cat "$out" >&2
    log "installing chromium failed (see above)"
    exit 1
  fi
  rm -f "$out"
fi
log "$(/usr/bin/chromium --version 2>/dev/null || echo 'chromium --version failed')"
echo /usr/bin/chromium
