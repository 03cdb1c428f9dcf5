// Rendering of query answers: every answer is built once as typed rows (an object of named
// values per row) and printed as an aligned table for people, CSV for spreadsheets, or JSON.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "graph/model.h"
#include "graph/store.h"

namespace tg::cli {

enum class Format { table, json, csv };

struct Field;
class Value;
using Object = std::vector<Field>;  // JSON prints its keys sorted, whatever their order here
using List = std::vector<Value>;
using EvidenceList = std::vector<Evidence>;

// One cell, or one JSON value: null, a boolean, an integer, a real, a string, a list of
// evidence (JSON: [{"source", "quote", "confidence", "url" when known}]), a list of values or a
// nested object.
class Value {
 public:
  using Data = std::variant<std::monostate, bool, std::int64_t, double, std::string, EvidenceList, List, Object>;

  Value() = default;
  Value(std::nullptr_t) {}                                        // NOLINT: implicit on purpose
  Value(bool b) : data_(b) {}                                     // NOLINT
  Value(int i) : data_(std::int64_t{i}) {}                        // NOLINT
  Value(unsigned i) : data_(std::int64_t{i}) {}                   // NOLINT
  Value(std::int64_t i) : data_(i) {}                             // NOLINT
  Value(std::uint64_t i) : data_(static_cast<std::int64_t>(i)) {}  // NOLINT
  Value(double d) : data_(d) {}                                   // NOLINT
  Value(std::string s) : data_(std::move(s)) {}                   // NOLINT
  Value(std::string_view s) : data_(std::string(s)) {}            // NOLINT
  Value(const char* s) : data_(std::string(s)) {}                 // NOLINT
  Value(EvidenceList e) : data_(std::move(e)) {}                  // NOLINT
  Value(List l) : data_(std::move(l)) {}                          // NOLINT
  Value(Object o) : data_(std::move(o)) {}                        // NOLINT

  const Data& data() const { return data_; }

 private:
  Data data_;
};

struct Field {
  std::string key;
  Value value;
};

using Row = Object;
using Rows = std::vector<Row>;

// A date as a value: its ISO text, or null when unknown.
Value date_value(const PartialDate& date);

struct Column {
  std::string key;     // field of the row object
  std::string header;  // table/CSV heading
  std::size_t max_width = 0;  // table only: cut longer cells with "…" (0 = no limit)
};

// A cell's text: strings as they are, null as `null_text`, booleans as yes/no, numbers
// compactly, evidence as `source: "quote"` joined by " | ".
std::string cell_text(const Value& value, const std::string& null_text);

// JSON: the rows as an array (every field, keys sorted, indented by 2); table and CSV: the
// columns, a missing field printing empty.
void print_rows(std::ostream& out, Format format, const Rows& rows, const std::vector<Column>& columns,
                const std::string& null_text = "unknown");

// One value as JSON (indented by 2) and a newline.
void print_json(std::ostream& out, const Value& value);

std::string csv_escape(const std::string& field);

}  // namespace tg::cli
