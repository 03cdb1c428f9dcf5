// tg-bench ingest and tg-bench cli: the store side of the benchmark. Both run the real
// `talentgraph` binary as a child process on a generated career CSV and time it from outside,
// beside the sqlite3 shell's `.import` of the same file into a plain table.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace tg::bench {

struct ChildRun {
  double seconds = 0;
  double peak_rss_mib = 0;
  int status = 0;  // as wait(2) gives it
};

// Runs argv as a child (stdout and stderr to /dev/null unless `quiet` is false) and measures
// its wall time and peak resident memory.
ChildRun run_child(const std::vector<std::string>& argv, bool quiet = true);

struct IngestBenchOptions {
  std::uint64_t rows = 1'000'000;
  std::uint64_t seed = 1;
  int reps = 3;
  std::string workdir;  // empty: a fresh temporary folder, removed afterwards
};
int run_ingest_bench(const IngestBenchOptions& options);

struct CliBenchOptions {
  std::string scale = "M";
  std::uint64_t seed = 1;
  int reps = 5;
  std::string workdir;
};
int run_cli_bench(const CliBenchOptions& options);

// A folder for a benchmark's files: `requested` (created if need be), else a new temporary one.
std::string bench_workdir(const std::string& requested);
// The synthetic database of a scale (S, M, L) in `workdir` ("M.db"; "M-seed7.db" for seed 7), generated and ingested by the
// talentgraph binary when it is not there yet (tg-bench cli and export share it); "" on failure.
std::string scale_database(const std::string& workdir, const std::string& scale, std::uint64_t seed);

struct ExportBenchOptions {
  std::string scale = "M";
  std::uint64_t seed = 1;
  int reps = 3;  // runs of each export and each peer (the median's figures)
  std::string workdir;
  bool gexf = true;  // false: node-link only (NetworkX's write_gexf of the L graph needs ~30 GiB)
};
// tg-bench export (tools/bench/export_bench.cpp).
int run_export_bench(const ExportBenchOptions& options);

struct RebuildBenchOptions {
  std::uint64_t files = 10'000;        // extraction documents and CSV files, one CSV per 100 files
  std::uint64_t relations = 1'000'000;  // employments, half in the CSV files, half in the documents
  std::uint64_t seed = 1;
  int reps = 3;                          // runs of the fast steps (median)
  std::string workdir;
};
int run_rebuild_bench(const RebuildBenchOptions& options);

struct LoadBenchOptions {
  std::string scale = "M";
  std::uint64_t seed = 1;
  int readers = 4;
  double seconds = 0;          // readers' run from the start; 0: until the writers end, and tail_seconds more
  double tail_seconds = 5;
  std::uint32_t extra_people = 0;  // newcomers ingested; 0: a quarter of the scale's people
  bool rebuild = true;             // then `rebuild --sources` of a tenth as many more
  double p99_target = 2.0;
  std::string workdir;
};
// tg-bench load (tools/bench/load_bench.cpp): readers' latency and errors during writes.
int run_load_bench(const LoadBenchOptions& options);

struct LimitsBenchOptions {
  std::string scale = "L";
  std::uint64_t seed = 1;
  std::uint64_t limit_mib = 1024;  // RLIMIT_AS of each query
  bool cold = true;                // first a query without the snapshot cache (it builds it)
  // Not 0: the limit is the least under which `stats` runs (found by trying) plus this, instead
  // of limit_mib: what the queries may take beyond a minimal run, on any machine.
  std::uint64_t headroom_mib = 0;
  std::string workdir;
};
// tg-bench limits (tools/bench/limits_bench.cpp): path and moves under an address-space limit.
int run_limits_bench(const LimitsBenchOptions& options);

}  // namespace tg::bench
