#include "queries/network.h"

#include <algorithm>
#include <limits>
#include <map>
#include <unordered_map>

#include <fmt/format.h>

#include "queries/centrality.h"
#include "queries/entities.h"
#include "queries/paths.h"

namespace tg::queries {

Result<graph::Snapshot> load_snapshot(Store& store, bool* rebuilt) {
  return graph::Snapshot::load(store, graph::cache_path(store), rebuilt);
}

Result<std::uint32_t> node_of(const graph::Snapshot& snapshot, EntityId id, std::string_view name) {
  if (auto node = snapshot.node_of(id)) return *node;
  return fail(ErrorCode::not_found, fmt::format("no entity named \"{}\"", name));
}

std::vector<ConnectionPath> find_paths(const graph::Snapshot& snapshot, const PathQuery& query) {
  const auto& edges = snapshot.edges();
  std::vector<std::uint8_t> mask;
  if (query.as_of || !query.via.empty()) mask = snapshot.mask(query.as_of, query.via);
  PathFinder finder(snapshot.affiliation());
  PathOptions options;
  options.edge_mask = mask;
  options.max_hops = query.max_hops;
  std::vector<Path> found;
  if (query.k <= 1) {
    if (auto p = finder.shortest(query.from, query.to, options)) found.push_back(std::move(*p));
  } else {
    found = finder.k_shortest(query.from, query.to, query.k, options);
  }
  std::vector<ConnectionPath> out;
  for (const Path& p : found) {
    ConnectionPath hops;
    for (std::size_t i = 0; i < p.edge_ids.size(); ++i) {
      const auto& e = edges[p.edge_ids[i]];
      hops.push_back({p.nodes[i], p.nodes[i + 1], p.edge_ids[i], e.from == p.nodes[i]});
    }
    out.push_back(std::move(hops));
  }
  return out;
}

std::vector<PathRow> path_rows(Store& store, const graph::Snapshot& snapshot,
                               const std::vector<ConnectionPath>& paths) {
  std::vector<PathRow> rows;
  for (const ConnectionPath& path : paths) {
    PathRow& row = rows.emplace_back();
    for (const Hop& hop : path) {
      const auto& edge = snapshot.edges()[hop.edge];
      const RelationId relation{edge.relation};
      PathHop h{hop, snapshot.name(hop.from), snapshot.name(hop.to), edge.kind,
                store.relation(relation).value_or(RelationRow{}), std::nullopt};
      auto evidence = store.evidence(relation);  // best first
      if (!evidence.empty()) h.evidence = std::move(evidence.front());
      row.push_back(std::move(h));
    }
  }
  return rows;
}

Result<PathAnswer> connect(Store& store, const PathSearch& search) {
  auto from = find_entity(store, search.from);
  if (!from) return fail(from.error());
  auto to = find_entity(store, search.to);
  if (!to) return fail(to.error());
  auto snapshot = load_snapshot(store);
  if (!snapshot) return fail(snapshot.error());
  auto from_node = node_of(*snapshot, *from, search.from);
  if (!from_node) return fail(from_node.error());
  auto to_node = node_of(*snapshot, *to, search.to);
  if (!to_node) return fail(to_node.error());
  PathQuery query;
  query.from = *from_node;
  query.to = *to_node;
  query.max_hops = search.max_hops;
  query.via = search.via;
  query.as_of = search.as_of;
  query.k = search.k;
  PathAnswer answer;
  answer.from = snapshot->name(query.from);
  answer.to = snapshot->name(query.to);
  answer.paths = path_rows(store, *snapshot, find_paths(*snapshot, query));
  return answer;
}

namespace {

// The move graph of the admitted moves: organisations as nodes, one arc per (from, to) pair
// weighted by its number of moves.
struct MoveGraph {
  std::vector<std::uint32_t> node_of_org;  // move-graph node -> snapshot node
  graph::Csr csr;
  std::vector<double> weights;  // by arc id
};

MoveGraph move_graph(const graph::Snapshot& snapshot, const MoveWindow& window) {
  MoveGraph g;
  // Organisations get dense local ids in order of first appearance; pairs are counted by sorting.
  std::vector<std::uint32_t> local(snapshot.num_nodes(), std::numeric_limits<std::uint32_t>::max());
  auto id = [&](std::uint32_t node) {
    if (local[node] == std::numeric_limits<std::uint32_t>::max()) {
      local[node] = static_cast<std::uint32_t>(g.node_of_org.size());
      g.node_of_org.push_back(node);
    }
    return local[node];
  };
  std::vector<std::uint64_t> pairs;
  pairs.reserve(snapshot.moves().size());
  for (const auto& m : snapshot.moves()) {
    if (!window.admits(m.date_first, m.date_last)) continue;
    const std::uint32_t a = id(m.from), b = id(m.to);
    pairs.push_back((static_cast<std::uint64_t>(a) << 32) | b);
  }
  std::ranges::sort(pairs);
  std::vector<graph::EdgeIn> arcs;
  for (std::size_t i = 0; i < pairs.size();) {
    std::size_t j = i;
    while (j < pairs.size() && pairs[j] == pairs[i]) ++j;
    const auto arc = static_cast<std::uint32_t>(arcs.size());
    arcs.push_back({static_cast<std::uint32_t>(pairs[i] >> 32), static_cast<std::uint32_t>(pairs[i]), arc});
    g.weights.push_back(static_cast<double>(j - i));
    i = j;
  }
  g.csr = graph::Csr::build(static_cast<std::uint32_t>(g.node_of_org.size()), arcs, graph::Orientation::directed);
  return g;
}

}  // namespace

RankResult rank(const graph::Snapshot& snapshot, const RankQuery& query) {
  RankResult result;
  const bool moves = query.graph == RankGraph::moves;
  MoveGraph mg;
  std::vector<std::uint8_t> mask;
  if (moves)
    mg = move_graph(snapshot, query.moves);
  else if (query.as_of)
    mask = snapshot.mask(query.as_of, {});
  const graph::Csr& g = moves ? mg.csr : snapshot.affiliation();
  result.nodes = g.num_nodes();
  result.edges = moves ? g.num_arcs() : snapshot.edges().size();
  EdgeFilter filter{mask, moves ? std::span<const double>(mg.weights) : std::span<const double>()};

  std::vector<double> score;
  Degrees deg;
  switch (query.metric) {
    case Metric::pagerank:
      score = pagerank(g, filter).scores;
      break;
    case Metric::degree:
      deg = degrees(g, filter);
      score = deg.total;
      break;
    case Metric::closeness:
      score = harmonic_closeness(g, mask);
      break;
    case Metric::betweenness: {
      const double work = static_cast<double>(g.num_nodes()) * static_cast<double>(std::max<std::uint64_t>(g.num_arcs(), 1));
      const bool approximate = !query.force_exact && (query.epsilon || query.delta || work > query.exact_work_limit);
      if (approximate) {
        ApproxBetweennessOptions o;
        o.epsilon = query.epsilon.value_or(0.01);
        o.delta = query.delta.value_or(0.1);
        o.seed = query.seed;
        auto r = approximate_betweenness(g, mask, o);
        score = std::move(r.scores);
        result.approximate = true;
        result.epsilon = r.epsilon;
        result.delta = r.delta;
        result.samples = r.samples;
      } else {
        score = betweenness(g, mask);
      }
      break;
    }
  }
  struct Scored {  // sorted light, named once cut to the top
    std::uint32_t node;
    double score, in, out;
  };
  std::vector<Scored> scored;
  for (std::uint32_t v = 0; v < g.num_nodes(); ++v) {
    const std::uint32_t node = moves ? mg.node_of_org[v] : v;
    if (query.kind && snapshot.kind(node) != *query.kind) continue;
    const bool degree = query.metric == Metric::degree;
    scored.push_back({node, score[v], degree ? deg.in[v] : 0, degree ? deg.out[v] : 0});
  }
  std::ranges::stable_sort(scored, [&](const Scored& a, const Scored& b) {
    if (a.score != b.score) return a.score > b.score;
    return snapshot.name(a.node) < snapshot.name(b.node);
  });
  if (query.top && scored.size() > query.top) scored.resize(query.top);
  result.rows.reserve(scored.size());
  for (const Scored& s : scored) {
    RankRow& row = result.rows.emplace_back();
    row.node = s.node;
    row.score = s.score;
    row.in = s.in;
    row.out = s.out;
    row.name = snapshot.name(s.node);
    row.kind = snapshot.kind(s.node);
    row.country = snapshot.country(s.node);
  }
  return result;
}

Result<RankResult> rank(Store& store, const RankQuery& query) {
  auto snapshot = load_snapshot(store);
  if (!snapshot) return fail(snapshot.error());
  return rank(*snapshot, query);
}

FlowResult flows(const graph::Snapshot& snapshot, const FlowQuery& query) {
  // Each admitted move as (period, from, to, person) keys, sorted once: a group's moves are its
  // run, its people the distinct persons in it. Organisations are keyed by node (two companies
  // of one name stay two), countries by their code.
  struct Key {
    std::uint32_t period, from, to, person;
    auto operator<=>(const Key&) const = default;
  };
  std::vector<std::string> periods{""};
  std::unordered_map<std::string, std::uint32_t> period_ids{{"", 0}};
  std::vector<std::string> countries;
  std::unordered_map<std::string, std::uint32_t> country_ids;
  auto country_id = [&](const std::string& cc) {
    auto [it, fresh] = country_ids.try_emplace(cc, static_cast<std::uint32_t>(countries.size()));
    if (fresh) countries.push_back(cc);
    return it->second;
  };
  const bool by_org = query.by == FlowBy::org;
  FlowResult r;
  std::vector<Key> keys;
  for (const auto& m : snapshot.moves()) {
    if (!query.moves.admits(m.date_first, m.date_last)) continue;
    if (query.from && m.from != *query.from) continue;
    if (query.to && m.to != *query.to) continue;
    const std::string fc = snapshot.country(m.from), tc = snapshot.country(m.to);
    if (!query.from_country.empty() && fc != query.from_country) continue;
    if (!query.to_country.empty() && tc != query.to_country) continue;
    std::uint32_t period = 0;
    if (query.per && m.date_first != graph::kNoDay) {
      bool coarse = false;
      const std::string label = period_label(m.date_first, m.date_last, *query.per, &coarse);
      if (coarse) ++r.coarse;
      auto [it, fresh] = period_ids.try_emplace(label, static_cast<std::uint32_t>(periods.size()));
      if (fresh) periods.push_back(label);
      period = it->second;
    }
    keys.push_back({period, by_org ? m.from : country_id(fc), by_org ? m.to : country_id(tc), m.person});
  }
  std::ranges::sort(keys);
  auto label = [&](std::uint32_t v) { return by_org ? snapshot.name(v) : countries[v]; };
  // Net gain: distinct people in and out of each organisation or country (per the whole window).
  struct Side {
    std::uint32_t node, person;
    auto operator<=>(const Side&) const = default;
  };
  std::vector<Side> ins, outs;
  for (std::size_t i = 0; i < keys.size();) {
    std::size_t j = i;
    std::uint64_t people = 0;
    for (; j < keys.size() && keys[j].period == keys[i].period && keys[j].from == keys[i].from && keys[j].to == keys[i].to; ++j)
      if (j == i || keys[j].person != keys[j - 1].person) ++people;
    FlowRow row{periods[keys[i].period], label(keys[i].from), label(keys[i].to), std::nullopt, std::nullopt, people, j - i};
    if (by_org) {
      row.from_node = keys[i].from;
      row.to_node = keys[i].to;
    }
    r.flows.push_back(std::move(row));
    // Within one country: a flow, but no net change.
    if (by_org || keys[i].from != keys[i].to)
      for (std::size_t k = i; k < j; ++k) {
        outs.push_back({keys[k].from, keys[k].person});
        ins.push_back({keys[k].to, keys[k].person});
      }
    i = j;
  }
  const bool people = query.count == FlowCount::people;
  std::map<std::string, NetRow> net;  // by label, as listed
  std::map<std::uint32_t, std::string> labels;
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
  const FlowCount count = query.count;
  std::ranges::stable_sort(r.flows, [&](const FlowRow& a, const FlowRow& b) {
    if (a.period != b.period) return a.period.empty() != b.period.empty() ? !a.period.empty() : a.period < b.period;
    if (a.count(count) != b.count(count)) return a.count(count) > b.count(count);
    if (a.from != b.from) return a.from < b.from;
    return a.to < b.to;
  });
  for (auto& [k, row] : net) {
    row.net = row.in - row.out;
    r.net.push_back(row);
  }
  std::ranges::stable_sort(r.net, [](const NetRow& a, const NetRow& b) { return a.net > b.net; });
  if (query.top) {
    if (!query.per && r.flows.size() > query.top) r.flows.resize(query.top);
    if (query.per) {  // the top rows of each period
      std::vector<FlowRow> kept;
      std::size_t in_period = 0;
      for (std::size_t i = 0; i < r.flows.size(); ++i) {
        in_period = i > 0 && r.flows[i].period == r.flows[i - 1].period ? in_period + 1 : 0;
        if (in_period < query.top) kept.push_back(std::move(r.flows[i]));
      }
      r.flows = std::move(kept);
    }
    if (r.net.size() > query.top) r.net.resize(query.top);
  }
  return r;
}

Result<FlowResult> flows(Store& store, const FlowSearch& search) {
  auto snapshot = load_snapshot(store);
  if (!snapshot) return fail(snapshot.error());
  FlowQuery query = search.query;
  for (auto [name, slot] : {std::pair{&search.from, &query.from}, std::pair{&search.to, &query.to}}) {
    if (name->empty()) continue;
    auto id = find_entity(store, *name);
    if (!id) return fail(id.error());
    auto node = node_of(*snapshot, *id, *name);
    if (!node) return fail(node.error());
    *slot = *node;
  }
  return flows(*snapshot, query);
}

}  // namespace tg::queries
