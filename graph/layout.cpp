#include "graph/layout.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace tg::graph {
namespace {

// SplitMix64: the same numbers everywhere, unlike std's distributions.
class Rng {
 public:
  explicit Rng(std::uint64_t seed) : state_(seed) {}
  std::uint64_t next() {
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  // In [0, 1), from the top 53 bits: exact in a double.
  double unit() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }

 private:
  std::uint64_t state_;
};

struct Component {
  std::vector<std::uint32_t> nodes;                              // global ids, ascending
  std::vector<std::pair<std::uint32_t, std::uint32_t>> edges;    // local indices, each once
  std::vector<LayoutPoint> at;                                   // local positions
  double width = 0, height = 0;
};

// The components of the graph (union–find), each with its nodes ascending, ordered by their
// smallest node; the edges deduplicated, self loops and out-of-range ends dropped.
std::vector<Component> components(std::uint32_t n, std::span<const std::pair<std::uint32_t, std::uint32_t>> edges) {
  std::vector<std::uint32_t> parent(n);
  std::iota(parent.begin(), parent.end(), 0u);
  auto find = [&](std::uint32_t a) {
    while (parent[a] != a) a = parent[a] = parent[parent[a]];
    return a;
  };
  std::vector<std::pair<std::uint32_t, std::uint32_t>> kept;
  kept.reserve(edges.size());
  for (auto [a, b] : edges) {
    if (a >= n || b >= n || a == b) continue;
    kept.emplace_back(std::min(a, b), std::max(a, b));
  }
  std::sort(kept.begin(), kept.end());
  kept.erase(std::unique(kept.begin(), kept.end()), kept.end());
  for (auto [a, b] : kept) {
    const std::uint32_t ra = find(a), rb = find(b);
    if (ra != rb) parent[std::max(ra, rb)] = std::min(ra, rb);
  }
  std::vector<std::uint32_t> index_of_root(n, UINT32_MAX), local(n);
  std::vector<Component> out;
  std::vector<std::uint32_t> comp_of(n);
  for (std::uint32_t v = 0; v < n; ++v) {
    const std::uint32_t r = find(v);
    if (index_of_root[r] == UINT32_MAX) {
      index_of_root[r] = static_cast<std::uint32_t>(out.size());
      out.emplace_back();
    }
    Component& c = out[index_of_root[r]];
    comp_of[v] = index_of_root[r];
    local[v] = static_cast<std::uint32_t>(c.nodes.size());
    c.nodes.push_back(v);
  }
  for (auto [a, b] : kept) out[comp_of[a]].edges.emplace_back(local[a], local[b]);
  return out;
}

// A Barnes–Hut quadtree over one pass's positions: each cell's node count and the sum of their
// coordinates, so that a far cell repels as one body at its centre of mass.
class QuadTree {
 public:
  void build(const std::vector<LayoutPoint>& at) {
    cells_.clear();
    double minx = at[0].x, maxx = minx, miny = at[0].y, maxy = miny;
    for (const auto& p : at) {
      minx = std::min(minx, p.x), maxx = std::max(maxx, p.x);
      miny = std::min(miny, p.y), maxy = std::max(maxy, p.y);
    }
    const double half = std::max(maxx - minx, maxy - miny) / 2 + 1e-9;
    cells_.push_back({(minx + maxx) / 2, (miny + maxy) / 2, half});
    for (std::uint32_t v = 0; v < at.size(); ++v) insert(at, v);
  }

