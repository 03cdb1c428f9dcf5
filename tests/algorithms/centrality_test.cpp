// Centrality on tiny hand-drawn graphs whose values are worked out by hand in the comments.
#include "queries/centrality.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <random>
#include <vector>

namespace tg::queries {
namespace {

using graph::Csr;
using graph::EdgeIn;
using graph::Orientation;

void expect_near_all(const std::vector<double>& got, const std::vector<double>& want, double tolerance) {
  ASSERT_EQ(got.size(), want.size());
  for (std::size_t v = 0; v < want.size(); ++v) EXPECT_NEAR(got[v], want[v], tolerance) << "node " << v;
}

//   A(0) --> B(1)
//     \       |
//      \      v
//       `---> C(2)      C has no out-edge: dangling.
// x = 0.85 (x P + x_C / 3) + 0.15 / 3 with P row-stochastic (A splits 1/2, 1/2):
//   x_A = 0.85 x_C / 3 + 0.05
//   x_B = 0.85 (x_A / 2 + x_C / 3) + 0.05
//   x_C = 0.85 (x_A / 2 + x_B + x_C / 3) + 0.05
// Substituting, x_A = 0.2833.. x_C + 0.05 and x_B = 0.40375 x_C + 0.07125; with the sum 1,
// x_C = 0.87875 / 1.6870833.. = 2109/4049, x_A = 800/4049, x_B = 1140/4049.
TEST(PageRankHandDrawn, DanglingNodeSpreadsItsRankUniformly) {
  const std::vector<EdgeIn> edges = {{0, 1, 0}, {0, 2, 1}, {1, 2, 2}};
  const Csr g = Csr::build(3, edges, Orientation::directed);
  const PageRankResult r = pagerank(g);
  EXPECT_TRUE(r.converged);
  // Stopping at an L1 change < 3e-12 leaves an error of at most 3e-12 * 0.85 / 0.15.
  expect_near_all(r.scores, {800.0 / 4049, 1140.0 / 4049, 2109.0 / 4049}, 1e-10);
}

// The same drawing with the edge A -> C doubled (ids 1 and 3) and weights: e0 A->B weighs 1,
// e1 and e3 A->C weigh 0.5 each, so A still splits 1/2, 1/2: the same ranks as above.
// Masking e1 instead leaves A->C weighing 0.5 against A->B's 1: A splits 2/3, 1/3.
//   x_A = 0.85 x_C / 3 + 0.05;  x_B = 0.85 (2 x_A / 3 + x_C / 3) + 0.05;  x_C = 1 - x_A - x_B.
//   x_A = 17/60 x_C + 1/20, x_B = 0.85 (17/90 x_C + 1/30 + x_C / 3) + 0.05 = 0.44389 x_C + 0.078333
//   x_C (1 + 17/60 + 0.443888..) = 1 - 0.05 - 0.078333..  =>  x_C = 0.871666.. / 1.727222..
TEST(PageRankHandDrawn, ParallelEdgesAddTheirWeightsAndMaskedEdgesDropOut) {
  const std::vector<EdgeIn> edges = {{0, 1, 0}, {0, 2, 1}, {1, 2, 2}, {0, 2, 3}};
  const Csr g = Csr::build(3, edges, Orientation::directed);
  const std::vector<double> weights = {1.0, 0.5, 1.0, 0.5};
  expect_near_all(pagerank(g, {.weights = weights}).scores, {800.0 / 4049, 1140.0 / 4049, 2109.0 / 4049}, 1e-10);

  const std::vector<std::uint8_t> mask = {1, 0, 1, 1};
  const double x_c = (1 - 0.05 - (0.85 / 30 + 0.05)) / (1 + 17.0 / 60 + 0.85 * (17.0 / 90 + 1.0 / 3));
  const double x_a = 17.0 / 60 * x_c + 0.05;
  expect_near_all(pagerank(g, {.mask = mask, .weights = weights}).scores, {x_a, 1 - x_a - x_c, x_c}, 1e-10);
}

// An undirected triangle with a pendant: symmetric nodes get equal rank, the sum is 1, and the
// answer does not depend on the number of threads.
TEST(PageRankHandDrawn, UndirectedGraphIsReadBothWaysWhateverTheThreadCount) {
  //  0 - 1
  //   \ /
  //    2 - 3
  const std::vector<EdgeIn> edges = {{0, 1, 0}, {1, 2, 1}, {2, 0, 2}, {2, 3, 3}};
  const Csr g = Csr::build(4, edges, Orientation::undirected);
  const PageRankResult one = pagerank(g, {}, {.parallelism = {1}});
  const PageRankResult two = pagerank(g, {}, {.parallelism = {2}});
  EXPECT_NEAR(one.scores[0], one.scores[1], 1e-15);
  EXPECT_GT(one.scores[2], one.scores[0]);
  EXPECT_GT(one.scores[0], one.scores[3]);
  double sum = 0;
  for (const double s : one.scores) sum += s;
  EXPECT_NEAR(sum, 1.0, 1e-14);
  expect_near_all(two.scores, one.scores, 1e-15);
  EXPECT_EQ(one.iterations, two.iterations);
}

TEST(PageRankHandDrawn, StopsAtTheIterationCap) {
  const std::vector<EdgeIn> edges = {{0, 1, 0}, {1, 2, 1}};
  const PageRankResult r = pagerank(Csr::build(3, edges, Orientation::directed), {}, {.max_iterations = 2});
  EXPECT_FALSE(r.converged);
  EXPECT_EQ(r.iterations, 2u);
}

// Path 0 - 1 - 2 - 3 (undirected). Node 1 is inside the shortest paths of pairs {0,2} and
// {0,3}: 4 ordered pairs, node 2 likewise; normalised by (n-1)(n-2) = 6: 2/3 each.
// Directed 0 -> 1 -> 2 -> 3: node 1 inside (0,2), (0,3); node 2 inside (0,3), (1,3): 2/6.
TEST(BetweennessHandDrawn, PathInteriorNodes) {
  const std::vector<EdgeIn> edges = {{0, 1, 0}, {1, 2, 1}, {2, 3, 2}};
  expect_near_all(betweenness(Csr::build(4, edges, Orientation::undirected)), {0, 2.0 / 3, 2.0 / 3, 0}, 1e-15);
  expect_near_all(betweenness(Csr::build(4, edges, Orientation::directed)), {0, 1.0 / 3, 1.0 / 3, 0}, 1e-15);
}

// Star: centre 0, leaves 1..4. Undirected: the centre is inside every leaf pair, 4*3 = 12
// ordered pairs / (4*3) = 1. Directed out-star: no leaf reaches another, all 0.
TEST(BetweennessHandDrawn, StarCentreIsOnEveryLeafPair) {
  const std::vector<EdgeIn> edges = {{0, 1, 0}, {0, 2, 1}, {0, 3, 2}, {0, 4, 3}};
  expect_near_all(betweenness(Csr::build(5, edges, Orientation::undirected)), {1, 0, 0, 0, 0}, 1e-15);
  expect_near_all(betweenness(Csr::build(5, edges, Orientation::directed)), {0, 0, 0, 0, 0}, 1e-15);
}

// Diamond 0 - {1, 2} - 3 with the edge 0-1 doubled and a self loop at 3. The simple graph
// counts each route once: (0,3) has two shortest paths, via 1 and via 2, so 1 and 2 get 1/2
// per ordered pair: 2 * 1/2 = 1, / (3*2) = 1/6. Likewise (1,2) via 0 or 3: 1/6 each.
// (Counting the doubled edge as two paths would give node 1 2/3 of (0,3) instead.)
TEST(BetweennessHandDrawn, ParallelEdgesAndSelfLoopsCollapse) {
  const std::vector<EdgeIn> edges = {{0, 1, 0}, {0, 2, 1}, {1, 3, 2}, {2, 3, 3}, {0, 1, 4}, {3, 3, 5}};
  const Csr g = Csr::build(4, edges, Orientation::undirected);
  expect_near_all(betweenness(g), {1.0 / 6, 1.0 / 6, 1.0 / 6, 1.0 / 6}, 1e-15);
  // Masking 2-3 (id 3) leaves the path 2 - 0 - 1 - 3: node 0 inside (2,1), (2,3); node 1
  // inside (0,3), (2,3); times two directions, / 6: 2/3 each.
  const std::vector<std::uint8_t> mask = {1, 1, 1, 0, 1, 1};
  expect_near_all(betweenness(g, mask, {.parallelism = {2}}), {2.0 / 3, 2.0 / 3, 0, 0}, 1e-15);
}

// Approximation on the undirected path 0-1-2-3-4: VD = 5 nodes is found exactly (one
// component; 2 x the eccentricity of its BFS node would allow more, |C| - 1 = 4 edges caps it), so
// r = ceil(0.5 / (eps (n-2)/n)^2 * (floor(log2 3) + 1 + ln 10)).
TEST(ApproxBetweennessHandDrawn, SampleSizeFollowsRiondatoKornaropoulos) {
  const std::vector<EdgeIn> edges = {{0, 1, 0}, {1, 2, 1}, {2, 3, 2}, {3, 4, 3}};
  const Csr g = Csr::build(5, edges, Orientation::undirected);
  const ApproxBetweennessResult r = approximate_betweenness(g, {}, {.epsilon = 0.1, .delta = 0.1, .seed = 3});
  EXPECT_EQ(r.vertex_diameter_bound, 5u);
  const double eps_rk = 0.1 * 3 / 5;
  EXPECT_EQ(r.samples, static_cast<std::uint64_t>(std::ceil(0.5 / (eps_rk * eps_rk) * (1 + 1 + std::log(10.0)))));
  // Exact: node 2 inside (0,3) (0,4) (1,3) (1,4) both ways = 8/12; nodes 1, 3: 6/12.
  expect_near_all(r.scores, {0, 0.5, 2.0 / 3, 0.5, 0}, 0.1);
  EXPECT_EQ(r.scores[0], 0.0);
  EXPECT_EQ(r.scores[4], 0.0);
}

// Directed cycle 0 -> 1 -> 2 -> 3 -> 0: one SCC whose diameter is 3 edges, though an
// undirected BFS would see 2. VD = 4 nodes.
TEST(ApproxBetweennessHandDrawn, DirectedVertexDiameterBoundCoversTheLongWayRound) {
  const std::vector<EdgeIn> edges = {{0, 1, 0}, {1, 2, 1}, {2, 3, 2}, {3, 0, 3}};
  const ApproxBetweennessResult r = approximate_betweenness(Csr::build(4, edges, Orientation::directed));
  EXPECT_GE(r.vertex_diameter_bound, 4u);
  EXPECT_LE(r.vertex_diameter_bound, 4u);
  // A chain of SCCs: {0,1} <-> cycle, then 1 -> 2 -> 3: longest shortest path 0,1,2,3.
  const std::vector<EdgeIn> chain = {{0, 1, 0}, {1, 0, 1}, {1, 2, 2}, {2, 3, 3}};
  EXPECT_EQ(approximate_betweenness(Csr::build(4, chain, Orientation::directed)).vertex_diameter_bound, 4u);
}

// The case: epsilon 1e-4 on a 30-node graph asks for ~10^8 samples (minutes), where the
// exact values take 30 BFS. The sampler computes those instead, at once, and says so.
TEST(ApproxBetweennessHandDrawn, TinyEpsilonFallsBackToExact) {
  std::vector<EdgeIn> edges;
  for (std::uint32_t i = 0; i + 1 < 30; ++i) edges.push_back({i, i + 1, i});
  for (std::uint32_t i = 0; i + 5 < 30; i += 4) edges.push_back({i, i + 5, static_cast<std::uint32_t>(edges.size())});
  const Csr g = Csr::build(30, edges, Orientation::undirected);
  const auto started = std::chrono::steady_clock::now();
  const auto r = approximate_betweenness(g, {}, {.epsilon = 1e-4, .delta = 0.1});
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  EXPECT_TRUE(r.exact);
  EXPECT_EQ(r.samples, 0u);
  EXPECT_GT(r.samples_needed, 10'000'000u);
  EXPECT_EQ(r.scores, betweenness(g));
  EXPECT_LT(seconds, 5.0);
  // A bound that asks for fewer samples still samples.
  const auto sampled = approximate_betweenness(g, {}, {.epsilon = 0.05, .delta = 0.1});
  EXPECT_FALSE(sampled.exact);
  EXPECT_GT(sampled.samples, 0u);
  EXPECT_EQ(sampled.samples, sampled.samples_needed);
}

// Exact values are summed per thread; which thread adds which source, and how many threads there
// are, must not change a bit, or two runs differ in the last bits (CI once saw that: a test
// comparing two exact runs failed) and so do two machines (the CSV prints every digit).
TEST(BetweennessRandom, SameValuesBitForBitOnEveryRunAndThreadCount) {
  std::mt19937 rng(5);
  std::vector<EdgeIn> edges;
  const std::uint32_t n = 600;
  std::uniform_int_distribution<std::uint32_t> node(0, n - 1);
  for (std::uint32_t i = 0; i < 2400; ++i) edges.push_back({node(rng), node(rng), i});
  const Csr g = Csr::build(n, edges, Orientation::undirected);
  const std::vector<double> first = betweenness(g, {}, {.parallelism = {2}});
  for (int run = 0; run < 20; ++run) {
    ASSERT_EQ(betweenness(g, {}, {.parallelism = {2}}), first) << "run " << run;
  }
  for (unsigned threads : {1u, 3u, 7u}) EXPECT_EQ(betweenness(g, {}, {.parallelism = {threads}}), first) << threads;
}

TEST(ApproxBetweennessHandDrawn, SameSeedSameEstimateWhateverTheThreadCount) {
  std::vector<EdgeIn> edges;
  for (std::uint32_t i = 0; i + 1 < 40; ++i) edges.push_back({i, i + 1, i});
  for (std::uint32_t i = 0; i + 7 < 40; i += 3) edges.push_back({i, i + 7, static_cast<std::uint32_t>(edges.size())});
  const Csr g = Csr::build(40, edges, Orientation::undirected);
  const auto one = approximate_betweenness(g, {}, {.epsilon = 0.05, .seed = 11, .parallelism = {1}});
  const auto two = approximate_betweenness(g, {}, {.epsilon = 0.05, .seed = 11, .parallelism = {2}});
  const auto other = approximate_betweenness(g, {}, {.epsilon = 0.05, .seed = 12, .parallelism = {2}});
  EXPECT_EQ(one.scores, two.scores);
  EXPECT_NE(one.scores, other.scores);
}

// A 7 x 7 grid has many shortest paths between most pairs (C(a+b, a) for a pair a rows and b
// columns apart), so the estimate is right only if each sample picks one of them uniformly.
// Undirected, and directed with arcs pointing right and down (a DAG, VD = 13).
TEST(ApproxBetweennessGrid, SamplesShortestPathsUniformly) {
  constexpr std::uint32_t kSide = 7;
  std::vector<EdgeIn> edges;
  for (std::uint32_t r = 0; r < kSide; ++r) {
    for (std::uint32_t c = 0; c < kSide; ++c) {
      const std::uint32_t v = r * kSide + c;
      if (c + 1 < kSide) edges.push_back({v, v + 1, static_cast<std::uint32_t>(edges.size())});
      if (r + 1 < kSide) edges.push_back({v, v + kSide, static_cast<std::uint32_t>(edges.size())});
    }
  }
  for (const Orientation o : {Orientation::undirected, Orientation::directed}) {
    const Csr g = Csr::build(kSide * kSide, edges, o);
    const std::vector<double> exact = betweenness(g);
    constexpr double kEpsilon = 0.02;
    constexpr int kRuns = 4;
    std::vector<double> mean(exact.size(), 0.0);
    for (int run = 0; run < kRuns; ++run) {
      const auto r = approximate_betweenness(g, {}, {.epsilon = kEpsilon, .delta = 0.1, .seed = 500 + std::uint64_t(run)});
      for (std::size_t v = 0; v < exact.size(); ++v) {
        EXPECT_NEAR(r.scores[v], exact[v], kEpsilon) << "run " << run << " node " << v;
        mean[v] += r.scores[v] / kRuns;
      }
    }
    expect_near_all(mean, exact, kEpsilon / 2);
  }
}

// Directed: e0 0->1 (w 2), e1 0->1 (w 3, masked out), e2 1->1 self loop (w 1), e3 2->0 (w 5).
//   out: 0: e0 = 1 (2)   1: e2 = 1 (1)        2: e3 = 1 (5)
//   in:  0: e3 = 1 (5)   1: e0, e2 = 2 (3)    2: 0
// Undirected: the self loop has two ends: 0: e0, e3 = 2 (7); 1: e0 + 2 x e2 = 3 (4); 2: 1 (5).
TEST(DegreeHandDrawn, CountsOrWeighsAllowedEdgesOnly) {
  const std::vector<EdgeIn> edges = {{0, 1, 0}, {0, 1, 1}, {1, 1, 2}, {2, 0, 3}};
  const std::vector<std::uint8_t> mask = {1, 0, 1, 1};
  const std::vector<double> weights = {2, 3, 1, 5};
  const Csr d = Csr::build(3, edges, Orientation::directed);
  Degrees counted = degrees(d, {.mask = mask});
  EXPECT_EQ(counted.out, (std::vector<double>{1, 1, 1}));
  EXPECT_EQ(counted.in, (std::vector<double>{1, 2, 0}));
  EXPECT_EQ(counted.total, (std::vector<double>{2, 3, 1}));
  Degrees weighed = degrees(d, {.mask = mask, .weights = weights});
  EXPECT_EQ(weighed.out, (std::vector<double>{2, 1, 5}));
  EXPECT_EQ(weighed.in, (std::vector<double>{5, 3, 0}));
  EXPECT_EQ(weighed.total, (std::vector<double>{7, 4, 5}));
  const Csr u = Csr::build(3, edges, Orientation::undirected);
  counted = degrees(u, {.mask = mask});
  EXPECT_EQ(counted.total, (std::vector<double>{2, 3, 1}));
  EXPECT_EQ(counted.in, counted.total);
  EXPECT_EQ(degrees(u, {.mask = mask, .weights = weights}).total, (std::vector<double>{7, 4, 5}));
  EXPECT_EQ(degrees(u).total, (std::vector<double>{3, 4, 1}));  // e1 back in
}

// Undirected 0 - 1 - 2,  3 - 4,  5 alone:
//   H(0) = 1/1 + 1/2 = 1.5, H(1) = 1 + 1 = 2, H(2) = 1.5, H(3) = H(4) = 1, H(5) = 0.
// Directed 0 -> 1 -> 2 counts distances TO the node (NetworkX 2.8.8 sums 1/d(v, u) over v):
//   H(0) = 0, H(1) = 1/d(0,1) = 1, H(2) = 1/d(1,2) + 1/d(0,2) = 1.5.
TEST(HarmonicHandDrawn, DisconnectedGraphAndDirectionOfDistances) {
  const std::vector<EdgeIn> edges = {{0, 1, 0}, {1, 2, 1}, {3, 4, 2}};
  expect_near_all(harmonic_closeness(Csr::build(6, edges, Orientation::undirected)), {1.5, 2, 1.5, 1, 1, 0}, 1e-15);
  expect_near_all(harmonic_closeness(Csr::build(6, edges, Orientation::directed), {}, {.parallelism = {2}}),
                  {0, 1, 1.5, 0, 1, 0}, 1e-15);
  // Masking 1 -> 2 leaves 2 unreachable from everyone.
  const std::vector<std::uint8_t> mask = {1, 0, 1};
  expect_near_all(harmonic_closeness(Csr::build(6, edges, Orientation::directed), mask), {0, 1, 0, 0, 1, 0}, 1e-15);
}

TEST(CentralityEdgeCases, EmptyAndTinyGraphs) {
  const Csr empty = Csr::build(0, {}, Orientation::directed);
  EXPECT_TRUE(pagerank(empty).scores.empty());
  EXPECT_TRUE(betweenness(empty).empty());
  EXPECT_TRUE(harmonic_closeness(empty).empty());
  EXPECT_TRUE(approximate_betweenness(empty).scores.empty());
  const std::vector<EdgeIn> one_edge = {{0, 1, 0}};
  const Csr pair = Csr::build(2, one_edge, Orientation::undirected);
  expect_near_all(pagerank(pair).scores, {0.5, 0.5}, 1e-10);
  expect_near_all(betweenness(pair), {0, 0}, 0);
  EXPECT_EQ(approximate_betweenness(pair).samples, 0u);
}

}  // namespace
}  // namespace tg::queries
