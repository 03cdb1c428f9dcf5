// The careers fixture (tests/fixtures/careers, whose README draws it and gives every figure by
// hand): the moves each shape of real careers must give, flows by the employer's country and by
// the place of work, roll-up, and a revised source taking its move with it.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "graph/snapshot.h"
#include "ingest/ingest.h"
#include "queries/network.h"
#include "tests/support/scratch.h"
#include "tests/support/store_builder.h"

namespace tg {
namespace {

const std::string kCareers = std::string(TG_SOURCE_DIR) + "/tests/fixtures/careers/";

class CareersTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto r = ingest::ingest(store_, {kCareers + "news-a.json", kCareers + "news-b.json", kCareers + "careers.csv",
                                     kCareers + "revised/news-c.json"}, {});
    ASSERT_TRUE(r) << r.error().message;
  }
  // "person: from -> to @date", sorted.
  std::vector<std::string> moves(const graph::Snapshot& s) {
    std::vector<std::string> out;
    for (const auto& m : s.moves()) {
      const std::string date = m.date_first == graph::kNoDay ? "unknown" : period_label(m.date_first, m.date_last, Period::month);
      out.push_back(fmt::format("{}: {} -> {} @{}", s.name(m.person), s.name(m.from), s.name(m.to), date));
    }
    std::ranges::sort(out);
    return out;
  }
  static std::map<std::string, std::uint64_t> by_pair(const queries::FlowResult& r) {
    std::map<std::string, std::uint64_t> out;
    for (const auto& f : r.flows) out[f.from + ">" + f.to] = f.people;
    return out;
  }
  test_support::ScratchDir dir_;
  Store store_ = test_support::must_open(dir_.file("t.db"));
};

TEST_F(CareersTest, EveryShapeGivesTheMovesTheReadmeLists) {
  const auto s = graph::Snapshot::build(store_);
  const std::vector<std::string> want = {
      "Ana Costa: Vantage Helix Lab -> Orbital Commons @2022-04",
      "Daniel Gross: Acme Dynamics -> Zeta Labs @unknown",
      "Haoran Lin: Orbital Commons -> Vantage AI @unknown",
      "Ines Ahl: Corvid Systems -> Vantage AI @unknown",
      "José Núñez: Corvid Systems -> Selkie Institute @2019-09",
      "Kenji Ward: Acme Dynamics -> Zeta Labs @2025",
      "Kenji Ward: Gamma Robotics -> Acme Dynamics @2024",
      "Mara Quill: Harrow University -> Selkie Institute @2016-05",
      "Omar Haddad: Lumen Trust -> Corvid Systems @2023",
      "Priya Raman: Corvid Systems -> Selkie Institute @2015",
      "Priya Raman: Selkie Institute -> Corvid Systems @2012-06",
      "Priya Raman: Selkie Institute -> Corvid Systems @2017",
      "Rui Tan: Lumen Trust -> Helix Lab @unknown",
      "Rui Tan: Lumen Trust -> Vantage Helix Lab @2021-02",
      "Tomas Reyes: Lumen Trust -> Orbital Commons @2016-10",
      "Tomas Reyes: Orbital Commons -> Vantage AI @2018-03",
  };
  EXPECT_EQ(moves(s), want);
}

TEST_F(CareersTest, MovesKeepTheirPlacesOfWorkThroughTheCache) {
  const auto s = graph::Snapshot::build(store_);
  std::map<std::string, std::string> arrival_place;  // person -> place of the destination
  for (const auto& m : s.moves())
    if (m.to_place != graph::kNoNode) arrival_place[fmt::format("{} at {}", s.name(m.person), s.name(m.to))] = s.name(m.to_place);
  const std::map<std::string, std::string> want = {{"Ines Ahl at Vantage AI", "Palo Verde"},
                                                   {"Tomas Reyes at Vantage AI", "Lisbon"}};
  EXPECT_EQ(arrival_place, want);
  const std::string path = dir_.file("copy.tgsnap");
  ASSERT_TRUE(s.write(path));
  auto back = graph::Snapshot::read(path);
  ASSERT_TRUE(back) << back.error().message;
  ASSERT_EQ(back->moves().size(), s.moves().size());
  for (std::size_t i = 0; i < s.moves().size(); ++i) {
    EXPECT_EQ(back->moves()[i].from_place, s.moves()[i].from_place);
    EXPECT_EQ(back->moves()[i].to_place, s.moves()[i].to_place);
  }
}

