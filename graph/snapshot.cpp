#include "graph/snapshot.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <cassert>
#include <cerrno>
#include <cstddef>
#include <cstring>
#include <filesystem>
#include <mutex>
#include <optional>
#include <type_traits>

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

#include "graph/binary.h"
#include "graph/files.h"
#include "graph/lock.h"
#include "graph/progress.h"

namespace tg::graph {
namespace {

constexpr char kMagic[8] = {'T', 'G', 'S', 'N', 'A', 'P', '\x01', '\0'};
// 2: the checksum is binary::checksum (graph/binary.h). 3: both bounds of each edge date, the
// `left` edges of moved relations, and the part_of tops. 4: the places of work of each move.
// 5: laid out to be mapped: a header, a section table and aligned arrays of plain values.
// 6: the store's write id in the header (the cache key is store id, generation and write id).
// A cache of another version is rebuilt.
constexpr std::uint32_t kFormatVersion = 6;

// Every section starts at a multiple of this (a cache line): arrays are read in place.
constexpr std::uint64_t kAlign = 64;

enum Section : std::uint32_t {
  kEntityIds,    // std::int64_t, by node, ascending
  kKinds,        // std::uint8_t NodeKind, by node
  kCountries,    // std::uint16_t, by node
  kNameOffsets,  // std::uint64_t, num_nodes + 1: node v's name is blob[offsets[v], offsets[v + 1])
  kNameBlob,     // char
  kEdges,        // SnapshotEdge, padding zero
  kMoves,        // SnapshotMove, padding zero
  kTops,         // std::uint32_t, by node; empty when no organisation has a parent
  kCsrOffsets,   // std::uint64_t, num_nodes + 1: the affiliation graph's out-rows (undirected)
  kCsrTargets,   // std::uint32_t, by arc
  kCsrIds,       // std::uint32_t, by arc: edge ids
  kBlockSums,    // std::uint64_t: binary::wide_checksum of each kBlock bytes of each section above
  kSectionCount
};
constexpr std::uint32_t kElementSize[kSectionCount] = {8, 1, 2, 8, 1, sizeof(SnapshotEdge), sizeof(SnapshotMove), 4, 8, 4, 4, 8};
// The unit of checking: a section's bytes are summed in blocks of this many (the last one
// shorter), and a block is checked the first time a byte of it is used.
constexpr std::uint64_t kBlock = 64 * 1024;
std::uint64_t blocks_of(std::uint64_t bytes) { return (bytes + kBlock - 1) / kBlock; }

// The file: a Header, kSectionCount SectionEntry rows, then the sections, each aligned. Values
// are stored as the machine holds them (little-endian on every platform we build for).
struct Header {
  char magic[8];
  std::uint32_t version;
  std::uint32_t sections;
  std::int64_t generation;
  std::int64_t store_id;
  char write_id[16];  // Store::write_id(), zeros when the store had none
  std::uint64_t nodes, edges, moves, arcs;
  std::uint32_t edge_id_bound;
  std::uint32_t has_tops;
  std::uint64_t file_size;
  std::uint64_t block_sums_checksum;  // binary::wide_checksum of the kBlockSums section
  std::uint64_t checksum;  // binary::checksum of the header (this field 0) and the section table
};
struct SectionEntry {
  std::uint32_t id;
  std::uint32_t element_size;
  std::uint64_t offset;    // from the file's start
  std::uint64_t count;     // elements
  std::uint64_t first_block;  // index of its first block's sum in kBlockSums (0 for kBlockSums)
};
static_assert(sizeof(Header) == 112 && sizeof(SectionEntry) == 32);
static_assert(std::is_trivially_copyable_v<SnapshotEdge> && std::is_standard_layout_v<SnapshotEdge>);
static_assert(std::is_trivially_copyable_v<SnapshotMove> && std::is_standard_layout_v<SnapshotMove>);
static_assert(alignof(SnapshotEdge) <= kAlign && alignof(SnapshotMove) <= kAlign);
constexpr std::uint64_t kTableEnd = sizeof(Header) + kSectionCount * sizeof(SectionEntry);

std::uint64_t table_checksum(Header header, const SectionEntry* table) {
  header.checksum = 0;
  std::string bytes(reinterpret_cast<const char*>(&header), sizeof header);
  bytes.append(reinterpret_cast<const char*>(table), kSectionCount * sizeof(SectionEntry));
  return binary::checksum(bytes);
}

std::int32_t first_or_none(const PartialDate& d) { return d.known() ? d.first_day() : kNoDay; }
std::int32_t last_or_none(const PartialDate& d) { return d.known() ? d.last_day() : kNoDay; }

// A record's bytes with its padding zero, so that a file's bytes (and checksums) depend on its
// values only.
template <typename T, typename... Fields>
void put_record(char* out, const T& r, Fields T::*... fields) {
  std::memset(out, 0, sizeof(T));
  auto put = [&](auto T::*field) {
    const auto offset = reinterpret_cast<std::size_t>(&(static_cast<const T*>(nullptr)->*field));
    std::memcpy(out + offset, &(r.*field), sizeof(r.*field));
  };
  (put(fields), ...);
}

// What makes an edge or a move unsafe to use: an index past the nodes, an enum past its values, a
// day no date can have (dates are of years 1000 to 32767: days within +-12M of 1970-01-01; the
// calendar arithmetic on days would overflow far outside that).
constexpr std::int32_t kDayBound = 20'000'000;
bool day_ok(std::int32_t d) { return d == kNoDay || (d > -kDayBound && d < kDayBound); }
std::int32_t repaired_day(std::int32_t d) { return day_ok(d) ? d : kNoDay; }
bool edge_ok(const SnapshotEdge& e, std::uint64_t n) {
  return e.from < n && e.to < n && static_cast<unsigned>(e.kind) < kRelationKindCount && e.left <= 1 &&
         day_ok(e.start_first) && day_ok(e.end_last) && day_ok(e.start_last) && day_ok(e.end_first);
}
SnapshotEdge repaired(SnapshotEdge e, std::uint64_t n) {
  e.start_first = repaired_day(e.start_first);
  e.end_last = repaired_day(e.end_last);
  e.start_last = repaired_day(e.start_last);
  e.end_first = repaired_day(e.end_first);
  if (e.from >= n) e.from = 0;
  if (e.to >= n) e.to = 0;
  if (static_cast<unsigned>(e.kind) >= kRelationKindCount) e.kind = RelationKind::worked_at;
  if (e.left > 1) e.left = 0;
  return e;
}
bool move_ok(const SnapshotMove& m, std::uint64_t n) {
  auto place_ok = [&](std::uint32_t p) { return p == kNoNode || p < n; };
  return m.person < n && m.from < n && m.to < n && static_cast<unsigned>(m.basis) < kMoveBasisCount &&
         place_ok(m.from_place) && place_ok(m.to_place) && day_ok(m.date_first) && day_ok(m.date_last);
}
SnapshotMove repaired(SnapshotMove m, std::uint64_t n) {
  m.date_first = repaired_day(m.date_first);
  m.date_last = repaired_day(m.date_last);
  if (m.person >= n) m.person = 0;
  if (m.from >= n) m.from = 0;
  if (m.to >= n) m.to = 0;
  if (static_cast<unsigned>(m.basis) >= kMoveBasisCount) m.basis = MoveBasis::dated;
  if (m.from_place != kNoNode && m.from_place >= n) m.from_place = kNoNode;
  if (m.to_place != kNoNode && m.to_place >= n) m.to_place = kNoNode;
  return m;
}

// A read-only mapping of a whole file, unmapped with its last holder.
struct Mapping {
  const char* data = nullptr;
  std::size_t size = 0;
  Mapping(const char* d, std::size_t n) : data(d), size(n) {}
  Mapping(const Mapping&) = delete;
  Mapping& operator=(const Mapping&) = delete;
  ~Mapping() { ::munmap(const_cast<char*>(data), size); }
};

}  // namespace

// The arrays of a built snapshot.
struct Snapshot::Owned {
  std::vector<std::int64_t> entity_ids;
  std::vector<std::uint8_t> kinds;
  std::vector<std::uint64_t> name_offsets{0};
  std::string name_blob;
  std::vector<std::uint16_t> countries;
  std::vector<SnapshotEdge> edges;
  std::vector<SnapshotMove> moves;
  std::vector<std::uint32_t> top;
};

// The arrays checked when first asked for (all of them at once for a built snapshot).
struct Snapshot::Lazy {
  bool trusted = true;  // built in memory: nothing to check
  std::uint64_t nodes = 0;
  std::uint32_t edge_id_bound = 0;
  std::shared_ptr<const void> keep;
  std::span<const SnapshotEdge> file_edges;
  std::span<const SnapshotMove> file_moves;
  std::span<const std::uint64_t> csr_offsets;
  std::span<const std::uint32_t> csr_targets, csr_ids;
  std::string_view section[kSectionCount];  // the sections' bytes, for their checksums
  std::uint64_t first_block[kSectionCount] = {};
  std::span<const std::uint64_t> block_sums;
  std::unique_ptr<std::atomic<std::uint8_t>[]> block_state;  // by block: 0 unchecked, 1 sound, 2 damaged

