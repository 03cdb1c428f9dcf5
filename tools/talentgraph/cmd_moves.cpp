// The commands about people's moves: moves (each with its evidence) and flows (aggregated).
#include <iostream>
#include <memory>
#include <optional>
#include <string>

#include <fmt/format.h>

#include "queries/entities.h"
#include "queries/moves.h"
#include "queries/network.h"
#include "tools/talentgraph/cli.h"

namespace tg::cli {
namespace {

// ---- moves ----

struct MovesArgs {
  std::string person, from, to;
  CountryOptions countries;
  bool include_undated = false, roll_up = false;
  FormatOption format;
  LimitOption limit;
  DateOptions dates;

  Result<queries::MoveSearch> validate() const {
    queries::MoveSearch search;
    search.roll_up = roll_up;
    auto window = dates.window();
    if (!window) return fail(window.error());
    if (auto ok = check_include_undated(include_undated, *window); !ok) return fail(ok.error());
    search.window = {*window, include_undated};
    if (auto r = countries.validate(search.from_country, search.to_country); !r) return fail(r.error());
    search.person = person;
    search.from = from;
    search.to = to;
    return search;
  }
};

int run_moves(Env& env, const MovesArgs& args) {
  auto search = args.validate();
  if (!search) return report(search.error());
  const Format format = args.format.format();
  // Only the rows printed are made (with their evidence); the rest are counted.
  search->limit = args.limit.rows(format);
  queries::LeftOut left_out;
  auto moves = queries::move_rows(*env.store, *search, &left_out);
  if (!moves) return report(moves.error());
  Rows rows;
  for (const auto& m : *moves)
    rows.push_back({{"person", m.person},
                    {"from", m.from},
                    {"to", m.to},
                    {"from_country", m.from_country},
                    {"to_country", m.to_country},
                    {"date", date_value(m.move.date)},
                    {"basis", std::string(to_string(m.move.basis))},
                    {"evidence", m.evidence},
                    {"person_id", raw(m.move.person)},
                    {"from_id", raw(m.move.from)},
                    {"to_id", raw(m.move.to)}});
  const std::size_t more =
      limit_rows(rows, args.limit, format) + (args.limit.terminal_default(format) ? left_out.beyond : 0);
  note_internal_left_out(args.roll_up, left_out.internal, format, rows);
  print_rows(std::cout, format, rows,
             {{"person"}, {"from"}, {"to"}, {"from_country"}, {"to_country"}, {"date"}, {"basis"}, {"evidence", 90},
              {"person_id", 0, 1}, {"from_id", 0, 1}, {"to_id", 0, 1}});
  note_more(more);
  note_undated_left_out(left_out.undated, format);
  return 0;
}

// ---- flows ----

struct FlowsArgs {
  std::string by = "org", from, to, count = "people", per, country_of = "employer";
  CountryOptions countries;
  LimitOption limit;
  bool net = false, include_undated = false, roll_up = false, rate = false;
  FormatOption format;
  DateOptions dates;

