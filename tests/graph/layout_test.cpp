// graph/layout: the same picture for the same graph and seed, finite and distinct positions,
// neighbours closer than the average pair, a box that grows with the square root of the nodes,
// and components packed together. The time a large layout takes is printed, not asserted.
#include "graph/layout.h"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <set>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

namespace tg::graph {
namespace {

using Edges = std::vector<std::pair<std::uint32_t, std::uint32_t>>;

// A reproducible random graph: a spanning tree plus `extra` edges, from a simple LCG.
Edges random_graph(std::uint32_t n, std::uint32_t extra, std::uint64_t seed) {
  Edges e;
  std::uint64_t s = seed;
  auto next = [&] { return (s = s * 6364136223846793005ULL + 1442695040888963407ULL) >> 33; };
  for (std::uint32_t v = 1; v < n; ++v) e.emplace_back(static_cast<std::uint32_t>(next() % v), v);
  for (std::uint32_t i = 0; i < extra; ++i)
    e.emplace_back(static_cast<std::uint32_t>(next() % n), static_cast<std::uint32_t>(next() % n));
  return e;
}

double dist(const LayoutPoint& a, const LayoutPoint& b) { return std::hypot(a.x - b.x, a.y - b.y); }

TEST(Layout, SameInputAndSeedGiveTheSamePositionsBitForBit) {
  const Edges e = random_graph(300, 200, 7);
  const auto a = force_layout(300, e, {.seed = 42});
  const auto b = force_layout(300, e, {.seed = 42});
  ASSERT_EQ(a.size(), 300u);
  EXPECT_EQ(a, b);
  const auto c = force_layout(300, e, {.seed = 43});
  EXPECT_NE(a, c);
}

TEST(Layout, KnownPositionsForAFixedGraphAndSeed) {
  // Pins the generator and the arithmetic: a change to either changes every saved picture.
  const Edges e = {{0, 1}, {1, 2}, {2, 0}, {2, 3}};
  const auto p = force_layout(4, e, {.seed = 1, .iterations = 50});
  std::string text;
  for (const auto& q : p) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "(%.6f,%.6f)", q.x, q.y);
    text += buf;
  }
  EXPECT_EQ(text, "(1.997199,0.756540)(1.400649,0.000000)(0.917882,0.994141)(0.000000,1.717913)");
}

TEST(Layout, FiniteAndDistinctPositions) {
  const std::uint32_t n = 1000;
  const auto p = force_layout(n, random_graph(n, 600, 3));
  std::set<std::pair<double, double>> seen;
  for (const auto& q : p) {
    ASSERT_TRUE(std::isfinite(q.x) && std::isfinite(q.y));
    seen.emplace(q.x, q.y);
  }
  EXPECT_EQ(seen.size(), n);
  double closest = 1e300;
  for (std::uint32_t a = 0; a < n; ++a)
    for (std::uint32_t b = a + 1; b < n; ++b) closest = std::min(closest, dist(p[a], p[b]));
  EXPECT_GT(closest, 0.01);  // no two nodes drawn on top of each other
}

TEST(Layout, NeighboursAreCloserThanTheAveragePair) {
  const std::uint32_t n = 500;
  const Edges e = random_graph(n, 300, 11);
  const auto p = force_layout(n, e);
  double edge_sum = 0;
  for (auto [a, b] : e) edge_sum += dist(p[a], p[b]);
  double pair_sum = 0;
  std::uint64_t pairs = 0;
  for (std::uint32_t a = 0; a < n; ++a)
    for (std::uint32_t b = a + 1; b < n; ++b, ++pairs) pair_sum += dist(p[a], p[b]);
  const double edge_mean = edge_sum / static_cast<double>(e.size()), pair_mean = pair_sum / static_cast<double>(pairs);
  EXPECT_LT(edge_mean * 3, pair_mean) << edge_mean << " vs " << pair_mean;
  EXPECT_LT(edge_mean, 6.0);  // of the order of the edge length asked for (1)
}

TEST(Layout, TheBoxStartsAtTheOriginAndGrowsWithTheSquareRootOfTheNodes) {
  for (std::uint32_t n : {10u, 400u, 3000u}) {
    const auto p = force_layout(n, random_graph(n, n / 2, n), {.edge_length = 1.0});
    double minx = 1e300, miny = 1e300, maxx = -1e300, maxy = -1e300;
    for (const auto& q : p) {
      minx = std::min(minx, q.x), maxx = std::max(maxx, q.x);
      miny = std::min(miny, q.y), maxy = std::max(maxy, q.y);
    }
    EXPECT_NEAR(minx, 0, 1e-9);
    EXPECT_NEAR(miny, 0, 1e-9);
    const double bound = 6 * std::sqrt(static_cast<double>(n)) + 4;
    EXPECT_LT(maxx, bound) << n;
    EXPECT_LT(maxy, bound) << n;
  }
}

TEST(Layout, ComponentsAndLoneNodesArePackedTogether) {
  // 40 triangles, 100 isolated nodes: nothing flies off; each triangle stays tight.
  Edges e;
  for (std::uint32_t t = 0; t < 40; ++t) {
    const std::uint32_t a = 3 * t;
    e.insert(e.end(), {{a, a + 1}, {a + 1, a + 2}, {a + 2, a}});
  }
  const std::uint32_t n = 220;
  const auto p = force_layout(n, e);
  double maxx = 0, maxy = 0;
  for (const auto& q : p) maxx = std::max(maxx, q.x), maxy = std::max(maxy, q.y);
  EXPECT_LT(maxx * maxy, 40.0 * n);  // a few square units a node, not scattered
  for (std::uint32_t t = 0; t < 40; ++t) EXPECT_LT(dist(p[3 * t], p[3 * t + 1]), 3.0);
  std::set<std::pair<double, double>> seen;
  for (const auto& q : p) seen.emplace(q.x, q.y);
  EXPECT_EQ(seen.size(), n);
}

TEST(Layout, EdgeCases) {
  EXPECT_TRUE(force_layout(0, Edges{}).empty());
  const auto one = force_layout(1, Edges{{0, 0}, {0, 5}});  // a self loop, an end out of range
  ASSERT_EQ(one.size(), 1u);
  EXPECT_EQ(one[0], (LayoutPoint{0, 0}));
  // A repeated edge counts once: the same picture as with it given once.
  EXPECT_EQ(force_layout(3, Edges{{0, 1}, {1, 0}, {0, 1}, {1, 2}}), force_layout(3, Edges{{0, 1}, {1, 2}}));
}

TEST(Layout, FiveThousandNodesTiming) {
  const std::uint32_t n = 5000;
  const Edges e = random_graph(n, 5000, 5);
  const auto t0 = std::chrono::steady_clock::now();
  const auto p = force_layout(n, e);
  const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  std::printf("force_layout: %u nodes, %zu edges in %.0f ms\n", n, e.size(), ms);
  ASSERT_EQ(p.size(), n);
}

}  // namespace
}  // namespace tg::graph
