// queries/export: select_export's filters on the small fixture (tests/fixtures/small), the
// stable ids, and the escaping and date rules the writers share.
#include "queries/export.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>

#include <fmt/format.h>

#include "ingest/ingest.h"
#include "tests/support/scratch.h"
#include "tests/support/store_builder.h"

namespace tg::queries {
namespace {

using test_support::must_open;
using test_support::ScratchDir;

class Export : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string fixture = std::string(TG_SOURCE_DIR) + "/tests/fixtures/small/";
    auto report = ingest::ingest(store, {fixture + "world.json", fixture + "careers.csv"}, {});
    ASSERT_TRUE(report) << report.error().str();
  }
  ExportGraph select(const ExportSelection& s) {
    auto g = select_export(store, s);
    EXPECT_TRUE(g) << g.error().str();
    return g ? *g : ExportGraph{};
  }
  static std::set<std::string> names(const ExportGraph& g) {
    std::set<std::string> out;
    for (const ExportNode& n : g.nodes) out.insert(n.name);
    return out;
  }
  static const ExportNode* node(const ExportGraph& g, std::string_view name) {
    auto it = std::ranges::find(g.nodes, name, &ExportNode::name);
    return it == g.nodes.end() ? nullptr : &*it;
  }
  ScratchDir dir;
  Store store = must_open(dir.file("tg.db"));
};

TEST_F(Export, WholeGraphHasEveryEntityWithARelationAndStableIds) {
  const ExportGraph g = select({});
  EXPECT_TRUE(g.directed);
  EXPECT_TRUE(g.multigraph);
  std::set<std::string> ids;
  for (const ExportNode& n : g.nodes) {
    EXPECT_EQ(n.id, fmt::format("{}:{}", to_string(n.kind), raw(n.entity)));
    ids.insert(n.id);
  }
  for (const ExportEdge& e : g.edges) EXPECT_TRUE(ids.insert(e.id).second) << e.id;
  const ExportGraph again = select({});
  ASSERT_EQ(again.edges.size(), g.edges.size());
  for (std::size_t i = 0; i < g.edges.size(); ++i) EXPECT_EQ(again.edges[i].id, g.edges[i].id);
  EXPECT_EQ(write_node_link(g), write_node_link(again));
  // Alice's move from Northwind is two edges: joined Hanbit, and left Northwind (its end dated).
  const ExportNode* alice = node(g, "Alice Chen");
  ASSERT_NE(alice, nullptr);
  int moved = 0;
  for (const ExportEdge& e : g.edges)
    if (e.kind == "moved" && g.nodes[e.source].name == "Alice Chen") {
      ++moved;
      if (e.left) {
        EXPECT_EQ(g.nodes[e.target].name, "Northwind AI");
        EXPECT_EQ(e.end.str(), "2023-11");
        EXPECT_EQ(e.id, e.id.substr(0, e.id.find('.')) + ".left");
      } else {
        EXPECT_EQ(e.start.str(), "2023-11");
        EXPECT_EQ(e.start.precision(), DatePrecision::month);
        EXPECT_EQ(e.quote, "Alice Chen left Northwind AI for Hanbit Semiconductor in November 2023.");
        EXPECT_EQ(e.claims, 1u);
        EXPECT_DOUBLE_EQ(e.confidence.value(), 0.9);
      }
    }
  EXPECT_EQ(moved, 2);
}

TEST_F(Export, KindsAroundAndHops) {
  ExportSelection s;
  s.kinds = {NodeKind::person, NodeKind::company};
  const ExportGraph g = select(s);
  for (const ExportNode& n : g.nodes) EXPECT_TRUE(n.kind == NodeKind::person || n.kind == NodeKind::company) << n.name;
  s = {};
  s.around = "Kestrel Compute";
  s.hops = 1;
  // Kestrel: founded by Park Eun-ji, headquartered in Harbor City.
  const ExportGraph one = select(s);
  EXPECT_TRUE(names(one).contains("Park Eun-ji"));
  EXPECT_TRUE(names(one).contains("Harbor City"));
  EXPECT_FALSE(names(one).contains("Hanbit Semiconductor"));
  s.hops = 2;
  EXPECT_TRUE(names(select(s)).contains("Hanbit Semiconductor"));
  s.around = "No Such Entity Anywhere";
  auto missing = select_export(store, s);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, ErrorCode::not_found);
}

