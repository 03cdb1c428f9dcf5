#include "ingest/inputs.h"

#include <algorithm>
#include <array>
#include <filesystem>

#include <fmt/format.h>

#include "graph/files.h"
#include "ingest/extraction.h"

namespace tg::ingest {
namespace {

namespace fs = std::filesystem;

constexpr const char* kNotRegular = "not a regular file (a FIFO, socket or device): only regular files are read";

// ---- readers: one per format ----

void read_json(const std::string& path, Errors& errors, const Records& out) {
  read_extraction_file(path, false, errors, out.document, out.position);
}

void read_json_lines(const std::string& path, Errors& errors, const Records& out) {
  read_extraction_file(path, true, errors, out.document, out.position);
}

void read_career_csv(const std::string& path, Errors& errors, const Records& out) {
  auto text = read_file(path);
  if (!text) {
    errors.add(text.error());
    return;
  }
  if (!out.position) {
    read_careers(*text, path, errors, out.row);
    return;
  }
  // A row's fields are views into the text unless quoting made them copies: the first one that
  // is a view says where the reader is.
  const char* const begin = text->data();
  const char* const end = begin + text->size();
  std::uint64_t rows = 0;
  read_careers(*text, path, errors, [&](const CareerRow& r) {
    out.row(r);
    if (++rows % 256 != 0) return;
    for (std::string_view f : {r.person, r.organization, r.role, r.source_url})
      if (f.data() >= begin && f.data() < end) {
        out.position(static_cast<std::uint64_t>(f.data() - begin));
        break;
      }
  });
}

void read_curation(const std::string& path, Errors& errors, const Records& out) {
  if (auto c = read_curation_file(path, errors)) out.rules(std::move(*c));
}

// ---- the registry ----

constexpr std::string_view kJson[] = {".json"};
constexpr std::string_view kJsonLines[] = {".jsonl", ".ndjson"};
constexpr std::string_view kCsv[] = {".csv"};
constexpr std::string_view kCuration[] = {".curation.json"};

constexpr std::array<Format, 4> kFormats = {{
    {InputFormat::json, "json", kJson, Stage::documents, read_json},
    {InputFormat::jsonl, "jsonl", kJsonLines, Stage::documents, read_json_lines},
    {InputFormat::csv, "csv", kCsv, Stage::rows, read_career_csv},
    {InputFormat::curation, "curation", kCuration, Stage::rules, read_curation},
}};

static_assert([] {
  for (std::size_t i = 0; i < kFormats.size(); ++i)
    if (static_cast<std::size_t>(kFormats[i].id) != i) return false;
  return true;
}(), "kFormats is in InputFormat order");

// How well `suffix` matches `name`: its length, or 0.
std::size_t match(std::string_view name, std::string_view suffix) {
  if (name.size() > suffix.size() && name.ends_with(suffix)) return suffix.size();
  const bool two_dots = std::ranges::count(suffix, '.') >= 2;
  if (two_dots && name == suffix.substr(1)) return suffix.size();
  return 0;
}

}  // namespace

std::span<const Format> formats() { return kFormats; }

const Format& format(InputFormat id) { return kFormats[static_cast<std::size_t>(id)]; }

std::optional<InputFormat> parse_input_format(std::string_view text) {
  for (const Format& f : kFormats)
    if (f.name == text) return f.id;
  return std::nullopt;
}

std::optional<InputFormat> format_of_file_name(std::string_view file_name) {
  std::optional<InputFormat> best;
  std::size_t best_length = 0;
  for (const Format& f : kFormats)
    for (std::string_view suffix : f.suffixes)
      if (const std::size_t m = match(file_name, suffix); m > best_length) {
        best = f.id;
        best_length = m;
      }
  return best;
}

Result<std::vector<Input>> collect_inputs(const std::vector<std::string>& paths, std::optional<InputFormat> forced) {
  auto format_of = [](const fs::path& p) { return format_of_file_name(p.filename().string()); };
  std::vector<Input> out;
  for (const auto& p : paths) {
    std::error_code ec;
    const fs::path path(p);
    if (fs::is_directory(path, ec)) {
      std::vector<fs::path> files;
      for (auto it = fs::recursive_directory_iterator(path, ec); !ec && it != fs::recursive_directory_iterator();
           it.increment(ec))
        if (format_of(it->path()) && !it->is_directory(ec)) {
          // A FIFO, socket or device named like an input would block or never end: only
          // regular files are read, and one that is not is an error rather than skipped unseen.
          if (!it->is_regular_file(ec))
            return fail(ErrorCode::io, kNotRegular, Location{.file = it->path().string()});
          files.push_back(it->path());
        }
      if (ec) return fail(ErrorCode::io, fmt::format("cannot list folder: {}", ec.message()), Location{.file = p});
      std::ranges::sort(files);
      for (const auto& f : files) out.emplace_back(f.string(), forced.value_or(*format_of(f)));
    } else if (fs::exists(path, ec)) {
      if (!fs::is_regular_file(path, ec)) return fail(ErrorCode::io, kNotRegular, Location{.file = p});
      auto format = forced ? forced : format_of(path);
      if (!format)
        return fail(ErrorCode::usage, "unknown format (expected .json, .jsonl or .csv; or say --format)",
                    Location{.file = p});
      out.emplace_back(p, *format);
    } else {
      return fail(ErrorCode::io, "no such file or folder", Location{.file = p});
    }
  }
  return out;
}

Result<void> check_input_file(const std::string& path) {
  std::error_code ec;
  if (!fs::exists(path, ec)) return fail(ErrorCode::io, "no such file or folder", Location{.file = path});
  if (!fs::is_regular_file(path, ec)) return fail(ErrorCode::io, kNotRegular, Location{.file = path});
  return {};
}

}  // namespace tg::ingest
