// ingest/ingest: the ingest run end to end on small files: entity resolution (scripts, suffixes,
// ids, ambiguity, curation), forgetting, all-or-nothing runs and idempotent re-ingests.
#include "ingest/ingest.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "graph/snapshot.h"
#include "tests/support/documents.h"
#include "tests/support/scratch.h"
#include "tests/support/store_builder.h"

namespace tg::ingest {
namespace {

using nlohmann::json;
using test_support::document;
using test_support::entity;
using test_support::must_open;
using test_support::rel;
using test_support::source;
using test_support::ScratchDir;
using Strings = std::vector<std::string>;


constexpr std::string_view kCsvHeader =
    "person,organization,role,start,end,source_url,person_id,organization_kind,organization_country\n";

class IngestTest : public ::testing::Test {
 protected:
  std::string write(const std::string& name, const json& doc) { return dir.write(name, doc.dump(2)); }
  std::string write(const std::string& name, const std::string& text) { return dir.write(name, text); }
  std::string write(const std::string& name, const char* text) { return dir.write(name, text); }

  Result<IngestReport> run(const std::vector<std::string>& paths) { return ingest(store, paths, IngestOptions{}); }

  IngestReport run_ok(const std::vector<std::string>& paths) {
    auto r = run(paths);
    EXPECT_TRUE(r.has_value()) << (r ? "" : r.error().str());
    // Ingest writes without SQLite's foreign-key checks: every reference must still hold.
    EXPECT_EQ(store.foreign_key_violations(), 0u);
    return r.value_or(IngestReport{});
  }

  std::vector<EntityRow> entities(std::optional<NodeKind> kind = std::nullopt) {
    std::vector<EntityRow> out;
    store.for_each_entity([&](const EntityRow& e) {
      if (!kind || e.kind == *kind) out.push_back(e);
    });
    return out;
  }

  std::vector<EntityRow> named(const std::string& name) {
    std::vector<EntityRow> out;
    for (auto& e : entities())
      if (e.name == name) out.push_back(e);
    return out;
  }

  EntityId only(const std::string& name) {
    auto e = named(name);
    EXPECT_EQ(e.size(), 1u) << name;
    return e.empty() ? EntityId{} : e.front().id;
  }

  Strings alias_names(EntityId id) {
    Strings out;
    for (const auto& a : store.aliases(id)) out.push_back(a.name);
    std::ranges::sort(out);
    return out;
  }

  // The `to` of every relation of `kind` from `from`.
  std::vector<EntityId> targets(EntityId from, RelationKind kind) {
    std::vector<EntityId> out;
    for (const auto& r : store.relations_touching(from))
      if (r.from == from && r.kind == kind) out.push_back(r.to);
    return out;
  }

