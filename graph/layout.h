// A force-directed layout of a graph given as a node count and an edge list: positions in the
// plane, the same for the same input and seed on every run and platform (a generator of its own,
// only + - * / and sqrt, which IEEE 754 rounds exactly; no library distribution or sin/cos).
//
// Fruchterman–Reingold within each connected component, repulsion approximated with a
// Barnes–Hut quadtree (a pass costs about n log n plus the edges, not n²), a pull toward the
// component's centre, and the components then packed side by side in rows, largest first:
// disconnected parts sit close together instead of flying apart.
#pragma once

#include <cstdint>
#include <span>
#include <utility>
#include <vector>

namespace tg::graph {

struct LayoutPoint {
  double x = 0, y = 0;
  bool operator==(const LayoutPoint&) const = default;
};

struct LayoutOptions {
  std::uint64_t seed = 1;
  std::uint32_t iterations = 250;  // fewer for components over 1,000 nodes (at least 80)
  // The length an edge tends to; positions come out in these units (about `edge_length` between
  // neighbours), with the bounding box's lower-left corner at (0, 0).
  double edge_length = 1.0;
};

// Positions of nodes 0..n-1. Edges are undirected; self loops, repeated edges and edges naming a
// node >= n are ignored.
[[nodiscard]] std::vector<LayoutPoint> force_layout(std::uint32_t n,
                                                    std::span<const std::pair<std::uint32_t, std::uint32_t>> edges,
                                                    const LayoutOptions& options = {});

}  // namespace tg::graph
