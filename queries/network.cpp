#include "queries/network.h"

#include <algorithm>
#include <limits>

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
      const graph::SnapshotEdge e = snapshot.edge(p.edge_ids[i]);
      hops.push_back({p.nodes[i], p.nodes[i + 1], p.edge_ids[i], e.from == p.nodes[i], e.left != 0});
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
      const graph::SnapshotEdge edge = snapshot.edge(hop.edge);
      const RelationId relation{edge.relation};
      PathHop h{hop, std::string(snapshot.name(hop.from)), std::string(snapshot.name(hop.to)), edge.kind,
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
  return on_snapshot(store, [&](const graph::Snapshot& snapshot) -> Result<PathAnswer> {
    auto from_node = node_of(snapshot, *from, search.from);
    if (!from_node) return fail(from_node.error());
    auto to_node = node_of(snapshot, *to, search.to);
    if (!to_node) return fail(to_node.error());
    PathQuery query;
    query.from = *from_node;
    query.to = *to_node;
    query.max_hops = search.max_hops;
    query.via = search.via;
    query.as_of = search.as_of;
    query.k = search.k;
    PathAnswer answer;
    answer.from = snapshot.name(query.from);
    answer.to = snapshot.name(query.to);
    answer.paths = path_rows(store, snapshot, find_paths(snapshot, query));
    return answer;
  });
}

namespace {

// The move graph of the admitted moves: organisations as nodes, one arc per (from, to) pair
// weighted by its number of moves.
struct MoveGraph {
  std::vector<std::uint32_t> node_of_org;  // move-graph node -> snapshot node
  graph::Csr csr;
  std::vector<double> weights;  // by arc id
};

// Ascending, as std::sort would leave them, by two stable counting passes (the low half, then the
// high one): both halves are local ids < `bound`. At L that is 2.6M pairs, which a comparison
// sort took a quarter of `rank`'s time on.
void sort_pairs(std::vector<std::uint64_t>& pairs, std::uint32_t bound) {
  std::vector<std::uint64_t> sorted(pairs.size());
  std::vector<std::size_t> start(std::size_t{bound} + 1);
  for (const int shift : {0, 32}) {
    std::ranges::fill(start, 0);
    for (const std::uint64_t p : pairs) ++start[((p >> shift) & 0xffffffffu) + 1];
    for (std::size_t k = 1; k < start.size(); ++k) start[k] += start[k - 1];
    for (const std::uint64_t p : pairs) sorted[start[(p >> shift) & 0xffffffffu]++] = p;
    pairs.swap(sorted);
  }
}

// Rolled up, organisations are their tops, and a move within one top is left out (counted in
// `internal`).
MoveGraph move_graph(const graph::Snapshot& snapshot, const MoveWindow& window, bool roll_up, std::uint64_t& internal) {
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
    const std::uint32_t from = roll_up ? snapshot.top(m.from) : m.from, to = roll_up ? snapshot.top(m.to) : m.to;
    if (from == to) {
      ++internal;
      continue;
    }
    const std::uint32_t a = id(from), b = id(to);
    pairs.push_back((static_cast<std::uint64_t>(a) << 32) | b);
  }
  sort_pairs(pairs, static_cast<std::uint32_t>(g.node_of_org.size()));
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
    mg = move_graph(snapshot, query.moves, query.roll_up, result.internal);
  else if (query.as_of)
    mask = snapshot.mask(query.as_of, {});
  const graph::Csr& g = moves ? mg.csr : snapshot.affiliation();
  result.nodes = g.num_nodes();
  result.edges = moves ? g.num_arcs() : snapshot.num_edges();
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
        // Sampling would have cost more than the exact values: those were computed.
        result.exact_instead_of_samples = r.exact ? r.samples_needed : 0;
        result.approximate = !r.exact;
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
  return on_snapshot(store, [&](const graph::Snapshot& snapshot) -> Result<RankResult> { return rank(snapshot, query); });
}

}  // namespace tg::queries
