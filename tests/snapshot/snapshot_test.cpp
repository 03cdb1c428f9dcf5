// The snapshot: built from the store, cached beside it, never trusted when stale or damaged.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <tuple>

#include <fmt/format.h>

#include "graph/binary.h"
#include "graph/files.h"
#include "graph/snapshot.h"
#include "ingest/ingest.h"
#include "queries/entities.h"
#include "queries/network.h"
#include "tests/support/scratch.h"
#include "tests/support/store_builder.h"

namespace tg {
namespace {

namespace fs = std::filesystem;

// A store in a scratch folder, with `input` ingested.
struct ScratchDirStore {
  explicit ScratchDirStore(const std::string& input) : store(test_support::must_open(dir.file("w.db"))) {
    auto r = ingest::ingest(store, {input}, {});
    EXPECT_TRUE(r) << (r ? "" : r.error().message);
  }
  test_support::ScratchDir dir;
  Store store;
};

class SnapshotTest : public ::testing::Test {
 protected:
  Store open_fixture() {
    Store store = test_support::must_open(db_);
    auto r = ingest::ingest(store, {std::string(TG_SOURCE_DIR) + "/tests/fixtures/small"}, {});
    EXPECT_TRUE(r) << (r ? "" : r.error().message);
    return store;
  }

  // Loads the snapshot through its cache, which must be rebuilt from the store.
  static void expect_rebuilt(Store& store) {
    bool rebuilt = false;
    auto snap = queries::load_snapshot(store, &rebuilt);
    ASSERT_TRUE(snap) << snap.error().message;
    EXPECT_TRUE(rebuilt);
    EXPECT_EQ(snap->num_nodes(), store.stats().entities);
  }

