#include "ingest/curation_rules.h"

#include <algorithm>
#include <optional>
#include <set>

#include <fmt/format.h>

#include "graph/digest.h"
#include "graph/names.h"
#include "ingest/writer.h"

namespace tg::ingest {
namespace {

std::string join_names(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) {
    if (!out.empty()) out.push_back(kSep);
    out += n;
  }
  return out;
}

std::vector<std::string> split_names(const std::string& joined) {
  std::vector<std::string> out;
  std::size_t pos = 0;
  while (true) {
    auto next = joined.find(kSep, pos);
    out.push_back(joined.substr(pos, next == std::string::npos ? std::string::npos : next - pos));
    if (next == std::string::npos) break;
    pos = next + 1;
  }
  return out;
}

}  // namespace

CurationIndex::Keys CurationIndex::keys_of(const std::string& name) {
  Keys keys;
  for (KeyStyle style : {KeyStyle::plain, KeyStyle::organisation})
    if (auto k = alias_key(name, style); !k.empty()) keys.insert(k);
  return keys;
}

void CurationIndex::add_same_as(const std::vector<std::string>& names) {
  // Groups that share a key are one group.
  Keys keys;
  for (const auto& n : names) keys.merge(keys_of(n));
  std::set<std::size_t> joined;
  for (const auto& k : keys)
    if (auto it = group_of_key.find(k); it != group_of_key.end()) joined.insert(it->second);
  std::size_t g = joined.empty() ? group_keys.size() : *joined.begin();
  if (joined.empty()) group_keys.emplace_back();
  for (std::size_t other : joined) {
    if (other == g) continue;
    for (auto& k : group_keys[other]) keys.insert(k);
    group_keys[other].clear();
  }
  group_keys[g].assign(keys.begin(), keys.end());
  for (const auto& k : keys) group_of_key[k] = g;
}

void CurationIndex::add_not_same_as(const std::string& a, const std::string& b) {
  apart.emplace_back(keys_of(a), keys_of(b));
}

std::string forgotten_name_digest(std::string_view key) { return sha256_hex(fmt::format("person{}{}", kSep, key)); }

std::string forgotten_id_digest(const ExternalId& id) {
  return sha256_hex(fmt::format("id{}{}{}{}", kSep, id.scheme, kSep, id.value));
}

std::size_t store_rules(Store& store, const Curation& curation) {
  std::size_t added = 0;
  for (const auto& g : curation.same_as) added += store.add_curation_rule("same_as", join_names(g)) ? 1 : 0;
  for (const auto& [a, b] : curation.not_same_as)
    added += store.add_curation_rule("not_same_as", join_names({a, b})) ? 1 : 0;
  for (const auto& [name, code] : curation.country)
    added += store.add_curation_rule("country", join_names({name, code})) ? 1 : 0;
  return added;
}

CurationIndex load_rules(Store& store) {
  CurationIndex index;
  for (const auto& [rule, names] : store.curation_rules()) {
    auto list = split_names(names);
    if (rule == "same_as") index.add_same_as(list);
    if (rule == "not_same_as" && list.size() == 2) index.add_not_same_as(list[0], list[1]);
    if (rule == "country" && list.size() == 2) index.pins.emplace_back(list[0], list[1]);
  }
  return index;
}

std::size_t apply_forget(Store& store, const std::string& name, std::unordered_set<std::string>& digests) {
  std::size_t removed = 0;
  const std::string k = alias_key(name, KeyStyle::plain);
  if (k.empty()) return 0;
  auto forget = [&](const std::string& digest) {
    store.add_forgotten(digest);
    digests.insert(digest);
  };
  forget(forgotten_name_digest(k));
  for (EntityId id : store.entities_with_alias_key(k)) {
    auto e = store.entity(id);
    if (!e || e->kind != NodeKind::person) continue;
    forget_entity(store, id, digests);
    ++removed;
  }
  return removed;
}

void forget_entity(Store& store, EntityId id, std::unordered_set<std::string>& digests) {
  auto forget = [&](const std::string& digest) {
    store.add_forgotten(digest);
    digests.insert(digest);
  };
  std::vector<std::string> keys;
  for (const auto& a : store.aliases(id)) {
    forget(forgotten_name_digest(a.key));
    keys.push_back(a.key);
  }
  for (const auto& ext : store.external_ids(id)) forget(forgotten_id_digest(ext));
  store.forget_logged_moves(id, keys);  // the write log's moves of theirs, under any id they had
  store.delete_entity(id);
}

namespace {
std::vector<EntityRow> entities_named(Store& store, const CurationIndex::Keys& keys) {
  std::vector<EntityRow> found;
  for (const auto& k : keys)
    for (EntityId id : store.entities_with_alias_key(k))
      if (auto e = store.entity(id); e && std::ranges::none_of(found, [&](const EntityRow& f) { return f.id == id; }))
        found.push_back(*e);
  std::ranges::sort(found, {}, [](const EntityRow& e) { return raw(e.id); });
  return found;
}
}  // namespace

