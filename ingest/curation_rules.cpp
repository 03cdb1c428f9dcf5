#include "ingest/curation_rules.h"

#include <algorithm>

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

void store_rules(Store& store, const Curation& curation) {
  for (const auto& g : curation.same_as) store.add_curation_rule("same_as", join_names(g));
  for (const auto& [a, b] : curation.not_same_as) store.add_curation_rule("not_same_as", join_names({a, b}));
}

CurationIndex load_rules(Store& store) {
  CurationIndex index;
  for (const auto& [rule, names] : store.curation_rules()) {
    auto list = split_names(names);
    if (rule == "same_as") index.add_same_as(list);
    if (rule == "not_same_as" && list.size() == 2) index.add_not_same_as(list[0], list[1]);
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
  for (const auto& a : store.aliases(id)) forget(forgotten_name_digest(a.key));
  for (const auto& ext : store.external_ids(id)) forget(forgotten_id_digest(ext));
  store.delete_entity(id);
}

std::size_t apply_same_as(Store& store, const CurationIndex& index) {
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
        found[j].id = found[i].id;
        ++merges;
      }
    }
  }
  return merges;
}

}  // namespace tg::ingest
