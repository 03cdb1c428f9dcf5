// The commands that change the store or count it: ingest, forget, stats; and the ingest report
// (rebuild prints it too).
#include <algorithm>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "ingest/ingest.h"
#include "queries/entities.h"
#include "tools/talentgraph/cli.h"
#include "tools/talentgraph/ingest_report.h"

namespace tg::cli {

void print_report(const ingest::IngestReport& r) {
  std::cerr << fmt::format(
      "ingested {} file(s): {} document(s), {} CSV row(s)\n"
      "  entities: {} new, {} merged with names from other records; {} alias(es) added\n"
      "  relations: {} new, {} already known; claims: {} new, {} already known; sources: {} new\n",
      r.files, r.documents, r.csv_rows, r.entities_created, r.entities_matched, r.aliases_added, r.relations_added,
      r.relations_existing, r.claims_added, r.claims_existing, r.sources_added);
  if (r.nothing_read)
    std::cerr << "  nothing to ingest: no document, CSV row or curation rule was read; nothing was written\n";
  if (r.curation_merges) std::cerr << fmt::format("  curation: {} entities merged by same_as\n", r.curation_merges);
  if (r.forgotten_removed || r.forgotten_skipped)
    std::cerr << fmt::format("  forget: {} removed, {} left out of this input\n", r.forgotten_removed,
                             r.forgotten_skipped);
  for (const auto& m : r.name_order_merges)
    std::cerr << fmt::format("  name order: {}: \"{}\" merged into {}, who shares {} (keep them apart with "
                             "not_same_as in a curation file)\n",
                             m.where, m.merged, m.into, fmt::join(m.shared, ", "));
  if (r.sources_revised || r.csv_files_revised)
    std::cerr << fmt::format(
        "  revised: {} source(s), {} CSV file(s); retracted {} claim(s), {} relation(s), {} entit{}, {} alias(es), "
        "{} external id(s)\n",
        r.sources_revised, r.csv_files_revised, r.retracted.claims, r.retracted.relations, r.retracted.entities,
        r.retracted.entities == 1 ? "y" : "ies", r.retracted.aliases, r.retracted.ids);
  if (!r.conflicts.empty()) {
    std::cerr << fmt::format("  countries: {} entit{} with competing claims (the rule: a curation pin, then "
                             "headquarters, then most sources):\n",
                             r.conflicts.size(), r.conflicts.size() == 1 ? "y" : "ies");
    for (const auto& c : r.conflicts) {
      std::string claims;
      for (const auto& claim : c.claims) claims += fmt::format("{}{} ({})", claims.empty() ? "" : ", ", claim.country, claim.origin);
      std::cerr << fmt::format("    {}: {} by {}; claims: {}\n", c.entity, c.chosen.empty() ? "none" : c.chosen, c.rule,
                               claims);
    }
  }
  if (!r.ambiguities.empty()) {
    std::cerr << fmt::format("  ambiguous: {} name(s) fit several entities; nothing was merged for them "
                             "(decide with same_as / not_same_as in a curation file):\n",
                             r.ambiguities.size());
    for (const auto& a : r.ambiguities) {
      std::cerr << fmt::format("    {}: \"{}\" ({}) fits", a.where, a.name, to_string(a.kind));
      for (std::size_t i = 0; i < a.candidates.size(); ++i) std::cerr << (i ? "; " : " ") << a.candidates[i];
      std::cerr << '\n';
    }
  }
}

Value report_json(const ingest::IngestReport& r) {
  List conflicts, ambiguities, name_order;
  for (const auto& m : r.name_order_merges)
    name_order.push_back(Object{{"where", m.where}, {"merged", m.merged}, {"into", m.into},
                                {"shared", List(m.shared.begin(), m.shared.end())}});
  for (const auto& c : r.conflicts) {
    List claims;
    for (const auto& claim : c.claims)
      claims.push_back(Object{{"origin", claim.origin}, {"country", claim.country}, {"confidence", claim.confidence}});
    conflicts.push_back(Object{{"entity", c.entity}, {"chosen", c.chosen}, {"rule", c.rule},
                               {"unresolved", c.unresolved}, {"claims", std::move(claims)}});
  }
  for (const auto& a : r.ambiguities) {
    List candidates(a.candidates.begin(), a.candidates.end());
    ambiguities.push_back(Object{{"where", a.where}, {"name", a.name}, {"kind", std::string(to_string(a.kind))},
                                 {"candidates", std::move(candidates)}});
  }
  auto n = [](std::size_t v) { return static_cast<std::int64_t>(v); };
  return Object{
      {"files", n(r.files)}, {"documents", n(r.documents)}, {"csv_rows", n(r.csv_rows)},
      {"entities", Object{{"new", n(r.entities_created)}, {"merged", n(r.entities_matched)}}},
      {"aliases_added", n(r.aliases_added)},
      {"relations", Object{{"new", n(r.relations_added)}, {"known", n(r.relations_existing)}}},
      {"claims", Object{{"new", n(r.claims_added)}, {"known", n(r.claims_existing)}}},
      {"sources_added", n(r.sources_added)},
      {"curation_merges", n(r.curation_merges)},
      {"forgotten", Object{{"removed", n(r.forgotten_removed)}, {"left_out", n(r.forgotten_skipped)}}},
      {"revised", Object{{"sources", n(r.sources_revised)}, {"csv_files", n(r.csv_files_revised)}}},
      {"retracted", Object{{"claims", n(r.retracted.claims)}, {"relations", n(r.retracted.relations)},
                           {"entities", n(r.retracted.entities)}, {"aliases", n(r.retracted.aliases)},
                           {"external_ids", n(r.retracted.ids)}}},
      {"country_conflicts", std::move(conflicts)},
      {"name_order_merges", std::move(name_order)},
      {"ambiguities", std::move(ambiguities)}};
}

namespace {

// ---- ingest ----

struct IngestArgs {
  std::vector<std::string> paths, curation;
  std::string format;
  std::string report = "table";  // the report: table (stderr) or json (stdout)
  InputLimitOptions limits;

