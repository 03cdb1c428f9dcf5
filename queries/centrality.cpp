// Centrality: tight loops over flat arrays, one scratch set per thread, results merged at the end.
// One file over the usual size on purpose: the four metrics share the simple-row views of the CSR
// (parallel edges and masks folded away), the thread split and the edge filter.
#include "queries/centrality.h"

#include <algorithm>
#include <atomic>
#include <barrier>
#include <cassert>
#include <cmath>
#include <limits>
#include <random>
#include <thread>

#include "graph/progress.h"

namespace tg::queries {
namespace {

// Adjacency rows without masked arcs, parallel arcs or self loops: what NetworkX's BFS over
// G[v] sees.
struct SimpleRows {
  std::vector<std::uint64_t> offsets;
  std::vector<std::uint32_t> targets;
  std::span<const std::uint32_t> row(std::uint32_t v) const {
    return {targets.data() + offsets[v], static_cast<std::size_t>(offsets[v + 1] - offsets[v])};
  }
};

SimpleRows simple_rows(std::uint32_t n, std::span<const std::uint64_t> offsets,
                              std::span<const std::uint32_t> targets, std::span<const std::uint32_t> ids,
                              std::span<const std::uint8_t> mask) {
  SimpleRows rows;
  rows.offsets.assign(std::size_t{n} + 1, 0);
  rows.targets.reserve(targets.size());
  std::vector<std::uint32_t> last_seen(n, UINT32_MAX);  // last_seen[t] == v: arc v->t already kept
  for (std::uint32_t v = 0; v < n; ++v) {
    for (std::uint64_t k = offsets[v]; k < offsets[v + 1]; ++k) {
      const std::uint32_t t = targets[k];
      if (t == v || last_seen[t] == v || (!mask.empty() && mask[ids[k]] == 0)) continue;
      last_seen[t] = v;
      rows.targets.push_back(t);
    }
    rows.offsets[v + 1] = rows.targets.size();
  }
  return rows;
}

unsigned thread_count(unsigned requested, std::uint64_t work_items) {
  unsigned threads = requested != 0 ? requested : std::max(1u, std::thread::hardware_concurrency());
  return static_cast<unsigned>(std::min<std::uint64_t>(threads, std::max<std::uint64_t>(1, work_items)));
}

// Work items finished across threads, for progress: workers add, the caller's thread (index 0)
// reports the sum (a stage hears from one thread), and the final sum once the workers are done,
// in the caller's thread (the other thread may have taken every chunk of a small graph). Nothing
// is counted when nobody listens.
class WorkDone {
 public:
  WorkDone(std::string_view what, std::uint64_t total, std::string_view unit) : stage_(what, total, unit) {}
  WorkDone(const WorkDone&) = delete;
  WorkDone& operator=(const WorkDone&) = delete;
  ~WorkDone() {
    if (stage_.listened()) stage_.at(done_.load(std::memory_order_relaxed));
  }
  void add(unsigned thread, std::uint64_t items) {
    if (!stage_.listened()) return;
    const std::uint64_t now = done_.fetch_add(items, std::memory_order_relaxed) + items;
    if (thread == 0) stage_.at(now);
  }

