// graph/model: kind names, the tables of which kinds may be one node and which relation links
// which kinds, partial dates (parsing with every error text, leap years, intervals, truncation,
// order) and date windows.
#include "graph/model.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <string>
#include <vector>

namespace tg {
namespace {

constexpr std::array kAllNodeKinds = {NodeKind::person,     NodeKind::company, NodeKind::lab,
                                      NodeKind::university, NodeKind::agency,  NodeKind::place,
                                      NodeKind::regulation, NodeKind::product};
constexpr std::array kAllRelationKinds = {
    RelationKind::worked_at,        RelationKind::studied_at, RelationKind::founded,   RelationKind::leads,
    RelationKind::moved,            RelationKind::recruits_from, RelationKind::approached, RelationKind::part_of,
    RelationKind::office_in,        RelationKind::headquartered_in, RelationKind::located_in,
    RelationKind::issued,           RelationKind::restricts,  RelationKind::made_by};

PartialDate date(std::string_view text) {
  auto d = PartialDate::parse(text);
  EXPECT_TRUE(d.has_value()) << text << ": " << (d ? "" : d.error().message);
  return d.value_or(PartialDate{});
}

std::string parse_error(std::string_view text) {
  auto d = PartialDate::parse(text);
  if (d) return "(parsed as " + d->str() + ")";
  EXPECT_EQ(d.error().code, ErrorCode::bad_data) << text;
  return d.error().message;
}

// ---- kinds ----

TEST(Kinds, NamesRoundTrip) {
  const std::vector<std::string_view> node_names = {"person", "company",    "lab",        "university",
                                                    "agency", "place",      "regulation", "product"};
  ASSERT_EQ(static_cast<int>(kAllNodeKinds.size()), kNodeKindCount);
  for (std::size_t i = 0; i < kAllNodeKinds.size(); ++i) {
    EXPECT_EQ(to_string(kAllNodeKinds[i]), node_names[i]);
    EXPECT_EQ(parse_node_kind(node_names[i]), kAllNodeKinds[i]);
  }
  const std::vector<std::string_view> relation_names = {
      "worked_at", "studied_at", "founded",    "leads",  "moved",     "recruits_from",   "approached",
      "part_of",   "office_in",  "headquartered_in", "located_in", "issued", "restricts", "made_by"};
  ASSERT_EQ(static_cast<int>(kAllRelationKinds.size()), kRelationKindCount);
  for (std::size_t i = 0; i < kAllRelationKinds.size(); ++i) {
    EXPECT_EQ(to_string(kAllRelationKinds[i]), relation_names[i]);
    EXPECT_EQ(parse_relation_kind(relation_names[i]), kAllRelationKinds[i]);
  }
}

TEST(Kinds, UnknownNamesDoNotParse) {
  for (std::string_view bad : {"", "Person", "persons", "organisation", "organization", " person", "company "})
    EXPECT_FALSE(parse_node_kind(bad).has_value()) << bad;
  for (std::string_view bad : {"", "Worked_at", "worked-at", "works_at", "hired", "moved "})
    EXPECT_FALSE(parse_relation_kind(bad).has_value()) << bad;
}

TEST(Kinds, OrganisationsAreCompaniesLabsUniversitiesAndAgencies) {
  for (NodeKind k : kAllNodeKinds) {
    const bool expected = k == NodeKind::company || k == NodeKind::lab || k == NodeKind::university ||
                          k == NodeKind::agency;
    EXPECT_EQ(is_organisation(k), expected) << to_string(k);
  }
}

TEST(Kinds, CompatibleKindsAreEqualOnesOrTwoOrganisations) {
  // Written out in full rather than derived from is_organisation, as the specification.
  const std::vector<std::pair<NodeKind, NodeKind>> compatible_distinct = {
      {NodeKind::company, NodeKind::lab},        {NodeKind::company, NodeKind::university},
      {NodeKind::company, NodeKind::agency},     {NodeKind::lab, NodeKind::university},
      {NodeKind::lab, NodeKind::agency},         {NodeKind::university, NodeKind::agency}};
  for (NodeKind a : kAllNodeKinds) {
    for (NodeKind b : kAllNodeKinds) {
      bool expected = a == b;
      for (auto [x, y] : compatible_distinct)
        if ((a == x && b == y) || (a == y && b == x)) expected = true;
      EXPECT_EQ(kinds_compatible(a, b), expected) << to_string(a) << " ~ " << to_string(b);
    }
  }
}

// The kind constraints of data/schema/README.md, as sets of allowed kinds on each end.
struct Allowed {
  RelationKind kind;
  std::vector<NodeKind> from, to;
  std::string_view signature;
};

const std::vector<NodeKind> kOrgs = {NodeKind::company, NodeKind::lab, NodeKind::university, NodeKind::agency};

std::vector<Allowed> schema_table() {
  const std::vector<NodeKind> person = {NodeKind::person};
  const std::vector<NodeKind> place = {NodeKind::place};
  std::vector<NodeKind> restricts_to = kOrgs;
  restricts_to.insert(restricts_to.end(), {NodeKind::place, NodeKind::person, NodeKind::product});
  return {
      {RelationKind::worked_at, person, kOrgs, "person -> organisation"},
      {RelationKind::studied_at, person, {NodeKind::university}, "person -> university"},
      {RelationKind::founded, person, kOrgs, "person -> organisation"},
      {RelationKind::leads, person, kOrgs, "person -> organisation"},
      {RelationKind::moved, person, kOrgs, "person -> organisation"},
      {RelationKind::recruits_from, kOrgs, kOrgs, "organisation -> organisation"},
      {RelationKind::approached, kOrgs, person, "organisation -> person"},
      {RelationKind::part_of, kOrgs, kOrgs, "organisation -> organisation"},
      {RelationKind::office_in, kOrgs, place, "organisation -> place"},
      {RelationKind::headquartered_in, kOrgs, place, "organisation -> place"},
      {RelationKind::located_in, place, place, "place -> place"},
      {RelationKind::issued, {NodeKind::agency}, {NodeKind::regulation}, "agency -> regulation"},
      {RelationKind::restricts, {NodeKind::regulation}, restricts_to,
       "regulation -> organisation, place, person or product"},
      {RelationKind::made_by, {NodeKind::product}, kOrgs, "product -> organisation"},
  };
}

TEST(Kinds, RelationAllowsExactlyTheSchemaTable) {
  const auto table = schema_table();
  ASSERT_EQ(static_cast<int>(table.size()), kRelationKindCount);
  for (const Allowed& row : table) {
    EXPECT_EQ(relation_signature(row.kind), row.signature) << to_string(row.kind);
    for (NodeKind from : kAllNodeKinds) {
      for (NodeKind to : kAllNodeKinds) {
        const bool expected = std::ranges::find(row.from, from) != row.from.end() &&
                              std::ranges::find(row.to, to) != row.to.end();
        EXPECT_EQ(relation_allows(row.kind, from, to), expected)
            << to_string(row.kind) << ": " << to_string(from) << " -> " << to_string(to);
      }
    }
  }
}

TEST(Kinds, StatusesOnlyForIssuedAndPartOf) {
  auto list = [](RelationKind k) {
    std::vector<std::string> out;
    for (auto s : relation_statuses(k)) out.emplace_back(s);
    return out;
  };
  EXPECT_EQ(list(RelationKind::issued), (std::vector<std::string>{"proposed", "in_force", "revoked"}));
  EXPECT_EQ(list(RelationKind::part_of), (std::vector<std::string>{"current", "spin_off_planned", "spun_off"}));
  for (RelationKind k : kAllRelationKinds) {
    if (k != RelationKind::issued && k != RelationKind::part_of) {
      EXPECT_TRUE(list(k).empty()) << to_string(k);
    }
  }
}

// ---- partial dates ----

TEST(PartialDate, DefaultIsUnknown) {
  const PartialDate d;
  EXPECT_FALSE(d.known());
  EXPECT_EQ(d.precision(), DatePrecision::none);
  EXPECT_EQ(d.str(), "");
}

TEST(PartialDate, ParsesEachPrecisionAndPrintsItBack) {
  for (auto [text, precision] : std::vector<std::pair<std::string_view, DatePrecision>>{
           {"2024", DatePrecision::year},
           {"2024-01", DatePrecision::month},
           {"2024-01-18", DatePrecision::day},
           {"1000", DatePrecision::year},
           {"9999-12-31", DatePrecision::day}}) {
    const PartialDate d = date(text);
    EXPECT_TRUE(d.known());
    EXPECT_EQ(d.precision(), precision) << text;
    EXPECT_EQ(d.str(), text);
  }
}

TEST(PartialDate, EveryErrorMessage) {
  const std::string iso = "not an ISO 8601 date YYYY, YYYY-MM or YYYY-MM-DD";
  EXPECT_EQ(parse_error(""), iso + " (found \"\")");
  EXPECT_EQ(parse_error("24"), iso + " (found \"24\")");
  EXPECT_EQ(parse_error("20245"), iso + " (found \"20245\")");
  EXPECT_EQ(parse_error("2024-1"), iso + " (found \"2024-1\")");
  EXPECT_EQ(parse_error("2024/01"), iso + " (found \"2024/01\")");
  EXPECT_EQ(parse_error("2024-1a"), iso + " (found \"2024-1a\")");
  EXPECT_EQ(parse_error("2024-01/18"), iso + " (found \"2024-01/18\")");
  EXPECT_EQ(parse_error("2024-01-1x"), iso + " (found \"2024-01-1x\")");
  EXPECT_EQ(parse_error("2024-01-18T10"), iso + " (found \"2024-01-18T10\")");
  EXPECT_EQ(parse_error("abcd"), iso + " (found \"abcd\")");
  EXPECT_EQ(parse_error("+024"), iso + " (found \"+024\")");
  EXPECT_EQ(parse_error(" 2024"), iso + " (found \" 2024\")");
  EXPECT_EQ(parse_error("2024 "), iso + " (found \"2024 \")");
  EXPECT_EQ(parse_error("-2024-01"), iso + " (found \"-2024-01\")");
  EXPECT_EQ(parse_error("0999"), "year out of range (found \"0999\")");
  EXPECT_EQ(parse_error("0000-01-01"), "year out of range (found \"0000-01-01\")");
  EXPECT_EQ(parse_error("2024-13"), "month out of range (found \"2024-13\")");
  EXPECT_EQ(parse_error("2024-00"), "month out of range (found \"2024-00\")");
  EXPECT_EQ(parse_error("2024-13-01"), "month out of range (found \"2024-13-01\")");
  EXPECT_EQ(parse_error("2024-02-30"), "day out of range (found \"2024-02-30\")");
  EXPECT_EQ(parse_error("2024-01-00"), "day out of range (found \"2024-01-00\")");
  EXPECT_EQ(parse_error("2024-01-32"), "day out of range (found \"2024-01-32\")");
  EXPECT_EQ(parse_error("2024-04-31"), "day out of range (found \"2024-04-31\")");
  EXPECT_EQ(parse_error("2024-06-31"), "day out of range (found \"2024-06-31\")");
  EXPECT_EQ(parse_error("2024-09-31"), "day out of range (found \"2024-09-31\")");
  EXPECT_EQ(parse_error("2024-11-31"), "day out of range (found \"2024-11-31\")");
}

TEST(PartialDate, LeapYears) {
  EXPECT_TRUE(PartialDate::parse("2024-02-29").has_value());  // divisible by 4
  EXPECT_TRUE(PartialDate::parse("2000-02-29").has_value());  // divisible by 400
  EXPECT_TRUE(PartialDate::parse("1600-02-29").has_value());
  EXPECT_EQ(parse_error("2023-02-29"), "day out of range (found \"2023-02-29\")");
  EXPECT_EQ(parse_error("1900-02-29"), "day out of range (found \"1900-02-29\")");  // divisible by 100
  EXPECT_EQ(parse_error("2100-02-29"), "day out of range (found \"2100-02-29\")");
  // The last day of a February month follows the same rule.
  EXPECT_EQ(date("2024-02").last_day(), days_from_civil(2024, 2, 29));
  EXPECT_EQ(date("2023-02").last_day(), days_from_civil(2023, 2, 28));
  EXPECT_EQ(date("2000-02").last_day(), days_from_civil(2000, 2, 29));
  EXPECT_EQ(date("1900-02").last_day(), days_from_civil(1900, 2, 28));
}

TEST(PartialDate, DaysFromCivilMatchesKnownValues) {
  EXPECT_EQ(days_from_civil(1970, 1, 1), 0);
  EXPECT_EQ(days_from_civil(1969, 12, 31), -1);
  EXPECT_EQ(days_from_civil(2000, 2, 29), 11016);
  EXPECT_EQ(days_from_civil(2000, 3, 1), 11017);
  EXPECT_EQ(days_from_civil(2024, 1, 1), 19723);
  EXPECT_EQ(days_from_civil(2024, 2, 29), 19782);
  EXPECT_EQ(days_from_civil(2024, 12, 31), 20088);
  EXPECT_EQ(days_from_civil(1900, 2, 28), -25509);
  EXPECT_EQ(days_from_civil(1000, 1, 1), -354285);
  EXPECT_EQ(days_from_civil(9999, 12, 31), 2932896);
}

TEST(PartialDate, CoversAnIntervalOfDays) {
  EXPECT_EQ(date("2024").first_day(), 19723);
  EXPECT_EQ(date("2024").last_day(), 20088);
  EXPECT_EQ(date("2024-02").first_day(), days_from_civil(2024, 2, 1));
  EXPECT_EQ(date("2024-02").last_day(), 19782);
  EXPECT_EQ(date("2024-12").last_day(), 20088);
  EXPECT_EQ(date("2019-06").first_day(), 18048);
  EXPECT_EQ(date("2019-06").last_day(), 18077);
  EXPECT_EQ(date("2024-02-29").first_day(), 19782);
  EXPECT_EQ(date("2024-02-29").last_day(), 19782);
  EXPECT_EQ(date("1970-01-01").first_day(), 0);
  EXPECT_EQ(date("1000").first_day(), -354285);
}

TEST(PartialDate, TruncatesToCoarserPrecisionOnly) {
  const PartialDate day = date("2024-03-05");
  EXPECT_EQ(day.truncated(DatePrecision::day), day);
  EXPECT_EQ(day.truncated(DatePrecision::month), date("2024-03"));
  EXPECT_EQ(day.truncated(DatePrecision::month).str(), "2024-03");
  EXPECT_EQ(day.truncated(DatePrecision::year), date("2024"));
  EXPECT_EQ(day.truncated(DatePrecision::year).str(), "2024");
  EXPECT_EQ(day.truncated(DatePrecision::none), PartialDate{});
  EXPECT_FALSE(day.truncated(DatePrecision::none).known());
  // Never made finer: a year stays a year.
  EXPECT_EQ(date("2024").truncated(DatePrecision::day), date("2024"));
  EXPECT_EQ(date("2024").truncated(DatePrecision::month).str(), "2024");
  EXPECT_EQ(date("2024-03").truncated(DatePrecision::day).str(), "2024-03");
  // A truncated date covers the wider interval.
  EXPECT_EQ(day.truncated(DatePrecision::year).first_day(), 19723);
  EXPECT_EQ(day.truncated(DatePrecision::year).last_day(), 20088);
}

TEST(PartialDate, EqualityIncludesPrecision) {
  EXPECT_EQ(date("2024-01"), date("2024-01"));
  EXPECT_NE(date("2024"), date("2024-01"));
  EXPECT_NE(date("2024-01"), date("2024-01-01"));
  EXPECT_NE(date("2024"), PartialDate{});
}

TEST(PartialDate, BeforeMeansTheIntervalEndsBeforeTheOtherBegins) {
  EXPECT_TRUE(date("2016").before(date("2019-06")));
  EXPECT_TRUE(date("2019-05-31").before(date("2019-06")));
  EXPECT_TRUE(date("2019-12").before(date("2020-01-01")));
  EXPECT_TRUE(date("2019").before(date("2020")));
  EXPECT_TRUE(date("2024-02-28").before(date("2024-02-29")));
  // Overlapping intervals are not ordered, either way.
  EXPECT_FALSE(date("2019").before(date("2019-06")));
  EXPECT_FALSE(date("2019-06").before(date("2019")));
  EXPECT_FALSE(date("2020").before(date("2020-03")));
  EXPECT_FALSE(date("2020-03").before(date("2020-03")));
  EXPECT_FALSE(date("2019-06-01").before(date("2019-06")));
  EXPECT_FALSE(date("2019-06").before(date("2019-06-30")));
  EXPECT_FALSE(date("2020").before(date("2019")));
}

// ---- date windows ----

TEST(DateWindow, UnboundedHoldsEveryKnownDate) {
  const DateWindow w;
  EXPECT_FALSE(w.bounded());
  EXPECT_TRUE(w.overlaps(date("1000")));
  EXPECT_TRUE(w.overlaps(date("2024-01-18")));
  EXPECT_FALSE(w.overlaps(PartialDate{}));  // an unknown date is never in a window
}

TEST(DateWindow, PartialDatesOverlapByTheirIntervals) {
  const DateWindow w{days_from_civil(2020, 1, 1), days_from_civil(2020, 12, 31)};
  EXPECT_TRUE(w.bounded());
  EXPECT_TRUE(w.overlaps(date("2020")));
  EXPECT_TRUE(w.overlaps(date("2020-06")));
  EXPECT_TRUE(w.overlaps(date("2020-01-01")));
  EXPECT_TRUE(w.overlaps(date("2020-12-31")));
  EXPECT_FALSE(w.overlaps(date("2019-12-31")));
  EXPECT_FALSE(w.overlaps(date("2021-01-01")));
  EXPECT_FALSE(w.overlaps(date("2019")));
  EXPECT_FALSE(w.overlaps(date("2021")));
  EXPECT_FALSE(w.overlaps(PartialDate{}));

  const DateWindow mid_year{days_from_civil(2019, 12, 31), days_from_civil(2019, 12, 31)};
  EXPECT_TRUE(mid_year.overlaps(date("2019")));     // the year contains the day
  EXPECT_TRUE(mid_year.overlaps(date("2019-12")));
  EXPECT_FALSE(mid_year.overlaps(date("2019-11")));
}

TEST(DateWindow, OpenEnds) {
  const DateWindow since{days_from_civil(2015, 1, 1), std::nullopt};
  EXPECT_TRUE(since.bounded());
  EXPECT_TRUE(since.overlaps(date("2015-01")));
  EXPECT_TRUE(since.overlaps(date("2015")));
  EXPECT_TRUE(since.overlaps(date("9999")));
  EXPECT_FALSE(since.overlaps(date("2014-12-31")));
  EXPECT_FALSE(since.overlaps(date("2014")));

  const DateWindow until{std::nullopt, days_from_civil(2014, 12, 31)};
  EXPECT_TRUE(until.bounded());
  EXPECT_TRUE(until.overlaps(date("2014")));
  EXPECT_TRUE(until.overlaps(date("1000")));
  EXPECT_FALSE(until.overlaps(date("2015-01")));
  EXPECT_FALSE(until.overlaps(date("2015")));
}

TEST(CivilDates, RoundTripEveryDayOverFourCenturies) {
  for (std::int32_t z = days_from_civil(1800, 1, 1); z <= days_from_civil(2200, 12, 31); ++z) {
    const CivilDate c = civil_from_days(z);
    ASSERT_EQ(days_from_civil(c.year, c.month, c.day), z);
  }
  const CivilDate leap = civil_from_days(days_from_civil(2024, 2, 29));
  EXPECT_EQ(leap.year, 2024);
  EXPECT_EQ(leap.month, 2u);
  EXPECT_EQ(leap.day, 29u);
}

TEST(Periods, LabelsAtTheAskedGranularityOrTheFinestThatHoldsTheDate) {
  auto label = [](std::string_view d, Period p, bool* coarse = nullptr) {
    const PartialDate x = date(d);
    return period_label(x.first_day(), x.last_day(), p, coarse);
  };
  bool coarse = true;
  EXPECT_EQ(label("2021-07-14", Period::month, &coarse), "2021-07");
  EXPECT_FALSE(coarse);
  EXPECT_EQ(label("2021-07", Period::quarter, &coarse), "2021-Q3");
  EXPECT_FALSE(coarse);
  EXPECT_EQ(label("2021-07", Period::year), "2021");
  // A move dated only to 2021 stays in 2021 under months: never smeared, and flagged coarse.
  EXPECT_EQ(label("2021", Period::month, &coarse), "2021");
  EXPECT_TRUE(coarse);
  EXPECT_EQ(label("2021", Period::quarter, &coarse), "2021");
  EXPECT_TRUE(coarse);
  EXPECT_EQ(label("2021", Period::year, &coarse), "2021");
  EXPECT_FALSE(coarse);
  EXPECT_EQ(label("2021-12", Period::month), "2021-12");
  EXPECT_EQ(label("2021-01", Period::quarter), "2021-Q1");
}

}  // namespace
}  // namespace tg
