#include "queries/moves.h"

#include <algorithm>
#include <map>

#include "queries/entities.h"

namespace tg::queries {

const std::string& CountryCache::country(EntityId id) {
  auto it = cache_.find(raw(id));
  if (it == cache_.end()) {
    auto e = store_.entity(id);
    it = cache_.emplace(raw(id), e ? e->country : std::string()).first;
  }
  return it->second;
}

std::vector<Move> find_moves(Store& store, const MoveFilter& filter, LeftOut* left_out) {
  std::vector<Move> out;
  CountryCache countries(store);
  const OrgTree orgs = read_org_tree(store);
  auto fold = [&](EntityId org) { return filter.roll_up ? orgs.top(org) : org; };
  const std::optional<EntityId> from = filter.from ? std::optional(fold(*filter.from)) : std::nullopt;
  const std::optional<EntityId> to = filter.to ? std::optional(fold(*filter.to)) : std::nullopt;
  LeftOut ignored;
  LeftOut& out_of = left_out ? *left_out : ignored;
  out_of = {};
  store.for_each_career(filter.person, [&](EntityId person, const std::vector<RelationRow>& career) {
    for (Move& m : moves_of_career(person, career, &orgs)) {
      m.from = fold(m.from);
      m.to = fold(m.to);
      if (from && m.from != *from) continue;
      if (to && m.to != *to) continue;
      if (!filter.from_country.empty() && countries.country(m.from) != filter.from_country) continue;
      if (!filter.to_country.empty() && countries.country(m.to) != filter.to_country) continue;
      if (!filter.window.admits(m.date)) {
        if (!m.date.known()) ++out_of.undated;
        continue;
      }
      if (m.from == m.to) {  // within one organisation once rolled up
        ++out_of.internal;
        continue;
      }
      if (filter.keep && out.size() >= filter.keep) {
        ++out_of.beyond;
        continue;
      }
      out.push_back(std::move(m));
    }
  });
  return out;
}

std::vector<MoveRow> move_rows(Store& store, const MoveFilter& filter, LeftOut* left_out) {
  std::map<std::int64_t, EntityRow> entities;
  auto entity = [&](EntityId id) -> const EntityRow& {
    auto it = entities.find(raw(id));
    if (it == entities.end()) it = entities.emplace(raw(id), store.entity(id).value_or(EntityRow{})).first;
    return it->second;
  };
  std::vector<MoveRow> rows;
  for (Move& m : find_moves(store, filter, left_out)) {
    MoveRow row;
    // The arrival's evidence first, then what places the person at the origin.
    for (auto it = m.relations.rbegin(); it != m.relations.rend(); ++it)
      for (auto& e : store.evidence(*it))
        if (std::ranges::none_of(row.evidence,
                                 [&](const Evidence& x) { return x.source == e.source && x.quote == e.quote; }))
          row.evidence.push_back(std::move(e));
    row.person = entity(m.person).name;
    row.from = entity(m.from).name;
    row.to = entity(m.to).name;
    row.from_country = entity(m.from).country;
    row.to_country = entity(m.to).country;
    row.move = std::move(m);
    rows.push_back(std::move(row));
  }
  return rows;
}

Result<std::vector<MoveRow>> move_rows(Store& store, const MoveSearch& search, LeftOut* left_out) {
  MoveFilter filter;
  filter.roll_up = search.roll_up;
  filter.from_country = search.from_country;
  filter.to_country = search.to_country;
  filter.window = search.window;
  filter.keep = search.limit;
  struct Option {
    const std::string* name;
    std::optional<EntityId>* slot;
    bool person;
    const char* option;
  };
  for (const Option& o : {Option{&search.person, &filter.person, true, "--person"},
                          Option{&search.from, &filter.from, false, "--from"},
                          Option{&search.to, &filter.to, false, "--to"}}) {
    const auto& [name, slot, person, option] = o;
    if (name->empty()) continue;
    auto id = find_entity_for(store, *name, person, option);
    if (!id) return fail(id.error());
    *slot = *id;
  }
  return move_rows(store, filter, left_out);
}

}  // namespace tg::queries
