#include "ingest/extraction.h"

#include <algorithm>
#include <set>
#include <unordered_map>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "graph/digest.h"
#include "graph/files.h"
#include "graph/names.h"
#include "ingest/json_errors.h"
#include "ingest/limits.h"

namespace tg::ingest {
namespace {

using nlohmann::json;

// The documented limit of a quote (data/schema): one sentence or less, in characters.
constexpr std::size_t kMaxQuoteLength = 300;

std::string type_name(const json& v) {
  switch (v.type()) {
    case json::value_t::null: return "null";
    case json::value_t::boolean: return "boolean";
    case json::value_t::string: return "string";
    case json::value_t::array: return "array";
    case json::value_t::object: return "object";
    case json::value_t::number_float:
    case json::value_t::number_integer:
    case json::value_t::number_unsigned: return "number";
    default: return "value";
  }
}

std::string kind_list(bool relations) {
  std::string out;
  const int n = relations ? kRelationKindCount : kNodeKindCount;
  for (int i = 0; i < n; ++i) {
    if (i) out += ", ";
    out += relations ? to_string(static_cast<RelationKind>(i)) : to_string(static_cast<NodeKind>(i));
  }
  return out;
}

// Walks one document, collecting errors with their paths.
class Checker {
 public:
  Checker(const Location& at, Errors& errors) : at_(at), errors_(errors) {}

  bool ok() const { return failed_ == 0; }

  // `path` is "relations[3].to": the record, then the field within it.
  void error(std::string_view path, const std::string& what) {
    ++failed_;
    Location place = at_;
    const std::size_t dot = path.find('.');
    place.record = std::string(path.substr(0, dot));
    if (dot != std::string_view::npos) place.field = std::string(path.substr(dot + 1));
    errors_.add({ErrorCode::bad_data, what, std::move(place)});
  }

  // Rejects keys that the format does not define: a typo must not silently drop a fact.
  void only_keys(const json& obj, const std::string& path, std::initializer_list<std::string_view> allowed) {
    for (const auto& [key, value] : obj.items()) {
      if (std::find(allowed.begin(), allowed.end(), key) == allowed.end())
        error(join(path, key), "unknown field");
    }
  }

  // A string field: nullopt (and an error when required) if missing or of another type.
  std::optional<std::string> string(const json& obj, const std::string& path, const char* key, bool required) {
    auto it = obj.find(key);
    if (it == obj.end()) {
      if (required) error(join(path, key), "missing required field");
      return std::nullopt;
    }
    if (!it->is_string()) {
      error(join(path, key), fmt::format("expected a string (found {})", type_name(*it)));
      return std::nullopt;
    }
    std::string s = it->get<std::string>();
    if (required && s.empty()) {
      error(join(path, key), "must not be empty");
      return std::nullopt;
    }
    return s;
  }

  std::optional<bool> boolean(const json& obj, const std::string& path, const char* key) {
    auto it = obj.find(key);
    if (it == obj.end()) return std::nullopt;
    if (!it->is_boolean()) {
      error(join(path, key), fmt::format("expected true or false (found {})", type_name(*it)));
      return std::nullopt;
    }
    return it->get<bool>();
  }

  std::optional<PartialDate> date(const json& obj, const std::string& path, const char* key, bool required) {
    auto s = string(obj, path, key, required);
    if (!s) return std::nullopt;
    auto d = PartialDate::parse(*s);
    if (!d) {
      error(join(path, key), d.error().message);
      return std::nullopt;
    }
    return *d;
  }

  static std::string join(const std::string& path, std::string_view key) {
    return path.empty() ? std::string(key) : fmt::format("{}.{}", path, key);
  }

