// A SQLite VFS that fails on purpose: it wraps the default VFS (and the io methods of every file
// it opens), is registered as the default VFS of the process, and follows a deterministic plan —
// "the Nth xWrite returns SQLITE_FULL", "the Nth xSync returns SQLITE_IOERR_FSYNC", "the Nth
// xWrite writes half its bytes and says the disk is full" (a short write, as the unix VFS reports
// one). It counts the operations of each kind, so that a test can run cleanly once, read the
// counts, and then fail each operation in turn, 1..count.
//
// Memory-mapped reads (xFetch) are declined, so that every read of a page goes through xRead and
// can be failed. Everything runs in one thread of one process: the counters are plain.
#pragma once

#include <array>
#include <cstdint>
#include <string>

namespace tg::faults {

enum class Op { read, write, sync, truncate };
inline constexpr std::array<Op, 4> kOps = {Op::read, Op::write, Op::sync, Op::truncate};
const char* to_string(Op op);

enum class Fault {
  full,         // the call returns SQLITE_FULL, writing nothing
  io_error,     // the call returns the kind's SQLITE_IOERR_* (READ, WRITE, FSYNC, TRUNCATE)
  short_write,  // xWrite only: the first half of the bytes is written, then SQLITE_FULL
};
const char* to_string(Fault fault);

struct Plan {
  Op op = Op::write;
  std::uint64_t nth = 1;  // the nth call of `op` after arm() (1-based) fails
  Fault fault = Fault::io_error;
  // After the nth call, every later call of `op` fails too (a disk that stays full), instead
  // of only the nth (a transient error).
  bool sticky = false;
};

struct Counts {
  std::array<std::uint64_t, kOps.size()> by_op{};
  std::uint64_t operator[](Op op) const { return by_op[static_cast<std::size_t>(op)]; }
};

// Installs the VFS as the process's default (idempotent) and returns it. Connections opened
// before the first call keep the VFS they were opened with.
class FailingVfs {
 public:
  static FailingVfs& install();

  // Starts counting from zero and fails as `plan` says.
  void arm(const Plan& plan);
  // Starts counting from zero, failing nothing.
  void count_only();
  // Stops failing (counting goes on).
  void disarm();

  const Counts& counts() const { return counts_; }
  // How many calls the plan failed since arm().
  std::uint64_t failures() const { return failures_; }

  // Called by the io methods: the SQLite result code the call must return instead of doing its
  // work (SQLITE_OK: do it). For a short write, `short_write` is set and the caller writes half.
  int decide(Op op, bool* short_write);

 private:
  FailingVfs() = default;
  Counts counts_;
  Plan plan_;
  bool armed_ = false;
  std::uint64_t failures_ = 0;
};

// A disarmed FailingVfs for a scope: whatever the test did, nothing fails once it ends.
class Disarm {
 public:
  Disarm() = default;
  Disarm(const Disarm&) = delete;
  Disarm& operator=(const Disarm&) = delete;
  ~Disarm() { FailingVfs::install().disarm(); }
};

}  // namespace tg::faults
