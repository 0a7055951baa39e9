#!/usr/bin/env bash
# Debian packages the tests use for real servers and browsers: PostgreSQL (the store's
# second backend) and Chromium (the chat's end-to-end test, driven by Playwright).
# Installs only what is missing; needs root (or sudo) when something is missing.
set -euo pipefail
missing=()
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
[ -x /usr/bin/chromium ] || missing+=(chromium)
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo -n"; else
    echo "Mangler ${missing[*]}; installér som root: apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
# Tests start their own throwaway cluster; the packaged default cluster is not needed.
echo "Installeret: ${missing[*]}"
