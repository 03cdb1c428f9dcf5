#include "tools/bench/ingest_bench.h"

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <random>
#include <vector>

#include <fmt/format.h>

#include "graph/snapshot.h"
#include "graph/store.h"
#include "queries/network.h"
#include "tools/bench/synth.h"

namespace tg::bench {
namespace {

namespace fs = std::filesystem;

void remove_db(const fs::path& db) {
  for (const char* suffix : {"", "-wal", "-shm", ".tgsnap"}) fs::remove(db.string() + suffix);
}

double median(std::vector<double> v) {
  std::ranges::sort(v);
  return v[v.size() / 2];
}

fs::path make_workdir(const std::string& requested) {
  if (!requested.empty()) {
    fs::create_directories(requested);
    return requested;
  }
  fs::path dir = fs::temp_directory_path() / fmt::format("tg-bench-{}", std::random_device{}());
  fs::create_directories(dir);
  return dir;
}

// Writes a career CSV with about `rows` rows (whole careers: people are never cut).
std::uint64_t write_csv(const fs::path& path, std::uint64_t rows, std::uint64_t seed) {
  SynthOptions o;
  o.seed = seed;
  o.people = static_cast<std::uint32_t>(std::max<std::uint64_t>(10, rows * 100 / 265));  // ~2.65 employments each
  o.organisations = std::max<std::uint32_t>(50, o.people / 20);
  auto careers = generate_careers(o);
  if (auto r = write_careers_csv(careers, path); !r) {
    fmt::print(stderr, "{}\n", r.error().message);
    return 0;
  }
  return careers.employments.size();
}

// Plain flows beside flows per year and rolled up, on the cached snapshot: each query in this
// process (median of `reps`), then as a new process (one run each, loading included).
int time_flows(const fs::path& db, int reps) {
  auto store = Store::open(db.string(), OpenMode::existing_only);
  if (!store) return 1;
  auto snapshot = queries::load_snapshot(*store);
  if (!snapshot) return 1;
  struct Variant {
    std::string name;
    queries::FlowQuery query;
    std::vector<std::string> args;
  };
  queries::FlowQuery per_year, rolled;
  per_year.per = Period::year;
  rolled.roll_up = true;
  const std::vector<Variant> variants = {{"flows", {}, {}},
                                         {"flows --per year", per_year, {"--per", "year"}},
                                         {"flows --roll-up", rolled, {"--roll-up"}}};
  double plain = 0;
  fmt::print("\n| query (by org, cached snapshot of {} moves) | in process (median of {}) | ratio | new process |\n"
             "|---|---|---|---|\n",
             snapshot->moves().size(), reps);
  for (const Variant& v : variants) {
    std::vector<double> times;
    std::size_t rows = 0;
    for (int i = 0; i < reps; ++i) {
      const auto start = std::chrono::steady_clock::now();
      rows = queries::flows(*snapshot, v.query).flows.size();
      times.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    }
    const double t = median(times);
    if (v.args.empty()) plain = t;
    std::vector<std::string> argv = {TG_TALENTGRAPH_BIN, "--db", db.string(), "flows"};
    argv.insert(argv.end(), v.args.begin(), v.args.end());
    const ChildRun process = run_child(argv);
    fmt::print("| {} ({} rows) | {:.3f} s | {:.2f}× | {:.3f} s |\n", v.name, rows, t, t / plain, process.seconds);
  }
  fmt::print("(target: --per year and --roll-up each at most 1.5× plain flows)\n");
  return 0;
}

}  // namespace

// Runs argv as a child (stdout and stderr to /dev/null unless `quiet` is false) and measures
// its wall time and peak resident memory.
ChildRun run_child(const std::vector<std::string>& argv, bool quiet) {
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  const auto start = std::chrono::steady_clock::now();
  const pid_t pid = fork();
  if (pid == 0) {
    if (quiet) {
      FILE* null = std::fopen("/dev/null", "w");
      if (null) {
        dup2(fileno(null), 1);
        dup2(fileno(null), 2);
      }
    }
    execvp(args[0], args.data());
    _exit(127);
  }
  ChildRun r;
  struct rusage usage {};
  wait4(pid, &r.status, 0, &usage);
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  r.peak_rss_mib = static_cast<double>(usage.ru_maxrss) / 1024.0;
  return r;
}

int run_ingest_bench(const IngestBenchOptions& options) {
  const fs::path dir = make_workdir(options.workdir);
  const fs::path csv = dir / "careers.csv", db = dir / "bench.db", plain = dir / "plain.db";
  fmt::print("generating a career CSV of about {} rows (seed {}) …\n", options.rows, options.seed);
  const std::uint64_t rows = write_csv(csv, options.rows, options.seed);
  if (!rows) return 1;
  fmt::print("{} rows, {:.1f} MiB\n\n", rows, static_cast<double>(fs::file_size(csv)) / (1 << 20));

  std::vector<double> import_times, ingest_times, ingest_rss;
  for (int rep = 0; rep < options.reps; ++rep) {
    remove_db(plain);
    auto imp = run_child({"sqlite3", plain.string(), ".mode csv", ".import " + csv.string() + " careers"});
    if (imp.status != 0) {
      fmt::print(stderr, "sqlite3 .import failed (status {})\n", imp.status);
      return 1;
    }
    import_times.push_back(imp.seconds);
    remove_db(db);
    auto ing = run_child({TG_TALENTGRAPH_BIN, "--db", db.string(), "ingest", csv.string()});
    if (ing.status != 0) {
      fmt::print(stderr, "talentgraph ingest failed (status {})\n", ing.status);
      return 1;
    }
    ingest_times.push_back(ing.seconds);
    ingest_rss.push_back(ing.peak_rss_mib);
    fmt::print("rep {}: sqlite3 .import {:.2f} s, talentgraph ingest {:.2f} s ({:.0f} MiB peak)\n", rep + 1,
               imp.seconds, ing.seconds, ing.peak_rss_mib);
  }
  const double imp = median(import_times), ing = median(ingest_times);
  fmt::print("\n| rows | sqlite3 .import (plain table) | talentgraph ingest (parse, resolve, store with claims) | ratio | "
             "talentgraph rows/s | peak RSS |\n|---|---|---|---|---|---|\n");
  fmt::print("| {} | {:.2f} s | {:.2f} s | {:.2f}× | {:.0f} | {:.0f} MiB |\n", rows, imp, ing, ing / imp,
             static_cast<double>(rows) / ing, *std::ranges::max_element(ingest_rss));
  fmt::print("(medians of {} runs; targets: ratio < 3, peak < 1024 MiB)\n", options.reps);
  if (options.workdir.empty()) fs::remove_all(dir);
  return 0;
}

std::string bench_workdir(const std::string& requested) { return make_workdir(requested).string(); }

std::string scale_database(const std::string& workdir, const std::string& scale_name, std::uint64_t seed) {
  const fs::path dir = workdir;
  // Seed 1's store is "M.db"; another seed's is a store of its own ("M-seed7.db").
  const std::string stem = seed == 1 ? scale_name : fmt::format("{}-seed{}", scale_name, seed);
  const fs::path csv = dir / fmt::format("careers-{}.csv", stem), db = dir / fmt::format("{}.db", stem);
  auto scale = parse_scale(scale_name);
  if (!scale) return {};
  if (fs::exists(db)) return db.string();
  auto careers = generate_careers(synth_options(*scale, seed));
  const fs::path part_of = dir / fmt::format("part-of-{}.json", stem);
  if (auto r = write_careers_csv(careers, csv); !r) return {};
  if (auto r = write_part_of_json(careers, part_of); !r) return {};
  fmt::print("scale {}: {} people, {} organisations, {} employments, {} labs part_of a company\n", scale_name,
             careers.people, careers.organisations, careers.employments.size(), part_of_links(careers).size());
  auto ing = run_child({TG_TALENTGRAPH_BIN, "--db", db.string(), "ingest", csv.string(), part_of.string()});
  fmt::print("ingest: {:.1f} s, {:.0f} MiB peak\n", ing.seconds, ing.peak_rss_mib);
  fs::remove(csv);
  fs::remove(part_of);
  if (ing.status != 0) return {};
  return db.string();
}

int run_cli_bench(const CliBenchOptions& options) {
  const fs::path dir = make_workdir(options.workdir);
  auto scale = parse_scale(options.scale);
  if (!scale) return 2;
  const std::string bin = TG_TALENTGRAPH_BIN;
  const std::string db_path = scale_database(dir.string(), options.scale, options.seed);
  if (db_path.empty()) return 1;
  const fs::path db = db_path;
  // Two people far apart in the generated world: the first and the last.
  SynthCareers probe = generate_careers(synth_options(*scale, options.seed));
  const std::string a = probe.person_name(0), b = probe.person_name(probe.people - 1);
  fs::remove(db.string() + ".tgsnap");
  auto build = run_child({bin, "--db", db.string(), "path", a, b});
  fmt::print("path with snapshot build (no cache): {:.2f} s, {:.0f} MiB peak\n", build.seconds, build.peak_rss_mib);
  std::vector<double> times, rss;
  for (int i = 0; i < options.reps; ++i) {
    auto r = run_child({bin, "--db", db.string(), "path", a, b});
    times.push_back(r.seconds);
    rss.push_back(r.peak_rss_mib);
  }
  fmt::print("path, new process, snapshot cached: median {:.3f} s over {} runs, {:.0f} MiB peak\n", median(times),
             options.reps, *std::ranges::max_element(rss));
  run_child({bin, "--db", db.string(), "path", a, b}, false);
  for (const char* metric : {"pagerank", "degree"}) {
    auto r = run_child({bin, "--db", db.string(), "rank", "--metric", metric, "--top", "5"});
    fmt::print("rank --metric {} (move graph), new process: {:.3f} s, {:.0f} MiB peak\n", metric, r.seconds,
               r.peak_rss_mib);
  }
  auto f = run_child({bin, "--db", db.string(), "flows", "--by", "country"});
  fmt::print("flows --by country, new process: {:.3f} s\n", f.seconds);
  if (int status = time_flows(db, options.reps); status != 0) return status;
  if (options.workdir.empty()) fs::remove_all(dir);
  return 0;
}

}  // namespace tg::bench
