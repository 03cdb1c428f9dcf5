// "Who moved where": the moves of graph/moves.h (docs/moves.md states the rule), filtered by person, organisations, countries and time, each with its evidence.
#pragma once

#include <optional>
#include <unordered_map>
#include <string>
#include <vector>

#include "graph/model.h"
#include "graph/moves.h"
#include "graph/store.h"

namespace tg::queries {

struct MoveFilter {
  std::optional<EntityId> person, from, to;
  std::string from_country, to_country;
  MoveWindow window;             // --since / --until / --as-of, and whether undated moves stay
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

// Every move in the store that passes the filter, ordered by person then date.
std::vector<Move> find_moves(Store& store, const MoveFilter& filter);

}  // namespace tg::queries
