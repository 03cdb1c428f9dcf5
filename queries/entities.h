// Entities as users name them: find one by any alias in any script, list matches for a fragment,
// and build an entity card (aliases, ids, timeline of relations with evidence, sources).
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "graph/error.h"
#include "graph/store.h"

namespace tg::queries {

// The alias-key function of the ingest side, passed in: queries never include ingest.
using KeyFunction = std::function<std::string(std::string_view name, bool organisation)>;

// The one entity a name denotes: an exact alias (any script, folded) first, else a unique
// search hit. Several fits: ErrorCode::ambiguous, listing them; none: ErrorCode::not_found.
Result<EntityId> find_entity(Store& store, std::string_view name, const KeyFunction& key);

std::vector<SearchHit> search_entities(Store& store, std::string_view text, const KeyFunction& key, int limit);

struct CardRelation {
  RelationRow relation;
  bool outgoing = true;          // the entity is `from`
  EntityId other{};
  std::string other_name;
  NodeKind other_kind = NodeKind::person;
  std::string left_name;         // `moved`
  std::vector<Evidence> evidence;
};

struct EntityCard {
  EntityRow entity;
  std::vector<AliasRow> aliases;
  std::vector<ExternalId> ids;
  std::vector<CardRelation> relations;  // timeline: dated first by start, then undated
  std::vector<std::string> sources;     // distinct source ids behind the relations
};

EntityCard entity_card(Store& store, EntityId id);

}  // namespace tg::queries
