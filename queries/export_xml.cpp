// The XML exports (queries/export.h): GraphML, and GEXF 1.3 (or 1.2draft) as a dynamic graph
// whose nodes and edges carry their time intervals, so that Gephi's timeline plays them.
#include <algorithm>

#include <fmt/format.h>

#include "queries/export.h"
#include "queries/export_text.h"

namespace tg::queries {

std::string xml_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for_each_code_point(text, [&](char32_t c, std::string_view bytes) {
    switch (c) {
      case '&': out += "&amp;"; return;
      case '<': out += "&lt;"; return;
      case '>': out += "&gt;"; return;
      case '"': out += "&quot;"; return;
      case '\'': out += "&apos;"; return;
      // As character references, so that attribute values keep them (a parser turns a literal
      // newline in an attribute into a space).
      case '\t': out += "&#9;"; return;
      case '\n': out += "&#10;"; return;
      case '\r': out += "&#13;"; return;
      default: break;
    }
    // Not XML 1.0 characters, not even as references: dropped.
    if (c < 0x20 || c == 0xFFFE || c == 0xFFFF || c == kInvalidCodePoint) return;
    out += bytes;
  });
  return out;
}

namespace {

std::string_view graphml_type(AttrType t) {
  switch (t) {
    case AttrType::integer: return "long";
    case AttrType::real: return "double";
    case AttrType::boolean: return "boolean";
    case AttrType::string: break;
  }
  return "string";
}

std::string_view gexf_type(AttrType t) { return graphml_type(t); }  // GEXF names them alike

}  // namespace

void write_graphml(const ExportGraph& g, const ExportSink& sink) {
  const std::vector<Attr> nattrs = node_attrs(g), eattrs = edge_attrs(g);
  Chunks chunks(sink);
  std::string& out = chunks.text();
  out +=
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<graphml xmlns=\"http://graphml.graphdrawing.org/xmlns\" "
      "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" "
      "xsi:schemaLocation=\"http://graphml.graphdrawing.org/xmlns "
      "http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd\">\n";
  out += "  <key id=\"n_label\" for=\"node\" attr.name=\"label\" attr.type=\"string\"/>\n";
  for (const Attr& a : nattrs)
    out += fmt::format("  <key id=\"n_{0}\" for=\"node\" attr.name=\"{0}\" attr.type=\"{1}\"/>\n", a.name,
                       graphml_type(a.type));
  out += "  <key id=\"e_label\" for=\"edge\" attr.name=\"label\" attr.type=\"string\"/>\n";
  for (const Attr& a : eattrs)
    out += fmt::format("  <key id=\"e_{0}\" for=\"edge\" attr.name=\"{0}\" attr.type=\"{1}\"/>\n", a.name,
                       graphml_type(a.type));
  out += fmt::format("  <graph id=\"talentgraph\" edgedefault=\"{}\">\n", g.directed ? "directed" : "undirected");
  for (const ExportNode& n : g.nodes) {
    out += fmt::format("    <node id=\"{}\"><data key=\"n_label\">{}</data>", xml_escape(n.id), xml_escape(n.name));
    const std::vector<AttrValue> values = node_values(g, n);
    for (std::size_t i = 0; i < nattrs.size(); ++i)
      if (values[i]) out += fmt::format("<data key=\"n_{}\">{}</data>", nattrs[i].name, xml_escape(*values[i]));
    out += "</node>\n";
    chunks.flush_if_full();
  }
  for (const ExportEdge& e : g.edges) {
    out += fmt::format("    <edge id=\"{}\" source=\"{}\" target=\"{}\"><data key=\"e_label\">{}</data>",
                       xml_escape(e.id), xml_escape(g.nodes[e.source].id), xml_escape(g.nodes[e.target].id),
                       xml_escape(e.kind));
    const std::vector<AttrValue> values = edge_values(g, e);
    for (std::size_t i = 0; i < eattrs.size(); ++i)
      if (values[i]) out += fmt::format("<data key=\"e_{}\">{}</data>", eattrs[i].name, xml_escape(*values[i]));
    out += "</edge>\n";
    chunks.flush_if_full();
  }
  out += "  </graph>\n</graphml>\n";
  chunks.finish();
}

std::string write_graphml(const ExportGraph& g) {
  return whole_text([&](const ExportSink& sink) { write_graphml(g, sink); });
}

