// PathFinder: shortest paths on hand-drawn graphs, then on random graphs against a plain BFS,
// and Yen's k shortest paths against a brute-force enumeration of every simple path.
#include "queries/paths.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <random>
#include <set>

#include "tests/algorithms/random_graphs.h"

namespace tg::queries {
namespace {

using graph::Csr;
using graph::EdgeIn;
using graph::Orientation;

// Every hop i must be an arc nodes[i] -> nodes[i+1] of the Csr carrying edge_ids[i], allowed.
::testing::AssertionResult valid_path(const Csr& g, const Path& p, std::uint32_t from, std::uint32_t to,
                                      std::span<const std::uint8_t> mask) {
  if (p.nodes.size() != p.edge_ids.size() + 1) return ::testing::AssertionFailure() << "sizes disagree";
  if (p.nodes.front() != from || p.nodes.back() != to) return ::testing::AssertionFailure() << "wrong ends";
  for (std::size_t i = 0; i < p.hops(); ++i) {
    if (!mask.empty() && mask[p.edge_ids[i]] == 0) {
      return ::testing::AssertionFailure() << "hop " << i << " uses masked edge " << p.edge_ids[i];
    }
    const auto targets = g.out_neighbors(p.nodes[i]);
    const auto ids = g.out_edge_ids(p.nodes[i]);
    bool found = false;
    for (std::size_t k = 0; k < targets.size(); ++k) found |= targets[k] == p.nodes[i + 1] && ids[k] == p.edge_ids[i];
    if (!found) return ::testing::AssertionFailure() << "hop " << i << " is no arc of the graph";
  }
  return ::testing::AssertionSuccess();
}

bool simple(const Path& p) { return std::set<std::uint32_t>(p.nodes.begin(), p.nodes.end()).size() == p.nodes.size(); }

//   0 -e0-> 1 -e1-> 2 -e2-> 3
//   0 -e3-> 4 -e4-> 3          4 -e5-> 4 (self loop)      5 isolated
TEST(ShortestPathHandDrawn, FindsTheShortcutWithItsEdgeIds) {
  const std::vector<EdgeIn> edges = {{0, 1, 0}, {1, 2, 1}, {2, 3, 2}, {0, 4, 3}, {4, 3, 4}, {4, 4, 5}};
  const Csr g = Csr::build(6, edges, Orientation::directed);
  PathFinder finder(g);
  EXPECT_EQ(finder.shortest(0, 3), (Path{{0, 4, 3}, {3, 4}}));
  EXPECT_EQ(finder.shortest(2, 2), (Path{{2}, {}}));
  EXPECT_EQ(finder.shortest(3, 0), std::nullopt);  // directed: no way back
  EXPECT_EQ(finder.shortest(0, 5), std::nullopt);
  // Masking e4 forces the long way round; a hop limit below its length finds nothing.
  const std::vector<std::uint8_t> mask = {1, 1, 1, 1, 0, 1};
  EXPECT_EQ(finder.shortest(0, 3, {.edge_mask = mask}), (Path{{0, 1, 2, 3}, {0, 1, 2}}));
  EXPECT_EQ(finder.shortest(0, 3, {.edge_mask = mask, .max_hops = 2}), std::nullopt);
  EXPECT_EQ(finder.shortest(0, 3, {.edge_mask = mask, .max_hops = 3}), (Path{{0, 1, 2, 3}, {0, 1, 2}}));
  // Undirected, the same edges lead back.
  const Csr u = Csr::build(6, edges, Orientation::undirected);
  PathFinder back(u);
  EXPECT_EQ(back.shortest(3, 0), (Path{{3, 4, 0}, {4, 3}}));
}

//   0 =e0,e1=> 1 -e2- 2      (two parallel edges 0-1), and 0 -e3- 3 -e4- 2
// The three simple 0 -> 2 paths: via e0 e2, via e1 e2 (both 2 hops), via e3 e4 (2 hops).
TEST(KShortestHandDrawn, ParallelEdgesGiveDistinctPaths) {
  const std::vector<EdgeIn> edges = {{0, 1, 0}, {0, 1, 1}, {1, 2, 2}, {0, 3, 3}, {3, 2, 4}};
  const Csr g = Csr::build(4, edges, Orientation::undirected);
  PathFinder finder(g);
  const std::vector<Path> paths = finder.k_shortest(0, 2, 5);
  ASSERT_EQ(paths.size(), 3u);
  std::set<std::vector<std::uint32_t>> ids;
  for (const Path& p : paths) {
    EXPECT_EQ(p.hops(), 2u);
    ids.insert(p.edge_ids);
  }
  EXPECT_EQ(ids, (std::set<std::vector<std::uint32_t>>{{0, 2}, {1, 2}, {3, 4}}));
  EXPECT_EQ(paths.front(), *finder.shortest(0, 2));
  EXPECT_EQ(finder.k_shortest(0, 2, 1).size(), 1u);
  EXPECT_TRUE(finder.k_shortest(0, 2, 0).empty());
}

struct RandomCase {
  testing::Shape shape;
  Orientation orientation;
  bool masked;
};

std::vector<RandomCase> random_cases() {
  std::vector<RandomCase> cases;
  for (const auto shape : {testing::Shape::sparse_random, testing::Shape::affiliation, testing::Shape::star_heavy,
                           testing::Shape::disconnected}) {
    for (const auto o : {Orientation::directed, Orientation::undirected}) {
      for (const bool masked : {false, true}) cases.push_back({shape, o, masked});
    }
  }
  return cases;
}

TEST(ShortestPathRandom, LengthEqualsPlainBfsAndPathsAreValidAndRespectTheMask) {
  std::uint64_t seed = 100;
  int paths_found = 0, no_path = 0;
  for (const RandomCase& c : random_cases()) {
    const auto tg = testing::make_graph(c.shape, c.orientation, ++seed, c.masked);
    const Csr g = tg.csr();
    PathFinder finder(g);
    std::mt19937_64 rng(seed);
    std::uniform_int_distribution<std::uint32_t> node(0, g.num_nodes() - 1);
    for (int q = 0; q < 60; ++q) {
      const std::uint32_t from = node(rng), to = node(rng);
      const auto dist = testing::bfs_distances(g, from, tg.mask);
      const auto path = finder.shortest(from, to, {.edge_mask = tg.mask});
      SCOPED_TRACE(tg.name + " " + std::to_string(from) + " -> " + std::to_string(to));
      if (dist[to] < 0) {
        EXPECT_EQ(path, std::nullopt);
        ++no_path;
        continue;
      }
      ASSERT_TRUE(path.has_value());
      EXPECT_EQ(static_cast<std::int64_t>(path->hops()), dist[to]);
      EXPECT_TRUE(valid_path(g, *path, from, to, tg.mask));
      ++paths_found;
      // A hop limit of exactly the distance still finds it; one less does not.
      if (dist[to] > 0) {
        const auto limit = static_cast<std::uint32_t>(dist[to]);
        EXPECT_TRUE(finder.shortest(from, to, {.edge_mask = tg.mask, .max_hops = limit}).has_value());
        EXPECT_EQ(finder.shortest(from, to, {.edge_mask = tg.mask, .max_hops = limit - 1}), std::nullopt);
      }
    }
  }
  EXPECT_GT(paths_found, 500);  // the shapes are connected enough for the check to bite
  EXPECT_GT(no_path, 20);
}

// Every simple from -> to path as its edge-id sequence, by depth-first search.
std::vector<std::vector<std::uint32_t>> all_simple_paths(const Csr& g, std::uint32_t from, std::uint32_t to,
                                                         const std::vector<std::uint8_t>& mask) {
  std::vector<std::vector<std::uint32_t>> found;
  std::vector<std::uint32_t> edges;
  std::vector<bool> on_path(g.num_nodes(), false);
  std::function<void(std::uint32_t)> dfs = [&](std::uint32_t v) {
    if (v == to) {
      found.push_back(edges);
      return;
    }
    on_path[v] = true;
    const auto targets = g.out_neighbors(v);
    const auto ids = g.out_edge_ids(v);
    for (std::size_t k = 0; k < targets.size(); ++k) {
      if (on_path[targets[k]] || (!mask.empty() && !mask[ids[k]])) continue;
      edges.push_back(ids[k]);
      dfs(targets[k]);
      edges.pop_back();
    }
    on_path[v] = false;
  };
  dfs(from);
  return found;
}

TEST(KShortestRandom, MatchesBruteForceEnumerationOfSimplePaths) {
  int compared = 0;
  for (std::uint64_t seed = 1; seed <= 24; ++seed) {
    // Small dense-ish graphs with parallel edges so that there are many simple paths.
    testing::TestGraph tg;
    tg.orientation = seed % 2 ? Orientation::directed : Orientation::undirected;
    tg.num_nodes = 9;
    std::mt19937_64 rng(seed);
    testing::add_sparse_random(tg, rng, 0, 9, seed % 2 ? 22 : 13);
    testing::add_multi_edges(tg, rng, 3, 1);
    std::bernoulli_distribution keep(0.85);
    for (std::size_t i = 0; i < tg.edges.size(); ++i) tg.mask.push_back(seed % 3 == 0 ? keep(rng) : 1);
    const Csr g = tg.csr();
    PathFinder finder(g);
    for (std::uint32_t from = 0; from < 3; ++from) {
      for (std::uint32_t to = 5; to < 8; ++to) {
        auto all = all_simple_paths(g, from, to, tg.mask);
        std::sort(all.begin(), all.end(), [](const auto& a, const auto& b) { return a.size() < b.size(); });
        for (const std::uint32_t max_hops : {std::numeric_limits<std::uint32_t>::max(), 4u}) {
          const std::size_t k = 12;
          const auto paths = finder.k_shortest(from, to, k, {.edge_mask = tg.mask, .max_hops = max_hops});
          SCOPED_TRACE("seed " + std::to_string(seed) + " " + std::to_string(from) + " -> " + std::to_string(to));
          std::vector<std::size_t> want;
          for (const auto& p : all) {
            if (p.size() <= max_hops && want.size() < k) want.push_back(p.size());
          }
          std::vector<std::size_t> got;
          std::set<std::vector<std::uint32_t>> distinct;
          for (const Path& p : paths) {
            got.push_back(p.hops());
            distinct.insert(p.edge_ids);
            EXPECT_TRUE(valid_path(g, p, from, to, tg.mask));
            EXPECT_TRUE(simple(p));
          }
          EXPECT_EQ(got, want);  // the k smallest lengths, in nondecreasing order
          EXPECT_EQ(distinct.size(), paths.size());
          if (!paths.empty()) {
            EXPECT_EQ(paths.front().hops(), finder.shortest(from, to, {.edge_mask = tg.mask})->hops());
          }
          compared += !paths.empty();
        }
      }
    }
  }
  EXPECT_GT(compared, 200);
}

TEST(ShortestPathRandom, ManyQueriesReuseOneFinder) {
  // The stamps must isolate queries: alternate between two graphs' worth of work on one finder.
  const auto tg = testing::make_graph(testing::Shape::star_heavy, Orientation::undirected, 5, true);
  const Csr g = tg.csr();
  PathFinder finder(g);
  for (int round = 0; round < 3; ++round) {
    for (std::uint32_t from = 0; from < g.num_nodes(); from += 7) {
      const auto dist = testing::bfs_distances(g, from, tg.mask);
      for (std::uint32_t to = 0; to < g.num_nodes(); ++to) {
        const auto p = finder.shortest(from, to, {.edge_mask = tg.mask});
        ASSERT_EQ(p.has_value(), dist[to] >= 0);
        if (p) {
          EXPECT_EQ(static_cast<std::int64_t>(p->hops()), dist[to]);
        }
      }
    }
  }
}

}  // namespace
}  // namespace tg::queries
