#include "queries/moves.h"

#include <algorithm>
#include <map>

#include "graph/snapshot.h"
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

namespace {

// A move's fate under a filter, in the order find_moves tests it.
enum class Fate { out, undated, internal, kept, beyond };

// The people whose moves find_moves keeps, in its order, read off a current snapshot (its moves
// are the same rule's over the same careers: graph/snapshot.cpp), with what it leaves out; the
// careers of only those people are then read. nullopt when the snapshot cannot say (an
// organisation filtered on is not in it, or the cache is found damaged).
struct SnapshotSelection {
  std::vector<EntityId> people;  // ascending, each once
  std::uint64_t kept = 0;
  LeftOut left_out;
};

std::optional<SnapshotSelection> select_on_snapshot(const graph::Snapshot& snapshot, const MoveFilter& filter,
                                                    std::optional<EntityId> from, std::optional<EntityId> to) {
  std::optional<std::uint32_t> from_node, to_node;
  if (from && !(from_node = snapshot.node_of(*from))) return std::nullopt;
  if (to && !(to_node = snapshot.node_of(*to))) return std::nullopt;
  const auto fold = [&](std::uint32_t node) { return filter.roll_up ? snapshot.top(node) : node; };
  // Whether a node's country is the one asked for, looked up once per node (the table made on
  // first use: not at all without a country filter).
  const auto country_test = [&](const std::string& country) {
    return [&snapshot, &country, known = std::vector<std::int8_t>()](std::uint32_t node) mutable {
      if (known.empty()) known.assign(snapshot.num_nodes(), -1);
      if (node >= known.size()) return false;
      if (known[node] < 0) known[node] = snapshot.country(node) == country ? 1 : 0;
      return known[node] == 1;
    };
  };
  auto from_country = country_test(filter.from_country);
  auto to_country = country_test(filter.to_country);
  SnapshotSelection out;
  for (const graph::SnapshotMove& m : snapshot.moves()) {
    const std::uint32_t f = fold(m.from), t = fold(m.to);
    if (from_node && f != *from_node) continue;
    if (to_node && t != *to_node) continue;
    if (!filter.from_country.empty() && !from_country(f)) continue;
    if (!filter.to_country.empty() && !to_country(t)) continue;
    if (!filter.window.admits(m.date_first, m.date_last)) {
      if (m.date_first == kNoDay) ++out.left_out.undated;
      continue;
    }
    if (f == t) {
      ++out.left_out.internal;
      continue;
    }
    if (filter.keep && out.kept >= filter.keep) {
      ++out.left_out.beyond;
      continue;
    }
    ++out.kept;
    const EntityId person = snapshot.entity(m.person);
    if (out.people.empty() || out.people.back() != person) out.people.push_back(person);
  }
  if (snapshot.damaged()) return std::nullopt;
  return out;
}

}  // namespace

std::vector<Move> find_moves(Store& store, const MoveFilter& filter, LeftOut* left_out) {
  // One read: the snapshot's generation and the careers read after it are of one state.
  Store::ReadTransaction read(store);
  // The cache is looked at first, as the read begins: the generation it is compared with is the
  // one the whole read sees (looked at later, a write committing meanwhile and putting its cache
  // in place would make a current cache look foreign to this older read: 3 of 350 moves in a load
  // test took the scan so).
  std::optional<graph::Snapshot> snapshot;
  if (!filter.person) snapshot = graph::Snapshot::cached(store, graph::cache_path(store));
  std::vector<Move> out;
  CountryCache countries(store);
  const OrgTree orgs = read_org_tree(store);
  auto fold = [&](EntityId org) { return filter.roll_up ? orgs.top(org) : org; };
  const std::optional<EntityId> from = filter.from ? std::optional(fold(*filter.from)) : std::nullopt;
  const std::optional<EntityId> to = filter.to ? std::optional(fold(*filter.to)) : std::nullopt;
  LeftOut ignored;
  LeftOut& out_of = left_out ? *left_out : ignored;
  out_of = {};
  auto fate = [&](Move& m) {
    m.from = fold(m.from);
    m.to = fold(m.to);
    if (from && m.from != *from) return Fate::out;
    if (to && m.to != *to) return Fate::out;
    if (!filter.from_country.empty() && countries.country(m.from) != filter.from_country) return Fate::out;
    if (!filter.to_country.empty() && countries.country(m.to) != filter.to_country) return Fate::out;
    if (!filter.window.admits(m.date)) return m.date.known() ? Fate::out : Fate::undated;
    if (m.from == m.to) return Fate::internal;  // within one organisation once rolled up
    if (filter.keep && out.size() >= filter.keep) return Fate::beyond;
    return Fate::kept;
  };
  std::uint64_t careers_read = 0;
  auto scan = [&](std::optional<EntityId> person) {
    store.for_each_career(person, [&](EntityId who, const std::vector<RelationRow>& career) {
      ++careers_read;
      for (Move& m : moves_of_career(who, career, &orgs)) {
        switch (fate(m)) {
          case Fate::out: break;
          case Fate::undated: ++out_of.undated; break;
          case Fate::internal: ++out_of.internal; break;
          case Fate::beyond: ++out_of.beyond; break;
          case Fate::kept: out.push_back(std::move(m)); break;
        }
      }
    });
  };
  if (filter.person) {
    scan(filter.person);
    out_of.careers_read = careers_read;
    return out;
  }
  // Without a person, every career would be read (at the M scale 0.75 s, for `moves --to X
  // --limit 20` as for `moves`): a current snapshot cache says whose moves are kept, and only
  // those careers are read. What it counts must be what they give, else the whole scan decides.
  if (snapshot) {
    if (auto selection = select_on_snapshot(*snapshot, filter, from, to)) {
      for (EntityId person : selection->people) scan(person);
      if (out.size() == selection->kept) {
        out_of = selection->left_out;
        out_of.careers_read = careers_read;
        return out;
      }
    }
    out.clear();
    out_of = {};
  }
  scan(std::nullopt);
  out_of.careers_read = careers_read;
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
