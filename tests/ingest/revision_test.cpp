// Revisions and country claims (schema v4): re-ingesting a source id or a CSV file of the same
// name replaces what it said; what no origin says any more goes; countries follow one rule
// (curation pin, headquarters, most sources), never arrival order; work locations.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <algorithm>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "ingest/ingest.h"
#include "queries/network.h"
#include "tests/support/documents.h"
#include "tests/support/scratch.h"
#include "tests/support/store_builder.h"
#include "tests/support/table_dump.h"

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

const std::string kFixtures = TG_FIXTURES;


constexpr std::string_view kCsvHeader =
    "person,organization,role,start,end,source_url,person_id,organization_kind,organization_country,location\n";

class RevisionTest : public ::testing::Test {
 protected:
  std::string write(const std::string& name, const json& doc) { return dir.write(name, doc.dump(2)); }
  std::string write(const std::string& name, const std::string& text) { return dir.write(name, text); }

  Result<IngestReport> run(const Strings& paths) { return ingest(store, paths, IngestOptions{}); }
  IngestReport run_ok(const Strings& paths) {
    auto r = run(paths);
    EXPECT_TRUE(r.has_value()) << (r ? "" : r.error().str());
    EXPECT_EQ(store.foreign_key_violations(), 0u);
    return r.value_or(IngestReport{});
  }

  std::vector<EntityRow> named(const std::string& name) {
    std::vector<EntityRow> out;
    store.for_each_entity([&](const EntityRow& e) {
      if (e.name == name) out.push_back(e);
    });
    return out;
  }
  EntityRow only(const std::string& name) {
    auto e = named(name);
    EXPECT_EQ(e.size(), 1u) << name;
    return e.empty() ? EntityRow{} : e.front();
  }
  Strings alias_names(EntityId id) {
    Strings out;
    for (const auto& a : store.aliases(id)) out.push_back(a.name);
    std::ranges::sort(out);
    return out;
  }
  std::size_t relations_of(EntityId id, RelationKind kind) {
    return static_cast<std::size_t>(std::ranges::count_if(store.relations_touching(id), [&](const RelationRow& r) {
      return r.kind == kind;
    }));
  }

  // Every row of every table but meta (whose generation a commit bumps), in a fixed order.
  Strings dump() {
    return test_support::table_dump(store.path(), {"entities", "aliases", "external_ids", "sources", "relations",
                                                   "claims", "mentions", "csv_files", "forgotten", "curation_rules"});
  }

  ScratchDir dir;
  Store store = must_open(dir.file("tg.db"));
};

// The fixtures: news-c first says Omar joined Corvid and Corvid has a Port Ellis office; its
// corrected version (same source id) says neither.
TEST_F(RevisionTest, ASourceReingestedReplacesItsClaims) {
  run_ok({kFixtures + "/careers/news-a.json", kFixtures + "/careers/revised/news-c.json"});
  const EntityRow omar = only("Omar Haddad"), corvid = only("Corvid Systems");
  ASSERT_EQ(named("Port Ellis").size(), 1u);
  ASSERT_EQ(relations_of(omar.id, RelationKind::worked_at), 2u);
  const auto generation = store.generation();

  const IngestReport r = run_ok({kFixtures + "/careers/revised-v2/news-c.json"});
  EXPECT_EQ(r.sources_revised, 1u);
  EXPECT_EQ(r.retracted.claims, 2u);     // Omar at Corvid, Corvid's office
  EXPECT_EQ(r.retracted.relations, 2u);  // no other source states them
  EXPECT_EQ(r.retracted.entities, 1u);   // Port Ellis: only news-c named it
  EXPECT_EQ(r.retracted.aliases, 1u);    // its name
  EXPECT_EQ(r.claims_added, 0u);         // the Lumen claim, stated again
  EXPECT_EQ(r.claims_existing, 1u);
  EXPECT_GT(store.generation(), generation);  // the snapshot cache is stale

  EXPECT_TRUE(named("Port Ellis").empty());
  EXPECT_EQ(only("Omar Haddad").id, omar.id);  // what stays keeps its id
  EXPECT_EQ(relations_of(omar.id, RelationKind::worked_at), 1u);
  // Corvid stays: news-a names it too (with Ines Ahl's stint).
  EXPECT_EQ(only("Corvid Systems").id, corvid.id);
  EXPECT_EQ(relations_of(corvid.id, RelationKind::office_in), 0u);
  EXPECT_EQ(relations_of(corvid.id, RelationKind::worked_at), 1u);
  // The source's citation is the new version's.
  auto src = store.find_source("fixture-news-c");
  ASSERT_TRUE(src);
  EXPECT_EQ(store.source(*src)->title, "A profile, corrected");
}

