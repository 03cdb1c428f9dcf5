// queries/export: select_export's filters on the small fixture (tests/fixtures/small), the
// stable ids, and the escaping and date rules the writers share.
#include "queries/export.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <set>
#include <string>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "graph/snapshot.h"
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

// The claims of a whole export are read on a second connection, beside the nodes, when the store
// is as the snapshot was built; otherwise (here: a write since) on the caller's connection. Both
// give every edge its claims, confidence and best quote alike.
TEST_F(Export, ClaimsReadInASecondThreadOrNotAreTheSame) {
  const graph::Snapshot before = graph::Snapshot::build(store);
  auto beside = select_export(store, before, {});
  ASSERT_TRUE(beside) << beside.error().str();
  // A write that touches no relation: the snapshot is no longer the store's state.
  {
    Store::Transaction tx(store);
    test_support::StoreBuilder(store).entity(NodeKind::company, "Unrelated Co");
    tx.commit();
  }
  ASSERT_NE(store.generation(), before.generation());
  auto here = select_export(store, before, {});
  ASSERT_TRUE(here) << here.error().str();
  ASSERT_EQ(beside->edges.size(), here->edges.size());
  std::size_t quoted = 0;
  for (std::size_t i = 0; i < here->edges.size(); ++i) {
    const ExportEdge &a = beside->edges[i], &b = here->edges[i];
    EXPECT_EQ(a.id, b.id);
    EXPECT_EQ(a.claims, b.claims) << a.id;
    EXPECT_EQ(a.confidence, b.confidence) << a.id;
    EXPECT_EQ(a.quote, b.quote) << a.id;
    EXPECT_EQ(a.quote_source, b.quote_source) << a.id;
    EXPECT_GT(a.claims, 0u) << a.id;
    quoted += !a.quote.empty();
  }
  EXPECT_EQ(quoted, 2u);  // the fixture quotes two of its relations
}

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

