// Disk full and I/O errors, injected deterministically by a failing SQLite VFS (failing_vfs.h):
// every xWrite, xSync and xTruncate of a clean ingest is failed in turn, in a run of its own, and
// each run must end in an error saying what happened (the disk is full, an I/O error) and leave
// the store exactly as it was (a first ingest: no store and no side file); the next clean ingest
// then gives what a never-faulted one gives. A query whose reads fail says so, and never answers
// wrong.
//
// A fault after the commit (the checkpoint when the store closes) may leave the run successful:
// then the store must hold exactly the new state. Both outcomes are counted and printed.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <algorithm>
#include <array>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "graph/snapshot.h"
#include "graph/store.h"
#include "ingest/ingest.h"
#include "ingest/new_store.h"
#include "queries/entities.h"
#include "queries/network.h"
#include "tests/faults/failing_vfs.h"
#include "tests/support/scratch.h"

namespace tg {
namespace {

namespace fs = std::filesystem;
using faults::Fault;
using faults::FailingVfs;
using faults::Op;
using faults::Plan;

const std::string kWorld = std::string(TG_SOURCE_DIR) + "/tests/fixtures/small/world.json";
const std::string kCareers = std::string(TG_SOURCE_DIR) + "/tests/fixtures/small/careers.csv";

// ---- the store, read through a connection of our own ----

std::string cell(sqlite3_stmt* st, int c) {
  switch (sqlite3_column_type(st, c)) {
    case SQLITE_NULL: return "NULL";
    case SQLITE_INTEGER: return fmt::format("{}", sqlite3_column_int64(st, c));
    case SQLITE_FLOAT: return fmt::format("{:.17g}", sqlite3_column_double(st, c));
    case SQLITE_BLOB: {
      const auto* p = static_cast<const unsigned char*>(sqlite3_column_blob(st, c));
      std::string hex = "x'";
      for (int i = 0; i < sqlite3_column_bytes(st, c); ++i) hex += fmt::format("{:02x}", p[i]);
      return hex + "'";
    }
    default: {
      const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(st, c));
      return fmt::format("'{}'", std::string(p, static_cast<std::size_t>(sqlite3_column_bytes(st, c))));
    }
  }
}

std::vector<std::string> rows(sqlite3* db, const std::string& sql) {
  std::vector<std::string> out;
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr) != SQLITE_OK) {
    ADD_FAILURE() << sql << ": " << sqlite3_errmsg(db);
    return out;
  }
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    std::string row;
    for (int c = 0; c < sqlite3_column_count(st); ++c) row += (c ? "|" : "") + cell(st, c);
    out.push_back(std::move(row));
  }
  if (rc != SQLITE_DONE) ADD_FAILURE() << sql << ": " << sqlite3_errmsg(db);
  sqlite3_finalize(st);
  return out;
}

// What the content of a store is, whole: the schema, then every row of every table (sorted),
// table by table. Left out: meta's write_id (random, set by each commit) and, with
// `same_store` false, the store's own identity (store_id, forget_key: random, made with it).
struct Dump {
  std::string integrity;
  std::vector<std::string> lines;
};

Dump dump(const std::string& path, bool same_store) {
  Dump d;
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    d.integrity = fmt::format("cannot open: {}", db ? sqlite3_errmsg(db) : "?");
    sqlite3_close(db);
    return d;
  }
  for (auto line : rows(db, "PRAGMA integrity_check")) {
    if (line.size() >= 2 && line.front() == '\'') line = line.substr(1, line.size() - 2);  // quoted as text
    d.integrity += (d.integrity.empty() ? "" : "; ") + line;
  }
  for (const auto& line : rows(db, "SELECT type, name, tbl_name, sql FROM sqlite_schema ORDER BY type, name"))
    d.lines.push_back("schema|" + line);
  for (const auto& table : rows(db, "SELECT name FROM sqlite_schema WHERE type = 'table' AND sql NOT LIKE "
                                    "'CREATE VIRTUAL%' ORDER BY name")) {
    const std::string name = table.substr(1, table.size() - 2);  // quoted as text
    std::string sql = fmt::format("SELECT * FROM \"{}\"", name);
    if (name == "meta")
      sql += same_store ? " WHERE key <> 'write_id'" : " WHERE key NOT IN ('write_id', 'store_id', 'forget_key')";
    auto content = rows(db, sql);
    std::ranges::sort(content);
    for (auto& row : content) d.lines.push_back(name + "|" + row);
  }
  sqlite3_close(db);
  return d;
}

