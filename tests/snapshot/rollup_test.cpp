// Roll-up, rates and the left edge on tests/e2e/inputs/rollup (its README draws the world and
// gives the figures by hand): moves, flows and rank folded into top organisations, with the
// moves inside one dropped and counted; headcounts that leave out former and undated stints;
// and the organisation a `moved` relation left, reached by path and counted by rank.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "graph/snapshot.h"
#include "ingest/ingest.h"
#include "queries/entities.h"
#include "queries/moves.h"
#include "queries/network.h"
#include "tests/support/scratch.h"
#include "tests/support/store_builder.h"

namespace tg {
namespace {

class RollUpTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto r = ingest::ingest(store_, {std::string(TG_SOURCE_DIR) + "/tests/e2e/inputs/rollup"}, {});
    ASSERT_TRUE(r) << r.error().message;
    snap_ = graph::Snapshot::build(store_);
  }
  std::uint32_t node(std::string_view name) {
    auto id = queries::find_entity(store_, name);
    EXPECT_TRUE(id) << name;
    return snap_.node_of(*id).value();
  }
  EntityId id(std::string_view name) { return snap_.entity(node(name)); }
  static std::int32_t day(std::string_view date) { return PartialDate::parse(date)->first_day(); }
  // The flow row from -> to (names), or a failure.
  static const queries::FlowRow* row(const queries::FlowResult& r, std::string_view from, std::string_view to) {
    for (const auto& f : r.flows)
      if (f.from == from && f.to == to) return &f;
    ADD_FAILURE() << "no flow " << from << " -> " << to;
    return nullptr;
  }

  test_support::ScratchDir dir_;
  Store store_ = test_support::must_open(dir_.file("t.db"));
  graph::Snapshot snap_;
};

TEST_F(RollUpTest, SnapshotKnowsTheCurrentPartOfTree) {
  EXPECT_EQ(snap_.top(node("Mega Brain")), node("Mega Corp"));
  EXPECT_EQ(snap_.top(node("Mega Vision")), node("Mega Corp"));  // part_of without a status: current
  EXPECT_EQ(snap_.top(node("Mega Corp")), node("Mega Corp"));
  EXPECT_EQ(snap_.top(node("Oldco Spin")), node("Oldco Spin"));  // spun off: no longer folds
}

TEST_F(RollUpTest, MovesRolledUpDropTheMoveInsideOneCompany) {
  queries::LeftOut left_out{99, 99};
  const auto plain = queries::find_moves(store_, {}, &left_out);
  EXPECT_EQ(plain.size(), 9u);
  EXPECT_EQ(left_out.internal, 0u);
  EXPECT_EQ(left_out.undated, 0u);  // no window: nothing undated is left out
  queries::MoveFilter filter;
  filter.roll_up = true;
  const auto rolled = queries::find_moves(store_, filter, &left_out);
  EXPECT_EQ(rolled.size(), 8u);
  EXPECT_EQ(left_out.internal, 1u);  // Ann Ito, Mega Brain -> Mega Vision
  for (const Move& m : rolled) {
    EXPECT_NE(m.from, m.to);
    EXPECT_NE(m.from, id("Mega Brain"));
    EXPECT_NE(m.to, id("Mega Vision"));
  }
  // Filtering on a lab means its company, rolled up.
  filter.from = id("Mega Brain");
  const auto out_of_mega = queries::find_moves(store_, filter, &left_out);
  EXPECT_EQ(out_of_mega.size(), 4u);  // Ben, Cy twice, Dee
  EXPECT_EQ(left_out.internal, 1u);
}

