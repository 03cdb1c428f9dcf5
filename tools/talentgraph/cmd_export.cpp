// export: the graph (or a selection of it) in the formats other tools read: NetworkX node-link
// JSON, Cytoscape.js (.cyjs), GEXF (Gephi), GraphML, DOT (Graphviz), and CSV for Neo4j's bulk
// import, Spark GraphFrames and Gephi. The format is the first argument; --format keeps its one
// meaning (query output) and is not an option here.
#include <algorithm>
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <functional>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <system_error>
#include <thread>
#include <tuple>
#include <vector>

#include <fmt/format.h>

#include "graph/files.h"
#include "queries/export.h"
#include "tools/talentgraph/cli.h"

namespace tg::cli {
namespace {

struct ExportArgs {
  std::string format;
  std::string out;
  std::string graph = "affiliation";
  std::string around;
  std::optional<std::uint32_t> hops;
  std::string kinds;
  DateOptions dates;
  std::optional<double> min_confidence;
  bool roll_up = false, include_undated = false, clusters = false;
  std::string redact;
  std::string links_key, gexf_version, dialect;

  Result<queries::ExportSelection> selection() const {
    queries::ExportSelection s;
    s.graph = graph == "moves" ? queries::ExportGraphKind::moves : queries::ExportGraphKind::affiliation;
    if (hops && around.empty()) return fail(ErrorCode::usage, "export: --hops: takes --around NAME");
    s.around = around;
    if (hops) s.hops = *hops;
    std::size_t pos = 0;
    while (!kinds.empty() && pos <= kinds.size()) {
      const std::size_t comma = std::min(kinds.find(',', pos), kinds.size());
      const std::string item = kinds.substr(pos, comma - pos);
      auto k = parse_node_kind(item);
      if (!k)
        return fail(ErrorCode::usage,
                    fmt::format("export: --kinds: unknown kind \"{}\" (person, company, lab, university, agency, "
                                "place, regulation, product)",
                                item));
      s.kinds.push_back(*k);
      pos = comma + 1;
    }
    auto window = dates.window();
    if (!window) return fail(window.error());
    s.window = *window;
    auto as_of = dates.as_of_day();
    if (!as_of) return fail(as_of.error());
    s.as_of = *as_of;
    if (min_confidence && !(*min_confidence >= 0 && *min_confidence <= 1))
      return fail(ErrorCode::usage, fmt::format("export: --min-confidence: must be in [0, 1] (found {})", *min_confidence));
    s.min_confidence = min_confidence;
    if (include_undated && s.graph != queries::ExportGraphKind::moves)
      return fail(ErrorCode::usage, "export: --include-undated: applies to --graph moves");
    if (auto ok = check_include_undated(include_undated, s.window); !ok) return fail(ok.error());
    s.include_undated = include_undated;
    s.roll_up = roll_up;
    if (!redact.empty() && redact != "people")
      return fail(ErrorCode::usage, fmt::format("export: --redact: only \"people\" can be redacted (found \"{}\")", redact));
    s.redact_people = redact == "people";
    // Options of one format given to another: refused rather than ignored.
    for (auto [given, option, owner] : {std::tuple{!links_key.empty(), "--links-key", "node-link"},
                                        std::tuple{!gexf_version.empty(), "--gexf-version", "gexf"},
                                        std::tuple{!dialect.empty(), "--dialect", "csv"},
                                        std::tuple{clusters, "--clusters", "dot"}})
      if (given && format != owner)
        return fail(ErrorCode::usage, fmt::format("export: {}: applies to the {} format only", option, owner));
    if (format == "csv" && dialect.empty())
      return fail(ErrorCode::usage, "export: csv: --dialect is required (neo4j, graphframes or gephi)");
    if (format == "csv" && out.empty())
      return fail(ErrorCode::usage, "export: csv: --out DIR is required (the dialects write several files)");
    return s;
  }
};

// Runs `write` with a sink into `path` (stdout when empty), piece by piece.
// Pieces of an export written to its file by a second thread: the kernel's copy of them into the
// page cache (a quarter of a node-link export's time at the M scale) runs beside the formatting
// of the next ones. At most kQueued bytes wait; their buffers are reused. After a failed write the
// rest is dropped and finish() returns the error.
class WriterThread {
 public:
  explicit WriterThread(AtomicFile& file) : file_(file), thread_([this] { run(); }) {}
  WriterThread(const WriterThread&) = delete;
  WriterThread& operator=(const WriterThread&) = delete;
  ~WriterThread() { (void)finish(); }

