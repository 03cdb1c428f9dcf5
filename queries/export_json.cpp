// The JSON exports (queries/export.h): NetworkX's node-link shape and Cytoscape.js elements
// (.cyjs, as Cytoscape desktop reads it). Written by hand rather than through a JSON library's
// tree: one pass over the selection into one string, which is what makes an export of millions of
// edges fast; the escaping is json_string's.
#include <cmath>
#include <cstdint>

#include <fmt/format.h>

#include "queries/export.h"
#include "queries/export_text.h"

namespace tg::queries {

std::string json_string(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 2);
  out += '"';
  for_each_code_point(text, [&](char32_t c, std::string_view bytes) {
    switch (c) {
      case '"': out += "\\\""; return;
      case '\\': out += "\\\\"; return;
      case '\n': out += "\\n"; return;
      case '\r': out += "\\r"; return;
      case '\t': out += "\\t"; return;
      case '<': out += "\\u003c"; return;
      case '>': out += "\\u003e"; return;
      case '&': out += "\\u0026"; return;
      case 0x2028: out += "\\u2028"; return;
      case 0x2029: out += "\\u2029"; return;
      default: break;
    }
    if (c < 0x20)
      out += fmt::format("\\u{:04x}", static_cast<unsigned>(c));
    else if (c == kInvalidCodePoint)
      out += "\xEF\xBF\xBD";
    else
      out += bytes;
  });
  out += '"';
  return out;
}

namespace {

// Members of one JSON object, appended to `out` with the commas between them.
class Object {
 public:
  explicit Object(std::string& out) : out_(out) { out_ += '{'; }
  void key(std::string_view k) {
    if (!first_) out_ += ',';
    first_ = false;
    out_ += '"';
    out_ += k;  // keys are ours: plain ASCII
    out_ += "\":";
  }
  void text(std::string_view k, std::string_view v) {
    key(k);
    out_ += json_string(v);
  }
  // null when empty
  void text_or_null(std::string_view k, std::string_view v) {
    key(k);
    if (v.empty())
      out_ += "null";
    else
      out_ += json_string(v);
  }
  void number(std::string_view k, std::uint64_t v) {
    key(k);
    out_ += fmt::format("{}", v);
  }
  void real(std::string_view k, double v) {
    key(k);
    out_ += std::isfinite(v) ? real_text(v) : "null";
  }
  void boolean(std::string_view k, bool v) {
    key(k);
    out_ += v ? "true" : "false";
  }
  void texts(std::string_view k, const std::vector<std::string>& v) {
    key(k);
    out_ += '[';
    for (std::size_t i = 0; i < v.size(); ++i) {
      if (i) out_ += ',';
      out_ += json_string(v[i]);
    }
    out_ += ']';
  }
  void close() { out_ += '}'; }

 private:
  std::string& out_;
  bool first_ = true;
};

// What every node carries, in both shapes.
void node_members(Object& o, const ExportNode& n) {
  o.text("kind", to_string(n.kind));
  o.text("name", n.name);
  o.text_or_null("country", n.country);
  o.texts("aliases", n.aliases);
  if (n.people) o.number("people", *n.people);
}

// What every edge carries: its kind, dates with their precision, claims and the best quote;
// aggregated edges their counts and periods.
void edge_members(Object& o, std::string& out, const ExportEdge& e) {
  o.text("kind", e.kind);
  if (e.people || e.moves) {
    if (e.people) o.number("people", *e.people);
    if (e.moves) o.number("moves", *e.moves);
    if (!e.periods.empty()) {
      o.key("periods");
      out += '[';
      for (std::size_t i = 0; i < e.periods.size(); ++i) {
        if (i) out += ',';
        Object p(out);
        p.text_or_null("period", e.periods[i].period);
        p.number("people", e.periods[i].people);
        p.number("moves", e.periods[i].moves);
        p.close();
      }
      out += ']';
    }
    return;
  }
  for (auto [name, date] : {std::pair{"start", &e.start}, std::pair{"end", &e.end}}) {
    o.text_or_null(name, date->str());
    o.text_or_null(fmt::format("{}_precision", name), to_string(date->precision()));
  }
  if (e.left) o.boolean("left", true);
  if (e.former) o.boolean("former", true);
  o.number("claims", e.claims);
  if (e.confidence) o.real("confidence", *e.confidence);
  o.text_or_null("quote", e.quote);
  o.text_or_null("quote_source", e.quote_source);
}

std::string_view graph_name(const ExportGraph& g) {
  return g.graph == ExportGraphKind::moves ? "moves" : "affiliation";
}

}  // namespace