  std::once_flag edges_once, moves_once, csr_once;
  std::span<const SnapshotEdge> edges;
  std::span<const SnapshotMove> moves;
  Csr csr;
  std::vector<SnapshotEdge> repaired_edges;
  std::vector<SnapshotMove> repaired_moves;
  std::atomic<bool> damaged{false};

  // Whether bytes [begin, end) of a section are as written: each block checked once (two threads
  // may both check one; they agree). A damaged block sets the damage flag.
  bool bytes_ok(Section s, std::uint64_t begin, std::uint64_t end) {
    if (trusted || begin >= end) return true;
    bool ok = true;
    const std::string_view bytes = section[s];
    for (std::uint64_t b = begin / kBlock; b <= (end - 1) / kBlock; ++b) {
      std::atomic<std::uint8_t>& state = block_state[first_block[s] + b];
      std::uint8_t known = state.load(std::memory_order_acquire);
      if (known == 0) {
        const std::uint64_t at = b * kBlock, size = std::min<std::uint64_t>(kBlock, bytes.size() - at);
        known = binary::wide_checksum(bytes.data() + at, size) == block_sums[first_block[s] + b] ? 1 : 2;
        state.store(known, std::memory_order_release);
      }
      ok &= known == 1;
    }
    if (!ok) damaged = true;
    return ok;
  }
  bool sum_ok(Section s) { return bytes_ok(s, 0, section[s].size()); }
  template <typename T>
  bool element_ok(Section s, std::uint64_t index) {
    return trusted || bytes_ok(s, index * sizeof(T), (index + 1) * sizeof(T));
  }
  // Whole-array checks, run once each; a failure leaves a repaired array and the damage flag.
  void check_edges() { edges = checked(kEdges, file_edges, edge_ok, repaired_edges); }
  void check_moves() { moves = checked(kMoves, file_moves, move_ok, repaired_moves); }
  // The mapped array when its blocks' sums and every element are sound, else a repaired copy.
  template <typename T>
  std::span<const T> checked(Section s, std::span<const T> file, bool (*sound)(const T&, std::uint64_t),
                             std::vector<T>& copy) {
    const bool ok = walk(s, file, [&](std::span<const T> chunk) {
      bool good = true;
      for (const T& x : chunk) good &= sound(x, nodes);
      return good;
    });
    if (ok) return file;
    damaged = true;
    copy.reserve(file.size());
    for (const T& x : file) copy.push_back(repaired(x, nodes));
    return copy;
  }
  // The graph's rows checked chunk by chunk, each chunk's values right after its blocks' sums,
  // while its bytes are in cache: one pass over memory, not two (at L the rows are 100 MB).
  template <typename T, typename Check>
  bool walk(Section s, std::span<const T> values, Check&& check) {
    constexpr std::size_t kChunk = kBlock / sizeof(T);
    bool ok = true;
    for (std::size_t at = 0; at < values.size(); at += kChunk) {
      const std::size_t count = std::min(kChunk, values.size() - at);
      ok &= bytes_ok(s, at * sizeof(T), (at + count) * sizeof(T));
      ok &= check(values.subspan(at, count));
    }
    return ok;
  }
  void check_csr() {
    const auto n = static_cast<std::uint32_t>(nodes);
    std::uint64_t previous = 0;
    bool ok = walk(kCsrOffsets, csr_offsets, [&](std::span<const std::uint64_t> chunk) {
      bool rising = chunk.front() >= previous;
      for (std::size_t i = 1; i < chunk.size(); ++i) rising &= chunk[i - 1] <= chunk[i];
      previous = chunk.back();
      return rising;
    });
    ok = ok && csr_offsets.front() == 0 && csr_offsets.back() == csr_targets.size();
    ok = ok && walk(kCsrTargets, csr_targets, [&](std::span<const std::uint32_t> chunk) {
      std::uint32_t max = 0;
      for (const std::uint32_t t : chunk) max = std::max(max, t);
      return max < n;
    });
    std::uint32_t max_id = 0;
    ok = ok && walk(kCsrIds, csr_ids, [&](std::span<const std::uint32_t> chunk) {
      for (const std::uint32_t id : chunk) max_id = std::max(max_id, id);
      return true;
    });
    // The same rule as Csr::read's: the largest id is one below the recorded bound.
    ok = ok && (csr_ids.empty() ? 0 : std::uint64_t{max_id} + 1) == edge_id_bound;
    if (ok) {
      csr = Csr::view_undirected(n, edge_id_bound, csr_offsets, csr_targets, csr_ids, keep);
      return;
    }
    damaged = true;
    csr = Csr::build(n, {}, Orientation::undirected);  // its nodes and no arcs
  }
};

Snapshot::Snapshot() : lazy_(std::make_shared<Lazy>()) {}

void Snapshot::note_damage() const { lazy_->damaged = true; }
bool Snapshot::damaged() const { return lazy_->damaged; }

EntityId Snapshot::entity(std::uint32_t node) const {
  lazy_->element_ok<std::int64_t>(kEntityIds, node);
  return EntityId{entity_ids_[node]};
}

NodeKind Snapshot::kind(std::uint32_t node) const {
  const std::uint8_t k = kinds_[node];
  if (!lazy_->element_ok<std::uint8_t>(kKinds, node) || k >= kNodeKindCount) {
    note_damage();
    return NodeKind::person;
  }
  return static_cast<NodeKind>(k);
}

std::string_view Snapshot::name(std::uint32_t node) const {
  const std::uint64_t begin = name_offsets_[node], end = name_offsets_[node + 1];
  if (!lazy_->bytes_ok(kNameOffsets, std::uint64_t{node} * 8, std::uint64_t{node} * 8 + 16)) return {};
  if (begin > end || end > name_blob_.size()) {
    note_damage();
    return {};
  }
  if (!lazy_->bytes_ok(kNameBlob, begin, end)) return {};
  return name_blob_.substr(static_cast<std::size_t>(begin), static_cast<std::size_t>(end - begin));
}

std::uint32_t Snapshot::top(std::uint32_t node) const {
  if (top_.empty()) return node;
  const std::uint32_t t = top_[node];
  if (!lazy_->element_ok<std::uint32_t>(kTops, node) || t >= num_nodes()) {
    note_damage();
    return node;
  }
  return t;
}

std::string Snapshot::country(std::uint32_t node) const {
  const std::uint16_t c = countries_[node];
  if (!lazy_->element_ok<std::uint16_t>(kCountries, node)) return {};
  if (!c) return {};
  return {static_cast<char>(c >> 8), static_cast<char>(c & 0xff)};
}

// A binary search stays within the array whatever it holds; each entry is checked before it is
// compared.
std::optional<std::uint32_t> Snapshot::node_of(EntityId id) const {
  std::size_t lo = 0, hi = entity_ids_.size();
  while (lo < hi) {
    const std::size_t mid = lo + (hi - lo) / 2;
    if (!lazy_->element_ok<std::int64_t>(kEntityIds, mid)) return std::nullopt;
    if (entity_ids_[mid] < raw(id))
      lo = mid + 1;
    else
      hi = mid;
  }
  if (lo == entity_ids_.size() || !lazy_->element_ok<std::int64_t>(kEntityIds, lo) || entity_ids_[lo] != raw(id))
    return std::nullopt;
  return static_cast<std::uint32_t>(lo);
}

std::vector<std::uint8_t> Snapshot::mask(std::optional<std::int32_t> as_of,
                                         const std::vector<RelationKind>& kinds) const {
  std::array<bool, kRelationKindCount> wanted{};
  for (RelationKind k : kinds) wanted[static_cast<std::size_t>(k)] = true;
  const std::span<const SnapshotEdge> edges = this->edges();
  std::vector<std::uint8_t> m(edges.size(), 1);
  for (std::size_t i = 0; i < edges.size(); ++i) {
    const SnapshotEdge& e = edges[i];
    if (!kinds.empty() && !wanted[static_cast<std::size_t>(e.kind)]) m[i] = 0;
    if (as_of && e.start_first != kNoDay && e.start_first > *as_of) m[i] = 0;
    if (as_of && e.end_last != kNoDay && e.end_last < *as_of) m[i] = 0;
  }
  return m;
}

std::span<const SnapshotEdge> Snapshot::edges() const {
  if (!lazy_->trusted) std::call_once(lazy_->edges_once, [this] { lazy_->check_edges(); });
  return lazy_->edges;
}

SnapshotEdge Snapshot::edge(std::size_t id) const {
  if (lazy_->trusted) return lazy_->edges[id];
  const SnapshotEdge& e = lazy_->file_edges[id];
  if (lazy_->element_ok<SnapshotEdge>(kEdges, id) && edge_ok(e, num_nodes())) return e;
  note_damage();
  return repaired(e, num_nodes());
}

std::span<const SnapshotMove> Snapshot::moves() const {
  if (!lazy_->trusted) std::call_once(lazy_->moves_once, [this] { lazy_->check_moves(); });
  return lazy_->moves;
}

const Csr& Snapshot::affiliation() const {
  if (!lazy_->trusted) std::call_once(lazy_->csr_once, [this] { lazy_->check_csr(); });
  return lazy_->csr;
}

bool Snapshot::verify() const {
  if (lazy_->trusted) return true;
  edges();
  moves();
  affiliation();
  bool ok = true;
  for (Section s : {kEntityIds, kKinds, kCountries, kNameOffsets, kNameBlob, kTops}) ok &= lazy_->sum_ok(s);
  for (std::size_t v = 1; v < entity_ids_.size(); ++v) ok &= entity_ids_[v - 1] < entity_ids_[v];
  for (std::uint32_t v = 0; v < num_nodes(); ++v) {
    kind(v);
    name(v);
    top(v);
  }
  if (!ok) note_damage();
  return !damaged();
}

Snapshot Snapshot::build(Store& store) {
  Snapshot s;
  auto owned = std::make_shared<Owned>();
  Owned& o = *owned;
  Store::ReadTransaction read(store);
  s.generation_ = store.generation();
  s.store_id_ = store.store_id();
  s.write_id_ = store.write_id();
  // Arrays of the right size from the start: grown by doubling, the edges alone (200 MB at the
  // largest scale) would pass through 500 MB of address space and keep 330 MB of it. The largest
  // ids bound the counts (ids are never reused, so rarely far above them).
  const Store::NextIds next = store.next_ids();
  const auto entity_bound = static_cast<std::size_t>(std::max<std::int64_t>(0, next.entity - 1));
  const auto relation_bound = static_cast<std::size_t>(std::max<std::int64_t>(0, next.relation - 1));
  o.entity_ids.reserve(entity_bound);
  o.kinds.reserve(entity_bound);
  o.name_offsets.reserve(entity_bound + 1);
  o.countries.reserve(entity_bound);
  // Progress: entities, relations and careers are each read in id order; the ids bound them.
  const std::uint64_t max_entity = entity_bound, max_relation = relation_bound;
  ProgressStage stage("building the graph snapshot", 2 * max_entity + max_relation, "rows");
  std::uint64_t progress = 0;
  const auto reached = [&](std::uint64_t at) {
    if (at <= progress) return;
    progress = at;
    stage.at(at);
  };
  store.for_each_entity([&](const EntityRow& e) {
    reached(static_cast<std::uint64_t>(raw(e.id)));
    o.entity_ids.push_back(raw(e.id));
    o.kinds.push_back(static_cast<std::uint8_t>(e.kind));
    o.name_blob += e.name;
    o.name_offsets.push_back(o.name_blob.size());
    o.countries.push_back(e.country.size() == 2 ? static_cast<std::uint16_t>(
                                                      (static_cast<unsigned char>(e.country[0]) << 8) |
                                                      static_cast<unsigned char>(e.country[1]))
                                                : 0);
  });
  const auto n = static_cast<std::uint32_t>(o.entity_ids.size());
  auto node = [&](EntityId id) {  // foreign keys guarantee it is there
    auto it = std::ranges::lower_bound(o.entity_ids, raw(id));
    assert(it != o.entity_ids.end() && *it == raw(id));
    return static_cast<std::uint32_t>(it - o.entity_ids.begin());
  };
  std::vector<EdgeIn> arcs;
  arcs.reserve(relation_bound);
  o.edges.reserve(relation_bound);
  auto add = [&](const SnapshotEdge& e) {
    arcs.push_back({e.from, e.to, static_cast<std::uint32_t>(o.edges.size())});
    o.edges.push_back(e);
  };
  store.for_each_relation({}, [&](const RelationRow& r) {
    reached(max_entity + static_cast<std::uint64_t>(raw(r.id)));
    SnapshotEdge e;
    e.relation = raw(r.id);
    e.from = node(r.from);
    e.to = node(r.to);
    e.kind = r.kind;
    e.former = r.former ? 1 : 0;
    e.start_first = first_or_none(r.start);
    e.start_last = last_or_none(r.start);
    e.end_first = first_or_none(r.end);
    e.end_last = last_or_none(r.end);
    add(e);
    // "P left A for B" connects P to A as much as to B: an edge of its own, held until the move.
    if (r.kind == RelationKind::moved && r.left && *r.left != r.to) {
      SnapshotEdge l = e;
      l.to = node(*r.left);
      l.start_first = l.start_last = kNoDay;
      l.end_first = first_or_none(r.start);
      l.end_last = last_or_none(r.start);
      l.left = 1;
      add(l);
    }
  });
  Lazy& lazy = *s.lazy_;
  lazy.csr = Csr::build(n, arcs, Orientation::undirected);
  std::vector<EdgeIn>().swap(arcs);  // before the moves take their room
  // A person's moves are fewer than their employments: a bound when most people have one.
  std::size_t people = 0;
  for (const std::uint8_t k : o.kinds) people += k == static_cast<std::uint8_t>(NodeKind::person);
  o.moves.reserve(relation_bound > people ? relation_bound - people : 0);
  const OrgTree orgs = read_org_tree(store);
  if (!orgs.empty()) {
    o.top.resize(n);
    bool any = false;
    for (std::uint32_t v = 0; v < n; ++v) {
      o.top[v] = is_organisation(static_cast<NodeKind>(o.kinds[v])) ? node(orgs.top(EntityId{o.entity_ids[v]})) : v;
      any = any || o.top[v] != v;
    }
    if (!any) o.top.clear();
  }
  store.for_each_career(std::nullopt, [&](EntityId person, const std::vector<RelationRow>& career) {
    reached(max_entity + max_relation + static_cast<std::uint64_t>(raw(person)));
    auto place = [&](const std::optional<EntityId>& p) { return p ? node(*p) : kNoNode; };
    for (const Move& m : moves_of_career(person, career, &orgs))
      o.moves.push_back({node(m.person), node(m.from), node(m.to), first_or_none(m.date), last_or_none(m.date), m.basis,
                         place(m.from_location), place(m.to_location)});
  });
  s.entity_ids_ = o.entity_ids;
  s.kinds_ = o.kinds;
  s.name_offsets_ = o.name_offsets;
  s.name_blob_ = o.name_blob;
  s.countries_ = o.countries;
  s.top_ = o.top;
  s.edge_count_ = o.edges.size();
  lazy.edges = o.edges;
  lazy.moves = o.moves;
  s.keep_ = std::move(owned);
  return s;
}

Result<AtomicFile> Snapshot::write_pending(const std::string& path) const {
  const std::span<const SnapshotEdge> edges = this->edges();
  const std::span<const SnapshotMove> moves = this->moves();
  const Csr& g = affiliation();
  const std::string_view parts[kSectionCount] = {
      {reinterpret_cast<const char*>(entity_ids_.data()), entity_ids_.size_bytes()},
      {reinterpret_cast<const char*>(kinds_.data()), kinds_.size_bytes()},
      {reinterpret_cast<const char*>(countries_.data()), countries_.size_bytes()},
      {reinterpret_cast<const char*>(name_offsets_.data()), name_offsets_.size_bytes()},
      name_blob_,
      {},  // edges and moves: record by record, below
      {},
      {reinterpret_cast<const char*>(top_.data()), top_.size_bytes()},
      {reinterpret_cast<const char*>(g.out_offsets().data()), g.out_offsets().size_bytes()},
      {reinterpret_cast<const char*>(g.out_targets().data()), g.out_targets().size_bytes()},
      {reinterpret_cast<const char*>(g.out_ids().data()), g.out_ids().size_bytes()},
      {},  // the block sums, computed below
  };
  std::uint64_t counts[kSectionCount] = {entity_ids_.size(), kinds_.size(), countries_.size(), name_offsets_.size(),
                                         name_blob_.size(), edges.size(), moves.size(), top_.size(),
                                         g.out_offsets().size(), g.out_targets().size(), g.out_ids().size(), 0};
  std::uint64_t first_block[kSectionCount] = {};
  for (std::uint32_t s = 0; s < kBlockSums; ++s) {
    first_block[s] = counts[kBlockSums];
    counts[kBlockSums] += blocks_of(counts[s] * kElementSize[s]);
  }
  Header header{};
  std::memcpy(header.magic, kMagic, sizeof kMagic);
  header.version = kFormatVersion;
  header.sections = kSectionCount;
  header.generation = generation_;
  header.store_id = store_id_;
  std::memcpy(header.write_id, write_id_.data(), std::min(write_id_.size(), sizeof header.write_id));
  header.nodes = num_nodes();
  header.edges = edges.size();
  header.moves = moves.size();
  header.arcs = g.num_arcs();
  header.edge_id_bound = g.edge_id_bound();
  header.has_tops = top_.empty() ? 0 : 1;
  SectionEntry table[kSectionCount] = {};
  std::uint64_t at = kTableEnd;
  for (std::uint32_t s = 0; s < kSectionCount; ++s) {
    at = (at + kAlign - 1) / kAlign * kAlign;
    table[s] = {s, kElementSize[s], at, counts[s], first_block[s]};
    at += counts[s] * kElementSize[s];
  }
  header.file_size = at;
  // Written in pieces, never whole in memory: at the largest scale the file is 500 MB, beside the
  // snapshot's own arrays of as much (a query building it under a 1 GiB address-space limit ran
  // out). Each section's bytes come in pieces of a multiple of kBlock bytes (the last shorter), so
  // that a block never straddles two: one pass sums the blocks, a second writes the file.
  constexpr std::size_t kPiece = 16 * kBlock;
  std::string staging;
  auto section_bytes = [&](std::uint32_t s, const auto& sink) -> Result<void> {
    auto records = [&](const auto& values, const auto& put) -> Result<void> {
      using T = std::remove_cvref_t<decltype(values[0])>;
      staging.clear();
      for (const T& v : values) {
        const std::size_t at_end = staging.size();
        staging.resize(at_end + sizeof(T));
        put(staging.data() + at_end, v);
        if (staging.size() >= kPiece) {
          if (auto ok = sink(std::string_view(staging).substr(0, kPiece)); !ok) return ok;
          staging.erase(0, kPiece);
        }
      }
      if (!staging.empty()) return sink(std::string_view(staging));
      return {};
    };
    if (s == kEdges)
      return records(edges, [](char* out, const SnapshotEdge& e) {
        put_record(out, e, &SnapshotEdge::relation, &SnapshotEdge::from, &SnapshotEdge::to, &SnapshotEdge::kind,
                   &SnapshotEdge::former, &SnapshotEdge::start_first, &SnapshotEdge::end_last, &SnapshotEdge::start_last,
                   &SnapshotEdge::end_first, &SnapshotEdge::left);
      });
    if (s == kMoves)
      return records(moves, [](char* out, const SnapshotMove& m) {
        put_record(out, m, &SnapshotMove::person, &SnapshotMove::from, &SnapshotMove::to, &SnapshotMove::date_first,
                   &SnapshotMove::date_last, &SnapshotMove::basis, &SnapshotMove::from_place, &SnapshotMove::to_place);
      });
    for (std::size_t done = 0; done < parts[s].size(); done += kPiece)
      if (auto ok = sink(parts[s].substr(done, kPiece)); !ok) return ok;
    return {};
  };
  std::vector<std::uint64_t> sums(static_cast<std::size_t>(counts[kBlockSums]));
  for (std::uint32_t s = 0; s < kBlockSums; ++s) {
    std::uint64_t block = first_block[s];
    (void)section_bytes(s, [&](std::string_view piece) -> Result<void> {
      for (std::size_t b = 0; b < piece.size(); b += kBlock)
        sums[static_cast<std::size_t>(block++)] = binary::wide_checksum(piece.data() + b, std::min<std::size_t>(kBlock, piece.size() - b));
      return {};
    });
  }
  const std::string_view sum_bytes(reinterpret_cast<const char*>(sums.data()), sums.size() * 8);
  header.block_sums_checksum = binary::wide_checksum(sum_bytes.data(), sum_bytes.size());
  header.checksum = table_checksum(header, table);
  // Only the header and the arrays walked whole are checked when it is read, not every byte.
  auto file = AtomicFile::create(path);
  if (!file) return fail(file.error());
  std::uint64_t written = 0;
  auto put = [&](std::string_view bytes) -> Result<void> {
    written += bytes.size();
    return file->write(bytes);
  };
  const std::string zeros(kAlign, '\0');
  auto pad_to = [&](std::uint64_t offset) { return put(std::string_view(zeros).substr(0, static_cast<std::size_t>(offset - written))); };
  if (auto ok = put({reinterpret_cast<const char*>(&header), sizeof header}); !ok) return fail(ok.error());
  if (auto ok = put({reinterpret_cast<const char*>(table), sizeof table}); !ok) return fail(ok.error());
  for (std::uint32_t s = 0; s < kSectionCount; ++s) {
    if (auto ok = pad_to(table[s].offset); !ok) return fail(ok.error());
    if (s == kBlockSums) {
      if (auto ok = put(sum_bytes); !ok) return fail(ok.error());
    } else if (auto ok = section_bytes(s, put); !ok) {
      return fail(ok.error());
    }
  }
  return std::move(*file);
}

Result<void> Snapshot::write(const std::string& path) const {
  auto file = write_pending(path);
  if (!file) return fail(file.error());
  // Synced before the rename: after a crash the file is the old one or the new one whole.
  return file->commit(Sync::yes);
}

Result<Snapshot> Snapshot::read(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return fail(ErrorCode::io, fmt::format("{}: cannot read snapshot cache", path));
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return fail(ErrorCode::io, fmt::format("{}: cannot read snapshot cache", path));
  }
  auto corrupt = [&](std::string_view why) {
    return fail(ErrorCode::io, fmt::format("{}: damaged snapshot cache ({})", path, why));
  };
  const auto size = static_cast<std::uint64_t>(st.st_size);
  if (size < kTableEnd) {
    ::close(fd);
    return corrupt("not a talentgraph snapshot");
  }
  // Mapped, not read: a query reads only the pages it touches, straight from the page cache.
  // MAP_PRIVATE: a change to the file by another writer would not be seen after its pages are
  // read; files are only ever replaced (renamed over), never written in place.
  void* map = ::mmap(nullptr, static_cast<std::size_t>(size), PROT_READ, MAP_PRIVATE, fd, 0);
  ::close(fd);
  if (map == MAP_FAILED) return fail(ErrorCode::io, fmt::format("{}: cannot map snapshot cache", path));
  auto mapping = std::make_shared<const Mapping>(static_cast<const char*>(map), static_cast<std::size_t>(size));
  const char* base = mapping->data;

