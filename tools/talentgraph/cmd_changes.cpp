// changes --since last|N|DATE: what the logged writes (ingest, rebuild) changed, and the moves
// that appeared and disappeared in each, with the filters of `moves` (queries/changes.h).
#include <iostream>
#include <memory>
#include <string>

#include <fmt/format.h>

#include "queries/changes.h"
#include "tools/talentgraph/cli.h"
#include "tools/talentgraph/log_output.h"

namespace tg::cli {

Value logged_move_json(const LoggedMove& m) {
  auto text_or_null = [](const std::string& s) { return s.empty() ? Value() : Value(s); };
  EvidenceList evidence;
  if (!m.source.empty()) {
    Evidence e;
    e.source = m.source;
    e.quote = m.quote;
    e.source_url = m.url;
    evidence.push_back(std::move(e));
  }
  return Object{{"person", m.person_name},
                {"from", m.from_name},
                {"to", m.to_name},
                {"from_country", m.from_country},
                {"to_country", m.to_country},
                {"from_location_country", text_or_null(m.from_location_country)},
                {"to_location_country", text_or_null(m.to_location_country)},
                {"date", text_or_null(m.date)},
                {"basis", m.basis},
                {"evidence", std::move(evidence)}};
}

std::string logged_move_line(const LoggedMove& m) {
  auto org = [](const std::string& name, const std::string& country) {
    return country.empty() ? name : fmt::format("{} ({})", name, country);
  };
  std::string line = fmt::format("{}: {} → {}, {}", m.person_name, org(m.from_name, m.from_country),
                                 org(m.to_name, m.to_country), m.date.empty() ? "date unknown" : m.date);
  if (!m.source.empty()) line += m.quote.empty() ? fmt::format("; {}", m.source) : fmt::format("; {}: \"{}\"", m.source, m.quote);
  return line;
}

Object log_entry_json(const LogEntry& e) {
  return Object{{"generation", e.generation},
                {"kind", e.kind},
                {"started", e.started},
                {"finished", e.finished},
                {"duration_ms", e.duration_ms},
                {"files", Object{{"added", e.files_added}, {"changed", e.files_changed}, {"removed", e.files_removed},
                                 {"unchanged", e.files_unchanged}, {"skipped", e.files_skipped}}},
                {"entities", Object{{"added", e.entities_added}, {"retracted", e.entities_retracted}}},
                {"relations", Object{{"added", e.relations_added}, {"retracted", e.relations_retracted}}},
                {"claims", Object{{"added", e.claims_added}, {"retracted", e.claims_retracted}}},
                {"moves", Object{{"new", e.moves_new}, {"retracted", e.moves_retracted}}},
                {"initial_load", e.initial_load},
                {"moves_total", e.moves_new + e.moves_retracted}};
}

namespace {

struct ChangesArgs {
  std::string since = "last", person, from, to, moved_since, moved_until;
  CountryOptions countries;
  bool include_undated = false;
  FormatOption format;
  LimitOption limit;  // the moves listed in a table or CSV (JSON lists every write whole)

