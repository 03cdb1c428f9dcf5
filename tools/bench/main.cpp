// tg-bench: times the graph questions on synthetic careers, optionally beside NetworkX, igraph
// and graph-tool run on the same edge lists (tools/bench/peers.py), and prints one table.
//   tg-bench graph --scale S|M|L [--peers] [--seed N] [--reps N] [--threads N]
//   tg-bench ingest --rows N · tg-bench cli --scale S|M|L · tg-bench rebuild --files N --relations M
//   tg-bench export --scale S|M|L [--reps N] · tg-bench load --scale S|M|L [--readers N] [--seconds S]
//   tg-bench limits --scale S|M|L [--limit-mib N] [--no-cold]
#include "tools/bench/ingest_bench.h"
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <optional>
#include <random>
#include <span>
#include <thread>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "graph/csr.h"
#include "queries/centrality.h"
#include "queries/paths.h"
#include "tools/bench/synth.h"

namespace tg::bench {
namespace {

using Clock = std::chrono::steady_clock;
namespace fs = std::filesystem;

struct GraphBenchOptions {
  Scale scale = Scale::S;
  bool peers = false;
  std::uint64_t seed = 1;
  int reps = 5;
  unsigned threads = 0;
  double budget_seconds = 120;
};

double seconds_since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

// Median of `reps` runs when a run is fast (< 1 s), else the one run.
double timed(const std::function<void()>& run, int reps) {
  auto start = Clock::now();
  run();
  std::vector<double> times{seconds_since(start)};
  if (times[0] < 1.0) {
    for (int i = 1; i < reps; ++i) {
      start = Clock::now();
      run();
      times.push_back(seconds_since(start));
    }
  }
  std::sort(times.begin(), times.end());
  return times[times.size() / 2];
}

struct Step {
  std::string key;    // shared with peers.py
  std::string label;  // the table's row
  std::string kind;   // build | pagerank | paths | betweenness
  std::string graph;  // move | affiliation
  bool weighted = false;
  std::function<void()> run;
  // Betweenness: the same from a few sources, to estimate the full run first (as for peers).
  std::function<void(std::span<const std::uint32_t>)> run_from_sources = {};
  std::uint32_t num_nodes = 0;
  bool peers = true;  // false: no peer has this step
};

struct Timing {
  double seconds = 0;
  bool estimated = false;
};

// Betweenness steps first time k = max(8, n/200) sources and extrapolate; a full run follows
// unless that estimate passes the budget, as peers.py does.
Timing time_step(const Step& step, int reps, double budget_seconds) {
  if (step.run_from_sources) {
    std::vector<std::uint32_t> all(step.num_nodes);
    for (std::uint32_t v = 0; v < step.num_nodes; ++v) all[v] = v;
    std::mt19937_64 rng(1);
    std::shuffle(all.begin(), all.end(), rng);
    const std::uint32_t k = std::min(step.num_nodes, std::max<std::uint32_t>(8, step.num_nodes / 200));
    all.resize(k);
    const auto start = Clock::now();
    step.run_from_sources(all);
    const double estimate = seconds_since(start) * step.num_nodes / k;
    if (estimate > budget_seconds) return {estimate, true};
  }
  return {timed(step.run, reps), false};
}

struct PeerCell {
  std::optional<double> seconds;
  std::string mark;  // "", " (est.)", " (>limit)", or an error
};

template <typename T>
void write_array(const fs::path& path, const std::vector<T>& values) {
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char*>(values.data()), static_cast<std::streamsize>(values.size() * sizeof(T)));
}

void write_edge_list(const fs::path& dir, const std::string& name, const EdgeList& g, nlohmann::json& spec) {
  std::vector<std::uint32_t> src, dst;
  for (const auto& e : g.edges) {
    src.push_back(e.src);
    dst.push_back(e.dst);
  }
  write_array(dir / (name + ".src"), src);
  write_array(dir / (name + ".dst"), dst);
  write_array(dir / (name + ".weight"), g.weights);
  spec["graphs"][name] = {{"n", g.num_nodes},
                          {"directed", g.orientation == graph::Orientation::directed},
                          {"src", (dir / (name + ".src")).string()},
                          {"dst", (dir / (name + ".dst")).string()},
                          {"weight", (dir / (name + ".weight")).string()}};
}

std::string format_seconds(double s) {
  if (s >= 100) return fmt::format("{:.0f}", s);
  if (s >= 10) return fmt::format("{:.1f}", s);
  if (s >= 1) return fmt::format("{:.2f}", s);
  if (s >= 0.01) return fmt::format("{:.4f}", s);
  return fmt::format("{:.5f}", s);
}

int run_graph_bench(const GraphBenchOptions& o) {
  const SynthOptions synth = synth_options(o.scale, o.seed);
  fmt::print("tg-bench graph --scale {}: {} people, {} organisations, seed {}\n", to_string(o.scale), synth.people,
             synth.organisations, o.seed);
  auto start = Clock::now();
  const SynthCareers careers = generate_careers(synth);
  const EdgeList moves = move_graph(careers);
  const EdgeList affiliation = affiliation_graph(careers);
  fmt::print("generated {} employments in {:.2f} s\n", careers.employments.size(), seconds_since(start));
  fmt::print("move graph: {} nodes, {} edges (directed, weighted by moves)\n", moves.num_nodes, moves.edges.size());
  fmt::print("affiliation graph: {} nodes, {} edges (undirected: person-organisation, organisation-country)\n",
             affiliation.num_nodes, affiliation.edges.size());

  const graph::Csr move_csr = graph::Csr::build(moves.num_nodes, moves.edges, moves.orientation);
  const graph::Csr aff_csr = graph::Csr::build(affiliation.num_nodes, affiliation.edges, affiliation.orientation);
  std::vector<std::uint32_t> pairs;
  {
    std::mt19937_64 rng(o.seed ^ 0x9e3779b97f4a7c15ULL);
    std::uniform_int_distribution<std::uint32_t> node(0, affiliation.num_nodes - 1);
    for (int i = 0; i < 1000; ++i) {
      pairs.push_back(node(rng));
      pairs.push_back(node(rng));
    }
  }
  const queries::Parallelism par{o.threads};
  std::vector<Step> steps = {
      {"build_move", "build CSR: move graph", "build", "move", false,
       [&] { (void)graph::Csr::build(moves.num_nodes, moves.edges, moves.orientation); }},
      {"build_affiliation", "build CSR: affiliation graph", "build", "affiliation", false,
       [&] { (void)graph::Csr::build(affiliation.num_nodes, affiliation.edges, affiliation.orientation); }},
      {"pagerank_move", "PageRank: move graph (weighted)", "pagerank", "move", true,
       [&] { (void)queries::pagerank(move_csr, {.weights = moves.weights}, {.parallelism = par}); }},
      {"pagerank_affiliation", "PageRank: affiliation graph", "pagerank", "affiliation", false,
       [&] { (void)queries::pagerank(aff_csr, {}, {.parallelism = par}); }},
      {"paths_affiliation", "1000 shortest paths: affiliation", "paths", "affiliation", false,
       [&] {
         queries::PathFinder finder(aff_csr);
         std::size_t hops = 0;
         for (std::size_t i = 0; i < pairs.size(); i += 2) {
           if (auto p = finder.shortest(pairs[i], pairs[i + 1])) hops += p->hops();
         }
         if (hops == 0) std::fputs("warning: no path found\n", stderr);
       }},
      {"betweenness_move", "exact betweenness: move graph", "betweenness", "move", false,
       [&] { (void)queries::betweenness(move_csr, {}, {.parallelism = par}); },
       [&](std::span<const std::uint32_t> sources) {
         (void)queries::betweenness(move_csr, {}, {.sources = sources, .parallelism = par});
       },
       moves.num_nodes},
  };
  if (o.scale == Scale::S) {
    steps.push_back({"betweenness_affiliation", "exact betweenness: affiliation graph", "betweenness", "affiliation",
                     false, [&] { (void)queries::betweenness(aff_csr, {}, {.parallelism = par}); },
                     [&](std::span<const std::uint32_t> sources) {
                       (void)queries::betweenness(aff_csr, {}, {.sources = sources, .parallelism = par});
                     },
                     affiliation.num_nodes});
  }
  // Ours only: no peer samples Riondato–Kornaropoulos; the practical betweenness at M and L.
  std::uint64_t approx_samples = 0;
  steps.push_back({"approx_betweenness_affiliation", "approx. betweenness (eps 0.01, delta 0.1): affiliation",
                   "approx", "affiliation", false,
                   [&] {
                     approx_samples = queries::approximate_betweenness(aff_csr, {}, {.epsilon = 0.01, .delta = 0.1, .parallelism = par}).samples;
                   },
                   {}, 0, false});

  std::vector<Timing> ours;
  for (const Step& step : steps) {
    ours.push_back(time_step(step, o.reps, o.budget_seconds));
    fmt::print(stderr, "talentgraph {}: {:.6f} s{}\n", step.key, ours.back().seconds, ours.back().estimated ? " (est.)" : "");
  }
  fmt::print("approx. betweenness drew {} samples (Riondato–Kornaropoulos r)\n", approx_samples);
  struct rusage usage {};
  getrusage(RUSAGE_SELF, &usage);
  const double our_rss_mib = static_cast<double>(usage.ru_maxrss) / 1024;

  const std::vector<std::string> peer_names = {"networkx", "igraph", "graph-tool"};
  std::vector<std::vector<PeerCell>> cells(steps.size(), std::vector<PeerCell>(peer_names.size()));
  nlohmann::json report;
  if (o.peers) {
    const fs::path dir = fs::temp_directory_path() / fmt::format("tg-bench-{}-{}", to_string(o.scale), ::getpid());
    fs::create_directories(dir);
    nlohmann::json spec = {{"threads", o.threads != 0 ? o.threads : std::max(1u, std::thread::hardware_concurrency())},
                           {"reps", o.reps},
                           {"budget_seconds", o.budget_seconds}};
    write_edge_list(dir, "move", moves, spec);
    write_edge_list(dir, "affiliation", affiliation, spec);
    write_array(dir / "pairs", pairs);
    spec["pairs"] = (dir / "pairs").string();
    for (const Step& step : steps) {
      if (!step.peers) continue;
      spec["steps"].push_back(
          {{"key", step.key}, {"kind", step.kind}, {"graph", step.graph}, {"weighted", step.weighted}, {"tolerance", 1e-12}});
    }
    std::ofstream(dir / "spec.json") << spec.dump(2);
    const std::string command = fmt::format("/usr/bin/python3 {}/tools/bench/peers.py {} > {}", TG_SOURCE_DIR,
                                            (dir / "spec.json").string(), (dir / "report.json").string());
    fmt::print(stderr, "running peers: {}\n", command);
    const int status = std::system(command.c_str());
    std::ifstream in(dir / "report.json");
    report = nlohmann::json::parse(in, nullptr, false);
    if (status != 0 || report.is_discarded()) {
      fmt::print(stderr, "peers failed (status {}); see {}\n", status, dir.string());
      return 1;
    }
    for (std::size_t s = 0; s < steps.size(); ++s) {
      for (std::size_t p = 0; p < peer_names.size(); ++p) {
        PeerCell& cell = cells[s][p];
        if (!steps[s].peers) {
          cell.mark = "n/a";
          continue;
        }
        const auto& r = report["results"][peer_names[p]][steps[s].key];
        if (r.contains("error")) {
          cell.mark = "error";
          continue;
        }
        cell.seconds = r["seconds"].get<double>();
        if (r.value("estimated", false)) cell.mark = " (est.)";
        if (r.value("timeout", false)) cell.mark = " (>limit)";
      }
    }
    fs::remove_all(dir);
  }

  // The table.
  std::vector<std::string> header = {"step", "talentgraph"};
  if (o.peers) {
    const auto& v = report["versions"];
    header.push_back("NetworkX " + v["networkx"].get<std::string>());
    header.push_back("igraph " + v["igraph"].get<std::string>());
    header.push_back(fmt::format("graph-tool {} ({} thr)", v["graph-tool"].get<std::string>(), o.threads != 0 ? o.threads : std::thread::hardware_concurrency()));
    header.push_back("ours / best peer");
  }
  std::vector<std::vector<std::string>> rows;
  for (std::size_t s = 0; s < steps.size(); ++s) {
    std::vector<std::string> row = {steps[s].label, format_seconds(ours[s].seconds) + (ours[s].estimated ? " (est.)" : "")};
    if (o.peers) {
      std::optional<double> best;
      bool best_estimated = false;
      for (const PeerCell& cell : cells[s]) {
        row.push_back(cell.seconds ? format_seconds(*cell.seconds) + cell.mark : cell.mark);
        // A run stopped at the time limit is a lower bound, not a time: no ratio against it.
        if (cell.seconds && cell.mark != " (>limit)" && (!best || *cell.seconds < *best)) {
          best = cell.seconds;
          best_estimated = !cell.mark.empty();
        }
      }
      row.push_back(best ? fmt::format("{:.2f}{}", ours[s].seconds / *best, best_estimated || ours[s].estimated ? " (est.)" : "") : "-");
    }
    rows.push_back(std::move(row));
  }
  std::vector<std::size_t> width(header.size());
  for (std::size_t c = 0; c < header.size(); ++c) {
    width[c] = header[c].size();
    for (const auto& row : rows) width[c] = std::max(width[c], row[c].size());
  }
  const auto print_row = [&](const std::vector<std::string>& row) {
    std::string line = "|";
    for (std::size_t c = 0; c < row.size(); ++c) line += fmt::format(" {:<{}} |", row[c], width[c]);
    fmt::print("{}\n", line);
  };
  fmt::print("\ntimes in seconds (median of {} runs for steps under 1 s; (est.): extrapolated from a sample of\n"
             "sources because the full run would pass {:.0f} s; (>limit): stopped at that limit)\n",
             o.reps, o.budget_seconds);
  print_row(header);
  std::string rule = "|";
  for (const std::size_t w : width) rule += std::string(w + 2, '-') + "|";
  fmt::print("{}\n", rule);
  for (const auto& row : rows) print_row(row);
  fmt::print("\npeak RSS: talentgraph {:.0f} MiB", our_rss_mib);
  if (o.peers) fmt::print(", peers (python) {:.0f} MiB", report["peak_rss_mib"].get<double>());
  fmt::print("\n");
  return 0;
}

}  // namespace
}  // namespace tg::bench

