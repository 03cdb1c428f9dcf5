#!/usr/bin/env bash
# Installs everything talentgraph needs to build, test and benchmark, from Debian's packages
# (chromium drives the viewer's tests; WenQuanYi Micro Hei gives their screenshots Hangul and Hanzi;
# clang-19, its libFuzzer and sanitizer runtimes and llvm-19's symbolizer build and run tools/run-fuzz.sh),
# and the JavaScript pinned in package-lock.json.
#   tools/install-deps.sh           install (apt-get as root, or through sudo; then npm ci)
#   tools/install-deps.sh --check   install nothing: exit 0 when everything is there, else 1 and
#                                   name what is missing on stderr (tools/run-tests.sh uses it)
set -euo pipefail
cd "$(dirname "$0")/.."
packages=(
  build-essential g++ cmake make pkg-config
  libboost-graph-dev libsqlite3-dev sqlite3 nlohmann-json3-dev libfmt-dev libcli11-dev libicu-dev
  libgtest-dev libgmock-dev
  clang-19 libclang-rt-19-dev llvm-19
  systemd graphviz libxml2-utils chromium fonts-wqy-microhei nodejs
  python3 python3-jsonschema python3-networkx python3-igraph python3-graph-tool
)

if [ "${1:-}" = "--check" ]; then
  missing=()
  for p in "${packages[@]}"; do
    status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
    [ "$status" = "install ok installed" ] || missing+=("$p")
  done
  command -v npm >/dev/null || missing+=(npm)
  # node_modules as the lock file pins it (npm writes its own copy of the lock there).
  if [ ! -f node_modules/.package-lock.json ] || ! cmp -s <(grep -v '"name"' package-lock.json | grep '"version"\|"resolved"') \
       <(grep -v '"name"' node_modules/.package-lock.json | grep '"version"\|"resolved"'); then
    missing+=("node_modules (npm ci)")
  fi
  if [ ${#missing[@]} -gt 0 ]; then
    echo "missing: ${missing[*]}" >&2
    exit 1
  fi
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
# npm: Debian ships it as its own package; a nodejs from elsewhere may already carry it.
if ! command -v npm >/dev/null; then
  $SUDO apt-get install -y -qq --no-install-recommends npm >/dev/null
fi
# JavaScript for the viewer page (inlined at build time) and for the tests of the exports and the
# viewer, at the versions pinned in package-lock.json; the browser is Debian's chromium.
npm ci --no-audit --no-fund --loglevel=error
