// The ingest report as the CLI prints it (cmd_store.cpp): ingest and rebuild both print it.
#pragma once

#include "ingest/report.h"
#include "tools/talentgraph/output.h"

namespace tg::cli {

// The table, on stderr.
void print_report(const ingest::IngestReport& r);
// The same as JSON (ingest --report json prints it on stdout).
Value report_json(const ingest::IngestReport& r);

}  // namespace tg::cli