// A whole graph reads claims and aliases in one scan each, a small ego graph one statement per
// relation and node: both must give every edge and node the same claims, quote and aliases.
TEST_F(Export, OneScanAndOneStatementPerRowAgree) {
  // Enough unrelated careers that one organisation's neighbourhood is a small part of the graph.
  std::string csv = "person,organization,role,start,end,source_url,person_id,organization_kind,organization_country\n";
  for (int i = 0; i < 200; ++i)
    csv += fmt::format("Filler Person {0},Filler Org {1},Engineer,2015,2018,https://example.org/cv/filler-{0},,company,US\n", i, i % 40);
  // One relation with two claims (a second source for the same stint).
  csv += "Filler Person 0,Filler Org 0,Engineer,2015,2018,https://example.org/press/filler-0,,company,US\n";
  auto more = ingest::ingest(store, {dir.write("filler.csv", csv)}, {});
  ASSERT_TRUE(more) << more.error().str();
  const ExportGraph whole = select({});
  ExportSelection s;
  s.around = "Northwind AI";
  s.hops = 1;
  const ExportGraph ego = select(s);
  ASSERT_FALSE(ego.edges.empty());
  // Small enough for the statement-per-row path (under an eighth of the graph).
  ASSERT_LT(ego.edges.size() * 8, whole.edges.size());
  ASSERT_LT(ego.nodes.size() * 8, whole.nodes.size());
  std::size_t with_aliases = 0, with_quotes = 0;
  for (const ExportNode& n : ego.nodes) {
    auto it = std::ranges::find(whole.nodes, n.id, &ExportNode::id);
    ASSERT_NE(it, whole.nodes.end()) << n.id;
    EXPECT_EQ(n.aliases, it->aliases) << n.id;
    with_aliases += !n.aliases.empty();
  }
  for (const ExportEdge& e : ego.edges) {
    auto it = std::ranges::find(whole.edges, e.id, &ExportEdge::id);
    ASSERT_NE(it, whole.edges.end()) << e.id;
    EXPECT_EQ(e.claims, it->claims) << e.id;
    EXPECT_EQ(e.confidence, it->confidence) << e.id;
    EXPECT_EQ(e.quote, it->quote) << e.id;
    EXPECT_EQ(e.quote_source, it->quote_source) << e.id;
    with_quotes += !e.quote.empty();
  }
  EXPECT_GT(with_aliases, 0u);
  EXPECT_GT(with_quotes, 0u);
  // And the scan's best claim is evidence()'s first, for every relation of the whole graph.
  std::size_t several = 0;
  for (const ExportEdge& e : whole.edges) {
    const std::vector<Evidence> evidence = store.evidence(RelationId{std::stoll(e.id.substr(1))});
    ASSERT_EQ(e.claims, evidence.size()) << e.id;
    if (evidence.empty()) continue;
    EXPECT_EQ(e.quote, evidence.front().quote) << e.id;
    EXPECT_EQ(e.quote_source, evidence.front().source) << e.id;
    EXPECT_DOUBLE_EQ(e.confidence.value(), evidence.front().confidence) << e.id;
    several += evidence.size() > 1;
  }
  EXPECT_GT(several, 0u);
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

TEST_F(Export, PositionsAreWrittenWhenALayoutGaveThem) {
  ExportGraph g = select({});
  ASSERT_GE(g.nodes.size(), 2u);
  EXPECT_EQ(write_cytoscape(g).find("\"position\""), std::string::npos);
  EXPECT_EQ(write_gexf(g).find("viz:position"), std::string::npos);
  g.nodes[0].position = std::pair{1.5, -2.0};
  const std::string cy = write_cytoscape(g), gexf = write_gexf(g);
  EXPECT_NE(cy.find("\"position\":{\"x\":1.5,\"y\":-2.0}"), std::string::npos);
  EXPECT_NE(gexf.find("<viz:position x=\"1.5\" y=\"-2.0\" z=\"0\"/>"), std::string::npos);
  EXPECT_EQ(std::ranges::count(std::string_view(gexf), '\n'), std::ranges::count(std::string_view(write_gexf(select({}))), '\n'));
}

// A large selection goes to the sink in pieces of about a megabyte, cut between elements, which
// together are the whole document.
TEST(ExportStream, PiecesOfAboutAMegabyteMakeTheWholeDocument) {
  ExportGraph g;
  for (std::uint32_t i = 0; i < 20000; ++i) {
    ExportNode n;
    n.entity = EntityId{i + 1};
    n.id = fmt::format("company:{}", i + 1);
    n.kind = NodeKind::company;
    n.name = fmt::format("Company number {} of a long list, with a name of some length", i);
    n.aliases = {"알리바바", "阿里巴巴"};
    g.nodes.push_back(std::move(n));
  }
  for (std::uint32_t i = 0; i + 1 < 20000; ++i) {
    ExportEdge e;
    e.id = fmt::format("r{}", i + 1);
    e.source = i;
    e.target = i + 1;
    e.kind = "part_of";
    e.claims = 1;
    e.quote = "A sentence of evidence that is quoted on every edge, as the best claim's quote.";
    g.edges.push_back(std::move(e));
  }
  const auto check = [](const std::string& whole, const std::function<void(const ExportSink&)>& write,
                        std::string_view element_end) {
    std::vector<std::string> pieces;
    write([&](std::string_view piece) { pieces.emplace_back(piece); });
    ASSERT_GT(pieces.size(), 2u);
    std::string joined;
    for (std::size_t i = 0; i < pieces.size(); ++i) {
      joined += pieces[i];
      if (i + 1 == pieces.size()) continue;
      EXPECT_GE(pieces[i].size(), std::size_t(1) << 20);
      EXPECT_LT(pieces[i].size(), (std::size_t(1) << 20) + 4096);
      EXPECT_TRUE(pieces[i].ends_with(element_end)) << i;
    }
    EXPECT_EQ(joined, whole);
  };
  check(write_node_link(g), [&](const ExportSink& s) { write_node_link(g, s); }, "}");
  const nlohmann::json parsed = nlohmann::json::parse(write_node_link(g));
  EXPECT_EQ(parsed["nodes"].size(), 20000u);
  EXPECT_EQ(parsed["edges"].size(), 19999u);
  EXPECT_EQ(parsed["nodes"][19999]["aliases"][1], "阿里巴巴");
  check(write_cytoscape(g), [&](const ExportSink& s) { write_cytoscape(g, s); }, "}");
  check(write_gexf(g), [&](const ExportSink& s) { write_gexf(g, s); }, ">\n");
  check(write_graphml(g), [&](const ExportSink& s) { write_graphml(g, s); }, ">\n");
  check(write_dot(g), [&](const ExportSink& s) { write_dot(g, s); }, "];\n");
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