TEST_F(RevisionTest, AnAliasOnlyTheRevisedSourceGaveGoesAndTheEntityStays) {
  const auto a = write("a.json", document("a", {entity("acme", "company", "Acme Corp"), entity("jane", "person", "Jane Roe")},
                                          {rel("worked_at", "jane", "acme")}));
  const auto b1 = write("b1/b.json", document("b", {entity("acme", "company", "Acme Corp", {{"aliases", {"ACME Holdings"}}}),
                                                    entity("solo", "company", "Solo Works", {{"aliases", {"Solo"}}}),
                                                    entity("max", "person", "Max Ode")},
                                              {rel("worked_at", "max", "acme"), rel("worked_at", "max", "solo")}));
  run_ok({a, b1});
  const EntityId acme = only("Acme Corp").id;
  ASSERT_EQ(alias_names(acme), (Strings{"ACME Holdings", "Acme Corp"}));
  const auto b2 = write("b2/b.json", document("b", {entity("acme", "company", "Acme Corp"), entity("max", "person", "Max Ode")},
                                              {rel("worked_at", "max", "acme")}));
  const IngestReport r = run_ok({b2});
  EXPECT_EQ(alias_names(acme), Strings{"Acme Corp"});  // "ACME Holdings" was b's alone
  EXPECT_TRUE(named("Solo Works").empty());            // only b named it: gone with its aliases
  EXPECT_TRUE(store.entities_with_alias_key("solo").empty());
  EXPECT_EQ(r.retracted.entities, 1u);
  EXPECT_EQ(r.retracted.aliases, 3u);  // Solo Works, Solo, ACME Holdings
  EXPECT_EQ(r.retracted.relations, 1u);
}

TEST_F(RevisionTest, ARevisionThatChangesNothingLeavesTheStoreIdentical) {
  const Strings inputs = {kFixtures + "/careers/news-a.json", kFixtures + "/careers/news-b.json",
                          kFixtures + "/careers/careers.csv", kFixtures + "/careers/revised/news-c.json"};
  run_ok(inputs);
  const Strings before = dump();
  const IngestReport r = run_ok(inputs);
  EXPECT_EQ(r.sources_revised, 3u);
  EXPECT_EQ(r.csv_files_revised, 1u);
  EXPECT_EQ(r.retracted.claims, 0u);
  EXPECT_EQ(r.retracted.relations, 0u);
  EXPECT_EQ(r.retracted.entities, 0u);
  EXPECT_EQ(r.retracted.aliases, 0u);
  EXPECT_EQ(r.claims_added, 0u);
  EXPECT_EQ(dump(), before);
}

// The same inputs again write nothing that changes the graph: the run rolls back, the generation
// stays and the snapshot cache is not rebuilt.
TEST_F(RevisionTest, ARevisionThatChangesNothingKeepsTheGeneration) {
  const Strings inputs = {kFixtures + "/careers/news-a.json", kFixtures + "/careers/careers.csv"};
  run_ok(inputs);
  bool rebuilt = false;
  ASSERT_TRUE(queries::load_snapshot(store, &rebuilt));
  EXPECT_TRUE(rebuilt);
  const auto generation = store.generation();
  const Strings before = dump();
  run_ok(inputs);
  EXPECT_EQ(store.generation(), generation);
  EXPECT_EQ(dump(), before);
  ASSERT_TRUE(queries::load_snapshot(store, &rebuilt));
  EXPECT_FALSE(rebuilt);
  // A change that adds no row (a claim's quote) is a change.
  const auto doc = write("a.json", document("a", {entity("acme", "company", "Acme Corp"), entity("jane", "person", "Jane Roe")},
                                            {rel("worked_at", "jane", "acme", {{"quote", "Jane joined Acme."}})}));
  run_ok({doc});
  const auto after_a = store.generation();
  EXPECT_GT(after_a, generation);
  run_ok({doc});
  EXPECT_EQ(store.generation(), after_a);
  run_ok({write("v2/a.json", document("a", {entity("acme", "company", "Acme Corp"), entity("jane", "person", "Jane Roe")},
                                      {rel("worked_at", "jane", "acme", {{"quote", "Jane Roe joined Acme."}})}))});
  EXPECT_GT(store.generation(), after_a);
}