int main(int argc, char** argv) {
  CLI::App app{"tg-bench: benchmarks of talentgraph"};
  app.require_subcommand(1);
  tg::bench::GraphBenchOptions options;
  std::string scale = "S";
  CLI::App* graph = app.add_subcommand("graph", "time the graph questions on synthetic careers");
  graph->add_option("--scale", scale, "S (10k people), M (200k) or L (2M)")->check(CLI::IsMember({"S", "M", "L"}));
  graph->add_flag("--peers", options.peers, "also time NetworkX, igraph and graph-tool on the same graphs");
  graph->add_option("--seed", options.seed, "generator seed");
  graph->add_option("--reps", options.reps, "repetitions of fast steps (median)")->check(CLI::PositiveNumber);
  graph->add_option("--threads", options.threads, "threads (0: all cores)");
  graph->add_option("--peer-budget", options.budget_seconds, "seconds beyond which a peer step is estimated");
  tg::bench::IngestBenchOptions ingest_options;
  CLI::App* ingest = app.add_subcommand("ingest", "time `talentgraph ingest` of a synthetic career CSV beside sqlite3 .import");
  ingest->add_option("--rows", ingest_options.rows, "rows of the generated CSV")->capture_default_str();
  ingest->add_option("--seed", ingest_options.seed, "generator seed");
  ingest->add_option("--reps", ingest_options.reps, "runs of each (median)")->check(CLI::PositiveNumber);
  ingest->add_option("--workdir", ingest_options.workdir, "keep the CSV and databases here");
  tg::bench::CliBenchOptions cli_options;
  CLI::App* cli = app.add_subcommand("cli", "time cold CLI queries (new process, cached snapshot) on a synthetic database");
  cli->add_option("--scale", cli_options.scale, "S, M or L")->check(CLI::IsMember({"S", "M", "L"}))->capture_default_str();
  cli->add_option("--seed", cli_options.seed, "generator seed");
  cli->add_option("--reps", cli_options.reps, "runs (median)")->check(CLI::PositiveNumber);
  cli->add_option("--workdir", cli_options.workdir, "keep the database here (reused when present)");
  tg::bench::RebuildBenchOptions rebuild_options;
  CLI::App* rebuild = app.add_subcommand(
      "rebuild", "time `talentgraph rebuild --sources` on a generated folder beside a first ingest of it");
  rebuild->add_option("--files", rebuild_options.files, "files in the folder (one CSV file per 100)")
      ->check(CLI::Range(2, 10'000'000))
      ->capture_default_str();
  rebuild->add_option("--relations", rebuild_options.relations, "relations (employments), half of them in CSV files")
      ->check(CLI::Range(100, 100'000'000))
      ->capture_default_str();
  rebuild->add_option("--seed", rebuild_options.seed, "generator seed");
  rebuild->add_option("--reps", rebuild_options.reps, "runs of the fast steps (median)")->check(CLI::PositiveNumber);
  rebuild->add_option("--workdir", rebuild_options.workdir, "keep the folder and databases here");
  tg::bench::ExportBenchOptions export_options;
  CLI::App* exp = app.add_subcommand(
      "export", "time `talentgraph export` to node-link and GEXF beside NetworkX's node_link_data + json.dump and write_gexf");
  exp->add_option("--scale", export_options.scale, "S, M or L")->check(CLI::IsMember({"S", "M", "L"}))->capture_default_str();
  exp->add_option("--seed", export_options.seed, "generator seed");
  exp->add_option("--reps", export_options.reps, "runs of each export and each NetworkX step (the median is reported)")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  exp->add_option("--workdir", export_options.workdir, "keep the database and files here (the database reused when present)");
  exp->add_flag("!--no-gexf", export_options.gexf, "node-link only (NetworkX's write_gexf of the L graph needs ~30 GiB)");
  tg::bench::LoadBenchOptions load_options;
  CLI::App* load = app.add_subcommand(
      "load", "readers' latency and errors (new talentgraph processes, a random mix) while ingest and rebuild write the store");
  load->add_option("--scale", load_options.scale, "S, M or L")->check(CLI::IsMember({"S", "M", "L"}))->capture_default_str();
  load->add_option("--seed", load_options.seed, "seed of the store, the newcomers and the readers' queries");
  load->add_option("--readers", load_options.readers, "concurrent readers")->check(CLI::Range(1, 64))->capture_default_str();
  load->add_option("--seconds", load_options.seconds, "readers run this long (default: until the writers end, then --tail)");
  load->add_option("--tail", load_options.tail_seconds, "seconds of readers after the last write")->capture_default_str();
  load->add_option("--newcomers", load_options.extra_people, "people the ingest adds (default: a quarter of the scale's)");
  load->add_flag("!--no-rebuild", load_options.rebuild, "skip the rebuild --sources after the ingest");
  load->add_option("--p99", load_options.p99_target, "target p99 latency, seconds")->capture_default_str();
  load->add_option("--workdir", load_options.workdir, "keep the store here (reused when present; the run writes a copy)");
  tg::bench::LimitsBenchOptions limits_options;
  CLI::App* limits = app.add_subcommand(
      "limits", "path and moves (cold: building the snapshot cache, then warm) under an address-space limit (RLIMIT_AS)");
  limits->add_option("--scale", limits_options.scale, "S, M or L")->check(CLI::IsMember({"S", "M", "L"}))->capture_default_str();
  limits->add_option("--seed", limits_options.seed, "generator seed");
  limits->add_option("--limit-mib", limits_options.limit_mib, "the address-space limit, MiB")->check(CLI::PositiveNumber)->capture_default_str();
  limits->add_option("--headroom-mib", limits_options.headroom_mib,
                     "instead of --limit-mib: the least limit `stats` runs under, plus this many MiB");
  limits->add_flag("!--no-cold", limits_options.cold, "keep the snapshot cache (no cold query)");
  limits->add_option("--workdir", limits_options.workdir, "keep the database here (reused when present)");
  CLI11_PARSE(app, argc, argv);
  if (limits->parsed()) return tg::bench::run_limits_bench(limits_options);
  if (load->parsed()) return tg::bench::run_load_bench(load_options);
  if (exp->parsed()) return tg::bench::run_export_bench(export_options);
  if (rebuild->parsed()) return tg::bench::run_rebuild_bench(rebuild_options);
  if (ingest->parsed()) return tg::bench::run_ingest_bench(ingest_options);
  if (cli->parsed()) return tg::bench::run_cli_bench(cli_options);
  options.scale = *tg::bench::parse_scale(scale);
  return tg::bench::run_graph_bench(options);
}
