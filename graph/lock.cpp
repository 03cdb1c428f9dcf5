#include "graph/lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

namespace tg {

Result<WriterLock> WriterLock::acquire(const std::string& db_path) {
  const std::string path = lock_path(db_path);
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  // No folder for the database: nothing can be written there either, and the command says why.
  if (fd < 0 && errno == ENOENT) return WriterLock(-1);
  if (fd < 0) return fail(ErrorCode::io, fmt::format("cannot open the lock file: {}", std::strerror(errno)), Location{.file = path});
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    const int why = errno;
    char buf[32] = {};
    const ssize_t n = ::pread(fd, buf, sizeof buf - 1, 0);
    ::close(fd);
    if (why != EWOULDBLOCK)
      return fail(ErrorCode::io, fmt::format("cannot lock: {}", std::strerror(why)), Location{.file = path});
    std::string pid(buf, n > 0 ? static_cast<std::size_t>(n) : 0);
    while (!pid.empty() && (pid.back() == '\n' || pid.back() == ' ')) pid.pop_back();
    return fail(ErrorCode::busy,
                fmt::format("another talentgraph (pid {}) is writing this database; try again when it is done",
                            pid.empty() ? "unknown" : pid),
                Location{.file = db_path});
  }
  // Ours: say who holds it. The pid is only for messages: the lock is the flock, not the text.
  const std::string pid = fmt::format("{}\n", ::getpid());
  if (::ftruncate(fd, 0) != 0 || ::pwrite(fd, pid.data(), pid.size(), 0) != static_cast<ssize_t>(pid.size())) {
    // A lock whose pid could not be written still locks; the message will say "unknown".
  }
  return WriterLock(fd);
}

WriterLock::~WriterLock() {
  if (fd_ >= 0) ::close(fd_);  // closing releases the flock
}

}  // namespace tg