// A claim is its relation and its source: one that only moved to another record (another CSV
// line, another relations[i]) is known, neither retracted nor new.
TEST_F(RevisionTest, AClaimThatMovedIsKnownNotRetractedAndNew) {
  const std::string url = "https://cv.example.org/lee";
  run_ok({write("monday/careers.csv", std::string(kCsvHeader) + "Ada Lee,Orbit Labs,Engineer,2019,2020," + url +
                                          ",,company,US,\n" + "Bo Chan,Quartz Inc,Analyst,2018,,,,company,GB,\n" +
                                          "Cy Dee,Nimbus Co,Analyst,2018,,,,company,GB,\n")});
  // Rows reordered, Cy Dee's dropped, one new.
  const IngestReport r = run_ok({write("tuesday/careers.csv", std::string(kCsvHeader) +
                                                                  "Eve Fox,Quartz Inc,Analyst,2020,,,,company,GB,\n" +
                                                                  "Bo Chan,Quartz Inc,Analyst,2018,,,,company,GB,\n" +
                                                                  "Ada Lee,Orbit Labs,Engineer,2019,2020," + url +
                                                                  ",,company,US,\n")});
  EXPECT_EQ(r.retracted.claims, 1u);  // Cy Dee's
  EXPECT_EQ(r.claims_added, 1u);      // Eve Fox's
  EXPECT_EQ(r.claims_existing, 2u);
  // The moved claim's record is the new line.
  const EntityRow ada = only("Ada Lee");
  const auto rels = store.relations_touching(ada.id);
  ASSERT_EQ(rels.size(), 1u);
  const auto evidence = store.evidence(rels[0].id);
  ASSERT_EQ(evidence.size(), 1u);
  EXPECT_EQ(evidence[0].record, "line 4");
}

// Each distinct source is one vote for a country, also within one CSV file: a row's source_url,
// or the file itself for rows without one.
TEST_F(RevisionTest, EachSourceOfACsvFileIsOneVoteForACountry) {
  const auto csv = write("careers.csv", std::string(kCsvHeader) +
                                            "Ada Lee,Kestrel Robotics,Engineer,2019,2020,https://cv.example/a,,company,CA,\n" +
                                            "Bo Chan,Kestrel Robotics,Engineer,2019,2020,https://cv.example/b,,company,CA,\n");
  const auto au = write("au.json", document("au-1", {entity("k", "company", "Kestrel Robotics", {{"country", "AU"}}),
                                                     entity("jo", "person", "Jo Park")},
                                             {rel("worked_at", "jo", "k")}));
  const IngestReport r = run_ok({au, csv});
  EXPECT_EQ(only("Kestrel Robotics").country, "CA");
  ASSERT_EQ(r.conflicts.size(), 1u);
  EXPECT_EQ(r.conflicts[0].rule, "most sources");
  Strings origins;
  for (const auto& c : r.conflicts[0].claims) origins.push_back(c.country + " " + c.origin);
  EXPECT_EQ(origins, (Strings{"CA https://cv.example/a in careers.csv", "CA https://cv.example/b in careers.csv",
                              "AU au-1"}));
  // Within one file: GB once, US from two sources (one of them the file itself).
  const auto mixed = write("mixed.csv", std::string(kCsvHeader) +
                                            "Cy Dee,Vole Ltd,Engineer,2019,2020,https://cv.example/c,,company,GB,\n" +
                                            "Di Eng,Vole Ltd,Engineer,2019,2020,https://cv.example/d,,company,US,\n" +
                                            "Ed Fu,Vole Ltd,Engineer,2019,2020,,,company,US,\n");
  run_ok({mixed});
  EXPECT_EQ(only("Vole Ltd").country, "US");
  // One source cited by two rows is one vote: US (d) against GB (c, e).
  run_ok({write("v2/mixed.csv", std::string(kCsvHeader) +
                                    "Cy Dee,Vole Ltd,Engineer,2019,2020,https://cv.example/c,,company,GB,\n" +
                                    "Di Eng,Vole Ltd,Engineer,2019,2020,https://cv.example/d,,company,US,\n" +
                                    "Ed Fu,Vole Ltd,Engineer,2019,2020,https://cv.example/d,,company,US,\n" +
                                    "Fa Gu,Vole Ltd,Engineer,2019,2020,https://cv.example/e,,company,GB,\n")});
  EXPECT_EQ(only("Vole Ltd").country, "GB");
  // The revision of the file retracts the mentions of all its sources.
  run_ok({write("v3/mixed.csv", std::string(kCsvHeader) + "Cy Dee,Vole Ltd,Engineer,2019,2020,,,company,GB,\n")});
  EXPECT_EQ(only("Vole Ltd").country, "GB");
  const auto claims = store.country_claims(only("Vole Ltd").id);
  ASSERT_EQ(claims.size(), 1u);
  EXPECT_EQ(claims[0].origin, "csv:mixed.csv");
}

