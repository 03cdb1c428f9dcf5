// Whole-file reads and atomic whole-file writes, with errors that name the file.
#pragma once

#include <string>
#include <string_view>

#include "graph/error.h"

namespace tg {

// The file's bytes. Refuses what is not a regular file (a FIFO or a device would block or never
// end) and files over `max_bytes`; errors are ErrorCode::io and name the path.
Result<std::string> read_file(const std::string& path, std::size_t max_bytes = std::size_t(1) << 34);

// Whether an atomic write waits for the disk: `yes` (the default) syncs the file before the
// rename and the folder after it, so that after a crash the new file is there whole; `no` only
// keeps readers from seeing a part (for caches, which check themselves and are rebuilt).
enum class Sync : bool { no, yes };

// Writes `bytes` to `path` so that a reader sees the old file or the new one, never a part:
// a new temporary file beside it ("path.tmp-PID-N", never an existing one), then renamed over
// `path`. On failure the temporary file is removed and `path` is untouched.
Result<void> write_file_atomic(const std::string& path, std::string_view bytes, Sync sync = Sync::yes);

// The same written piece by piece (an export of gigabytes need not be held whole): the pieces go to
// the temporary file as they come; commit() renames it over `path`. Destroyed or moved-from
// without a commit, the temporary file is removed and `path` is untouched.
class AtomicFile {
 public:
  [[nodiscard]] static Result<AtomicFile> create(const std::string& path);
  AtomicFile(AtomicFile&& other) noexcept;
  AtomicFile& operator=(AtomicFile&&) = delete;
  AtomicFile(const AtomicFile&) = delete;
  ~AtomicFile();
  [[nodiscard]] Result<void> write(std::string_view bytes);
  [[nodiscard]] Result<void> commit(Sync sync = Sync::yes);
  // Syncs what was written so far, ahead of a commit that must be quick (its own sync then finds
  // nothing left to write).
  [[nodiscard]] Result<void> sync();

 private:
  AtomicFile(std::string path, std::string tmp, int fd) : path_(std::move(path)), tmp_(std::move(tmp)), fd_(fd) {}
  std::unexpected<Error> abandon(int err);
  std::string path_, tmp_;
  int fd_ = -1;
  bool done_ = false;
};

// The prefix of write_file_atomic's temporary files for `path`: "path.tmp-" (then PID-N).
std::string atomic_write_prefix(const std::string& path);

// Removes what killed processes left: every file named PREFIX + PID + anything not a digit (or
// nothing), beside PREFIX, whose PID is no running process ("graph.db.tgsnap.tmp-", and
// "graph.db.tgsnap.tmp-4242-0" goes when process 4242 is gone). A live process's files stay, as
// does a name whose PID the kernel reports as alive in another's use (so, at worst, one is left
// until that PID is free). PIDs are this PID namespace's: stores shared with processes of other
// namespaces (containers) are not told apart. Errors are ignored: the files are only litter.
void remove_files_of_dead_processes(const std::string& prefix);

}  // namespace tg
