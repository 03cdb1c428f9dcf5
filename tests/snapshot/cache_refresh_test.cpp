// A write into a store whose snapshot cache is in use puts the new state's cache in place as it
// commits (graph::commit_keeping_cache): readers after it map a current cache at once instead
// of each building one. A store without a cache gets none from a write.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "graph/files.h"
#include "graph/snapshot.h"
#include "ingest/ingest.h"
#include "tests/support/scratch.h"
#include "tests/support/store_builder.h"

namespace tg {
namespace {

using test_support::must_open;
using test_support::ScratchDir;

const std::string kSmall = std::string(TG_SOURCE_DIR) + "/tests/fixtures/small/";

std::string bytes_of(const std::string& path) {
  auto b = read_file(path);
  return b ? *b : std::string();
}

std::size_t files_in(const std::filesystem::path& dir) {
  std::size_t n = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir)) ++n;
  return n;
}

TEST(CacheRefresh, AWriteWithoutACacheMakesNone) {
  ScratchDir dir;
  Store store = must_open(dir.file("t.db"));
  ASSERT_TRUE(ingest::ingest(store, {kSmall + "world.json"}, {}));
  ASSERT_TRUE(ingest::ingest(store, {kSmall + "careers.csv"}, {}));
  EXPECT_FALSE(std::filesystem::exists(graph::cache_path(store)));
}

TEST(CacheRefresh, AWriteReplacesACacheInUseWithTheNewStatesOwn) {
  ScratchDir dir;
  Store store = must_open(dir.file("t.db"));
  ASSERT_TRUE(ingest::ingest(store, {kSmall + "world.json"}, {}));
  const std::string cache = graph::cache_path(store);
  ASSERT_TRUE(graph::Snapshot::load(store, cache));  // a reader made the cache
  const std::int64_t before = store.generation();
  const std::size_t files = files_in(dir.path());

  ASSERT_TRUE(ingest::ingest(store, {kSmall + "careers.csv"}, {}));
  ASSERT_EQ(store.generation(), before + 1);
  auto cached = graph::Snapshot::cached(store, cache);
  ASSERT_TRUE(cached) << "the cache is not of the committed state";
  EXPECT_EQ(cached->generation(), before + 1);
  EXPECT_EQ(cached->write_id(), store.write_id());
  EXPECT_TRUE(cached->verify());
  EXPECT_FALSE(cached->moves().empty());
  // Byte for byte what a reader building it now would write.
  ASSERT_TRUE(graph::Snapshot::build(store).write(dir.file("fresh.tgsnap")));
  EXPECT_EQ(bytes_of(cache), bytes_of(dir.file("fresh.tgsnap")));
  std::filesystem::remove(dir.file("fresh.tgsnap"));
  EXPECT_EQ(files_in(dir.path()), files);  // no temporary file left beside it

  // A load now takes the cache rather than building.
  bool rebuilt = true;
  ASSERT_TRUE(graph::Snapshot::load(store, cache, &rebuilt));
  EXPECT_FALSE(rebuilt);
}

TEST(CacheRefresh, AWriteThatChangesNothingLeavesTheCache) {
  ScratchDir dir;
  Store store = must_open(dir.file("t.db"));
  ASSERT_TRUE(ingest::ingest(store, {kSmall + "world.json", kSmall + "careers.csv"}, {}));
  const std::string cache = graph::cache_path(store);
  ASSERT_TRUE(graph::Snapshot::load(store, cache));
  const std::string was = bytes_of(cache);
  ASSERT_TRUE(ingest::ingest(store, {kSmall + "world.json", kSmall + "careers.csv"}, {}));
  EXPECT_EQ(bytes_of(cache), was);
  EXPECT_TRUE(graph::Snapshot::cached(store, cache));
}

}  // namespace
}  // namespace tg