// A CSV file is identified by its name: the same name from another folder (a nightly checkout)
// is the same file, and only its rows are retracted, not those of another file citing the same URL.
TEST_F(RevisionTest, ACsvFileReingestedRetractsExactlyItsRows) {
  const std::string url = "https://cv.example.org/lee";
  const auto v1 = write("monday/careers.csv", std::string(kCsvHeader) +
                                                  "Ada Lee,Orbit Labs,Engineer,2019,2020," + url + ",,company,US,\n" +
                                                  "Ada Lee,Nimbus Co,Engineer,2021,," + url + ",,company,US,\n" +
                                                  "Bo Chan,Quartz Inc,Analyst,2018,,,,company,GB,\n");
  const auto other = write("other.csv", std::string(kCsvHeader) + "Ada Lee,Orbit Labs,Engineer,2019,2020," + url +
                                            ",,company,US,\n");
  run_ok({v1, other});
  ASSERT_EQ(store.stats().claims, 4);
  const auto v2 = write("tuesday/careers.csv", std::string(kCsvHeader) +
                                                   "Ada Lee,Orbit Labs,Engineer,2019,2020," + url + ",,company,US,\n");
  const IngestReport r = run_ok({v2});
  EXPECT_EQ(r.csv_files_revised, 1u);
  EXPECT_EQ(r.retracted.claims, 2u);     // Nimbus and Bo Chan's row
  EXPECT_EQ(r.retracted.relations, 2u);
  EXPECT_EQ(r.retracted.entities, 3u);   // Nimbus Co, Bo Chan, Quartz Inc
  EXPECT_EQ(store.stats().claims, 2);    // Orbit from careers.csv and from other.csv
  EXPECT_TRUE(named("Nimbus Co").empty());
  EXPECT_TRUE(named("Bo Chan").empty());
  EXPECT_TRUE(store.find_source("file:careers.csv") == std::nullopt);  // no row cites the file any more
  EXPECT_TRUE(store.find_source(url).has_value());
  // Two files of one name in one run could not be told apart later: refused.
  auto twice = run({v1, v2});
  ASSERT_FALSE(twice);
  EXPECT_NE(twice.error().message.find("same name"), std::string::npos) << twice.error().message;
}