std::string first_difference(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  std::vector<std::string> only_a, only_b;
  std::ranges::set_difference(a, b, std::back_inserter(only_a));
  std::ranges::set_difference(b, a, std::back_inserter(only_b));
  return fmt::format("{} vs {} lines; only before: {}; only after: {}", a.size(), b.size(),
                     only_a.empty() ? "-" : only_a.front(), only_b.empty() ? "-" : only_b.front());
}

// The files in `dir` whose name begins with `base` (the store's own and any left beside it).
std::vector<std::string> files_of(const fs::path& dir, const std::string& base) {
  std::vector<std::string> out;
  for (const auto& entry : fs::directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    if (name.starts_with(base)) out.push_back(name);
  }
  std::ranges::sort(out);
  return out;
}

void copy_store(const std::string& from, const std::string& to) {
  std::error_code ec;
  for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(to + suffix, ec);
  fs::copy_file(from, to);
  if (fs::exists(from + "-wal")) fs::copy_file(from + "-wal", to + "-wal");
}

// ---- ingest as `talentgraph --db DB ingest PATHS` runs it (tools/talentgraph/main.cpp and
// cmd_store.cpp: open, check, ingest; or a first ingest), with what it prints on stderr ----

struct Outcome {
  int status = 0;    // the exit status
  std::string said;  // stderr on failure
  // Where it failed: opening the store, checking it, or ingesting (a first ingest: ingesting).
  enum class Stage { open, check, ingest } stage = Stage::ingest;
};

Outcome cli_ingest(const std::string& db, const std::vector<std::string>& paths) {
  const ingest::IngestOptions options;
  if (!fs::exists(db)) {
    auto r = ingest::ingest_new_store(db, paths, options);
    if (r) return {};
    return {static_cast<int>(r.error().code), r.error().str() + "\ntalentgraph: ingest failed; no database was created\n"};
  }
  try {
    auto store = Store::open(db, OpenMode::create_if_missing);
    if (!store)
      return {static_cast<int>(store.error().code), "talentgraph: " + store.error().str() + "\n", Outcome::Stage::open};
    std::string problems;
    try {
      problems = store->integrity_problems(std::int64_t(4) << 20);
    } catch (const StoreError& e) {
      problems = e.what();
      if (problems.find("disk I/O error") != std::string::npos || problems.find("out of memory") != std::string::npos)
        return {static_cast<int>(ErrorCode::io),
                fmt::format("talentgraph: {}: cannot check the store before writing ({}); nothing was written\n", db,
                            problems),
                Outcome::Stage::check};
    }
    if (!problems.empty())
      return {static_cast<int>(ErrorCode::io),
              fmt::format("talentgraph: {}: the store fails SQLite's integrity check ({}); nothing was written.\n", db,
                          problems),
              Outcome::Stage::check};
    auto r = ingest::ingest(*store, paths, options);
    if (r) return {};
    return {static_cast<int>(r.error().code), r.error().str() + "\ntalentgraph: ingest failed; the database is unchanged\n"};
  } catch (const StoreError& e) {
    return {static_cast<int>(ErrorCode::io), fmt::format("talentgraph: {}: {}\n", db, e.what())};
  }
}

// What the message must say for each fault.
const char* expected_words(Fault fault) { return fault == Fault::io_error ? "I/O error" : "disk is full"; }

struct SweepCase {
  Op op;
  Fault fault;
  bool sticky;
};

std::string name_of(const SweepCase& c) {
  return fmt::format("{} {}{}", to_string(c.op), to_string(c.fault), c.sticky ? " (and every later one)" : "");
}

// Every write, sync and truncate point: a transient full disk, a full disk that stays full, a
// short write, an I/O error (transient, lasting); and every read point, an I/O error.
const std::vector<SweepCase> kCases = {
    {Op::write, Fault::full, false},   {Op::write, Fault::full, true},     {Op::write, Fault::short_write, false},
    {Op::write, Fault::io_error, false}, {Op::write, Fault::io_error, true}, {Op::sync, Fault::io_error, false},
    {Op::sync, Fault::io_error, true},   {Op::truncate, Fault::io_error, false}, {Op::read, Fault::io_error, false},
    {Op::read, Fault::io_error, true},
};

class VfsFaultTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    // The write log's times: the clock stands still, so that two runs write the same rows.
    ::setenv("TALENTGRAPH_NOW", "2026-11-01T03:00:00Z", 1);
    FailingVfs::install();
  }
  void TearDown() override { FailingVfs::install().disarm(); }

  test_support::ScratchDir dir_;
};

// The counts of a clean run of `run`.
template <typename Run>
faults::Counts clean_counts(Run&& run) {
  FailingVfs& vfs = FailingVfs::install();
  vfs.count_only();
  run();
  vfs.disarm();
  return vfs.counts();
}

TEST_F(VfsFaultTest, TheShimCountsAndFailsWhatItIsTold) {
  // Through a plain connection: the 1st write of a table fails with SQLITE_FULL, then works.
  const std::string db = dir_.file("plain.db");
  sqlite3* c = nullptr;
  ASSERT_EQ(sqlite3_open(db.c_str(), &c), SQLITE_OK);
  ASSERT_STREQ(sqlite3_vfs_find(nullptr)->zName, "tg-failing");
  FailingVfs& vfs = FailingVfs::install();
  vfs.arm({.op = Op::write, .nth = 1, .fault = Fault::full});
  EXPECT_EQ(sqlite3_exec(c, "CREATE TABLE t(x)", nullptr, nullptr, nullptr), SQLITE_FULL);
  EXPECT_EQ(vfs.failures(), 1u);
  EXPECT_NE(std::string(sqlite3_errmsg(c)).find("disk is full"), std::string::npos) << sqlite3_errmsg(c);
  EXPECT_EQ(sqlite3_exec(c, "CREATE TABLE t(x)", nullptr, nullptr, nullptr), SQLITE_OK);
  EXPECT_GE(vfs.counts()[Op::write], 2u);
  vfs.arm({.op = Op::sync, .nth = 1, .fault = Fault::io_error});
  EXPECT_EQ(sqlite3_exec(c, "INSERT INTO t VALUES (1)", nullptr, nullptr, nullptr), SQLITE_IOERR);
  EXPECT_EQ(sqlite3_extended_errcode(c), SQLITE_IOERR_FSYNC);
  EXPECT_EQ(vfs.failures(), 1u);
  vfs.disarm();
  sqlite3_close(c);
}

// A first ingest (no store yet) with every write, sync, truncate and read failed in turn.
TEST_F(VfsFaultTest, FirstIngestFailsWholeAtEveryIoPoint) {
  const std::vector<std::string> inputs = {kWorld, kCareers};
  // The never-faulted ingest, and its counts.
  const std::string ref = dir_.file("ref.db");
  Outcome clean;
  const faults::Counts total = clean_counts([&] { clean = cli_ingest(ref, inputs); });
  ASSERT_EQ(clean.status, 0) << clean.said;
  const Dump want = dump(ref, false);
  ASSERT_EQ(want.integrity, "ok");
  ASSERT_GT(total[Op::write], 0u);
  fmt::print("first ingest, clean: {} xWrite, {} xSync, {} xTruncate, {} xRead\n", total[Op::write], total[Op::sync],
             total[Op::truncate], total[Op::read]);

  FailingVfs& vfs = FailingVfs::install();
  const std::string db = dir_.file("new.db");
  for (const SweepCase& c : kCases) {
    int failed = 0, succeeded = 0;
    for (std::uint64_t n = 1; n <= total[c.op]; ++n) {
      SCOPED_TRACE(fmt::format("{} #{}", name_of(c), n));
      vfs.arm({.op = c.op, .nth = n, .fault = c.fault, .sticky = c.sticky});
      const Outcome got = cli_ingest(db, inputs);
      vfs.disarm();
      ASSERT_GT(vfs.failures(), 0u) << "the fault was never reached: the run is not deterministic";
      if (got.status == 0) {
        // Only right when the store is whole and holds the new state (a fault SQLite recovers from).
        ++succeeded;
        const Dump after = dump(db, false);
        EXPECT_EQ(after.integrity, "ok");
        EXPECT_TRUE(after.lines == want.lines) << "success claimed, other content: " << first_difference(want.lines, after.lines);
      } else {
        ++failed;
        EXPECT_EQ(got.status, static_cast<int>(ErrorCode::io)) << got.said;
        EXPECT_NE(got.said.find(expected_words(c.fault)), std::string::npos) << got.said;
        EXPECT_NE(got.said.find(db + ": "), std::string::npos) << "the store is not named: " << got.said;
        EXPECT_NE(got.said.find("no database was created"), std::string::npos) << got.said;
        EXPECT_EQ(files_of(dir_.path(), "new.db"), std::vector<std::string>{}) << "left by a failed first ingest";
      }
      // The next clean ingest makes the store a never-faulted one makes.
      std::error_code ec;
      for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(db + suffix, ec);
      const Outcome again = cli_ingest(db, inputs);
      ASSERT_EQ(again.status, 0) << again.said;
      const Dump next = dump(db, false);
      EXPECT_EQ(next.integrity, "ok");
      EXPECT_TRUE(next.lines == want.lines) << first_difference(want.lines, next.lines);
      for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(db + suffix, ec);
      if (HasFailure()) return;
    }
    fmt::print("first ingest, {}: {} runs, {} failed whole, {} succeeded whole\n", name_of(c), total[c.op], failed,
               succeeded);
  }
}

