// The extraction format (data/schema/extraction.schema.json): one JSON document per source, or
// JSON Lines of them. Parsing validates everything the store relies on and names the place of
// each fault: `seed.json: relations[3].to: unknown ref "gogle-brain"`.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "graph/error.h"
#include "ingest/document.h"

namespace tg::ingest {

// Parses one document. `where` prefixes messages ("seed.json" or "batch.jsonl:12").
// Errors are appended to `errors` (at most `max_errors` in all); returns nullopt if any.
std::optional<Document> parse_extraction(std::string_view text, const std::string& where,
                                         std::vector<Error>& errors, std::size_t max_errors = 20);

// Reads a .json (one document) or .jsonl (one per non-empty line) file.
std::vector<Document> read_extraction_file(const std::string& path, bool json_lines, std::vector<Error>& errors,
                                           std::size_t max_errors = 20);

}  // namespace tg::ingest