TEST_F(RevisionTest, CurationMergesAndForgottenPeopleSurviveARevision) {
  const auto c1 = write("v1/c.json", document("c", {entity("fb", "company", "Facebook"), entity("kim", "person", "Kim Ito"),
                                                    entity("wu", "person", "Wu Yuxin")},
                                              {rel("worked_at", "kim", "fb"), rel("worked_at", "wu", "fb")}));
  const auto m = write("m.json", document("m", {entity("meta", "company", "Meta Platforms"), entity("al", "person", "Al Bo")},
                                          {rel("worked_at", "al", "meta")}));
  const auto rules = write("curation.json", std::string(R"({"same_as": [["Meta Platforms", "Facebook"]], "forget": ["Wu Yuxin"]})"));
  run_ok({c1, m, rules});
  // One entity for both names (the one met first keeps its name).
  auto merged = [&] {
    auto e = named("Facebook");
    for (auto& x : named("Meta Platforms")) e.push_back(x);
    EXPECT_EQ(e.size(), 1u);
    return e.empty() ? EntityId{} : e.front().id;
  };
  const EntityId meta = merged();
  ASSERT_TRUE(named("Wu Yuxin").empty());
  const auto c2 = write("v2/c.json", document("c", {entity("fb", "company", "Facebook"), entity("kim", "person", "Kim Ito"),
                                                    entity("wu", "person", "Wu Yuxin")},
                                              {rel("worked_at", "kim", "fb", {{"start", "2020"}}), rel("worked_at", "wu", "fb")}));
  const IngestReport r = run_ok({c2});
  EXPECT_EQ(merged(), meta);  // still one entity
  EXPECT_EQ(alias_names(meta), (Strings{"Facebook", "Meta Platforms"}));
  EXPECT_TRUE(named("Wu Yuxin").empty());  // still forgotten
  EXPECT_GE(r.forgotten_skipped, 1u);
  EXPECT_EQ(r.retracted.relations, 1u);  // Kim's undated stint, restated with a date
  EXPECT_EQ(relations_of(only("Kim Ito").id, RelationKind::worked_at), 1u);
  EXPECT_EQ(relations_of(only("Al Bo").id, RelationKind::worked_at), 1u);  // m's claims untouched
  EXPECT_EQ(relations_of(meta, RelationKind::worked_at), 2u);
}

// ---- countries ----

class CountryTest : public RevisionTest {
 protected:
  std::string us_row() {
    return write("us.csv", std::string(kCsvHeader) + "Li Wei,Alibaba Group,Engineer,2020,2022,,,company,US,\n");
  }
  std::string seed() {
    return write("seed.json", document("seed", {entity("ali", "company", "Alibaba Group", {{"country", "CN"}}),
                                                entity("wu", "person", "Wu Yuxin"), entity("x", "company", "X Lab", {{"country", "CN"}})},
                                        {rel("worked_at", "wu", "ali", {{"confidence", 0.9}}), rel("worked_at", "wu", "x")}));
  }
  std::string third() {
    return write("third.json", document("third", {entity("ali", "company", "Alibaba Group", {{"country", "CN"}}),
                                                  entity("jo", "person", "Jo Park")},
                                          {rel("worked_at", "jo", "ali")}));
  }
};

TEST_F(CountryTest, EitherOrderOfArrivalGivesTheSameCountry) {
  const IngestReport first = run_ok({us_row()});
  EXPECT_EQ(only("Alibaba Group").country, "US");
  const IngestReport second = run_ok({seed(), third()});
  EXPECT_EQ(only("Alibaba Group").country, "CN");  // two sources against one
  ASSERT_EQ(second.conflicts.size(), 1u);
  EXPECT_EQ(second.conflicts[0].chosen, "CN");
  EXPECT_EQ(second.conflicts[0].rule, "most sources");
  EXPECT_EQ(second.conflicts[0].claims.size(), 3u);

  ScratchDir other;
  Store reversed = must_open(other.file("tg.db"));
  ASSERT_TRUE(ingest(reversed, {seed(), third()}, IngestOptions{}));
  ASSERT_TRUE(ingest(reversed, {us_row()}, IngestOptions{}));
  std::string country;
  reversed.for_each_entity([&](const EntityRow& e) {
    if (e.name == "Alibaba Group") country = e.country;
  });
  EXPECT_EQ(country, "CN");
}

TEST_F(CountryTest, ATieIsBrokenByConfidenceThenCodeAndReportedUnresolved) {
  // US (a CSV row, confidence 1) against CN (seed, its best claim about Alibaba 0.9).
  run_ok({seed()});
  const IngestReport r = run_ok({us_row()});
  EXPECT_EQ(only("Alibaba Group").country, "US");
  ASSERT_EQ(r.conflicts.size(), 1u);
  EXPECT_TRUE(r.conflicts[0].unresolved);
  // Ingested the other way round: the same.
  ScratchDir other;
  Store reversed = must_open(other.file("tg.db"));
  ASSERT_TRUE(ingest(reversed, {us_row()}, IngestOptions{}));
  ASSERT_TRUE(ingest(reversed, {seed()}, IngestOptions{}));
  std::string country;
  reversed.for_each_entity([&](const EntityRow& e) {
    if (e.name == "Alibaba Group") country = e.country;
  });
  EXPECT_EQ(country, "US");
}

