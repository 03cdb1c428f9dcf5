// The folder side of `rebuild --sources DIR`: which files of the folder are sources, and what
// tells whether one changed since the store's manifest (Store::source_files) last saw it.
//
// A file is a source when some input format claims its name (inputs.h: .json, .jsonl, .csv,
// curation.json), found recursively; hidden files and folders (a name starting with '.', which
// covers Emacs's ".#name" locks and Vim's ".name.swp") and editor leftovers ("name~",
// "#name#", "*.swp", "*.swo", "*.tmp") are not.
//
// A change is told as ninja tells one: a file whose size and modification time (ns) are what the
// manifest says is not read at all. Otherwise its SHA-256 decides: the same bytes (a touched
// file) are unchanged. SHA-256 (graph/digest.h, already the sources' content hash) rather than the
// project's FNV-1a: a hash equal by accident would silently keep a changed file's old claims, and
// 64 bits that are not collision-resistant are not enough for a value kept on disk for years.
// Its cost is that of reading the file, and only files whose size or mtime moved pay it. A file
// modified in the two seconds before the rebuild is stored without its mtime (racy: it could
// change again within the clock's tick), so the next rebuild hashes it.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "graph/error.h"
#include "ingest/inputs.h"

namespace tg::ingest {

struct SourceFile {
  std::string rel;   // relative to the folder, '/' between parts: the manifest's key
  std::string path;  // the folder as given, joined with rel: what errors name
  InputFormat format = InputFormat::json;
  std::int64_t size = 0, mtime_ns = 0;
};

// Whether a file or folder name is left out of a rebuild (hidden, or an editor's leftover).
bool ignored_name(std::string_view name);

// The sources under `dir`, sorted by rel. A missing folder, or one that cannot be listed, is
// ErrorCode::io naming it.
Result<std::vector<SourceFile>> scan_sources(const std::string& dir);

// Size and modification time of one file, again (after it was read, to store what was read).
Result<void> stat_source(SourceFile& file);

}  // namespace tg::ingest
