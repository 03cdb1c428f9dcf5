#include "queries/candidates.h"

#include <algorithm>
#include <map>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include <nlohmann/json.hpp>

#include "graph/names.h"

namespace tg::queries {
namespace {

// Exactly one insertion, deletion or substitution apart.
bool one_edit(const std::u32string& a, const std::u32string& b) {
  if (a == b) return false;
  const std::u32string& s = a.size() <= b.size() ? a : b;
  const std::u32string& l = a.size() <= b.size() ? b : a;
  if (l.size() - s.size() > 1) return false;
  std::size_t i = 0;
  while (i < s.size() && s[i] == l[i]) ++i;
  if (s.size() == l.size()) return std::equal(s.begin() + static_cast<std::ptrdiff_t>(i) + 1, s.end(), l.begin() + static_cast<std::ptrdiff_t>(i) + 1);
  return std::equal(s.begin() + static_cast<std::ptrdiff_t>(i), s.end(), l.begin() + static_cast<std::ptrdiff_t>(i) + 1);
}

struct Named {
  EntityId id{};
  NodeKind kind = NodeKind::person;
  std::string name;
  std::vector<std::string> names;  // canonical name and aliases
};

using Pair = std::pair<std::int64_t, std::int64_t>;
Pair ordered(EntityId x, EntityId y) { return raw(x) < raw(y) ? Pair{raw(x), raw(y)} : Pair{raw(y), raw(x)}; }

}  // namespace

std::vector<Candidate> find_candidates(Store& store, const CandidateQuery& query) {
  Store::ReadTransaction read(store);
  std::vector<Named> entities;
  std::unordered_map<std::int64_t, std::size_t> index;
  store.for_each_entity([&](const EntityRow& e) {
    if (e.anonymous) return;
    if (e.kind != NodeKind::person && !is_organisation(e.kind)) return;
    if (query.kind && !kinds_compatible(*query.kind, e.kind)) return;
    index[raw(e.id)] = entities.size();
    entities.push_back({e.id, e.kind, e.name, {e.name}});
  });
  for (Named& e : entities)
    for (const AliasRow& a : store.aliases(e.id))
      if (std::ranges::find(e.names, a.name) == e.names.end()) e.names.push_back(a.name);

  // Who is tied to what: people to organisations (employment, founding, leading, study, either
  // end of a move), organisations to their parents.
  std::unordered_map<std::int64_t, std::set<std::int64_t>> orgs_of_person, people_of_org, parents;
  std::set<Pair> part_of;
  store.for_each_relation({}, [&](const RelationRow& r) {
    if (ties_person_to_organisation(r.kind)) {
      orgs_of_person[raw(r.from)].insert(raw(r.to));
      people_of_org[raw(r.to)].insert(raw(r.from));
      if (r.left) {
        orgs_of_person[raw(r.from)].insert(raw(*r.left));
        people_of_org[raw(*r.left)].insert(raw(r.from));
      }
    } else if (r.kind == RelationKind::part_of) {
      parents[raw(r.from)].insert(raw(r.to));
      part_of.insert(ordered(r.from, r.to));
    }
  });

  // Pairs a curation rule keeps apart, by alias key.
  std::vector<std::pair<std::set<std::string>, std::set<std::string>>> apart;
  auto keys_of = [](const std::string& name) {
    std::set<std::string> keys;
    for (KeyStyle style : {KeyStyle::plain, KeyStyle::organisation})
      if (auto k = alias_key(name, style); !k.empty()) keys.insert(k);
    return keys;
  };
  for (const auto& [rule, joined] : store.curation_rules()) {
    if (rule != "not_same_as") continue;
    const auto sep = joined.find('\x1f');
    if (sep == std::string::npos) continue;
    apart.emplace_back(keys_of(joined.substr(0, sep)), keys_of(joined.substr(sep + 1)));
  }
  auto kept_apart = [&](const Named& x, const Named& y) {
    auto has = [](const Named& e, const std::set<std::string>& keys) {
      return std::ranges::any_of(e.names, [&](const std::string& n) {
        return keys.contains(alias_key(n, key_style(e.kind)));
      });
    };
    return std::ranges::any_of(apart, [&](const auto& p) {
      return (has(x, p.first) && has(y, p.second)) || (has(x, p.second) && has(y, p.first));
    });
  };

  // People kept apart by their ids: different values of one scheme.
  std::unordered_map<std::int64_t, std::vector<ExternalId>> ids;
  for (const Named& e : entities)
    if (e.kind == NodeKind::person)
      if (auto list = store.external_ids(e.id); !list.empty()) ids[raw(e.id)] = std::move(list);
  auto ids_conflict = [&](const Named& x, const Named& y) {
    auto ix = ids.find(raw(x.id)), iy = ids.find(raw(y.id));
    if (ix == ids.end() || iy == ids.end()) return false;
    for (const ExternalId& a : ix->second)
      for (const ExternalId& b : iy->second)
        if (a.scheme == b.scheme && a.value != b.value) return true;
    return false;
  };
  // How many entities answer to each alias key, by key style: a name that is not unique cannot
  // be written as a same_as rule for one pair.
  std::unordered_map<std::string, std::size_t> holders;
  for (const Named& e : entities) {
    std::set<std::string> keys;
    for (const std::string& n : e.names) keys.insert(alias_key(n, key_style(e.kind)));
    for (const auto& k : keys) ++holders[k];
  }
  auto unique_name = [&](const Named& e, const std::string& name) { return holders[alias_key(name, key_style(e.kind))] <= 1; };

  std::map<Pair, Candidate> found;
  auto note = [&](const Named& x, const Named& y, const std::string& xm, const std::string& ym, const char* reason) {
    if (x.id == y.id || kept_apart(x, y) || ids_conflict(x, y)) return;
    const bool swap = raw(y.id) < raw(x.id);
    const Named& a = swap ? y : x;
    const Named& b = swap ? x : y;
    auto [it, fresh] = found.try_emplace(ordered(x.id, y.id));
    Candidate& c = it->second;
    if (fresh) {
      c.a = {a.id, a.name, a.kind, swap ? ym : xm};
      c.b = {b.id, b.name, b.kind, swap ? xm : ym};
      c.names_unique = unique_name(a, c.a.matched) && unique_name(b, c.b.matched);
    }
    if (std::ranges::find(c.reasons, reason) == c.reasons.end()) c.reasons.push_back(reason);
  };

  // People: the same words in another order, or one edit apart, when they share an organisation.
  auto share_org = [&](const Named& x, const Named& y) {
    const auto& ox = orgs_of_person[raw(x.id)];
    const auto& oy = orgs_of_person[raw(y.id)];
    return std::ranges::any_of(ox, [&](std::int64_t o) { return oy.contains(o); });
  };
  {
    std::unordered_map<std::string, std::vector<std::pair<std::size_t, std::string>>> by_words;
    std::unordered_map<std::u32string, std::vector<std::pair<std::size_t, std::string>>> by_deletion;
    for (std::size_t i = 0; i < entities.size(); ++i) {
      const Named& e = entities[i];
      if (e.kind != NodeKind::person) continue;
      for (const std::string& n : e.names) {
        const std::string words = token_set_key(n, KeyStyle::plain);
        if (words.find(' ') != std::string::npos) by_words[words].emplace_back(i, n);
        const std::u32string cps = code_points(alias_key(n, KeyStyle::plain));
        if (cps.size() < query.min_letters) continue;
        // Two keys one edit apart share a key with one code point deleted (or one is the
        // other with one deleted): index every such deletion.
        std::set<std::u32string> variants{cps};
        for (std::size_t d = 0; d < cps.size(); ++d) variants.insert(cps.substr(0, d) + cps.substr(d + 1));
        for (const auto& v : variants) by_deletion[v].emplace_back(i, n);
      }
    }
    for (const auto& [words, list] : by_words)
      for (std::size_t p = 0; p < list.size(); ++p)
        for (std::size_t q = p + 1; q < list.size(); ++q) {
          const Named &x = entities[list[p].first], &y = entities[list[q].first];
          if (x.id == y.id || !share_org(x, y)) continue;
          // Namesakes written alike were kept apart on purpose (ids, an ambiguity): say so.
          const bool same = alias_key(list[p].second, KeyStyle::plain) == alias_key(list[q].second, KeyStyle::plain);
          note(x, y, list[p].second, list[q].second, same ? "same name" : "name order");
        }
    for (const auto& [key, list] : by_deletion)
      for (std::size_t p = 0; p < list.size(); ++p)
        for (std::size_t q = p + 1; q < list.size(); ++q) {
          const Named &x = entities[list[p].first], &y = entities[list[q].first];
          if (x.id == y.id || !share_org(x, y)) continue;
          if (one_edit(code_points(alias_key(list[p].second, KeyStyle::plain)),
                       code_points(alias_key(list[q].second, KeyStyle::plain))))
            note(x, y, list[p].second, list[q].second, "one edit");
        }
  }

  // Organisations: every word of one name among the other's, when they share people or a parent
  // and neither is known to be part of the other.
  auto share_people_or_parent = [&](const Named& x, const Named& y) {
    const auto& px = people_of_org[raw(x.id)];
    const auto& py = people_of_org[raw(y.id)];
    if (std::ranges::any_of(px, [&](std::int64_t p) { return py.contains(p); })) return true;
    const auto& ax = parents[raw(x.id)];
    const auto& ay = parents[raw(y.id)];
    return std::ranges::any_of(ax, [&](std::int64_t p) { return ay.contains(p); });
  };
  {
    struct Words {
      std::size_t entity;
      std::string name;
      std::vector<std::string> words;
    };
    std::vector<Words> all;
    std::unordered_map<std::string, std::vector<std::size_t>> by_word;
    for (std::size_t i = 0; i < entities.size(); ++i) {
      if (!is_organisation(entities[i].kind)) continue;
      for (const std::string& n : entities[i].names) {
        auto words = name_tokens(n, KeyStyle::organisation);
        std::ranges::sort(words);
        words.erase(std::unique(words.begin(), words.end()), words.end());
        if (words.empty()) continue;
        for (const auto& w : words) by_word[w].push_back(all.size());
        all.push_back({i, n, std::move(words)});
      }
    }
    for (const Words& small : all) {
      // Candidates hold the rarest of its words.
      const std::string* rarest = &small.words.front();
      for (const auto& w : small.words)
        if (by_word[w].size() < by_word[*rarest].size()) rarest = &w;
      for (std::size_t j : by_word[*rarest]) {
        const Words& big = all[j];
        if (big.words.size() <= small.words.size()) continue;
        if (!std::ranges::includes(big.words, small.words)) continue;
        const Named &x = entities[small.entity], &y = entities[big.entity];
        if (x.id == y.id || part_of.contains(ordered(x.id, y.id)) || !share_people_or_parent(x, y)) continue;
        note(x, y, small.name, big.name, "name contained");
      }
    }
  }

  // What links each pair, for the reader to judge.
  auto name_of = [&](std::int64_t id) {
    auto it = index.find(id);
    if (it != index.end()) return entities[it->second].name;
    auto e = store.entity(EntityId{id});
    return e ? e->name : std::string();
  };
  std::vector<Candidate> out;
  for (auto& [pair, c] : found) {
    auto add_shared = [&](const std::set<std::int64_t>& x, const std::set<std::int64_t>& y, const char* how) {
      for (std::int64_t v : x)
        if (y.contains(v)) c.shared.push_back({EntityId{v}, name_of(v), how});
    };
    if (c.a.kind == NodeKind::person) {
      add_shared(orgs_of_person[raw(c.a.id)], orgs_of_person[raw(c.b.id)], "organisation");
    } else {
      add_shared(people_of_org[raw(c.a.id)], people_of_org[raw(c.b.id)], "person");
      add_shared(parents[raw(c.a.id)], parents[raw(c.b.id)], "parent");
    }
    out.push_back(std::move(c));
  }
  return out;
}

std::string candidates_as_curation(const std::vector<Candidate>& candidates, std::size_t* left_out) {
  nlohmann::ordered_json groups = nlohmann::ordered_json::array();
  std::size_t skipped = 0;
  for (const Candidate& c : candidates) {
    if (!c.names_unique) {
      ++skipped;
      continue;
    }
    groups.push_back({c.a.matched, c.b.matched});
  }
  if (left_out) *left_out = skipped;
  nlohmann::ordered_json out = {{"same_as", groups}, {"not_same_as", nlohmann::ordered_json::array()},
                                {"forget", nlohmann::ordered_json::array()}};
  return out.dump(2) + "\n";
}

}  // namespace tg::queries
