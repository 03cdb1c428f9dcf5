// The snapshot: built from the store, cached beside it, never trusted when stale or damaged.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>

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

TEST_F(SnapshotTest, DamagedCacheIsDetectedAndRebuilt) {
  Store store = open_fixture();
  ASSERT_TRUE(queries::load_snapshot(store));
  const std::string cache = db_ + ".tgsnap";
  const auto size = fs::file_size(cache);
  for (std::uint64_t offset : {std::uint64_t{9}, size / 2, size - 3}) {
    {
      std::fstream f(cache, std::ios::in | std::ios::out | std::ios::binary);
      f.seekg(static_cast<std::streamoff>(offset));
      char c = 0;
      f.read(&c, 1);
      f.seekp(static_cast<std::streamoff>(offset));
      c = static_cast<char>(c ^ 0x5a);
      f.write(&c, 1);
    }
    auto bad = graph::Snapshot::read(cache);
    ASSERT_FALSE(bad) << "offset " << offset;
    EXPECT_EQ(bad.error().message, cache + ": damaged snapshot cache (checksum mismatch)");
    ASSERT_NO_FATAL_FAILURE(expect_rebuilt(store));
  }
  // Truncated, and not a snapshot at all.
  fs::resize_file(cache, size / 3);
  EXPECT_FALSE(graph::Snapshot::read(cache));
  std::ofstream(cache, std::ios::trunc) << "hello";
  auto garbage = graph::Snapshot::read(cache);
  ASSERT_FALSE(garbage);
  EXPECT_EQ(garbage.error().message, cache + ": damaged snapshot cache (not a talentgraph snapshot)");
  expect_rebuilt(store);
}

// A cache of another format version, whole and with a good checksum, is not read but rebuilt.
TEST_F(SnapshotTest, CacheOfAnotherFormatVersionIsRebuilt) {
  Store store = open_fixture();
  ASSERT_TRUE(queries::load_snapshot(store));
  const std::string cache = db_ + ".tgsnap";
  auto bytes = read_file(cache);
  ASSERT_TRUE(bytes) << bytes.error().message;
  std::uint32_t version = 0;
  std::memcpy(&version, bytes->data() + 8, sizeof version);  // after the magic
  EXPECT_EQ(version, 4u);
  version = 3;
  std::memcpy(bytes->data() + 8, &version, sizeof version);
  const std::uint64_t sum = binary::checksum(std::string_view(*bytes).substr(0, bytes->size() - 8));
  std::memcpy(bytes->data() + bytes->size() - 8, &sum, sizeof sum);
  ASSERT_TRUE(write_file_atomic(cache, *bytes));
  auto old = graph::Snapshot::read(cache);
  ASSERT_FALSE(old);
  EXPECT_EQ(old.error().message, cache + ": damaged snapshot cache (format version)");
  expect_rebuilt(store);
  EXPECT_TRUE(graph::Snapshot::read(cache));  // written again in the current version
}

TEST_F(SnapshotTest, CacheOfARecreatedDatabaseIsNotTrusted) {
  {
    Store store = open_fixture();
    ASSERT_TRUE(queries::load_snapshot(store));
  }
  // Same path, same generation (one ingest), different content.
  for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(db_ + suffix);
  Store store = test_support::must_open(db_);
  ASSERT_TRUE(ingest::ingest(store, {std::string(TG_SOURCE_DIR) + "/data/seed"}, {}));
  expect_rebuilt(store);
}

}  // namespace
}  // namespace tg