void check_same_as_kinds(Store& store, const Curation& curation, Errors& errors) {
  for (std::size_t g = 0; g < curation.same_as.size(); ++g) {
    CurationIndex::Keys keys;
    for (const auto& n : curation.same_as[g]) keys.merge(CurationIndex::keys_of(n));
    const auto found = entities_named(store, keys);
    // One error per rule: the first pair of kinds that cannot be one entity.
    auto pair = [&]() -> std::optional<std::pair<const EntityRow*, const EntityRow*>> {
      for (std::size_t i = 0; i < found.size(); ++i)
        for (std::size_t j = i + 1; j < found.size(); ++j)
          if (!kinds_compatible(found[i].kind, found[j].kind)) return std::pair{&found[i], &found[j]};
      return std::nullopt;
    }();
    if (!pair) continue;
    const auto& [a, b] = *pair;
    const auto& [file, record] = curation.same_as_at[g];
    errors.add({ErrorCode::bad_data,
                fmt::format("same_as joins entities of different kinds: {} ({}, #{}) and {} ({}, #{})", a->name,
                            to_string(a->kind), raw(a->id), b->name, to_string(b->kind), raw(b->id)),
                Location{.file = file, .record = record}});
  }
}

void check_contradictions(const Curation& curation, const CurationIndex& index, Errors& errors) {
  using Keys = CurationIndex::Keys;
  auto groups_of = [&](const Keys& keys) {
    std::set<std::size_t> out;
    for (const auto& k : keys)
      if (auto it = index.group_of_key.find(k); it != index.group_of_key.end()) out.insert(it->second);
    return out;
  };
  auto meet = [](const auto& a, const auto& b) { return std::ranges::any_of(a, [&](const auto& x) { return b.contains(x); }); };
  std::vector<std::pair<Keys, Keys>> own;
  // 1. This run's not_same_as pairs: two names of one entity, or joined by a same_as group.
  for (std::size_t i = 0; i < curation.not_same_as.size(); ++i) {
    const auto& [a, b] = curation.not_same_as[i];
    Keys ka = CurationIndex::keys_of(a), kb = CurationIndex::keys_of(b);
    const auto& [file, record] = curation.not_same_as_at[i];
    if (meet(ka, kb))
      errors.add({ErrorCode::bad_data, fmt::format("not_same_as names one name twice (\"{}\" and \"{}\")", a, b),
                  Location{.file = file, .record = record}});
    else if (meet(groups_of(ka), groups_of(kb)))
      errors.add({ErrorCode::bad_data,
                  fmt::format("not_same_as keeps \"{}\" and \"{}\" apart, but a same_as rule makes them one entity: "
                              "keep one of the two rules",
                              a, b),
                  Location{.file = file, .record = record}});
    own.emplace_back(std::move(ka), std::move(kb));
  }
  // 2. This run's same_as groups against the stored not_same_as pairs of earlier runs.
  for (std::size_t g = 0; g < curation.same_as.size(); ++g) {
    Keys keys;
    for (const auto& n : curation.same_as[g]) keys.merge(CurationIndex::keys_of(n));
    const std::set<std::size_t> mine = groups_of(keys);
    for (const auto& [a, b] : index.apart) {
      if (std::ranges::any_of(own, [&](const auto& p) { return p.first == a && p.second == b; })) continue;
      if (!meet(groups_of(a), mine) || !meet(groups_of(b), mine)) continue;
      const auto& [file, record] = curation.same_as_at[g];
      errors.add({ErrorCode::bad_data,
                  "same_as makes one entity of two names that a stored not_same_as rule keeps apart: keep one of the "
                  "two rules",
                  Location{.file = file, .record = record}});
      break;
    }
  }
}

std::vector<std::pair<EntityId, std::string>> resolve_pins(Store& store, const CurationIndex& index) {
  std::vector<std::pair<EntityId, std::string>> out;
  for (const auto& [name, code] : index.pins)
    for (const auto& e : entities_named(store, CurationIndex::keys_of(name))) {
      if (e.kind == NodeKind::person) continue;
      std::erase_if(out, [&](const auto& p) { return p.first == e.id; });
      out.emplace_back(e.id, code);
    }
  return out;
}

std::size_t apply_same_as(Store& store, const CurationIndex& index, std::vector<EntityId>* merged) {
  std::size_t merges = 0;
  for (const auto& keys : index.group_keys) {
    std::vector<EntityRow> found;
    for (const auto& k : keys)
      for (EntityId id : store.entities_with_alias_key(k))
        if (auto e = store.entity(id);
            e && std::ranges::none_of(found, [&](const EntityRow& f) { return f.id == id; }))
          found.push_back(*e);
    std::ranges::sort(found, {}, [](const EntityRow& e) { return raw(e.id); });
    for (std::size_t i = 0; i < found.size(); ++i) {
      for (std::size_t j = i + 1; j < found.size(); ++j) {
        if (found[j].id == found[i].id || !kinds_compatible(found[i].kind, found[j].kind)) continue;
        store.merge_entities(found[i].id, found[j].id);
        if (merged) merged->push_back(found[i].id);
        found[j].id = found[i].id;
        ++merges;
      }
    }
  }
  return merges;
}

}  // namespace tg::ingest