namespace {

// An interval closed with the graph's bounds (Gephi refuses open ones) and cut to them; none when
// the graph has no bounds (nothing dated: every element is always there).
struct Interval {
  std::int32_t first = 0, last = 0;
};
std::optional<Interval> closed(const ExportGraph& g, std::int32_t first, std::int32_t last) {
  if (g.first_day == kNoDay || g.last_day == kNoDay) return std::nullopt;
  Interval i{first == kNoDay ? g.first_day : std::max(first, g.first_day),
             last == kNoDay ? g.last_day : std::min(last, g.last_day)};
  if (i.last < i.first) i.last = i.first;
  return i;
}

std::string interval_attrs(const std::optional<Interval>& i) {
  return i ? fmt::format(" start=\"{}\" end=\"{}\"", iso_day(i->first), iso_day(i->last)) : std::string();
}

void gexf_attvalues(std::string& out, const std::vector<Attr>& attrs, const std::vector<AttrValue>& values) {
  bool any = false;
  for (std::size_t i = 0; i < attrs.size(); ++i) {
    if (!values[i]) continue;
    if (!any) out += "<attvalues>";
    any = true;
    out += fmt::format("<attvalue for=\"{}\" value=\"{}\"/>", attrs[i].name, xml_escape(*values[i]));
  }
  if (any) out += "</attvalues>";
}

}  // namespace

void write_gexf(const ExportGraph& g, const ExportSink& sink, GexfVersion version) {
  const bool v13 = version == GexfVersion::v1_3;
  const std::vector<Attr> nattrs = node_attrs(g), eattrs = edge_attrs(g);
  Chunks chunks(sink);
  std::string& out = chunks.text();
  const std::string_view ns = v13 ? "http://gexf.net/1.3" : "http://www.gexf.net/1.2draft";
  out += "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out += fmt::format(
      "<gexf xmlns=\"{0}\" xmlns:viz=\"{0}/viz\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" "
      "xsi:schemaLocation=\"{0} {0}/gexf.xsd\" version=\"{1}\">\n",
      ns, v13 ? "1.3" : "1.2");
  out += "  <meta><creator>talentgraph</creator><description>";
  out += g.graph == ExportGraphKind::moves ? "moves" : "affiliation";
  out += g.redacted ? " graph, people redacted" : " graph";
  out += "</description></meta>\n";
  const std::optional<Interval> bounds = closed(g, g.first_day, g.last_day);
  out += fmt::format("  <graph mode=\"dynamic\" defaultedgetype=\"{}\" timeformat=\"date\"{}>\n",
                     g.directed ? "directed" : "undirected", interval_attrs(bounds));
  for (auto [cls, attrs] : {std::pair{"node", &nattrs}, std::pair{"edge", &eattrs}}) {
    out += fmt::format("    <attributes class=\"{}\" mode=\"static\">\n", cls);
    for (const Attr& a : *attrs)
      out += fmt::format("      <attribute id=\"{0}\" title=\"{0}\" type=\"{1}\"/>\n", a.name, gexf_type(a.type));
    out += "    </attributes>\n";
  }
  out += "    <nodes>\n";
  for (const ExportNode& n : g.nodes) {
    out += fmt::format("      <node id=\"{}\" label=\"{}\"{}>", xml_escape(n.id), xml_escape(n.name),
                       interval_attrs(closed(g, n.first_day, n.last_day)));
    gexf_attvalues(out, nattrs, node_values(g, n));
    if (n.position)
      out += fmt::format("<viz:position x=\"{}\" y=\"{}\" z=\"0\"/>", real_text(n.position->first),
                         real_text(n.position->second));
    out += "</node>\n";
    chunks.flush_if_full();
  }
  out += "    </nodes>\n    <edges>\n";
  for (const ExportEdge& e : g.edges) {
    // Dated periods (moves edges) are the edge's spells; other edges hold over one interval.
    std::vector<Interval> spells;
    for (const ExportPeriod& p : e.periods)
      if (p.first_day != kNoDay)
        if (auto i = closed(g, p.first_day, p.last_day)) spells.push_back(*i);
    const double weight = e.moves ? static_cast<double>(*e.moves) : e.people ? static_cast<double>(*e.people) : 1.0;
    out += fmt::format("      <edge id=\"{}\" source=\"{}\" target=\"{}\" label=\"{}\"{} weight=\"{}\"{}>",
                       xml_escape(e.id), xml_escape(g.nodes[e.source].id), xml_escape(g.nodes[e.target].id),
                       xml_escape(e.kind), v13 ? fmt::format(" kind=\"{}\"", xml_escape(e.kind)) : std::string(),
                       real_text(weight), spells.empty() ? interval_attrs(closed(g, e.first_day, e.last_day)) : "");
    gexf_attvalues(out, eattrs, edge_values(g, e));
    if (!spells.empty()) {
      out += "<spells>";
      for (const Interval& i : spells)
        out += fmt::format("<spell start=\"{}\" end=\"{}\"/>", iso_day(i.first), iso_day(i.last));
      out += "</spells>";
    }
    out += "</edge>\n";
    chunks.flush_if_full();
  }
  out += "    </edges>\n  </graph>\n</gexf>\n";
  chunks.finish();
}

std::string write_gexf(const ExportGraph& g, GexfVersion version) {
  return whole_text([&](const ExportSink& sink) { write_gexf(g, sink, version); });
}

}  // namespace tg::queries