  Header h;
  std::memcpy(&h, base, sizeof h);
  SectionEntry table[kSectionCount];
  if (std::memcmp(h.magic, kMagic, sizeof kMagic) != 0) return corrupt("not a talentgraph snapshot");
  if (h.version != kFormatVersion) return corrupt("format version");
  std::memcpy(table, base + sizeof h, sizeof table);
  if (h.sections != kSectionCount || h.checksum != table_checksum(h, table)) return corrupt("header checksum");
  if (h.file_size != size) return corrupt("file size");
  // Every size is checked against the file before anything is read through it.
  for (std::uint32_t s = 0; s < kSectionCount; ++s) {
    const SectionEntry& e = table[s];
    if (e.id != s || e.element_size != kElementSize[s] || e.offset % kAlign != 0 || e.offset < kTableEnd ||
        e.offset > size || e.count > (size - e.offset) / e.element_size)
      return corrupt(fmt::format("section {}", s));
  }
  const std::uint64_t n = h.nodes;
  if (n >= kNoNode || (n == 0 && h.edges != 0) || h.edge_id_bound > h.edges || h.arcs > 2 * h.edges)
    return corrupt("header counts");
  std::uint64_t expected[kSectionCount] = {n, n, n, n + 1, table[kNameBlob].count, h.edges, h.moves,
                                           h.has_tops ? n : 0, n + 1, h.arcs, h.arcs, 0};
  for (std::uint32_t s = 0; s < kBlockSums; ++s) {
    if (table[s].first_block != expected[kBlockSums]) return corrupt(fmt::format("section {} blocks", s));
    expected[kBlockSums] += blocks_of(table[s].count * kElementSize[s]);
  }
  for (std::uint32_t s = 0; s < kSectionCount; ++s)
    if (table[s].count != expected[s]) return corrupt(fmt::format("section {} size", s));
  const char* sums = base + table[kBlockSums].offset;
  if (binary::wide_checksum(sums, table[kBlockSums].count * 8) != h.block_sums_checksum) return corrupt("block sums");

