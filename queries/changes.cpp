#include "queries/changes.h"

#include <algorithm>
#include <charconv>
#include <map>
#include <set>

#include <fmt/format.h>

#include "graph/names.h"
#include "queries/entities.h"

namespace tg::queries {
namespace {

// A name filter: ids of the current store's entity and alias keys (of the name given and the
// entity's aliases).
struct NameMatch {
  bool any = true;
  std::set<std::int64_t> ids;
  std::set<std::string> keys;
  KeyStyle style = KeyStyle::plain;

  bool admits(EntityId id, const std::string& logged_name) const {
    return any || ids.contains(raw(id)) || keys.contains(alias_key(logged_name, style));
  }
};

NameMatch name_match(Store& store, const std::string& name, bool person) {
  NameMatch m;
  if (name.empty()) return m;
  m.any = false;
  m.style = person ? KeyStyle::plain : KeyStyle::organisation;
  if (auto k = alias_key(name, m.style); !k.empty()) m.keys.insert(k);
  // The current entity of that name, when there is exactly one: its id and every alias.
  if (auto id = find_entity(store, name); id) {
    m.ids.insert(raw(*id));
    for (const auto& a : store.aliases(*id)) m.keys.insert(alias_key(a.name, m.style));
  }
  return m;
}

}  // namespace

Result<std::vector<ChangeEntry>> changes(Store& store, const ChangeSearch& search) {
  std::int64_t min_generation = 0;
  std::string finished_from;
  const std::string& since = search.since;
  if (since == "last") {
    const auto last = store.last_logged_generation();
    if (!last) return std::vector<ChangeEntry>{};
    min_generation = *last;
  } else if (!since.empty() && std::ranges::all_of(since, [](char c) { return c >= '0' && c <= '9'; })) {
    if (std::from_chars(since.data(), since.data() + since.size(), min_generation).ec != std::errc())
      return fail(ErrorCode::usage, fmt::format("--since: generation {} is out of range", since));
  } else {
    auto date = PartialDate::parse(since);
    if (since.find('-') == std::string::npos || !date)
      return fail(ErrorCode::usage,
                  fmt::format("--since: expected last, a generation (a number) or a date YYYY-MM-DD or YYYY-MM "
                              "(found \"{}\")",
                              since));
    finished_from = date->str();
  }
  const NameMatch person = name_match(store, search.person, true);
  const NameMatch from = name_match(store, search.from, false);
  const NameMatch to = name_match(store, search.to, false);

  std::vector<ChangeEntry> out;
  std::map<std::int64_t, std::size_t> at;
  for (LogEntry& e : store.write_log(min_generation, finished_from)) {
    at[e.generation] = out.size();
    out.push_back(ChangeEntry{std::move(e), {}});
  }
  if (out.empty()) return out;
  for (LoggedMove& m : store.logged_moves(out.front().entry.generation)) {
    auto it = at.find(m.generation);
    if (it == at.end()) continue;
    if (!person.admits(m.person, m.person_name) || !from.admits(m.from, m.from_name) || !to.admits(m.to, m.to_name))
      continue;
    if (!search.from_country.empty() && m.from_country != search.from_country) continue;
    if (!search.to_country.empty() && m.to_country != search.to_country) continue;
    PartialDate date;
    if (!m.date.empty())
      if (auto d = PartialDate::parse(m.date)) date = *d;
    if (!search.window.admits(date)) continue;
    out[it->second].moves.push_back(std::move(m));
  }
  return out;
}

}  // namespace tg::queries
