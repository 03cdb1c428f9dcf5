// queries/candidates: the pairs that may be one entity, on two outlets' spellings of one hiring
// wave (tests/e2e/inputs/variants), and the round trip through curation: the printed same_as
// rules, ingested, merge exactly those pairs and leave no candidate.
#include "queries/candidates.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "ingest/ingest.h"
#include "tests/support/scratch.h"
#include "tests/support/store_builder.h"

namespace tg::queries {
namespace {

using test_support::must_open;
using test_support::ScratchDir;

const std::string kVariants = std::string(TG_SOURCE_DIR) + "/tests/e2e/inputs/variants";

TEST(Candidates, NameOrderOneEditAndContainedNamesThatTheGraphLinks) {
  ScratchDir dir;
  Store store = must_open(dir.file("tg.db"));
  ASSERT_TRUE(ingest::ingest(store, {kVariants}, {}));
  const auto found = find_candidates(store);
  ASSERT_EQ(found.size(), 3u);
  auto pair = [](const Candidate& c) { return c.a.name + " / " + c.b.name + ": " + c.reasons.front(); };
  EXPECT_EQ(pair(found[0]), "Shengjia Zhao / Zhao Shengjia: name order");
  EXPECT_EQ(pair(found[1]), "Daniel Gross / Daniel Gros: one edit");
  EXPECT_EQ(pair(found[2]), "DeepMind / Google DeepMind: name contained");
  ASSERT_EQ(found[0].shared.size(), 1u);
  EXPECT_EQ(found[0].shared[0].name, "Meta Superintelligence Labs");
  EXPECT_EQ(found[2].shared[0].name, "Hongyu Ren");
  EXPECT_EQ(found[2].shared[0].how, "person");
  for (const Candidate& c : found) EXPECT_LT(raw(c.a.id), raw(c.b.id));
  // "Daniel Grass" is two edits from "Daniel Gros" and shares nothing: not a candidate.
  EXPECT_TRUE(std::ranges::none_of(found, [](const Candidate& c) { return c.b.name == "Daniel Grass"; }));
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
  EXPECT_EQ(store.stats().entities, before - 3);
  EXPECT_TRUE(find_candidates(store).empty());

  // A pair kept apart by not_same_as is no candidate.
  ScratchDir other;
  Store apart = must_open(other.file("tg.db"));
  const std::string keep = other.write("apart.curation.json",
                                       R"({"same_as": [], "not_same_as": [["Daniel Gross", "Daniel Gros"]], "forget": []})");
  ASSERT_TRUE(ingest::ingest(apart, {kVariants, keep}, {}));
  EXPECT_EQ(find_candidates(apart).size(), 2u);
}

}  // namespace
}  // namespace tg::queries