TEST_F(CountryTest, ATieOfSourcesAndConfidenceIsBrokenByCode) {
  // One source each for US and KR, both at confidence 1: the lower code, KR, ingested second.
  // With a second source for US, US.
  auto claim = [&](const char* file, const char* source, const char* country) {
    return write(file, document(source, {entity("z", "company", "Zeta Labs", {{"country", country}}),
                                         entity("p", "person", std::string("Someone of ") + source)},
                                {rel("worked_at", "p", "z")}));
  };
  run_ok({claim("a.json", "s-a", "US"), claim("b.json", "s-b", "KR")});
  EXPECT_EQ(only("Zeta Labs").country, "KR");
  run_ok({claim("c.json", "s-c", "US")});
  EXPECT_EQ(only("Zeta Labs").country, "US");
}

TEST_F(CountryTest, APinWinsOverEverySource) {
  run_ok({seed(), third()});
  IngestOptions options;
  options.curation_files.push_back(write("pins.curation.json", std::string(R"({"country": [["Alibaba", "SG"]]})")));
  auto r = ingest(store, {us_row()}, options);
  ASSERT_TRUE(r) << r.error().str();
  EXPECT_EQ(only("Alibaba Group").country, "SG");
  ASSERT_EQ(r->conflicts.size(), 1u);
  EXPECT_EQ(r->conflicts[0].rule, "curation pin");
  // The pin is stored: a later ingest without the curation file keeps it.
  run_ok({write("more.json", document("more", {entity("ali", "company", "Alibaba Group", {{"country", "CN"}}),
                                               entity("mo", "person", "Mo Ren")},
                                       {rel("worked_at", "mo", "ali")}))});
  EXPECT_EQ(only("Alibaba Group").country, "SG");
}

TEST_F(CountryTest, HeadquartersWinOverExplicitCountries) {
  run_ok({us_row(), write("hq.json", document("hq", {entity("ali", "company", "Alibaba Group", {{"country", "US"}}),
                                                     entity("hz", "place", "Hangzhou", {{"country", "CN"}})},
                                             {rel("headquartered_in", "ali", "hz")}))});
  EXPECT_EQ(only("Alibaba Group").country, "CN");
}

TEST_F(CountryTest, ARevisionRecomputesTheCountry) {
  run_ok({us_row(), seed()});
  ASSERT_EQ(only("Alibaba Group").country, "US");  // the tie, by confidence
  run_ok({third()});
  ASSERT_EQ(only("Alibaba Group").country, "CN");
  // third, revised: Alibaba without a country.
  run_ok({write("v2/third.json", document("third", {entity("ali", "company", "Alibaba Group"), entity("jo", "person", "Jo Park")},
                                          {rel("worked_at", "jo", "ali")}))});
  EXPECT_EQ(only("Alibaba Group").country, "US");
}

// ---- curation and locations ----

// Forgetting a person whose CSV row cites a source another file's rows cite too: what the row
// said of others (Acme's name and country) goes with the person, and so does Acme, known only
// from it. A revision of the file finds its mentions by the sources its claims cite, so none
// may be left that no claim of the file cites.
TEST_F(RevisionTest, AForgottenPersonsCsvRowLeavesNothingOfItsOwn) {
  const std::string head(kCsvHeader);
  const auto f1 = write("v1/f.csv", head + "Ann Lee,Acme Robotics,Engineer,2019,,https://news.example/shared,,company,US,\n"
                                          "Cy Dow,Cove Labs,Engineer,2018,,https://x.example/cy,,company,KR,\n");
  const auto g = write("g.csv", head + "Bob Park,Bolt Systems,Engineer,2020,,https://news.example/shared,,company,CN,\n");
  run_ok({f1, g});
  ASSERT_EQ(named("Acme Robotics").size(), 1u);
  run_ok({write("forget.curation.json", std::string(R"({"forget": ["Ann Lee"]})"))});
  auto mentioning = [&](std::string_view what) {
    return std::ranges::count_if(dump(), [&](const std::string& row) { return row.find(what) != std::string::npos; });
  };
  EXPECT_TRUE(named("Ann Lee").empty());
  EXPECT_TRUE(named("Acme Robotics").empty());
  EXPECT_EQ(mentioning("Acme"), 0);
  EXPECT_EQ(only("Bolt Systems").country, "CN");  // the shared source stays, cited by g.csv
  // The file revised (Ann's row suppressed, Cy's changed): Cove Labs and Cy as the new row says.
  const IngestReport r = run_ok({write("v2/f.csv", head + "Ann Lee,Acme Robotics,Engineer,2019,,https://news.example/shared,,company,US,\n"
                                                          "Cy Dow,Cove Labs,Lead,2018,,https://x.example/cy,,company,KR,\n")});
  EXPECT_EQ(r.forgotten_skipped, 1u);
  EXPECT_EQ(mentioning("Acme"), 0);
  EXPECT_EQ(only("Cove Labs").country, "KR");
  EXPECT_EQ(only("Bolt Systems").country, "CN");
}

