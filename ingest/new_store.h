// The first ingest into a store that does not exist yet: built aside, synced, then linked into
// place, so that each page is written once and no reader ever sees a half-built store.
#pragma once

#include <string>
#include <vector>

#include "graph/error.h"
#include "ingest/report.h"

namespace tg::ingest {

// Ingests into a store that does not exist yet. It is built in a side file ("DB.loading-PID":
// no write-ahead log, no syncs) and linked into place once complete and synced. If the run
// fails, or another process creates `db_path` meanwhile, nothing is left behind. Errors name
// `db_path`, not the side file.
// The side files' prefix: "DB.loading-" (then the PID, and "-journal", "-wal", "-shm").
std::string new_store_side_prefix(const std::string& db_path);

Result<IngestReport> ingest_new_store(const std::string& db_path, const std::vector<std::string>& paths,
                                      const IngestOptions& options);

}  // namespace tg::ingest
