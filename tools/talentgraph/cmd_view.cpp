// view: the selection as one HTML page that works offline — the network drawn at positions
// computed here (graph/layout.h), a time slider, filters, search, entity cards and a flows chart.
// The page (tools/viewer/) and Cytoscape.js are compiled in; the graph goes in as JSON in a
// <script type="application/json"> element, every <, >, & and line separator escaped, so no
// name can close the element or be read as markup.
#include <algorithm>
#include <cstdint>
#include <deque>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "graph/files.h"
#include "graph/layout.h"
#include "queries/entities.h"
#include "queries/network.h"
#include "tools/talentgraph/cli.h"
#include "tools/viewer/page.h"

namespace tg::cli {
namespace {

// The most nodes the page draws; above it `view` refuses and names the options that narrow.
constexpr std::uint32_t kViewLimit = 5000;
// Pixels per unit of the layout's edge length.
constexpr double kScale = 60;

struct ViewArgs {
  std::string around, kinds, redact, out;
  std::uint32_t hops = 2;
  std::uint32_t max_nodes = kViewLimit;
  std::uint64_t seed = 1;
  DateOptions dates;
};

std::string iso_day(std::int32_t day) {
  const CivilDate d = civil_from_days(day);
  return fmt::format("{:04}-{:02}-{:02}", d.year, d.month, d.day);
}
nlohmann::json day_or_null(std::int32_t day) { return day == kNoDay ? nlohmann::json(nullptr) : nlohmann::json(iso_day(day)); }

std::string node_id(const graph::Snapshot& s, std::uint32_t node) {
  return fmt::format("{}:{}", to_string(s.kind(node)), static_cast<std::int64_t>(s.entity(node)));
}

// JSON for inside a <script> element: <, >, &, U+2028 and U+2029 (which occur only inside
// strings) written as \u escapes.
std::string script_safe(const nlohmann::json& data) {
  const std::string text = data.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  std::string out;
  out.reserve(text.size() + text.size() / 16);
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '<') out += "\\u003c";
    else if (c == '>') out += "\\u003e";
    else if (c == '&') out += "\\u0026";
    else if (c == '\xE2' && i + 2 < text.size() && text[i + 1] == '\x80' && (text[i + 2] == '\xA8' || text[i + 2] == '\xA9')) {
      out += text[i + 2] == '\xA8' ? "\\u2028" : "\\u2029";
      i += 2;
    } else out += c;
  }
  return out;
}

struct Selection {
  std::vector<std::uint32_t> nodes;       // snapshot nodes, ascending
  std::vector<std::uint32_t> edges;       // snapshot edge ids
};

Result<Selection> select(Store& store, const graph::Snapshot& s, const ViewArgs& args, const DateWindow& window,
                         const std::vector<RelationKind>& kinds) {
  const bool no_people = args.redact == "people";
  std::vector<std::uint8_t> keep = s.mask(std::nullopt, kinds);
  const auto edges = s.edges();
  for (std::size_t i = 0; i < edges.size(); ++i) {
    const auto& e = edges[i];
    if (window.last && e.start_first != kNoDay && e.start_first > *window.last) keep[i] = 0;
    if (window.first && e.end_last != kNoDay && e.end_last < *window.first) keep[i] = 0;
    if (no_people && (s.kind(e.from) == NodeKind::person || s.kind(e.to) == NodeKind::person)) keep[i] = 0;
  }
  std::vector<std::uint8_t> in(s.num_nodes(), 0);
  if (!args.around.empty()) {
    auto id = queries::find_entity(store, args.around);
    if (!id) return fail(id.error());
    auto root = queries::node_of(s, *id, args.around);
    if (!root) return fail(root.error());
    if (no_people && s.kind(*root) == NodeKind::person)
      return fail(ErrorCode::usage, fmt::format("view: --around: {} is a person, and --redact people leaves people out", args.around));
    const graph::Csr& g = s.affiliation();
    std::vector<std::uint32_t> depth(s.num_nodes(), UINT32_MAX);
    std::deque<std::uint32_t> queue{*root};
    depth[*root] = 0;
    in[*root] = 1;
    while (!queue.empty()) {
      const std::uint32_t v = queue.front();
      queue.pop_front();
      if (depth[v] == args.hops) continue;
      const auto next = g.out_neighbors(v);
      const auto ids = g.out_edge_ids(v);
      for (std::size_t i = 0; i < next.size(); ++i) {
        if (!keep[ids[i]] || depth[next[i]] != UINT32_MAX) continue;
        depth[next[i]] = depth[v] + 1;
        in[next[i]] = 1;
        queue.push_back(next[i]);
      }
    }
  } else {
    const bool filtered = !kinds.empty() || window.bounded();
    for (std::uint32_t v = 0; v < s.num_nodes(); ++v) in[v] = !(no_people && s.kind(v) == NodeKind::person);
    if (filtered) {  // only what a kept relation touches
      std::vector<std::uint8_t> touched(s.num_nodes(), 0);
      for (std::size_t i = 0; i < edges.size(); ++i)
        if (keep[i]) touched[edges[i].from] = touched[edges[i].to] = 1;
      for (std::uint32_t v = 0; v < s.num_nodes(); ++v) in[v] = in[v] && touched[v];
    }
  }
  Selection sel;
  for (std::uint32_t v = 0; v < s.num_nodes(); ++v)
    if (in[v]) sel.nodes.push_back(v);
  for (std::size_t i = 0; i < edges.size(); ++i)
    if (keep[i] && in[edges[i].from] && in[edges[i].to]) sel.edges.push_back(static_cast<std::uint32_t>(i));
  return sel;
}

