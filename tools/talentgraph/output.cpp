#include "tools/talentgraph/output.h"

#include <ostream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "graph/names.h"

namespace tg::cli {
namespace {

using nlohmann::json;

template <class... F>
struct Overloaded : F... {
  using F::operator()...;
};

// nlohmann's objects keep their keys sorted (std::map): the JSON of every command is printed so.
json to_json(const Value& value) {
  return std::visit(
      Overloaded{
          [](std::monostate) { return json(nullptr); },
          [](bool b) { return json(b); },
          [](std::int64_t i) { return json(i); },
          [](double d) { return json(d); },
          [](const std::string& s) { return json(s); },
          [](const EvidenceList& evidence) {
            json out = json::array();
            for (const auto& e : evidence) {
              json item = {{"source", e.source}, {"quote", e.quote}, {"confidence", e.confidence}};
              if (!e.source_url.empty()) item["url"] = e.source_url;
              out.push_back(std::move(item));
            }
            return out;
          },
          [](const List& list) {
            json out = json::array();
            for (const auto& v : list) out.push_back(to_json(v));
            return out;
          },
          [](const Object& object) {
            json out = json::object();
            for (const auto& f : object) out[f.key] = to_json(f.value);
            return out;
          },
      },
      value.data());
}

// The field `key` of a row (the last one of that key, as in its JSON), or null.
const Value* find(const Row& row, const std::string& key) {
  for (auto it = row.rbegin(); it != row.rend(); ++it)
    if (it->key == key) return &it->value;
  return nullptr;
}

// Cuts `text` to at most `width` columns, ending with "…" when cut.
std::string fit(const std::string& text, std::size_t width) {
  if (width == 0 || display_width(text) <= width) return text;
  std::string out;
  std::size_t used = 0;
  for (std::size_t i = 0; i < text.size();) {
    std::size_t len = 1;
    const auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0xF0) len = 4;
    else if (c >= 0xE0) len = 3;
    else if (c >= 0xC0) len = 2;
    const std::string ch = text.substr(i, len);
    const std::size_t w = display_width(ch);
    if (used + w + 1 > width) break;
    out += ch;
    used += w;
    i += len;
  }
  return out + "…";
}

}  // namespace

Value date_value(const PartialDate& date) { return date.known() ? Value(date.str()) : Value(); }

std::string cell_text(const Value& value, const std::string& null_text) {
  return std::visit(
      Overloaded{
          [&](std::monostate) { return null_text; },
          [](bool b) { return std::string(b ? "yes" : "no"); },
          [](std::int64_t i) { return std::to_string(i); },
          [](double d) { return fmt::format("{:.6g}", d); },
          [](const std::string& s) { return s; },
          [](const EvidenceList& evidence) {
            std::string out;
            for (const auto& e : evidence) {
              if (!out.empty()) out += " | ";
              out += e.source;
              if (!e.quote.empty()) out += ": \"" + e.quote + "\"";
            }
            return out;
          },
          [&](const List& list) {
            std::string out;
            for (const auto& v : list) {
              if (!out.empty()) out += " | ";
              out += cell_text(v, null_text);
            }
            return out;
          },
          [&](const Object&) { return to_json(value).dump(); },
      },
      value.data());
}

std::string csv_escape(const std::string& field) {
  if (field.find_first_of(",\"\r\n") == std::string::npos) return field;
  std::string out = "\"";
  for (char c : field) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

void print_json(std::ostream& out, const Value& value) { out << to_json(value).dump(2) << '\n'; }

void print_rows(std::ostream& out, Format format, const Rows& rows, const std::vector<Column>& columns,
                const std::string& null_text) {
  if (format == Format::json) {
    json array = json::array();
    for (const auto& row : rows) array.push_back(to_json(row));
    out << array.dump(2) << '\n';
    return;
  }
  if (format == Format::csv) {
    for (std::size_t i = 0; i < columns.size(); ++i) out << (i ? "," : "") << csv_escape(columns[i].key);
    out << "\r\n";
    for (const auto& row : rows) {
      for (std::size_t i = 0; i < columns.size(); ++i) {
        const Value* v = find(row, columns[i].key);
        out << (i ? "," : "") << csv_escape(v ? cell_text(*v, "") : std::string());
      }
      out << "\r\n";
    }
    return;
  }
  // Table: columns padded to their widest cell, in terminal columns (Hangul and Han are wide).
  std::vector<std::vector<std::string>> cells;
  std::vector<std::size_t> widths;
  for (const auto& c : columns) widths.push_back(display_width(c.header));
  for (const auto& row : rows) {
    auto& line = cells.emplace_back();
    for (std::size_t i = 0; i < columns.size(); ++i) {
      const Value* v = find(row, columns[i].key);
      line.push_back(fit(v ? cell_text(*v, null_text) : std::string(), columns[i].max_width));
      widths[i] = std::max(widths[i], display_width(line.back()));
    }
  }
  auto print_line = [&](const std::vector<std::string>& line) {
    std::string text;
    for (std::size_t i = 0; i < line.size(); ++i) {
      text += line[i];
      if (i + 1 < line.size()) text += std::string(widths[i] - display_width(line[i]) + 2, ' ');
    }
    out << text << '\n';
  };
  std::vector<std::string> header;
  for (const auto& c : columns) header.push_back(c.header);
  print_line(header);
  for (const auto& line : cells) print_line(line);
}

}  // namespace tg::cli
