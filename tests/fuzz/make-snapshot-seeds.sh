#!/usr/bin/env bash
# Makes the snapshot reader's seeds, corpus/snapshot/valid-<name> (not *.tgsnap, which .gitignore
# keeps out), with the real writer: each fixture data set ingested into a scratch store, then one
# query that builds the graph writes its cache beside it (Snapshot::load). Run it again when the
# cache format changes (the test fuzz.snapshot_seeds_current says so).
#   tests/fuzz/make-snapshot-seeds.sh [TALENTGRAPH]     default build/tools/talentgraph
set -euo pipefail
cd "$(dirname "$0")/../.."
tg=$(realpath "${1:-build/tools/talentgraph}")
out=tests/fuzz/corpus/snapshot
tmp=$(mktemp -d "${TMPDIR:-/tmp}/tg-snapseeds.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
make_seed() {  # NAME SOURCE…
  local name=$1; shift
  "$tg" --db "$tmp/$name.db" ingest "$@" --report json >/dev/null
  "$tg" --db "$tmp/$name.db" rank --metric pagerank --limit 1 >/dev/null
  cp "$tmp/$name.db.tgsnap" "$out/valid-$name"
  echo "$out/valid-$name: $(stat -c %s "$out/valid-$name") bytes"
}
make_seed small tests/fixtures/small/world.json tests/fixtures/small/careers.csv
make_seed careers tests/fixtures/careers/news-a.json tests/fixtures/careers/news-b.json tests/fixtures/careers/careers.csv
make_seed rollup tests/e2e/inputs/rollup
make_seed namesakes tests/e2e/inputs/namesakes.json
