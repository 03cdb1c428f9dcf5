// The writers' lock of a store: one process at a time changes it (rebuild, ingest, forget).
// SQLite already serialises write transactions, but a rebuild reads files for a while before its
// transaction, and a second writer waiting on SQLite's busy timeout would time out half-way; this
// lock makes the second one stop at once, saying who holds it. Readers never take it (WAL gives
// them the state before the writer's transaction).
#pragma once

#include <string>

#include "graph/error.h"

namespace tg {

// An flock(2) on "DB.lock" beside the database, which holds the holder's pid (for the message).
// The kernel releases it when the holder exits, however it exits: a lock file left by a dead
// process is free.
class WriterLock {
 public:
  // Takes the lock without waiting. Held by another process: ErrorCode::busy, naming its pid.
  static Result<WriterLock> acquire(const std::string& db_path);

  WriterLock(WriterLock&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
  WriterLock& operator=(WriterLock&&) = delete;
  WriterLock(const WriterLock&) = delete;
  ~WriterLock();

  static std::string lock_path(const std::string& db_path) { return db_path + ".lock"; }

 private:
  explicit WriterLock(int fd) : fd_(fd) {}
  int fd_;
};

}  // namespace tg
