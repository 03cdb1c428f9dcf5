// graph/store: opening (create, migrate, refuse what it cannot read), deduplication of relations
// and claims, merging and deleting entities with everything attached, transactions, and search
// over alias keys in any script. The database file is inspected with SQLite directly where the
// property is about the file (schema version, journal mode, what a forgotten person leaves).
#include "graph/store.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <algorithm>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

#include "graph/files.h"
#include "tests/support/scratch.h"
#include "tests/support/store_builder.h"

namespace tg {
namespace {

using test_support::must_open;
using test_support::ScratchDir;
using test_support::StoreBuilder;

// Runs one query on its own connection and returns the first column of every row as text.
std::vector<std::string> raw_query(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  std::vector<std::string> out;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    ADD_FAILURE() << "cannot open " << path;
    sqlite3_close(db);
    return out;
  }
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr) != SQLITE_OK) {
    ADD_FAILURE() << sql << ": " << sqlite3_errmsg(db);
  } else {
    while (sqlite3_step(st) == SQLITE_ROW) {
      const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
      out.emplace_back(p ? p : "");
    }
  }
  sqlite3_finalize(st);
  sqlite3_close(db);
  return out;
}

void raw_exec(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  char* msg = nullptr;
  EXPECT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &msg), SQLITE_OK) << (msg ? msg : "");
  sqlite3_free(msg);
  sqlite3_close(db);
}

PartialDate date(std::string_view text) { return PartialDate::parse(text).value(); }

SourceId add_source(StoreBuilder& build, const std::string& ext_id) {
  return build.source(ext_id, "", "title of " + ext_id).first;
}

RelationRow relation(RelationKind kind, EntityId from, EntityId to, std::string_view start = "",
                     std::string_view end = "") {
  RelationRow r;
  r.kind = kind;
  r.from = from;
  r.to = to;
  if (!start.empty()) r.start = date(start);
  if (!end.empty()) r.end = date(end);
  return r;
}

// Adds the relation (or finds it) and one claim for it.
RelationId claim(StoreBuilder& build, const RelationRow& r, SourceId source, const std::string& record,
                 double confidence = 1.0) {
  const RelationId id = build.relation(r).first;
  build.claim(id, source, record, confidence, "quote " + record, "test.json");
  return id;
}

std::vector<std::string> alias_names(Store& s, EntityId id) {
  std::vector<std::string> out;
  for (const auto& a : s.aliases(id)) out.push_back(a.name);
  std::ranges::sort(out);
  return out;
}

std::vector<std::string> hit_names(const std::vector<SearchHit>& hits) {
  std::vector<std::string> out;
  for (const auto& h : hits) out.push_back(h.name);
  return out;
}

// ---- opening ----

TEST(StoreOpen, CreatesAndMigratesANewDatabase) {
  ScratchDir dir;
  const std::string path = dir.file("tg.db");
  {
    Store s = must_open(path);
    EXPECT_EQ(s.path(), path);
    EXPECT_EQ(s.generation(), 0);
    const Stats st = s.stats();
    EXPECT_EQ(st.entities, 0);
    EXPECT_EQ(st.relations, 0);
    EXPECT_EQ(st.sources, 0);
    EXPECT_EQ(st.claims, 0);
    EXPECT_EQ(st.aliases, 0);
    EXPECT_TRUE(st.entities_by_kind.empty());
  }
  EXPECT_EQ(raw_query(path, "PRAGMA user_version"), std::vector<std::string>{std::to_string(Store::kSchemaVersion)});
  EXPECT_EQ(raw_query(path, "PRAGMA journal_mode"), std::vector<std::string>{"wal"});
  const auto tables = raw_query(path, "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name");
  for (const char* t : {"aliases", "claims", "curation_rules", "entities", "external_ids", "forgotten", "meta",
                        "relations", "sources"})
    EXPECT_NE(std::ranges::find(tables, t), tables.end()) << t;
}

// A store written by schema v1 (tests/fixtures/schema-v1: the small fixture, dumped by the
// sqlite3 shell) opens migrated: the search index is rebuilt without positions and still finds
// fragments, and deleting an alias still leaves the index.
TEST(StoreOpen, MigratesASchemaV1Store) {
  ScratchDir dir;
  const std::string path = dir.file("v1.db");
  const auto dump = read_file(std::string(TG_FIXTURES) + "/schema-v1/small.sql");
  ASSERT_TRUE(dump.has_value()) << dump.error().message;
  ASSERT_FALSE(dump->empty());
  raw_exec(path, *dump + "PRAGMA user_version = 1;");
  Store s = must_open(path);
  EXPECT_EQ(raw_query(path, "PRAGMA user_version"), std::vector<std::string>{std::to_string(Store::kSchemaVersion)});
  const auto fts = raw_query(path, "SELECT sql FROM sqlite_master WHERE name = 'alias_search'");
  ASSERT_EQ(fts.size(), 1u);
  EXPECT_NE(fts[0].find("detail='none'"), std::string::npos) << fts[0];
  EXPECT_EQ(s.stats().aliases, 37);
  auto hits = s.search_keys("redpine", 10);
  ASSERT_EQ(hits.size(), 2u);
  EXPECT_EQ(hits[0].name, "Redpine Technology");  // shorter name first
  EXPECT_EQ(hits[1].name, "Redpine Frontier Lab");
  hits = s.search_keys("松科技", 10);  // a fragment of 红松科技
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_EQ(hits[0].name, "Redpine Technology");
  EXPECT_EQ(s.search_keys("inetech", 10).size(), 1u);  // "redpinetech", inside the key
  EXPECT_TRUE(s.search_keys("enipder", 10).empty());   // its trigrams reversed: no false hit
  // v3: every relation got its identity hash, computed in SQL as the store computes it: each
  // one written again is found, not added.
  EXPECT_EQ(raw_query(path, "SELECT count(*) FROM relations WHERE identity = 0"), std::vector<std::string>{"0"});
  EXPECT_EQ(raw_query(path, "SELECT count(*) FROM (SELECT DISTINCT from_id, identity FROM relations)"),
            std::vector<std::string>{"38"});
  Store::Transaction tx(s);
  StoreBuilder build(s);
  std::size_t relations = 0;
  s.for_each_relation({}, [&](const RelationRow& r) {
    const auto [id, inserted] = build.relation(r);
    EXPECT_FALSE(inserted);
    EXPECT_EQ(id, r.id);
    ++relations;
  });
  EXPECT_EQ(relations, 38u);
  s.delete_entity(hits[0].id);
  tx.commit();
  hits = s.search_keys("redpine", 10);
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_EQ(hits[0].name, "Redpine Frontier Lab");
  EXPECT_TRUE(s.search_keys("松科技", 10).empty());
}

