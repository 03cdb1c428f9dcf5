// tg-bench export: `talentgraph export` of a synthetic database to node-link JSON and GEXF, each
// a new process timed from outside with its peak memory, beside NetworkX's own node_link_data +
// json.dump and write_gexf on the same graph in the same run (tools/bench/export_peers.py, with
// Debian's /usr/bin/python3; its graph is read from our node-link file first, untimed).
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <tuple>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "tools/bench/ingest_bench.h"

namespace tg::bench {

namespace fs = std::filesystem;

int run_export_bench(const ExportBenchOptions& options) {
  const fs::path dir = bench_workdir(options.workdir);
  const std::string db = scale_database(dir.string(), options.scale, options.seed);
  if (db.empty()) return 1;
  const std::string bin = TG_TALENTGRAPH_BIN;
  // The snapshot cache first, so that both exports read it as every later query would.
  if (run_child({bin, "--db", db, "export", "node-link", "--kinds", "regulation"}).status != 0) return 1;
  const fs::path json = dir / fmt::format("export-{}.json", options.scale);
  const fs::path gexf = dir / fmt::format("export-{}.gexf", options.scale);
  // Each side `reps` times, the run of median time reported (one run's figure swings by half on
  // these shared machines: 1.2 to 1.8 s for the same node-link export at M).
  const auto median_of = [&](auto&& run) {
    std::vector<decltype(run())> runs;
    for (int i = 0; i < std::max(1, options.reps); ++i) {
      runs.push_back(run());
      if (runs.back().run_status() != 0) return runs.back();
    }
    std::ranges::sort(runs, {}, [](const auto& r) { return r.time(); });
    return runs[runs.size() / 2];
  };
  struct Ours {
    ChildRun run;
    int run_status() const { return run.status; }
    double time() const { return run.seconds; }
  };
  const Ours ours_json = median_of([&] { return Ours{run_child({bin, "--db", db, "export", "node-link", "--out", json.string()})}; });
  const Ours ours_gexf = options.gexf ? median_of([&] { return Ours{run_child({bin, "--db", db, "export", "gexf", "--out", gexf.string()})}; })
                                      : Ours{};
  if (ours_json.run.status != 0 || (options.gexf && ours_gexf.run.status != 0)) return 1;

  struct Peer {
    ChildRun run;
    double seconds = 0;
    int run_status() const { return run.status; }
    double time() const { return seconds; }
  };
  auto peer = [&](const char* step) -> Peer {
    const fs::path result = dir / fmt::format("peer-{}.json", step);
    Peer p;
    p.run = run_child({"/usr/bin/python3", std::string(TG_SOURCE_DIR) + "/tools/bench/export_peers.py", step, json.string(),
                       (dir / fmt::format("networkx-{}", step)).string(), result.string()},
                      false);
    std::ifstream in(result);
    auto r = nlohmann::json::parse(in, nullptr, false);
    if (p.run.status != 0 || r.is_discarded()) {
      p.run.status = p.run.status ? p.run.status : 1;
      return p;
    }
    p.seconds = r["seconds"].get<double>();
    fmt::print("NetworkX {} ({} nodes, {} edges): {:.2f} s\n", step, r["nodes"].get<std::uint64_t>(),
               r["edges"].get<std::uint64_t>(), p.seconds);
    return p;
  };
  const Peer nx_json = median_of([&] { return peer("node-link"); });
  const Peer nx_gexf = options.gexf ? median_of([&] { return peer("gexf"); }) : Peer{};
  if (nx_json.run.status != 0 || (options.gexf && nx_gexf.run.status != 0)) {
    fmt::print(stderr, "the NetworkX peer failed; see {}\n", dir.string());
    return 1;
  }
  fmt::print("\ntg-bench export --scale {}: talentgraph export (a new process: store, snapshot, selection, write)\n"
             "beside NetworkX 2.8 (the write alone: node_link_data + json.dump, write_gexf; peak RSS of its\n"
             "process, which read the graph from our node-link file first); each the run of median time of {}\n",
             options.scale, std::max(1, options.reps));
  fmt::print("| format    | talentgraph s | NetworkX s | time ratio | talentgraph MiB | NetworkX MiB | memory ratio |\n");
  fmt::print("|-----------|---------------|------------|------------|-----------------|--------------|--------------|\n");
  for (auto [name, ours, theirs] : {std::tuple{"node-link", ours_json, nx_json}, std::tuple{"gexf", ours_gexf, nx_gexf}}) {
    if (!options.gexf && std::string_view(name) == "gexf") continue;
    fmt::print("| {:<9} | {:>13.2f} | {:>10.2f} | {:>10.2f} | {:>15.0f} | {:>12.0f} | {:>12.2f} |\n", name,
               ours.run.seconds, theirs.seconds, ours.run.seconds / theirs.seconds, ours.run.peak_rss_mib,
               theirs.run.peak_rss_mib, ours.run.peak_rss_mib / theirs.run.peak_rss_mib);
  }
  fmt::print("files: {} ({:.0f} MiB)", json.string(), static_cast<double>(fs::file_size(json)) / (1 << 20));
  if (options.gexf) fmt::print(", {} ({:.0f} MiB)", gexf.string(), static_cast<double>(fs::file_size(gexf)) / (1 << 20));
  fmt::print("\n");
  if (options.workdir.empty()) fs::remove_all(dir);
  return 0;
}

}  // namespace tg::bench
