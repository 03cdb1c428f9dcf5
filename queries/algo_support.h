// Internal to queries/: the simple (collapsed, masked) adjacency rows and the thread helpers
// shared by centrality.cpp and paths.cpp. Not part of the public interface.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <span>
#include <thread>
#include <vector>

#include "graph/csr.h"

namespace tg::queries::detail {

// Adjacency rows without masked arcs, parallel arcs or self loops: what NetworkX's BFS over
// G[v] sees.
struct SimpleRows {
  std::vector<std::uint64_t> offsets;
  std::vector<std::uint32_t> targets;
  std::span<const std::uint32_t> row(std::uint32_t v) const {
    return {targets.data() + offsets[v], static_cast<std::size_t>(offsets[v + 1] - offsets[v])};
  }
};

inline SimpleRows simple_rows(std::uint32_t n, std::span<const std::uint64_t> offsets,
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

inline unsigned thread_count(unsigned requested, std::uint64_t work_items) {
  unsigned threads = requested != 0 ? requested : std::max(1u, std::thread::hardware_concurrency());
  return static_cast<unsigned>(std::min<std::uint64_t>(threads, std::max<std::uint64_t>(1, work_items)));
}

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

}  // namespace tg::queries::detail
