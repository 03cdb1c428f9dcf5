#!/usr/bin/env bash
# Builds with warnings as errors and runs every test with CTest. On a fresh machine it installs
# what is missing first (tools/install-deps.sh; TG_NO_INSTALL=1 only says what is missing).
#   tools/run-tests.sh             the normal build (build/)
#   tools/run-tests.sh --sanitize  AddressSanitizer + UndefinedBehaviorSanitizer (build-asan/)
set -euo pipefail
cd "$(dirname "$0")/.."
if ! tools/install-deps.sh --check; then
  if [ -n "${TG_NO_INSTALL:-}" ]; then exit 1; fi
  tools/install-deps.sh
fi
dir=build; flags=()
if [ "${1:-}" = "--sanitize" ]; then
  dir=build-asan; flags=(-DTG_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug)
  export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
fi
cmake -S . -B "$dir" -DTG_WERROR=ON "${flags[@]}" >/dev/null
cmake --build "$dir" -j"$(nproc)"
ctest --test-dir "$dir" --output-on-failure -j"$(nproc)"
