// The country an entity is shown with, from every origin's claim (schema v4 mentions), by one
// documented rule instead of arrival order: a curation pin, else the country of a place the
// organisation is headquartered_in, else the country most origins give (ties: highest
// confidence, then code, and reported as unresolved). Recomputed whenever claims change.
#pragma once

#include <span>
#include <vector>

#include "graph/store.h"
#include "ingest/curation_rules.h"
#include "ingest/report.h"

namespace tg::ingest {

// Sets the effective country of `touched` (and of what a pin names, and of the organisations
// headquartered in touched places) and adds to `report` each entity whose origins disagree.
void settle_countries(Store& store, const CurationIndex& index, std::vector<EntityId> touched, IngestReport& report);

// Why `id` has the country it has, given its competing claims (for reports and `show`).
CountryConflict explain_country(Store& store, const EntityRow& entity, const CurationIndex* index);

}  // namespace tg::ingest
