// The write log's side of a write (Store::log_write): which moves appeared and which disappeared
// in the caller's open transaction, and the clock the log reads.
//
// Only the people whose moves can have changed are read: those of career relations (worked_at,
// founded, moved) that the written origins claim, before the transaction (on a second
// connection, which sees the store as committed) and in it. Their careers are read on either
// side and their moves derived (graph/moves.h) with the part_of chains above their
// organisations; a move is its (person, from, to, date): a new date is one move retracted and
// one new. Everyone is read instead when a run merged entities (curation same_as, name order:
// ids change under other people's relations), when the part_of relations the origins claim
// changed (a lab moved into a company changes whose stints are one), for --full and for a
// store that was empty before. The first load into an empty store (not --full) is not
// itemised: its entry counts its moves, every move the store then holds (count_moves), and logs
// none one by one. Forgotten people never enter the log.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "graph/store.h"
#include "ingest/report.h"

namespace tg::ingest {

// UTC now, as ISO 8601 text; TALENTGRAPH_NOW (such text) stands the clock still at that time,
// for reproducible logs in tests: every duration is then 0.
class LogClock {
 public:
  LogClock();
  const std::string& started() const { return started_; }
  std::string now() const;
  std::int64_t elapsed_ms() const;

 private:
  std::optional<std::string> fixed_;
  std::string started_;
  std::chrono::steady_clock::time_point start_;
};

// A second connection on the store's file, seeing it as committed; none for a store in memory.
std::optional<Store> open_committed(Store& store);

struct MoveScope {
  std::vector<FileOrigin> origins;  // the origins the write retracted or wrote
  bool everyone = false;
};

// Whether the part_of relations `origins` claim differ between `before` and `store`.
bool part_of_changed(Store& store, Store* before, std::span<const FileOrigin> origins);

// The moves that differ between `before` (null: an empty store) and `store` in its open
// transaction, new ones first, each group by person, date, from and to. `everyone` when the
// scope says so. Moves of forgotten people are left out.
std::vector<LoggedMove> diff_moves(Store& store, Store* before, const MoveScope& scope);

// What a run changed in its open transaction, for the log and the report: the moves of the
// people `origins` touch (everyone when `everyone`, or when the run merged entities or changed
// the part_of relations the origins claim). `was_empty`: the store held nothing before the
// transaction. None when the store was not empty and is in memory (nothing to compare with).
std::optional<std::vector<LoggedMove>> changed_moves(Store& store, bool was_empty, std::vector<FileOrigin> origins,
                                                     const IngestReport& report, bool everyone = false);

// The moves the store holds in its open transaction, counted as diff_moves tells them apart
// (person, from, to, date), without reading their names or evidence: what the first load into
// an empty store logs.
std::size_t count_moves(Store& store);

// A log entry of `kind` with the run's counts, times and moves; the generation is the one the
// caller's commit makes, the file counts are the caller's.
LogEntry log_entry(Store& store, const IngestReport& report, std::string kind, const LogClock& clock,
                   std::span<const LoggedMove> moves);

}  // namespace tg::ingest
