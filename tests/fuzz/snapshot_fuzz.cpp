// Snapshot::read (graph/snapshot.h), the mapped cache reader, on a file of these bytes, then
// every accessor: what a damaged file holds must never reach a caller as a bad index.
//
// Each input is read twice: as it is, and with its checksums made right (the header's, the
// block sums' and each block's, as the writer computes them, and the file size), so that
// mutations reach the checks behind the checksums instead of stopping at the first. The
// layout below is graph/snapshot.cpp's (format v6); a seed of another layout is only read as is.
#include <algorithm>
#include <cstring>
#include <string>

#include "graph/binary.h"
#include "graph/snapshot.h"
#include "tests/fuzz/fuzz.h"

namespace {

using tg::graph::Snapshot;

constexpr std::size_t kHeaderSize = 112, kSections = 12, kEntrySize = 32, kBlockSumsSection = 11;
constexpr std::size_t kTableEnd = kHeaderSize + kSections * kEntrySize;
constexpr std::uint64_t kBlock = 64 * 1024;

template <typename T>
T get(const std::string& b, std::size_t at) {
  T v;
  std::memcpy(&v, b.data() + at, sizeof v);
  return v;
}
template <typename T>
void put(std::string& b, std::size_t at, T v) {
  std::memcpy(b.data() + at, &v, sizeof v);
}

// The bytes of section s when its table entry lies within the file: [offset, offset + size).
bool section_range(const std::string& b, std::size_t s, std::uint64_t& offset, std::uint64_t& size) {
  const std::size_t entry = kHeaderSize + s * kEntrySize;
  const auto element = get<std::uint32_t>(b, entry + 4);
  offset = get<std::uint64_t>(b, entry + 8);
  const auto count = get<std::uint64_t>(b, entry + 16);
  if (element == 0 || offset > b.size() || count > (b.size() - offset) / element) return false;
  size = count * element;
  return true;
}

// The checksums as Snapshot::write computes them, for whatever the header and table say.
void fix_checksums(std::string& b) {
  put<std::uint64_t>(b, 88, b.size());  // file_size
  std::uint64_t sums_at = 0, sums_size = 0;
  const bool sums_ok = section_range(b, kBlockSumsSection, sums_at, sums_size);
  if (sums_ok) {
    for (std::size_t s = 0; s < kBlockSumsSection; ++s) {
      std::uint64_t at = 0, size = 0;
      if (!section_range(b, s, at, size)) continue;
      const auto first = get<std::uint64_t>(b, kHeaderSize + s * kEntrySize + 24);
      for (std::uint64_t block = 0; block * kBlock < size; ++block) {
        const std::uint64_t slot = first + block;
        if (first > sums_size / 8 || slot >= sums_size / 8) break;
        const std::uint64_t sum =
            tg::binary::wide_checksum(b.data() + at + block * kBlock, std::min(kBlock, size - block * kBlock));
        put(b, sums_at + slot * 8, sum);
      }
    }
    put<std::uint64_t>(b, 96, tg::binary::wide_checksum(b.data() + sums_at, sums_size));
  }
  std::string covered = b.substr(0, kTableEnd);
  put<std::uint64_t>(covered, 104, 0);
  put<std::uint64_t>(b, 104, tg::binary::checksum(covered));
}

void exercise(const Snapshot& snap) {
  const std::uint32_t n = snap.num_nodes();
  (void)snap.generation();
  (void)snap.store_id();
  TG_FUZZ_CHECK(snap.write_id().empty() || snap.write_id().size() == 16);
  for (std::uint32_t v = 0; v < n; ++v) {
    (void)snap.entity(v);
    TG_FUZZ_CHECK(static_cast<int>(snap.kind(v)) < tg::kNodeKindCount);
    const std::string_view name = snap.name(v);
    for (char c : name) (void)c;
    const std::string country = snap.country(v);
    TG_FUZZ_CHECK(country.empty() || country.size() == 2);
    TG_FUZZ_CHECK(snap.top(v) < n);
  }
  const auto edges = snap.edges();
  TG_FUZZ_CHECK(edges.size() == snap.num_edges());
  for (const auto& e : edges)
    TG_FUZZ_CHECK(e.from < n && e.to < n && static_cast<int>(e.kind) < tg::kRelationKindCount);
  for (std::size_t i = 0; i < snap.num_edges(); ++i) {
    const auto e = snap.edge(i);
    TG_FUZZ_CHECK(e.from < n && e.to < n && static_cast<int>(e.kind) < tg::kRelationKindCount);
  }
  for (const auto& m : snap.moves()) {
    TG_FUZZ_CHECK(m.person < n && m.from < n && m.to < n);
    TG_FUZZ_CHECK(static_cast<int>(m.basis) < tg::kMoveBasisCount);
    TG_FUZZ_CHECK(m.from_place == tg::graph::kNoNode || m.from_place < n);
    TG_FUZZ_CHECK(m.to_place == tg::graph::kNoNode || m.to_place < n);
  }
  const tg::graph::Csr& g = snap.affiliation();
  TG_FUZZ_CHECK(g.num_nodes() == n);
  TG_FUZZ_CHECK(g.edge_id_bound() <= edges.size());
  for (std::uint32_t v = 0; v < n; ++v) {
    const auto targets = g.out_neighbors(v);
    const auto ids = g.out_edge_ids(v);
    TG_FUZZ_CHECK(targets.size() == ids.size());
    for (const std::uint32_t t : targets) TG_FUZZ_CHECK(t < n);
    for (const std::uint32_t id : ids) TG_FUZZ_CHECK(id < g.edge_id_bound());
    TG_FUZZ_CHECK(g.in_neighbors(v).size() == targets.size());
  }
  TG_FUZZ_CHECK(snap.mask(std::nullopt, {}).size() == edges.size());
  TG_FUZZ_CHECK(snap.mask(0, {tg::RelationKind::worked_at, tg::RelationKind::moved}).size() == edges.size());
  if (snap.verify()) {  // the ids ascend: each node is found by its id
    for (std::uint32_t v = 0; v < n; ++v) TG_FUZZ_CHECK(snap.node_of(snap.entity(v)) == v);
  }
}

void read_and_exercise(const std::string& bytes) {
  const std::string path = tg::fuzz::scratch_file("fuzz.tgsnap", bytes);
  auto snap = Snapshot::read(path);
  if (!snap) {
    TG_FUZZ_CHECK(!snap.error().message.empty());
    return;
  }
  TG_FUZZ_CHECK(snap->mapped());
  exercise(*snap);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string bytes(tg::fuzz::text_of(data, size));
  read_and_exercise(bytes);
  if (bytes.size() >= kTableEnd && bytes.starts_with(std::string_view("TGSNAP\x01\0", 8))) {
    const std::string before = bytes;
    fix_checksums(bytes);
    if (bytes != before) read_and_exercise(bytes);
  }
  return 0;
}