nlohmann::json page_data(Store& store, const graph::Snapshot& s, const Selection& sel, const ViewArgs& args,
                         const DateWindow& window) {
  const bool no_people = args.redact == "people";
  std::vector<std::uint32_t> local(s.num_nodes(), UINT32_MAX);
  for (std::uint32_t i = 0; i < sel.nodes.size(); ++i) local[sel.nodes[i]] = i;
  std::vector<std::pair<std::uint32_t, std::uint32_t>> links;
  for (std::uint32_t e : sel.edges) links.emplace_back(local[s.edge(e).from], local[s.edge(e).to]);
  const auto at = graph::force_layout(static_cast<std::uint32_t>(sel.nodes.size()), links, {.seed = args.seed});

  nlohmann::json nodes = nlohmann::json::array();
  for (std::uint32_t i = 0; i < sel.nodes.size(); ++i) {
    const std::uint32_t v = sel.nodes[i];
    nlohmann::json aliases = nlohmann::json::array();
    for (const AliasRow& a : store.aliases(s.entity(v)))
      if (a.name != s.name(v)) aliases.push_back(a.name);
    nodes.push_back({{"id", node_id(s, v)},
                     {"k", std::string(to_string(s.kind(v)))},
                     {"n", std::string(s.name(v))},
                     {"c", s.country(v)},
                     {"a", std::move(aliases)},
                     {"x", std::round(at[i].x * kScale)},
                     {"y", std::round(at[i].y * kScale)}});
  }
  nlohmann::json edges = nlohmann::json::array();
  for (std::uint32_t id : sel.edges) {
    const graph::SnapshotEdge e = s.edge(id);
    nlohmann::json quotes = nlohmann::json::array();
    for (const Evidence& ev : store.evidence(RelationId{e.relation})) {
      if (quotes.size() == 3) break;
      quotes.push_back({{"src", ev.source}, {"title", ev.source_title}, {"url", ev.source_url}, {"quote", ev.quote}});
    }
    std::string role;
    if (auto r = store.relation(RelationId{e.relation})) role = r->role;
    edges.push_back({{"id", fmt::format("r{}{}", e.relation, e.left ? "-left" : "")},
                     {"s", node_id(s, e.from)},
                     {"t", node_id(s, e.to)},
                     {"k", e.left ? std::string("left") : std::string(to_string(e.kind))},
                     {"b", day_or_null(e.start_first)},
                     {"e", day_or_null(e.end_last)},
                     {"former", e.former != 0},
                     {"role", role},
                     {"q", std::move(quotes)}});
  }
  nlohmann::json moves = nlohmann::json::array();
  auto end = [&](std::uint32_t node) {
    return node == graph::kNoNode ? nlohmann::json(nullptr) : nlohmann::json(node_id(s, node));
  };
  auto name = [&](std::uint32_t node) { return node == graph::kNoNode ? std::string() : std::string(s.name(node)); };
  auto country = [&](std::uint32_t node) { return node == graph::kNoNode ? std::string() : s.country(node); };
  for (const graph::SnapshotMove& m : s.moves()) {
    const bool person_in = local[m.person] != UINT32_MAX;
    const bool org_in = (m.from != graph::kNoNode && local[m.from] != UINT32_MAX) || (m.to != graph::kNoNode && local[m.to] != UINT32_MAX);
    if (!(no_people ? org_in : person_in)) continue;
    if (m.date_first != kNoDay && window.last && m.date_first > *window.last) continue;
    if (m.date_last != kNoDay && window.first && m.date_last < *window.first) continue;
    moves.push_back({{"p", no_people ? nlohmann::json(nullptr) : nlohmann::json(node_id(s, m.person))},
                     {"pn", no_people ? std::string() : std::string(s.name(m.person))},
                     {"f", end(m.from)},
                     {"fn", name(m.from)},
                     {"fc", country(m.from)},
                     {"t", end(m.to)},
                     {"tn", name(m.to)},
                     {"tc", country(m.to)},
                     {"d", day_or_null(m.date_first)}});
  }
  std::string title = "talentgraph";
  if (!args.around.empty()) title += fmt::format(" — around {} ({} hops)", args.around, args.hops);
  return {{"title", title},
          {"limit", args.max_nodes},
          {"redacted", no_people},
          {"window", {{"first", window.first ? nlohmann::json(iso_day(*window.first)) : nlohmann::json(nullptr)},
                      {"last", window.last ? nlohmann::json(iso_day(*window.last)) : nlohmann::json(nullptr)}}},
          {"nodes", std::move(nodes)},
          {"edges", std::move(edges)},
          {"moves", std::move(moves)}};
}