// v4 attributes what a v3 store holds to the origins whose claims touch it: CSV claims to their
// file (by name), every alias, id and country of an entity to each origin that has a claim about
// it; so that revising an origin of a migrated store retracts what it said, and no more.
TEST(StoreOpen, MigratesToV4AttributingRowsToOrigins) {
  ScratchDir dir;
  const std::string path = dir.file("v1.db");
  const auto dump = read_file(std::string(TG_FIXTURES) + "/schema-v1/small.sql");
  ASSERT_TRUE(dump.has_value()) << dump.error().message;
  raw_exec(path, *dump + "PRAGMA user_version = 1;");
  Store s = must_open(path);
  EXPECT_EQ(raw_query(path, "SELECT name FROM csv_files"), std::vector<std::string>{"careers.csv"});
  EXPECT_EQ(raw_query(path, "SELECT count(*) FROM claims WHERE csv_file <> 0"), std::vector<std::string>{"7"});
  EXPECT_EQ(raw_query(path, "SELECT count(*) FROM claims WHERE csv_file = 0 AND file LIKE '%.csv'"),
            std::vector<std::string>{"0"});
  // Redpine Technology (#4, CN): named by the world document (source 1), which is given every
  // alias (which origin gave which cannot be known any more).
  EXPECT_EQ(raw_query(path, "SELECT value FROM mentions WHERE entity_id = 4 AND source_id = 1 AND what = 1 ORDER BY value"),
            (std::vector<std::string>{"Redpine Tech", "Redpine Technology", "Redpine Technology Co., Ltd.", "红松科技"}));
  EXPECT_EQ(raw_query(path, "SELECT value FROM mentions WHERE entity_id = 4 AND source_id = 1 AND what = 3"),
            std::vector<std::string>{"CN"});
  // Every entity some claim touches is mentioned, by the origin of that claim.
  EXPECT_EQ(raw_query(path, "SELECT count(*) FROM claims c JOIN relations r ON r.id = c.relation_id WHERE NOT EXISTS "
                            "(SELECT 1 FROM mentions m WHERE m.entity_id = r.from_id AND m.source_id = "
                            "(CASE WHEN c.csv_file = 0 THEN c.source_id ELSE 0 END) AND m.csv_file = c.csv_file)"),
            std::vector<std::string>{"0"});
  EXPECT_EQ(raw_query(path, "SELECT count(*) FROM relations WHERE location_id IS NOT NULL"), std::vector<std::string>{"0"});
  // Retracting the CSV file takes its 7 claims, and no claim of the document.
  const std::int64_t before = s.stats().claims;
  Store::Transaction tx(s);
  s.retract(Origin{SourceId{0}, *s.find_csv_file("careers.csv")});
  const Retracted r = s.finish_revisions();
  tx.commit();
  EXPECT_EQ(r.claims, 7u);
  EXPECT_EQ(s.stats().claims, before - 7);
  EXPECT_EQ(s.foreign_key_violations(), 0u);
  EXPECT_EQ(raw_query(path, "SELECT count(*) FROM mentions WHERE csv_file <> 0"), std::vector<std::string>{"0"});
}

// The indexes a bulk load drops come back exactly as the schema defines them.
TEST(StoreOpen, BulkIndexesAreRecreatedAsDefined) {
  ScratchDir dir;
  const std::string path = dir.file("tg.db");
  Store s = must_open(path);
  const std::string sql = "SELECT name || ': ' || sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL ORDER BY name";
  const auto before = raw_query(path, sql);
  {
    Store::Transaction tx(s);
    s.drop_bulk_indexes();
    tx.commit();
  }
  const auto dropped = raw_query(path, sql);
  EXPECT_EQ(dropped.size() + 3, before.size());
  {
    Store::Transaction tx(s);
    s.create_bulk_indexes();
    tx.commit();
  }
  auto after = raw_query(path, sql);
  // CREATE INDEX IF NOT EXISTS is stored without its IF NOT EXISTS.
  for (auto& line : after)
    if (auto at = line.find("IF NOT EXISTS "); at != std::string::npos) line.erase(at, 14);
  EXPECT_EQ(after, before);
}

TEST(StoreOpen, InitialLoadNeedsANewFileAndEndsInWalMode) {
  ScratchDir dir;
  const std::string path = dir.file("new.db");
  {
    auto s = Store::open(path, OpenMode::initial_load);
    ASSERT_TRUE(s.has_value()) << s.error().message;
    EXPECT_TRUE(s->empty());
    EXPECT_EQ(raw_query(path, "PRAGMA journal_mode"), std::vector<std::string>{"delete"});  // as seen from outside
    s->finish_initial_load();
  }
  EXPECT_EQ(raw_query(path, "PRAGMA journal_mode"), std::vector<std::string>{"wal"});
  auto again = Store::open(path, OpenMode::initial_load);
  ASSERT_FALSE(again.has_value());
  EXPECT_EQ(again.error().str(), path + ": already exists (an initial load needs a new file)");
}

TEST(StoreOpen, ReopensWhatItWrote) {
  ScratchDir dir;
  const std::string path = dir.file("tg.db");
  EntityId id{};
  {
    Store s = must_open(path);
    Store::Transaction tx(s);
    StoreBuilder build(s);
    id = build.entity(NodeKind::company, "Acme", "acme", "US");
    tx.commit();
  }
  auto reopened = Store::open(path, OpenMode::existing_only);
  ASSERT_TRUE(reopened.has_value()) << reopened.error().message;
  auto e = reopened->entity(id);
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->name, "Acme");
  EXPECT_EQ(e->country, "US");
  EXPECT_EQ(e->kind, NodeKind::company);
  EXPECT_EQ(reopened->generation(), 1);
  EXPECT_EQ(raw_query(path, "PRAGMA user_version"), std::vector<std::string>{std::to_string(Store::kSchemaVersion)});
}

TEST(StoreOpen, ForeignKeysAreEnforced) {
  ScratchDir dir;
  Store s = must_open(dir.file("tg.db"));
  Store::Transaction tx(s);
  StoreBuilder build(s);
  const EntityId p = build.entity(NodeKind::person, "Jane Roe", "janeroe");
  EXPECT_THROW(build.relation(relation(RelationKind::worked_at, p, EntityId{9999})), StoreError);
  const SourceId src = add_source(build, "src");
  EXPECT_THROW(build.claim(RelationId{9999}, src), StoreError);
  EXPECT_THROW(build.alias(EntityId{9999}, "Ghost", "ghost"), StoreError);
}

TEST(StoreOpen, RefusesADatabaseFromANewerTalentgraph) {
  ScratchDir dir;
  const std::string path = dir.file("newer.db");
  raw_exec(path, "CREATE TABLE x(y); PRAGMA user_version = " + std::to_string(Store::kSchemaVersion + 1));
  for (OpenMode mode : {OpenMode::create_if_missing, OpenMode::existing_only}) {
    auto s = Store::open(path, mode);
    ASSERT_FALSE(s.has_value());
    EXPECT_EQ(s.error().code, ErrorCode::io);
    EXPECT_EQ(s.error().str(), path + ": database schema version " + std::to_string(Store::kSchemaVersion + 1) +
                                     " is newer than this talentgraph (" + std::to_string(Store::kSchemaVersion) + ")");
  }
  // Left as it was: not migrated, not switched to WAL.
  EXPECT_EQ(raw_query(path, "PRAGMA user_version"), std::vector<std::string>{std::to_string(Store::kSchemaVersion + 1)});
  EXPECT_EQ(raw_query(path, "PRAGMA journal_mode"), std::vector<std::string>{"delete"});
}

