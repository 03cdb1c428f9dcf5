// Entities as users name them: find one by any alias in any script, list matches for a fragment,
// build an entity card (aliases, ids, timeline of relations with evidence, sources), and count
// what the store holds.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "graph/error.h"
#include "graph/store.h"

namespace tg::queries {

// The one entity a name denotes: an exact alias (any script, folded) first, else a unique
// search hit. Several fits: ErrorCode::ambiguous, listing them; none: ErrorCode::not_found.
// Names are compared by their alias keys (graph/names.h), in both key styles.
Result<EntityId> find_entity(Store& store, std::string_view name);

// The one person `text` names, for what removes a person: `#ID`, `scheme:value`, or a name or
// alias that fits exactly (no fragment match). A name of several people is ErrorCode::ambiguous
// (they are listed with their #ID), of nobody ErrorCode::not_found, and an entity that is not a
// person ErrorCode::usage.
Result<EntityId> find_person(Store& store, std::string_view text);

// The one entity `name` denotes (find_entity's errors), for a command option that takes a
// person (`person` true) or an organisation: an entity of another kind is ErrorCode::usage,
// "Qiao Xinyue is a person, not an organisation: --to takes an organisation".
Result<EntityId> find_entity_for(Store& store, std::string_view name, bool person, std::string_view option);

// Names containing `text`, at most `limit` of them.
std::vector<SearchHit> search_entities(Store& store, std::string_view text, int limit);

struct CardRelation {
  RelationRow relation;
  bool outgoing = true;          // the entity is `from`
  EntityId other{};
  std::string other_name;
  NodeKind other_kind = NodeKind::person;
  std::string left_name;         // `moved`
  // `moved`, on the card of the organisation left: the person (`other`) left it for `to_name`.
  bool leaver = false;
  std::string to_name;
  std::string location_name;     // `worked_at` with a place of work
  std::vector<Evidence> evidence;
};

struct EntityCard {
  EntityRow entity;
  std::vector<AliasRow> aliases;
  std::vector<ExternalId> ids;
  std::vector<CardRelation> relations;  // timeline: dated first by start, then undated
  std::vector<std::string> sources;     // distinct source ids behind the relations
  // Every origin's country claim (most supported first); `country` is the one the rule chose.
  std::vector<CountryClaim> country_claims;
  // Whether origins claim more than one country, or one the rule did not choose.
  bool country_contested() const {
    for (const auto& c : country_claims)
      if (c.country != entity.country) return true;
    return false;
  }
};

// ErrorCode::not_found when the entity is gone (forgotten meanwhile). `as_of` (a day): only the
// relations that held at its end (held_at), and the sources behind them.
Result<EntityCard> entity_card(Store& store, EntityId id, std::optional<std::int32_t> as_of = {});
// The card of the one entity `name` denotes (find_entity's errors).
Result<EntityCard> entity_card(Store& store, std::string_view name, std::optional<std::int32_t> as_of = {});

// Whether a relation held at the end of `day`, as path and rank read --as-of: a known start after
// it or a known end before it rules it out; an undated relation holds.
bool held_at(const RelationRow& r, std::int32_t day);

// The store's counts with every kind listed (zero when absent), in the order of the kinds.
struct Counts {
  std::vector<std::pair<NodeKind, std::int64_t>> entities_by_kind;
  std::vector<std::pair<RelationKind, std::int64_t>> relations_by_kind;
  std::int64_t entities = 0, relations = 0, sources = 0, claims = 0, aliases = 0;
};
// `as_of` (a day): the relations are those that held at its end (held_at); the other counts are
// the store's (entities, aliases, sources and claims have no dates).
Counts counts(Store& store, std::optional<std::int32_t> as_of = {});

}  // namespace tg::queries
