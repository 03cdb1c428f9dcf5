// How the JSON readers (extraction documents, curation files) word a syntax error: at
// `LINE:COLUMN` (the column counted in characters as the CSV reader does), "invalid JSON: what".
#pragma once

#include <string_view>

#include <nlohmann/json.hpp>

#include "graph/error.h"

namespace tg::ingest {

// `at` names the file, and for a JSON Lines document its line: the error's place is then that
// line and the column within it; otherwise the line and column within `text`.
Error json_syntax_error(const nlohmann::json::parse_error& e, std::string_view text, Location at);

}  // namespace tg::ingest
