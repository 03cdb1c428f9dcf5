// talentgraph: the command line. A thin adapter: parse arguments, open the store, run the one
// command named, which validates its options, calls the ingest or query library and prints the
// answer. Data goes to stdout, messages to stderr.
//
// Exit codes: 0 ok; 1 unexpected failure; 2 usage; 3 bad input data; 4 missing database;
// 5 entity not found; 6 I/O or database error (writing the output too); 7 no path; 8 ambiguous
// name; 10 rebuild done with skipped files; 75 another process is writing the database
// (EX_TEMPFAIL: try again later). A closed pipe on stdout ends the run quietly: SIGPIPE, as
// every filter (the shell says 141), or exit 141 where SIGPIPE is blocked.

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <optional>
#include <streambuf>
#include <string>
#include <string_view>
#include <vector>

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "graph/files.h"
#include "graph/lock.h"
#include "graph/snapshot.h"
#include "graph/store.h"
#include "ingest/new_store.h"
#include "tools/talentgraph/cli.h"
#include "tools/talentgraph/progress.h"

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

// The exit status of a run ended by a closed pipe: 128 + SIGPIPE, as the shell reports a filter
// SIGPIPE killed.
constexpr int kExitClosedPipe = 128 + SIGPIPE;

// stdout through write(2) with a buffer of its own, so that a write that fails is seen with its
// errno (std::cout only says it failed); after a failure the rest is dropped.
class StdoutBuffer : public std::streambuf {
 public:
  StdoutBuffer() { setp(buffer_, buffer_ + sizeof buffer_); }
  int error() const { return error_; }

 protected:
  int_type overflow(int_type c) override {
    if (!drain()) return traits_type::eof();
    if (!traits_type::eq_int_type(c, traits_type::eof())) {
      *pptr() = traits_type::to_char_type(c);
      pbump(1);
    }
    return traits_type::not_eof(c);
  }
  int sync() override { return drain() ? 0 : -1; }

 private:
  bool drain() {
    const char* p = pbase();
    while (error_ == 0 && p < pptr()) {
      const ssize_t n = ::write(STDOUT_FILENO, p, static_cast<std::size_t>(pptr() - p));
      if (n >= 0) p += n;
      else if (errno != EINTR) error_ = errno;
    }
    setp(buffer_, buffer_ + sizeof buffer_);
    return error_ == 0;
  }
  char buffer_[1 << 16];
  int error_ = 0;
};

// The run's status once its output is flushed: a closed pipe ends it quietly, another failed
// write (a full disk) is said and is exit 6.
int finish_output(StdoutBuffer& out, int status) {
  std::cout.flush();
  if (out.error() == 0) return status;
  if (out.error() == EPIPE) return kExitClosedPipe;
  std::cerr << "talentgraph: writing output: " << std::strerror(out.error()) << '\n';
  return status ? status : static_cast<int>(ErrorCode::io);
}

// Optimal string alignment distance: a swap of two neighbours is one edit ("mvoes").
std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::vector<std::size_t>> d(a.size() + 1, std::vector<std::size_t>(b.size() + 1));
  for (std::size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (std::size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i)
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
    }
  return d[a.size()][b.size()];
}

// The name of `names` closest to `word`, when it is close enough to be a typo of it ("" else).
std::string closest(std::string_view word, const std::vector<std::string>& names) {
  std::string best;
  std::size_t best_distance = std::max<std::size_t>(2, word.size() / 3) + 1;
  for (const auto& n : names)
    if (const std::size_t d = edit_distance(word, n); d < best_distance && d < std::max(word.size(), n.size()))
      best = n, best_distance = d;
  return best;
}

// The first word of the command line that is no global option (--db PATH, --db=PATH, --help,
// --version) or its value: the command's name, if any.
std::optional<std::string_view> command_word(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    const std::string_view a = argv[i];
    if (a == "--") return i + 1 < argc ? std::optional<std::string_view>(argv[i + 1]) : std::nullopt;
    if (a == "--db") ++i;
    else if (!a.starts_with("-")) return a;
  }
  return std::nullopt;
}

bool asks_for_help_or_version(int argc, char** argv) {
  for (int i = 1; i < argc; ++i)
    for (std::string_view flag : {"-h", "--help", "--help-all", "--version"})
      if (argv[i] == flag) return true;
  return false;
}

// A parse error as users see it: "talentgraph: COMMAND: what", with the likeliest option meant
// for one misspelt; exit 2.
int usage_error(CLI::App& app, CLI::App* sub, const CLI::ParseError& e, int argc, char** argv) {
  const std::string where = sub ? fmt::format("{}: ", sub->get_name()) : std::string();
  std::vector<std::string> names;
  for (const CLI::App* a : std::initializer_list<const CLI::App*>{&app, sub})
    if (a)
      for (const CLI::Option* o : a->get_options()) {
        for (const std::string& n : o->get_lnames()) names.push_back("--" + n);
        for (const std::string& n : o->get_snames()) names.push_back("-" + n);
      }
  // The first word that looks like an option and is none.
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--") break;
    if (!arg.starts_with("-") || arg.size() < 2 || (arg[1] >= '0' && arg[1] <= '9')) continue;
    const std::string option(arg.substr(0, arg.find('=')));
    if (std::ranges::find(names, option) != names.end()) continue;
    const std::string guess = closest(option, names);
    std::cerr << fmt::format("talentgraph: {}unknown option \"{}\"{}\n", where, printable(option),
                             guess.empty() ? fmt::format(" (talentgraph {}--help lists them)", sub ? sub->get_name() + " " : "")
                                           : fmt::format("; did you mean \"{}\"?", guess));
    return static_cast<int>(ErrorCode::usage);
  }
  std::cerr << "talentgraph: " << where << printable(e.what()) << '\n';
  return static_cast<int>(ErrorCode::usage);
}