  auto array = [&]<typename T>(Section s, const T*) {
    return std::span<const T>(reinterpret_cast<const T*>(base + table[s].offset), static_cast<std::size_t>(table[s].count));
  };
  Snapshot snap;
  snap.generation_ = h.generation;
  snap.store_id_ = h.store_id;
  snap.write_id_.assign(h.write_id, sizeof h.write_id);
  if (snap.write_id_ == std::string(sizeof h.write_id, '\0')) snap.write_id_.clear();
  snap.mapped_ = true;
  snap.entity_ids_ = array(kEntityIds, static_cast<const std::int64_t*>(nullptr));
  snap.kinds_ = array(kKinds, static_cast<const std::uint8_t*>(nullptr));
  snap.countries_ = array(kCountries, static_cast<const std::uint16_t*>(nullptr));
  snap.name_offsets_ = array(kNameOffsets, static_cast<const std::uint64_t*>(nullptr));
  snap.name_blob_ = std::string_view(base + table[kNameBlob].offset, static_cast<std::size_t>(table[kNameBlob].count));
  snap.top_ = array(kTops, static_cast<const std::uint32_t*>(nullptr));
  snap.edge_count_ = h.edges;
  Lazy& lazy = *snap.lazy_;
  lazy.trusted = false;
  lazy.nodes = n;
  lazy.edge_id_bound = h.edge_id_bound;
  lazy.keep = mapping;
  lazy.file_edges = array(kEdges, static_cast<const SnapshotEdge*>(nullptr));
  lazy.file_moves = array(kMoves, static_cast<const SnapshotMove*>(nullptr));
  lazy.csr_offsets = array(kCsrOffsets, static_cast<const std::uint64_t*>(nullptr));
  lazy.csr_targets = array(kCsrTargets, static_cast<const std::uint32_t*>(nullptr));
  lazy.csr_ids = array(kCsrIds, static_cast<const std::uint32_t*>(nullptr));
  for (std::uint32_t s = 0; s < kSectionCount; ++s) {
    lazy.section[s] = std::string_view(base + table[s].offset, static_cast<std::size_t>(table[s].count * kElementSize[s]));
    lazy.first_block[s] = table[s].first_block;
  }
  lazy.block_sums = array(kBlockSums, static_cast<const std::uint64_t*>(nullptr));
  lazy.block_state = std::make_unique<std::atomic<std::uint8_t>[]>(lazy.block_sums.size());
  snap.keep_ = std::move(mapping);
  return snap;
}

