#include "ingest/new_store.h"

#include <array>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <optional>

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <fmt/format.h>

#include "graph/store.h"
#include "ingest/ingest.h"

namespace tg::ingest {
namespace {

namespace fs = std::filesystem;

// fsync of a file (O_RDWR) or a folder (O_RDONLY | O_DIRECTORY).
bool sync_path(const std::string& path, int flags) {
  const int fd = ::open(path.c_str(), flags);
  if (fd < 0) return false;
  const bool ok = ::fsync(fd) == 0;
  ::close(fd);
  return ok;
}

// An error about the side file, told about `db_path`: the name the user gave.
Error about_db(Error e, const std::string& side, const std::string& db_path) {
  if (e.location.file == side) e.location.file = db_path;
  return e;
}

// While a first ingest builds its side file, SIGINT, SIGTERM and SIGHUP remove the side files
// and end the process (exit 128 + the signal: 130, 143, 129) instead of leaving a half-built
// store. The names are made before the handlers are installed; the handler only calls unlink,
// write and _exit (async-signal-safe). SIGKILL cannot be caught: what it leaves goes with the
// next run (remove_files_of_dead_processes in the CLI).
constexpr std::size_t kSideNameMax = 4096;
constexpr std::array<const char*, 4> kSideSuffixes = {"", "-journal", "-wal", "-shm"};
char g_side_names[kSideSuffixes.size()][kSideNameMax];
volatile std::sig_atomic_t g_side_armed = 0;

extern "C" void remove_side_and_exit(int sig) {
  if (g_side_armed)
    for (auto& name : g_side_names) ::unlink(name);
  constexpr char kMessage[] = "talentgraph: interrupted: the new store was not created\n";
  (void)!::write(STDERR_FILENO, kMessage, sizeof kMessage - 1);
  ::_exit(128 + sig);
}

class SideFileGuard {
 public:
  explicit SideFileGuard(const std::string& side) {
    for (std::size_t i = 0; i < kSideSuffixes.size(); ++i) {
      const std::string name = side + kSideSuffixes[i];
      if (name.size() >= kSideNameMax) return;  // not armed: the next run removes them
      std::memcpy(g_side_names[i], name.c_str(), name.size() + 1);
    }
    g_side_armed = 1;
    struct sigaction action {};
    action.sa_handler = remove_side_and_exit;
    sigemptyset(&action.sa_mask);
    for (std::size_t i = 0; i < kSignals.size(); ++i) ::sigaction(kSignals[i], &action, &previous_[i]);
  }
  SideFileGuard(const SideFileGuard&) = delete;
  SideFileGuard& operator=(const SideFileGuard&) = delete;
  ~SideFileGuard() {
    if (!g_side_armed) return;
    for (std::size_t i = 0; i < kSignals.size(); ++i) ::sigaction(kSignals[i], &previous_[i], nullptr);
    g_side_armed = 0;
  }

 private:
  static constexpr std::array<int, 3> kSignals = {SIGINT, SIGTERM, SIGHUP};
  std::array<struct sigaction, kSignals.size()> previous_{};
};

}  // namespace

std::string new_store_side_prefix(const std::string& db_path) { return db_path + ".loading-"; }

Result<IngestReport> ingest_new_store(const std::string& db_path, const std::vector<std::string>& paths,
                                      const IngestOptions& options) {
  const std::string side = fmt::format("{}{}", new_store_side_prefix(db_path), ::getpid());
  auto remove_side = [&] {
    std::error_code ec;
    for (const char* suffix : {"", "-journal", "-wal", "-shm"}) fs::remove(side + suffix, ec);
  };
  remove_side();  // left by a crashed run of a process that had this pid
  std::optional<SideFileGuard> guard(std::in_place, side);
  // 1. Build the store aside, with the same passes as any ingest.
  Result<IngestReport> report = [&]() -> Result<IngestReport> {
    auto store = Store::open(side, OpenMode::initial_load);
    if (!store) return fail(about_db(store.error(), side, db_path));
    auto done = ingest(*store, paths, options, db_path);
    if (!done) return done;
    try {
      store->finish_initial_load();
    } catch (const StoreError& e) {
      return fail(ErrorCode::io, e.what(), Location{.file = db_path});
    }
    return done;
  }();
  if (!report || report->nothing_read) {  // nothing read: no store is created either
    remove_side();
    return report;
  }
  // 2. Durable before it is visible: the file, then its name (link fails if the name exists).
  if (!sync_path(side, O_RDWR)) {
    const int err = errno;
    remove_side();
    return fail(ErrorCode::io, fmt::format("cannot sync the new store: {}", std::strerror(err)), Location{.file = side});
  }
  if (::link(side.c_str(), db_path.c_str()) != 0) {
    const int err = errno;
    remove_side();
    if (err == EEXIST)
      return fail(ErrorCode::io,
                  "created by another process during this ingest; nothing was written (run it again to add to that "
                  "store)",
                  Location{.file = db_path});
    return fail(ErrorCode::io, fmt::format("cannot create: {}", std::strerror(err)), Location{.file = db_path});
  }
  guard.reset();  // the store is in place: a signal from now on must not say otherwise
  remove_side();
  // 3. The new name is durable too.
  const fs::path dir = fs::path(db_path).parent_path();
  sync_path(dir.empty() ? "." : dir.string(), O_RDONLY | O_DIRECTORY);
  return report;
}

}  // namespace tg::ingest
