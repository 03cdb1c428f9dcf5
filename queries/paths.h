// Point-to-point paths over a Csr snapshot: the shortest chain of edges by balanced
// bidirectional BFS, and the k shortest simple chains by Yen's algorithm on top of it.
// Unweighted, read as the graph is oriented, restricted to the edges a mask allows.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <new>
#include <type_traits>
#include <limits>
#include <optional>
#include <span>
#include <vector>

#include "graph/csr.h"

namespace tg::queries {

// nodes[0] is the start, nodes.back() the end; edge_ids[i] links nodes[i] to nodes[i + 1]
// (for an undirected Csr the caller's edge may point either way).
struct Path {
  std::vector<std::uint32_t> nodes;
  std::vector<std::uint32_t> edge_ids;
  std::size_t hops() const { return edge_ids.size(); }
  friend bool operator==(const Path&, const Path&) = default;
};

struct PathOptions {
  std::span<const std::uint8_t> edge_mask = {};  // by edge id; empty: every edge; 0 removes an edge
  std::uint32_t max_hops = std::numeric_limits<std::uint32_t>::max();
};

// Holds scratch arrays sized to the graph, reused across queries (only a stamp changes per
// query), so one finder answers many queries without allocating per node. Not thread-safe:
// one finder per thread. The Csr must outlive it.
class PathFinder {
 public:
  explicit PathFinder(const graph::Csr& g);

  // A shortest from -> to path with at most max_hops edges; nullopt when there is none.
  // Precondition: from, to < num_nodes().
  std::optional<Path> shortest(std::uint32_t from, std::uint32_t to, const PathOptions& options = {});

  // Up to k shortest simple paths (no repeated node), in nondecreasing length, pairwise distinct
  // by edge-id sequence (parallel edges give distinct paths), each within max_hops.
  // The first is shortest()'s. Ties are ordered by edge-id sequence.
  std::vector<Path> k_shortest(std::uint32_t from, std::uint32_t to, std::size_t k, const PathOptions& options = {});

 private:
  struct Mark {
    std::uint32_t forward = 0;   // == stamp_: reached from the start
    std::uint32_t backward = 0;  // == stamp_: reaches the end
    std::uint32_t banned = 0;    // == stamp_: not to be used (Yen's root path)
  };
  struct Link {
    std::uint32_t node = 0;  // the neighbour one step nearer the side's origin
    std::uint32_t edge = 0;
  };
  std::uint32_t next_stamp();
  std::optional<Path> search(std::uint32_t from, std::uint32_t to, const PathOptions& options,
                             std::span<const std::uint32_t> blocked_from_start);

  // Scratch of zeros from calloc: fresh pages the kernel maps when first touched, so a search that
  // reaches a few thousand nodes of a graph of millions touches only their pages.
  struct Free {
    void operator()(void* p) const { std::free(p); }
  };
  template <typename T>
  using Zeroed = std::unique_ptr<T[], Free>;
  template <typename T>
  static Zeroed<T> zeroed(std::size_t n) {
    static_assert(std::is_trivially_copyable_v<T>);
    void* p = std::calloc(std::max<std::size_t>(n, 1), sizeof(T));
    if (!p) throw std::bad_alloc();
    return Zeroed<T>(static_cast<T*>(p));
  }

  const graph::Csr* g_;
  std::uint32_t stamp_ = 0;
  Zeroed<Mark> marks_;
  Zeroed<Link> forward_link_, backward_link_;
  std::vector<std::uint32_t> forward_frontier_, backward_frontier_, next_frontier_;
};

}  // namespace tg::queries
