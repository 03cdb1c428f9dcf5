// The nightly rebuild: a folder of sources brought into the store incrementally (only what
// changed is read), in one transaction, with a manifest of the files; --full gives the same graph.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "graph/files.h"
#include "graph/lock.h"
#include "ingest/manifest.h"
#include "ingest/rebuild.h"
#include "tests/support/scratch.h"
#include "tests/support/store_builder.h"
#include "tests/support/table_dump.h"

namespace tg::ingest {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using test_support::must_open;
using test_support::ScratchDir;
using Strings = std::vector<std::string>;

const std::string kFixtures = TG_FIXTURES;

json document(const std::string& id, json entities, json relations) {
  return {{"source", {{"id", id}, {"title", "T"}, {"publisher", "P"}, {"published", "2024-01-01"}, {"language", "en"}}},
          {"entities", std::move(entities)},
          {"relations", std::move(relations)}};
}
json entity(const std::string& ref, const std::string& kind, const std::string& name) {
  return {{"ref", ref}, {"kind", kind}, {"name", name}};
}
json worked_at(const std::string& from, const std::string& to, const std::string& quote) {
  return {{"kind", "worked_at"}, {"from", from}, {"to", to}, {"quote", quote}};
}
// One person at one company, said by source `id`.
std::string stint(const std::string& id, const std::string& person, const std::string& company) {
  return document(id, {entity("p", "person", person), entity("c", "company", company)},
                  {worked_at("p", "c", person + " works at " + company + ".")})
      .dump(2);
}

class RebuildTest : public ::testing::Test {
 protected:
  std::string src() const { return dir.file("src"); }
  // Writes a source file with a modification time of its own, long past (no two alike, and
  // never "just now", which a rebuild does not trust: see ingest/manifest.h).
  void put(const std::string& rel, const std::string& text) {
    const std::string p = dir.write("src/" + rel, text);
    set_mtime(rel, ++clock_);
    (void)p;
  }
  void set_mtime(const std::string& rel, int tick) {
    using namespace std::chrono;
    fs::last_write_time(dir.file("src/" + rel),
                        file_clock::from_sys(sys_seconds{seconds{1'600'000'000 + 10 * tick}}));
  }
  void copy(const std::string& fixture, const std::string& rel) {
    auto bytes = read_file(kFixtures + "/" + fixture);
    ASSERT_TRUE(bytes) << bytes.error().str();
    put(rel, *bytes);
  }
  void remove(const std::string& rel) { fs::remove(dir.file("src/" + rel)); }

  Result<RebuildReport> run(RebuildOptions o = {}) {
    o.sources = src();
    return rebuild(store, o);
  }
  RebuildReport run_ok(RebuildOptions o = {}) {
    auto r = run(o);
    EXPECT_TRUE(r.has_value()) << (r ? "" : r.error().str());
    EXPECT_EQ(store.foreign_key_violations(), 0u);
    return r.value_or(RebuildReport{});
  }

  // Every row of every table but meta, ids and all: "nothing was written" is this, unchanged.
  Strings raw_dump() {
    return test_support::table_dump(store.path(),
                                    {"entities", "aliases", "external_ids", "sources", "relations", "claims", "mentions",
                                     "csv_files", "forgotten", "curation_rules", "source_files", "source_file_origins"});
  }

  ScratchDir dir;
  Store store = must_open(dir.file("tg.db"));
  int clock_ = 0;
};

// The graph as it reads, ids aside: entities with names, kinds, countries, aliases and external
// ids; relations with their ends by name, dates and claims with source and quote.
Strings canonical_dump(Store& store) {
  Strings out;
  auto name = [&](std::optional<EntityId> id) {
    if (!id) return std::string("-");
    auto e = store.entity(*id);
    return e ? fmt::format("{}:{}", to_string(e->kind), e->name) : std::string("?");
  };
  store.for_each_entity([&](const EntityRow& e) {
    Strings aliases, ids;
    for (const auto& a : store.aliases(e.id)) aliases.push_back(a.name);
    for (const auto& x : store.external_ids(e.id)) ids.push_back(x.scheme + ":" + x.value);
    std::ranges::sort(aliases);
    std::ranges::sort(ids);
    out.push_back(fmt::format("E {}:{} [{}] anon={} desc={} aliases={} ids={}", to_string(e.kind), e.name, e.country,
                              e.anonymous, e.description, fmt::join(aliases, ";"), fmt::join(ids, ";")));
  });
  store.for_each_relation({}, [&](const RelationRow& r) {
    Strings claims;
    for (const auto& ev : store.evidence(r.id))
      claims.push_back(fmt::format("{}|{}|{}|{}|{}", ev.source, ev.quote, ev.confidence, ev.file, ev.record));
    std::ranges::sort(claims);
    out.push_back(fmt::format("R {} {} -> {} [{}..{}] role={} former={} left={} status={} at={} claims={}",
                              to_string(r.kind), name(r.from), name(r.to), r.start.str(), r.end.str(), r.role,
                              r.former, name(r.left), r.status, name(r.location), fmt::join(claims, " ; ")));
  });
  std::ranges::sort(out);
  return out;
}

std::size_t people(Store& store) {
  std::size_t n = 0;
  store.for_each_entity([&](const EntityRow& e) { n += e.kind == NodeKind::person; });
  return n;
}

TEST(Manifest, HiddenAndEditorFilesAreIgnored) {
  for (const char* name : {".hidden.json", ".#news.json", "news.json~", "news.json.swp", "#news.json#", "x.tmp"})
    EXPECT_TRUE(ignored_name(name)) << name;
  for (const char* name : {"news.json", "careers.csv", "curation.json", "a.jsonl"}) EXPECT_FALSE(ignored_name(name)) << name;
}

TEST_F(RebuildTest, ScansOnlySourcesAndIgnoresHiddenAndEditorFiles) {
  put("a.json", stint("s-a", "Ann Lee", "Acme"));
  put("sub/b.json", stint("s-b", "Bo Park", "Bolt"));
  put(".git/c.json", stint("s-c", "Cy Hidden", "Cove"));  // a hidden folder
  put(".#a.json", stint("s-d", "Dee Lock", "Dock"));
  put("a.json~", "not json at all");
  put("b.json.swp", "not json at all");
  put("notes.txt", "not a source");
  auto files = scan_sources(src());
  ASSERT_TRUE(files) << files.error().str();
  Strings rels;
  for (const auto& f : *files) rels.push_back(f.rel);
  EXPECT_EQ(rels, (Strings{"a.json", "sub/b.json"}));

  const RebuildReport r = run_ok();
  EXPECT_EQ(r.added, (Strings{"a.json", "sub/b.json"}));
  EXPECT_EQ(people(store), 2u);  // neither Cy nor Dee
  EXPECT_TRUE(r.written);
}

TEST_F(RebuildTest, SecondRebuildWritesNothingAndKeepsTheGeneration) {
  copy("careers/news-a.json", "news-a.json");
  copy("careers/careers.csv", "cv/careers.csv");
  const RebuildReport first = run_ok();
  EXPECT_EQ(first.added.size(), 2u);
  EXPECT_TRUE(first.written);
  const auto generation = store.generation();
  EXPECT_EQ(first.generation, generation);
  const Strings before = raw_dump();

  const RebuildReport second = run_ok();
  EXPECT_TRUE(second.added.empty());
  EXPECT_TRUE(second.changed.empty());
  EXPECT_TRUE(second.removed.empty());
  EXPECT_EQ(second.unchanged, 2u);
  EXPECT_EQ(second.rehashed, 0u);  // size and mtime as before: not even read
  EXPECT_EQ(second.ingest.files, 0u);
  EXPECT_FALSE(second.written);
  EXPECT_EQ(store.generation(), generation);
  EXPECT_EQ(raw_dump(), before);
}

TEST_F(RebuildTest, ATouchedFileWithTheSameBytesIsSkipped) {
  put("a.json", stint("s-a", "Ann Lee", "Acme"));
  run_ok();
  const auto generation = store.generation();
  const Strings before = raw_dump();
  set_mtime("a.json", 99);
  const RebuildReport r = run_ok();
  EXPECT_EQ(r.rehashed, 1u);
  EXPECT_EQ(r.unchanged, 1u);
  EXPECT_TRUE(r.changed.empty());
  EXPECT_FALSE(r.written);
  EXPECT_EQ(store.generation(), generation);
  EXPECT_EQ(raw_dump(), before);
}

TEST_F(RebuildTest, ChangeDeleteAndReAdd) {
  copy("careers/news-a.json", "news-a.json");
  copy("careers/revised/news-c.json", "news-c.json");
  put("d.json", stint("s-d", "Dara Only", "Dune Labs"));
  run_ok();
  ASSERT_EQ(store.entity_by_external_id("x", "y"), std::nullopt);
  auto has = [&](const std::string& name) {
    bool found = false;
    store.for_each_entity([&](const EntityRow& e) { found = found || e.name == name; });
    return found;
  };
  ASSERT_TRUE(has("Port Ellis"));
  ASSERT_TRUE(has("Dara Only"));

  // Changed: the corrected news-c drops Corvid's Port Ellis office.
  copy("careers/revised-v2/news-c.json", "news-c.json");
  RebuildReport r = run_ok();
  EXPECT_EQ(r.changed, Strings{"news-c.json"});
  EXPECT_EQ(r.unchanged, 2u);
  EXPECT_EQ(r.ingest.files, 1u);  // only the changed file was read
  EXPECT_EQ(r.ingest.retracted.claims, 2u);
  EXPECT_FALSE(has("Port Ellis"));

  // Deleted: what only it said goes; nothing is read.
  remove("d.json");
  const auto before_delete = store.generation();
  r = run_ok();
  EXPECT_EQ(r.removed, Strings{"d.json"});
  EXPECT_EQ(r.ingest.files, 0u);
  EXPECT_EQ(r.ingest.retracted.relations, 1u);
  EXPECT_EQ(r.ingest.retracted.entities, 2u);  // Dara and Dune Labs
  EXPECT_FALSE(has("Dara Only"));
  EXPECT_FALSE(has("Dune Labs"));
  EXPECT_GT(store.generation(), before_delete);
  EXPECT_EQ(store.find_source("s-d"), std::nullopt);

  // Re-added: back as it was.
  put("d.json", stint("s-d", "Dara Only", "Dune Labs"));
  r = run_ok();
  EXPECT_EQ(r.added, Strings{"d.json"});
  EXPECT_TRUE(has("Dara Only"));
  Strings rels;
  for (const auto& f : store.source_files()) rels.push_back(f.path);
  EXPECT_EQ(rels, (Strings{"d.json", "news-a.json", "news-c.json"}));
}

TEST_F(RebuildTest, ASourceIdThatChangedInsideAFileRetractsTheOldId) {
  put("a.json", stint("old-id", "Ann Lee", "Acme"));
  run_ok();
  put("a.json", stint("new-id", "Ann Lee", "Apex"));
  const RebuildReport r = run_ok();
  EXPECT_EQ(r.changed, Strings{"a.json"});
  EXPECT_EQ(store.find_source("old-id"), std::nullopt);
  ASSERT_TRUE(store.find_source("new-id"));
  const Strings dump = canonical_dump(store);
  EXPECT_TRUE(std::ranges::none_of(dump, [](const std::string& l) { return l.find("Acme") != std::string::npos; }));
  const auto files = store.source_files();
  ASSERT_EQ(files.size(), 1u);
  EXPECT_EQ(files[0].origins, (std::vector<FileOrigin>{{FileOrigin::Kind::source, "new-id"}}));
}

// Two files giving one source id: when one changes, the other's claims are written back.
TEST_F(RebuildTest, AnUnchangedFileSharingASourceIdIsReadAgain) {
  put("a.json", stint("shared", "Ann Lee", "Acme"));
  put("b.json", stint("shared", "Bo Park", "Bolt"));
  run_ok();
  put("a.json", stint("shared", "Ann Lee", "Apex"));
  const RebuildReport r = run_ok();
  EXPECT_EQ(r.reread, 1u);
  const Strings dump = canonical_dump(store);
  EXPECT_TRUE(std::ranges::any_of(dump, [](const std::string& l) { return l.starts_with("R worked_at person:Bo Park"); }));
  EXPECT_TRUE(std::ranges::none_of(dump, [](const std::string& l) { return l.find("company:Acme") != std::string::npos; }));
}

TEST_F(RebuildTest, ADeletedCsvFileTakesItsRowsAlong) {
  const std::string header = "person,organization,role,start,end,source_url\n";
  put("a.json", stint("s-a", "Ann Lee", "Acme"));
  put("cv/people.csv", header + "Ann Lee,Acme,,2020,,https://cv.example.org/ann\nBo Park,Bolt,,2021,,https://cv.example.org/bo\n");
  run_ok();
  ASSERT_TRUE(store.find_csv_file("people.csv"));
  const auto files = store.source_files();
  ASSERT_EQ(files.size(), 2u);
  EXPECT_EQ(files[1].origins, (std::vector<FileOrigin>{{FileOrigin::Kind::csv_file, "people.csv"}}));
  remove("cv/people.csv");
  const RebuildReport r = run_ok();
  EXPECT_EQ(r.removed, Strings{"cv/people.csv"});
  EXPECT_EQ(r.ingest.retracted.claims, 2u);      // the two rows
  EXPECT_EQ(r.ingest.retracted.relations, 2u);   // Ann's stint from 2020 (not a.json's undated one) and Bo's
  EXPECT_EQ(r.ingest.retracted.entities, 2u);    // Bo and Bolt; Ann and Acme stay, a.json names them
  EXPECT_EQ(people(store), 1u);
  EXPECT_EQ(store.source_files().size(), 1u);
}

TEST_F(RebuildTest, IncrementalEqualsFull) {
  copy("careers/news-a.json", "news/news-a.json");
  copy("careers/news-b.json", "news/news-b.json");
  copy("careers/revised/news-c.json", "news/news-c.json");
  copy("careers/careers.csv", "careers.csv");
  put("d.json", stint("s-d", "Dara Only", "Dune Labs"));
  run_ok();
  // A night of changes: one revised, one removed, one added, the CSV cut by a row.
  copy("careers/revised-v2/news-c.json", "news/news-c.json");
  remove("news/news-b.json");
  put("e.json", stint("s-e", "Eli Stone", "Acme"));
  auto csv = read_file(kFixtures + "/careers/careers.csv");
  ASSERT_TRUE(csv);
  std::string cut = *csv;
  cut.erase(cut.rfind('\n', cut.size() - 2) + 1);  // the last row goes
  put("careers.csv", cut);
  const RebuildReport inc = run_ok();
  EXPECT_EQ(inc.changed, (Strings{"careers.csv", "news/news-c.json"}));
  EXPECT_EQ(inc.removed, Strings{"news/news-b.json"});
  EXPECT_EQ(inc.added, Strings{"e.json"});
  const Strings incremental = canonical_dump(store);
  ASSERT_FALSE(incremental.empty());

  RebuildOptions full;
  full.full = true;
  const RebuildReport f = run_ok(full);
  EXPECT_EQ(f.ingest.files, 5u);  // news-a, news-c, careers.csv, d, e
  EXPECT_TRUE(f.written);
  EXPECT_EQ(canonical_dump(store), incremental);

  // And a new store built from the folder in one go.
  Store fresh = must_open(dir.file("fresh.db"));
  RebuildOptions o;
  o.sources = src();
  auto r = rebuild(fresh, o);
  ASSERT_TRUE(r) << r.error().str();
  EXPECT_EQ(canonical_dump(fresh), incremental);
}

TEST_F(RebuildTest, WithoutKeepGoingABadFileChangesNothing) {
  put("a.json", stint("s-a", "Ann Lee", "Acme"));
  run_ok();
  const auto generation = store.generation();
  const Strings before = raw_dump();
  put("a.json", stint("s-a", "Ann Lee", "Apex"));     // a good change, which must not be applied
  put("bad.json", "{\"source\": {\"id\": \"s-bad\"},\n  \"entities\": 7\n}");
  auto r = run();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::bad_data);
  EXPECT_NE(r.error().str().find(dir.file("src/bad.json") + ":"), std::string::npos) << r.error().str();
  EXPECT_EQ(store.generation(), generation);
  EXPECT_EQ(raw_dump(), before);
}

TEST_F(RebuildTest, KeepGoingSkipsABadFileWhichKeepsItsPreviousClaims) {
  put("a.json", stint("s-a", "Ann Lee", "Acme"));
  put("b.json", stint("s-b", "Bo Park", "Bolt"));
  run_ok();
  put("a.json", "{ not json");                         // broken tonight
  put("b.json", stint("s-b", "Bo Park", "Brisk"));      // a good change
  RebuildOptions o;
  o.keep_going = true;
  const RebuildReport r = run_ok(o);
  ASSERT_EQ(r.skipped.size(), 1u);
  EXPECT_EQ(r.skipped[0].path, dir.file("src/a.json"));
  ASSERT_FALSE(r.skipped[0].errors.empty());
  EXPECT_EQ(r.skipped[0].errors[0].location.file, dir.file("src/a.json"));
  EXPECT_EQ(r.skipped[0].errors[0].location.line, 1u);
  EXPECT_EQ(r.changed, Strings{"b.json"});
  EXPECT_TRUE(r.written);
  const Strings dump = canonical_dump(store);
  // a.json's previous claims stay; b.json's change is in.
  EXPECT_TRUE(std::ranges::any_of(dump, [](const std::string& l) { return l.find("company:Acme") != std::string::npos && l.starts_with("R "); }));
  EXPECT_TRUE(std::ranges::any_of(dump, [](const std::string& l) { return l.find("company:Brisk") != std::string::npos && l.starts_with("R "); }));
  // Its manifest entry is the old one: the next night tries it again.
  const auto files = store.source_files();
  ASSERT_EQ(files.size(), 2u);
  EXPECT_EQ(files[0].path, "a.json");
  EXPECT_EQ(files[0].mtime_ns, 1'600'000'010LL * 1'000'000'000);
  put("a.json", stint("s-a", "Ann Lee", "Arc"));
  const RebuildReport fixed = run_ok(o);
  EXPECT_TRUE(fixed.skipped.empty());
  EXPECT_EQ(fixed.changed, Strings{"a.json"});
}

TEST_F(RebuildTest, DryRunWritesNothing) {
  put("a.json", stint("s-a", "Ann Lee", "Acme"));
  run_ok();
  const auto generation = store.generation();
  const Strings before = raw_dump();
  put("b.json", stint("s-b", "Bo Park", "Bolt"));
  remove("a.json");
  RebuildOptions o;
  o.dry_run = true;
  const RebuildReport r = run_ok(o);
  EXPECT_EQ(r.added, Strings{"b.json"});
  EXPECT_EQ(r.removed, Strings{"a.json"});
  EXPECT_EQ(r.ingest.relations_added, 1u);
  EXPECT_EQ(r.ingest.retracted.relations, 1u);
  EXPECT_FALSE(r.written);
  EXPECT_EQ(store.generation(), generation);
  EXPECT_EQ(raw_dump(), before);
}

TEST_F(RebuildTest, CsvFilesOfOneNameInTwoFoldersAreAnError) {
  const std::string header = "person,organization,role,start,end,source_url\n";
  put("a/careers.csv", header + "Ann Lee,Acme,,2020,,https://cv.example.org/ann\n");
  put("b/careers.csv", header + "Bo Park,Bolt,,2021,,https://cv.example.org/bo\n");
  auto r = run();
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().str().find("same name"), std::string::npos) << r.error().str();
  EXPECT_TRUE(store.source_files().empty());
}

TEST(WriterLock, ASecondHolderIsToldThePidAtOnce) {
  ScratchDir dir;
  const std::string db = dir.file("tg.db");
  {
    auto first = WriterLock::acquire(db);
    ASSERT_TRUE(first) << first.error().str();
    // flock locks belong to open files: a second open in this process contends like another process.
    auto second = WriterLock::acquire(db);
    ASSERT_FALSE(second);
    EXPECT_EQ(second.error().code, ErrorCode::busy);
    EXPECT_EQ(static_cast<int>(second.error().code), 75);
    EXPECT_NE(second.error().message.find(fmt::format("pid {}", ::getpid())), std::string::npos) << second.error().message;
  }
  // Released with its holder; the lock file left behind is free.
  EXPECT_TRUE(fs::exists(WriterLock::lock_path(db)));
  auto again = WriterLock::acquire(db);
  EXPECT_TRUE(again);
}

}  // namespace
}  // namespace tg::ingest
