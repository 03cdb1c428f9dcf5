// graph::Csr: rows, orientation, parallel edges and self loops, and the snapshot format's
// round trip and every error a corrupt snapshot can give.
#include "graph/csr.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <utility>

#include "graph/binary.h"
#include "tests/algorithms/random_graphs.h"

namespace tg::graph {
namespace {

using Arc = std::pair<std::uint32_t, std::uint32_t>;  // (neighbour, edge id)

std::vector<Arc> arcs(std::span<const std::uint32_t> nodes, std::span<const std::uint32_t> ids) {
  std::vector<Arc> out;
  for (std::size_t k = 0; k < nodes.size(); ++k) out.emplace_back(nodes[k], ids[k]);
  return out;
}
std::vector<Arc> out_arcs(const Csr& g, std::uint32_t v) { return arcs(g.out_neighbors(v), g.out_edge_ids(v)); }
std::vector<Arc> in_arcs(const Csr& g, std::uint32_t v) { return arcs(g.in_neighbors(v), g.in_edge_ids(v)); }

//   e0, e1: 0 -> 1 (parallel)    e2: 1 -> 2    e3: 2 -> 2 (self loop)    e4: 2 -> 0
//   node 3 has no edges.
const std::vector<EdgeIn> kSmall = {{0, 1, 0}, {0, 1, 1}, {1, 2, 2}, {2, 2, 3}, {2, 0, 4}};

TEST(Csr, DirectedKeepsParallelEdgesAndSelfLoopsWithTheirIds) {
  const Csr g = Csr::build(4, kSmall, Orientation::directed);
  EXPECT_EQ(g.num_nodes(), 4u);
  EXPECT_EQ(g.num_arcs(), 5u);
  EXPECT_EQ(g.edge_id_bound(), 5u);
  EXPECT_TRUE(g.directed());
  EXPECT_EQ(out_arcs(g, 0), (std::vector<Arc>{{1, 0}, {1, 1}}));
  EXPECT_EQ(out_arcs(g, 1), (std::vector<Arc>{{2, 2}}));
  EXPECT_EQ(out_arcs(g, 2), (std::vector<Arc>{{2, 3}, {0, 4}}));
  EXPECT_TRUE(out_arcs(g, 3).empty());
  EXPECT_EQ(in_arcs(g, 0), (std::vector<Arc>{{2, 4}}));
  EXPECT_EQ(in_arcs(g, 1), (std::vector<Arc>{{0, 0}, {0, 1}}));
  EXPECT_EQ(in_arcs(g, 2), (std::vector<Arc>{{1, 2}, {2, 3}}));
  EXPECT_TRUE(in_arcs(g, 3).empty());
  EXPECT_EQ(g.out_degree(0), 2u);
  EXPECT_EQ(g.in_degree(2), 2u);
}

TEST(Csr, UndirectedStoresEachEdgeBothWaysAndASelfLoopOnce) {
  const Csr g = Csr::build(4, kSmall, Orientation::undirected);
  EXPECT_FALSE(g.directed());
  EXPECT_EQ(g.num_arcs(), 9u);  // 4 edges twice, the self loop once
  EXPECT_EQ(out_arcs(g, 0), (std::vector<Arc>{{1, 0}, {1, 1}, {2, 4}}));
  EXPECT_EQ(out_arcs(g, 1), (std::vector<Arc>{{0, 0}, {0, 1}, {2, 2}}));
  EXPECT_EQ(out_arcs(g, 2), (std::vector<Arc>{{1, 2}, {2, 3}, {0, 4}}));
  for (std::uint32_t v = 0; v < 4; ++v) EXPECT_EQ(in_arcs(g, v), out_arcs(g, v));
}

TEST(Csr, EmptyGraphsHaveNoArcs) {
  const Csr none = Csr::build(0, {}, Orientation::directed);
  EXPECT_EQ(none.num_nodes(), 0u);
  EXPECT_EQ(none.num_arcs(), 0u);
  const Csr isolated = Csr::build(3, {}, Orientation::undirected);
  EXPECT_EQ(isolated.num_arcs(), 0u);
  EXPECT_EQ(isolated.edge_id_bound(), 0u);
  EXPECT_TRUE(isolated.out_neighbors(2).empty());
}

TEST(Csr, InRowsAreTheTransposeOfOutRowsOnRandomGraphs) {
  for (std::uint64_t seed = 1; seed <= 5; ++seed) {
    const auto tg = testing::make_graph(testing::Shape::sparse_random, Orientation::directed, seed, false);
    const Csr g = tg.csr();
    std::vector<std::tuple<std::uint32_t, std::uint32_t, std::uint32_t>> from_out, from_in, given;
    for (std::uint32_t v = 0; v < g.num_nodes(); ++v) {
      for (const auto& [w, id] : out_arcs(g, v)) from_out.emplace_back(v, w, id);
      for (const auto& [u, id] : in_arcs(g, v)) from_in.emplace_back(u, v, id);
    }
    for (const EdgeIn& e : tg.edges) given.emplace_back(e.src, e.dst, e.id);
    std::sort(from_out.begin(), from_out.end());
    std::sort(from_in.begin(), from_in.end());
    std::sort(given.begin(), given.end());
    EXPECT_EQ(from_out, given);
    EXPECT_EQ(from_in, given);
  }
}

std::string serialise(const Csr& g) {
  binary::Writer out;
  g.write(out);
  return out.bytes();
}

Result<Csr> deserialise(const std::string& bytes) {
  binary::Reader in(bytes);
  return Csr::read(in, "snap.csr");
}

TEST(CsrSnapshot, RoundTripGivesTheSameGraph) {
  for (const Orientation o : {Orientation::directed, Orientation::undirected}) {
    const Csr small = Csr::build(4, kSmall, o);
    auto back = deserialise(serialise(small));
    ASSERT_TRUE(back.has_value()) << back.error().message;
    EXPECT_EQ(*back, small);
    const Csr random = testing::make_graph(testing::Shape::affiliation, o, 7, false).csr();
    back = deserialise(serialise(random));
    ASSERT_TRUE(back.has_value()) << back.error().message;
    EXPECT_EQ(*back, random);
  }
  const Csr empty = Csr::build(0, {}, Orientation::directed);
  auto back = deserialise(serialise(empty));
  ASSERT_TRUE(back.has_value()) << back.error().message;
  EXPECT_EQ(*back, empty);
}

// Layout: magic[8], version u32 @8, orientation u32 @12, n u32 @16, id bound u32 @20,
// arcs u64 @24, offsets u64[n+1] @32, targets u32[arcs], ids u32[arcs], checksum u64.
constexpr std::size_t kOffsetsAt = 32;

template <typename T>
void poke(std::string& bytes, std::size_t at, T value) {
  std::memcpy(bytes.data() + at, &value, sizeof value);
}

std::string read_error(const std::string& bytes) {
  auto result = deserialise(bytes);
  if (result) return "(read succeeded)";
  EXPECT_EQ(result.error().code, ErrorCode::bad_data);
  return result.error().message;
}

TEST(CsrSnapshot, RejectsWhatIsNotASnapshot) {
  EXPECT_EQ(read_error(""), "snap.csr: header: truncated snapshot (end of stream)");
  EXPECT_EQ(read_error("SQLite format 3\0 and more bytes"), "snap.csr: header: not a talentgraph CSR snapshot (bad magic)");
}

TEST(CsrSnapshot, RejectsCorruptHeaders) {
  const std::string good = serialise(Csr::build(4, kSmall, Orientation::directed));
  std::string bytes = good;
  poke<std::uint32_t>(bytes, 8, 9);
  EXPECT_EQ(read_error(bytes), "snap.csr: version: unsupported version (found 9, expected 1)");
  bytes = good;
  poke<std::uint32_t>(bytes, 12, 5);
  EXPECT_EQ(read_error(bytes), "snap.csr: orientation: unknown orientation (found 5)");
  bytes = good;
  poke<std::uint64_t>(bytes, 24, std::uint64_t{1} << 40);  // absurd arc count: no huge allocation
  EXPECT_EQ(read_error(bytes), "snap.csr: offsets: last offset is not the arc count (found 5, expected 1099511627776)");
  bytes = good;
  poke<std::uint32_t>(bytes, 16, 1'000'000'000);  // absurd node count: runs out of bytes
  EXPECT_EQ(read_error(bytes), "snap.csr: offsets: truncated snapshot (end of stream)");
}

TEST(CsrSnapshot, RejectsBadOffsetsTargetsAndIds) {
  const std::string good = serialise(Csr::build(4, kSmall, Orientation::directed));
  const std::size_t targets_at = kOffsetsAt + 5 * 8, ids_at = targets_at + 5 * 4;
  std::string bytes = good;
  poke<std::uint64_t>(bytes, kOffsetsAt, 1);
  EXPECT_EQ(read_error(bytes), "snap.csr: offsets: first offset is not 0 (found 1)");
  bytes = good;
  poke<std::uint64_t>(bytes, kOffsetsAt + 8, 4);  // rows: 0, 4, 3, 5, 5
  EXPECT_EQ(read_error(bytes), "snap.csr: offsets: offsets decrease at node 1 (4 then 3)");
  bytes = good;
  poke<std::uint32_t>(bytes, targets_at + 4, 4);
  EXPECT_EQ(read_error(bytes), "snap.csr: targets: arc 1 points past the last node (found 4, nodes 4)");
  bytes = good;
  poke<std::uint32_t>(bytes, ids_at, 77);
  EXPECT_EQ(read_error(bytes), "snap.csr: edge ids: ids do not match the recorded bound (found 78, recorded 5)");
  bytes = good;
  poke<std::uint32_t>(bytes, targets_at, 3);  // still a valid node: only the checksum notices
  EXPECT_EQ(read_error(bytes), "snap.csr: checksum: snapshot is corrupt (checksum mismatch)");
  EXPECT_EQ(read_error(good.substr(0, good.size() - 3)), "snap.csr: checksum: truncated snapshot (end of stream)");
  EXPECT_EQ(read_error(good.substr(0, ids_at + 2)), "snap.csr: edge ids: truncated snapshot (end of stream)");
}

}  // namespace
}  // namespace tg::graph
