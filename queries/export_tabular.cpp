// The text exports (queries/export.h): DOT for Graphviz, and CSV in the dialects of Neo4j's bulk
// import, Spark GraphFrames and Gephi's spreadsheet import (RFC 4180 quoting throughout).
#include <algorithm>
#include <cctype>
#include <map>

#include <fmt/format.h>

#include "queries/export.h"
#include "queries/export_text.h"

namespace tg::queries {

namespace {

// A DOT quoted string: `"` and `\` escaped (a backslash alone would start an escString escape),
// a newline as \n, & as &amp; (Graphviz reads entity references in labels: "&amp;" would show as
// "&"), what XML 1.0 drops dropped here too (Graphviz reads UTF-8).
std::string dot_string(std::string_view text) {
  std::string out = "\"";
  for_each_code_point(text, [&](char32_t c, std::string_view bytes) {
    if (c == '"')
      out += "\\\"";
    else if (c == '\\')
      out += "\\\\";
    else if (c == '\n')
      out += "\\n";
    else if (c == '&')
      out += "&amp;";
    else if (c < 0x20 || c == kInvalidCodePoint)
      return;
    else
      out += bytes;
  });
  return out + "\"";
}

void dot_attrs(std::string& out, const std::vector<Attr>& attrs, const std::vector<AttrValue>& values) {
  for (std::size_t i = 0; i < attrs.size(); ++i)
    if (values[i]) out += fmt::format(", {}={}", attrs[i].name, dot_string(*values[i]));
}

}  // namespace

void write_dot(const ExportGraph& g, const ExportSink& sink, const DotOptions& options) {
  const std::vector<Attr> nattrs = node_attrs(g), eattrs = edge_attrs(g);
  Chunks chunks(sink);
  std::string& out = chunks.text();
  out += fmt::format("{} talentgraph {{\n  graph [label={}];\n", g.directed ? "digraph" : "graph",
                                dot_string(g.graph == ExportGraphKind::moves ? "moves" : "affiliation"));
  auto node_line = [&](const ExportNode& n, std::string_view indent) {
    out += fmt::format("{}{} [label={}", indent, dot_string(n.id), dot_string(n.name));
    dot_attrs(out, nattrs, node_values(g, n));
    out += "];\n";
    chunks.flush_if_full();
  };
  if (options.clusters) {
    // A cluster per country, by code; nodes of unknown country outside any.
    std::map<std::string, std::vector<const ExportNode*>> by_country;
    for (const ExportNode& n : g.nodes) by_country[n.country].push_back(&n);
    for (const auto& [country, nodes] : by_country) {
      if (country.empty()) continue;
      out += fmt::format("  subgraph {} {{\n    label={};\n", dot_string("cluster_" + country), dot_string(country));
      for (const ExportNode* n : nodes) node_line(*n, "    ");
      out += "  }\n";
    }
    if (auto it = by_country.find(""); it != by_country.end())
      for (const ExportNode* n : it->second) node_line(*n, "  ");
  } else {
    for (const ExportNode& n : g.nodes) node_line(n, "  ");
  }
  const std::string_view arrow = g.directed ? " -> " : " -- ";
  for (const ExportEdge& e : g.edges) {
    out += fmt::format("  {}{}{} [id={}, label={}", dot_string(g.nodes[e.source].id), arrow,
                       dot_string(g.nodes[e.target].id), dot_string(e.id), dot_string(e.kind));
    dot_attrs(out, eattrs, edge_values(g, e));
    out += "];\n";
    chunks.flush_if_full();
  }
  out += "}\n";
  chunks.finish();
}

std::string write_dot(const ExportGraph& g, const DotOptions& options) {
  return whole_text([&](const ExportSink& sink) { write_dot(g, sink, options); });
}

namespace {

// RFC 4180: quoted when it holds a comma, a quote or a line break, quotes doubled. An absent
// value is an empty unquoted field (Neo4j reads it as no property); a present empty string is "".
std::string csv_field(const AttrValue& v) {
  if (!v) return {};
  if (v->empty()) return "\"\"";
  if (v->find_first_of(",\"\r\n") == std::string::npos) return *v;
  std::string out = "\"";
  for (char c : *v) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

void csv_row(std::string& out, const std::vector<AttrValue>& fields) {
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (i) out += ',';
    out += csv_field(fields[i]);
  }
  out += "\r\n";
}

std::string_view neo4j_type(AttrType t) {
  switch (t) {
    case AttrType::integer: return ":long";
    case AttrType::real: return ":double";
    case AttrType::boolean: return ":boolean";
    case AttrType::string: break;
  }
  return "";
}

std::string upper(std::string_view s, bool first_only) {
  std::string out(s);
  for (std::size_t i = 0; i < out.size(); ++i)
    if (!first_only || i == 0) out[i] = static_cast<char>(std::toupper(static_cast<unsigned char>(out[i])));
  return out;
}

// Gephi's interval set: "<[2019-01-01, 2021-12-31]; [2023-01-01, 2023-12-31]>"; none when undated.
AttrValue timeset(const ExportEdge& e) {
  std::vector<std::pair<std::int32_t, std::int32_t>> spans;
  for (const ExportPeriod& p : e.periods)
    if (p.first_day != kNoDay) spans.emplace_back(p.first_day, p.last_day);
  if (e.periods.empty() && (e.first_day != kNoDay || e.last_day != kNoDay)) {
    if (e.first_day == kNoDay || e.last_day == kNoDay) return {};  // open: Gephi takes none
    spans.emplace_back(e.first_day, e.last_day);
  }
  if (spans.empty()) return {};
  std::string out = "<";
  for (std::size_t i = 0; i < spans.size(); ++i)
    out += fmt::format("{}[{}, {}]", i ? "; " : "", iso_day(spans[i].first), iso_day(spans[i].second));
  return out + ">";
}

}  // namespace

std::map<std::string, std::string> write_csv(const ExportGraph& g, CsvDialect dialect) {
  const std::vector<Attr> nattrs = node_attrs(g), eattrs = edge_attrs(g);
  std::map<std::string, std::string> files;
  auto with = [](std::vector<AttrValue> head, const std::vector<AttrValue>& tail) {
    head.insert(head.end(), tail.begin(), tail.end());
    return head;
  };
  if (dialect == CsvDialect::neo4j) {
    // One nodes file per node kind, one relationships file per relation kind; headers typed.
    std::vector<AttrValue> node_header = {"id:ID", "name", ":LABEL"};
    for (const Attr& a : nattrs) node_header.push_back(a.name + std::string(neo4j_type(a.type)));
    std::vector<AttrValue> edge_header = {":START_ID", ":END_ID", ":TYPE", "id"};
    for (const Attr& a : eattrs) edge_header.push_back(a.name + std::string(neo4j_type(a.type)));
    for (const ExportNode& n : g.nodes) {
      std::string& f = files[fmt::format("nodes_{}.csv", to_string(n.kind))];
      if (f.empty()) csv_row(f, node_header);
      csv_row(f, with({n.id, n.name, upper(to_string(n.kind), true)}, node_values(g, n)));
    }
    for (const ExportEdge& e : g.edges) {
      std::string& f = files[fmt::format("relationships_{}.csv", e.kind)];
      if (f.empty()) csv_row(f, edge_header);
      csv_row(f, with({g.nodes[e.source].id, g.nodes[e.target].id, upper(e.kind, false), e.id}, edge_values(g, e)));
    }
    return files;
  }
  const bool gephi = dialect == CsvDialect::gephi;
  std::string& nodes = files["nodes.csv"];
  std::string& edges = files["edges.csv"];
  std::vector<AttrValue> node_header = gephi ? std::vector<AttrValue>{"Id", "Label"} : std::vector<AttrValue>{"id", "name"};
  for (const Attr& a : nattrs) node_header.push_back(a.name);
  csv_row(nodes, node_header);
  for (const ExportNode& n : g.nodes) csv_row(nodes, with({n.id, n.name}, node_values(g, n)));
  std::vector<AttrValue> edge_header =
      gephi ? std::vector<AttrValue>{"Source", "Target", "Type", "Id", "Label", "Weight", "timeset"}
            : std::vector<AttrValue>{"src", "dst", "id"};
  for (const Attr& a : eattrs) edge_header.push_back(a.name);
  csv_row(edges, edge_header);
  for (const ExportEdge& e : g.edges) {
    std::vector<AttrValue> head = {g.nodes[e.source].id, g.nodes[e.target].id};
    if (gephi) {
      const std::uint64_t weight = e.moves ? *e.moves : e.people ? *e.people : 1;
      head.insert(head.end(), {std::string(g.directed ? "Directed" : "Undirected"), e.id, e.kind,
                               fmt::format("{}", weight), timeset(e)});
    } else {
      head.push_back(e.id);
    }
    csv_row(edges, with(std::move(head), edge_values(g, e)));
  }
  return files;
}

}  // namespace tg::queries
