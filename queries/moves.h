// "Who moved where": moves derived from people's careers (docs/moves.md states the rule),
// filtered by person, organisations, countries and time, each with its evidence.
#pragma once

#include <optional>
#include <unordered_map>
#include <string>
#include <vector>

#include "graph/model.h"
#include "graph/store.h"

namespace tg::queries {

enum class MoveBasis { dated, explicit_claim, former };
std::string_view to_string(MoveBasis basis);

struct Move {
  EntityId person{};
  EntityId from{}, to{};
  PartialDate date;  // arrival at `to`; unknown when the sources do not say
  MoveBasis basis = MoveBasis::dated;
  std::vector<RelationId> relations;  // the relations the move was derived from
};

struct MoveFilter {
  std::optional<EntityId> person, from, to;
  std::string from_country, to_country;
  DateWindow window;             // --since / --until / --as-of
  bool include_undated = false;  // keep moves of unknown date when a window is set
};

// The moves of one person's career relations (worked_at, founded, moved), in date order.
std::vector<Move> moves_of_career(EntityId person, const std::vector<RelationRow>& career);

// Countries of organisations, for filters and flows (cached lookups).
class CountryCache {
 public:
  explicit CountryCache(Store& store) : store_(store) {}
  const std::string& country(EntityId id);

 private:
  Store& store_;
  std::unordered_map<std::int64_t, std::string> cache_;
};

// Every move in the store that passes the filter, ordered by person then date.
std::vector<Move> find_moves(Store& store, const MoveFilter& filter);

}  // namespace tg::queries