TEST(StoreOpen, MissingFileWithExistingOnlyIsMissingDb) {
  ScratchDir dir;
  const std::string path = dir.file("absent.db");
  auto s = Store::open(path, OpenMode::existing_only);
  ASSERT_FALSE(s.has_value());
  EXPECT_EQ(s.error().code, ErrorCode::missing_db);
  EXPECT_EQ(s.error().str(),
            path + ": no such database (create it with `talentgraph --db " + path + " ingest …`)");
  EXPECT_FALSE(std::filesystem::exists(path));
}

TEST(StoreOpen, MissingFolderCannotBeCreated) {
  ScratchDir dir;
  const std::string path = dir.file("no/such/folder/tg.db");
  auto s = Store::open(path, OpenMode::create_if_missing);
  ASSERT_FALSE(s.has_value());
  EXPECT_EQ(s.error().code, ErrorCode::io);
  EXPECT_EQ(s.error().str(), path + ": cannot open database: unable to open database file");
}

TEST(StoreOpen, RefusesAFileThatIsNotADatabaseAndLeavesItAlone) {
  ScratchDir dir;
  std::string text;
  for (int i = 0; i < 100; ++i) text += "person,organization,role,start,end,source_url\n";
  const std::string path = dir.write("careers.csv", text);
  for (OpenMode mode : {OpenMode::existing_only, OpenMode::create_if_missing}) {
    auto s = Store::open(path, mode);
    ASSERT_FALSE(s.has_value());
    EXPECT_EQ(s.error().code, ErrorCode::io);
    EXPECT_EQ(s.error().str(), path + " is not a talentgraph store (not an SQLite database); it was left as it was");
  }
  EXPECT_EQ(read_file(path).value(), text);
  EXPECT_FALSE(std::filesystem::exists(path + "-wal"));
}

// Only the modes that make stores write a schema: queries and writers of an existing store refuse
// an empty file and another application's database, byte for byte untouched. An empty file may
// become a store (ingest, rebuild); another application's database never does.
TEST(StoreOpen, OnlyCreatingModesMakeAStoreOfAFile) {
  ScratchDir dir;
  const std::string empty = dir.write("empty.db", "");
  const std::string other = dir.file("other.db");
  raw_exec(other, "CREATE TABLE notes(id INTEGER PRIMARY KEY, body TEXT); INSERT INTO notes(body) VALUES ('keep');");
  const std::string other_bytes = read_file(other).value();
  for (OpenMode mode : {OpenMode::read_only, OpenMode::existing_only}) {
    auto e = Store::open(empty, mode);
    ASSERT_FALSE(e.has_value());
    EXPECT_EQ(e.error().code, ErrorCode::io);
    EXPECT_EQ(e.error().str(), empty + " is not a talentgraph store (an empty file); it was left as it was");
    auto o = Store::open(other, mode);
    ASSERT_FALSE(o.has_value());
    EXPECT_EQ(o.error().code, ErrorCode::io);
    EXPECT_EQ(o.error().str(),
              other + " is not a talentgraph store (an SQLite database of another application); it was left as it was");
  }
  auto o = Store::open(other, OpenMode::create_if_missing);
  ASSERT_FALSE(o.has_value());
  EXPECT_NE(o.error().str().find("is not a talentgraph store"), std::string::npos) << o.error().str();
  EXPECT_EQ(read_file(empty).value(), "");
  EXPECT_EQ(read_file(other).value(), other_bytes);
  EXPECT_FALSE(std::filesystem::exists(empty + "-wal"));
  EXPECT_FALSE(std::filesystem::exists(other + "-wal"));
  // ingest's mode makes a store of the empty file.
  auto made = Store::open(empty, OpenMode::create_if_missing);
  ASSERT_TRUE(made.has_value()) << made.error().str();
  EXPECT_EQ(made->generation(), 0);
}

// A query's connection never writes: the file's bytes stay, and a write transaction fails.
TEST(StoreOpen, ReadOnlyOpensWriteNothing) {
  ScratchDir dir;
  const std::string path = dir.file("tg.db");
  {
    Store s = must_open(path);
    Store::Transaction tx(s);
    test_support::StoreBuilder(s).entity(NodeKind::person, "Ann Lee", "ann lee");
    tx.commit();
  }
  const std::string bytes = read_file(path).value();
  {
    auto s = Store::open(path, OpenMode::read_only);
    ASSERT_TRUE(s.has_value()) << s.error().str();
    EXPECT_TRUE(s->read_only());
    EXPECT_EQ(s->stats().entities, 1);
    EXPECT_EQ(s->generation(), 1);
    EXPECT_THROW(
        {
          Store::Transaction tx(*s);
          tx.commit();
        },
        StoreError);
  }
  EXPECT_EQ(read_file(path).value(), bytes);
}

// Every commit sets a new random write id (schema v8), so equal generations of two branches of a
// copied store differ.
TEST(StoreOpen, EveryCommitSetsANewWriteId) {
  ScratchDir dir;
  Store s = must_open(dir.file("tg.db"));
  const std::string first = s.write_id();
  EXPECT_EQ(first.size(), 16u);
  {
    Store::Transaction tx(s);
    tx.commit();
  }
  EXPECT_EQ(s.write_id().size(), 16u);
  EXPECT_NE(s.write_id(), first);
}

// The forgotten table keeps HMAC-SHA-256 of the digests under the store's own key: not the digest
// itself, and not the same in two stores. Unkeyed digests of older stores (keyed 0) still match.
TEST(StoreOpen, ForgottenDigestsAreKeyedPerStore) {
  ScratchDir dir;
  const std::string a_path = dir.file("a.db"), b_path = dir.file("b.db");
  const std::string digest = "4f6e65206e616d652c206469676573746564";
  for (const std::string& path : {a_path, b_path}) {
    Store s = must_open(path);
    Store::Transaction tx(s);
    s.add_forgotten(digest);
    tx.commit();
    EXPECT_TRUE(s.is_forgotten(digest));
    EXPECT_FALSE(s.is_forgotten("another"));
  }
  const auto a = raw_query(a_path, "SELECT digest || ' ' || keyed FROM forgotten");
  const auto b = raw_query(b_path, "SELECT digest || ' ' || keyed FROM forgotten");
  ASSERT_EQ(a.size(), 1u);
  ASSERT_EQ(b.size(), 1u);
  EXPECT_NE(a[0], b[0]);
  EXPECT_EQ(a[0].find(digest), std::string::npos);
  EXPECT_EQ(a[0].size(), 64u + 2);
  EXPECT_EQ(a[0].substr(64), " 1");
  // What a v7 store kept, migrated: matched as it is, and counted.
  raw_exec(a_path, "INSERT INTO forgotten(digest, keyed) VALUES ('" + std::string(64, 'c') + "', 0)");
  Store s = must_open(a_path);
  EXPECT_TRUE(s.is_forgotten(std::string(64, 'c')));
  // A keyed row is never matched by its own bytes.
  EXPECT_FALSE(s.is_forgotten(a[0].substr(0, 64)));
  EXPECT_EQ(s.unkeyed_forgotten(), 1u);
}