TEST_F(RollUpTest, FlowsRolledUpCountPeopleOncePerTopPair) {
  queries::FlowQuery q;
  q.roll_up = true;
  q.net = true;
  auto r = queries::flows(snap_, q);
  EXPECT_EQ(r.internal, 1u);
  const auto* mega_nova = row(r, "Mega Corp", "Nova AI");
  ASSERT_TRUE(mega_nova);
  EXPECT_EQ(mega_nova->people, 3u);  // Ben, Cy (twice), Dee: from three units of Mega Corp
  EXPECT_EQ(mega_nova->moves, 4u);
  EXPECT_EQ(r.flows.size(), 5u);
  for (const auto& f : r.flows) {
    EXPECT_NE(f.from, "Mega Brain");
    EXPECT_NE(f.to, "Mega Vision");
  }
  EXPECT_TRUE(row(r, "Oldco Spin", "Mega Corp"));  // spun off: its own organisation
  // Net gain rolled up, in people: Mega Corp loses Ben, Cy, Dee and gains Cy and Hal.
  const auto net = std::ranges::find(r.net, std::string("Mega Corp"), &queries::NetRow::name);
  ASSERT_NE(net, r.net.end());
  EXPECT_EQ(net->out, 3);
  EXPECT_EQ(net->in, 2);
  // Not rolled up: no move is dropped, and the labs stay apart.
  auto plain = queries::flows(snap_, {});
  EXPECT_EQ(plain.internal, 0u);
  EXPECT_TRUE(plain.net.empty());  // tallied only when asked for
  EXPECT_TRUE(row(plain, "Mega Brain", "Mega Vision"));
  // By country, rolled up: the move inside Mega Corp is no US -> US flow any more.
  q.by = queries::FlowBy::country;
  r = queries::flows(snap_, q);
  EXPECT_EQ(r.internal, 1u);
  const auto* us_us = row(r, "US", "US");
  ASSERT_TRUE(us_us);
  EXPECT_EQ(us_us->people, 1u);  // Jane Roe only; not Ann Ito
}

TEST_F(RollUpTest, RankRolledUpRanksTopOrganisations) {
  queries::RankQuery q;
  q.metric = queries::Metric::degree;
  q.top = 0;
  q.roll_up = true;
  const auto r = queries::rank(snap_, q);
  EXPECT_EQ(r.internal, 1u);
  EXPECT_EQ(r.nodes, 5u);  // Mega Corp, Nova AI, Acme Corp, Zeta Lab, Oldco Spin
  for (const auto& row : r.rows) EXPECT_TRUE(row.name != "Mega Brain" && row.name != "Mega Vision") << row.name;
  const auto mega = std::ranges::find(r.rows, std::string("Mega Corp"), &queries::RankRow::name);
  ASSERT_NE(mega, r.rows.end());
  EXPECT_EQ(mega->out, 4);  // Ben, Cy, Cy, Dee: weighted by moves
  EXPECT_EQ(mega->in, 2);   // Cy, Hal
  q.roll_up = false;
  EXPECT_EQ(queries::rank(snap_, q).nodes, 7u);
}

TEST_F(RollUpTest, HeadcountCountsOnlyStintsThatSurelyCoverTheDay) {
  const std::int32_t d = day("2021-01-01");
  const auto by_org = queries::headcount(snap_, d, queries::FlowBy::org, false);
  EXPECT_EQ(by_org.of(node("Mega Brain")), 2u);   // Ben, Gus; not Eve (undated)
  EXPECT_EQ(by_org.of(node("Mega Corp")), 2u);    // Cy, Hal; not Fay (former, with a start)
  EXPECT_EQ(by_org.of(node("Mega Vision")), 1u);  // Ann; not Dee (former, undated)
  EXPECT_EQ(by_org.of(node("Nova AI")), 0u);
  EXPECT_EQ(by_org.of(node("Acme Corp")), 0u);    // Jane's time there is known only from her move
  const auto rolled = queries::headcount(snap_, d, queries::FlowBy::org, true);
  EXPECT_EQ(rolled.of(node("Mega Corp")), 5u);
  const auto countries = queries::headcount(snap_, d, queries::FlowBy::country, false);
  EXPECT_EQ(countries.of("US"), 5u);
  EXPECT_EQ(countries.of("CN"), 0u);
  // A start dated only to its year has not surely begun on the year's first day: Ann Ito's
  // Mega Brain stint (from 2018) counts on 2019-01-01, not on 2018-01-01.
  EXPECT_EQ(queries::headcount(snap_, day("2018-01-01"), queries::FlowBy::org, false).of(node("Mega Brain")), 0u);
  EXPECT_EQ(queries::headcount(snap_, day("2019-01-01"), queries::FlowBy::org, false).of(node("Mega Brain")), 1u);
}

