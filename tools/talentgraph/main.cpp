// talentgraph: the command line. A thin adapter: parse arguments, open the store, call the
// ingest or query library, print the answer. Data goes to stdout, messages to stderr.
//
// Exit codes: 0 ok; 1 unexpected failure; 2 usage; 3 bad input data; 4 missing database;
// 5 entity not found; 6 I/O or database error; 7 no path; 8 ambiguous name.

#include <cstdlib>
#include <iostream>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "graph/store.h"
#include "ingest/ingest.h"
#include "ingest/normalize.h"
#include "queries/entities.h"
#include "queries/moves.h"
#include "tools/talentgraph/output.h"

namespace tg::cli {
namespace {

using nlohmann::json;

int exit_code(const Error& e) { return static_cast<int>(e.code); }

int report(const Error& e) {
  std::cerr << "talentgraph: " << e.message << '\n';
  return exit_code(e);
}

std::string key_of(std::string_view name, bool organisation) {
  return ingest::alias_key(name, organisation ? ingest::KeyStyle::organisation : ingest::KeyStyle::plain);
}

// Options shared by the query commands.
struct QueryOptions {
  std::string format = "table";
  std::string since, until, as_of;
};

Format output_format(const std::string& text) {
  if (text == "json") return Format::json;
  if (text == "csv") return Format::csv;
  return Format::table;
}

void add_query_options(CLI::App* cmd, QueryOptions& q, bool dates) {
  cmd->add_option("--format", q.format, "Output: table, json or csv")
      ->check(CLI::IsMember({"table", "json", "csv"}))
      ->capture_default_str();
  if (!dates) return;
  cmd->add_option("--since", q.since, "Only what happened on or after this date (YYYY, YYYY-MM or YYYY-MM-DD)");
  cmd->add_option("--until", q.until, "Only what happened on or before this date");
  cmd->add_option("--as-of", q.as_of, "The graph as it stood at the end of this date");
}

// The window of --since/--until/--as-of; partial dates widen to the interval they cover.
Result<DateWindow> window_of(const QueryOptions& q) {
  DateWindow w;
  auto parse = [](const std::string& flag, const std::string& text) -> Result<PartialDate> {
    auto d = PartialDate::parse(text);
    if (!d) return fail(ErrorCode::usage, fmt::format("{}: {}", flag, d.error().message));
    return d;
  };
  if (!q.since.empty()) {
    auto d = parse("--since", q.since);
    if (!d) return std::unexpected(d.error());
    w.first = d->first_day();
  }
  for (auto [flag, text] : {std::pair{"--until", &q.until}, std::pair{"--as-of", &q.as_of}}) {
    if (text->empty()) continue;
    auto d = parse(flag, *text);
    if (!d) return std::unexpected(d.error());
    w.last = w.last ? std::min(*w.last, d->last_day()) : d->last_day();
  }
  if (w.first && w.last && *w.first > *w.last)
    return fail(ErrorCode::usage, fmt::format("--since {} is after the end of the window", q.since));
  return w;
}

json evidence_json(const std::vector<Evidence>& evidence) {
  json out = json::array();
  for (const auto& e : evidence) {
    json item = {{"source", e.source}, {"quote", e.quote}, {"confidence", e.confidence}};
    if (!e.source_url.empty()) item["url"] = e.source_url;
    out.push_back(std::move(item));
  }
  return out;
}

json date_json(const PartialDate& d) { return d.known() ? json(d.str()) : json(nullptr); }

// ---- commands ----

int cmd_ingest(Store& store, const std::vector<std::string>& paths, const std::string& format,
               const std::vector<std::string>& curation) {
  ingest::IngestOptions options;
  if (!format.empty()) options.format = ingest::parse_input_format(format);
  options.curation_files = curation;
  auto result = ingest::ingest(store, paths, options);
  if (!result) {
    std::cerr << result.error().message << '\n';
    std::cerr << "talentgraph: ingest failed; the database is unchanged\n";
    return exit_code(result.error());
  }
  const auto& r = *result;
  std::cerr << fmt::format(
      "ingested {} file(s): {} document(s), {} CSV row(s)\n"
      "  entities: {} new, {} merged with names from other records; {} alias(es) added\n"
      "  relations: {} new, {} already known; claims: {} new, {} already known; sources: {} new\n",
      r.files, r.documents, r.csv_rows, r.entities_created, r.entities_matched, r.aliases_added, r.relations_added,
      r.relations_existing, r.claims_added, r.claims_existing, r.sources_added);
  if (r.curation_merges) std::cerr << fmt::format("  curation: {} entities merged by same_as\n", r.curation_merges);
  if (r.forgotten_removed || r.forgotten_skipped)
    std::cerr << fmt::format("  forget: {} removed, {} left out of this input\n", r.forgotten_removed,
                             r.forgotten_skipped);
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
  return 0;
}

struct MoveArgs {
  std::string person, from, to, from_country, to_country;
  bool include_undated = false;
};

int cmd_moves(Store& store, const MoveArgs& a, const QueryOptions& q) {
  queries::MoveFilter filter;
  auto window = window_of(q);
  if (!window) return report(window.error());
  filter.window = *window;
  filter.include_undated = a.include_undated;
  for (auto [text, slot] : {std::pair{&a.person, &filter.person}, std::pair{&a.from, &filter.from},
                            std::pair{&a.to, &filter.to}}) {
    if (text->empty()) continue;
    auto id = queries::find_entity(store, *text, key_of);
    if (!id) return report(id.error());
    *slot = *id;
  }
  for (auto [text, slot, flag] : {std::tuple{&a.from_country, &filter.from_country, "--from-country"},
                                  std::tuple{&a.to_country, &filter.to_country, "--to-country"}}) {
    if (text->empty()) continue;
    if (text->size() != 2 || !std::isalpha(static_cast<unsigned char>((*text)[0])) ||
        !std::isalpha(static_cast<unsigned char>((*text)[1])))
      return report({ErrorCode::usage, fmt::format("{}: expected an ISO 3166-1 alpha-2 code such as US (found \"{}\")",
                                                   flag, *text)});
    *slot = *text;
    for (char& c : *slot) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  auto moves = queries::find_moves(store, filter);
  std::map<std::int64_t, EntityRow> names;
  auto entity = [&](EntityId id) -> const EntityRow& {
    auto it = names.find(raw(id));
    if (it == names.end()) it = names.emplace(raw(id), store.entity(id).value_or(EntityRow{})).first;
    return it->second;
  };
  json rows = json::array();
  for (const auto& m : moves) {
    std::vector<Evidence> evidence;
    // The arrival's evidence first, then what places the person at the origin.
    for (auto it = m.relations.rbegin(); it != m.relations.rend(); ++it)
      for (auto& e : store.evidence(*it))
        if (std::ranges::none_of(evidence, [&](const Evidence& x) { return x.source == e.source && x.quote == e.quote; }))
          evidence.push_back(std::move(e));
    rows.push_back({{"person", entity(m.person).name},
                    {"from", entity(m.from).name},
                    {"to", entity(m.to).name},
                    {"from_country", entity(m.from).country},
                    {"to_country", entity(m.to).country},
                    {"date", date_json(m.date)},
                    {"basis", std::string(queries::to_string(m.basis))},
                    {"evidence", evidence_json(evidence)}});
  }
  print_rows(std::cout, output_format(q.format), rows,
             {{"person", "person"}, {"from", "from"}, {"to", "to"}, {"from_country", "from cc"},
              {"to_country", "to cc"}, {"date", "date"}, {"basis", "basis"}, {"evidence", "evidence", 90}});
  if (filter.window.bounded() && !a.include_undated && output_format(q.format) == Format::table)
    std::cerr << "(moves of unknown date are left out of a date window; --include-undated keeps them)\n";
  return 0;
}

std::string dates_text(const RelationRow& r) {
  if (r.start.known() && r.end.known()) return r.start.str() + " – " + r.end.str();
  if (r.start.known()) return r.start.str() + " –";
  if (r.end.known()) return "– " + r.end.str();
  return r.former ? "former" : "";
}

int cmd_show(Store& store, const std::string& name, const QueryOptions& q) {
  auto id = queries::find_entity(store, name, key_of);
  if (!id) return report(id.error());
  const auto card = queries::entity_card(store, *id);
  json relations = json::array();
  for (const auto& c : card.relations) {
    json row = {{"relation", std::string(to_string(c.relation.kind))},
                {"direction", c.outgoing ? "out" : "in"},
                {"other", c.other_name},
                {"other_kind", std::string(to_string(c.other_kind))},
                {"start", date_json(c.relation.start)},
                {"end", date_json(c.relation.end)},
                {"former", c.relation.former},
                {"role", c.relation.role},
                {"status", c.relation.status},
                {"evidence", evidence_json(c.evidence)}};
    if (!c.left_name.empty()) row["left"] = c.left_name;
    row["dates"] = dates_text(c.relation);
    row["link"] = fmt::format("{} {} {}", c.outgoing ? "→" : "←", to_string(c.relation.kind), c.other_name);
    relations.push_back(std::move(row));
  }
  json aliases = json::array(), ids = json::object();
  for (const auto& a : card.aliases) aliases.push_back(a.name);
  for (const auto& x : card.ids) ids[x.scheme] = x.value;
  const Format format = output_format(q.format);
  if (format == Format::json) {
    json out = {{"id", raw(card.entity.id)}, {"name", card.entity.name}, {"kind", std::string(to_string(card.entity.kind))},
                {"country", card.entity.country}, {"anonymous", card.entity.anonymous}, {"aliases", aliases},
                {"ids", ids}, {"relations", relations}, {"sources", card.sources}};
    std::cout << out.dump(2) << '\n';
    return 0;
  }
  const std::vector<Column> columns = {{"dates", "dates"}, {"link", "relation"}, {"role", "role"},
                                       {"status", "status"}, {"evidence", "evidence", 80}};
  if (format == Format::csv) {
    print_rows(std::cout, format, relations, columns, "");
    return 0;
  }
  std::cout << fmt::format("{}  ({}{}{})  #{}\n", card.entity.name, to_string(card.entity.kind),
                           card.entity.country.empty() ? "" : ", ", card.entity.country, raw(card.entity.id));
  std::string alias_line;
  for (const auto& a : card.aliases)
    if (a.name != card.entity.name) alias_line += (alias_line.empty() ? "" : ", ") + a.name;
  if (!alias_line.empty()) std::cout << "aliases: " << alias_line << '\n';
  if (!card.ids.empty()) {
    std::string line;
    for (const auto& x : card.ids) line += (line.empty() ? "" : ", ") + x.scheme + ":" + x.value;
    std::cout << "ids: " << line << '\n';
  }
  std::cout << '\n';
  print_rows(std::cout, format, relations, columns, "");
  std::string sources;
  for (const auto& s : card.sources) sources += (sources.empty() ? "" : ", ") + s;
  std::cout << "\nsources: " << (sources.empty() ? "none" : sources) << '\n';
  return 0;
}

int cmd_search(Store& store, const std::string& text, int limit, const QueryOptions& q) {
  auto hits = queries::search_entities(store, text, key_of, limit);
  json rows = json::array();
  for (const auto& h : hits)
    rows.push_back({{"name", h.name}, {"kind", std::string(to_string(h.kind))}, {"matched", h.matched}, {"id", raw(h.id)}});
  print_rows(std::cout, output_format(q.format), rows,
             {{"name", "name"}, {"kind", "kind"}, {"matched", "matched alias"}, {"id", "id"}});
  if (hits.empty() && output_format(q.format) == Format::table) std::cerr << fmt::format("no name contains \"{}\"\n", text);
  return 0;
}

int cmd_stats(Store& store, const QueryOptions& q) {
  const Stats s = store.stats();
  json entities = json::object(), relations = json::object();
  for (int k = 0; k < kNodeKindCount; ++k) entities[std::string(to_string(static_cast<NodeKind>(k)))] = 0;
  for (int k = 0; k < kRelationKindCount; ++k) relations[std::string(to_string(static_cast<RelationKind>(k)))] = 0;
  for (auto [kind, n] : s.entities_by_kind) entities[std::string(to_string(kind))] = n;
  for (auto [kind, n] : s.relations_by_kind) relations[std::string(to_string(kind))] = n;
  const Format format = output_format(q.format);
  if (format == Format::json) {
    json out = {{"entities", {{"total", s.entities}, {"by_kind", entities}}},
                {"relations", {{"total", s.relations}, {"by_kind", relations}}},
                {"sources", s.sources},
                {"claims", s.claims},
                {"aliases", s.aliases}};
    std::cout << out.dump(2) << '\n';
    return 0;
  }
  json rows = json::array();
  rows.push_back({{"what", "entities"}, {"kind", "(all)"}, {"count", s.entities}});
  for (auto& [k, n] : entities.items()) rows.push_back({{"what", "entities"}, {"kind", k}, {"count", n}});
  rows.push_back({{"what", "relations"}, {"kind", "(all)"}, {"count", s.relations}});
  for (auto& [k, n] : relations.items()) rows.push_back({{"what", "relations"}, {"kind", k}, {"count", n}});
  rows.push_back({{"what", "sources"}, {"kind", ""}, {"count", s.sources}});
  rows.push_back({{"what", "claims"}, {"kind", ""}, {"count", s.claims}});
  rows.push_back({{"what", "aliases"}, {"kind", ""}, {"count", s.aliases}});
  print_rows(std::cout, format, rows, {{"what", "what"}, {"kind", "kind"}, {"count", "count"}});
  return 0;
}

int cmd_forget(Store& store, const std::string& name) {
  auto removed = ingest::forget_person(store, name);
  if (!removed) return report(removed.error());
  // Say only how many: the name is already on the caller's screen.
  std::cerr << fmt::format("forgot {} person(s); later ingests will leave them out\n", *removed);
  return 0;
}

int run(int argc, char** argv) {
  CLI::App app{"talentgraph: a knowledge graph of tech-talent movement", "talentgraph"};
  app.require_subcommand(1);
  std::string db_path;
  app.add_option("--db", db_path, "Database file (default: $TALENTGRAPH_DB, else talentgraph.db)")
      ->envname("TALENTGRAPH_DB");

  // ingest
  std::vector<std::string> ingest_paths, curation_files;
  std::string ingest_format;
  auto* ingest_cmd = app.add_subcommand("ingest", "Add sources (files or folders) in one all-or-nothing transaction");
  ingest_cmd->add_option("paths", ingest_paths, "Files or folders: *.json, *.jsonl, *.csv, curation.json")
      ->required();
  ingest_cmd->add_option("--format", ingest_format, "Input format, overriding the file extension")
      ->check(CLI::IsMember({"json", "jsonl", "csv", "curation"}));
  ingest_cmd->add_option("--curation", curation_files, "Curation file(s): same_as, not_same_as, forget");

  // moves
  MoveArgs move_args;
  QueryOptions moves_q;
  auto* moves_cmd = app.add_subcommand("moves", "Who moved where: people's moves between organisations, with evidence");
  moves_cmd->add_option("--person", move_args.person, "Only this person (any alias)");
  moves_cmd->add_option("--from", move_args.from, "Only moves out of this organisation");
  moves_cmd->add_option("--to", move_args.to, "Only moves into this organisation");
  moves_cmd->add_option("--from-country", move_args.from_country, "Only moves out of organisations of this country (ISO code)");
  moves_cmd->add_option("--to-country", move_args.to_country, "Only moves into organisations of this country (ISO code)");
  moves_cmd->add_flag("--include-undated", move_args.include_undated, "Keep moves of unknown date in a date window");
  add_query_options(moves_cmd, moves_q, true);

  // show
  std::string show_name;
  QueryOptions show_q;
  auto* show_cmd = app.add_subcommand("show", "An entity card: aliases, ids, timeline of relations, sources");
  show_cmd->add_option("name", show_name, "Any name or alias, in any script")->required();
  add_query_options(show_cmd, show_q, false);

  // search
  std::string search_text;
  int search_limit = 20;
  QueryOptions search_q;
  auto* search_cmd = app.add_subcommand("search", "Find names containing a fragment, in any script");
  search_cmd->add_option("text", search_text, "A fragment of a name")->required();
  search_cmd->add_option("--limit", search_limit, "At most this many results")->capture_default_str()->check(CLI::PositiveNumber);
  add_query_options(search_cmd, search_q, false);

  // stats
  QueryOptions stats_q;
  auto* stats_cmd = app.add_subcommand("stats", "Counts of entities and relations by kind, sources and claims");
  add_query_options(stats_cmd, stats_q, false);

  // forget
  std::string forget_name;
  auto* forget_cmd = app.add_subcommand("forget", "Remove a person and every claim about them, for good");
  forget_cmd->add_option("name", forget_name, "The person's name or alias")->required();

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return static_cast<int>(ErrorCode::usage);
  }
  if (db_path.empty()) db_path = "talentgraph.db";

  const bool creates = ingest_cmd->parsed();
  auto store = Store::open(db_path, creates ? OpenMode::create_if_missing : OpenMode::existing_only);
  if (!store) return report(store.error());
  try {
    if (ingest_cmd->parsed()) return cmd_ingest(*store, ingest_paths, ingest_format, curation_files);
    if (moves_cmd->parsed()) return cmd_moves(*store, move_args, moves_q);
    if (show_cmd->parsed()) return cmd_show(*store, show_name, show_q);
    if (search_cmd->parsed()) return cmd_search(*store, search_text, search_limit, search_q);
    if (stats_cmd->parsed()) return cmd_stats(*store, stats_q);
    if (forget_cmd->parsed()) return cmd_forget(*store, forget_name);
  } catch (const StoreError& e) {
    return report({ErrorCode::io, fmt::format("{}: {}", db_path, e.what())});
  }
  return static_cast<int>(ErrorCode::usage);
}

}  // namespace
}  // namespace tg::cli

int main(int argc, char** argv) {
  try {
    return tg::cli::run(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "talentgraph: unexpected error: " << e.what() << '\n';
    return 1;
  }
}