 private:
  ProgressStage stage_;
  std::atomic<std::uint64_t> done_{0};
};

// Runs body(thread_index, begin, end) over [0, total) in chunks handed out by an atomic
// counter (dynamic balance: sources differ wildly in cost), on `threads` threads including
// the caller's.
template <typename Body>
void parallel_chunks(unsigned threads, std::uint64_t total, std::uint64_t chunk, Body&& body) {
  std::atomic<std::uint64_t> next{0};
  const auto worker = [&](unsigned index) {
    for (;;) {
      const std::uint64_t begin = next.fetch_add(chunk, std::memory_order_relaxed);
      if (begin >= total) return;
      body(index, begin, std::min(total, begin + chunk));
    }
  };
  std::vector<std::jthread> pool;
  for (unsigned t = 1; t < threads; ++t) pool.emplace_back(worker, t);
  worker(0);
}

bool allowed(std::span<const std::uint8_t> mask, std::uint32_t id) { return mask.empty() || mask[id] != 0; }

SimpleRows simple_out_rows(const graph::Csr& g, std::span<const std::uint8_t> mask) {
  return simple_rows(g.num_nodes(), g.out_offsets(), g.out_targets(), g.out_ids(), mask);
}
SimpleRows simple_in_rows(const graph::Csr& g, std::span<const std::uint8_t> mask) {
  return simple_rows(g.num_nodes(), g.in_offsets(), g.in_sources(), g.in_ids(), mask);
}

// ---------------------------------------------------------------------------------------------
// PageRank: pull-based power iteration. x is the rank vector, y[u] = x[u] / W(u) with W(u) the
// weighted out-degree, so x'[v] = alpha * sum_{u->v} w(u->v) y[u] + alpha * dangling / N
// + (1 - alpha) / N: NetworkX's x = alpha (x A + sum(x[dangling]) p) + (1 - alpha) p with the
// row-stochastic A and the uniform p.

struct InRows {  // the allowed in-arcs, with weights when weighted
  std::span<const std::uint64_t> offsets;
  std::span<const std::uint32_t> sources;
  std::span<const double> weights;  // empty: every arc weighs 1
  std::vector<std::uint64_t> own_offsets;
  std::vector<std::uint32_t> own_sources;
  std::vector<double> own_weights;
};

InRows pagerank_in_rows(const graph::Csr& g, const EdgeFilter& filter) {
  InRows rows;
  if (filter.mask.empty() && filter.weights.empty()) {
    rows.offsets = g.in_offsets();
    rows.sources = g.in_sources();
    return rows;
  }
  const std::uint32_t n = g.num_nodes();
  const auto offsets = g.in_offsets();
  const auto sources = g.in_sources();
  const auto ids = g.in_ids();
  rows.own_offsets.assign(std::size_t{n} + 1, 0);
  rows.own_sources.reserve(sources.size());
  if (!filter.weights.empty()) rows.own_weights.reserve(sources.size());
  for (std::uint32_t v = 0; v < n; ++v) {
    for (std::uint64_t k = offsets[v]; k < offsets[v + 1]; ++k) {
      if (!allowed(filter.mask, ids[k])) continue;
      rows.own_sources.push_back(sources[k]);
      if (!filter.weights.empty()) rows.own_weights.push_back(filter.weights[ids[k]]);
    }
    rows.own_offsets[v + 1] = rows.own_sources.size();
  }
  rows.offsets = rows.own_offsets;
  rows.sources = rows.own_sources;
  rows.weights = rows.own_weights;
  return rows;
}

// Splits [0, n) into `parts` ranges of about equal arcs + nodes, the cost of one pull pass.
std::vector<std::uint32_t> balanced_split(std::span<const std::uint64_t> offsets, std::uint32_t n, unsigned parts) {
  std::vector<std::uint32_t> bounds{0};
  const double total = static_cast<double>(offsets[n] + n);
  std::uint32_t v = 0;
  for (unsigned p = 1; p < parts; ++p) {
    const double goal = total * p / parts;
    while (v < n && static_cast<double>(offsets[v] + v) < goal) ++v;
    bounds.push_back(v);
  }
  bounds.push_back(n);
  return bounds;
}

}  // namespace

PageRankResult pagerank(const graph::Csr& g, const EdgeFilter& filter, const PageRankOptions& options) {
  assert(filter.mask.empty() || filter.mask.size() >= g.edge_id_bound());
  assert(filter.weights.empty() || filter.weights.size() >= g.edge_id_bound());
  PageRankResult result;
  const std::uint32_t n = g.num_nodes();
  if (n == 0) {
    result.converged = true;
    return result;
  }
  const InRows in = pagerank_in_rows(g, filter);
  const double alpha = options.damping;
  const double inv_n = 1.0 / n;

  // W(u): the weighted out-degree over allowed arcs; zero makes u dangling.
  std::vector<double> inverse_out_weight(n, 0.0);
  {
    const auto offsets = g.out_offsets();
    const auto ids = g.out_ids();
    for (std::uint32_t u = 0; u < n; ++u) {
      double w = 0;
      if (filter.mask.empty() && filter.weights.empty()) {
        w = static_cast<double>(offsets[u + 1] - offsets[u]);
      } else {
        for (std::uint64_t k = offsets[u]; k < offsets[u + 1]; ++k) {
          if (allowed(filter.mask, ids[k])) w += filter.weights.empty() ? 1.0 : filter.weights[ids[k]];
        }
      }
      inverse_out_weight[u] = w != 0 ? 1.0 / w : 0.0;
    }
  }

  std::vector<double> x(n, inv_n), x_next(n), y(n), y_next(n);
  double dangling = 0;
  for (std::uint32_t u = 0; u < n; ++u) {
    y[u] = x[u] * inverse_out_weight[u];
    if (inverse_out_weight[u] == 0) dangling += x[u];
  }

  // Two threads pay off once a pass costs more than their start and per-iteration barrier.
  // (by default; an explicit thread count is taken as asked, up to one per node).
  constexpr std::uint64_t kMinWorkPerThread = 40'000;
  const unsigned threads = options.parallelism.threads != 0
                               ? thread_count(options.parallelism.threads, n)
                               : thread_count(0, (in.offsets[n] + n) / kMinWorkPerThread);
  const std::vector<std::uint32_t> bounds = balanced_split(in.offsets, n, threads);
  struct alignas(64) Partial {
    double change = 0;
    double dangling = 0;
  };
  std::vector<Partial> partials(threads);
  bool done = false;

  const auto pass = [&](unsigned part) {
    const double base = (alpha * dangling + (1 - alpha)) * inv_n;
    double change = 0, next_dangling = 0;
    const std::uint32_t* sources = in.sources.data();
    const double* y_in = y.data();
    const double* weights = in.weights.data();
    for (std::uint32_t v = bounds[part]; v < bounds[part + 1]; ++v) {
      // Four partial sums: a hub's long row is otherwise one chain of dependent additions.
      double sum[4] = {0, 0, 0, 0};
      std::uint64_t k = in.offsets[v];
      const std::uint64_t end = in.offsets[v + 1];
      if (in.weights.empty()) {
        for (; k + 4 <= end; k += 4) {
          for (int j = 0; j < 4; ++j) sum[j] += y_in[sources[k + j]];
        }
        for (; k < end; ++k) sum[0] += y_in[sources[k]];
      } else {
        for (; k + 4 <= end; k += 4) {
          for (int j = 0; j < 4; ++j) sum[j] += weights[k + j] * y_in[sources[k + j]];
        }
        for (; k < end; ++k) sum[0] += weights[k] * y_in[sources[k]];
      }
      const double value = alpha * ((sum[0] + sum[1]) + (sum[2] + sum[3])) + base;
      change += std::abs(value - x[v]);
      x_next[v] = value;
      y_next[v] = value * inverse_out_weight[v];
      if (inverse_out_weight[v] == 0) next_dangling += value;
    }
    partials[part] = {change, next_dangling};
  };
  // Runs once per iteration between passes, on one thread, while the others wait.
  const auto finish_iteration = [&]() noexcept {
    double change = 0;
    dangling = 0;
    for (const Partial& p : partials) {
      change += p.change;
      dangling += p.dangling;
    }
    x.swap(x_next);
    y.swap(y_next);
    ++result.iterations;
    result.converged = change < options.tolerance * n;
    done = result.converged || result.iterations >= options.max_iterations;
  };

  if (options.max_iterations > 0) {
    if (threads == 1) {
      while (!done) {
        pass(0);
        finish_iteration();
      }
    } else {
      std::barrier sync(static_cast<std::ptrdiff_t>(threads), finish_iteration);
      const auto worker = [&](unsigned part) {
        while (!done) {
          pass(part);
          sync.arrive_and_wait();
        }
      };
      std::vector<std::jthread> pool;
      for (unsigned t = 1; t < threads; ++t) pool.emplace_back(worker, t);
      worker(0);
    }
  }
  double total = 0;
  for (const double value : x) total += value;
  for (double& value : x) value /= total;
  result.scores = std::move(x);
  return result;
}

// ---------------------------------------------------------------------------------------------
// Brandes, "A faster algorithm for betweenness centrality" (2001), per source s: a BFS counts
// sigma (shortest s-v paths) in BFS order S, then S is walked backwards accumulating the
// dependency delta(v) = sum over successors w of sigma(v)/sigma(w) (1 + delta(w)). Successors
// are read from v's own out-row (dist(w) = dist(v) + 1), so no predecessor lists are built.

namespace {

struct BrandesNode {
  double value;        // sigma(v) during the BFS; then (1 + delta(v)) / sigma(v) once v is done
  std::int32_t dist;   // -1: not reached
};

// Dependencies are summed in fixed point, in units of 1/unit: integer sums are exact, so the
// result is the same whatever the order of the sources, which thread took which and how many
// threads there were (a double sum's last bits depend on all three). A node's sum is at most the
// number of ordered pairs, below n^2, so unit = 2^(62 - ceil(log2 n^2)) cannot overflow an int64;
// rounding each source's delta to 1/unit (2^-20 at two million nodes, 2^-52 at thirty) is far
// below what the values are good for.
double fixed_point_unit(std::uint32_t n) {
  const double pairs = static_cast<double>(n) * static_cast<double>(n) + 1;
  return std::ldexp(1.0, 62 - static_cast<int>(std::ceil(std::log2(pairs))));
}

struct BrandesScratch {
  std::vector<BrandesNode> nodes;
  std::vector<std::uint32_t> order;      // S, also the BFS queue
  std::vector<std::int64_t> centrality;  // this thread's sum of delta, in 1/unit
  double unit;
  BrandesScratch(std::uint32_t n, double unit) : nodes(n, BrandesNode{0, -1}), order(n), centrality(n, 0), unit(unit) {}
};

// `leaves`: how many degree-1 neighbours of s stand in for their own sources (see betweenness()).
void brandes_source(const SimpleRows& rows, std::uint32_t s, std::uint32_t leaves, BrandesScratch& scratch) {
  BrandesNode* node = scratch.nodes.data();
  std::uint32_t* order = scratch.order.data();
  const std::uint64_t* offsets = rows.offsets.data();
  const std::uint32_t* targets = rows.targets.data();
  std::uint32_t head = 0, tail = 0;
  order[tail++] = s;
  node[s] = {1.0, 0};
  while (head < tail) {
    const std::uint32_t v = order[head++];
    const std::int32_t next_dist = node[v].dist + 1;
    const double sigma_v = node[v].value;
    // Plain branches measured faster here than branch-free selects (which store on every arc).
    for (std::uint64_t k = offsets[v], end = offsets[v + 1]; k < end; ++k) {
      const std::uint32_t t = targets[k];
      BrandesNode& w = node[t];
      if (w.dist < 0) {
        w.dist = next_dist;
        w.value = sigma_v;
        order[tail++] = t;
      } else if (w.dist == next_dist) {
        w.value += sigma_v;
      }
    }
  }
  std::int64_t* centrality = scratch.centrality.data();
  const double unit = scratch.unit;
  for (std::uint32_t i = tail; i-- > 1;) {  // order[0] is s, which gains nothing
    const std::uint32_t v = order[i];
    const std::int32_t next_dist = node[v].dist + 1;
    // sum over successors w of (1 + delta(w)) / sigma(w), in four independent partial sums so
    // that hubs' long rows are not one chain of dependent additions.
    double sum[4] = {0, 0, 0, 0};
    std::uint64_t k = offsets[v];
    const std::uint64_t end = offsets[v + 1];
    for (; k + 4 <= end; k += 4) {
      for (int j = 0; j < 4; ++j) {
        const BrandesNode& w = node[targets[k + j]];
        sum[j] += w.dist == next_dist ? w.value : 0.0;
      }
    }
    for (; k < end; ++k) {
      const BrandesNode& w = node[targets[k]];
      sum[0] += w.dist == next_dist ? w.value : 0.0;
    }
    const double delta = node[v].value * ((sum[0] + sum[1]) + (sum[2] + sum[3]));
    centrality[v] += static_cast<std::int64_t>(delta * (1 + leaves) * unit + 0.5);  // delta >= 0
    node[v].value = (1 + delta) / node[v].value;
  }
  // A leaf's paths all pass through s, to every node s reaches but s and the leaf.
  if (leaves != 0) centrality[s] += static_cast<std::int64_t>(static_cast<double>(leaves) * (tail - 2) * unit);
  for (std::uint32_t i = 0; i < tail; ++i) node[order[i]].dist = -1;
}

// NetworkX's _rescale(normalized=True, endpoints=False): 1 / ((n-1)(n-2)) when n > 2.
double betweenness_scale(std::uint32_t n) {
  return n > 2 ? 1.0 / (static_cast<double>(n - 1) * static_cast<double>(n - 2)) : 1.0;
}

}  // namespace

std::vector<double> betweenness(const graph::Csr& g, std::span<const std::uint8_t> mask,
                                const BetweennessOptions& options) {
  assert(mask.empty() || mask.size() >= g.edge_id_bound());
  const std::uint32_t n = g.num_nodes();
  const SimpleRows rows = simple_out_rows(g, mask);
  std::span<const std::uint32_t> sources = options.sources;

  // Undirected, a leaf l (one neighbour p, itself no leaf) needs no BFS of its own: every
  // shortest l-t path is l, p, then a shortest p-t path, so delta_l(v) = delta_p(v) for v != p
  // (the target l adds nothing to delta_p, its paths from p having no interior) and
  // delta_l(p) = |reached from p| - 2. So p's BFS counts 1 + leaves(p) times, l's none.
  std::vector<std::uint32_t> leaves;
  std::vector<std::uint32_t> kept_sources;
  if (sources.empty() && !g.directed()) {
    const auto degree = [&](std::uint32_t v) { return rows.offsets[v + 1] - rows.offsets[v]; };
    leaves.assign(n, 0);
    for (std::uint32_t v = 0; v < n; ++v) {
      if (degree(v) == 1 && degree(rows.targets[rows.offsets[v]]) > 1) {
        ++leaves[rows.targets[rows.offsets[v]]];
      } else {
        kept_sources.push_back(v);
      }
    }
    sources = kept_sources;
  }
  const std::uint64_t num_sources = sources.empty() ? n : sources.size();
  const unsigned threads = thread_count(options.parallelism.threads, num_sources);
  std::vector<BrandesScratch> scratch;
  scratch.reserve(threads);
  const double unit = fixed_point_unit(n);
  for (unsigned t = 0; t < threads; ++t) scratch.emplace_back(n, unit);
  // Each thread sums its sources' dependencies in its own vector, in fixed point: the result is
  // the same bit for bit whatever the thread count and whichever thread took which source.
  WorkDone done("betweenness", num_sources, "sources");
  parallel_chunks(threads, num_sources, 8, [&](unsigned t, std::uint64_t begin, std::uint64_t end) {
    for (std::uint64_t i = begin; i < end; ++i) {
      const auto s = sources.empty() ? static_cast<std::uint32_t>(i) : sources[i];
      assert(s < n);
      brandes_source(rows, s, leaves.empty() ? 0 : leaves[s], scratch[t]);
    }
    done.add(t, end - begin);
  });
  std::vector<double> result(n, 0.0);
  double scale = betweenness_scale(n);
  if (!options.sources.empty()) scale *= static_cast<double>(n) / static_cast<double>(num_sources);
  for (std::uint32_t v = 0; v < n; ++v) {
    std::int64_t sum = 0;
    for (const BrandesScratch& s : scratch) sum += s.centrality[v];
    result[v] = static_cast<double>(sum) / unit * scale;
  }
  return result;
}

// ---------------------------------------------------------------------------------------------
// Riondato–Kornaropoulos sampling. Their b(w) = 1/(n(n-1)) sum over ordered pairs u != v of
// sigma_uv(w)/sigma_uv, estimated by the share of r sampled pairs whose one uniformly drawn
// shortest path passes through w. NetworkX's normalised value is sum / ((n-1)(n-2)) =
// b(w) * n/(n-2), so we report b~(w) * n/(n-2) and run the sampler with
// epsilon_rk = epsilon * (n-2)/n: |b~ - b| <= epsilon_rk for all w (probability >= 1 - delta)
// gives an error <= epsilon on every reported value.

namespace {

// An upper bound on VD, the number of nodes on a longest shortest path. Within a strongly
// connected component C (an undirected component is one), any d(a, b) <= d(a, s) + d(s, b) for
// one node s of C, and shortest paths between nodes of C stay inside C, so diam(C) <=
// ecc_in(s) + ecc_out(s) from two BFS restricted to C (undirected: 2 ecc(s), the bound RK use),
// and <= |C| - 1. A shortest path crosses the condensation DAG once, so its length is at most
// the heaviest DAG path counting diam(C) per component plus 1 per crossing arc; VD is that + 1.
std::uint32_t vertex_diameter_bound(std::uint32_t n, const SimpleRows& out, const SimpleRows& in) {
  if (n == 0) return 0;
  // Tarjan's SCC, iteratively; components come out sinks first (reverse topological order).
  std::vector<std::uint32_t> component(n, UINT32_MAX), index(n, UINT32_MAX), low(n), stack;
  std::vector<std::pair<std::uint32_t, std::uint64_t>> call;  // (node, next arc)
  std::vector<std::uint32_t> members_offsets{0}, members;  // nodes grouped by component
  std::uint32_t counter = 0, components = 0;
  for (std::uint32_t root = 0; root < n; ++root) {
    if (index[root] != UINT32_MAX) continue;
    call.emplace_back(root, out.offsets[root]);
    index[root] = low[root] = counter++;
    stack.push_back(root);
    while (!call.empty()) {
      auto& [v, k] = call.back();
      if (k < out.offsets[v + 1]) {
        const std::uint32_t w = out.targets[k++];
        if (index[w] == UINT32_MAX) {
          index[w] = low[w] = counter++;
          stack.push_back(w);
          call.emplace_back(w, out.offsets[w]);
        } else if (component[w] == UINT32_MAX) {
          low[v] = std::min(low[v], index[w]);
        }
        continue;
      }
      const std::uint32_t done = v;
      call.pop_back();
      if (!call.empty()) low[call.back().first] = std::min(low[call.back().first], low[done]);
      if (low[done] == index[done]) {
        std::uint32_t w;
        do {
          w = stack.back();
          stack.pop_back();
          component[w] = components;
          members.push_back(w);
        } while (w != done);
        members_offsets.push_back(static_cast<std::uint32_t>(members.size()));
        ++components;
      }
    }
  }

  // Eccentricity of a component's first member, BFS restricted to the component.
  std::vector<std::int32_t> dist(n, -1);
  std::vector<std::uint32_t> queue(n);
  const auto eccentricity = [&](std::uint32_t s, const SimpleRows& rows) {
    std::uint32_t head = 0, tail = 0;
    queue[tail++] = s;
    dist[s] = 0;
    std::int32_t farthest = 0;
    while (head < tail) {
      const std::uint32_t v = queue[head++];
      farthest = dist[v];
      for (const std::uint32_t w : rows.row(v)) {
        if (dist[w] < 0 && component[w] == component[s]) {
          dist[w] = dist[v] + 1;
          queue[tail++] = w;
        }
      }
    }
    for (std::uint32_t i = 0; i < tail; ++i) dist[queue[i]] = -1;
    return static_cast<std::uint64_t>(farthest);
  };

  // longest[c]: edges on the longest bound path starting in component c.
  std::vector<std::uint64_t> longest(components, 0);
  std::uint64_t best = 0;
  for (std::uint32_t c = 0; c < components; ++c) {
    const std::uint32_t s = members[members_offsets[c]];
    const std::uint64_t size = members_offsets[c + 1] - members_offsets[c];
    const std::uint64_t diameter = size == 1 ? 0 : std::min(size - 1, eccentricity(s, out) + eccentricity(s, in));
    std::uint64_t onward = 0;
    for (std::uint32_t i = members_offsets[c]; i < members_offsets[c + 1]; ++i) {
      for (const std::uint32_t w : out.row(members[i])) {
        if (component[w] != c) onward = std::max(onward, 1 + longest[component[w]]);  // w's component is done
      }
    }
    longest[c] = diameter + onward;
    best = std::max(best, longest[c]);
  }
  return static_cast<std::uint32_t>(std::min<std::uint64_t>(best + 1, n));
}

// Scratch of one sampling thread: per-side BFS state, valid where stamp == the current sample.
struct SamplerScratch {
  struct Side {
    std::vector<std::uint32_t> stamp;
    std::vector<std::int32_t> dist;
    std::vector<double> sigma;
    std::vector<std::uint32_t> frontier, next;
    explicit Side(std::uint32_t n) : stamp(n, 0), dist(n, 0), sigma(n, 0) {}
    bool seen(std::uint32_t v, std::uint32_t now) const { return stamp[v] == now; }
  };
  Side forward, backward;
  std::uint32_t now = 0;
  std::vector<std::uint64_t> hits;  // samples whose path has the node inside it
  explicit SamplerScratch(std::uint32_t n) : forward(n), backward(n), hits(n, 0) {}
};

// One RK sample: a uniform random shortest u->v path by balanced bidirectional BFS (expand the
// side whose frontier has the smaller degree sum), counting sigma from both ends; its interior
// nodes get a hit.
void sample_pair(const SimpleRows& out, const SimpleRows& in, std::uint32_t u, std::uint32_t v,
                 std::mt19937_64& rng, SamplerScratch& scratch) {
  if (++scratch.now == 0) {  // stamps wrapped: clear them once
    std::fill(scratch.forward.stamp.begin(), scratch.forward.stamp.end(), 0);
    std::fill(scratch.backward.stamp.begin(), scratch.backward.stamp.end(), 0);
    scratch.now = 1;
  }
  const std::uint32_t now = scratch.now;
  auto& f = scratch.forward;
  auto& b = scratch.backward;
  const auto start = [now](SamplerScratch::Side& side, std::uint32_t s) {
    side.stamp[s] = now;
    side.dist[s] = 0;
    side.sigma[s] = 1;
    side.frontier.assign(1, s);
  };
  start(f, u);
  start(b, v);
  const auto cost = [](const SimpleRows& rows, const std::vector<std::uint32_t>& frontier) {
    std::uint64_t sum = 0;
    for (const std::uint32_t x : frontier) sum += rows.offsets[x + 1] - rows.offsets[x];
    return sum;
  };
  // Expands one level of `side` over `rows`; returns true when it touched the other side.
  const auto expand = [now](const SimpleRows& rows, SamplerScratch::Side& side, const SamplerScratch::Side& other) {
    side.next.clear();
    for (const std::uint32_t x : side.frontier) {
      const std::int32_t d = side.dist[x] + 1;
      for (const std::uint32_t y : rows.row(x)) {
        if (other.seen(y, now)) return true;
        if (!side.seen(y, now)) {
          side.stamp[y] = now;
          side.dist[y] = d;
          side.sigma[y] = side.sigma[x];
          side.next.push_back(y);
        } else if (side.dist[y] == d) {
          side.sigma[y] += side.sigma[x];
        }
      }
    }
    side.frontier.swap(side.next);
    return false;
  };
  // All shortest paths cross from the expanding side's frontier (its last full level) to the
  // other side's frontier (see paths.cpp for why every meeting has that length).
  bool met = false, forward_met = false;
  while (!met && !f.frontier.empty() && !b.frontier.empty()) {
    forward_met = cost(out, f.frontier) <= cost(in, b.frontier);
    met = forward_met ? expand(out, f, b) : expand(in, b, f);
  }
  if (!met) return;  // v is unreachable from u: the sample adds nothing

  // Pick the crossing arc x->y (x on the forward side) with probability sigma_f(x) sigma_b(y).
  const auto crossing = [&](auto&& visit) {
    if (forward_met) {
      for (const std::uint32_t x : f.frontier)
        for (const std::uint32_t y : out.row(x))
          if (b.seen(y, now)) visit(x, y);
    } else {
      for (const std::uint32_t y : b.frontier)
        for (const std::uint32_t x : in.row(y))
          if (f.seen(x, now)) visit(x, y);
    }
  };
  double total = 0;
  crossing([&](std::uint32_t x, std::uint32_t y) { total += f.sigma[x] * b.sigma[y]; });
  double threshold = std::uniform_real_distribution<double>(0, total)(rng);
  std::uint32_t pick_x = UINT32_MAX, pick_y = UINT32_MAX;
  crossing([&](std::uint32_t x, std::uint32_t y) {
    if (pick_x != UINT32_MAX && threshold < 0) return;
    pick_x = x;
    pick_y = y;
    threshold -= f.sigma[x] * b.sigma[y];
  });
  // Walk each half back to its end, choosing a predecessor p of z with probability
  // sigma(p) / sigma(z); every node strictly between u and v is interior.
  const auto walk = [&](const SimpleRows& rows, const SamplerScratch::Side& side, std::uint32_t z, std::uint32_t end) {
    while (z != end) {
      ++scratch.hits[z];
      double r = std::uniform_real_distribution<double>(0, side.sigma[z])(rng);
      std::uint32_t chosen = UINT32_MAX;
      for (const std::uint32_t p : rows.row(z)) {
        if (!side.seen(p, now) || side.dist[p] != side.dist[z] - 1) continue;
        chosen = p;
        r -= side.sigma[p];
        if (r < 0) break;
      }
      z = chosen;
    }
  };
  walk(in, f, pick_x, u);
  walk(out, b, pick_y, v);
}

}  // namespace

ApproxBetweennessResult approximate_betweenness(const graph::Csr& g, std::span<const std::uint8_t> mask,
                                                const ApproxBetweennessOptions& options) {
  assert(mask.empty() || mask.size() >= g.edge_id_bound());
  assert(options.epsilon > 0 && options.delta > 0 && options.delta < 1);
  const std::uint32_t n = g.num_nodes();
  ApproxBetweennessResult result;
  result.scores.assign(n, 0.0);
  result.epsilon = options.epsilon;
  result.delta = options.delta;
  // No node can lie strictly inside a shortest path: every score is exactly 0, no sample needed.
  if (n < 3) {
    result.exact = true;
    return result;
  }

  const SimpleRows out = simple_out_rows(g, mask);
  const SimpleRows in = g.directed() ? simple_in_rows(g, mask) : SimpleRows{};
  const SimpleRows& in_rows = g.directed() ? in : out;
  const std::uint32_t vd = vertex_diameter_bound(n, out, in_rows);
  result.vertex_diameter_bound = vd;
  if (vd < 3) {
    result.exact = true;
    return result;
  }

  // r = ceil((c / epsilon^2) (floor(log2(VD - 2)) + 1 + ln(1 / delta))), c = 0.5.
  constexpr double c = 0.5;
  const double epsilon_rk = options.epsilon * (n - 2) / n;
  const double log_term = std::floor(std::log2(static_cast<double>(vd - 2))) + 1 + std::log(1 / options.delta);
  const double wanted = std::ceil(c / (epsilon_rk * epsilon_rk) * log_term);
  // The bound grows as 1/epsilon^2 without limit (epsilon 1e-4 asks for ~10^8 samples on any
  // graph), while the exact algorithm is n BFS. A sample is at most a BFS, usually far less (two
  // searches that stop where they meet): sampling is kept below max(kSamplesPerNode * n,
  // kSamplesAnyway) samples (the second: what takes well under a second on a small graph) and
  // from there the exact values, which are better, are computed instead.
  constexpr double kSamplesPerNode = 64, kSamplesAnyway = 100'000;
  if (!(wanted < std::max(kSamplesPerNode * static_cast<double>(n), kSamplesAnyway))) {
    result.exact = true;
    result.samples_needed = wanted < 1.8e19 ? static_cast<std::uint64_t>(wanted) : std::numeric_limits<std::uint64_t>::max();
    result.scores = betweenness(g, mask, {.parallelism = options.parallelism});
    return result;
  }
  const auto r = static_cast<std::uint64_t>(wanted);
  result.samples = r;
  result.samples_needed = r;

  // Samples come in fixed chunks, each with its own generator seeded by (seed, chunk), so the
  // estimate depends on the seed alone, whatever the thread count.
  constexpr std::uint64_t kChunk = 256;
  const std::uint64_t chunks = (r + kChunk - 1) / kChunk;
  const unsigned threads = thread_count(options.parallelism.threads, chunks);
  std::vector<SamplerScratch> scratch;
  scratch.reserve(threads);
  for (unsigned t = 0; t < threads; ++t) scratch.emplace_back(n);
  WorkDone done("betweenness, sampled", r, "samples");
  parallel_chunks(threads, chunks, 1, [&](unsigned t, std::uint64_t chunk, std::uint64_t) {
    std::seed_seq seq{static_cast<std::uint32_t>(options.seed), static_cast<std::uint32_t>(options.seed >> 32),
                      static_cast<std::uint32_t>(chunk), static_cast<std::uint32_t>(chunk >> 32)};
    std::mt19937_64 rng(seq);
    std::uniform_int_distribution<std::uint32_t> first(0, n - 1), second(0, n - 2);
    const std::uint64_t count = std::min(kChunk, r - chunk * kChunk);
    for (std::uint64_t i = 0; i < count; ++i) {
      const std::uint32_t u = first(rng);
      std::uint32_t v = second(rng);
      if (v >= u) ++v;  // uniform over v != u
      sample_pair(out, in_rows, u, v, rng, scratch[t]);
    }
    done.add(t, count);
  });
  const double scale = static_cast<double>(n) / (n - 2) / static_cast<double>(r);
  for (std::uint32_t v = 0; v < n; ++v) {
    std::uint64_t hits = 0;
    for (const SamplerScratch& s : scratch) hits += s.hits[v];
    result.scores[v] = static_cast<double>(hits) * scale;
  }
  return result;
}

// ---------------------------------------------------------------------------------------------

Degrees degrees(const graph::Csr& g, const EdgeFilter& filter) {
  assert(filter.mask.empty() || filter.mask.size() >= g.edge_id_bound());
  assert(filter.weights.empty() || filter.weights.size() >= g.edge_id_bound());
  const std::uint32_t n = g.num_nodes();
  Degrees d;
  d.out.assign(n, 0.0);
  d.in.assign(n, 0.0);
  const auto offsets = g.out_offsets();
  const auto targets = g.out_targets();
  const auto ids = g.out_ids();
  for (std::uint32_t u = 0; u < n; ++u) {
    for (std::uint64_t k = offsets[u]; k < offsets[u + 1]; ++k) {
      if (!allowed(filter.mask, ids[k])) continue;
      const double w = filter.weights.empty() ? 1.0 : filter.weights[ids[k]];
      d.out[u] += w;
      if (g.directed()) {
        d.in[targets[k]] += w;
      } else if (targets[k] == u) {
        d.out[u] += w;  // an undirected self loop is stored once but has two ends
      }
    }
  }
  if (g.directed()) {
    d.total.resize(n);
    for (std::uint32_t v = 0; v < n; ++v) d.total[v] = d.in[v] + d.out[v];
  } else {
    d.in = d.out;
    d.total = d.out;
  }
  return d;
}

// ---------------------------------------------------------------------------------------------
// Harmonic closeness: a BFS from u over in-arcs reaches every v with d(v, u); the sum of
// count(level) / level over levels is the sum of 1 / d(v, u).

std::vector<double> harmonic_closeness(const graph::Csr& g, std::span<const std::uint8_t> mask,
                                       const HarmonicOptions& options) {
  assert(mask.empty() || mask.size() >= g.edge_id_bound());
  const std::uint32_t n = g.num_nodes();
  const SimpleRows rows = simple_in_rows(g, mask);
  std::vector<double> result(n, 0.0);
  const unsigned threads = thread_count(options.parallelism.threads, n);
  struct Scratch {
    std::vector<std::uint8_t> seen;
    std::vector<std::uint32_t> queue;
  };
  std::vector<Scratch> scratch(threads);
  for (Scratch& s : scratch) {
    s.seen.assign(n, 0);
    s.queue.resize(n);
  }
  WorkDone done("closeness", n, "nodes");
  parallel_chunks(threads, n, 16, [&](unsigned t, std::uint64_t begin, std::uint64_t end) {
    std::uint8_t* seen = scratch[t].seen.data();
    std::uint32_t* queue = scratch[t].queue.data();
    for (std::uint64_t source = begin; source < end; ++source) {
      const auto u = static_cast<std::uint32_t>(source);
      std::uint32_t head = 0, tail = 0;
      queue[tail++] = u;
      seen[u] = 1;
      double sum = 0;
      for (std::uint32_t level = 1; head < tail; ++level) {
        const std::uint32_t level_end = tail;
        while (head < level_end) {
          for (const std::uint32_t w : rows.row(queue[head++])) {
            if (!seen[w]) {
              seen[w] = 1;
              queue[tail++] = w;
            }
          }
        }
        sum += static_cast<double>(tail - level_end) / level;
      }
      for (std::uint32_t i = 0; i < tail; ++i) seen[queue[i]] = 0;
      result[u] = sum;
    }
    done.add(t, end - begin);
  });
  return result;
}

}  // namespace tg::queries