TEST_F(RollUpTest, RatesPerThousandAtTheWindowStartAndNoneForAnEmptyOrigin) {
  queries::FlowQuery q;
  q.roll_up = true;
  q.rate = true;
  q.moves.window.first = day("2021");
  auto r = queries::flows(snap_, q);
  const auto* mega_nova = row(r, "Mega Corp", "Nova AI");
  ASSERT_TRUE(mega_nova);
  EXPECT_EQ(mega_nova->headcount, 5u);
  ASSERT_TRUE(mega_nova->rate);
  EXPECT_DOUBLE_EQ(*mega_nova->rate, 600.0);  // 3 people of 5
  const auto* nova_acme = row(r, "Nova AI", "Acme Corp");
  ASSERT_TRUE(nova_acme);
  EXPECT_EQ(nova_acme->headcount, 0u);
  EXPECT_FALSE(nova_acme->rate);  // nobody there: no rate, not an infinite one
  q.count = queries::FlowCount::moves;
  r = queries::flows(snap_, q);
  EXPECT_DOUBLE_EQ(*row(r, "Mega Corp", "Nova AI")->rate, 800.0);  // 4 moves
  // By country, not rolled up: US -> CN is Ben, Cy, Dee of the 5 at US organisations.
  q.count = queries::FlowCount::people;
  q.roll_up = false;
  q.by = queries::FlowBy::country;
  r = queries::flows(snap_, q);
  EXPECT_DOUBLE_EQ(*row(r, "US", "CN")->rate, 600.0);
  // Per year: each period's own first day. Mega Vision -> Nova AI is Dee Moss in 2022 and Cy
  // Park in 2023; on 2023-01-01 Cy had not yet surely joined Mega Vision (2023-01 ends on the
  // 31st): both years its headcount is Ann Ito alone.
  q.by = queries::FlowBy::org;
  q.per = Period::year;
  r = queries::flows(snap_, q);
  int years = 0;
  for (const auto& f : r.flows) {
    if (f.from != "Mega Vision" || f.to != "Nova AI") continue;
    ++years;
    EXPECT_TRUE(f.period == "2022" || f.period == "2023") << f.period;
    EXPECT_EQ(f.headcount, 1u);
    ASSERT_TRUE(f.rate);
    EXPECT_DOUBLE_EQ(*f.rate, 1000.0);
  }
  EXPECT_EQ(years, 2);
  // And Mega Corp -> Nova AI in 2021 (Cy Park) against 2021-01-01's two at Mega Corp proper.
  const auto mc = std::ranges::find_if(r.flows, [](const queries::FlowRow& f) {
    return f.period == "2021" && f.from == "Mega Corp" && f.to == "Nova AI";
  });
  ASSERT_NE(mc, r.flows.end());
  EXPECT_EQ(mc->headcount, 2u);
  EXPECT_DOUBLE_EQ(*mc->rate, 500.0);
}

TEST_F(RollUpTest, TheOrganisationLeftIsAnEdgeForPathsAndRank) {
  const auto left = std::ranges::find_if(snap_.edges(), [](const graph::SnapshotEdge& e) { return e.left != 0; });
  ASSERT_NE(left, snap_.edges().end());
  queries::PathQuery q;
  q.from = node("Jane Roe");
  q.to = node("Acme Corp");
  const auto paths = queries::find_paths(snap_, q);
  ASSERT_EQ(paths.size(), 1u);
  ASSERT_EQ(paths[0].size(), 1u);  // Jane Roe -> Acme Corp directly, through what she left
  EXPECT_TRUE(paths[0][0].left);
  EXPECT_EQ(snap_.edges()[paths[0][0].edge].kind, RelationKind::moved);
  // As of a day before the move she was there; the edge ends with the move's month.
  q.as_of = day("2024-05-01");
  EXPECT_TRUE(queries::find_paths(snap_, q).empty());
  // Affiliation degree: Acme Corp has Kim's move and stint, and Jane's leaving.
  queries::RankQuery rq;
  rq.metric = queries::Metric::degree;
  rq.graph = queries::RankGraph::affiliation;
  rq.top = 0;
  const auto r = queries::rank(snap_, rq);
  const auto acme = std::ranges::find(r.rows, std::string("Acme Corp"), &queries::RankRow::name);
  ASSERT_NE(acme, r.rows.end());
  EXPECT_EQ(acme->score, 3.0);  // without the left edge: 2
}

}  // namespace
}  // namespace tg
