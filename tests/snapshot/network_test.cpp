// Paths over the snapshot on a random dated world: as short as a plain BFS, and never through
// a relation that did not hold on the --as-of date.
#include <gtest/gtest.h>

#include <algorithm>
#include <deque>
#include <fstream>
#include <random>
#include <set>

#include <fmt/format.h>

#include "graph/snapshot.h"
#include "ingest/ingest.h"
#include "queries/network.h"
#include "tests/support/scratch.h"
#include "tests/support/store_builder.h"

namespace tg {
namespace {

using test_support::must_open;
using test_support::ScratchDir;

bool holds(const graph::SnapshotEdge& e, std::int32_t day) {
  return (e.start_first == graph::kNoDay || e.start_first <= day) && (e.end_last == graph::kNoDay || e.end_last >= day);
}

// Hop count of a shortest path over the edges valid on `day`, straight from the edge list.
std::optional<std::size_t> plain_bfs(const graph::Snapshot& s, std::uint32_t from, std::uint32_t to, std::int32_t day) {
  std::vector<std::vector<std::uint32_t>> adj(s.num_nodes());
  for (const auto& e : s.edges()) {
    if (!holds(e, day)) continue;
    adj[e.from].push_back(e.to);
    adj[e.to].push_back(e.from);
  }
  std::vector<int> dist(s.num_nodes(), -1);
  std::deque<std::uint32_t> queue{from};
  dist[from] = 0;
  while (!queue.empty()) {
    const auto v = queue.front();
    queue.pop_front();
    if (v == to) return static_cast<std::size_t>(dist[v]);
    for (auto w : adj[v])
      if (dist[w] < 0) {
        dist[w] = dist[v] + 1;
        queue.push_back(w);
      }
  }
  return std::nullopt;
}

TEST(NetworkTest, AsOfPathsAreShortestAndUseOnlyRelationsThatHeld) {
  ScratchDir dir;
  const std::string csv = dir.file("careers.csv");
  {
    std::mt19937 rng(7);
    std::ofstream out(csv);
    out << "person,organization,role,start,end,source_url\n";
    for (int p = 0; p < 400; ++p) {
      int year = 1995 + static_cast<int>(rng() % 20);
      const int jobs = 1 + static_cast<int>(rng() % 4);
      for (int j = 0; j < jobs; ++j) {
        const int length = 1 + static_cast<int>(rng() % 5);
        const bool last = j + 1 == jobs;
        // Jobs overlap by up to three years, so people bridge organisations on many dates.
        const int end = year + length + static_cast<int>(rng() % 4);
        out << fmt::format("Person {},Org {},Engineer,{},{},\n", p, rng() % 60, year, last ? "" : std::to_string(end));
        year += length;
      }
    }
  }
  Store store = must_open(dir.file("t.db"));
  ASSERT_TRUE(ingest::ingest(store, {csv}, {}));
  auto snap = graph::Snapshot::build(store);
  std::mt19937 rng(11);
  int found = 0, unreachable = 0;
  for (int trial = 0; trial < 400; ++trial) {
    queries::PathQuery q;
    q.from = static_cast<std::uint32_t>(rng() % snap.num_nodes());
    q.to = static_cast<std::uint32_t>(rng() % snap.num_nodes());
    const std::int32_t day = days_from_civil(1996 + static_cast<int>(rng() % 30), 6, 30);
    q.as_of = day;
    q.max_hops = 64;
    const auto paths = queries::find_paths(snap, q);
    const auto expected = plain_bfs(snap, q.from, q.to, day);
    ASSERT_EQ(paths.empty(), !expected) << "trial " << trial;
    if (!expected) {
      ++unreachable;
      continue;
    }
    ++found;
    const auto& path = paths.front();
    EXPECT_EQ(path.size(), *expected) << "trial " << trial;
    std::uint32_t at = q.from;
    for (const auto& hop : path) {
      const auto& e = snap.edges()[hop.edge];
      EXPECT_TRUE(holds(e, day)) << "trial " << trial << " uses relation " << e.relation << " outside its dates";
      EXPECT_EQ(hop.from, at);
      EXPECT_TRUE((e.from == hop.from && e.to == hop.to) || (e.to == hop.from && e.from == hop.to));
      at = hop.to;
    }
    EXPECT_EQ(at, q.to);
  }
  // The world is built so that both outcomes occur.
  EXPECT_GT(found, 50);
  EXPECT_GT(unreachable, 20);
}

TEST(NetworkTest, FlowsAndNetGainAddUp) {
  ScratchDir dir;
  Store store = must_open(dir.file("t.db"));
  ASSERT_TRUE(ingest::ingest(store, {std::string(TG_SOURCE_DIR) + "/tests/fixtures/small"}, {}));
  auto snap = graph::Snapshot::build(store);
  queries::FlowQuery q;
  q.by = queries::FlowBy::country;
  q.count = queries::FlowCount::moves;  // counted in moves, what leaves one country enters another
  q.net = true;
  const auto r = queries::flows(snap, q);
  std::uint64_t total = 0;
  for (const auto& f : r.flows) {
    total += f.moves;
    EXPECT_GE(f.people, 1u);
    EXPECT_LE(f.people, f.moves);
  }
  EXPECT_EQ(total, snap.moves().size());
  std::int64_t net = 0;
  for (const auto& n : r.net) net += n.net;
  EXPECT_EQ(net, 0);  // every move out of one country is a move into another
  // Counted in people, Park Eun-ji (from KR and from CN) enters the US once and leaves both.
  q.count = queries::FlowCount::people;
  const auto people = queries::flows(snap, q).net;
  const auto us = std::ranges::find(people, std::string("US"), &queries::NetRow::name);
  ASSERT_NE(us, people.end());
  EXPECT_EQ(us->in, 3);  // Carla Diaz, Dev Patel, Park Eun-ji
}

// Random careers through the real ingest: each flow row's people are exactly the distinct
// persons among the moves of its pair (recounted by brute force), never more than its moves;
// per year, a row's period holds each of its moves' dates; with --count moves the rows add up to
// the moves admitted.
TEST(NetworkTest, FlowsCountDistinctPeopleOnRandomCareers) {
  ScratchDir dir;
  std::mt19937 rng(7);
  std::uniform_int_distribution<int> orgs(0, 5), years(2005, 2024), jobs(1, 6), coin(0, 3);
  std::string csv = "person,organization,role,start,end,source_url,person_id,organization_kind,organization_country\n";
  const char* countries[] = {"US", "CN", "GB", "KR", "US", "CN"};
  for (int p = 0; p < 300; ++p) {
    int year = years(rng);
    const int n = jobs(rng);
    for (int j = 0; j < n; ++j) {
      const int o = orgs(rng);
      const int end = year + 1 + coin(rng);
      csv += fmt::format("Person {},Org {},,{},{},https://example.org/{},,company,{}\n", p, o, year,
                         j + 1 < n || coin(rng) ? std::to_string(end) : std::string(), p, countries[o]);
      year = end + (coin(rng) == 0 ? 0 : 1);
    }
  }
  const std::string path = dir.write("careers.csv", csv);
  Store store = must_open(dir.file("t.db"));
  ASSERT_TRUE(ingest::ingest(store, {path}, {}));
  auto snap = graph::Snapshot::build(store);
  ASSERT_GT(snap.moves().size(), 300u);
  for (auto by : {queries::FlowBy::org, queries::FlowBy::country}) {
    queries::FlowQuery q;
    q.by = by;
    const auto r = queries::flows(snap, q);
    std::uint64_t total = 0;
    for (const auto& f : r.flows) {
      std::set<std::uint32_t> people;
      std::uint64_t moves = 0;
      for (const auto& m : snap.moves()) {
        const std::string a = by == queries::FlowBy::org ? std::string(snap.name(m.from)) : snap.country(m.from);
        const std::string b = by == queries::FlowBy::org ? std::string(snap.name(m.to)) : snap.country(m.to);
        if (a != f.from || b != f.to) continue;
        people.insert(m.person);
        ++moves;
      }
      EXPECT_EQ(f.people, people.size()) << f.from << " -> " << f.to;
      EXPECT_EQ(f.moves, moves) << f.from << " -> " << f.to;
      EXPECT_LE(f.people, f.moves);
      total += f.moves;
    }
    EXPECT_EQ(total, snap.moves().size());
    q.per = Period::year;
    for (const auto& f : queries::flows(snap, q).flows) {
      std::uint64_t in_period = 0;
      for (const auto& m : snap.moves()) {
        const std::string a = by == queries::FlowBy::org ? std::string(snap.name(m.from)) : snap.country(m.from);
        const std::string b = by == queries::FlowBy::org ? std::string(snap.name(m.to)) : snap.country(m.to);
        if (a == f.from && b == f.to && m.date_first != graph::kNoDay &&
            period_label(m.date_first, m.date_last, Period::year) == f.period)
          ++in_period;
      }
      EXPECT_EQ(f.moves, in_period) << f.period << " " << f.from << " -> " << f.to;
    }
  }
}

}  // namespace
}  // namespace tg