  ScratchDir dir;
  Store store = must_open(dir.file("tg.db"));
};

void expect_same_stats(const Stats& a, const Stats& b) {
  EXPECT_EQ(a.entities, b.entities);
  EXPECT_EQ(a.relations, b.relations);
  EXPECT_EQ(a.sources, b.sources);
  EXPECT_EQ(a.claims, b.claims);
  EXPECT_EQ(a.aliases, b.aliases);
  EXPECT_EQ(a.entities_by_kind, b.entities_by_kind);
  EXPECT_EQ(a.relations_by_kind, b.relations_by_kind);
}

// ---- resolution ----

TEST_F(IngestTest, OneNodeAcrossScriptsAndLegalSuffixes) {
  const auto a = write("a.json", document("a", {entity("wu", "person", "Wu Yuxin"),
                                                entity("alibaba", "company", "Alibaba Group",
                                                       {{"aliases", {"알리바바"}}, {"country", "CN"}})},
                                          {rel("worked_at", "wu", "alibaba", {{"start", "2024-01"}})}));
  const auto b = write("b.json", document("b", {entity("jane", "person", "Jane Roe"), entity("ali", "company", "알리바바")},
                                          {rel("worked_at", "jane", "ali")}));
  const auto csv = write("careers.csv", std::string(kCsvHeader) +
                                            "Li Wei,Alibaba Group Holding Ltd.,Engineer,2020,2022,"
                                            "https://example.org/li,,company,CN\n");
  const IngestReport r = run_ok({a, b, csv});
  EXPECT_EQ(r.files, 3u);
  EXPECT_EQ(r.documents, 2u);
  EXPECT_EQ(r.csv_rows, 1u);
  EXPECT_EQ(r.entities_created, 4u);  // Wu, Alibaba, Jane, Li
  EXPECT_EQ(r.relations_added, 3u);
  EXPECT_EQ(r.sources_added, 3u);
  EXPECT_TRUE(r.ambiguities.empty());

  const auto companies = entities(NodeKind::company);
  ASSERT_EQ(companies.size(), 1u);
  const EntityId alibaba = companies[0].id;
  EXPECT_EQ(companies[0].name, "Alibaba Group");
  EXPECT_EQ(companies[0].country, "CN");
  EXPECT_EQ(alias_names(alibaba), (Strings{"Alibaba Group", "Alibaba Group Holding Ltd.", "알리바바"}));
  EXPECT_EQ(entities(NodeKind::person).size(), 3u);
  for (const char* person : {"Wu Yuxin", "Jane Roe", "Li Wei"})
    EXPECT_EQ(targets(only(person), RelationKind::worked_at), std::vector<EntityId>{alibaba}) << person;
}

TEST_F(IngestTest, ResolvesAgainstWhatEarlierRunsStored) {
  run_ok({write("a.json", document("a", {entity("alibaba", "company", "Alibaba Group", {{"aliases", {"알리바바"}}})},
                                   json::array()))});
  run_ok({write("careers.csv", std::string(kCsvHeader) + "Li Wei,알리바바,Engineer,2020,,,,company,\n")});
  run_ok({write("b.json", document("b", {entity("x", "company", "ALIBABA")}, json::array()))});
  EXPECT_EQ(entities(NodeKind::company).size(), 1u);
  EXPECT_EQ(targets(only("Li Wei"), RelationKind::worked_at), std::vector<EntityId>{only("Alibaba Group")});
}

TEST_F(IngestTest, NamesMatchOnlyWithinCompatibleKinds) {
  const IngestReport r = run_ok({write(
      "a.json", document("a", {entity("apple", "company", "Apple"), entity("apple-lab", "lab", "Apple Inc."),
                               entity("apple-person", "person", "Apple"), entity("apple-place", "place", "Apple")},
                         json::array()))});
  EXPECT_EQ(r.entities_created, 3u);  // company and lab are one organisation; the person and place stay apart
  EXPECT_EQ(named("Apple").size(), 3u);
  EXPECT_TRUE(named("Apple Inc.").empty());
}

TEST_F(IngestTest, ExplicitIdsWinOverNames) {
  run_ok({write("a.json", document("a",
                                   {entity("apex", "company", "Apex", {{"ids", {{"wikidata", "Q1"}}}}),
                                    entity("zenith", "company", "Zenith", {{"ids", {{"wikidata", "Q2"}}}}),
                                    entity("fb", "company", "Facebook", {{"ids", {{"wikidata", "Q380"}}}})},
                                   json::array()))});
  const EntityId apex = only("Apex"), zenith = only("Zenith"), fb = only("Facebook");
  const IngestReport r = run_ok({write(
      "b.json", document("b",
                         {entity("jane", "person", "Jane Roe"),
                          entity("x", "company", "Apex", {{"ids", {{"wikidata", "Q2"}}}}),
                          entity("meta", "company", "Meta Platforms", {{"ids", {{"wikidata", "Q380"}}}})},
                         {rel("worked_at", "jane", "x"), rel("worked_at", "jane", "meta")}))});
  EXPECT_EQ(r.entities_created, 1u);  // Jane only
  EXPECT_TRUE(r.ambiguities.empty());
  auto t = targets(only("Jane Roe"), RelationKind::worked_at);
  std::ranges::sort(t);
  std::vector<EntityId> expected{zenith, fb};
  std::ranges::sort(expected);
  EXPECT_EQ(t, expected);
  EXPECT_EQ(entities(NodeKind::company).size(), 3u);
  EXPECT_TRUE(store.relations_touching(apex).empty());
  EXPECT_EQ(alias_names(fb), (Strings{"Facebook", "Meta Platforms"}));
}

TEST_F(IngestTest, ANameFittingTwoEntitiesMergesNothingAndIsReported) {
  run_ok({write("a.json", document("a", {entity("apex", "company", "Apex", {{"ids", {{"wikidata", "Q1"}}}})},
                                   json::array())),
          write("b.json", document("b", {entity("apex", "company", "Apex Ltd.", {{"ids", {{"wikidata", "Q2"}}}})},
                                   json::array()))});
  auto apexes = entities(NodeKind::company);
  ASSERT_EQ(apexes.size(), 2u);  // the ids differ: two companies with one name
  const auto c = write("c.json", document("c", {entity("jane", "person", "Jane Roe"), entity("apex", "company", "APEX")},
                                          {rel("worked_at", "jane", "apex")}));
  const IngestReport r = run_ok({c});
  ASSERT_EQ(r.ambiguities.size(), 1u);
  const Ambiguity& a = r.ambiguities[0];
  EXPECT_EQ(a.where, c + ": entities[1]");
  EXPECT_EQ(a.name, "APEX");
  EXPECT_EQ(a.kind, NodeKind::company);
  EXPECT_EQ(a.candidates, (Strings{"Apex (company, #" + std::to_string(raw(apexes[0].id)) + ")",
                                   "Apex Ltd. (company, #" + std::to_string(raw(apexes[1].id)) + ")"}));
  // Nothing merged: a third node holds the new claim.
  EXPECT_EQ(entities(NodeKind::company).size(), 3u);
  EXPECT_TRUE(store.relations_touching(apexes[0].id).empty());
  EXPECT_TRUE(store.relations_touching(apexes[1].id).empty());
  EXPECT_EQ(targets(only("Jane Roe"), RelationKind::worked_at), std::vector<EntityId>{only("APEX")});
}

TEST_F(IngestTest, NotSameAsKeepsApart) {
  const auto brain = write("brain.json", document("brain", {entity("b", "lab", "Google Brain", {{"aliases", {"Google AI"}}})},
                                                  json::array()));
  const auto deepmind =
      write("deepmind.json",
            document("deepmind", {entity("d", "lab", "Google DeepMind", {{"aliases", {"Google AI"}}})}, json::array()));
  {
    // Without a rule the shared alias merges them: the control.
    ScratchDir other;
    Store s = must_open(other.file("tg.db"));
    ASSERT_TRUE(ingest(s, {brain, deepmind}, {}).has_value());
    EXPECT_EQ(s.stats().entities, 1);
  }
  IngestOptions options;
  options.curation_files.push_back(
      write("rules.json", R"({"not_same_as": [["Google Brain", "Google DeepMind"]]})"));
  auto r = ingest(store, {brain, deepmind}, options);
  ASSERT_TRUE(r.has_value()) << r.error().str();
  EXPECT_EQ(entities(NodeKind::lab).size(), 2u);
  EXPECT_EQ(store.curation_rules(),
            (std::vector<std::pair<std::string, std::string>>{{"not_same_as", "Google Brain\x1fGoogle DeepMind"}}));
  // The stored rule holds in later runs without the file.
  run_ok({write("again.json",
                document("again",
                         {entity("d", "lab", "Google DeepMind", {{"aliases", {"Google AI"}}}),
                          entity("p", "person", "Jane Roe")},
                         {rel("worked_at", "p", "d")}))});
  EXPECT_EQ(entities(NodeKind::lab).size(), 2u);
  EXPECT_EQ(targets(only("Jane Roe"), RelationKind::worked_at), std::vector<EntityId>{only("Google DeepMind")});
}

TEST_F(IngestTest, SameAsMergesExistingEntities) {
  run_ok({write("a.json", document("a",
                                   {entity("jane", "person", "Jane Roe"), entity("fb", "company", "Facebook"),
                                    entity("meta", "company", "Meta Platforms", {{"country", "US"}})},
                                   {rel("worked_at", "jane", "fb", {{"start", "2010"}, {"end", "2012"}}),
                                    rel("worked_at", "jane", "meta", {{"start", "2022"}})}))});
  ASSERT_EQ(entities(NodeKind::company).size(), 2u);
  const EntityId fb = only("Facebook"), meta = only("Meta Platforms");
  const std::int64_t generation = store.generation();

  const IngestReport r = run_ok({write("curation.json", R"({"same_as": [["Meta Platforms", "Facebook", "FB"]]})")});
  EXPECT_EQ(r.curation_merges, 1u);
  EXPECT_EQ(store.generation(), generation + 1);
  const auto companies = entities(NodeKind::company);
  ASSERT_EQ(companies.size(), 1u);
  const EntityId kept = companies[0].id;
  EXPECT_TRUE(kept == fb || kept == meta);
  EXPECT_EQ(alias_names(kept), (Strings{"Facebook", "Meta Platforms"}));
  EXPECT_EQ(companies[0].country, "US");
  EXPECT_EQ(targets(only("Jane Roe"), RelationKind::worked_at), (std::vector<EntityId>{kept, kept}));
  EXPECT_EQ(store.curation_rules(),
            (std::vector<std::pair<std::string, std::string>>{{"same_as", "Meta Platforms\x1f" "Facebook\x1f" "FB"}}));
  // A name of the group that no entity bears yet resolves into it.
  run_ok({write("b.json", document("b", {entity("john", "person", "John Doe"), entity("fb", "company", "FB")},
                                   {rel("worked_at", "john", "fb")}))});
  EXPECT_EQ(entities(NodeKind::company).size(), 1u);
  EXPECT_EQ(targets(only("John Doe"), RelationKind::worked_at), std::vector<EntityId>{kept});
}

TEST_F(IngestTest, AnonymousEntitiesNeverMergeByName) {
  const json anon = entity("anon", "person", "A former OpenAI researcher", {{"anonymous", true}});
  run_ok({write("a.json", document("a", {anon, entity("o", "company", "OpenAI")}, {rel("worked_at", "anon", "o")})),
          write("b.json", document("b", {anon, entity("o", "company", "OpenAI")}, {rel("worked_at", "anon", "o")}))});
  EXPECT_EQ(named("A former OpenAI researcher").size(), 2u);
  // Nor does a named person of the same name merge into one of them.
  run_ok({write("c.json", document("c", {entity("p", "person", "A former OpenAI researcher")}, json::array()))});
  EXPECT_EQ(named("A former OpenAI researcher").size(), 3u);
  for (const auto& e : named("A former OpenAI researcher")) EXPECT_EQ(store.relations_touching(e.id).size(), e.anonymous ? 1u : 0u);
  EXPECT_EQ(entities(NodeKind::company).size(), 1u);
}

TEST_F(IngestTest, PersonIdsKeepNamesakesApart) {
  const IngestReport r = run_ok({write("careers.csv", std::string(kCsvHeader) +
                                                          "Li Wei,Alpha,Engineer,2019,2020,,orcid:1,company,CN\n"
                                                          "Li Wei,Beta,Engineer,2021,,,orcid:2,company,CN\n"
                                                          "Li Wei,Gamma,Engineer,2022,,,orcid:1,company,CN\n"
                                                          "Li Wei,Delta,Engineer,2023,,,orcid:3,company,CN\n"
                                                          "Bo Li,Zeta,Engineer,2023,,,77,company,CN\n")});
  EXPECT_TRUE(r.ambiguities.empty());
  const auto lis = named("Li Wei");
  ASSERT_EQ(lis.size(), 3u);
  auto org_names = [&](EntityId p) {
    Strings out;
    for (EntityId o : targets(p, RelationKind::worked_at)) out.push_back(store.entity(o)->name);
    std::ranges::sort(out);
    return out;
  };
  EXPECT_EQ(org_names(lis[0].id), (Strings{"Alpha", "Gamma"}));
  EXPECT_EQ(org_names(lis[1].id), Strings{"Beta"});
  EXPECT_EQ(org_names(lis[2].id), Strings{"Delta"});
  const auto ids0 = store.external_ids(lis[0].id);
  ASSERT_EQ(ids0.size(), 1u);
  EXPECT_EQ(ids0[0].scheme, "orcid");
  EXPECT_EQ(ids0[0].value, "1");
  const auto bo = store.external_ids(only("Bo Li"));
  ASSERT_EQ(bo.size(), 1u);
  EXPECT_EQ(bo[0].scheme, "person_id");  // a bare id is the dataset's own
  EXPECT_EQ(bo[0].value, "77");
  // A row without an id fits all three: reported, nothing merged.
  const IngestReport again = run_ok({write("more.csv", std::string(kCsvHeader) + "Li Wei,Epsilon,Engineer,2024,,,,,\n")});
  ASSERT_EQ(again.ambiguities.size(), 1u);
  EXPECT_EQ(again.ambiguities[0].candidates.size(), 3u);
  EXPECT_EQ(again.ambiguities[0].where, dir.file("more.csv") + ":2");
  EXPECT_EQ(named("Li Wei").size(), 4u);
}

// ---- forgetting ----

class ForgetTest : public IngestTest {
 protected:
  // Every value in the database as text, "table: value"; `tables` limits it (empty: every table,
  // FTS shadow tables included).
  Strings all_text(const Strings& only_tables = {}) {
    Strings out;
    sqlite3* db = nullptr;
    EXPECT_EQ(sqlite3_open_v2(store.path().c_str(), &db, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
    Strings tables = only_tables;
    if (tables.empty()) {
      sqlite3_stmt* st = nullptr;
      sqlite3_prepare_v2(db, "SELECT name FROM sqlite_master WHERE type = 'table'", -1, &st, nullptr);
      while (sqlite3_step(st) == SQLITE_ROW) tables.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(st, 0)));
      sqlite3_finalize(st);
    }
    for (const auto& t : tables) {
      sqlite3_stmt* st = nullptr;
      if (sqlite3_prepare_v2(db, ("SELECT * FROM \"" + t + "\"").c_str(), -1, &st, nullptr) != SQLITE_OK) {
        ADD_FAILURE() << "no table " << t;
        continue;
      }
      while (sqlite3_step(st) == SQLITE_ROW) {
        for (int c = 0; c < sqlite3_column_count(st); ++c) {
          const auto* p = static_cast<const char*>(sqlite3_column_blob(st, c));
          out.push_back(t + ": " + (p ? std::string(p, static_cast<std::size_t>(sqlite3_column_bytes(st, c))) : ""));
        }
      }
      sqlite3_finalize(st);
    }
    sqlite3_close(db);
    return out;
  }