  // Adds to (fx, fy) the repulsion k²/d on node v from every other node, far cells taken whole
  // when their width is under theta times their distance.
  void repel(const std::vector<LayoutPoint>& at, std::uint32_t v, double k2, double& fx, double& fy) const {
    constexpr double theta2 = 1.4 * 1.4;
    std::uint32_t stack[4 * kMaxDepth + 8];
    std::size_t top = 0;
    stack[top++] = 0;
    const double x = at[v].x, y = at[v].y;
    while (top > 0) {
      const Cell& c = cells_[stack[--top]];
      if (c.mass == 0) continue;
      double mass = c.mass, sx = c.sx, sy = c.sy;
      const bool leaf = c.child < 0;
      if (leaf && c.point == v) {  // itself (and what shares its place)
        mass -= 1, sx -= x, sy -= y;
        if (mass == 0) continue;
      }
      const double mx = sx / mass, my = sy / mass;
      double dx = x - mx, dy = y - my;
      double d2 = dx * dx + dy * dy;
      const double width = 2 * c.half;
      if (leaf || width * width < theta2 * d2) {
        if (d2 < 1e-12 * k2) {  // one place: apart along a direction of their own
          dx = 1e-3 * (1.0 + static_cast<double>(v % 7));
          dy = 1e-3 * (1.0 + static_cast<double>(v % 5));
          d2 = dx * dx + dy * dy;
        }
        const double f = mass * k2 / d2;  // k²/d along the unit vector, per node
        fx += dx * f, fy += dy * f;
        continue;
      }
      for (int q = 0; q < 4; ++q) stack[top++] = static_cast<std::uint32_t>(c.child + q);
    }
  }

 private:
  static constexpr int kMaxDepth = 48;
  struct Cell {
    double cx = 0, cy = 0, half = 0;
    double mass = 0, sx = 0, sy = 0;
    std::int32_t child = -1;           // the first of four, or -1 for a leaf
    std::uint32_t point = UINT32_MAX;  // a leaf's node
  };

  void insert(const std::vector<LayoutPoint>& at, std::uint32_t v) {
    const double x = at[v].x, y = at[v].y;
    std::size_t i = 0;
    for (int depth = 0;; ++depth) {
      if (cells_[i].mass == 0 && cells_[i].child < 0) {
        cells_[i].point = v, cells_[i].mass = 1, cells_[i].sx = x, cells_[i].sy = y;
        return;
      }
      if (cells_[i].child < 0) {  // a leaf: split it, unless it is as deep as cells go
        if (depth >= kMaxDepth) {
          cells_[i].mass += 1, cells_[i].sx += x, cells_[i].sy += y;
          return;
        }
        const Cell old = cells_[i];
        const auto first = static_cast<std::int32_t>(cells_.size());
        const double h = old.half / 2;
        for (int q = 0; q < 4; ++q)
          cells_.push_back({old.cx + ((q & 1) ? h : -h), old.cy + ((q & 2) ? h : -h), h});
        cells_[i].child = first;
        cells_[i].point = UINT32_MAX;
        Cell& moved = cells_[static_cast<std::size_t>(first + quadrant(old, at[old.point].x, at[old.point].y))];
        moved.point = old.point, moved.mass = old.mass, moved.sx = old.sx, moved.sy = old.sy;
      }
      cells_[i].mass += 1, cells_[i].sx += x, cells_[i].sy += y;
      i = static_cast<std::size_t>(cells_[i].child + quadrant(cells_[i], x, y));
    }
  }
  static int quadrant(const Cell& c, double x, double y) { return (x >= c.cx ? 1 : 0) | (y >= c.cy ? 2 : 0); }

