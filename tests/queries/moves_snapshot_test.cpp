// find_moves without a person: read off a current snapshot cache (only the careers of the moves
// kept are read) it must answer exactly as the scan of every career does — the same moves in the
// same order and the same counts of what it left out — over random stores and random filters
// (organisations, countries, roll-ups, windows with and without undated moves, limits). And a
// cache that disagrees with the store it is stamped for is not believed.
#include <sqlite3.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "graph/snapshot.h"
#include "queries/moves.h"
#include "tests/support/scratch.h"
#include "tests/support/store_builder.h"

namespace tg::queries {
namespace {

using test_support::must_open;
using test_support::ScratchDir;
using test_support::StoreBuilder;

constexpr const char* kCountries[] = {"US", "CN", "KR", "GB", "FR"};

struct World {
  std::vector<EntityId> people, orgs;
};

// People with careers of 1 to 5 stints among organisations of five countries, some of them
// parts of others (current links and ended ones): dates of a year, a month or none, former
// stints, explicit moves with and without the organisation left.
World random_world(Store& store, std::uint64_t seed, int people) {
  std::mt19937_64 rng(seed);
  auto pick = [&](std::size_t n) { return static_cast<std::size_t>(rng() % n); };
  auto coin = [&](double p) { return std::uniform_real_distribution<double>(0, 1)(rng) < p; };
  World w;
  Store::Transaction tx(store);
  StoreBuilder build(store);
  for (int o = 0; o < 40; ++o)
    w.orgs.push_back(build.entity(o % 7 == 0 ? NodeKind::lab : NodeKind::company, fmt::format("Org {}", o), {},
                                  coin(0.9) ? kCountries[pick(5)] : ""));
  auto put = [&](RelationKind kind, EntityId from, EntityId to, std::string start, std::string end, bool former,
                 std::optional<EntityId> left = std::nullopt) {
    RelationRow r;
    r.kind = kind;
    r.from = from;
    r.to = to;
    if (!start.empty()) r.start = PartialDate::parse(start).value();
    if (!end.empty()) r.end = PartialDate::parse(end).value();
    r.former = former;
    r.left = left;
    build.relation(r);
  };
  for (int o = 1; o < 40; o += 4) put(RelationKind::part_of, w.orgs[o], w.orgs[o - 1], "", coin(0.3) ? "2018" : "", false);
  auto date = [&](int year) -> std::string {
    if (coin(0.15)) return "";
    return coin(0.5) ? fmt::format("{}", year) : fmt::format("{}-{:02}", year, 1 + pick(12));
  };
  for (int p = 0; p < people; ++p) {
    const EntityId person = build.entity(NodeKind::person, fmt::format("Person {}", p));
    w.people.push_back(person);
    int year = 1995 + static_cast<int>(pick(15));
    const int stints = 1 + static_cast<int>(pick(5));
    std::optional<EntityId> last;
    for (int s = 0; s < stints; ++s) {
      const EntityId org = w.orgs[pick(w.orgs.size())];
      const int length = 1 + static_cast<int>(pick(6));
      if (last && coin(0.15)) {
        put(RelationKind::moved, person, org, date(year), "", false, coin(0.8) ? last : std::nullopt);
      } else {
        const bool former = coin(0.1);
        put(coin(0.05) ? RelationKind::founded : RelationKind::worked_at, person, org, former ? "" : date(year),
            former || coin(0.2) ? "" : date(year + length), former);
      }
      last = org;
      year += length;
    }
  }
  tx.commit();
  return w;
}

std::int32_t day(const char* text, bool last) {
  const PartialDate d = PartialDate::parse(text).value();
  return last ? d.last_day() : d.first_day();
}

MoveFilter random_filter(std::mt19937_64& rng, const World& w) {
  auto pick = [&](std::size_t n) { return static_cast<std::size_t>(rng() % n); };
  auto coin = [&](double p) { return std::uniform_real_distribution<double>(0, 1)(rng) < p; };
  MoveFilter f;
  if (coin(0.3)) f.from = w.orgs[pick(w.orgs.size())];
  if (coin(0.3)) f.to = w.orgs[pick(w.orgs.size())];
  if (coin(0.3)) f.from_country = kCountries[pick(5)];
  if (coin(0.3)) f.to_country = kCountries[pick(5)];
  f.roll_up = coin(0.4);
  if (coin(0.5)) {
    static const char* years[] = {"1998", "2003", "2008", "2010-06", "2015"};
    if (coin(0.7)) f.window.window.first = day(years[pick(5)], false);
    if (coin(0.5)) f.window.window.last = day(years[pick(5)], true) + 3650;
    f.window.include_undated = coin(0.5);
  }
  if (coin(0.6)) f.keep = 1 + pick(30);
  return f;
}

void expect_same(const std::vector<Move>& a, const std::vector<Move>& b, const std::string& what) {
  ASSERT_EQ(a.size(), b.size()) << what;
  for (std::size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].person, b[i].person) << what << " #" << i;
    EXPECT_EQ(a[i].from, b[i].from) << what << " #" << i;
    EXPECT_EQ(a[i].to, b[i].to) << what << " #" << i;
    EXPECT_EQ(a[i].date, b[i].date) << what << " #" << i;
    EXPECT_EQ(a[i].basis, b[i].basis) << what << " #" << i;
    EXPECT_EQ(a[i].relations, b[i].relations) << what << " #" << i;
  }
}