  // No value holds any spelling of the forgotten person's name or id.
  void expect_no_name(const Strings& texts) {
    for (const auto& text : texts)
      for (std::string_view name : {"Wu Yuxin", "우유신", "wuyuxin", "Yuxin", "yux", "0000-0001"})
        EXPECT_EQ(text.find(name), std::string::npos) << "found \"" << name << "\" in " << ::testing::PrintToString(text);
  }

  // The forgotten table holds one-way digests only, each with its `keyed` flag (schema v8: 1,
  // keyed by the store's secret).
  void expect_only_digests() {
    Strings digests;
    std::size_t flags = 0;
    for (const auto& row : all_text({"forgotten"})) {
      std::string value = row.substr(std::string("forgotten: ").size());
      if (value == "1")
        ++flags;
      else
        digests.push_back(std::move(value));
    }
    EXPECT_FALSE(digests.empty());
    EXPECT_EQ(flags, digests.size());
    for (const auto& d : digests) {
      EXPECT_EQ(d.size(), 64u) << d;
      EXPECT_TRUE(std::ranges::all_of(d, [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); })) << d;
    }
  }

  const Strings kTables = {"meta",   "entities", "aliases",   "external_ids",  "sources",
                           "relations", "claims", "forgotten", "curation_rules", "mentions", "csv_files"};