  std::vector<Cell> cells_;
};

// Fruchterman–Reingold on one component: repulsion k²/d from every node (Barnes–Hut),
// attraction d²/k along edges, a pull toward the centre, steps capped by a cooling temperature.
void lay_out(Component& c, Rng& rng, const LayoutOptions& options) {
  const std::size_t n = c.nodes.size();
  const double k = options.edge_length;
  c.at.assign(n, {});
  if (n == 1) return;
  const double side = std::sqrt(static_cast<double>(n)) * k;
  for (auto& p : c.at) {
    p.x = rng.unit() * side;
    p.y = rng.unit() * side;
  }
  const double k2 = k * k;
  const double gravity = 0.5 / side;
  const double t0 = side / 8 + k;
  std::vector<double> dx(n), dy(n);
  QuadTree tree;
  // Large components settle in fewer passes than they would need for the detail of small ones:
  // the passes shrink beyond 1,000 nodes, to no fewer than 80.
  std::uint32_t iterations = std::max<std::uint32_t>(options.iterations, 1);
  if (n > 1000) iterations = std::max<std::uint32_t>(std::min<std::uint32_t>(iterations, 80),
                                                     static_cast<std::uint32_t>(iterations * 1000 / n));
  for (std::uint32_t it = 0; it < iterations; ++it) {
    std::fill(dx.begin(), dx.end(), 0.0);
    std::fill(dy.begin(), dy.end(), 0.0);
    double cx = 0, cy = 0;
    for (const auto& p : c.at) cx += p.x, cy += p.y;
    cx /= static_cast<double>(n), cy /= static_cast<double>(n);
    tree.build(c.at);
    for (std::uint32_t v = 0; v < n; ++v) tree.repel(c.at, v, k2, dx[v], dy[v]);
    for (auto [a, b] : c.edges) {
      const double ddx = c.at[a].x - c.at[b].x, ddy = c.at[a].y - c.at[b].y;
      const double d = std::sqrt(ddx * ddx + ddy * ddy);
      const double f = d / k;  // d²/k along the unit vector
      dx[a] -= ddx * f, dy[a] -= ddy * f;
      dx[b] += ddx * f, dy[b] += ddy * f;
    }
    const double t = t0 * (1.0 - static_cast<double>(it) / iterations) + 0.01 * k;
    for (std::size_t v = 0; v < n; ++v) {
      dx[v] -= (c.at[v].x - cx) * gravity * k;
      dy[v] -= (c.at[v].y - cy) * gravity * k;
      const double len = std::sqrt(dx[v] * dx[v] + dy[v] * dy[v]);
      if (!(len > 0)) continue;
      const double step = std::min(len, t) / len;
      c.at[v].x += dx[v] * step;
      c.at[v].y += dy[v] * step;
    }
  }
}

}  // namespace

std::vector<LayoutPoint> force_layout(std::uint32_t n, std::span<const std::pair<std::uint32_t, std::uint32_t>> edges,
                                      const LayoutOptions& options) {
  std::vector<LayoutPoint> out(n);
  if (n == 0) return out;
  std::vector<Component> parts = components(n, edges);
  Rng rng(options.seed);
  double total_area = 0, widest = 0;
  const double pad = 2 * options.edge_length;
  for (Component& c : parts) {
    lay_out(c, rng, options);
    double minx = c.at[0].x, maxx = minx, miny = c.at[0].y, maxy = miny;
    for (const auto& p : c.at) {
      minx = std::min(minx, p.x), maxx = std::max(maxx, p.x);
      miny = std::min(miny, p.y), maxy = std::max(maxy, p.y);
    }
    for (auto& p : c.at) p.x -= minx, p.y -= miny;
    c.width = maxx - minx, c.height = maxy - miny;
    total_area += (c.width + pad) * (c.height + pad);
    widest = std::max(widest, c.width + pad);
  }
  // Rows of components, largest first, about as wide as the whole is tall.
  std::vector<std::size_t> by_size(parts.size());
  std::iota(by_size.begin(), by_size.end(), std::size_t{0});
  std::stable_sort(by_size.begin(), by_size.end(),
                   [&](std::size_t a, std::size_t b) { return parts[a].nodes.size() > parts[b].nodes.size(); });
  const double row_width = std::max(widest, std::sqrt(total_area));
  double x = 0, y = 0, row_height = 0;
  for (std::size_t i : by_size) {
    const Component& c = parts[i];
    if (x > 0 && x + c.width > row_width) {
      x = 0;
      y += row_height;
      row_height = 0;
    }
    for (std::size_t v = 0; v < c.nodes.size(); ++v) out[c.nodes[v]] = {c.at[v].x + x, c.at[v].y + y};
    x += c.width + pad;
    row_height = std::max(row_height, c.height + pad);
  }
  return out;
}

}  // namespace tg::graph
