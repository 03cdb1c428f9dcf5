#include "tools/talentgraph/output.h"

#include <algorithm>
#include <cstdlib>
#include <iostream>
#include <ostream>

#include <sys/ioctl.h>
#include <unistd.h>

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
          [](const std::string& s) { return s.empty() ? json(nullptr) : json(s); },
          [](const EvidenceList& evidence) {
            auto text = [](const std::string& s) { return s.empty() ? json(nullptr) : json(s); };
            json out = json::array();
            for (const auto& e : evidence)
              out.push_back({{"source", text(e.source)}, {"quote", text(e.quote)}, {"confidence", e.confidence},
                             {"url", text(e.source_url)}});
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

// The code point at text[i] and its length in bytes; length 0 when the bytes there are not UTF-8.
std::pair<char32_t, std::size_t> decode(std::string_view text, std::size_t i) {
  const auto c = static_cast<unsigned char>(text[i]);
  if (c < 0x80) return {c, 1};
  std::size_t len = 0;
  char32_t cp = 0, min = 0;
  if ((c & 0xE0) == 0xC0) len = 2, cp = c & 0x1F, min = 0x80;
  else if ((c & 0xF0) == 0xE0) len = 3, cp = c & 0x0F, min = 0x800;
  else if ((c & 0xF8) == 0xF0) len = 4, cp = c & 0x07, min = 0x10000;
  else return {0, 0};
  if (i + len > text.size()) return {0, 0};
  for (std::size_t k = 1; k < len; ++k) {
    const auto b = static_cast<unsigned char>(text[i + k]);
    if ((b & 0xC0) != 0x80) return {0, 0};
    cp = (cp << 6) | (b & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return {0, 0};
  return {cp, len};
}

// Characters a terminal acts on or that reorder what it shows, beyond C0 and DEL.
bool unprintable(char32_t cp) {
  return (cp >= 0x80 && cp <= 0x9F) || cp == 0x061C || cp == 0x200E || cp == 0x200F || (cp >= 0x2028 && cp <= 0x202E) ||
         (cp >= 0x2066 && cp <= 0x2069);
}

}  // namespace

Value date_value(const PartialDate& date) { return date.known() ? Value(date.str()) : Value(); }

OutputSettings& output_settings() {
  static OutputSettings settings;
  return settings;
}

OutputSettings output_settings_for(const char* columns_env, bool terminal, std::size_t terminal_width) {
  OutputSettings s;
  s.terminal = terminal;
  if (columns_env && *columns_env) {
    char* end = nullptr;
    const long n = std::strtol(columns_env, &end, 10);
    if (*end == '\0' && n > 0) {
      s.width = static_cast<std::size_t>(n);
      return s;
    }
  }
  if (terminal) s.width = terminal_width;
  return s;
}

std::size_t list_limit(std::optional<std::size_t> given, std::size_t own_default, Format format,
                       const OutputSettings& settings) {
  if (given) return *given;
  if (own_default) return own_default;
  return format == Format::table && settings.terminal ? kTerminalLimit : 0;
}

OutputSettings detect_output_settings() {
  const bool terminal = ::isatty(STDOUT_FILENO) == 1;
  std::size_t width = 0;
  if (winsize ws{}; terminal && ::ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0) width = ws.ws_col;
  return output_settings_for(std::getenv("COLUMNS"), terminal, width);
}

std::string printable(std::string_view text, bool keep_newlines) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    const auto [cp, len] = decode(text, i);
    if (len == 0) {
      out += fmt::format("\\x{:02x}", static_cast<unsigned char>(text[i]));
      ++i;
      continue;
    }
    if ((cp < 0x20 && !(keep_newlines && cp == '\n')) || cp == 0x7F)
      out += fmt::format("\\x{:02x}", static_cast<unsigned>(cp));
    else if (unprintable(cp))
      out += fmt::format("\\u{:04x}", static_cast<unsigned>(cp));
    else
      out.append(text.substr(i, len));
    i += len;
  }
  return out;
}

