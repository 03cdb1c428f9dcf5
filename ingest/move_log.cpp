#include "ingest/move_log.h"

#include <algorithm>
#include <cstdlib>
#include <ctime>
#include <map>
#include <set>
#include <tuple>
#include <unordered_map>

#include <fmt/format.h>

#include "graph/moves.h"
#include "graph/names.h"
#include "ingest/curation_rules.h"

namespace tg::ingest {
namespace {

std::string utc_now() {
  const std::time_t t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&t, &tm);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
                     tm.tm_min, tm.tm_sec);
}

// "YYYY-MM-DDTHH:MM:SSZ", digits where digits go.
bool iso_utc(std::string_view t) {
  constexpr std::string_view shape = "0000-00-00T00:00:00Z";
  if (t.size() != shape.size()) return false;
  for (std::size_t i = 0; i < t.size(); ++i)
    if (shape[i] == '0' ? (t[i] < '0' || t[i] > '9') : t[i] != shape[i]) return false;
  return true;
}

using Key = std::tuple<std::int64_t, std::int64_t, std::int64_t, std::string>;  // person, from, to, date

// One side of the comparison: the moves of the people asked about, with the store they were read from.
struct Side {
  Store* store = nullptr;
  std::map<Key, Move> moves;
};

// The part_of chains above `orgs` (what OrgTree::related and top read for them).
OrgTree chains_above(Store& store, const std::set<std::int64_t>& orgs) {
  OrgTree tree;
  std::set<std::int64_t> seen(orgs.begin(), orgs.end());
  std::vector<std::int64_t> frontier(orgs.begin(), orgs.end());
  for (int depth = 0; depth < 16 && !frontier.empty(); ++depth) {
    std::vector<std::int64_t> next;
    for (std::int64_t org : frontier)
      for (const RelationRow& r : store.part_of_parents(EntityId{org})) {
        tree.add(r.from, r.to, part_of_is_current(r));
        if (seen.insert(raw(r.to)).second) next.push_back(raw(r.to));
      }
    frontier = std::move(next);
  }
  return tree;
}

void add_moves(Side& side, EntityId person, const std::vector<RelationRow>& career, const OrgTree& orgs) {
  for (Move& m : moves_of_career(person, career, &orgs))
    side.moves.emplace(Key{raw(m.person), raw(m.from), raw(m.to), m.date.str()}, std::move(m));
}

void read_side(Side& side, const std::vector<EntityId>& people, bool everyone) {
  if (!side.store) return;
  Store& store = *side.store;
  if (everyone) {
    const OrgTree orgs = read_org_tree(store);
    store.for_each_career(std::nullopt, [&](EntityId person, const std::vector<RelationRow>& career) {
      add_moves(side, person, career, orgs);
    });
    return;
  }
  std::vector<std::pair<EntityId, std::vector<RelationRow>>> careers;
  std::set<std::int64_t> orgs;
  for (EntityId person : people)
    store.for_each_career(person, [&](EntityId p, const std::vector<RelationRow>& career) {
      for (const RelationRow& r : career) {
        orgs.insert(raw(r.to));
        if (r.left) orgs.insert(raw(*r.left));
      }
      careers.emplace_back(p, career);
    });
  const OrgTree tree = chains_above(store, orgs);
  for (const auto& [person, career] : careers) add_moves(side, person, career, tree);
}

// Entities as read from one side, each once (an organisation ends many moves).
using EntityCache = std::unordered_map<std::int64_t, EntityRow>;

LoggedMove logged(Store& store, EntityCache& cache, const Move& m, int change) {
  LoggedMove out;
  out.change = change;
  out.person = m.person;
  out.from = m.from;
  out.to = m.to;
  auto entity = [&](EntityId id) -> const EntityRow& {
    auto it = cache.find(raw(id));
    if (it == cache.end()) it = cache.emplace(raw(id), store.entity(id).value_or(EntityRow{})).first;
    return it->second;
  };
  const EntityRow& from = entity(m.from);
  const EntityRow& to = entity(m.to);
  out.person_name = entity(m.person).name;
  out.from_name = from.name;
  out.to_name = to.name;
  out.from_country = from.country;
  out.to_country = to.country;
  if (m.from_location) out.from_location_country = entity(*m.from_location).country;
  if (m.to_location) out.to_location_country = entity(*m.to_location).country;
  out.date = m.date.str();
  out.basis = std::string(to_string(m.basis));
  // The arrival's evidence first (as `moves` shows it).
  for (auto it = m.relations.rbegin(); it != m.relations.rend(); ++it) {
    const auto evidence = store.evidence(*it);
    if (evidence.empty()) continue;
    out.source = evidence.front().source;
    out.quote = evidence.front().quote;
    out.url = evidence.front().source_url;
    break;
  }
  return out;
}

// Whether `person` (read in `before`) is now forgotten: a digest of one of their names is kept out.
bool forgotten(Store& store, Store& before, EntityId person) {
  if (!store.has_forgotten()) return false;
  return std::ranges::any_of(before.aliases(person),
                             [&](const AliasRow& a) { return store.is_forgotten(forgotten_name_digest(a.key)); });
}

}  // namespace