  void write(std::string_view piece) {
    std::unique_lock lock(mutex_);
    room_.wait(lock, [&] { return queued_ < kQueued || failed_; });
    if (failed_) return;
    std::string buffer;
    if (!spare_.empty()) {
      buffer = std::move(spare_.back());
      spare_.pop_back();
    }
    buffer.assign(piece);
    queued_ += buffer.size();
    queue_.push_back(std::move(buffer));
    ready_.notify_one();
  }

  Result<void> finish() {
    {
      const std::lock_guard lock(mutex_);
      done_ = true;
    }
    ready_.notify_one();
    if (thread_.joinable()) thread_.join();
    return result_;
  }

 private:
  static constexpr std::size_t kQueued = std::size_t(8) << 20;
  void run() {
    std::unique_lock lock(mutex_);
    for (;;) {
      ready_.wait(lock, [&] { return !queue_.empty() || done_; });
      if (queue_.empty()) return;
      std::string piece = std::move(queue_.front());
      queue_.pop_front();
      lock.unlock();
      Result<void> ok = failed_written() ? Result<void>{} : file_.write(piece);
      lock.lock();
      if (!ok) {
        result_ = std::move(ok);
        failed_ = true;
      }
      queued_ -= piece.size();
      piece.clear();
      spare_.push_back(std::move(piece));
      room_.notify_one();
    }
  }
  bool failed_written() const { return !result_; }  // read by the writing thread only