std::string fit(const std::string& text, std::size_t width) {
  if (width == 0 || display_width(text) <= width) return text;
  std::string out;
  std::size_t used = 0;
  for (std::size_t i = 0; i < text.size();) {
    std::size_t len = decode(text, i).second;
    if (len == 0) len = 1;
    const std::string_view ch = std::string_view(text).substr(i, len);
    const std::size_t w = display_width(ch);
    if (used + w + 1 > width) break;
    out += ch;
    used += w;
    i += len;
  }
  return out + "…";
}

std::vector<std::size_t> fit_widths(const std::vector<std::size_t>& natural, const std::vector<std::size_t>& headings,
                                    std::size_t width) {
  constexpr std::size_t kNarrowest = 6;
  std::vector<std::size_t> out = natural;
  if (width == 0 || natural.empty()) return out;
  const std::size_t gaps = 2 * (natural.size() - 1);
  const std::size_t room = width > gaps ? width - gaps : 0;
  std::vector<std::size_t> least(natural.size());
  for (std::size_t i = 0; i < natural.size(); ++i)
    least[i] = std::min(natural[i], std::max(headings[i], kNarrowest));
  auto at_level = [&](std::size_t level) {
    std::size_t sum = 0;
    for (std::size_t i = 0; i < natural.size(); ++i) sum += std::min(natural[i], std::max(level, least[i]));
    return sum;
  };
  const std::size_t widest = *std::ranges::max_element(natural);
  if (at_level(widest) <= room) return out;
  // The highest level every column can be cut to and still fit (or the narrowest there is).
  std::size_t lo = 0, hi = widest;
  while (lo < hi) {
    const std::size_t mid = (lo + hi + 1) / 2;
    if (at_level(mid) <= room) lo = mid;
    else hi = mid - 1;
  }
  for (std::size_t i = 0; i < natural.size(); ++i) out[i] = std::min(natural[i], std::max(lo, least[i]));
  // What is left over goes, a column each, to the columns that were cut.
  std::size_t used = at_level(lo);
  for (std::size_t i = 0; i < natural.size() && used < room; ++i)
    if (out[i] < natural[i]) ++out[i], ++used;
  return out;
}

std::vector<std::size_t> table_layout(const std::vector<std::size_t>& natural, const std::vector<std::size_t>& headings,
                                      const std::vector<bool>& cut_first, const std::vector<int>& drop,
                                      std::size_t width) {
  constexpr std::size_t kNarrowest = 6;
  std::vector<bool> shown(natural.size(), true);
  while (true) {
    std::vector<std::size_t> w, h, at;  // of the columns shown
    for (std::size_t i = 0; i < natural.size(); ++i)
      if (shown[i]) w.push_back(natural[i]), h.push_back(headings[i]), at.push_back(i);
    auto total = [&] {
      std::size_t sum = w.empty() ? 0 : 2 * (w.size() - 1);
      for (std::size_t x : w) sum += x;
      return sum;
    };
    if (width != 0 && total() > width)
      for (std::size_t k = 0; k < w.size() && total() > width; ++k) {
        if (!cut_first[at[k]]) continue;
        const std::size_t least = std::min(w[k], std::max(h[k], kNarrowest));
        w[k] -= std::min(w[k] - least, total() - width);
      }
    std::size_t drop_at = natural.size();
    if (width != 0 && total() > width)
      for (std::size_t k = 0; k < w.size(); ++k)
        if (drop[at[k]] > 0 && (drop_at == natural.size() || drop[at[k]] >= drop[drop_at])) drop_at = at[k];
    if (drop_at != natural.size()) {
      shown[drop_at] = false;
      continue;
    }
    w = fit_widths(w, h, width);
    std::vector<std::size_t> out(natural.size(), 0);
    for (std::size_t k = 0; k < w.size(); ++k) out[at[k]] = w[k];
    return out;
  }
}

