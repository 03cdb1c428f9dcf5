// Reading inputs, apart from applying them: the registry of input formats, each with the file
// names it claims and a reader that streams its records (a document, a CSV row, a curation
// file) to whoever applies them, and the walk of folders into a sorted list of inputs.
// Adding a format means adding one reader and one entry in `formats()` (inputs.cpp).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "graph/error.h"
#include "ingest/csv.h"
#include "ingest/curation.h"
#include "ingest/document.h"

namespace tg::ingest {

enum class InputFormat { json, jsonl, csv, curation };

// A file and the format to read it with.
using Input = std::pair<std::string, InputFormat>;

// What a format's records are, which is when a run applies them: every input's rules first
// (they steer resolution), then the documents, then the CSV rows, each in input order.
enum class Stage { rules, documents, rows };

// Where a reader hands its records, one at a time: each is applied (or, once the run has
// failed, only counted) before the next is read. A reader fills only its stage's member.
struct Records {
  std::function<void(Curation&&)> rules{};
  std::function<void(Document&&)> document{};
  std::function<void(const CareerRow&)> row{};  // the row's views live during the call only
  // How far into the file the reader is, in bytes, now and then (for progress; may be empty).
  std::function<void(std::uint64_t)> position{};
};

// Reads the file at `path`, handing its records to `out` and its errors (with their place) to
// `errors`; stops once `errors` is full.
using Reader = void (*)(const std::string& path, Errors& errors, const Records& out);

struct Format {
  InputFormat id;
  std::string_view name;                        // as --format says it: "jsonl"
  std::span<const std::string_view> suffixes;   // of file names: ".jsonl"; the longest match wins
  Stage stage;
  Reader read;
};

// Every format, in InputFormat order.
std::span<const Format> formats();
const Format& format(InputFormat id);

std::optional<InputFormat> parse_input_format(std::string_view text);

// The format a file name claims: the longest suffix that matches (".curation.json" over
// ".json"; a suffix of two dots also matches the whole name without its dot: "curation.json").
std::optional<InputFormat> format_of_file_name(std::string_view file_name);

// Expands folders (recursively; the files some format claims) in sorted order. `forced`
// overrides the format of every file. Only regular files (or links to them) are read: a path
// given, or a file in a folder whose name a format claims, that is a FIFO, socket or device is
// an error (ErrorCode::io) naming it.
// A file named alone (--curation FILE): it exists and is a regular file.
Result<void> check_input_file(const std::string& path);

Result<std::vector<Input>> collect_inputs(const std::vector<std::string>& paths, std::optional<InputFormat> forced);

}  // namespace tg::ingest
