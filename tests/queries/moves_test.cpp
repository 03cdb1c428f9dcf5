// queries/moves: find_moves' filters on a small store, and the small fixture end to end: ingest
// world.json + careers.csv, then exactly its 7 moves (the move rule itself is tested in
// tests/graph/moves_test.cpp).
#include "queries/moves.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "ingest/ingest.h"
#include "tests/support/scratch.h"
#include "tests/support/store_builder.h"

namespace tg::queries {
namespace {

using test_support::must_open;
using test_support::ScratchDir;
using test_support::StoreBuilder;

PartialDate date(std::string_view text) { return text.empty() ? PartialDate{} : PartialDate::parse(text).value(); }

// ---- find_moves on a store ----

class FindMoves : public ::testing::Test {
 protected:
  void SetUp() override {
    Store::Transaction tx(store);
    StoreBuilder build(store);
    auto add = [&](NodeKind kind, const char* name, const char* country) { return build.entity(kind, name, {}, country); };
    alice = add(NodeKind::person, "Alice Chen", "");
    carla = add(NodeKind::person, "Carla Diaz", "");
    gao = add(NodeKind::person, "Gao Feng", "");
    bluefin = add(NodeKind::company, "Bluefin Labs", "US");
    northwind = add(NodeKind::company, "Northwind AI", "US");
    hanbit = add(NodeKind::company, "Hanbit Semiconductor", "KR");
    redpine = add(NodeKind::company, "Redpine Technology", "CN");
    auto put = [&](EntityId person, RelationKind kind, EntityId to, const char* start, const char* end,
                   bool is_former = false, std::optional<EntityId> left = std::nullopt) {
      RelationRow r;
      r.kind = kind;
      r.from = person;
      r.to = to;
      r.start = date(start);
      r.end = date(end);
      r.former = is_former;
      r.left = left;
      build.relation(r);
    };
    put(alice, RelationKind::worked_at, bluefin, "2016", "2019");
    put(alice, RelationKind::worked_at, northwind, "2019-06", "2023-10");
    put(alice, RelationKind::moved, hanbit, "2023-11", "", false, northwind);
    put(carla, RelationKind::worked_at, redpine, "2010-02", "2014-12");
    put(carla, RelationKind::worked_at, northwind, "2015-01", "");
    put(gao, RelationKind::worked_at, bluefin, "", "", true);
    put(gao, RelationKind::worked_at, redpine, "", "");
    tx.commit();
  }

  using Row = std::tuple<std::string, std::string, std::string, std::string>;  // person, from, to, date

  std::vector<Row> find(const MoveFilter& filter) {
    std::vector<Row> out;
    for (const Move& m : find_moves(store, filter))
      out.emplace_back(store.entity(m.person)->name, store.entity(m.from)->name, store.entity(m.to)->name, m.date.str());
    return out;
  }

