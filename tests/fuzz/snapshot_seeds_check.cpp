// The snapshot seeds (corpus/snapshot/valid-*) are what the current writer makes: each is read,
// verified whole and has nodes. A format change makes them stale; make-snapshot-seeds.sh makes
// them again.
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <vector>

#include "graph/snapshot.h"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s CORPUS_FOLDER\n", argv[0]);
    return 2;
  }
  std::vector<std::filesystem::path> seeds;
  for (const auto& entry : std::filesystem::directory_iterator(argv[1]))
    if (entry.path().filename().string().starts_with("valid-")) seeds.push_back(entry.path());
  std::ranges::sort(seeds);
  if (seeds.empty()) {
    std::fprintf(stderr, "%s: no valid-* seed\n", argv[1]);
    return 1;
  }
  int failed = 0;
  for (const auto& path : seeds) {
    auto snap = tg::graph::Snapshot::read(path.string());
    if (!snap) {
      std::fprintf(stderr, "%s\n  (stale seed? tests/fuzz/make-snapshot-seeds.sh makes them again)\n",
                   snap.error().message.c_str());
      ++failed;
    } else if (!snap->verify() || snap->num_nodes() == 0 || snap->num_edges() == 0) {
      std::fprintf(stderr, "%s: does not verify, or is empty\n", path.c_str());
      ++failed;
    } else {
      std::printf("%s: %u nodes, %llu edges, %zu moves\n", path.filename().c_str(), snap->num_nodes(),
                  static_cast<unsigned long long>(snap->num_edges()), snap->moves().size());
    }
  }
  return failed ? 1 : 0;
}
