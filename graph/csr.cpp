// Csr: built by Boost.Graph's compressed_sparse_row_graph, then its arrays are moved out into
// plain vectors so that no public header sees Boost and the algorithms walk flat memory.
#include "graph/csr.h"

#include "graph/binary.h"

#include <algorithm>
#include <array>
#include <cassert>
#include <utility>

#include <boost/graph/compressed_sparse_row_graph.hpp>
#include <boost/iterator/counting_iterator.hpp>
#include <boost/iterator/transform_iterator.hpp>
#include <fmt/format.h>

namespace tg::graph {
namespace {

using VertexPair = std::pair<std::uint32_t, std::uint32_t>;

// Directed graphs use bidirectionalS: one constructor call sorts the arcs by source (forward)
// and by target (backward, holding the forward arc index), both by a stable counting sort, so
// in-rows list their arcs in the same source order as a transposition of the out-rows would.
// Two forward CSRs would cost the same two counting sorts; bidirectionalS keeps the two
// views consistent by construction. Undirected graphs need only a directedS CSR of the arcs
// both ways: the in-rows are the out-rows.
using BidirGraph = boost::compressed_sparse_row_graph<boost::bidirectionalS, boost::no_property, std::uint32_t,
                                                      boost::no_property, std::uint32_t, std::uint64_t>;
using ForwardGraph = boost::compressed_sparse_row_graph<boost::directedS, boost::no_property, std::uint32_t,
                                                        boost::no_property, std::uint32_t, std::uint64_t>;

constexpr std::array<char, 8> kMagic = {'T', 'G', 'C', 'S', 'R', '\0', '\r', '\n'};
constexpr std::uint32_t kVersion = 1;

}  // namespace

struct Csr::Storage {
  std::vector<std::uint64_t> out_offsets = {0};
  std::vector<std::uint32_t> out_targets, out_ids;
  std::vector<std::uint64_t> in_offsets = {0};
  std::vector<std::uint32_t> in_sources, in_ids;

