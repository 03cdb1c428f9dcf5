// rebuild --sources DIR: the nightly rebuild of the store from a folder (ingest/rebuild.h).
#include <iostream>
#include <memory>
#include <sstream>
#include <string>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "graph/files.h"
#include "ingest/rebuild.h"
#include "tools/talentgraph/cli.h"
#include "tools/talentgraph/ingest_report.h"
#include "tools/talentgraph/log_output.h"

namespace tg::cli {
namespace {

// "Done, with skipped files": the night went on, but some file needs a look (not a failure).
constexpr int kExitSkipped = 10;

// How many new (and retracted) moves the summary lists; the JSON report and `changes` have all.
constexpr std::size_t kMovesListed = 20;

struct RebuildArgs {
  ingest::RebuildOptions options;
  std::string format = "table";  // the report: table (stderr) or json (stdout)
  std::string report_file;       // the JSON report, also written here
  InputLimitOptions limits;
};

// The one line that says what happened, for logs (cron, journald) and grep:
// "talentgraph rebuild: generation 12, 3 files changed, 5 moves new, 1 retracted, 0 skipped, 1.2 s".
std::string summary_line(const ingest::RebuildReport& r, const RebuildArgs& args) {
  const std::string what = args.options.dry_run ? fmt::format("dry run, generation {} unchanged", r.generation)
                           : r.written          ? fmt::format("generation {}", r.generation)
                                                : fmt::format("nothing changed, generation {} unchanged", r.generation);
  const std::string moves = r.moves_known ? fmt::format("{} moves new, {} retracted", r.moves_new(), r.moves_retracted())
                                          : std::string("moves not compared");
  return fmt::format("talentgraph rebuild: {}, {} files changed, {}, {} skipped, {:.1f} s", what,
                     r.added.size() + r.changed.size() + r.removed.size(), moves, r.skipped.size(),
                     static_cast<double>(r.duration_ms) / 1000.0);
}

void print_moves(const ingest::RebuildReport& r, const RebuildArgs& args) {
  if (!r.moves_known) {
    std::cerr << "  moves: not compared (a store in memory keeps nothing to compare with)\n";
    return;
  }
  const std::size_t added = r.moves_new(), retracted = r.moves_retracted();
  std::cerr << fmt::format("  moves: {} new, {} retracted\n", added, retracted);
  if (r.initial_load) {
    std::cerr << fmt::format("    the first load into an empty store: its {} move(s) are not listed one by one "
                             "(talentgraph moves lists them)\n", added);
    return;
  }
  for (int change : {+1, -1}) {
    std::size_t shown = 0, total = change > 0 ? added : retracted;
    for (const auto& m : r.moves) {
      if (m.change != change) continue;
      if (shown++ == kMovesListed) break;
      std::cerr << fmt::format("    {:<9}  {}\n", change > 0 ? "NEW" : "RETRACTED", logged_move_line(m));
    }
    if (total > kMovesListed)
      std::cerr << fmt::format("    … and {} more {}{}\n", total - kMovesListed, change > 0 ? "new" : "retracted",
                               r.written && !args.options.dry_run ? " (talentgraph changes --since last lists them all)"
                                                                  : " (--format json lists them all)");
  }
}

void print_rebuild(const ingest::RebuildReport& r, const RebuildArgs& args) {
  std::cerr << fmt::format("rebuild of {}: {} file(s) added, {} changed, {} removed, {} unchanged{}, {} skipped\n",
                           args.options.sources, r.added.size(), r.changed.size(), r.removed.size(), r.unchanged,
                           r.rehashed ? fmt::format(" ({} touched, same bytes)", r.rehashed) : "", r.skipped.size());
  auto list = [](const char* what, const std::vector<std::string>& files) {
    if (!files.empty()) std::cerr << fmt::format("  {}: {}\n", what, fmt::join(files, ", "));
  };
  list("added", r.added);
  list("changed", r.changed);
  list("removed", r.removed);
  if (r.reread) std::cerr << fmt::format("  read again: {} unchanged file(s) sharing a source id with a changed one\n", r.reread);
  for (const auto& s : r.skipped) {
    std::cerr << fmt::format("  skipped {} (its previous claims stay; the next rebuild tries it again):\n", s.path);
    for (const auto& e : s.errors) std::cerr << "    " << e.str() << '\n';
  }
  if (r.ingest.files || !r.removed.empty() || args.options.full) {
    print_report(r.ingest);
    if (!r.ingest.sources_revised && !r.ingest.csv_files_revised)  // else print_report said it
      std::cerr << fmt::format("  retracted {} claim(s), {} relation(s), {} entit{}, {} alias(es), {} external id(s)\n",
                               r.ingest.retracted.claims, r.ingest.retracted.relations, r.ingest.retracted.entities,
                               r.ingest.retracted.entities == 1 ? "y" : "ies", r.ingest.retracted.aliases,
                               r.ingest.retracted.ids);
  }
  if (r.written || args.options.dry_run) print_moves(r, args);
  if (args.options.dry_run)
    std::cerr << "dry run: nothing was written\n";
  else if (!r.written)
    std::cerr << "nothing changed: nothing was written\n";
}

Value rebuild_json(const ingest::RebuildReport& r, const RebuildArgs& args) {
  auto names = [](const std::vector<std::string>& v) { return List(v.begin(), v.end()); };
  List skipped;
  for (const auto& s : r.skipped) {
    List errors;
    for (const auto& e : s.errors) errors.push_back(e.str());
    skipped.push_back(Object{{"path", s.path}, {"errors", std::move(errors)}});
  }
  auto n = [](std::size_t v) { return static_cast<std::int64_t>(v); };
  List read;
  for (const auto& f : r.files_read)
    read.push_back(Object{{"path", f.path}, {"state", f.state}, {"documents", n(f.documents)},
                          {"relations", n(f.relations)}, {"csv_rows", n(f.csv_rows)}});
  List added, retracted;
  for (const auto& m : r.moves) (m.change > 0 ? added : retracted).push_back(logged_move_json(m));
  return Object{{"sources", args.options.sources},
                {"files", Object{{"added", names(r.added)}, {"changed", names(r.changed)}, {"removed", names(r.removed)},
                                 {"unchanged", n(r.unchanged)}, {"touched_same_bytes", n(r.rehashed)},
                                 {"read_again", n(r.reread)}, {"skipped", std::move(skipped)},
                                 {"read", std::move(read)}}},
                {"ingest", report_json(r.ingest)},
                {"moves", r.moves_known ? Value(Object{{"initial_load", r.initial_load},
                                                       {"total", static_cast<std::int64_t>(r.moves_new() + r.moves_retracted())},
                                                       {"new", std::move(added)}, {"retracted", std::move(retracted)}})
                                        : Value()},
                {"dry_run", args.options.dry_run},
                {"full", args.options.full},
                {"written", r.written},
                {"generation", r.generation},
                {"started", r.started},
                {"finished", r.finished},
                {"duration_ms", r.duration_ms},
                {"summary", summary_line(r, args)}};
}

int run_rebuild(Env& env, const RebuildArgs& args) {
  // No database yet: it is created as usual (an empty store, then the one transaction); a dry
  // run works on an empty store in memory and leaves no file behind.
  std::optional<Store> created;
  if (!env.store) {
    auto opened = Store::open(args.options.dry_run ? ":memory:" : env.db_path, OpenMode::create_if_missing);
    if (!opened) return report(opened.error());
    created = std::move(*opened);
    env.store = &*created;
  }
  ingest::RebuildOptions options = args.options;
  options.before_write = env.check_before_write;
  auto limits = args.limits.limits();
  if (!limits) return report(limits.error());
  options.limits = *limits;
  auto result = ingest::rebuild(*env.store, options);
  if (!result) {
    std::cerr << result.error().str() << '\n';
    std::cerr << "talentgraph: rebuild failed; the database is unchanged\n";
    return static_cast<int>(result.error().code);
  }
  if (args.format == "json")
    print_json(std::cout, rebuild_json(*result, args));
  else if (!env.quiet)  // --quiet: only the summary line (and errors)
    print_rebuild(*result, args);
  else
    for (const auto& s : result->skipped)  // errors are never quiet
      for (const auto& e : s.errors) std::cerr << e.str() << '\n';
  int status = result->skipped.empty() ? 0 : kExitSkipped;
  if (!args.report_file.empty()) {
    std::ostringstream json;
    print_json(json, rebuild_json(*result, args));
    if (auto written = write_file_atomic(args.report_file, json.str()); !written) {
      // The rebuild is done (or was a dry run): only its report is missing.
      report(written.error());
      status = static_cast<int>(written.error().code);
    }
  }
  std::cerr << summary_line(*result, args) << '\n';
  return status;
}

}  // namespace

Run setup_rebuild(CLI::App& cmd) {
  auto args = std::make_shared<RebuildArgs>();
  cmd.add_option("--sources", args->options.sources, "The folder of sources (*.json, *.jsonl, *.csv, curation.json)")
      ->required();
  cmd.add_flag("--dry-run", args->options.dry_run, "Say what would change, and write nothing");
  cmd.add_flag("--keep-going", args->options.keep_going,
               "Skip files with errors (they keep their previous claims) and go on; exit 10 if any was skipped");
  cmd.add_flag("--full", args->options.full, "Retract everything and ingest every file again");
  cmd.add_option("--format", args->format, "The report: table (on stderr) or json (on stdout)")
      ->check(CLI::IsMember({"table", "json"}))
      ->capture_default_str();
  cmd.add_option("--report", args->report_file,
                 "Also write the report as JSON to this file (written aside, then renamed into place)");
  // --quiet is the global option (before or after the command): only the summary line
  // (talentgraph rebuild: generation N, …) and errors, for cron and systemd; no progress.
  args->limits.setup(cmd);
  return [args](Env& env) { return run_rebuild(env, *args); };
}

}  // namespace tg::cli