// Writers check the store first: a sound one has no problems; an index whose content does not
// match its definition (what quick_check cannot see, integrity_check can) is reported.
TEST(StoreOpen, IntegrityProblemsAreReported) {
  ScratchDir dir;
  const std::string path = dir.file("tg.db");
  {
    Store s = must_open(path);
    Store::Transaction tx(s);
    test_support::StoreBuilder b(s);
    for (int i = 0; i < 50; ++i) b.entity(NodeKind::person, "Person " + std::to_string(i), "person " + std::to_string(i));
    tx.commit();
    EXPECT_EQ(s.integrity_problems(), "");
  }
  raw_exec(path,
           "PRAGMA writable_schema = ON; UPDATE sqlite_schema SET sql = 'CREATE INDEX aliases_by_key ON aliases(name)' "
           "WHERE name = 'aliases_by_key';");
  Store s = must_open(path);
  EXPECT_NE(s.integrity_problems(), "");
}

// A new store in a folder of its own.
class StoreTest : public ::testing::Test {
 protected:
  ScratchDir dir;
  Store s = must_open(dir.file("tg.db"));
};
// Inside a write transaction, with a person and a company.
class StoreWrites : public StoreTest {
 protected:
  Store::Transaction tx{s};
  StoreBuilder build{s};
  const EntityId p = build.entity(NodeKind::person, "Jane Roe", "janeroe");
  const EntityId a = build.entity(NodeKind::company, "Acme", "acme");
};
class StoreTransaction : public StoreTest {};
class StoreReads : public StoreTest {};
class StoreSearchData : public StoreTest {};

// ---- writes and deduplication ----

TEST_F(StoreWrites, IdenticalRelationsAreOneRowEvenWithUnknownDates) {
  const EntityId b = build.entity(NodeKind::company, "Beta", "beta");

  const RelationRow undated = relation(RelationKind::worked_at, p, a);  // no start, no end, no left
  auto [first, inserted] = build.relation(undated);
  EXPECT_TRUE(inserted);
  auto [again, inserted_again] = build.relation(undated);
  EXPECT_FALSE(inserted_again);
  EXPECT_EQ(again, first);
  EXPECT_EQ(s.find_relation(test_support::relation_insert(undated)), first);
  // Written again without looking first, it is refused by the store itself.
  Store::RelationInsert duplicate = test_support::relation_insert(undated);
  duplicate.id = RelationId{raw(first) + 1000};
  EXPECT_THROW(s.insert_relations({&duplicate, 1}), StoreError);

  RelationRow dated = relation(RelationKind::worked_at, p, a, "2020", "2022-03");
  dated.role = "CEO";
  auto d1 = build.relation(dated);
  auto d2 = build.relation(dated);
  EXPECT_TRUE(d1.second);
  EXPECT_FALSE(d2.second);
  EXPECT_EQ(d1.first, d2.first);
  EXPECT_NE(d1.first, first);

  RelationRow moved = relation(RelationKind::moved, p, b, "2023");
  moved.left = a;
  EXPECT_TRUE(build.relation(moved).second);
  EXPECT_FALSE(build.relation(moved).second);

  // Any difference makes another relation: precision, role, former, left, status, direction.
  EXPECT_TRUE(build.relation(relation(RelationKind::worked_at, p, a, "2020-01", "2022-03")).second);
  RelationRow other_role = dated;
  other_role.role = "CTO";
  EXPECT_TRUE(build.relation(other_role).second);
  RelationRow former = undated;
  former.former = true;
  EXPECT_TRUE(build.relation(former).second);
  RelationRow moved_without_left = moved;
  moved_without_left.left.reset();
  EXPECT_TRUE(build.relation(moved_without_left).second);
  EXPECT_FALSE(build.relation(moved_without_left).second);
  RelationRow recruits = relation(RelationKind::recruits_from, a, b);
  EXPECT_TRUE(build.relation(recruits).second);
  EXPECT_TRUE(build.relation(relation(RelationKind::recruits_from, b, a)).second);
  RelationRow part = relation(RelationKind::part_of, b, a);
  part.status = "current";
  EXPECT_TRUE(build.relation(part).second);
  part.status = "spun_off";
  EXPECT_TRUE(build.relation(part).second);

  EXPECT_EQ(s.stats().relations, 11);
  tx.commit();
}

TEST_F(StoreWrites, RelationsReadBackAsWritten) {
  const EntityId b = build.entity(NodeKind::lab, "Zeta Lab", "zetalab");
  RelationRow m = relation(RelationKind::moved, p, b, "2024-04", "2024-05-02");
  m.left = a;
  m.role = "chip designer";
  const RelationId id = build.relation(m).first;
  const auto rows = s.relations_touching(a);  // touching through `left` only
  ASSERT_EQ(rows.size(), 1u);
  const RelationRow& r = rows[0];
  EXPECT_EQ(r.id, id);
  EXPECT_EQ(r.kind, RelationKind::moved);
  EXPECT_EQ(r.from, p);
  EXPECT_EQ(r.to, b);
  EXPECT_EQ(r.start.str(), "2024-04");
  EXPECT_EQ(r.end.str(), "2024-05-02");
  EXPECT_EQ(r.role, "chip designer");
  EXPECT_EQ(r.left, a);
  EXPECT_FALSE(r.former);
  tx.commit();
}