  std::string about_wu() {
    json doc = document("wu-joins-alibaba",
                        {entity("wu", "person", "Wu Yuxin", {{"aliases", {"우유신"}}, {"ids", {{"orcid", "0000-0001"}}}}),
                         entity("alibaba", "company", "Alibaba Group")},
                        {rel("worked_at", "wu", "alibaba", {{"start", "2024-01"}, {"quote", "Wu Yuxin joined Alibaba."}}),
                         rel("moved", "wu", "alibaba", {{"start", "2024-01"}})});
    doc["source"]["title"] = "Wu Yuxin joins Alibaba";
    return write("wu.json", doc);
  }

  std::string about_alibaba() {
    return write("alibaba.json",
                 document("alibaba-hq", {entity("alibaba", "company", "Alibaba Group"), entity("hz", "place", "Hangzhou")},
                          {rel("headquartered_in", "alibaba", "hz")}));
  }

  // Ingests both documents and forgets Wu by his Hangul alias through a curation file.
  void ingest_then_forget() {
    run_ok({about_wu(), about_alibaba()});
    ASSERT_EQ(entities(NodeKind::person).size(), 1u);
    ASSERT_EQ(store.stats().sources, 2);
    const IngestReport r = run_ok({write("curation.json", R"({"forget": ["우유신"]})")});
    EXPECT_EQ(r.forgotten_removed, 1u);
  }
};

TEST_F(ForgetTest, RemovesThePersonWithEveryClaimAndTheirSource) {
  ingest_then_forget();
  EXPECT_TRUE(entities(NodeKind::person).empty());
  const Stats after = store.stats();
  EXPECT_EQ(after.entities, 2);  // Alibaba and Hangzhou
  EXPECT_EQ(after.relations, 1);
  EXPECT_EQ(after.claims, 1);
  EXPECT_EQ(after.sources, 1);  // the source only about Wu went with its claims
  EXPECT_TRUE(store.curation_rules().empty());  // forget rules are never stored as names
  expect_no_name(all_text(kTables));
  expect_only_digests();
}

// Schema v4 keeps who said what (mentions): the person's names and ids as each source and CSV
// file gave them go with the person, from documents and CSV rows alike, and no byte of them is
// left in the file.
TEST_F(ForgetTest, LeavesNoMentionOfThePersonFromDocumentsOrCsvFiles) {
  run_ok({about_wu(), about_alibaba(),
          write("wu.csv", std::string(kCsvHeader) + "Wu Yuxin,Alibaba Group,Researcher,2023,,,orcid:0000-0001,,\n")});
  const EntityId wu = only("Wu Yuxin");
  ASSERT_FALSE(all_text({"mentions"}).empty());
  auto removed = forget_person(store, wu);
  ASSERT_TRUE(removed.has_value()) << removed.error().str();
  for (const auto& row : all_text({"mentions"})) EXPECT_EQ(row.find("Yuxin"), std::string::npos) << row;
  expect_no_name(all_text(kTables));
  expect_no_name(all_text());
  // Alibaba's mentions stay (another source names it); only the forgotten person's went.
  EXPECT_FALSE(all_text({"mentions"}).empty());
  EXPECT_EQ(store.foreign_key_violations(), 0u);
}

TEST_F(ForgetTest, KeepsThePersonOutOfLaterIngests) {
  ingest_then_forget();
  const IngestReport again = run_ok({about_wu()});
  EXPECT_GE(again.forgotten_skipped, 1u);
  EXPECT_EQ(again.relations_added, 0u);
  EXPECT_EQ(again.claims_added, 0u);
  EXPECT_TRUE(entities(NodeKind::person).empty());
  EXPECT_EQ(store.stats().relations, 1);
  EXPECT_EQ(store.stats().claims, 1);
  // Nor does he come back under another name with the same id, or under an alias alone.
  const IngestReport other =
      run_ok({write("other.json", document("other", {entity("y", "person", "Y. Wu", {{"ids", {{"orcid", "0000-0001"}}}}),
                                                     entity("alibaba", "company", "Alibaba Group")},
                                           {rel("worked_at", "y", "alibaba")})),
              write("csv.csv", std::string(kCsvHeader) + "우유신,Alibaba Group,Researcher,2024,,,,,\n")});
  EXPECT_EQ(other.forgotten_skipped, 2u);
  EXPECT_TRUE(entities(NodeKind::person).empty());
  EXPECT_EQ(store.stats().relations, 1);
  expect_only_digests();
}

TEST_F(ForgetTest, ALaterIngestStoresNoSourceThatOnlySpokeOfThem) {
  ingest_then_forget();
  run_ok({about_wu()});
  // Was a bug (fixed): write_document (ingest/ingest.cpp) upserts the document's source before resolving its
  // entities, so re-ingesting a document whose every claim is about a forgotten person stores its
  // source again, with no claim, and its title ("Wu Yuxin joins Alibaba") names him.
  EXPECT_EQ(store.stats().sources, 1);
  expect_no_name(all_text(kTables));
}

TEST_F(ForgetTest, TheSearchIndexKeepsNoFragmentOfTheirNames) {
  ingest_then_forget();
  EXPECT_TRUE(store.search_keys("우유신", 10).empty());
  EXPECT_TRUE(store.search_keys("yuxin", 10).empty());
  // Was a bug (fixed): deleting aliases from the external-content FTS5 table only adds delete markers; the
  // trigram segments in alias_search_data still hold "우유신", "wuy", "yux", "xin" … readable
  // after the person was forgotten (an 'optimize' or 'rebuild' of alias_search after forgetting
  // would drop them).
  expect_no_name(all_text());
}

TEST_F(ForgetTest, ForgetInTheSameRunKeepsThePersonOutFromTheStart) {
  IngestOptions options;
  options.curation_files.push_back(write("rules.json", R"({"forget": ["Wu Yuxin"]})"));
  auto r = ingest(store, {about_wu(), about_alibaba()}, options);
  ASSERT_TRUE(r.has_value()) << r.error().str();
  EXPECT_EQ(r->forgotten_removed, 0u);
  EXPECT_GE(r->forgotten_skipped, 1u);
  EXPECT_TRUE(entities(NodeKind::person).empty());
  EXPECT_EQ(store.stats().relations, 1);
  EXPECT_EQ(store.stats().claims, 1);
  expect_only_digests();
}

TEST_F(ForgetTest, ForgetPersonOnlyRemovesPeople) {
  run_ok({about_wu(), about_alibaba(),
          write("namesake.json", document("n", {entity("c", "company", "Wu Yuxin")}, json::array()))});
  const auto people = entities(NodeKind::person);
  ASSERT_EQ(people.size(), 1u);
  const EntityId wu = people.front().id;
  const auto namesakes = named("Wu Yuxin");
  ASSERT_EQ(namesakes.size(), 2u);
  const EntityId company = namesakes.front().id == wu ? namesakes.back().id : namesakes.front().id;
  // A company is refused, whatever its name, and nothing is recorded.
  auto refused = forget_person(store, company);
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code, ErrorCode::usage);
  EXPECT_EQ(refused.error().message, "Wu Yuxin is a company, not a person: forget removes people");
  EXPECT_FALSE(store.has_forgotten());
  // A dry run says what would go and changes nothing.
  const Stats before = store.stats();
  const std::int64_t generation = store.generation();
  auto dry = forget_person(store, wu, true);
  ASSERT_TRUE(dry.has_value());
  EXPECT_FALSE(dry->done);
  EXPECT_GE(dry->aliases, 1u);
  EXPECT_GE(dry->relations, 1u);
  EXPECT_EQ(store.stats().entities, before.entities);
  EXPECT_EQ(store.generation(), generation);
  EXPECT_FALSE(store.has_forgotten());
  // The person goes; the company of that name stays.
  auto removed = forget_person(store, wu);
  ASSERT_TRUE(removed.has_value());
  EXPECT_TRUE(removed->done);
  EXPECT_EQ(removed->relations, dry->relations);
  EXPECT_TRUE(entities(NodeKind::person).empty());
  EXPECT_EQ(named("Wu Yuxin").size(), 1u);
  EXPECT_TRUE(store.has_forgotten());
  auto again = forget_person(store, wu);
  ASSERT_FALSE(again.has_value());
  EXPECT_EQ(again.error().code, ErrorCode::not_found);
}

