// The attributes the typed formats declare (queries/export_text.h): one list, so that GraphML,
// GEXF and the CSV dialects write the same columns with the same types.
#include <fmt/format.h>

#include "queries/export_text.h"

namespace tg::queries {

std::string real_text(double v) {
  std::string s = fmt::format("{}", v);  // the shortest text that reads back as v
  if (s.find_first_of(".eEn") == std::string::npos) s += ".0";  // a real, also to readers that type by the text
  return s;
}

namespace {

std::string json_array(const std::vector<std::string>& items) {
  std::string out = "[";
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i) out += ',';
    out += json_string(items[i]);
  }
  return out + "]";
}

AttrValue text_or_none(std::string_view v) { return v.empty() ? AttrValue() : AttrValue(std::string(v)); }
AttrValue count_or_none(const std::optional<std::uint64_t>& v) {
  return v ? AttrValue(fmt::format("{}", *v)) : AttrValue();
}

}  // namespace

std::vector<Attr> node_attrs(const ExportGraph& g) {
  std::vector<Attr> a = {{"kind", AttrType::string}, {"country", AttrType::string}, {"aliases", AttrType::string}};
  if (g.redacted) a.push_back({"people", AttrType::integer});
  return a;
}

std::vector<AttrValue> node_values(const ExportGraph& g, const ExportNode& n) {
  std::vector<AttrValue> v = {std::string(to_string(n.kind)), text_or_none(n.country),
                              n.aliases.empty() ? AttrValue() : AttrValue(json_array(n.aliases))};
  if (g.redacted) v.push_back(count_or_none(n.people));
  return v;
}

std::vector<Attr> edge_attrs(const ExportGraph& g) {
  if (g.graph == ExportGraphKind::moves)
    return {{"kind", AttrType::string}, {"people", AttrType::integer}, {"moves", AttrType::integer},
            {"periods", AttrType::string}};
  std::vector<Attr> a = {{"kind", AttrType::string},         {"start", AttrType::string},
                         {"start_precision", AttrType::string}, {"end", AttrType::string},
                         {"end_precision", AttrType::string}, {"left", AttrType::boolean},
                         {"former", AttrType::boolean},      {"claims", AttrType::integer},
                         {"confidence", AttrType::real},     {"quote", AttrType::string},
                         {"quote_source", AttrType::string}};
  if (g.redacted) a.push_back({"people", AttrType::integer});
  return a;
}

std::vector<AttrValue> edge_values(const ExportGraph& g, const ExportEdge& e) {
  if (g.graph == ExportGraphKind::moves) {
    std::string periods = "[";
    for (std::size_t i = 0; i < e.periods.size(); ++i) {
      const ExportPeriod& p = e.periods[i];
      periods += fmt::format("{}{{\"period\":{},\"people\":{},\"moves\":{}}}", i ? "," : "",
                             p.period.empty() ? "null" : json_string(p.period), p.people, p.moves);
    }
    periods += "]";
    return {e.kind, count_or_none(e.people), count_or_none(e.moves), periods};
  }
  const bool relation = !e.people;
  std::vector<AttrValue> v = {e.kind,
                              text_or_none(e.start.str()),
                              text_or_none(to_string(e.start.precision())),
                              text_or_none(e.end.str()),
                              text_or_none(to_string(e.end.precision())),
                              e.left ? AttrValue("true") : AttrValue(),
                              e.former ? AttrValue("true") : AttrValue(),
                              relation ? AttrValue(fmt::format("{}", e.claims)) : AttrValue(),
                              e.confidence ? AttrValue(real_text(*e.confidence)) : AttrValue(),
                              text_or_none(e.quote),
                              text_or_none(e.quote_source)};
  if (g.redacted) v.push_back(count_or_none(e.people));
  return v;
}

}  // namespace tg::queries
