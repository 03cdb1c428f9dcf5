#include "ingest/name_order.h"

#include <algorithm>
#include <map>
#include <set>

#include <fmt/format.h>

#include "graph/names.h"

namespace tg::ingest {
namespace {

// The organisations a person is tied to by their career: employer, founding, leading, study,
// either end of a move.
std::set<std::int64_t> organisations_of(Store& store, EntityId person) {
  std::set<std::int64_t> orgs;
  for (const RelationRow& r : store.relations_touching(person)) {
    if (r.from != person || !ties_person_to_organisation(r.kind)) continue;
    orgs.insert(raw(r.to));
    if (r.left) orgs.insert(raw(*r.left));
  }
  return orgs;
}

// The sorted words of each multi-word name of an entity.
std::set<std::string> word_sets(Store& store, const EntityRow& e) {
  std::set<std::string> sets;
  auto add = [&](const std::string& name) {
    std::string k = token_set_key(name, KeyStyle::plain);
    if (k.find(' ') != std::string::npos) sets.insert(std::move(k));
  };
  add(e.name);
  for (const AliasRow& a : store.aliases(e.id)) add(a.name);
  return sets;
}

std::string describe(const EntityRow& e) { return fmt::format("{} (person, #{})", e.name, raw(e.id)); }

}  // namespace

std::size_t merge_name_order_swaps(Store& store, std::span<const NameOrderSuspect> suspects, IngestReport& report,
                                   std::vector<EntityId>* kept) {
  // Each created person with the existing people it may be, in the order they were met.
  std::map<std::int64_t, std::vector<const NameOrderSuspect*>> by_created;
  for (const NameOrderSuspect& s : suspects) by_created[raw(s.created)].push_back(&s);
  std::size_t merged = 0;
  std::set<std::int64_t> gone;  // merged away earlier in this pass
  for (const auto& [created_raw, list] : by_created) {
    const EntityId created{created_raw};
    auto c = store.entity(created);
    if (!c || gone.contains(created_raw)) continue;
    const std::set<std::string> words = word_sets(store, *c);
    const std::set<std::int64_t> orgs = organisations_of(store, created);
    struct Fit {
      EntityRow person;
      std::vector<std::string> shared;
    };
    std::vector<Fit> fits;
    for (const NameOrderSuspect* s : list) {
      if (gone.contains(raw(s->existing))) continue;
      auto e = store.entity(s->existing);
      if (!e) continue;
      const std::set<std::string> theirs = word_sets(store, *e);
      if (std::ranges::none_of(words, [&](const std::string& w) { return theirs.contains(w); })) continue;
      Fit fit{*e, {}};
      for (std::int64_t o : organisations_of(store, e->id))
        if (orgs.contains(o))
          if (auto org = store.entity(EntityId{o})) fit.shared.push_back(org->name);
      if (!fit.shared.empty()) fits.push_back(std::move(fit));
    }
    if (fits.empty()) continue;
    const std::string where = list.front()->where;
    if (fits.size() > 1) {
      Ambiguity a{where, c->name, NodeKind::person, {}};
      for (const Fit& f : fits) a.candidates.push_back(describe(f.person) + " (names in another order)");
      report.ambiguities.push_back(std::move(a));
      continue;
    }
    const Fit& fit = fits.front();
    report.name_order_merges.push_back({where, c->name, describe(fit.person), fit.shared});
    store.merge_entities(fit.person.id, created);
    if (kept) kept->push_back(fit.person.id);
    gone.insert(created_raw);
    ++merged;
  }
  return merged;
}

}  // namespace tg::ingest
