// The write log's moves as the CLI shows them: rebuild's report and `changes` print them alike.
#pragma once

#include <string>

#include "graph/store.h"
#include "tools/talentgraph/output.h"

namespace tg::cli {

// One move as JSON: person, from, to, countries, date (null when unknown), basis, evidence.
Value logged_move_json(const LoggedMove& m);
// One line: `Ann Lee: Acme (US) → Bolt (CN), 2021-03; s-a: "quote"`.
std::string logged_move_line(const LoggedMove& m);
// The entry's counts as JSON fields (generation, kind, times, files, entities, relations,
// claims, moves).
Object log_entry_json(const LogEntry& e);

}  // namespace tg::cli
