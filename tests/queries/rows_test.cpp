// queries/: the rows the CLI prints, without the CLI: moves with their evidence (the arrival's
// first, each (source, quote) once), path hops with their relation and best evidence, rank and
// flow rows with names, and the clean errors when a name fits nothing or a node is gone.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "graph/snapshot.h"
#include "ingest/ingest.h"
#include "queries/moves.h"
#include "queries/network.h"
#include "tests/support/scratch.h"
#include "tests/support/store_builder.h"

namespace tg::queries {
namespace {

using test_support::must_open;
using test_support::ScratchDir;

// Two sources on one career: Pia Ahn worked at Acme (US) until 2021-05, then at Birch (CN).
// s1 quotes one sentence for both stints; s2 adds one quote for each.
constexpr const char* kFirst = R"({
  "source": {"id": "s1", "title": "t1", "publisher": "p", "published": "2024-01-01", "language": "en", "url": "https://example.com/s1"},
  "entities": [
    {"ref": "pia", "kind": "person", "name": "Pia Ahn"},
    {"ref": "acme", "kind": "company", "name": "Acme Robotics", "country": "US"},
    {"ref": "birch", "kind": "company", "name": "Birch Systems", "country": "CN"},
    {"ref": "cole", "kind": "company", "name": "Cole Works", "country": "KR"}
  ],
  "relations": [
    {"kind": "worked_at", "from": "pia", "to": "acme", "start": "2019", "end": "2021-05",
     "quote": "Pia Ahn left Acme for Birch", "confidence": 0.9},
    {"kind": "worked_at", "from": "pia", "to": "birch", "start": "2021-06",
     "quote": "Pia Ahn left Acme for Birch", "confidence": 0.9}
  ]})";
constexpr const char* kSecond = R"({
  "source": {"id": "s2", "title": "t2", "publisher": "p", "published": "2024-02-01", "language": "en"},
  "entities": [
    {"ref": "pia", "kind": "person", "name": "Pia Ahn"},
    {"ref": "acme", "kind": "company", "name": "Acme Robotics", "country": "US"},
    {"ref": "birch", "kind": "company", "name": "Birch Systems", "country": "CN"}
  ],
  "relations": [
    {"kind": "worked_at", "from": "pia", "to": "acme", "start": "2019", "end": "2021-05",
     "quote": "Pia was at Acme", "confidence": 0.7},
    {"kind": "worked_at", "from": "pia", "to": "birch", "start": "2021-06",
     "quote": "Pia joined Birch", "confidence": 0.95}
  ]})";

class Rows : public ::testing::Test {
 protected:
  void SetUp() override {
    auto r = ingest::ingest(store, {dir.write("first.json", kFirst), dir.write("second.json", kSecond)}, {});
    ASSERT_TRUE(r.has_value()) << r.error().message;
  }

  ScratchDir dir;
  Store store = must_open(dir.file("tg.db"));
};

std::vector<std::string> evidence_of(const std::vector<Evidence>& evidence) {
  std::vector<std::string> out;
  for (const auto& e : evidence) out.push_back(e.source + ": " + e.quote);
  return out;
}

TEST_F(Rows, MoveRowsCarryNamesCountriesAndEvidenceArrivalFirstEachQuoteOnce) {
  auto rows = move_rows(store, MoveSearch{});
  ASSERT_TRUE(rows.has_value()) << rows.error().message;
  ASSERT_EQ(rows->size(), 1u);
  const MoveRow& m = rows->front();
  EXPECT_EQ(m.person, "Pia Ahn");
  EXPECT_EQ(m.from, "Acme Robotics");
  EXPECT_EQ(m.to, "Birch Systems");
  EXPECT_EQ(m.from_country, "US");
  EXPECT_EQ(m.to_country, "CN");
  EXPECT_EQ(m.move.date.str(), "2021-06");
  EXPECT_EQ(m.move.basis, MoveBasis::dated);
  ASSERT_EQ(m.move.relations.size(), 2u);
  // Birch's evidence (best first), then Acme's without the sentence already quoted.
  EXPECT_EQ(evidence_of(m.evidence), (std::vector<std::string>{"s2: Pia joined Birch", "s1: Pia Ahn left Acme for Birch",
                                                               "s2: Pia was at Acme"}));
  EXPECT_EQ(m.evidence[1].source_url, "https://example.com/s1");
  EXPECT_DOUBLE_EQ(m.evidence[0].confidence, 0.95);
}

