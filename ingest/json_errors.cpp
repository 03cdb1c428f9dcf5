#include "ingest/json_errors.h"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <iterator>
#include <set>
#include <vector>

#include <fmt/format.h>

#include "ingest/limits.h"

namespace tg::ingest {
namespace {

using nlohmann::json;

// A place with the path "relations[3].to" split as the extraction checker splits it: the record,
// then the field within it.
Location with_path(Location at, std::string_view path) {
  const std::size_t dot = path.find('.');
  at.record = std::string(path.substr(0, dot));
  if (dot != std::string_view::npos) at.field = std::string(path.substr(dot + 1));
  return at;
}

// A character iterator that tells where the parser reads: nlohmann's SAX events carry no
// position, so the handler asks this one (the last byte the lexer looked at).
class TrackedIterator {
 public:
  using iterator_category = std::forward_iterator_tag;
  using value_type = char;
  using difference_type = std::ptrdiff_t;
  using pointer = const char*;
  using reference = const char&;

  TrackedIterator() = default;
  TrackedIterator(const char* p, const char** last) : p_(p), last_(last) {}
  reference operator*() const {
    *last_ = p_;
    return *p_;
  }
  TrackedIterator& operator++() {
    ++p_;
    return *this;
  }
  TrackedIterator operator++(int) {
    TrackedIterator old = *this;
    ++p_;
    return old;
  }
  bool operator==(const TrackedIterator& o) const { return p_ == o.p_; }

 private:
  const char* p_ = nullptr;
  const char** last_ = nullptr;
};

// Builds the value with nlohmann's own DOM builder, checking each event first.
class StrictSax {
 public:
  StrictSax(json& root, std::string_view text, const Location& at, const char* const* last,
            std::initializer_list<std::string_view> free_text)
      : dom_(root, false), text_(text), at_(at), last_(last), free_text_(free_text) {}

  std::optional<Error> error;

  bool null() { return value() && dom_.null(); }
  bool boolean(bool v) { return value() && dom_.boolean(v); }
  bool number_integer(json::number_integer_t v) { return value() && dom_.number_integer(v); }
  bool number_unsigned(json::number_unsigned_t v) { return value() && dom_.number_unsigned(v); }
  bool number_float(json::number_float_t v, const std::string& s) { return value() && dom_.number_float(v, s); }
  bool string(std::string& s) {
    const std::string_view key = frames_.empty() || frames_.back().array ? std::string_view() : frames_.back().key;
    const bool free = std::ranges::find(free_text_, key) != free_text_.end();
    if (auto c = control_character(s, free))
      return fail(string_start(), path_of_value(), fmt::format("holds a control character ({})", *c));
    return value() && dom_.string(s);
  }
  bool binary(json::binary_t& b) { return value() && dom_.binary(b); }
  bool start_object(std::size_t n) { return open(false) && dom_.start_object(n); }
  bool key(std::string& k) {
    Frame& f = frames_.back();
    if (auto c = control_character(k, false))
      return fail(string_start(), path_, fmt::format("a key holds a control character ({})", *c));
    if (!f.keys.insert(k).second)
      return fail(string_start(), path_of_key(k),
                  fmt::format("duplicate key \"{}\" (a key may appear once in an object)", k));
    f.key = k;
    return dom_.key(k);
  }
  bool end_object() { return close() && dom_.end_object(); }
  bool start_array(std::size_t n) { return open(true) && dom_.start_array(n); }
  bool end_array() { return close() && dom_.end_array(); }

  bool parse_error(std::size_t position, const std::string& token, const nlohmann::detail::exception& e) {
    if (e.id == 406) {  // a number beyond the range of a double
      const std::size_t start = position >= token.size() ? position - token.size() : 0;
      return fail(start, path_of_value(),
                  fmt::format("number out of range (found {}): numbers must fit a double", token));
    }
    const auto* pe = dynamic_cast<const json::parse_error*>(&e);
    if (pe) error = json_syntax_error(*pe, text_, at_);
    else error = Error{ErrorCode::bad_data, fmt::format("invalid JSON: {}", e.what()), at_};
    return false;
  }

