// Flows (queries/network.h): moves aggregated by organisation or country pair, in distinct
// people or in moves, per period, rolled up to top organisations, and as rates per 1,000 people
// employed at the origin.
#include <algorithm>
#include <initializer_list>
#include <limits>
#include <map>
#include <optional>
#include <tuple>
#include <unordered_map>
#include <utility>

#include <fmt/format.h>

#include "queries/entities.h"
#include "queries/network.h"

namespace tg::queries {

std::uint64_t Headcount::of(std::string_view country) const {
  auto it = std::ranges::lower_bound(by_country, country, {}, [](const auto& p) { return std::string_view(p.first); });
  return it != by_country.end() && it->first == country ? it->second : 0;
}

Headcount headcount(const graph::Snapshot& snapshot, std::int32_t day, FlowBy by, bool roll_up) {
  // (place, person) pairs of every stint that definitely covers the day, sorted: a person with
  // two stints at one place (or at two labs of one company, rolled up) is counted once.
  const bool by_org = by == FlowBy::org;
  std::vector<std::string> countries;
  std::unordered_map<std::string, std::uint32_t> country_ids;
  struct At {
    std::uint32_t place, person;
    auto operator<=>(const At&) const = default;
  };
  std::vector<At> at;
  for (const graph::SnapshotEdge& e : snapshot.edges()) {
    if ((e.kind != RelationKind::worked_at && e.kind != RelationKind::founded) || e.left) continue;
    if (e.start_last == graph::kNoDay || e.start_last > day) continue;
    const bool going_on = e.end_first == graph::kNoDay ? !e.former : e.end_first > day;
    if (!going_on) continue;
    const std::uint32_t org = roll_up ? snapshot.top(e.to) : e.to;
    std::uint32_t place = org;
    if (!by_org) {
      auto [it, fresh] = country_ids.try_emplace(snapshot.country(org), static_cast<std::uint32_t>(countries.size()));
      if (fresh) countries.push_back(it->first);
      place = it->second;
    }
    at.push_back({place, e.from});
  }
  std::ranges::sort(at);
  const auto [end, _] = std::ranges::unique(at);
  at.erase(end, at.end());
  Headcount h;
  if (by_org) h.by_node.assign(snapshot.num_nodes(), 0);
  std::vector<std::uint64_t> per_country(countries.size(), 0);
  for (const At& a : at) ++(by_org ? h.by_node[a.place] : per_country[a.place]);
  for (std::size_t c = 0; c < countries.size(); ++c) h.by_country.emplace_back(countries[c], per_country[c]);
  std::ranges::sort(h.by_country);
  return h;
}

namespace {

// Records ascending by their fields, first field first, as std::sort with the fields' order would
// leave them: one stable counting pass per field, the last field first (`last_first` lists them
// so). Each field holds dense ids (nodes, countries, periods, people). At L, 2.6M moves' keys took
// a comparison sort more than a third of `flows`' time.
template <typename T>
void counting_sort(std::vector<T>& rows, std::initializer_list<std::uint32_t T::*> last_first) {
  std::vector<T> sorted(rows.size());
  std::vector<std::size_t> start;
  for (std::uint32_t T::*field : last_first) {
    std::uint32_t max = 0;
    for (const T& r : rows) max = std::max(max, r.*field);
    start.assign(std::size_t{max} + 2, 0);
    for (const T& r : rows) ++start[std::size_t{r.*field} + 1];
    for (std::size_t k = 1; k < start.size(); ++k) start[k] += start[k - 1];
    for (const T& r : rows) sorted[start[r.*field]++] = r;
    rows.swap(sorted);
  }
}

// Countries as dense ids ("" for unknown is one too), each node's looked up once: at L a flow
// by country asks for both ends of 2.6M moves, and making a string and hashing it for each
// was a third of the query.
class CountryIds {
 public:
  explicit CountryIds(const graph::Snapshot& snapshot) : snapshot_(snapshot), of_node_(snapshot.num_nodes(), kUnset) {}
  std::uint32_t of_node(std::uint32_t node) {
    std::uint32_t& id = of_node_[node];
    if (id == kUnset) id = of(snapshot_.country(node));
    return id;
  }
  std::uint32_t of(const std::string& country) {
    auto [it, fresh] = ids_.try_emplace(country, static_cast<std::uint32_t>(names_.size()));
    if (fresh) names_.push_back(country);
    return it->second;
  }
  const std::string& name(std::uint32_t id) const { return names_[id]; }
  std::size_t size() const { return names_.size(); }

