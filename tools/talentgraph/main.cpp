// talentgraph: the command line. A thin adapter: parse arguments, open the store, run the one
// command named, which validates its options, calls the ingest or query library and prints the
// answer. Data goes to stdout, messages to stderr.
//
// Exit codes: 0 ok; 1 unexpected failure; 2 usage; 3 bad input data; 4 missing database;
// 5 entity not found; 6 I/O or database error; 7 no path; 8 ambiguous name; 10 rebuild done with
// skipped files; 75 another process is writing the database (EX_TEMPFAIL: try again later).

#include <filesystem>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "graph/files.h"
#include "graph/lock.h"
#include "graph/snapshot.h"
#include "graph/store.h"
#include "ingest/new_store.h"
#include "tools/talentgraph/cli.h"

namespace tg::cli {
namespace {

// The subcommands, in the order of the help.
constexpr Command kCommands[] = {
    {"ingest", "Add sources (files or folders) in one all-or-nothing transaction", true, true, setup_ingest},
    {"rebuild", "Bring the store in line with a folder of sources, reading only what changed", true, true,
     setup_rebuild},
    {"changes", "What the logged writes (rebuild, ingest) changed: moves that appeared and went, with filters", false,
     false, setup_changes},
    {"moves", "Who moved where: people's moves between organisations, with evidence", false, false, setup_moves},
    {"show", "An entity card: aliases, ids, timeline of relations, sources", false, false, setup_show},
    {"search", "Find names containing a fragment, in any script", false, false, setup_search},
    {"stats", "Counts of entities and relations by kind, sources and claims", false, false, setup_stats},
    {"path", "The shortest chain of relations linking two entities, with evidence", false, false, setup_path},
    {"rank", "Centrality: talent magnets, brokers and hubs", false, false, setup_rank},
    {"flows", "Aggregated moves between organisations or countries, and net gain", false, false, setup_flows},
    {"forget", "Remove a person and every claim about them, for good", false, true, setup_forget},
    {"candidates", "Pairs that may be one entity (name order, one edit, contained names), for curation", false,
     false, setup_candidates},
    {"export", "The graph or a selection of it for NetworkX, Gephi, Cytoscape, Graphviz, Neo4j, Spark", false, false,
     setup_export},
    {"view", "The selection as one offline HTML page: network, time slider, search, cards, flows", false, false, setup_view},
};

int run(int argc, char** argv) {
  CLI::App app{"talentgraph: a knowledge graph of tech-talent movement", "talentgraph"};
  app.require_subcommand(1);
  app.footer(
      "Exit codes: 0 ok, 1 unexpected failure, 2 usage, 3 bad input data (nothing written), 4 missing database,\n"
      "5 no such entity, 6 I/O or database error, 7 no path, 8 ambiguous name, 10 rebuild done with skipped\n"
      "files, 75 another talentgraph is writing the database (try again later).");
  Env env;
  app.add_option("--db", env.db_path, "Database file (default: $TALENTGRAPH_DB, else talentgraph.db)")
      ->envname("TALENTGRAPH_DB");
  struct Entry {
    const Command* command;
    CLI::App* app;
    Run run;
  };
  std::vector<Entry> entries;
  for (const Command& c : kCommands) {
    CLI::App* sub = app.add_subcommand(c.name, c.help);
    entries.push_back({&c, sub, c.setup(*sub)});
  }

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return static_cast<int>(ErrorCode::usage);
  }
  if (env.db_path.empty()) env.db_path = "talentgraph.db";

  for (Entry& entry : entries) {
    if (!entry.app->parsed()) continue;
    // Writers one at a time, and the second told at once (readers take no lock: WAL).
    std::optional<WriterLock> lock;
    if (std::error_code ec; entry.command->writes && (entry.command->creates_store || std::filesystem::exists(env.db_path, ec))) {
      auto locked = WriterLock::acquire(env.db_path);
      if (!locked) return report(locked.error());
      lock.emplace(std::move(*locked));
    }
    // What killed runs left beside the store goes with the next run, reader or writer: a first
    // ingest's side files, a query's half-written snapshot cache (only of processes now gone).
    remove_files_of_dead_processes(ingest::new_store_side_prefix(env.db_path));
    if (std::error_code ec; entry.command->creates_store && !std::filesystem::exists(env.db_path, ec))
      return entry.run(env);
    // Queries open the store read-only (a store in a read-only folder or file reads; nothing is
    // ever written to the file). Only ingest and rebuild may make a store of a file (an empty
    // one); every command refuses a file that is not a talentgraph store, leaving it as it was.
    const OpenMode mode = !entry.command->writes         ? OpenMode::read_only
                          : entry.command->creates_store ? OpenMode::create_if_missing
                                                         : OpenMode::existing_only;
    auto store = Store::open(env.db_path, mode);
    if (!store) return report(store.error());
    // A writer first checks the store (PRAGMA quick_check; integrity_check under 4 MiB): writing
    // into a damaged store spreads the damage. On a 564 MB store (1M relations) quick_check took
    // 15 s and integrity_check 470 s on the loaded 2-core machine: the full check only when small.
    if (entry.command->writes) {
      constexpr std::int64_t kFullCheckBelow = std::int64_t(4) << 20;
      std::string problems;
      try {
        problems = store->integrity_problems(kFullCheckBelow);
      } catch (const StoreError& e) {
        problems = e.what();
      }
      if (!problems.empty())
        return report({ErrorCode::io,
                       fmt::format("{}: the store fails SQLite's integrity check ({}); nothing was written. Restore "
                                   "it from a backup, or rebuild it into a new file from the sources",
                                   env.db_path, problems)});
    }
    remove_files_of_dead_processes(atomic_write_prefix(graph::cache_path(*store)));
    env.store = &*store;
    try {
      // A query reads one state of the store from its first read to its answer, however many
      // statements it takes: a rebuild committing meanwhile is seen by the next query, never
      // half by this one (WAL keeps the old state for the open read transaction).
      std::optional<Store::ReadTransaction> one_state;
      if (!entry.command->writes) one_state.emplace(*store);
      return entry.run(env);
    } catch (const StoreError& e) {
      return report({ErrorCode::io, fmt::format("{}: {}", env.db_path, e.what())});
    }
  }
  return static_cast<int>(ErrorCode::usage);
}

}  // namespace
}  // namespace tg::cli

int main(int argc, char** argv) {
  try {
    return tg::cli::run(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "talentgraph: unexpected error: " << e.what() << '\n';
    return 1;
  }
}
