// view: the selection as one HTML page that works offline — the network drawn at positions
// computed by lay_out (cli.h; graph/layout.h), a time slider, filters, search, entity cards and a flows chart.
// The selection is export's (queries/export.h: the same nodes and edges, with the same ids).
// The page (tools/viewer/) and Cytoscape.js are compiled in; the graph goes in as JSON in a
// <script type="application/json"> element, every <, >, & and line separator escaped, so no
// name can close the element or be read as markup.
#include <algorithm>
#include <cstdint>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "graph/files.h"
#include "queries/export.h"
#include "queries/network.h"
#include "tools/talentgraph/cli.h"
#include "tools/viewer/page.h"

namespace tg::cli {
namespace {

// The most nodes the page draws; above it `view` refuses and names the options that narrow.
constexpr std::uint32_t kViewLimit = kLayoutLimit;

struct ViewArgs {
  std::string around, kinds, redact, out;
  std::optional<std::uint32_t> hops;
  std::optional<double> min_confidence;
  bool roll_up = false;
  std::uint32_t max_nodes = kViewLimit;
  std::uint64_t seed = 1;
  DateOptions dates;

  // The selection, as export makes it (the affiliation graph).
  Result<queries::ExportSelection> selection() const {
    queries::ExportSelection sel;
    if (hops && around.empty()) return fail(ErrorCode::usage, "view: --hops: takes --around NAME");
    sel.around = around;
    sel.hops = hops.value_or(sel.hops);
    for (std::string_view rest = kinds; !rest.empty();) {
      const std::string_view item = rest.substr(0, rest.find(','));
      rest.remove_prefix(std::min(rest.size(), item.size() + 1));
      if (auto k = parse_node_kind(item)) sel.kinds.push_back(*k);
      else return fail(ErrorCode::usage, fmt::format("view: --kinds: unknown node kind \"{}\"", item));
    }
    auto window = dates.window();
    if (!window) return fail(window.error());
    sel.window = *window;
    auto as_of = dates.as_of_day();
    if (!as_of) return fail(as_of.error());
    sel.as_of = *as_of;
    if (min_confidence && !(*min_confidence >= 0 && *min_confidence <= 1))
      return fail(ErrorCode::usage, "view: --min-confidence: must be in [0, 1]");
    sel.min_confidence = min_confidence;
    sel.roll_up = roll_up;
    if (!redact.empty() && redact != "people")
      return fail(ErrorCode::usage, fmt::format("view: --redact: \"{}\": only people can be redacted", redact));
    sel.redact_people = redact == "people";
    return sel;
  }
};

nlohmann::json day_or_null(std::int32_t day) {
  return day == kNoDay ? nlohmann::json(nullptr) : nlohmann::json(queries::iso_day(day));
}

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

// What the page reads: the selection's nodes at their layout positions, its edges with up to three
// quotes and their links, and the moves of the people in it (redacted: into or out of its
// organisations, no one named) for the cards and the flows.
nlohmann::json page_data(Store& store, const graph::Snapshot& s, const queries::ExportGraph& g, const ViewArgs& args,
                         const queries::ExportSelection& sel) {

  std::vector<std::uint8_t> in(s.num_nodes(), 0);
  nlohmann::json nodes = nlohmann::json::array();
  for (std::size_t i = 0; i < g.nodes.size(); ++i) {
    const queries::ExportNode& n = g.nodes[i];
    if (auto v = s.node_of(n.entity)) in[*v] = 1;
    nodes.push_back({{"id", n.id},
                     {"k", std::string(to_string(n.kind))},
                     {"n", n.name},
                     {"c", n.country},
                     {"a", n.aliases},
                     {"x", n.position ? n.position->first : 0.0},
                     {"y", n.position ? n.position->second : 0.0}});
  }
  nlohmann::json edges = nlohmann::json::array();
  for (const queries::ExportEdge& e : g.edges) {
    nlohmann::json quotes = nlohmann::json::array();
    std::string role;
    // A relation ("r17", "r17.left"): its claims' quotes with their sources, unless people are
    // redacted (quotes name them); aggregated edges have none.
    if (!g.redacted && e.id.size() > 1 && e.id[0] == 'r') {
      const RelationId relation{std::stoll(e.id.substr(1))};
      for (const Evidence& ev : store.evidence(relation)) {
        if (quotes.size() == 3) break;
        quotes.push_back({{"src", ev.source}, {"title", ev.source_title}, {"url", ev.source_url}, {"quote", ev.quote}});
      }
      if (auto r = store.relation(relation)) role = r->role;
    }
    edges.push_back({{"id", e.id},
                     {"s", g.nodes[e.source].id},
                     {"t", g.nodes[e.target].id},
                     {"k", e.left ? std::string("left") : e.kind},
                     {"b", day_or_null(e.first_day)},
                     {"e", day_or_null(e.last_day)},
                     {"former", e.former},
                     {"role", role},
                     {"q", std::move(quotes)}});
  }
  nlohmann::json moves = nlohmann::json::array();
  auto end = [&](std::uint32_t node) {
    return node == graph::kNoNode ? nlohmann::json(nullptr) : nlohmann::json(node_id(s, node));
  };
  auto name = [&](std::uint32_t node) { return node == graph::kNoNode ? std::string() : std::string(s.name(node)); };
  auto country = [&](std::uint32_t node) { return node == graph::kNoNode ? std::string() : s.country(node); };
  auto inside = [&](std::uint32_t node) { return node != graph::kNoNode && in[node]; };
  const DateWindow& window = sel.window;
  for (const graph::SnapshotMove& m : s.moves()) {
    if (!(g.redacted ? inside(m.from) || inside(m.to) : inside(m.person))) continue;
    if (m.date_first != kNoDay && window.last && m.date_first > *window.last) continue;
    if (m.date_last != kNoDay && window.first && m.date_last < *window.first) continue;
    moves.push_back({{"p", g.redacted ? nlohmann::json(nullptr) : nlohmann::json(node_id(s, m.person))},
                     {"pn", g.redacted ? std::string() : std::string(s.name(m.person))},
                     {"f", end(m.from)},
                     {"fn", name(m.from)},
                     {"fc", country(m.from)},
                     {"t", end(m.to)},
                     {"tn", name(m.to)},
                     {"tc", country(m.to)},
                     {"d", day_or_null(m.date_first)}});
  }
  std::string title = "talentgraph";
  if (!args.around.empty()) title += fmt::format(" — around {} ({} hops)", args.around, sel.hops);
  auto day = [](std::optional<std::int32_t> d) { return d ? nlohmann::json(queries::iso_day(*d)) : nlohmann::json(nullptr); };
  return {{"title", title},
          {"limit", args.max_nodes},
          {"redacted", g.redacted},
          {"window", {{"first", day(window.first)}, {"last", day(window.last)}}},
          {"nodes", std::move(nodes)},
          {"edges", std::move(edges)},
          {"moves", std::move(moves)}};
}

int run_view(Env& env, const ViewArgs& args) {
  auto sel = args.selection();
  if (!sel) return report(sel.error());
  auto snapshot = queries::load_snapshot(*env.store);
  if (!snapshot) return report(snapshot.error());
  auto g = queries::select_export(*env.store, *snapshot, *sel);
  if (!g) return report(g.error());
  if (g->nodes.size() > args.max_nodes)
    return report({ErrorCode::usage,
                   fmt::format("view: the selection has {} nodes, more than the page draws ({}): narrow it with "
                               "--around NAME --hops N, --kinds, --since/--until, or --redact people",
                               g->nodes.size(), args.max_nodes)});
  lay_out(*g, args.seed);
  const std::string page =
      fmt::format("{}{}{}", viewer::page_head(), script_safe(page_data(*env.store, *snapshot, *g, args, *sel)),
                  viewer::page_tail());
  if (args.out.empty()) {
    std::cout << page;
    return 0;
  }
  if (auto written = write_file_atomic(args.out, page); !written) return report(written.error());
  std::cerr << fmt::format("view: {} nodes, {} edges written to {}\n", g->nodes.size(), g->edges.size(), args.out);
  return 0;
}

}  // namespace

Run setup_view(CLI::App& cmd) {
  auto args = std::make_shared<ViewArgs>();
  cmd.add_option("--around", args->around, "Only what is within --hops relations of this entity (any name)");
  cmd.add_option("--hops", args->hops, "With --around: how many relations out (default 2)")->check(CLI::Range(0, 16));
  cmd.add_option("--kinds", args->kinds, "Only nodes of these kinds, comma-separated (e.g. person,company,lab)");
  cmd.add_option("--min-confidence", args->min_confidence, "Only relations whose best claim has at least this confidence");
  add_roll_up(cmd, args->roll_up);
  cmd.add_option("--redact", args->redact, "people: leave people out (organisations tied by the people they share and by moves)");
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
