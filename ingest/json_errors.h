// How the JSON readers (extraction documents, curation files) word a syntax error:
// `LINE:COLUMN: invalid JSON: what`, the column counted in characters as the CSV reader does.
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace tg::ingest {

std::string json_syntax_error(const nlohmann::json::parse_error& e, std::string_view text);

}  // namespace tg::ingest
