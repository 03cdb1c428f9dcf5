// Whole-file reads and atomic whole-file writes, with errors that name the file.
#pragma once

#include <string>
#include <string_view>

#include "graph/error.h"

namespace tg {

// The file's bytes. Refuses what is not a regular file (a FIFO or a device would block or never
// end) and files over `max_bytes`; errors are ErrorCode::io and name the path.
Result<std::string> read_file(const std::string& path, std::size_t max_bytes = std::size_t(1) << 34);

// Writes `bytes` to `path` so that a reader sees the old file or the new one, never a part:
// a temporary file beside it ("path.tmp-PID"), fsynced, then renamed over `path`. On failure
// the temporary file is removed and `path` is untouched.
Result<void> write_file_atomic(const std::string& path, std::string_view bytes);

}  // namespace tg
