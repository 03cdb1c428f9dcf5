#include "tools/talentgraph/cli.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <iostream>
#include <utility>

#include <fmt/format.h>

#include "graph/layout.h"
#include "graph/moves.h"
#include "queries/export.h"

namespace tg::cli {

int report(const Error& e) {
  std::cerr << "talentgraph: " << printable(e.str(), true) << '\n';
  return static_cast<int>(e.code);
}

void FormatOption::setup(CLI::App& cmd) {
  cmd.add_option("--format", text, "Output: table, json or csv")
      ->check(CLI::IsMember({"table", "json", "csv"}))
      ->capture_default_str();
  cmd.add_flag_callback("--wide", [] { output_settings().wide = true; },
                        "Tables: print every cell whole (by default they fit the terminal, or $COLUMNS)");
}

void LimitOption::setup(CLI::App& cmd, std::size_t command_default, bool top_alias) {
  own_default = command_default;
  const std::string help =
      command_default ? fmt::format("At most this many rows (0: all; default {})", command_default)
                      : fmt::format("At most this many rows (0: all; default {} in a table on a terminal, else all)",
                                    kTerminalLimit);
  // Checked as text: "-1" and "1.5" are no counts (a size_t would take -1 as 2^64 - 1).
  const CLI::Validator count(
      [](std::string& text) -> std::string {
        if (text.empty() || !std::ranges::all_of(text, [](char c) { return c >= '0' && c <= '9'; }))
          return fmt::format("expected a count, 0 or more (found \"{}\")", text);
        return {};
      },
      "N");
  cmd.add_option("--limit", given, help)->check(count);
  if (top_alias) cmd.add_option("--top", top, "Deprecated: the old name of --limit (for one release)")->check(count);
}

std::size_t LimitOption::rows(Format format) const {
  return list_limit(given ? given : top, own_default, format, output_settings());
}

bool LimitOption::terminal_default(Format format) const {
  return !given && !top && !own_default && format == Format::table && output_settings().terminal;
}

Result<void> LimitOption::check() const {
  if (given && top) return fail(ErrorCode::usage, "--top is the old name of --limit: give --limit alone");
  if (top) std::cerr << "talentgraph: --top is deprecated: use --limit\n";
  return {};
}

void note_more(std::size_t more) {
  if (more) std::cerr << fmt::format("… {} more (use --limit 0 or --format json)\n", more);
}

std::size_t limit_rows(Rows& rows, const LimitOption& limit, Format format) {
  const std::size_t n = limit.rows(format);
  if (n == 0 || rows.size() <= n) return 0;
  const std::size_t more = rows.size() - n;
  rows.resize(n);
  return limit.terminal_default(format) ? more : 0;
}

Format FormatOption::format() const {
  if (text == "json") return Format::json;
  if (text == "csv") return Format::csv;
  return Format::table;
}

void DateOptions::setup(CLI::App& cmd) {
  cmd.add_option("--since", since, "Only what happened on or after this date (YYYY, YYYY-MM or YYYY-MM-DD)");
  cmd.add_option("--until", until, "Only what happened on or before this date");
  add_as_of(cmd, as_of, "The graph as it stood at the end of this date");
}

namespace {
// A count of 1 or more, said plainly when it is not ("must be 1 or more (found 0)").
CLI::Validator at_least(std::size_t least) {
  return CLI::Validator(
      [least](std::string& text) -> std::string {
        std::size_t value = 0;
        const auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
        if (ec == std::errc() && p == text.data() + text.size() && value >= least) return {};
        return fmt::format("must be a whole number, {} or more (found {})", least, text);
      },
      fmt::format("N>={}", least));
}
}  // namespace

void InputLimitOptions::setup(CLI::App& cmd) {
  const ingest::InputLimits defaults;
  cmd.add_option("--max-document-size", document_size,
                 fmt::format("The largest JSON document (a .json or curation file, a JSON Lines line): bytes, or with "
                             "k, M, G (default {})",
                             ingest::size_text(defaults.document_bytes)));
  cmd.add_option("--max-string-length", given.string_length, "The longest name, alias, role or CSV field, in characters")
      ->check(at_least(1))
      ->capture_default_str();
  cmd.add_option("--max-nesting", given.nesting_depth, "How deep JSON values may nest")
      ->check(at_least(4))
      ->capture_default_str();
  cmd.add_option("--max-entities", given.entities_per_document, "The most entities one extraction document may list")
      ->check(at_least(1))
      ->capture_default_str();
}

Result<ingest::InputLimits> InputLimitOptions::limits() const {
  ingest::InputLimits limits = given;
  // Code that walks a JSON value recurses: past this a hostile file could exhaust the stack.
  constexpr std::size_t kDeepest = 10000;
  if (limits.nesting_depth > kDeepest)
    return fail(ErrorCode::usage, fmt::format("--max-nesting: at most {} (found {})", kDeepest, limits.nesting_depth));
  if (!document_size.empty()) {
    auto bytes = ingest::parse_size(document_size);
    if (!bytes) return fail(ErrorCode::usage, fmt::format("--max-document-size: {}", bytes.error().message));
    if (*bytes == 0) return fail(ErrorCode::usage, "--max-document-size: give a size above 0");
    limits.document_bytes = *bytes;
  }
  return limits;
}

Result<void> check_include_undated(bool include_undated, const DateWindow& window, std::string_view flags) {
  if (!include_undated || window.bounded()) return {};
  return fail(ErrorCode::usage, fmt::format("--include-undated keeps moves of unknown date in a date window: give {} "
                                            "with it (without a window every move is listed)",
                                            flags));
}

void add_as_of(CLI::App& cmd, std::string& as_of, const std::string& help) { cmd.add_option("--as-of", as_of, help); }

namespace {

Result<PartialDate> parse_date(const std::string& flag, const std::string& text) {
  auto d = PartialDate::parse(text);
  if (!d) return fail(ErrorCode::usage, fmt::format("{}: {}", flag, d.error().message));
  return d;
}

}  // namespace

Result<DateWindow> DateOptions::window() const {
  if (!until.empty() && !as_of.empty())
    return fail(ErrorCode::usage, "--until and --as-of both end the window: give one of them");
  DateWindow w;
  if (!since.empty()) {
    auto d = parse_date("--since", since);
    if (!d) return fail(d.error());
    w.first = d->first_day();
  }
  for (auto [flag, text] : {std::pair{"--until", &until}, std::pair{"--as-of", &as_of}}) {
    if (text->empty()) continue;
    auto d = parse_date(flag, *text);
    if (!d) return fail(d.error());
    w.last = w.last ? std::min(*w.last, d->last_day()) : d->last_day();
  }
  if (w.first && w.last && *w.first > *w.last)
    return fail(ErrorCode::usage, fmt::format("--since {} is after the end of the window", since));
  return w;
}

Result<std::optional<std::int32_t>> DateOptions::as_of_day() const {
  if (as_of.empty()) return std::optional<std::int32_t>{};
  auto d = PartialDate::parse(as_of);
  if (!d) return fail(ErrorCode::usage, fmt::format("--as-of: {}", d.error().message));
  return std::optional<std::int32_t>{d->last_day()};
}

Result<void> CountryOptions::validate(std::string& from_out, std::string& to_out) const {
  for (auto [text, slot, flag] :
       {std::tuple{&from, &from_out, "--from-country"}, std::tuple{&to, &to_out, "--to-country"}}) {
    if (text->empty()) continue;
    auto code = parse_country_code(*text);
    if (!code)
      return fail(ErrorCode::usage,
                  fmt::format("{}: expected an ISO 3166-1 alpha-2 code such as US (found \"{}\")", flag, *text));
    *slot = std::move(*code);
  }
  return {};
}

Result<std::vector<RelationKind>> relation_kinds(const std::string& list) {
  std::vector<RelationKind> kinds;
  std::size_t pos = 0;
  while (pos <= list.size() && !list.empty()) {
    const std::size_t comma = std::min(list.find(',', pos), list.size());
    const std::string item = list.substr(pos, comma - pos);
    auto k = parse_relation_kind(item);
    if (!k) return fail(ErrorCode::usage, fmt::format("--via: unknown relation kind \"{}\"", item));
    kinds.push_back(*k);
    pos = comma + 1;
  }
  return kinds;
}

std::string dates_text(const RelationRow& r) {
  if (r.start.known() && r.end.known()) return r.start.str() + " – " + r.end.str();
  // A former stint of known start ended at an unknown time: not an open "2022 –".
  if (r.start.known()) return r.start.str() + (r.former ? " – (former)" : " –");
  if (r.end.known()) return "– " + r.end.str();
  return r.former ? "former" : "";
}

void note_undated_left_out(std::uint64_t left_out, Format format) {
  if (left_out && format == Format::table)
    std::cerr << fmt::format("({} move(s) of unknown date left out of the date window; --include-undated keeps them)\n",
                             left_out);
}

void add_roll_up(CLI::App& cmd, bool& roll_up) {
  cmd.add_flag("--roll-up", roll_up,
               "Fold organisations into their top parent through current part_of links (a lab into its company); "
               "moves within one top organisation are left out, and counted");
}

void note_internal_left_out(bool roll_up, std::uint64_t internal, Format format, Rows& rows) {
  if (!roll_up) return;
  if (format == Format::json) {
    for (Row& row : rows) row.push_back({"internal_moves_left_out", internal});
    return;
  }
  std::cerr << fmt::format("(rolled up: {} move(s) within one organisation left out)\n", internal);
}

void lay_out(queries::ExportGraph& g, std::uint64_t seed) {
  if (g.nodes.size() > kLayoutLimit) return;
  constexpr double kScale = 60;
  std::vector<std::pair<std::uint32_t, std::uint32_t>> links;
  for (const auto& e : g.edges) links.emplace_back(e.source, e.target);
  const auto at = graph::force_layout(static_cast<std::uint32_t>(g.nodes.size()), links, {.seed = seed});
  for (std::size_t i = 0; i < g.nodes.size(); ++i) g.nodes[i].position = {std::round(at[i].x * kScale), std::round(at[i].y * kScale)};
}

}  // namespace tg::cli