TEST_F(ForgetTest, ForgettingRemovesTheSnapshotCache) {
  // The cache holds names: once a person is forgotten it must go, whichever way they were.
  run_ok({about_wu(), about_alibaba()});
  const std::string cache = graph::cache_path(store);
  auto make_cache = [&] { std::ofstream(cache) << "names"; };
  make_cache();
  ASSERT_TRUE(forget_person(store, entities(NodeKind::person).front().id).has_value());
  EXPECT_FALSE(std::filesystem::exists(cache));

  make_cache();
  run_ok({write("jane.json", document("j", {entity("p", "person", "Jane Roe"), entity("c", "company", "Acme")},
                                      {rel("worked_at", "p", "c")}))});
  EXPECT_TRUE(std::filesystem::exists(cache));  // nobody forgotten: the cache stays (it is only stale)
  const IngestReport r = run_ok({write("forget.curation.json", json{{"forget", {"Jane Roe"}}})});
  EXPECT_EQ(r.forgotten_removed, 1u);
  EXPECT_FALSE(std::filesystem::exists(cache));
}

// ---- all or nothing ----

TEST_F(IngestTest, AnErrorInTheLastJsonFileWritesNothing) {
  run_ok({write("base.json", document("base", {entity("a", "company", "Acme")}, json::array()))});
  const Stats before = store.stats();
  const std::int64_t generation = store.generation();
  const auto good1 = write("1.json", document("one", {entity("p", "person", "Jane Roe"), entity("a", "company", "Acme")},
                                              {rel("worked_at", "p", "a")}));
  const auto good2 = write("2.json", document("two", {entity("p", "person", "John Doe"), entity("b", "company", "Beta")},
                                              {rel("worked_at", "p", "b")}));
  const auto bad = write("3.json", document("three", {entity("p", "person", "Wu")}, {rel("worked_at", "p", "nobody")}));
  auto r = run({good1, good2, bad});
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, ErrorCode::bad_data);
  EXPECT_EQ(r.error().str(), bad + ": relations[0].to: unknown ref \"nobody\"");
  expect_same_stats(store.stats(), before);
  EXPECT_EQ(store.generation(), generation);
}