 private:
  static constexpr std::uint32_t kUnset = std::numeric_limits<std::uint32_t>::max();
  const graph::Snapshot& snapshot_;
  std::vector<std::uint32_t> of_node_;
  std::unordered_map<std::string, std::uint32_t> ids_;
  std::vector<std::string> names_;
};

// The country a move's end is in, by the employer or by the place of work (CountryOf).
class SideCountries {
 public:
  SideCountries(const graph::Snapshot& snapshot, CountryOf of, CountryIds& ids)
      : snapshot_(snapshot), by_place_(of == CountryOf::location), ids_(ids) {
    if (!by_place_) return;
    // The headquarters is a site too: a company in Hangzhou with one office in Mountain View does
    // not have its people in Mountain View unless a source says so.
    for (std::uint32_t e = 0; e < snapshot.edges().size(); ++e) {
      const RelationKind kind = snapshot.edges()[e].kind;
      if (kind == RelationKind::office_in || kind == RelationKind::headquartered_in)
        offices_[snapshot.edges()[e].from].push_back(e);
    }
  }

  // `org` as the move names it, `folded` the organisation counted (its top when rolled up),
  // `place` the stint's place of work (kNoNode: unsaid). A country id of `ids`.
  std::uint32_t of(std::uint32_t org, std::uint32_t folded, std::uint32_t place, std::int32_t first,
                   std::int32_t last) const {
    if (by_place_) {
      if (place != graph::kNoNode)
        if (const std::uint32_t c = ids_.of_node(place); !ids_.name(c).empty()) return c;
      for (std::uint32_t o : {org, folded})
        if (auto office = only_office(o, first, last))
          if (const std::uint32_t c = ids_.of_node(*office); !ids_.name(c).empty()) return c;
    }
    return ids_.of_node(folded);
  }

 private:
  // The place of `org`'s one site (office or headquarters) open at the move's date (every site
  // when the date is unknown); none when it has none or several.
  std::optional<std::uint32_t> only_office(std::uint32_t org, std::int32_t first, std::int32_t last) const {
    auto it = offices_.find(org);
    if (it == offices_.end()) return std::nullopt;
    std::optional<std::uint32_t> found;
    for (std::uint32_t e : it->second) {
      const graph::SnapshotEdge& office = snapshot_.edges()[e];
      if (first != graph::kNoDay) {
        if (office.start_first != graph::kNoDay && office.start_first > last) continue;  // opened later
        if (office.end_last != graph::kNoDay && office.end_last < first) continue;       // closed before
      }
      if (found && *found != office.to) return std::nullopt;
      found = office.to;
    }
    return found;
  }

