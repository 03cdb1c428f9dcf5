// talentgraph: the command line. A thin adapter: parse arguments, open the store, call the
// ingest or query library, print the answer. Data goes to stdout, messages to stderr.
//
// Exit codes: 0 ok; 1 unexpected failure; 2 usage; 3 bad input data; 4 missing database;
// 5 entity not found; 6 I/O or database error; 7 no path; 8 ambiguous name.

#include <cstdlib>
#include <filesystem>
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
#include "graph/names.h"
#include "queries/entities.h"
#include "queries/moves.h"
#include "queries/network.h"
#include "tools/talentgraph/output.h"

namespace tg::cli {
namespace {

using nlohmann::json;

int exit_code(const Error& e) { return static_cast<int>(e.code); }

int report(const Error& e) {
  std::cerr << "talentgraph: " << e.str() << '\n';
  return exit_code(e);
}

std::string key_of(std::string_view name, bool organisation) {
  return alias_key(name, organisation ? KeyStyle::organisation : KeyStyle::plain);
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

// --from-country / --to-country: ISO 3166-1 alpha-2, any case, stored upper-case.
Result<void> country_filters(const std::string& from, const std::string& to, std::string& from_out,
                             std::string& to_out) {
  for (auto [text, slot, flag] : {std::tuple{&from, &from_out, "--from-country"}, std::tuple{&to, &to_out, "--to-country"}}) {
    if (text->empty()) continue;
    if (text->size() != 2 || !std::isalpha(static_cast<unsigned char>((*text)[0])) ||
        !std::isalpha(static_cast<unsigned char>((*text)[1])))
      return fail(ErrorCode::usage,
                  fmt::format("{}: expected an ISO 3166-1 alpha-2 code such as US (found \"{}\")", flag, *text));
    *slot = *text;
    for (char& c : *slot) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  return {};
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

// The snapshot cache holds names: after forgetting someone it goes at once, not at the next query.
void drop_snapshot_cache(const Store& store) {
  std::error_code ec;
  std::filesystem::remove(queries::snapshot_cache_path(store), ec);
}


// `store` is null for a database that does not exist yet (built aside, then put in place).
int cmd_ingest(Store* store, const std::string& db_path, const std::vector<std::string>& paths,
               const std::string& format, const std::vector<std::string>& curation) {
  ingest::IngestOptions options;
  if (!format.empty()) options.format = ingest::parse_input_format(format);
  options.curation_files = curation;
  auto result = store ? ingest::ingest(*store, paths, options) : ingest::ingest_new_store(db_path, paths, options);
  if (!result) {
    std::cerr << result.error().str() << '\n';
    std::cerr << (store ? "talentgraph: ingest failed; the database is unchanged\n"
                        : "talentgraph: ingest failed; no database was created\n");
    return exit_code(result.error());
  }
  const auto& r = *result;
  if (r.forgotten_removed && store) drop_snapshot_cache(*store);
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
  filter.window.window = *window;
  filter.window.include_undated = a.include_undated;
  for (auto [text, slot] : {std::pair{&a.person, &filter.person}, std::pair{&a.from, &filter.from},
                            std::pair{&a.to, &filter.to}}) {
    if (text->empty()) continue;
    auto id = queries::find_entity(store, *text, key_of);
    if (!id) return report(id.error());
    *slot = *id;
  }
  if (auto r = country_filters(a.from_country, a.to_country, filter.from_country, filter.to_country); !r)
    return report(r.error());
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
                    {"basis", std::string(to_string(m.basis))},
                    {"evidence", evidence_json(evidence)}});
  }
  print_rows(std::cout, output_format(q.format), rows,
             {{"person", "person"}, {"from", "from"}, {"to", "to"}, {"from_country", "from cc"},
              {"to_country", "to cc"}, {"date", "date"}, {"basis", "basis"}, {"evidence", "evidence", 90}});
  if (filter.window.window.bounded() && !a.include_undated && output_format(q.format) == Format::table)
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

// Day of --as-of (end of the partial date), if given.
Result<std::optional<std::int32_t>> as_of_day(const QueryOptions& q) {
  if (q.as_of.empty()) return std::optional<std::int32_t>{};
  auto d = PartialDate::parse(q.as_of);
  if (!d) return fail(ErrorCode::usage, fmt::format("--as-of: {}", d.error().message));
  return std::optional<std::int32_t>{d->last_day()};
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

struct PathArgs {
  std::string a, b, via;
  std::uint32_t max_hops = 12;
  std::size_t k = 1;
};

int cmd_path(Store& store, const PathArgs& args, const QueryOptions& q) {
  auto from = queries::find_entity(store, args.a, key_of);
  if (!from) return report(from.error());
  auto to = queries::find_entity(store, args.b, key_of);
  if (!to) return report(to.error());
  auto as_of = as_of_day(q);
  if (!as_of) return report(as_of.error());
  auto via = relation_kinds(args.via);
  if (!via) return report(via.error());
  auto snapshot = queries::load_snapshot(store);
  if (!snapshot) return report(snapshot.error());
  queries::PathQuery query;
  query.from = snapshot->node_of(*from).value();
  query.to = snapshot->node_of(*to).value();
  query.max_hops = args.max_hops;
  query.via = *via;
  query.as_of = *as_of;
  query.k = args.k;
  const auto paths = queries::find_paths(*snapshot, query);
  if (paths.empty()) {
    return report({ErrorCode::no_path, fmt::format("no connection between {} and {} within {} hops{}{}",
                                                   snapshot->name(query.from), snapshot->name(query.to),
                                                   args.max_hops, q.as_of.empty() ? "" : " as of " + q.as_of,
                                                   args.via.empty() ? "" : " via " + args.via)});
  }
  json rows = json::array();
  for (std::size_t p = 0; p < paths.size(); ++p) {
    for (std::size_t i = 0; i < paths[p].size(); ++i) {
      const auto& hop = paths[p][i];
      const auto& edge = snapshot->edges()[hop.edge];
      const auto relation_id = RelationId{edge.relation};
      const auto evidence = store.evidence(relation_id);
      const RelationRow rel = store.relation(relation_id).value_or(RelationRow{});
      json row = {{"path", p + 1},
                  {"hop", i + 1},
                  {"from", snapshot->name(hop.from)},
                  {"relation", std::string(to_string(edge.kind))},
                  {"direction", hop.along ? "forward" : "backward"},
                  {"to", snapshot->name(hop.to)},
                  {"start", date_json(rel.start)},
                  {"end", date_json(rel.end)},
                  {"evidence", evidence_json(std::vector<Evidence>(evidence.begin(), evidence.begin() + std::min<std::size_t>(1, evidence.size())))}};
      row["link"] = fmt::format("{} {} {}", hop.along ? "—" : "←", to_string(edge.kind), hop.along ? "→" : "—");
      row["dates"] = dates_text(rel);
      rows.push_back(std::move(row));
    }
  }
  std::vector<Column> columns = {{"hop", "hop"}, {"from", "from"}, {"link", "relation"}, {"to", "to"},
                                 {"dates", "dates"}, {"evidence", "evidence", 70}};
  if (paths.size() > 1) columns.insert(columns.begin(), Column{"path", "path"});
  if (output_format(q.format) == Format::csv)
    columns = {{"path", "path"}, {"hop", "hop"}, {"from", "from"}, {"relation", "relation"}, {"direction", "direction"},
               {"to", "to"}, {"start", "start"}, {"end", "end"}, {"evidence", "evidence"}};
  print_rows(std::cout, output_format(q.format), rows, columns, "");
  return 0;
}

struct RankArgs {
  std::string metric = "pagerank", graph = "moves", kind;
  std::size_t top = 10;
  std::optional<double> epsilon, delta;
  bool exact = false, include_undated = false;
  std::uint64_t seed = 1;
};

int cmd_rank(Store& store, const RankArgs& a, const QueryOptions& q) {
  queries::RankQuery query;
  query.metric = a.metric == "pagerank"      ? queries::Metric::pagerank
                 : a.metric == "betweenness" ? queries::Metric::betweenness
                 : a.metric == "degree"      ? queries::Metric::degree
                                             : queries::Metric::closeness;
  query.graph = a.graph == "moves" ? queries::RankGraph::moves : queries::RankGraph::affiliation;
  if (!a.kind.empty()) {
    auto k = parse_node_kind(a.kind);
    if (!k) return report({ErrorCode::usage, fmt::format("--kind: unknown kind \"{}\"", a.kind)});
    query.kind = *k;
  }
  if (a.exact && (a.epsilon || a.delta))
    return report({ErrorCode::usage, "--exact and --epsilon/--delta exclude each other"});
  if (a.epsilon && !(*a.epsilon > 0 && *a.epsilon < 1)) return report({ErrorCode::usage, "--epsilon: must be in (0, 1)"});
  if (a.delta && !(*a.delta > 0 && *a.delta < 1)) return report({ErrorCode::usage, "--delta: must be in (0, 1)"});
  query.top = a.top;
  query.epsilon = a.epsilon;
  query.delta = a.delta;
  query.force_exact = a.exact;
  query.seed = a.seed;
  auto window = window_of(q);
  if (!window) return report(window.error());
  query.moves.window = *window;
  query.moves.include_undated = a.include_undated;
  auto as_of = as_of_day(q);
  if (!as_of) return report(as_of.error());
  query.as_of = *as_of;
  if (query.graph == queries::RankGraph::affiliation && (!q.since.empty() || !q.until.empty()))
    return report({ErrorCode::usage, "the affiliation graph is taken as of a date: use --as-of, not --since/--until"});
  auto snapshot = queries::load_snapshot(store);
  if (!snapshot) return report(snapshot.error());
  const auto result = queries::rank(*snapshot, query);
  json rows = json::array();
  std::size_t position = 0;
  for (const auto& r : result.rows) {
    json row = {{"rank", ++position},
                {"name", snapshot->name(r.node)},
                {"kind", std::string(to_string(snapshot->kind(r.node)))},
                {"country", snapshot->country(r.node)},
                {"score", r.score}};
    if (query.metric == queries::Metric::degree) {
      row["in"] = r.in;
      row["out"] = r.out;
    }
    if (result.approximate) {
      row["approximate"] = true;
      row["epsilon"] = result.epsilon;
      row["delta"] = result.delta;
    }
    rows.push_back(std::move(row));
  }
  std::vector<Column> columns = {{"rank", "#"}, {"name", "name"}, {"kind", "kind"}, {"country", "cc"}, {"score", a.metric}};
  if (query.metric == queries::Metric::degree) {
    columns.push_back({"in", query.graph == queries::RankGraph::moves ? "inflow" : "in"});
    columns.push_back({"out", query.graph == queries::RankGraph::moves ? "outflow" : "out"});
  }
  print_rows(std::cout, output_format(q.format), rows, columns, "");
  std::cerr << fmt::format("({} graph: {} nodes, {} edges{})\n", a.graph, result.nodes, result.edges,
                           result.approximate
                               ? fmt::format("; betweenness approximated from {} sampled paths: within ±{} of the "
                                             "exact value for every node with probability ≥ {}",
                                             result.samples, result.epsilon, 1 - result.delta)
                               : "");
  return 0;
}

struct FlowArgs {
  std::string by = "org", from, to, from_country, to_country;
  std::size_t top = 0;
  bool net = false, include_undated = false;
};

int cmd_flows(Store& store, const FlowArgs& a, const QueryOptions& q) {
  queries::FlowQuery query;
  query.by = a.by == "country" ? queries::FlowBy::country : queries::FlowBy::org;
  query.top = a.top;
  auto window = window_of(q);
  if (!window) return report(window.error());
  query.moves.window = *window;
  query.moves.include_undated = a.include_undated;
  if (auto r = country_filters(a.from_country, a.to_country, query.from_country, query.to_country); !r)
    return report(r.error());
  auto snapshot = queries::load_snapshot(store);
  if (!snapshot) return report(snapshot.error());
  for (auto [text, slot] : {std::pair{&a.from, &query.from}, std::pair{&a.to, &query.to}}) {
    if (text->empty()) continue;
    auto id = queries::find_entity(store, *text, key_of);
    if (!id) return report(id.error());
    *slot = snapshot->node_of(*id).value();
  }
  const auto result = queries::flows(*snapshot, query);
  json rows = json::array();
  if (a.net) {
    for (const auto& n : result.net) rows.push_back({{"name", n.name}, {"in", n.in}, {"out", n.out}, {"net", n.net}});
    print_rows(std::cout, output_format(q.format), rows,
               {{"name", a.by == "country" ? "country" : "organisation"}, {"in", "in"}, {"out", "out"}, {"net", "net"}}, "");
  } else {
    for (const auto& f : result.flows) rows.push_back({{"from", f.from}, {"to", f.to}, {"count", f.count}});
    print_rows(std::cout, output_format(q.format), rows, {{"from", "from"}, {"to", "to"}, {"count", "moves"}}, "");
  }
  if (query.moves.window.bounded() && !a.include_undated && output_format(q.format) == Format::table)
    std::cerr << "(moves of unknown date are left out of a date window; --include-undated keeps them)\n";
  return 0;
}

int cmd_forget(Store& store, const std::string& name) {
  auto removed = ingest::forget_person(store, name);
  if (!removed) return report(removed.error());
  drop_snapshot_cache(store);
  // Say only how many: the name is already on the caller's screen.
  std::cerr << fmt::format("forgot {} person(s); later ingests will leave them out\n", *removed);
  return 0;
}

int run(int argc, char** argv) {
  CLI::App app{"talentgraph: a knowledge graph of tech-talent movement", "talentgraph"};
  app.require_subcommand(1);
  app.footer(
      "Exit codes: 0 ok, 1 unexpected failure, 2 usage, 3 bad input data (nothing written), 4 missing database,\n"
      "5 no such entity, 6 I/O or database error, 7 no path, 8 ambiguous name.");
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

  // path
  PathArgs path_args;
  QueryOptions path_q;
  auto* path_cmd = app.add_subcommand("path", "The shortest chain of relations linking two entities, with evidence");
  path_cmd->add_option("a", path_args.a, "From: any name or alias")->required();
  path_cmd->add_option("b", path_args.b, "To: any name or alias")->required();
  path_cmd->add_option("--max-hops", path_args.max_hops, "Longest chain to look for")->capture_default_str()->check(CLI::Range(1, 64));
  path_cmd->add_option("--via", path_args.via, "Only these relation kinds, comma-separated (e.g. worked_at,founded)");
  path_cmd->add_option("--k", path_args.k, "The k shortest distinct chains")->capture_default_str()->check(CLI::Range(1, 50));
  path_cmd->add_option("--format", path_q.format, "Output: table, json or csv")
      ->check(CLI::IsMember({"table", "json", "csv"}))->capture_default_str();
  path_cmd->add_option("--as-of", path_q.as_of, "Only relations that held at the end of this date");

  // rank
  RankArgs rank_args;
  QueryOptions rank_q;
  auto* rank_cmd = app.add_subcommand("rank", "Centrality: talent magnets, brokers and hubs");
  rank_cmd->add_option("--metric", rank_args.metric, "pagerank, betweenness, degree or closeness (harmonic)")
      ->check(CLI::IsMember({"pagerank", "betweenness", "degree", "closeness"}))->capture_default_str();
  rank_cmd->add_option("--graph", rank_args.graph, "moves (organisations linked by people's moves) or affiliation (everything)")
      ->check(CLI::IsMember({"moves", "affiliation"}))->capture_default_str();
  rank_cmd->add_option("--kind", rank_args.kind, "Only rows of this kind (company, lab, person, …)");
  rank_cmd->add_option("--top", rank_args.top, "How many rows (0: all)")->capture_default_str();
  rank_cmd->add_option("--epsilon", rank_args.epsilon, "Approximate betweenness within this additive error");
  rank_cmd->add_option("--delta", rank_args.delta, "… with probability at least 1 - delta");
  rank_cmd->add_flag("--exact", rank_args.exact, "Exact betweenness whatever the graph's size");
  rank_cmd->add_option("--seed", rank_args.seed, "Seed of the betweenness sampler")->capture_default_str();
  rank_cmd->add_flag("--include-undated", rank_args.include_undated, "Move graph: keep moves of unknown date in a window");
  add_query_options(rank_cmd, rank_q, true);

  // flows
  FlowArgs flow_args;
  QueryOptions flows_q;
  auto* flows_cmd = app.add_subcommand("flows", "Aggregated moves between organisations or countries, and net gain");
  flows_cmd->add_option("--by", flow_args.by, "org or country")->check(CLI::IsMember({"org", "country"}))->capture_default_str();
  flows_cmd->add_option("--top", flow_args.top, "At most this many rows (0: all)")->capture_default_str();
  flows_cmd->add_flag("--net", flow_args.net, "Net gain per organisation or country (in - out) instead of the flows");
  flows_cmd->add_option("--from", flow_args.from, "Only moves out of this organisation");
  flows_cmd->add_option("--to", flow_args.to, "Only moves into this organisation");
  flows_cmd->add_option("--from-country", flow_args.from_country, "Only moves out of organisations of this country");
  flows_cmd->add_option("--to-country", flow_args.to_country, "Only moves into organisations of this country");
  flows_cmd->add_flag("--include-undated", flow_args.include_undated, "Keep moves of unknown date in a date window");
  add_query_options(flows_cmd, flows_q, true);

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

  if (std::error_code ec; ingest_cmd->parsed() && !std::filesystem::exists(db_path, ec))
    return cmd_ingest(nullptr, db_path, ingest_paths, ingest_format, curation_files);
  auto store = Store::open(db_path, OpenMode::existing_only);
  if (!store) return report(store.error());
  try {
    if (ingest_cmd->parsed()) return cmd_ingest(&*store, db_path, ingest_paths, ingest_format, curation_files);
    if (moves_cmd->parsed()) return cmd_moves(*store, move_args, moves_q);
    if (show_cmd->parsed()) return cmd_show(*store, show_name, show_q);
    if (search_cmd->parsed()) return cmd_search(*store, search_text, search_limit, search_q);
    if (stats_cmd->parsed()) return cmd_stats(*store, stats_q);
    if (forget_cmd->parsed()) return cmd_forget(*store, forget_name);
    if (path_cmd->parsed()) return cmd_path(*store, path_args, path_q);
    if (rank_cmd->parsed()) return cmd_rank(*store, rank_args, rank_q);
    if (flows_cmd->parsed()) return cmd_flows(*store, flow_args, flows_q);
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
