#include "ingest/resolver.h"

#include <algorithm>
#include <set>

#include <fmt/format.h>

namespace tg::ingest {

std::string_view Resolver::key(std::string_view name, KeyStyle style, std::string_view* kept_name) {
  auto& cache = key_cache_[static_cast<int>(style)];
  const std::uint64_t h = cache.hash(name);
  Keyed* k = cache.find(name, h);
  if (!k) {
    const std::string_view kept = writer_.text().keep(name);
    k = &cache.insert(kept, h, Keyed{kept, writer_.text().keep(alias_key(name, style))});
  }
  if (kept_name) *kept_name = k->name;
  return k->key;
}

bool Resolver::forgotten(const EntitySpec& spec, const std::vector<std::string_view>& keys) {
  if (!check_forgotten_ || spec.kind != NodeKind::person) return false;
  auto is_forgotten = [&](const std::string& digest) {
    return forgotten_now_.contains(digest) || (store_ && store_->is_forgotten(digest));
  };
  for (const auto& k : keys)
    if (is_forgotten(forgotten_name_digest(k))) return true;
  for (const auto& id : spec.ids)
    if (is_forgotten(forgotten_id_digest(id))) return true;
  return false;
}

bool Resolver::kept_apart(const std::vector<std::string_view>& keys, EntityId candidate) {
  if (curation_.apart.empty()) return false;
  std::set<std::string, std::less<>> theirs;
  for (auto& k : writer_.alias_keys(candidate)) theirs.insert(std::move(k));
  auto meets = [](const std::set<std::string, std::less<>>& rule, const auto& keys) {
    return std::ranges::any_of(keys, [&](const auto& k) { return rule.contains(k); });
  };
  for (const auto& [a, b] : curation_.apart) {
    if ((meets(a, keys) && meets(b, theirs)) || (meets(b, keys) && meets(a, theirs))) return true;
  }
  return false;
}

bool Resolver::ids_conflict(const EntitySpec& spec, EntityId candidate) {
  if (spec.ids.empty()) return false;
  for (const auto& theirs : writer_.external_ids(candidate))
    for (const auto& ours : spec.ids)
      if (ours.scheme == theirs.scheme && ours.value != theirs.value) return true;
  return false;
}

std::string Resolver::describe(EntityId id) {
  auto e = writer_.entity(id);
  return e ? fmt::format("{} ({}, #{})", e->name, to_string(e->kind), raw(id)) : fmt::format("#{}", raw(id));
}

std::optional<EntityId> Resolver::resolve_uncached(const EntitySpec& spec, const Where& where) {
  const KeyStyle style = key_style(spec.kind);
  // Every name with its key, both kept for the run.
  std::vector<std::pair<std::string_view, std::string_view>> names;
  std::vector<std::string_view> keys;
  auto add_name = [&](std::string_view n) {
    std::string_view kept;
    const std::string_view k = key(n, style, &kept);
    names.emplace_back(kept, k);
    if (!k.empty() && std::ranges::find(keys, k) == keys.end()) keys.push_back(k);
  };
  add_name(spec.name);
  for (const auto& a : spec.aliases) add_name(a);
  if (forgotten(spec, keys)) {
    ++report_.forgotten_skipped;
    return std::nullopt;
  }

  std::optional<EntityId> chosen;
  // 1. Explicit identifiers win.
  std::vector<EntityId> by_id;
  for (const auto& id : spec.ids)
    if (auto e = writer_.entity_by_external_id(id); e && std::ranges::find(by_id, *e) == by_id.end())
      by_id.push_back(*e);
  if (!by_id.empty()) {
    chosen = by_id.front();
    if (by_id.size() > 1) report_ambiguity(spec, where, by_id);
  }
  // 2. Otherwise the alias keys (and their same_as groups), within compatible kinds.
  if (!chosen && !spec.anonymous) {
    std::vector<std::string_view> wanted = keys;
    if (!curation_.group_of_key.empty())
      for (const auto& k : keys) {
        if (auto g = curation_.group_of_key.find(std::string(k)); g != curation_.group_of_key.end())
          for (const auto& other : curation_.group_keys[g->second])
            if (std::ranges::find(wanted, other) == wanted.end()) wanted.push_back(other);
      }
    std::vector<EntityId> candidates;
    for (const auto& k : wanted) {
      for (EntityId id : writer_.entities_with_alias_key(k)) {
        if (std::ranges::find(candidates, id) != candidates.end()) continue;
        auto e = writer_.entity(id);
        if (!e || e->anonymous || !kinds_compatible(e->kind, spec.kind)) continue;
        if (ids_conflict(spec, id) || kept_apart(keys, id)) continue;
        candidates.push_back(id);
      }
    }
    if (candidates.size() == 1) chosen = candidates.front();
    if (candidates.size() > 1) report_ambiguity(spec, where, candidates);
  }

  EntityId id;
  if (chosen) {
    id = *chosen;
    const std::uint64_t h = matched_.hash(raw(id));
    if (!matched_.find(raw(id), h)) {
      matched_.insert(raw(id), h, true);
      ++report_.entities_matched;
    }
    if (!spec.country.empty()) writer_.set_country(id, writer_.intern(spec.country));
  } else {
    id = writer_.create_entity(spec.kind, names.front().first, writer_.intern(spec.country), spec.anonymous,
                               writer_.text().keep(spec.description));
    if (spec.kind == NodeKind::person && !spec.anonymous) note_name_order(id, spec, keys, where);
  }
  for (const auto& [n, k] : names)
    if (!k.empty()) writer_.add_alias(id, n, k);
  for (const auto& ext : spec.ids) writer_.add_external_id(id, ext);
  return id;
}

void Resolver::note_name_order(EntityId created, const EntitySpec& spec, const std::vector<std::string_view>& keys,
                               const Where& where) {
  // Names of two to four words: every other order of the words, joined as alias keys join them.
  // (A key can also be met by other words that join alike, "Ann Ali" for "Anna Li": the merge
  // step compares the words themselves.)
  constexpr std::size_t kMaxWords = 4;
  std::vector<std::string> orders;
  auto add_orders = [&](std::string_view name) {
    std::vector<std::string> words = name_tokens(name, KeyStyle::plain);
    if (words.size() < 2 || words.size() > kMaxWords) return;
    const std::string own = [&] {
      std::string k;
      for (const auto& w : words) k += w;
      return k;
    }();
    std::ranges::sort(words);
    do {
      std::string k;
      for (const auto& w : words) k += w;
      if (k != own && std::ranges::find(orders, k) == orders.end()) orders.push_back(std::move(k));
    } while (std::ranges::next_permutation(words).found);
  };
  add_orders(spec.name);
  for (const auto& a : spec.aliases) add_orders(a);
  for (const std::string& k : orders) {
    if (std::ranges::find(keys, k) != keys.end()) continue;  // one of its own names
    for (EntityId other : writer_.entities_with_alias_key(k)) {
      if (other == created) continue;
      auto e = writer_.entity(other);
      if (!e || e->anonymous || e->kind != NodeKind::person) continue;
      if (ids_conflict(spec, other) || kept_apart(keys, other)) continue;
      if (std::ranges::any_of(suspects_, [&](const NameOrderSuspect& s) {
            return s.created == created && s.existing == other;
          }))
        continue;
      suspects_.push_back({created, other, where.location().str()});
    }
  }
}

void Resolver::report_ambiguity(const EntitySpec& spec, const Where& where, const std::vector<EntityId>& candidates) {
  Ambiguity a;
  a.where = where.location().str();
  a.name = spec.name;
  a.kind = spec.kind;
  for (EntityId c : candidates) a.candidates.push_back(describe(c));
  report_.ambiguities.push_back(std::move(a));
}

}  // namespace tg::ingest