// An ingest into an existing store (world.json, then careers.csv, which merges into it) with
// every write, sync, truncate and read failed in turn.
TEST_F(VfsFaultTest, IngestIntoAStoreFailsWholeAtEveryIoPoint) {
  const std::string base = dir_.file("base.db");
  ASSERT_EQ(cli_ingest(base, {kWorld}).status, 0);
  const Dump old_state = dump(base, true);
  ASSERT_EQ(old_state.integrity, "ok");
  const std::string ref = dir_.file("ref.db");
  copy_store(base, ref);
  Outcome clean;
  const faults::Counts total = clean_counts([&] { clean = cli_ingest(ref, {kCareers}); });
  ASSERT_EQ(clean.status, 0) << clean.said;
  const Dump want = dump(ref, true);
  ASSERT_EQ(want.integrity, "ok");
  ASSERT_NE(want.lines, old_state.lines);
  fmt::print("ingest into a store, clean: {} xWrite, {} xSync, {} xTruncate, {} xRead\n", total[Op::write],
             total[Op::sync], total[Op::truncate], total[Op::read]);
  ASSERT_GT(total[Op::write], 0u);
  ASSERT_GT(total[Op::sync], 0u);

  FailingVfs& vfs = FailingVfs::install();
  const std::string db = dir_.file("graph.db");
  const std::vector<std::string> own = {"graph.db", "graph.db-shm", "graph.db-wal"};
  for (const SweepCase& c : kCases) {
    int failed = 0, succeeded = 0;
    std::array<int, 3> by_stage{};
    for (std::uint64_t n = 1; n <= total[c.op]; ++n) {
      SCOPED_TRACE(fmt::format("{} #{}", name_of(c), n));
      copy_store(base, db);
      vfs.arm({.op = c.op, .nth = n, .fault = c.fault, .sticky = c.sticky});
      const Outcome got = cli_ingest(db, {kCareers});
      vfs.disarm();
      ASSERT_GT(vfs.failures(), 0u) << "the fault was never reached: the run is not deterministic";
      for (const auto& name : files_of(dir_.path(), "graph.db"))
        EXPECT_TRUE(std::ranges::count(own, name)) << "left beside the store: " << name;
      const Dump after = dump(db, true);
      EXPECT_EQ(after.integrity, "ok");
      if (got.status == 0) {
        ++succeeded;
        EXPECT_TRUE(after.lines == want.lines) << "success claimed, other content: " << first_difference(want.lines, after.lines);
      } else {
        ++failed;
        EXPECT_EQ(got.status, static_cast<int>(ErrorCode::io)) << got.said;
        EXPECT_NE(got.said.find(expected_words(c.fault)), std::string::npos) << got.said;
        EXPECT_NE(got.said.find(db + ": "), std::string::npos) << "the store is not named: " << got.said;
        // The ingest and the check before it say the store is unchanged; opening it says only
        // what failed ("talentgraph: DB: SQLite: disk I/O error"): it had not begun.
        EXPECT_EQ(got.said.find("fails SQLite's integrity check"), std::string::npos)
            << "a store that could not be read is not one that fails the check: " << got.said;
        if (got.stage == Outcome::Stage::ingest) {
          EXPECT_NE(got.said.find("ingest failed; the database is unchanged"), std::string::npos) << got.said;
        } else if (got.stage == Outcome::Stage::check) {
          EXPECT_NE(got.said.find("nothing was written"), std::string::npos) << got.said;
        }
        ++by_stage[static_cast<int>(got.stage)];
        EXPECT_TRUE(after.lines == old_state.lines) << "a failed ingest changed the store: "
                                                << first_difference(old_state.lines, after.lines);
      }
      // The next clean ingest gives what the never-faulted one gave.
      const Outcome again = cli_ingest(db, {kCareers});
      ASSERT_EQ(again.status, 0) << again.said;
      const Dump next = dump(db, true);
      EXPECT_EQ(next.integrity, "ok");
      EXPECT_TRUE(next.lines == want.lines) << first_difference(want.lines, next.lines);
      if (HasFailure()) return;
    }
    fmt::print("ingest into a store, {}: {} runs, {} failed whole ({} opening, {} checking, {} ingesting), {} "
               "succeeded whole\n",
               name_of(c), total[c.op], failed, by_stage[0], by_stage[1], by_stage[2], succeeded);
  }
}

