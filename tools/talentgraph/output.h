// Rendering of query answers: every answer is built once as typed rows (an object of named
// values per row) and printed as an aligned table for people, CSV for spreadsheets, or JSON.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <optional>
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

// A column of a table or CSV: its heading is its key, the JSON key of the field it shows.
struct Column {
  std::string key;            // field of the row object, and the heading
  std::size_t max_width = 0;  // table only: cut longer cells with "…" (0 = no limit; --wide: none);
                              // a column with a cap is also the first cut to fit the width
  int drop = 0;               // table only: > 0, left out (highest first) of a table too wide even
                              // once cut, before the other columns are narrowed (ids: in JSON and CSV)
};

// Where tables go (set once by main from the environment; tests set it as they need).
struct OutputSettings {
  bool terminal = false;  // stdout is a terminal: lists are cut to kTerminalLimit rows by default
  std::size_t width = 0;  // fit tables in this many columns (0: no limit)
  bool wide = false;      // --wide: no cell is ever cut
};
OutputSettings& output_settings();
// The settings of an environment: the width is COLUMNS when that is a positive number (terminal
// or not: whoever sets it asks for it), else the terminal's width (`terminal_width`, from
// TIOCGWINSZ) when stdout is a terminal, else none.
OutputSettings output_settings_for(const char* columns_env, bool terminal, std::size_t terminal_width);
// The same, read from this process's environment and stdout.
OutputSettings detect_output_settings();

// How many rows a list prints on a terminal when --limit is not given (piped: all).
inline constexpr std::size_t kTerminalLimit = 50;

// The rows a list prints (0: all): `given` (--limit), else the command's own default when it has
// one, else kTerminalLimit in a table on a terminal, else all.
std::size_t list_limit(std::optional<std::size_t> given, std::size_t own_default, Format format,
                       const OutputSettings& settings);

// `text` with everything that could drive a terminal made visible: C0 controls and DEL as \xNN
// (newlines too, unless `keep_newlines`), C1 controls, bidirectional overrides and isolates and
// the line and paragraph separators as \uNNNN, and bytes that are not UTF-8 as \xNN.
std::string printable(std::string_view text, bool keep_newlines = false);

// Cuts `text` to at most `width` terminal columns (wide characters count two), ending with "…"
// when cut; never splits a character. 0: no limit.
std::string fit(const std::string& text, std::size_t width);

// The widths a table's columns get to fit in `width` terminal columns with two spaces between
// them: the widest are narrowed first, none below min(natural, max(its heading, 6)). 0: natural.
std::vector<std::size_t> fit_widths(const std::vector<std::size_t>& natural, const std::vector<std::size_t>& headings,
                                    std::size_t width);

// A table's layout in `width` columns (0: natural): its columns' widths, 0 for a column left out.
// First the columns that `cut_first` (evidence, quotes) are narrowed, down to their least; if the
// table is still too wide, the columns with a `drop` are left out, highest first; then fit_widths
// narrows the widest of what is left.
std::vector<std::size_t> table_layout(const std::vector<std::size_t>& natural, const std::vector<std::size_t>& headings,
                                      const std::vector<bool>& cut_first, const std::vector<int>& drop,
                                      std::size_t width);

// A cell's text: strings as they are, null as `null_text`, booleans as yes/no, numbers
// compactly (`exact`: reals in their shortest round-trip form, as CSV prints them), evidence as
// `source: "quote"` joined by " | ".
std::string cell_text(const Value& value, const std::string& null_text, bool exact = false);

// JSON: the rows as an array (every field, keys sorted, indented by 2; an empty string is null);
// table and CSV: the columns, a missing field printing empty. Tables fit output_settings()'s
// width; table and CSV cells are made printable.
void print_rows(std::ostream& out, Format format, const Rows& rows, const std::vector<Column>& columns,
                const std::string& null_text = "unknown");

// One value as JSON (indented by 2) and a newline. A string that is empty is null: JSON says
// "not known" one way.
void print_json(std::ostream& out, const Value& value);

std::string csv_escape(const std::string& field);

}  // namespace tg::cli