TEST_F(CareersTest, FlowsByTheEmployersCountryAndByThePlaceOfWork) {
  const auto s = graph::Snapshot::build(store_);
  queries::FlowQuery q;
  q.by = queries::FlowBy::country;
  const std::map<std::string, std::uint64_t> employer = {{"US>US", 4}, {"GB>CN", 3}, {"GB>US", 2}, {"CN>GB", 1},
                                                         {"GB>GB", 1}, {"JP>US", 1}, {"US>CN", 1}};
  EXPECT_EQ(by_pair(queries::flows(s, q)), employer);
  q.country_of = queries::CountryOf::location;
  // Ines Ahl works for Vantage AI in Palo Verde (US), Tomas Reyes in Lisbon (PT); Zeta Labs has
  // one office, in Seoul; Haoran Lin's Vantage AI has two and no stated location: headquarters.
  const std::map<std::string, std::uint64_t> location = {{"US>US", 3}, {"GB>CN", 2}, {"GB>US", 2}, {"US>KR", 2},
                                                         {"CN>GB", 1}, {"GB>GB", 1}, {"GB>PT", 1}, {"JP>US", 1}};
  EXPECT_EQ(by_pair(queries::flows(s, q)), location);
  // The country filters read the same view.
  q.to_country = "KR";
  EXPECT_EQ(by_pair(queries::flows(s, q)), (std::map<std::string, std::uint64_t>{{"US>KR", 2}}));
}

TEST_F(CareersTest, OnlyTheSitesOpenAtTheMoveCountAndTheHeadquartersIsOne) {
  // Zeta Labs (US, no headquarters place) opened its one office, in Seoul, in 2023: a move there
  // in 2022 lands nowhere known (the employer's US), one in 2024 in Seoul. Vantage AI has its
  // headquarters in Qiantang (CN) and, in mid-2024, one office open (Palo Verde, US): two sites,
  // so a 2024 joiner without a stated location is counted at the employer's CN.
  const std::string doc = R"({"source": {"id": "offices", "title": "Offices", "publisher": "Test", "published": "2025-01-01", "language": "en"},
    "entities": [{"ref": "z", "kind": "company", "name": "Zeta Labs"}, {"ref": "v", "kind": "company", "name": "Vantage AI"},
                 {"ref": "l", "kind": "company", "name": "Lumen Trust"},
                 {"ref": "a", "kind": "person", "name": "Early Joiner"}, {"ref": "b", "kind": "person", "name": "Late Joiner"},
                 {"ref": "c", "kind": "person", "name": "Vantage Joiner"}],
    "relations": [{"kind": "worked_at", "from": "a", "to": "l", "start": "2015", "end": "2022-01"},
                  {"kind": "worked_at", "from": "a", "to": "z", "start": "2022-06"},
                  {"kind": "worked_at", "from": "b", "to": "l", "start": "2015", "end": "2024-02"},
                  {"kind": "worked_at", "from": "b", "to": "z", "start": "2024-06"},
                  {"kind": "worked_at", "from": "c", "to": "l", "start": "2015", "end": "2024-02"},
                  {"kind": "worked_at", "from": "c", "to": "v", "start": "2024-06"}]})";
  auto r = ingest::ingest(store_, {dir_.write("offices.json", doc)}, {});
  ASSERT_TRUE(r) << r.error().str();
  const auto s = graph::Snapshot::build(store_);
  queries::FlowQuery q;
  q.by = queries::FlowBy::country;
  q.country_of = queries::CountryOf::location;
  q.from_country = "GB";  // the joiners came from Lumen Trust
  auto in_year = [&](const char* year) {
    q.moves.window = {PartialDate::parse(year)->first_day(), PartialDate::parse(year)->last_day()};
    return by_pair(queries::flows(s, q));
  };
  EXPECT_EQ(in_year("2022"), (std::map<std::string, std::uint64_t>{{"GB>US", 1}}));
  EXPECT_EQ(in_year("2024"), (std::map<std::string, std::uint64_t>{{"GB>CN", 1}, {"GB>KR", 1}}));
  q.country_of = queries::CountryOf::employer;  // by the employer: US and CN
  EXPECT_EQ(in_year("2024"), (std::map<std::string, std::uint64_t>{{"GB>CN", 1}, {"GB>US", 1}}));
}

TEST_F(CareersTest, RolledUpTheLabFoldsIntoItsCompany) {
  const auto s = graph::Snapshot::build(store_);
  queries::FlowQuery q;
  q.roll_up = true;
  const auto flows = by_pair(queries::flows(s, q));
  EXPECT_EQ(flows.at("Lumen Trust>Vantage AI"), 1u);       // Rui Tan
  EXPECT_EQ(flows.at("Vantage AI>Orbital Commons"), 1u);   // Ana Costa
  EXPECT_EQ(flows.count("Lumen Trust>Vantage Helix Lab"), 0u);
}

TEST_F(CareersTest, ARevisedSourceTakesItsMoveWithIt) {
  auto r = ingest::ingest(store_, {kCareers + "revised-v2/news-c.json"}, {});
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->sources_revised, 1u);
  const auto s = graph::Snapshot::build(store_);
  EXPECT_EQ(s.moves().size(), 15u);
  for (const auto& m : s.moves()) EXPECT_NE(s.name(m.person), "Omar Haddad");
  queries::FlowQuery q;
  q.by = queries::FlowBy::country;
  EXPECT_EQ(by_pair(queries::flows(s, q)).at("GB>US"), 1u);  // Mara Quill only
  bool port_ellis = false;
  store_.for_each_entity([&](const EntityRow& e) { port_ellis = port_ellis || e.name == "Port Ellis"; });
  EXPECT_FALSE(port_ellis);
}

}  // namespace
}  // namespace tg