TEST_F(StoreWrites, SourcesAliasesAndClaimsAreDeduplicated) {
  EXPECT_FALSE(build.alias(p, "Jane Roe", "janeroe"));
  EXPECT_TRUE(build.alias(p, "J. Roe", "jroe"));

  // A source whose ext_id is known is found, not written again: the first one stays.
  auto [s1, new1] = build.source("example-2024", "https://example.org/a");
  auto [s2, new2] = build.source("example-2024", "https://example.org/other");
  EXPECT_TRUE(new1);
  EXPECT_FALSE(new2);
  EXPECT_EQ(s1, s2);
  EXPECT_EQ(s.source(s1)->url, "https://example.org/a");
  EXPECT_EQ(s.find_source("example-2024"), s1);
  EXPECT_FALSE(s.find_source("example-2025").has_value());
  const SourceId other = add_source(build, "other-source");

  const RelationId r = build.relation(relation(RelationKind::worked_at, p, a, "2020")).first;
  const Store::ClaimInsert c{.relation = r, .source = s1, .quote = "Jane joined Acme in 2020.", .file = "a.json",
                             .record = "relations[0]", .confidence = 0.5, .csv_file = 0, .location = std::nullopt};
  EXPECT_TRUE(build.claim(c));
  EXPECT_FALSE(build.claim(c));  // the same claim again: skipped by insert_claims
  Store::ClaimInsert other_record = c;
  other_record.record = "relations[1]";
  Store::ClaimInsert other_source = c;
  other_source.source = other;
  other_source.confidence = 0.9;
  // In one call: the new ones are counted, the known one skipped.
  const Store::ClaimInsert batch[] = {other_record, c, other_source};
  EXPECT_EQ(s.insert_claims(batch), 2u);

  const Stats st = s.stats();
  EXPECT_EQ(st.claims, 3);
  EXPECT_EQ(st.sources, 2);
  EXPECT_EQ(st.aliases, 3);
  // Evidence: best (highest confidence) first, each with its source's citation.
  const auto ev = s.evidence(r);
  ASSERT_EQ(ev.size(), 3u);
  EXPECT_EQ(ev[0].source, "other-source");
  EXPECT_DOUBLE_EQ(ev[0].confidence, 0.9);
  EXPECT_EQ(ev[1].source, "example-2024");
  EXPECT_EQ(ev[1].source_url, "https://example.org/a");
  EXPECT_EQ(ev[1].quote, "Jane joined Acme in 2020.");
  EXPECT_EQ(ev[1].file, "a.json");
  tx.commit();
}

TEST_F(StoreWrites, ConfidenceOutsideZeroToOneIsRefused) {
  const RelationId r = build.relation(relation(RelationKind::worked_at, p, a)).first;
  const SourceId src = add_source(build, "src");
  // Was a bug (fixed): claims were written with INSERT OR IGNORE, which also ignores the CHECK on
  // confidence: the claim was silently dropped and counted as "the same claim is already
  // recorded". A claim the schema refuses must fail loudly (StoreError).
  EXPECT_THROW(build.claim(r, src, "", 1.5), StoreError);
  EXPECT_EQ(s.stats().claims, 0);
}

TEST_F(StoreWrites, ExternalIdsFindTheirEntity) {
  const EntityId alibaba = build.entity(NodeKind::company, "Alibaba Group", "alibaba");
  build.external_id(alibaba, "wikidata", "Q1359568");
  build.external_id(alibaba, "wikidata", "Q1359568");  // again: ignored
  build.external_id(alibaba, "lei", "5493001");
  EXPECT_EQ(s.entity_by_external_id("wikidata", "Q1359568"), alibaba);
  EXPECT_FALSE(s.entity_by_external_id("wikidata", "Q1").has_value());
  EXPECT_FALSE(s.entity_by_external_id("lei", "Q1359568").has_value());
  const auto ids = s.external_ids(alibaba);
  ASSERT_EQ(ids.size(), 2u);
  EXPECT_EQ(ids[0].scheme, "lei");
  EXPECT_EQ(ids[1].scheme, "wikidata");
  EXPECT_EQ(ids[1].value, "Q1359568");
  EXPECT_EQ(s.entities_with_alias_key("alibaba"), std::vector<EntityId>{alibaba});
  EXPECT_TRUE(s.entities_with_alias_key("alibab").empty());
}

TEST_F(StoreWrites, ForgottenDigestsAndCurationRules) {
  EXPECT_FALSE(s.has_forgotten());
  const std::string digest(64, 'a');
  s.add_forgotten(digest);
  s.add_forgotten(digest);
  EXPECT_TRUE(s.has_forgotten());
  EXPECT_TRUE(s.is_forgotten(digest));
  EXPECT_FALSE(s.is_forgotten(std::string(64, 'b')));
  EXPECT_TRUE(s.add_curation_rule("same_as", "Meta\x1f" "Facebook"));
  EXPECT_FALSE(s.add_curation_rule("same_as", "Meta\x1f" "Facebook"));
  EXPECT_TRUE(s.add_curation_rule("not_same_as", "Google Brain\x1fGoogle DeepMind"));
  const auto rules = s.curation_rules();
  ASSERT_EQ(rules.size(), 2u);
  EXPECT_EQ(rules[0], (std::pair<std::string, std::string>{"not_same_as", "Google Brain\x1fGoogle DeepMind"}));
  EXPECT_EQ(rules[1], (std::pair<std::string, std::string>{"same_as", "Meta\x1f" "Facebook"}));
}

// ---- merging and deleting ----
// Both in checked transactions and in trusted ones (no foreign-key checks, no cascades, as
// ingest writes): deletes are explicit, so neither may leave a dangling row.

class StoreMerge : public StoreTest, public ::testing::WithParamInterface<Store::Checks> {};
class StoreDelete : public StoreTest, public ::testing::WithParamInterface<Store::Checks> {};
INSTANTIATE_TEST_SUITE_P(Checks, StoreMerge, ::testing::Values(Store::Checks::checked, Store::Checks::trusted));
INSTANTIATE_TEST_SUITE_P(Checks, StoreDelete, ::testing::Values(Store::Checks::checked, Store::Checks::trusted));

TEST_P(StoreMerge, MovesAliasesIdsRelationsAndClaimsAndMergesRelationsThatBecomeIdentical) {
  Store::Transaction tx(s, GetParam());
  StoreBuilder build(s);
  const EntityId p = build.entity(NodeKind::person, "Jane Roe", "janeroe");
  const EntityId keep = build.entity(NodeKind::company, "Meta Platforms", "metaplatforms");
  const EntityId drop = build.entity(NodeKind::company, "Facebook", "facebook", "US");
  const EntityId other = build.entity(NodeKind::company, "Acme", "acme");
  build.alias(drop, "Meta Platforms", "metaplatforms");  // shared with keep: must not be doubled
  build.alias(drop, "페이스북", "페이스북");
  build.external_id(drop, "wikidata", "Q380");
  const SourceId s1 = add_source(build, "s1"), s2 = add_source(build, "s2");

  const RelationId same_keep = claim(build, relation(RelationKind::worked_at, p, keep, "2020"), s1, "relations[0]");
  const RelationId same_drop = claim(build, relation(RelationKind::worked_at, p, drop, "2020"), s2, "relations[0]");
  claim(build, relation(RelationKind::worked_at, p, drop, "2020"), s1, "relations[0]");  // a claim keep also has
  const RelationId older = claim(build, relation(RelationKind::worked_at, p, drop, "2018", "2019"), s1, "relations[1]");
  RelationRow m = relation(RelationKind::moved, p, other, "2021");
  m.left = drop;
  const RelationId moved = claim(build, m, s2, "relations[2]");
  const RelationId part = claim(build, relation(RelationKind::part_of, drop, other), s2, "relations[3]");
  const RelationId recruits = claim(build, relation(RelationKind::recruits_from, other, drop), s2, "relations[4]");
  ASSERT_EQ(s.stats().relations, 6);
  ASSERT_EQ(s.stats().claims, 7);

  s.merge_entities(keep, drop);

  EXPECT_FALSE(s.entity(drop).has_value());
  EXPECT_TRUE(s.relations_touching(drop).empty());
  EXPECT_EQ(alias_names(s, keep), (std::vector<std::string>{"Facebook", "Meta Platforms", "페이스북"}));
  EXPECT_EQ(s.entities_with_alias_key("facebook"), std::vector<EntityId>{keep});
  EXPECT_EQ(s.entity_by_external_id("wikidata", "Q380"), keep);
  EXPECT_EQ(s.entity(keep)->country, "US");  // taken over: keep had none
  EXPECT_EQ(s.entity(keep)->name, "Meta Platforms");

  const Stats st = s.stats();
  EXPECT_EQ(st.entities, 3);
  EXPECT_EQ(st.relations, 5);  // the 2020 employments became one
  EXPECT_EQ(st.claims, 6);     // s1's identical claim on both is kept once
  EXPECT_EQ(st.aliases, 5);

  std::vector<RelationId> ids;
  for (const auto& r : s.relations_touching(keep)) ids.push_back(r.id);
  EXPECT_EQ(ids, (std::vector<RelationId>{same_keep, older, moved, part, recruits}));
  EXPECT_EQ(s.evidence(same_keep).size(), 2u);
  EXPECT_TRUE(s.evidence(same_drop).empty());
  for (const auto& r : s.relations_touching(keep)) {
    if (r.id == moved) {
      EXPECT_EQ(r.left, keep);
    } else if (r.id == part) {
      EXPECT_EQ(r.from, keep);
    } else if (r.id == recruits || r.id == older) {
      EXPECT_EQ(r.to, keep);
    }
  }
  // Merged relations dedupe later writes too: their identity was rewritten.
  EXPECT_FALSE(build.relation(relation(RelationKind::worked_at, p, keep, "2018", "2019")).second);
  EXPECT_EQ(s.foreign_key_violations(), 0u);
  tx.commit();
  // The search index follows the aliases.
  auto hits = s.search_keys("facebook", 10);
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_EQ(hits[0].id, keep);
  EXPECT_EQ(hits[0].name, "Meta Platforms");
  hits = s.search_keys("페이스", 10);
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_EQ(hits[0].id, keep);
}

