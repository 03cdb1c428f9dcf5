#!/usr/bin/env bash
# Fuzzes every parser for a bounded time: builds the libFuzzer targets of tests/fuzz with clang
# (build-fuzz/: -fsanitize=fuzzer,address,undefined, assertions on), then runs each from its seed
# corpus (tests/fuzz/corpus/<target>/ and regressions/<target>/) for N seconds. Prints, per target,
# the executions, the corpus it ended with and what it found; exits 1 when any target crashed,
# broke a check, leaked, hung or ran out of memory. Nothing is written into the repository: the
# grown corpora and the crashing inputs go to a folder under $TMPDIR, named at the end (kept when
# something was found). A crash becomes a regression case: fix it, then copy the input to
# tests/fuzz/regressions/<target>/ (tests/fuzz/README.md).
#   tools/run-fuzz.sh [--seconds N] [TARGET…]    default 60 s each, every target
#   TG_FUZZ_CXX=clang++-19                        the compiler (default clang++-19)
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=60
targets=()
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) seconds=${2:?--seconds needs a number}; shift 2 ;;
    --seconds=*) seconds=${1#--seconds=}; shift ;;
    -h|--help) sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "run-fuzz.sh: unknown option $1 (expected --seconds N)" >&2; exit 2 ;;
    *) targets+=("$1"); shift ;;
  esac
done
case "$seconds" in ''|*[!0-9]*|0) echo "run-fuzz.sh: --seconds takes a whole number above 0 (found \"$seconds\")" >&2; exit 2 ;; esac

# The longest input each target is given: a little above its largest seed.
declare -A max_len=([extraction_json]=16384 [extraction_jsonl]=16384 [csv]=4096 [curation]=4096
                    [partial_date]=64 [snapshot]=8192)
all=(extraction_json extraction_jsonl csv curation partial_date snapshot)
[ ${#targets[@]} -gt 0 ] || targets=("${all[@]}")
for t in "${targets[@]}"; do
  [ -n "${max_len[$t]:-}" ] || { echo "run-fuzz.sh: unknown target \"$t\" (expected one of: ${all[*]})" >&2; exit 2; }
done

if ! tools/install-deps.sh --check; then
  if [ -n "${TG_NO_INSTALL:-}" ]; then exit 1; fi
  tools/install-deps.sh
fi
cxx=${TG_FUZZ_CXX:-clang++-19}
command -v "$cxx" >/dev/null || { echo "run-fuzz.sh: $cxx not found (tools/install-deps.sh installs clang-19)" >&2; exit 1; }

# -O1 and no NDEBUG: the assertions of the code under test are checks too. Warnings are the g++
# build's business (clang warns in libstdc++ 12's own headers under C++23).
cmake -S . -B build-fuzz -DCMAKE_CXX_COMPILER="$cxx" -DTG_FUZZ=ON -DTG_TESTS=OFF -DTG_WERROR=OFF \
      -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g -Wno-deprecated-declarations" >/dev/null
cmake --build build-fuzz --target tg_fuzzers -j"$(nproc)"

run=$(mktemp -d "${TMPDIR:-/tmp}/tg-fuzz-run.XXXXXX")
# Stacks with file and line: llvm-19's symbolizer (tools/install-deps.sh), when it is there.
if [ -z "${ASAN_SYMBOLIZER_PATH:-}" ] && [ -x /usr/lib/llvm-19/bin/llvm-symbolizer ]; then
  export ASAN_SYMBOLIZER_PATH=/usr/lib/llvm-19/bin/llvm-symbolizer
fi
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1} UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
failed=()
printf '%-18s %12s %10s %14s  %s\n' target executions exec/s corpus result
for t in "${targets[@]}"; do
  work=$run/$t
  mkdir -p "$work/corpus" "$work/found"
  seeds=(tests/fuzz/corpus/"$t")
  [ -d tests/fuzz/regressions/"$t" ] && seeds+=(tests/fuzz/regressions/"$t")
  # The first folder gets the new inputs; the seeds are only read. -timeout: an input taking
  # longer is a hang, and a finding.
  status=0
  build-fuzz/tests/fuzz/fuzz_"$t" "$work/corpus" "${seeds[@]}" -max_total_time="$seconds" \
      -max_len="${max_len[$t]}" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
      -artifact_prefix="$work/found/" >"$work/log" 2>&1 || status=$?
  # (A crash while the seeds load leaves no statistics: '?'.)
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/log" | tail -1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$work/log" | tail -1)
  corpus=$({ grep -o 'corp: [0-9]*/[0-9]*[a-zA-Z]*' "$work/log" || true; } | tail -1 | sed 's/corp: //')
  found=$(find "$work/found" -type f | sort)
  if [ "$status" -ne 0 ] || [ -n "$found" ]; then
    result="FAILED (exit $status)"
    failed+=("$t")
  else
    result=ok
  fi
  printf '%-18s %12s %10s %14s  %s\n' "$t" "${execs:-?}" "${rate:-?}" "${corpus:-?}" "$result"
  if [ "$result" != ok ]; then
    grep -m1 -E 'ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)|runtime error|fuzz check failed|SUMMARY' "$work/log" | sed 's/^/    /' || true
    for f in $found; do echo "    input: $f"; done
    echo "    log:   $work/log"
  fi
done

if [ ${#failed[@]} -gt 0 ]; then
  echo "run-fuzz.sh: found something in: ${failed[*]} (inputs and logs kept in $run)" >&2
  exit 1
fi
rm -rf "$run"
echo "run-fuzz.sh: ${#targets[@]} targets, ${seconds} s each: no crash"