TEST_F(IngestTest, AnErrorInTheLastCsvFileWritesNothing) {
  run_ok({write("base.json", document("base", {entity("a", "company", "Acme")}, json::array()))});
  const Stats before = store.stats();
  const std::int64_t generation = store.generation();
  const auto good_json = write("1.json", document("one", {entity("p", "person", "Jane Roe"), entity("a", "company", "Acme")},
                                                  {rel("worked_at", "p", "a")}));
  const auto good_csv = write("2.csv", std::string(kCsvHeader) + "John Doe,Beta,Engineer,2020,2021,,,,\n");
  const auto bad_csv = write("3.csv", std::string(kCsvHeader) +
                                          "Li Wei,Gamma,Engineer,2020,2021,,,,\n"
                                          "Wu,Delta,Engineer,2024-13,,,,,\n");
  auto r = run({good_json, good_csv, bad_csv});
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, ErrorCode::bad_data);
  EXPECT_EQ(r.error().str(), bad_csv + ":3:19: start: month out of range (found \"2024-13\")");
  expect_same_stats(store.stats(), before);
  EXPECT_EQ(store.generation(), generation);

  // A CSV syntax error at the very end, too.
  const auto unterminated = write("4.csv", std::string(kCsvHeader) + "Li Wei,Gamma,Engineer,2020,2021,,,,\n\"Wu,Delta");
  r = run({good_json, good_csv, unterminated});
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().str(), unterminated + ":3:1: unterminated quoted field");
  expect_same_stats(store.stats(), before);
  EXPECT_EQ(store.generation(), generation);
}

TEST_F(IngestTest, ErrorsOfSeveralFilesAreListedOnePerLine) {
  const auto bad1 = write("1.json", document("one", {entity("p", "person", "Jane")}, {rel("worked_at", "p", "x")}));
  const auto bad2 = write("2.json", "{");
  const auto bad_rules = write("rules.curation.json", R"({"forget": [""]})");
  auto r = run({bad1, bad2, bad_rules});
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().str(), bad1 + ": relations[0].to: unknown ref \"x\"\n" + bad2 +
                                   ":1:2: invalid JSON: syntax error while parsing object key - unexpected end of "
                                   "input; expected string literal\n" +
                                   bad_rules + ": forget[0]: expected a non-empty name");
  EXPECT_EQ(store.stats().entities, 0);
  EXPECT_EQ(store.generation(), 0);
}

TEST_F(IngestTest, StopsAfterMaxErrors) {
  std::string text(kCsvHeader);
  for (int i = 0; i < 5; ++i) text += "Wu,Delta,Engineer,2024-13,,,,,\n";
  const auto bad = write("bad.csv", text);
  IngestOptions options;
  options.max_errors = 3;
  auto r = ingest(store, {bad}, options);
  ASSERT_FALSE(r.has_value());
  const std::string one = ":19: start: month out of range (found \"2024-13\")";
  EXPECT_EQ(r.error().str(), bad + ":2" + one + "\n" + bad + ":3" + one + "\n" + bad + ":4" + one +
                                   "\n(stopped after 3 errors)");
}

// ---- large runs and new stores ----

// Every row of `table` as text, in a fixed order.
Strings table_rows(const std::string& path, const std::string& table, const std::string& order = "1, 2, 3") {
  Strings out;
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  const std::string sql = "SELECT * FROM " + table + " ORDER BY " + order;
  EXPECT_EQ(sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr), SQLITE_OK) << sql;
  while (sqlite3_step(st) == SQLITE_ROW) {
    std::string row;
    for (int c = 0; c < sqlite3_column_count(st); ++c) {
      const auto* t = reinterpret_cast<const char*>(sqlite3_column_text(st, c));
      row += (t ? t : "NULL");
      row += '|';
    }
    out.push_back(std::move(row));
  }
  sqlite3_finalize(st);
  sqlite3_close(db);
  return out;
}

const Strings kDataTables = {"entities", "aliases", "external_ids", "sources", "relations", "claims"};

// A career CSV of `people` people with 3 rows each, over a few organisations; `offset` shifts
// which people (so that a second file names some people of the first).
std::string careers(int people, int offset) {
  std::string csv(kCsvHeader);
  for (int p = offset; p < offset + people; ++p)
    for (int j = 0; j < 3; ++j)
      csv += fmt::format("Person {} Example,Org {} Inc.,Engineer,{},{},https://example.org/p{},pid-{},company,{}\n", p,
                         (p * 7 + j) % 23, 2000 + j * 3, 2002 + j * 3, p, p, j == 1 ? "US" : "");
  return csv;
}