  Result<ingest::IngestOptions> validate() const {
    ingest::IngestOptions options;
    if (!format.empty()) options.format = ingest::parse_input_format(format);
    options.curation_files = curation;
    auto l = limits.limits();
    if (!l) return fail(l.error());
    options.limits = *l;
    return options;
  }
};

// Without a store the database does not exist yet: it is built aside, then put in place.
int run_ingest(Env& env, const IngestArgs& args) {
  if (args.paths.empty() && args.curation.empty())
    return report(Error(ErrorCode::usage, "ingest: give files or folders to ingest, or --curation FILE"));
  const auto options = args.validate();
  if (!options) return report(options.error());
  auto result = env.store ? ingest::ingest(*env.store, args.paths, *options)
                          : ingest::ingest_new_store(env.db_path, args.paths, *options);
  if (!result) {
    std::cerr << result.error().str() << '\n';
    std::cerr << (env.store ? "talentgraph: ingest failed; the database is unchanged\n"
                            : "talentgraph: ingest failed; no database was created\n");
    return static_cast<int>(result.error().code);
  }
  if (args.report == "json") {
    print_json(std::cout, report_json(*result));
    return 0;
  }
  print_report(*result);
  return 0;
}

// ---- forget ----

struct ForgetArgs {
  std::string name;
  bool dry_run = false;
};

int run_forget(Env& env, const ForgetArgs& args) {
  auto id = queries::find_person(*env.store, args.name);
  if (!id) return report(id.error());
  // Named as the store knows them: a `#ID` or `scheme:value` given on the command line does not
  // say who an irreversible command is about. Only on stderr, like the rest of the report.
  const auto person = env.store->entity(*id);
  const std::string who = fmt::format("{} (#{})", person ? person->name : std::string("?"), raw(*id));
  auto r = ingest::forget_person(*env.store, *id, args.dry_run);
  if (!r) return report(r.error());
  std::cerr << fmt::format("{} {}: {} alias(es), {} external id(s), {} relation(s){}\n",
                           r->done ? "forgot" : "would forget", who, r->aliases, r->ids, r->relations,
                           r->done ? "; later ingests will leave them out" : " (dry run: nothing was changed)");
  return 0;
}

// ---- stats ----

struct StatsArgs {
  FormatOption format;
  std::string as_of;
};

int run_stats(Env& env, const StatsArgs& args) {
  const FormatOption& format = args.format;
  DateOptions dates;
  dates.as_of = args.as_of;
  auto as_of = dates.as_of_day();
  if (!as_of) return report(as_of.error());
  const queries::Counts c = queries::counts(*env.store, *as_of);
  // By kind name: the order of the JSON object's keys, which the table follows.
  Object entities, relations;
  for (auto [kind, n] : c.entities_by_kind) entities.push_back({std::string(to_string(kind)), n});
  for (auto [kind, n] : c.relations_by_kind) relations.push_back({std::string(to_string(kind)), n});
  for (Object* o : {&entities, &relations})
    std::ranges::sort(*o, [](const Field& a, const Field& b) { return a.key < b.key; });
  if (format.format() == Format::json) {
    Object o{{"entities", Object{{"total", c.entities}, {"by_kind", entities}}},
             {"relations", Object{{"total", c.relations}, {"by_kind", relations}}},
             {"sources", c.sources},
             {"claims", c.claims},
             {"aliases", c.aliases}};
    if (*as_of) o.push_back({"as_of", args.as_of});  // the relations' date (the key is absent without --as-of)
    print_json(std::cout, o);
    return 0;
  }
  Rows rows;
  auto add = [&](const char* what, std::string kind, const Value& count) {
    rows.push_back({{"what", what}, {"kind", std::move(kind)}, {"count", count}});
  };
  add("entities", "(all)", c.entities);
  for (const auto& [k, n] : entities) add("entities", k, n);
  add("relations", "(all)", c.relations);
  for (const auto& [k, n] : relations) add("relations", k, n);
  add("sources", "", c.sources);
  add("claims", "", c.claims);
  add("aliases", "", c.aliases);
  print_rows(std::cout, format.format(), rows, {{"what"}, {"kind"}, {"count"}});
  if (*as_of && format.format() == Format::table)
    std::cerr << fmt::format("(relations as of {}: those that held at its end; the other counts are the store's)\n",
                             printable(args.as_of));
  return 0;
}

}  // namespace

Run setup_ingest(CLI::App& cmd) {
  auto args = std::make_shared<IngestArgs>();
  cmd.add_option("paths", args->paths, "Files or folders: *.json, *.jsonl, *.csv, curation.json or *.curation.json (none with --curation)");
  cmd.add_option("--format", args->format, "Input format, overriding the file extension")
      ->check(CLI::IsMember({"json", "jsonl", "csv", "curation"}));
  // One file per --curation (`--curation c.json data/` ingests data/ as sources, not as curation).
  cmd.add_option("--curation", args->curation,
                 "A curation file (same_as, not_same_as, forget, country), whatever its name; repeat for several")
      ->allow_extra_args(false);
  cmd.add_option("--report", args->report, "The report: table (on stderr) or json (on stdout)")
      ->check(CLI::IsMember({"table", "json"}))
      ->capture_default_str();
  args->limits.setup(cmd);
  return [args](Env& env) { return run_ingest(env, *args); };
}

Run setup_forget(CLI::App& cmd) {
  auto args = std::make_shared<ForgetArgs>();
  cmd.add_option("person", args->name, "The person: a whole name or alias, #ID, or scheme:value (wikidata:Q…)")->required();
  cmd.add_flag("--dry-run", args->dry_run, "Say what would be removed, and remove nothing");
  return [args](Env& env) { return run_forget(env, *args); };
}

Run setup_stats(CLI::App& cmd) {
  auto args = std::make_shared<StatsArgs>();
  args->format.setup(cmd);
  add_as_of(cmd, args->as_of, "Count the relations that held at the end of this date (entities, sources and claims have no dates)");
  return [args](Env& env) { return run_stats(env, *args); };
}

}  // namespace tg::cli