  ScratchDir dir;
  Store store = must_open(dir.file("tg.db"));
  EntityId alice{}, carla{}, gao{}, bluefin{}, northwind{}, hanbit{}, redpine{};
  const Row alice1{"Alice Chen", "Bluefin Labs", "Northwind AI", "2019-06"};
  const Row alice2{"Alice Chen", "Northwind AI", "Hanbit Semiconductor", "2023-11"};
  const Row carla1{"Carla Diaz", "Redpine Technology", "Northwind AI", "2015-01"};
  const Row gao1{"Gao Feng", "Bluefin Labs", "Redpine Technology", ""};
};

TEST_F(FindMoves, EveryMoveByPersonThenDate) {
  EXPECT_EQ(find({}), (std::vector<Row>{alice1, alice2, carla1, gao1}));
}

TEST_F(FindMoves, ByPersonAndOrganisation) {
  MoveFilter f;
  f.person = carla;
  EXPECT_EQ(find(f), std::vector<Row>{carla1});
  f = {};
  f.from = bluefin;
  EXPECT_EQ(find(f), (std::vector<Row>{alice1, gao1}));
  f = {};
  f.to = northwind;
  EXPECT_EQ(find(f), (std::vector<Row>{alice1, carla1}));
  f.from = redpine;
  EXPECT_EQ(find(f), std::vector<Row>{carla1});
  f = {};
  f.person = gao;
  f.to = northwind;
  EXPECT_TRUE(find(f).empty());
}

TEST_F(FindMoves, ByCountry) {
  MoveFilter f;
  f.from_country = "CN";
  EXPECT_EQ(find(f), std::vector<Row>{carla1});
  f = {};
  f.to_country = "KR";
  EXPECT_EQ(find(f), std::vector<Row>{alice2});
  f.to_country = "CN";
  EXPECT_EQ(find(f), std::vector<Row>{gao1});
  f = {};
  f.from_country = "US";
  f.to_country = "US";
  EXPECT_EQ(find(f), std::vector<Row>{alice1});
  f.from_country = "DE";
  EXPECT_TRUE(find(f).empty());
}

TEST_F(FindMoves, ByWindowWithAndWithoutUndatedMoves) {
  MoveFilter f;
  f.window.window.first = days_from_civil(2016, 1, 1);
  EXPECT_EQ(find(f), (std::vector<Row>{alice1, alice2}));
  f.window.include_undated = true;
  EXPECT_EQ(find(f), (std::vector<Row>{alice1, alice2, gao1}));
  f = {};
  f.window.window.last = days_from_civil(2019, 6, 15);  // overlaps June 2019
  EXPECT_EQ(find(f), (std::vector<Row>{alice1, carla1}));
  f = {};
  f.window.window = {days_from_civil(2019, 7, 1), days_from_civil(2023, 10, 31)};
  EXPECT_TRUE(find(f).empty());
  f.window.include_undated = true;
  EXPECT_EQ(find(f), std::vector<Row>{gao1});
  // Without a window, include_undated changes nothing.
  f = {};
  f.window.include_undated = true;
  EXPECT_EQ(find(f).size(), 4u);
}

TEST_F(FindMoves, CountryCacheReadsEntityCountries) {
  CountryCache cache(store);
  EXPECT_EQ(cache.country(hanbit), "KR");
  EXPECT_EQ(cache.country(hanbit), "KR");
  EXPECT_EQ(cache.country(alice), "");
  EXPECT_EQ(cache.country(EntityId{9999}), "");
}

// ---- the small fixture end to end ----

TEST(SmallFixture, IngestThenExactlyTheSevenMovesOfItsReadme) {
  ScratchDir dir;
  Store store = must_open(dir.file("tg.db"));
  const std::string fixture = std::string(TG_SOURCE_DIR) + "/tests/fixtures/small/";
  auto report = ingest::ingest(store, {fixture + "world.json", fixture + "careers.csv"}, {});
  ASSERT_TRUE(report.has_value()) << report.error().message;
  EXPECT_TRUE(report->ambiguities.empty());

  // 7 persons, 8 organisations, 6 places, 1 regulation, 1 product.
  const Stats st = store.stats();
  EXPECT_EQ(st.entities, 23);
  EXPECT_EQ(st.entities_by_kind, (std::vector<std::pair<NodeKind, std::int64_t>>{{NodeKind::person, 7},
                                                                                 {NodeKind::company, 5},
                                                                                 {NodeKind::lab, 1},
                                                                                 {NodeKind::university, 1},
                                                                                 {NodeKind::agency, 1},
                                                                                 {NodeKind::place, 6},
                                                                                 {NodeKind::regulation, 1},
                                                                                 {NodeKind::product, 1}}));

  using Row = std::tuple<std::string, std::string, std::string, std::string, std::string>;
  std::vector<Row> got;
  std::map<std::pair<std::string, std::string>, int> flows;
  CountryCache countries(store);
  for (const Move& m : find_moves(store, {})) {
    got.emplace_back(store.entity(m.person)->name, store.entity(m.from)->name, store.entity(m.to)->name, m.date.str(),
                     std::string(to_string(m.basis)));
    ++flows[{countries.country(m.from), countries.country(m.to)}];
  }
  std::ranges::sort(got);
  std::vector<Row> expected = {
      {"Alice Chen", "Bluefin Labs", "Northwind AI", "2019-06", "dated"},
      {"Alice Chen", "Northwind AI", "Hanbit Semiconductor", "2023-11", "explicit"},
      {"Carla Diaz", "Redpine Technology", "Northwind AI", "2015-01", "dated"},
      {"Dev Patel", "Hanbit Semiconductor", "Bluefin Labs", "2013-09", "dated"},
      {"Park Eun-ji", "Hanbit Semiconductor", "Kestrel Compute", "2023-05", "former"},
      {"Park Eun-ji", "Redpine Technology", "Kestrel Compute", "2023-05", "former"},
      {"Gao Feng", "Bluefin Labs", "Redpine Frontier Lab", "", "former"},
  };
  std::ranges::sort(expected);
  EXPECT_EQ(got, expected);
  // Flows by country: CN->US 2, KR->US 2, US->US 1, US->KR 1, US->CN 1.
  EXPECT_EQ(flows, (std::map<std::pair<std::string, std::string>, int>{
                       {{"CN", "US"}, 2}, {{"KR", "US"}, 2}, {{"US", "US"}, 1}, {{"US", "KR"}, 1}, {{"US", "CN"}, 1}}));

  // Ingesting the same two files again changes none of it.
  auto again = ingest::ingest(store, {fixture + "world.json", fixture + "careers.csv"}, {});
  ASSERT_TRUE(again.has_value()) << again.error().message;
  EXPECT_EQ(again->relations_added, 0u);
  EXPECT_EQ(again->claims_added, 0u);
  EXPECT_EQ(store.stats().entities, 23);
  EXPECT_EQ(find_moves(store, {}).size(), 7u);

  // keep: the first moves in the same order, the rest counted, not made (moves --limit).
  const std::vector<Move> all = find_moves(store, {});
  for (std::size_t keep : {1u, 3u, 7u, 9u}) {
    MoveFilter first;
    first.keep = keep;
    LeftOut left_out;
    const std::vector<Move> kept = find_moves(store, first, &left_out);
    ASSERT_EQ(kept.size(), std::min<std::size_t>(keep, all.size())) << keep;
    for (std::size_t i = 0; i < kept.size(); ++i) {
      EXPECT_EQ(kept[i].person, all[i].person) << keep;
      EXPECT_EQ(kept[i].to, all[i].to) << keep;
      EXPECT_EQ(kept[i].relations, all[i].relations) << keep;
    }
    EXPECT_EQ(left_out.beyond, all.size() - kept.size()) << keep;
  }
}

}  // namespace
}  // namespace tg::queries