TEST_F(Rows, MoveSearchResolvesNamesAndFilters) {
  MoveSearch search;
  search.to = "birch";
  auto rows = move_rows(store, search);
  ASSERT_TRUE(rows.has_value()) << rows.error().message;
  EXPECT_EQ(rows->size(), 1u);
  search.to_country = "US";
  rows = move_rows(store, search);
  ASSERT_TRUE(rows.has_value());
  EXPECT_TRUE(rows->empty());
  search = {};
  search.window.window.first = days_from_civil(2022, 1, 1);
  rows = move_rows(store, search);
  ASSERT_TRUE(rows.has_value());
  EXPECT_TRUE(rows->empty());

  search = {};
  search.from = "Nobody";
  rows = move_rows(store, search);
  ASSERT_FALSE(rows.has_value());
  EXPECT_EQ(rows.error().code, ErrorCode::not_found);
  EXPECT_EQ(rows.error().message, "no entity named \"Nobody\"");
}

TEST_F(Rows, PathHopsCarryTheirRelationAndBestEvidence) {
  PathSearch search;
  search.from = "Acme Robotics";
  search.to = "Birch Systems";
  auto answer = connect(store, search);
  ASSERT_TRUE(answer.has_value()) << answer.error().message;
  EXPECT_EQ(answer->from, "Acme Robotics");
  EXPECT_EQ(answer->to, "Birch Systems");
  ASSERT_EQ(answer->paths.size(), 1u);
  const PathRow& path = answer->paths.front();
  ASSERT_EQ(path.size(), 2u);
  // Acme <- Pia, walked against the relation; then Pia -> Birch along it.
  EXPECT_EQ(path[0].from, "Acme Robotics");
  EXPECT_EQ(path[0].to, "Pia Ahn");
  EXPECT_FALSE(path[0].hop.along);
  EXPECT_EQ(path[0].kind, RelationKind::worked_at);
  EXPECT_EQ(path[0].relation.start.str(), "2019");
  EXPECT_EQ(path[0].relation.end.str(), "2021-05");
  ASSERT_TRUE(path[0].evidence.has_value());
  EXPECT_EQ(path[0].evidence->quote, "Pia Ahn left Acme for Birch");  // 0.9 beats 0.7
  EXPECT_EQ(path[1].from, "Pia Ahn");
  EXPECT_EQ(path[1].to, "Birch Systems");
  EXPECT_TRUE(path[1].hop.along);
  EXPECT_EQ(path[1].relation.start.str(), "2021-06");
  ASSERT_TRUE(path[1].evidence.has_value());
  EXPECT_EQ(path[1].evidence->quote, "Pia joined Birch");
  EXPECT_EQ(path[1].evidence->source, "s2");
}

TEST_F(Rows, PathWithoutAConnectionAndWithAnUnknownName) {
  PathSearch search;
  search.from = "Acme Robotics";
  search.to = "Cole Works";
  auto answer = connect(store, search);
  ASSERT_TRUE(answer.has_value()) << answer.error().message;
  EXPECT_TRUE(answer->paths.empty());
  EXPECT_EQ(answer->to, "Cole Works");
  search.to = "Nowhere Inc";
  answer = connect(store, search);
  ASSERT_FALSE(answer.has_value());
  EXPECT_EQ(answer.error().code, ErrorCode::not_found);
}

TEST_F(Rows, RankAndFlowRowsCarryNames) {
  RankQuery query;
  query.metric = Metric::degree;
  auto ranked = rank(store, query);
  ASSERT_TRUE(ranked.has_value()) << ranked.error().message;
  ASSERT_EQ(ranked->rows.size(), 2u);
  EXPECT_EQ(ranked->rows[0].name, "Acme Robotics");  // ties by name
  EXPECT_EQ(ranked->rows[0].country, "US");
  EXPECT_EQ(ranked->rows[0].kind, NodeKind::company);
  EXPECT_DOUBLE_EQ(ranked->rows[0].out, 1);
  EXPECT_EQ(ranked->rows[1].name, "Birch Systems");
  EXPECT_DOUBLE_EQ(ranked->rows[1].in, 1);

  FlowSearch search;
  search.from = "acme";
  auto result = flows(store, search);
  ASSERT_TRUE(result.has_value()) << result.error().message;
  ASSERT_EQ(result->flows.size(), 1u);
  EXPECT_EQ(result->flows[0].from, "Acme Robotics");
  EXPECT_EQ(result->flows[0].to, "Birch Systems");
  search.from = "Cole Works";
  result = flows(store, search);
  ASSERT_TRUE(result.has_value());
  EXPECT_TRUE(result->flows.empty());
  search.from = "Nobody";
  result = flows(store, search);
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().code, ErrorCode::not_found);
}

TEST_F(Rows, AnEntityTheSnapshotNoLongerHoldsIsNotFound) {
  auto snapshot = load_snapshot(store);
  ASSERT_TRUE(snapshot.has_value()) << snapshot.error().message;
  auto gone = node_of(*snapshot, EntityId{999999}, "Pia Ahn");
  ASSERT_FALSE(gone.has_value());
  EXPECT_EQ(gone.error().code, ErrorCode::not_found);
  EXPECT_EQ(gone.error().message, "no entity named \"Pia Ahn\"");
}

}  // namespace
}  // namespace tg::queries