 private:
  struct Frame {
    bool array = false;
    std::size_t index = 0;
    std::string key;
    std::set<std::string, std::less<>> keys;
    std::size_t path_length = 0;  // of the parent's path
  };

  bool fail(std::size_t offset, std::string_view path, std::string what) {
    Location place = with_path(text_position(text_, offset, at_), path);
    if (path.empty()) place.record = "document";
    error = Error{ErrorCode::bad_data, std::move(what), std::move(place)};
    return false;
  }

  std::size_t here() const { return *last_ ? static_cast<std::size_t>(*last_ - text_.data()) : 0; }

  // The opening quote of the string the lexer has just read (it stands on the closing one).
  std::size_t string_start() const {
    std::size_t i = here();
    while (i > 0) {
      --i;
      if (text_[i] != '"') continue;
      std::size_t backslashes = 0;
      while (i > backslashes && text_[i - 1 - backslashes] == '\\') ++backslashes;
      if (backslashes % 2 == 0) return i;
    }
    return 0;
  }

  std::string path_of_key(std::string_view k) const { return path_.empty() ? std::string(k) : fmt::format("{}.{}", path_, k); }
  std::string path_of_value() const {
    if (frames_.empty()) return path_;
    const Frame& f = frames_.back();
    return f.array ? fmt::format("{}[{}]", path_, f.index) : path_of_key(f.key);
  }

  // A scalar value: counted in its array.
  bool value() {
    if (!frames_.empty() && frames_.back().array) ++frames_.back().index;
    return true;
  }

  bool open(bool array) {
    std::string path = path_of_value();
    if (frames_.size() >= input_limits().nesting_depth)  // named by its first key: the whole path is as deep
      return fail(here(), std::string_view(path).substr(0, path.find_first_of(".[", 1)),
                  fmt::format("nested deeper than {} levels (--max-nesting raises the limit)",
                              input_limits().nesting_depth));
    Frame f;
    f.array = array;
    f.path_length = path_.size();
    frames_.push_back(std::move(f));
    path_ = std::move(path);
    return true;
  }

  bool close() {
    path_.resize(frames_.back().path_length);
    frames_.pop_back();
    return value();
  }

  nlohmann::detail::json_sax_dom_parser<json> dom_;
  std::string_view text_;
  const Location& at_;
  const char* const* last_;
  std::initializer_list<std::string_view> free_text_;
  std::vector<Frame> frames_;
  std::string path_;
};

}  // namespace

Location text_position(std::string_view text, std::size_t offset, Location at) {
  std::size_t line = 1, column = 1;
  const std::size_t end = std::min(offset, text.size());
  for (std::size_t i = 0; i < end; ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) {
      ++column;
    }
  }
  if (!at.line) at.line = line;  // a JSON Lines document is one line: `line` is 1 there
  at.column = column;
  return at;
}

Error json_syntax_error(const nlohmann::json::parse_error& e, std::string_view text, Location at) {
  // nlohmann reports the byte offset just past the offending character.
  const std::size_t offset = e.byte ? e.byte - 1 : 0;
  // Drop nlohmann's "[json.exception.parse_error.101] parse error at line 1, column 2: " prefix.
  std::string what = e.what();
  if (auto at_ = what.find("parse error"); at_ != std::string::npos) {
    if (auto col = what.find("column ", at_); col != std::string::npos) {
      if (auto colon = what.find(": ", col); colon != std::string::npos) what = what.substr(colon + 2);
    } else if (auto colon = what.find(": ", at_); colon != std::string::npos) {
      what = what.substr(colon + 2);
    }
  }
  return Error{ErrorCode::bad_data, fmt::format("invalid JSON: {}", what), text_position(text, offset, std::move(at))};
}

