// Rendering of query answers: every answer is built once as JSON (an array of row objects) and
// printed as an aligned table for people, CSV for spreadsheets, or the JSON itself.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace tg::cli {

enum class Format { table, json, csv };

struct Column {
  std::string key;     // field of the row object
  std::string header;  // table/CSV heading
  std::size_t max_width = 0;  // table only: cut longer cells with "…" (0 = no limit)
};

// A cell's text: strings as they are, null as `null_text`, numbers compactly, evidence arrays
// as `source: "quote"` joined by " | ".
std::string cell_text(const nlohmann::json& value, const std::string& null_text);

void print_rows(std::ostream& out, Format format, const nlohmann::json& rows, const std::vector<Column>& columns,
                const std::string& null_text = "unknown");

std::string csv_escape(const std::string& field);

}  // namespace tg::cli