int run(int argc, char** argv) {
  CLI::App app{"talentgraph: a knowledge graph of tech-talent movement", "talentgraph"};
  app.require_subcommand(1);
  // --db is taken before the command or after it (`stats --db x.db`): the commands' options
  // that are not theirs fall through to it.
  app.fallthrough();
  app.set_version_flag("--version", fmt::format("talentgraph {}", TG_VERSION), "Print the version and exit");
  app.footer(
      "Exit codes: 0 ok, 1 unexpected failure, 2 usage, 3 bad input data (nothing written), 4 missing database,\n"
      "5 no such entity, 6 I/O or database error (writing the output too), 7 no path, 8 ambiguous name,\n"
      "10 rebuild done with skipped files, 75 another talentgraph is writing the database (try again later).");
  Env env;
  app.add_option("--db", env.db_path, "Database file (default: $TALENTGRAPH_DB, else talentgraph.db); the last given wins")
      ->envname("TALENTGRAPH_DB")
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
  bool quiet = false;
  app.add_flag("-q,--quiet", quiet, "No progress display on the terminal (rebuild: only the summary line, and errors)");
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

  // No command, or one that is none: said here, with the likeliest one meant.
  std::vector<std::string> names;
  for (const Command& c : kCommands) names.emplace_back(c.name);
  const auto word = command_word(argc, argv);
  if (word && std::ranges::find(names, *word) == names.end()) {
    const std::string guess = closest(*word, names);
    std::cerr << fmt::format("talentgraph: unknown command \"{}\"{}\n", printable(*word),
                             guess.empty() ? " (talentgraph --help lists the commands)"
                                           : fmt::format("; did you mean \"{}\"?", guess));
    return static_cast<int>(ErrorCode::usage);
  }
  if (!word && !asks_for_help_or_version(argc, argv)) {
    std::cerr << "talentgraph: a command is required (talentgraph --help lists them)\n";
    return static_cast<int>(ErrorCode::usage);
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    return usage_error(app, word ? app.get_subcommand(std::string(*word)) : nullptr, e, argc, argv);
  }
  if (env.db_path.empty()) env.db_path = "talentgraph.db";
  // Progress of long work on stderr when it is a terminal (--quiet: none).
  env.quiet = quiet;
  std::optional<TerminalProgress> progress;
  if (progress_wanted(quiet)) progress.emplace(STDERR_FILENO, progress_delay());
  struct Uninstall {
    ~Uninstall() { set_progress_sink(nullptr); }
  } uninstall;
  if (progress) set_progress_sink(&*progress);

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
      Store* checked = &*store;
      const std::string db = env.db_path;
      env.check_before_write = [checked, db]() -> Result<void> {
        constexpr std::int64_t kFullCheckBelow = std::int64_t(4) << 20;
        std::string problems;
        try {
          problems = checked->integrity_problems(kFullCheckBelow);
        } catch (const StoreError& e) {
          problems = e.what();
          // A page that could not be read (an I/O error) is not damage the check found.
          if (problems.find("disk I/O error") != std::string::npos || problems.find("out of memory") != std::string::npos)
            return fail(ErrorCode::io,
                        fmt::format("{}: cannot check the store before writing ({}); nothing was written", db, problems));
        }
        if (problems.empty()) return {};
        return fail(ErrorCode::io, fmt::format("{}: the store fails SQLite's integrity check ({}); nothing was written. "
                                               "Restore it from a backup, or rebuild it into a new file from the sources",
                                               db, problems));
      };
      // `rebuild` checks once it knows it will write (RebuildOptions::before_write).
      if (std::string_view(entry.command->name) != "rebuild")
        if (auto ok = env.check_before_write(); !ok) return report(ok.error());
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
  // A closed pipe ends the run as it ends every filter, whatever the parent left SIGPIPE at.
  std::signal(SIGPIPE, SIG_DFL);
  static tg::cli::StdoutBuffer out;
  std::streambuf* const standard = std::cout.rdbuf(&out);
  tg::cli::output_settings() = tg::cli::detect_output_settings();
  int status = 1;
  try {
    status = tg::cli::run(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "talentgraph: unexpected error: " << e.what() << '\n';
    status = 1;
  }
  status = tg::cli::finish_output(out, status);
  std::cout.rdbuf(standard);  // what flushes std::cout at exit finds its own buffer
  return status;
}
