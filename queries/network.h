// The graph questions, asked of a snapshot: connection paths, centrality rankings on the
// affiliation or the move graph, and aggregated talent flows between organisations or countries,
// each restricted to a date window or to the graph as it stood on a date.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "graph/error.h"
#include "graph/moves.h"
#include "graph/snapshot.h"
#include "graph/store.h"

namespace tg::queries {

// The snapshot of `store`, from its cache file beside the database (graph::cache_path) when that
// is current; otherwise built and written there.
Result<graph::Snapshot> load_snapshot(Store& store, bool* rebuilt = nullptr);

// `query` (returning a Result) asked of load_snapshot's snapshot; when the mapped cache is found
// damaged while it runs (graph::Snapshot::damaged), the cache is rebuilt and it is asked again.
template <typename Query>
auto on_snapshot(Store& store, Query&& query) -> decltype(query(std::declval<const graph::Snapshot&>())) {
  auto snapshot = load_snapshot(store);
  if (!snapshot) return fail(snapshot.error());
  auto answer = query(*snapshot);
  if (!snapshot->damaged()) return answer;
  graph::remove_cache(store);
  snapshot = load_snapshot(store);
  if (!snapshot) return fail(snapshot.error());
  return query(*snapshot);
}

// The snapshot node of an entity; ErrorCode::not_found, naming it as `name`, when the snapshot
// does not hold it (it was forgotten meanwhile).
Result<std::uint32_t> node_of(const graph::Snapshot& snapshot, EntityId id, std::string_view name);

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
  std::uint32_t edge = 0;          // index into snapshot.edges() (Snapshot::edge)
  bool along = true;               // walked in the relation's own direction
  bool left = false;               // the edge to the organisation a `moved` relation left
};
using ConnectionPath = std::vector<Hop>;
std::vector<ConnectionPath> find_paths(const graph::Snapshot& snapshot, const PathQuery& query);

// A hop as it is shown: its ends' names, the relation (from the store; default when gone) and
// its best evidence (none when it has none).
struct PathHop {
  Hop hop;
  std::string from, to;  // names, in walking order
  RelationKind kind = RelationKind::worked_at;
  RelationRow relation;
  std::optional<Evidence> evidence;
};
using PathRow = std::vector<PathHop>;

// find_paths' paths with each hop's relation and evidence.
std::vector<PathRow> path_rows(Store& store, const graph::Snapshot& snapshot,
                               const std::vector<ConnectionPath>& paths);

// A path question as users ask it: the ends by any of their names.
struct PathSearch {
  std::string from, to;
  std::uint32_t max_hops = 12;
  std::vector<RelationKind> via;        // empty: every kind
  std::optional<std::int32_t> as_of;    // day
  std::size_t k = 1;
};
struct PathAnswer {
  std::string from, to;        // the ends' canonical names
  std::vector<PathRow> paths;  // empty: no connection within the limits
};
// Resolves the names (find_entity's errors), then loads the snapshot and finds the paths.
Result<PathAnswer> connect(Store& store, const PathSearch& search);

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
  // Move graph: organisations folded into their top parent (Snapshot::top); moves within one
  // top organisation are left out.
  bool roll_up = false;
};
struct RankRow {
  std::uint32_t node = 0;
  double score = 0;
  double in = 0, out = 0;  // degree: inflow and outflow (moves in, moves out on the move graph)
  std::string name;        // the node's, and its kind and country ("" unknown)
  NodeKind kind = NodeKind::person;
  std::string country;
};
struct RankResult {
  std::vector<RankRow> rows;
  std::uint32_t nodes = 0;
  std::uint64_t edges = 0;
  bool approximate = false;
  double epsilon = 0, delta = 0;
  std::uint64_t samples = 0;
  // Betweenness with epsilon: the samples the bound asked for, when they would have cost more
  // than the exact values and those were computed instead (approximate is then false); else 0.
  std::uint64_t exact_instead_of_samples = 0;
  std::uint64_t internal = 0;  // roll-up: moves left out, both ends in one top organisation
};
RankResult rank(const graph::Snapshot& snapshot, const RankQuery& query);
// The same on the store's snapshot (load_snapshot).
Result<RankResult> rank(Store& store, const RankQuery& query);

