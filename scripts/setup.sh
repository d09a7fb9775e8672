#!/usr/bin/env bash
# Everything the tests need, from a fresh clone: npm packages from the
# lockfile, a Chromium for the browser tests, redis-server for the
# several-instances tests, nginx for the reverse-proxy tests, and python3,
# make and g++, with which npm ci builds better-sqlite3's native binding
# (node-gyp). On Debian as root it installs what is missing from Debian
# (Playwright cannot download its own browser everywhere); elsewhere it uses
# Playwright's own browser if one is installed.
set -euo pipefail
cd "$(dirname "$0")/.."

have_playwright_browser() {
  compgen -G "${PLAYWRIGHT_BROWSERS_PATH:-$HOME/.cache/ms-playwright}/chromium*" >/dev/null
}

missing=()
if ! command -v chromium >/dev/null && ! have_playwright_browser; then missing+=(chromium); fi
if ! command -v redis-server >/dev/null; then missing+=(redis-server); fi
for tool in python3 make g++; do
  if ! command -v "$tool" >/dev/null; then missing+=("$tool"); fi
done
# Debian puts nginx in /usr/sbin, which is not on every user's PATH.
if ! command -v nginx >/dev/null && [ ! -x /usr/sbin/nginx ]; then missing+=(nginx); fi

if [ ${#missing[@]} -gt 0 ]; then
  if command -v apt-get >/dev/null && [ "$(id -u)" = 0 ]; then
    echo "[setup] installing from Debian: ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "[setup] missing: ${missing[*]}. Install them (Debian: apt-get install ${missing[*]}; or 'npx playwright install chromium' for the browser)" >&2
    exit 1
  fi
fi

# Debian's packages start redis-server and nginx as services; the tests start
# their own on free ports (nginx as a child process with its own config and
# prefix in a temp folder) and need nothing from them. An nginx installed here
# only for the tests would otherwise serve Debian's welcome page on port 80:
# stop it and keep it from starting at boot.
if [[ " ${missing[*]} " == *" nginx "* ]]; then
  if command -v systemctl >/dev/null && [ -d /run/systemd/system ]; then
    systemctl disable --now nginx >/dev/null 2>&1 || true
  elif command -v service >/dev/null; then
    service nginx stop >/dev/null 2>&1 || true
    update-rc.d nginx disable >/dev/null 2>&1 || true
  fi
fi

# node-gyp builds against the installed Node's own headers when it ships them
# (Debian's nodejs does), rather than downloading them.
if [ -f /usr/include/node/node.h ] && [ "$(command -v node)" = /usr/bin/node ]; then
  export npm_config_nodedir=/usr
fi
npm ci --no-audit --no-fund