std::string cache_path(const Store& store) { return store.path() + ".tgsnap"; }

void remove_cache(const Store& store) {
  std::error_code ec;
  std::filesystem::remove(cache_path(store), ec);
}

namespace {

// Snapshot::load's builders' lock (see there).
class BuilderLock {
 public:
  explicit BuilderLock(const std::string& path) : fd_(::open(path.c_str(), O_RDWR | O_CLOEXEC | O_NOFOLLOW)) {
    if (fd_ < 0) return;
    struct flock range {};
    range.l_type = F_WRLCK;
    range.l_whence = SEEK_SET;
    range.l_start = std::int64_t{1} << 40;
    range.l_len = 1;
    int rc = 0;
    while ((rc = ::fcntl(fd_, F_OFD_SETLKW, &range)) != 0 && errno == EINTR) {
    }
    if (rc != 0) {
      ::close(fd_);
      fd_ = -1;
    }
  }
  BuilderLock(const BuilderLock&) = delete;
  BuilderLock& operator=(const BuilderLock&) = delete;
  ~BuilderLock() {
    if (fd_ >= 0) ::close(fd_);  // closing the last descriptor of the description drops the lock
  }
  bool held() const { return fd_ >= 0; }

 private:
  int fd_ = -1;
};

}  // namespace