int run_view(Env& env, const ViewArgs& args) {
  if (!args.redact.empty() && args.redact != "people")
    return report({ErrorCode::usage, fmt::format("view: --redact: \"{}\": only people can be redacted", args.redact)});
  auto window = args.dates.window();
  if (!window) return report(window.error());
  auto kinds = relation_kinds(args.kinds);
  if (!kinds) return report(kinds.error());
  auto snapshot = queries::load_snapshot(*env.store);
  if (!snapshot) return report(snapshot.error());
  auto sel = select(*env.store, *snapshot, args, *window, *kinds);
  if (!sel) return report(sel.error());
  if (sel->nodes.size() > args.max_nodes)
    return report({ErrorCode::usage,
                   fmt::format("view: the selection has {} nodes, more than the page draws ({}): narrow it with "
                               "--around NAME --hops N, --kinds, --since/--until, or --redact people",
                               sel->nodes.size(), args.max_nodes)});
  const std::string page =
      fmt::format("{}{}{}", viewer::page_head(), script_safe(page_data(*env.store, *snapshot, *sel, args, *window)),
                  viewer::page_tail());
  if (args.out.empty()) {
    std::cout << page;
    return 0;
  }
  if (auto written = write_file_atomic(args.out, page); !written) return report(written.error());
  std::cerr << fmt::format("view: {} nodes, {} relations written to {}\n", sel->nodes.size(), sel->edges.size(), args.out);
  return 0;
}

}  // namespace

Run setup_view(CLI::App& cmd) {
  auto args = std::make_shared<ViewArgs>();
  cmd.add_option("--around", args->around, "Only what is within --hops relations of this entity (any name)");
  cmd.add_option("--hops", args->hops, "With --around: how many relations out")->capture_default_str()->check(CLI::Range(0, 16));
  cmd.add_option("--kinds", args->kinds, "Only these relation kinds, comma-separated (e.g. worked_at,founded)");
  cmd.add_option("--redact", args->redact, "people: leave people out (organisations, places and the flows between them)");
  cmd.add_option("--max-nodes", args->max_nodes,
                 fmt::format("Refuse a selection of more nodes than this (at most {})", kViewLimit))
      ->capture_default_str()
      ->check(CLI::Range(1u, kViewLimit));
  cmd.add_option("--seed", args->seed, "Seed of the layout")->capture_default_str();
  cmd.add_option("--out", args->out, "Write the page here (default: stdout)");
  args->dates.setup(cmd);
  return [args](Env& env) { return run_view(env, *args); };
}

}  // namespace tg::cli
