#include "graph/snapshot.h"

#include <algorithm>
#include <cassert>
#include <cstring>
#include <filesystem>
#include <functional>
#include <memory>
#include <type_traits>

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

#include "graph/binary.h"
#include "graph/files.h"

namespace tg::graph {
namespace {

constexpr char kMagic[8] = {'T', 'G', 'S', 'N', 'A', 'P', '\x01', '\0'};
// 2: the checksum is binary::checksum (graph/binary.h). 3: both bounds of each edge date, the
// `left` edges of moved relations, and the part_of tops. 4: the places of work of each move.
// A cache of another version is rebuilt.
constexpr std::uint32_t kFormatVersion = 4;

std::int32_t first_or_none(const PartialDate& d) { return d.known() ? d.first_day() : kNoDay; }
std::int32_t last_or_none(const PartialDate& d) { return d.known() ? d.last_day() : kNoDay; }

}  // namespace

std::string Snapshot::country(std::uint32_t node) const {
  const std::uint16_t c = countries_[node];
  if (!c) return {};
  return {static_cast<char>(c >> 8), static_cast<char>(c & 0xff)};
}

std::optional<std::uint32_t> Snapshot::node_of(EntityId id) const {
  auto it = std::ranges::lower_bound(entity_ids_, raw(id));
  if (it == entity_ids_.end() || *it != raw(id)) return std::nullopt;
  return static_cast<std::uint32_t>(it - entity_ids_.begin());
}

std::vector<std::uint8_t> Snapshot::mask(std::optional<std::int32_t> as_of,
                                         const std::vector<RelationKind>& kinds) const {
  std::array<bool, kRelationKindCount> wanted{};
  for (RelationKind k : kinds) wanted[static_cast<std::size_t>(k)] = true;
  std::vector<std::uint8_t> m(edges_.size(), 1);
  for (std::size_t i = 0; i < edges_.size(); ++i) {
    const SnapshotEdge& e = edges_[i];
    if (!kinds.empty() && !wanted[static_cast<std::size_t>(e.kind)]) m[i] = 0;
    if (as_of && e.start_first != kNoDay && e.start_first > *as_of) m[i] = 0;
    if (as_of && e.end_last != kNoDay && e.end_last < *as_of) m[i] = 0;
  }
  return m;
}

Snapshot Snapshot::build(Store& store) {
  Snapshot s;
  Store::ReadTransaction read(store);
  s.generation_ = store.generation();
  s.store_id_ = store.store_id();
  store.for_each_entity([&](const EntityRow& e) {
    s.entity_ids_.push_back(raw(e.id));
    s.kinds_.push_back(e.kind);
    s.names_.push_back(e.name);
    s.countries_.push_back(e.country.size() == 2 ? static_cast<std::uint16_t>(
                                                       (static_cast<unsigned char>(e.country[0]) << 8) |
                                                       static_cast<unsigned char>(e.country[1]))
                                                 : 0);
  });
  auto node = [&](EntityId id) { return s.node_of(id).value(); };  // foreign keys guarantee it
  std::vector<EdgeIn> arcs;
  auto add = [&](const SnapshotEdge& e) {
    arcs.push_back({e.from, e.to, static_cast<std::uint32_t>(s.edges_.size())});
    s.edges_.push_back(e);
  };
  store.for_each_relation({}, [&](const RelationRow& r) {
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
  s.affiliation_ = Csr::build(s.num_nodes(), arcs, Orientation::undirected);
  const OrgTree orgs = read_org_tree(store);
  if (!orgs.empty()) {
    s.top_.resize(s.num_nodes());
    bool any = false;
    for (std::uint32_t v = 0; v < s.num_nodes(); ++v) {
      s.top_[v] = is_organisation(s.kinds_[v]) ? node(orgs.top(s.entity(v))) : v;
      any = any || s.top_[v] != v;
    }
    if (!any) s.top_.clear();
  }
  store.for_each_career(std::nullopt, [&](EntityId person, const std::vector<RelationRow>& career) {
    auto place = [&](const std::optional<EntityId>& p) { return p ? node(*p) : kNoNode; };
    for (const Move& m : moves_of_career(person, career, &orgs))
      s.moves_.push_back({node(m.person), node(m.from), node(m.to), first_or_none(m.date), last_or_none(m.date), m.basis,
                          place(m.from_location), place(m.to_location)});
  });
  return s;
}

Result<void> Snapshot::write(const std::string& path) const {
  std::vector<std::uint64_t> offsets{0};
  std::string blob;
  for (const auto& n : names_) {
    blob += n;
    offsets.push_back(blob.size());
  }
  // The part_of tops, as (organisation, top) pairs of the organisations that have a parent.
  std::vector<std::uint32_t> folded, tops;
  for (std::uint32_t v = 0; v < top_.size(); ++v)
    if (top_[v] != v) {
      folded.push_back(v);
      tops.push_back(top_[v]);
    }
  // The file's size, reserved at once: at the largest scale the buffer is hundreds of megabytes.
  const std::size_t size = sizeof kMagic + 4 + 6 * 8 + entity_ids_.size() * (8 + 1 + 2) + offsets.size() * 8 +
                           blob.size() + edges_.size() * (8 + 4 + 4 + 1 + 1 + 4 * 4 + 1) + moves_.size() * (3 * 4 + 2 * 4 + 1 + 2 * 4) +
                           folded.size() * 8 +
                           /* the graph */ 8 + 24 + (std::size_t{affiliation_.num_nodes()} + 1) * 8 +
                           affiliation_.num_arcs() * 8 + 8 + /* the checksum */ 8;
  binary::Writer w;
  w.reserve(size);
  w.raw(std::string_view(kMagic, sizeof kMagic));
  w.put(kFormatVersion);
  w.put(generation_);
  w.put(store_id_);
  w.put(static_cast<std::uint64_t>(entity_ids_.size()));
  w.put(static_cast<std::uint64_t>(edges_.size()));
  w.put(static_cast<std::uint64_t>(moves_.size()));
  w.put(static_cast<std::uint64_t>(folded.size()));
  w.put_array(entity_ids_);
  std::vector<std::uint8_t> kinds;
  for (NodeKind k : kinds_) kinds.push_back(static_cast<std::uint8_t>(k));
  w.put_array(kinds);
  w.put_array(countries_);
  w.put_array(offsets);
  w.raw(blob);
  // Edges and moves as one array per field: read back with a copy each.
  auto column = [&](const auto& rows, auto field) {
    using T = std::remove_cvref_t<decltype(field(rows.front()))>;
    std::vector<T> values;
    values.reserve(rows.size());
    for (const auto& r : rows) values.push_back(field(r));
    w.put_array(values);
  };
  if (!edges_.empty()) {
    column(edges_, [](const SnapshotEdge& e) { return e.relation; });
    column(edges_, [](const SnapshotEdge& e) { return e.from; });
    column(edges_, [](const SnapshotEdge& e) { return e.to; });
    column(edges_, [](const SnapshotEdge& e) { return static_cast<std::uint8_t>(e.kind); });
    column(edges_, [](const SnapshotEdge& e) { return e.former; });
    column(edges_, [](const SnapshotEdge& e) { return e.start_first; });
    column(edges_, [](const SnapshotEdge& e) { return e.end_last; });
    column(edges_, [](const SnapshotEdge& e) { return e.start_last; });
    column(edges_, [](const SnapshotEdge& e) { return e.end_first; });
    column(edges_, [](const SnapshotEdge& e) { return e.left; });
  }
  if (!moves_.empty()) {
    column(moves_, [](const SnapshotMove& m) { return m.person; });
    column(moves_, [](const SnapshotMove& m) { return m.from; });
    column(moves_, [](const SnapshotMove& m) { return m.to; });
    column(moves_, [](const SnapshotMove& m) { return m.date_first; });
    column(moves_, [](const SnapshotMove& m) { return m.date_last; });
    column(moves_, [](const SnapshotMove& m) { return static_cast<std::uint8_t>(m.basis); });
    column(moves_, [](const SnapshotMove& m) { return m.from_place; });
    column(moves_, [](const SnapshotMove& m) { return m.to_place; });
  }
  if (!folded.empty()) {
    w.put_array(folded);
    w.put_array(tops);
  }
  affiliation_.write(w);
  w.put(binary::checksum(w.bytes()));
  assert(w.size() == size);
  // Not synced: a cache torn by a crash fails its checksum and is rebuilt.
  return write_file_atomic(path, w.bytes(), Sync::no);
}

Result<Snapshot> Snapshot::read(const std::string& path) {
  // Mapped, not read: the bytes come straight from the page cache, with no copy to fault in.
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return fail(ErrorCode::io, fmt::format("{}: cannot read snapshot cache", path));
  struct stat st {};
  if (::fstat(fd, &st) != 0 || st.st_size <= 0) {
    ::close(fd);
    return fail(ErrorCode::io, fmt::format("{}: cannot read snapshot cache", path));
  }
  const auto size = static_cast<std::size_t>(st.st_size);
  void* map = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
  ::close(fd);
  if (map == MAP_FAILED) return fail(ErrorCode::io, fmt::format("{}: cannot map snapshot cache", path));
  const std::unique_ptr<void, std::function<void(void*)>> unmap(map, [size](void* p) { ::munmap(p, size); });
  ::madvise(map, size, MADV_SEQUENTIAL);
  const std::string_view bytes(static_cast<const char*>(map), size);
  auto corrupt = [&](std::string_view why) {
    return fail(ErrorCode::io, fmt::format("{}: damaged snapshot cache ({})", path, why));
  };
  if (bytes.size() < sizeof kMagic + 8 || std::memcmp(bytes.data(), kMagic, sizeof kMagic) != 0)
    return corrupt("not a talentgraph snapshot");
  std::uint64_t stored_sum;
  std::memcpy(&stored_sum, bytes.data() + bytes.size() - 8, 8);
  const std::string_view body(bytes.data(), bytes.size() - 8);
  if (binary::checksum(body) != stored_sum) return corrupt("checksum mismatch");

  binary::Reader r(body.substr(sizeof kMagic));
  Snapshot s;
  std::uint32_t version = 0;
  if (!r.get(version) || version != kFormatVersion) return corrupt("format version");
  std::uint64_t n = 0, ne = 0, nm = 0, nt = 0;
  if (!(r.get(s.generation_) && r.get(s.store_id_) && r.get(n) && r.get(ne) && r.get(nm) && r.get(nt)) || nt > n ||
      n >= std::numeric_limits<std::uint32_t>::max())
    return corrupt("header");
  std::vector<std::uint8_t> kinds;
  std::vector<std::uint64_t> offsets;
  std::string_view blob;
  if (!(r.get_array(n, s.entity_ids_) && r.get_array(n, kinds) && r.get_array(n, s.countries_) &&
        r.get_array(n + 1, offsets)) ||
      offsets.front() != 0 || !r.get_bytes(offsets.back(), blob))
    return corrupt("names");
  for (std::size_t i = 0; i < n; ++i) {
    if (offsets[i] > offsets[i + 1]) return corrupt("name offsets");
    s.names_.emplace_back(blob.substr(offsets[i], offsets[i + 1] - offsets[i]));
  }
  for (std::size_t i = 0; i < n; ++i) {
    if (kinds[i] >= kNodeKindCount) return corrupt("node kind");
    if (i && s.entity_ids_[i] <= s.entity_ids_[i - 1]) return corrupt("entity order");
    s.kinds_.push_back(static_cast<NodeKind>(kinds[i]));
  }
  {
    std::vector<std::int64_t> relation;
    std::vector<std::uint32_t> from, to;
    std::vector<std::uint8_t> kind, former;
    std::vector<std::int32_t> start, end, start_last, end_first;
    std::vector<std::uint8_t> left;
    if (!(r.get_array(ne, relation) && r.get_array(ne, from) && r.get_array(ne, to) && r.get_array(ne, kind) &&
          r.get_array(ne, former) && r.get_array(ne, start) && r.get_array(ne, end) && r.get_array(ne, start_last) &&
          r.get_array(ne, end_first) && r.get_array(ne, left)))
      return corrupt("truncated edges");
    s.edges_.resize(static_cast<std::size_t>(ne));
    for (std::size_t i = 0; i < ne; ++i) {
      if (from[i] >= n || to[i] >= n || kind[i] >= kRelationKindCount || left[i] > 1) return corrupt("edge");
      s.edges_[i] = {relation[i], from[i], to[i], static_cast<RelationKind>(kind[i]), former[i], start[i], end[i],
                     start_last[i], end_first[i], left[i]};
    }
  }
  {
    std::vector<std::uint32_t> person, from, to, from_place, to_place;
    std::vector<std::int32_t> first, last;
    std::vector<std::uint8_t> basis;
    if (!(r.get_array(nm, person) && r.get_array(nm, from) && r.get_array(nm, to) && r.get_array(nm, first) &&
          r.get_array(nm, last) && r.get_array(nm, basis) && r.get_array(nm, from_place) && r.get_array(nm, to_place)))
      return corrupt("truncated moves");
    s.moves_.resize(static_cast<std::size_t>(nm));
    auto place_ok = [&](std::uint32_t p) { return p == kNoNode || p < n; };
    for (std::size_t i = 0; i < nm; ++i) {
      if (person[i] >= n || from[i] >= n || to[i] >= n || basis[i] >= kMoveBasisCount || !place_ok(from_place[i]) ||
          !place_ok(to_place[i]))
        return corrupt("move");
      s.moves_[i] = {person[i], from[i], to[i], first[i], last[i], static_cast<MoveBasis>(basis[i]), from_place[i],
                     to_place[i]};
    }
  }
  if (nt) {
    std::vector<std::uint32_t> folded, tops;
    if (!(r.get_array(nt, folded) && r.get_array(nt, tops))) return corrupt("truncated part_of tops");
    s.top_.resize(static_cast<std::size_t>(n));
    for (std::uint32_t v = 0; v < n; ++v) s.top_[v] = v;
    for (std::size_t i = 0; i < nt; ++i) {
      if (folded[i] >= n || tops[i] >= n) return corrupt("part_of top");
      s.top_[folded[i]] = tops[i];
    }
  }
  auto g = Csr::read(r, path);
  if (!g) return std::unexpected(g.error());
  if (r.remaining() != 0) return corrupt("bytes after the graph");
  if (g->num_nodes() != n || g->edge_id_bound() > ne || g->orientation() != Orientation::undirected)
    return corrupt("graph does not match its nodes and edges");
  s.affiliation_ = std::move(*g);
  return s;
}

std::string cache_path(const Store& store) { return store.path() + ".tgsnap"; }

void remove_cache(const Store& store) {
  std::error_code ec;
  std::filesystem::remove(cache_path(store), ec);
}

Result<Snapshot> Snapshot::load(Store& store, const std::string& cache_path, bool* rebuilt) {
  const std::int64_t generation = store.generation(), id = store.store_id();
  std::error_code ec;
  if (std::filesystem::exists(cache_path, ec)) {
    auto cached = read(cache_path);
    if (cached && cached->generation() == generation && cached->store_id() == id) {
      if (rebuilt) *rebuilt = false;
      return cached;
    }
  }
  Snapshot s = build(store);
  if (rebuilt) *rebuilt = true;
  // A cache that cannot be written (read-only folder) costs speed, not correctness.
  (void)s.write(cache_path);
  return s;
}

}  // namespace tg::graph
