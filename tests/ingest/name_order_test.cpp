// ingest/name_order: one person written in two name orders is merged when the two share an
// organisation, and only then; what keeps people apart (other words, curation, ids, several fits)
// still does.
#include "ingest/name_order.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "ingest/ingest.h"
#include "tests/support/documents.h"
#include "tests/support/scratch.h"
#include "tests/support/store_builder.h"

namespace tg::ingest {
namespace {

using nlohmann::json;
using namespace test_support;

class NameOrderTest : public ::testing::Test {
 protected:
  IngestReport run_ok(const std::vector<std::string>& paths) {
    auto r = ingest(store, paths, IngestOptions{});
    EXPECT_TRUE(r.has_value()) << (r ? "" : r.error().str());
    EXPECT_EQ(store.foreign_key_violations(), 0u);
    return r.value_or(IngestReport{});
  }
  std::string write(const std::string& name, const json& doc) { return dir.write(name, doc.dump(2)); }

  // A one-person document: `name` works at each organisation.
  json career(const std::string& source_id, const std::string& name, const std::vector<std::string>& orgs,
              json person_extra = json::object()) {
    json entities = {entity("p", "person", name, std::move(person_extra))};
    json relations = json::array();
    for (std::size_t i = 0; i < orgs.size(); ++i) {
      const std::string ref = "o" + std::to_string(i);
      entities.push_back(entity(ref, "company", orgs[i]));
      relations.push_back(rel("worked_at", "p", ref, {{"quote", name + " works at " + orgs[i] + "."}}));
    }
    return document(source_id, entities, relations);
  }

  std::vector<EntityRow> people() {
    std::vector<EntityRow> out;
    store.for_each_entity([&](const EntityRow& e) {
      if (e.kind == NodeKind::person) out.push_back(e);
    });
    return out;
  }