std::size_t first_invalid_utf8(std::string_view text) {
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  const std::size_t n = text.size();
  std::size_t i = 0;
  while (i < n) {
    const unsigned char c = s[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    std::size_t len;
    std::uint32_t cp;
    if (c >= 0xC2 && c <= 0xDF) len = 2, cp = c & 0x1F;
    else if (c >= 0xE0 && c <= 0xEF) len = 3, cp = c & 0x0F;
    else if (c >= 0xF0 && c <= 0xF4) len = 4, cp = c & 0x07;
    else return i;
    if (i + len > n) return i;
    for (std::size_t k = 1; k < len; ++k) {
      if ((s[i + k] & 0xC0) != 0x80) return i;
      cp = (cp << 6) | (s[i + k] & 0x3F);
    }
    if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) || (cp >= 0xD800 && cp <= 0xDFFF))
      return i;
    i += len;
  }
  return std::string_view::npos;
}

Error invalid_utf8_error(std::string_view text, std::size_t offset, Location at) {
  return Error{ErrorCode::bad_data,
               fmt::format("not valid UTF-8 (byte 0x{:02X}): save the file as UTF-8",
                           static_cast<unsigned char>(text[offset])),
               text_position(text, offset, std::move(at))};
}

std::optional<std::string> control_character(std::string_view s, bool free_text) {
  std::size_t character = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if ((c & 0xC0) != 0x80) ++character;
    std::uint32_t cp = 0x20;
    if (c < 0x20 || c == 0x7F) cp = c;
    else if (c == 0xC2 && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) >= 0x80 &&
             static_cast<unsigned char>(s[i + 1]) <= 0x9F)
      cp = static_cast<unsigned char>(s[i + 1]);  // U+0080–U+009F, the C1 controls
    else continue;
    if (free_text && (cp == '\t' || cp == '\n' || cp == '\r')) continue;
    return fmt::format("U+{:04X} at character {}", cp, character);
  }
  return std::nullopt;
}

std::size_t character_count(std::string_view s) {
  return static_cast<std::size_t>(
      std::ranges::count_if(s, [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

bool valid_uri(std::string_view s) {
  auto alpha = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); };
  const std::size_t colon = s.find(':');
  if (colon == std::string_view::npos || colon == 0 || !alpha(s[0])) return false;
  for (char c : s.substr(0, colon))
    if (!alpha(c) && !(c >= '0' && c <= '9') && c != '+' && c != '-' && c != '.') return false;
  const std::string_view rest = s.substr(colon + 1);
  if (rest.empty()) return false;
  for (char ch : rest) {
    const auto c = static_cast<unsigned char>(ch);
    if (c <= 0x20 || c == 0x7F) return false;
  }
  std::string scheme(s.substr(0, colon));
  std::ranges::transform(scheme, scheme.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (scheme == "http" || scheme == "https") {
    if (!rest.starts_with("//")) return false;
    const std::string_view host = rest.substr(2, rest.find_first_of("/?#", 2) - 2);
    if (host.empty() || host.starts_with(':') || host.starts_with('@')) return false;
  }
  return true;
}

Result<nlohmann::json> parse_json_strict(std::string_view text, const Location& at,
                                         std::initializer_list<std::string_view> free_text) {
  if (text.size() > input_limits().document_bytes) return fail(document_too_large(text.size(), at));
  if (const std::size_t bad = first_invalid_utf8(text); bad != std::string_view::npos)
    return fail(invalid_utf8_error(text, bad, at));
  json root;
  const char* last = nullptr;
  StrictSax sax(root, text, at, &last, free_text);
  const TrackedIterator first(text.data(), &last), end(text.data() + text.size(), &last);
  const bool ok = json::sax_parse(first, end, &sax);
  if (sax.error) return fail(std::move(*sax.error));
  if (!ok) return fail(ErrorCode::bad_data, "invalid JSON", at);
  return root;
}

}  // namespace tg::ingest