TEST_F(Export, DatesAndConfidence) {
  ExportSelection s;
  s.as_of = PartialDate::parse("2014-06").value().last_day();
  for (const ExportEdge& e : select(s).edges)
    if (e.start.known()) {
      EXPECT_LE(e.start.first_day(), *s.as_of) << e.id;
    }
  s = {};
  s.min_confidence = 0.85;
  for (const ExportEdge& e : select(s).edges) EXPECT_GE(e.confidence.value_or(0), 0.85) << e.id;
  s = {};
  s.window.first = PartialDate::parse("2023").value().first_day();
  const ExportGraph recent = select(s);
  for (const ExportEdge& e : recent.edges)
    if (e.end.known()) {
      EXPECT_GE(e.end.last_day(), *s.window.first) << e.id;
    }
  EXPECT_EQ(recent.first_day, *s.window.first);
}

TEST_F(Export, RollUpFoldsTheLabIntoItsCompany) {
  ExportSelection s;
  s.roll_up = true;
  const ExportGraph g = select(s);
  EXPECT_FALSE(names(g).contains("Redpine Frontier Lab"));
  EXPECT_TRUE(names(g).contains("Redpine Technology"));
}

TEST_F(Export, MovesGraphCountsPeopleAndMovesPerPair) {
  ExportSelection s;
  s.graph = ExportGraphKind::moves;
  const ExportGraph g = select(s);
  EXPECT_FALSE(g.multigraph);
  ASSERT_FALSE(g.edges.empty());
  for (const ExportEdge& e : g.edges) {
    EXPECT_EQ(e.kind, "moves");
    EXPECT_EQ(e.id, fmt::format("m{}-{}", raw(g.nodes[e.source].entity), raw(g.nodes[e.target].entity)));
    EXPECT_GE(e.moves.value(), e.people.value());
    std::uint64_t moves = 0;
    for (const ExportPeriod& p : e.periods) moves += p.moves;
    EXPECT_EQ(moves, *e.moves);
  }
  for (const ExportNode& n : g.nodes) EXPECT_TRUE(is_organisation(n.kind)) << n.name;
  s.min_confidence = 0.5;
  auto refused = select_export(store, s);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::usage);
}

TEST_F(Export, RedactedHoldsNoPersonAndCountsSharedPeople) {
  ExportSelection s;
  s.redact_people = true;
  const ExportGraph g = select(s);
  EXPECT_TRUE(g.redacted);
  for (const ExportNode& n : g.nodes) EXPECT_NE(n.kind, NodeKind::person) << n.name;
  for (const ExportEdge& e : g.edges) EXPECT_TRUE(e.quote.empty()) << e.id;
  // Alice (Northwind, Hanbit), Bo (Northwind, Jade River), Carla (Northwind, Redpine, Jade River)…
  const ExportNode* northwind = node(g, "Northwind AI");
  ASSERT_NE(northwind, nullptr);
  EXPECT_GE(northwind->people.value_or(0), 3u);
  EXPECT_TRUE(std::ranges::any_of(g.edges, [](const ExportEdge& e) { return e.kind == "shares_people" && e.people >= 1u; }));
  for (const std::string& text : {write_node_link(g), write_graphml(g), write_gexf(g), write_cytoscape(g), write_dot(g)})
    for (const char* person : {"Alice Chen", "Bo Li", "Carla Diaz", "Park Eun-ji", "박은지", "Gao Feng", "Dev Patel"})
      EXPECT_EQ(text.find(person), std::string::npos) << person;
}

TEST(ExportText, Escapes) {
  EXPECT_EQ(xml_escape("a<b>&\"c'\n\x01\xff🦄"), "a&lt;b&gt;&amp;&quot;c&apos;&#10;🦄");
  EXPECT_EQ(json_string("</script>\"\\\n\x02 é 🦄"), "\"\\u003c/script\\u003e\\\"\\\\\\n\\u0002 é 🦄\"");
  EXPECT_EQ(json_string("\xc3"), "\"\xEF\xBF\xBD\"");
}

TEST(ExportText, DatesKeepTheirPrecision) {
  for (const char* text : {"2019", "2019-03", "2019-03-07", "2020-02", "2020-12"}) {
    const PartialDate d = PartialDate::parse(text).value();
    EXPECT_EQ(date_from_days(d.first_day(), d.last_day()), d) << text;
  }
  EXPECT_FALSE(date_from_days(kNoDay, 10).known());
  EXPECT_EQ(iso_day(0), "1970-01-01");
}

}  // namespace
}  // namespace tg::queries