  ScratchDir dir;
  Store store = must_open(dir.file("tg.db"));
};

TEST_F(NameOrderTest, SwappedNamesSharingAnEmployerAreOnePersonAndTheMergeIsReported) {
  const auto a = write("a.json", career("a", "Shengjia Zhao", {"Orbital Commons", "Vantage AI"}));
  const auto b = write("b.json", career("b", "Zhao Shengjia", {"Vantage AI"}));
  const IngestReport r = run_ok({a, b});
  const auto ps = people();
  ASSERT_EQ(ps.size(), 1u);
  EXPECT_EQ(ps[0].name, "Shengjia Zhao");  // the name met first stays canonical
  std::vector<std::string> aliases;
  for (const auto& al : store.aliases(ps[0].id)) aliases.push_back(al.name);
  EXPECT_NE(std::ranges::find(aliases, "Zhao Shengjia"), aliases.end());
  ASSERT_EQ(r.name_order_merges.size(), 1u);
  EXPECT_EQ(r.name_order_merges[0].merged, "Zhao Shengjia");
  EXPECT_EQ(r.name_order_merges[0].into, fmt::format("Shengjia Zhao (person, #{})", raw(ps[0].id)));
  EXPECT_EQ(r.name_order_merges[0].shared, std::vector<std::string>{"Vantage AI"});
  EXPECT_NE(r.name_order_merges[0].where.find("b.json"), std::string::npos);
  // Both claims now back the one employment.
  std::size_t at_vantage = 0;
  for (const auto& rel : store.relations_touching(ps[0].id))
    if (store.entity(rel.to)->name == "Vantage AI") {
      ++at_vantage;
      EXPECT_EQ(store.evidence(rel.id).size(), 2u);
    }
  EXPECT_EQ(at_vantage, 1u);
}

TEST_F(NameOrderTest, MergesWithAPersonStoredByAnEarlierRun) {
  run_ok({write("a.json", career("a", "Shengjia Zhao", {"Vantage AI"}))});
  const IngestReport r = run_ok({write("b.json", career("b", "ZHAO Shengjia", {"Vantage AI", "Zeta Labs"}))});
  EXPECT_EQ(people().size(), 1u);
  EXPECT_EQ(r.name_order_merges.size(), 1u);
}

TEST_F(NameOrderTest, SharingTheOtherEndOfAMoveIsSharingAnOrganisation) {
  const auto a = write("a.json", career("a", "Kenji Ward", {"Acme Dynamics"}));
  json b = document("b",
                    {entity("p", "person", "Ward Kenji"), entity("g", "company", "Gamma Robotics"),
                     entity("x", "company", "Acme Dynamics")},
                    {rel("moved", "p", "g", {{"left", "x"}, {"start", "2024"}})});
  run_ok({a, write("b.json", b)});
  EXPECT_EQ(people().size(), 1u);
}

TEST_F(NameOrderTest, WithoutASharedOrganisationTwoPeopleStay) {
  const auto a = write("a.json", career("a", "Wang Wei", {"Orbital Commons"}));
  const auto b = write("b.json", career("b", "Wei Wang", {"Zeta Labs"}));
  const IngestReport r = run_ok({a, b});
  EXPECT_EQ(people().size(), 2u);
  EXPECT_TRUE(r.name_order_merges.empty());
}

TEST_F(NameOrderTest, OtherWordsThatJoinToTheSameKeyAreNotASwap) {
  // "Anna Li" and "Ann Ali" both fold to the key "annali" read in another order: not the same words.
  const auto a = write("a.json", career("a", "Li Anna", {"Vantage AI"}));
  const auto b = write("b.json", career("b", "Ann Ali", {"Vantage AI"}));
  run_ok({a, b});
  EXPECT_EQ(people().size(), 2u);
}

TEST_F(NameOrderTest, NotSameAsKeepsThemApart) {
  const auto rules = dir.write("curation.json", R"({"not_same_as": [["Wang Wei", "Wei Wang"]]})");
  const auto a = write("a.json", career("a", "Wang Wei", {"Vantage AI"}));
  const auto b = write("b.json", career("b", "Wei Wang", {"Vantage AI"}));
  const IngestReport r = run_ok({rules, a, b});
  EXPECT_EQ(people().size(), 2u);
  EXPECT_TRUE(r.name_order_merges.empty());
}

TEST_F(NameOrderTest, DifferentIdsOfOneSchemeKeepThemApart) {
  const auto a = write("a.json", career("a", "Wang Wei", {"Vantage AI"}, {{"ids", {{"orcid", "0000-0001-0000-0001"}}}}));
  const auto b = write("b.json", career("b", "Wei Wang", {"Vantage AI"}, {{"ids", {{"orcid", "0000-0001-0000-0002"}}}}));
  run_ok({a, b});
  EXPECT_EQ(people().size(), 2u);
}

TEST_F(NameOrderTest, AFitWithSeveralPeopleMergesNothingAndIsReported) {
  // Two people "Wei Wang" kept apart by their ids, both at Vantage; a third "Wang Wei" fits both.
  const auto a = write("a.json", career("a", "Wei Wang", {"Vantage AI"}, {{"ids", {{"orcid", "0000-0001-0000-0001"}}}}));
  const auto b = write("b.json", career("b", "Wei Wang", {"Vantage AI"}, {{"ids", {{"orcid", "0000-0001-0000-0002"}}}}));
  const auto c = write("c.json", career("c", "Wang Wei", {"Vantage AI"}));
  const IngestReport r = run_ok({a, b, c});
  EXPECT_EQ(people().size(), 3u);
  EXPECT_TRUE(r.name_order_merges.empty());
  ASSERT_FALSE(r.ambiguities.empty());
  EXPECT_EQ(r.ambiguities.back().name, "Wang Wei");
  ASSERT_EQ(r.ambiguities.back().candidates.size(), 2u);
  for (const auto& c : r.ambiguities.back().candidates) EXPECT_NE(c.find("names in another order"), std::string::npos) << c;
}

TEST_F(NameOrderTest, OrganisationsAreNeverMergedByWordOrder) {
  json a = document("a", {entity("p", "person", "Ines Ahl"), entity("o", "company", "Labs Zeta")},
                    {rel("worked_at", "p", "o")});
  json b = document("b", {entity("p", "person", "Ines Ahl"), entity("o", "company", "Zeta Labs")},
                    {rel("worked_at", "p", "o")});
  run_ok({write("a.json", a), write("b.json", b)});
  std::size_t companies = 0;
  store.for_each_entity([&](const EntityRow& e) { companies += e.kind == NodeKind::company; });
  EXPECT_EQ(companies, 2u);
}

}  // namespace
}  // namespace tg::ingest
