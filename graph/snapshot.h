// The immutable in-memory graph built from the store: dense node ids for entities, the
// affiliation graph (every relation, read undirected) in CSR form, and the derived moves.
// Cached beside the database as a binary file stamped with the store's generation: a query on
// an unchanged store loads it instead of rebuilding; a stale or damaged file is rebuilt.
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "graph/csr.h"
#include "graph/error.h"
#include "graph/model.h"
#include "graph/moves.h"
#include "graph/store.h"

namespace tg::graph {

using tg::kNoDay;

// A relation as the snapshot keeps it: its ends as node indices and its dates as day bounds
// (both bounds of each date: "held on D" reads the outer ones, "definitely covers D" the inner).
// A `moved` relation with `left: A` is two edges: P -> B (joined) and P -> A (`left`), whose
// only date is its end, the move's date: P was at A until then.
struct SnapshotEdge {
  std::int64_t relation = 0;
  std::uint32_t from = 0, to = 0;
  RelationKind kind = RelationKind::worked_at;
  std::uint8_t former = 0;
  std::int32_t start_first = kNoDay, end_last = kNoDay;  // kNoDay: unknown
  std::int32_t start_last = kNoDay, end_first = kNoDay;
  std::uint8_t left = 0;  // the P -> A edge of a `moved` relation with `left: A`
};

// A derived move (graph/moves.h): node indices and the arrival date as day bounds (kNoDay when
// unknown).
inline constexpr std::uint32_t kNoNode = std::numeric_limits<std::uint32_t>::max();
struct SnapshotMove {
  std::uint32_t person = 0, from = 0, to = 0;
  std::int32_t date_first = kNoDay, date_last = kNoDay;
  MoveBasis basis = MoveBasis::dated;
  // The places of work at either end (Move::from_location, to_location); kNoNode when unsaid.
  std::uint32_t from_place = kNoNode, to_place = kNoNode;
};

// The snapshot cache file beside a database: DB.tgsnap.
std::string cache_path(const Store& store);
// Deletes the cache file (it holds names: after a person is forgotten it goes at once).
void remove_cache(const Store& store);

class Snapshot {
 public:
  std::int64_t generation() const { return generation_; }
  std::int64_t store_id() const { return store_id_; }
  std::uint32_t num_nodes() const { return static_cast<std::uint32_t>(entity_ids_.size()); }

  EntityId entity(std::uint32_t node) const { return EntityId{entity_ids_[node]}; }
  NodeKind kind(std::uint32_t node) const { return kinds_[node]; }
  const std::string& name(std::uint32_t node) const { return names_[node]; }
  std::string country(std::uint32_t node) const;  // "" when unknown
  std::optional<std::uint32_t> node_of(EntityId id) const;

  const std::vector<SnapshotEdge>& edges() const { return edges_; }
  const std::vector<SnapshotMove>& moves() const { return moves_; }
  // The top of an organisation's chain of current part_of parents (graph/moves.h, OrgTree::top):
  // the node itself when it has none. Roll-ups fold organisations into it.
  std::uint32_t top(std::uint32_t node) const { return top_.empty() ? node : top_[node]; }
  bool has_parents() const { return !top_.empty(); }
  // Every relation as an undirected edge; edge id = index into edges().
  const Csr& affiliation() const { return affiliation_; }

  // Edge masks (by edge id) for the affiliation graph. As of day D: a relation holds unless its
  // known start is after D or its known end is before D; relations of unknown dates hold.
  std::vector<std::uint8_t> mask(std::optional<std::int32_t> as_of, const std::vector<RelationKind>& kinds) const;

  // Builds from the store, in one read transaction.
  static Snapshot build(Store& store);
  // Loads `cache_path` if it holds this store generation and reads back whole; otherwise
  // builds and writes it (atomically: a temporary file renamed over it). `rebuilt` says which.
  static Result<Snapshot> load(Store& store, const std::string& cache_path, bool* rebuilt = nullptr);

  Result<void> write(const std::string& path) const;
  static Result<Snapshot> read(const std::string& path);

 private:
  std::int64_t generation_ = 0;
  std::int64_t store_id_ = 0;
  std::vector<std::int64_t> entity_ids_;  // ascending
  std::vector<NodeKind> kinds_;
  std::vector<std::string> names_;
  std::vector<std::uint16_t> countries_;  // two letters packed, 0 = unknown
  std::vector<SnapshotEdge> edges_;
  std::vector<SnapshotMove> moves_;
  std::vector<std::uint32_t> top_;  // by node; empty when no organisation has a current parent
  Csr affiliation_;
};

}  // namespace tg::graph