TEST_P(StoreMerge, KeepsTheCountryOfTheKeptEntityAndIgnoresSelfMerge) {
  Store::Transaction tx(s, GetParam());
  StoreBuilder build(s);
  const EntityId keep = build.entity(NodeKind::company, "Acme", "acme", "US");
  const EntityId drop = build.entity(NodeKind::company, "Acme GmbH", "acmegmbh", "DE");
  s.merge_entities(keep, keep);
  EXPECT_TRUE(s.entity(keep).has_value());
  s.merge_entities(keep, drop);
  EXPECT_EQ(s.entity(keep)->country, "US");
  EXPECT_EQ(s.stats().entities, 1);
  EXPECT_EQ(s.aliases(drop).size(), 0u);
  EXPECT_EQ(s.foreign_key_violations(), 0u);
}

TEST_P(StoreDelete, CascadesToAliasesIdsRelationsAndClaimsAndDropsOrphanSources) {
  Store::Transaction tx(s, GetParam());
  StoreBuilder build(s);
  const EntityId p = build.entity(NodeKind::person, "Jane Roe", "janeroe");
  const EntityId victim = build.entity(NodeKind::company, "Acme", "acme");
  build.alias(victim, "에이크미", "에이크미");
  build.external_id(victim, "wikidata", "Q42");
  const EntityId b = build.entity(NodeKind::company, "Beta", "beta");
  const EntityId c = build.entity(NodeKind::company, "Gamma", "gamma");
  const SourceId only_victim = add_source(build, "only-victim");
  const SourceId only_moved = add_source(build, "only-moved");
  const SourceId mixed = add_source(build, "mixed");
  const SourceId unrelated = add_source(build, "unrelated");

  claim(build, relation(RelationKind::worked_at, p, victim, "2019"), only_victim, "r0");  // to
  claim(build, relation(RelationKind::worked_at, p, victim, "2019"), mixed, "r0");
  RelationRow m = relation(RelationKind::moved, p, b, "2021");
  m.left = victim;
  claim(build, m, only_moved, "r1");                                                       // left
  claim(build, relation(RelationKind::part_of, victim, c), only_victim, "r2");             // from
  const RelationId kept = claim(build, relation(RelationKind::worked_at, p, c, "2022"), mixed, "r3");
  claim(build, relation(RelationKind::worked_at, p, b, "2021"), unrelated, "r4");
  ASSERT_EQ(s.stats().relations, 5);
  ASSERT_EQ(s.stats().claims, 6);
  tx.commit();
  ASSERT_EQ(s.search_keys("에이크미", 10).size(), 1u);

  Store::Transaction tx2(s, GetParam());
  s.delete_entity(victim);
  EXPECT_EQ(s.foreign_key_violations(), 0u);
  tx2.commit();

  EXPECT_FALSE(s.entity(victim).has_value());
  EXPECT_TRUE(s.aliases(victim).empty());
  EXPECT_TRUE(s.external_ids(victim).empty());
  EXPECT_FALSE(s.entity_by_external_id("wikidata", "Q42").has_value());
  EXPECT_TRUE(s.entities_with_alias_key("에이크미").empty());
  EXPECT_TRUE(s.search_keys("에이크미", 10).empty());
  EXPECT_TRUE(s.relations_touching(victim).empty());
  const Stats st = s.stats();
  EXPECT_EQ(st.entities, 3);
  EXPECT_EQ(st.relations, 2);
  EXPECT_EQ(st.claims, 2);
  EXPECT_EQ(st.sources, 2);
  EXPECT_FALSE(s.source(only_victim).has_value());
  EXPECT_FALSE(s.source(only_moved).has_value());
  EXPECT_TRUE(s.source(mixed).has_value());
  EXPECT_TRUE(s.source(unrelated).has_value());
  EXPECT_EQ(s.evidence(kept).size(), 1u);
}

// ---- transactions ----

TEST_F(StoreTransaction, RollbackOnDestructionLeavesCountsAndGenerationUnchanged) {
  {
    Store::Transaction tx(s);
    StoreBuilder build(s);
    build.entity(NodeKind::company, "Acme", "acme");
    tx.commit();
  }
  const std::int64_t generation = s.generation();
  EXPECT_EQ(generation, 1);
  const Stats before = s.stats();
  {
    Store::Transaction tx(s);
    StoreBuilder build(s);
    const EntityId p = build.entity(NodeKind::person, "Jane Roe", "janeroe");
    const EntityId a = build.entity(NodeKind::company, "Beta", "beta");
    claim(build, relation(RelationKind::worked_at, p, a), add_source(build, "src"), "r0");
    s.add_forgotten(std::string(64, 'f'));
    ASSERT_EQ(s.stats().entities, 3);
  }  // no commit
  const Stats after = s.stats();
  EXPECT_EQ(after.entities, before.entities);
  EXPECT_EQ(after.relations, before.relations);
  EXPECT_EQ(after.claims, before.claims);
  EXPECT_EQ(after.sources, before.sources);
  EXPECT_EQ(after.aliases, before.aliases);
  EXPECT_EQ(s.generation(), generation);
  EXPECT_FALSE(s.has_forgotten());
  EXPECT_TRUE(s.search_keys("jane", 10).empty());
}