  Result<queries::ChangeSearch> validate() const {
    queries::ChangeSearch search;
    search.since = since;
    DateOptions dates;
    dates.since = moved_since;
    dates.until = moved_until;
    auto window = dates.window();
    if (!window) {
      // DateOptions names its own flags: say ours.
      Error e = window.error();
      for (auto [theirs, ours] : {std::pair{"--since", "--moved-since"}, std::pair{"--until", "--moved-until"}})
        if (e.message.starts_with(theirs)) e.message = ours + e.message.substr(std::string_view(theirs).size());
      return fail(e);
    }
    if (auto ok = check_include_undated(include_undated, *window, "--moved-since or --moved-until"); !ok)
      return fail(ok.error());
    search.window = {*window, include_undated};
    if (auto r = countries.validate(search.from_country, search.to_country); !r) return fail(r.error());
    search.person = person;
    search.from = from;
    search.to = to;
    return search;
  }
};

std::string entry_line(const LogEntry& e) {
  return fmt::format("generation {} ({}, {}): {} file(s) added, {} changed, {} removed; {} move(s) new, {} retracted",
                     e.generation, e.kind, e.finished, e.files_added, e.files_changed, e.files_removed, e.moves_new,
                     e.moves_retracted);
}

int run_changes(Env& env, const ChangesArgs& args) {
  auto search = args.validate();
  if (!search) return report(search.error());
  auto entries = queries::changes(*env.store, *search);
  if (!entries) return report(entries.error());
  const Format format = args.format.format();
  if (format == Format::json && args.limit.given)
    return report({ErrorCode::usage, "--limit cuts the moves listed in a table or CSV: --format json lists every write whole"});
  if (format == Format::json) {
    List out;
    for (const auto& c : *entries) {
      Object o = log_entry_json(c.entry);
      List added, retracted;
      for (const auto& m : c.moves) (m.change > 0 ? added : retracted).push_back(logged_move_json(m));
      o.push_back({"new", std::move(added)});
      o.push_back({"retracted", std::move(retracted)});
      out.push_back(std::move(o));
    }
    print_json(std::cout, out);
    return 0;
  }
  Rows rows;
  for (const auto& c : *entries)
    for (const auto& m : c.moves) {
      Row row = std::get<Object>(logged_move_json(m).data());
      row.push_back({"generation", c.entry.generation});
      row.push_back({"finished", c.entry.finished});
      row.push_back({"change", m.change > 0 ? "new" : "retracted"});
      rows.push_back(std::move(row));
    }
  const std::size_t more = limit_rows(rows, args.limit, format);
  print_rows(std::cout, format, rows,
             {{"generation"}, {"finished"}, {"change"}, {"person"}, {"from"}, {"to"}, {"from_country"}, {"to_country"},
              {"date"}, {"evidence", 70}});
  note_more(more);
  if (format == Format::table) {
    if (entries->empty())
      std::cerr << (args.since == "last" ? "(no write logged yet)\n" : fmt::format("(no write logged since {})\n", args.since));
    for (const auto& c : *entries) {
      std::cerr << "(" << entry_line(c.entry) << ")\n";
      if (c.entry.initial_load)
        std::cerr << fmt::format("(generation {} was the first load into an empty store: its {} move(s) are not "
                                 "listed one by one, nor filtered; talentgraph moves lists them)\n",
                                 c.entry.generation, c.entry.moves_new);
    }
  }
  return 0;
}

}  // namespace

Run setup_changes(CLI::App& cmd) {
  auto args = std::make_shared<ChangesArgs>();
  cmd.add_option("--since", args->since,
                 "Which logged writes: last (the newest), N (generation N and later) or a date YYYY-MM-DD / YYYY-MM "
                 "(those finished on or after it, UTC)")
      ->capture_default_str();
  cmd.add_option("--person", args->person, "Only this person (any alias; also a person since gone)");
  cmd.add_option("--from", args->from, "Only moves out of this organisation");
  cmd.add_option("--to", args->to, "Only moves into this organisation");
  cmd.add_option("--from-country", args->countries.from, "Only moves out of organisations of this country (ISO code)");
  cmd.add_option("--to-country", args->countries.to, "Only moves into organisations of this country (ISO code)");
  cmd.add_option("--moved-since", args->moved_since,
                 "Only moves dated on or after this date (what `moves --since` is; here --since picks writes)");
  cmd.add_option("--moved-until", args->moved_until, "Only moves dated on or before this date");
  cmd.add_flag("--include-undated", args->include_undated, "Keep moves of unknown date in a --moved-* window");
  args->format.setup(cmd);
  args->limit.setup(cmd);
  return [args](Env& env) { return run_changes(env, *args); };
}

}  // namespace tg::cli