// ---- flows ----
enum class FlowBy { org, country };
// What a flow counts: distinct people (one person who made A -> B twice counts once), or moves.
enum class FlowCount { people, moves };
// Which country a move's end is in: the employer's (the organisation's country: its
// headquarters' by the country rule) or the place of work's (the stint's location, else the
// organisation's site when it had exactly one at the move's date — an office or its
// headquarters — else the employer's).
enum class CountryOf { employer, location };
struct FlowQuery {
  FlowBy by = FlowBy::org;
  MoveWindow moves;
  std::optional<std::uint32_t> from, to;  // organisations (nodes)
  std::string from_country, to_country;
  std::size_t top = 0;                    // 0: all (per period when counted per period)
  FlowCount count = FlowCount::people;
  std::optional<Period> per;              // a row per period of the move's date
  // Organisations folded into their top parent (Snapshot::top): a move's ends, its countries and
  // the organisations filtered on are the tops'; moves within one top organisation are left out.
  bool roll_up = false;
  // Each flow per 1,000 people employed at its origin on the window's first day (moves.window.
  // first; with `per`, each period's first day): see headcount().
  bool rate = false;
  // Also the net gain of each organisation or country (FlowResult::net); left empty otherwise,
  // as tallying every move's two ends by name costs as much as the flows themselves.
  bool net = false;
  CountryOf country_of = CountryOf::employer;  // for `by` country and the country filters
};
struct FlowRow {
  std::string period;    // with `per`: "2021", "2021-Q3", "2021-07"; "" for moves of unknown date
  std::string from, to;  // organisation names or country codes ("" unknown)
  std::optional<std::uint32_t> from_node, to_node;  // by organisation
  std::uint64_t people = 0, moves = 0;
  std::uint64_t count(FlowCount c) const { return c == FlowCount::people ? people : moves; }
  // With `rate`: the origin's headcount on the day the rate is taken (none when there is no such
  // day: an undated period without a window start), and count * 1000 / headcount (none when the
  // headcount is none or 0: no rate, rather than an infinite one).
  std::optional<std::uint64_t> headcount;
  std::optional<double> rate;
};
struct NetRow {
  std::string name;
  std::optional<std::uint32_t> node;  // by organisation
  std::int64_t in = 0, out = 0, net = 0;
};
struct FlowResult {
  std::vector<FlowRow> flows;  // by count, descending (per period: periods in order, then count)
  std::vector<NetRow> net;     // with FlowQuery::net: by net gain, descending
  // Moves whose date is coarser than the period asked for (dated only to 2021 under months):
  // counted whole in the coarser period, never spread over finer ones.
  std::uint64_t coarse = 0;
  std::uint64_t internal = 0;  // roll-up: moves left out, both ends in one top organisation
  std::uint64_t undated = 0;   // moves of unknown date a date window left out
};
FlowResult flows(const graph::Snapshot& snapshot, const FlowQuery& query);

// People employed on `day` at each organisation (by node; rolled up: at each top organisation)
// or in each country (of the organisation, or of its top): distinct people with a worked_at or
// founded relation there that definitely covers the day — its start known and its last possible
// day on or before `day`, and its end known with its first possible day after `day`, or no end
// and not former. A `moved` claim says when P joined, not that P stayed: it is no stint here.
struct Headcount {
  std::vector<std::uint64_t> by_node;                           // by organisation
  std::vector<std::pair<std::string, std::uint64_t>> by_country;  // sorted by code
  std::uint64_t of(std::uint32_t node) const { return node < by_node.size() ? by_node[node] : 0; }
  std::uint64_t of(std::string_view country) const;
};
Headcount headcount(const graph::Snapshot& snapshot, std::int32_t day, FlowBy by, bool roll_up);

// Flows with the organisations by any of their names ("" = any; they replace query.from/to).
struct FlowSearch {
  FlowQuery query;
  std::string from, to;
};
// Loads the snapshot, resolves the names (find_entity_for's errors: an entity that is not an
// organisation is a usage error; not_found when the snapshot no longer holds it), then flows().
Result<FlowResult> flows(Store& store, const FlowSearch& search);

}  // namespace tg::queries
