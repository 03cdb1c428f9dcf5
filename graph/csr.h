// An immutable graph over dense node ids 0..n-1 in compressed-sparse-row form: out- and
// in-adjacency with the caller's edge id on every arc, parallel edges and self loops kept.
// Built with Boost.Graph's compressed_sparse_row_graph; serialised for the snapshot cache.
#pragma once

#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "graph/error.h"

namespace tg::binary {
class Reader;
class Writer;
}  // namespace tg::binary

namespace tg::graph {

// One input edge; `id` is the caller's index into its own attribute arrays (kind, dates,
// evidence, weight). Ids need not be unique or dense (but < 2^32 - 1); masks and weights are
// indexed by them.
struct EdgeIn {
  std::uint32_t src = 0;
  std::uint32_t dst = 0;
  std::uint32_t id = 0;
};

// undirected: each input edge is stored as an arc both ways with the same id (a self loop
// once, as in NetworkX's adjacency matrix), and in-adjacency is the out-adjacency.
enum class Orientation : std::uint8_t { directed, undirected };

// The arrays are held by shared, immutable storage: a copy of a Csr is cheap and views the same
// arrays, which are either built (owned vectors) or borrowed from a mapped snapshot file.
class Csr {
 public:
  Csr();

  // Rows keep the input order of their arcs. Precondition: src, dst < num_nodes.
  static Csr build(std::uint32_t num_nodes, std::span<const EdgeIn> edges, Orientation orientation);

  std::uint32_t num_nodes() const { return num_nodes_; }
  std::uint64_t num_arcs() const { return out_targets_.size(); }
  // One past the largest edge id (0 without edges): the size masks and weights must have.
  std::uint32_t edge_id_bound() const { return edge_id_bound_; }
  Orientation orientation() const { return orientation_; }
  bool directed() const { return orientation_ == Orientation::directed; }

  std::span<const std::uint32_t> out_neighbors(std::uint32_t v) const { return row(out_offsets_, out_targets_, v); }
  std::span<const std::uint32_t> out_edge_ids(std::uint32_t v) const { return row(out_offsets_, out_ids_, v); }
  std::span<const std::uint32_t> in_neighbors(std::uint32_t v) const {
    return directed() ? row(in_offsets_, in_sources_, v) : out_neighbors(v);
  }
  std::span<const std::uint32_t> in_edge_ids(std::uint32_t v) const {
    return directed() ? row(in_offsets_, in_ids_, v) : out_edge_ids(v);
  }
  std::uint64_t out_degree(std::uint32_t v) const { return out_offsets_[v + 1] - out_offsets_[v]; }
  std::uint64_t in_degree(std::uint32_t v) const {
    return directed() ? in_offsets_[v + 1] - in_offsets_[v] : out_degree(v);
  }

  // The raw rows, for algorithms that walk every arc: offsets has num_nodes + 1 entries.
  std::span<const std::uint64_t> out_offsets() const { return out_offsets_; }
  std::span<const std::uint32_t> out_targets() const { return out_targets_; }
  std::span<const std::uint32_t> out_ids() const { return out_ids_; }
  std::span<const std::uint64_t> in_offsets() const { return directed() ? in_offsets_ : out_offsets_; }
  std::span<const std::uint32_t> in_sources() const { return directed() ? in_sources_ : out_targets_; }
  std::span<const std::uint32_t> in_ids() const { return directed() ? in_ids_ : out_ids_; }

  // The snapshot cache (graph/binary.h): a header, the out-rows and a checksum, little-endian as
  // the machine is. `read` trusts nothing: it checks the magic, version, sizes, that offsets rise
  // from 0 to the arc count, that every neighbour is < n and every id < the recorded bound, and
  // the checksum, and rebuilds the in-rows itself. `origin` names the input in error messages.
  void write(binary::Writer& out) const;
  static Result<Csr> read(binary::Reader& in, std::string_view origin = "csr");

  // Out-rows held elsewhere (a mapped snapshot file, which `keep` keeps alive), checked by
  // check_rows first. Undirected only: a directed graph's in-rows would have to be built.
  static Csr view_undirected(std::uint32_t num_nodes, std::uint32_t edge_id_bound, std::span<const std::uint64_t> offsets,
                             std::span<const std::uint32_t> targets, std::span<const std::uint32_t> ids,
                             std::shared_ptr<const void> keep);
  // What is wrong with out-rows as read from a file (nullopt: nothing): offsets rising from 0 to
  // the arc count (one per node and one more), every target < num_nodes, every id <
  // edge_id_bound and the largest one edge_id_bound - 1.
  static std::optional<std::string> check_rows(std::uint32_t num_nodes, std::uint32_t edge_id_bound,
                                               std::span<const std::uint64_t> offsets,
                                               std::span<const std::uint32_t> targets,
                                               std::span<const std::uint32_t> ids);

  friend bool operator==(const Csr& a, const Csr& b);

 private:
  struct Storage;
  explicit Csr(std::in_place_t) {}
  template <typename T>
  static std::span<const T> row(std::span<const std::uint64_t> offsets, std::span<const T> values, std::uint32_t v) {
    return values.subspan(offsets[v], static_cast<std::size_t>(offsets[v + 1] - offsets[v]));
  }
  static Csr own(std::uint32_t num_nodes, std::uint32_t edge_id_bound, Orientation orientation, Storage&& storage);

  std::uint32_t num_nodes_ = 0;
  std::uint32_t edge_id_bound_ = 0;
  Orientation orientation_ = Orientation::directed;
  std::shared_ptr<const void> keep_;  // what holds the arrays below
  std::span<const std::uint64_t> out_offsets_;  // num_nodes + 1 entries
  std::span<const std::uint32_t> out_targets_;
  std::span<const std::uint32_t> out_ids_;
  // Directed only; undirected graphs answer in-queries from the out-rows.
  std::span<const std::uint64_t> in_offsets_;
  std::span<const std::uint32_t> in_sources_;
  std::span<const std::uint32_t> in_ids_;
};

}  // namespace tg::graph
