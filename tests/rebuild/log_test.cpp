// The write log (schema v7): each committed ingest and rebuild is one entry, with the moves that
// appeared and disappeared (ingest/move_log.h) — but the first load into an empty store counts
// its moves without logging them one by one; `changes` selects and filters them
// (queries/changes.h); forgetting a person removes their logged moves.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "graph/files.h"
#include "ingest/ingest.h"
#include "ingest/move_log.h"
#include "ingest/rebuild.h"
#include "queries/changes.h"
#include "tests/support/documents.h"
#include "tests/support/scratch.h"
#include "tests/support/store_builder.h"

namespace tg::ingest {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using test_support::entity;
using test_support::must_open;
using test_support::rel;
using test_support::ScratchDir;
using Strings = std::vector<std::string>;

struct Stint {
  std::string org, country, start, end;
};

// One person's career as told by source `id`: a stint per organisation, dated.
std::string career(const std::string& id, const std::string& person, const std::vector<Stint>& stints) {
  json entities = {entity("p", "person", person)};
  json relations = json::array();
  for (std::size_t i = 0; i < stints.size(); ++i) {
    const auto& s = stints[i];
    const std::string ref = fmt::format("o{}", i);
    entities.push_back(entity(ref, "company", s.org, {{"country", s.country}}));
    json extra = {{"quote", fmt::format("{} at {} from {}.", person, s.org, s.start)}};
    if (!s.start.empty()) extra["start"] = s.start;
    if (!s.end.empty()) extra["end"] = s.end;
    relations.push_back(rel("worked_at", "p", ref, extra));
  }
  return test_support::document(id, entities, relations).dump(2);
}

// A move as a line: "person: from (cc) -> to (cc) date [+|-]".
std::string line(const LoggedMove& m) {
  return fmt::format("{}{}: {} ({}) -> {} ({}) {}", m.change > 0 ? "+" : "-", m.person_name, m.from_name,
                     m.from_country, m.to_name, m.to_country, m.date);
}
Strings lines(const std::vector<LoggedMove>& moves) {
  Strings out;
  for (const auto& m : moves) out.push_back(line(m));
  return out;
}

class LogTest : public ::testing::Test {
 protected:
  void put(const std::string& rel, const std::string& text) {
    dir.write("src/" + rel, text);
    using namespace std::chrono;
    fs::last_write_time(dir.file("src/" + rel), file_clock::from_sys(sys_seconds{seconds{1'600'000'000 + 10 * ++clock_}}));
  }
  void remove(const std::string& rel) { fs::remove(dir.file("src/" + rel)); }
  RebuildReport run_ok(RebuildOptions o = {}) {
    o.sources = dir.file("src");
    auto r = rebuild(store, o);
    EXPECT_TRUE(r.has_value()) << (r ? "" : r.error().str());
    return r.value_or(RebuildReport{});
  }
  std::vector<queries::ChangeEntry> changes(queries::ChangeSearch search) {
    auto r = queries::changes(store, search);
    EXPECT_TRUE(r.has_value()) << (r ? "" : r.error().str());
    return r.value_or(std::vector<queries::ChangeEntry>{});
  }
  std::size_t logged_rows(const std::string& where = "1") {
    std::size_t n = 0;
    sqlite3* db = nullptr;
    EXPECT_EQ(sqlite3_open_v2(store.path().c_str(), &db, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
    sqlite3_stmt* st = nullptr;
    const std::string sql = "SELECT count(*) FROM rebuild_moves WHERE " + where;
    EXPECT_EQ(sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr), SQLITE_OK) << sqlite3_errmsg(db);
    if (sqlite3_step(st) == SQLITE_ROW) n = static_cast<std::size_t>(sqlite3_column_int64(st, 0));
    sqlite3_finalize(st);
    sqlite3_close(db);
    return n;
  }

  ScratchDir dir;
  Store store = must_open(dir.file("tg.db"));
  int clock_ = 0;
};

TEST_F(LogTest, NewRetractedAndADateChange) {
  put("ann.json", career("s-ann", "Ann Lee", {{"Acme", "US", "2018", "2020"}, {"Bolt", "CN", "2021", ""}}));
  put("bo.json", career("s-bo", "Bo Park", {{"Cove", "US", "2015", "2019"}, {"Dune", "KR", "2019-06", ""}}));
  // The first load into an empty store: its two moves counted, none logged one by one.
  RebuildReport r = run_ok();
  EXPECT_TRUE(r.initial_load);
  EXPECT_TRUE(r.moves.empty());
  EXPECT_EQ(r.moves_new(), 2u);
  EXPECT_EQ(r.moves_retracted(), 0u);
  ASSERT_EQ(store.write_log(0).size(), 1u);
  const LogEntry first = store.write_log(0)[0];
  EXPECT_EQ(first.generation, store.generation());
  EXPECT_EQ(first.kind, "rebuild");
  EXPECT_TRUE(first.initial_load);
  EXPECT_EQ(first.files_added, 2);
  EXPECT_EQ(first.moves_new, 2);
  EXPECT_EQ(first.moves_retracted, 0);
  EXPECT_EQ(logged_rows(), 0u);

  // The same folder: nothing written, nothing logged.
  r = run_ok();
  EXPECT_FALSE(r.written);
  EXPECT_TRUE(r.moves.empty());
  EXPECT_EQ(store.write_log(0).size(), 1u);

  // Ann's arrival at Bolt now dated 2022: one move retracted, one new; Bo's unchanged file is
  // not read and his move is not logged again.
  put("ann.json", career("s-ann", "Ann Lee", {{"Acme", "US", "2018", "2020"}, {"Bolt", "CN", "2022", ""}}));
  r = run_ok();
  EXPECT_FALSE(r.initial_load);
  EXPECT_EQ(lines(r.moves), (Strings{"+Ann Lee: Acme (US) -> Bolt (CN) 2022", "-Ann Lee: Acme (US) -> Bolt (CN) 2021"}));
  EXPECT_EQ(r.moves[0].source, "s-ann");
  EXPECT_EQ(r.moves[0].quote, "Ann Lee at Bolt from 2022.");  // the arrival's evidence
  EXPECT_EQ(r.moves[0].basis, "dated");
  EXPECT_EQ(logged_rows(), 2u);
  // A removed file: its moves are retracted, even though their entities are gone.
  remove("bo.json");
  r = run_ok();
  EXPECT_EQ(lines(r.moves), Strings{"-Bo Park: Cove (US) -> Dune (KR) 2019-06"});
  EXPECT_FALSE(store.entity(r.moves[0].person));
  const auto log = store.write_log(0);
  ASSERT_EQ(log.size(), 3u);
  EXPECT_FALSE(log[1].initial_load);
  EXPECT_FALSE(log[2].initial_load);
  EXPECT_EQ(log[2].files_removed, 1);
  EXPECT_EQ(log[2].moves_retracted, 1);
  EXPECT_EQ(log[2].relations_retracted, 2);
}

TEST_F(LogTest, AnEditThatKeepsTheMovesLogsTheWriteWithoutMoves) {
  put("ann.json", career("s-ann", "Ann Lee", {{"Acme", "US", "2018", "2020"}, {"Bolt", "CN", "2021", ""}}));
  run_ok();
  // Another quote, the same stints: a write (a claim changed), no move changed.
  std::string text = career("s-ann", "Ann Lee", {{"Acme", "US", "2018", "2020"}, {"Bolt", "CN", "2021", ""}});
  text.replace(text.find("Ann Lee at Acme"), 15, "Lee was at Acme");
  put("ann.json", text);
  const RebuildReport r = run_ok();
  EXPECT_TRUE(r.written);
  EXPECT_TRUE(r.moves.empty());
  const auto log = store.write_log(0);
  ASSERT_EQ(log.size(), 2u);
  EXPECT_EQ(log[1].files_changed, 1);
  EXPECT_EQ(log[1].moves_new + log[1].moves_retracted, 0);
}

TEST_F(LogTest, DryRunLogsNothingButReportsTheMoves) {
  put("ann.json", career("s-ann", "Ann Lee", {{"Acme", "US", "2018", "2020"}, {"Bolt", "CN", "2021", ""}}));
  run_ok();
  put("ann.json", career("s-ann", "Ann Lee", {{"Acme", "US", "2018", "2020"}, {"Bolt", "CN", "2023", ""}}));
  RebuildOptions o;
  o.dry_run = true;
  const RebuildReport r = run_ok(o);
  EXPECT_EQ(r.moves.size(), 2u);
  EXPECT_EQ(store.write_log(0).size(), 1u);
  EXPECT_EQ(logged_rows(), 0u);  // the first load's move is counted, not logged
}

TEST_F(LogTest, PlainIngestsAreLoggedToo) {
  const std::string a = dir.write("in/ann.json", career("s-ann", "Ann Lee", {{"Acme", "US", "2018", "2020"}, {"Bolt", "CN", "2021", ""}}));
  auto r = ingest(store, {a}, IngestOptions{});
  ASSERT_TRUE(r) << r.error().str();
  const std::string b = dir.write("in/b.json", career("s-ann2", "Ann Lee", {{"Acme", "US", "2018", "2020"}, {"Bolt", "CN", "2021", ""}}));
  r = ingest(store, {b}, IngestOptions{});  // one more source of the same: no move changes
  ASSERT_TRUE(r) << r.error().str();
  const auto log = store.write_log(0);
  ASSERT_EQ(log.size(), 2u);
  EXPECT_EQ(log[0].kind, "ingest");
  EXPECT_TRUE(log[0].initial_load);  // into an empty store: counted, not itemised
  EXPECT_EQ(log[0].moves_new, 1);
  EXPECT_FALSE(log[1].initial_load);
  EXPECT_EQ(log[1].moves_new + log[1].moves_retracted, 0);
  EXPECT_EQ(logged_rows(), 0u);
  // A third ingest, of someone new: itemised.
  const std::string c = dir.write("in/c.json", career("s-cy", "Cy Dow", {{"Bolt", "CN", "2019", "2023"}, {"Cove", "US", "2024", ""}}));
  r = ingest(store, {c}, IngestOptions{});
  ASSERT_TRUE(r) << r.error().str();
  EXPECT_EQ(lines(store.logged_moves(0)), Strings{"+Cy Dow: Bolt (CN) -> Cove (US) 2024"});
}

TEST_F(LogTest, TheFirstLoadIsCountedAndChangesSaysSoWhateverTheFilter) {
  put("ann.json", career("s-ann", "Ann Lee", {{"Acme", "US", "2018", "2020"}, {"Bolt", "CN", "2021", ""}}));
  put("bo.json", career("s-bo", "Bo Park", {{"Cove", "US", "2015", "2019"}, {"Dune", "KR", "2019-06", ""}}));
  run_ok();
  queries::ChangeSearch s;
  auto c = changes(s);
  ASSERT_EQ(c.size(), 1u);
  EXPECT_TRUE(c[0].entry.initial_load);
  EXPECT_EQ(c[0].entry.moves_new, 2);
  EXPECT_TRUE(c[0].moves.empty());
  s.person = "Nobody Here";  // the count is the entry's: filters do not apply to it
  c = changes(s);
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c[0].entry.moves_new, 2);
  // --full into a store that holds something is itemised (and here changes no move).
  RebuildOptions full;
  full.full = true;
  RebuildReport r = run_ok(full);
  EXPECT_FALSE(r.initial_load);
  EXPECT_TRUE(r.moves.empty());
  const auto log = store.write_log(0);
  ASSERT_EQ(log.size(), 2u);
  EXPECT_FALSE(log[1].initial_load);
  EXPECT_EQ(log[1].moves_new + log[1].moves_retracted, 0);
}

TEST(LogFirstLoad, FullIntoAnEmptyStoreIsItemised) {
  ScratchDir dir;
  dir.write("src/ann.json", career("s-ann", "Ann Lee", {{"Acme", "US", "2018", "2020"}, {"Bolt", "CN", "2021", ""}}));
  Store store = must_open(dir.file("tg.db"));
  RebuildOptions o;
  o.sources = dir.file("src");
  o.full = true;
  auto r = rebuild(store, o);
  ASSERT_TRUE(r) << r.error().str();
  EXPECT_FALSE(r->initial_load);
  EXPECT_EQ(lines(r->moves), Strings{"+Ann Lee: Acme (US) -> Bolt (CN) 2021"});
  ASSERT_EQ(store.write_log(0).size(), 1u);
  EXPECT_FALSE(store.write_log(0)[0].initial_load);
  EXPECT_EQ(lines(store.logged_moves(0)), Strings{"+Ann Lee: Acme (US) -> Bolt (CN) 2021"});
}

TEST_F(LogTest, APartOfChangeRereadsEveryone) {
  // Ann: formerly at Bolt (undated), now at Bolt Research (2021). Once the lab is part of Bolt,
  // the two stints are one organisation's: no move. Nothing of Ann's is in the file that says so.
  json ann = test_support::document(
      "s-ann", {entity("p", "person", "Ann Lee"), entity("b", "company", "Bolt"), entity("l", "lab", "Bolt Research")},
      {rel("worked_at", "p", "b", {{"former", true}, {"quote", "formerly of Bolt"}}),
       rel("worked_at", "p", "l", {{"start", "2021"}, {"quote", "at Bolt Research since 2021"}})});
  put("ann.json", ann.dump());
  RebuildReport r = run_ok();
  EXPECT_TRUE(r.initial_load);
  EXPECT_EQ(r.moves_new(), 1u);  // Bolt -> Bolt Research, 2021
  json org = test_support::document("s-org", {entity("b", "company", "Bolt"), entity("l", "lab", "Bolt Research")},
                                    {rel("part_of", "l", "b", {{"quote", "Bolt's research lab"}})});
  put("org.json", org.dump());
  r = run_ok();
  EXPECT_EQ(lines(r.moves), Strings{"-Ann Lee: Bolt () -> Bolt Research () 2021"});
}

TEST_F(LogTest, ChangesSinceLastGenerationAndDateWithFilters) {
  ::setenv("TALENTGRAPH_NOW", "2026-11-01T03:00:00Z", 1);
  put("ann.json", career("s-ann", "Ann Lee", {{"Acme", "US", "2018", "2020"}, {"Bolt", "CN", "2021", ""}}));
  put("bo.json", career("s-bo", "Bo Park", {{"Cove", "US", "2015", "2019"}, {"Dune", "KR", "2019-06", ""}}));
  run_ok();
  ::setenv("TALENTGRAPH_NOW", "2026-11-02T03:00:00Z", 1);
  put("ann.json", career("s-ann", "Ann Lee", {{"Acme", "US", "2018", "2020"}, {"Bolt", "CN", "2022", ""}}));
  remove("bo.json");
  run_ok();
  ::unsetenv("TALENTGRAPH_NOW");
  const std::int64_t last = store.generation();

  queries::ChangeSearch s;
  auto c = changes(s);  // last
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c[0].entry.generation, last);
  EXPECT_EQ(c[0].entry.finished, "2026-11-02T03:00:00Z");
  EXPECT_EQ(c[0].entry.duration_ms, 0);  // a frozen clock
  EXPECT_EQ(lines(c[0].moves), (Strings{"+Ann Lee: Acme (US) -> Bolt (CN) 2022", "-Ann Lee: Acme (US) -> Bolt (CN) 2021",
                                        "-Bo Park: Cove (US) -> Dune (KR) 2019-06"}));
  s.to_country = "KR";  // a retracted move, of entities that are gone, filters too
  c = changes(s);
  EXPECT_EQ(lines(c[0].moves), Strings{"-Bo Park: Cove (US) -> Dune (KR) 2019-06"});
  s.to_country = "";
  s.person = "bo park";  // by the name logged
  EXPECT_EQ(lines(changes(s)[0].moves), Strings{"-Bo Park: Cove (US) -> Dune (KR) 2019-06"});
  s.person = "";
  s.from = "Acme";
  s.from_country = "US";
  s.window.window.first = PartialDate::parse("2022").value().first_day();
  EXPECT_EQ(lines(changes(s)[0].moves), Strings{"+Ann Lee: Acme (US) -> Bolt (CN) 2022"});

  s = {};
  s.since = std::to_string(last - 1);  // generation N and later
  c = changes(s);
  ASSERT_EQ(c.size(), 2u);
  EXPECT_TRUE(c[0].entry.initial_load);  // the first load: counted, not itemised
  EXPECT_EQ(c[0].entry.moves_new, 2);
  EXPECT_TRUE(c[0].moves.empty());
  EXPECT_FALSE(c[1].entry.initial_load);
  s.since = "2026-11-02";
  EXPECT_EQ(changes(s).size(), 1u);
  s.since = "2026-11";
  EXPECT_EQ(changes(s).size(), 2u);
  s.since = "2026-12-01";
  EXPECT_TRUE(changes(s).empty());
  s.since = "yesterday";
  auto bad = queries::changes(store, s);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, ErrorCode::usage);
}

TEST_F(LogTest, ForgetRemovesTheLoggedMovesOfEveryIdThePersonHad) {
  put("ann.json", career("s-ann", "Ann Lee", {{"Acme", "US", "2018", "2020"}, {"Bolt", "CN", "2021", ""}}));
  run_ok();  // the first load: Ann's move counted, not itemised
  // Ann retracted (Bo arrives the same night), then back under another id.
  remove("ann.json");
  put("bo.json", career("s-bo", "Bo Park", {{"Cove", "US", "2015", "2019"}, {"Dune", "KR", "2019-06", ""}}));
  run_ok();
  put("ann.json", career("s-ann", "Ann Lee", {{"Acme", "US", "2018", "2020"}, {"Bolt", "CN", "2021", ""}}));
  run_ok();
  // The first load's moves are not itemised: Ann's retraction (her old id) and her new move.
  ASSERT_EQ(logged_rows("person = 'Ann Lee'"), 2u);
  const auto ids = store.entities_with_alias_key("annlee");
  ASSERT_EQ(ids.size(), 1u);
  ASSERT_EQ(logged_rows(fmt::format("person_id <> {} AND person = 'Ann Lee'", raw(ids[0]))), 1u);
  auto f = forget_person(store, ids[0]);
  ASSERT_TRUE(f) << f.error().str();
  EXPECT_EQ(logged_rows("person = 'Ann Lee' OR person_key = 'annlee'"), 0u);
  EXPECT_EQ(logged_rows("person = 'Bo Park'"), 1u);
  // The entries count what the log holds: Ann's two rows left their counts. The first load's
  // count names nobody and stays.
  const auto log = store.write_log(0);
  ASSERT_EQ(log.size(), 3u);
  EXPECT_TRUE(log[0].initial_load);
  EXPECT_EQ(log[0].moves_new, 1);
  EXPECT_EQ(log[1].moves_new, 1);  // Bo's
  EXPECT_EQ(log[1].moves_retracted, 0);
  EXPECT_EQ(log[2].moves_new, 0);
  // A forget rule in the folder, the night Bo's file changes too: Bo's moves leave the log, and
  // his removal logs no retraction (nor does his file's new version, which leaves him out).
  put("curation.json", json{{"forget", {"Bo Park"}}}.dump());
  put("bo.json", career("s-bo", "Bo Park", {{"Cove", "US", "2015", "2019"}, {"Dune", "KR", "2019-07", ""}}));
  const RebuildReport r = run_ok();
  EXPECT_TRUE(r.written);
  EXPECT_TRUE(r.moves.empty()) << fmt::format("{}", fmt::join(lines(r.moves), "; "));
  EXPECT_EQ(logged_rows("person = 'Bo Park'"), 0u);
  // And a later ingest naming them again logs nothing of theirs.
  put("bo2.json", career("s-bo2", "Bo Park", {{"Cove", "US", "2015", "2019"}, {"Dune", "KR", "2019-06", ""}}));
  run_ok();
  EXPECT_EQ(logged_rows(), 0u);
}

TEST(LogMigration, ASchemaV1StoreGainsAnEmptyLogAndLogsItsNextWrite) {
  ScratchDir dir;
  const std::string path = dir.file("v1.db");
  const auto dump = read_file(std::string(TG_FIXTURES) + "/schema-v1/small.sql");
  ASSERT_TRUE(dump) << dump.error().str();
  {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(db, (*dump + "PRAGMA user_version = 1;").c_str(), nullptr, nullptr, nullptr), SQLITE_OK);
    sqlite3_close(db);
  }
  Store store = must_open(path);
  EXPECT_EQ(Store::kSchemaVersion, 8);
  EXPECT_TRUE(store.write_log(0).empty());
  EXPECT_FALSE(store.last_logged_generation());
  // The fixture's own careers, once more: the CSV file's rows were there, its claims are
  // restated; a new document adds a move.
  const std::string doc = dir.write("n.json", career("s-new", "Nia Obi", {{"Acme", "US", "2018", "2020"}, {"Bolt", "CN", "2021", ""}}));
  auto r = ingest(store, {doc}, IngestOptions{});
  ASSERT_TRUE(r) << r.error().str();
  const auto log = store.write_log(0);
  ASSERT_EQ(log.size(), 1u);
  EXPECT_EQ(log[0].generation, store.generation());
  EXPECT_EQ(log[0].moves_new, 1);
  EXPECT_FALSE(log[0].initial_load);  // the store held the fixture: itemised
  EXPECT_EQ(lines(store.logged_moves(0)), Strings{"+Nia Obi: Acme (US) -> Bolt (CN) 2021"});
}

// count_moves (what the first load logs) counts exactly the moves diff_moves would itemise, on
// careers with moved claims, part_of chains, repeated stints and several sources of one move.
TEST(LogFirstLoad, TheCountIsTheNumberOfMovesItemised) {
  ScratchDir dir;
  Store store = must_open(dir.file("tg.db"));
  const std::string fixtures = TG_FIXTURES;
  const std::string small = dir.file("small-careers.csv");  // a CSV file's name is its identity
  std::filesystem::copy_file(fixtures + "/small/careers.csv", small);
  auto r = ingest(store,
                  {fixtures + "/careers/careers.csv", fixtures + "/careers/news-a.json", fixtures + "/careers/news-b.json",
                   small, fixtures + "/small/world.json"},
                  IngestOptions{});
  ASSERT_TRUE(r) << r.error().str();
  const std::vector<LoggedMove> all = diff_moves(store, nullptr, MoveScope{{}, true});
  ASSERT_GT(all.size(), 10u);
  EXPECT_EQ(count_moves(store), all.size());
  ASSERT_EQ(store.write_log(0).size(), 1u);
  EXPECT_EQ(store.write_log(0)[0].moves_new, static_cast<std::int64_t>(all.size()));
}

}  // namespace
}  // namespace tg::ingest
