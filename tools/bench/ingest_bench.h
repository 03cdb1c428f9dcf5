// tg-bench ingest and tg-bench cli: the store side of the benchmark. Both run the real
// `talentgraph` binary as a child process on a generated career CSV and time it from outside,
// beside the sqlite3 shell's `.import` of the same file into a plain table.
#pragma once

#include <cstdint>
#include <string>

namespace tg::bench {

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

}  // namespace tg::bench