LogClock::LogClock() : start_(std::chrono::steady_clock::now()) {
  if (const char* fixed = std::getenv("TALENTGRAPH_NOW"); fixed && iso_utc(fixed)) fixed_ = fixed;
  started_ = now();
}

std::string LogClock::now() const { return fixed_ ? *fixed_ : utc_now(); }

std::int64_t LogClock::elapsed_ms() const {
  if (fixed_) return 0;
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start_).count();
}

std::optional<Store> open_committed(Store& store) {
  if (store.path().empty() || store.path() == ":memory:") return std::nullopt;
  auto opened = Store::open(store.path(), OpenMode::existing_only);
  if (!opened) throw StoreError(opened.error().str());
  return std::move(*opened);
}

bool part_of_changed(Store& store, Store* before, std::span<const FileOrigin> origins) {
  using Link = std::tuple<std::int64_t, std::int64_t, std::string, std::string, std::string>;
  auto links = [&](Store* s) {
    std::set<Link> out;
    if (s)
      for (const RelationRow& r : s->part_of_claimed_by(origins))
        out.emplace(raw(r.from), raw(r.to), r.start.str(), r.end.str(), r.status);
    return out;
  };
  return links(&store) != links(before);
}

std::vector<LoggedMove> diff_moves(Store& store, Store* before, const MoveScope& scope) {
  const bool everyone = scope.everyone || !before;
  std::vector<EntityId> people;
  if (!everyone) {
    people = store.career_people_of(scope.origins);
    for (EntityId p : before->career_people_of(scope.origins)) people.push_back(p);
    std::ranges::sort(people);
    people.erase(std::unique(people.begin(), people.end()), people.end());
  }
  Side after{&store, {}}, then{before, {}};
  read_side(after, people, everyone);
  read_side(then, people, everyone);
  std::vector<LoggedMove> out;
  EntityCache now_entities, then_entities;
  for (const auto& [key, m] : after.moves)
    if (!then.moves.contains(key)) out.push_back(logged(store, now_entities, m, +1));
  for (const auto& [key, m] : then.moves)
    if (!after.moves.contains(key) && !forgotten(store, *before, m.person))
      out.push_back(logged(*before, then_entities, m, -1));
  std::ranges::sort(out, [](const LoggedMove& a, const LoggedMove& b) {
    if (a.change != b.change) return a.change > b.change;
    return std::tie(a.person_name, a.date, a.from_name, a.to_name, a.person, a.from, a.to) <
           std::tie(b.person_name, b.date, b.from_name, b.to_name, b.person, b.from, b.to);
  });
  return out;
}

std::optional<std::vector<LoggedMove>> changed_moves(Store& store, bool was_empty, std::vector<FileOrigin> origins,
                                                     const IngestReport& report, bool everyone) {
  std::ranges::sort(origins);
  origins.erase(std::unique(origins.begin(), origins.end()), origins.end());
  if (was_empty) return diff_moves(store, nullptr, MoveScope{{}, true});
  std::optional<Store> before = open_committed(store);
  if (!before) return std::nullopt;
  const bool merged = report.curation_merges || !report.name_order_merges.empty();
  everyone = everyone || merged || part_of_changed(store, &*before, origins);
  return diff_moves(store, &*before, MoveScope{std::move(origins), everyone});
}

std::size_t count_moves(Store& store) {
  // What read_side would key, counted person by person: a move's key holds its person, so no
  // two people's keys are equal, and no map of every move is needed.
  const OrgTree orgs = read_org_tree(store);
  std::size_t count = 0;
  std::vector<std::tuple<std::int64_t, std::int64_t, std::string>> keys;
  store.for_each_career(std::nullopt, [&](EntityId person, const std::vector<RelationRow>& career) {
    keys.clear();
    for (const Move& m : moves_of_career(person, career, &orgs)) keys.emplace_back(raw(m.from), raw(m.to), m.date.str());
    std::ranges::sort(keys);
    count += static_cast<std::size_t>(std::ranges::distance(keys.begin(), std::unique(keys.begin(), keys.end())));
  });
  return count;
}

LogEntry log_entry(Store& store, const IngestReport& r, std::string kind, const LogClock& clock,
                   std::span<const LoggedMove> moves) {
  LogEntry e;
  e.generation = store.generation() + 1;
  e.kind = std::move(kind);
  e.started = clock.started();
  e.finished = clock.now();
  e.duration_ms = clock.elapsed_ms();
  auto n = [](std::size_t v) { return static_cast<std::int64_t>(v); };
  e.entities_added = n(r.entities_created);
  e.entities_retracted = n(r.retracted.entities);
  e.relations_added = n(r.relations_added);
  e.relations_retracted = n(r.retracted.relations);
  e.claims_added = n(r.claims_added);
  e.claims_retracted = n(r.retracted.claims);
  for (const LoggedMove& m : moves) ++(m.change > 0 ? e.moves_new : e.moves_retracted);
  return e;
}

}  // namespace tg::ingest
