#include "tools/talentgraph/output.h"

#include <ostream>

#include <fmt/format.h>

#include "graph/names.h"

namespace tg::cli {
namespace {

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

std::string cell_text(const nlohmann::json& value, const std::string& null_text) {
  if (value.is_null()) return null_text;
  if (value.is_string()) return value.get<std::string>();
  if (value.is_boolean()) return value.get<bool>() ? "yes" : "no";
  if (value.is_number_integer() || value.is_number_unsigned()) return value.dump();
  if (value.is_number_float()) return fmt::format("{:.6g}", value.get<double>());
  if (value.is_array()) {
    std::string out;
    for (const auto& item : value) {
      if (!out.empty()) out += " | ";
      if (item.is_object() && item.contains("source")) {
        out += item["source"].get<std::string>();
        if (item.contains("quote") && item["quote"].is_string() && !item["quote"].get<std::string>().empty())
          out += ": \"" + item["quote"].get<std::string>() + "\"";
      } else {
        out += cell_text(item, null_text);
      }
    }
    return out;
  }
  return value.dump();
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

void print_rows(std::ostream& out, Format format, const nlohmann::json& rows, const std::vector<Column>& columns,
                const std::string& null_text) {
  if (format == Format::json) {
    out << rows.dump(2) << '\n';
    return;
  }
  if (format == Format::csv) {
    for (std::size_t i = 0; i < columns.size(); ++i) out << (i ? "," : "") << csv_escape(columns[i].key);
    out << "\r\n";
    for (const auto& row : rows) {
      for (std::size_t i = 0; i < columns.size(); ++i) {
        const auto it = row.find(columns[i].key);
        out << (i ? "," : "") << csv_escape(it == row.end() ? std::string() : cell_text(*it, ""));
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
      const auto it = row.find(columns[i].key);
      line.push_back(fit(it == row.end() ? std::string() : cell_text(*it, null_text), columns[i].max_width));
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
