// The commands about single entities: show (an entity card), search (names by fragment) and
// candidates (pairs that may be one entity, for curation).
#include <climits>
#include <iostream>
#include <memory>
#include <string>

#include <fmt/format.h>

#include "queries/candidates.h"
#include "queries/entities.h"
#include "tools/talentgraph/cli.h"

namespace tg::cli {
namespace {

// ---- show ----

struct ShowArgs {
  std::string name;
  FormatOption format;
  LimitOption limit;
  std::string as_of;
};

Row relation_row(const queries::CardRelation& c) {
  // Every row has every key (null when it does not apply): left, location, move and joined too.
  Row row = {{"relation", std::string(to_string(c.relation.kind))},
             {"direction", c.outgoing ? "out" : "in"},
             {"other", c.other_name},
             {"other_id", raw(c.other)},
             {"other_kind", std::string(to_string(c.other_kind))},
             {"start", date_value(c.relation.start)},
             {"end", date_value(c.relation.end)},
             {"former", c.relation.former},
             {"role", c.relation.role},
             {"status", c.relation.status},
             {"evidence", c.evidence}};
  row.push_back({"left", c.left_name});
  row.push_back({"location", c.location_name});
  // The move's date is when a leaver left: the end of her time here, not a start.
  row.push_back({"dates", c.leaver ? (c.relation.start.known() ? "– " + c.relation.start.str() : std::string())
                                   : dates_text(c.relation)});
  const bool moved_in = c.relation.kind == RelationKind::moved && !c.outgoing;
  if (c.leaver) {
    // A person who left this organisation: not a joiner.
    row.push_back({"move", "left"});
    row.push_back({"joined", c.to_name});
    row.push_back({"link", fmt::format("← left by {} (for {})", c.other_name, c.to_name)});
  } else if (moved_in) {
    row.push_back({"move", "joined"});
    row.push_back({"joined", Value()});
    row.push_back({"link", fmt::format("← moved {}{}", c.other_name,
                                       c.left_name.empty() ? "" : fmt::format(" (from {})", c.left_name))});
  } else {
    row.push_back({"move", Value()});
    row.push_back({"joined", Value()});
    row.push_back({"link", fmt::format("{} {} {}{}", c.outgoing ? "→" : "←", to_string(c.relation.kind), c.other_name,
                                       c.location_name.empty() ? "" : fmt::format(" (in {})", c.location_name))});
  }
  return row;
}

// Out of line: built inside run_show, GCC 12 warns of a variant it thinks uninitialised.
[[gnu::noinline]] Value country_claims_json(const queries::EntityCard& card) {
  List claims;
  for (const auto& c : card.country_claims) {
    Object claim;
    claim.push_back({"origin", c.origin});
    claim.push_back({"country", c.country});
    claim.push_back({"confidence", c.confidence});
    claims.emplace_back(std::move(claim));
  }
  return claims;
}

// A line of the card's head: printable, and cut to the table's width (unless --wide).
void print_line(const std::string& line) {
  const OutputSettings& settings = output_settings();
  std::cout << fit(printable(line), settings.wide ? 0 : settings.width) << '\n';
}

// "a, b, c": at most `limit` items (0: all), then how many more.
std::string joined(const std::vector<std::string>& items, std::size_t limit) {
  std::string line;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (limit && i == limit) return line + fmt::format(" (+{} more)", items.size() - limit);
    line += (i ? ", " : "") + items[i];
  }
  return line;
}

void print_card_head(const queries::EntityCard& card, std::size_t limit) {
  print_line(fmt::format("{}  ({}{}{})  #{}", card.entity.name, to_string(card.entity.kind),
                         card.entity.country.empty() ? "" : ", ", card.entity.country, raw(card.entity.id)));
  std::vector<std::string> aliases, ids;
  for (const auto& a : card.aliases)
    if (a.name != card.entity.name) aliases.push_back(a.name);
  if (!aliases.empty()) print_line("aliases: " + joined(aliases, limit));
  for (const auto& x : card.ids) ids.push_back(x.scheme + ":" + x.value);
  if (!ids.empty()) print_line("ids: " + joined(ids, limit));
  if (card.country_contested()) {
    std::string line;
    for (const auto& c : card.country_claims) line += fmt::format("{}{} ({})", line.empty() ? "" : ", ", c.country, c.origin);
    print_line(fmt::format("country claims: {} (shown: {})", line, card.entity.country.empty() ? "none" : card.entity.country));
  }
  std::cout << '\n';
}

int run_show(Env& env, const ShowArgs& args) {
  DateOptions dates;
  dates.as_of = args.as_of;
  auto as_of = dates.as_of_day();
  if (!as_of) return report(as_of.error());
  auto card = queries::entity_card(*env.store, args.name, *as_of);
  if (!card) return report(card.error());
  Rows relations;
  for (const auto& c : card->relations) relations.push_back(relation_row(c));
  const Format format = args.format.format();
  // --limit cuts the timeline (and, in a table, the aliases, ids and sources listed).
  const std::size_t more = limit_rows(relations, args.limit, format);
  if (format == Format::json) {
    List aliases;
    for (const auto& a : card->aliases) aliases.emplace_back(a.name);
    Object ids;  // one value per scheme: the last
    for (const auto& x : card->ids) ids.push_back({x.scheme, x.value});
    List sources(card->sources.begin(), card->sources.end());
    List relation_list(relations.begin(), relations.end());
    Object card_json{{"id", raw(card->entity.id)},
                                 {"name", card->entity.name},
                                 {"kind", std::string(to_string(card->entity.kind))},
                                 {"country", card->entity.country},
                                 {"anonymous", card->entity.anonymous},
                                 {"aliases", std::move(aliases)},
                                 {"ids", std::move(ids)},
                                 {"relations", std::move(relation_list)},
                                 {"sources", std::move(sources)}};
    // Competing country claims, when origins disagree (the key is absent otherwise).
    if (card->country_contested()) card_json.push_back({"country_claims", country_claims_json(*card)});
    print_json(std::cout, card_json);
    return 0;
  }
  if (format == Format::csv) {
    // What the JSON's relations say, a column each: no sentence made for people.
    print_rows(std::cout, format, relations,
               {{"relation"}, {"direction"}, {"other_id"}, {"other"}, {"other_kind"}, {"start"}, {"end"}, {"former"},
                {"role"}, {"status"}, {"left"}, {"location"}, {"move"}, {"joined"}, {"evidence"}},
               "");
    return 0;
  }
  const std::size_t listed = args.limit.rows(format);
  print_card_head(*card, listed);
  print_rows(std::cout, format, relations, {{"dates"}, {"link"}, {"role"}, {"status"}, {"evidence", 80}}, "");
  std::cout << '\n';
  print_line("sources: " + (card->sources.empty() ? std::string("none") : joined(card->sources, listed)));
  note_more(more);
  return 0;
}

// ---- search ----

struct SearchArgs {
  std::string text;
  LimitOption limit;
  FormatOption format;
};

int run_search(Env& env, const SearchArgs& args) {
  const std::size_t limit = args.limit.rows(args.format.format());
  const auto hits = queries::search_entities(
      *env.store, args.text, limit == 0 || limit > INT_MAX ? INT_MAX : static_cast<int>(limit));
  Rows rows;
  for (const auto& h : hits)
    rows.push_back({{"name", h.name}, {"kind", std::string(to_string(h.kind))}, {"matched", h.matched}, {"id", raw(h.id)}});
  print_rows(std::cout, args.format.format(), rows, {{"name"}, {"kind"}, {"matched"}, {"id"}});
  if (hits.empty() && args.format.format() == Format::table)
    std::cerr << fmt::format("no name contains \"{}\"\n", printable(args.text));
  return 0;
}

// ---- candidates ----

struct CandidatesArgs {
  std::string kind;
  bool accept = false;
  FormatOption format;
  LimitOption limit;

