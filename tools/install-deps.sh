#!/usr/bin/env bash
# Installs everything talentgraph needs to build, test and benchmark, from Debian's packages.
set -euo pipefail
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends \
  build-essential g++ cmake make pkg-config \
  libboost-graph-dev libsqlite3-dev sqlite3 nlohmann-json3-dev libfmt-dev libcli11-dev libicu-dev \
  libgtest-dev libgmock-dev \
  systemd \
  python3 python3-jsonschema python3-networkx python3-igraph python3-graph-tool \
  >/dev/null