std::optional<Snapshot> Snapshot::cached(Store& store, const std::string& cache_path) {
  // Read now, not by the caller before: a writer may have committed (and put its cache in place)
  // while the caller waited for the builders' lock.
  const std::int64_t generation = store.generation(), id = store.store_id();
  const std::string write_id = store.write_id();
  std::error_code ec;
  if (!std::filesystem::exists(cache_path, ec)) return std::nullopt;
  auto c = read(cache_path);
  // The write id tells apart two stores of one id and generation (a copy restored, then written
  // otherwise): a store without one (there is none before schema v8) never takes a cache.
  if (c && c->generation() == generation && c->store_id() == id && !write_id.empty() && c->write_id() == write_id)
    return std::move(*c);
  return std::nullopt;
}

Result<Snapshot> Snapshot::load(Store& store, const std::string& cache_path, bool* rebuilt) {
  if (auto c = cached(store, cache_path)) {
    if (rebuilt) *rebuilt = false;
    return std::move(*c);
  }
  // One builder at a time: readers that meet a new generation together wait for the first one's
  // cache instead of each building the same snapshot at once (four readers at the M scale took
  // 17 s each so, against 10 s for one, and four times the memory). The lock is an OFD record
  // lock on the writers' lock file DB.lock, far past its text: it neither meets the writers' flock
  // of that file nor SQLite's locks, and the kernel drops it with its holder. No DB.lock (a store
  // no writer has opened) or none we may write: no lock, as before. A writer that commits with
  // commit_keeping_cache holds it from before its commit until its cache is in place.
  BuilderLock lock(WriterLock::lock_path(store.path()));
  if (lock.held()) {
    if (auto c = cached(store, cache_path)) {
      if (rebuilt) *rebuilt = false;
      return std::move(*c);
    }
  }
  Snapshot s = build(store);
  if (rebuilt) *rebuilt = true;
  // A cache that cannot be written (a read-only folder or store) costs speed, not correctness:
  // the snapshot is used from memory, silently.
  (void)s.write(cache_path);
  return s;
}

void commit_keeping_cache(Store& store, Store::Transaction& tx) {
  const std::string path = cache_path(store);
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) {
    tx.commit();
    return;
  }
  std::optional<BuilderLock> lock;
  std::optional<AtomicFile> pending;
  tx.commit([&] {
    // Inside the transaction, after the generation and write id moved on: the snapshot is of what
    // is being committed, stamped as the store will be. Any failure only leaves the cache stale.
    try {
      Snapshot next = Snapshot::build(store);
      auto file = next.write_pending(path);
      if (!file || !file->sync()) return;  // synced now: the rename below must keep readers waiting little
      pending.emplace(std::move(*file));
      lock.emplace(WriterLock::lock_path(store.path()));
    } catch (const StoreError&) {
      pending.reset();
    }
  });
  // Committed: the new generation's cache goes in place before a waiting reader may look, whole
  // on disk first (a reader checks only the blocks it reads: a torn cache must never bear the name).
  if (pending) (void)pending->commit(Sync::yes);
}

}  // namespace tg::graph