TEST_F(RevisionTest, SameAsAcrossKindsIsAnErrorNamingBoth) {
  run_ok({write("a.json", document("a", {entity("p", "person", "Mercury"), entity("c", "company", "Mercury Labs")},
                                   {rel("worked_at", "p", "c")}))});
  const auto rules = write("rules.curation.json", std::string(R"({"same_as": [["Mercury", "Mercury Labs"]]})"));
  IngestOptions options;
  options.curation_files.push_back(rules);
  auto r = ingest(store, {}, options);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::bad_data);
  EXPECT_EQ(r.error().str(), rules + ": same_as[0]: same_as joins entities of different kinds: Mercury (person, #1) and "
                                     "Mercury Labs (company, #2)");
  EXPECT_EQ(named("Mercury").size(), 1u);  // nothing was written
  EXPECT_TRUE(store.curation_rules().empty());
}

TEST_F(RevisionTest, WorkLocationsFromDocumentsAndCsv) {
  run_ok({kFixtures + "/careers/news-a.json", kFixtures + "/careers/careers.csv"});
  const EntityId palo_verde = only("Palo Verde").id, lisbon = only("Lisbon").id;
  std::optional<EntityId> ines_location, tomas_location;
  for (const auto& r : store.relations_touching(only("Ines Ahl").id))
    if (r.to == only("Vantage AI").id) ines_location = r.location;
  for (const auto& r : store.relations_touching(only("Tomas Reyes").id))
    if (r.to == only("Vantage AI").id) tomas_location = r.location;
  EXPECT_EQ(ines_location, palo_verde);
  EXPECT_EQ(tomas_location, lisbon);  // a CSV location names a place, resolved like other names
  EXPECT_EQ(named("Lisbon").size(), 1u);
  // Unknown places are created.
  run_ok({write("new.csv", std::string(kCsvHeader) + "Ada Lee,Orbit Labs,Engineer,2019,,,,company,US,Kitimat\n")});
  EXPECT_EQ(only("Kitimat").kind, NodeKind::place);
  // Location is not part of a relation's identity: another claim without one is the same relation.
  run_ok({write("again.csv", std::string(kCsvHeader) + "Ada Lee,Orbit Labs,Engineer,2019,,,,company,US,\n")});
  std::size_t stints = 0;
  for (const auto& r : store.relations_touching(only("Ada Lee").id)) {
    ++stints;
    EXPECT_EQ(r.location, only("Kitimat").id);
  }
  EXPECT_EQ(stints, 1u);
}

TEST_F(RevisionTest, ALocationMustBeAPlaceOfTheDocument) {
  auto r = run({write("bad.json", document("bad", {entity("p", "person", "Ada Lee"), entity("o", "company", "Orbit"),
                                                    entity("q", "company", "Quartz")},
                                           {rel("worked_at", "p", "o", {{"location", "q"}}),
                                            rel("worked_at", "p", "o", {{"location", "nowhere"}}),
                                            rel("founded", "p", "o", {{"location", "q"}})}))});
  ASSERT_FALSE(r);
  const std::string path = dir.file("bad.json");
  EXPECT_EQ(r.error().str(), path + ": relations[0].location: must be a place (found company \"q\")\n" + path +
                                 ": relations[1].location: unknown ref \"nowhere\"\n" + path +
                                 ": relations[2].location: only worked_at has a location");
}

}  // namespace
}  // namespace tg::ingest
