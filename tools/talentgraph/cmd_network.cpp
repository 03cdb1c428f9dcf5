// The commands about the graph's shape: path (chains of relations) and rank (centrality).
#include <iostream>
#include <memory>
#include <optional>
#include <string>

#include <fmt/format.h>

#include "graph/snapshot.h"
#include "queries/network.h"
#include "tools/talentgraph/cli.h"

namespace tg::cli {
namespace {

// ---- path ----

struct PathArgs {
  std::string a, b, via;
  std::uint32_t max_hops = 12;
  std::size_t k = 1;
  FormatOption format;
  DateOptions dates;  // --as-of only

  Result<queries::PathSearch> validate() const {
    queries::PathSearch search;
    auto day = dates.as_of_day();
    if (!day) return fail(day.error());
    auto kinds = relation_kinds(via);
    if (!kinds) return fail(kinds.error());
    search.from = a;
    search.to = b;
    search.max_hops = max_hops;
    search.via = std::move(*kinds);
    search.as_of = *day;
    search.k = k;
    return search;
  }
};

Row hop_row(std::size_t path, std::size_t hop, const queries::PathHop& h) {
  EvidenceList evidence;
  if (h.evidence) evidence.push_back(*h.evidence);
  const bool along = h.hop.along;
  // The organisation a `moved` relation left: the person was there until the move's date.
  const bool left = h.hop.left;
  const std::string label = left ? "left" : std::string(to_string(h.kind));
  Row row{{"path", path},
          {"hop", hop},
          {"from", h.from},
          {"relation", std::string(to_string(h.kind))},
          {"direction", along ? "forward" : "backward"},
          {"to", h.to},
          {"start", date_value(left ? PartialDate() : h.relation.start)},
          {"end", date_value(left ? h.relation.start : h.relation.end)},
          {"evidence", std::move(evidence)},
          {"link", fmt::format("{} {} {}", along ? "—" : "←", label, along ? "→" : "—")},
          {"dates", left ? (h.relation.start.known() ? "– " + h.relation.start.str() : std::string()) : dates_text(h.relation)},
          {"left", left}};
  return row;
}

int run_path(Env& env, const PathArgs& args) {
  auto search = args.validate();
  if (!search) return report(search.error());
  auto answer = queries::connect(*env.store, *search);
  if (!answer) return report(answer.error());
  if (answer->paths.empty())
    return report({ErrorCode::no_path, fmt::format("no connection between {} and {} within {} hops{}{}", answer->from,
                                                   answer->to, args.max_hops, args.dates.as_of.empty() ? "" : " as of " + args.dates.as_of,
                                                   args.via.empty() ? "" : " via " + args.via)});
  Rows rows;
  bool any_left = false;
  for (std::size_t p = 0; p < answer->paths.size(); ++p)
    for (std::size_t i = 0; i < answer->paths[p].size(); ++i) {
      rows.push_back(hop_row(p + 1, i + 1, answer->paths[p][i]));
      any_left = any_left || answer->paths[p][i].hop.left;
    }
  std::vector<Column> columns = {{"hop"}, {"from"}, {"link"}, {"to"}, {"dates"}, {"evidence", 70}};
  if (answer->paths.size() > 1) columns.insert(columns.begin(), Column{"path"});
  if (args.format.format() == Format::csv)
    columns = {{"path"}, {"hop"}, {"from"}, {"relation"}, {"direction"}, {"to"}, {"start"}, {"end"}, {"evidence"}};
  // CSV: a hop to an organisation left says so in a column of its own, when a path has one.
  if (args.format.format() == Format::csv && any_left) columns.insert(columns.begin() + 4, Column{"left"});
  print_rows(std::cout, args.format.format(), rows, columns, "");
  return 0;
}

// ---- rank ----

struct RankArgs {
  std::string metric = "pagerank", graph = "moves", kind;
  LimitOption limit;
  std::optional<double> epsilon, delta;
  bool exact = false, include_undated = false, roll_up = false;
  std::optional<std::uint64_t> seed;  // 1 when not given
  FormatOption format;
  DateOptions dates;

