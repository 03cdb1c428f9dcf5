// Paths: balanced bidirectional BFS with stamped scratch (nothing is cleared between queries),
// and Yen's k shortest simple paths, each spur path found by the same search.
#include "queries/paths.h"

#include <algorithm>
#include <cassert>
#include <queue>
#include <set>

namespace tg::queries {

PathFinder::PathFinder(const graph::Csr& g)
    : g_(&g),
      marks_(zeroed<Mark>(g.num_nodes())),
      forward_link_(zeroed<Link>(g.num_nodes())),
      backward_link_(zeroed<Link>(g.num_nodes())) {}

std::uint32_t PathFinder::next_stamp() {
  if (++stamp_ == 0) {  // wrapped after 2^32 searches: forget every old mark once
    std::fill_n(marks_.get(), g_->num_nodes(), Mark{});
    stamp_ = 1;
  }
  return stamp_;
}

// Why the first meeting is a shortest path: the forward side holds every node at distance
// <= df from the start and the backward side every node at distance <= db to the end, and the
// two sets are disjoint until they meet, so the length L > df + db. Expanding one whole level
// of, say, the forward side, a meeting arc x -> y has length df + 1 + d(y, end) <= df + 1 + db,
// hence = L: we can stop at the first one.
std::optional<Path> PathFinder::search(std::uint32_t from, std::uint32_t to, const PathOptions& options,
                                       std::span<const std::uint32_t> blocked_from_start) {
  const graph::Csr& g = *g_;
  const std::uint32_t now = stamp_;
  const std::span<const std::uint8_t> mask = options.edge_mask;
  Mark* marks = marks_.get();
  if (from == to) return Path{{from}, {}};

  // An arc x -> y (edge id) may be used unless masked, or leaving the start by a blocked edge.
  const auto usable = [&](std::uint32_t x, std::uint32_t id) {
    if (!mask.empty() && mask[id] == 0) return false;
    return x != from || std::find(blocked_from_start.begin(), blocked_from_start.end(), id) == blocked_from_start.end();
  };
  const auto build = [&](std::uint32_t x, std::uint32_t y, std::uint32_t id) {
    Path path;
    for (std::uint32_t v = x; v != from; v = forward_link_[v].node) {
      path.nodes.push_back(v);
      path.edge_ids.push_back(forward_link_[v].edge);
    }
    path.nodes.push_back(from);
    std::reverse(path.nodes.begin(), path.nodes.end());
    std::reverse(path.edge_ids.begin(), path.edge_ids.end());
    path.edge_ids.push_back(id);
    for (std::uint32_t v = y; v != to; v = backward_link_[v].node) {
      path.nodes.push_back(v);
      path.edge_ids.push_back(backward_link_[v].edge);
    }
    path.nodes.push_back(to);
    return path;
  };

  marks[from].forward = now;
  marks[to].backward = now;
  forward_frontier_.assign(1, from);
  backward_frontier_.assign(1, to);
  std::uint64_t forward_cost = g.out_degree(from), backward_cost = g.in_degree(to);  // frontier degree sums
  std::uint32_t forward_depth = 0, backward_depth = 0;
  while (!forward_frontier_.empty() && !backward_frontier_.empty()) {
    if (forward_depth + backward_depth >= options.max_hops) return std::nullopt;  // L > max_hops
    next_frontier_.clear();
    std::uint64_t next_cost = 0;
    if (forward_cost <= backward_cost) {
      for (const std::uint32_t x : forward_frontier_) {
        const auto targets = g.out_neighbors(x);
        const auto ids = g.out_edge_ids(x);
        for (std::size_t k = 0; k < targets.size(); ++k) {
          const std::uint32_t y = targets[k];
          Mark& m = marks[y];
          if (m.forward == now || m.banned == now || !usable(x, ids[k])) continue;
          if (m.backward == now) return build(x, y, ids[k]);
          m.forward = now;
          forward_link_[y] = {x, ids[k]};
          next_frontier_.push_back(y);
          next_cost += g.out_degree(y);
        }
      }
      forward_frontier_.swap(next_frontier_);
      forward_cost = next_cost;
      ++forward_depth;
    } else {
      for (const std::uint32_t y : backward_frontier_) {
        const auto sources = g.in_neighbors(y);
        const auto ids = g.in_edge_ids(y);
        for (std::size_t k = 0; k < sources.size(); ++k) {
          const std::uint32_t x = sources[k];
          Mark& m = marks[x];
          if (m.backward == now || m.banned == now || !usable(x, ids[k])) continue;
          if (m.forward == now) return build(x, y, ids[k]);
          m.backward = now;
          backward_link_[x] = {y, ids[k]};
          next_frontier_.push_back(x);
          next_cost += g.in_degree(x);
        }
      }
      backward_frontier_.swap(next_frontier_);
      backward_cost = next_cost;
      ++backward_depth;
    }
  }
  return std::nullopt;
}

std::optional<Path> PathFinder::shortest(std::uint32_t from, std::uint32_t to, const PathOptions& options) {
  assert(from < g_->num_nodes() && to < g_->num_nodes());
  assert(options.edge_mask.empty() || options.edge_mask.size() >= g_->edge_id_bound());
  next_stamp();
  return search(from, to, options, {});
}

// Yen, "Finding the k shortest loopless paths in a network" (1971): path k+1 is the best of the
// candidates made by taking a prefix (the root) of path k up to a spur node, then the shortest
// spur -> end path that avoids the root's other nodes and leaves the spur by none of the edges
// that paths already found with the same root take next.
std::vector<Path> PathFinder::k_shortest(std::uint32_t from, std::uint32_t to, std::size_t k,
                                         const PathOptions& options) {
  std::vector<Path> found;
  if (k == 0) return found;
  std::optional<Path> first = shortest(from, to, options);
  if (!first) return found;
  found.push_back(std::move(*first));

  const auto longer = [](const Path& a, const Path& b) {  // min-heap on (hops, edge ids)
    return a.hops() != b.hops() ? a.hops() > b.hops() : a.edge_ids > b.edge_ids;
  };
  std::priority_queue<Path, std::vector<Path>, decltype(longer)> candidates(longer);
  std::set<std::vector<std::uint32_t>> known{found.front().edge_ids};
  std::vector<std::uint32_t> blocked;
  while (found.size() < k) {
    const Path last = found.back();
    for (std::size_t i = 0; i < last.hops(); ++i) {
      const std::uint32_t spur = last.nodes[i];
      const std::span<const std::uint32_t> root_edges(last.edge_ids.data(), i);
      blocked.clear();
      for (const Path& p : found) {
        if (p.hops() > i && std::equal(root_edges.begin(), root_edges.end(), p.edge_ids.begin())) {
          blocked.push_back(p.edge_ids[i]);
        }
      }
      const std::uint32_t now = next_stamp();
      for (std::size_t j = 0; j < i; ++j) marks_[last.nodes[j]].banned = now;
      PathOptions spur_options = options;
      spur_options.max_hops = options.max_hops - static_cast<std::uint32_t>(i);
      std::optional<Path> spur_path = search(spur, to, spur_options, blocked);
      if (!spur_path) continue;
      Path candidate;
      candidate.nodes.assign(last.nodes.begin(), last.nodes.begin() + static_cast<std::ptrdiff_t>(i));
      candidate.nodes.insert(candidate.nodes.end(), spur_path->nodes.begin(), spur_path->nodes.end());
      candidate.edge_ids.assign(root_edges.begin(), root_edges.end());
      candidate.edge_ids.insert(candidate.edge_ids.end(), spur_path->edge_ids.begin(), spur_path->edge_ids.end());
      if (known.insert(candidate.edge_ids).second) candidates.push(std::move(candidate));
    }
    if (candidates.empty()) break;
    found.push_back(candidates.top());
    candidates.pop();
  }
  return found;
}

}  // namespace tg::queries
