// Centrality on random graphs of several shapes against NetworkX 2.8.8, run once for all graphs
// through tests/algorithms/nx_oracle.py: NetworkX gets only the allowed edges, we get the whole
// graph and the mask.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>
#include <string>

#include "queries/centrality.h"
#include "tests/algorithms/random_graphs.h"
#include "tests/support/scratch.h"

namespace tg::queries {
namespace {

using graph::Orientation;
using Values = std::vector<double>;

class AgainstNetworkX : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    std::uint64_t seed = 1000;
    for (const auto shape : {testing::Shape::sparse_random, testing::Shape::affiliation, testing::Shape::star_heavy,
                             testing::Shape::disconnected}) {
      for (const auto o : {Orientation::directed, Orientation::undirected}) {
        for (const bool masked : {false, true}) graphs_->push_back(testing::make_graph(shape, o, ++seed, masked));
      }
    }
    const test_support::ScratchDir dir;
    const std::string stem = dir.file("nx_oracle");
    {
      std::ofstream out(stem + ".in");
      out.precision(17);
      for (const auto& g : *graphs_) {
        out << "graph " << g.name << ' ' << (g.orientation == Orientation::directed ? "directed" : "undirected") << ' '
            << g.num_nodes << ' ' << g.edges.size() << '\n';
        for (const auto& e : g.edges) {
          out << e.src << ' ' << e.dst << ' ' << g.weights[e.id] << ' ' << int{g.mask[e.id]} << '\n';
        }
      }
    }
    const std::string command = std::string("/usr/bin/python3 ") + TG_SOURCE_DIR +
                                "/tests/algorithms/nx_oracle.py " + stem + ".in > " + stem + ".out";
    const int status = std::system(command.c_str());
    std::ifstream in(stem + ".out");
    std::string line, current;
    while (std::getline(in, line)) {
      std::istringstream words(line);
      std::string label;
      words >> label;
      if (label == "graph") {
        words >> current;
        continue;
      }
      Values values;
      for (double v; words >> v;) values.push_back(v);
      (*results_)[current][label] = std::move(values);
    }
    if (status != 0) *oracle_error_ = "the NetworkX oracle failed: " + command;
  }

  void SetUp() override { ASSERT_TRUE(oracle_error_->empty()) << *oracle_error_; }

  static const Values& expected(const testing::TestGraph& g, const std::string& metric) {
    static const Values none;
    const auto graph = results_->find(g.name);
    if (graph == results_->end()) return none;
    const auto values = graph->second.find(metric);
    return values == graph->second.end() ? none : values->second;
  }

  static void expect_close(const testing::TestGraph& g, const std::string& metric, const Values& got,
                           double tolerance) {
    const Values& want = expected(g, metric);
    ASSERT_EQ(got.size(), want.size()) << g.name << " " << metric << ": no oracle values";
    for (std::size_t v = 0; v < want.size(); ++v) {
      EXPECT_NEAR(got[v], want[v], tolerance) << g.name << " " << metric << " node " << v;
    }
  }

  static inline std::vector<testing::TestGraph>* graphs_ = new std::vector<testing::TestGraph>;
  static inline std::map<std::string, std::map<std::string, Values>>* results_ =
      new std::map<std::string, std::map<std::string, Values>>;
  static inline std::string* oracle_error_ = new std::string;
};

TEST_F(AgainstNetworkX, PageRankUnweightedWithin1e6) {
  for (const auto& g : *graphs_) {
    const auto r = pagerank(g.csr(), {.mask = g.mask});
    EXPECT_TRUE(r.converged);
    expect_close(g, "pagerank", r.scores, 1e-6);
  }
}

TEST_F(AgainstNetworkX, PageRankWeightedWithin1e6OnOneAndTwoThreads) {
  for (const auto& g : *graphs_) {
    for (const unsigned threads : {1u, 2u}) {
      const auto r = pagerank(g.csr(), {.mask = g.mask, .weights = g.weights}, {.parallelism = {threads}});
      expect_close(g, "pagerank_weighted", r.scores, 1e-6);
    }
  }
}

TEST_F(AgainstNetworkX, ExactBetweennessWithin1e9) {
  for (const auto& g : *graphs_) {
    for (const unsigned threads : {1u, 2u}) {
      expect_close(g, "betweenness", betweenness(g.csr(), g.mask, {.parallelism = {threads}}), 1e-9);
    }
  }
}

TEST_F(AgainstNetworkX, SampledSourceBetweennessWithin1e9) {
  for (const auto& g : *graphs_) {
    std::vector<std::uint32_t> sources;
    for (std::uint32_t s = 0; s < g.num_nodes; s += 7) sources.push_back(s);
    expect_close(g, "betweenness_every7th", betweenness(g.csr(), g.mask, {.sources = sources}), 1e-9);
  }
}

TEST_F(AgainstNetworkX, HarmonicClosenessWithin1e9) {
  for (const auto& g : *graphs_) {
    expect_close(g, "harmonic", harmonic_closeness(g.csr(), g.mask, {.parallelism = {2}}), 1e-9);
  }
}

TEST_F(AgainstNetworkX, WeightedDegreesEqual) {
  for (const auto& g : *graphs_) {
    const Degrees d = degrees(g.csr(), {.mask = g.mask, .weights = g.weights});
    expect_close(g, "in_degree", d.in, 1e-9);
    expect_close(g, "out_degree", d.out, 1e-9);
  }
}

// Riondato–Kornaropoulos promise |estimate - exact| <= epsilon for every node with probability
// >= 1 - delta; over 20 seeds at least 18 runs must hold it everywhere (it is usually all 20).
TEST_F(AgainstNetworkX, ApproximateBetweennessWithinEpsilonOnAtLeastOneMinusDeltaOfRuns) {
  constexpr double kEpsilon = 0.04, kDelta = 0.1;
  constexpr int kRuns = 20;
  int checked = 0;
  for (const auto& g : *graphs_) {
    if (g.name.find("masked") != std::string::npos) continue;
    const Values& exact = expected(g, "betweenness");
    ASSERT_EQ(exact.size(), g.num_nodes) << g.name;
    const auto csr = g.csr();
    int good_runs = 0;
    double worst = 0;
    Values mean(g.num_nodes, 0.0);
    for (int run = 0; run < kRuns; ++run) {
      const auto r = approximate_betweenness(csr, g.mask, {.epsilon = kEpsilon, .delta = kDelta, .seed = 77 + std::uint64_t(run)});
      EXPECT_EQ(r.epsilon, kEpsilon);
      EXPECT_EQ(r.samples > 0, r.vertex_diameter_bound >= 3) << g.name;
      double error = 0;
      for (std::uint32_t v = 0; v < g.num_nodes; ++v) {
        error = std::max(error, std::abs(r.scores[v] - exact[v]));
        mean[v] += r.scores[v] / kRuns;
      }
      worst = std::max(worst, error);
      good_runs += error <= kEpsilon;
    }
    EXPECT_GE(good_runs, static_cast<int>(std::ceil((1 - kDelta) * kRuns))) << g.name << " worst error " << worst;
    // The estimator is unbiased: averaged over the runs it is much closer (a path chosen
    // non-uniformly among the shortest ones shows up here first).
    for (std::uint32_t v = 0; v < g.num_nodes; ++v) EXPECT_NEAR(mean[v], exact[v], 0.015) << g.name << " node " << v;
    ++checked;
  }
  EXPECT_EQ(checked, 8);
}

}  // namespace
}  // namespace tg::queries
