#include "queries/entities.h"

#include <algorithm>

#include <fmt/format.h>

#include "graph/names.h"

namespace tg::queries {

namespace {

std::string key_of(std::string_view name, bool organisation) {
  return alias_key(name, organisation ? KeyStyle::organisation : KeyStyle::plain);
}

// `#ID` or `scheme:value` (an external id as stored): the entity it names, if the text has that
// form; nullopt when it has not (then it is read as a name).
std::optional<Result<EntityId>> by_reference(Store& store, std::string_view text) {
  if (text.size() > 1 && text[0] == '#' &&
      std::ranges::all_of(text.substr(1), [](char c) { return c >= '0' && c <= '9'; })) {
    std::int64_t id = 0;
    for (char c : text.substr(1)) id = id * 10 + (c - '0');
    if (text.size() > 19 || !store.entity(EntityId{id})) return fail(ErrorCode::not_found, fmt::format("no entity {}", text));
    return Result<EntityId>(EntityId{id});
  }
  const auto colon = text.find(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 == text.size()) return std::nullopt;
  if (auto id = store.entity_by_external_id(text.substr(0, colon), text.substr(colon + 1))) return Result<EntityId>(*id);
  return std::nullopt;
}

// The forms that name each of several entities: "  Wang Xing (person, #13, wikidata:Q42)".
std::string listing(Store& store, const std::vector<EntityId>& ids) {
  std::string list;
  for (EntityId id : ids) {
    auto e = store.entity(id);
    if (!e) continue;
    list += fmt::format("\n  {} ({}, #{}", e->name, to_string(e->kind), raw(id));
    for (const auto& x : store.external_ids(id)) list += fmt::format(", {}:{}", x.scheme, x.value);
    list += ")";
  }
  return list;
}

Error ambiguous(Store& store, std::string_view name, const std::vector<EntityId>& ids, std::string_view what) {
  return Error(ErrorCode::ambiguous, fmt::format("\"{}\" fits {} {}; name one by its #ID or an id shown:{}", name,
                                                 ids.size(), what, listing(store, ids)));
}

// Entities with an alias key of `name` in the key style of their kind.
std::vector<EntityId> exact_matches(Store& store, std::string_view name) {
  std::vector<EntityId> found;
  for (bool organisation : {false, true}) {
    const std::string k = key_of(name, organisation);
    if (k.empty()) continue;
    for (EntityId id : store.entities_with_alias_key(k)) {
      auto e = store.entity(id);
      if (e && is_organisation(e->kind) == organisation && std::ranges::find(found, id) == found.end())
        found.push_back(id);
    }
  }
  return found;
}

}  // namespace

Result<EntityId> find_entity(Store& store, std::string_view name) {
  if (auto ref = by_reference(store, name)) return *ref;
  std::vector<EntityId> found = exact_matches(store, name);
  if (found.empty()) {
    // No exact alias: a unique fragment match will do ("moonshot" for Moonshot AI).
    auto hits = search_entities(store, name, 6);
    if (hits.size() == 1) return hits.front().id;
    if (hits.empty()) return fail(ErrorCode::not_found, fmt::format("no entity named \"{}\"", name));
    for (const auto& h : hits) found.push_back(h.id);
  }
  if (found.size() == 1) return found.front();
  return fail(ambiguous(store, name, found, "entities"));
}

Result<EntityId> find_entity_for(Store& store, std::string_view name, bool person, std::string_view option) {
  auto id = find_entity(store, name);
  if (!id) return id;
  auto e = store.entity(*id);
  if (!e) return fail(ErrorCode::not_found, fmt::format("no entity {}", name));
  const bool fits = person ? e->kind == NodeKind::person : is_organisation(e->kind);
  if (!fits) {
    const std::string_view wanted = person ? "a person" : "an organisation";
    const std::string_view article = std::string_view("aeio").find(to_string(e->kind)[0]) != std::string_view::npos ? "an" : "a";
    return fail(ErrorCode::usage, fmt::format("{} is {} {}, not {}: {} takes {}", e->name, article, to_string(e->kind),
                                              person ? "a person" : "an organisation", option, wanted));
  }
  return id;
}

Result<EntityId> find_person(Store& store, std::string_view text) {
  auto not_a_person = [&](EntityId id) -> std::unexpected<Error> {
    auto e = store.entity(id);
    return fail(ErrorCode::usage, fmt::format("{} is a {}, not a person: forget removes people", e ? e->name : std::string(text),
                                              e ? to_string(e->kind) : "entity"));
  };
  if (auto ref = by_reference(store, text)) {
    if (!*ref) return *ref;
    auto e = store.entity(**ref);
    if (!e || e->kind != NodeKind::person) return not_a_person(**ref);
    return *ref;
  }
  std::vector<EntityId> people, others;
  for (EntityId id : exact_matches(store, text)) {
    auto e = store.entity(id);
    (e && e->kind == NodeKind::person ? people : others).push_back(id);
  }
  if (people.size() == 1) return people.front();
  if (people.size() > 1) return fail(ambiguous(store, text, people, "people"));
  if (!others.empty()) return not_a_person(others.front());
  return fail(ErrorCode::not_found, fmt::format("no person named \"{}\" (forget takes a whole name or alias, #ID or scheme:value)", text));
}

std::vector<SearchHit> search_entities(Store& store, std::string_view text, int limit) {
  // Search both key styles: "alibaba group" should find Alibaba even with the legal words.
  std::vector<SearchHit> hits;
  for (bool organisation : {false, true}) {
    const std::string k = key_of(text, organisation);
    if (k.empty()) continue;
    for (auto& h : store.search_keys(k, limit))
      if (std::ranges::none_of(hits, [&](const SearchHit& x) { return x.id == h.id; })) hits.push_back(std::move(h));
  }
  // Nothing by key: the text may be a word keys fold away ("Group" of "Alibaba Group").
  if (hits.empty()) hits = store.search_names(text, limit);
  if (static_cast<int>(hits.size()) > limit) hits.resize(static_cast<std::size_t>(limit));
  return hits;
}

bool held_at(const RelationRow& r, std::int32_t day) {
  return !(r.start.known() && r.start.first_day() > day) && !(r.end.known() && r.end.last_day() < day);
}

Result<EntityCard> entity_card(Store& store, EntityId id, std::optional<std::int32_t> as_of) {
  EntityCard card;
  auto entity = store.entity(id);
  if (!entity) return fail(ErrorCode::not_found, fmt::format("no entity #{}", raw(id)));
  card.entity = std::move(*entity);
  card.aliases = store.aliases(id);
  card.ids = store.external_ids(id);
  card.country_claims = store.country_claims(id);
  for (RelationRow& r : store.relations_touching(id)) {
    if (as_of && !held_at(r, *as_of)) continue;
    CardRelation c;
    c.outgoing = r.from == id;
    c.other = c.outgoing ? r.to : r.from;
    if (r.left && *r.left == id && r.from != id && r.to != id) {  // the entity was left
      c.other = r.from;
      c.leaver = true;
      if (auto to = store.entity(r.to)) c.to_name = to->name;
    }
    if (auto other = store.entity(c.other)) {
      c.other_name = other->name;
      c.other_kind = other->kind;
    }
    if (r.left)
      if (auto left = store.entity(*r.left)) c.left_name = left->name;
    if (r.location)
      if (auto place = store.entity(*r.location)) c.location_name = place->name;
    c.evidence = store.evidence(r.id);
    for (const auto& e : c.evidence)
      if (std::ranges::find(card.sources, e.source) == card.sources.end()) card.sources.push_back(e.source);
    c.relation = std::move(r);
    card.relations.push_back(std::move(c));
  }
  std::ranges::stable_sort(card.relations, [](const CardRelation& a, const CardRelation& b) {
    const auto& x = a.relation.start;
    const auto& y = b.relation.start;
    if (x.known() != y.known()) return x.known();
    return x.known() && x.first_day() < y.first_day();
  });
  return card;
}

Result<EntityCard> entity_card(Store& store, std::string_view name, std::optional<std::int32_t> as_of) {
  auto id = find_entity(store, name);
  if (!id) return fail(id.error());
  return entity_card(store, *id, as_of);
}

Counts counts(Store& store, std::optional<std::int32_t> as_of) {
  const Stats s = store.stats();
  Counts c{{}, {}, s.entities, s.relations, s.sources, s.claims, s.aliases};
  for (int k = 0; k < kNodeKindCount; ++k) c.entities_by_kind.emplace_back(static_cast<NodeKind>(k), 0);
  for (int k = 0; k < kRelationKindCount; ++k) c.relations_by_kind.emplace_back(static_cast<RelationKind>(k), 0);
  for (auto [kind, n] : s.entities_by_kind) c.entities_by_kind[static_cast<std::size_t>(kind)].second = n;
  for (auto [kind, n] : s.relations_by_kind) c.relations_by_kind[static_cast<std::size_t>(kind)].second = n;
  if (as_of) {
    c.relations = 0;
    for (auto& kind : c.relations_by_kind) kind.second = 0;
    store.for_each_relation({}, [&](const RelationRow& r) {
      if (!held_at(r, *as_of)) return;
      ++c.relations;
      ++c.relations_by_kind[static_cast<std::size_t>(r.kind)].second;
    });
  }
  return c;
}

}  // namespace tg::queries