TEST_F(StoreTransaction, RollbackWhenAnExceptionLeavesTheScope) {
  EXPECT_THROW(
      {
        Store::Transaction tx(s);
        StoreBuilder build(s);
        build.entity(NodeKind::company, "Acme", "acme");
        throw std::runtime_error("midway");
      },
      std::runtime_error);
  EXPECT_EQ(s.stats().entities, 0);
  EXPECT_EQ(s.generation(), 0);
  // Rollback while a read statement was left mid-iteration must still work.
  {
    Store::Transaction tx(s);
    StoreBuilder build(s);
    build.entity(NodeKind::company, "Acme", "acme");
    build.entity(NodeKind::company, "Beta", "beta");
    int seen = 0;
    EXPECT_THROW(s.for_each_entity([&](const EntityRow&) {
      if (++seen == 1) throw std::runtime_error("stop reading");
    }),
                 std::runtime_error);
  }
  EXPECT_EQ(s.stats().entities, 0);
  // And the store is usable afterwards.
  Store::Transaction tx(s);
  StoreBuilder build(s);
  build.entity(NodeKind::company, "Gamma", "gamma");
  tx.commit();
  EXPECT_EQ(s.stats().entities, 1);
  EXPECT_EQ(s.generation(), 1);
}

TEST_F(StoreTransaction, TrustedLeavesReferencesToTheCallerAndChecksComeBackAfterIt) {
  {
    Store::Transaction tx(s, Store::Checks::trusted);
    StoreBuilder build(s);
    EXPECT_TRUE(build.claim(RelationId{999}, SourceId{999}));  // not checked: the caller vouches for its ids
    EXPECT_EQ(s.foreign_key_violations(), 2u);
    // rolled back
  }
  EXPECT_EQ(s.stats().claims, 0);
  {
    Store::Transaction tx(s);
    StoreBuilder build(s);
    EXPECT_THROW(build.claim(RelationId{999}, SourceId{999}), StoreError);  // checked again after the trusted one ended
  }
  {
    Store::Transaction tx(s, Store::Checks::trusted);
    tx.commit();
  }
  Store::Transaction tx(s);
  StoreBuilder build(s);
  EXPECT_THROW(build.claim(RelationId{999}, SourceId{999}), StoreError);  // and after one that committed
}

TEST_F(StoreTransaction, CommitBumpsGenerationOncePerCommit) {
  const std::string path = s.path();
  EXPECT_EQ(s.generation(), 0);
  for (int i = 1; i <= 3; ++i) {
    Store::Transaction tx(s);
    StoreBuilder build(s);
    build.entity(NodeKind::company, "Org " + std::to_string(i), "org" + std::to_string(i));
    tx.commit();
    EXPECT_EQ(s.generation(), i);
  }
  {
    Store::Transaction empty(s);
    empty.commit();  // even an empty commit is a new generation
  }
  EXPECT_EQ(s.generation(), 4);
  EXPECT_EQ(s.stats().entities, 3);
  // Another connection sees the committed state.
  auto other = Store::open(path, OpenMode::existing_only);
  ASSERT_TRUE(other.has_value());
  EXPECT_EQ(other->generation(), 4);
  EXPECT_EQ(other->stats().entities, 3);
}

// ---- reads ----

TEST_F(StoreReads, CareersAreGroupedByPersonWithOnlyCareerKinds) {
  Store::Transaction tx(s);
  StoreBuilder build(s);
  const EntityId p1 = build.entity(NodeKind::person, "Jane Roe", "janeroe");
  const EntityId p2 = build.entity(NodeKind::person, "John Doe", "johndoe");
  const EntityId a = build.entity(NodeKind::company, "Acme", "acme");
  const EntityId u = build.entity(NodeKind::university, "Uni", "uni");
  const SourceId src = add_source(build, "src");
  claim(build, relation(RelationKind::worked_at, p2, a, "2020"), src, "r0");
  claim(build, relation(RelationKind::worked_at, p1, a, "2010"), src, "r1");
  claim(build, relation(RelationKind::studied_at, p1, u, "2005"), src, "r2");
  claim(build, relation(RelationKind::founded, p1, a, "2012"), src, "r3");
  claim(build, relation(RelationKind::leads, p1, a, "2013"), src, "r4");
  RelationRow m = relation(RelationKind::moved, p1, u, "2015");
  m.left = a;
  claim(build, m, src, "r5");
  std::vector<std::pair<EntityId, std::vector<RelationKind>>> seen;
  s.for_each_career(std::nullopt, [&](EntityId person, const std::vector<RelationRow>& career) {
    std::vector<RelationKind> kinds;
    for (const auto& r : career) {
      EXPECT_EQ(r.from, person);
      kinds.push_back(r.kind);
    }
    seen.emplace_back(person, kinds);
  });
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0].first, p1);
  EXPECT_EQ(seen[0].second,
            (std::vector<RelationKind>{RelationKind::worked_at, RelationKind::founded, RelationKind::moved}));
  EXPECT_EQ(seen[1].first, p2);
  EXPECT_EQ(seen[1].second, std::vector<RelationKind>{RelationKind::worked_at});
  seen.clear();
  s.for_each_career(p2, [&](EntityId person, const std::vector<RelationRow>& career) {
    seen.emplace_back(person, std::vector<RelationKind>(career.size(), RelationKind::worked_at));
  });
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].first, p2);
  // for_each_relation filters by kind.
  int studied = 0, all = 0;
  s.for_each_relation({RelationKind::studied_at}, [&](const RelationRow& r) {
    EXPECT_EQ(r.kind, RelationKind::studied_at);
    ++studied;
  });
  s.for_each_relation({}, [&](const RelationRow&) { ++all; });
  EXPECT_EQ(studied, 1);
  EXPECT_EQ(all, 6);
  const Stats st = s.stats();
  EXPECT_EQ(st.entities_by_kind,
            (std::vector<std::pair<NodeKind, std::int64_t>>{{NodeKind::person, 2}, {NodeKind::company, 1},
                                                            {NodeKind::university, 1}}));
}

// ---- search ----

class StoreSearch : public StoreTest {
 protected:
  void SetUp() override {
    Store::Transaction tx(s);
    StoreBuilder build(s);
    // The exact match has the longest name, the substring match a shorter one than the prefix
    // match: only the rank puts them in the order exact, prefix, substring.
    exact = build.entity(NodeKind::company, "OpenAI Global Holdings Limited Partnership", "openai");
    prefix = build.entity(NodeKind::company, "OpenAI Japan Research", "openaijapan");
    substring = build.entity(NodeKind::company, "XOpenAI", "xopenai");
    kakao = build.entity(NodeKind::company, "카카오", "카카오");
    kakaobank = build.entity(NodeKind::company, "카카오뱅크", "카카오뱅크");
    mobility = build.entity(NodeKind::company, "Kakao Mobility", "kakaomobility");
    build.alias(mobility, "카카오모빌리티", "카카오모빌리티");
    alibaba = build.entity(NodeKind::company, "Alibaba", "alibaba");
    build.alias(alibaba, "阿里巴巴", "阿里巴巴");
    tx.commit();
  }

