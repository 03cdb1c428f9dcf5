// graph/moves: the move rule of docs/moves.md on hand-built careers — one test per case of
// tests/fixtures/small/README.md and data/schema/README.md, then the shapes real career data takes
// (ends without starts, handovers, former stints with a start, explicit moves before a current
// job, a stint named at two levels, returns) — and properties on random careers (find_moves over
// a store is tested in tests/queries/moves_test.cpp).
#include "graph/moves.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <optional>
#include <ostream>
#include <random>
#include <set>
#include <string>
#include <tuple>
#include <vector>

namespace tg {
namespace {

constexpr EntityId kPerson{1};
constexpr EntityId A{10}, B{11}, C{12}, D{13}, E{14};

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

RelationRow former(std::int64_t id, EntityId org, std::string_view start = "") {
  RelationRow r = job(id, org, start);
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

std::vector<M> moves(const std::vector<RelationRow>& career, const OrgTree* orgs = nullptr) {
  return simplify(moves_of_career(kPerson, career, orgs));
}

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
  EXPECT_EQ(moves({job(1, A), job(2, B, "2020")}), Ms{});
  // ... but a known end orders a stint before a later start, whatever its own start, and before
  // a stint still going on whose start is unknown (as a former stint would be).
  EXPECT_EQ(moves({job(1, A), job(2, B, "2020"), job(3, C, "", "2019")}),
            (Ms{{C, B, "2020", kDated, {2, 3}}, {C, A, "", kFormer, {1, 3}}}));
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
  // The founding of A (current, undated) follows both the former D and C, which ended.
  EXPECT_EQ(m, (Ms{{A, B, "2019-06", kDated, {2, 4}}, {B, C, "2023-11", kDated, {2, 3}}, {D, A, "", kFormer, {1, 5}},
                   {C, A, "", kFormer, {3, 5}}}));
}

// ---- the partial order of stints ----

TEST(MoveRule, AKnownEndNoLaterThanTheNextStartIsAMoveWhateverTheStart) {
  // Cornell University,,2016-05-21 then Stanford University,2016-05-21, : a same-day handover.
  EXPECT_EQ(moves({job(1, A, "", "2016-05-21"), job(2, B, "2016-05-21")}), (Ms{{A, B, "2016-05-21", kDated, {1, 2}}}));
  // Giving What We Can 2016..2016-06, then Centre for Effective Altruism 2016-10..2018-01: the
  // first's year-long start overlaps the second's, but it ended months before.
  EXPECT_EQ(moves({job(1, A, "2016", "2016-06"), job(2, B, "2016-10", "2018-01")}),
            (Ms{{A, B, "2016-10", kDated, {1, 2}}}));
  // An end that may fall after the next start orders nothing: "2016" may be December.
  EXPECT_EQ(moves({job(1, A, "", "2016"), job(2, B, "2016-10")}), Ms{});
  // A faculty list: every row ends where the next begins.
  EXPECT_EQ(moves({job(1, A, "", "2009-06"), job(2, B, "2009-07", "2014-08"), job(3, C, "2014-08", "")}),
            (Ms{{A, B, "2009-07", kDated, {1, 2}}, {B, C, "2014-08", kDated, {2, 3}}}));
}

TEST(MoveRule, AFormerStintWithAKnownStartPrecedesTheCurrentOne) {
  // Former at Acme from 2022, now at Zeta.
  EXPECT_EQ(moves({former(1, A, "2022"), job(2, B)}), (Ms{{A, B, "", kFormer, {1, 2}}}));
  EXPECT_EQ(moves({former(1, A, "2022"), job(2, B, "2024-02")}), (Ms{{A, B, "2024-02", kDated, {1, 2}}}));
}

TEST(MoveRule, AnExplicitMoveBeforeACurrentStintIsOnTheWay) {
  // Formerly at Gamma; left Gamma for Acme in 2024; at Zeta since 2025. Gamma -> Zeta is not a
  // cover pair: Acme lies between.
  EXPECT_EQ(moves({former(1, A), moved(2, B, A, "2024"), job(3, C, "2025")}),
            (Ms{{A, B, "2024", kExplicit, {2}}, {B, C, "2025", kDated, {2, 3}}}));
  // The order of the input does not matter.
  EXPECT_EQ(moves({job(3, C, "2025"), moved(2, B, A, "2024"), former(1, A)}),
            (Ms{{A, B, "2024", kExplicit, {2}}, {B, C, "2025", kDated, {2, 3}}}));
}

TEST(MoveRule, AnExplicitMoveIsNotASideRoleOfTheJobItLeft) {
  // At Acme since 2020 (no end given), then "left Acme for Beta" in 2024.
  EXPECT_EQ(moves({job(1, A, "2020"), moved(2, B, A, "2024")}), (Ms{{A, B, "2024", kExplicit, {2}}}));
}

TEST(MoveRule, AnExplicitClaimOutranksDatesThatContradictIt) {
  // The dates put B before A, the claim says P left A for B: the claim orders them.
  const Ms m = moves({job(1, A, "2021"), job(2, B, "2019", "2020"), moved(3, B, A, "2022")});
  EXPECT_EQ(std::ranges::count_if(m, [](const M& x) { return x.from == A && x.to == B; }), 1);
  EXPECT_EQ(std::ranges::count_if(m, [](const M& x) { return x.from == B && x.to == A; }), 1);
}

TEST(MoveRule, AFormerStintOfUnknownDateIsTheDatedStintAtTheSameOrganisation) {
  // Wu Yuxin: "formerly at Meta and Google Brain" (a news report) and a dated CV (FAIR, a lab of
  // Meta, 2017-2021; Google Brain 2021-2023; Moonshot AI from 2023-03), plus the founding of
  // Moonshot AI reported as 2023: one chain, two moves, each once.
  OrgTree orgs;
  const EntityId meta = A, fair = B, brain = C, moonshot = D;
  orgs.add(fair, meta, true);
  const std::vector<RelationRow> career = {former(1, meta),         former(2, brain),
                                           founded(3, moonshot, "2023"), job(4, fair, "2017", "2021"),
                                           job(5, brain, "2021", "2023"), job(6, moonshot, "2023-03")};
  EXPECT_EQ(moves(career, &orgs),
            (Ms{{fair, brain, "2021", kDated, {1, 2, 4, 5}}, {brain, moonshot, "2023-03", kDated, {2, 3, 5, 6}}}));
  // Without knowing FAIR is part of Meta, Meta stays a separate (former, undated) origin.
  const Ms apart = moves(career);
  EXPECT_EQ(std::ranges::count_if(apart, [&](const M& x) { return x.from == meta; }), 1);
}

TEST(MoveRule, AnUndatedDerivationMergesIntoTheDatedOneOfTheSameTriple) {
  // Two reports of one move: "formerly at A, now at B" and a dated A -> B.
  EXPECT_EQ(moves({former(1, A), job(2, B), job(3, A, "2015", "2018"), job(4, B, "2018-09")}),
            (Ms{{A, B, "2018-09", kDated, {1, 2, 3, 4}}}));
  // A year and a month of one arrival are one move, told at its most precise.
  EXPECT_EQ(moves({job(1, A, "2015", "2018"), job(2, B, "2019"), job(3, B, "2019-04")}),
            (Ms{{A, B, "2019-04", kDated, {1, 2, 3}}}));
}

TEST(MoveRule, AGenuineReturnStaysThreeMoves) {
  EXPECT_EQ(moves({job(1, A, "2010", "2012"), job(2, B, "2012-06", "2014"), job(3, A, "2015", "2016"),
                   job(4, B, "2017")}),
            (Ms{{A, B, "2012-06", kDated, {1, 2}}, {B, A, "2015", kDated, {2, 3}}, {A, B, "2017", kDated, {3, 4}}}));
}

TEST(MoveRule, OneStintToldTwiceFromOneStartIsOneStint) {
  // A CV: A 2021-04 - 2022-02, then B from 2022-03; a news report: "joined A in April 2021", no
  // end. Still one move A -> B (the open-ended claim is no second stint containing B).
  EXPECT_EQ(moves({job(1, A, "2021-04", "2022-02"), job(2, B, "2022-03"), job(3, A, "2021-04")}),
            (Ms{{A, B, "2022-03", kDated, {1, 2, 3}}}));
  // Told with another precision ("in 2021"): the same stint, the finer start kept.
  EXPECT_EQ(moves({job(1, A, "2021-04", "2022-02"), job(2, B, "2022-03"), job(3, A, "2021")}),
            (Ms{{A, B, "2022-03", kDated, {1, 2, 3}}}));
}

TEST(MoveRule, AStintThatEndedPrecedesACurrentOneOfUnknownStart) {
  // A CV: Brain 2016 - 2020-08, Orchid 2020-09 - 2023-01; news: "now at DeepSeek" (undated).
  // Orchid -> DeepSeek; Brain -> DeepSeek is no cover pair (Orchid lies between).
  EXPECT_EQ(moves({job(1, A, "2016", "2020-08"), job(2, B, "2020-09", "2023-01"), job(3, C)}),
            (Ms{{A, B, "2020-09", kDated, {1, 2}}, {B, C, "", kFormer, {2, 3}}}));
  // A current stint of known start is placed by its dates only.
  EXPECT_EQ(moves({job(1, A, "2016", "2020"), job(2, B, "2015")}), Ms{});
}

TEST(MoveRule, AFormerStintBeforeAMoveThatNamesNoOrigin) {
  // "Zhou, formerly of Google Brain, joined DeepSeek in October 2024."
  EXPECT_EQ(moves({former(1, A), moved(2, B, std::nullopt, "2024-10")}), (Ms{{A, B, "2024-10", kFormer, {1, 2}}}));
  // A move that names its origin is not given another one.
  EXPECT_EQ(moves({former(1, A), moved(2, B, C, "2024-10")}), (Ms{{C, B, "2024-10", kExplicit, {2}}}));
}

TEST(MoveRule, UnorderedFormerStintsAreEachAnOrigin) {
  EXPECT_EQ(moves({former(1, A), former(2, B), founded(3, C, "2023-05")}),
            (Ms{{A, C, "2023-05", kFormer, {1, 3}}, {B, C, "2023-05", kFormer, {2, 3}}}));
  // Two reports of one former stint are one origin.
  EXPECT_EQ(moves({former(1, A), former(2, A), job(3, B)}), (Ms{{A, B, "", kFormer, {1, 2, 3}}}));
}

TEST(OrgTree, RelatedAndTop) {
  OrgTree t;
  t.add(B, A, true);   // B part of A
  t.add(C, B, true);   // C part of B
  t.add(E, D, false);  // E was part of D (spun off)
  EXPECT_TRUE(t.related(C, A));
  EXPECT_TRUE(t.related(A, C));
  EXPECT_TRUE(t.related(E, D));
  EXPECT_FALSE(t.related(A, D));
  EXPECT_EQ(t.top(C), A);
  EXPECT_EQ(t.top(A), A);
  EXPECT_EQ(t.top(E), E);  // not a current link
  t.add(A, C, true);       // a cycle in the data: stops
  (void)t.top(C);
  EXPECT_TRUE(t.related(A, C));
}

TEST(PartOf, CurrentUnlessEndedOrSpunOff) {
  RelationRow r;
  r.kind = RelationKind::part_of;
  EXPECT_TRUE(part_of_is_current(r));
  r.status = "spin_off_planned";
  EXPECT_TRUE(part_of_is_current(r));
  r.status = "spun_off";
  EXPECT_FALSE(part_of_is_current(r));
  r.status = "";
  r.end = date("2020");
  EXPECT_FALSE(part_of_is_current(r));
}

// ---- properties on random careers ----

std::string fmt_month(int year, int month) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d", year, month);
  return buf;
}

std::vector<RelationRow> random_career(std::mt19937& rng) {
  std::uniform_int_distribution<int> count(1, 7), org(0, 4), year(2000, 2024), month(1, 12), shape(0, 9);
  std::vector<RelationRow> out;
  const int n = count(rng);
  for (int i = 0; i < n; ++i) {
    const EntityId o{10 + org(rng)};
    auto some_date = [&]() {
      const int y = year(rng);
      return shape(rng) < 5 ? std::to_string(y) : fmt_month(y, month(rng));
    };
    const int s = shape(rng);
    std::string start = s < 7 ? some_date() : "", end = s < 4 ? some_date() : "";
    if (!start.empty() && !end.empty() && date(end).last_day() < date(start).first_day()) std::swap(start, end);
    if (!start.empty() && !end.empty() && date(end).last_day() < date(start).first_day()) end.clear();
    RelationRow r = job(i + 1, o, start, end);
    if (s == 8) r = former(i + 1, o);
    if (s == 9) r = moved(i + 1, o, EntityId{10 + org(rng)}, start);
    out.push_back(r);
  }
  return out;
}

TEST(MoveRuleProperties, RandomCareers) {
  std::mt19937 rng(20261201);
  for (int trial = 0; trial < 3000; ++trial) {
    auto career = random_career(rng);
    const auto got = moves_of_career(kPerson, career);
    std::set<std::tuple<std::int64_t, std::int64_t, std::string>> seen;
    for (const Move& m : got) {
      // Never a move within one organisation; at most one move per (from, to, date).
      ASSERT_NE(m.from, m.to);
      ASSERT_TRUE(seen.insert({raw(m.from), raw(m.to), m.date.str()}).second);
      // The date is the arrival: the start of a stint at the destination the move rests on.
      if (m.date.known()) {
        const bool arrival = std::ranges::any_of(career, [&](const RelationRow& r) {
          return r.to == m.to && r.start.known() && r.start == m.date &&
                 std::ranges::find(m.relations, r.id) != m.relations.end();
        });
        ASSERT_TRUE(arrival) << "trial " << trial;
      }
      // A dated move's origin is known to precede it: its evidence holds a stint at the origin
      // that began definitely before, or ended no later than, the arrival.
      if (m.basis == MoveBasis::dated) {
        const bool before = std::ranges::any_of(career, [&](const RelationRow& r) {
          if (r.kind != RelationKind::worked_at || r.to != m.from) return false;
          if (std::ranges::find(m.relations, r.id) == m.relations.end()) return false;
          return (r.start.known() && r.start.before(m.date)) ||
                 (r.end.known() && r.end.last_day() <= m.date.first_day());
        });
        ASSERT_TRUE(before) << "trial " << trial;
      }
    }
    // The order of the input carries no meaning.
    auto shuffled = career;
    std::ranges::shuffle(shuffled, rng);
    auto key = [](const std::vector<Move>& ms) {
      std::set<std::tuple<std::int64_t, std::int64_t, std::string, int>> k;
      for (const Move& m : ms) k.insert({raw(m.from), raw(m.to), m.date.str(), static_cast<int>(m.basis)});
      return k;
    };
    auto describe = [](const std::vector<RelationRow>& rows) {
      std::string out;
      for (const auto& r : rows)
        out += std::to_string(raw(r.id)) + ":" + std::string(to_string(r.kind)) + " " + std::to_string(raw(r.to)) +
               (r.left ? "<-" + std::to_string(raw(*r.left)) : "") + " " + r.start.str() + ".." + r.end.str() +
               (r.former ? " former" : "") + "; ";
      return out;
    };
    ASSERT_EQ(key(got), key(moves_of_career(kPerson, shuffled))) << "trial " << trial << ": " << describe(career)
                                                                 << " / shuffled: " << describe(shuffled);
  }
}

}  // namespace
}  // namespace tg
