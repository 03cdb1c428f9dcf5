// Applying curation to a store: rules kept in the store (same_as, not_same_as), the index that
// resolution consults, forgetting people (and the digests that keep them out of later runs), and
// the same_as merges at the end of a run.
#pragma once

#include <cstddef>
#include <set>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "graph/store.h"
#include "ingest/curation.h"

namespace tg::ingest {

// Curation rules indexed by alias key. Names carry no kind, so each is keyed both ways.
struct CurationIndex {
  using Keys = std::set<std::string, std::less<>>;
  std::unordered_map<std::string, std::size_t> group_of_key;
  std::vector<std::vector<std::string>> group_keys;
  std::vector<std::pair<Keys, Keys>> apart;
  std::vector<std::pair<std::string, std::string>> pins;  // country pins: name, code

  static Keys keys_of(const std::string& name);
  void add_same_as(const std::vector<std::string>& names);
  void add_not_same_as(const std::string& a, const std::string& b);
};

// The digests under which a forgotten person is kept out (no name is stored).
std::string forgotten_name_digest(std::string_view key);
std::string forgotten_id_digest(const ExternalId& id);

// Stores the same_as and not_same_as rules of `curation` (forget rules are applied, not kept).
std::size_t store_rules(Store& store, const Curation& curation);  // how many were new
// Every rule the store holds, indexed.
CurationIndex load_rules(Store& store);

// Deletes the people a forget rule names and records their digests (also in `digests`).
// Returns how many were removed.
std::size_t apply_forget(Store& store, const std::string& name, std::unordered_set<std::string>& digests);
// Deletes one person and records the digests of every alias and id of theirs (also in `digests`),
// so that later ingests leave them out.
void forget_entity(Store& store, EntityId id, std::unordered_set<std::string>& digests);

// Merges the entities that a same_as group names, within compatible kinds; returns how many
// and adds to `merged` the entities kept.
std::size_t apply_same_as(Store& store, const CurationIndex& index, std::vector<EntityId>* merged = nullptr);

// The same_as groups of this run's curation that name entities of incompatible kinds (a person
// and a company): one error each, naming both entities and the rule.
void check_same_as_kinds(Store& store, const Curation& curation, Errors& errors);

// The rules of this run's `curation` that contradict a rule of `index` (every rule, stored and
// new): a not_same_as pair whose two names one same_as group joins. One error each, at the rule
// of this run (the not_same_as, else the same_as group).
void check_contradictions(const Curation& curation, const CurationIndex& index, Errors& errors);

// The entities that country pins name (organisations, places, anything but people), with the
// pinned code; a later pin of one entity wins.
std::vector<std::pair<EntityId, std::string>> resolve_pins(Store& store, const CurationIndex& index);

}  // namespace tg::ingest
