#include "ingest/json_errors.h"

#include <algorithm>

#include <fmt/format.h>

namespace tg::ingest {

Error json_syntax_error(const nlohmann::json::parse_error& e, std::string_view text, Location at) {
  // nlohmann reports the byte offset just past the offending character.
  std::size_t line = 1, column = 1;
  const std::size_t end = std::min<std::size_t>(e.byte ? e.byte - 1 : 0, text.size());
  for (std::size_t i = 0; i < end; ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) {
      ++column;
    }
  }
  // Drop nlohmann's "[json.exception.parse_error.101] parse error at line 1, column 2: " prefix.
  std::string what = e.what();
  if (auto at = what.find("parse error"); at != std::string::npos) {
    if (auto col = what.find("column ", at); col != std::string::npos) {
      if (auto colon = what.find(": ", col); colon != std::string::npos) what = what.substr(colon + 2);
    } else if (auto colon = what.find(": ", at); colon != std::string::npos) {
      what = what.substr(colon + 2);
    }
  }
  if (!at.line) at.line = line;  // a JSON Lines document is one line: `line` is 1 there
  at.column = column;
  return Error{ErrorCode::bad_data, fmt::format("invalid JSON: {}", what), std::move(at)};
}

}  // namespace tg::ingest
