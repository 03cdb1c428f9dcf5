#include "ingest/countries.h"

#include <algorithm>
#include <map>
#include <set>

#include <fmt/format.h>

namespace tg::ingest {

CountryConflict explain_country(Store& store, const EntityRow& e, const CurationIndex* index) {
  CountryConflict c;
  c.entity = fmt::format("{} ({}, #{})", e.name, to_string(e.kind), raw(e.id));
  c.chosen = e.country;
  c.claims = store.country_claims(e.id);
  bool pinned = false;
  if (index)
    for (const auto& [id, code] : resolve_pins(store, *index)) pinned = pinned || (id == e.id && code == e.country);
  const auto hq = is_organisation(e.kind) ? store.headquarters_countries(e.id)
                                          : std::vector<std::pair<std::string, std::string>>{};
  const auto at_hq = std::ranges::find_if(hq, [&](const auto& p) { return p.second == e.country; });
  if (pinned) {
    c.rule = "curation pin";
  } else if (at_hq != hq.end()) {
    c.rule = fmt::format("headquarters: {}", at_hq->first);
  } else {
    // Most origins; a tie is broken by confidence, then code, and left for a person to decide.
    // One vote a source, however many files or rows cite it.
    std::map<std::string, std::set<std::int64_t>> support;
    for (const auto& claim : c.claims) support[claim.country].insert(claim.source);
    std::size_t best = 0, at_best = 0;
    for (const auto& [country, sources] : support) {
      const std::size_t n = sources.size();
      if (n > best) {
        best = n;
        at_best = 0;
      }
      if (n == best) ++at_best;
    }
    c.unresolved = at_best > 1;
    c.rule = c.unresolved ? "unresolved: as many sources for each; highest confidence, then code (pin it with a "
                            "curation \"country\" rule)"
                          : "most sources";
  }
  return c;
}

void settle_countries(Store& store, const CurationIndex& index, std::vector<EntityId> touched, IngestReport& report) {
  const auto pins = resolve_pins(store, index);
  if (touched.empty() && pins.empty()) return;
  for (EntityId org : store.headquartered_in(touched)) touched.push_back(org);
  std::ranges::sort(touched, {}, [](EntityId id) { return raw(id); });
  touched.erase(std::unique(touched.begin(), touched.end()), touched.end());
  for (EntityId id : store.set_effective_countries(touched, pins))
    if (auto e = store.entity(id)) report.conflicts.push_back(explain_country(store, *e, &index));
}

}  // namespace tg::ingest
