#include "ingest/limits.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <filesystem>
#include <charconv>
#include <limits>

#include <fmt/format.h>

#include "graph/files.h"

namespace tg::ingest {
namespace {
thread_local InputLimits t_limits;
}  // namespace

const InputLimits& input_limits() { return t_limits; }

ScopedInputLimits::ScopedInputLimits(const InputLimits& limits) : previous_(t_limits) { t_limits = limits; }
ScopedInputLimits::~ScopedInputLimits() { t_limits = previous_; }

Result<std::uint64_t> parse_size(const std::string& text) {
  const auto bad = [&] {
    return fail(ErrorCode::usage,
                fmt::format("\"{}\" is no size: give bytes, or a number with k, M, G or T (\"512M\", \"1.5G\")", text));
  };
  // Digits, an optional fraction, then the unit: no sign, no exponent, no space.
  std::size_t digits = 0;
  while (digits < text.size() && (std::isdigit(static_cast<unsigned char>(text[digits])) || text[digits] == '.')) ++digits;
  if (digits == 0 || std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(digits), '.') > 1 ||
      text[0] == '.' || text[digits - 1] == '.')
    return bad();
  double value = 0;
  if (const auto [p, ec] = std::from_chars(text.data(), text.data() + digits, value); ec != std::errc() || p != text.data() + digits)
    return bad();
  std::string unit = text.substr(digits);
  for (const std::string_view suffix : {"iB", "B"})
    if (unit.size() > suffix.size() - 1 && unit.ends_with(suffix)) {
      unit.resize(unit.size() - suffix.size());
      break;
    }
  int shift = 0;
  if (unit.empty()) shift = 0;
  else if (unit == "k" || unit == "K") shift = 10;
  else if (unit == "M") shift = 20;
  else if (unit == "G") shift = 30;
  else if (unit == "T") shift = 40;
  else return bad();
  const double bytes = std::floor(std::ldexp(value, shift));
  if (!(bytes < 0x1p63)) return bad();
  return static_cast<std::uint64_t>(bytes);
}

std::string size_text(std::uint64_t bytes) {
  constexpr const char* kUnits[] = {"bytes", "KiB", "MiB", "GiB", "TiB"};
  int i = 0;
  std::uint64_t v = bytes;
  while (i < 4 && v != 0 && v % 1024 == 0) v /= 1024, ++i;
  if (i == 0 && bytes >= (1 << 20)) return fmt::format("{:.1f} MiB", static_cast<double>(bytes) / (1 << 20));
  return fmt::format("{} {}", v, kUnits[i]);
}

std::string too_long(std::size_t characters) {
  return fmt::format("longer than {} characters (found {}; --max-string-length raises the limit)",
                     input_limits().string_length, characters);
}

Error document_too_large(std::uint64_t bytes, const Location& at) {
  return {ErrorCode::bad_data,
          fmt::format("{}, more than the limit of {} for one document (--max-document-size raises it)",
                      size_text(bytes), size_text(input_limits().document_bytes)),
          at};
}

Result<std::string> read_document(const std::string& path) {
  std::error_code ec;
  if (const std::uintmax_t size = std::filesystem::file_size(path, ec); !ec && size > input_limits().document_bytes)
    return fail(document_too_large(size, Location{.file = path}));
  return read_file(path);
}

}  // namespace tg::ingest