std::string cell_text(const Value& value, const std::string& null_text, bool exact) {
  return std::visit(
      Overloaded{
          [&](std::monostate) { return null_text; },
          [](bool b) { return std::string(b ? "yes" : "no"); },
          [](std::int64_t i) { return std::to_string(i); },
          [&](double d) { return exact ? fmt::format("{}", d) : fmt::format("{:.6g}", d); },
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
              out += cell_text(v, null_text, exact);
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

// Bytes that are not UTF-8 (a store written by an older binary) print as U+FFFD rather than
// stop the answer.
void print_json(std::ostream& out, const Value& value) {
  out << to_json(value).dump(2, ' ', false, json::error_handler_t::replace) << '\n';
}

void print_rows(std::ostream& out, Format format, const Rows& rows, const std::vector<Column>& columns,
                const std::string& null_text) {
  if (format == Format::json) {
    json array = json::array();
    for (const auto& row : rows) array.push_back(to_json(row));
    out << array.dump(2, ' ', false, json::error_handler_t::replace) << '\n';
    return;
  }
  if (format == Format::csv) {
    for (std::size_t i = 0; i < columns.size(); ++i) out << (i ? "," : "") << csv_escape(columns[i].key);
    out << "\r\n";
    for (const auto& row : rows) {
      for (std::size_t i = 0; i < columns.size(); ++i) {
        const Value* v = find(row, columns[i].key);
        out << (i ? "," : "") << csv_escape(v ? printable(cell_text(*v, "", true)) : std::string());
      }
      out << "\r\n";
    }
    return;
  }
  // Table: columns padded to their widest cell, in terminal columns (Hangul and Han are wide),
  // then the widest cut until the table fits the width.
  const OutputSettings& settings = output_settings();
  std::vector<std::vector<std::string>> cells;
  std::vector<std::size_t> widths, headings;
  for (const auto& c : columns) headings.push_back(display_width(c.key));
  widths = headings;
  for (const auto& row : rows) {
    auto& line = cells.emplace_back();
    for (std::size_t i = 0; i < columns.size(); ++i) {
      const Value* v = find(row, columns[i].key);
      line.push_back(fit(printable(v ? cell_text(*v, null_text) : std::string()), settings.wide ? 0 : columns[i].max_width));
      widths[i] = std::max(widths[i], display_width(line.back()));
    }
  }
  std::vector<bool> cut_first;
  std::vector<int> drop;
  for (const auto& c : columns) cut_first.push_back(c.max_width > 0), drop.push_back(c.drop);
  if (!settings.wide) widths = table_layout(widths, headings, cut_first, drop, settings.width);
  // The columns shown, each cell cut to its width.
  std::vector<std::size_t> shown;
  std::string left_out;
  for (std::size_t i = 0; i < columns.size(); ++i) {
    if (widths[i] > 0 || columns[i].key.empty()) shown.push_back(i);
    else left_out += (left_out.empty() ? "" : ", ") + columns[i].key;
  }
  auto print_line = [&](const std::vector<std::string>& line) {
    std::string text;
    for (std::size_t k = 0; k < shown.size(); ++k) {
      const std::size_t i = shown[k];
      const std::string cell = settings.wide ? line[i] : fit(line[i], widths[i]);
      text += cell;
      if (k + 1 < shown.size()) text += std::string(widths[i] - display_width(cell) + 2, ' ');
    }
    out << text << '\n';
  };
  std::vector<std::string> header;
  for (const auto& c : columns) header.push_back(c.key);
  print_line(header);
  for (const auto& line : cells) print_line(line);
  if (!left_out.empty())
    std::cerr << fmt::format("(left out to fit {} columns: {}; --wide or --format json shows them)\n", settings.width,
                             left_out);
}

}  // namespace tg::cli
