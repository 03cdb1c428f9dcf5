// The extraction format (data/schema/extraction.schema.json): one JSON document per source, or
// JSON Lines of them. Parsing validates everything the store relies on and names the place of
// each fault as data: file, line (JSON Lines), record ("relations[3]") and field ("to").
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "graph/error.h"
#include "ingest/document.h"

namespace tg::ingest {

// Parses one document found at `at` (its file, and its line for JSON Lines). Errors are added
// to `errors` (up to its limit); returns nullopt if this document had any.
std::optional<Document> parse_extraction(std::string_view text, const Location& at, Errors& errors);

// Reads a .json file (one document) or a .jsonl file (one per non-empty line), handing each good
// document to `each` as soon as it is parsed: a JSON Lines file is never held as documents.
// Reading stops once `errors` is full. `position`, if set, hears how many bytes are read after
// each document.
void read_extraction_file(const std::string& path, bool json_lines, Errors& errors,
                          const std::function<void(Document&&)>& each,
                          const std::function<void(std::uint64_t)>& position = {});

}  // namespace tg::ingest
