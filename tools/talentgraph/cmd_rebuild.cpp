// rebuild --sources DIR: the nightly rebuild of the store from a folder (ingest/rebuild.h).
#include <iostream>
#include <memory>
#include <string>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "ingest/rebuild.h"
#include "tools/talentgraph/cli.h"
#include "tools/talentgraph/ingest_report.h"

namespace tg::cli {
namespace {

// "Done, with skipped files": the night went on, but some file needs a look (not a failure).
constexpr int kExitSkipped = 10;

struct RebuildArgs {
  ingest::RebuildOptions options;
  std::string format = "table";  // the report: table (stderr) or json (stdout)
};

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
  return Object{{"sources", args.options.sources},
                {"files", Object{{"added", names(r.added)}, {"changed", names(r.changed)}, {"removed", names(r.removed)},
                                 {"unchanged", n(r.unchanged)}, {"touched_same_bytes", n(r.rehashed)},
                                 {"read_again", n(r.reread)}, {"skipped", std::move(skipped)}}},
                {"ingest", report_json(r.ingest)},
                {"dry_run", args.options.dry_run},
                {"full", args.options.full},
                {"written", r.written},
                {"generation", r.generation}};
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
  auto result = ingest::rebuild(*env.store, args.options);
  if (!result) {
    std::cerr << result.error().str() << '\n';
    std::cerr << "talentgraph: rebuild failed; the database is unchanged\n";
    return static_cast<int>(result.error().code);
  }
  if (args.format == "json")
    print_json(std::cout, rebuild_json(*result, args));
  else
    print_rebuild(*result, args);
  return result->skipped.empty() ? 0 : kExitSkipped;
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
  return [args](Env& env) { return run_rebuild(env, *args); };
}

}  // namespace tg::cli