  AtomicFile& file_;
  std::mutex mutex_;
  std::condition_variable ready_, room_;
  std::deque<std::string> queue_;
  std::vector<std::string> spare_;
  std::size_t queued_ = 0;
  bool done_ = false, failed_ = false;
  Result<void> result_;
  std::thread thread_;  // last: started once the rest is made
};

Result<void> write_out(const std::string& path, const std::function<void(const queries::ExportSink&)>& write) {
  if (path.empty()) {
    // A failed write is main's to say (talentgraph: writing output: …, exit 6).
    write([](std::string_view piece) { std::cout.write(piece.data(), static_cast<std::streamsize>(piece.size())); });
    return {};
  }
  // Atomic (a reader sees the old file or the new one) but not synced: an export is made again
  // from the store, and a sync of a large file would take longer than writing it.
  auto file = AtomicFile::create(path);
  if (!file) return fail(file.error());
  WriterThread writer(*file);
  write([&](std::string_view piece) { writer.write(piece); });
  if (auto written = writer.finish(); !written) return written;
  return file->commit(Sync::no);
}

Result<void> write_dir(const std::string& dir, const std::map<std::string, std::string>& files) {
  std::error_code ec;
  if (std::filesystem::exists(dir, ec) && !std::filesystem::is_directory(dir, ec))
    return fail(ErrorCode::io, fmt::format("{}: not a directory (csv writes one file per kind into a directory)", dir));
  std::filesystem::create_directories(dir, ec);
  if (ec) return fail(ErrorCode::io, fmt::format("{}: cannot create the directory ({})", dir, ec.message()));
  for (const auto& [name, text] : files)
    if (auto ok = write_file_atomic((std::filesystem::path(dir) / name).string(), text, Sync::no); !ok) return ok;
  return {};
}

int run_export(Env& env, const ExportArgs& args) {
  auto selection = args.selection();
  if (!selection) return report(selection.error());
  auto g = queries::select_export(*env.store, *selection);
  if (!g) return report(g.error());
  if (args.format == "cytoscape" || args.format == "gexf") lay_out(*g);  // the formats with positions
  Result<void> written;
  const std::string& f = args.format;
  if (f == "node-link") {
    queries::NodeLinkOptions o;
    if (!args.links_key.empty()) o.links_key = args.links_key;
    written = write_out(args.out, [&](const queries::ExportSink& sink) { queries::write_node_link(*g, sink, o); });
  } else if (f == "cytoscape") {
    written = write_out(args.out, [&](const queries::ExportSink& sink) { queries::write_cytoscape(*g, sink); });
  } else if (f == "gexf") {
    const auto version = args.gexf_version == "1.2draft" ? queries::GexfVersion::v1_2draft : queries::GexfVersion::v1_3;
    written = write_out(args.out, [&](const queries::ExportSink& sink) { queries::write_gexf(*g, sink, version); });
  } else if (f == "graphml") {
    written = write_out(args.out, [&](const queries::ExportSink& sink) { queries::write_graphml(*g, sink); });
  } else if (f == "dot") {
    written = write_out(args.out, [&](const queries::ExportSink& sink) { queries::write_dot(*g, sink, {.clusters = args.clusters}); });
  } else {
    const queries::CsvDialect d = args.dialect == "graphframes" ? queries::CsvDialect::graphframes
                                  : args.dialect == "gephi"     ? queries::CsvDialect::gephi
                                                                : queries::CsvDialect::neo4j;
    written = write_dir(args.out, queries::write_csv(*g, d));
  }
  if (!written) return report(written.error());
  if (!args.out.empty())
    std::cerr << fmt::format("(exported {} nodes and {} edges to {})\n", g->nodes.size(), g->edges.size(), args.out);
  return 0;
}

}  // namespace

Run setup_export(CLI::App& cmd) {
  auto args = std::make_shared<ExportArgs>();
  cmd.add_option("format", args->format, "node-link, cytoscape, gexf, graphml, dot or csv")
      ->required()
      ->check(CLI::IsMember({"node-link", "cytoscape", "gexf", "graphml", "dot", "csv"}));
  cmd.add_option("--out", args->out, "Output file (a directory for csv); standard output when not given");
  cmd.add_option("--graph", args->graph,
                 "affiliation (every relation) or moves (organisations, one edge per pair with people and moves per year)")
      ->check(CLI::IsMember({"affiliation", "moves"}))
      ->capture_default_str();
  cmd.add_option("--around", args->around, "Only the ego graph of this entity (any name or alias)");
  cmd.add_option("--hops", args->hops, "… within this many edges of it (default 2)")->check(CLI::Range(0, 64));
  cmd.add_option("--kinds", args->kinds, "Only nodes of these kinds, comma-separated (person,company,lab,…)");
  args->dates.setup(cmd);
  cmd.add_option("--min-confidence", args->min_confidence, "Only relations whose best claim has at least this confidence");
  add_roll_up(cmd, args->roll_up);
  cmd.add_flag("--include-undated", args->include_undated, "Move graph: keep moves of unknown date in a window");
  cmd.add_option("--redact", args->redact,
                 "people: leave people out, folded into counts on organisation-to-organisation edges (no personal data)");
  cmd.add_option("--links-key", args->links_key, "node-link: the edges' key, edges (default) or links (NetworkX <= 3.3)")
      ->check(CLI::IsMember({"edges", "links"}));
  cmd.add_option("--gexf-version", args->gexf_version, "gexf: 1.3 (default) or 1.2draft (older readers, NetworkX)")
      ->check(CLI::IsMember({"1.3", "1.2draft"}));
  cmd.add_option("--dialect", args->dialect, "csv: neo4j, graphframes or gephi")
      ->check(CLI::IsMember({"neo4j", "graphframes", "gephi"}));
  cmd.add_flag("--clusters", args->clusters, "dot: a cluster per country");
  return [args](Env& env) { return run_export(env, *args); };
}

}  // namespace tg::cli