  Result<queries::FlowSearch> validate() const {
    queries::FlowSearch search;
    search.query.by = by == "country" ? queries::FlowBy::country : queries::FlowBy::org;
    if (auto r = limit.check(); !r) return fail(r.error());
    // Cut here by the terminal's default, to say how many more there are.
    search.query.top = limit.terminal_default(format.format()) ? 0 : limit.rows(format.format());
    search.query.count = count == "moves" ? queries::FlowCount::moves : queries::FlowCount::people;
    if (per == "year") search.query.per = Period::year;
    if (per == "quarter") search.query.per = Period::quarter;
    if (per == "month") search.query.per = Period::month;
    if (net && !per.empty()) return fail(ErrorCode::usage, "--net sums the whole window: it takes no --per");
    if (rate && net) return fail(ErrorCode::usage, "--rate is a rate of flows: it takes no --net");
    if (rate && dates.since.empty() && per.empty())
      return fail(ErrorCode::usage,
                  "--rate counts the origin's people at the window's start: give --since (or --per, for each period's start)");
    if (country_of == "location") {
      if (by != "country" && countries.from.empty() && countries.to.empty())
        return fail(ErrorCode::usage,
                    "--country-of says which country a move's ends are in: give --by country, --from-country or --to-country");
      if (rate)
        return fail(ErrorCode::usage, "--rate counts the origin's people by employer: it takes no --country-of location");
      search.query.country_of = queries::CountryOf::location;
    }
    search.query.roll_up = roll_up;
    search.query.rate = rate;
    search.query.net = net;
    auto window = dates.window();
    if (!window) return fail(window.error());
    if (auto ok = check_include_undated(include_undated, *window); !ok) return fail(ok.error());
    search.query.moves = {*window, include_undated};
    if (auto r = countries.validate(search.query.from_country, search.query.to_country); !r) return fail(r.error());
    search.from = from;
    search.to = to;
    return search;
  }
};

// The entity id of a flow's organisation (null by country).
Value org_id(const graph::Snapshot* snapshot, const std::optional<std::uint32_t>& node) {
  if (!snapshot || !node) return Value();
  return raw(snapshot->entity(*node));
}

int run_flows(Env& env, const FlowsArgs& args) {
  auto search = args.validate();
  if (!search) return report(search.error());
  auto result = queries::flows(*env.store, *search);
  if (!result) return report(result.error());
  // The nodes' entity ids, from the snapshot the flows were counted on (the cache, mapped).
  std::optional<graph::Snapshot> snapshot;
  if (search->query.by == queries::FlowBy::org) {
    auto loaded = queries::load_snapshot(*env.store);
    if (!loaded) return report(loaded.error());
    snapshot.emplace(std::move(*loaded));
  }
  const graph::Snapshot* snap = snapshot ? &*snapshot : nullptr;
  const Format format = args.format.format();
  Rows rows;
  const std::string counted = args.count;  // "people" or "moves": the column and the key
  std::size_t more = 0;
  if (args.net) {
    for (const auto& n : result->net)
      rows.push_back({{"name", n.name}, {"in", n.in}, {"out", n.out}, {"net", n.net}, {"id", org_id(snap, n.node)}});
    more = limit_rows(rows, args.limit, format);
    note_internal_left_out(args.roll_up, result->internal, format, rows);
    std::vector<Column> columns = {{"name"}, {"in"}, {"out"}, {"net"}};
    if (snap) columns.push_back({"id", 0, 1});
    print_rows(std::cout, format, rows, columns, "");
    note_more(more);
  } else {
    const queries::FlowCount count = search->query.count;
    for (const auto& f : result->flows) {
      Row row{{"from", f.from}, {"to", f.to}, {counted, static_cast<std::int64_t>(f.count(count))}};
      if (snap) {
        row.push_back({"from_id", org_id(snap, f.from_node)});
        row.push_back({"to_id", org_id(snap, f.to_node)});
      }
      // The undated period: null, which a table prints "unknown" (by hand beside a rate, whose
      // null prints empty).
      const Value undated = args.rate && format == Format::table ? Value("unknown") : Value();
      if (search->query.per) row.push_back({"period", f.period.empty() ? undated : Value(f.period)});
      if (args.rate) {
        row.push_back({"headcount", f.headcount ? Value(*f.headcount) : Value()});
        row.push_back({"rate", f.rate ? Value(*f.rate) : Value()});
      }
      rows.push_back(std::move(row));
    }
    std::vector<Column> columns = {{"from"}, {"to"}, {counted}};
    if (search->query.per) columns.insert(columns.begin(), Column{"period"});
    if (args.rate) {
      columns.push_back({"headcount"});  // the origin's
      columns.push_back({"rate"});       // per 1,000 of them
    }
    if (snap) {
      columns.push_back({"from_id", 0, 1});
      columns.push_back({"to_id", 0, 1});
    }
    more = limit_rows(rows, args.limit, format);
    note_internal_left_out(args.roll_up, result->internal, format, rows);
    print_rows(std::cout, format, rows, columns, search->query.per && !args.rate ? "unknown" : "");
    note_more(more);
    if (result->coarse)
      std::cerr << fmt::format("({} move(s) dated more coarsely than a {}: each counted whole in the period its date "
                               "gives, never spread)\n",
                               result->coarse, args.per);
  }
  note_undated_left_out(result->undated, format);
  return 0;
}

}  // namespace

Run setup_moves(CLI::App& cmd) {
  auto args = std::make_shared<MovesArgs>();
  cmd.add_option("--person", args->person, "Only this person (any alias)");
  cmd.add_option("--from", args->from, "Only moves out of this organisation");
  cmd.add_option("--to", args->to, "Only moves into this organisation");
  cmd.add_option("--from-country", args->countries.from, "Only moves out of organisations of this country (ISO code)");
  cmd.add_option("--to-country", args->countries.to, "Only moves into organisations of this country (ISO code)");
  cmd.add_flag("--include-undated", args->include_undated, "Keep moves of unknown date in a date window");
  add_roll_up(cmd, args->roll_up);
  args->format.setup(cmd);
  args->limit.setup(cmd);
  args->dates.setup(cmd);
  return [args](Env& env) { return run_moves(env, *args); };
}

Run setup_flows(CLI::App& cmd) {
  auto args = std::make_shared<FlowsArgs>();
  cmd.add_option("--by", args->by, "org or country")->check(CLI::IsMember({"org", "country"}))->capture_default_str();
  args->limit.setup(cmd, 0, true);
  cmd.add_flag("--net", args->net, "Net gain per organisation or country (in - out) instead of the flows");
  cmd.add_option("--count", args->count, "people (distinct people per pair) or moves")
      ->check(CLI::IsMember({"people", "moves"}))
      ->capture_default_str();
  cmd.add_option("--per", args->per, "A row per period of the move's date: year, quarter or month")
      ->check(CLI::IsMember({"year", "quarter", "month"}));
  cmd.add_option("--from", args->from, "Only moves out of this organisation");
  cmd.add_option("--to", args->to, "Only moves into this organisation");
  cmd.add_option("--from-country", args->countries.from, "Only moves out of organisations of this country");
  cmd.add_option("--to-country", args->countries.to, "Only moves into organisations of this country");
  cmd.add_option("--country-of", args->country_of,
                 "Which country a move's ends are in: employer (the organisation's, i.e. its headquarters') or "
                 "location (where the work was: the stint's location, else the organisation's one site then, an office "
                 "or its headquarters, "
                 "else the employer's); for --by country and the country filters")
      ->check(CLI::IsMember({"employer", "location"}))
      ->capture_default_str();
  cmd.add_flag("--include-undated", args->include_undated, "Keep moves of unknown date in a date window");
  add_roll_up(cmd, args->roll_up);
  cmd.add_flag("--rate", args->rate,
               "Add the origin's headcount at the window's start (--since; with --per each period's start) and the "
               "flow per 1,000 of them: people whose worked_at or founded relation there surely covers that day "
               "(start known and on or before it; end known and after it, or no end and not former); empty when 0");
  args->format.setup(cmd);
  args->dates.setup(cmd);
  return [args](Env& env) { return run_flows(env, *args); };
}

}  // namespace tg::cli
