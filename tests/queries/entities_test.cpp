// queries/entities: finding the one entity a user means by any alias in any script (exact alias
// first, else a unique fragment), the exact messages when a name fits several or none, and the
// entity card's timeline.
#include "queries/entities.h"

#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "ingest/ingest.h"
#include "tests/support/scratch.h"
#include "tests/support/store_builder.h"

namespace tg::queries {
namespace {

using nlohmann::json;
using test_support::must_open;
using test_support::ScratchDir;

class FindEntity : public ::testing::Test {
 protected:
  void SetUp() override {
    const json doc = json::parse(R"({
      "source": {"id": "s1", "title": "t", "publisher": "p", "published": "2024-11-19", "language": "ko"},
      "entities": [
        {"ref": "alibaba", "kind": "company", "name": "Alibaba Group", "aliases": ["알리바바", "阿里巴巴集团"], "country": "CN"},
        {"ref": "alicorp", "kind": "company", "name": "Alicorp"},
        {"ref": "wu", "kind": "person", "name": "Wu Yuxin", "aliases": ["우유신"]},
        {"ref": "li1", "kind": "person", "name": "Li Wei", "ids": {"orcid": "1"}},
        {"ref": "li2", "kind": "person", "name": "Li Wei", "ids": {"orcid": "2"}},
        {"ref": "moonshot", "kind": "company", "name": "Moonshot AI", "aliases": ["月之暗面"]},
        {"ref": "apple-co", "kind": "company", "name": "Apple"},
        {"ref": "apple-person", "kind": "person", "name": "Apple"},
        {"ref": "hz", "kind": "place", "name": "Hangzhou", "aliases": ["杭州"]}
      ],
      "relations": [
        {"kind": "worked_at", "from": "wu", "to": "alibaba", "start": "2024-01", "quote": "joined", "confidence": 0.8},
        {"kind": "worked_at", "from": "wu", "to": "moonshot", "former": true},
        {"kind": "worked_at", "from": "wu", "to": "alicorp", "start": "2019", "end": "2020"},
        {"kind": "headquartered_in", "from": "alibaba", "to": "hz"}
      ]})");
    const std::string path = dir.write("doc.json", doc.dump());
    auto r = ingest::ingest(store, {path}, {});
    ASSERT_TRUE(r.has_value()) << r.error().message;
    store.for_each_entity([&](const EntityRow& e) { ids[e.name + "/" + std::string(to_string(e.kind))].push_back(e.id); });
  }

  EntityId id(const std::string& name, const std::string& kind) {
    auto it = ids.find(name + "/" + kind);
    EXPECT_NE(it, ids.end()) << name;
    return it == ids.end() ? EntityId{} : it->second.front();
  }

  Result<EntityId> find(std::string_view name) { return find_entity(store, name); }

  ScratchDir dir;
  Store store = must_open(dir.file("tg.db"));
  std::map<std::string, std::vector<EntityId>> ids;
};

TEST_F(FindEntity, ByAliasInAnyScript) {
  const EntityId alibaba = id("Alibaba Group", "company");
  for (std::string_view name : {"Alibaba Group", "알리바바", "阿里巴巴集团", "阿里巴巴", "ALIBABA GROUP HOLDING LTD",
                                "alibaba", "Alibaba Group Holding Limited", "ＡＬＩＢＡＢＡ"}) {
    auto r = find(name);
    ASSERT_TRUE(r.has_value()) << name << ": " << r.error().message;
    EXPECT_EQ(*r, alibaba) << name;
  }
  const EntityId wu = id("Wu Yuxin", "person");
  for (std::string_view name : {"Wu Yuxin", "우유신", "wu yuxin", "WU-YUXIN"}) {
    auto r = find(name);
    ASSERT_TRUE(r.has_value()) << name << ": " << r.error().message;
    EXPECT_EQ(*r, wu) << name;
  }
  EXPECT_EQ(find("月之暗面").value_or(EntityId{}), id("Moonshot AI", "company"));
  EXPECT_EQ(find("杭州").value_or(EntityId{}), id("Hangzhou", "place"));
}

TEST_F(FindEntity, ByAUniqueFragment) {
  EXPECT_EQ(find("moonsh").value_or(EntityId{}), id("Moonshot AI", "company"));
  EXPECT_EQ(find("Yuxin").value_or(EntityId{}), id("Wu Yuxin", "person"));
  EXPECT_EQ(find("알리").value_or(EntityId{}), id("Alibaba Group", "company"));  // two syllables
  EXPECT_EQ(find("暗面").value_or(EntityId{}), id("Moonshot AI", "company"));
  EXPECT_EQ(find("hangz").value_or(EntityId{}), id("Hangzhou", "place"));
}

TEST_F(FindEntity, AmbiguousNamesListTheCandidates) {
  const auto li = ids["Li Wei/person"];
  ASSERT_EQ(li.size(), 2u);
  auto r = find("Li Wei");
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, ErrorCode::ambiguous);
  EXPECT_EQ(r.error().message, "\"Li Wei\" fits 2 entities; name one by its #ID or an id shown:\n  Li Wei (person, #" +
                                   std::to_string(raw(li[0])) + ", orcid:1)\n  Li Wei (person, #" +
                                   std::to_string(raw(li[1])) + ", orcid:2)");
  // A person and a company of one name: people first.
  auto apple = find("apple");
  ASSERT_FALSE(apple.has_value());
  EXPECT_EQ(apple.error().code, ErrorCode::ambiguous);
  EXPECT_EQ(apple.error().message, "\"apple\" fits 2 entities; name one by its #ID or an id shown:\n  Apple (person, #" +
                                       std::to_string(raw(id("Apple", "person"))) + ")\n  Apple (company, #" +
                                       std::to_string(raw(id("Apple", "company"))) + ")");
  // A fragment that several names contain: shorter names first.
  auto ali = find("ali");
  ASSERT_FALSE(ali.has_value());
  EXPECT_EQ(ali.error().code, ErrorCode::ambiguous);
  EXPECT_EQ(ali.error().message, "\"ali\" fits 2 entities; name one by its #ID or an id shown:\n  Alicorp (company, #" +
                                     std::to_string(raw(id("Alicorp", "company"))) + ")\n  Alibaba Group (company, #" +
                                     std::to_string(raw(id("Alibaba Group", "company"))) + ")");
}