 private:
  const Location& at_;
  Errors& errors_;
  std::size_t failed_ = 0;
};

bool valid_source_id(std::string_view id) {
  if (id.empty() || !std::isalnum(static_cast<unsigned char>(id[0]))) return false;
  return std::ranges::all_of(id, [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == ':' || c == '-';
  });
}
bool valid_ref(std::string_view ref) {
  if (ref.empty()) return false;
  auto lower_or_digit = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
  if (!lower_or_digit(ref[0])) return false;
  return std::ranges::all_of(ref, [&](char c) { return lower_or_digit(c) || c == '_' || c == '-'; });
}
// BCP 47, loosely: a 2–3 letter primary language, then subtags of 2–8 letters or digits.
bool valid_language(std::string_view tag) {
  std::size_t pos = 0, part = 0;
  while (true) {
    const std::size_t dash = std::min(tag.find('-', pos), tag.size());
    const std::string_view sub = tag.substr(pos, dash - pos);
    if (part == 0) {
      if (sub.size() < 2 || sub.size() > 3 || !std::ranges::all_of(sub, [](char c) { return c >= 'a' && c <= 'z'; }))
        return false;
    } else if (sub.size() < 2 || sub.size() > 8 ||
               !std::ranges::all_of(sub, [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; })) {
      return false;
    }
    if (dash == tag.size()) return true;
    pos = dash + 1;
    ++part;
  }
}

bool valid_wikidata_id(std::string_view v) {
  return v.size() >= 2 && v[0] == 'Q' && v[1] >= '1' && v[1] <= '9' &&
         std::ranges::all_of(v.substr(1), [](char c) { return c >= '0' && c <= '9'; });
}

// The id schemes of the schema (entities[].ids, additionalProperties false); `person_id` is a
// career CSV's bare person_id, so that a document can name a person of a dataset.
constexpr std::string_view kIdSchemes[] = {"wikidata", "orcid", "ror", "lei", "person_id"};

void parse_source(const json& src, Checker& c, Document& doc) {
  if (!src.is_object()) {
    c.error("source", fmt::format("expected an object (found {})", type_name(src)));
    return;
  }
  c.only_keys(src, "source", {"id", "url", "title", "publisher", "published", "language", "based_on"});
  if (auto id = c.string(src, "source", "id", true)) {
    if (!valid_source_id(*id))
      c.error("source.id", fmt::format("must be letters, digits and . _ : - (found \"{}\")", *id));
    doc.source.ext_id = *id;
  }
  doc.source.url = c.string(src, "source", "url", false).value_or("");
  if (!doc.source.url.empty() && !valid_uri(doc.source.url))
    c.error("source.url", fmt::format("expected an absolute URL such as \"https://example.com/a\" (found \"{}\")",
                                      doc.source.url));
  doc.source.title = c.string(src, "source", "title", true).value_or("");
  doc.source.publisher = c.string(src, "source", "publisher", true).value_or("");
  if (auto d = c.date(src, "source", "published", true)) doc.source.published = d->str();
  if (auto lang = c.string(src, "source", "language", true)) {
    if (!valid_language(*lang))
      c.error("source.language", fmt::format("expected a language tag such as \"ko\" or \"en\" (found \"{}\")", *lang));
    doc.source.language = *lang;
  }
  doc.source.based_on = c.string(src, "source", "based_on", false).value_or("");
}

void parse_entities(const json& list, Checker& c, Document& doc, std::unordered_map<std::string, std::size_t>& refs) {
  if (!list.is_array()) {
    c.error("entities", fmt::format("expected an array (found {})", type_name(list)));
    return;
  }
  for (std::size_t i = 0; i < list.size(); ++i) {
    const json& e = list[i];
    const std::string path = fmt::format("entities[{}]", i);
    if (!e.is_object()) {
      c.error(path, fmt::format("expected an object (found {})", type_name(e)));
      continue;
    }
    c.only_keys(e, path, {"ref", "kind", "name", "aliases", "country", "ids", "description", "anonymous"});
    EntitySpec spec;
    spec.record = path;
    auto ref = c.string(e, path, "ref", true);
    if (ref) {
      if (!valid_ref(*ref))
        c.error(path + ".ref", fmt::format("must be lower-case letters, digits, _ and - (found \"{}\")", *ref));
      auto [it, inserted] = refs.emplace(*ref, doc.entities.size());
      if (!inserted)
        c.error(path + ".ref", fmt::format("duplicate ref \"{}\" (first at {})", *ref, doc.entities[it->second].record));
      spec.ref = *ref;
    }
    if (auto kind = c.string(e, path, "kind", true)) {
      if (auto k = parse_node_kind(*kind))
        spec.kind = *k;
      else
        c.error(path + ".kind", fmt::format("unknown kind \"{}\" (expected one of {})", *kind, kind_list(false)));
    }
    if (auto name = c.string(e, path, "name", true)) {
      if (const std::size_t n = character_count(*name); n > input_limits().string_length)
        c.error(path + ".name", too_long(n));
      else if (alias_key(*name, key_style(spec.kind)).empty())
        c.error(path + ".name", fmt::format("holds no letter or digit (found \"{}\")", *name));
      spec.name = *name;
    }
    if (auto it = e.find("aliases"); it != e.end()) {
      if (!it->is_array()) {
        c.error(path + ".aliases", fmt::format("expected an array of strings (found {})", type_name(*it)));
      } else {
        for (std::size_t j = 0; j < it->size(); ++j) {
          const json& a = (*it)[j];
          if (a.is_string() && character_count(a.get_ref<const std::string&>()) > input_limits().string_length)
            c.error(fmt::format("{}.aliases[{}]", path, j),
                    too_long(character_count(a.get_ref<const std::string&>())));
          else if (!a.is_string() || a.get<std::string>().empty() ||
              alias_key(a.get<std::string>(), key_style(spec.kind)).empty())
            c.error(fmt::format("{}.aliases[{}]", path, j), "expected a non-empty name");
          else
            spec.aliases.push_back(a.get<std::string>());
        }
      }
    }
    if (auto country = c.string(e, path, "country", false)) {
      if (!valid_country_code(*country))
        c.error(path + ".country", fmt::format("expected an ISO 3166-1 alpha-2 code such as \"US\" (found \"{}\")", *country));
      spec.country = *country;
    }
    if (auto it = e.find("ids"); it != e.end()) {
      if (!it->is_object()) {
        c.error(path + ".ids", fmt::format("expected an object of scheme to id (found {})", type_name(*it)));
      } else {
        for (const auto& [scheme, value] : it->items()) {
          const std::string id_path = fmt::format("{}.ids.{}", path, scheme);
          if (!value.is_string() || value.get<std::string>().empty()) {
            c.error(id_path, fmt::format("expected a non-empty string (found {})", type_name(value)));
            continue;
          }
          const std::string v = value.get<std::string>();
          if (std::ranges::find(kIdSchemes, scheme) == std::end(kIdSchemes)) {
            c.error(id_path, fmt::format("unknown id scheme \"{}\" (expected wikidata, orcid, ror, lei or person_id)", scheme));
            continue;
          }
          if (scheme == "wikidata" && !valid_wikidata_id(v))
            c.error(id_path, fmt::format("expected a Wikidata item id such as \"Q1359568\" (found \"{}\")", v));
          spec.ids.push_back({scheme, v});
        }
      }
    }
    spec.description = c.string(e, path, "description", false).value_or("");
    spec.anonymous = c.boolean(e, path, "anonymous").value_or(false);
    doc.entities.push_back(std::move(spec));
  }
}

void parse_relations(const json& list, Checker& c, Document& doc,
                     const std::unordered_map<std::string, std::size_t>& refs) {
  if (!list.is_array()) {
    c.error("relations", fmt::format("expected an array (found {})", type_name(list)));
    return;
  }
  for (std::size_t i = 0; i < list.size(); ++i) {
    const json& r = list[i];
    const std::string path = fmt::format("relations[{}]", i);
    if (!r.is_object()) {
      c.error(path, fmt::format("expected an object (found {})", type_name(r)));
      continue;
    }
    c.only_keys(r, path,
                {"kind", "from", "to", "start", "end", "role", "former", "left", "status", "quote", "confidence", "location"});
    RelationSpec spec;
    spec.record = path;
    bool complete = true;
    if (auto kind = c.string(r, path, "kind", true)) {
      if (auto k = parse_relation_kind(*kind)) {
        spec.kind = *k;
      } else {
        c.error(path + ".kind", fmt::format("unknown kind \"{}\" (expected one of {})", *kind, kind_list(true)));
        complete = false;
      }
    } else {
      complete = false;
    }
    auto resolve_ref = [&](const char* key, bool required) -> std::optional<std::size_t> {
      auto ref = c.string(r, path, key, required);
      if (!ref) return std::nullopt;
      auto it = refs.find(*ref);
      if (it == refs.end()) {
        c.error(fmt::format("{}.{}", path, key), fmt::format("unknown ref \"{}\"", *ref));
        return std::nullopt;
      }
      return it->second;
    };
    auto from = resolve_ref("from", true);
    auto to = resolve_ref("to", true);
    if (from) spec.from = *from;
    if (to) spec.to = *to;
    complete = complete && from && to;
    if (auto d = c.date(r, path, "start", false)) spec.start = *d;
    if (auto d = c.date(r, path, "end", false)) spec.end = *d;
    if (spec.start.known() && spec.end.known() && spec.end.last_day() < spec.start.first_day())
      c.error(path + ".end", fmt::format("ends before it starts ({} < {})", spec.end.str(), spec.start.str()));
    spec.role = c.string(r, path, "role", false).value_or("");
    if (const std::size_t n = character_count(spec.role); n > input_limits().string_length)
      c.error(path + ".role", too_long(n));
    spec.former = c.boolean(r, path, "former").value_or(false);
    spec.quote = c.string(r, path, "quote", false).value_or("");
    if (const std::size_t length = code_points(spec.quote).size(); length > kMaxQuoteLength)
      c.error(path + ".quote", fmt::format("longer than {} characters (found {}): quote one sentence or less",
                                           kMaxQuoteLength, length));
    if (auto it = r.find("confidence"); it != r.end()) {
      if (!it->is_number()) {
        c.error(path + ".confidence", fmt::format("expected a number from 0 to 1 (found {})", type_name(*it)));
      } else {
        spec.confidence = it->get<double>();
        if (!(spec.confidence >= 0.0 && spec.confidence <= 1.0))
          c.error(path + ".confidence", fmt::format("out of range 0..1 (found {})", it->dump()));
      }
    }
    if (r.contains("left")) {
      spec.left = resolve_ref("left", false);
    }
    if (auto status = c.string(r, path, "status", false)) spec.status = *status;
    if (r.contains("location")) spec.location = resolve_ref("location", false);
    if (!complete) continue;

    // Checks that need the kinds on both ends.
    const NodeKind fk = doc.entities[spec.from].kind, tk = doc.entities[spec.to].kind;
    if (spec.from == spec.to)
      c.error(path + ".to", fmt::format("links \"{}\" to itself (from and to are one entity)", doc.entities[spec.to].ref));
    if (spec.left && *spec.left == spec.to)
      c.error(path + ".left",
              fmt::format("is the organisation joined (left and to are both \"{}\")", doc.entities[spec.to].ref));
    if (!relation_allows(spec.kind, fk, tk))
      c.error(path, fmt::format("{} links {} (found {} -> {})", to_string(spec.kind), relation_signature(spec.kind),
                                to_string(fk), to_string(tk)));
    if (spec.former && spec.kind != RelationKind::worked_at) c.error(path + ".former", "only worked_at can be former");
    if (r.contains("left")) {
      if (spec.kind != RelationKind::moved)
        c.error(path + ".left", "only moved has a left organisation");
      else if (spec.left && !is_organisation(doc.entities[*spec.left].kind))
        c.error(path + ".left", fmt::format("must be an organisation (found {})", to_string(doc.entities[*spec.left].kind)));
    }
    if (r.contains("location")) {
      if (spec.kind != RelationKind::worked_at)
        c.error(path + ".location", "only worked_at has a location");
      else if (spec.location && doc.entities[*spec.location].kind != NodeKind::place)
        c.error(path + ".location",
                fmt::format("must be a place (found {} \"{}\")", to_string(doc.entities[*spec.location].kind),
                            doc.entities[*spec.location].ref));
    }
    if (!spec.status.empty()) {
      auto allowed = relation_statuses(spec.kind);
      if (allowed.empty()) {
        c.error(path + ".status", fmt::format("{} takes no status", to_string(spec.kind)));
      } else if (std::ranges::find(allowed, spec.status) == allowed.end()) {
        std::string list;
        for (auto s : allowed) list += list.empty() ? std::string(s) : ", " + std::string(s);
        c.error(path + ".status", fmt::format("unknown status \"{}\" (expected one of {})", spec.status, list));
      }
    }
    doc.relations.push_back(std::move(spec));
  }
}

}  // namespace

std::optional<Document> parse_extraction(std::string_view text, const Location& at, Errors& errors) {
  auto parsed = parse_json_strict(text, at, {"quote", "description", "title"});
  if (!parsed) {
    errors.add(std::move(parsed.error()));
    return std::nullopt;
  }
  const json root = std::move(*parsed);
  Checker c(at, errors);
  Document doc;
  if (!root.is_object()) {
    c.error("document", fmt::format("expected an object with source, entities and relations (found {})", type_name(root)));
    return std::nullopt;
  }
  // A curation file under another name than curation.json or *.curation.json: one error that
  // says so, not one per key.
  if (!root.contains("source") && !root.contains("entities") && !root.contains("relations") &&
      std::ranges::any_of(std::initializer_list<const char*>{"same_as", "not_same_as", "forget", "country"},
                          [&](const char* key) { return root.contains(key); })) {
    c.error("document", "looks like a curation file: name it curation.json or *.curation.json, or pass it with --curation");
    return std::nullopt;
  }
  c.only_keys(root, "", {"$schema", "source", "entities", "relations"});
  for (const char* key : {"source", "entities", "relations"})
    if (!root.contains(key)) c.error(key, "missing required field");
  std::unordered_map<std::string, std::size_t> refs;
  if (root.contains("source")) parse_source(root["source"], c, doc);
  // Too many entities: the document is refused whole (its relations' refs would all be errors).
  if (const auto it = root.find("entities");
      it != root.end() && it->is_array() && it->size() > input_limits().entities_per_document) {
    c.error("entities", fmt::format("{} entities, more than the limit of {} for one document (--max-entities raises it)",
                                    it->size(), input_limits().entities_per_document));
    return std::nullopt;
  }
  if (root.contains("entities")) parse_entities(root["entities"], c, doc, refs);
  if (root.contains("relations")) parse_relations(root["relations"], c, doc, refs);
  if (!c.ok()) return std::nullopt;
  doc.source.content_hash = sha256_hex(text);
  doc.file = at.file;
  if (at.line) doc.line = at.line;
  return doc;
}

void read_extraction_file(const std::string& path, bool json_lines, Errors& errors,
                          const std::function<void(Document&&)>& each,
                          const std::function<void(std::uint64_t)>& position) {
  // A document is read whole, so one over the limit is refused before it is read; JSON Lines
  // files are checked line by line (parse_json_strict).
  auto text = json_lines ? read_file(path) : read_document(path);
  if (!text) {
    errors.add(text.error());
    return;
  }
  if (!json_lines) {
    if (auto doc = parse_extraction(*text, Location{.file = path}, errors)) each(std::move(*doc));
    return;
  }
  std::size_t line_no = 0, pos = 0;
  while (pos < text->size() && !errors.full()) {
    std::size_t eol = text->find('\n', pos);
    if (eol == std::string::npos) eol = text->size();
    std::string_view line(text->data() + pos, eol - pos);
    ++line_no;
    pos = eol + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.find_first_not_of(" \t") == std::string_view::npos) continue;
    if (auto doc = parse_extraction(line, Location{.file = path, .line = line_no}, errors)) each(std::move(*doc));
    if (position) position(std::min<std::uint64_t>(pos, text->size()));
  }
}

}  // namespace tg::ingest