TEST(IngestLargeRuns, RebuildingIndexesGivesTheSameStoreAsUpdatingThem) {
  ScratchDir dir;
  const std::string first = dir.write("first.csv", careers(800, 0)), second = dir.write("second.csv", careers(800, 500));
  const std::string doc = dir.write("doc.json", document("doc", {entity("p", "person", "Person 3 Example",
                                                                         {{"ids", {{"person_id", "pid-3"}}}}),
                                                                  entity("o", "company", "Org 5")},
                                                         {rel("founded", "p", "o", {{"start", "2010"}})})
                                                    .dump());
  std::map<bool, std::string> paths;
  for (bool rebuild : {true, false}) {
    paths[rebuild] = dir.file(rebuild ? "rebuilt.db" : "updated.db");
    Store store = must_open(paths[rebuild]);
    IngestOptions options;
    options.rebuild_indexes = rebuild;
    // An empty store first (no lookups), then one whose people the second file names again.
    for (const auto& inputs : {Strings{first}, Strings{second, doc}}) {
      auto r = ingest(store, inputs, options);
      ASSERT_TRUE(r.has_value()) << r.error().str();
    }
    EXPECT_EQ(store.foreign_key_violations(), 0u);
    EXPECT_EQ(store.entities_with_alias_key("person3example").size(), 1u);
  }
  for (const auto& t : kDataTables) EXPECT_EQ(table_rows(paths[true], t), table_rows(paths[false], t)) << t;
  const std::string indexes = "SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL ORDER BY name";
  EXPECT_EQ(table_rows(paths[true], "(" + indexes + ")", "1"), table_rows(paths[false], "(" + indexes + ")", "1"));
  EXPECT_EQ(table_rows(paths[true], "(" + indexes + ")", "1"),
            (Strings{"aliases_by_key|", "claims_by_csv_file|", "claims_by_source|", "external_ids_by_entity|",
                     "mentions_by_entity|", "rebuild_moves_by_generation|", "rebuild_moves_by_key|",
                     "rebuild_moves_by_person|", "rebuilds_by_finished|", "relations_by_left|",
                     "relations_by_location|", "relations_by_to|", "relations_identity|"}));
  EXPECT_EQ(table_rows(paths[true], "entities").size(), 1300u + 23u);
}

Strings files_in(const ScratchDir& dir) {
  Strings out;
  for (const auto& f : std::filesystem::directory_iterator(dir.path())) out.push_back(f.path().filename().string());
  std::ranges::sort(out);
  return out;
}

TEST(IngestNewStore, IsBuiltAsideAndPutInPlace) {
  ScratchDir dir;
  const std::string csv = dir.write("c.csv", careers(50, 0));
  const std::string path = dir.file("new.db");
  auto r = ingest_new_store(path, {csv}, IngestOptions{});
  ASSERT_TRUE(r.has_value()) << r.error().str();
  EXPECT_EQ(r->relations_added, 150u);
  EXPECT_EQ(files_in(dir), (Strings{"c.csv", "new.db"}));
  Store store = must_open(path);
  EXPECT_EQ(store.stats().claims, 150);
  EXPECT_EQ(store.foreign_key_violations(), 0u);
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &st, nullptr);
  ASSERT_EQ(sqlite3_step(st), SQLITE_ROW);
  EXPECT_STREQ(reinterpret_cast<const char*>(sqlite3_column_text(st, 0)), "wal");
  sqlite3_finalize(st);
  sqlite3_close(db);
}

TEST(IngestNewStore, AFailedRunLeavesNoFileBehind) {
  ScratchDir dir;
  const std::string csv = dir.write("c.csv", careers(50, 0) + "Someone,Acme,,2020-13,,,,,\n");
  const std::string path = dir.file("new.db");
  auto r = ingest_new_store(path, {csv}, IngestOptions{});
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, ErrorCode::bad_data);
  EXPECT_EQ(files_in(dir), Strings{"c.csv"});
}

TEST(IngestNewStore, NeverReplacesAStoreCreatedMeanwhile) {
  ScratchDir dir;
  const std::string csv = dir.write("c.csv", careers(20, 0));
  const std::string path = dir.write("new.db", "someone else's store");
  auto r = ingest_new_store(path, {csv}, IngestOptions{});
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, ErrorCode::io);
  EXPECT_EQ(r.error().str(), path + ": created by another process during this ingest; nothing was written (run it "
                                      "again to add to that store)");
  EXPECT_EQ(files_in(dir), (Strings{"c.csv", "new.db"}));
  std::ifstream in(path);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(text, "someone else's store");
}

// ---- idempotence and fusion ----

TEST_F(IngestTest, ReingestingTheSameFilesAddsNothing) {
  const auto a = write("a.json", document("a", {entity("p", "person", "Jane Roe"), entity("o", "company", "Acme Inc.")},
                                          {rel("worked_at", "p", "o", {{"start", "2019"}, {"quote", "Jane joined Acme."}}),
                                           rel("worked_at", "p", "o", {{"start", "2015"}, {"end", "2016"}})}));
  const auto csv = write("c.csv", std::string(kCsvHeader) +
                                      "Jane Roe,Acme,Engineer,2017,2018,https://example.org/jane,,,\n"
                                      "John Doe,Acme,,2017,,,,,\n");
  const IngestReport first = run_ok({a, csv});
  EXPECT_EQ(first.relations_added, 4u);
  EXPECT_EQ(first.claims_added, 4u);
  const Stats before = store.stats();
  const IngestReport second = run_ok({a, csv});
  EXPECT_EQ(second.relations_added, 0u);
  EXPECT_EQ(second.claims_added, 0u);
  EXPECT_EQ(second.relations_existing, 4u);
  EXPECT_EQ(second.claims_existing, 4u);
  EXPECT_EQ(second.entities_created, 0u);
  EXPECT_EQ(second.sources_added, 0u);
  EXPECT_EQ(second.aliases_added, 0u);
  expect_same_stats(store.stats(), before);
}

