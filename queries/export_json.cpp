// The JSON exports (queries/export.h): NetworkX's node-link shape and Cytoscape.js elements
// (.cyjs, as Cytoscape desktop reads it). Written by hand rather than through a JSON library's
// tree: one pass over the selection into one string, which is what makes an export of millions of
// edges fast; the escaping is json_string's.
#include <charconv>
#include <cmath>
#include <tuple>
#include <cstdint>

#include <fmt/format.h>

#include "queries/export.h"
#include "queries/export_text.h"

namespace tg::queries {

namespace {

// json_string appended to `out`: plain ASCII runs copied whole, the rest a code point at a time.
void append_json_string(std::string& out, std::string_view text) {
  out += '"';
  std::size_t plain = 0;
  while (plain < text.size()) {
    const auto b = static_cast<unsigned char>(text[plain]);
    if (b < 0x20 || b >= 0x80 || b == '"' || b == '\\' || b == '<' || b == '>' || b == '&') break;
    ++plain;
  }
  out.append(text.substr(0, plain));
  if (plain == text.size()) {
    out += '"';
    return;
  }
  for_each_code_point(text.substr(plain), [&](char32_t c, std::string_view bytes) {
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
}

}  // namespace

std::string json_string(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 2);
  append_json_string(out, text);
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
    append_json_string(out_, v);
  }
  // null when empty
  void text_or_null(std::string_view k, std::string_view v) {
    key(k);
    if (v.empty())
      out_ += "null";
    else
      append_json_string(out_, v);
  }
  void number(std::string_view k, std::uint64_t v) {
    key(k);
    char digits[24];
    out_.append(digits, std::to_chars(digits, digits + sizeof digits, v).ptr);
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
      append_json_string(out_, v[i]);
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
  for (auto [name, precision, date] :
       {std::tuple{"start", "start_precision", &e.start}, std::tuple{"end", "end_precision", &e.end}}) {
    o.text_or_null(name, date->str());
    o.text_or_null(precision, to_string(date->precision()));
  }
  if (e.left) o.boolean("left", true);
  if (e.former) o.boolean("former", true);
  o.number("claims", e.claims);
  if (e.confidence) o.real("confidence", *e.confidence);
  o.text_or_null("quote", e.quote);
  o.text_or_null("quote_source", e.quote_source);
}

// The selection's description, under `key` of `top`.
void graph_meta(Object& top, std::string& out, std::string_view key, const ExportGraph& g) {
  top.key(key);
  Object meta(out);
  meta.text("name", "talentgraph");
  meta.text("graph", g.graph == ExportGraphKind::moves ? "moves" : "affiliation");
  meta.boolean("redacted", g.redacted);
  meta.close();
}

// An array of objects under `key` of `parent`, one line each: each(object, item) writes one.
template <typename T, typename Each>
void objects(Object& parent, Chunks& chunks, std::string_view key, const std::vector<T>& items, Each&& each) {
  std::string& out = chunks.text();
  parent.key(key);
  out += "[\n";
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i) out += ",\n";
    Object o(out);
    each(o, items[i]);
    o.close();
    chunks.flush_if_full();
  }
  out += "\n]";
}

}  // namespace

void write_node_link(const ExportGraph& g, const ExportSink& sink, const NodeLinkOptions& options) {
  Chunks chunks(sink);
  std::string& out = chunks.text();
  Object top(out);
  top.boolean("directed", g.directed);
  top.boolean("multigraph", g.multigraph);
  graph_meta(top, out, "graph", g);
  objects(top, chunks, "nodes", g.nodes, [&](Object& o, const ExportNode& n) {
    o.text("id", n.id);
    node_members(o, n);
  });
  objects(top, chunks, options.links_key, g.edges, [&](Object& o, const ExportEdge& e) {
    o.text("source", g.nodes[e.source].id);
    o.text("target", g.nodes[e.target].id);
    if (g.multigraph) o.text("key", e.id);
    o.text("id", e.id);
    edge_members(o, out, e);
  });
  top.close();
  out += '\n';
  chunks.finish();
}

std::string write_node_link(const ExportGraph& g, const NodeLinkOptions& options) {
  return whole_text([&](const ExportSink& sink) { write_node_link(g, sink, options); });
}

void write_cytoscape(const ExportGraph& g, const ExportSink& sink) {
  Chunks chunks(sink);
  std::string& out = chunks.text();
  Object top(out);
  top.text("format_version", "1.0");
  top.text("generated_by", "talentgraph");
  top.text("target_cytoscapejs_version", "~3.0");
  graph_meta(top, out, "data", g);
  top.key("elements");
  Object elements(out);
  objects(elements, chunks, "nodes", g.nodes, [&](Object& o, const ExportNode& n) {
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
  });
  objects(elements, chunks, "edges", g.edges, [&](Object& o, const ExportEdge& e) {
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
  });
  elements.close();
  top.close();
  out += '\n';
  chunks.finish();
}

std::string write_cytoscape(const ExportGraph& g) {
  return whole_text([&](const ExportSink& sink) { write_cytoscape(g, sink); });
}

}  // namespace tg::queries
