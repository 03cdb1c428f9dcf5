// Centrality over a Csr snapshot: PageRank, exact (Brandes) and sampled (Riondato–Kornaropoulos)
// betweenness, degree and harmonic closeness, each defined and normalised as NetworkX 2.8.8 does,
// restricted to the edges an optional mask allows and, where it applies, weighted by edge id.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "graph/csr.h"

namespace tg::queries {

// Which edges take part and how much they weigh, both indexed by the Csr's edge ids.
// An empty span means "every edge" / "weight 1". A mask byte of 0 removes the edge.
struct EdgeFilter {
  std::span<const std::uint8_t> mask = {};
  std::span<const double> weights = {};
};

// 0 = std::thread::hardware_concurrency().
struct Parallelism {
  unsigned threads = 0;
};

struct PageRankOptions {
  double damping = 0.85;           // alpha
  double tolerance = 1e-12;        // stop when the L1 change of an iteration is < tolerance * N (as NetworkX)
  std::uint32_t max_iterations = 1000;
  Parallelism parallelism = {};
};

struct PageRankResult {
  std::vector<double> scores;  // by node, summing to 1
  std::uint32_t iterations = 0;
  bool converged = false;      // false when max_iterations ran out first (NetworkX raises)
};

// networkx.pagerank on the MultiDiGraph (undirected Csr: MultiGraph) of the allowed edges:
// parallel edges add their weights, dangling nodes spread their rank uniformly.
PageRankResult pagerank(const graph::Csr& g, const EdgeFilter& filter = {}, const PageRankOptions& options = {});

struct BetweennessOptions {
  // Empty: every node is a source (exact). Otherwise only these (distinct) sources, the sums
  // scaled by n / |sources|: networkx.betweenness_centrality(G, k) with these k sampled sources.
  std::span<const std::uint32_t> sources = {};
  Parallelism parallelism = {};
};

// networkx.betweenness_centrality(G, normalized=True) on the simple graph of the allowed edges
// (parallel edges and self loops collapsed, unweighted): each node's sum over ordered pairs (s, t)
// of sigma_st(v) / sigma_st, divided by (n-1)(n-2) when n > 2 (also for undirected graphs,
// whose sum counts each unordered pair twice). Weights are ignored. The values are the same bit
// for bit on every run and whatever the thread count (sums in fixed point).
std::vector<double> betweenness(const graph::Csr& g, std::span<const std::uint8_t> mask = {},
                                const BetweennessOptions& options = {});

struct ApproxBetweennessOptions {
  double epsilon = 0.01;  // additive error bound on the reported (NetworkX-normalised) values
  double delta = 0.1;     // the bound holds for every node at once with probability >= 1 - delta
  std::uint64_t seed = 1;
  Parallelism parallelism = {};  // the result depends on the seed only, not on the thread count
};

struct ApproxBetweennessResult {
  std::vector<double> scores;          // estimates of betweenness() values (exact ones when `exact`)
  std::uint64_t samples = 0;           // r, the samples drawn (0 when `exact`)
  // Sampling would have needed r >= max(64 n, 100000) samples (n nodes), each up to a BFS, where
  // the exact algorithm takes n BFS: betweenness() ran instead (a tiny epsilon on a small graph
  // answers at once, exactly).
  bool exact = false;
  std::uint64_t samples_needed = 0;    // r as the bound asked for it
  std::uint32_t vertex_diameter_bound = 0;  // VD, in nodes
  double epsilon = 0;                  // as used for the reported values
  double delta = 0;
};

// Riondato & Kornaropoulos, "Fast approximation of betweenness centrality through sampling"
// (WSDM 2014), Algorithm 1, on the same simple graph as betweenness(). The sample count is capped:
// when the bound asks for max(64 n, 100000) samples or more (n nodes), the exact values are
// computed instead (`exact`).
ApproxBetweennessResult approximate_betweenness(const graph::Csr& g, std::span<const std::uint8_t> mask = {},
                                                const ApproxBetweennessOptions& options = {});

// Degrees count allowed edges (weighted: sum their weights). Undirected: in = out = total = the
// degree, a self loop counting twice (NetworkX's convention). Directed: total = in + out.
struct Degrees {
  std::vector<double> in, out, total;
};
Degrees degrees(const graph::Csr& g, const EdgeFilter& filter = {});

struct HarmonicOptions {
  Parallelism parallelism = {};
};

// networkx.harmonic_centrality: for each node u the sum over other nodes v of 1 / d(v, u),
// distances taken from v TO u (so over in-edges for directed graphs), unweighted, unreachable
// nodes adding nothing.
std::vector<double> harmonic_closeness(const graph::Csr& g, std::span<const std::uint8_t> mask = {},
                                       const HarmonicOptions& options = {});

}  // namespace tg::queries