std::string describe(const MoveFilter& f) {
  return fmt::format("from {} to {} countries {}>{} roll-up {} window {}..{} undated {} keep {}",
                     f.from ? raw(*f.from) : 0, f.to ? raw(*f.to) : 0, f.from_country, f.to_country, f.roll_up,
                     f.window.window.first.value_or(0), f.window.window.last.value_or(0), f.window.include_undated, f.keep);
}

TEST(MovesOnSnapshot, SameAnswerAsTheScanOfEveryCareer) {
  ScratchDir dir;
  Store store = must_open(dir.file("world.db"));
  const World w = random_world(store, 7, 400);
  std::mt19937_64 rng(11);
  std::vector<MoveFilter> filters(300);
  for (MoveFilter& f : filters) f = random_filter(rng, w);
  filters.push_back({});  // every move
  MoveFilter first_ten;
  first_ten.keep = 10;
  filters.push_back(first_ten);

  // Without a cache: the scan.
  ASSERT_FALSE(std::filesystem::exists(graph::cache_path(store)));
  std::vector<std::vector<Move>> scanned;
  std::vector<LeftOut> scanned_left;
  std::uint64_t any_kept = 0;
  for (const MoveFilter& f : filters) {
    LeftOut left;
    scanned.push_back(find_moves(store, f, &left));
    EXPECT_EQ(left.careers_read, w.people.size());
    scanned_left.push_back(left);
    any_kept += scanned.back().size();
  }
  ASSERT_GT(any_kept, 1000u);  // the filters select something

  ASSERT_TRUE(graph::Snapshot::load(store, graph::cache_path(store)));
  ASSERT_TRUE(graph::Snapshot::cached(store, graph::cache_path(store)));
  std::uint64_t read_fewer = 0, left_out = 0;
  for (std::size_t i = 0; i < filters.size(); ++i) {
    const std::string what = describe(filters[i]);
    LeftOut left;
    const std::vector<Move> moves = find_moves(store, filters[i], &left);
    expect_same(moves, scanned[i], what);
    EXPECT_EQ(left.undated, scanned_left[i].undated) << what;
    EXPECT_EQ(left.internal, scanned_left[i].internal) << what;
    EXPECT_EQ(left.beyond, scanned_left[i].beyond) << what;
    left_out += left.undated + left.internal + left.beyond;
    // Only the people of the moves kept (each at least one) had their careers read.
    EXPECT_LE(left.careers_read, moves.size()) << what;
    read_fewer += left.careers_read < w.people.size();
  }
  EXPECT_EQ(read_fewer, filters.size());
  EXPECT_GT(left_out, 100u);  // the counts compared are not all zero
}

TEST(MovesOnSnapshot, ACacheThatDisagreesWithItsStoreIsNotBelieved) {
  ScratchDir dir;
  const std::string path = dir.file("world.db");
  Store store = must_open(path);
  const World w = random_world(store, 3, 200);
  ASSERT_TRUE(graph::Snapshot::load(store, graph::cache_path(store)));
  MoveFilter f;
  f.keep = 50;
  LeftOut before;
  ASSERT_EQ(find_moves(store, f, &before).size(), 50u);
  ASSERT_LT(before.careers_read, w.people.size());

  // Behind the store's back (no new generation: the cache still reads as current), the careers of
  // the first people lose their stints: what the cache says of them is no longer so.
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  const std::string sql = fmt::format("DELETE FROM relations WHERE kind <> 'part_of' AND from_id <= {}", raw(w.people[20]));
  char* msg = nullptr;
  EXPECT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &msg), SQLITE_OK) << (msg ? msg : "");
  sqlite3_free(msg);
  sqlite3_close(db);
  ASSERT_TRUE(graph::Snapshot::cached(store, graph::cache_path(store)));

  LeftOut trusted;
  const std::vector<Move> answer = find_moves(store, f, &trusted);
  std::filesystem::remove(graph::cache_path(store));
  LeftOut scan;
  const std::vector<Move> truth = find_moves(store, f, &scan);
  expect_same(answer, truth, "after the change");
  EXPECT_EQ(trusted.beyond, scan.beyond);
  EXPECT_EQ(trusted.undated, scan.undated);
  ASSERT_EQ(truth.size(), 50u);
  EXPECT_GT(raw(truth.front().person), raw(w.people[20]));
}

}  // namespace
}  // namespace tg::queries
