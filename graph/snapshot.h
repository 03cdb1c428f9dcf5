// The immutable in-memory graph built from the store: dense node ids for entities, the
// affiliation graph (every relation, read undirected) in CSR form, and the derived moves.
// Cached beside the database as a binary file stamped with the store's id, generation and write
// id: a query on an unchanged store loads it instead of rebuilding; a stale or damaged file is
// rebuilt. A store opened read-only whose folder cannot be written builds it in memory only.
#pragma once

#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "graph/csr.h"
#include "graph/error.h"
#include "graph/files.h"
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

// Commits a write transaction of `store`. When a snapshot cache is beside the store (someone
// reads it), the new state's snapshot is built inside the transaction and put in place as it
// commits, under the builders' lock that readers meeting the new generation wait on: readers
// never build the snapshot of a write made so (at the M scale four readers each paid 1.4 to 2 s
// after every commit). A write with no cache beside it (a first load) commits only; a cache that
// cannot be built or written is left stale, as a plain commit would.
void commit_keeping_cache(Store& store, Store::Transaction& tx);

// Built in memory, a snapshot owns its arrays; loaded from the cache it views them in the mapped
// file (format v5: a header and a table of aligned sections of plain values, graph/snapshot.cpp),
// so a query reads only the pages it touches. Copies are cheap and share the arrays.
//
// What the file holds is never trusted. The header and section table are checked whole when it
// is opened; an array walked whole (edges, moves, the affiliation graph) is checked whole, with
// its checksum, the first time it is asked for; one read an element at a time (kinds, names,
// tops) is checked at each read. A check that fails after the file was accepted never lets a bad
// index through: the array reads as a repaired copy (bad indices replaced by valid ones; the
// graph without arcs) and damaged() turns true, so that the caller rebuilds and asks again
// (queries/network.h does).
class Snapshot {
 public:
  Snapshot();

  std::int64_t generation() const { return generation_; }
  std::int64_t store_id() const { return store_id_; }
  // The store's write id when built (Store::write_id): the cache key is (store_id, generation,
  // write_id), so a cache of another branch of a restored copy is never taken for this one.
  const std::string& write_id() const { return write_id_; }
  std::uint32_t num_nodes() const { return static_cast<std::uint32_t>(entity_ids_.size()); }

  EntityId entity(std::uint32_t node) const;
  NodeKind kind(std::uint32_t node) const;
  std::string_view name(std::uint32_t node) const;
  std::string country(std::uint32_t node) const;  // "" when unknown
  std::optional<std::uint32_t> node_of(EntityId id) const;

  std::span<const SnapshotEdge> edges() const;
  // One edge, checked alone: for callers that read a few without walking them all.
  SnapshotEdge edge(std::size_t id) const;
  std::uint64_t num_edges() const { return edge_count_; }
  std::span<const SnapshotMove> moves() const;
  // The top of an organisation's chain of current part_of parents (graph/moves.h, OrgTree::top):
  // the node itself when it has none. Roll-ups fold organisations into it.
  std::uint32_t top(std::uint32_t node) const;
  bool has_parents() const { return !top_.empty(); }
  // Every relation as an undirected edge; edge id = index into edges().
  const Csr& affiliation() const;

  // Whether a check found the mapped file damaged after it was accepted: what was read from this
  // snapshot is not to be trusted, and the cache is to be rebuilt.
  bool damaged() const;
  // Checks every array of a mapped snapshot now, checksums included; false when any is damaged.
  bool verify() const;
  bool mapped() const { return mapped_; }

  // Edge masks (by edge id) for the affiliation graph. As of day D: a relation holds unless its
  // known start is after D or its known end is before D; relations of unknown dates hold.
  std::vector<std::uint8_t> mask(std::optional<std::int32_t> as_of, const std::vector<RelationKind>& kinds) const;

  // Builds from the store, in one read transaction.
  static Snapshot build(Store& store);
  // Loads `cache_path` if it holds this store generation and its header and section table are
  // sound; otherwise builds and writes it (atomically: a temporary file renamed over it).
  // `rebuilt` says which.
  static Result<Snapshot> load(Store& store, const std::string& cache_path, bool* rebuilt = nullptr);

  // The cache file at `path` when it holds the store's current state (the checks of load), not
  // building one when it does not: nullopt.
  static std::optional<Snapshot> cached(Store& store, const std::string& cache_path);

  Result<void> write(const std::string& path) const;
  // The same file written beside `path`, not yet renamed over it: AtomicFile::commit does.
  Result<AtomicFile> write_pending(const std::string& path) const;
  // Maps the file and checks its header and section table (not the arrays: see above).
  static Result<Snapshot> read(const std::string& path);

 private:
  struct Lazy;
  struct Owned;
  void note_damage() const;

  std::int64_t generation_ = 0;
  std::int64_t store_id_ = 0;
  std::string write_id_;  // 16 bytes (empty: a store without one)
  bool mapped_ = false;
  std::shared_ptr<const void> keep_;  // what holds the arrays: Owned, or the mapping
  std::shared_ptr<Lazy> lazy_;        // the arrays checked when first asked for, and the damage flag
  std::span<const std::int64_t> entity_ids_;  // ascending
  std::span<const std::uint8_t> kinds_;       // NodeKind values
  std::span<const std::uint64_t> name_offsets_;  // num_nodes + 1
  std::string_view name_blob_;
  std::span<const std::uint16_t> countries_;  // two letters packed, 0 = unknown
  std::span<const std::uint32_t> top_;        // by node; empty when no organisation has a current parent
  std::uint64_t edge_count_ = 0;
};

}  // namespace tg::graph
