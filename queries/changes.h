// "What appeared and disappeared": the store's write log (Store::write_log, ingest/move_log.h),
// its entries since a point and their moves, filtered as `moves` filters — on what the log kept
// of each move (names, employer countries, date), so that a retracted move filters too.
#pragma once

#include <string>
#include <vector>

#include "graph/error.h"
#include "graph/moves.h"
#include "graph/store.h"

namespace tg::queries {

struct ChangeSearch {
  // Which entries: "last" (the newest), a generation N (N and later), or a date YYYY-MM-DD or
  // YYYY-MM (entries that finished on or after its first day, UTC).
  std::string since = "last";
  // A person or organisation by any of their names: the current store's entity of that name
  // (by id and every alias), and the name logged (by alias key: the entity may be gone).
  std::string person, from, to;
  std::string from_country, to_country;  // ISO 3166-1 alpha-2, upper-case ("" = any)
  MoveWindow window;                      // the move's date
};

struct ChangeEntry {
  LogEntry entry;
  // Those passing the filter, new first; none for the first load into an empty store
  // (entry.initial_load: the log counts its moves and does not itemise them).
  std::vector<LoggedMove> moves;
};

// The entries selected, oldest first. A --since that is none of the three forms is
// ErrorCode::usage.
Result<std::vector<ChangeEntry>> changes(Store& store, const ChangeSearch& search);

}  // namespace tg::queries
