// "Who moved where": the moves of graph/moves.h (docs/moves.md states the rule), filtered by person, organisations, countries and time, each with its evidence.
#pragma once

#include <optional>
#include <unordered_map>
#include <string>
#include <vector>

#include "graph/error.h"
#include "graph/model.h"
#include "graph/moves.h"
#include "graph/store.h"

namespace tg::queries {

struct MoveFilter {
  std::optional<EntityId> person, from, to;
  std::string from_country, to_country;
  MoveWindow window;             // --since / --until / --as-of, and whether undated moves stay
  // Fold organisations into their top parent through current part_of links (OrgTree::top): a
  // move's ends, and the organisations filtered on, become their tops.
  bool roll_up = false;
  // At most this many moves kept (the first, in the order below); the rest are only counted, in
  // LeftOut::beyond. 0: all. `moves --limit 20` of the largest store keeps 20 rows, not 3M.
  std::size_t keep = 0;
};

// Countries of organisations, for filters and flows (cached lookups).
class CountryCache {
 public:
  explicit CountryCache(Store& store) : store_(store) {}
  const std::string& country(EntityId id);

 private:
  Store& store_;
  std::unordered_map<std::int64_t, std::string> cache_;
};

// Every move in the store that passes the filter, ordered by person then date. Rolled up, a
// move whose ends fold into one organisation is no move between organisations: it is left out
// and counted in `internal` (when given).
// What a selection left out, for the notes beside the answer: moves within one organisation once
// rolled up, and moves of unknown date that a date window dropped (and would otherwise keep).
struct LeftOut {
  std::uint64_t internal = 0, undated = 0;
  std::uint64_t beyond = 0;  // moves that passed the filter past MoveFilter::keep
  // How many people's careers were read to answer (not a part of the answer): every person's
  // without a current snapshot cache, else only those of the moves kept.
  std::uint64_t careers_read = 0;
};
// Without a person filtered on, a current snapshot cache (graph::Snapshot::cached) picks the
// people whose careers are read; the answer is the same as reading them all.
std::vector<Move> find_moves(Store& store, const MoveFilter& filter, LeftOut* left_out = nullptr);

// A move as it is shown: the move, its ends' names and countries ("" when unknown, or when the
// entity is gone), and its evidence: the arrival's first, then what places the person at the
// origin (the relations in reverse order), each (source, quote) once, in the store's order.
struct MoveRow {
  Move move;
  std::string person, from, to;  // names
  std::string from_country, to_country;
  std::vector<Evidence> evidence;
};

// find_moves' moves as rows.
std::vector<MoveRow> move_rows(Store& store, const MoveFilter& filter, LeftOut* left_out = nullptr);

// A filter as users give it: people and organisations by any of their names ("" = any).
struct MoveSearch {
  std::string person, from, to;
  std::string from_country, to_country;  // ISO 3166-1 alpha-2, upper-case ("" = any)
  MoveWindow window;
  bool roll_up = false;
  std::size_t limit = 0;  // MoveFilter::keep
};

// The rows of the moves `search` selects; find_entity's errors for a name that fits no entity
// or several (tried in the order person, from, to).
Result<std::vector<MoveRow>> move_rows(Store& store, const MoveSearch& search, LeftOut* left_out = nullptr);

}  // namespace tg::queries
