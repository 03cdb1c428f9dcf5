#!/usr/bin/env bash
# A newcomer's first command: install the dependencies, build talentgraph, load the seed
# article's graph into seed.db and ask it the first questions.
set -euo pipefail
cd "$(dirname "$0")/.."
tools/install-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$(nproc)" --target talentgraph
rm -f seed.db seed.db-wal seed.db-shm
tg="build/tools/talentgraph --db seed.db"
$tg ingest data/seed/ --curation data/curation.json
echo; echo "\$ talentgraph --db seed.db stats";                 $tg stats
echo; echo "\$ talentgraph --db seed.db moves --to \"Moonshot AI\""; $tg moves --to "Moonshot AI"
echo; echo "\$ talentgraph --db seed.db show 알리바바";           $tg show 알리바바
echo; echo "\$ talentgraph --db seed.db search bytedance";      $tg search bytedance
echo; echo "\$ talentgraph --db seed.db path 우유신 알리바바";     $tg path 우유신 알리바바
echo; echo "\$ talentgraph --db seed.db flows --by country --net"; $tg flows --by country --net
echo; echo "\$ talentgraph --db seed.db view --out seed.html";  $tg view --out seed.html
echo; echo "\$ talentgraph --db seed.db export node-link --out seed.json"; $tg export node-link --out seed.json
echo; echo "seed.db is ready (seed.html opens offline in any browser): try build/tools/talentgraph --db seed.db --help"
