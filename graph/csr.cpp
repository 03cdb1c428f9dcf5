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

Csr Csr::build(std::uint32_t num_nodes, std::span<const EdgeIn> edges, Orientation orientation) {
  Csr g;
  g.num_nodes_ = num_nodes;
  g.orientation_ = orientation;
  for (const EdgeIn& e : edges) {
    assert(e.src < num_nodes && e.dst < num_nodes);
    g.edge_id_bound_ = std::max(g.edge_id_bound_, e.id + 1);
  }

  if (orientation == Orientation::directed) {
    const auto to_pair = [](const EdgeIn& e) { return VertexPair{e.src, e.dst}; };
    const auto to_id = [](const EdgeIn& e) { return e.id; };
    BidirGraph boost_graph(boost::edges_are_unsorted_multi_pass, boost::make_transform_iterator(edges.begin(), to_pair),
                           boost::make_transform_iterator(edges.end(), to_pair),
                           boost::make_transform_iterator(edges.begin(), to_id), num_nodes);
    g.out_offsets_ = std::move(boost_graph.m_forward.m_rowstart);
    g.out_targets_ = std::move(boost_graph.m_forward.m_column);
    g.out_ids_ = std::move(boost_graph.m_forward.m_edge_properties);
    g.in_offsets_ = std::move(boost_graph.m_backward.m_rowstart);
    g.in_sources_ = std::move(boost_graph.m_backward.m_column);
    // The backward arcs hold the index of their forward arc; resolve it to the caller's id.
    const std::vector<std::uint64_t>& forward_arc = boost_graph.m_backward.m_edge_properties;
    g.in_ids_.resize(forward_arc.size());
    for (std::size_t k = 0; k < forward_arc.size(); ++k) g.in_ids_[k] = g.out_ids_[forward_arc[k]];
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
    g.out_offsets_ = std::move(boost_graph.m_forward.m_rowstart);
    g.out_targets_ = std::move(boost_graph.m_forward.m_column);
    g.out_ids_ = std::move(boost_graph.m_forward.m_edge_properties);
  }
  if (g.out_offsets_.empty()) g.out_offsets_ = {0};  // Boost leaves a default graph without rows
  return g;
}

// The transposition of the out-rows by a stable counting sort on the target: the same arc
// order Boost's bidirectional constructor produces.
void Csr::build_in_rows() {
  in_offsets_.assign(std::size_t{num_nodes_} + 1, 0);
  for (const std::uint32_t t : out_targets_) ++in_offsets_[t + 1];
  for (std::uint32_t v = 0; v < num_nodes_; ++v) in_offsets_[v + 1] += in_offsets_[v];
  in_sources_.resize(out_targets_.size());
  in_ids_.resize(out_targets_.size());
  std::vector<std::uint64_t> next(in_offsets_.begin(), in_offsets_.end() - 1);
  for (std::uint32_t u = 0; u < num_nodes_; ++u) {
    for (std::uint64_t k = out_offsets_[u]; k < out_offsets_[u + 1]; ++k) {
      const std::uint64_t slot = next[out_targets_[k]]++;
      in_sources_[slot] = u;
      in_ids_[slot] = out_ids_[k];
    }
  }
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

  Csr g;
  g.num_nodes_ = num_nodes;
  g.edge_id_bound_ = id_bound;
  g.orientation_ = orientation == 0 ? Orientation::directed : Orientation::undirected;
  if (!in.get_array(std::uint64_t{num_nodes} + 1, g.out_offsets_)) return truncated("offsets");
  if (g.out_offsets_.front() != 0) return bad("offsets", fmt::format("first offset is not 0 (found {})", g.out_offsets_.front()));
  for (std::uint32_t v = 0; v < num_nodes; ++v) {
    if (g.out_offsets_[v + 1] < g.out_offsets_[v]) {
      return bad("offsets", fmt::format("offsets decrease at node {} ({} then {})", v, g.out_offsets_[v], g.out_offsets_[v + 1]));
    }
  }
  if (g.out_offsets_.back() != num_arcs) {
    return bad("offsets", fmt::format("last offset is not the arc count (found {}, expected {})", g.out_offsets_.back(), num_arcs));
  }
  if (!in.get_array(num_arcs, g.out_targets_)) return truncated("targets");
  if (!in.get_array(num_arcs, g.out_ids_)) return truncated("edge ids");
  for (std::uint64_t k = 0; k < num_arcs; ++k) {
    if (g.out_targets_[k] >= num_nodes) {
      return bad("targets", fmt::format("arc {} points past the last node (found {}, nodes {})", k, g.out_targets_[k], num_nodes));
    }
  }
  std::uint32_t max_id_plus_one = 0;
  for (const std::uint32_t id : g.out_ids_) max_id_plus_one = std::max(max_id_plus_one, id + 1);
  if (max_id_plus_one != id_bound) {
    return bad("edge ids", fmt::format("ids do not match the recorded bound (found {}, recorded {})", max_id_plus_one, id_bound));
  }
  const std::uint64_t sum = in.end_sum();
  std::uint64_t checksum = 0;
  if (!in.get(checksum)) return truncated("checksum");
  if (checksum != sum) return bad("checksum", "snapshot is corrupt (checksum mismatch)");
  if (g.directed()) g.build_in_rows();
  return g;
}

}  // namespace tg::graph
