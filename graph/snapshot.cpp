#include "graph/snapshot.h"

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <spanstream>
#include <sstream>
#include <type_traits>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <memory>

#include <fmt/format.h>

namespace tg::graph {
namespace {

constexpr char kMagic[8] = {'T', 'G', 'S', 'N', 'A', 'P', '\x01', '\0'};
constexpr std::uint32_t kFormatVersion = 1;

// A checksum that reads eight bytes a step (FNV-1a over words, then the tail bytes): it only
// has to catch damage, and a snapshot is hundreds of megabytes at the largest scale.
std::uint64_t checksum(std::string_view bytes) {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  std::size_t i = 0;
  for (; i + 8 <= bytes.size(); i += 8) {
    std::uint64_t w;
    std::memcpy(&w, bytes.data() + i, 8);
    h = (h ^ w) * 0x100000001b3ULL;
    h ^= h >> 29;
  }
  for (; i < bytes.size(); ++i) h = (h ^ static_cast<unsigned char>(bytes[i])) * 0x100000001b3ULL;
  return h;
}

// Appends plain values and arrays to a byte buffer.
struct Writer {
  std::string out;
  template <typename T>
  void put(const T& v) {
    out.append(reinterpret_cast<const char*>(&v), sizeof v);
  }
  template <typename T>
  void put_array(const std::vector<T>& v) {
    out.append(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(T));
  }
};

// Reads them back, failing (never reading past the end) on a short file.
struct Reader {
  std::string_view in;
  std::size_t pos = 0;
  bool ok = true;
  template <typename T>
  T get() {
    T v{};
    if (pos + sizeof v > in.size()) {
      ok = false;
      return v;
    }
    std::memcpy(&v, in.data() + pos, sizeof v);
    pos += sizeof v;
    return v;
  }
  template <typename T>
  std::vector<T> get_array(std::uint64_t n) {
    if (n > (in.size() - pos) / sizeof(T)) {
      ok = false;
      return {};
    }
    std::vector<T> v(static_cast<std::size_t>(n));
    std::memcpy(v.data(), in.data() + pos, static_cast<std::size_t>(n) * sizeof(T));
    pos += static_cast<std::size_t>(n) * sizeof(T);
    return v;
  }
};

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
  store.for_each_relation({}, [&](const RelationRow& r) {
    SnapshotEdge e;
    e.relation = raw(r.id);
    e.from = node(r.from);
    e.to = node(r.to);
    e.kind = r.kind;
    e.former = r.former ? 1 : 0;
    e.start_first = first_or_none(r.start);
    e.end_last = last_or_none(r.end);
    arcs.push_back({e.from, e.to, static_cast<std::uint32_t>(s.edges_.size())});
    s.edges_.push_back(e);
  });
  s.affiliation_ = Csr::build(s.num_nodes(), arcs, Orientation::undirected);
  store.for_each_career(std::nullopt, [&](EntityId person, const std::vector<RelationRow>& career) {
    for (const Move& m : moves_of_career(person, career))
      s.moves_.push_back({node(m.person), node(m.from), node(m.to), first_or_none(m.date), last_or_none(m.date), m.basis});
  });
  return s;
}

Result<void> Snapshot::write(const std::string& path) const {
  Writer w;
  w.out.append(kMagic, sizeof kMagic);
  w.put(kFormatVersion);
  w.put(generation_);
  w.put(store_id_);
  w.put(static_cast<std::uint64_t>(entity_ids_.size()));
  w.put(static_cast<std::uint64_t>(edges_.size()));
  w.put(static_cast<std::uint64_t>(moves_.size()));
  w.put_array(entity_ids_);
  std::vector<std::uint8_t> kinds;
  for (NodeKind k : kinds_) kinds.push_back(static_cast<std::uint8_t>(k));
  w.put_array(kinds);
  w.put_array(countries_);
  std::vector<std::uint64_t> offsets{0};
  std::string blob;
  for (const auto& n : names_) {
    blob += n;
    offsets.push_back(blob.size());
  }
  w.put_array(offsets);
  w.out += blob;
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
  }
  if (!moves_.empty()) {
    column(moves_, [](const SnapshotMove& m) { return m.person; });
    column(moves_, [](const SnapshotMove& m) { return m.from; });
    column(moves_, [](const SnapshotMove& m) { return m.to; });
    column(moves_, [](const SnapshotMove& m) { return m.date_first; });
    column(moves_, [](const SnapshotMove& m) { return m.date_last; });
    column(moves_, [](const SnapshotMove& m) { return static_cast<std::uint8_t>(m.basis); });
  }
  std::ostringstream csr;
  if (auto r = affiliation_.write(csr); !r) return r;
  w.out += csr.str();
  w.put(checksum(w.out));