  // The transposition of the out-rows by a stable counting sort on the target: the same arc
  // order Boost's bidirectional constructor produces.
  void build_in_rows(std::uint32_t num_nodes) {
    in_offsets.assign(std::size_t{num_nodes} + 1, 0);
    for (const std::uint32_t t : out_targets) ++in_offsets[t + 1];
    for (std::uint32_t v = 0; v < num_nodes; ++v) in_offsets[v + 1] += in_offsets[v];
    in_sources.resize(out_targets.size());
    in_ids.resize(out_targets.size());
    std::vector<std::uint64_t> next(in_offsets.begin(), in_offsets.end() - 1);
    for (std::uint32_t u = 0; u < num_nodes; ++u) {
      for (std::uint64_t k = out_offsets[u]; k < out_offsets[u + 1]; ++k) {
        const std::uint64_t slot = next[out_targets[k]]++;
        in_sources[slot] = u;
        in_ids[slot] = out_ids[k];
      }
    }
  }
};

Csr::Csr() : Csr(own(0, 0, Orientation::directed, Storage{})) {}

Csr Csr::own(std::uint32_t num_nodes, std::uint32_t edge_id_bound, Orientation orientation, Storage&& storage) {
  Csr g(std::in_place);
  g.num_nodes_ = num_nodes;
  g.edge_id_bound_ = edge_id_bound;
  g.orientation_ = orientation;
  if (storage.out_offsets.empty()) storage.out_offsets = {0};  // Boost leaves a default graph without rows
  if (storage.in_offsets.empty()) storage.in_offsets = {0};
  auto held = std::make_shared<const Storage>(std::move(storage));
  g.out_offsets_ = held->out_offsets;
  g.out_targets_ = held->out_targets;
  g.out_ids_ = held->out_ids;
  g.in_offsets_ = held->in_offsets;
  g.in_sources_ = held->in_sources;
  g.in_ids_ = held->in_ids;
  g.keep_ = std::move(held);
  return g;
}

Csr Csr::view_undirected(std::uint32_t num_nodes, std::uint32_t edge_id_bound, std::span<const std::uint64_t> offsets,
                         std::span<const std::uint32_t> targets, std::span<const std::uint32_t> ids,
                         std::shared_ptr<const void> keep) {
  static constexpr std::uint64_t kNoRows[1] = {0};
  Csr g(std::in_place);
  g.num_nodes_ = num_nodes;
  g.edge_id_bound_ = edge_id_bound;
  g.orientation_ = Orientation::undirected;
  g.keep_ = std::move(keep);
  g.out_offsets_ = offsets.empty() ? std::span<const std::uint64_t>(kNoRows) : offsets;
  g.out_targets_ = targets;
  g.out_ids_ = ids;
  g.in_offsets_ = std::span<const std::uint64_t>(kNoRows);
  return g;
}

bool operator==(const Csr& a, const Csr& b) {
  return a.num_nodes_ == b.num_nodes_ && a.edge_id_bound_ == b.edge_id_bound_ && a.orientation_ == b.orientation_ &&
         std::ranges::equal(a.out_offsets_, b.out_offsets_) && std::ranges::equal(a.out_targets_, b.out_targets_) &&
         std::ranges::equal(a.out_ids_, b.out_ids_) && std::ranges::equal(a.in_offsets_, b.in_offsets_) &&
         std::ranges::equal(a.in_sources_, b.in_sources_) && std::ranges::equal(a.in_ids_, b.in_ids_);
}

Csr Csr::build(std::uint32_t num_nodes, std::span<const EdgeIn> edges, Orientation orientation) {
  std::uint32_t id_bound = 0;
  for (const EdgeIn& e : edges) {
    assert(e.src < num_nodes && e.dst < num_nodes);
    id_bound = std::max(id_bound, e.id + 1);
  }
  Storage s;
  if (orientation == Orientation::directed) {
    const auto to_pair = [](const EdgeIn& e) { return VertexPair{e.src, e.dst}; };
    const auto to_id = [](const EdgeIn& e) { return e.id; };
    BidirGraph boost_graph(boost::edges_are_unsorted_multi_pass, boost::make_transform_iterator(edges.begin(), to_pair),
                           boost::make_transform_iterator(edges.end(), to_pair),
                           boost::make_transform_iterator(edges.begin(), to_id), num_nodes);
    s.out_offsets = std::move(boost_graph.m_forward.m_rowstart);
    s.out_targets = std::move(boost_graph.m_forward.m_column);
    s.out_ids = std::move(boost_graph.m_forward.m_edge_properties);
    s.in_offsets = std::move(boost_graph.m_backward.m_rowstart);
    s.in_sources = std::move(boost_graph.m_backward.m_column);
    // The backward arcs hold the index of their forward arc; resolve it to the caller's id.
    const std::vector<std::uint64_t>& forward_arc = boost_graph.m_backward.m_edge_properties;
    s.in_ids.resize(forward_arc.size());
    for (std::size_t k = 0; k < forward_arc.size(); ++k) s.in_ids[k] = s.out_ids[forward_arc[k]];
  } else {
    std::vector<VertexPair> arcs;
    std::vector<std::uint32_t> ids;
    arcs.reserve(2 * edges.size());
    ids.reserve(2 * edges.size());
    for (const EdgeIn& e : edges) {
      arcs.emplace_back(e.src, e.dst);
      ids.push_back(e.id);
      if (e.src != e.dst) {
        arcs.emplace_back(e.dst, e.src);
        ids.push_back(e.id);
      }
    }
    ForwardGraph boost_graph(boost::edges_are_unsorted_multi_pass, arcs.begin(), arcs.end(), ids.begin(), num_nodes);
    s.out_offsets = std::move(boost_graph.m_forward.m_rowstart);
    s.out_targets = std::move(boost_graph.m_forward.m_column);
    s.out_ids = std::move(boost_graph.m_forward.m_edge_properties);
  }
  return own(num_nodes, id_bound, orientation, std::move(s));
}

std::optional<std::string> Csr::check_rows(std::uint32_t num_nodes, std::uint32_t edge_id_bound,
                                           std::span<const std::uint64_t> offsets,
                                           std::span<const std::uint32_t> targets,
                                           std::span<const std::uint32_t> ids) {
  if (offsets.size() != std::size_t{num_nodes} + 1 || targets.size() != ids.size())
    return "row arrays of the wrong size";
  if (offsets.front() != 0) return fmt::format("first offset is not 0 (found {})", offsets.front());
  // Branch-free passes first (they vectorise); the failing element is found only when one fails.
  bool rising = true;
  for (std::size_t v = 0; v + 1 < offsets.size(); ++v) rising &= offsets[v] <= offsets[v + 1];
  if (!rising) {
    for (std::uint32_t v = 0; v < num_nodes; ++v)
      if (offsets[v + 1] < offsets[v])
        return fmt::format("offsets decrease at node {} ({} then {})", v, offsets[v], offsets[v + 1]);
  }
  if (offsets.back() != targets.size())
    return fmt::format("last offset is not the arc count (found {}, expected {})", offsets.back(), targets.size());
  std::uint32_t max_target = 0, max_id = 0;
  for (const std::uint32_t t : targets) max_target = std::max(max_target, t);
  for (const std::uint32_t id : ids) max_id = std::max(max_id, id);
  if (!targets.empty() && max_target >= num_nodes) {
    for (std::size_t k = 0; k < targets.size(); ++k)
      if (targets[k] >= num_nodes)
        return fmt::format("arc {} points past the last node (found {}, nodes {})", k, targets[k], num_nodes);
  }
  const std::uint64_t found = ids.empty() ? 0 : std::uint64_t{max_id} + 1;
  if (found != edge_id_bound)
    return fmt::format("ids do not match the recorded bound (found {}, recorded {})", found, edge_id_bound);
  return std::nullopt;
}

void Csr::write(binary::Writer& out) const {
  out.raw(std::string_view(kMagic.data(), kMagic.size()));
  out.begin_sum();
  out.put(kVersion);
  out.put(static_cast<std::uint32_t>(orientation_));
  out.put(num_nodes_);
  out.put(edge_id_bound_);
  out.put(static_cast<std::uint64_t>(out_targets_.size()));
  out.put_array(out_offsets_);
  out.put_array(out_targets_);
  out.put_array(out_ids_);
  out.put(out.end_sum());
}

Result<Csr> Csr::read(binary::Reader& in, std::string_view origin) {
  const auto bad = [&](std::string_view field, std::string what) {
    return fail(ErrorCode::bad_data, fmt::format("{}: {}: {}", origin, field, what));
  };
  const auto truncated = [&](std::string_view field) { return bad(field, "truncated snapshot (end of stream)"); };

  std::string_view magic;
  if (!in.get_bytes(kMagic.size(), magic)) return truncated("header");
  if (magic != std::string_view(kMagic.data(), kMagic.size())) return bad("header", "not a talentgraph CSR snapshot (bad magic)");
  in.begin_sum();
  std::uint32_t version = 0, orientation = 0, num_nodes = 0, id_bound = 0;
  std::uint64_t num_arcs = 0;
  if (!in.get(version)) return truncated("version");
  if (version != kVersion) return bad("version", fmt::format("unsupported version (found {}, expected {})", version, kVersion));
  if (!in.get(orientation) || !in.get(num_nodes) || !in.get(id_bound) || !in.get(num_arcs)) return truncated("header");
  if (orientation > 1) return bad("orientation", fmt::format("unknown orientation (found {})", orientation));

  Storage s;
  if (!in.get_array(std::uint64_t{num_nodes} + 1, s.out_offsets)) return truncated("offsets");
  if (s.out_offsets.front() != 0) return bad("offsets", fmt::format("first offset is not 0 (found {})", s.out_offsets.front()));
  for (std::uint32_t v = 0; v < num_nodes; ++v) {
    if (s.out_offsets[v + 1] < s.out_offsets[v]) {
      return bad("offsets", fmt::format("offsets decrease at node {} ({} then {})", v, s.out_offsets[v], s.out_offsets[v + 1]));
    }
  }
  if (s.out_offsets.back() != num_arcs) {
    return bad("offsets", fmt::format("last offset is not the arc count (found {}, expected {})", s.out_offsets.back(), num_arcs));
  }
  if (!in.get_array(num_arcs, s.out_targets)) return truncated("targets");
  if (!in.get_array(num_arcs, s.out_ids)) return truncated("edge ids");
  if (auto wrong = check_rows(num_nodes, id_bound, s.out_offsets, s.out_targets, s.out_ids))
    return bad(wrong->starts_with("arc") ? "targets" : "edge ids", *wrong);
  const std::uint64_t sum = in.end_sum();
  std::uint64_t checksum = 0;
  if (!in.get(checksum)) return truncated("checksum");
  if (checksum != sum) return bad("checksum", "snapshot is corrupt (checksum mismatch)");
  const Orientation o = orientation == 0 ? Orientation::directed : Orientation::undirected;
  if (o == Orientation::directed) s.build_in_rows(num_nodes);
  return own(num_nodes, id_bound, o, std::move(s));
}

}  // namespace tg::graph
