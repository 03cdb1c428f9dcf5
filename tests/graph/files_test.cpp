// graph/files: atomic writes, whole and piece by piece: a reader sees the old file or the new one,
// and nothing is left beside it when a write is abandoned.
#include "graph/files.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "tests/support/scratch.h"

namespace tg {
namespace {

std::size_t files_in(const std::string& dir) {
  std::size_t n = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir)) ++n;
  return n;
}

TEST(AtomicFile, PiecesBecomeTheFileOnlyAtCommit) {
  test_support::ScratchDir dir;
  const std::string path = dir.file("out.json");
  ASSERT_TRUE(write_file_atomic(path, "old"));
  auto file = AtomicFile::create(path);
  ASSERT_TRUE(file) << file.error().str();
  ASSERT_TRUE(file->write("{\"a\":"));
  ASSERT_TRUE(file->write("1}"));
  EXPECT_EQ(read_file(path).value(), "old");  // not yet
  EXPECT_EQ(files_in(dir.path()), 2u);        // the old file and the temporary one
  ASSERT_TRUE(file->commit(Sync::no));
  EXPECT_EQ(read_file(path).value(), "{\"a\":1}");
  EXPECT_EQ(files_in(dir.path()), 1u);
  EXPECT_FALSE(file->write("more"));  // committed: nothing more goes in
}

TEST(AtomicFile, AbandonedLeavesTheOldFileAndNoTemporary) {
  test_support::ScratchDir dir;
  const std::string path = dir.file("out.json");
  ASSERT_TRUE(write_file_atomic(path, "old"));
  {
    auto file = AtomicFile::create(path);
    ASSERT_TRUE(file);
    ASSERT_TRUE(file->write("half a docu"));
    AtomicFile moved = std::move(*file);  // the moved-from one owns nothing
    ASSERT_TRUE(moved.write("ment"));
  }
  EXPECT_EQ(read_file(path).value(), "old");
  EXPECT_EQ(files_in(dir.path()), 1u);
}

TEST(AtomicFile, AFolderThatIsNotThereIsAnErrorNamingThePath) {
  test_support::ScratchDir dir;
  const std::string path = dir.file("no/such/folder/out.json");
  auto file = AtomicFile::create(path);
  ASSERT_FALSE(file);
  EXPECT_NE(file.error().str().find(path), std::string::npos) << file.error().str();
}

}  // namespace
}  // namespace tg