  Result<queries::RankQuery> validate() const {
    queries::RankQuery query;
    query.metric = metric == "pagerank"      ? queries::Metric::pagerank
                   : metric == "betweenness" ? queries::Metric::betweenness
                   : metric == "degree"      ? queries::Metric::degree
                                             : queries::Metric::closeness;
    query.graph = graph == "moves" ? queries::RankGraph::moves : queries::RankGraph::affiliation;
    if (!kind.empty()) {
      auto k = parse_node_kind(kind);
      if (!k) return fail(ErrorCode::usage, fmt::format("--kind: unknown kind \"{}\"", kind));
      query.kind = *k;
    }
    // The sampler's options belong to betweenness: refused with another metric, not ignored.
    for (auto [given, option] : {std::pair{epsilon.has_value(), "--epsilon"}, std::pair{delta.has_value(), "--delta"},
                                 std::pair{exact, "--exact"}, std::pair{seed.has_value(), "--seed"}})
      if (given && query.metric != queries::Metric::betweenness)
        return fail(ErrorCode::usage,
                    fmt::format("{} applies to --metric betweenness only, not to --metric {}", option, metric));
    if (exact && (epsilon || delta)) return fail(ErrorCode::usage, "--exact and --epsilon/--delta exclude each other");
    if (epsilon && !(*epsilon > 0 && *epsilon < 1)) return fail(ErrorCode::usage, "--epsilon: must be in (0, 1)");
    if (delta && !(*delta > 0 && *delta < 1)) return fail(ErrorCode::usage, "--delta: must be in (0, 1)");
    if (auto r = limit.check(); !r) return fail(r.error());
    query.top = limit.rows(format.format());
    query.epsilon = epsilon;
    query.delta = delta;
    query.force_exact = exact;
    query.seed = seed.value_or(1);
    auto window = dates.window();
    if (!window) return fail(window.error());
    query.moves = {*window, include_undated};
    auto as_of = dates.as_of_day();
    if (!as_of) return fail(as_of.error());
    query.as_of = *as_of;
    if (query.graph == queries::RankGraph::affiliation && (!dates.since.empty() || !dates.until.empty()))
      return fail(ErrorCode::usage, "the affiliation graph is taken as of a date: use --as-of, not --since/--until");
    if (query.graph == queries::RankGraph::affiliation && include_undated)
      return fail(ErrorCode::usage, "--include-undated keeps moves of unknown date: it takes no --graph affiliation");
    if (auto ok = check_include_undated(include_undated, *window); !ok) return fail(ok.error());
    if (query.graph == queries::RankGraph::affiliation && roll_up)
      return fail(ErrorCode::usage, "--roll-up folds organisations of the move graph: it takes no --graph affiliation");
    query.roll_up = roll_up;
    return query;
  }
};

int run_rank(Env& env, const RankArgs& args) {
  auto query = args.validate();
  if (!query) return report(query.error());
  auto result = queries::rank(*env.store, *query);
  if (!result) return report(result.error());
  // The nodes' entity ids, from the snapshot ranked (the cache, mapped).
  auto snapshot = queries::load_snapshot(*env.store);
  if (!snapshot) return report(snapshot.error());
  const bool degree = query->metric == queries::Metric::degree;
  Rows rows;
  std::size_t position = 0;
  for (const auto& r : result->rows) {
    Row row = {{"rank", ++position},
               {"name", r.name},
               {"kind", std::string(to_string(r.kind))},
               {"country", r.country},
               {"score", r.score},
               {"id", raw(snapshot->entity(r.node))}};
    if (degree) {
      row.push_back({"in", r.in});
      row.push_back({"out", r.out});
    }
    if (result->approximate) {
      row.push_back({"approximate", true});
      row.push_back({"epsilon", result->epsilon});
      row.push_back({"delta", result->delta});
    }
    rows.push_back(std::move(row));
  }
  // The score is the metric's (the note below names it); on the move graph degree's in and out
  // are inflow and outflow.
  std::vector<Column> columns = {{"rank"}, {"name"}, {"kind"}, {"country"}, {"score"}};
  if (degree) {
    columns.push_back({"in"});
    columns.push_back({"out"});
  }
  columns.push_back({"id", 0, 1});
  note_internal_left_out(args.roll_up, result->internal, args.format.format(), rows);
  print_rows(std::cout, args.format.format(), rows, columns, "");
  std::cerr << fmt::format("({} of the {} graph: {} nodes, {} edges{})\n", args.metric, args.graph, result->nodes, result->edges,
                           result->approximate
                               ? fmt::format("; betweenness approximated from {} sampled paths: within ±{} of the "
                                             "exact value for every node with probability ≥ {}",
                                             result->samples, result->epsilon, 1 - result->delta)
                           : result->exact_instead_of_samples
                               ? fmt::format("; betweenness computed exactly: sampling to ±{} would have needed {} "
                                             "samples, more work than the exact values",
                                             result->epsilon, result->exact_instead_of_samples)
                           : args.epsilon || args.delta
                               ? std::string("; betweenness computed exactly: no node lies inside a shortest path of this graph, so no sample was needed")
                               : std::string());
  return 0;
}

}  // namespace

Run setup_path(CLI::App& cmd) {
  auto args = std::make_shared<PathArgs>();
  cmd.add_option("a", args->a, "From: any name or alias")->required();
  cmd.add_option("b", args->b, "To: any name or alias")->required();
  cmd.add_option("--max-hops", args->max_hops, "Longest chain to look for")->capture_default_str()->check(CLI::Range(1, 64));
  cmd.add_option("--via", args->via, "Only these relation kinds, comma-separated (e.g. worked_at,founded)");
  cmd.add_option("--k", args->k, "The k shortest distinct chains")->capture_default_str()->check(CLI::Range(1, 50));
  args->format.setup(cmd);
  add_as_of(cmd, args->dates.as_of, "Only relations that held at the end of this date");
  return [args](Env& env) { return run_path(env, *args); };
}

Run setup_rank(CLI::App& cmd) {
  auto args = std::make_shared<RankArgs>();
  cmd.add_option("--metric", args->metric, "pagerank, betweenness, degree or closeness (harmonic)")
      ->check(CLI::IsMember({"pagerank", "betweenness", "degree", "closeness"}))
      ->capture_default_str();
  cmd.add_option("--graph", args->graph, "moves (organisations linked by people's moves) or affiliation (everything)")
      ->check(CLI::IsMember({"moves", "affiliation"}))
      ->capture_default_str();
  cmd.add_option("--kind", args->kind, "Only rows of this kind (company, lab, person, …)");
  args->limit.setup(cmd, 10, true);
  cmd.add_option("--epsilon", args->epsilon, "Approximate betweenness within this additive error");
  cmd.add_option("--delta", args->delta, "… with probability at least 1 - delta");
  cmd.add_flag("--exact", args->exact, "Exact betweenness whatever the graph's size");
  cmd.add_option("--seed", args->seed, "Seed of the betweenness sampler (default 1)");
  cmd.add_flag("--include-undated", args->include_undated, "Move graph: keep moves of unknown date in a window");
  add_roll_up(cmd, args->roll_up);
  args->format.setup(cmd);
  args->dates.setup(cmd);
  return [args](Env& env) { return run_rank(env, *args); };
}

}  // namespace tg::cli
