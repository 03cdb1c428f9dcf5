// `rebuild --sources DIR`: brings the store in line with a folder of sources, reading only what
// changed since the last rebuild (the manifest, Store::source_files; ingest/manifest.h says how a
// change is told), in one transaction.
//
// - An added or changed file is ingested; a changed file's old origins (its documents' source
//   ids and its CSV file name, as the manifest remembers them) are retracted first, so a source
//   id that a new version no longer gives loses its claims too.
// - A removed file's origins are retracted; nothing is read for it.
// - An unchanged file that gives an origin being retracted (a source id two files share) is read
//   again, so that its claims are written back.
// - What is left without claims goes (Store::finish_revisions).
// - `full`: every origin the store holds is retracted and every file ingested again.
// Nothing changed: no transaction, nothing written, the generation stays.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "graph/error.h"
#include "graph/store.h"
#include "ingest/report.h"

namespace tg::ingest {

struct RebuildOptions {
  std::string sources;      // the folder
  bool dry_run = false;     // do everything, then roll back
  bool keep_going = false;  // skip files with errors (they keep their previous claims)
  bool full = false;        // retract everything, ingest every file again
  std::size_t max_errors = 20;
  InputLimits limits;       // what one file may hold (ingest/limits.h)
  // Called once the rebuild knows it will write, before the transaction; its error ends the
  // rebuild with nothing written (the CLI checks the store's integrity there).
  std::function<Result<void>()> before_write;
};

// A file left out by --keep-going: its errors (with file:line:field), and its manifest entry
// left as it was, so that the next rebuild tries it again.
struct SkippedFile {
  std::string path;
  std::vector<Error> errors;
};

// A file the rebuild read: what it holds (as read alone, before resolution).
struct FileRead {
  std::string path;     // relative to the folder
  std::string state;    // "added", "changed", "read again" (unchanged, sharing a source id)
  std::size_t documents = 0, relations = 0, csv_rows = 0;
};

struct RebuildReport {
  // Files by what happened to them (rel paths, sorted); `unchanged` counts the files not read
  // and the touched ones read whose bytes were the same (`rehashed`).
  std::vector<std::string> added, changed, removed;
  std::size_t unchanged = 0, rehashed = 0;
  std::size_t reread = 0;  // unchanged files read again (they give an origin being retracted)
  std::vector<SkippedFile> skipped;
  IngestReport ingest;     // of the files ingested, with what the retractions took away
  bool written = false;    // a transaction was committed (false for a dry run or no change)
  std::int64_t generation = 0;  // the store's generation afterwards (what a dry run would make)
  std::vector<FileRead> files_read;  // by path
  // The moves that appeared (change +1) and disappeared (-1), new first (ingest/move_log.h);
  // what the log keeps of this rebuild. `moves_known` is false for a store in memory that held
  // something before (nothing to compare with).
  std::vector<LoggedMove> moves;
  bool moves_known = true;
  // The first load into an empty store (not --full): its `initial_moves` moves, every move it
  // made, are counted, not listed (`moves` is empty; the log keeps the count alone).
  bool initial_load = false;
  std::size_t initial_moves = 0;
  std::size_t moves_new() const;
  std::size_t moves_retracted() const { return initial_load ? 0 : moves.size() - moves_new(); }
  std::string started, finished;  // UTC ISO 8601 (ingest/move_log.h: LogClock)
  std::int64_t duration_ms = 0;
};

// A committed rebuild writes one entry to the store's write log (Store::log_write): its counts,
// times and moves; a dry run or a rebuild that changed nothing writes none.
//
// Errors of files (without keep_going) and of the run are ErrorCode::bad_data, naming
// file:line:field, and nothing is written.
Result<RebuildReport> rebuild(Store& store, const RebuildOptions& options);

}  // namespace tg::ingest