  Result<queries::CandidateQuery> validate() const {
    queries::CandidateQuery q;
    if (!kind.empty()) {
      auto k = parse_node_kind(kind);
      if (!k || (*k != NodeKind::person && !is_organisation(*k)))
        return fail(ErrorCode::usage, fmt::format("--kind: expected person or an organisation kind (found \"{}\")", kind));
      q.kind = *k;
    }
    return q;
  }
};

int run_candidates(Env& env, const CandidatesArgs& args) {
  auto query = args.validate();
  if (!query) return report(query.error());
  if (args.accept && args.limit.given)
    return report({ErrorCode::usage, "--limit cuts the list: --accept prints every pair as a rule, so it takes no --limit"});
  const auto found = queries::find_candidates(*env.store, *query);
  if (args.accept) {
    // Curation to review and keep: nothing is merged until it is ingested.
    std::size_t left_out = 0;
    std::cout << queries::candidates_as_curation(found, &left_out);
    std::cerr << fmt::format("({} pair(s) as same_as rules: review them, keep the right ones in a curation file, "
                             "then ingest it with --curation)\n",
                             found.size() - left_out);
    if (left_out)
      std::cerr << fmt::format("({} pair(s) left out: a name of theirs fits several entities, and a rule by name "
                               "would merge them all; merge those by hand)\n",
                               left_out);
    return 0;
  }
  Rows rows;
  for (const auto& c : found) {
    std::string reasons, shared;
    for (const auto& r : c.reasons) reasons += (reasons.empty() ? "" : ", ") + r;
    List links;
    for (const auto& s : c.shared) {
      shared += (shared.empty() ? "" : ", ") + s.name;
      links.push_back(Object{{"id", raw(s.id)}, {"name", s.name}, {"how", s.how}});
    }
    List why;
    for (const auto& r : c.reasons) why.push_back(r);
    rows.push_back({{"a_id", raw(c.a.id)}, {"a", c.a.name}, {"a_matched", c.a.matched}, {"b_id", raw(c.b.id)},
                    {"b", c.b.name}, {"b_matched", c.b.matched}, {"kind", std::string(to_string(c.a.kind))},
                    {"reasons", args.format.format() == Format::json ? Value(why) : Value(reasons)},
                    {"shared", args.format.format() == Format::json ? Value(links) : Value(shared)}});
  }
  const std::size_t more = limit_rows(rows, args.limit, args.format.format());
  print_rows(std::cout, args.format.format(), rows,
             {{"a_id"}, {"a"}, {"b_id"}, {"b"}, {"kind"}, {"reasons"}, {"shared"}});
  note_more(more);
  if (found.empty() && args.format.format() == Format::table) std::cerr << "no candidate pairs\n";
  return 0;
}

}  // namespace

Run setup_candidates(CLI::App& cmd) {
  auto args = std::make_shared<CandidatesArgs>();
  cmd.add_option("--kind", args->kind, "Only pairs of this kind (person, company, lab, …)");
  cmd.add_flag("--accept", args->accept, "Print the pairs as same_as curation rules to review and keep (all of them)");
  args->format.setup(cmd);
  args->limit.setup(cmd);
  return [args](Env& env) { return run_candidates(env, *args); };
}

Run setup_show(CLI::App& cmd) {
  auto args = std::make_shared<ShowArgs>();
  cmd.add_option("name", args->name, "Any name or alias, in any script")->required();
  args->format.setup(cmd);
  args->limit.setup(cmd);
  add_as_of(cmd, args->as_of, "Only the relations that held at the end of this date");
  return [args](Env& env) { return run_show(env, *args); };
}

Run setup_search(CLI::App& cmd) {
  auto args = std::make_shared<SearchArgs>();
  cmd.add_option("text", args->text, "A fragment of a name")->required();
  args->limit.setup(cmd, 20);
  args->format.setup(cmd);
  return [args](Env& env) { return run_search(env, *args); };
}

}  // namespace tg::cli
