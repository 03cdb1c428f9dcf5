// The command line's frame: what a command runs with, the table entry that names it, and the
// options several commands share, each validated into what the query library takes with the
// exact messages users see.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "graph/error.h"
#include "graph/model.h"
#include "graph/moves.h"
#include "graph/store.h"
#include "ingest/limits.h"
#include "tools/talentgraph/output.h"

namespace tg::queries {
struct ExportGraph;
}  // namespace tg::queries

namespace tg::cli {

// What a command runs on: the database path and the store, open. `store` is null only for a
// command that creates the database, when it does not exist yet.
struct Env {
  std::string db_path;
  Store* store = nullptr;
  // A writer's check of the store before it writes (SQLite's integrity checks): run by main
  // before a write, and by `rebuild` only once it knows it has something to write (a rebuild
  // after no change stays under a second however large the store).
  std::function<Result<void>()> check_before_write;
  // --quiet (before or after the command): no progress; rebuild prints only its summary line.
  bool quiet = false;
};

// Runs the command whose options were parsed; returns the exit status.
using Run = std::function<int(Env& env)>;

// One subcommand: `setup` adds its options to `cmd`, bound to state it owns, and returns what
// runs it once they are parsed (validate, call one library function, print).
struct Command {
  const char* name;
  const char* help;
  bool creates_store;  // runs without a database file (ingest makes one)
  bool writes;         // takes the writers' lock (graph/lock.h) before opening the store
  Run (*setup)(CLI::App& cmd);
};

Run setup_ingest(CLI::App& cmd);
Run setup_moves(CLI::App& cmd);
Run setup_show(CLI::App& cmd);
Run setup_search(CLI::App& cmd);
Run setup_stats(CLI::App& cmd);
Run setup_path(CLI::App& cmd);
Run setup_rank(CLI::App& cmd);
Run setup_flows(CLI::App& cmd);
Run setup_forget(CLI::App& cmd);
Run setup_candidates(CLI::App& cmd);
Run setup_rebuild(CLI::App& cmd);
Run setup_changes(CLI::App& cmd);
Run setup_export(CLI::App& cmd);
Run setup_view(CLI::App& cmd);

// Prints "talentgraph: " + the error to stderr (made printable: a name in it cannot drive the
// terminal); returns its exit status.
int report(const Error& e);

// --format (table, json or csv), and --wide (tables: no cell cut to fit the terminal).
struct FormatOption {
  std::string text = "table";
  void setup(CLI::App& cmd);
  Format format() const;
};

// --limit N: at most N rows (0: all). Not given: the command's own default when it has one (rank
// 10, search 20), else kTerminalLimit rows in a table on a terminal and all otherwise. `--top` is
// its deprecated alias where it was the name (rank, flows), for one release.
struct LimitOption {
  std::optional<std::size_t> given, top;
  std::size_t own_default = 0;
  void setup(CLI::App& cmd, std::size_t command_default = 0, bool top_alias = false);
  // The rows to print (0: all).
  std::size_t rows(Format format) const;
  // Whether rows() is the terminal's default (a cut then says how many more there are).
  bool terminal_default(Format format) const;
  // --top and --limit both given: a usage error; --top alone: a warning on stderr.
  Result<void> check() const;
};

// Cuts `rows` to the limit; returns how many a cut by the terminal's default left out (0 for a
// cut the user asked for), for note_more once the rows are printed.
std::size_t limit_rows(Rows& rows, const LimitOption& limit, Format format);
// The note of a cut by the terminal's default, on stderr: "… 12 more (use --limit 0 or
// --format json)"; nothing for 0.
void note_more(std::size_t more);

// --since / --until / --as-of: partial dates widen to the interval they cover.
struct DateOptions {
  std::string since, until, as_of;
  void setup(CLI::App& cmd);
  // The window they make; --until and --as-of both end it, so they exclude each other.
  Result<DateWindow> window() const;
  // The last day of --as-of, if given.
  Result<std::optional<std::int32_t>> as_of_day() const;
};

// --max-document-size, --max-string-length, --max-nesting, --max-entities (ingest, rebuild): the
// caps on one input (ingest/limits.h), each defaulting to the library's.
struct InputLimitOptions {
  std::string document_size;
  ingest::InputLimits given;
  void setup(CLI::App& cmd);
  Result<ingest::InputLimits> limits() const;
};

// --include-undated keeps undated moves in a date window: without one there is nothing to keep
// (every move is in), and the flag is refused rather than ignored. `flags` names the window's.
Result<void> check_include_undated(bool include_undated, const DateWindow& window,
                                   std::string_view flags = "--since, --until or --as-of");

// Adds --as-of alone, with `help`.
void add_as_of(CLI::App& cmd, std::string& as_of, const std::string& help);

// --from-country / --to-country: ISO 3166-1 alpha-2, any case; upper-case ("" when not given).
struct CountryOptions {
  std::string from, to;
  Result<void> validate(std::string& from_out, std::string& to_out) const;
};

// --via: relation kinds, comma-separated (empty: every kind).
Result<std::vector<RelationKind>> relation_kinds(const std::string& list);

// A relation's dates as the tables show them: "2019 – 2021", "2019 –", "– 2021", "former", "".
std::string dates_text(const RelationRow& r);

// The note after a date window's moves in a table.
void note_undated_left_out(std::uint64_t left_out, Format format);

// --roll-up, with its help.
void add_roll_up(CLI::App& cmd, bool& roll_up);
// Rolled up, moves within one top organisation are left out. Tables and CSV say how many on
// stderr; JSON says it in every row, as `internal_moves_left_out` (the rows of an array are all
// there is), which `rows` gets here.
void note_internal_left_out(bool roll_up, std::uint64_t internal, Format format, Rows& rows);

// The largest selection drawn (view) or given positions (export cytoscape, gexf): a layout and a
// page of more would take longer than a reader waits.
inline constexpr std::uint32_t kLayoutLimit = 5000;
// Positions for every node of `g` (graph/layout.h, seeded: the same graph, the same picture), in
// the units the viewer and the exports write (about 60 between neighbours); none above the limit.
void lay_out(queries::ExportGraph& g, std::uint64_t seed = 1);

}  // namespace tg::cli