TEST_F(FindEntity, NotFound) {
  for (std::string_view name : {"Nobody Here", "구글", "", "---"}) {
    auto r = find(name);
    ASSERT_FALSE(r.has_value()) << name;
    EXPECT_EQ(r.error().code, ErrorCode::not_found);
    EXPECT_EQ(r.error().message, "no entity named \"" + std::string(name) + "\"");
  }
}

TEST_F(FindEntity, SearchListsHitsInEveryScriptUpToTheLimit) {
  auto names = [](const std::vector<SearchHit>& hits) {
    std::vector<std::string> out;
    for (const auto& h : hits) out.push_back(h.name);
    return out;
  };
  EXPECT_EQ(names(search_entities(store, "ali", 10)), (std::vector<std::string>{"Alicorp", "Alibaba Group"}));
  EXPECT_EQ(names(search_entities(store, "ali", 1)), std::vector<std::string>{"Alicorp"});
  EXPECT_EQ(names(search_entities(store, "Alibaba Group", 10)), std::vector<std::string>{"Alibaba Group"});
  EXPECT_EQ(names(search_entities(store, "바바", 10)), std::vector<std::string>{"Alibaba Group"});
  EXPECT_TRUE(search_entities(store, "zzz", 10).empty());
}

TEST_F(FindEntity, CardHoldsAliasesTimelineAndSources) {
  const auto found = entity_card(store, id("Wu Yuxin", "person"));
  ASSERT_TRUE(found.has_value()) << found.error().message;
  const EntityCard& card = *found;
  EXPECT_EQ(card.entity.name, "Wu Yuxin");
  ASSERT_EQ(card.aliases.size(), 2u);
  EXPECT_EQ(card.aliases[0].name, "Wu Yuxin");
  EXPECT_EQ(card.aliases[1].name, "우유신");
  ASSERT_EQ(card.relations.size(), 3u);
  // Dated first by start, then undated.
  EXPECT_EQ(card.relations[0].other_name, "Alicorp");
  EXPECT_EQ(card.relations[1].other_name, "Alibaba Group");
  EXPECT_EQ(card.relations[2].other_name, "Moonshot AI");
  EXPECT_TRUE(card.relations[2].relation.former);
  for (const auto& r : card.relations) EXPECT_TRUE(r.outgoing);
  ASSERT_EQ(card.relations[1].evidence.size(), 1u);
  EXPECT_EQ(card.relations[1].evidence[0].quote, "joined");
  EXPECT_DOUBLE_EQ(card.relations[1].evidence[0].confidence, 0.8);
  EXPECT_EQ(card.sources, std::vector<std::string>{"s1"});

  const auto hq_card = entity_card(store, "杭州");
  ASSERT_TRUE(hq_card.has_value()) << hq_card.error().message;
  const EntityCard& hq = *hq_card;
  ASSERT_EQ(hq.relations.size(), 1u);
  EXPECT_FALSE(hq.relations[0].outgoing);
  EXPECT_EQ(hq.relations[0].other_name, "Alibaba Group");
  EXPECT_EQ(hq.relations[0].other_kind, NodeKind::company);
}

