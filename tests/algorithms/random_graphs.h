// Random test graphs for the algorithm tests: small shapes like the real graphs (sparse random,
// person-organisation affiliation with Zipf organisation sizes, star-heavy, disconnected), with
// parallel edges and self loops, plus a random mask and weights, and a plain BFS to compare with.
#pragma once

#include <cmath>
#include <cstdint>
#include <deque>
#include <random>
#include <string>
#include <vector>

#include "graph/csr.h"

namespace tg::testing {

struct TestGraph {
  std::string name;
  graph::Orientation orientation = graph::Orientation::directed;
  std::uint32_t num_nodes = 0;
  std::vector<graph::EdgeIn> edges;  // edges[i].id == i
  std::vector<double> weights;       // by edge id
  std::vector<std::uint8_t> mask;    // by edge id; all 1 unless masked

  graph::Csr csr() const { return graph::Csr::build(num_nodes, edges, orientation); }
  void add(std::uint32_t src, std::uint32_t dst) {
    edges.push_back({src, dst, static_cast<std::uint32_t>(edges.size())});
  }
};

enum class Shape { sparse_random, affiliation, star_heavy, disconnected };

inline const char* shape_name(Shape shape) {
  switch (shape) {
    case Shape::sparse_random: return "sparse_random";
    case Shape::affiliation: return "affiliation";
    case Shape::star_heavy: return "star_heavy";
    case Shape::disconnected: return "disconnected";
  }
  return "?";
}

// Erdős–Rényi-like G(n, m) on [first, first + n), then some parallel copies and self loops.
inline void add_sparse_random(TestGraph& g, std::mt19937_64& rng, std::uint32_t first, std::uint32_t n,
                              std::uint32_t m) {
  std::uniform_int_distribution<std::uint32_t> node(first, first + n - 1);
  for (std::uint32_t i = 0; i < m; ++i) {
    const std::uint32_t a = node(rng);
    std::uint32_t b = node(rng);
    if (a == b) b = first + (b - first + 1) % n;
    g.add(a, b);
  }
}

inline void add_multi_edges(TestGraph& g, std::mt19937_64& rng, std::uint32_t parallel, std::uint32_t loops) {
  if (g.edges.empty()) return;
  std::uniform_int_distribution<std::size_t> pick(0, g.edges.size() - 1);
  std::uniform_int_distribution<std::uint32_t> node(0, g.num_nodes - 1);
  for (std::uint32_t i = 0; i < parallel; ++i) {
    const graph::EdgeIn e = g.edges[pick(rng)];
    g.add(e.src, e.dst);
  }
  for (std::uint32_t i = 0; i < loops; ++i) {
    const std::uint32_t v = node(rng);
    g.add(v, v);
  }
}

inline TestGraph make_graph(Shape shape, graph::Orientation orientation, std::uint64_t seed, bool masked) {
  std::mt19937_64 rng(seed);
  TestGraph g;
  g.orientation = orientation;
  g.name = std::string(shape_name(shape)) + (orientation == graph::Orientation::directed ? "_directed" : "_undirected") +
           (masked ? "_masked" : "") + "_" + std::to_string(seed);
  switch (shape) {
    case Shape::sparse_random:
      g.num_nodes = 70;
      add_sparse_random(g, rng, 0, 70, 150);
      break;
    case Shape::affiliation: {
      // people 0..59, organisations 60..71 with Zipf(1) popularity; person -> organisation.
      const std::uint32_t people = 60, orgs = 12;
      g.num_nodes = people + orgs;
      std::vector<double> popularity;
      for (std::uint32_t k = 1; k <= orgs; ++k) popularity.push_back(1.0 / k);
      std::discrete_distribution<std::uint32_t> org(popularity.begin(), popularity.end());
      std::uniform_int_distribution<std::uint32_t> jobs(1, 4);
      for (std::uint32_t p = 0; p < people; ++p) {
        for (std::uint32_t j = jobs(rng); j > 0; --j) g.add(p, people + org(rng));  // repeats: parallel edges
      }
      break;
    }
    case Shape::star_heavy: {
      // hubs 0, 1, 2 with 20 spokes each (some pointing in), plus random cross edges.
      g.num_nodes = 63;
      for (std::uint32_t hub = 0; hub < 3; ++hub) {
        for (std::uint32_t i = 0; i < 20; ++i) {
          const std::uint32_t leaf = 3 + hub * 20 + i;
          if (i % 3 == 0) g.add(leaf, hub); else g.add(hub, leaf);
        }
      }
      add_sparse_random(g, rng, 0, 63, 25);
      break;
    }
    case Shape::disconnected:
      // three random components and a few isolated nodes (75..79).
      g.num_nodes = 80;
      add_sparse_random(g, rng, 0, 30, 60);
      add_sparse_random(g, rng, 30, 25, 40);
      add_sparse_random(g, rng, 55, 20, 30);
      break;
  }
  add_multi_edges(g, rng, 8, 3);
  std::uniform_real_distribution<double> weight(0.25, 4.0);
  std::bernoulli_distribution keep(0.8);
  for (std::size_t i = 0; i < g.edges.size(); ++i) {
    g.weights.push_back(weight(rng));
    g.mask.push_back(masked ? keep(rng) : 1);
  }
  return g;
}

// Hop distances from `source` following arcs as given (out-rows), skipping masked edges.
inline std::vector<std::int64_t> bfs_distances(const graph::Csr& g, std::uint32_t source,
                                               const std::vector<std::uint8_t>& mask) {
  std::vector<std::int64_t> dist(g.num_nodes(), -1);
  std::deque<std::uint32_t> queue{source};
  dist[source] = 0;
  while (!queue.empty()) {
    const std::uint32_t v = queue.front();
    queue.pop_front();
    const auto targets = g.out_neighbors(v);
    const auto ids = g.out_edge_ids(v);
    for (std::size_t k = 0; k < targets.size(); ++k) {
      if ((mask.empty() || mask[ids[k]]) && dist[targets[k]] < 0) {
        dist[targets[k]] = dist[v] + 1;
        queue.push_back(targets[k]);
      }
    }
  }
  return dist;
}

}  // namespace tg::testing