TEST_F(IngestTest, OneRelationFromTwoSourcesHasTwoClaims) {
  auto doc = [&](const std::string& id, const std::string& quote, double confidence) {
    return write(id + ".json",
                 document(id, {entity("p", "person", "Jane Roe"), entity("o", "company", "Acme")},
                          {rel("worked_at", "p", "o", {{"start", "2019"}, {"quote", quote}, {"confidence", confidence}})}));
  };
  const IngestReport r = run_ok({doc("one", "Jane joined Acme in 2019.", 0.6), doc("two", "Acme hired Jane.", 0.9)});
  EXPECT_EQ(r.relations_added, 1u);
  EXPECT_EQ(r.relations_existing, 1u);
  EXPECT_EQ(r.claims_added, 2u);
  const auto rels = store.relations_touching(only("Jane Roe"));
  ASSERT_EQ(rels.size(), 1u);
  const auto ev = store.evidence(rels[0].id);
  ASSERT_EQ(ev.size(), 2u);
  EXPECT_EQ(ev[0].source, "two");
  EXPECT_EQ(ev[0].quote, "Acme hired Jane.");
  EXPECT_EQ(ev[0].record, "relations[0]");
  EXPECT_EQ(ev[0].file, dir.file("two.json"));
  EXPECT_EQ(ev[1].source, "one");
}

TEST_F(IngestTest, CsvClaimsCiteTheirUrlOrTheFile) {
  const auto csv = write("c.csv", std::string(kCsvHeader) +
                                      "Jane Roe,Acme,Engineer,2017,2018,https://example.org/jane,,,\n"
                                      "John Doe,Acme,,2017,,,,,\n");
  run_ok({csv});
  const auto jane = store.relations_touching(only("Jane Roe"));
  ASSERT_EQ(jane.size(), 1u);
  const auto ev = store.evidence(jane[0].id);
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_EQ(ev[0].source, "https://example.org/jane");
  EXPECT_EQ(ev[0].source_url, "https://example.org/jane");
  EXPECT_EQ(ev[0].record, "line 2");
  EXPECT_EQ(ev[0].file, csv);
  const auto john = store.relations_touching(only("John Doe"));
  ASSERT_EQ(john.size(), 1u);
  const auto ev2 = store.evidence(john[0].id);
  ASSERT_EQ(ev2.size(), 1u);
  EXPECT_EQ(ev2[0].source, "file:c.csv");
  EXPECT_EQ(ev2[0].source_title, "c.csv");
  EXPECT_EQ(ev2[0].record, "line 3");
}

TEST_F(IngestTest, JsonLinesRecordsCiteTheirLine) {
  const json one = document("one", {entity("p", "person", "Jane Roe"), entity("o", "company", "Acme")},
                            {rel("worked_at", "p", "o")});
  const json two = document("two", {entity("p", "person", "Jane Roe"), entity("o", "company", "Acme")},
                            {rel("worked_at", "p", "o", {{"start", "2020"}})});
  const auto path = write("batch.jsonl", one.dump() + "\n\n" + two.dump() + "\n");
  const IngestReport r = run_ok({path});
  EXPECT_EQ(r.documents, 2u);
  Strings records;
  for (const auto& rel : store.relations_touching(only("Jane Roe")))
    for (const auto& e : store.evidence(rel.id)) records.push_back(e.record);
  std::ranges::sort(records);
  EXPECT_EQ(records, (Strings{"line 1: relations[0]", "line 3: relations[0]"}));
}

// ---- inputs ----

TEST_F(IngestTest, CollectsInputsFromFoldersInSortedOrder) {
  write("in/b.json", "{}");
  write("in/a.csv", "");
  write("in/sub/c.jsonl", "");
  write("in/sub/curation.json", "{}");
  write("in/x.curation.json", "{}");
  write("in/notes.txt", "");
  auto inputs = collect_inputs({dir.file("in")}, std::nullopt);
  ASSERT_TRUE(inputs.has_value()) << inputs.error().str();
  std::vector<std::pair<std::string, InputFormat>> expected = {
      {dir.file("in/a.csv"), InputFormat::csv},
      {dir.file("in/b.json"), InputFormat::json},
      {dir.file("in/sub/c.jsonl"), InputFormat::jsonl},
      {dir.file("in/sub/curation.json"), InputFormat::curation},
      {dir.file("in/x.curation.json"), InputFormat::curation}};
  EXPECT_EQ(*inputs, expected);

  const auto txt = write("notes.txt", "");
  auto unknown = collect_inputs({txt}, std::nullopt);
  ASSERT_FALSE(unknown.has_value());
  EXPECT_EQ(unknown.error().code, ErrorCode::usage);
  EXPECT_EQ(unknown.error().str(), txt + ": unknown format (expected .json, .jsonl or .csv; or say --format)");
  auto forced = collect_inputs({txt}, InputFormat::csv);
  ASSERT_TRUE(forced.has_value());
  EXPECT_EQ(forced->front().second, InputFormat::csv);

  auto missing = collect_inputs({dir.file("absent.json")}, std::nullopt);
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().code, ErrorCode::io);
  EXPECT_EQ(missing.error().str(), dir.file("absent.json") + ": no such file or folder");

  EXPECT_EQ(parse_input_format("jsonl"), InputFormat::jsonl);
  EXPECT_EQ(parse_input_format("curation"), InputFormat::curation);
  EXPECT_FALSE(parse_input_format("xml").has_value());
}

TEST_F(IngestTest, AMissingInputWritesNothing) {
  auto r = run({write("a.json", document("a", {entity("o", "company", "Acme")}, json::array())), dir.file("absent.csv")});
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, ErrorCode::io);
  EXPECT_EQ(r.error().str(), dir.file("absent.csv") + ": no such file or folder");
  EXPECT_EQ(store.stats().entities, 0);
}

}  // namespace
}  // namespace tg::ingest