TEST_F(FindEntity, CardOfAGoneEntityIsNotFound) {
  auto gone = entity_card(store, EntityId{999999});
  ASSERT_FALSE(gone.has_value());
  EXPECT_EQ(gone.error().code, ErrorCode::not_found);
  auto nobody = entity_card(store, "Nobody Here");
  ASSERT_FALSE(nobody.has_value());
  EXPECT_EQ(nobody.error().message, "no entity named \"Nobody Here\"");
}

TEST_F(FindEntity, CountsListEveryKind) {
  const Counts c = counts(store);
  EXPECT_EQ(c.entities, 9);
  ASSERT_EQ(c.entities_by_kind.size(), static_cast<std::size_t>(kNodeKindCount));
  ASSERT_EQ(c.relations_by_kind.size(), static_cast<std::size_t>(kRelationKindCount));
  for (int k = 0; k < kNodeKindCount; ++k) EXPECT_EQ(c.entities_by_kind[k].first, static_cast<NodeKind>(k));
  EXPECT_EQ(c.entities_by_kind[static_cast<int>(NodeKind::person)].second, 4);
  EXPECT_EQ(c.entities_by_kind[static_cast<int>(NodeKind::company)].second, 4);
  EXPECT_EQ(c.entities_by_kind[static_cast<int>(NodeKind::lab)].second, 0);
  EXPECT_EQ(c.relations_by_kind[static_cast<int>(RelationKind::worked_at)].second, 3);
  EXPECT_EQ(c.relations_by_kind[static_cast<int>(RelationKind::headquartered_in)].second, 1);
  EXPECT_EQ(c.relations_by_kind[static_cast<int>(RelationKind::founded)].second, 0);
}

TEST_F(FindEntity, ByIdAndByExternalId) {
  const auto li = ids["Li Wei/person"];
  ASSERT_EQ(li.size(), 2u);
  const std::string hash_id = "#" + std::to_string(raw(li[1]));
  EXPECT_EQ(find(hash_id).value_or(EntityId{}), li[1]);
  EXPECT_EQ(find("orcid:1").value_or(EntityId{}), li[0]);
  EXPECT_EQ(find("orcid:2").value_or(EntityId{}), li[1]);
  auto gone = find("#99999");
  ASSERT_FALSE(gone.has_value());
  EXPECT_EQ(gone.error().code, ErrorCode::not_found);
  EXPECT_EQ(gone.error().message, "no entity #99999");
  // An unknown scheme:value is read as a name.
  EXPECT_EQ(find("orcid:3").error().code, ErrorCode::not_found);
}

TEST_F(FindEntity, APersonToForget) {
  const auto li = ids["Li Wei/person"];
  EXPECT_EQ(find_person(store, "Wu Yuxin").value_or(EntityId{}), id("Wu Yuxin", "person"));
  EXPECT_EQ(find_person(store, "orcid:2").value_or(EntityId{}), li[1]);
  // Several people: refused, listed.
  auto several = find_person(store, "Li Wei");
  ASSERT_FALSE(several.has_value());
  EXPECT_EQ(several.error().code, ErrorCode::ambiguous);
  EXPECT_TRUE(several.error().message.starts_with("\"Li Wei\" fits 2 people;")) << several.error().message;
  // A person and a company of one name: the person.
  EXPECT_EQ(find_person(store, "Apple").value_or(EntityId{}), id("Apple", "person"));
  // Not a person.
  auto company = find_person(store, "Alibaba Group");
  ASSERT_FALSE(company.has_value());
  EXPECT_EQ(company.error().code, ErrorCode::usage);
  EXPECT_EQ(company.error().message, "Alibaba Group is a company, not a person: forget removes people");
  EXPECT_EQ(find_person(store, "#" + std::to_string(raw(id("Hangzhou", "place")))).error().code, ErrorCode::usage);
  // Nobody, and no fragment matching for what deletes.
  EXPECT_EQ(find_person(store, "Nobody At All").error().code, ErrorCode::not_found);
  EXPECT_EQ(find_person(store, "Yuxin").error().code, ErrorCode::not_found);
}

TEST_F(FindEntity, SearchFindsWordsThatKeysFoldAway) {
  // "Group" is a legal-form word that the alias key of "Alibaba Group" drops.
  const auto hits = search_entities(store, "Group", 10);
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_EQ(hits[0].name, "Alibaba Group");
  EXPECT_EQ(search_entities(store, "Alibaba Group Holding", 10).front().name, "Alibaba Group");
  // LIKE's wildcards are matched as themselves.
  EXPECT_TRUE(search_entities(store, "%", 10).empty());
  EXPECT_TRUE(search_entities(store, "Gro_p", 10).empty());
}

}  // namespace
}  // namespace tg::queries
