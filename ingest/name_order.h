// One person written in two name orders ("Shengjia Zhao" by one outlet, "Zhao Shengjia" by
// another) is one person when the two share an organisation: an employer, a founding, either end
// of a move. Merged at the end of an ingest, after the run's relations are written, and reported;
// a curation `not_same_as` keeps two such people apart.
#pragma once

#include <span>

#include "graph/store.h"
#include "ingest/report.h"
#include "ingest/resolver.h"

namespace tg::ingest {

// Merges each created person into the one existing person whose name has the same words and who
// shares an organisation with it; a created person fitting several is reported as ambiguous and
// left alone. Returns how many were merged; the people kept are added to `merged` when given.
std::size_t merge_name_order_swaps(Store& store, std::span<const NameOrderSuspect> suspects, IngestReport& report,
                                   std::vector<EntityId>* merged = nullptr);

}  // namespace tg::ingest