  const graph::Snapshot& snapshot_;
  bool by_place_;
  CountryIds& ids_;
  std::unordered_map<std::uint32_t, std::vector<std::uint32_t>> offices_;  // org -> office_in edges
};

}  // namespace

FlowResult flows(const graph::Snapshot& snapshot, const FlowQuery& query) {
  // Each admitted move as (period, from, to, person) keys, sorted once: a group's moves are its
  // run, its people the distinct persons in it. Organisations are keyed by node (two companies
  // of one name stay two), countries by their code.
  struct Key {
    std::uint32_t period, from, to, person;
    auto operator<=>(const Key&) const = default;
  };
  // Periods with the day a rate is taken on: the window's start for moves of unknown date.
  std::vector<std::string> periods{""};
  std::vector<std::optional<std::int32_t>> period_start{query.moves.window.first};
  std::unordered_map<std::string, std::uint32_t> period_ids{{"", 0}};
  // A move's date bounds -> its period and whether the date is coarser than a period: most
  // moves share their dates, so each label is made once.
  std::unordered_map<std::uint64_t, std::pair<std::uint32_t, bool>> period_of_date;
  CountryIds countries(snapshot);
  const bool by_org = query.by == FlowBy::org;
  auto fold = [&](std::uint32_t node) { return query.roll_up ? snapshot.top(node) : node; };
  constexpr std::uint32_t kAny = std::numeric_limits<std::uint32_t>::max();
  const std::uint32_t want_from = query.from ? fold(*query.from) : kAny, want_to = query.to ? fold(*query.to) : kAny;
  const SideCountries side(snapshot, query.country_of, countries);
  FlowResult r;
  std::vector<Key> keys;
  for (const auto& m : snapshot.moves()) {
    if (!query.moves.admits(m.date_first, m.date_last)) {
      if (m.date_first == graph::kNoDay) ++r.undated;
      continue;
    }
    const std::uint32_t from = fold(m.from), to = fold(m.to);
    if (want_from != kAny && from != want_from) continue;
    if (want_to != kAny && to != want_to) continue;
    const std::uint32_t fc = side.of(m.from, from, m.from_place, m.date_first, m.date_last);
    const std::uint32_t tc = side.of(m.to, to, m.to_place, m.date_first, m.date_last);
    if (!query.from_country.empty() && countries.name(fc) != query.from_country) continue;
    if (!query.to_country.empty() && countries.name(tc) != query.to_country) continue;
    if (from == to) {  // within one organisation once rolled up: no move between organisations
      ++r.internal;
      continue;
    }
    std::uint32_t period = 0;
    if (query.per && m.date_first != graph::kNoDay) {
      const std::uint64_t date = (static_cast<std::uint64_t>(static_cast<std::uint32_t>(m.date_first)) << 32) |
                                 static_cast<std::uint32_t>(m.date_last);
      auto known = period_of_date.find(date);
      if (known == period_of_date.end()) {
        bool coarse = false;
        const std::string label = period_label(m.date_first, m.date_last, *query.per, &coarse);
        auto [it, fresh] = period_ids.try_emplace(label, static_cast<std::uint32_t>(periods.size()));
        if (fresh) {
          periods.push_back(label);
          period_start.push_back(period_first_day(m.date_first, m.date_last, *query.per));
        }
        known = period_of_date.emplace(date, std::pair{it->second, coarse}).first;
      }
      period = known->second.first;
      if (known->second.second) ++r.coarse;
    }
    keys.push_back({period, by_org ? from : fc, by_org ? to : tc, m.person});
  }
  // Grouped by (period, from, to); people are told apart within a group by the group each was
  // last seen in, rather than by a fourth pass over the 2M people ids.
  counting_sort(keys, {&Key::to, &Key::from, &Key::period});
  auto label = [&](std::uint32_t v) { return std::string(by_org ? snapshot.name(v) : std::string_view(countries.name(v))); };
  // Net gain: distinct people in and out of each organisation or country (per the whole window).
  struct Side {
    std::uint32_t node, person;
    auto operator<=>(const Side&) const = default;
  };
  // One group per (period, from, to): counted, ordered and cut to --top on integers, and only
  // the rows kept are made (names copied once): at a few hundred thousand rows the strings are
  // what costs.
  struct Group {
    std::uint32_t period, from, to;
    std::uint64_t people, moves;
    std::optional<std::uint64_t> headcount;
    std::uint32_t period_rank = 0, from_rank = 0, to_rank = 0;
  };
  std::vector<Group> groups;
  std::vector<Side> ins, outs;
  constexpr std::uint32_t kNoGroup = std::numeric_limits<std::uint32_t>::max();
  std::vector<std::uint32_t> last_group(snapshot.num_nodes(), kNoGroup);
  for (std::size_t i = 0; i < keys.size();) {
    std::size_t j = i;
    std::uint64_t people = 0;
    const auto group = static_cast<std::uint32_t>(groups.size());
    for (; j < keys.size() && keys[j].period == keys[i].period && keys[j].from == keys[i].from && keys[j].to == keys[i].to; ++j)
      if (std::exchange(last_group[keys[j].person], group) != group) ++people;
    groups.push_back({keys[i].period, keys[i].from, keys[i].to, people, j - i, std::nullopt, 0, 0, 0});
    // Within one country: a flow, but no net change.
    if (query.net && (by_org || keys[i].from != keys[i].to))
      for (std::size_t k = i; k < j; ++k) {
        outs.push_back({keys[k].from, keys[k].person});
        ins.push_back({keys[k].to, keys[k].person});
      }
    i = j;
  }
  if (query.rate) {
    // One headcount per day a rate is taken on (the window's start, or each period's).
    std::map<std::int32_t, Headcount> counted;
    for (Group& g : groups) {
      const auto day = period_start[g.period];
      if (!day) continue;
      auto it = counted.find(*day);
      if (it == counted.end()) it = counted.emplace(*day, headcount(snapshot, *day, query.by, query.roll_up)).first;
      g.headcount = by_org ? it->second.of(g.from) : it->second.of(countries.name(g.from));
    }
  }
  // The order: periods by label (the undated one last), count descending, then names (and node,
  // for two organisations of one name), each as a rank computed once.
  std::vector<std::uint32_t> period_rank(periods.size());
  {
    std::vector<std::uint32_t> order(periods.size());
    for (std::uint32_t p = 0; p < order.size(); ++p) order[p] = p;
    std::ranges::sort(order, [&](std::uint32_t x, std::uint32_t y) {
      if (periods[x].empty() != periods[y].empty()) return !periods[x].empty();
      return periods[x] < periods[y];
    });
    for (std::uint32_t k = 0; k < order.size(); ++k) period_rank[order[k]] = k;
  }
  {
    std::vector<std::uint32_t> named;
    for (const Group& g : groups) named.insert(named.end(), {g.from, g.to});
    std::ranges::sort(named);
    named.erase(std::unique(named.begin(), named.end()), named.end());
    auto name = [&](std::uint32_t v) -> std::string_view { return by_org ? snapshot.name(v) : std::string_view(countries.name(v)); };
    std::ranges::sort(named, [&](std::uint32_t x, std::uint32_t y) {
      const int c = name(x).compare(name(y));
      return c != 0 ? c < 0 : x < y;
    });
    std::vector<std::uint32_t> name_rank(by_org ? snapshot.num_nodes() : countries.size());
    for (std::uint32_t k = 0; k < named.size(); ++k) name_rank[named[k]] = k;
    for (Group& g : groups) {
      g.period_rank = period_rank[g.period];
      g.from_rank = name_rank[g.from];
      g.to_rank = name_rank[g.to];
    }
  }
  const FlowCount count = query.count;
  auto counted_of = [&](const Group& g) { return count == FlowCount::people ? g.people : g.moves; };
  std::ranges::sort(groups, [&](const Group& x, const Group& y) {
    if (x.period_rank != y.period_rank) return x.period_rank < y.period_rank;
    if (counted_of(x) != counted_of(y)) return counted_of(x) > counted_of(y);
    if (x.from_rank != y.from_rank) return x.from_rank < y.from_rank;
    return x.to_rank < y.to_rank;
  });
  r.flows.reserve(query.top && !query.per ? std::min<std::size_t>(query.top, groups.size()) : groups.size());
  std::size_t in_period = 0;
  for (std::size_t i = 0; i < groups.size(); ++i) {
    const Group& g = groups[i];
    // --top: the first rows of the whole list, or of each period.
    in_period = i > 0 && groups[i - 1].period == g.period ? in_period + 1 : 0;
    if (query.top && in_period >= query.top) continue;
    FlowRow row{periods[g.period], label(g.from), label(g.to), std::nullopt, std::nullopt, g.people, g.moves,
                g.headcount, std::nullopt};
    if (by_org) {
      row.from_node = g.from;
      row.to_node = g.to;
    }
    if (g.headcount && *g.headcount)
      row.rate = static_cast<double>(row.count(count)) * 1000.0 / static_cast<double>(*g.headcount);
    r.flows.push_back(std::move(row));
  }
  const bool people = query.count == FlowCount::people;
  std::map<std::string, NetRow> net;  // by label, as listed
  auto tally = [&](std::vector<Side>& sides, std::int64_t NetRow::*field) {
    std::ranges::sort(sides);
    for (std::size_t k = 0; k < sides.size(); ++k) {
      if (people && k > 0 && sides[k] == sides[k - 1]) continue;
      const std::string name = label(sides[k].node);
      NetRow& row = net[name + (by_org ? fmt::format("\x1f{}", sides[k].node) : std::string())];
      row.name = name;
      if (by_org) row.node = sides[k].node;
      ++(row.*field);
    }
  };
  tally(outs, &NetRow::out);
  tally(ins, &NetRow::in);
  for (auto& [k, row] : net) {
    row.net = row.in - row.out;
    r.net.push_back(row);
  }
  std::ranges::stable_sort(r.net, [](const NetRow& a, const NetRow& b) { return a.net > b.net; });
  if (query.top && r.net.size() > query.top) r.net.resize(query.top);
  return r;
}

Result<FlowResult> flows(Store& store, const FlowSearch& search) {
  return on_snapshot(store, [&](const graph::Snapshot& snapshot) -> Result<FlowResult> {
    FlowQuery query = search.query;
    // An end of the wrong kind (a person, a place) would only give an empty answer: refused.
    for (auto [name, slot, option] :
         {std::tuple{&search.from, &query.from, "--from"}, std::tuple{&search.to, &query.to, "--to"}}) {
      if (name->empty()) continue;
      auto id = find_entity_for(store, *name, false, option);
      if (!id) return fail(id.error());
      auto node = node_of(snapshot, *id, *name);
      if (!node) return fail(node.error());
      *slot = *node;
    }
    return flows(snapshot, query);
  });
}

}  // namespace tg::queries