  EntityId exact{}, prefix{}, substring{}, kakao{}, kakaobank{}, mobility{}, alibaba{};
};

TEST_F(StoreSearch, RanksExactThenPrefixThenSubstring) {
  const auto hits = s.search_keys("openai", 10);
  ASSERT_EQ(hits.size(), 3u);
  EXPECT_EQ(hits[0].id, exact);
  EXPECT_EQ(hits[1].id, prefix);
  EXPECT_EQ(hits[2].id, substring);
  EXPECT_EQ(hits[0].matched, "OpenAI Global Holdings Limited Partnership");
  EXPECT_EQ(hits[0].kind, NodeKind::company);
}

TEST_F(StoreSearch, FindsFragmentsOfThreeOrMoreCharactersAnywhere) {
  EXPECT_EQ(hit_names(s.search_keys("enai", 10)),
            (std::vector<std::string>{"XOpenAI", "OpenAI Japan Research", "OpenAI Global Holdings Limited Partnership"}));
  EXPECT_EQ(hit_names(s.search_keys("japan", 10)), std::vector<std::string>{"OpenAI Japan Research"});
  EXPECT_EQ(hit_names(s.search_keys("카카오", 10)),
            (std::vector<std::string>{"카카오", "카카오뱅크", "Kakao Mobility"}));
  const auto mob = s.search_keys("모빌리", 10);
  ASSERT_EQ(mob.size(), 1u);
  EXPECT_EQ(mob[0].id, mobility);
  EXPECT_EQ(mob[0].matched, "카카오모빌리티");
  EXPECT_EQ(hit_names(s.search_keys("里巴巴", 10)), std::vector<std::string>{"Alibaba"});
  EXPECT_TRUE(s.search_keys("nothing", 10).empty());
  EXPECT_TRUE(s.search_keys("", 10).empty());
}

TEST_F(StoreSearch, FindsFragmentsOfOneOrTwoCharacters) {
  // Two Hangul (or Han) syllables are 6 bytes but 2 characters: too short for the trigram index,
  // so they must be scanned (a regression test: they once went to FTS and found nothing).
  EXPECT_EQ(hit_names(s.search_keys("카카", 10)),
            (std::vector<std::string>{"카카오", "카카오뱅크", "Kakao Mobility"}));
  EXPECT_EQ(hit_names(s.search_keys("뱅크", 10)), std::vector<std::string>{"카카오뱅크"});
  EXPECT_EQ(hit_names(s.search_keys("阿里", 10)), std::vector<std::string>{"Alibaba"});
  EXPECT_EQ(hit_names(s.search_keys("오", 10)), (std::vector<std::string>{"카카오", "카카오뱅크", "Kakao Mobility"}));
  // One or two Latin letters (one or two bytes) are scanned.
  EXPECT_EQ(hit_names(s.search_keys("xo", 10)), std::vector<std::string>{"XOpenAI"});
  const auto ai = s.search_keys("ai", 10);
  EXPECT_EQ(ai.size(), 3u);
}

TEST_F(StoreSearch, RespectsTheLimit) {
  EXPECT_EQ(s.search_keys("openai", 2).size(), 2u);
  EXPECT_EQ(s.search_keys("openai", 1)[0].id, exact);
  EXPECT_EQ(s.search_keys("o", 1).size(), 1u);
}

TEST_F(StoreSearchData, FindsAnAliasAddedAfterTheNewestOneWasDeleted) {
  {
    Store::Transaction tx(s);
    StoreBuilder build(s);
    build.entity(NodeKind::company, "Acme", "acme");
    build.entity(NodeKind::company, "Beta", "beta");
    tx.commit();
  }
  EntityId zeta{};
  {
    Store::Transaction tx(s);
    StoreBuilder build(s);
    s.delete_entity(s.entities_with_alias_key("beta").front());
    zeta = build.entity(NodeKind::company, "Zeta", "zeta");  // SQLite may hand out Beta's alias rowid again
    tx.commit();
  }
  // Was a bug (fixed): Transaction::commit indexes only aliases with id > meta.search_upto, but alias rowids are
  // reused after the highest one is deleted (INTEGER PRIMARY KEY without AUTOINCREMENT): Zeta's
  // alias takes Beta's old id and is never put in alias_search, so no search finds it.
  const auto hits = s.search_keys("zeta", 10);
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_EQ(hits[0].id, zeta);
  EXPECT_TRUE(s.search_keys("beta", 10).empty());
  EXPECT_EQ(hit_names(s.search_keys("acme", 10)), std::vector<std::string>{"Acme"});
}

TEST_F(StoreSearchData, NamesWithQuotesAndSqlAreStoredAndFoundAsData) {
  const std::string bobby = "Robert'); DROP TABLE entities;--";
  const std::string quoted = "The \"Best\" Lab";
  const std::string fts = "NEAR(a b) OR c* AND \"d\"";
  EntityId b{}, q{}, f{};
  {
    Store::Transaction tx(s);
    StoreBuilder build(s);
    b = build.entity(NodeKind::person, bobby, "robert'); drop table entities;--");
    q = build.entity(NodeKind::lab, quoted, "the\"best\"lab");
    f = build.entity(NodeKind::company, fts, "near(a b) or c* and \"d\"");
    tx.commit();
  }
  EXPECT_EQ(s.entity(b)->name, bobby);
  EXPECT_EQ(s.entity(q)->name, quoted);
  EXPECT_EQ(s.entity(f)->name, fts);
  EXPECT_EQ(s.stats().entities, 3);
  EXPECT_EQ(s.entities_with_alias_key("robert'); drop table entities;--"), std::vector<EntityId>{b});
  EXPECT_EQ(hit_names(s.search_keys("robert'); drop", 10)), std::vector<std::string>{bobby});
  EXPECT_EQ(hit_names(s.search_keys("'); drop table", 10)), std::vector<std::string>{bobby});
  EXPECT_EQ(hit_names(s.search_keys("\"best\"", 10)), std::vector<std::string>{quoted});
  EXPECT_EQ(hit_names(s.search_keys("\"", 10)), (std::vector<std::string>{quoted, fts}));
  EXPECT_EQ(hit_names(s.search_keys(") or c*", 10)), std::vector<std::string>{fts});
  EXPECT_EQ(hit_names(s.search_keys("or c", 10)), std::vector<std::string>{fts});
  EXPECT_TRUE(s.search_keys("* or", 10).empty());
  // The tables are all still there.
  auto reopened = Store::open(s.path(), OpenMode::existing_only);
  ASSERT_TRUE(reopened.has_value());
  EXPECT_EQ(reopened->stats().entities, 3);
}

}  // namespace
}  // namespace tg
