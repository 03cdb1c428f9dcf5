#include "queries/moves.h"

namespace tg::queries {

const std::string& CountryCache::country(EntityId id) {
  auto it = cache_.find(raw(id));
  if (it == cache_.end()) {
    auto e = store_.entity(id);
    it = cache_.emplace(raw(id), e ? e->country : std::string()).first;
  }
  return it->second;
}

std::vector<Move> find_moves(Store& store, const MoveFilter& filter) {
  std::vector<Move> out;
  CountryCache countries(store);
  store.for_each_career(filter.person, [&](EntityId person, const std::vector<RelationRow>& career) {
    for (Move& m : moves_of_career(person, career)) {
      if (filter.from && m.from != *filter.from) continue;
      if (filter.to && m.to != *filter.to) continue;
      if (!filter.from_country.empty() && countries.country(m.from) != filter.from_country) continue;
      if (!filter.to_country.empty() && countries.country(m.to) != filter.to_country) continue;
      if (!filter.window.admits(m.date)) continue;
      out.push_back(std::move(m));
    }
  });
  return out;
}

}  // namespace tg::queries
