// queries/candidates: the pairs that may be one entity, on two outlets' spellings of one hiring
// wave (tests/e2e/inputs/variants), and the round trip through curation: the printed same_as
// rules, ingested, merge exactly those pairs and leave no candidate.
#include "queries/candidates.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <initializer_list>
#include <string>
#include <vector>

#include "graph/names.h"
#include "ingest/ingest.h"
#include "tests/support/scratch.h"
#include "tests/support/store_builder.h"

namespace tg::queries {
namespace {

using test_support::must_open;
using test_support::ScratchDir;

const std::string kVariants = std::string(TG_SOURCE_DIR) + "/tests/e2e/inputs/variants";

// People who all work at one lab, written through the bulk API (no ingest, so no merging): their ids.
std::vector<EntityId> colleagues(test_support::StoreBuilder& b, std::string_view lab_name,
                                 std::initializer_list<std::string_view> names) {
  const EntityId lab = b.entity(NodeKind::lab, lab_name, alias_key(lab_name, KeyStyle::organisation));
  std::vector<EntityId> people;
  for (std::string_view name : names) {
    people.push_back(b.entity(NodeKind::person, name, alias_key(name, KeyStyle::plain)));
    RelationRow r;
    r.kind = RelationKind::worked_at;
    r.from = people.back();
    r.to = lab;
    b.relation(r);
  }
  return people;
}

TEST(Candidates, NameOrderOneEditAndContainedNamesThatTheGraphLinks) {
  ScratchDir dir;
  Store store = must_open(dir.file("tg.db"));
  ASSERT_TRUE(ingest::ingest(store, {kVariants}, {}));
  // "Zhao Shengjia" shares an employer with "Shengjia Zhao": ingest merged them (see
  // ingest/name_order.h), so they are no candidate.
  const auto found = find_candidates(store);
  ASSERT_EQ(found.size(), 2u);
  auto pair = [](const Candidate& c) { return c.a.name + " / " + c.b.name + ": " + c.reasons.front(); };
  EXPECT_EQ(pair(found[0]), "Daniel Gross / Daniel Gros: one edit");
  EXPECT_EQ(pair(found[1]), "DeepMind / Google DeepMind: name contained");
  ASSERT_EQ(found[0].shared.size(), 1u);
  EXPECT_EQ(found[0].shared[0].name, "Meta Superintelligence Labs");
  EXPECT_EQ(found[1].shared[0].name, "Hongyu Ren");
  EXPECT_EQ(found[1].shared[0].how, "person");
  for (const Candidate& c : found) EXPECT_LT(raw(c.a.id), raw(c.b.id));
  // "Daniel Grass" is two edits from "Daniel Gros" and shares nothing: not a candidate.
  EXPECT_TRUE(std::ranges::none_of(found, [](const Candidate& c) { return c.b.name == "Daniel Grass"; }));
  // A store written before ingest merged name orders (here: by the bulk API) still lists them.
  ScratchDir old_dir;
  Store old = must_open(old_dir.file("tg.db"));
  {
    Store::Transaction tx(old);
    test_support::StoreBuilder b(old);
    colleagues(b, "Meta Superintelligence Labs", {"Shengjia Zhao", "Zhao Shengjia", "Wei Wang", "Wei Wang"});
    tx.commit();
  }
  const auto listed = find_candidates(old);
  ASSERT_EQ(listed.size(), 2u);
  EXPECT_EQ(pair(listed[0]), "Shengjia Zhao / Zhao Shengjia: name order");
  EXPECT_EQ(pair(listed[1]), "Wei Wang / Wei Wang: same name");
  // By kind.
  CandidateQuery labs;
  labs.kind = NodeKind::lab;
  EXPECT_EQ(find_candidates(store, labs).size(), 1u);
}

TEST(Candidates, AcceptedRulesMergeThePairsAndNotSameAsKeepsOneApart) {
  ScratchDir dir;
  Store store = must_open(dir.file("tg.db"));
  ASSERT_TRUE(ingest::ingest(store, {kVariants}, {}));
  const std::int64_t before = store.stats().entities;
  const std::string rules = dir.write("accepted.curation.json", candidates_as_curation(find_candidates(store)));
  ASSERT_TRUE(ingest::ingest(store, {rules}, {}));
  EXPECT_EQ(store.stats().entities, before - 2);
  EXPECT_TRUE(find_candidates(store).empty());

  // A pair kept apart by not_same_as is no candidate.
  ScratchDir other;
  Store apart = must_open(other.file("tg.db"));
  const std::string keep = other.write("apart.curation.json",
                                       R"({"same_as": [], "not_same_as": [["Daniel Gross", "Daniel Gros"]], "forget": []})");
  ASSERT_TRUE(ingest::ingest(apart, {kVariants, keep}, {}));
  EXPECT_EQ(find_candidates(apart).size(), 1u);
}

TEST(Candidates, NamesakesKeptApartByIdsAreNoPairAndAmbiguousNamesAreNoRule) {
  // Two people named Chen Wei, kept apart by their CSV person_ids, and a Wei Chen, all three at
  // one lab: the two Chen Weis are no candidate pair (their ids say they are two); each is a
  // candidate with Wei Chen, but a same_as rule by the name "Chen Wei" would merge both of them
  // into Wei Chen, so --accept writes no rule for those pairs and says so.
  ScratchDir dir;
  Store store = must_open(dir.file("tg.db"));
  {
    Store::Transaction tx(store);
    test_support::StoreBuilder b(store);
    const auto people = colleagues(b, "Helix Lab", {"Chen Wei", "Chen Wei", "Wei Chen"});
    b.external_id(people[0], "person_id", "hr-10");
    b.external_id(people[1], "person_id", "hr-11");
    tx.commit();
  }
  const auto found = find_candidates(store);
  ASSERT_EQ(found.size(), 2u);
  for (const Candidate& c : found) {
    EXPECT_EQ(c.b.name, "Wei Chen");
    EXPECT_FALSE(c.names_unique);
  }
  std::size_t left_out = 0;
  const std::string rules = candidates_as_curation(found, &left_out);
  EXPECT_EQ(left_out, 2u);
  EXPECT_EQ(rules.find("Chen Wei"), std::string::npos) << rules;
}

}  // namespace
}  // namespace tg::queries
