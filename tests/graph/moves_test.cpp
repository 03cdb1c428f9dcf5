// graph/moves: the move rule on hand-built careers, one test per rule of
// tests/fixtures/small/README.md and data/schema/README.md (find_moves over a store is tested in
// tests/queries/moves_test.cpp).
#include "graph/moves.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

namespace tg {
namespace {

constexpr EntityId kPerson{1};
constexpr EntityId A{10}, B{11}, C{12}, D{13};

PartialDate date(std::string_view text) { return text.empty() ? PartialDate{} : PartialDate::parse(text).value(); }

RelationRow job(std::int64_t id, EntityId org, std::string_view start = "", std::string_view end = "") {
  RelationRow r;
  r.id = RelationId{id};
  r.kind = RelationKind::worked_at;
  r.from = kPerson;
  r.to = org;
  r.start = date(start);
  r.end = date(end);
  return r;
}

RelationRow former(std::int64_t id, EntityId org) {
  RelationRow r = job(id, org);
  r.former = true;
  return r;
}

RelationRow founded(std::int64_t id, EntityId org, std::string_view start = "") {
  RelationRow r = job(id, org, start);
  r.kind = RelationKind::founded;
  return r;
}

RelationRow moved(std::int64_t id, EntityId to, std::optional<EntityId> left, std::string_view start = "") {
  RelationRow r = job(id, to, start);
  r.kind = RelationKind::moved;
  r.left = left;
  return r;
}

// A move as compared in tests: relation ids sorted, since their order carries no meaning.
struct M {
  EntityId from, to;
  std::string date;
  MoveBasis basis;
  std::vector<std::int64_t> relations;
  bool operator==(const M&) const = default;
};

void PrintTo(const M& m, std::ostream* os) {
  *os << raw(m.from) << "->" << raw(m.to) << " @" << (m.date.empty() ? "?" : m.date) << " " << to_string(m.basis)
      << " " << ::testing::PrintToString(m.relations);
}

std::vector<M> simplify(const std::vector<Move>& moves) {
  std::vector<M> out;
  for (const Move& m : moves) {
    EXPECT_EQ(m.person, kPerson);
    M x{m.from, m.to, m.date.str(), m.basis, {}};
    for (RelationId r : m.relations) x.relations.push_back(raw(r));
    std::ranges::sort(x.relations);
    out.push_back(std::move(x));
  }
  return out;
}

std::vector<M> moves(const std::vector<RelationRow>& career) { return simplify(moves_of_career(kPerson, career)); }

using Ms = std::vector<M>;
constexpr MoveBasis kDated = MoveBasis::dated, kExplicit = MoveBasis::explicit_claim, kFormer = MoveBasis::former;

TEST(MoveBasisNames, AreStable) {
  EXPECT_EQ(to_string(MoveBasis::dated), "dated");
  EXPECT_EQ(to_string(MoveBasis::explicit_claim), "explicit");
  EXPECT_EQ(to_string(MoveBasis::former), "former");
}

// ---- rule 1: dated employments ----

TEST(MovesRule1, ADatedChainGivesOneMovePerStep) {
  const Ms expected = {{A, B, "2019-06", kDated, {1, 2}}, {B, C, "2023-11", kDated, {2, 3}}};
  EXPECT_EQ(moves({job(1, A, "2016", "2019"), job(2, B, "2019-06", "2023-10"), job(3, C, "2023-11")}), expected);
  // The order of the input does not matter.
  EXPECT_EQ(moves({job(3, C, "2023-11"), job(1, A, "2016", "2019"), job(2, B, "2019-06", "2023-10")}), expected);
  // Only from the latest earlier employment: no A -> C.
}

TEST(MovesRule1, EqualOrOverlappingStartsAreNotOrdered) {
  // Bo Li: 2020 (year) vs 2020-03 overlap, and 2020-03 vs 2020-03 are equal.
  EXPECT_EQ(moves({job(1, A, "2020", "2021"), job(2, B, "2020-03", "2022-01"), job(3, C, "2020-03", "2020-09")}), Ms{});
  EXPECT_EQ(moves({job(1, A, "2019", "2019"), job(2, B, "2019-12")}), Ms{});
  EXPECT_EQ(moves({job(1, A, "2019-12-31"), job(2, B, "2019-12")}), Ms{});
}

TEST(MovesRule1, UndatedEmploymentsAreNotOrdered) {
  EXPECT_EQ(moves({job(1, A), job(2, B, "2020"), job(3, C, "", "2019")}), Ms{});
}

TEST(MovesRule1, ASideRoleStrictlyContainedGivesNoMoveAndNoFallback) {
  // Carla Diaz: Redpine -> Northwind; Jade River is held beside Northwind (ongoing), and the
  // older Redpine job is not taken as its origin instead.
  EXPECT_EQ(moves({job(1, A, "2010-02", "2014-12"), job(2, B, "2015-01"), job(3, C, "2018-09", "2020-06")}),
            (Ms{{A, B, "2015-01", kDated, {1, 2}}}));
  // Contained in an employment that has ended.
  EXPECT_EQ(moves({job(1, A, "2010", "2020"), job(2, B, "2012", "2015")}), Ms{});
}

TEST(MovesRule1, ASideRoleIsNotTheOriginOfALaterMove) {
  // Was a bug (fixed): moves_of_career (then in queries/moves.cpp) takes the latest-starting earlier employment as the
  // origin even when it was a side role strictly contained in another one: here B (2012-2015,
  // inside A 2010-2020) and the person left A for C in 2021, but the move reported is B -> C.
  EXPECT_EQ(moves({job(1, A, "2010", "2020"), job(2, B, "2012", "2015"), job(3, C, "2021")}),
            (Ms{{A, C, "2021", kDated, {1, 3}}}));
}

TEST(MovesRule1, AnOverlappingTransitionIsAMove) {
  // A ends after B starts but before B ends: the person moved with some overlap.
  EXPECT_EQ(moves({job(1, A, "2015-01", "2019-06"), job(2, B, "2019-03", "2021")}),
            (Ms{{A, B, "2019-03", kDated, {1, 2}}}));
  // B still going on.
  EXPECT_EQ(moves({job(1, A, "2015-01", "2019-06"), job(2, B, "2019-03")}), (Ms{{A, B, "2019-03", kDated, {1, 2}}}));
}

TEST(MovesRule1, AReHireAtTheSameOrganisationIsNoMove) {
  // Dev Patel: Hanbit -> Bluefin, then Bluefin again; the older Hanbit job is not counted twice.
  EXPECT_EQ(moves({job(1, A, "2010-03", "2013-06"), job(2, B, "2013-09", "2016-12"), job(3, B, "2017-02")}),
            (Ms{{A, B, "2013-09", kDated, {1, 2}}}));
  // Going back to an earlier organisation is a move.
  EXPECT_EQ(moves({job(1, A, "2010", "2012"), job(2, B, "2012-06", "2014"), job(3, A, "2015")}),
            (Ms{{A, B, "2012-06", kDated, {1, 2}}, {B, A, "2015", kDated, {2, 3}}}));
}

TEST(MovesRule1, EveryLatestPredecessorWhoseOrderIsUnknownIsAnOrigin) {
  EXPECT_EQ(moves({job(1, A, "2019", "2020"), job(2, D, "2019-06", "2020-06"), job(3, B, "2021")}),
            (Ms{{A, B, "2021", kDated, {1, 3}}, {D, B, "2021", kDated, {2, 3}}}));
}

TEST(MovesRule1, FoundingCountsAsAnEmployment) {
  EXPECT_EQ(moves({job(1, A, "2015", "2019"), founded(2, B, "2020-02")}), (Ms{{A, B, "2020-02", kDated, {1, 2}}}));
}

TEST(MovesRule1, OtherKindsAreNotEmployments) {
  RelationRow studied = job(1, A, "2004", "2009");
  studied.kind = RelationKind::studied_at;
  RelationRow leads = job(3, C, "2011");
  leads.kind = RelationKind::leads;
  EXPECT_EQ(moves({studied, job(2, B, "2010"), leads}), Ms{});
}

// ---- rule 2: explicit `moved` ----

TEST(MovesRule2, AnExplicitMoveFromTheOrganisationLeft) {
  EXPECT_EQ(moves({moved(1, C, B, "2023-11")}), (Ms{{B, C, "2023-11", kExplicit, {1}}}));
  EXPECT_EQ(moves({moved(1, C, B)}), (Ms{{B, C, "", kExplicit, {1}}}));
  EXPECT_EQ(moves({moved(1, C, std::nullopt, "2023-11")}), Ms{});  // nothing left: no move
  EXPECT_EQ(moves({moved(1, C, C, "2023-11")}), Ms{});             // left for itself: no move
}

TEST(MovesRule2, IsNotAlsoReadAsAnEmployment) {
  // Alice Chen: Bluefin -> Northwind (dated), then the explicit move to Hanbit; no Bluefin -> Hanbit.
  EXPECT_EQ(moves({job(1, A, "2016", "2019"), job(2, B, "2019-06", "2023-10"), moved(3, C, B, "2023-11")}),
            (Ms{{A, B, "2019-06", kDated, {1, 2}}, {B, C, "2023-11", kExplicit, {3}}}));
}

TEST(MovesRule2, TheSameMoveFromRules1And2IsOneExplicitMove) {
  const Ms expected = {{B, C, "2023-11", kExplicit, {1, 2, 3}}};
  EXPECT_EQ(moves({job(1, B, "2019-06", "2023-10"), job(2, C, "2023-11"), moved(3, C, B, "2023-11")}), expected);
  EXPECT_EQ(moves({moved(3, C, B, "2023-11"), job(2, C, "2023-11"), job(1, B, "2019-06", "2023-10")}), expected);
}

// ---- rule 3: former employments ----

TEST(MovesRule3, FormerThenCurrentOrFounded) {
  EXPECT_EQ(moves({former(1, A), job(2, B)}), (Ms{{A, B, "", kFormer, {1, 2}}}));
  EXPECT_EQ(moves({former(1, A), job(2, B, "2022")}), (Ms{{A, B, "2022", kFormer, {1, 2}}}));
  EXPECT_EQ(moves({former(1, A), founded(2, C, "2023-05")}), (Ms{{A, C, "2023-05", kFormer, {1, 2}}}));
  EXPECT_EQ(moves({former(1, A), founded(2, C)}), (Ms{{A, C, "", kFormer, {1, 2}}}));
}

TEST(MovesRule3, TwoFormersGiveAMoveEach) {
  // Park Eun-ji: former Hanbit, former Redpine, then founded Kestrel.
  EXPECT_EQ(moves({former(1, A), former(2, B), founded(3, C, "2023-05")}),
            (Ms{{A, C, "2023-05", kFormer, {1, 3}}, {B, C, "2023-05", kFormer, {2, 3}}}));
  // One former, two current employments.
  EXPECT_EQ(moves({former(1, A), job(2, B), job(3, C)}),
            (Ms{{A, B, "", kFormer, {1, 2}}, {A, C, "", kFormer, {1, 3}}}));
}

TEST(MovesRule3, AFormerWithNothingCurrentGivesNothing) {
  EXPECT_EQ(moves({former(1, A)}), Ms{});
  EXPECT_EQ(moves({former(1, A), job(2, B, "2019", "2020")}), Ms{});  // ended: not current
  EXPECT_EQ(moves({former(1, A), job(2, A)}), Ms{});                 // the same organisation
  EXPECT_EQ(moves({former(1, A), former(2, B)}), Ms{});
}

// ---- order ----

TEST(Moves, DatedMovesFirstByDateThenUndated) {
  const auto m = moves({former(1, D), job(2, B, "2019-06", "2023-10"), job(3, C, "2023-11", "2024-01"),
                        job(4, A, "2016", "2019"), founded(5, A)});
  EXPECT_EQ(m, (Ms{{A, B, "2019-06", kDated, {2, 4}}, {B, C, "2023-11", kDated, {2, 3}}, {D, A, "", kFormer, {1, 5}}}));
}

}  // namespace
}  // namespace tg