  test_support::ScratchDir dir_;
  std::string db_ = dir_.file("t.db");
};

TEST_F(SnapshotTest, HoldsEveryEntityAndRelationOfTheStore) {
  Store store = open_fixture();
  auto snap = graph::Snapshot::build(store);
  const Stats stats = store.stats();
  EXPECT_EQ(snap.num_nodes(), stats.entities);
  // One edge per relation, and one more for the organisation Alice Chen's `moved` left.
  EXPECT_EQ(snap.edges().size(), static_cast<std::size_t>(stats.relations) + 1);
  EXPECT_EQ(std::ranges::count_if(snap.edges(), [](const graph::SnapshotEdge& e) { return e.left != 0; }), 1);
  EXPECT_EQ(snap.affiliation().num_arcs(), 2 * snap.edges().size());  // undirected, no self loops here
  EXPECT_EQ(snap.moves().size(), 7u);  // tests/fixtures/small/README.md lists seven moves
  store.for_each_entity([&](const EntityRow& e) {
    auto node = snap.node_of(e.id);
    ASSERT_TRUE(node);
    EXPECT_EQ(snap.name(*node), e.name);
    EXPECT_EQ(snap.kind(*node), e.kind);
    EXPECT_EQ(snap.country(*node), e.country);
  });
  EXPECT_FALSE(snap.node_of(EntityId{999999}));
}

TEST_F(SnapshotTest, WritesAndReadsBackTheSameSnapshot) {
  Store store = open_fixture();
  auto snap = graph::Snapshot::build(store);
  const std::string path = dir_.file("copy.tgsnap");
  ASSERT_TRUE(snap.write(path));
  auto back = graph::Snapshot::read(path);
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(back->generation(), snap.generation());
  EXPECT_EQ(back->store_id(), snap.store_id());
  ASSERT_EQ(back->num_nodes(), snap.num_nodes());
  for (std::uint32_t v = 0; v < snap.num_nodes(); ++v) {
    EXPECT_EQ(back->entity(v), snap.entity(v));
    EXPECT_EQ(back->name(v), snap.name(v));
    EXPECT_EQ(back->country(v), snap.country(v));
  }
  ASSERT_EQ(back->edges().size(), snap.edges().size());
  for (std::size_t i = 0; i < snap.edges().size(); ++i) {
    EXPECT_EQ(back->edges()[i].relation, snap.edges()[i].relation);
    EXPECT_EQ(back->edges()[i].start_first, snap.edges()[i].start_first);
    EXPECT_EQ(back->edges()[i].end_last, snap.edges()[i].end_last);
    EXPECT_EQ(back->edges()[i].start_last, snap.edges()[i].start_last);
    EXPECT_EQ(back->edges()[i].end_first, snap.edges()[i].end_first);
    EXPECT_EQ(back->edges()[i].left, snap.edges()[i].left);
  }
  // The part_of tops: Redpine Frontier Lab folds into Redpine Technology, the rest into themselves.
  ASSERT_TRUE(snap.has_parents());
  ASSERT_TRUE(back->has_parents());
  for (std::uint32_t v = 0; v < snap.num_nodes(); ++v) EXPECT_EQ(back->top(v), snap.top(v));
  auto by_name = [&](std::string_view name) {
    for (std::uint32_t v = 0; v < snap.num_nodes(); ++v)
      if (snap.name(v) == name) return v;
    return snap.num_nodes();
  };
  EXPECT_EQ(snap.top(by_name("Redpine Frontier Lab")), by_name("Redpine Technology"));
  EXPECT_EQ(snap.top(by_name("Bluefin Labs")), by_name("Bluefin Labs"));
  ASSERT_EQ(back->moves().size(), snap.moves().size());
  EXPECT_TRUE(back->affiliation() == snap.affiliation());
}

TEST_F(SnapshotTest, CacheIsReusedUntilTheStoreChanges) {
  Store store = open_fixture();
  bool rebuilt = false;
  ASSERT_TRUE(queries::load_snapshot(store, &rebuilt));
  EXPECT_TRUE(rebuilt);
  EXPECT_TRUE(fs::exists(db_ + ".tgsnap"));
  ASSERT_TRUE(queries::load_snapshot(store, &rebuilt));
  EXPECT_FALSE(rebuilt);
  // A write bumps the generation: the cache is stale.
  auto dev = queries::find_person(store, "Dev Patel");
  ASSERT_TRUE(dev.has_value());
  ASSERT_TRUE(ingest::forget_person(store, *dev));
  expect_rebuilt(store);
}

// The file's layout (graph/snapshot.cpp): a 112-byte header (magic, version u32 @8, ..., the
// store's write id @32, ..., the header checksum u64 @104), then a table of twelve 32-byte rows
// {id u32, element size u32, offset u64, count u64, first block u64}.
constexpr std::size_t kHeaderSize = 112, kTableEnd = kHeaderSize + 12 * 32;
enum Section { kEdges = 5, kMoves = 6, kCsrTargets = 9 };

std::uint64_t section_offset(const std::string& bytes, int section) {
  std::uint64_t offset = 0;
  std::memcpy(&offset, bytes.data() + kHeaderSize + 32 * section + 8, sizeof offset);
  return offset;
}

void write_bytes(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

// Every accessor of two snapshots, compared.
void expect_same(const graph::Snapshot& a, const graph::Snapshot& b) {
  EXPECT_EQ(a.generation(), b.generation());
  EXPECT_EQ(a.store_id(), b.store_id());
  ASSERT_EQ(a.num_nodes(), b.num_nodes());
  for (std::uint32_t v = 0; v < a.num_nodes(); ++v) {
    EXPECT_EQ(a.entity(v), b.entity(v));
    EXPECT_EQ(a.kind(v), b.kind(v));
    EXPECT_EQ(a.name(v), b.name(v));
    EXPECT_EQ(a.country(v), b.country(v));
    EXPECT_EQ(a.top(v), b.top(v));
    EXPECT_EQ(b.node_of(a.entity(v)), v);
  }
  EXPECT_EQ(a.has_parents(), b.has_parents());
  ASSERT_EQ(a.edges().size(), b.edges().size());
  EXPECT_EQ(a.num_edges(), b.num_edges());
  for (std::size_t i = 0; i < a.edges().size(); ++i) {
    const graph::SnapshotEdge x = a.edges()[i], y = b.edges()[i], z = b.edge(i);
    for (const graph::SnapshotEdge& e : {y, z}) {
      EXPECT_EQ(x.relation, e.relation);
      EXPECT_EQ(x.from, e.from);
      EXPECT_EQ(x.to, e.to);
      EXPECT_EQ(x.kind, e.kind);
      EXPECT_EQ(x.former, e.former);
      EXPECT_EQ(x.start_first, e.start_first);
      EXPECT_EQ(x.end_last, e.end_last);
      EXPECT_EQ(x.start_last, e.start_last);
      EXPECT_EQ(x.end_first, e.end_first);
      EXPECT_EQ(x.left, e.left);
    }
  }
  ASSERT_EQ(a.moves().size(), b.moves().size());
  for (std::size_t i = 0; i < a.moves().size(); ++i) {
    const graph::SnapshotMove x = a.moves()[i], y = b.moves()[i];
    EXPECT_EQ(std::tie(x.person, x.from, x.to, x.date_first, x.date_last, x.basis, x.from_place, x.to_place),
              std::tie(y.person, y.from, y.to, y.date_first, y.date_last, y.basis, y.from_place, y.to_place));
  }
  EXPECT_TRUE(a.affiliation() == b.affiliation());
}

// What the graph questions answer on a snapshot, as text: paths, rankings and flows.
std::string answers(const graph::Snapshot& s) {
  std::string out;
  const std::uint32_t n = s.num_nodes();
  for (std::uint32_t i = 0; i < 12 && n; ++i) {
    queries::PathQuery q;
    q.from = (i * 7) % n;
    q.to = (i * 13 + 5) % n;
    q.k = 1 + i % 3;
    if (i % 2) q.as_of = days_from_civil(2019, 1, 1);
    for (const auto& path : queries::find_paths(s, q)) {
      for (const auto& hop : path) out += fmt::format("{}-{}({}) ", hop.from, hop.to, hop.edge);
      out += "\n";
    }
  }
  for (auto metric : {queries::Metric::pagerank, queries::Metric::degree, queries::Metric::betweenness})
    for (auto g : {queries::RankGraph::moves, queries::RankGraph::affiliation}) {
      queries::RankQuery q;
      q.metric = metric;
      q.graph = g;
      q.roll_up = g == queries::RankGraph::moves;
      for (const auto& row : queries::rank(s, q).rows) out += fmt::format("{} {} {:.9f}\n", row.node, row.name, row.score);
    }
  for (auto by : {queries::FlowBy::org, queries::FlowBy::country}) {
    queries::FlowQuery q;
    q.by = by;
    q.per = Period::year;
    q.roll_up = by == queries::FlowBy::org;
    q.country_of = queries::CountryOf::location;
    q.net = true;
    for (const auto& f : queries::flows(s, q).flows) out += fmt::format("{} {} {} {} {}\n", f.period, f.from, f.to, f.people, f.moves);
  }
  return out;
}

TEST_F(SnapshotTest, MappedSnapshotReadsAsTheBuiltOne) {
  for (const char* input : {"/tests/fixtures/small", "/data/seed"}) {
    ScratchDirStore world(std::string(TG_SOURCE_DIR) + input);
    auto built = graph::Snapshot::build(world.store);
    EXPECT_FALSE(built.mapped());
    const std::string path = world.dir.file("copy.tgsnap");
    ASSERT_TRUE(built.write(path));
    auto mapped = graph::Snapshot::read(path);
    ASSERT_TRUE(mapped) << mapped.error().message;
    EXPECT_TRUE(mapped->mapped());
    expect_same(built, *mapped);
    EXPECT_EQ(answers(built), answers(*mapped)) << input;
    EXPECT_TRUE(mapped->verify());
    EXPECT_FALSE(mapped->damaged());
    // Written again from the mapping: the same bytes.
    ASSERT_TRUE(mapped->write(path + "2"));
    EXPECT_EQ(read_file(path + "2").value(), read_file(path).value());
  }
}

TEST_F(SnapshotTest, DamagedHeadersAndSizesAreRejectedAndRebuilt) {
  Store store = open_fixture();
  ASSERT_TRUE(queries::load_snapshot(store));
  const std::string cache = db_ + ".tgsnap";
  const std::string good = read_file(cache).value();
  // Any byte of the header or the section table.
  for (std::size_t offset = 0; offset < kTableEnd; ++offset) {
    std::string bytes = good;
    bytes[offset] = static_cast<char>(bytes[offset] ^ 0x5a);
    write_bytes(cache, bytes);
    ASSERT_FALSE(graph::Snapshot::read(cache)) << "offset " << offset;
  }
  ASSERT_NO_FATAL_FAILURE(expect_rebuilt(store));
  // Truncated, grown, empty, and not a snapshot at all.
  for (std::string bytes : {good.substr(0, good.size() - 1), good.substr(0, good.size() / 2), good.substr(0, kTableEnd),
                            good.substr(0, 100), good + std::string(64, '\0'), std::string()}) {
    write_bytes(cache, bytes);
    ASSERT_FALSE(graph::Snapshot::read(cache)) << bytes.size() << " bytes";
    ASSERT_NO_FATAL_FAILURE(expect_rebuilt(store));
  }
  std::ofstream(cache, std::ios::trunc) << "hello";
  auto garbage = graph::Snapshot::read(cache);
  ASSERT_FALSE(garbage);
  EXPECT_EQ(garbage.error().message, cache + ": damaged snapshot cache (not a talentgraph snapshot)");
  expect_rebuilt(store);
}

// Any byte of the file flipped: the file is rejected when opened, or found damaged when its arrays
// are checked (reading them never goes out of bounds, which the sanitizer build watches), or the
// byte was one no array holds (alignment padding) and every answer is as before.
TEST_F(SnapshotTest, EveryFlippedByteIsRejectedOrFoundOrHarmless) {
  Store store = open_fixture();
  auto built = graph::Snapshot::build(store);
  const std::string cache = dir_.file("flipped.tgsnap");
  ASSERT_TRUE(built.write(cache));
  const std::string good = read_file(cache).value();
  const std::string want = answers(built);
  int rejected = 0, found = 0, harmless = 0;
  for (std::size_t offset = 0; offset < good.size(); ++offset) {
    std::string bytes = good;
    bytes[offset] = static_cast<char>(bytes[offset] ^ (offset % 2 ? 0x01 : 0xa5));
    write_bytes(cache, bytes);
    auto snap = graph::Snapshot::read(cache);
    if (!snap) {
      ++rejected;
      continue;
    }
    const std::string got = answers(*snap);  // before verify(): the queries' own checks
    if (!snap->verify()) {
      EXPECT_TRUE(snap->damaged());
      ++found;
      continue;
    }
    ++harmless;
    EXPECT_EQ(got, want) << "offset " << offset;
    expect_same(built, *snap);
  }
  EXPECT_GE(rejected, static_cast<int>(kTableEnd));  // and the block sums
  EXPECT_GT(found, static_cast<int>(good.size()) * 3 / 4);
  EXPECT_LT(harmless, 12 * 64);  // at most the padding before each section
}

// A query that finds the mapped cache damaged while it runs rebuilds it and answers as before.
TEST_F(SnapshotTest, QueriesRebuildACacheFoundDamagedAndAnswerAsBefore) {
  Store store = open_fixture();
  ASSERT_TRUE(queries::load_snapshot(store));
  const std::string cache = db_ + ".tgsnap";
  const std::string good = read_file(cache).value();
  auto ask = [&] {
    std::string out;
    queries::PathSearch between;
    between.from = "Alice Chen";
    between.to = "Dev Patel";
    auto path = queries::connect(store, between);
    if (!path) return path.error().message;
    for (const auto& row : path->paths)
      for (const auto& hop : row) out += fmt::format("{}-{} {} ", hop.from, hop.to, raw(hop.relation.id));
    auto ranked = queries::rank(store, {});
    if (!ranked) return ranked.error().message;
    for (const auto& row : ranked->rows) out += fmt::format("{} {:.9f} ", row.name, row.score);
    queries::FlowSearch search;
    search.query.by = queries::FlowBy::country;
    search.query.country_of = queries::CountryOf::location;
    auto flowed = queries::flows(store, search);
    if (!flowed) return flowed.error().message;
    for (const auto& f : flowed->flows) out += fmt::format("{} {} {} ", f.from, f.to, f.people);
    return out;
  };
  const std::string want = ask();
  ASSERT_FALSE(want.empty());
  // A byte of a date (only the checksum tells), of a move, of an arc of the graph.
  for (const std::uint64_t at : {section_offset(good, kEdges) + 20, section_offset(good, kMoves) + 1,
                                 section_offset(good, kCsrTargets) + 2}) {
    std::string bytes = good;
    bytes[at] = static_cast<char>(bytes[at] ^ 0x10);
    write_bytes(cache, bytes);
    auto damaged = graph::Snapshot::read(cache);
    ASSERT_TRUE(damaged) << "the header is sound: the file is accepted";
    EXPECT_EQ(ask(), want) << "offset " << at;
    auto again = graph::Snapshot::read(cache);
    ASSERT_TRUE(again);
    EXPECT_TRUE(again->verify()) << "rebuilt";
  }
}

TEST_F(SnapshotTest, CacheOfARecreatedDatabaseIsNotTrusted) {
  {
    Store store = open_fixture();
    ASSERT_TRUE(queries::load_snapshot(store));
  }
  fs::copy_file(db_ + ".tgsnap", dir_.file("old.tgsnap"));
  // Same path, same generation (one ingest), different content.
  for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(db_ + suffix);
  Store store = test_support::must_open(db_);
  ASSERT_TRUE(ingest::ingest(store, {std::string(TG_SOURCE_DIR) + "/data/seed"}, {}));
  // The ingest found a cache beside the store and put its own in place (graph::commit_keeping_cache);
  // the old one is put back, as a cache left by the recreated store's reader would be.
  EXPECT_TRUE(graph::Snapshot::cached(store, db_ + ".tgsnap"));
  fs::copy_file(dir_.file("old.tgsnap"), db_ + ".tgsnap", fs::copy_options::overwrite_existing);
  expect_rebuilt(store);
}

// The repro: a copy of the store is kept, A is ingested and queried (the cache is
// written), the copy is restored and B ingested: same path, store id and generation as the cache,
// other content. The write id (a new one with every commit) tells them apart.
TEST_F(SnapshotTest, CacheOfARestoredCopyWrittenOtherwiseIsNotTrusted) {
  const std::string fixtures = std::string(TG_SOURCE_DIR) + "/tests/fixtures/careers/";
  const std::string copy = dir_.file("copy.db");
  std::int64_t generation = 0, id = 0;
  {
    Store store = open_fixture();
    id = store.store_id();
  }
  fs::copy_file(db_, copy);
  {
    Store store = test_support::must_open(db_);
    ASSERT_TRUE(ingest::ingest(store, {fixtures + "news-a.json"}, {}));
    generation = store.generation();
    bool rebuilt = false;
    ASSERT_TRUE(queries::load_snapshot(store, &rebuilt));
    ASSERT_TRUE(rebuilt);
  }
  ASSERT_TRUE(fs::exists(db_ + ".tgsnap"));
  fs::copy_file(db_ + ".tgsnap", dir_.file("a.tgsnap"));
  for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(db_ + suffix);
  fs::copy_file(copy, db_);
  Store store = test_support::must_open(db_);
  ASSERT_TRUE(ingest::ingest(store, {fixtures + "news-b.json"}, {}));
  ASSERT_EQ(store.generation(), generation);
  ASSERT_EQ(store.store_id(), id);
  // The ingest replaced A's cache with B's own (graph::commit_keeping_cache); A's is put back, as
  // when the copy is restored after B's write (or B was written with no cache beside it).
  EXPECT_TRUE(graph::Snapshot::cached(store, db_ + ".tgsnap"));
  fs::copy_file(dir_.file("a.tgsnap"), db_ + ".tgsnap", fs::copy_options::overwrite_existing);
  expect_rebuilt(store);
  // And the snapshot answers with B's entities only.
  auto snap = queries::load_snapshot(store);
  ASSERT_TRUE(snap);
  store.for_each_entity([&](const EntityRow& e) { EXPECT_TRUE(snap->node_of(e.id)) << e.name; });
  EXPECT_EQ(snap->num_nodes(), store.stats().entities);
}

}  // namespace
}  // namespace tg
