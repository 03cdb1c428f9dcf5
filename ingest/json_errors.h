// How the JSON readers (extraction documents, curation files) read JSON and word its errors:
// at `LINE:COLUMN` (the column counted in characters as the CSV reader does), with the path of
// the value at fault ("relations[2].confidence") when there is one.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "graph/error.h"

namespace tg::ingest {

// `at` names the file, and for a JSON Lines document its line: the error's place is then that
// line and the column within it; otherwise the line and column within `text`.
Error json_syntax_error(const nlohmann::json::parse_error& e, std::string_view text, Location at);

// The place of byte `offset` of `text`: `at` with the line and column (in characters) added;
// when `at` has a line already (a JSON Lines document), `text` is that line.
Location text_position(std::string_view text, std::size_t offset, Location at);

// The byte offset of the first byte that is not well-formed UTF-8 (overlong forms, surrogates
// and code points above U+10FFFF are not), or npos.
std::size_t first_invalid_utf8(std::string_view text);

// "not valid UTF-8 (byte 0xC3 …)" at its line and column.
Error invalid_utf8_error(std::string_view text, std::size_t offset, Location at);

// A control character in `s` (U+0000–U+001F, U+007F–U+009F), described with its position
// ("U+001B at character 4"); tab, line feed and carriage return are allowed when `free_text`.
// nullopt when there is none. `s` is valid UTF-8.
std::optional<std::string> control_character(std::string_view s, bool free_text);

// Whether `s` is an absolute URI, as loosely as browsers take one: a scheme ("https:"), then no
// space or control character (non-ASCII and characters RFC 3986 wants escaped, such as <, are let
// through: escaping them is each output's job); http and https also need "//" and a host.
bool valid_uri(std::string_view s);

// Characters (code points) of valid UTF-8 `s`.
std::size_t character_count(std::string_view s);

// Parses one JSON document (a file, or one line of a JSON Lines file: `at` names it) strictly:
// well-formed UTF-8 (a leading byte-order mark is skipped), no duplicate keys in an object, no
// number beyond the range of a double, no control character in a key or string (tab and line
// breaks are allowed in the values of the free-text keys `free_text` lists), nesting up to the
// limit and no larger than it (ingest/limits.h: input_limits()). The first fault found is returned with its line, column and the path of the
// value ("relations[2].confidence").
Result<nlohmann::json> parse_json_strict(std::string_view text, const Location& at,
                                         std::initializer_list<std::string_view> free_text = {});

}  // namespace tg::ingest
