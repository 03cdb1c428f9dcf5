// What the export writers share (queries/export_*.cpp only): a UTF-8 walk for the escapers, and the
// attributes every format declares, with their types, so that all formats write the same ones.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "queries/export.h"

namespace tg::queries {

// Stands for a byte that begins no valid UTF-8 sequence (or an overlong or surrogate one).
inline constexpr char32_t kInvalidCodePoint = 0xFFFFFFFF;

// Calls fn(code point, its bytes) for each code point of `text`; a byte that is not valid UTF-8
// comes as kInvalidCodePoint with that one byte.
template <typename Fn>
void for_each_code_point(std::string_view text, Fn&& fn) {
  std::size_t i = 0;
  while (i < text.size()) {
    const auto b = static_cast<unsigned char>(text[i]);
    if (b < 0x80) {
      fn(char32_t{b}, text.substr(i, 1));
      ++i;
      continue;
    }
    std::size_t len = b >= 0xF0 && b < 0xF5 ? 4 : b >= 0xE0 ? 3 : b >= 0xC2 && b < 0xE0 ? 2 : 0;
    if (b >= 0xF5) len = 0;
    char32_t c = len == 2 ? b & 0x1F : len == 3 ? b & 0x0F : b & 0x07;
    bool ok = len != 0 && i + len <= text.size();
    for (std::size_t k = 1; ok && k < len; ++k) {
      const auto cb = static_cast<unsigned char>(text[i + k]);
      if ((cb & 0xC0) != 0x80) ok = false;
      c = (c << 6) | (cb & 0x3F);
    }
    if (ok && ((len == 3 && (c < 0x800 || (c >= 0xD800 && c <= 0xDFFF))) || (len == 4 && (c < 0x10000 || c > 0x10FFFF))))
      ok = false;
    if (!ok) {
      fn(kInvalidCodePoint, text.substr(i, 1));
      ++i;
      continue;
    }
    fn(c, text.substr(i, len));
    i += len;
  }
}

// One attribute of nodes or edges as the typed formats (GraphML, GEXF, Neo4j CSV) declare it.
enum class AttrType { string, integer, real, boolean };
struct Attr {
  std::string name;
  AttrType type = AttrType::string;
};
// A value, or none when the element has no such attribute (written absent).
using AttrValue = std::optional<std::string>;

// The node attributes beyond id and label: kind, country, aliases (a JSON array of strings: names
// may hold any separator), people (redacted).
std::vector<Attr> node_attrs(const ExportGraph& g);
std::vector<AttrValue> node_values(const ExportGraph& g, const ExportNode& n);
// The edge attributes beyond id, ends and label: kind, start, start_precision, end,
// end_precision, left, former, claims, confidence, quote, quote_source; people and moves on
// aggregated edges; periods (JSON) on moves edges.
std::vector<Attr> edge_attrs(const ExportGraph& g);
std::vector<AttrValue> edge_values(const ExportGraph& g, const ExportEdge& e);

// A writer's text, handed to its sink whenever a megabyte has gathered (at element boundaries:
// call flush_if_full() after each element) and at finish().
class Chunks {
 public:
  explicit Chunks(const ExportSink& sink) : sink_(sink) { out_.reserve(kSize + kSize / 4); }
  std::string& text() { return out_; }
  void flush_if_full() {
    if (out_.size() >= kSize) flush();
  }
  void finish() { flush(); }

 private:
  static constexpr std::size_t kSize = std::size_t(1) << 20;
  void flush() {
    if (out_.empty()) return;
    sink_(out_);
    out_.clear();
  }
  const ExportSink& sink_;
  std::string out_;
};

// Every piece a writer gives, as one string.
template <typename Write>
std::string whole_text(Write&& write) {
  std::string all;
  write([&](std::string_view piece) { all += piece; });
  return all;
}

// A decimal that reads back as the same double.
std::string real_text(double v);

}  // namespace tg::queries