  // Write beside the target and rename over it: readers see the old file or the new one.
  const std::string tmp = fmt::format("{}.tmp.{}", path, ::getpid());
  {
    std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
    f.write(w.out.data(), static_cast<std::streamsize>(w.out.size()));
    if (!f.flush()) {
      std::filesystem::remove(tmp);
      return fail(ErrorCode::io, fmt::format("{}: cannot write snapshot cache", tmp));
    }
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) {
    std::filesystem::remove(tmp, ec);
    return fail(ErrorCode::io, fmt::format("{}: cannot write snapshot cache: {}", path, ec.message()));
  }
  return {};
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
  if (checksum(body) != stored_sum) return corrupt("checksum mismatch");

  Reader r{body, sizeof kMagic};
  Snapshot s;
  if (r.get<std::uint32_t>() != kFormatVersion) return corrupt("format version");
  s.generation_ = r.get<std::int64_t>();
  s.store_id_ = r.get<std::int64_t>();
  const auto n = r.get<std::uint64_t>(), ne = r.get<std::uint64_t>(), nm = r.get<std::uint64_t>();
  if (!r.ok || n >= std::numeric_limits<std::uint32_t>::max()) return corrupt("header");
  s.entity_ids_ = r.get_array<std::int64_t>(n);
  auto kinds = r.get_array<std::uint8_t>(n);
  s.countries_ = r.get_array<std::uint16_t>(n);
  auto offsets = r.get_array<std::uint64_t>(n + 1);
  if (!r.ok || offsets.front() != 0) return corrupt("names");
  const std::uint64_t blob_size = offsets.back();
  if (blob_size > body.size() - r.pos) return corrupt("names");
  for (std::size_t i = 0; i < n; ++i) {
    if (offsets[i] > offsets[i + 1] || offsets[i + 1] > blob_size) return corrupt("name offsets");
    s.names_.emplace_back(body.substr(r.pos + offsets[i], offsets[i + 1] - offsets[i]));
  }
  r.pos += blob_size;
  for (std::size_t i = 0; i < n; ++i) {
    if (kinds[i] >= kNodeKindCount) return corrupt("node kind");
    if (i && s.entity_ids_[i] <= s.entity_ids_[i - 1]) return corrupt("entity order");
    s.kinds_.push_back(static_cast<NodeKind>(kinds[i]));
  }
  {
    const auto relation = r.get_array<std::int64_t>(ne);
    const auto from = r.get_array<std::uint32_t>(ne), to = r.get_array<std::uint32_t>(ne);
    const auto kind = r.get_array<std::uint8_t>(ne), former = r.get_array<std::uint8_t>(ne);
    const auto start = r.get_array<std::int32_t>(ne), end = r.get_array<std::int32_t>(ne);
    if (!r.ok) return corrupt("truncated edges");
    s.edges_.resize(static_cast<std::size_t>(ne));
    for (std::size_t i = 0; i < ne; ++i) {
      if (from[i] >= n || to[i] >= n || kind[i] >= kRelationKindCount) return corrupt("edge");
      s.edges_[i] = {relation[i], from[i], to[i], static_cast<RelationKind>(kind[i]), former[i], start[i], end[i]};
    }
  }
  {
    const auto person = r.get_array<std::uint32_t>(nm), from = r.get_array<std::uint32_t>(nm);
    const auto to = r.get_array<std::uint32_t>(nm);
    const auto first = r.get_array<std::int32_t>(nm), last = r.get_array<std::int32_t>(nm);
    const auto basis = r.get_array<std::uint8_t>(nm);
    if (!r.ok) return corrupt("truncated moves");
    s.moves_.resize(static_cast<std::size_t>(nm));
    for (std::size_t i = 0; i < nm; ++i) {
      if (person[i] >= n || from[i] >= n || to[i] >= n || basis[i] >= kMoveBasisCount) return corrupt("move");
      s.moves_[i] = {person[i], from[i], to[i], first[i], last[i], static_cast<MoveBasis>(basis[i])};
    }
  }
  if (!r.ok) return corrupt("truncated");
  std::ispanstream csr(std::span<const char>(body.data() + r.pos, body.size() - r.pos));
  auto g = Csr::read(csr, path);
  if (!g) return std::unexpected(g.error());
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
