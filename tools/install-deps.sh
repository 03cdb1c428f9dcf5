#!/usr/bin/env bash
# Installs everything talentgraph needs to build, test and benchmark, from Debian's packages
# (chromium drives the viewer's tests; WenQuanYi Micro Hei gives their screenshots Hangul and Hanzi).
set -euo pipefail
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends \
  build-essential g++ cmake make pkg-config \
  libboost-graph-dev libsqlite3-dev sqlite3 nlohmann-json3-dev libfmt-dev libcli11-dev libicu-dev \
  libgtest-dev libgmock-dev \
  systemd graphviz libxml2-utils chromium fonts-wqy-microhei nodejs \
  python3 python3-jsonschema python3-networkx python3-igraph python3-graph-tool \
  >/dev/null
# npm: Debian ships it as its own package; a nodejs from elsewhere may already carry it.
if ! command -v npm >/dev/null; then
  $SUDO apt-get install -y -qq --no-install-recommends npm >/dev/null
fi
# JavaScript for the viewer page (inlined at build time) and for the tests of the exports and the
# viewer, at the versions pinned in package-lock.json; the browser is Debian's chromium.
cd "$(dirname "$0")/.."
npm ci --no-audit --no-fund --loglevel=error