std::string write_node_link(const ExportGraph& g, const NodeLinkOptions& options) {
  std::string out;
  out.reserve(64 + g.nodes.size() * 128 + g.edges.size() * 192);
  Object top(out);
  top.boolean("directed", g.directed);
  top.boolean("multigraph", g.multigraph);
  top.key("graph");
  {
    Object meta(out);
    meta.text("name", "talentgraph");
    meta.text("graph", graph_name(g));
    meta.boolean("redacted", g.redacted);
    meta.close();
  }
  top.key("nodes");
  out += "[\n";
  for (std::size_t i = 0; i < g.nodes.size(); ++i) {
    if (i) out += ",\n";
    Object o(out);
    o.text("id", g.nodes[i].id);
    node_members(o, g.nodes[i]);
    o.close();
  }
  out += "\n]";
  top.key(options.links_key);
  out += "[\n";
  for (std::size_t i = 0; i < g.edges.size(); ++i) {
    const ExportEdge& e = g.edges[i];
    if (i) out += ",\n";
    Object o(out);
    o.text("source", g.nodes[e.source].id);
    o.text("target", g.nodes[e.target].id);
    if (g.multigraph) o.text("key", e.id);
    o.text("id", e.id);
    edge_members(o, out, e);
    o.close();
  }
  out += "\n]";
  top.close();
  out += '\n';
  return out;
}

std::string write_cytoscape(const ExportGraph& g) {
  std::string out;
  out.reserve(64 + g.nodes.size() * 160 + g.edges.size() * 224);
  Object top(out);
  top.text("format_version", "1.0");
  top.text("generated_by", "talentgraph");
  top.text("target_cytoscapejs_version", "~3.0");
  top.key("data");
  {
    Object meta(out);
    meta.text("name", "talentgraph");
    meta.text("graph", graph_name(g));
    meta.boolean("redacted", g.redacted);
    meta.close();
  }
  top.key("elements");
  Object elements(out);
  elements.key("nodes");
  out += "[\n";
  for (std::size_t i = 0; i < g.nodes.size(); ++i) {
    const ExportNode& n = g.nodes[i];
    if (i) out += ",\n";
    Object o(out);
    o.key("data");
    {
      Object d(out);
      d.text("id", n.id);
      node_members(d, n);
      d.close();
    }
    if (n.position) {
      o.key("position");
      Object p(out);
      p.real("x", n.position->first);
      p.real("y", n.position->second);
      p.close();
    }
    o.close();
  }
  out += "\n]";
  elements.key("edges");
  out += "[\n";
  for (std::size_t i = 0; i < g.edges.size(); ++i) {
    const ExportEdge& e = g.edges[i];
    if (i) out += ",\n";
    Object o(out);
    o.key("data");
    Object d(out);
    d.text("id", e.id);
    d.text("source", g.nodes[e.source].id);
    d.text("target", g.nodes[e.target].id);
    d.text("interaction", e.kind);
    // Cytoscape desktop's edge name: "SOURCE (interaction) TARGET".
    d.text("name", fmt::format("{} ({}) {}", g.nodes[e.source].name, e.kind, g.nodes[e.target].name));
    edge_members(d, out, e);
    d.close();
    o.close();
  }
  out += "\n]";
  elements.close();
  top.close();
  out += '\n';
  return out;
}

}  // namespace tg::queries
