// The graph questions, asked of a snapshot: connection paths, centrality rankings on the
// affiliation or the move graph, and aggregated talent flows between organisations or countries,
// each restricted to a date window or to the graph as it stood on a date.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "graph/error.h"
#include "graph/moves.h"
#include "graph/snapshot.h"
#include "graph/store.h"

namespace tg::queries {

// The cache file beside the database: DB.tgsnap.
std::string snapshot_cache_path(const Store& store);
// The snapshot of `store`, from its cache file beside the database when that is current.
Result<graph::Snapshot> load_snapshot(Store& store, bool* rebuilt = nullptr);

// ---- path ----
struct PathQuery {
  std::uint32_t from = 0, to = 0;
  std::uint32_t max_hops = 12;
  std::vector<RelationKind> via;        // empty: every kind
  std::optional<std::int32_t> as_of;    // day
  std::size_t k = 1;
};
struct Hop {
  std::uint32_t from = 0, to = 0;  // in walking order
  std::uint32_t edge = 0;          // index into snapshot.edges()
  bool along = true;               // walked in the relation's own direction
};
using ConnectionPath = std::vector<Hop>;
std::vector<ConnectionPath> find_paths(const graph::Snapshot& snapshot, const PathQuery& query);

// ---- rank ----
enum class Metric { pagerank, betweenness, degree, closeness };
enum class RankGraph { moves, affiliation };
struct RankQuery {
  Metric metric = Metric::pagerank;
  RankGraph graph = RankGraph::moves;
  std::optional<NodeKind> kind;   // only rows of this kind
  std::size_t top = 20;
  MoveWindow moves;               // move graph: which moves
  std::optional<std::int32_t> as_of;  // affiliation graph: which relations
  // Betweenness: exact unless the graph is large (n * m above the threshold) or epsilon is set.
  std::optional<double> epsilon, delta;
  bool force_exact = false;
  double exact_work_limit = 2e10;
  std::uint64_t seed = 1;
};
struct RankRow {
  std::uint32_t node = 0;
  double score = 0;
  double in = 0, out = 0;  // degree: inflow and outflow (moves in, moves out on the move graph)
};
struct RankResult {
  std::vector<RankRow> rows;
  std::uint32_t nodes = 0;
  std::uint64_t edges = 0;
  bool approximate = false;
  double epsilon = 0, delta = 0;
  std::uint64_t samples = 0;
};
RankResult rank(const graph::Snapshot& snapshot, const RankQuery& query);

// ---- flows ----
enum class FlowBy { org, country };
struct FlowQuery {
  FlowBy by = FlowBy::org;
  MoveWindow moves;
  std::optional<std::uint32_t> from, to;  // organisations (nodes)
  std::string from_country, to_country;
  std::size_t top = 0;                    // 0: all
};
struct FlowRow {
  std::string from, to;  // organisation names or country codes ("" unknown)
  std::uint64_t count = 0;
};
struct NetRow {
  std::string name;
  std::int64_t in = 0, out = 0, net = 0;
};
struct FlowResult {
  std::vector<FlowRow> flows;  // by count, descending
  std::vector<NetRow> net;     // by net gain, descending
};
FlowResult flows(const graph::Snapshot& snapshot, const FlowQuery& query);

}  // namespace tg::queries