// A query (open read-only, the snapshot built from the store, a path and the counts) with each of
// its reads failed in turn: an error saying so, or the right answer, never a wrong one.
TEST_F(VfsFaultTest, QueriesWhoseReadsFailSaySoAndNeverAnswerWrong) {
  const std::string db = dir_.file("q.db");
  ASSERT_EQ(cli_ingest(db, {kWorld, kCareers}).status, 0);
  auto ask = [&]() -> std::string {
    std::error_code ec;
    fs::remove(db + ".tgsnap", ec);  // built from the store's pages, each time
    try {
      auto store = Store::open(db, OpenMode::read_only);
      if (!store) return "talentgraph: " + store.error().str();
      Store::ReadTransaction one_state(*store);
      queries::PathSearch between;
      between.from = "Alice Chen";
      between.to = "Dev Patel";
      auto path = queries::connect(*store, between);
      if (!path) return "talentgraph: " + path.error().str();
      std::string out;
      for (const auto& row : path->paths)
        for (const auto& hop : row) out += fmt::format("{}-{} {}; ", hop.from, hop.to, raw(hop.relation.id));
      const auto c = queries::counts(*store);
      out += fmt::format("{} {} {} {} {}", c.entities, c.relations, c.sources, c.claims, c.aliases);
      return out;
    } catch (const StoreError& e) {
      return fmt::format("talentgraph: {}: {}", db, e.what());
    }
  };
  std::string want;
  const faults::Counts total = clean_counts([&] { want = ask(); });
  ASSERT_FALSE(want.starts_with("talentgraph:")) << want;
  ASSERT_GT(total[Op::read], 0u);
  FailingVfs& vfs = FailingVfs::install();
  int failed = 0, answered = 0;
  for (const bool sticky : {false, true}) {
    for (std::uint64_t n = 1; n <= total[Op::read]; ++n) {
      SCOPED_TRACE(fmt::format("xRead #{}{}", n, sticky ? " and every later one" : ""));
      vfs.arm({.op = Op::read, .nth = n, .fault = Fault::io_error, .sticky = sticky});
      const std::string got = ask();
      vfs.disarm();
      ASSERT_GT(vfs.failures(), 0u);
      if (got == want) {
        ++answered;
        continue;
      }
      ++failed;
      EXPECT_TRUE(got.starts_with("talentgraph: ")) << "a wrong answer: " << got;
      EXPECT_NE(got.find("I/O error"), std::string::npos) << got;
      EXPECT_NE(got.find(db), std::string::npos) << got;
      if (HasFailure()) return;
    }
  }
  EXPECT_EQ(ask(), want);
  fmt::print("query, {} reads failed in turn (transient, then for good): {} errors, {} right answers\n",
             total[Op::read], failed, answered);
}

}  // namespace
}  // namespace tg
